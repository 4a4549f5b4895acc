/*
 * The running part of a copy, as a plan for the engine (sl_engine.h): the
 * MySQL source (its units the tables, its splits every (table, key range)
 * item) into the MySQL sink (a target per table), with the index builder
 * and the verifier as helpers (sl_copy_finish.c).
 *
 *   readers --full--> writers ..(split complete)..> verifier
 *                                                    ^
 *                            (table complete) --> index builder
 *
 * A key range is complete when it has been read and every batch of it that
 * was handed on has been committed (or dropped after a failure): the
 * engine says so (hooks.split_done). A table is complete when all its
 * ranges are.
 *
 * A table compared whole (sl_copy_whole_applies) goes to the verifier as
 * soon as its rows are all committed; the verifier counts and checksums both
 * sides while the index builder adds its deferred indexes, if any. Any
 * other table is compared range by range: the reader sums each range on the
 * source after reading it (the source's after_split), and the verifier sums
 * it on the target once it is complete, while the copy goes on.
 *
 * A failure of one table (a read, a write, its indexes) fails that table;
 * the others go on (hooks.fail_unit).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_copy_run.h"
#include "sl_engine.h"

void sl_crun_stop(struct crun *r)
{
    atomic_store(&r->stop, 1);
    sl_queue_close(&r->index);
    sl_queue_close(&r->done);
}

void sl_crun_fail(struct crun *r, const struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    if (!r->failed) {
        r->failed = 1;
        r->err = *e;
    }
    pthread_mutex_unlock(&r->mu);
    sl_crun_stop(r);
}

void sl_crun_fail_table(struct crun *r, struct ctable *ct, const struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    if (!ct->failed) {
        ct->failed = 1;
        ct->err = *e;
    }
    pthread_mutex_unlock(&r->mu);
}

int sl_crun_table_failed(struct crun *r, struct ctable *ct)
{
    pthread_mutex_lock(&r->mu);
    int f = ct->failed;
    pthread_mutex_unlock(&r->mu);
    return f;
}

void sl_crun_table_done(struct crun *r, struct ctable *ct)
{
    /* room for every event was made: pushes never wait */
    struct cverify *ev = &r->events[r->nevents++];
    *ev = (struct cverify){ct, CV_TABLE};
    sl_queue_push(&r->done, ev);
}

/* Tells the verifier that range k of ct is complete, and about ct once
 * every range is (through the index builder when ct's indexes were
 * deferred). The caller holds r->mu. */
static void range_complete(struct crun *r, struct ctable *ct, uint64_t k)
{
    struct crange *cr = &ct->r[k];
    if (cr->complete)
        return;
    cr->complete = 1;
    /* room for every event was made: pushes never wait */
    struct cverify *ev = &r->events[r->nevents++];
    *ev = (struct cverify){ct, k};
    sl_queue_push(&r->done, ev);
    if (++ct->ranges_complete < ct->ranges.n)
        return;
    ct->complete = 1;
    ct->t1 = sl_now();
    if (ct->whole) {
        ev = &r->events[r->nevents++];
        *ev = (struct cverify){ct, CV_ROWS};
        sl_queue_push(&r->done, ev);
    }
    if (r->indexer && ct->sql.add.len > 0)
        sl_queue_push(&r->index, ct); /* room for every table: never waits */
    else
        sl_crun_table_done(r, ct);
}

/* ---- the engine's hooks ---- */

static int split_begin(void *ctx, uint64_t split)
{
    struct crun *r = ctx;
    struct ctable *ct = &r->t[r->items[split].table];
    pthread_mutex_lock(&r->mu);
    int skip = ct->failed;
    if (!ct->started) {
        ct->started = 1;
        ct->t0 = sl_now();
    }
    pthread_mutex_unlock(&r->mu);
    return skip;
}

static void split_done(void *ctx, uint64_t split, uint64_t dropped)
{
    struct crun *r = ctx;
    const struct citem *it = &r->items[split];
    struct ctable *ct = &r->t[it->table];
    pthread_mutex_lock(&r->mu);
    ct->r[it->range].dropped = dropped;
    range_complete(r, ct, it->range);
    pthread_mutex_unlock(&r->mu);
}

/* Once a range is read, on its reader's connection (in the snapshot): its
 * sums on the source, for a table compared range by range. */
