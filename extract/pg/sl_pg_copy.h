/*
 * sl_pg_copy: the rows of COPY ... TO STDOUT in PostgreSQL's text format,
 * and the checks and changes a value needs on its way to MySQL.
 *
 * A row is one line: fields separated by tabs, \N for NULL, and backslash
 * escapes (\t \n \r \b \f \v \\, octal \ooo and \xHH) inside a field.
 * Pure functions, with no server involved, so that they can be tested
 * alone.
 */
#ifndef SL_PG_COPY_H
#define SL_PG_COPY_H

#include <stddef.h>

#include "sl_buf.h"
#include "sl_foreign.h"

/* One decoded row: field i is out->data[off[i] .. off[i] + len[i]), or
 * NULL when null[i]. */
struct sl_pg_row {
    struct sl_buf out;
    size_t *off, *len;
    unsigned char *null;
    size_t cap; /* fields off, len and null can hold */
};

/* Decodes line (n bytes, its final LF optional) into exactly ncols fields.
 * Returns 0, or -1 with *why set to a static reason (a wrong field count,
 * a bad escape, no memory). */
int sl_pg_row_decode(struct sl_pg_row *r, const char *line, size_t n, size_t ncols,
                     const char **why);

/* Frees what r holds. */
void sl_pg_row_release(struct sl_pg_row *r);

/* Checks and converts field i of r for column c: in place, or (a real for
 * FLOAT, which may get longer) at the end of r->out. Returns 0, or -1 with the reason, for a
 * reject, written into why (cap bytes): NaN into DECIMAL, a BC date, digits past DECIMAL(p,s). */
int sl_pg_value_convert(struct sl_pg_row *r, size_t i, const struct sl_fcol *c, char *why,
                        size_t cap);

#endif
