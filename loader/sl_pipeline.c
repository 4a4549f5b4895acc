#include "sl_pipeline.h"

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
#include "sl_utf8.h"

/* A writer never holds more batches than this in one chunk. */
#define MAX_HELD 256
/* Backoff between retries: 0.25 s doubling up to 8 s, times 0.5..1.5. */
#define BACKOFF_FIRST 0.25
#define BACKOFF_MAX   8.0

struct run {
    const struct sl_pipeline_plan *p;
    struct sl_queue full;
    struct sl_queue empty;
    struct sl_batch **pool;
    size_t npool;
    size_t max_held;
    atomic_size_t next_source;
    atomic_int stop;        /* a fatal error: discard and roll back */
    atomic_int interrupted; /* a signal: stop reading, finish writing */
    atomic_int readers_left;
    atomic_int finished; /* every worker is done: the signal thread may go */

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
    uint64_t rows;        /* read but not yet counted */
    uint64_t range_start; /* where the next batch's byte range begins */
};

static int reading_stopped(struct run *r)
{
    return atomic_load_explicit(&r->stop, memory_order_relaxed) ||
           atomic_load_explicit(&r->interrupted, memory_order_relaxed);
}

static int push_batch(struct reader *rd)
{
    struct sl_batch *b = rd->batch;
    rd->batch = NULL;
    if (!b)
        return 0;
    rd->range_start = b->end;
    /* a batch of rejected records only is still pushed when checkpoints
     * need its range recorded */
    if (b->nrows == 0 && (!rd->r->p->jobs || b->end == b->start)) {
        give_back(rd->r, b);
        return 0;
    }
    return sl_queue_push(&rd->r->full, b);
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
        rd->batch->start = rd->batch->end = rd->range_start;
    }
    return 0;
}

/* A bad record: to the rejects under --on-error skip, else the run's error.
 * field is the file's field index, or -1. Returns 0 to go on, -1 to stop. */
static int bad_row(struct reader *rd, const struct sl_csv_record *rec, long field,
                   const char *reason)
{
    struct run *r = rd->r;
    const struct sl_pipeline_plan *p = r->p;
    const struct sl_source *src = rd->src;
    const char *col = field >= 0 ? p->target.cols[src->perm[field]] : NULL;
    struct sl_err e;
    rd->rows++; /* a rejected record was read all the same */
    if (!p->rejects) {
        if (col)
            sl_err_set(&e, SL_ERR_ROW, "%s: line %llu, column '%s' (field %ld): %s", src->path,
                       (unsigned long long)rec->line, col, field + 1, reason);
        else
            sl_err_set(&e, SL_ERR_ROW, "%s: line %llu%s%s", src->path,
                       (unsigned long long)rec->line,
                       strncmp(reason, "field ", 6) == 0 ? ", " : ": ", reason);
        fail(r, &e);
        return -1;
    }
    uint64_t n = sl_rejects_add(p->rejects, src->path, rec->line, rec->offset, col, reason,
                                rec->raw, rec->raw_len);
    atomic_fetch_add_explicit(&p->counters->rows_rejected, 1, memory_order_relaxed);
    if (p->max_rejects && n > p->max_rejects) {
        sl_err_set(&e, SL_ERR_FATAL,
                   "more than %llu rows rejected (--max-rejects); the last: %s: "
                   "line %llu: %s",
                   (unsigned long long)p->max_rejects, src->path, (unsigned long long)rec->line,
                   reason);
        fail(r, &e);
        return -1;
    }
    return 0;
}

/* Turns the record just parsed into the batch's arena into a row, or
 * rejects it. Returns 0, or -1 when the run must stop. */
static int add_record(struct reader *rd, const struct sl_csv_record *rec)
{
    const struct sl_pipeline_plan *p = rd->r->p;
    const struct sl_source *src = rd->src;
    struct sl_batch *b = rd->batch;
    char why[160];
    if (rec->nfields != src->nfields) {
        sl_batch_drop_row(b);
        snprintf(why, sizeof why, "expected %zu fields, found %zu", src->nfields, rec->nfields);
        return bad_row(rd, rec, -1, why);
    }
    for (size_t f = 0; f < rec->nfields; f++) {
        const struct sl_csv_field *fl = &rec->fields[f];
        size_t col = src->perm[f];
        if (fl->is_null) {
            sl_batch_set_null(b, col);
            continue;
        }
        size_t ok = sl_utf8_check((const unsigned char *)fl->data, fl->len);
        if (ok != fl->len) {
            snprintf(why, sizeof why, "invalid UTF-8 at byte %zu of the value", ok + 1);
            sl_batch_drop_row(b);
            return bad_row(rd, rec, (long)f, why);
        }
        if (sl_colcheck_value(&p->checks[col], fl->data, fl->len, why, sizeof why) != 0) {
            sl_batch_drop_row(b);
            return bad_row(rd, rec, (long)f, why);
        }
        sl_batch_set_ref(b, col, fl->off, fl->len);
    }
    if (p->rejects && sl_batch_keep_raw(b, rec->raw, rec->raw_len) != 0) {
        sl_batch_drop_row(b);
        return bad_row(rd, rec, -1, "record too large to keep for the rejects file");
    }
    sl_batch_end_row(b, rec->line, rec->offset);
    rd->rows++;
    return 0;
}

