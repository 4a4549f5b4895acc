/*
 * The private state of one copy, shared by sl_copy.c (the plan and the
 * schema), sl_copy_stage.c (the readers and writers) and sl_copy_verify.c
 * (the comparison). Not an interface for other modules.
 */
#ifndef SL_COPY_RUN_H
#define SL_COPY_RUN_H

#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_checkpoint.h"
#include "sl_conn.h"
#include "sl_copy.h"
#include "sl_create_table.h"
#include "sl_key_ranges.h"
#include "sl_mysql_sink.h"
#include "sl_mysql_source.h"
#include "sl_mysql_writer.h"
#include "sl_progress.h"
#include "sl_queue.h"
#include "sl_table.h"
#include "sl_table_keys.h"
#include "sl_value.h"

/* A batch is handed on once its values pass this many bytes (a single row
 * may be larger, up to the target's max_allowed_packet), or at CBATCH_ROWS
 * rows, fewer when the table is so wide that its cells would pass
 * CBATCH_CELLS. */
#define CBATCH_SOFT_BYTES (1024 * 1024)
#define CBATCH_ROWS       10000
#define CBATCH_CELLS      (256 * 1024)

/* A writer commits its chunk at --txn-rows rows, or once it holds this many
 * value bytes: a chunk's batches are held until COMMIT, to be replayed. */
#define CCHUNK_BYTES (16 * 1024 * 1024)

/* A copy batch's start and end (struct sl_batch) are positions of the
 * MySQL source (sl_mysql_pos: the key range and the ordinals of its rows);
 * this ordinal marks a key range complete in the checkpoints. */
#define SL_CPOS_COMPLETE ((UINT64_C(1) << SL_MYSQL_POS_BITS) - 1)

/* What the plan decided for one table. */
enum ct_action {
    CT_CREATE,   /* the target table is new */
    CT_RECREATE, /* dropped, then created */
    CT_TRUNCATE,
    CT_APPEND,
    CT_SKIP,
    CT_VERIFY, /* --verify-only */
    CT_SWAP,   /* --mode swap: written into <name>__sluice_new, renamed at the end */
    CT_RESUME, /* --resume: the target exists; only what its checkpoints lack is copied */
};

/* One key range: its sums on each side, and how far its rows have got. */
struct crange {
    uint64_t src_rows, dst_rows;
    char src_sum[72], dst_sum[72]; /* SUM()'s DECIMAL text */
    int src_done, dst_done;
    /* --resume: the batches of this range committed before (sorted, as
     * sl_mysql_pos, within ctable.done), and whether the range was complete */
    const struct sl_span *skip;
    size_t nskip;
    int complete_before;
    /* guarded by crun.mu: */
    uint64_t dropped; /* batches dropped (told when the range is complete) */
    int complete;     /* read, and every batch committed or dropped */
};

/* What the verifier is told: range `range` of ct is complete; (CV_ROWS)
 * every row of ct is committed, while its deferred indexes may still be
 * being added; or (CV_TABLE) the table is complete, indexes and all. */
#define CV_TABLE UINT64_MAX
#define CV_ROWS  (UINT64_MAX - 1)
struct cverify {
    struct ctable *ct;
    uint64_t range;
};

struct ctable {
    struct sl_table src;           /* the source table's columns and key */
    struct sl_table_keys src_keys; /* its indexes and foreign keys, for verification */
    struct sl_table dst;           /* the target's, once it exists */
    char *dst_schema, *dst_name;   /* where the rows are written */
    char *final_name;              /* --mode swap: the table's own name; else NULL */
    int final_exists;              /* --mode swap: that table exists (it is replaced) */
    size_t *update;                /* --mode upsert: the columns updated (indexes into cols) */
    size_t nupdate;
    char **cols; /* copied columns (not generated), in source order */
    size_t ncols;
    enum sl_value_kind *kinds; /* per copied column, how its values travel (set
                                  once the target exists; see sl_copy_apply) */
    struct sl_insert_target target;
    enum ct_action action;
    int created;                 /* this run created dst_name (sl_copy_apply) */
    int verify;                  /* compare once copied */
    int whole;                   /* compared whole (see sl_copy_whole_applies) */
    const char *no_verify;       /* why not, when verify is 0 and it was asked for */
    int split;                   /* --shard: copied in key ranges, this shard's part only */
    int look_for_rows;           /* --shard, --if-exists append: whether this shard's part
                                    held rows before is looked at once the part is known */
    struct sl_buf select;        /* SELECT cols FROM the source table */
    struct sl_buf key;           /* the quoted key column; empty for one stream */
    struct sl_buf order;         /* " ORDER BY" the primary key, so that a range's rows come
                                    in the same order on a rerun; empty without one */
    struct sl_create_sql sql;    /* what makes the target table (sql.add: the
                                    deferred indexes, or empty) */
    struct sl_key_ranges ranges; /* n == 1: one stream, no condition */
    struct crange *r;
    long long est_rows;

