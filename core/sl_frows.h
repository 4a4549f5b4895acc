/*
 * sl_frows: the part of a foreign source's reader (sl_foreign.h) that is
 * the same for every engine: taking batches from the engine and handing
 * them on, storing a row's converted values, running the row stage over
 * it, summing it up into its range (sl_canon.h), and reporting a row the
 * target could not take as a bad row named by its key.
 *
 * Positions: a batch's source is its unit, its start and end the ordinals
 * of its rows in the range, each row's line its ordinal from 1.
 */
#ifndef SL_FROWS_H
#define SL_FROWS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_foreign.h"
#include "sl_source_ops.h"

/* The units and splits of a foreign source: the first member of each
 * source's struct, so that the functions below serve as its ops. */
struct sl_fsplits {
    const struct sl_funit *units;
    size_t nunits;
    const struct sl_fsplit *splits;
    uint64_t nsplits;
    atomic_uint_fast64_t next; /* the next split to take; start at 0 */
};

/* sl_source_ops.next_split, unit_name and col_name over a source whose
 * struct starts with a struct sl_fsplits. */
int sl_fsplits_next(void *source, uint64_t *split);
const char *sl_fsplits_unit_name(void *source, size_t unit);
const char *sl_fsplits_col_name(void *source, size_t unit, size_t col);

struct sl_frows {
    const struct sl_source_port *port;
    const struct sl_funit *u;
    size_t unit;
    uint64_t range;
    size_t batch_bytes; /* a batch is handed on once its values pass this */
    int keep_raw;       /* keep each row as read, for the rejects file */
    uint64_t ordinal;   /* rows of the range so far */
    uint64_t counted;   /* of them, told to port->count */
    struct sl_batch *b; /* the batch being filled, or NULL */
};

/* Starts reading split sp of units through port. */
void sl_frows_begin(struct sl_frows *f, const struct sl_source_port *port,
                    const struct sl_funit *units, const struct sl_fsplit *sp, size_t batch_bytes,
                    int keep_raw);

/* Counts the next row of the range and makes room for it (about n bytes):
 * hands the batch on when it is full, takes a new one. Returns 0, or 1 when
 * the run is stopping. */
int sl_frows_next(struct sl_frows *f, size_t n);

/* Stores the row: vals[i] (lens[i] bytes; NULL for SQL NULL) for column i,
 * raw (raw_len bytes) as the row was read. Runs the row stage, and sums the
 * row up when the stage keeps it. Returns 0, or -1 when the run must stop
 * (err set when the row is too large for a batch). */
int sl_frows_put(struct sl_frows *f, const char *const *vals, const size_t *lens, const char *raw,
                 size_t raw_len, struct sl_err *err);

/* Reports the current row as a bad row: column col (or -1), why, and who
 * (its key, "id = 17", or NULL) in front of the reason. Returns 0 when it
 * was rejected and reading goes on, or -1 when the run must stop. */
int sl_frows_bad(struct sl_frows *f, long col, const char *who, const char *why, const char *raw,
                 size_t raw_len);

/* Ends the split: hands on the last batch when ok, else gives it back.
 * Returns 0, or 1 when the run is stopping. */
int sl_frows_end(struct sl_frows *f, int ok);

/* Ends the split as sl_frows_end, and turns how its read went (rc: 0 read,
 * 1 the run is stopping, -1 the split failed, e says why) into what
 * read_split returns: a failed split fails its unit through the port, and
 * reader_dead says the reader can read no more after one (its transaction
 * is gone). */
int sl_frows_finish(struct sl_frows *f, int rc, const struct sl_err *e, int reader_dead);

#endif
