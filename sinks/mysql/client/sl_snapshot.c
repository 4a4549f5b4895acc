#include "sl_snapshot.h"

#include <time.h>

#include "sl_conn.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int sl_snapshot_open(MYSQL *control, MYSQL *const *conns, unsigned n, unsigned spares,
                     enum sl_consistency mode, double *lock_seconds, struct sl_err *err)
{
    *lock_seconds = -1;
    unsigned all = n + spares;
    if (mode == SL_CONSISTENCY_NONE) {
        for (unsigned i = 0; i < all; i++)
            if (sl_conn_exec(conns[i], "SET autocommit = 1", err) != 0)
                return -1;
        return 0;
    }
    int lock = mode == SL_CONSISTENCY_LOCK && n > 1;
    double t0 = now();
    if (lock && sl_conn_exec(control, "FLUSH TABLES WITH READ LOCK", err) != 0) {
        sl_err_prefix(err, "--consistency lock needs the RELOAD privilege (or use "
                           "--consistency snapshot)");
        return -1;
    }
    const char *start[] = {"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                           "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"};
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i <= all; i++) {
        MYSQL *m = i < all ? conns[i] : control;
        rc = sl_conn_exec(m, start[0], err) == 0 && sl_conn_exec(m, start[1], err) == 0 ? 0 : -1;
    }
    if (lock) {
        struct sl_err ue;
        if (sl_conn_exec(control, "UNLOCK TABLES", &ue) != 0 && rc == 0) {
            *err = ue;
            rc = -1;
        }
        *lock_seconds = now() - t0;
    }
    return rc;
}
