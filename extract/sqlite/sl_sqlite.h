/*
 * sl_sqlite: a SQLite database file as a source of the cross-engine copy
 * (sl_foreign.h).
 *
 *   sqlite:///path/to/app.db[?table=NAME&immutable=1]
 *
 * The file is opened read-only (SQLITE_OPEN_READONLY; with immutable=1 also
 * as immutable, for a file on read-only media that nothing writes). One
 * read transaction, begun at open() and held to close(), is the copy's
 * consistent state, so the source has one reader (max_readers 1); a table
 * whose rowid is an INTEGER PRIMARY KEY column is still read, summed up and
 * compared in ranges of it. WITHOUT ROWID tables are read by their integer
 * primary key when they have one, else in one stream.
 */
#ifndef SL_SQLITE_H
#define SL_SQLITE_H

#include "sl_foreign.h"

extern const struct sl_foreign_ops sl_sqlite_foreign_ops;

#endif