    /* checkpoints (sl_copy_resume.c) */
    int has_job;                  /* batches are recorded under job */
    struct sl_checkpoint_job job; /* job.target is "db.table", malloc'ed */
    struct sl_file_id ckpt_id;    /* the source table's identity and range plan */
    struct sl_span *done;         /* what an interrupted run committed, sorted */
    size_t ndone;
    int fresh;            /* every row of the target comes from this job */
    int resumed;          /* done holds the ranges to skip, under the recorded plan */
    int restart;          /* --resume of a keyless table: empty it and copy it whole */
    int clear_ckpt;       /* stale checkpoints of the job are deleted before any row */
    uint64_t rows_before; /* rows the interrupted run committed */

    /* progress (any thread) */
    atomic_uint_fast64_t rows_written, bytes_written, rows_ignored, rows_updated;

    /* the whole-table comparison: COUNT(*) and CHECKSUM TABLE per side */
    uint64_t src_count, dst_count;
    char src_check[32], dst_check[32];

    /* completion, guarded by crun.mu */
    uint64_t ranges_complete;
    int alter_phase; /* the deferred indexes: 0 waiting, 1 being added, 2 done */
    int indexed;     /* the deferred indexes were added (sql.add ran) */
    int started, complete, failed;
    struct sl_err err;
    double t0, t1;
    enum sl_copy_verdict verdict;
    char verdict_note[SL_ERR_MSG_MAX];
};

struct citem {
    size_t table;
    uint64_t range;
};

struct crun {
    const struct sl_copy_config *c;
    FILE *log;
    struct sl_progress *progress;
    struct sl_url from, to;
    const char *ckpt_db; /* where sluice_checkpoints is: --checkpoint-db, or to.db */
    struct sl_conn_opts src_co, dst_co;
    MYSQL *src; /* plans; holds the lock and joins the snapshot */
    MYSQL *dst; /* creates the tables */
    unsigned long long max_packet;

    struct ctable *t;
    size_t nt;
    size_t *order; /* table indexes, largest first */

    struct citem *items; /* every (table, range) to read, in order: the splits */
    uint64_t nitems;

    MYSQL **rconn;               /* reader connections (in the snapshot), then the spares */
    unsigned nr;                 /* readers that run */
    unsigned nspare;             /* spares after them */
    enum sl_write_method method; /* how the writers send rows */
    unsigned nr_open;            /* reader connections opened */
    MYSQL **wconn;               /* writer connections */
    unsigned nwr;
    MYSQL *vconn;                      /* the verifier's target connection */
    MYSQL *vsrc;                       /* the verifier's source connection, in the snapshot (whole
                                          tables only) */
    MYSQL *iconn;                      /* the index builder's, when a table's indexes are deferred;
                                          opened again by its thread alone */
    int indexer;                       /* iconn was opened: the index builder runs */
    _Atomic unsigned long iconn_id;    /* its connection id, for the verifier */
    int marks;                         /* complete ranges are marked in the checkpoints */
    struct sl_checkpoint_writer *vckw; /* on vconn, when marks */

    struct sl_counters counters; /* the engine's: retries of every thread, rows */
    struct sl_queue index;       /* struct ctable: complete tables whose indexes are deferred */
    struct sl_queue done;        /* struct cverify: complete ranges and tables */
    struct cverify *events;      /* room for one per range and one per table */
    size_t nevents;

    pthread_mutex_t mu;      /* guards the tables' completion fields, indexing, failed, err */
    struct ctable *indexing; /* the table the index builder is on, or NULL */
    atomic_int stop;         /* the run is stopping: every thread winds down */
    atomic_int interrupted;
    int failed;
    struct sl_err err;
};

/* Marks table ct failed with e (the first error wins) . Safe from any
 * thread. */
void sl_crun_fail_table(struct crun *r, struct ctable *ct, const struct sl_err *e);

