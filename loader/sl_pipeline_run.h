/*
 * sl_pipeline_run: what the pipeline's three files share (private to them).
 *
 *   sl_pipeline.c     the run: the batch pool, the threads, signals
 *   sl_read_stage.c   reader threads: files -> batches, rejects, resume skips
 *   sl_write_stage.c  writer threads: batches -> INSERTs, chunks, retries,
 *                     checkpoints
 */
#ifndef SL_PIPELINE_RUN_H
#define SL_PIPELINE_RUN_H

#include <pthread.h>
#include <stdatomic.h>

#include "sl_batch.h"
#include "sl_chunk_writer.h"
#include "sl_pipeline.h"
#include "sl_queue.h"

/* The state of one run, shared by every thread. */
struct run {
    const struct sl_pipeline_plan *p;
    struct sl_queue full;
    struct sl_queue empty;
    struct sl_batch **pool;
    size_t npool;
    size_t max_held;
    atomic_size_t next_source;
    atomic_int stop;        /* a fatal error: discard and roll back */
    atomic_int interrupted; /* a signal: stop reading, finish writing */
    atomic_int readers_left;

    pthread_mutex_t mu; /* guards err, failed, done */
    pthread_cond_t done_cv;
    unsigned done;
    int failed;
    struct sl_err err;
};

/* One writer thread and what it owns. */
struct writer {
    struct run *r;
    unsigned index;
    struct sl_chunk_config cfg;
    struct sl_chunk_ops ops;
    struct sl_chunk_writer *cw; /* on r->p->conns[index] */
};

/* Records the first error and stops everything: readers stop, writers roll
 * back. Safe from any thread. */
void sl_run_fail(struct run *r, const struct sl_err *e);

/* Tells the main thread that one worker is done. */
void sl_run_thread_done(struct run *r);

/* Gives a batch back to the pool (emptied). */
void sl_run_give_back(struct run *r, struct sl_batch *b);

/* Sends a bad row to the rejects files and counts it. Returns 0, or -1 once
 * more than --max-rejects rows were rejected (the run has then failed). */
int sl_run_reject(struct run *r, const char *path, uint64_t line, uint64_t offset, const char *col,
                  const char *reason, const char *raw, size_t raw_len);

/* Reader thread body; arg is the run. */
void *sl_read_stage_main(void *arg);

/* Makes a writer's chunk writer, on its connection. Returns 0 or -1 (no
 * memory). */
int sl_write_stage_open(struct writer *wr);

/* Writer thread body; arg is a struct writer. */
void *sl_write_stage_main(void *arg);

/* Writer thread body of a dry run: counts the good rows of each batch as
 * the rows a real run would write (counters->rows_written) and gives the
 * batch back. It has no connection. */
void *sl_write_stage_dry_main(void *arg);

#endif
