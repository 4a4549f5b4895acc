/*
 * sl_gen_source: the generator as a source (sl_gen.h for the built-in
 * schemas, sl_gen_typed.h for any table).
 *
 * Its splits are blocks of split_rows consecutive row numbers: split k
 * holds rows k*split_rows+1 onwards, so that a writer inserts a run of
 * keys of its own, and splits come in row order for an ordered run. The
 * rows of a split are generated into batches of batch_rows rows. With
 * rows set it ends after row `rows`; with a deadline it takes no split,
 * and ends the one it is on, once the deadline has passed.
 *
 * A batch's source is its split; each row's line is its row number.
 */
#ifndef SL_GEN_SOURCE_H
#define SL_GEN_SOURCE_H

#include <stdatomic.h>
#include <stdint.h>

#include "sl_gen.h"
#include "sl_gen_typed.h"
#include "sl_source_ops.h"

/* Its reader is the source itself (generating needs no state per thread). */
struct sl_gen_source {
    const struct sl_gen *gen;         /* a built-in schema, or NULL */
    const struct sl_gen_typed *typed; /* else a table's columns */
    uint64_t rows;                    /* the last row number; 0: no end */
    uint64_t split_rows;              /* rows per split */
    size_t batch_rows;                /* rows per batch */
    double deadline;                  /* CLOCK_MONOTONIC seconds; 0: none */
    atomic_uint_fast64_t next;        /* the next split */
};

/* The source's operations; the source pointer they take is a struct
 * sl_gen_source filled in as above, next set to 0. */
extern const struct sl_source_ops sl_gen_source_ops;

/* How many splits a source of `rows` rows has. */
uint64_t sl_gen_source_splits(const struct sl_gen_source *s);

#endif
