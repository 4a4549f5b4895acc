/*
 * sl_extract: the engine of `sluice extract`, which streams a table or a
 * query's rows to CSV.
 *
 * A table whose primary key is one integer column is read by --threads
 * workers, each on its own connection, in key ranges: a worker takes the next
 * range when it finishes one. Other tables, and queries, are read by one
 * stream. Every read is unbuffered (sl_select.h), and the rows pass from the
 * workers to the one output through a fixed pool of chunks per worker, so
 * memory does not grow with the table.
 *
 * Consistency (how the workers see one state of the table): see
 * sl_snapshot.h. A --query is read without a snapshot.
 */
#ifndef SL_EXTRACT_H
#define SL_EXTRACT_H

#include <stdint.h>
#include <stdio.h>

#include "sl_conn.h"
#include "sl_err.h"
#include "sl_shard.h"
#include "sl_snapshot.h"
#include "sl_tls.h"

struct sl_extract_config {
    const char *from;  /* mysql://.../db/table, or .../db with query */
    const char *query; /* NULL: read the table named in from */
    const char *where; /* NULL, or a condition on the table's rows */
    const char *to;    /* a file name, or "-" for stdout */
    unsigned threads;
    int threads_set; /* --threads was given (not the default) */
    enum sl_consistency consistency;
    int order_by_pk;            /* rows in primary-key order */
    uint64_t chunk_rows;        /* rows per key range, roughly */
    uint64_t file_rows;         /* 0, or split the output into parts of this many rows */
    uint64_t file_size;         /* 0, or parts of at most this many bytes of CSV */
    int overwrite;              /* replace existing files; 0: an existing one stops the run */
    unsigned connect_timeout;   /* --connect-timeout in seconds; 0: the default */
    struct sl_conn_flags flags; /* -u -h -P -S -p */
    int zstd_level;             /* 0: plain text */
    int zstd_workers;
    int header;     /* write a header record */
    int binary_hex; /* binary columns as hex digits */
    int dry_run;    /* read and format every row, create no file (sl_csv_out.h) */
    const char *defaults_file;
    const char *session_sql;
    const char *time_zone;
    struct sl_tls tls;        /* --ssl-*; a URL's own ssl-* parameters win */
    int progress;             /* 0 (-q): no advice or notices, only errors and the warnings
                                 that guard data */
    int progress_mode;        /* how progress is drawn: an enum sl_progress_mode */
    struct sl_shard shard;    /* --shard: only this shard's part of the key span */
    double max_rows_per_sec;  /* --max-rate: rows a second, or */
    double max_bytes_per_sec; /* value bytes a second; 0: no limit */
};

struct sl_extract_result {
    char source[512]; /* the URL, password masked */
    int started;      /* the server accepted the read: a failure now is not a set-up error */
    uint64_t rows;
    uint64_t text_bytes; /* CSV bytes */
    uint64_t file_bytes; /* bytes written (compressed size for .zst) */
    unsigned parts;      /* output files */
    uint64_t ranges;     /* key ranges; 1 for a single stream */
    unsigned streams;    /* worker connections that read */
    double seconds;
    int interrupted;   /* stopped by a signal; nothing was left under the final name */
    struct sl_err err; /* kind SL_ERR_NONE on success */
};

/* Runs the extract. Notices and progress go to log. Returns 0 when every row
 * was written and the output renamed into place, or -1 with result->err set
 * (or result->interrupted); no output is left under the final name then.
 * The counts in result are valid either way. */
int sl_extract_run(const struct sl_extract_config *c, struct sl_extract_result *result, FILE *log);

#endif
