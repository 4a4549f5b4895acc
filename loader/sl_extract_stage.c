/*
 * The running part of an extract: worker threads read key ranges into
 * chunks; the calling thread writes the chunks to the output and draws
 * progress. See sl_extract_run.h for the shared state.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conn.h"
#include "sl_exit.h"
#include "sl_extract_run.h"
#include "sl_select.h"
#include "sl_signals.h"

void sl_xrun_stop(struct xrun *x)
{
    atomic_store(&x->stop, 1);
    sl_queue_close(&x->full);
    for (unsigned i = 0; i < x->nw; i++) {
        sl_queue_close(&x->w[i].free);
        sl_queue_close(&x->w[i].full);
    }
    pthread_mutex_lock(&x->mu);
    pthread_cond_broadcast(&x->claimed);
    pthread_mutex_unlock(&x->mu);
}

void sl_xrun_fail(struct xrun *x, const struct sl_err *e)
{
    pthread_mutex_lock(&x->mu);
    if (!x->failed) {
        x->failed = 1;
        x->err = *e;
    }
    pthread_mutex_unlock(&x->mu);
    sl_xrun_stop(x);
}

/* ---- workers ---- */

/* Builds the statement that reads range k into w->sql. */
static int range_sql(struct xworker *w, uint64_t k)
{
    struct xrun *x = w->x;
    struct sl_buf *s = &w->sql;
    sl_buf_reset(s);
    int rc = sl_buf_append(s, x->select.data, x->select.len);
    int by_range = x->ranged && !sl_key_ranges_whole(&x->ranges);
    if (rc == 0 && (x->cond.len > 0 || by_range))
        rc = sl_buf_puts(s, " WHERE ");
    if (rc == 0 && x->cond.len > 0)
        rc = sl_buf_printf(s, "(%.*s)%s", (int)x->cond.len, x->cond.data, by_range ? " AND " : "");
    if (rc == 0 && by_range)
        rc = sl_key_ranges_cond(&x->ranges, k, x->key.data, s);
    if (rc == 0)
        rc = sl_buf_append(s, x->order.data, x->order.len);
    return rc == 0 && sl_buf_cstr(s) ? 0 : -1;
}

/* Hands a chunk on to the output. Returns 0, or -1 when the run is
 * stopping. */
static int hand_on(struct xworker *w, struct xchunk *ch)
{
    struct sl_queue *q = w->x->ordered ? &w->full : &w->x->full;
    if (sl_queue_push(q, ch) != 0) {
        sl_queue_push(&w->free, ch); /* closed too; the pool owns it again */
        return -1;
    }
    return 0;
}

static struct xchunk *take_chunk(struct xworker *w, uint64_t k)
{
    struct xchunk *ch = sl_queue_pop(&w->free);
    if (ch) {
        sl_buf_reset(&ch->text);
        ch->nrows = 0;
        ch->range = k;
        ch->range_end = 0;
    }
    return ch;
}

/* Reads range k. Returns 0, or -1 (the run is stopping, or failed). */
static int read_range(struct xworker *w, uint64_t k)
{
    struct xrun *x = w->x;
    struct sl_err e;
    if (range_sql(w, k) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "out of memory");
        sl_xrun_fail(x, &e);
        return -1;
    }
    struct xchunk *ch = take_chunk(w, k);
    if (!ch)
        return -1;
    struct sl_select sel;
    if (sl_select_start(&sel, w->m, w->sql.data, x->c->binary_hex, x->as_float, &e) != 0) {
        sl_err_prefix(&e, "%s", x->c->query ? "--query" : "reading the table");
        sl_xrun_fail(x, &e);
        sl_queue_push(&w->free, ch);
        return -1;
    }
    atomic_store(&x->reading, 1);
    pthread_mutex_lock(&x->mu);
    if (!x->header_set) {
        x->header_set = 1;
        if (x->c->header && sl_select_header(&sel, &x->header) != 0)
            x->header_set = -1;
    }
    pthread_mutex_unlock(&x->mu);
    int rc;
    while ((rc = sl_select_next(&sel, &ch->text, &e)) == 1) {
        ch->ends[ch->nrows++] = ch->text.len;
        if (ch->nrows < XCHUNK_ROWS && ch->text.len < XCHUNK_TEXT)
            continue;
        atomic_fetch_add_explicit(&x->rows_read, ch->nrows, memory_order_relaxed);
        if (hand_on(w, ch) != 0 || !(ch = take_chunk(w, k))) {
            sl_select_end(&sel);
            return -1;
        }
    }
    sl_select_end(&sel);
    if (rc < 0) {
        sl_xrun_fail(x, &e);
        sl_queue_push(&w->free, ch);
        return -1;
    }
    atomic_fetch_add_explicit(&x->rows_read, ch->nrows, memory_order_relaxed);
    ch->range_end = 1;
    return hand_on(w, ch);
}

static void *worker_main(void *arg)
{
    struct xworker *w = arg;
    struct xrun *x = w->x;
    while (!atomic_load(&x->stop)) {
        uint64_t k = atomic_fetch_add(&x->next, 1);
        if (k >= x->nranges)
            break;
        if (x->ordered) {
            pthread_mutex_lock(&x->mu);
            x->owner[k] = w->idx + 1;
            pthread_cond_broadcast(&x->claimed);
            pthread_mutex_unlock(&x->mu);
        }
        if (read_range(w, k) != 0)
            break;
    }
    sl_queue_close(&w->full);
    if (atomic_fetch_sub(&x->workers_left, 1) == 1)
        sl_queue_close(&x->full);
    return NULL;
}

/* ---- the output ---- */

