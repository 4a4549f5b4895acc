/*
 * The private state of one extract, shared by sl_extract.c (which plans it:
 * connections, snapshot, key ranges) and sl_extract_stage.c (which runs it:
 * the workers and the output). Not an interface for other modules.
 */
#ifndef SL_EXTRACT_RUN_H
#define SL_EXTRACT_RUN_H

#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sl_buf.h"
#include "sl_extract.h"
#include "sl_key_ranges.h"
#include "sl_out_parts.h"
#include "sl_progress.h"
#include "sl_queue.h"

#define XCHUNK_TEXT (1024 * 1024) /* a chunk is handed on once its text passes this */
#define XCHUNK_ROWS 8192          /* or once it holds this many records */
#define XCHUNKS     4             /* chunks per worker */

/* Records read by one worker on their way to the output. */
struct xchunk {
    struct sl_buf text; /* whole CSV records */
    size_t *ends;       /* where each record ends in text */
    size_t nrows;
    unsigned owner; /* the worker whose pool it belongs to */
    uint64_t range;
    int range_end; /* the last chunk of its range */
};

struct xworker {
    struct xrun *x;
    unsigned idx;
    MYSQL *m;
    unsigned long conn_id;
    struct sl_queue free; /* this worker's empty chunks */
    struct sl_queue full; /* with --order-by-pk: its filled chunks, in order */
    struct xchunk chunks[XCHUNKS];
    struct sl_buf sql;
    pthread_t tid;
    int started;
};

struct xrun {
    const struct sl_extract_config *c;
    MYSQL *main; /* plans, holds the lock, kills queries on an abort */

    /* what to read */
    struct sl_buf select;    /* "SELECT ... FROM t" or the query */
    struct sl_buf cond;      /* the --where condition, or empty */
    struct sl_buf order;     /* " ORDER BY pk", or empty */
    struct sl_buf key;       /* the quoted key column, when ranged */
    unsigned char *as_float; /* per selected column: a FLOAT read as DOUBLE */
    int ranged;
    struct sl_key_ranges ranges;
    uint64_t nranges; /* 1 when not ranged */
    int64_t est_rows; /* for progress, -1 if unknown */

    struct xworker *w;
    unsigned nw;
    int ordered;               /* output ranges in order */
    atomic_uint_fast64_t next; /* the next range to take */
    pthread_mutex_t mu;        /* guards owner, failed, err, header_set */
    pthread_cond_t claimed;    /* a range got its owner */
    unsigned *owner;           /* ordered: per range, the worker + 1 */
    struct sl_queue full;      /* unordered: filled chunks from every worker */
    atomic_uint workers_left;

    struct sl_buf header;
    int header_set;

    atomic_int stop; /* a failure or a signal: every thread winds down */
    atomic_int interrupted;
    int failed;
    struct sl_err err;

    atomic_uint_fast64_t rows_read;
    atomic_int reading; /* a statement was accepted: later failures are not set-up errors */
    struct sl_out_parts out;
    struct sl_progress *progress;
};

/* Records the first error and stops the run. Safe from any thread. */
void sl_xrun_fail(struct xrun *x, const struct sl_err *e);

/* Stops every thread: closes the queues and wakes the waiters. */
void sl_xrun_stop(struct xrun *x);

/* Starts the workers, writes what they read, and joins them. Returns 0 or
 * -1 (x->err, or x->interrupted). */
int sl_xrun_run(struct xrun *x);

#endif
