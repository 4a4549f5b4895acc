/*
 * The engine's writer threads: the port a sink reports to, chunks ended at
 * --txn-rows (or their bytes, or an idle queue), ordered writing, and
 * fused threads that read and write.
 */
#include "sl_engine_run.h"

#include <time.h>

/* --max-rate: waits until b's rows may go. An interruption ends the wait
 * (the rows read are written at once), and so does a failure. */
static void pace(struct sl_erun *r, const struct sl_batch *b)
{
    if (!sl_rate_limited(&r->pace))
        return;
    double at = sl_rate_reserve(&r->pace, b->nrows, b->arena.len);
    for (double now = sl_now(); now < at; now = sl_now()) {
        if (atomic_load(&r->stop) || atomic_load(&r->interrupted))
            return;
        double nap = at - now < 0.1 ? at - now : 0.1;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(nap * 1e9)};
        nanosleep(&ts, NULL);
    }
}

void sl_erun_write(struct sl_erun *r, unsigned index, void *w, struct sl_batch *b)
{
    const struct sl_engine_plan *p = r->p;
    const struct sl_sink_ops *ops = p->sink_ops;
    if (atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        sl_erun_give_back(r, b);
        return;
    }
    if (r->h->unit_dead && r->h->unit_dead(p->ctx, b->source)) {
        sl_erun_released(r, b, 0);
        return;
    }
    pace(r, b);
    double t0 = r->h->wrote ? sl_now() : 0;
    if (ops->write(w, b) != 0)
        return;
    if (r->h->wrote)
        r->h->wrote(p->ctx, index, sl_now() - t0);
    if (!ops->pending)
        return; /* the write committed it */
    uint64_t rows;
    size_t held, bytes;
    ops->pending(w, &rows, &held, &bytes);
    if (rows >= p->txn_rows || held >= r->max_held || (p->txn_bytes && bytes >= p->txn_bytes))
        ops->commit(w);
}

/* ---- the sink's port ---- */

static void wport_fail(void *ctx, long unit, const struct sl_err *e)
{
    struct sl_ewriter *wr = ctx;
    int located = wr->located;
    wr->located = 0;
    if (unit < 0) { /* not one unit's: the run fails */
        sl_erun_fail(wr->r, e);
        return;
    }
    struct sl_unit_fault f = {
        .unit = (size_t)unit, .split = UINT64_MAX, .writing = 1, .located = located};
    sl_erun_fail_unit(wr->r, &f, e);
}

static void wport_release(void *ctx, struct sl_batch *b, int committed)
{
    sl_erun_released(((struct sl_ewriter *)ctx)->r, b, committed);
}

static void wport_committed(void *ctx, struct sl_batch *const *held, size_t n, uint64_t written,
                            uint64_t ignored, uint64_t updated)
{
    struct sl_ewriter *wr = ctx;
    struct sl_erun *r = wr->r;
    if (r->h->committed)
        r->h->committed(r->p->ctx, wr->index, held, n, written, ignored, updated);
    struct sl_counters *c = r->p->counters;
    atomic_fetch_add_explicit(&c->rows_written, written, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_ignored, ignored, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_updated, updated, memory_order_relaxed);
}

static int wport_reject(void *ctx, const struct sl_batch *b, size_t row, long col,
                        const struct sl_err *why)
{
    return sl_erun_sink_reject(((struct sl_ewriter *)ctx)->r, b, row, col, why);
}

static void wport_locate(void *ctx, const struct sl_batch *b, long row, size_t first, size_t last,
                         long col, struct sl_err *e)
{
    struct sl_ewriter *wr = ctx;
    struct sl_erun *r = wr->r;
    if (r->h->locate) {
        r->h->locate(r->p->ctx, b, row, e);
        wr->located = 1;
        return;
    }
    sl_erun_locate(r, b, row, first, last, col, e);
}

static void wport_note(void *ctx, const char *msg)
{
    sl_progress_printf(((struct sl_ewriter *)ctx)->r->p->progress, "%s", msg);
}

