/*
 * The chunk writer: batches into one connection's transactions, with
 * retries, replays, rejects and checkpoints (see sl_chunk_writer.h).
 */
#include "sl_chunk_writer.h"

#include <stdio.h>
#include <stdlib.h>

#include "sl_backoff.h"
#include "sl_errno.h"

struct sl_chunk_writer {
    const struct sl_chunk_config *cfg;
    const struct sl_chunk_ops *ops;
    MYSQL **conn;
    const struct sl_insert_target *target;
    const char *ckpt_db;
    struct sl_writer *w;              /* target's INSERT on *conn, or NULL */
    struct sl_checkpoint_writer *ckw; /* ckpt_db's, or NULL */
    struct sl_batch **held;           /* the open chunk's batches */
    size_t nheld;
    uint64_t rows;
    size_t bytes;        /* value bytes held */
    unsigned host;       /* the host of a cluster URL the connection went to */
    unsigned reconnects; /* connections opened: each starts one host further on */
};

static int stopping(const struct sl_chunk_writer *cw)
{
    return atomic_load(cw->cfg->stop) != 0;
}

int sl_chunk_writer_new(struct sl_chunk_writer **out, const struct sl_chunk_config *cfg,
                        const struct sl_chunk_ops *ops, MYSQL **conn)
{
    *out = NULL;
    struct sl_chunk_writer *cw = calloc(1, sizeof *cw);
    if (!cw)
        return -1;
    cw->held = calloc(cfg->max_held ? cfg->max_held : 1, sizeof *cw->held);
    if (!cw->held) {
        free(cw);
        return -1;
    }
    cw->cfg = cfg;
    cw->ops = ops;
    cw->conn = conn;
    cw->host = cfg->first_host;
    cw->reconnects = 1; /* the next connection starts one host further on */
    *out = cw;
    return 0;
}

static void close_stmts(struct sl_chunk_writer *cw)
{
    sl_checkpoint_writer_close(cw->ckw);
    sl_writer_close(cw->w);
    cw->ckw = NULL;
    cw->w = NULL;
}

/* Connects if need be and prepares the target's statements. */
static int open_stmts(struct sl_chunk_writer *cw, struct sl_err *e)
{
    const struct sl_chunk_config *cfg = cw->cfg;
    if (!*cw->conn) {
        if (sl_conn_open_at(cw->conn, cfg->conn_opts, cfg->index + cw->reconnects++, &cw->host,
                            e) != 0) {
            *cw->conn = NULL;
            return -1;
        }
        if (cfg->session_sql && sl_conn_exec(*cw->conn, cfg->session_sql, e) != 0)
            return -1;
    }
    if (!cw->w && sl_writer_open(&cw->w, *cw->conn, cw->target, cfg->method, cfg->stmt_rows,
                                 cfg->max_packet, e) != 0)
        return -1;
    if (cw->ckpt_db && !cw->ckw &&
        sl_checkpoint_writer_open(&cw->ckw, *cw->conn, cw->ckpt_db, e) != 0)
        return -1;
    return 0;
}

static void drop_conn(struct sl_chunk_writer *cw)
{
    close_stmts(cw);
    if (*cw->conn)
        mysql_close(*cw->conn);
    *cw->conn = NULL;
}

static void release_held(struct sl_chunk_writer *cw, int committed)
{
    for (size_t i = 0; i < cw->nheld; i++)
        cw->ops->release(cw->ops->ctx, cw->held[i], committed);
    cw->nheld = 0;
    cw->rows = 0;
    cw->bytes = 0;
}

void sl_chunk_writer_discard(struct sl_chunk_writer *cw)
{
    if (cw->nheld > 0 && cw->w) {
        struct sl_err ignored;
        if (sl_writer_rollback(cw->w, &ignored) != 0)
            drop_conn(cw); /* a connection that cannot roll back is no use */
    }
    release_held(cw, 0);
}

/* Tells the caller of e and drops the chunk. Returns -1. */
static int fail(struct sl_chunk_writer *cw, const struct sl_err *e)
{
    if (!stopping(cw))
        cw->ops->fail(cw->ops->ctx, e);
    sl_chunk_writer_discard(cw);
    return -1;
}

