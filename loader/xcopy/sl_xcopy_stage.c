/*
 * The run of a cross-engine copy on the engine: the foreign source's
 * readers over every (table, key range), larger tables first, into the
 * MySQL sink (or, for --verify-only, the null sink); the rows the target
 * refused taken out of their range's sum; and a helper thread that sums up
 * each range on the target as soon as all its rows are in. See sl_xcopy.h.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_engine.h"
#include "sl_mysql_sink.h"
#include "sl_null_sink.h"
#include "sl_progress.h"
#include "sl_queue.h"
#include "sl_rejects.h"
#include "sl_write_method.h"
#include "sl_write_mode.h"
#include "sl_xcopy_run.h"

/* A batch is handed on once its values pass this many bytes; a chunk is
 * committed once it holds this many. */
#define XBATCH_BYTES (1024 * 1024)
#define XCHUNK_BYTES (4 * 1024 * 1024)
#define XBATCH_ROWS  10000

/* What the engine reads and where it writes, per table and per split. */
struct parts {
    struct sl_funit *units;
    struct sl_fsplit *splits;
    uint64_t nsplits;
    struct sl_mysql_sink_unit *targets;
    size_t maxcols;
};

static int cmp_size(const void *a, const void *b, void *ctx)
{
    const struct xrun *r = ctx;
    long long x = r->t[*(const size_t *)a].ft.est_rows, y = r->t[*(const size_t *)b].ft.est_rows;
    return x > y ? -1 : x < y;
}

static int make_parts(struct xrun *r, struct parts *pt, struct sl_err *err)
{
    size_t *order = calloc(r->nt, sizeof *order);
    pt->units = calloc(r->nt, sizeof *pt->units);
    pt->targets = calloc(r->nt, sizeof *pt->targets);
    pt->maxcols = 1;
    for (size_t i = 0; i < r->nt; i++) {
        if (!r->t[i].skip)
            pt->nsplits += r->t[i].ranges.n;
        if (r->t[i].ft.ncols > pt->maxcols)
            pt->maxcols = r->t[i].ft.ncols;
    }
    pt->splits = calloc(pt->nsplits ? pt->nsplits : 1, sizeof *pt->splits);
    if (!order || !pt->units || !pt->targets || !pt->splits) {
        free(order);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        order[i] = i;
        pt->units[i] = (struct sl_funit){
            .t = &xt->ft,
            .name = xt->label,
            .where = r->c->where ? r->c->where : "",
            .ranges = &xt->ranges,
            .canon = xt->canon,
            .sums = xt->src,
        };
        pt->targets[i] = (struct sl_mysql_sink_unit){&xt->target, NULL};
    }
    qsort_r(order, r->nt, sizeof *order, cmp_size, r); /* larger tables first */
    uint64_t n = 0;
    for (size_t i = 0; i < r->nt; i++)
        for (uint64_t k = 0; !r->t[order[i]].skip && k < r->t[order[i]].ranges.n; k++)
            pt->splits[n++] = (struct sl_fsplit){order[i], k};
    free(order);
    return 0;
}

static void release_parts(struct parts *pt)
{
    free(pt->units);
    free(pt->splits);
    free(pt->targets);
}

/* The engine's hooks: rows committed per table, the rows the target
 * refused taken out of their range's sum, and each range summed up on the
 * target, by a helper thread, as soon as all its rows are in. */
struct hook_ctx {
    struct xrun *r;
    const struct parts *pt;
    int summing;          /* the helper sums ranges up during the run */
    struct sl_queue done; /* complete splits (as split + 1) for the helper */
};

static void split_done(void *ctx, uint64_t split, uint64_t dropped)
{
    struct hook_ctx *h = ctx;
    const struct sl_fsplit *sp = &h->pt->splits[split];
    if (h->summing && dropped == 0 && h->r->t[sp->unit].was_empty)
        sl_queue_push(&h->done, (void *)(uintptr_t)(split + 1));
}