static int after_split(void *ctx, MYSQL *m, uint64_t split, struct sl_err *err)
{
    struct crun *r = ctx;
    const struct citem *it = &r->items[split];
    struct ctable *ct = &r->t[it->table];
    return ct->verify && !ct->whole ? sl_copy_sum_range(r, ct, it->range, m, 1, err) : 0;
}

/* A read, a write or a commit failed: the table fails, the others go on. */
static int fail_unit(void *ctx, const struct sl_unit_fault *f, struct sl_err *e)
{
    struct crun *r = ctx;
    struct ctable *ct = &r->t[f->unit];
    if (!f->writing) {
        char name[160];
        sl_copy_range_name(ct, r->items[f->split].range, name, sizeof name);
        sl_err_prefix(e, "reading %s.%s, %s", ct->src.schema, ct->src.name, name);
    } else if (!f->located) {
        sl_err_prefix(e, "writing %s.%s", ct->dst_schema, ct->dst_name);
    }
    sl_crun_fail_table(r, ct, e);
    return 0;
}

static int unit_dead(void *ctx, size_t unit)
{
    struct crun *r = ctx;
    return sl_crun_table_failed(r, &r->t[unit]);
}

/* Writes ", the row with `k` = v" for row of b (its primary key values,
 * shortened) into out, or nothing when the table has no primary key. */
static void name_key(const struct ctable *ct, const struct sl_batch *b, size_t row, char *out,
                     size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < ct->src.npk && n + 1 < len; i++) {
        const char *k = ct->src.cols[ct->src.pk[i]].name;
        size_t col = 0;
        while (col < ct->ncols && strcmp(ct->cols[col], k) != 0)
            col++;
        if (col == ct->ncols)
            return; /* a generated key column: not in the batch */
        const struct sl_cell *c = sl_batch_cell(b, row, col);
        char v[72] = "NULL";
        if (c->len != SL_CELL_NULL)
            sl_value_format(ct->kinds ? ct->kinds[col] : SL_VALUE_TEXT, sl_batch_cell_data(b, c),
                            c->len, v, 65);
        int m = snprintf(out + n, len - n, "%s`%s` = %s", i ? ", " : ", the row with ", k, v);
        if (m < 0)
            return;
        n += (size_t)m;
    }
}

/* Names the table, range and (when the server named one) row of a failed
 * write. */
static void locate(void *ctx, const struct sl_batch *b, long row, struct sl_err *e)
{
    struct crun *r = ctx;
    const struct ctable *ct = &r->t[b->source];
    char name[160], key[300] = "";
    sl_copy_range_name(ct, sl_mysql_pos_range(b->start), name, sizeof name);
    if (row >= 0 && (size_t)row < b->nrows)
        name_key(ct, b, (size_t)row, key, sizeof key);
    sl_err_prefix(e, "writing %s.%s, %s%s", ct->dst_schema, ct->dst_name, name, key);
}

static void committed(void *ctx, unsigned writer, struct sl_batch *const *held, size_t n,
                      uint64_t written, uint64_t ignored, uint64_t updated)
{
    struct crun *r = ctx;
    struct ctable *ct = &r->t[held[0]->source];
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += held[i]->arena.len;
    atomic_fetch_add(&ct->rows_written, written);
    atomic_fetch_add(&ct->rows_ignored, ignored);
    atomic_fetch_add(&ct->rows_updated, updated);
    atomic_fetch_add(&ct->bytes_written, bytes);
}

/* The last writer: the index builder (or else the verifier) drains and
 * ends. */
static void writers_done(void *ctx)
{
    struct crun *r = ctx;
    sl_queue_close(r->indexer ? &r->index : &r->done);
}

static void stopping(void *ctx)
{
    sl_crun_stop(ctx);
}

/* The verifier is helper 0, the index builder (when indexes were
 * deferred) helper 1. */
static void helper(void *ctx, unsigned i)
{
    if (i == 0)
        sl_copy_verifier(ctx);
    else
        sl_copy_index_builder(ctx);
}

/* Stops the readers' statements on the source, so they need not read to the
 * end of a range before they can stop, the index builder's ALTER TABLE on
 * the target, and the verifier's comparison on either side. */
static void cancel(void *ctx)
{
    struct crun *r = ctx;
    for (unsigned i = 0; i < r->nr + r->nspare; i++) /* a spare may have taken over */
        sl_conn_kill_query(r->src, sl_conn_id(r->rconn[i]));
    if (r->indexer)
        sl_conn_kill_query(r->dst, atomic_load(&r->iconn_id));
    if (r->vconn)
        sl_conn_kill_query(r->dst, sl_conn_id(r->vconn));
    if (r->vsrc)
        sl_conn_kill_query(r->src, sl_conn_id(r->vsrc));
}

