/*
 * sl_load: one `sluice load` run, from checked options to the final counts.
 *
 * Everything that can be checked before rows move is checked first: the
 * target URL, the files and their headers, the connection, the table and its
 * columns. Only then are the writer connections opened and the pipeline
 * started. The result says whether the failure came before any work (nothing
 * was written) or during it.
 *
 * A dry run does every check, reads every source to its end through the
 * transforms and the client-side column checks, and lists the rows that
 * would be rejected, but writes nothing: its statements are SELECTs. Checks
 * only the server makes (a duplicate key, say) are not made.
 */
#ifndef SL_LOAD_H
#define SL_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_conn.h"
#include "sl_csv.h"
#include "sl_csv_unit.h"
#include "sl_deferred.h"
#include "sl_err.h"
#include "sl_shard.h"
#include "sl_tls.h"
#include "sl_write_method.h"
#include "sl_write_mode.h"

struct sl_sniff_file;

struct sl_load_config {
    char *const *sources; /* files, globs, or "-" */
    size_t nsources;
    const char *into;          /* mysql://... URL naming db and table */
    const char *defaults_file; /* NULL or an option file with [client] */
    struct sl_csv_dialect dialect;
    enum sl_csv_header header; /* what the first lines are */
    unsigned header_lines;     /* how many lines the header spans (0: 1) */
    const char *encoding;      /* NULL: UTF-8 */
    int ragged_pad;            /* short records get NULLs instead of a reject */
    int ignore_extra;          /* extra fields are dropped instead of a reject */
    int jsonl;                 /* the files are JSON Lines, not CSV */
    const char *json_map;      /* jsonl: "field[=column],..." or NULL */
    const char *columns;       /* NULL or "a,b,c" */
    unsigned threads;          /* writer connections */
    size_t batch_rows;         /* rows per INSERT */
    size_t txn_rows;           /* rows per COMMIT */
    size_t txn_bytes;          /* --profile: a chunk also ends at this many value bytes; 0: none */
    size_t stmt_bytes;         /* --profile: statements at most this long; 0: max_allowed_packet */
    const char *session_sql;
    const char *time_zone;
    struct sl_tls tls;            /* --ssl-*; a URL's own ssl-* parameters win */
    const char *before_sql;       /* NULL or statements run on the target before any row */
    const char *after_sql;        /* NULL or statements run on the target after success */
    int progress;                 /* 0 (-q): no advice or notices, only errors and the warnings
                                     that guard data */
    int progress_mode;            /* how progress is drawn: an enum sl_progress_mode */
    double max_rows_per_sec;      /* --max-rate: rows a second, or */
    double max_bytes_per_sec;     /* value bytes a second; 0: no limit */
    int binary_hex;               /* binary columns are given as hex digits (sl_hex.h) */
    enum sl_write_mode mode;      /* --mode */
    enum sl_method_choice method; /* --method */
    enum sl_defer defer_indexes;  /* --defer-indexes, --no-defer-indexes (sl_load_indexes.h) */
    const char *update_columns;   /* NULL or "a,b": what --mode upsert updates */
    int keep_old;                 /* --mode swap keeps the old table as <table>__sluice_old */
    char *const *transforms;      /* --transform specs (sl_transform.h) */
    size_t ntransforms;

    const char *rejects;        /* non-NULL: --on-error skip, rejects to PATH.csv/.log */
    uint64_t max_rejects;       /* 0: no limit */
    unsigned retries;           /* retries of a transient error */
    unsigned connect_timeout;   /* --connect-timeout in seconds; 0: the default */
    struct sl_conn_flags flags; /* -u -h -P -S -p */
    unsigned retry_max_seconds;
    struct sl_shard shard;             /* --shard i/n: only this shard's part of the files */
    enum sl_hosts_policy hosts_policy; /* a cluster URL: which host each connection takes */
    int checkpoint;                    /* record committed ranges in the target */
    const char *checkpoint_db; /* the database of sluice_checkpoints (created if missing), or
                                  NULL: the target's own */
    int resume;                /* skip the ranges an earlier run committed (needs checkpoint;
                                  the caller checks option combinations) */
    int dry_run;               /* check and read everything, change nothing: one
                                  connection, no hooks, no truncate or swap, no
                                  checkpoint or rejects files; bad rows are listed on
                                  log, all of them (no --max-rejects stop) */
    /* non-NULL: a missing target table is created with these sniffed
     * columns (--create-table), before anything else looks at it */
    const struct sl_sniff_file *create_from;
};

/* What a load did with one of its files. */
struct sl_load_file {
    char *path;             /* as opened ("-": stdin); owned */
    long long size;         /* bytes on disk, or -1 when unknown */
    uint64_t rows_written;  /* its rows in committed chunks (under --mode ignore, those the
                               target skipped as well; in a dry run, those that would be) */
    uint64_t rows_rejected; /* its bad rows, in committed chunks */
    uint64_t keep_start;    /* --shard: the records read start at offsets from here */
    uint64_t keep_end;      /* to before here (UINT64_MAX: the file's end) */
};

/* The rows that went through one host of a cluster URL. */
struct sl_load_node {
    char name[300]; /* host[:port] */
    uint64_t rows;  /* committed through it */
};

struct sl_load_result {
    struct sl_load_node *nodes; /* a cluster URL: per host; freed by sl_load_result_release */
    size_t nnodes;
    int galera;                 /* the target reported wsrep_on */
    struct sl_load_file *files; /* the files, in reading order; freed by
                                   sl_load_result_release */
    size_t nfiles;
    int started;           /* 0: stopped before any row could be written */
    int dry_run;           /* the config's dry_run */
    struct sl_shard shard; /* the config's shard */
    uint64_t rows_read;
    uint64_t rows_written;  /* committed (0 in a dry run) */
    uint64_t rows_to_write; /* a dry run: the rows that passed every check */
    uint64_t rows_rejected;
    uint64_t rows_ignored; /* --mode ignore: skipped because their key was taken */
    uint64_t rows_updated; /* --mode upsert: existing rows changed; replace: old rows
                              deleted to make way (counted in rows_written too) */
    uint64_t retries;
    int interrupted;     /* a signal stopped it; --resume continues */
    uint64_t raw_bytes;  /* read from the files */
    uint64_t data_bytes; /* parsed, after decompression */
    double seconds;
    const char *method;   /* how rows were sent: "insert" or "load-data" */
    char method_why[160]; /* why auto chose insert, or "" */
    char target[512];     /* the target, password masked */
    char *finish_sql;     /* the ALTER TABLE that puts back the indexes the load left off,
                             or NULL; malloc'd: freed by sl_load_result_release */
    struct sl_err err;    /* kind SL_ERR_NONE on success */
};

/* Runs the load. Progress, retries and notices go to log. Returns 0 when the
 * load finished or was interrupted (result->interrupted), or -1 with
 * result->err set; the counts in result are valid either way. */
int sl_load_run(const struct sl_load_config *c, struct sl_load_result *result, FILE *log);

/* Frees what a result holds. */
void sl_load_result_release(struct sl_load_result *result);

#endif
