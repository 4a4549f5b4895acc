#include "sl_pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sl_batch.h"
#include "sl_queue.h"
#include "sl_utf8.h"

/* A writer never holds more batches than this in one chunk. */
#define MAX_HELD 256

struct run {
    const struct sl_pipeline_plan *p;
    struct sl_queue full;
    struct sl_queue empty;
    struct sl_batch **pool;
    size_t npool;
    size_t max_held;
    atomic_size_t next_source;
    atomic_int stop;
    atomic_int readers_left;

    pthread_mutex_t mu; /* guards err, failed, done */
    pthread_cond_t done_cv;
    unsigned done;
    int failed;
    struct sl_err err;
};

/* Records the first error and stops everything. */
static void fail(struct run *r, const struct sl_err *e)
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

static void thread_done(struct run *r)
{
    pthread_mutex_lock(&r->mu);
    r->done++;
    pthread_cond_signal(&r->done_cv);
    pthread_mutex_unlock(&r->mu);
}

/* Gives a batch back to the pool. The pool owns every batch, so when the
 * queue is closed the pointer can simply be dropped. */
static void give_back(struct run *r, struct sl_batch *b)
{
    sl_batch_reset(b);
    sl_queue_push(&r->empty, b);
}

/* ---- readers ---- */

struct reader {
    struct run *r;
    struct sl_batch *batch;
    size_t src_index;
    const struct sl_source *src;
    uint64_t rows;
};

static int push_batch(struct reader *rd)
{
    struct sl_batch *b = rd->batch;
    rd->batch = NULL;
    if (!b)
        return 0;
    if (b->nrows == 0) {
        give_back(rd->r, b);
        return 0;
    }
    atomic_fetch_add_explicit(&rd->r->p->counters->rows_read, rd->rows, memory_order_relaxed);
    rd->rows = 0;
    return sl_queue_push(&rd->r->full, b);
}

static int row_error(struct reader *rd, struct sl_err *e, const struct sl_csv_record *rec,
                     size_t field, const char *detail)
{
    const struct sl_source *src = rd->src;
    const char *name = rd->r->p->target.cols[src->perm[field]];
    return sl_err_set(e, SL_ERR_ROW, "%s: line %llu, column '%s' (field %zu): %s", src->path,
                      (unsigned long long)rec->line, name, field + 1, detail);
}

/* Makes sure the reader has a batch with room for one more record. Returns
 * 0, or 1 when the run is stopping. */
static int ensure_batch(struct reader *rd)
{
    if (rd->batch &&
        (sl_batch_is_full(rd->batch) || rd->batch->arena.len >= rd->r->p->batch_bytes) &&
        push_batch(rd) != 0)
        return 1;
    if (!rd->batch) {
        rd->batch = sl_queue_pop(&rd->r->empty);
        if (!rd->batch)
            return 1;
        rd->batch->source = rd->src_index;
    }
    return 0;
}

/* Turns the record just parsed into the batch's arena into a row. Returns 0
 * or -1 with e set (the row is then dropped). */
static int add_record(struct reader *rd, const struct sl_csv_record *rec, struct sl_err *e)
{
    const struct sl_source *src = rd->src;
    struct sl_batch *b = rd->batch;
    if (rec->nfields != src->nfields) {
        sl_batch_drop_row(b);
        return sl_err_set(e, SL_ERR_ROW, "%s: line %llu: expected %zu fields, found %zu", src->path,
                          (unsigned long long)rec->line, src->nfields, rec->nfields);
    }
    for (size_t f = 0; f < rec->nfields; f++) {
        const struct sl_csv_field *fl = &rec->fields[f];
        if (fl->is_null) {
            sl_batch_set_null(b, src->perm[f]);
            continue;
        }
        size_t ok = sl_utf8_check((const unsigned char *)fl->data, fl->len);
        if (ok != fl->len) {
            char why[96];
            snprintf(why, sizeof why, "invalid UTF-8 at byte %zu of the value", ok + 1);
            sl_batch_drop_row(b);
            return row_error(rd, e, rec, f, why);
        }
        sl_batch_set_ref(b, src->perm[f], fl->off, fl->len);
    }
    sl_batch_end_row(b, rec->line, rec->offset);
    rd->rows++;
    return 0;
}