/* Records an error that stops the whole run, and stops it. */
void sl_crun_fail(struct crun *r, const struct sl_err *e);

/* Stops the copy's own threads: closes the verifier's and the index
 * builder's queues. */
void sl_crun_stop(struct crun *r);

/* Whether ct has failed. Safe from any thread. */
int sl_crun_table_failed(struct crun *r, struct ctable *ct);

/* Hands the verifier the event that ct is complete. The caller holds
 * r->mu. */
void sl_crun_table_done(struct crun *r, struct ctable *ct);

/* ---- sl_copy_schema.c: before any row moves ---- */

/* Lists the source tables to copy (the URL's table, --tables, or every base
 * table of the database), in name order, and tells the log about views,
 * triggers, routines and events that are not copied. Returns 0 and a list
 * to free with sl_copy_names_free(), or -1 with err set. */
int sl_copy_list_tables(struct crun *r, char ***names, size_t *n, struct sl_err *err);

void sl_copy_names_free(char **v, size_t n);

/* Describes source table name, builds what ct reads and its key column,
 * and (unless --verify-only) the target's CREATE TABLE under dst_name.
 * Returns 0 or -1 with err set. */
int sl_copy_plan_table(struct crun *r, struct ctable *ct, const char *name, const char *dst_name,
                       struct sl_err *err);

/* Sets *exists when the target database exists. Returns 0 or -1. */
int sl_copy_db_exists(struct crun *r, int *exists, struct sl_err *err);

/* Decides ct->action from the target's state and --if-exists, and checks an
 * existing target's columns. Changes nothing. Returns 0 or -1 with err set
 * (a table that exists under `fail`, a missing or generated column). */
int sl_copy_decide(struct crun *r, struct ctable *ct, int db_exists, struct sl_err *err);

/* Whether ct's target table holds a row: 1, 0, or -1 with err set. */
int sl_copy_target_has_rows(struct crun *r, const struct ctable *ct, struct sl_err *err);

/* Carries out ct->action on the target (DROP, CREATE, TRUNCATE), then checks
 * that the target accepts the INSERT. Returns 0 or -1 with err set. */
int sl_copy_apply(struct crun *r, struct ctable *ct, struct sl_err *err);

/* After sl_copy_apply of every table: takes the deferred foreign keys, then
 * the deferred indexes, off the tables just created with them (see
 * sl_create_table_rewrite), so that the target has proved it accepts every
 * definition before any row moves. Returns 0 or -1 with err set. */
int sl_copy_drop_deferred(struct crun *r, struct sl_err *err);

/* After a failure between sl_copy_apply and the first row: drops every
 * table this run created, so that no half-made table is left on the target.
 * A table it cannot drop is named on r->log with the statement to run. */
void sl_copy_undo_created(struct crun *r);

/* Prints ct's PASS, FAIL or COPIED line (FAIL even when quiet). */
void sl_copy_report(struct crun *r, const struct ctable *ct);

/* Frees everything ct holds. */
void sl_copy_table_release(struct ctable *ct);

/* ---- sl_copy_resume.c: checkpoints and --resume ---- */

/* After the plan (sl_copy_decide of every table), before anything changes:
 * gives each copied table its checkpoint job and reads what an interrupted
 * copy recorded. Refuses (-1, err set) a rerun over an interrupted copy
 * without --resume, and a --resume whose target holds rows but no
 * checkpoints of this copy. Changes nothing. */
int sl_copy_ckpt_prepare(struct crun *r, int db_exists, struct sl_err *err);

/* After sl_copy_apply of every table: creates the checkpoint table and
 * deletes stale checkpoints of the jobs that start afresh. */
int sl_copy_ckpt_apply(struct crun *r, struct sl_err *err);

/* Once ct's key ranges are planned (or taken from its checkpoints, for a
 * resumed table): records the plan in ct's identity and hands each range
 * its committed batches. Returns 0 or -1 with err set (checkpoints that do
 * not fit the plan). */
int sl_copy_ckpt_ranges(struct crun *r, struct ctable *ct, struct sl_err *err);

/* After a successful copy: deletes every table's checkpoints. */
int sl_copy_ckpt_finish(struct crun *r, struct sl_err *err);

/* Frees what the checkpoints of ct hold. */
void sl_copy_ckpt_release(struct ctable *ct);

/* ---- sl_copy_stage.c: the copy itself ---- */

