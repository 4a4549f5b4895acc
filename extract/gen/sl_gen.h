/*
 * sl_gen: deterministic generated rows, for `sluice gen` and (later) the
 * insert benchmark.
 *
 * Each row is a pure function of (schema, seed, sequence number), so any
 * thread can generate any range of rows, and the same seed always gives the
 * same rows in any tool that uses this module. Values are produced as text,
 * the way a CSV file would carry them.
 *
 * Schemas:
 *   narrow  id INT PRIMARY KEY, k INT  (the shape of sysbench's bulk_insert)
 *   orders  the 8-column table of the load benchmark, one secondary index
 *   wide    30 mixed columns, about 1 KB a row
 * With random key order the primary key runs through a bijection of the
 * sequence number, so keys stay unique but arrive in random order.
 */
#ifndef SL_GEN_H
#define SL_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_err.h"

enum sl_gen_schema {
    SL_GEN_NARROW,
    SL_GEN_ORDERS,
    SL_GEN_WIDE,
};

struct sl_gen {
    enum sl_gen_schema schema;
    uint64_t seed;
    int random_keys;
    size_t ncols;
};

/* Looks a schema up by name ("narrow", "orders", "wide"). Returns 0 and sets
 * *out, or -1 with err naming the known schemas. */
int sl_gen_schema_by_name(const char *name, enum sl_gen_schema *out, struct sl_err *err);

/* Sets g up. */
void sl_gen_init(struct sl_gen *g, enum sl_gen_schema schema, uint64_t seed, int random_keys);

/* The column names, in order (g->ncols of them). */
const char *const *sl_gen_columns(const struct sl_gen *g);

/* Appends CREATE TABLE `table` (...) for the schema to out. Returns 0 or
 * -1 (out is full, or the name is invalid). */
int sl_gen_create_sql(const struct sl_gen *g, const char *table, struct sl_buf *out);

/* Appends row number seq (1-based) to b, which must have g->ncols columns
 * and room for a row. Returns 0, or -1 if the batch's arena is full (the
 * row is then dropped). */
int sl_gen_row(const struct sl_gen *g, uint64_t seq, struct sl_batch *b);

/* The pieces sl_gen_typed shares, so that both generators make rows the
 * same way:
 *   sl_gen_next       splitmix64: the next number of a row's stream;
 *   sl_gen_row_state  the start of row seq's stream for a seed;
 *   sl_gen_key        row seq's primary key, sequential or in random order
 *                     (a bijection of [1, 2^31));
 *   sl_gen_put        formats a value (at most 127 bytes) into column col of
 *                     the row being filled; 0, or -1 when the arena is full. */
uint64_t sl_gen_next(uint64_t *state);
uint64_t sl_gen_row_state(uint64_t seed, uint64_t seq);
uint64_t sl_gen_key(int random_keys, uint64_t seq);
int sl_gen_put(struct sl_batch *b, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
