/*
 * sl_engine_run: what the engine's files share (private to them).
 *
 *   sl_engine.c       the run: the pool, the threads, signals, progress
 *   sl_engine_rows.c  bad rows: the rejects, the dry run's list, messages
 *                     that name a row's unit, line and column
 */
#ifndef SL_ENGINE_RUN_H
#define SL_ENGINE_RUN_H

#include <pthread.h>
#include <stdatomic.h>

#include "sl_batch.h"
#include "sl_engine.h"
#include "sl_queue.h"

/* The state of one run, shared by every thread. */
struct sl_erun {
    const struct sl_engine_plan *p;
    struct sl_queue full;
    struct sl_queue empty;
    struct sl_batch **pool;
    size_t npool;
    size_t max_held;        /* batches one chunk may hold */
    atomic_int stop;        /* a fatal error: discard and roll back */
    atomic_int interrupted; /* a signal: stop reading, finish writing */
    atomic_int readers_left;

    /* ordered runs: a pool and a queue of full batches per reader, and who
     * claimed each split */
    struct sl_queue *rfull, *rempty;
    unsigned *owner; /* split k: its reader + 1 at k % nring, or 0; guarded by mu */
    size_t nring;
    pthread_cond_t claimed; /* with mu: a split got its owner, or the readers ended */

    pthread_mutex_t mu; /* guards err, failed, done, owner */
    pthread_cond_t done_cv;
    unsigned done;
    int failed;
    struct sl_err err;
};

/* Records the first error and stops everything: readers stop, writers roll
 * back. Safe from any thread. */
void sl_erun_fail(struct sl_erun *r, const struct sl_err *e);

/* A bad row found while reading (by the source or the transform stage):
 * rejected under --on-error skip or listed in a dry run (0), or the run's
 * error (-1). */
int sl_erun_bad_row(struct sl_erun *r, const struct sl_bad_row *br);

/* A row the sink's target refused or changed, under --on-error skip.
 * Returns 0, or 1 once more than --max-rejects rows were rejected. */
int sl_erun_sink_reject(struct sl_erun *r, const struct sl_batch *b, size_t row, long col,
                        const struct sl_err *why);

/* Adds where rows of b come from to e (see sl_sink_port.locate). */
void sl_erun_locate(struct sl_erun *r, const struct sl_batch *b, long row, size_t first,
                    size_t last, long col, struct sl_err *e);

#endif
