/*
 * The comparison of a copied table with its source. A table whose two sides
 * define the same columns is compared whole first: COUNT(*) and the server's
 * CHECKSUM TABLE on each side, at the same time. Otherwise, or when those
 * differ, the same key ranges are summed on both sides (sl_checksum.h), which
 * decides, and names the first range that differs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_checksum.h"
#include "sl_copy_run.h"
#include "sl_ident.h"

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

int sl_copy_whole_applies(const struct crun *r, const struct ctable *ct)
{
    if (!ct->verify || r->c->where || ct->src.ncols != ct->dst.ncols)
        return 0;
    for (size_t i = 0; i < ct->src.ncols; i++) {
        const struct sl_column *s = &ct->src.cols[i], *d = &ct->dst.cols[i];
        if (strcmp(s->name, d->name) != 0 || strcmp(s->column_type, d->column_type) != 0 ||
            s->nullable != d->nullable || s->generated != d->generated ||
            strcmp(s->charset, d->charset) != 0)
            return 0;
    }
    return 1;
}

/* Runs one statement on each side at the same time (both are sent, then
 * both answers read) and puts column col of each side's answer into
 * src_out and dst_out. Returns 0, or -1 with err naming the side. */
static int ask_both(MYSQL *src, const char *src_sql, MYSQL *dst, const char *dst_sql, unsigned col,
                    char *src_out, char *dst_out, size_t cap, struct sl_err *err)
{
    if (sl_conn_send(src, src_sql, err) != 0) {
        sl_err_prefix(err, "on the source");
        return -1;
    }
    struct sl_err de;
    int drc = 0;
    if (sl_conn_send(dst, dst_sql, &de) != 0)
        drc = -1;
    /* the source's answer is read whatever became of the target's */
    int src_rc = sl_conn_read_value(src, col, src_out, cap, err);
    if (src_rc != 0)
        sl_err_prefix(err, "on the source");
    if (drc == 0)
        drc = sl_conn_read_value(dst, col, dst_out, cap, &de);
    if (drc != 0 && src_rc == 0) {
        *err = de;
        sl_err_prefix(err, "on the target");
    }
    return src_rc != 0 || drc != 0 ? -1 : 0;
}

/* Builds "<verb>`schema`.`table`<tail>" into sql. Returns 0 or -1. */
static int table_sql(struct sl_buf *sql, const char *verb, const struct sl_table *t,
                     const char *tail)
{
    sl_buf_reset(sql);
    if (sl_buf_puts(sql, verb) != 0 || sl_ident_append_qualified(sql, t->schema, t->name) != 0 ||
        sl_buf_puts(sql, tail) != 0 || !sl_buf_cstr(sql))
        return -1;
    return 0;
}

/* Runs COUNT(*) and CHECKSUM TABLE on both sides into ct's whole-table
 * fields. Returns 0 or -1 with err set. */
static int check_both(struct ctable *ct, MYSQL *src, MYSQL *dst, struct sl_err *err)
{
    struct sl_buf s, d;
    sl_buf_init(&s, 1 << 16);
    sl_buf_init(&d, 1 << 16);
    char src_n[32], dst_n[32];
    int rc = 0;
    if (table_sql(&s, "SELECT /* sluice verify */ COUNT(*) FROM ", &ct->src, "") != 0 ||
        table_sql(&d, "SELECT /* sluice verify */ COUNT(*) FROM ", &ct->dst, "") != 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc == 0) {
        rc = ask_both(src, s.data, dst, d.data, 0, src_n, dst_n, sizeof src_n, err);
        if (rc != 0)
            sl_err_prefix(err, "COUNT(*)");
    }
    if (rc == 0 && (table_sql(&s, "CHECKSUM TABLE ", &ct->src, " EXTENDED") != 0 ||
                    table_sql(&d, "CHECKSUM TABLE ", &ct->dst, " EXTENDED") != 0))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc == 0) {
        /* the second column: CHECKSUM TABLE answers (Table, Checksum) */
        rc = ask_both(src, s.data, dst, d.data, 1, ct->src_check, ct->dst_check,
                      sizeof ct->src_check, err);
        if (rc != 0)
            sl_err_prefix(err, "CHECKSUM TABLE");
    }
    sl_buf_release(&s);
    sl_buf_release(&d);
    if (rc == 0) {
        ct->src_count = strtoull(src_n, NULL, 10);
        ct->dst_count = strtoull(dst_n, NULL, 10);
    }
    return rc;
}

int sl_copy_verify_whole(const struct crun *r, struct ctable *ct, MYSQL *src, MYSQL *dst,
                         struct sl_err *err)
{
    if (check_both(ct, src, dst, err) != 0) {
        sl_err_prefix(err, "comparing %s.%s with %s.%s", ct->src.schema, ct->src.name,
                      ct->dst_schema, ct->dst_name);
        return -1;
    }
    char a[32];
    if (ct->src_count == ct->dst_count && strcmp(ct->src_check, ct->dst_check) == 0) {
        ct->verdict = SL_VERIFY_PASS;
        snprintf(ct->verdict_note, sizeof ct->verdict_note,
                 "%s row%s match (COUNT(*) and CHECKSUM TABLE)",
                 sl_fmt_count(ct->dst_count, a, sizeof a), ct->dst_count == 1 ? "" : "s");
        return 0;
    }
    /* they differ: the key ranges decide, and name where */
    for (uint64_t k = 0; k < ct->ranges.n; k++)
        if (sl_copy_sum_range(r, ct, k, src, 1, err) != 0)
            return -1;
    if (sl_copy_verify_table(r, ct, dst, err) != 0)
        return -1;
    if (ct->verdict == SL_VERIFY_PASS) {
        size_t n = strlen(ct->verdict_note);
        snprintf(ct->verdict_note + n, sizeof ct->verdict_note - n,
                 " (CHECKSUM TABLE differs: %s on the source, %s on the target, as it may where "
                 "the servers store rows differently)",
                 ct->src_check, ct->dst_check);
    }
    return 0;
}

long sl_copy_keys_missing(const struct ctable *ct, MYSQL *m, char *note, size_t cap,
                          struct sl_err *err)
{
    struct sl_table_keys got = {0};
    if (sl_table_keys_read(m, ct->dst_schema, ct->dst_name, &got, err) != 0)
        return -1;
    size_t bad = sl_table_keys_compare(&ct->src_keys, &got, note, cap);
    sl_table_keys_release(&got);
    return (long)bad;
}

int sl_copy_verify_keys(struct ctable *ct, MYSQL *m, struct sl_err *err)
{
    char note[SL_ERR_MSG_MAX];
    long bad = sl_copy_keys_missing(ct, m, note, sizeof note, err);
    if (bad <= 0)
        return (int)bad;
    char more[48] = "";
    if (bad > 1)
        snprintf(more, sizeof more, " (%ld keys differ)", bad);
    if (ct->verdict == SL_VERIFY_FAIL) {
        size_t n = strlen(ct->verdict_note);
        snprintf(ct->verdict_note + n, sizeof ct->verdict_note - n, "; and %s%s", note, more);
    } else {
        snprintf(ct->verdict_note, sizeof ct->verdict_note, "%s%s", note, more);
    }
    ct->verdict = SL_VERIFY_FAIL;
    return 0;
}
