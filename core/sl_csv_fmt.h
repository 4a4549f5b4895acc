/*
 * sl_csv_fmt: formats CSV fields and records into a memory buffer, the way
 * every CSV sluice writes looks (RFC 4180):
 *   - NULL is an unquoted \N;
 *   - a field is quoted only when it must be: when it holds a comma, a quote,
 *     CR or LF, is empty, or is exactly \N (so that it stays text); quotes
 *     inside are doubled;
 *   - records end in LF.
 * Such text reads back with sluice load's defaults with no loss.
 */
#ifndef SL_CSV_FMT_H
#define SL_CSV_FMT_H

#include <stddef.h>

#include "sl_buf.h"

/* Appends one field of n bytes (quoted if needed). Returns 0, or -1 when out
 * is full (out may then hold part of the field). */
int sl_csv_fmt_field(struct sl_buf *out, const char *p, size_t n);

/* Appends one field as the hex digits of its n bytes (see sl_hex.h); an empty
 * value is written as "" so that it is not NULL. Returns 0 or -1. */
int sl_csv_fmt_hex_field(struct sl_buf *out, const unsigned char *p, size_t n);

/* Appends a header record: the n names as fields, then LF. Returns 0 or
 * -1. */
int sl_csv_fmt_names(struct sl_buf *out, const char *const *names, size_t n);

/* Appends the unquoted NULL marker \N. Returns 0 or -1. */
int sl_csv_fmt_null(struct sl_buf *out);

#endif
