/*
 * The engine's run: the batch pool, starting and joining the threads,
 * signals, progress, and stopping. See sl_engine.h.
 */
#include "sl_engine.h"
#include "sl_engine_run.h"
#include "sl_signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sl_exit.h"

/* A chunk never holds more batches than this. */
#define MAX_HELD 256

/* Ordered runs: every reader has this many batches of its own. */
#define ORDERED_BATCHES 4

static const struct sl_engine_hooks no_hooks;

void sl_erun_stop(struct sl_erun *r)
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
    if (r->h->stopping && atomic_exchange(&r->stopping_told, 1) == 0)
        r->h->stopping(r->p->ctx);
}

void sl_erun_fail(struct sl_erun *r, const struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    if (!r->failed) {
        r->failed = 1;
        r->err = *e;
    }
    pthread_mutex_unlock(&r->mu);
    sl_erun_stop(r);
}

int sl_erun_fail_unit(struct sl_erun *r, const struct sl_unit_fault *f, const struct sl_err *e)
{
    struct sl_err why = *e;
    if (r->h->fail_unit && r->h->fail_unit(r->p->ctx, f, &why) == 0)
        return 0;
    sl_erun_fail(r, &why);
    return -1;
}

void sl_erun_thread_done(struct sl_erun *r)
{
    pthread_mutex_lock(&r->mu);
    r->done++;
    pthread_cond_signal(&r->done_cv);
    pthread_mutex_unlock(&r->mu);
}

/* The pool owns every batch, so when the queue is closed the pointer can
 * simply be dropped. */
void sl_erun_give_back(struct sl_erun *r, struct sl_batch *b)
{
    sl_batch_reset(b);
    sl_queue_push(r->rempty ? &r->rempty[b->home] : &r->empty, b);
}

/* ---- signals ---- */

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
        sl_erun_stop(r);
}

/* ---- the pool ---- */

/* Ordered and fused runs: every reader has `per` batches of its own, which
 * go back to it (b->home), and with `full` a queue for those it filled. */
