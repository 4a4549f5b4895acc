/*
 * sl_ident: quoting of SQL identifiers (schema, table and column names).
 *
 * Values are never put into SQL text; they are always bound. Identifiers
 * cannot be bound, so every identifier sluice writes into a statement goes
 * through sl_ident_append(): it is wrapped in backticks and every backtick
 * inside it is doubled, which is the MySQL rule for quoted identifiers.
 */
#ifndef SL_IDENT_H
#define SL_IDENT_H

#include <stddef.h>

#include "sl_buf.h"

/* Appends `name` (len bytes) to out as a quoted identifier. Returns 0, or -1
 * if the name is empty, holds a NUL byte, or out is full. */
int sl_ident_append(struct sl_buf *out, const char *name, size_t len);

/* Appends `schema`.`table`. Returns 0 or -1 as sl_ident_append. */
int sl_ident_append_qualified(struct sl_buf *out, const char *schema, const char *table);

/* Appends s (len bytes) as a MySQL string literal: in single quotes, with
 * each quote doubled and each backslash and NUL escaped. Only for the
 * constants of DDL (a column's DEFAULT, ENUM labels), which no statement can
 * bind; rows are always bound. Returns 0 or -1 (out is full). */
int sl_ident_append_literal(struct sl_buf *out, const char *s, size_t len);

#endif
