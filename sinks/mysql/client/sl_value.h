/*
 * sl_value: values bound in the C API's binary form rather than as text.
 *
 * A copy reads every value as the text the source server prints. Integers
 * and dates sent back as that text make the target server parse them again,
 * which is a good part of its work per row; sent as a 64-bit integer or a
 * MYSQL_TIME, they are stored as they are. This module turns the server's
 * printed form into those binary forms, and back into text for messages.
 *
 * Only the exact form a server prints is accepted ("-12", "2026-01-31",
 * "2026-01-31 23:59:59.123456"). A date that is not a real calendar date
 * (0000-00-00, 2026-02-30, 2026-01-00: a server holds these under some
 * sql_mode settings) stays text, because a server that takes it as text may
 * refuse it in binary form. So a DATE or DATETIME cell holds either a
 * MYSQL_TIME (its length is sizeof(MYSQL_TIME)) or the text (never that
 * long); an integer cell always holds the binary value.
 */
#ifndef SL_VALUE_H
#define SL_VALUE_H

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

/* How one column's values are carried in a batch and bound. */
enum sl_value_kind {
    SL_VALUE_TEXT = 0, /* the bytes themselves, bound as a string */
    SL_VALUE_INT,      /* an int64_t */
    SL_VALUE_UINT,     /* a uint64_t */
    SL_VALUE_DATE,     /* a MYSQL_TIME holding a DATE */
    SL_VALUE_DATETIME, /* a MYSQL_TIME holding a DATETIME or TIMESTAMP */
};

/* The binary value of one kind, for a bind to point at. */
union sl_value {
    int64_t i;
    uint64_t u;
    MYSQL_TIME t;
};

/* The kind a column is best carried as, from its information_schema
 * DATA_TYPE (lower case) and whether it is UNSIGNED: the integer types (not
 * YEAR or BIT) and DATE, DATETIME and TIMESTAMP; everything else is text. */
enum sl_value_kind sl_value_kind_of(const char *data_type, int is_unsigned);

/* Parses the len bytes of text, as the server prints a value of kind, into
 * *out. Returns the number of bytes of *out that hold the value (what a
 * batch cell keeps), or 0 when text is not in that form, out of range, or
 * not a calendar date (the caller keeps such a date as text). */
size_t sl_value_parse(enum sl_value_kind kind, const char *text, size_t len, union sl_value *out);

/* Points bd at the value of kind held in the len bytes at data: a parsed
 * value, or text (SL_VALUE_TEXT, and a date kept as text). A binary value
 * is first copied into *scratch, so data need not be aligned; *length
 * receives a text's length. */
void sl_value_bind(MYSQL_BIND *bd, enum sl_value_kind kind, const void *data, size_t len,
                   union sl_value *scratch, unsigned long *length);

/* What a cell of a column of kind holds, by its length: the kind itself,
 * or SL_VALUE_TEXT for a date kept as its text. */
enum sl_value_kind sl_value_cell_kind(enum sl_value_kind kind, size_t len);

/* Writes the value's text as the server would print it into out (always
 * NUL-terminated, shortened to cap - 1 bytes). Returns the text's length. */
size_t sl_value_format(enum sl_value_kind kind, const void *data, size_t len, char *out,
                       size_t cap);

#endif
