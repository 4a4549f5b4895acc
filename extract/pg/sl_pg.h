/*
 * sl_pg: PostgreSQL as a source of the cross-engine copy (sl_foreign.h).
 *
 * open() connects the leader and starts a REPEATABLE READ, READ ONLY
 * transaction whose snapshot it exports (pg_export_snapshot()); the catalog
 * is read and key spans taken inside it, and every reader's connection
 * imports it (SET TRANSACTION SNAPSHOT) before any row is read. So all
 * readers see one state of the database, however many there are and
 * whatever is written meanwhile. The leader's transaction stays open
 * until close(), which the snapshot needs.
 */
#ifndef SL_PG_H
#define SL_PG_H

#include "sl_foreign.h"

extern const struct sl_foreign_ops sl_pg_foreign_ops;

#endif
