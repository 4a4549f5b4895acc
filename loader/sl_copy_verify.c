/*
 * The comparison of a copied table with its source: the same key ranges
 * summed on both sides (sl_checksum.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_checksum.h"
#include "sl_copy_run.h"

#define SQL_MAX (16 * 1024 * 1024)

int sl_copy_range_where(const struct crun *r, const struct ctable *ct, uint64_t k, int with_where,
                        struct sl_buf *sql)
{
    const char *where = with_where ? r->c->where : NULL;
    int by_range = !sl_key_ranges_whole(&ct->ranges);
    if (!where && !by_range)
        return 0;
    int rc = sl_buf_puts(sql, " WHERE ");
    if (rc == 0 && where)
        rc = sl_buf_printf(sql, "(%s)%s", where, by_range ? " AND " : "");
    if (rc == 0 && by_range)
        rc = sl_key_ranges_cond(&ct->ranges, k, ct->key.data, sql);
    return rc;
}

void sl_copy_range_name(const struct ctable *ct, uint64_t k, char *out, size_t len)
{
    if (sl_key_ranges_whole(&ct->ranges)) {
        snprintf(out, len, "the whole table (one range)");
        return;
    }
    char lo[24], hi[24];
    sl_key_ranges_get(&ct->ranges, k, lo, hi);
    const char *key = ct->key.data;
    if (k == 0)
        snprintf(out, len, "range 1 of %" PRIu64 " (%s <= %s)", ct->ranges.n, key, hi);
    else if (k + 1 == ct->ranges.n)
        snprintf(out, len, "range %" PRIu64 " of %" PRIu64 " (%s >= %s)", k + 1, ct->ranges.n, key,
                 lo);
    else
        snprintf(out, len, "range %" PRIu64 " of %" PRIu64 " (%s %s..%s)", k + 1, ct->ranges.n, key,
                 lo, hi);
}

struct sum_out {
    uint64_t rows;
    char *sum;
    int got;
};

static int read_sum(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    struct sum_out *o = ctx;
    if (n != 2 || !v[0] || !v[1] || lens[1] >= 72)
        return 1;
    o->rows = strtoull(v[0], NULL, 10);
    memcpy(o->sum, v[1], lens[1] + 1);
    o->got = 1;
    return 0;
}

int sl_copy_sum_range(const struct crun *r, struct ctable *ct, uint64_t k, MYSQL *m, int source,
                      struct sl_err *err)
{
    struct crange *cr = &ct->r[k];
    const struct sl_table *t = source ? &ct->src : &ct->dst;
    struct sl_buf sql;
    sl_buf_init(&sql, SQL_MAX);
    int rc = sl_checksum_sql(&sql, t, ct->cols, ct->ncols);
    if (rc == 0)
        rc = sl_copy_range_where(r, ct, k, source, &sql);
    if (rc != 0 || !sl_buf_cstr(&sql)) {
        sl_buf_release(&sql);
        return sl_err_set(err, SL_ERR_FATAL, "%s.%s: the checksum statement is too long", t->schema,
                          t->name);
    }
    struct sum_out o = {0, source ? cr->src_sum : cr->dst_sum, 0};
    rc = sl_conn_select(m, sql.data, NULL, 0, read_sum, &o, err);
    sl_buf_release(&sql);
    if (rc > 0 || (rc == 0 && !o.got))
        return sl_err_set(err, SL_ERR_FATAL, "%s.%s: the checksum query gave no sum", t->schema,
                          t->name);
    if (rc != 0) {
        sl_err_prefix(err, "summing up %s.%s", t->schema, t->name);
        return -1;
    }
    if (source) {
        cr->src_rows = o.rows;
        cr->src_done = 1;
    } else {
        cr->dst_rows = o.rows;
        cr->dst_done = 1;
    }
    return 0;
}

int sl_copy_verify_table(const struct crun *r, struct ctable *ct, MYSQL *m, struct sl_err *err)
{
    uint64_t bad = 0, first_bad = 0, rows = 0;
    for (uint64_t k = 0; k < ct->ranges.n; k++) {
        struct crange *cr = &ct->r[k];
        if (!cr->dst_done && sl_copy_sum_range(r, ct, k, m, 0, err) != 0)
            return -1;
        rows += cr->dst_rows;
        if (cr->src_rows != cr->dst_rows || strcmp(cr->src_sum, cr->dst_sum) != 0) {
            if (bad++ == 0)
                first_bad = k;
        }
    }
    if (bad == 0) {
        ct->verdict = SL_VERIFY_PASS;
        char a[32];
        snprintf(ct->verdict_note, sizeof ct->verdict_note,
                 "%s row%s match in %" PRIu64 " key range%s", sl_fmt_count(rows, a, sizeof a),
                 rows == 1 ? "" : "s", ct->ranges.n, ct->ranges.n == 1 ? "" : "s");
        return 0;
    }
    ct->verdict = SL_VERIFY_FAIL;
    char name[160];
    sl_copy_range_name(ct, first_bad, name, sizeof name);
    const struct crange *cr = &ct->r[first_bad];
    int n = snprintf(ct->verdict_note, sizeof ct->verdict_note,
                     "%s differs: source %" PRIu64 " rows, checksum %s; target %" PRIu64
                     " rows, checksum %s",
                     name, cr->src_rows, cr->src_sum, cr->dst_rows, cr->dst_sum);
    if (bad > 1 && n > 0 && (size_t)n < sizeof ct->verdict_note)
        snprintf(ct->verdict_note + n, sizeof ct->verdict_note - (size_t)n,
                 " (%" PRIu64 " of %" PRIu64 " ranges differ)", bad, ct->ranges.n);
    return 0;
}