static void no_more_splits(void *ctx)
{
    struct hook_ctx *h = ctx;
    if (h->summing)
        sl_queue_close(&h->done);
}

/* The helper: sums up complete ranges on a connection of its own. A range
 * it cannot sum is left for the comparison after the run. */
static void summer(void *ctx, unsigned i)
{
    struct hook_ctx *h = ctx;
    MYSQL *m = NULL;
    struct sl_err e;
    struct sl_buf q;
    sl_buf_init(&q, 1 << 24);
    sl_conn_thread_begin();
    int ok = sl_conn_open(&m, &h->r->co, &e) == 0;
    void *item;
    while ((item = sl_queue_pop(&h->done)) != NULL) {
        const struct sl_fsplit *sp = &h->pt->splits[(uintptr_t)item - 1];
        if (ok)
            ok = sl_xcopy_sum_range(h->r, m, sp->unit, sp->range, &q, &e) == 0;
    }
    sl_conn_close(m);
    sl_buf_release(&q);
    sl_conn_thread_end();
}

static void committed(void *ctx, unsigned writer, struct sl_batch *const *held, size_t n,
                      uint64_t written, uint64_t ignored, uint64_t updated)
{
    struct hook_ctx *h = ctx;
    for (size_t i = 0; i < n; i++) {
        const struct sl_batch *b = held[i];
        struct xtable *xt = &h->r->t[b->source];
        uint64_t range = h->pt->splits[b->split].range;
        atomic_fetch_add(&xt->rows, sl_batch_good_rows(b));
        atomic_fetch_add(&xt->bytes, b->arena.len);
        for (size_t row = 0; row < b->nrows; row++) {
            if (!b->pos[row].rejected)
                continue;
            uint64_t hash = SL_CANON_ROW_INIT;
            for (size_t col = 0; col < xt->ft.ncols; col++) {
                const struct sl_cell *c = sl_batch_cell(b, row, col);
                int null = c->len == SL_CELL_NULL;
                hash = sl_canon_add(hash, xt->canon[col], null ? NULL : sl_batch_cell_data(b, c),
                                    null ? 0 : c->len);
            }
            pthread_mutex_lock(&h->r->mu);
            sl_canon_sum_row(&xt->rej[range], hash);
            pthread_mutex_unlock(&h->r->mu);
        }
    }
}