/* Is offset inside a range a resumed load must skip? *k walks the sorted
 * ranges along with the increasing offsets. */
static int skipped(const struct sl_skip *s, size_t *k, uint64_t offset)
{
    if (!s)
        return 0;
    while (*k < s->n && s->ranges[*k].end <= offset)
        (*k)++;
    return *k < s->n && s->ranges[*k].start <= offset;
}

/* A record that was committed by an earlier run: leave it out, and keep
 * batches from straddling the committed range. */
static int skip_record(struct reader *rd, uint64_t next)
{
    if (rd->batch && rd->batch->end > rd->batch->start && push_batch(rd) != 0)
        return 1;
    rd->range_start = next;
    if (rd->batch)
        rd->batch->start = rd->batch->end = next;
    return 0;
}

/* "line 12, field 3: why" -> "field 3: why", for the rejects log. */
static const char *without_line(const char *msg)
{
    if (strncmp(msg, "line ", 5) == 0) {
        const char *comma = strstr(msg, ", ");
        const char *colon = strstr(msg, ": ");
        if (comma && (!colon || comma < colon))
            return comma + 2;
        if (colon)
            return colon + 2;
    }
    return msg;
}

static void count_bytes(struct reader *rd, struct sl_csv *csv, uint64_t *raw_seen,
                        uint64_t *data_seen)
{
    struct sl_counters *c = rd->r->p->counters;
    uint64_t raw = sl_input_raw_bytes(sl_csv_input(csv)), data = sl_csv_offset(csv);
    atomic_fetch_add_explicit(&c->raw_bytes, raw - *raw_seen, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->data_bytes, data - *data_seen, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_read, rd->rows, memory_order_relaxed);
    rd->rows = 0;
    *raw_seen = raw;
    *data_seen = data;
}

static void read_source(struct reader *rd)
{
    struct run *r = rd->r;
    const struct sl_pipeline_plan *p = r->p;
    const struct sl_skip *skip = p->skips ? &p->skips[rd->src_index] : NULL;
    size_t k = 0;
    struct sl_err e;
    struct sl_csv *csv;
    if (sl_sources_open(p->sources, rd->src_index, p->source_opts, &csv, &e) != 0) {
        fail(r, &e);
        return;
    }
    uint64_t raw_seen = 0, data_seen = 0;
    rd->range_start = 0;
    struct sl_csv_record rec;
    for (;;) {
        if (reading_stopped(r))
            break;
        struct sl_batch *before = rd->batch;
        if (ensure_batch(rd) != 0)
            break;
        if (rd->batch != before)
            count_bytes(rd, csv, &raw_seen, &data_seen);
        int rc = sl_csv_next(csv, &rd->batch->arena, &rec, &e);
        if (rc == 0)
            break;
        if (rc < 0 && e.kind != SL_ERR_ROW) {
            sl_batch_drop_row(rd->batch);
            sl_err_prefix(&e, "%s", rd->src->path);
            fail(r, &e);
            break;
        }
        if (skipped(skip, &k, rec.offset)) {
            sl_batch_drop_row(rd->batch);
            if (skip_record(rd, sl_csv_offset(csv)) != 0)
                break;
            continue;
        }
        if (rc < 0) { /* a malformed record; reading can go on after it */
            sl_batch_drop_row(rd->batch);
            if (bad_row(rd, &rec, -1, without_line(e.msg)) != 0)
                break;
        } else if (add_record(rd, &rec) != 0) {
            break;
        }
        rd->batch->end = sl_csv_offset(csv);
    }
    /* what was read is written, unless the run failed */
    if (!atomic_load(&r->stop))
        push_batch(rd);
    count_bytes(rd, csv, &raw_seen, &data_seen);
    sl_csv_close(csv);
}

static void *reader_main(void *arg)
{
    struct run *r = arg;
    struct reader rd = {.r = r};
    for (;;) {
        size_t i = atomic_fetch_add(&r->next_source, 1);
        if (i >= r->p->sources->n || reading_stopped(r))
            break;
        rd.src_index = i;
        rd.src = &r->p->sources->v[i];
        read_source(&rd);
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
    unsigned index;
    struct sl_writer *w;
    struct sl_checkpoint_writer *cw;
    struct sl_batch **held;
    size_t nheld;
    unsigned seed; /* for backoff jitter */
};

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
        give_back(wr->r, wr->held[i]);
    wr->nheld = 0;
}

