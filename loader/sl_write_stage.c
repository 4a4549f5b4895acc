/*
 * The write stage: each writer thread owns one connection and inserts the
 * batches it pops, holding a chunk's batches until its COMMIT succeeds. A
 * transient error rolls back, backs off, reconnects if needed and replays
 * the chunk; rows the server refuses or changes are rejected (under
 * --on-error skip); each batch's checkpoint is written in the chunk's own
 * transaction, and a COMMIT lost with its connection is settled by looking
 * for it.
 */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_errno.h"
#include "sl_pipeline_run.h"

/* Backoff between retries: 0.25 s doubling up to 8 s, times 0.5..1.5. */
#define BACKOFF_FIRST 0.25
#define BACKOFF_MAX   8.0

struct retry {
    unsigned attempts;
    double first;
};

static uint64_t good_rows(const struct sl_batch *b)
{
    uint64_t n = 0;
    for (size_t i = 0; i < b->nrows; i++)
        n += !b->pos[i].rejected;
    return n;
}

static void release_held(struct writer *wr)
{
    for (size_t i = 0; i < wr->nheld; i++)
        sl_run_give_back(wr->r, wr->held[i]);
    wr->nheld = 0;
}

/* A row the server refused or changed, under --on-error skip. */
static int on_reject(void *ctx, const struct sl_batch *b, size_t row, long col,
                     const struct sl_err *why)
{
    struct writer *wr = ctx;
    const struct sl_pipeline_plan *p = wr->r->p;
    const struct sl_row_pos *pos = &b->pos[row];
    return sl_run_reject(wr->r, p->sources->v[b->source].path, pos->line, pos->offset,
                         col >= 0 ? p->target.cols[col] : NULL, why->msg,
                         b->arena.data + pos->raw_off, pos->raw_len) != 0;
}

/* Adds the input position of a failed write to the server's message. */
static void locate(struct run *r, const struct sl_batch *b, const struct sl_writer_fault *f,
                   struct sl_err *e)
{
    const char *path = r->p->sources->v[b->source].path;
    const char *col = f->col >= 0 ? r->p->target.cols[f->col] : NULL;
    if (b->nrows == 0)
        return;
    if (f->row >= 0) {
        char colpart[300] = "";
        if (col)
            snprintf(colpart, sizeof colpart, ", column '%s'", col);
        sl_err_prefix(e, "%s: line %llu%s", path, (unsigned long long)b->pos[f->row].line, colpart);
    } else {
        sl_err_prefix(
            e, "%s: lines %llu-%llu%s%s", path, (unsigned long long)b->pos[f->first_row].line,
            (unsigned long long)b->pos[f->last_row].line, col ? ", column " : "", col ? col : "");
    }
}

static void close_conn(struct writer *wr)
{
    const struct sl_pipeline_plan *p = wr->r->p;
    sl_checkpoint_writer_close(wr->cw);
    sl_writer_close(wr->w);
    wr->cw = NULL;
    wr->w = NULL;
    if (p->conns[wr->index])
        mysql_close(p->conns[wr->index]);
    p->conns[wr->index] = NULL;
}

/* Prepares the writer's statements on its connection. */
int sl_write_stage_open(struct writer *wr, struct sl_err *e)
{
    const struct sl_pipeline_plan *p = wr->r->p;
    MYSQL *m = p->conns[wr->index];
    if (sl_writer_open(&wr->w, m, &p->target, p->stmt_rows, p->max_packet, e) != 0)
        return -1;
    if (p->jobs && sl_checkpoint_writer_open(&wr->cw, m, p->target.schema, e) != 0)
        return -1;
    return 0;
}

/* Sleeps s seconds, waking early if the run fails. */
static void pause_for(struct run *r, double s)
{
    while (s > 0 && !atomic_load(&r->stop)) {
        double step = s < 0.1 ? s : 0.1;
        struct timespec ts = {0, (long)(step * 1e9)};
        nanosleep(&ts, NULL);
        s -= step;
    }
}

