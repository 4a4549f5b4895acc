/*
 * The engine's run: the batch pool, the reader and writer threads, the
 * ports that sources and sinks talk to, signals and progress. See
 * sl_engine.h.
 */
#include "sl_engine.h"
#include "sl_engine_run.h"
#include "sl_signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sl_exit.h"
#include "sl_transform.h"

/* A chunk never holds more batches than this. */
#define MAX_HELD 256

/* Stops every thread: closes the queues and wakes the ordered writer. */
static void stop_all(struct sl_erun *r)
{
    atomic_store(&r->stop, 1);
    sl_queue_close(&r->full);
    sl_queue_close(&r->empty);
    for (unsigned i = 0; r->rempty && i < r->p->nreaders; i++) {
        if (r->rfull)
            sl_queue_close(&r->rfull[i]);
        sl_queue_close(&r->rempty[i]);
    }
    pthread_mutex_lock(&r->mu);
    pthread_cond_broadcast(&r->claimed);
    pthread_mutex_unlock(&r->mu);
}

void sl_erun_fail(struct sl_erun *r, const struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    if (!r->failed) {
        r->failed = 1;
        r->err = *e;
    }
    pthread_mutex_unlock(&r->mu);
    stop_all(r);
}

static void thread_done(struct sl_erun *r)
{
    pthread_mutex_lock(&r->mu);
    r->done++;
    pthread_cond_signal(&r->done_cv);
    pthread_mutex_unlock(&r->mu);
}

/* Gives a batch back to the pool. The pool owns every batch, so when the
 * queue is closed the pointer can simply be dropped. */
static void give_back(struct sl_erun *r, struct sl_batch *b)
{
    sl_batch_reset(b);
    sl_queue_push(r->rempty ? &r->rempty[b->home] : &r->empty, b);
}

/* ---- readers ---- */

/* Writes b, and ends the chunk when it is full. */
static void write_one(struct sl_erun *r, unsigned index, void *w, struct sl_batch *b)
{
    const struct sl_sink_ops *ops = r->p->sink_ops;
    if (atomic_load_explicit(&r->stop, memory_order_relaxed)) {
        give_back(r, b);
        return;
    }
    double t0 = r->p->wrote ? sl_now() : 0;
    if (ops->write(w, b) != 0)
        return;
    if (r->p->wrote)
        r->p->wrote(r->p->ctx, index, sl_now() - t0);
    uint64_t rows;
    size_t held;
    ops->pending(w, &rows, &held);
    if (rows >= r->p->txn_rows || held >= r->max_held)
        ops->commit(w);
}

struct reader {
    struct sl_erun *r;
    unsigned index;
    void *w;                              /* fused runs: this thread's writer */
    const struct sl_sink_port *mate_port; /* and the port it reports to */
    struct sl_tf_work tf;                 /* scratch for the transforms */
    struct sl_source_port port;
};

static struct sl_batch *port_take(void *ctx)
{
    struct reader *rd = ctx;
    struct sl_erun *r = rd->r;
    return sl_queue_pop(r->rempty ? &r->rempty[rd->index] : &r->empty);
}

static int port_hand_on(void *ctx, struct sl_batch *b)
{
    struct reader *rd = ctx;
    struct sl_erun *r = rd->r;
    if (atomic_load(&r->stop)) { /* failed: nothing more is written */
        give_back(r, b);
        return -1;
    }
    if (b->nrows == 0 && (!r->p->keep_empty || b->end == b->start)) {
        give_back(r, b);
        return 0;
    }
    if (rd->w) {
        write_one(r, rd->index, rd->w, b);
        return atomic_load(&r->stop) ? -1 : 0;
    }
    return sl_queue_push(r->rfull ? &r->rfull[rd->index] : &r->full, b);
}

static void port_give_back(void *ctx, struct sl_batch *b)
{
    give_back(((struct reader *)ctx)->r, b);
}

