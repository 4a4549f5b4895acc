/*
 * sl_insert_plan: the shape and size of sluice's multi-row INSERT.
 *
 *   INSERT INTO `db`.`t` (`c1`,`c2`) VALUES (?,?),(?,?),...
 *
 * How many rows one statement carries is capped three ways:
 *   1. --batch-rows;
 *   2. 65,535 placeholders, the protocol's limit for one statement;
 *   3. the server's max_allowed_packet, against the size of the execute
 *      packet that carries the bound values.
 * These functions are pure (no server involved) so the caps can be tested.
 */
#ifndef SL_INSERT_PLAN_H
#define SL_INSERT_PLAN_H

#include <stddef.h>

#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_value.h"

/* The statement a write mode sends (see sl_write_mode.h). */
enum sl_insert_verb {
    SL_VERB_INSERT,  /* INSERT INTO */
    SL_VERB_IGNORE,  /* INSERT IGNORE INTO: a row whose key exists is skipped */
    SL_VERB_REPLACE, /* REPLACE INTO: a row whose key exists is deleted first */
    SL_VERB_UPSERT,  /* INSERT ... ON DUPLICATE KEY UPDATE c = VALUES(c), ... */
};

/* Where and how rows are written. */
struct sl_insert_target {
    const char *schema;
    const char *table;
    char *const *cols; /* table column names, in batch column order */
    size_t ncols;
    enum sl_insert_verb verb;
    const size_t *update;            /* SL_VERB_UPSERT: indexes into cols of the columns
                                        updated on a duplicate key */
    size_t nupdate;                  /* 0 with SL_VERB_UPSERT: the first column is set to
                                        itself, so an existing row is left as it is */
    const enum sl_value_kind *kinds; /* per column, how its batch cells hold values
                                        (sl_value.h); NULL: every one is text */
};

#define SL_INSERT_MAX_PLACEHOLDERS 65535
/* Bytes kept free under max_allowed_packet for headers we do not model. */
#define SL_INSERT_PACKET_MARGIN 1024

/* Rows per statement allowed by caps 1 and 2: min(batch_rows,
 * 65535 / ncols), and at least 1. */
size_t sl_insert_max_rows(size_t batch_rows, size_t ncols);

/* Bytes that row `row` of b adds to an execute packet: for each value its
 * length prefix and bytes, plus two type bytes and a NULL-bitmap bit per
 * column. */
size_t sl_insert_row_bytes(const struct sl_batch *b, size_t row);

/* Bytes of an execute packet before any value (command, statement id, flags,
 * iteration count, new-params flag). */
size_t sl_insert_packet_base(void);

/* How many of the rows listed in rows[0..n), at most max_rows, fit in one
 * execute packet of at most max_packet bytes (SL_INSERT_PACKET_MARGIN is
 * kept free). Returns 0 if rows[0] is too large on its own. */
size_t sl_insert_rows_that_fit(const struct sl_batch *b, const uint32_t *rows, size_t n,
                               size_t max_rows, size_t max_packet);

/* Appends the statement text for nrows rows of t to out: the verb, the
 * quoted table and column names, nrows groups of placeholders and, for an
 * upsert, the ON DUPLICATE KEY UPDATE list. Returns 0 or -1 (a bad name, or
 * out is full). */
int sl_insert_build_sql(struct sl_buf *out, const struct sl_insert_target *t, size_t nrows);

#endif