static void draw_progress(struct xrun *x)
{
    uint64_t text, file;
    sl_out_parts_bytes(&x->out, &text, &file);
    double secs = sl_now() - x->progress->start;
    char r1[32], rate[32], pct[32] = "";
    if (x->est_rows > 0) {
        double f = (double)x->out.rows / (double)x->est_rows;
        snprintf(pct, sizeof pct, "  ~%.0f%%", f > 1 ? 99.0 : f * 100);
    }
    sl_progress_line(
        x->progress, "%s rows, %.1f MB CSV, %.1f MB written, %s rows/s%s",
        sl_fmt_count(x->out.rows, r1, sizeof r1), (double)text / 1e6, (double)file / 1e6,
        sl_fmt_count(secs > 0 ? (uint64_t)(x->out.rows / secs) : 0, rate, sizeof rate), pct);
}

/* Writes one chunk and gives it back to its worker. */
static int write_chunk(struct xrun *x, struct xchunk *ch)
{
    struct sl_err e;
    int rc = 0;
    if (x->header_set < 0) {
        sl_err_set(&e, SL_ERR_FATAL, "the header does not fit its buffer");
        rc = -1;
    }
    if (rc == 0 && x->header.len > 0 && !x->out.header)
        sl_out_parts_set_header(&x->out, x->header.data, x->header.len);
    if (rc == 0)
        rc = sl_out_parts_write(&x->out, ch->text.data, ch->ends, ch->nrows, &e);
    sl_queue_push(&x->w[ch->owner].free, ch);
    if (rc != 0)
        sl_xrun_fail(x, &e);
    draw_progress(x);
    return rc;
}

/* Ranges in order: range k is read from the queue of the worker that took
 * it, up to its last chunk. */
static void write_ordered(struct xrun *x)
{
    for (uint64_t k = 0; k < x->nranges && !atomic_load(&x->stop); k++) {
        pthread_mutex_lock(&x->mu);
        while (x->owner[k] == 0 && !atomic_load(&x->stop))
            pthread_cond_wait(&x->claimed, &x->mu);
        unsigned owner = x->owner[k];
        pthread_mutex_unlock(&x->mu);
        if (owner == 0)
            return;
        for (;;) {
            struct xchunk *ch = sl_queue_pop(&x->w[owner - 1].full);
            if (!ch)
                return;
            int end = ch->range_end;
            if (write_chunk(x, ch) != 0 || end)
                break;
        }
    }
}

static void write_any(struct xrun *x)
{
    struct xchunk *ch;
    while ((ch = sl_queue_pop(&x->full)) != NULL)
        if (write_chunk(x, ch) != 0)
            break;
}

/* ---- the run ---- */

static void on_signal(void *ctx, int sig)
{
    struct xrun *x = ctx;
    atomic_store(&x->interrupted, 1);
    sl_progress_printf(x->progress, "sluice: %s: stopping; no output is kept\n",
                       sig == SIGINT ? "interrupted" : "terminated");
    sl_xrun_stop(x);
}

/* Stops the statements of workers that are still reading, so that they do
 * not read a large result to its end before they can stop. */
static void kill_reads(struct xrun *x)
{
    for (unsigned i = 0; i < x->nw; i++)
        sl_conn_kill_query(x->main, x->w[i].conn_id);
}

static int setup_pools(struct xrun *x)
{
    if (sl_queue_init(&x->full, (size_t)x->nw * XCHUNKS) != 0)
        return -1;
    for (unsigned i = 0; i < x->nw; i++) {
        struct xworker *w = &x->w[i];
        if (sl_queue_init(&w->free, XCHUNKS) != 0 || sl_queue_init(&w->full, XCHUNKS) != 0)
            return -1;
        for (unsigned j = 0; j < XCHUNKS; j++) {
            struct xchunk *ch = &w->chunks[j];
            /* room for any one record past the hand-on threshold */
            sl_buf_init(&ch->text, (size_t)1 << 31);
            ch->ends = malloc(XCHUNK_ROWS * sizeof *ch->ends);
            ch->owner = i;
            if (!ch->ends || sl_queue_push(&w->free, ch) != 0)
                return -1;
        }
    }
    return 0;
}

int sl_xrun_run(struct xrun *x)
{
    struct sl_err e;
    atomic_init(&x->next, 0);
    atomic_init(&x->workers_left, x->nw);
    if (setup_pools(x) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "out of memory");
        sl_xrun_fail(x, &e);
        return -1;
    }
    struct sl_signals sigs = {0};
    if (sl_signals_start(&sigs, on_signal, x, x->progress, "sluice: second signal: exiting now\n",
                         SL_EXIT_INTERRUPTED) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "cannot start the signal thread");
        sl_xrun_fail(x, &e);
        return -1;
    }
    unsigned started = 0;
    for (unsigned i = 0; i < x->nw; i++) {
        x->w[i].started = pthread_create(&x->w[i].tid, NULL, worker_main, &x->w[i]) == 0;
        if (!x->w[i].started) {
            sl_err_set(&e, SL_ERR_FATAL, "cannot start threads");
            sl_xrun_fail(x, &e);
            atomic_fetch_sub(&x->workers_left, x->nw - i);
            break;
        }
        started++;
    }
    if (started == 0)
        sl_queue_close(&x->full);
    if (x->ordered)
        write_ordered(x);
    else
        write_any(x);
    if (atomic_load(&x->stop))
        kill_reads(x);
    sl_xrun_stop(x); /* wakes workers still waiting for chunks */
    for (unsigned i = 0; i < x->nw; i++)
        if (x->w[i].started)
            pthread_join(x->w[i].tid, NULL);
    sl_signals_stop(&sigs);
    return x->failed || atomic_load(&x->interrupted) ? -1 : 0;
}
