/*
 * sl_copy: the engine of `sluice copy`, which streams tables from one server
 * to another and proves the copy exact.
 *
 * Plan (one thread, before any row moves): list the source tables (a table,
 * a --tables list or glob, or the whole schema); decide per table what
 * --if-exists says; create the missing target tables from SHOW CREATE TABLE
 * (a large one, or every one with --defer-indexes, with only its primary
 * key: see enum sl_defer); check that every copied
 * column exists on the target and that INSERT is allowed. A problem found
 * here stops the run before data moves.
 *
 * Copy: source readers, each on its own connection inside one consistent
 * snapshot (sl_snapshot.h), read primary-key ranges unbuffered; tables
 * without an integer leading key column are read by one stream. Larger
 * tables are read first. Rows travel as the server's own bytes in a fixed
 * pool of batches (no CSV in between; integers and dates as binary values,
 * sl_value.h) to writer connections, which insert them with the load's
 * multi-row prepared INSERT in chunked transactions. Once a table's rows are
 * all committed, an index builder on a connection of its own adds its
 * deferred indexes while the copy of other tables goes on.
 *
 * Verify: each reader sums up the range it read in the same snapshot
 * (sl_checksum.h); each range is summed on the target as soon as its rows
 * are committed, and once the table is complete (its indexes added) the
 * ranges are compared. A mismatch names its key range.
 *
 * Checkpoints: each committed batch is recorded in the target database's
 * sluice_checkpoints table in the batch's own transaction (sl_checkpoint.h),
 * and each complete key range once all its rows are in. --resume reads them
 * back and copies only what is missing (sl_copy_resume.c). A successful copy
 * deletes them.
 *
 * Dry run: the plan and its checks (including, per table, the privileges
 * its action and mode need and, for an existing target, a prepared INSERT),
 * then a COUNT(*) of each source table under --where. Nothing is created,
 * locked or written.
 */
#ifndef SL_COPY_H
#define SL_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_conn.h"
#include "sl_deferred.h"
#include "sl_err.h"
#include "sl_shard.h"
#include "sl_snapshot.h"
#include "sl_tls.h"
#include "sl_write_method.h"
#include "sl_write_mode.h"

enum sl_if_exists {
    SL_IF_EXISTS_FAIL, /* a target table that exists stops the run before it starts */
    SL_IF_EXISTS_SKIP,
    SL_IF_EXISTS_TRUNCATE,
    SL_IF_EXISTS_DROP,
    SL_IF_EXISTS_APPEND,
};

/* A table the copy creates gets its secondary indexes and foreign keys in
 * CREATE TABLE, or in one ALTER TABLE after its rows (the CREATE TABLE still
 * holds them all; they are taken off the empty table): see enum sl_defer.
 * Under SL_DEFER_AUTO, a table of at least this many rows (the source's
 * estimate) whose target account holds ALTER is deferred. */
#define SL_COPY_DEFER_ROWS 100000