static int make_own_pools(struct sl_erun *r, size_t per, int full, struct sl_err *err)
{
    const struct sl_engine_plan *p = r->p;
    r->npool = (size_t)p->nreaders * per;
    r->pool = calloc(r->npool, sizeof *r->pool);
    r->rempty = calloc(p->nreaders, sizeof *r->rempty);
    r->rfull = full ? calloc(p->nreaders, sizeof *r->rfull) : NULL;
    if (!r->pool || !r->rempty || (full && !r->rfull))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (unsigned i = 0; i < p->nreaders; i++)
        if (sl_queue_init(&r->rempty[i], per) != 0 ||
            (full && sl_queue_init(&r->rfull[i], per) != 0))
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

static int make_ordered_pool(struct sl_erun *r, struct sl_err *err)
{
    r->max_held = 1;
    /* a reader claims a split only with a batch of its own in hand, so at
     * most this many splits are claimed and not yet written: the owners
     * fit a ring of that size, whatever the number of splits */
    r->nring = (size_t)r->p->nreaders * (ORDERED_BATCHES + 1);
    r->owner = calloc(r->nring, sizeof *r->owner);
    if (!r->owner)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    return make_own_pools(r, ORDERED_BATCHES, 1, err);
}

static int make_pool(struct sl_erun *r, struct sl_err *err)
{
    const struct sl_engine_plan *p = r->p;
    size_t per_chunk = (p->txn_rows + p->batch_rows - 1) / p->batch_rows;
    r->max_held = per_chunk < 1 ? 1 : per_chunk > MAX_HELD ? MAX_HELD : per_chunk;
    if (p->max_held && p->max_held < r->max_held)
        r->max_held = p->max_held;
    if (r->h->split_done && p->nsplits < UINT64_MAX &&
        !(r->splits = calloc(p->nsplits ? p->nsplits : 1, sizeof *r->splits)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (p->ordered || p->fused) { /* the shared queues stay empty */
        if (sl_queue_init(&r->full, 1) != 0 || sl_queue_init(&r->empty, 1) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        /* fused: every thread has a chunk's batches and the one it fills */
        return p->ordered ? make_ordered_pool(r, err) : make_own_pools(r, r->max_held + 1, 0, err);
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

static void release_pool(struct sl_erun *r)
{
    if (r->pool) {
        for (size_t i = 0; i < r->npool; i++)
            sl_batch_free(r->pool[i]);
        free(r->pool);
        sl_queue_release(&r->full);
        sl_queue_release(&r->empty);
    }
    for (unsigned i = 0; r->rempty && i < r->p->nreaders; i++) {
        if (r->rfull)
            sl_queue_release(&r->rfull[i]);
        sl_queue_release(&r->rempty[i]);
    }
    free(r->rfull);
    free(r->rempty);
    free(r->owner);
    free(r->splits);
}

/* ---- the threads ---- */

struct helper {
    struct sl_erun *r;
    unsigned index;
};

static void *helper_main(void *arg)
{
    struct helper *hp = arg;
    hp->r->h->helper(hp->r->p->ctx, hp->index);
    sl_erun_thread_done(hp->r);
    return NULL;
}

/* Starts the helpers, the writers, then the readers (or the fused
 * threads). Returns how many threads started. */
static unsigned start_threads(struct sl_erun *r, pthread_t *tids, struct sl_ereader *rds,
                              struct sl_ewriter *wrs, struct helper *hps)
{
    const struct sl_engine_plan *p = r->p;
    unsigned started = 0;
    for (unsigned i = 0; i < r->h->nhelpers; i++) {
        hps[i] = (struct helper){r, i};
        if (pthread_create(&tids[started], NULL, helper_main, &hps[i]) != 0)
            return started;
        started++;
    }
    if (p->fused) {
        for (unsigned i = 0; i < p->nreaders; i++) {
            rds[i].mate_port = &wrs[i].port;
            if (pthread_create(&tids[started], NULL, sl_erun_fused_main, &rds[i]) != 0)
                return started;
            started++;
        }
        return started;
    }
    for (unsigned i = 0; i < p->nwriters; i++) {
        if (pthread_create(&tids[started], NULL, sl_erun_writer_main, &wrs[i]) != 0)
            return started;
        started++;
    }
    for (unsigned i = 0; i < p->nreaders; i++) {
        if (pthread_create(&tids[started], NULL, sl_erun_reader_main, &rds[i]) != 0)
            return started;
        started++;
    }
    return started;
}

static void draw(struct sl_erun *r)
{
    if (r->h->draw)
        r->h->draw(r->p->ctx);
    else
        sl_progress_tick(r->p->progress, r->p->counters);
}

/* The calling thread draws progress until every thread is done, and ends
 * the command's statements once the run stops early. */
static void watch(struct sl_erun *r, unsigned started)
{
    const struct sl_engine_plan *p = r->p;
    int cancelled = 0;
    pthread_mutex_lock(&r->mu);
    while (r->done < started) {
        sl_progress_wait(&r->done_cv, &r->mu, 200);
        pthread_mutex_unlock(&r->mu);
        if (r->h->cancel && !cancelled && atomic_load(&r->stop)) {
            r->h->cancel(p->ctx);
            cancelled = 1;
        }
        draw(r);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    draw(r); /* the final counts, for a closing JSON progress object */
}

int sl_engine_run(const struct sl_engine_plan *p, int *interrupted, struct sl_err *err)
{
    *interrupted = 0;
    if (p->fused && p->nreaders != p->nwriters)
        return sl_err_set(err, SL_ERR_FATAL, "a fused run needs as many readers as writers");
    struct sl_erun r;
    memset(&r, 0, sizeof r);
    r.p = p;
    r.h = p->hooks ? p->hooks : &no_hooks;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.done_cv, NULL);
    pthread_cond_init(&r.claimed, NULL);
    atomic_init(&r.stop, 0);
    atomic_init(&r.interrupted, 0);
    atomic_init(&r.stopping_told, 0);
    atomic_init(&r.readers_left, (int)p->nreaders);
    atomic_init(&r.writers_left, (int)p->nwriters);
    sl_rate_init(&r.pace, p->max_rows_per_sec, p->max_bytes_per_sec);
    sl_err_clear(&r.err);

    unsigned nthreads = r.h->nhelpers + (p->fused ? p->nreaders : p->nreaders + p->nwriters);
    pthread_t *tids = calloc(nthreads ? nthreads : 1, sizeof *tids);
    struct sl_ereader *rds = calloc(p->nreaders ? p->nreaders : 1, sizeof *rds);
    struct sl_ewriter *wrs = calloc(p->nwriters ? p->nwriters : 1, sizeof *wrs);
    struct helper *hps = calloc(r.h->nhelpers ? r.h->nhelpers : 1, sizeof *hps);
    struct sl_signals sigs = {0};
    int rc = -1;
    if (!tids || !rds || !wrs || !hps) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_free;
    }
    if (make_pool(&r, err) != 0)
        goto out_free;
    for (unsigned i = 0; i < p->nreaders; i++)
        sl_erun_init_reader(&r, &rds[i], i);
    for (unsigned i = 0; i < p->nwriters; i++)
        sl_erun_init_writer(&r, &wrs[i], i);
    int sig_started =
        sl_signals_start(&sigs, on_signal, &r, p->progress,
                         p->second_note ? p->second_note
                                        : "sluice: second signal: exiting now; committed chunks "
                                          "are kept, --resume continues\n",
                         SL_EXIT_INTERRUPTED) == 0;
    unsigned started = sig_started ? start_threads(&r, tids, rds, wrs, hps) : 0;
    if (started < nthreads) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "cannot start threads");
        sl_erun_fail(&r, &e);
    }
    watch(&r, started);
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
    release_pool(&r);
    free(rds);
    free(wrs);
    free(hps);
    free(tids);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.done_cv);
    pthread_cond_destroy(&r.claimed);
    return rc;
}