/* After a transient error e: backs off, rolls back (reconnecting when the
 * connection is gone) so that the chunk can be written again. Returns 0, or
 * -1 once the retries are used up (the run has then failed). */
static int recover(struct writer *wr, struct retry *rt, const struct sl_err *cause)
{
    struct run *r = wr->r;
    const struct sl_pipeline_plan *p = r->p;
    struct sl_err e = *cause;
    if (rt->attempts == 0)
        rt->first = sl_now();
    for (;;) {
        rt->attempts++;
        double spent = sl_now() - rt->first;
        if (rt->attempts > p->retries || spent > p->retry_max_seconds) {
            struct sl_err f;
            sl_err_set(&f, SL_ERR_FATAL, "giving up after %u retries in %.0f s: %s",
                       rt->attempts - 1, spent, e.msg);
            sl_run_fail(r, &f);
            return -1;
        }
        double delay = BACKOFF_FIRST * (double)(1u << (rt->attempts < 6 ? rt->attempts - 1 : 5));
        if (delay > BACKOFF_MAX)
            delay = BACKOFF_MAX;
        delay *= 0.5 + (double)rand_r(&wr->seed) / RAND_MAX;
        sl_progress_printf(p->progress, "sluice: writer %u: %s; retry %u of %u in %.1f s\n",
                           wr->index + 1, e.msg, rt->attempts, p->retries, delay);
        atomic_fetch_add_explicit(&p->counters->retries, 1, memory_order_relaxed);
        pause_for(r, delay);
        if (atomic_load(&r->stop))
            return -1;
        /* a deadlock or lock wait leaves the connection usable */
        int alive = !sl_errno_conn_gone(e.server_errno) && e.server_errno != 0 && wr->w &&
                    sl_writer_rollback(wr->w, &e) == 0;
        if (alive)
            return 0;
        close_conn(wr);
        if (sl_conn_open(&p->conns[wr->index], p->conn_opts, &e) != 0) {
            p->conns[wr->index] = NULL;
            if (e.kind == SL_ERR_RETRYABLE)
                continue;
            sl_run_fail(r, &e);
            return -1;
        }
        if (sl_write_stage_open(wr, &e) != 0) {
            if (e.kind == SL_ERR_RETRYABLE)
                continue;
            sl_run_fail(r, &e);
            return -1;
        }
        return 0;
    }
}

/* Writes held[from..nheld) into the open transaction; a transient error or
 * rows the server changed make it roll back and write the whole chunk again.
 * Returns 0, or -1 when the run has failed. */
static int write_held(struct writer *wr, size_t from, struct retry *rt)
{
    struct run *r = wr->r;
    const struct sl_pipeline_plan *p = r->p;
    struct sl_err e;
    size_t i = from;
    while (i < wr->nheld) {
        struct sl_writer_fault fault;
        int rc = sl_writer_write(wr->w, wr->held[i], p->rejects ? on_reject : NULL, wr, &fault, &e);
        if (rc == 0) {
            i++;
            continue;
        }
        if (atomic_load(&r->stop))
            return -1;
        if (rc == SL_WRITE_REPLAY) {
            if (sl_writer_rollback(wr->w, &e) != 0 && recover(wr, rt, &e) != 0)
                return -1;
            i = 0;
            continue;
        }
        if (e.kind == SL_ERR_RETRYABLE) {
            if (recover(wr, rt, &e) != 0)
                return -1;
            i = 0;
            continue;
        }
        locate(r, wr->held[i], &fault, &e);
        sl_run_fail(r, &e);
        return -1;
    }
    return 0;
}

/* Was the held chunk committed before its connection was lost? 1, 0, or -1
 * when that cannot be known (no checkpoint covers it). */
static int chunk_committed(struct writer *wr, struct sl_err *e)
{
    const struct sl_pipeline_plan *p = wr->r->p;
    for (size_t i = 0; i < wr->nheld; i++) {
        const struct sl_batch *b = wr->held[i];
        if (p->jobs && p->jobs[b->source].hash)
            return sl_checkpoint_exists(p->conns[wr->index], p->target.schema,
                                        p->jobs[b->source].hash, b->start, e);
    }
    return -1;
}

