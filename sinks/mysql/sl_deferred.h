/*
 * sl_deferred: secondary indexes taken off a table for the length of a load
 * and put back after its rows, with a record that outlives the run.
 *
 * Building an index once over all the rows costs the server less than
 * keeping it up to date row by row. A load that takes a table's indexes off
 * first records, in the target database's table `sluice_deferred`, the
 * ALTER TABLE that adds them back (committed before the indexes go), so
 * that whatever stops the run (a failure, a signal, kill -9), the next load
 * into that table finds the record, does not take anything off again, and
 * adds the indexes once its own rows are in. Only the statement that was
 * recorded is ever run: sluice never guesses a table's indexes.
 *
 *   CREATE TABLE sluice_deferred (
 *     target   VARCHAR(512) PRIMARY KEY,   -- "db.table"
 *     add_sql  MEDIUMTEXT NOT NULL,        -- ALTER TABLE .. ADD KEY ..
 *     taken_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)
 */
#ifndef SL_DEFERRED_H
#define SL_DEFERRED_H

#include <mysql.h>

#include "sl_err.h"

#define SL_DEFERRED_TABLE "sluice_deferred"

/* When a load or a copy builds a table's secondary indexes after its rows
 * (--defer-indexes, --no-defer-indexes, or by size). */
enum sl_defer {
    SL_DEFER_AUTO,   /* when there are enough rows to gain from it, and the account
                        holds ALTER */
    SL_DEFER_ALWAYS, /* --defer-indexes */
    SL_DEFER_NEVER,  /* --no-defer-indexes */
};

/* Reads the recorded statement for target ("db.table") from db's
 * sluice_deferred into *add_sql (malloc'd). Returns 1 when there is one, 0
 * when not (or there is no such table), -1 with err set. */
int sl_deferred_find(MYSQL *m, const char *db, const char *target, char **add_sql,
                     struct sl_err *err);

/* Records add_sql for target (creating db's sluice_deferred if needed) and
 * commits, then runs drop_sql. Returns 0; 1 when another load recorded the
 * target first (nothing was dropped); or -1 with err set (when the drop
 * failed, the record is deleted again). */
int sl_deferred_take(MYSQL *m, const char *db, const char *target, const char *drop_sql,
                     const char *add_sql, struct sl_err *err);

/* Runs add_sql (an index it adds that exists already means the drop never
 * happened: that counts as done) and deletes target's record. Returns 0 or
 * -1 with err set (the record stays). */
int sl_deferred_put_back(MYSQL *m, const char *db, const char *target, const char *add_sql,
                         struct sl_err *err);

#endif