static int port_row(void *ctx, struct sl_batch *b)
{
    struct reader *rd = ctx;
    const struct sl_row_stage *st = rd->r->p->stage;
    size_t row = b->nrows - 1;
    struct sl_row_fault f;
    if (!st || sl_row_stage_apply(st, b, row, &rd->tf, &f) == 0)
        return 0;
    struct sl_row_pos *pos = &b->pos[row];
    pos->rejected = 1;
    struct sl_bad_row br = {
        .unit = b->source,
        .line = pos->line,
        .offset = pos->offset,
        .col = f.col,
        .has_col = 1,
        .reason = f.why,
        .raw = b->arena.data + pos->raw_off,
        .raw_len = pos->raw_len,
    };
    return sl_erun_bad_row(rd->r, &br);
}

static int port_bad_row(void *ctx, const struct sl_bad_row *br)
{
    return sl_erun_bad_row(((struct reader *)ctx)->r, br);
}

static void port_count(void *ctx, uint64_t rows, uint64_t raw_bytes, uint64_t data_bytes)
{
    struct sl_counters *c = ((struct reader *)ctx)->r->p->counters;
    atomic_fetch_add_explicit(&c->raw_bytes, raw_bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->data_bytes, data_bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_read, rows, memory_order_relaxed);
}

static int port_stopping(void *ctx)
{
    struct sl_erun *r = ((struct reader *)ctx)->r;
    return atomic_load_explicit(&r->stop, memory_order_relaxed) ||
           atomic_load_explicit(&r->interrupted, memory_order_relaxed);
}

static void port_fail(void *ctx, const struct sl_err *e)
{
    sl_erun_fail(((struct reader *)ctx)->r, e);
}

/* Ordered runs: tells the writer that this reader reads split k. */
static int claim(struct reader *rd, uint64_t k)
{
    struct sl_erun *r = rd->r;
    if (k >= r->p->nsplits) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "split %llu of %llu is out of range", (unsigned long long)k,
                   (unsigned long long)r->p->nsplits);
        sl_erun_fail(r, &e);
        return -1;
    }
    pthread_mutex_lock(&r->mu);
    r->owner[k % r->nring] = rd->index + 1;
    pthread_cond_broadcast(&r->claimed);
    pthread_mutex_unlock(&r->mu);
    return 0;
}

/* Ordered runs: marks the end of the split just read, after its last
 * batch. */
static int end_split(struct reader *rd)
{
    struct sl_erun *r = rd->r;
    struct sl_batch *b = sl_queue_pop(&r->rempty[rd->index]);
    if (!b)
        return -1;
    b->split_end = 1;
    return sl_queue_push(&r->rfull[rd->index], b);
}

/* Reads splits until none is left or the run stops. */
static void read_all(struct reader *rd)
{
    struct sl_erun *r = rd->r;
    const struct sl_engine_plan *p = r->p;
    void *sr = NULL;
    struct sl_err e;
    if (p->source_ops->reader_open(p->source, rd->index, &sr, &e) != 0) {
        sl_erun_fail(r, &e);
    } else {
        uint64_t split;
        while (!port_stopping(rd) && p->source_ops->next_split(p->source, &split)) {
            if (r->owner && claim(rd, split) != 0)
                break;
            if (p->source_ops->read_split(sr, split, &rd->port) != 0)
                break;
            if (r->owner && end_split(rd) != 0)
                break;
        }
        p->source_ops->reader_close(sr);
    }
    if (atomic_fetch_sub(&r->readers_left, 1) == 1) {
        sl_queue_close(&r->full); /* the last reader lets the writers drain */
        pthread_mutex_lock(&r->mu);
        pthread_cond_broadcast(&r->claimed);
        pthread_mutex_unlock(&r->mu);
    }
}

static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    read_all(rd);
    thread_done(rd->r);
    return NULL;
}

/* ---- writers ---- */

struct writer {
    struct sl_erun *r;
    unsigned index;
    struct sl_sink_port port;
};

static void wport_fail(void *ctx, const struct sl_err *e)
{
    sl_erun_fail(((struct writer *)ctx)->r, e);
}

static void wport_release(void *ctx, struct sl_batch *b, int committed)
{
    give_back(((struct writer *)ctx)->r, b);
}

