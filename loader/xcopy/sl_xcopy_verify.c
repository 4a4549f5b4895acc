/*
 * The target's side of a cross-engine comparison: a key range of a table,
 * read back unbuffered and summed up as the readers summed up the source
 * (sl_canon.h); every range not summed yet, by a few threads at once, each
 * on its own connection; and the comparison of both sides. See sl_xcopy.h.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ident.h"
#include "sl_select.h"
#include "sl_xcopy_run.h"

struct job {
    size_t table;
    uint64_t range;
};

struct pool {
    struct xrun *r;
    struct job *jobs;
    uint64_t njobs;
    atomic_uint_fast64_t next;
    pthread_mutex_t mu;
    struct sl_err err; /* the first failure */
    int failed;
};

/* SELECT the columns (a FLOAT one as a DOUBLE, since MySQL prints FLOAT in
 * 6 digits) FROM the table WHERE the range. */
static int range_sql(const struct xrun *r, const struct xtable *xt, uint64_t k, struct sl_buf *q)
{
    sl_buf_reset(q);
    int rc = sl_buf_puts(q, "SELECT ");
    for (size_t i = 0; rc == 0 && i < xt->ft.ncols; i++) {
        const char *name = xt->ft.cols[i].name;
        int as_double = xt->canon[i] == SL_CANON_FLOAT;
        rc = sl_buf_puts(q, i ? ", " : "") | sl_buf_puts(q, as_double ? "CAST(" : "") |
             sl_ident_append(q, name, strlen(name)) |
             sl_buf_puts(q, as_double ? " AS DOUBLE)" : "");
    }
    rc |= sl_buf_puts(q, " FROM ") | sl_ident_append_qualified(q, r->to.db, xt->dst);
    if (rc == 0 && xt->ft.key >= 0 && !sl_key_ranges_whole(&xt->ranges)) {
        struct sl_buf key;
        sl_buf_init(&key, 1024);
        const char *name = xt->ft.cols[xt->ft.key].name;
        rc = sl_ident_append(&key, name, strlen(name)) == 0 && sl_buf_cstr(&key) &&
                     sl_buf_puts(q, " WHERE ") == 0
                 ? sl_key_ranges_cond(&xt->ranges, k, key.data, q)
                 : -1;
        sl_buf_release(&key);
    }
    return rc == 0 && sl_buf_cstr(q) ? 0 : -1;
}

int sl_xcopy_sum_range(struct xrun *r, MYSQL *m, size_t table, uint64_t range, struct sl_buf *q,
                       struct sl_err *err)
{
    struct xtable *xt = &r->t[table];
    if (range_sql(r, xt, range, q) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "the SELECT is too long");
    struct sl_select sel;
    if (sl_select_start(&sel, m, q->data, 0, NULL, err) != 0)
        return -1;
    struct sl_canon_sum sum = {0};
    char **vals;
    unsigned long *lens;
    int more;
    while ((more = sl_select_next_raw(&sel, &vals, &lens, err)) == 1) {
        uint64_t h = SL_CANON_ROW_INIT;
        for (size_t i = 0; i < xt->ft.ncols; i++)
            h = sl_canon_add(h, xt->canon[i], vals[i], vals[i] ? lens[i] : 0);
        sl_canon_sum_row(&sum, h);
    }
    sl_select_end(&sel);
    /* end the read: the next range must see what was committed since */
    mysql_rollback(m);
    if (more < 0) {
        sl_err_prefix(err, "summing up %s.%s on the target", r->to.db, xt->dst);
        return -1;
    }
    xt->dst_sum[range] = sum;
    xt->summed[range] = 1;
    return 0;
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    struct xrun *r = p->r;
    MYSQL *m = NULL;
    struct sl_err e;
    struct sl_buf q;
    sl_buf_init(&q, 1 << 24);
    sl_conn_thread_begin();
    int rc = sl_conn_open(&m, &r->co, &e);
    for (uint64_t k; rc == 0 && (k = atomic_fetch_add(&p->next, 1)) < p->njobs;) {
        pthread_mutex_lock(&p->mu);
        int stop = p->failed;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            break;
        rc = sl_xcopy_sum_range(r, m, p->jobs[k].table, p->jobs[k].range, &q, &e);
    }
    if (rc != 0) {
        pthread_mutex_lock(&p->mu);
        if (!p->failed)
            p->err = e;
        p->failed = 1;
        pthread_mutex_unlock(&p->mu);
    }
    sl_conn_close(m);
    sl_buf_release(&q);
    sl_conn_thread_end();
    return NULL;
}

