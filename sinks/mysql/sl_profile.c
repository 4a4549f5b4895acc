#include "sl_profile.h"

const char *const sl_profile_names[] = {"none", "vitess", "planetscale", "tidb", NULL};

struct sl_profile_limits sl_profile_limits(enum sl_profile p)
{
    switch (p) {
    case SL_PROFILE_VITESS:
    case SL_PROFILE_PLANETSCALE:
        /* 100,000 rows a query; chunks small enough to commit well inside
         * a 20 s transaction, and statements well under 16 MB */
        return (struct sl_profile_limits){.stmt_rows = 100000,
                                          .txn_rows = 10000,
                                          .txn_bytes = 8u << 20,
                                          .stmt_bytes = 8u << 20,
                                          .insert_only = 1};
    case SL_PROFILE_TIDB:
        /* under txn-total-size-limit (100 MB) with room for TiDB's own
         * overhead; stmt-count-limit is checked against txn_rows /
         * batch_rows by the caller */
        return (struct sl_profile_limits){.txn_bytes = 64u << 20};
    default:
        return (struct sl_profile_limits){0};
    }
}

int sl_profile_apply(enum sl_profile p, size_t *batch_rows, uint64_t *txn_rows, size_t *txn_bytes,
                     enum sl_method_choice *method, struct sl_err *err)
{
    struct sl_profile_limits l = sl_profile_limits(p);
    if (l.insert_only && (*method == SL_CHOOSE_LOAD_DATA || *method == SL_CHOOSE_BULK))
        return sl_err_set(err, SL_ERR_FATAL,
                          "--profile %s: vtgate takes neither LOAD DATA nor bulk binding; use "
                          "--method insert (the profile's default)",
                          sl_profile_names[p]);
    if (l.insert_only)
        *method = SL_CHOOSE_INSERT;
    if (l.stmt_rows && *batch_rows > l.stmt_rows)
        *batch_rows = l.stmt_rows;
    if (l.txn_rows && *txn_rows > l.txn_rows)
        *txn_rows = l.txn_rows;
    if (l.txn_bytes && (*txn_bytes == 0 || *txn_bytes > l.txn_bytes))
        *txn_bytes = l.txn_bytes;
    /* TiDB: at most 5,000 statements in one transaction */
    if (p == SL_PROFILE_TIDB && *txn_rows > (uint64_t)*batch_rows * 5000)
        *txn_rows = (uint64_t)*batch_rows * 5000;
    return 0;
}
