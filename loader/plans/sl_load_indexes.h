/*
 * sl_load_indexes: the secondary indexes a load builds after its rows (see
 * sl_deferred.h for the record that makes this safe to interrupt).
 *
 * A load defers the target table's non-unique secondary indexes (KEY,
 * FULLTEXT, SPATIAL) when --defer-indexes asks, or by default when the
 * input is at least SL_LOAD_DEFER_BYTES; either way only when the table is
 * empty, has no foreign key (whose index must stay), and the account holds
 * ALTER on it. Unique keys always stay, so every write mode meets the same
 * duplicates as without deferring. The indexes go back in one ALTER TABLE
 * once every row is committed, before a swap and --after-sql.
 */
#ifndef SL_LOAD_INDEXES_H
#define SL_LOAD_INDEXES_H

#include <mysql.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_deferred.h"
#include "sl_err.h"

/* Input (bytes as stored) from which a load defers by default: below it,
 * building the indexes afterwards gains little and costs two statements. */
#define SL_LOAD_DEFER_BYTES (32ULL * 1024 * 1024)

struct sl_load_indexes {
    const char *db;
    char target[512]; /* "db.table" */
    char *add_sql;    /* what puts the indexes back, while they are off; else NULL */
    int taken;        /* this run took them off */
};

/* Takes the indexes of db.table off, as d and input_bytes (0: unknown) say,
 * or finds them off since an earlier load, and says so on log (NULL:
 * quietly). Returns 0
 * (ix->add_sql set when there is something to put back), or -1 with err
 * set. */
int sl_load_indexes_take(struct sl_load_indexes *ix, MYSQL *m, enum sl_defer d, const char *db,
                         const char *table, uint64_t input_bytes, FILE *log, struct sl_err *err);

/* Puts the indexes back, when they are off, and says so on log (NULL:
 * quietly). Returns 0 (ix->add_sql is then
 * NULL), or -1 with err set (the indexes stay off, and recorded). */
int sl_load_indexes_put_back(struct sl_load_indexes *ix, MYSQL *m, FILE *log, struct sl_err *err);

/* Frees ix->add_sql. */
void sl_load_indexes_release(struct sl_load_indexes *ix);

#endif
