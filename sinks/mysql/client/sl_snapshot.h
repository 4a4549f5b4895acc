/*
 * sl_snapshot: gives several reader connections one view of the data.
 *
 *   lock      FLUSH TABLES WITH READ LOCK is held on a control connection
 *             while every reader opens START TRANSACTION WITH CONSISTENT
 *             SNAPSHOT, then released: all of them read the same snapshot.
 *             Needs RELOAD (and SELECT).
 *   snapshot  every reader opens its snapshot at the same moment, without a
 *             lock. Exact with one reader; with several, a write committed
 *             while they open may be seen by some. Needs SELECT only.
 *   none      no transaction: each statement reads the latest committed rows.
 */
#ifndef SL_SNAPSHOT_H
#define SL_SNAPSHOT_H

#include <mysql.h>

#include "sl_err.h"

enum sl_consistency {
    SL_CONSISTENCY_LOCK,
    SL_CONSISTENCY_SNAPSHOT,
    SL_CONSISTENCY_NONE,
};

/* Opens the view `mode` asks for on control and conns[0..n + spares);
 * control joins the snapshot too, so it can plan in the same state. The
 * last `spares` connections stand by to take over from a reader whose
 * connection is lost. The lock is taken only when more than one reader
 * must share the snapshot (n > 1): one reader is a snapshot by itself, and
 * its spares open theirs right after it, without the lock. *lock_seconds is
 * how long the lock was held, or -1 if none was taken. Returns 0, or -1
 * with err set (a refused lock says which privilege). */
int sl_snapshot_open(MYSQL *control, MYSQL *const *conns, unsigned n, unsigned spares,
                     enum sl_consistency mode, double *lock_seconds, struct sl_err *err);

#endif
