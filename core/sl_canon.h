/*
 * sl_canon: a value's canonical form, for comparing a copy between two
 * engines that print the same value differently.
 *
 * A copy from PostgreSQL or SQLite into MySQL cannot use CHECKSUM TABLE on
 * both sides. Instead each side's rows are hashed on the client: every value
 * in its canonical form for the class of its target column, every row to
 * one 64-bit hash, every key range to its row count and the sum of its row
 * hashes (so that the order rows arrive in does not matter). The source side
 * hashes the values it hands to the target; the target side hashes what the
 * target gives back. Equal sums mean equal rows, short of a 64-bit collision.
 *
 * Classes, by the target column's type:
 *   BYTES     compared byte for byte (text, binary, JSON, integers, dates)
 *   CHAR      CHAR(n): trailing spaces do not count (MySQL drops them)
 *   DECIMAL   trailing zeros after the point do not count, nor "-" on 0
 *   FLOAT     the 32-bit float the text reads as (MySQL prints FLOAT in 6
 *             digits, so that side must be read as CAST(col AS DOUBLE))
 *   DOUBLE    the double the text reads as
 *   TEMPORAL  trailing zeros of a fraction of a second do not count, a
 *             date alone is its midnight, and 'T' may stand for the space
 */
#ifndef SL_CANON_H
#define SL_CANON_H

#include <stddef.h>
#include <stdint.h>

enum sl_canon {
    SL_CANON_BYTES,
    SL_CANON_CHAR,
    SL_CANON_DECIMAL,
    SL_CANON_FLOAT,
    SL_CANON_DOUBLE,
    SL_CANON_TEMPORAL,
};

/* The class of a MySQL column type as written in CREATE TABLE ("DECIMAL(10,2)",
 * "datetime(6)", "FLOAT"); case does not matter. */
enum sl_canon sl_canon_of_type(const char *mysql_type);

#define SL_CANON_ROW_INIT 0xcbf29ce484222325ULL

/* Folds one value of class c into the row hash h (start from
 * SL_CANON_ROW_INIT) and returns the new hash. v is NULL for SQL NULL. */
uint64_t sl_canon_add(uint64_t h, enum sl_canon c, const char *v, size_t len);

/* The row count and hash sum of a key range. */
struct sl_canon_sum {
    uint64_t rows;
    uint64_t sum;
};

/* Adds a row whose values were folded into h. */
void sl_canon_sum_row(struct sl_canon_sum *s, uint64_t h);

/* Whether the decimal number v (len bytes: [-+]digits[.digits]) fits
 * DECIMAL(prec,scale) without rounding: no more than prec - scale digits
 * before the point, nor scale after it (trailing zeros do not count).
 * prec 0: no limit. Returns 0, or -1 with the reason (naming type) in why.
 * MySQL rounds extra fraction digits with only a note, so this is how a
 * copy keeps them from being lost. */
int sl_canon_decimal_fits(const char *v, size_t len, int prec, int scale, const char *type,
                          char *why, size_t cap);

#endif
