/*
 * sl_sqlite_source: reads SQLite tables for the engine (sl_source_ops.h),
 * a step at a time off a prepared SELECT, with every value checked against
 * its target column by its own storage class (sl_sqlite_types.h). A value
 * that does not fit is a bad row named by its rowid (or key) and column.
 */
#ifndef SL_SQLITE_SOURCE_H
#define SL_SQLITE_SOURCE_H

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sl_foreign.h"
#include "sl_frows.h"
#include "sl_source_ops.h"

struct sl_sqlite_source {
    struct sl_fsplits sp; /* first: the units and splits */
    sqlite3 *db;          /* in its read transaction; one reader */
    const int *has_rowid; /* per unit: the table has a rowid (selected first, for names) */
    size_t batch_bytes;
    int keep_raw; /* keep each row (as a CSV record) for the rejects file */
};

/* The source's operations; the source pointer is a struct
 * sl_sqlite_source filled in as above, sp.next set to 0. */
extern const struct sl_source_ops sl_sqlite_source_ops;

#endif
