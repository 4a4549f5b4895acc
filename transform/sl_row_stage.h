/*
 * sl_row_stage: the transform stage of the engine, run over each row as a
 * source ends it, on the reader's thread.
 *
 * For each column of the row, in order: the value is checked as UTF-8 when
 * the source could not vouch for the record (pos.unchecked), its transform
 * chain runs (sl_transform.h), and the result is checked against the target
 * column (sl_colcheck.h); a hex column's digits are decoded in place. A
 * value a transform made is copied into the batch's arena; one that is part
 * of the input stays where it is.
 *
 * The first value that fails refuses the row: the caller marks it rejected
 * or fails the run.
 */
#ifndef SL_ROW_STAGE_H
#define SL_ROW_STAGE_H

#include <stddef.h>

#include "sl_batch.h"
#include "sl_colcheck.h"
#include "sl_transform.h"

struct sl_row_stage {
    const struct sl_transforms *transforms;
    const struct sl_tf_chain *const *chain; /* per batch column: its chain, or NULL */
    const struct sl_colcheck *checks;       /* per batch column */
    size_t ncols;
    size_t nfile_cols; /* columns from here on were not read but made by their
                          chain; their values are always checked as UTF-8 */
};

/* Why a row was refused. */
struct sl_row_fault {
    size_t col; /* the batch column */
    char why[300];
};

/* Runs the stage over row `row` of b, using w as scratch space. Returns 0,
 * or 1 with f set when the row is refused. */
int sl_row_stage_apply(const struct sl_row_stage *st, struct sl_batch *b, size_t row,
                       struct sl_tf_work *w, struct sl_row_fault *f);

#endif
