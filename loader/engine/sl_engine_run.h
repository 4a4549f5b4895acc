/*
 * sl_engine_run: what the engine's files share (private to them).
 *
 *   sl_engine.c        the run: the pool, starting and joining the threads,
 *                      signals, progress, stopping
 *   sl_engine_read.c   reader threads and the source's port; ordered runs'
 *                      claims; which splits are complete
 *   sl_engine_write.c  writer threads and the sink's port; ordered and
 *                      fused writing
 *   sl_engine_rows.c   bad rows: the rejects, the dry run's list, messages
 *                      that name a row's unit, line and column
 */
#ifndef SL_ENGINE_RUN_H
#define SL_ENGINE_RUN_H

#include <pthread.h>
#include <stdatomic.h>

#include "sl_batch.h"
#include "sl_engine.h"
#include "sl_queue.h"
#include "sl_rate.h"
#include "sl_transform.h"

/* How far one split has got (runs with hooks->split_done). */
struct sl_esplit {
    uint64_t pushed;  /* batches handed on */
    uint64_t done;    /* of those, committed or dropped */
    uint64_t dropped; /* of those, dropped */
    int read;         /* its reader is done with it */
    int complete;     /* split_done was called */
};

/* The state of one run, shared by every thread. */
struct sl_erun {
    const struct sl_engine_plan *p;
    const struct sl_engine_hooks *h; /* the plan's, or none */
    struct sl_queue full;
    struct sl_queue empty;
    struct sl_batch **pool;
    size_t npool;
    size_t max_held;        /* batches one chunk may hold */
    atomic_int stop;        /* a fatal error: discard and roll back */
    atomic_int interrupted; /* a signal: stop reading, finish writing */
    atomic_int stopping_told;
    atomic_int readers_left;
    atomic_int writers_left;

    /* ordered and fused runs: a pool per reader, and (ordered) a queue of
     * full batches per reader and who claimed each split */
    struct sl_queue *rfull, *rempty;
    unsigned *owner; /* split k: its reader + 1 at k % nring, or 0; guarded by mu */
    size_t nring;
    pthread_cond_t claimed; /* with mu: a split got its owner, or the readers ended */

    struct sl_esplit *splits; /* per split, with hooks->split_done; guarded by mu */

    struct sl_rate pace; /* --max-rate; no limit when the plan sets none */

    pthread_mutex_t mu; /* guards err, failed, done, owner, splits */
    pthread_cond_t done_cv;
    unsigned done;
    int failed;
    struct sl_err err;
};

/* One reader thread, and the port its source reports to. */
struct sl_ereader {
    struct sl_erun *r;
    unsigned index;
    uint64_t split;                       /* the split being read */
    void *w;                              /* fused runs: this thread's writer */
    const struct sl_sink_port *mate_port; /* and the port it reports to */
    struct sl_tf_work tf;                 /* scratch for the transforms */
    struct sl_source_port port;
};

/* One writer thread, and the port its sink reports to. */
struct sl_ewriter {
    struct sl_erun *r;
    unsigned index;
    int located; /* hooks->locate named the rows of the error being reported */
    struct sl_sink_port port;
};

/* Records the first error and stops everything: readers stop, writers roll
 * back. Safe from any thread. */
void sl_erun_fail(struct sl_erun *r, const struct sl_err *e);

/* Stops every thread without an error (a failure, or a signal that stops
 * the run): closes the queues and tells the hooks. */
void sl_erun_stop(struct sl_erun *r);

/* Tells the calling thread that one thread is done. */
void sl_erun_thread_done(struct sl_erun *r);

/* Gives a batch back to its pool, emptied. */
void sl_erun_give_back(struct sl_erun *r, struct sl_batch *b);

/* A batch that was handed on is done with: committed, or dropped. Counts it
 * for its split, then gives it back. */
void sl_erun_released(struct sl_erun *r, struct sl_batch *b, int committed);

/* Counts a batch handed on for its split (delta 1), or one that could not
 * be after all (-1). */
void sl_erun_pushed(struct sl_erun *r, const struct sl_batch *b, int delta);

/* Writes b with writer w of thread index, and ends the chunk when it is
 * full. */
void sl_erun_write(struct sl_erun *r, unsigned index, void *w, struct sl_batch *b);

/* Sets up readers and writers: their ports. */
void sl_erun_init_reader(struct sl_erun *r, struct sl_ereader *rd, unsigned index);
void sl_erun_init_writer(struct sl_erun *r, struct sl_ewriter *wr, unsigned index);

/* Thread bodies: a reader (arg: struct sl_ereader), a writer (struct
 * sl_ewriter), and a fused reader and writer (struct sl_ereader whose
 * mate_port is set). */
void *sl_erun_reader_main(void *arg);
void *sl_erun_writer_main(void *arg);
void *sl_erun_fused_main(void *arg);

/* Reads splits until none is left or the run stops. */
void sl_erun_read_all(struct sl_ereader *rd);

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

/* A failure of unit f->unit: 0 when hooks->fail_unit lets the run go on,
 * else the run fails with e (-1). */
int sl_erun_fail_unit(struct sl_erun *r, const struct sl_unit_fault *f, const struct sl_err *e);

#endif