/* A row the server refused or changed, under --on-error skip. */
static int on_reject(void *ctx, const struct sl_batch *b, size_t row, long col,
                     const struct sl_err *why)
{
    struct writer *wr = ctx;
    const struct sl_pipeline_plan *p = wr->r->p;
    const struct sl_row_pos *pos = &b->pos[row];
    const char *path = p->sources->v[b->source].path;
    uint64_t n = sl_rejects_add(p->rejects, path, pos->line, pos->offset,
                                col >= 0 ? p->target.cols[col] : NULL, why->msg,
                                b->arena.data + pos->raw_off, pos->raw_len);
    atomic_fetch_add_explicit(&p->counters->rows_rejected, 1, memory_order_relaxed);
    if (p->max_rejects && n > p->max_rejects) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL,
                   "more than %llu rows rejected (--max-rejects); the last: %s: line %llu: %s",
                   (unsigned long long)p->max_rejects, path, (unsigned long long)pos->line,
                   why->msg);
        fail(wr->r, &e);
        return 1;
    }
    return 0;
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
static int open_statements(struct writer *wr, struct sl_err *e)
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
            fail(r, &f);
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
        int alive = (e.server_errno == 1213 || e.server_errno == 1205) && wr->w &&
                    sl_writer_rollback(wr->w, &e) == 0;
        if (alive)
            return 0;
        close_conn(wr);
        if (sl_conn_open(&p->conns[wr->index], p->conn_opts, &e) != 0) {
            p->conns[wr->index] = NULL;
            if (e.kind == SL_ERR_RETRYABLE)
                continue;
            fail(r, &e);
            return -1;
        }
        if (open_statements(wr, &e) != 0) {
            if (e.kind == SL_ERR_RETRYABLE)
                continue;
            fail(r, &e);
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
        fail(r, &e);
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
            rc = sl_writer_commit(wr->w, &e);
        }
        if (rc == 0)
            break;
        if (e.kind != SL_ERR_RETRYABLE) {
            fail(r, &e);
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
                fail(r, &f);
                return -1;
            }
        }
        if (write_held(wr, 0, &rt) != 0)
            return -1;
    }
    uint64_t rows = 0;
    for (size_t i = 0; i < wr->nheld; i++)
        rows += good_rows(wr->held[i]);
    atomic_fetch_add_explicit(&p->counters->rows_written, rows, memory_order_relaxed);
    release_held(wr);
    return 0;
}

static void *writer_main(void *arg)
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
            give_back(r, b);
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
    thread_done(r);
    return NULL;
}

/* ---- signals ---- */

static void *signal_main(void *arg)
{
    struct run *r = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    while (!atomic_load(&r->finished)) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig < 0)
            continue;
        if (!atomic_exchange(&r->interrupted, 1)) {
            sl_progress_printf(r->p->progress,
                               "sluice: %s: finishing the rows already read, then stopping; a "
                               "second signal exits at once\n",
                               sig == SIGINT ? "interrupted" : "terminated");
        } else {
            sl_progress_printf(r->p->progress, "sluice: second signal: exiting now; committed "
                                               "chunks are kept, --resume continues\n");
            _exit(SL_EXIT_INTERRUPTED);
        }
    }
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
    atomic_init(&r.finished, 0);
    atomic_init(&r.readers_left, (int)p->nreaders);
    sl_err_clear(&r.err);

    /* SIGINT and SIGTERM go to the signal thread only */
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &old);

    unsigned nthreads = p->nreaders + p->nwriters, started = 0;
    pthread_t *tids = calloc(nthreads, sizeof *tids);
    struct writer *writers = calloc(p->nwriters, sizeof *writers);
    pthread_t sig_tid;
    int sig_started = 0;
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
        writers[i].seed = (unsigned)time(NULL) ^ (i * 2654435761u);
        writers[i].held = calloc(r.max_held, sizeof *writers[i].held);
        if (!writers[i].held) {
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
            goto out_free;
        }
        if (open_statements(&writers[i], err) != 0)
            goto out_free;
    }
    sig_started = pthread_create(&sig_tid, NULL, signal_main, &r) == 0;
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
    if (started < nthreads || !sig_started) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "cannot start threads");
        fail(&r, &e);
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

    *interrupted = atomic_load(&r.interrupted);
    if (r.failed) {
        *err = r.err;
        rc = -1;
    } else {
        rc = 0;
    }
out_free:
    atomic_store(&r.finished, 1);
    if (sig_started)
        pthread_join(sig_tid, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (writers) {
        for (unsigned i = 0; i < p->nwriters; i++) {
            sl_checkpoint_writer_close(writers[i].cw);
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
