/*
 * sl_engine: the one engine every command runs on: a source, the
 * transform stage, and a sink, joined by a fixed pool of row batches.
 *
 *   source readers --(full batches)--> sink writers
 *          ^                                |
 *          +---------(empty batches)--------+
 *
 * Reader threads take the source's next split and read it into batches
 * from the pool (sl_source_ops.h). Each row a reader ends runs through the
 * transform stage (sl_row_stage.h) on the reader's thread. Writer threads
 * each open a writer of the sink (sl_sink_ops.h), write the batches they
 * pop, and end a chunk at txn_rows rows or when it holds as many batches
 * as it may. Every batch comes from the pool, so memory is bounded by the
 * plan, never by the size of the input.
 *
 * One run state for every command:
 *   - a failure (the first error wins) stops everything: readers stop,
 *     every writer drops its open chunk, and the error is returned;
 *   - SIGINT or SIGTERM stops reading instead: the batches already read are
 *     written and committed, and the run ends "interrupted" (or, with
 *     signal_stops, everything stops as on a failure, nothing more is
 *     written); a second signal exits at once with SL_EXIT_INTERRUPTED;
 *   - bad rows go to the rejects (or, in a dry run, are listed), or fail
 *     the run, named by their source unit, line and column;
 *   - the counters are added to by every thread, and the calling thread
 *     draws progress from them until the run ends.
 *
 * Fused runs (for a source as cheap as the generator): each thread is a
 * reader and a writer at once, with a pool of its own; a batch is written
 * as soon as it is filled, with no queue between, so that a measurement
 * of the target is not one of the hand-over.
 *
 * Ordered runs (for a source that numbers its splits 0..nsplits-1 in the
 * order they are to be written, to one writer): each reader fills batches
 * from a small pool of its own, and the writer takes split 0 from the
 * reader that claimed it, to its end, then split 1, and so on.
 */
#ifndef SL_ENGINE_H
#define SL_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_progress.h"
#include "sl_rejects.h"
#include "sl_row_stage.h"
#include "sl_sink_ops.h"
#include "sl_source_ops.h"

/* A failure that concerns one unit of the source (a table of a copy). */
struct sl_unit_fault {
    size_t unit;
    uint64_t split; /* the split being read or written, or UINT64_MAX */
    int writing;    /* 0: reading it, 1: writing it */
    int located;    /* hooks->locate has named the rows already */
};

/* What a command hangs on the run. Every member may be NULL. */
struct sl_engine_hooks {
    /* Draws the progress line, on the calling thread; NULL: the load's
     * line from the counters (sl_progress_tick). */
    void (*draw)(void *ctx);
    /* Called once, on the calling thread, when the run stops early (a
     * failure or signal_stops): ends statements that could keep a thread
     * waiting. */
    void (*cancel)(void *ctx);
    /* Called once, on the thread that stops the run: wakes the helpers. */
    void (*stopping)(void *ctx);
    /* A writer's chunk of n batches committed, on that writer's thread:
     * rows written, and rows the target ignored or updated instead. */
    void (*committed)(void *ctx, unsigned writer, struct sl_batch *const *held, size_t n,
                      uint64_t written, uint64_t ignored, uint64_t updated);
    /* A writer wrote one batch in `seconds`. NULL: writes are not timed. */
    void (*wrote)(void *ctx, unsigned writer, double seconds);
    /* A reader is about to read split; returns 1 to leave it unread (its
     * unit failed), 0 to read it. */
    int (*split_begin)(void *ctx, uint64_t split);
    /* Split is complete: read, and every batch of it committed or dropped
     * (`dropped` of them). Needs a bounded plan.nsplits; called once per
     * split, on the thread that completed it. */
    void (*split_done)(void *ctx, uint64_t split, uint64_t dropped);
    /* A failure of one unit: returns 0 when the run goes on without it
     * (its batches are dropped from then on), or -1 when the run fails. It
     * may prefix e. NULL: every failure fails the run. */
    int (*fail_unit)(void *ctx, const struct sl_unit_fault *f, struct sl_err *e);
    /* True once unit has failed: writers drop its batches. */
    int (*unit_dead)(void *ctx, size_t unit);
    /* Names the rows of b a write failed on (row, or -1 for the whole
     * statement) in e, instead of the unit and line. */
    void (*locate)(void *ctx, const struct sl_batch *b, long row, struct sl_err *e);
    /* The last writer has ended. */
    void (*writers_done)(void *ctx);
    /* More threads of the command's, run with the readers and writers and
     * waited for like them: helper(ctx, i) for i < nhelpers. They must end
     * once writers_done or stopping was called. */
    void (*helper)(void *ctx, unsigned i);
    unsigned nhelpers;
};

struct sl_engine_plan {
    const struct sl_source_ops *source_ops;
    void *source;
    const struct sl_sink_ops *sink_ops;
    void *sink;
    const struct sl_row_stage *stage; /* NULL: rows go on as they were read */
    char *const *colnames;            /* per batch column, for messages */

    unsigned nreaders;
    unsigned nwriters;
    size_t ncols;       /* columns per batch */
    size_t batch_rows;  /* rows per batch */
    size_t arena_bytes; /* value bytes one batch may hold */
    size_t txn_rows;    /* a chunk ends at this many rows */
    size_t max_held;    /* and at this many batches; 0: as many as txn_rows needs (at most
                           256) */
    size_t max_value;   /* the largest value a transform may make */
    int keep_empty;     /* hand on batches that cover a source range but hold no row (their
                           range is checkpointed) */

    int dry_run;                /* bad rows are listed on the display (the first 100)
                                   and counted, never fail the run */
    struct sl_rejects *rejects; /* non-NULL: bad rows go here (--on-error skip) */
    uint64_t max_rejects;       /* 0: no limit */

    int fused;        /* each thread reads and writes (nreaders == nwriters) */
    int ordered;      /* write the splits in their order (one writer) */
    uint64_t nsplits; /* with ordered: how many the source has (UINT64_MAX: no known end) */

    int signal_stops;        /* a signal stops everything, as a failure does */
    const char *signal_note; /* what a first signal says after "sluice: interrupted: ";
                                NULL: that the rows read are written, then the run stops */
    const char *second_note; /* what a second signal says before it exits */

    double max_rows_per_sec;  /* --max-rate: writers pace their batches to this many rows */
    double max_bytes_per_sec; /* or value bytes a second; 0: no limit */

    int commit_idle;  /* a writer that finds no batch waiting commits first */
    size_t txn_bytes; /* a chunk also ends once it holds this many value bytes; 0: no limit */

    struct sl_counters *counters;
    struct sl_progress *progress;        /* also where retries and signals are told */
    const struct sl_engine_hooks *hooks; /* NULL: none */
    void *ctx;                           /* for the hooks */
};

/* Runs the plan to its end, its first fatal error, or an interruption.
 * Returns 0 (with *interrupted set if a signal cut it short), or -1 with
 * err set to the first error (prefixed with the unit and line where one is
 * known). */
int sl_engine_run(const struct sl_engine_plan *p, int *interrupted, struct sl_err *err);

#endif
