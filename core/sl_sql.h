/*
 * sl_sql: what sluice needs to know about a user's SQL text without parsing
 * it: where its statements end. Quotes ('', "", ``, with backslash escapes
 * and doubled quotes) and comments (-- , #, and C-style) are skipped, so a
 * ';' inside them is no statement's end.
 */
#ifndef SL_SQL_H
#define SL_SQL_H

#include <stddef.h>

#include "sl_err.h"

/* Returns the byte offset of the ';' that ends sql's first statement when a
 * second statement follows it (anything but spaces, comments and further
 * ';'), or -1 when sql is at most one statement. An unclosed quote or
 * comment runs to the end and hides what follows, as the server would read
 * it. */
long sl_sql_second_statement(const char *sql);

/* For a user's option that must be one statement (--query, --where):
 * returns 0, or -1 with err saying "OPT must be one statement: ..." and
 * where the second one begins. NULL sql passes. */
int sl_sql_check_one(const char *opt, const char *sql, struct sl_err *err);

#endif
