/*
 * sl_pg_source: reads PostgreSQL tables for the engine (sl_source_ops.h)
 * with COPY (SELECT ...) TO STDOUT, one row at a time off the connection,
 * so that no result is ever held whole.
 *
 * Its units are tables (struct sl_funit), its splits key ranges of them.
 * Each reader reads on a connection of its own that was placed in the
 * copy's snapshot before the run (SET TRANSACTION SNAPSHOT). A value MySQL
 * cannot take (sl_pg_copy.h) makes its row a bad row, named by the table,
 * the row's key and the column. Each row then goes through the engine's
 * row stage (port->row), and every row it does not refuse is summed up
 * into its range's sl_canon_sum.
 *
 * Positions: a batch's source is its unit, each row's line its ordinal in
 * the range from 1.
 */
#ifndef SL_PG_SOURCE_H
#define SL_PG_SOURCE_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sl_foreign.h"
#include "sl_frows.h"
#include "sl_source_ops.h"

struct sl_pg_source {
    struct sl_fsplits sp; /* first: the units and splits */
    PGconn **conns;       /* one per reader, each in the snapshot */
    unsigned nconns;
    size_t batch_bytes; /* a batch is handed on once its values pass this */
    int keep_raw;       /* keep each row's COPY line, for the rejects file */
};

/* The source's operations; the source pointer they take is a struct
 * sl_pg_source filled in as above, sp.next set to 0. */
extern const struct sl_source_ops sl_pg_source_ops;

#endif
