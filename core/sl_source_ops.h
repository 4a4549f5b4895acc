/*
 * sl_source_ops: what a source of rows is to the engine.
 *
 * A source is read in splits: a whole file, a byte range of one, a key
 * range of a table, a block of generated rows. Each reader thread of the
 * engine opens a reader of its own, takes the next split until none is
 * left, and reads each split into row batches that it gets from, and hands
 * back to, the engine through a struct sl_source_port. The engine knows
 * nothing of files or tables; a source knows nothing of threads, queues,
 * transforms or targets.
 *
 * Every batch a source fills carries the unit its rows come from
 * (b->source: a file, a table) and each row its position in that unit
 * (line, byte offset), so that a bad row anywhere downstream can be named.
 *
 * Adding a source means one folder under extract/ that fills in one of
 * these structs, and nothing else of the engine changes.
 */
#ifndef SL_SOURCE_OPS_H
#define SL_SOURCE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"

/* Capabilities (sl_source_ops.caps). */
#define SL_SOURCE_SNAPSHOT 0x1 /* every reader sees one consistent state */
#define SL_SOURCE_ORDERED  0x2 /* splits come in a defined order */

/* A row a source could not read (a malformed record, a wrong field
 * count), or one the transform stage refused. */
struct sl_bad_row {
    size_t unit;        /* where it comes from (a batch's source) */
    uint64_t line;      /* its line in the unit, from 1 */
    uint64_t offset;    /* its byte offset in the unit */
    size_t col;         /* the batch column it concerns, when has_col */
    int has_col;        /* 0: the whole row */
    const char *reason; /* why, without the unit and line */
    const char *raw;    /* the record as read, for the rejects file */
    size_t raw_len;
};

/* The engine's side of one reader, handed to read_split(). All calls are
 * made from the reader's own thread. */
struct sl_source_port {
    void *ctx;
    /* An empty batch from the pool, or NULL once the run stops (its batch
     * is then the engine's again). */
    struct sl_batch *(*take)(void *ctx);
    /* Hands a filled batch on to the writers (one with no rows is only
     * handed on when keep_empty is set, for a checkpoint of its range;
     * otherwise it goes back to the pool). Returns 0, or -1 once the run
     * stops; b belongs to the engine either way. */
    int (*hand_on)(void *ctx, struct sl_batch *b);
    /* Gives back a batch that is not handed on. */
    void (*give_back)(void *ctx, struct sl_batch *b);
    /* The row just ended in b (its last): runs the transform stage and the
     * column checks over it. A refused row is marked rejected (and reported
     * as a bad row). Returns 0, or -1 when the run must stop. */
    int (*row)(void *ctx, struct sl_batch *b);
    /* A row the source itself could not read. Returns 0 to go on (it was
     * rejected), or -1 when the run must stop. */
    int (*bad_row)(void *ctx, const struct sl_bad_row *r);
    /* Adds to the run's counters: rows read (rejected ones too), bytes read
     * from the input as stored, and bytes parsed. */
    void (*count)(void *ctx, uint64_t rows, uint64_t raw_bytes, uint64_t data_bytes);
    /* True once the run stops reading: a failure or a signal. */
    int (*stopping)(void *ctx);
    /* The run failed for a reason that is not one row's: records e and
     * stops everything. */
    void (*fail)(void *ctx, const struct sl_err *e);
    /* Reading the split failed in a way that concerns its unit (a table)
     * alone. Returns 0 when the run goes on without that unit, or -1 when
     * it failed (as fail). */
    int (*fail_unit)(void *ctx, size_t unit, const struct sl_err *e);
    /* A line for the user (a split read again), printed between progress
     * lines. */
    void (*note)(void *ctx, const char *msg);
    int keep_empty; /* hand on batches that cover a range but hold no row */
};

struct sl_source_ops {
    const char *name; /* "csv", "mysql", "gen" */
    unsigned caps;
    /* Opens the reader of reader thread `index` (its connection, its
     * scratch space). Returns 0, or -1 with err set. NULL (with
     * reader_close): the reader is the source itself. */
    int (*reader_open)(void *source, unsigned index, void **reader, struct sl_err *err);
    /* Takes the next split. Safe from any thread. Returns 1 with *split
     * set, or 0 when none is left. */
    int (*next_split)(void *source, uint64_t *split);
    /* Reads split into batches through port until it ends or the run
     * stops. Returns 0 when the split was read (or its unit failed, and
     * port->fail_unit let the run go on), 1 when that is so but this reader
     * can read no more (its connection is gone), or -1 when the split
     * stays unread: the run is stopping, or failed (port was told). */
    int (*read_split)(void *reader, uint64_t split, const struct sl_source_port *port);
    /* Closes what reader_open opened. NULL: nothing to close. */
    void (*reader_close)(void *reader);
    /* The name of unit u (a file's path, a table's name), for messages. */
    const char *(*unit_name)(void *source, size_t unit);
    /* The field of unit u that feeds batch column col, from 0, or -1 when
     * the unit has no such field (a column added by a transform). NULL:
     * fields are columns. */
    long (*field_of)(void *source, size_t unit, size_t col);
    /* The name of batch column col in unit u's rows, for messages. NULL:
     * the engine plan's colnames, the same for every unit. */
    const char *(*col_name)(void *source, size_t unit, size_t col);
};

#endif