/* Records the chunk's checkpoints and commits it, retrying as needed.
 * Returns 0, or -1 when the run has failed. */
static int commit_chunk(struct writer *wr)
{
    struct run *r = wr->r;
    const struct sl_pipeline_plan *p = r->p;
    struct retry rt = {0, 0};
    struct sl_err e;
    uint64_t ignored = 0, updated = 0;
    while (wr->nheld > 0) {
        int rc = 0, in_commit = 0;
        for (size_t i = 0; rc == 0 && p->jobs && i < wr->nheld; i++) {
            const struct sl_batch *b = wr->held[i];
            const struct sl_checkpoint_job *job = &p->jobs[b->source];
            if (job->hash)
                rc = sl_checkpoint_record(wr->cw, job, b->start, b->end, good_rows(b), &e);
        }
        if (rc == 0) {
            in_commit = 1;
            ignored = sl_writer_ignored(wr->w);
            updated = sl_writer_updated(wr->w);
            rc = sl_writer_commit(wr->w, &e);
        }
        if (rc == 0)
            break;
        if (e.kind != SL_ERR_RETRYABLE) {
            sl_run_fail(r, &e);
            return -1;
        }
        if (recover(wr, &rt, &e) != 0)
            return -1;
        if (in_commit) { /* did that COMMIT happen before the connection went? */
            int done = chunk_committed(wr, &e);
            if (done == 1)
                break;
            if (done < 0) {
                struct sl_err f;
                sl_err_set(&f, SL_ERR_FATAL,
                           "the connection was lost during COMMIT and, without checkpoints, "
                           "whether that chunk was committed cannot be known: %s",
                           e.msg);
                sl_run_fail(r, &f);
                return -1;
            }
        }
        if (write_held(wr, 0, &rt) != 0)
            return -1;
    }
    uint64_t rows = 0;
    for (size_t i = 0; i < wr->nheld; i++)
        rows += good_rows(wr->held[i]);
    atomic_fetch_add_explicit(&p->counters->rows_written, rows - ignored, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->counters->rows_ignored, ignored, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->counters->rows_updated, updated, memory_order_relaxed);
    release_held(wr);
    return 0;
}

void *sl_write_stage_dry_main(void *arg)
{
    struct writer *wr = arg;
    struct run *r = wr->r;
    for (;;) {
        struct sl_batch *b = sl_queue_pop(&r->full);
        if (!b)
            break;
        if (!atomic_load_explicit(&r->stop, memory_order_relaxed))
            atomic_fetch_add_explicit(&r->p->counters->rows_written, good_rows(b),
                                      memory_order_relaxed);
        sl_run_give_back(r, b);
    }
    sl_run_thread_done(r);
    return NULL;
}

void *sl_write_stage_main(void *arg)
{
    struct writer *wr = arg;
    struct run *r = wr->r;
    mysql_thread_init(); /* a no-op in Connector/C, required by libmysqlclient */
    uint64_t chunk_rows = 0;
    for (;;) {
        struct sl_batch *b = sl_queue_pop(&r->full);
        if (!b)
            break;
        if (atomic_load_explicit(&r->stop, memory_order_relaxed)) {
            sl_run_give_back(r, b);
            continue;
        }
        wr->held[wr->nheld++] = b;
        chunk_rows += b->nrows;
        struct retry rt = {0, 0};
        if (write_held(wr, wr->nheld - 1, &rt) != 0)
            continue;
        if (chunk_rows >= r->p->txn_rows || wr->nheld == r->max_held) {
            commit_chunk(wr);
            chunk_rows = 0;
        }
    }
    if (!atomic_load(&r->stop))
        commit_chunk(wr);
    if (atomic_load(&r->stop)) { /* the run failed: nothing uncommitted may stay */
        struct sl_err ignored;
        if (wr->w)
            sl_writer_rollback(wr->w, &ignored);
        release_held(wr);
    }
    mysql_thread_end();
    sl_run_thread_done(r);
    return NULL;
}
