/*
 * sl_mysql_source: the MySQL source, reading tables (or a query) through
 * unbuffered SELECTs (sl_select.h), so that memory stays flat however many
 * rows there are.
 *
 * Its units are tables; its splits are key ranges of a table's integer
 * primary key (sl_key_ranges.h), or the whole table. Each reader thread
 * reads on its own connection, which the plan opened and placed in one
 * snapshot (sl_snapshot.h). A range is read in key order when the unit
 * has an ORDER BY, so that a rerun reads its rows in the same order.
 *
 * Positions: a batch's source (b->source) is its unit, and its start and
 * end are sl_mysql_pos(range, ordinal) of its first row and one past its
 * last, the ordinals counting the range's rows from 0; each row's line is
 * its ordinal from 1. A copy's checkpoints record these, and a resumed
 * split skips the ordinals it lists (sl_mysql_split.skip).
 *
 * Values go into the batch as the server sends them in its text form, or
 * (kinds) in the C API's binary form for the types that have one
 * (sl_value.h). A FLOAT column read as CAST(col AS DOUBLE) and marked in
 * as_float becomes the shortest text that reads back as the same FLOAT
 * (see sl_select.h).
 */
#ifndef SL_MYSQL_SOURCE_H
#define SL_MYSQL_SOURCE_H

#include <mysql.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_key_ranges.h"
#include "sl_source_ops.h"
#include "sl_value.h"

/* A position in a ranged table: key range k in the high bits, the ordinal
 * of a row within the range in the low SL_MYSQL_POS_BITS. */
#define SL_MYSQL_POS_BITS 40
static inline uint64_t sl_mysql_pos(uint64_t k, uint64_t ordinal)
{
    return k << SL_MYSQL_POS_BITS | ordinal;
}
static inline uint64_t sl_mysql_pos_range(uint64_t pos)
{
    return pos >> SL_MYSQL_POS_BITS;
}
static inline uint64_t sl_mysql_pos_ordinal(uint64_t pos)
{
    return pos & ((UINT64_C(1) << SL_MYSQL_POS_BITS) - 1);
}

/* One table (or the query) of a MySQL source. */
struct sl_mysql_unit {
    const char *select;                 /* "SELECT cols FROM t", or the query */
    const char *cond;                   /* a condition on the rows (--where), or "" */
    const char *order;                  /* " ORDER BY pk", or "" */
    const char *key;                    /* the quoted key column when ranged, else NULL */
    const struct sl_key_ranges *ranges; /* with key: its ranges */
    const unsigned char *as_float;      /* per column, or NULL */
    const enum sl_value_kind *kinds;    /* per column, or NULL: every value as text */
    size_t ncols;
    char *const *cols; /* their names, for messages; may be NULL */
    const char *what;  /* prefixes a failed SELECT ("--query"), or NULL */
    const char *name;  /* for messages */
};

/* One split: a key range of a unit, and what an earlier run committed of
 * it. */
struct sl_mysql_split {
    size_t unit;
    uint64_t range;
    const struct sl_span *skip; /* committed rows (as sl_mysql_pos), sorted; may be NULL */
    size_t nskip;
    int complete_before; /* committed whole: not read again */
};

struct sl_mysql_source {
    /* One per reader thread, in the snapshot, then nspares spares in it: a
     * reader whose connection is lost takes a spare and reads its range
     * again, when that can be done exactly: from the range's start, or past
     * the rows it handed on when the unit has an order. */
    MYSQL **conns;
    unsigned long *conn_ids; /* their ids, for sl_mysql_source_cancel() */
    unsigned nconns;
    unsigned nspares;
    const struct sl_mysql_unit *units;
    size_t nunits;
    const struct sl_mysql_split *splits; /* NULL: split k is range k of unit 0 */
    uint64_t nsplits;
    size_t batch_bytes;      /* a batch is handed on before its values pass this */
    unsigned long long room; /* the value bytes a batch holds: no row may take more */
    /* Called once a split was read (or, complete_before, instead), on the
     * reader's connection and in its snapshot: a copy sums the range up
     * there. Returns 0, or -1 with err set. NULL: nothing. */
    int (*after_split)(void *ctx, MYSQL *m, uint64_t split, struct sl_err *err);
    void *ctx;
    atomic_uint_fast64_t next; /* the next split to take */
    atomic_int reading;        /* set once the server accepted a SELECT */
    atomic_uint spares_taken;  /* spares taken by readers (may pass nspares) */
};

/* The source's operations; the source pointer they take is a struct
 * sl_mysql_source filled in as above, next, reading and spares_taken set
 * to 0. */
extern const struct sl_source_ops sl_mysql_source_ops;

/* Stops the SELECTs that readers are running (KILL QUERY over via), so that
 * a stopping run does not wait for a large result to be read to its end. */
void sl_mysql_source_cancel(struct sl_mysql_source *s, MYSQL *via);

#endif