struct sl_copy_config {
    const char *from;   /* mysql://.../db[/table] */
    const char *to;     /* mysql://.../db[/table] (a table only for one source table) */
    const char *tables; /* NULL, or a comma list of names and globs */
    const char *where;  /* NULL, or a condition on the source rows */
    unsigned threads;   /* writer connections */
    unsigned readers;   /* source reader connections */
    enum sl_consistency consistency;
    enum sl_if_exists if_exists;
    enum sl_write_mode mode;    /* --mode; truncate is --if-exists truncate */
    const char *update_columns; /* NULL or "a,b": what --mode upsert updates */
    int keep_old;               /* --mode swap keeps the old tables as <table>__sluice_old */
    enum sl_defer defer_indexes;
    enum sl_method_choice method;      /* --method */
    int verify;                        /* compare each table after copying it */
    int verify_only;                   /* compare only: nothing is created or written */
    int dry_run;                       /* plan, check and count the source rows; change nothing
                                          (no hooks, DDL, snapshot lock or rows) */
    struct sl_shard shard;             /* --shard: only this shard's part of each table */
    enum sl_hosts_policy hosts_policy; /* a cluster URL: which host each connection takes */
    int checkpoint;            /* record each committed batch in the target's sluice_checkpoints */
    const char *checkpoint_db; /* the database of sluice_checkpoints (created if missing), or
                                  NULL: the target database */
    int resume;                /* finish an interrupted copy: skip the rows it committed */
    uint64_t chunk_rows;
    size_t batch_rows;          /* rows per INSERT */
    uint64_t txn_rows;          /* rows per transaction */
    size_t txn_bytes;           /* --profile: a chunk also ends at this many value bytes; 0: none */
    size_t stmt_bytes;          /* --profile: statements at most this long; 0: max_allowed_packet */
    unsigned retries;           /* retries of a transient write error, replaying the chunk */
    unsigned connect_timeout;   /* --connect-timeout in seconds; 0: the default */
    struct sl_conn_flags flags; /* -u -h -P -S -p: for both sides */
    unsigned retry_max_seconds; /* give up retrying one chunk after this long */
    const char *from_defaults_file;
    const char *to_defaults_file;
    const char *session_sql;
    const char *time_zone;
    struct sl_tls tls;        /* --ssl-*; a URL's own ssl-* parameters win */
    const char *before_sql;   /* NULL or statements run on the target before any row */
    const char *after_sql;    /* NULL or statements run on the target after success */
    int progress;             /* 0 (-q): no advice or notices, only errors and the warnings
                                 that guard data */
    int progress_mode;        /* how progress is drawn: an enum sl_progress_mode */
    double max_rows_per_sec;  /* --max-rate: rows a second, or */
    double max_bytes_per_sec; /* value bytes a second; 0: no limit */
    /* from PostgreSQL (loader/xcopy) only: */
    const char *type_map; /* NULL, or "pg-type=MYSQL TYPE,..." (--type-map) */
    int skip_rejects;     /* --on-error skip: a value the target cannot take is a reject */
    const char *rejects;  /* NULL, or where rejects go (PATH.csv, PATH.log) */
    uint64_t max_rejects; /* 0: no limit */
};

enum sl_copy_state {
    SL_COPY_DONE,    /* every row committed */
    SL_COPY_SKIPPED, /* --if-exists skip */
    SL_COPY_FAILED,  /* stopped by an error: err says which */
    SL_COPY_NOT_RUN, /* the run stopped before the table's turn */
};

enum sl_copy_verdict {
    SL_VERIFY_NONE, /* not compared */
    SL_VERIFY_PASS,
    SL_VERIFY_FAIL,
};

struct sl_copy_table_result {
    char source[400]; /* db.table, as the user reads it */
    char target[400];
    enum sl_copy_state state;
    enum sl_copy_verdict verdict;
    uint64_t rows;         /* rows committed on the target (compared, for --verify-only) */
    uint64_t rows_ignored; /* --mode ignore: skipped because their key was taken */
    uint64_t rows_updated; /* --mode upsert: existing rows changed; replace: old rows
                              deleted to make way */
    uint64_t bytes;        /* value bytes of those rows */
    double seconds;
    char note[SL_ERR_MSG_MAX]; /* the error, the mismatch, or why it was not verified */
    char action[16];           /* a dry run: create, drop, create, truncate, append, skip or
                                  swap; rows is then the source rows a copy would move */
    char *finish_sql;          /* NULL, or the ALTER TABLE that adds the deferred indexes and
                                  foreign keys this run left off the table (the table is then
                                  FAILED); freed by sl_copy_result_release */
};

struct sl_copy_result {
    char source[512]; /* the URLs, password masked */
    char target[512];
    int started; /* the plan passed: a failure now is not a set-up error */
    int interrupted;
    int swapped;          /* --mode swap: the new tables were renamed into place */
    uint64_t retries;     /* transient write errors retried */
    uint64_t rejected;    /* rows rejected (a copy from PostgreSQL, --on-error skip) */
    const char *method;   /* how rows were sent: "insert" or "load-data"; NULL before */
    char method_why[160]; /* why auto chose insert, or "" */
    struct sl_copy_table_result *tables;
    size_t ntables;
    double seconds;
    struct sl_err err; /* a failure of the run as a whole */
};

/* Runs the copy (or, with verify_only, the comparison). PASS/FAIL lines,
 * notices and progress go to log. Returns 0 when every table was copied (or
 * skipped) and every comparison passed; -1 otherwise, with result->err set
 * for a failure of the whole run, or the failed tables marked in
 * result->tables. Release the result with sl_copy_result_release(). */
int sl_copy_run(const struct sl_copy_config *c, struct sl_copy_result *result, FILE *log);

/* Frees the table results. */
void sl_copy_result_release(struct sl_copy_result *result);

#endif