int sl_xcopy_sum_target(struct xrun *r, unsigned nthreads, struct sl_err *err)
{
    struct pool p = {.r = r};
    for (size_t i = 0; i < r->nt; i++)
        for (uint64_t k = 0; !r->t[i].skip && !r->t[i].failed && k < r->t[i].ranges.n; k++)
            p.njobs += !r->t[i].summed[k];
    p.jobs = calloc(p.njobs ? p.njobs : 1, sizeof *p.jobs);
    if (!p.jobs)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    uint64_t n = 0;
    for (size_t i = 0; i < r->nt; i++)
        for (uint64_t k = 0; !r->t[i].skip && !r->t[i].failed && k < r->t[i].ranges.n; k++)
            if (!r->t[i].summed[k])
                p.jobs[n++] = (struct job){i, k};
    atomic_init(&p.next, 0);
    pthread_mutex_init(&p.mu, NULL);
    if (nthreads > p.njobs)
        nthreads = p.njobs ? (unsigned)p.njobs : 1;
    pthread_t *th = calloc(nthreads, sizeof *th);
    unsigned started = 0;
    for (unsigned i = 0; th && i < nthreads; i++) {
        if (pthread_create(&th[i], NULL, worker, &p) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker(&p); /* no thread could start: do it here */
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(p.jobs);
    pthread_mutex_destroy(&p.mu);
    if (p.failed) {
        *err = p.err;
        return -1;
    }
    return 0;
}

/* The inclusive bounds of range k of xt, for a message. */
static void range_name(const struct xtable *xt, uint64_t k, char *out, size_t cap)
{
    if (xt->ft.key < 0 || sl_key_ranges_whole(&xt->ranges)) {
        snprintf(out, cap, "the whole table");
        return;
    }
    char lo[24], hi[24];
    sl_key_ranges_get(&xt->ranges, k, lo, hi);
    const char *key = xt->ft.cols[xt->ft.key].name;
    if (k == 0)
        snprintf(out, cap, "%s <= %s", key, hi);
    else if (k + 1 == xt->ranges.n)
        snprintf(out, cap, "%s >= %s", key, lo);
    else
        snprintf(out, cap, "%s %s..%s", key, lo, hi);
}

/* Compares each table's ranges; fills in the verdicts. */
void sl_xcopy_compare(struct xrun *r, struct sl_copy_result *res)
{
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        struct sl_copy_table_result *tr = &res->tables[i];
        if (xt->skip || xt->failed)
            continue;
        if (!xt->was_empty) {
            snprintf(tr->note, sizeof tr->note, "not compared: the table had rows before");
            continue;
        }
        tr->verdict = SL_VERIFY_PASS;
        uint64_t target_rows = 0;
        for (uint64_t k = 0; k < xt->ranges.n; k++) {
            target_rows += xt->dst_sum[k].rows;
            uint64_t want_rows = xt->src[k].rows - xt->rej[k].rows;
            uint64_t want_sum = xt->src[k].sum - xt->rej[k].sum;
            if (tr->verdict == SL_VERIFY_PASS &&
                (want_rows != xt->dst_sum[k].rows || want_sum != xt->dst_sum[k].sum)) {
                char where[160];
                range_name(xt, k, where, sizeof where);
                tr->verdict = SL_VERIFY_FAIL;
                snprintf(tr->note, sizeof tr->note,
                         "%s differs in range %s: the source has %" PRIu64
                         " rows, the target %" PRIu64 "%s",
                         tr->target, where, want_rows, xt->dst_sum[k].rows,
                         want_rows == xt->dst_sum[k].rows ? ", with other values" : "");
            }
        }
        if (r->c->verify_only)
            tr->rows = target_rows;
    }
}

void sl_xcopy_report_lines(struct xrun *r, const struct sl_copy_result *res)
{
    for (size_t i = 0; i < res->ntables; i++) {
        const struct sl_copy_table_result *tr = &res->tables[i];
        if (tr->verdict == SL_VERIFY_PASS && r->c->progress)
            fprintf(r->log, "sluice: PASS %s: %" PRIu64 " rows match %s\n", tr->target, tr->rows,
                    tr->source);
        else if (tr->verdict == SL_VERIFY_FAIL)
            fprintf(r->log, "sluice: FAIL %s\n", tr->note);
    }
}