void sl_erun_init_writer(struct sl_erun *r, struct sl_ewriter *wr, unsigned index)
{
    wr->r = r;
    wr->index = index;
    wr->port = (struct sl_sink_port){
        .ctx = wr,
        .fail = wport_fail,
        .release = wport_release,
        .committed = wport_committed,
        .reject = r->p->rejects ? wport_reject : NULL,
        .locate = wport_locate,
        .note = wport_note,
        .stop = &r->stop,
        .retry_count = &r->p->counters->retries,
        .max_held = r->max_held,
    };
}

/* ---- the threads ---- */

/* Ordered runs: split k is taken from the reader that claimed it, up to
 * its end marker. */
static void write_ordered(struct sl_erun *r, void *w)
{
    for (uint64_t k = 0; k < r->p->nsplits && !atomic_load(&r->stop); k++) {
        unsigned *slot = &r->owner[k % r->nring];
        pthread_mutex_lock(&r->mu);
        while (*slot == 0 && !atomic_load(&r->stop) && atomic_load(&r->readers_left) > 0)
            pthread_cond_wait(&r->claimed, &r->mu);
        unsigned owner = *slot;
        *slot = 0; /* free for split k + nring */
        pthread_mutex_unlock(&r->mu);
        if (owner == 0)
            return; /* stopped, or the readers ended early */
        for (;;) {
            struct sl_batch *b = sl_queue_pop(&r->rfull[owner - 1]);
            if (!b)
                return;
            if (b->split_end) {
                sl_erun_give_back(r, b);
                break;
            }
            sl_erun_write(r, 0, w, b);
        }
    }
}

/* Writes what the readers hand on until they are done. With commit_idle, a
 * writer that finds nothing waiting commits first, so that a split is
 * complete as soon as its last rows are in. */
static void write_queued(struct sl_erun *r, unsigned index, void *w)
{
    for (;;) {
        struct sl_batch *b = r->p->commit_idle ? sl_queue_try_pop(&r->full) : NULL;
        if (!b) {
            if (r->p->commit_idle && r->p->sink_ops->commit)
                r->p->sink_ops->commit(w);
            b = sl_queue_pop(&r->full);
        }
        if (!b)
            return;
        sl_erun_write(r, index, w, b);
    }
}

/* Ends a writer: commits what it holds unless the run failed, then rolls
 * back whatever is left and closes it. The last writer tells the hooks. */
static void end_writer(struct sl_erun *r, void *w)
{
    const struct sl_sink_ops *ops = r->p->sink_ops;
    if (w && ops->commit) {
        if (!atomic_load(&r->stop))
            ops->commit(w);
        ops->rollback(w); /* the run failed: nothing uncommitted may stay */
    }
    if (w && ops->writer_close)
        ops->writer_close(w);
    if (atomic_fetch_sub(&r->writers_left, 1) == 1 && r->h->writers_done)
        r->h->writers_done(r->p->ctx);
}

void *sl_erun_writer_main(void *arg)
{
    struct sl_ewriter *wr = arg;
    struct sl_erun *r = wr->r;
    void *w = NULL;
    struct sl_err e;
    if (r->p->sink_ops->writer_open(r->p->sink, wr->index, &wr->port, &w, &e) != 0)
        sl_erun_fail(r, &e);
    else if (r->owner)
        write_ordered(r, w);
    else
        write_queued(r, wr->index, w);
    end_writer(r, w);
    sl_erun_thread_done(r);
    return NULL;
}

void *sl_erun_fused_main(void *arg)
{
    struct sl_ereader *rd = arg;
    struct sl_erun *r = rd->r;
    struct sl_err e;
    if (r->p->sink_ops->writer_open(r->p->sink, rd->index, rd->mate_port, &rd->w, &e) != 0) {
        sl_erun_fail(r, &e);
        atomic_fetch_sub(&r->readers_left, 1);
    } else {
        sl_erun_read_all(rd);
    }
    end_writer(r, rd->w);
    sl_erun_thread_done(r);
    return NULL;
}
