/*
 * sl_profile: the limits of MySQL-compatible engines that are not MySQL
 * itself (--profile), so that a load or copy stays inside them instead of
 * meeting them half-way through.
 *
 *   vitess, planetscale  statements and transactions go through vtgate,
 *                        which takes no LOAD DATA and no MariaDB bulk
 *                        binding; PlanetScale ends a transaction after
 *                        20 s, and both refuse more than 100,000 rows per
 *                        query; vtgate's gRPC messages are 16 MB at most
 *   tidb                 txn-total-size-limit is 100 MB by default, and
 *                        stmt-count-limit 5,000 statements per transaction
 *
 * A profile only lowers: a smaller --batch-rows or --txn-rows stays as
 * given.
 */
#ifndef SL_PROFILE_H
#define SL_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_write_method.h"

enum sl_profile {
    SL_PROFILE_NONE,
    SL_PROFILE_VITESS,
    SL_PROFILE_PLANETSCALE,
    SL_PROFILE_TIDB,
};

/* The profiles' names in enum order, NULL-terminated (for sl_cli_choice). */
extern const char *const sl_profile_names[];

struct sl_profile_limits {
    size_t stmt_rows;  /* rows per statement at most; 0: no limit */
    uint64_t txn_rows; /* rows per transaction at most; 0: no limit */
    size_t txn_bytes;  /* bytes of values per transaction at most; 0: no limit */
    size_t stmt_bytes; /* bytes per statement at most; 0: no limit */
    int insert_only;   /* no LOAD DATA, no bulk binding */
};

/* The limits of profile p (all 0 for SL_PROFILE_NONE). */
struct sl_profile_limits sl_profile_limits(enum sl_profile p);

/* Lowers batch_rows, txn_rows and txn_bytes (0: none yet) to p's limits,
 * and sets *method to insert where p takes nothing else. Returns 0, or -1
 * with err set when --method asked for what p cannot take. */
int sl_profile_apply(enum sl_profile p, size_t *batch_rows, uint64_t *txn_rows, size_t *txn_bytes,
                     enum sl_method_choice *method, struct sl_err *err);

#endif