static void wport_committed(void *ctx, struct sl_batch *const *held, size_t n, uint64_t written,
                            uint64_t ignored, uint64_t updated)
{
    struct writer *wr = ctx;
    const struct sl_engine_plan *p = wr->r->p;
    if (p->committed)
        p->committed(p->ctx, wr->index, held, n, written);
    struct sl_counters *c = p->counters;
    atomic_fetch_add_explicit(&c->rows_written, written, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_ignored, ignored, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_updated, updated, memory_order_relaxed);
}

static int wport_reject(void *ctx, const struct sl_batch *b, size_t row, long col,
                        const struct sl_err *why)
{
    return sl_erun_sink_reject(((struct writer *)ctx)->r, b, row, col, why);
}

static void wport_locate(void *ctx, const struct sl_batch *b, long row, size_t first, size_t last,
                         long col, struct sl_err *e)
{
    sl_erun_locate(((struct writer *)ctx)->r, b, row, first, last, col, e);
}

static void wport_note(void *ctx, const char *msg)
{
    sl_progress_printf(((struct writer *)ctx)->r->p->progress, "%s", msg);
}

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
                give_back(r, b);
                break;
            }
            write_one(r, 0, w, b);
        }
    }
}

/* Ends a writer: commits what it holds unless the run failed, then rolls
 * back whatever is left and closes it. */
static void end_writer(struct sl_erun *r, void *w)
{
    const struct sl_sink_ops *ops = r->p->sink_ops;
    if (!atomic_load(&r->stop))
        ops->commit(w);
    ops->rollback(w); /* the run failed: nothing uncommitted may stay */
    ops->writer_close(w);
}

static void *writer_main(void *arg)
{
    struct writer *wr = arg;
    struct sl_erun *r = wr->r;
    void *w = NULL;
    struct sl_err e;
    if (r->p->sink_ops->writer_open(r->p->sink, wr->index, &wr->port, &w, &e) != 0) {
        sl_erun_fail(r, &e);
        thread_done(r);
        return NULL;
    }
    if (r->owner)
        write_ordered(r, w);
    else
        for (struct sl_batch *b; (b = sl_queue_pop(&r->full)) != NULL;)
            write_one(r, wr->index, w, b);
    end_writer(r, w);
    thread_done(r);
    return NULL;
}

/* Fused runs: one thread is reader and writer rd->index; its reader
 * writes each batch it hands on. */
static void *fused_main(void *arg)
{
    struct reader *rd = arg;
    struct sl_erun *r = rd->r;
    struct sl_err e;
    if (r->p->sink_ops->writer_open(r->p->sink, rd->index, rd->mate_port, &rd->w, &e) != 0) {
        sl_erun_fail(r, &e);
        atomic_fetch_sub(&r->readers_left, 1);
        thread_done(r);
        return NULL;
    }
    read_all(rd);
    end_writer(r, rd->w);
    thread_done(r);
    return NULL;
}

/* ---- the run ---- */

static void on_signal(void *ctx, int sig)
{
    struct sl_erun *r = ctx;
    const struct sl_engine_plan *p = r->p;
    atomic_store(&r->interrupted, 1);
    sl_progress_printf(p->progress, "sluice: %s: %s\n",
                       sig == SIGINT ? "interrupted" : "terminated",
                       p->signal_note ? p->signal_note
                                      : "finishing the rows already read, then stopping; a "
                                        "second signal exits at once");
    if (p->signal_stops)
        stop_all(r);
}

/* Ordered runs: every reader has this many batches of its own. */
#define ORDERED_BATCHES 4

