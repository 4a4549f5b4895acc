#include "sl_pipeline.h"
#include "sl_pipeline_run.h"
#include "sl_signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sl_batch.h"
#include "sl_exit.h"
#include "sl_queue.h"

/* A writer never holds more batches than this in one chunk. */
#define MAX_HELD 256

/* Records the first error and stops everything. */
void sl_run_fail(struct run *r, const struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    if (!r->failed) {
        r->failed = 1;
        r->err = *e;
    }
    pthread_mutex_unlock(&r->mu);
    atomic_store(&r->stop, 1);
    sl_queue_close(&r->full);
    sl_queue_close(&r->empty);
}

void sl_run_thread_done(struct run *r)
{
    pthread_mutex_lock(&r->mu);
    r->done++;
    pthread_cond_signal(&r->done_cv);
    pthread_mutex_unlock(&r->mu);
}

/* Gives a batch back to the pool. The pool owns every batch, so when the
 * queue is closed the pointer can simply be dropped. */
void sl_run_give_back(struct run *r, struct sl_batch *b)
{
    sl_batch_reset(b);
    sl_queue_push(&r->empty, b);
}

/* A dry run prints the first this many rows it would reject; the count in
 * its summary includes the rest. */
#define SL_DRY_RUN_LISTED 100

/* Sends a bad row to the rejects files and counts it. Returns 0, or -1 once
 * more than --max-rejects rows were rejected (the run has then failed). */
int sl_run_reject(struct run *r, const char *path, uint64_t line, uint64_t offset, const char *col,
                  const char *reason, const char *raw, size_t raw_len)
{
    const struct sl_pipeline_plan *p = r->p;
    if (p->dry_run) {
        uint64_t n =
            atomic_fetch_add_explicit(&p->counters->rows_rejected, 1, memory_order_relaxed) + 1;
        if (n <= SL_DRY_RUN_LISTED)
            sl_progress_printf(p->progress,
                               "sluice: dry run: would reject %s: line %llu, byte %llu%s%s%s: %s\n",
                               path, (unsigned long long)line, (unsigned long long)offset,
                               col ? ", column '" : "", col ? col : "", col ? "'" : "", reason);
        else if (n == SL_DRY_RUN_LISTED + 1)
            sl_progress_printf(p->progress,
                               "sluice: dry run: more rows would be rejected; only the first %d "
                               "are listed, the count below has them all\n",
                               SL_DRY_RUN_LISTED);
        return 0;
    }
    uint64_t n = sl_rejects_add(p->rejects, path, line, offset, col, reason, raw, raw_len);
    atomic_fetch_add_explicit(&p->counters->rows_rejected, 1, memory_order_relaxed);
    if (p->max_rejects && n > p->max_rejects) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL,
                   "more than %llu rows rejected (--max-rejects); the last: %s: line %llu: %s",
                   (unsigned long long)p->max_rejects, path, (unsigned long long)line, reason);
        sl_run_fail(r, &e);
        return -1;
    }
    return 0;
}

/* ---- signals ---- */

static void on_signal(void *ctx, int sig)
{
    struct run *r = ctx;
    atomic_store(&r->interrupted, 1);
    sl_progress_printf(r->p->progress,
                       "sluice: %s: finishing the rows already read, then stopping; a "
                       "second signal exits at once\n",
                       sig == SIGINT ? "interrupted" : "terminated");
}

/* ---- the run ---- */

static int make_pool(struct run *r, struct sl_err *err)
{
    const struct sl_pipeline_plan *p = r->p;
    size_t per_chunk = (p->txn_rows + p->batch_rows - 1) / p->batch_rows;
    r->max_held = per_chunk < 1 ? 1 : per_chunk > MAX_HELD ? MAX_HELD : per_chunk;
    /* every writer may hold a whole chunk plus the batch it is writing;
     * every reader fills one and may have two waiting */
    r->npool = p->nwriters * (r->max_held + 1) + p->nreaders * 3;
    r->pool = calloc(r->npool, sizeof *r->pool);
    if (!r->pool)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    /* room for one more record (its fields, and its raw bytes for the
     * rejects) on top of the hand-on threshold */
    size_t arena = p->batch_bytes + 2 * p->source_opts->max_record_bytes;
    if (sl_queue_init(&r->full, r->npool) != 0 || sl_queue_init(&r->empty, r->npool) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->npool; i++) {
        r->pool[i] = sl_batch_new(p->target.ncols, p->batch_rows, arena);
        if (!r->pool[i] || sl_queue_push(&r->empty, r->pool[i]) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    return 0;
}

int sl_pipeline_run(const struct sl_pipeline_plan *p, int *interrupted, struct sl_err *err)
{
    struct run r;
    memset(&r, 0, sizeof r);
    r.p = p;
    *interrupted = 0;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.done_cv, NULL);
    atomic_init(&r.next_source, 0);
    atomic_init(&r.stop, 0);
    atomic_init(&r.interrupted, 0);
    atomic_init(&r.readers_left, (int)p->nreaders);
    sl_err_clear(&r.err);

    unsigned nthreads = p->nreaders + p->nwriters, started = 0;
    pthread_t *tids = calloc(nthreads, sizeof *tids);
    struct writer *writers = calloc(p->nwriters, sizeof *writers);
    struct sl_signals sigs = {0};
    int rc = -1;
    if (!tids || !writers) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_free;
    }
    if (make_pool(&r, err) != 0)
        goto out_free;
    for (unsigned i = 0; i < p->nwriters; i++) {
        writers[i].r = &r;
        writers[i].index = i;
        if (!p->dry_run && sl_write_stage_open(&writers[i]) != 0) {
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
            goto out_free;
        }
    }
    int sig_started =
        sl_signals_start(&sigs, on_signal, &r, p->progress,
                         "sluice: second signal: exiting now; committed chunks are kept, "
                         "--resume continues\n",
                         SL_EXIT_INTERRUPTED) == 0;
    for (unsigned i = 0; i < p->nwriters; i++) {
        if (pthread_create(&tids[started], NULL,
                           p->dry_run ? sl_write_stage_dry_main : sl_write_stage_main,
                           &writers[i]) != 0)
            break;
        started++;
    }
    for (unsigned i = 0; started >= p->nwriters && i < p->nreaders; i++) {
        if (pthread_create(&tids[started], NULL, sl_read_stage_main, &r) != 0)
            break;
        started++;
    }
    if (started < nthreads || !sig_started) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "cannot start threads");
        sl_run_fail(&r, &e);
    }

    /* the main thread draws progress until every thread is done */
    pthread_mutex_lock(&r.mu);
    while (r.done < started) {
        sl_progress_wait(&r.done_cv, &r.mu, 200);
        pthread_mutex_unlock(&r.mu);
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
    if (writers) {
        for (unsigned i = 0; i < p->nwriters; i++)
            sl_chunk_writer_free(writers[i].cw);
    }
    if (r.pool) {
        for (size_t i = 0; i < r.npool; i++)
            sl_batch_free(r.pool[i]);
        free(r.pool);
        sl_queue_release(&r.full);
        sl_queue_release(&r.empty);
    }
    free(writers);
    free(tids);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.done_cv);
    return rc;
}