static void draw_progress(void *ctx)
{
    struct crun *r = ctx;
    uint64_t rows = 0, bytes = 0, est = 0;
    size_t done = 0, todo = 0;
    const struct ctable *cur = NULL;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->nt; i++) {
        const struct ctable *ct = &r->t[r->order[i]];
        if (ct->action == CT_SKIP)
            continue;
        todo++;
        done += ct->complete;
        rows += atomic_load_explicit(&ct->rows_written, memory_order_relaxed);
        bytes += atomic_load_explicit(&ct->bytes_written, memory_order_relaxed);
        est += ct->est_rows > 0 ? (uint64_t)ct->est_rows : 0;
        if (!cur && ct->started && !ct->complete)
            cur = ct;
    }
    pthread_mutex_unlock(&r->mu);
    char now[300];
    if (cur)
        snprintf(now, sizeof now, "%s.%s (%zu/%zu tables done)", cur->dst_schema, cur->dst_name,
                 done, todo);
    else
        snprintf(now, sizeof now, "%zu/%zu tables done", done, todo);
    struct sl_progress_view v = {
        .verb = "copy",
        .rows = rows,
        .bytes = bytes,
        /* row estimates are rough: never claim the copy done early */
        .fraction = est > 0 ? (rows < est ? (double)rows / (double)est : 0.99) : -1,
        .now = now,
    };
    sl_progress_show(r->progress, &v);
}

static const struct sl_engine_hooks copy_hooks = {
    .draw = draw_progress,
    .cancel = cancel,
    .stopping = stopping,
    .committed = committed,
    .split_begin = split_begin,
    .split_done = split_done,
    .fail_unit = fail_unit,
    .unit_dead = unit_dead,
    .locate = locate,
    .writers_done = writers_done,
    .helper = helper,
};

/* ---- the plan ---- */

/* Rows per batch: whole INSERT statements, up to CBATCH_ROWS rows and no
 * more than a transaction's, fewer for wide tables so that a batch's cells
 * stay under CBATCH_CELLS. */
static size_t batch_rows(const struct crun *r, size_t maxcols)
{
    size_t stmt = r->c->batch_rows;
    size_t rows = r->c->txn_rows < CBATCH_ROWS ? (size_t)r->c->txn_rows : CBATCH_ROWS;
    if (rows * maxcols > CBATCH_CELLS)
        rows = CBATCH_CELLS / maxcols;
    rows -= rows % stmt;
    return rows < stmt ? stmt : rows;
}

/* What the source, the sink and the verifier's queues need, per table and
 * per item. Freed by release_parts(). */
struct parts {
    struct sl_mysql_unit *units;
    struct sl_mysql_split *splits;
    struct sl_mysql_sink_unit *targets;
    struct sl_checkpoint_job *jobs;
};

static void release_parts(struct parts *pt)
{
    free(pt->units);
    free(pt->splits);
    free(pt->targets);
    free(pt->jobs);
}

static int make_parts(struct crun *r, struct parts *pt)
{
    pt->units = calloc(r->nt, sizeof *pt->units);
    pt->targets = calloc(r->nt, sizeof *pt->targets);
    pt->jobs = calloc(r->nt, sizeof *pt->jobs);
    pt->splits = calloc(r->nitems ? r->nitems : 1, sizeof *pt->splits);
    /* one event per range, and two per table (CV_ROWS, CV_TABLE) */
    size_t nevents = r->nitems + 2 * r->nt + 1;
    r->events = calloc(nevents, sizeof *r->events);
    if (!pt->units || !pt->targets || !pt->jobs || !pt->splits || !r->events ||
        sl_queue_init(&r->done, nevents) != 0 || sl_queue_init(&r->index, r->nt + 1) != 0)
        return -1;
    for (size_t i = 0; i < r->nt; i++) {
        struct ctable *ct = &r->t[i];
        if (!sl_buf_cstr(&ct->select) || !sl_buf_cstr(&ct->order) || !sl_buf_cstr(&ct->key))
            return -1;
        pt->units[i] = (struct sl_mysql_unit){
            .select = ct->select.data,
            .cond = r->c->where ? r->c->where : "",
            .order = ct->order.data,
            .key = sl_key_ranges_whole(&ct->ranges) ? NULL : ct->key.data,
            .ranges = &ct->ranges,
            .kinds = ct->kinds,
            .ncols = ct->ncols,
            .cols = ct->cols,
            .name = ct->src.name,
        };
        pt->targets[i] = (struct sl_mysql_sink_unit){&ct->target, ct->has_job ? r->ckpt_db : NULL};
        if (ct->has_job)
            pt->jobs[i] = ct->job;
    }
    for (uint64_t k = 0; k < r->nitems; k++) {
        const struct citem *it = &r->items[k];
        const struct crange *cr = &r->t[it->table].r[it->range];
        pt->splits[k] =
            (struct sl_mysql_split){it->table, it->range, cr->skip, cr->nskip, cr->complete_before};
    }
    return 0;
}