static int make_ordered_pool(struct sl_erun *r, struct sl_err *err)
{
    const struct sl_engine_plan *p = r->p;
    r->max_held = 1;
    r->npool = (size_t)p->nreaders * ORDERED_BATCHES;
    r->pool = calloc(r->npool, sizeof *r->pool);
    r->rfull = calloc(p->nreaders, sizeof *r->rfull);
    r->rempty = calloc(p->nreaders, sizeof *r->rempty);
    /* a reader claims a split only with a batch of its own in hand, so at
     * most this many splits are claimed and not yet written: the owners
     * fit a ring of that size, whatever the number of splits */
    r->nring = (size_t)p->nreaders * (ORDERED_BATCHES + 1);
    r->owner = calloc(r->nring, sizeof *r->owner);
    if (!r->pool || !r->rfull || !r->rempty || !r->owner)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (unsigned i = 0; i < p->nreaders; i++)
        if (sl_queue_init(&r->rfull[i], ORDERED_BATCHES) != 0 ||
            sl_queue_init(&r->rempty[i], ORDERED_BATCHES) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->npool; i++) {
        r->pool[i] = sl_batch_new(p->ncols, p->batch_rows, p->arena_bytes);
        if (!r->pool[i])
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        r->pool[i]->home = (unsigned)(i / ORDERED_BATCHES);
        sl_queue_push(&r->rempty[r->pool[i]->home], r->pool[i]);
    }
    return 0;
}

/* Fused runs: every thread has a chunk's batches and the one it fills. */
static int make_fused_pool(struct sl_erun *r, struct sl_err *err)
{
    const struct sl_engine_plan *p = r->p;
    size_t per = r->max_held + 1;
    r->npool = (size_t)p->nreaders * per;
    r->pool = calloc(r->npool, sizeof *r->pool);
    r->rempty = calloc(p->nreaders, sizeof *r->rempty);
    if (!r->pool || !r->rempty)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (unsigned i = 0; i < p->nreaders; i++)
        if (sl_queue_init(&r->rempty[i], per) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->npool; i++) {
        r->pool[i] = sl_batch_new(p->ncols, p->batch_rows, p->arena_bytes);
        if (!r->pool[i])
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        r->pool[i]->home = (unsigned)(i / per);
        sl_queue_push(&r->rempty[r->pool[i]->home], r->pool[i]);
    }
    return 0;
}