int sl_xcopy_stage(struct xrun *r, struct sl_copy_result *res, struct sl_err *err)
{
    const struct sl_copy_config *c = r->c;
    struct parts pt = {0};
    void *source = NULL;
    const struct sl_source_ops *source_ops = NULL;
    MYSQL **wconns = NULL;
    struct sl_rejects rejects;
    memset(&rejects, 0, sizeof rejects);
    int rc = make_parts(r, &pt, err);
    unsigned long long max_packet = 0;
    enum sl_write_method method = SL_METHOD_INSERT;
    enum sl_insert_verb verb = sl_write_mode_verb(c->mode);
    if (rc == 0 && !c->verify_only) {
        rc = sl_conn_read_var(r->ctl, "max_allowed_packet", &max_packet, err);
        if (rc == 0)
            rc = sl_write_method_pick(r->ctl, c->method, verb, &method, res->method_why,
                                      sizeof res->method_why, err);
        res->method = rc == 0 ? sl_write_method_name(method) : NULL;
    }
    if (rc == 0 && c->rejects && !c->verify_only)
        rc = sl_rejects_open(&rejects, c->rejects, 0, NULL, 0, err);
    if (rc == 0)
        rc = r->ops->reader_source(r->src, pt.units, r->nt, pt.splits, pt.nsplits, r->nreaders,
                                   c->rejects != NULL, &source, &source_ops, err);
    unsigned nwriters = c->verify_only ? 1 : c->threads;
    if (rc == 0 && !(wconns = calloc(nwriters, sizeof *wconns)))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc != 0)
        goto out;
    size_t arena = XBATCH_BYTES + 2 * (size_t)(max_packet ? max_packet : XBATCH_BYTES);
    size_t stmt_rows = sl_insert_max_rows(c->batch_rows, pt.maxcols);
    size_t rows = c->txn_rows < XBATCH_ROWS ? (size_t)c->txn_rows : XBATCH_ROWS;
    rows = rows < stmt_rows ? stmt_rows : rows - rows % stmt_rows;
    struct sl_mysql_sink sink = {
        .conn_opts = &r->co,
        .conns = wconns,
        .units = pt.targets,
        .method = method,
        .stmt_rows = stmt_rows,
        .max_packet =
            c->stmt_bytes && c->stmt_bytes < max_packet ? c->stmt_bytes : (size_t)max_packet,
        .retries = c->retries,
        .retry_max_seconds = (double)c->retry_max_seconds,
    };
    struct sl_counters counters;
    memset(&counters, 0, sizeof counters);
    struct sl_progress progress;
    sl_progress_init(&progress, r->log, c->progress_mode, 0);
    struct hook_ctx hctx = {r, &pt, c->verify || c->verify_only};
    if (hctx.summing && sl_queue_init(&hctx.done, pt.nsplits + 1) != 0)
        hctx.summing = 0;
    struct sl_engine_hooks hooks = {
        .committed = committed,
        .split_done = split_done,
        .writers_done = no_more_splits,
        .stopping = no_more_splits,
        .helper = summer,
        .nhelpers = hctx.summing ? 1 : 0,
    };
    struct sl_engine_plan plan = {
        .source_ops = source_ops,
        .source = source,
        .sink_ops = c->verify_only ? &sl_null_sink_ops : &sl_mysql_sink_ops,
        .sink = c->verify_only ? NULL : &sink,
        .nreaders = r->nreaders,
        .nwriters = nwriters,
        .ncols = pt.maxcols,
        .batch_rows = rows,
        .arena_bytes = arena,
        .txn_rows = c->txn_rows,
        .max_held = XCHUNK_BYTES / XBATCH_BYTES,
        .txn_bytes = c->txn_bytes && c->txn_bytes < XCHUNK_BYTES ? c->txn_bytes : XCHUNK_BYTES,
        .max_value = (size_t)max_packet,
        .commit_idle = 1,
        .nsplits = pt.nsplits,
        .rejects = c->rejects && !c->verify_only ? &rejects : NULL,
        .max_rejects = c->max_rejects,
        .signal_stops = 1,
        .signal_note = "stopping; open transactions are rolled back",
        .second_note = "sluice: second signal: exiting now\n",
        .counters = &counters,
        .progress = &progress,
        .max_rows_per_sec = c->max_rows_per_sec,
        .max_bytes_per_sec = c->max_bytes_per_sec,
        .hooks = &hooks,
        .ctx = &hctx,
    };
    res->started = 1;
    int interrupted = 0;
    rc = sl_engine_run(&plan, &interrupted, err);
    sl_progress_clear(&progress);
    sl_progress_release(&progress);
    res->interrupted = interrupted;
    res->retries = atomic_load(&counters.retries);
    res->rejected = atomic_load(&counters.rows_rejected);
    if (hctx.summing)
        sl_queue_release(&hctx.done);
    if (rc == 0 && interrupted)
        rc = -1;
out:
    for (unsigned i = 0; wconns && i < nwriters; i++)
        sl_conn_close(wconns[i]);
    free(wconns);
    if (source)
        r->ops->reader_source_free(source);
    if (c->rejects && !c->verify_only) {
        struct sl_err e2;
        if (sl_rejects_close(&rejects, &e2) != 0 && rc == 0) {
            *err = e2;
            rc = -1;
        }
    }
    release_parts(&pt);
    return rc;
}