/* Starts the retries of one write or commit. */
static void retries_begin(const struct sl_chunk_writer *cw, struct sl_backoff *rt)
{
    const struct sl_chunk_config *cfg = cw->cfg;
    sl_backoff_init(rt, cfg->retries, cfg->retry_max_seconds, cfg->stop, cfg->index + 1);
}

/* After a transient error: backs off and rolls back, reconnecting when the
 * connection is gone, so that the chunk can be written again. Returns 0, or
 * -1 once the retries are used up (the chunk is then dropped). */
static int recover(struct sl_chunk_writer *cw, struct sl_backoff *rt, const struct sl_err *cause)
{
    const struct sl_chunk_config *cfg = cw->cfg;
    struct sl_err e = *cause;
    for (;;) {
        double delay = sl_backoff_next(rt);
        if (delay < 0) {
            struct sl_err f;
            sl_err_set(&f, SL_ERR_FATAL, "giving up after %u retries in %.0f s: %s",
                       rt->attempts - 1, sl_backoff_spent(rt), e.msg);
            return fail(cw, &f);
        }
        if (cw->ops->note) {
            char msg[SL_ERR_MSG_MAX + 80];
            snprintf(msg, sizeof msg, "sluice: writer %u: %s; retry %u of %u in %.1f s\n",
                     cfg->index + 1, e.msg, rt->attempts, cfg->retries, delay);
            cw->ops->note(cw->ops->ctx, msg);
        }
        if (cfg->retry_count)
            atomic_fetch_add_explicit(cfg->retry_count, 1, memory_order_relaxed);
        if (sl_backoff_pause(rt, delay) != 0) {
            sl_chunk_writer_discard(cw);
            return -1;
        }
        /* a deadlock or lock wait leaves the connection usable */
        int alive = !sl_errno_conn_gone(e.server_errno) && e.server_errno != 0 && cw->w &&
                    sl_writer_rollback(cw->w, &e) == 0;
        if (alive)
            return 0;
        drop_conn(cw);
        if (open_stmts(cw, &e) == 0)
            return 0;
        if (e.kind != SL_ERR_RETRYABLE)
            return fail(cw, &e);
    }
}

/* Writes held[from..nheld) into the open transaction; a transient error or
 * rows the server changed make it roll back and write the whole chunk again.
 * Returns 0, or -1 when the chunk was dropped. */
static int write_held(struct sl_chunk_writer *cw, size_t from, struct sl_backoff *rt)
{
    const struct sl_chunk_ops *ops = cw->ops;
    struct sl_err e;
    size_t i = from;
    while (i < cw->nheld) {
        if (stopping(cw)) {
            sl_chunk_writer_discard(cw);
            return -1;
        }
        struct sl_writer_fault fault = {.row = -1, .col = -1};
        int opened = open_stmts(cw, &e) == 0;
        int rc =
            opened ? sl_writer_write(cw->w, cw->held[i], ops->on_reject, ops->ctx, &fault, &e) : -1;
        if (rc == 0) {
            i++;
            continue;
        }
        if (rc == SL_WRITE_REPLAY && !ops->on_reject)
            rc = sl_err_set(&e, SL_ERR_FATAL, "the target server changed a value it warned about");
        if (rc == SL_WRITE_REPLAY || rc == SL_WRITE_AGAIN) {
            if (sl_writer_rollback(cw->w, &e) != 0 && recover(cw, rt, &e) != 0)
                return -1;
            i = 0;
            continue;
        }
        if (e.kind == SL_ERR_RETRYABLE && !stopping(cw)) {
            if (recover(cw, rt, &e) != 0)
                return -1;
            i = 0;
            continue;
        }
        if (opened && ops->locate)
            ops->locate(ops->ctx, cw->held[i], &fault, &e);
        return fail(cw, &e);
    }
    return 0;
}

int sl_chunk_writer_target(struct sl_chunk_writer *cw, const struct sl_insert_target *t,
                           const char *ckpt_db)
{
    if (cw->target == t && cw->ckpt_db == ckpt_db)
        return 0;
    int rc = sl_chunk_writer_commit(cw);
    close_stmts(cw);
    cw->target = t;
    cw->ckpt_db = ckpt_db;
    return rc;
}