/* Runs the copy through the engine: readers, writers, the index builder
 * and the verifier, with progress until they end. Returns 0, or -1 when the
 * run stopped (r->err or r->interrupted); table failures are in the
 * tables. */
int sl_crun_run(struct crun *r);

/* ---- sl_copy_finish.c: the helpers that finish tables ---- */

/* The index builder: adds the deferred indexes of each complete table it
 * is handed (r->index), then hands the table to the verifier. Ends when
 * r->index is closed and drained, closing r->done. */
void sl_copy_index_builder(struct crun *r);

/* The verifier: marks complete ranges in the checkpoints, sums them up on
 * the target, compares and reports complete tables (r->done). Ends when
 * r->done is closed and drained, or the run stops. */
void sl_copy_verifier(struct crun *r);

/* A dry run's checks of one planned table, which change nothing: the
 * privileges its action and --mode need on the target (and SELECT on the
 * source), the columns --mode upsert updates, and for an existing target
 * that it accepts the INSERT (prepared, never run). Returns 0 or -1 with err
 * set. */
int sl_copy_dry_check(struct crun *r, struct ctable *ct, int db_exists, struct sl_err *err);

/* Checks that the account on one side ("source" or "target") holds need on
 * db.table (table NULL: on the database; db NULL: global). Returns 0, or -1
 * with err naming what is missing. */
int sl_copy_need_privs(MYSQL *m, const char *side, const char *db, const char *table,
                       const char *need, struct sl_err *err);

/* What a table's action does to the target, in a word or two. */
const char *sl_copy_action_name(const struct ctable *ct);

/* Appends "WHERE ..." for range k of ct to sql: the range's key condition,
 * and with with_where the --where condition. Appends nothing when neither
 * applies. Returns 0 or -1 (sql is full). */
int sl_copy_range_where(const struct crun *r, const struct ctable *ct, uint64_t k, int with_where,
                        struct sl_buf *sql);

/* Describes range k of ct for a message: "rows 1-1000 of `id`" style text,
 * into out. */
void sl_copy_range_name(const struct ctable *ct, uint64_t k, char *out, size_t len);

/* Sums up range k of ct on m: the source side (with --where) into
 * src_rows/src_sum when source is 1, else the target side into dst_*.
 * Returns 0 or -1 with err set. */
int sl_copy_sum_range(const struct crun *r, struct ctable *ct, uint64_t k, MYSQL *m, int source,
                      struct sl_err *err);

/* Compares every range of ct (the source sums must be there) with the
 * target, summing up on m the target ranges not summed yet, and sets ct->verdict and verdict_note.
 * Returns 0, or -1 with err set if the target could not be read. */
int sl_copy_verify_table(const struct crun *r, struct ctable *ct, MYSQL *m, struct sl_err *err);

/* True when ct can be compared whole rather than range by range: it is
 * verified, no --where narrows the source, and both sides define the same
 * columns (names, types, nullability and charsets, in the same order), so
 * that the server's CHECKSUM TABLE reads the same bytes from each side's
 * rows when they hold the same values. */
int sl_copy_whole_applies(const struct crun *r, const struct ctable *ct);

/* How many keys of ct's source its target, read on m, lacks or defines
 * otherwise (the first described in note, cap bytes), or -1 with err set. */
long sl_copy_keys_missing(const struct ctable *ct, MYSQL *m, char *note, size_t cap,
                          struct sl_err *err);

/* Once ct's rows are compared (ct->verdict set): compares the target's
 * indexes and foreign keys, read on m, with the source's (ct->src_keys). A
 * key the target lacks or defines otherwise makes the verdict FAIL, naming
 * it. Returns 0, or -1 with err set if the target could not be read. */
int sl_copy_verify_keys(struct ctable *ct, MYSQL *m, struct sl_err *err);

/* Compares ct whole: COUNT(*) and CHECKSUM TABLE ... EXTENDED, run at the
 * same time on src (which must see the copy's snapshot) and on dst. When
 * both agree the table passes. Otherwise every key range is summed up on
 * both sides (as sl_copy_sum_range) to decide, and to name the first range
 * that differs. Sets ct->verdict and verdict_note. Returns 0, or -1 with err
 * set if a side could not be read. */
int sl_copy_verify_whole(const struct crun *r, struct ctable *ct, MYSQL *src, MYSQL *dst,
                         struct sl_err *err);

#endif
