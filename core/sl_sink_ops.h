/*
 * sl_sink_ops: what a target of rows is to the engine.
 *
 * Each writer thread of the engine opens a writer of its own (a sink with
 * SL_SINK_PER_THREAD gives each its own connection), writes the batches it
 * pops, and commits when the open chunk holds --txn-rows rows or as many
 * batches as it may hold. A writer owns every batch it was given until it
 * gives it back through port->release, exactly once: after the chunk
 * commits, or when the chunk is dropped.
 *
 * The engine knows nothing of SQL or files; a sink knows nothing of
 * threads, queues or where rows came from (it asks the port to name a
 * row).
 */
#ifndef SL_SINK_OPS_H
#define SL_SINK_OPS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"

/* Capabilities (sl_sink_ops.caps). */
#define SL_SINK_PER_THREAD  0x1 /* one connection per writer */
#define SL_SINK_TXN         0x2 /* commit and rollback are real */
#define SL_SINK_CHECKPOINTS 0x4 /* records batches' ranges in the chunk's transaction */

/* The engine's side of one writer. Calls come from the writer's thread. */
struct sl_sink_port {
    void *ctx;
    /* An error the chunk cannot get past; the chunk is dropped after it.
     * unit is the unit (b->source) of the chunk's batches, or -1 when the
     * error is not one unit's. The run fails, unless the engine's plan lets
     * it go on without that unit. */
    void (*fail)(void *ctx, long unit, const struct sl_err *e);
    /* Gives b back, committed (1) or dropped (0). */
    void (*release)(void *ctx, struct sl_batch *b, int committed);
    /* The chunk of n batches committed: rows written, and rows the server
     * ignored or updated instead. */
    void (*committed)(void *ctx, struct sl_batch *const *held, size_t n, uint64_t written,
                      uint64_t ignored, uint64_t updated);
    /* A row the target refused or changed: col is its batch column or -1.
     * NULL when rows are not rejected one by one (such a row fails the
     * chunk). Returns 0, or 1 when the run must stop. */
    int (*reject)(void *ctx, const struct sl_batch *b, size_t row, long col,
                  const struct sl_err *why);
    /* Adds where rows of b come from to e: row (or rows first..last when row
     * is -1) and column col (or -1). */
    void (*locate)(void *ctx, const struct sl_batch *b, long row, size_t first, size_t last,
                   long col, struct sl_err *e);
    /* A line for the progress display (a retry). */
    void (*note)(void *ctx, const char *msg);
    const atomic_int *stop;        /* set: the run is stopping; drop the open chunk */
    _Atomic uint64_t *retry_count; /* counts each retry */
    size_t max_held;               /* batches one chunk may hold */
};

struct sl_sink_ops {
    const char *name; /* "mysql", "csv", "null" */
    unsigned caps;
    /* Opens the writer of writer thread `index`. port must outlive it.
     * Returns 0, or -1 with err set. */
    int (*writer_open)(void *sink, unsigned index, const struct sl_sink_port *port, void **writer,
                       struct sl_err *err);
    /* Turns b's rows (those not rejected) into the sink's own form, in
     * b->enc, on the reader's thread before b is handed on, so that the
     * work is spread over the readers. Returns 0, or -1 with err set. NULL:
     * the sink reads the cells itself. */
    int (*encode)(void *sink, struct sl_batch *b, struct sl_err *err);
    /* Writes b into the open chunk and keeps it until the chunk ends.
     * Returns 0, or -1 when the chunk was dropped (port->fail was told, or
     * the run is stopping). */
    int (*write)(void *writer, struct sl_batch *b);
    /* Ends the open chunk: commits it (retrying as the sink can). Nothing
     * open: nothing happens. Returns 0, or -1 when the chunk was dropped.
     * NULL, with rollback and pending: the sink keeps nothing between
     * writes (each write commits its batch at once). */
    int (*commit)(void *writer);
    /* Drops the open chunk (rolled back where the sink has transactions)
     * and gives its batches back uncommitted. NULL: see commit. */
    void (*rollback)(void *writer);
    /* The rows, batches and value bytes in the open chunk. NULL: see
     * commit. */
    void (*pending)(void *writer, uint64_t *rows, size_t *batches, size_t *bytes);
    /* Closes the writer; its chunk must have ended. NULL: nothing to close. */
    void (*writer_close)(void *writer);
};

#endif