int sl_chunk_writer_add(struct sl_chunk_writer *cw, struct sl_batch *b)
{
    cw->held[cw->nheld++] = b;
    cw->rows += b->nrows;
    cw->bytes += b->arena.len;
    struct sl_backoff rt;
    retries_begin(cw, &rt);
    return write_held(cw, cw->nheld - 1, &rt);
}

/* Was the held chunk committed before its connection was lost? 1, 0, or -1
 * when that cannot be known (no checkpoint covers it). */
static int chunk_committed(struct sl_chunk_writer *cw, struct sl_err *e)
{
    for (size_t i = 0; cw->ckpt_db && cw->ops->job && i < cw->nheld; i++) {
        const struct sl_batch *b = cw->held[i];
        const struct sl_checkpoint_job *job = cw->ops->job(cw->ops->ctx, b);
        if (job)
            return sl_checkpoint_exists(*cw->conn, cw->ckpt_db, job->hash, b->start, e);
    }
    return -1;
}

/* Records the checkpoints of the held batches in the open transaction. */
static int record_checkpoints(struct sl_chunk_writer *cw, struct sl_err *e)
{
    for (size_t i = 0; cw->ckpt_db && cw->ops->job && i < cw->nheld; i++) {
        const struct sl_batch *b = cw->held[i];
        const struct sl_checkpoint_job *job = cw->ops->job(cw->ops->ctx, b);
        if (job &&
            sl_checkpoint_record(cw->ckw, job, b->start, b->end, sl_batch_good_rows(b), e) != 0)
            return -1;
    }
    return 0;
}

int sl_chunk_writer_commit(struct sl_chunk_writer *cw)
{
    struct sl_backoff rt;
    retries_begin(cw, &rt);
    struct sl_err e;
    uint64_t ignored = 0, updated = 0;
    while (cw->nheld > 0) {
        if (stopping(cw)) {
            sl_chunk_writer_discard(cw);
            return -1;
        }
        int in_commit = 0;
        int rc = cw->w ? 0 : sl_err_set(&e, SL_ERR_RETRYABLE, "no open connection");
        if (rc == 0)
            rc = record_checkpoints(cw, &e);
        if (rc == 0) {
            in_commit = 1;
            ignored = sl_writer_ignored(cw->w);
            updated = sl_writer_updated(cw->w);
            rc = sl_writer_commit(cw->w, &e);
        }
        if (rc == 0)
            break;
        if (e.kind != SL_ERR_RETRYABLE)
            return fail(cw, &e);
        if (recover(cw, &rt, &e) != 0)
            return -1;
        if (in_commit) { /* did that COMMIT happen before the connection went? */
            int done = chunk_committed(cw, &e);
            if (done == 1)
                break;
            if (done < 0) {
                struct sl_err f;
                sl_err_set(&f, SL_ERR_FATAL,
                           "the connection was lost during COMMIT and, without checkpoints, "
                           "whether that chunk was committed cannot be known: %s",
                           e.msg);
                return fail(cw, &f);
            }
        }
        if (write_held(cw, 0, &rt) != 0)
            return -1;
    }
    if (cw->nheld == 0)
        return 0;
    uint64_t rows = 0;
    for (size_t i = 0; i < cw->nheld; i++)
        rows += sl_batch_good_rows(cw->held[i]);
    cw->ops->committed(cw->ops->ctx, cw->held, cw->nheld, rows - ignored, ignored, updated);
    if (cw->cfg->host_rows)
        atomic_fetch_add_explicit(&cw->cfg->host_rows[cw->host], rows, memory_order_relaxed);
    release_held(cw, 1);
    return 0;
}

size_t sl_chunk_writer_held(const struct sl_chunk_writer *cw)
{
    return cw->nheld;
}

uint64_t sl_chunk_writer_rows(const struct sl_chunk_writer *cw)
{
    return cw->rows;
}

size_t sl_chunk_writer_bytes(const struct sl_chunk_writer *cw)
{
    return cw->bytes;
}

void sl_chunk_writer_free(struct sl_chunk_writer *cw)
{
    if (!cw)
        return;
    sl_chunk_writer_discard(cw);
    close_stmts(cw);
    free(cw->held);
    free(cw);
}