static void read_source(struct reader *rd, struct sl_err *e)
{
    struct run *r = rd->r;
    struct sl_csv *csv;
    if (sl_sources_open(r->p->sources, rd->src_index, r->p->source_opts, &csv, e) != 0) {
        fail(r, e);
        return;
    }
    struct sl_counters *c = r->p->counters;
    uint64_t raw_seen = 0, data_seen = 0;
    struct sl_csv_record rec;
    for (;;) {
        if (atomic_load_explicit(&r->stop, memory_order_relaxed))
            break;
        struct sl_batch *before = rd->batch;
        if (ensure_batch(rd) != 0)
            break;
        if (rd->batch != before) { /* a batch went out: update the byte counters */
            uint64_t raw = sl_input_raw_bytes(sl_csv_input(csv)), data = sl_csv_offset(csv);
            atomic_fetch_add_explicit(&c->raw_bytes, raw - raw_seen, memory_order_relaxed);
            atomic_fetch_add_explicit(&c->data_bytes, data - data_seen, memory_order_relaxed);
            raw_seen = raw;
            data_seen = data;
        }
        int rc = sl_csv_next(csv, &rd->batch->arena, &rec, e);
        if (rc < 0) {
            sl_batch_drop_row(rd->batch);
            sl_err_prefix(e, "%s", rd->src->path);
            fail(r, e);
            break;
        }
        if (rc == 0)
            break;
        if (add_record(rd, &rec, e) != 0) {
            fail(r, e);
            break;
        }
    }
    if (!atomic_load(&r->stop))
        push_batch(rd);
    /* rows parsed into a batch that a stop kept from going out still count
     * as read */
    atomic_fetch_add_explicit(&c->rows_read, rd->rows, memory_order_relaxed);
    rd->rows = 0;
    uint64_t raw = sl_input_raw_bytes(sl_csv_input(csv)), data = sl_csv_offset(csv);
    atomic_fetch_add_explicit(&c->raw_bytes, raw - raw_seen, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->data_bytes, data - data_seen, memory_order_relaxed);
    sl_csv_close(csv);
}

static void *reader_main(void *arg)
{
    struct run *r = arg;
    struct reader rd = {.r = r};
    struct sl_err e;
    sl_err_clear(&e);
    for (;;) {
        size_t i = atomic_fetch_add(&r->next_source, 1);
        if (i >= r->p->sources->n || atomic_load(&r->stop))
            break;
        rd.src_index = i;
        rd.src = &r->p->sources->v[i];
        read_source(&rd, &e);
    }
    if (rd.batch)
        give_back(r, rd.batch);
    if (atomic_fetch_sub(&r->readers_left, 1) == 1)
        sl_queue_close(&r->full); /* the last reader lets the writers drain */
    thread_done(r);
    return NULL;
}

/* ---- writers ---- */

struct writer {
    struct run *r;
    MYSQL *conn;
    struct sl_writer *w;
    struct sl_batch **held;
    size_t nheld;
    uint64_t chunk_rows;
};

static void release_held(struct writer *wr)
{
    for (size_t i = 0; i < wr->nheld; i++)
        give_back(wr->r, wr->held[i]);
    wr->nheld = 0;
    wr->chunk_rows = 0;
}

static int commit_chunk(struct writer *wr, struct sl_err *e)
{
    if (wr->nheld == 0)
        return 0;
    if (sl_writer_commit(wr->w, e) != 0)
        return -1;
    atomic_fetch_add_explicit(&wr->r->p->counters->rows_written, wr->chunk_rows,
                              memory_order_relaxed);
    release_held(wr);
    return 0;
}

/* Adds the input position of a failed write to the server's message. */
static void locate(struct run *r, const struct sl_batch *b, const struct sl_writer_fault *f,
                   struct sl_err *e)
{
    const char *path = r->p->sources->v[b->source].path;
    const char *col = f->col >= 0 ? r->p->target.cols[f->col] : NULL;
    if (f->row >= 0) {
        char colpart[300] = "";
        if (col)
            snprintf(colpart, sizeof colpart, ", column '%s'", col);
        sl_err_prefix(e, "%s: line %llu%s", path, (unsigned long long)b->pos[f->row].line, colpart);
    } else {
        size_t last = f->first_row + f->nrows - 1;
        if (last >= b->nrows)
            last = b->nrows - 1;
        sl_err_prefix(
            e, "%s: lines %llu-%llu%s%s", path, (unsigned long long)b->pos[f->first_row].line,
            (unsigned long long)b->pos[last].line, col ? ", column " : "", col ? col : "");
    }
}

