/*
 * The MySQL sink: tells each writer's chunk writer what the engine's port
 * wants to hear. See sl_mysql_sink.h.
 */
#include "sl_mysql_sink.h"

#include <stdlib.h>

#include "sl_chunk_writer.h"
#include "sl_load_data.h"

struct writer {
    struct sl_mysql_sink *s;
    const struct sl_sink_port *port;
    struct sl_chunk_config cfg;
    struct sl_chunk_ops ops;
    struct sl_chunk_writer *cw;
    unsigned index;
    long unit; /* the unit of the open chunk's batches, or -1 */
};

static int on_reject(void *ctx, const struct sl_batch *b, size_t row, long col,
                     const struct sl_err *why)
{
    struct writer *w = ctx;
    return w->port->reject(w->port->ctx, b, row, col, why);
}

static void locate(void *ctx, const struct sl_batch *b, const struct sl_writer_fault *f,
                   struct sl_err *e)
{
    struct writer *w = ctx;
    w->port->locate(w->port->ctx, b, f->row, f->first_row, f->last_row, f->col, e);
}

static void fail(void *ctx, const struct sl_err *e)
{
    struct writer *w = ctx;
    w->port->fail(w->port->ctx, w->unit, e);
}

static const struct sl_checkpoint_job *job_of(void *ctx, const struct sl_batch *b)
{
    struct writer *w = ctx;
    const struct sl_checkpoint_job *jobs = w->s->jobs;
    return jobs && jobs[b->source].hash ? &jobs[b->source] : NULL;
}

static void committed(void *ctx, struct sl_batch *const *held, size_t n, uint64_t written,
                      uint64_t ignored, uint64_t updated)
{
    struct writer *w = ctx;
    w->port->committed(w->port->ctx, held, n, written, ignored, updated);
}

static void release(void *ctx, struct sl_batch *b, int was_committed)
{
    struct writer *w = ctx;
    w->port->release(w->port->ctx, b, was_committed);
}

static void note(void *ctx, const char *msg)
{
    struct writer *w = ctx;
    w->port->note(w->port->ctx, msg);
}

static int writer_open(void *sink, unsigned index, const struct sl_sink_port *port, void **out,
                       struct sl_err *err)
{
    struct sl_mysql_sink *s = sink;
    struct writer *w = calloc(1, sizeof *w);
    if (!w)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    w->s = s;
    w->port = port;
    w->index = index;
    w->unit = -1;
    w->cfg = (struct sl_chunk_config){
        .conn_opts = s->conn_opts,
        .session_sql = s->session_sql,
        .method = s->method,
        .stmt_rows = s->stmt_rows,
        .max_packet = s->max_packet,
        .max_held = port->max_held,
        .retries = s->retries,
        .retry_max_seconds = s->retry_max_seconds,
        .stop = port->stop,
        .retry_count = port->retry_count,
        .index = index,
        .host_rows = s->host_rows,
        .first_host = s->conn_hosts ? s->conn_hosts[index] : 0,
    };
    w->ops = (struct sl_chunk_ops){
        .ctx = w,
        .fail = fail,
        .locate = locate,
        .on_reject = port->reject ? on_reject : NULL,
        .job = job_of,
        .committed = committed,
        .release = release,
        .note = note,
    };
    if (sl_chunk_writer_new(&w->cw, &w->cfg, &w->ops, &s->conns[index]) != 0) {
        free(w);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    if (!s->units)
        sl_chunk_writer_target(w->cw, s->writer_targets ? &s->writer_targets[index] : s->target,
                               s->ckpt_db);
    sl_conn_thread_begin();
    *out = w;
    return 0;
}

/* On the reader's thread, for --method load-data: each row's line of the
 * LOAD DATA stream in b->enc (enc_end per batch row; a rejected row's line
 * is empty), so that the writer sends the batch without formatting it. */
static int encode(void *sink, struct sl_batch *b, struct sl_err *err)
{
    const struct sl_mysql_sink *s = sink;
    b->nenc = 0;
    if (s->method != SL_METHOD_LOAD_DATA)
        return 0;
    const struct sl_insert_target *t = s->units            ? s->units[b->source].target
                                       : s->writer_targets ? &s->writer_targets[0]
                                                           : s->target;
    if (sl_batch_enc_reserve(b) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_reset(&b->enc);
    for (size_t r = 0; r < b->nrows; r++) {
        if (!b->pos[r].rejected && sl_load_data_row(&b->enc, b, r, t->kinds, t->ncols) != 0) {
            b->nenc = 0;
            return sl_err_set(err, SL_ERR_FATAL, "a batch's rows do not fit its stream buffer");
        }
        b->enc_end[r] = b->enc.len;
    }
    b->nenc = b->nrows;
    return 0;
}

static int write_batch(void *writer, struct sl_batch *b)
{
    struct writer *w = writer;
    const struct sl_mysql_sink *s = w->s;
    if (s->units && w->unit != (long)b->source) {
        /* the open chunk is another unit's: it is committed (and a failure
         * named) under that unit before the target changes */
        sl_chunk_writer_commit(w->cw);
        w->unit = (long)b->source;
        const struct sl_mysql_sink_unit *u = &s->units[b->source];
        sl_chunk_writer_target(w->cw, u->target, u->ckpt_db);
    } else {
        w->unit = (long)b->source;
    }
    return sl_chunk_writer_add(w->cw, b);
}

static int commit(void *writer)
{
    struct writer *w = writer;
    return sl_chunk_writer_commit(w->cw);
}

static void rollback(void *writer)
{
    struct writer *w = writer;
    sl_chunk_writer_discard(w->cw);
}

static void pending(void *writer, uint64_t *rows, size_t *batches, size_t *bytes)
{
    struct writer *w = writer;
    *rows = sl_chunk_writer_rows(w->cw);
    *batches = sl_chunk_writer_held(w->cw);
    *bytes = sl_chunk_writer_bytes(w->cw);
}

static void writer_close(void *writer)
{
    struct writer *w = writer;
    if (!w)
        return;
    sl_chunk_writer_free(w->cw);
    sl_conn_thread_end();
    free(w);
}

const struct sl_sink_ops sl_mysql_sink_ops = {
    .name = "mysql",
    .caps = SL_SINK_PER_THREAD | SL_SINK_TXN | SL_SINK_CHECKPOINTS,
    .writer_open = writer_open,
    .encode = encode,
    .write = write_batch,
    .commit = commit,
    .rollback = rollback,
    .pending = pending,
    .writer_close = writer_close,
};
