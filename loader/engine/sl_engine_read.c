/*
 * The engine's reader threads: the port a source fills batches through,
 * the row stage on each row, ordered runs' claims of splits, and the
 * bookkeeping that tells a command when a split is complete.
 */
#include <stdlib.h>

#include "sl_engine_run.h"

/* ---- which splits are complete ---- */

/* With r->mu held: whether split k has just become complete (read, and
 * every batch of it handed on is done with). */
static int newly_complete(struct sl_erun *r, uint64_t k)
{
    struct sl_esplit *s = &r->splits[k];
    if (s->complete || !s->read || s->done < s->pushed)
        return 0;
    s->complete = 1;
    return 1;
}

static void tell_complete(struct sl_erun *r, uint64_t k)
{
    r->h->split_done(r->p->ctx, k, r->splits[k].dropped);
}

void sl_erun_pushed(struct sl_erun *r, const struct sl_batch *b, int delta)
{
    if (!r->splits || b->split >= r->p->nsplits)
        return;
    pthread_mutex_lock(&r->mu);
    r->splits[b->split].pushed += (uint64_t)(int64_t)delta;
    pthread_mutex_unlock(&r->mu);
}

void sl_erun_released(struct sl_erun *r, struct sl_batch *b, int committed)
{
    uint64_t k = b->split;
    int complete = 0;
    if (r->splits && k < r->p->nsplits) {
        pthread_mutex_lock(&r->mu);
        r->splits[k].done++;
        r->splits[k].dropped += !committed;
        complete = newly_complete(r, k);
        pthread_mutex_unlock(&r->mu);
    }
    sl_erun_give_back(r, b);
    if (complete)
        tell_complete(r, k);
}

/* The reader is done with split k: it read it, or its unit failed. A split
 * left unread by a stopping run is never complete. */
static void split_read(struct sl_erun *r, uint64_t k)
{
    if (!r->splits || k >= r->p->nsplits)
        return;
    pthread_mutex_lock(&r->mu);
    r->splits[k].read = 1;
    int complete = newly_complete(r, k);
    pthread_mutex_unlock(&r->mu);
    if (complete)
        tell_complete(r, k);
}

/* ---- the source's port ---- */

static struct sl_batch *port_take(void *ctx)
{
    struct sl_ereader *rd = ctx;
    struct sl_erun *r = rd->r;
    struct sl_batch *b = sl_queue_pop(r->rempty ? &r->rempty[rd->index] : &r->empty);
    if (b)
        b->split = rd->split;
    return b;
}

static int port_hand_on(void *ctx, struct sl_batch *b)
{
    struct sl_ereader *rd = ctx;
    struct sl_erun *r = rd->r;
    if (atomic_load(&r->stop)) { /* failed: nothing more is written */
        sl_erun_give_back(r, b);
        return -1;
    }
    if (b->nrows == 0 && (!r->p->keep_empty || b->end == b->start)) {
        sl_erun_give_back(r, b);
        return 0;
    }
    struct sl_err e;
    const struct sl_sink_ops *sink = r->p->sink_ops;
    if (sink->encode && sink->encode(r->p->sink, b, &e) != 0) {
        sl_erun_give_back(r, b);
        sl_erun_fail(r, &e);
        return -1;
    }
    sl_erun_pushed(r, b, 1);
    if (rd->w) {
        sl_erun_write(r, rd->index, rd->w, b);
        return atomic_load(&r->stop) ? -1 : 0;
    }
    if (sl_queue_push(r->rfull ? &r->rfull[rd->index] : &r->full, b) != 0) {
        sl_erun_pushed(r, b, -1); /* stopping: the pool owns it again */
        return -1;
    }
    return 0;
}

static void port_give_back(void *ctx, struct sl_batch *b)
{
    sl_erun_give_back(((struct sl_ereader *)ctx)->r, b);
}

static int port_row(void *ctx, struct sl_batch *b)
{
    struct sl_ereader *rd = ctx;
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
    return sl_erun_bad_row(((struct sl_ereader *)ctx)->r, br);
}

static void port_count(void *ctx, uint64_t rows, uint64_t raw_bytes, uint64_t data_bytes)
{
    struct sl_counters *c = ((struct sl_ereader *)ctx)->r->p->counters;
    atomic_fetch_add_explicit(&c->raw_bytes, raw_bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->data_bytes, data_bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_read, rows, memory_order_relaxed);
}

static int port_stopping(void *ctx)
{
    struct sl_erun *r = ((struct sl_ereader *)ctx)->r;
    return atomic_load_explicit(&r->stop, memory_order_relaxed) ||
           atomic_load_explicit(&r->interrupted, memory_order_relaxed);
}

static void port_fail(void *ctx, const struct sl_err *e)
{
    sl_erun_fail(((struct sl_ereader *)ctx)->r, e);
}

static int port_fail_unit(void *ctx, size_t unit, const struct sl_err *e)
{
    struct sl_ereader *rd = ctx;
    struct sl_unit_fault f = {.unit = unit, .split = rd->split};
    return sl_erun_fail_unit(rd->r, &f, e);
}

static void port_note(void *ctx, const char *msg)
{
    sl_progress_printf(((struct sl_ereader *)ctx)->r->p->progress, "%s", msg);
}

void sl_erun_init_reader(struct sl_erun *r, struct sl_ereader *rd, unsigned index)
{
    rd->r = r;
    rd->index = index;
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
        .fail_unit = port_fail_unit,
        .note = port_note,
        .keep_empty = r->p->keep_empty,
    };
}

/* ---- ordered runs ---- */

/* Tells the writer that this reader reads split k. */
static int claim(struct sl_ereader *rd, uint64_t k)
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

/* Marks the end of the split just read, after its last batch. */
static int end_split(struct sl_ereader *rd)
{
    struct sl_erun *r = rd->r;
    struct sl_batch *b = sl_queue_pop(&r->rempty[rd->index]);
    if (!b)
        return -1;
    b->split_end = 1;
    return sl_queue_push(&r->rfull[rd->index], b);
}

/* ---- the threads ---- */

void sl_erun_read_all(struct sl_ereader *rd)
{
    struct sl_erun *r = rd->r;
    const struct sl_engine_plan *p = r->p;
    void *sr = NULL;
    struct sl_err e;
    const struct sl_source_ops *ops = p->source_ops;
    if (!ops->reader_open)
        sr = p->source;
    else if (ops->reader_open(p->source, rd->index, &sr, &e) != 0)
        sr = NULL;
    if (!sr) {
        sl_erun_fail(r, &e);
    } else {
        uint64_t split;
        while (!port_stopping(rd) && ops->next_split(p->source, &split)) {
            rd->split = split;
            if (r->owner && claim(rd, split) != 0)
                break;
            int skip = r->h->split_begin && r->h->split_begin(p->ctx, split);
            int rc = skip ? 0 : ops->read_split(sr, split, &rd->port);
            if (rc >= 0) /* read, or its unit failed: done with */
                split_read(r, split);
            if (rc != 0)
                break;
            if (r->owner && end_split(rd) != 0)
                break;
        }
        if (ops->reader_close)
            ops->reader_close(sr);
    }
    if (atomic_fetch_sub(&r->readers_left, 1) == 1) {
        sl_queue_close(&r->full); /* the last reader lets the writers drain */
        pthread_mutex_lock(&r->mu);
        pthread_cond_broadcast(&r->claimed);
        pthread_mutex_unlock(&r->mu);
    }
}

void *sl_erun_reader_main(void *arg)
{
    struct sl_ereader *rd = arg;
    sl_erun_read_all(rd);
    sl_erun_thread_done(rd->r);
    return NULL;
}
