/*
 * sl_colcheck: checks of a value against its target column that are cheap to
 * make on the client, so that a bad row is caught before the server sees it:
 *   - integer columns: the value must look like a number;
 *   - CHAR/VARCHAR(n): at most n characters; TINYTEXT/TEXT/MEDIUMTEXT: at
 *     most their byte limit.
 *   - binary columns (BINARY, VARBINARY, BLOB, BIT), when the file carries
 *     them as hex: the value must be hex digits of at most the column's
 *     size; the reader then decodes it in place (see sl_hex.h).
 * Anything subtler (dates, ranges, decimals) is left to the server, whose
 * strict sql_mode refuses it.
 */
#ifndef SL_COLCHECK_H
#define SL_COLCHECK_H

#include <stddef.h>

#include "sl_table.h"

enum sl_colcheck_kind {
    SL_CHECK_NONE = 0,
    SL_CHECK_INTEGER,
    SL_CHECK_CHARS, /* limit counts UTF-8 characters */
    SL_CHECK_BYTES, /* limit counts bytes */
    SL_CHECK_HEX,   /* hex digits; limit counts decoded bytes (-1: none) */
};

struct sl_colcheck {
    enum sl_colcheck_kind kind;
    long long limit;
    const char *type; /* the column type, for messages */
    int raw_bytes;    /* a binary column taking the bytes as they are: no UTF-8 check */
};

/* True for the column types whose values are bytes, not text. */
int sl_colcheck_is_binary(const struct sl_column *c);

/* Derives the check for a table column. binary_hex = 1: binary columns are
 * given as hex digits. */
struct sl_colcheck sl_colcheck_for(const struct sl_column *c, int binary_hex);

/* Checks a valid UTF-8 value. Returns 0, or -1 with the reason in why. */
int sl_colcheck_value(const struct sl_colcheck *ck, const char *p, size_t len, char *why,
                      size_t whylen);

#endif