static void *writer_main(void *arg)
{
    struct writer *wr = arg;
    struct run *r = wr->r;
    struct sl_err e;
    sl_err_clear(&e);
    mysql_thread_init(); /* a no-op in Connector/C, required by libmysqlclient */
    for (;;) {
        struct sl_batch *b = sl_queue_pop(&r->full);
        if (!b)
            break;
        if (atomic_load_explicit(&r->stop, memory_order_relaxed)) {
            give_back(r, b);
            continue;
        }
        struct sl_writer_fault fault;
        if (sl_writer_write(wr->w, b, &fault, &e) != 0) {
            locate(r, b, &fault, &e);
            give_back(r, b);
            fail(r, &e);
            continue;
        }
        wr->held[wr->nheld++] = b;
        wr->chunk_rows += b->nrows;
        if (wr->chunk_rows >= r->p->txn_rows || wr->nheld == r->max_held) {
            if (commit_chunk(wr, &e) != 0)
                fail(r, &e);
        }
    }
    if (!atomic_load(&r->stop) && commit_chunk(wr, &e) != 0)
        fail(r, &e);
    if (atomic_load(&r->stop)) { /* the run failed: nothing uncommitted may stay */
        struct sl_err ignored;
        sl_writer_rollback(wr->w, &ignored);
        release_held(wr);
    }
    mysql_thread_end();
    thread_done(r);
    return NULL;
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
    /* the arena must take one whole record on top of the hand-on threshold */
    size_t arena = p->batch_bytes + p->source_opts->max_record_bytes;
    if (sl_queue_init(&r->full, r->npool) != 0 || sl_queue_init(&r->empty, r->npool) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->npool; i++) {
        r->pool[i] = sl_batch_new(p->target.ncols, p->batch_rows, arena);
        if (!r->pool[i] || sl_queue_push(&r->empty, r->pool[i]) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    return 0;
}

int sl_pipeline_run(const struct sl_pipeline_plan *p, struct sl_err *err)
{
    struct run r;
    memset(&r, 0, sizeof r);
    r.p = p;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.done_cv, NULL);
    atomic_init(&r.next_source, 0);
    atomic_init(&r.stop, 0);
    atomic_init(&r.readers_left, (int)p->nreaders);
    sl_err_clear(&r.err);

    unsigned nthreads = p->nreaders + p->nwriters, started = 0;
    pthread_t *tids = calloc(nthreads, sizeof *tids);
    struct writer *writers = calloc(p->nwriters, sizeof *writers);
    int rc = -1;
    if (!tids || !writers) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_free;
    }
    if (make_pool(&r, err) != 0)
        goto out_free;
    for (unsigned i = 0; i < p->nwriters; i++) {
        writers[i].r = &r;
        writers[i].conn = p->conns[i];
        writers[i].held = calloc(r.max_held, sizeof *writers[i].held);
        if (!writers[i].held) {
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
            goto out_free;
        }
        if (sl_writer_open(&writers[i].w, p->conns[i], &p->target, p->stmt_rows, p->max_packet,
                           err) != 0)
            goto out_free;
    }
    for (unsigned i = 0; i < p->nwriters; i++) {
        if (pthread_create(&tids[started], NULL, writer_main, &writers[i]) != 0)
            break;
        started++;
    }
    for (unsigned i = 0; started >= p->nwriters && i < p->nreaders; i++) {
        if (pthread_create(&tids[started], NULL, reader_main, &r) != 0)
            break;
        started++;
    }
    if (started < nthreads) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "cannot start threads");
        fail(&r, &e);
        /* readers that never started will not close the queue */
        sl_queue_close(&r.full);
    }

    /* the main thread draws progress until every thread is done */
    pthread_mutex_lock(&r.mu);
    while (r.done < started) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&r.done_cv, &r.mu, &ts);
        pthread_mutex_unlock(&r.mu);
        sl_progress_tick(p->progress, p->counters);
        pthread_mutex_lock(&r.mu);
    }
    pthread_mutex_unlock(&r.mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);

    if (r.failed) {
        *err = r.err;
        rc = -1;
    } else {
        rc = 0;
    }
out_free:
    if (writers) {
        for (unsigned i = 0; i < p->nwriters; i++) {
            sl_writer_close(writers[i].w);
            free(writers[i].held);
        }
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