int sl_crun_run(struct crun *r)
{
    struct sl_err e;
    struct parts pt = {0};
    unsigned long *ids = calloc(r->nr + r->nspare + 1, sizeof *ids);
    if (!ids || make_parts(r, &pt) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "out of memory");
        sl_crun_fail(r, &e);
        goto out;
    }
    size_t maxcols = 1;
    for (size_t i = 0; i < r->nt; i++)
        if (r->t[i].ncols > maxcols)
            maxcols = r->t[i].ncols;
    size_t arena = r->max_packet > CBATCH_SOFT_BYTES ? (size_t)r->max_packet : CBATCH_SOFT_BYTES;
    for (unsigned i = 0; i < r->nr + r->nspare; i++)
        ids[i] = sl_conn_id(r->rconn[i]);
    struct sl_mysql_source src = {
        .conns = r->rconn,
        .conn_ids = ids,
        .nconns = r->nr,
        .nspares = r->nspare,
        .units = pt.units,
        .nunits = r->nt,
        .splits = pt.splits,
        .nsplits = r->nitems,
        .batch_bytes = CBATCH_SOFT_BYTES,
        .room = arena,
        .after_split = after_split,
        .ctx = r,
    };
    atomic_init(&src.next, 0);
    atomic_init(&src.reading, 0);
    atomic_init(&src.spares_taken, 0);
    struct sl_mysql_sink sink = {
        .conn_opts = &r->dst_co,
        .conns = r->wconn,
        .units = pt.targets,
        .jobs = pt.jobs,
        .session_sql = "SET SESSION foreign_key_checks = 0",
        .method = r->method,
        .stmt_rows = r->c->batch_rows,
        .max_packet = r->c->stmt_bytes && r->c->stmt_bytes < r->max_packet ? r->c->stmt_bytes
                                                                           : (size_t)r->max_packet,
        .retries = r->c->retries,
        .retry_max_seconds = (double)r->c->retry_max_seconds,
    };
    struct sl_engine_hooks hooks = copy_hooks;
    hooks.nhelpers = 1 + (unsigned)r->indexer;
    struct sl_engine_plan plan = {
        .source_ops = &sl_mysql_source_ops,
        .source = &src,
        .sink_ops = &sl_mysql_sink_ops,
        .sink = &sink,
        .nreaders = r->nr,
        .nwriters = r->nwr,
        .ncols = maxcols,
        .batch_rows = batch_rows(r, maxcols),
        .arena_bytes = arena,
        .txn_rows = r->c->txn_rows,
        .max_held = CCHUNK_BYTES / CBATCH_SOFT_BYTES,
        .txn_bytes =
            r->c->txn_bytes && r->c->txn_bytes < CCHUNK_BYTES ? r->c->txn_bytes : CCHUNK_BYTES,
        .commit_idle = 1,
        .nsplits = r->nitems,
        .signal_stops = 1,
        .signal_note = "stopping; open transactions are rolled back",
        .second_note = "sluice: second signal: exiting now\n",
        .counters = &r->counters,
        .progress = r->progress,
        .max_rows_per_sec = r->c->max_rows_per_sec,
        .max_bytes_per_sec = r->c->max_bytes_per_sec,
        .hooks = &hooks,
        .ctx = r,
    };
    int interrupted = 0;
    if (sl_engine_run(&plan, &interrupted, &e) != 0)
        sl_crun_fail(r, &e);
    atomic_store(&r->interrupted, interrupted);
out:
    release_parts(&pt);
    free(ids);
    return r->failed || atomic_load(&r->interrupted) ? -1 : 0;
}
