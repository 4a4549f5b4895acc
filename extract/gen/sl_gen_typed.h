/*
 * sl_gen_typed: deterministic rows for any table, generated from its column
 * types (for `sluice bench --schema file.sql`).
 *
 * Like sl_gen, row seq is a pure function of (seed, seq). The primary key
 * gets the row's key (seq, or its random-order bijection), as a number for
 * integer columns and as "k<key>" for text; every other column gets a value
 * that fits its type: numbers in range, DECIMAL within precision and scale,
 * dates and times, text up to the column's length, ENUM and SET members,
 * bytes for binary columns, a small JSON object. Generated columns are left
 * out. Other UNIQUE keys are not made unique.
 */
#ifndef SL_GEN_TYPED_H
#define SL_GEN_TYPED_H

#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_table.h"

struct sl_gen_typed_col;

struct sl_gen_typed {
    uint64_t seed;
    int random_keys;
    struct sl_gen_typed_col *cols;
    size_t ncols; /* columns generated (generated columns left out) */
    char **names; /* their names, in order */
};

/* Sets g up for table t. Returns 0, or -1 with err naming a column whose
 * type it cannot generate. */
int sl_gen_typed_init(struct sl_gen_typed *g, const struct sl_table *t, uint64_t seed,
                      int random_keys, struct sl_err *err);

/* Appends row seq (1-based) to b (g->ncols columns). Returns 0, or -1 if
 * the arena is full (the row is dropped). */
int sl_gen_typed_row(const struct sl_gen_typed *g, uint64_t seq, struct sl_batch *b);

/* Frees what g holds. */
void sl_gen_typed_release(struct sl_gen_typed *g);

#endif
