/*
 * sl_csv_out: writes rows as RFC 4180 CSV to a file or stdout, compressed
 * with zstd while streaming when asked.
 *
 * The output reads back with sluice load's defaults and no loss:
 *   - NULL is written as an unquoted \N;
 *   - a field is quoted only when it must be: when it holds the delimiter,
 *     a quote, CR or LF, is empty, or is exactly \N (so that it stays text);
 *     quotes inside are doubled;
 *   - records end in LF.
 * Memory is one output buffer (and zstd's context), whatever the row count.
 * Write errors such as a full disk are reported with the path.
 */
#ifndef SL_CSV_OUT_H
#define SL_CSV_OUT_H

#include <stddef.h>

#include "sl_batch.h"
#include "sl_err.h"

struct sl_csv_out;

/* Opens path for writing ("-" for stdout), truncating a file. zstd_level 0
 * writes plain text; 1-19 compresses at that level. Returns 0 or -1. */
int sl_csv_out_open(struct sl_csv_out **out, const char *path, int zstd_level, struct sl_err *err);

/* Writes a header record of n names. */
int sl_csv_out_header(struct sl_csv_out *o, const char *const *names, size_t n, struct sl_err *err);

/* Writes row `row` of b as one record. */
int sl_csv_out_row(struct sl_csv_out *o, const struct sl_batch *b, size_t row, struct sl_err *err);

/* Flushes, ends the zstd frame, closes the file and frees o, on every path.
 * Returns 0, or -1 with err set if anything could not be written. */
int sl_csv_out_close(struct sl_csv_out *o, struct sl_err *err);

#endif