static int make_pool(struct sl_erun *r, struct sl_err *err)
{
    const struct sl_engine_plan *p = r->p;
    size_t per_chunk = (p->txn_rows + p->batch_rows - 1) / p->batch_rows;
    r->max_held = per_chunk < 1 ? 1 : per_chunk > MAX_HELD ? MAX_HELD : per_chunk;
    if (p->ordered || p->fused) { /* the shared queues stay empty */
        if (sl_queue_init(&r->full, 1) != 0 || sl_queue_init(&r->empty, 1) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        return p->ordered ? make_ordered_pool(r, err) : make_fused_pool(r, err);
    }
    /* every writer may hold a whole chunk plus the batch it is writing;
     * every reader fills one and may have two waiting */
    r->npool = p->nwriters * (r->max_held + 1) + p->nreaders * 3;
    r->pool = calloc(r->npool, sizeof *r->pool);
    if (!r->pool)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (sl_queue_init(&r->full, r->npool) != 0 || sl_queue_init(&r->empty, r->npool) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->npool; i++) {
        r->pool[i] = sl_batch_new(p->ncols, p->batch_rows, p->arena_bytes);
        if (!r->pool[i] || sl_queue_push(&r->empty, r->pool[i]) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    return 0;
}

static void init_readers(struct sl_erun *r, struct reader *rds)
{
    for (unsigned i = 0; i < r->p->nreaders; i++) {
        struct reader *rd = &rds[i];
        rd->r = r;
        rd->index = i;
        sl_tf_work_init(&rd->tf, r->p->max_value);
        rd->port = (struct sl_source_port){
            .ctx = rd,
            .take = port_take,
            .hand_on = port_hand_on,
            .give_back = port_give_back,
            .row = port_row,
            .bad_row = port_bad_row,
            .count = port_count,
            .stopping = port_stopping,
            .fail = port_fail,
            .keep_empty = r->p->keep_empty,
        };
    }
}

static void init_writers(struct sl_erun *r, struct writer *wrs)
{
    for (unsigned i = 0; i < r->p->nwriters; i++) {
        struct writer *wr = &wrs[i];
        wr->r = r;
        wr->index = i;
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
}

/* Starts the writers, then the readers. Returns how many threads started. */
static unsigned start_threads(struct sl_erun *r, pthread_t *tids, struct reader *rds,
                              struct writer *wrs)
{
    const struct sl_engine_plan *p = r->p;
    unsigned started = 0;
    if (p->fused) {
        for (unsigned i = 0; i < p->nreaders; i++) {
            rds[i].mate_port = &wrs[i].port;
            if (pthread_create(&tids[started], NULL, fused_main, &rds[i]) != 0)
                return started;
            started++;
        }
        return started;
    }
    for (unsigned i = 0; i < p->nwriters; i++) {
        if (pthread_create(&tids[started], NULL, writer_main, &wrs[i]) != 0)
            return started;
        started++;
    }
    for (unsigned i = 0; i < p->nreaders; i++) {
        if (pthread_create(&tids[started], NULL, reader_main, &rds[i]) != 0)
            return started;
        started++;
    }
    return started;
}

int sl_engine_run(const struct sl_engine_plan *p, int *interrupted, struct sl_err *err)
{
    *interrupted = 0;
    if (p->fused && p->nreaders != p->nwriters)
        return sl_err_set(err, SL_ERR_FATAL, "a fused run needs as many readers as writers");
    struct sl_erun r;
    memset(&r, 0, sizeof r);
    r.p = p;
    *interrupted = 0;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.done_cv, NULL);
    pthread_cond_init(&r.claimed, NULL);
    atomic_init(&r.stop, 0);
    atomic_init(&r.interrupted, 0);
    atomic_init(&r.readers_left, (int)p->nreaders);
    sl_err_clear(&r.err);

    unsigned nthreads = p->fused ? p->nreaders : p->nreaders + p->nwriters;
    pthread_t *tids = calloc(nthreads, sizeof *tids);
    struct reader *rds = calloc(p->nreaders, sizeof *rds);
    struct writer *wrs = calloc(p->nwriters, sizeof *wrs);
    struct sl_signals sigs = {0};
    int rc = -1;
    if (!tids || !rds || !wrs) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_free;
    }
    if (make_pool(&r, err) != 0)
        goto out_free;
    init_readers(&r, rds);
    init_writers(&r, wrs);
    int sig_started =
        sl_signals_start(&sigs, on_signal, &r, p->progress,
                         p->second_note ? p->second_note
                                        : "sluice: second signal: exiting now; committed chunks "
                                          "are kept, --resume continues\n",
                         SL_EXIT_INTERRUPTED) == 0;
    unsigned started = sig_started ? start_threads(&r, tids, rds, wrs) : 0;
    if (started < nthreads) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "cannot start threads");
        sl_erun_fail(&r, &e);
    }

    /* the calling thread draws progress until every thread is done, and
     * ends the source's reads once the run stops early */
    int cancelled = 0;
    pthread_mutex_lock(&r.mu);
    while (r.done < started) {
        sl_progress_wait(&r.done_cv, &r.mu, 200);
        pthread_mutex_unlock(&r.mu);
        if (p->cancel && !cancelled && atomic_load(&r.stop)) {
            p->cancel(p->ctx);
            cancelled = 1;
        }
        if (p->draw)
            p->draw(p->ctx);
        else
            sl_progress_tick(p->progress, p->counters);
        pthread_mutex_lock(&r.mu);
    }
    pthread_mutex_unlock(&r.mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);

    *interrupted = atomic_load(&r.interrupted);
    if (r.failed) {
        *err = r.err;
        rc = -1;
    } else {
        rc = 0;
    }
out_free:
    sl_signals_stop(&sigs);
    for (unsigned i = 0; rds && i < p->nreaders; i++)
        if (rds[i].r)
            sl_tf_work_release(&rds[i].tf);
    if (r.pool) {
        for (size_t i = 0; i < r.npool; i++)
            sl_batch_free(r.pool[i]);
        free(r.pool);
        sl_queue_release(&r.full);
        sl_queue_release(&r.empty);
    }
    for (unsigned i = 0; r.rempty && i < p->nreaders; i++) {
        if (r.rfull)
            sl_queue_release(&r.rfull[i]);
        sl_queue_release(&r.rempty[i]);
    }
    free(r.rfull);
    free(r.rempty);
    free(r.owner);
    free(rds);
    free(wrs);
    free(tids);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.done_cv);
    pthread_cond_destroy(&r.claimed);
    return rc;
}
