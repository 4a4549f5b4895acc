/*
 * sl_mysql_source: the MySQL source, reading a table (or a query) through
 * unbuffered SELECTs (sl_select.h), so that memory stays flat however many
 * rows there are.
 *
 * Its splits are key ranges of the table's integer primary key
 * (sl_key_ranges.h), numbered from 0 in key order; a table without one,
 * and a query, is one split. Each reader thread reads on its own
 * connection, which the plan opened and placed in one snapshot
 * (sl_snapshot.h). A batch's source (b->source) is its split, and each
 * row's line is its ordinal within the split, from 1.
 *
 * Values go into the batch as the server sends them in its text form,
 * binary ones as their bytes. A FLOAT column read as CAST(col AS DOUBLE)
 * and marked in as_float becomes the shortest text that reads back as the
 * same FLOAT (see sl_select.h).
 */
#ifndef SL_MYSQL_SOURCE_H
#define SL_MYSQL_SOURCE_H

#include <mysql.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sl_key_ranges.h"
#include "sl_source_ops.h"

struct sl_mysql_source {
    MYSQL **conns;           /* one per reader thread, in the snapshot */
    unsigned long *conn_ids; /* their ids, for sl_mysql_source_cancel() */
    unsigned nconns;
    const char *select;                 /* "SELECT cols FROM t", or the query */
    const char *cond;                   /* the --where condition, or "" */
    const char *order;                  /* " ORDER BY pk", or "" */
    const char *key;                    /* the quoted key column when ranged, else NULL */
    const struct sl_key_ranges *ranges; /* with key: the splits */
    uint64_t nsplits;                   /* 1 when not ranged */
    const unsigned char *as_float;      /* per column, or NULL */
    const char *what;                   /* for an error of the SELECT: "--query" or
                                           "reading the table" */
    const char *name;                   /* the table (or "query"), for messages */
    size_t batch_bytes;                 /* a batch is handed on once its values pass this */
    atomic_uint_fast64_t next;          /* the next split to take */
    atomic_int reading;                 /* set once the server accepted a SELECT */
};

/* The source's operations; the source pointer they take is a struct
 * sl_mysql_source filled in as above, next and reading set to 0. */
extern const struct sl_source_ops sl_mysql_source_ops;

/* Stops the SELECTs that readers are running (KILL QUERY over via), so that
 * a stopping run does not wait for a large result to be read to its end. */
void sl_mysql_source_cancel(struct sl_mysql_source *s, MYSQL *via);

#endif
