/*
 * The write stage: each writer thread owns one connection and hands the
 * batches it pops to its chunk writer (sl_chunk_writer.h), committing a
 * chunk after --txn-rows rows. This file only tells the chunk writer what a
 * load's batches are: where their rows come from, their checkpoint jobs,
 * and where rejects and counts go.
 */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_pipeline_run.h"

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
static void locate(void *ctx, const struct sl_batch *b, const struct sl_writer_fault *f,
                   struct sl_err *e)
{
    struct writer *wr = ctx;
    const struct sl_pipeline_plan *p = wr->r->p;
    const char *path = p->sources->v[b->source].path;
    const char *col = f->col >= 0 ? p->target.cols[f->col] : NULL;
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

static void fail(void *ctx, const struct sl_err *e)
{
    struct writer *wr = ctx;
    sl_run_fail(wr->r, e);
}

static const struct sl_checkpoint_job *job_of(void *ctx, const struct sl_batch *b)
{
    struct writer *wr = ctx;
    const struct sl_pipeline_plan *p = wr->r->p;
    return p->jobs && p->jobs[b->source].hash ? &p->jobs[b->source] : NULL;
}

static void committed(void *ctx, struct sl_batch *const *held, size_t n, uint64_t written,
                      uint64_t ignored, uint64_t updated)
{
    (void)held;
    (void)n;
    struct writer *wr = ctx;
    struct sl_counters *c = wr->r->p->counters;
    atomic_fetch_add_explicit(&c->rows_written, written, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_ignored, ignored, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_updated, updated, memory_order_relaxed);
}

static void release(void *ctx, struct sl_batch *b, int was_committed)
{
    (void)was_committed;
    struct writer *wr = ctx;
    sl_run_give_back(wr->r, b);
}

static void note(void *ctx, const char *msg)
{
    struct writer *wr = ctx;
    sl_progress_printf(wr->r->p->progress, "%s", msg);
}

int sl_write_stage_open(struct writer *wr)
{
    struct run *r = wr->r;
    const struct sl_pipeline_plan *p = r->p;
    wr->cfg = (struct sl_chunk_config){
        .conn_opts = p->conn_opts,
        .stmt_rows = p->stmt_rows,
        .max_packet = p->max_packet,
        .max_held = r->max_held,
        .retries = p->retries,
        .retry_max_seconds = p->retry_max_seconds,
        .stop = &r->stop,
        .retry_count = &p->counters->retries,
        .index = wr->index,
    };
    wr->ops = (struct sl_chunk_ops){
        .ctx = wr,
        .fail = fail,
        .locate = locate,
        .on_reject = p->rejects ? on_reject : NULL,
        .job = job_of,
        .committed = committed,
        .release = release,
        .note = note,
    };
    if (sl_chunk_writer_new(&wr->cw, &wr->cfg, &wr->ops, &p->conns[wr->index]) != 0)
        return -1;
    sl_chunk_writer_target(wr->cw, &p->target, p->jobs ? p->target.schema : NULL);
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
            atomic_fetch_add_explicit(&r->p->counters->rows_written, sl_batch_good_rows(b),
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
    sl_conn_thread_begin();
    for (;;) {
        struct sl_batch *b = sl_queue_pop(&r->full);
        if (!b)
            break;
        if (atomic_load_explicit(&r->stop, memory_order_relaxed)) {
            sl_run_give_back(r, b);
            continue;
        }
        if (sl_chunk_writer_add(wr->cw, b) != 0)
            continue;
        if (sl_chunk_writer_rows(wr->cw) >= r->p->txn_rows ||
            sl_chunk_writer_held(wr->cw) == r->max_held)
            sl_chunk_writer_commit(wr->cw);
    }
    if (!atomic_load(&r->stop))
        sl_chunk_writer_commit(wr->cw);
    sl_chunk_writer_discard(wr->cw); /* the run failed: nothing uncommitted may stay */
    sl_conn_thread_end();
    sl_run_thread_done(r);
    return NULL;
}
