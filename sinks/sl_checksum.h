/*
 * sl_checksum: the statement that sums up a set of rows, so that a copy can
 * be compared with its source without moving the rows again.
 *
 *   SELECT COUNT(*), COALESCE(SUM(h), 0) FROM `db`.`t` [WHERE ...]
 *
 * where h is the first 64 bits of MD5 over the row's values (joined by '#',
 * with a NULL flag per column), as an unsigned number. SUM, unlike BIT_XOR,
 * does not let two equal rows cancel out, so tables without a primary key
 * compare correctly too; its DECIMAL result does not overflow.
 *
 * Each value is hashed as the server prints it, made comparable across
 * column definitions: text (CHAR, VARCHAR, TEXT, ENUM, SET, JSON) is
 * converted to utf8mb4, so the same text in another charset sums the same;
 * FLOAT is read as DOUBLE, since its usual text keeps only 6 digits; other
 * types (numbers, dates, binary strings, BIT, spatial) are their own bytes.
 */
#ifndef SL_CHECKSUM_H
#define SL_CHECKSUM_H

#include <stddef.h>

#include "sl_buf.h"
#include "sl_table.h"

/* Appends the statement for the columns named cols[0..ncols) of t (looked
 * up in t by name, for their types) to out, without a WHERE clause. Returns
 * 0, or -1 if a column is not in t or out is full. */
int sl_checksum_sql(struct sl_buf *out, const struct sl_table *t, char *const *cols, size_t ncols);

#endif
