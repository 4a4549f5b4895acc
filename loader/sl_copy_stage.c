/*
 * The running part of a copy: source readers, target writers and the
 * verifier, joined by a fixed pool of batches (see sl_copy.h).
 *
 *   readers --full--> writers --done--> verifier
 *      ^                 |                 ^
 *      +------free-------+--index--> index builder
 *
 * A table is complete when every one of its ranges has been read and every
 * batch of it that a reader handed on has been committed (or dropped after a
 * failure).
 *
 * A table compared whole (sl_copy_whole_applies) goes to the verifier as
 * soon as its rows are all committed; the verifier counts and checksums both
 * sides while the index builder adds its deferred indexes, if any. Any
 * other table is compared range by range: the reader sums each range on the
 * source after reading it, and the verifier sums it on the target once it is
 * complete, while the copy goes on.
 *
 * The complete table goes to the index builder when its indexes were
 * deferred, then (or at once) to the verifier, which reports it.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sl_backoff.h"
#include "sl_chunk_writer.h"
#include "sl_copy_run.h"
#include "sl_errno.h"
#include "sl_exit.h"
#include "sl_select.h"
#include "sl_signals.h"

#define SQL_MAX (16 * 1024 * 1024)

void sl_crun_stop(struct crun *r)
{
    atomic_store(&r->stop, 1);
    sl_queue_close(&r->free);
    sl_queue_close(&r->full);
    sl_queue_close(&r->index);
    sl_queue_close(&r->done);
}

void sl_crun_fail(struct crun *r, const struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    if (!r->failed) {
        r->failed = 1;
        r->err = *e;
    }
    pthread_mutex_unlock(&r->mu);
    sl_crun_stop(r);
}

void sl_crun_fail_table(struct crun *r, struct ctable *ct, const struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    if (!ct->failed) {
        ct->failed = 1;
        ct->err = *e;
    }
    pthread_mutex_unlock(&r->mu);
}

/* Called by each thread as it ends; the last one wakes the main thread. */
static void thread_ends(struct crun *r)
{
    if (atomic_fetch_sub(&r->threads_left, 1) == 1) {
        pthread_mutex_lock(&r->mu);
        pthread_cond_broadcast(&r->ended);
        pthread_mutex_unlock(&r->mu);
    }
}

static int table_failed(struct crun *r, struct ctable *ct)
{
    pthread_mutex_lock(&r->mu);
    int f = ct->failed;
    pthread_mutex_unlock(&r->mu);
    return f;
}

/* Hands the verifier the event that ct is complete. The caller holds r->mu. */
static void table_to_verifier(struct crun *r, struct ctable *ct)
{
    /* room for every event was made: pushes never wait */
    struct cverify *ev = &r->events[r->nevents++];
    *ev = (struct cverify){ct, CV_TABLE};
    sl_queue_push(&r->done, ev);
}

/* Tells the verifier about range k of ct once it is read and every batch
 * of it is done, and about ct once every range is (through the index builder
 * when ct's indexes were deferred). The caller holds r->mu. */
static void check_complete(struct crun *r, struct ctable *ct, uint64_t k)
{
    struct crange *cr = &ct->r[k];
    if (cr->complete || !cr->read || cr->done < cr->pushed)
        return;
    cr->complete = 1;
    /* room for every event was made: pushes never wait */
    struct cverify *ev = &r->events[r->nevents++];
    *ev = (struct cverify){ct, k};
    sl_queue_push(&r->done, ev);
    if (++ct->ranges_complete < ct->ranges.n)
        return;
    ct->complete = 1;
    ct->t1 = sl_now();
    if (ct->whole) {
        ev = &r->events[r->nevents++];
        *ev = (struct cverify){ct, CV_ROWS};
        sl_queue_push(&r->done, ev);
    }
    if (r->indexer && ct->sql.add.len > 0)
        sl_queue_push(&r->index, ct); /* room for every table: never waits */
    else
        table_to_verifier(r, ct);
}

static void range_read(struct crun *r, struct ctable *ct, uint64_t k)
{
    pthread_mutex_lock(&r->mu);
    ct->r[k].read = 1;
    check_complete(r, ct, k);
    pthread_mutex_unlock(&r->mu);
}

/* Counts a batch of range k of ct as committed, or dropped. */
static void batches_done(struct crun *r, struct ctable *ct, uint64_t k, int committed)
{
    pthread_mutex_lock(&r->mu);
    ct->r[k].done++;
    ct->r[k].dropped += !committed;
    check_complete(r, ct, k);
    pthread_mutex_unlock(&r->mu);
}

/* ---- readers ---- */

struct reader {
    struct crun *r;
    MYSQL *m;
    struct sl_buf sql;
};

static int hand_on(struct crun *r, struct ctable *ct, struct sl_batch *b)
{
    if (b->nrows == 0) {
        sl_queue_push(&r->free, b);
        return 0;
    }
    b->end = b->start + b->nrows; /* its rows are consecutive */
    uint64_t k = sl_cpos_range(b->start);
    pthread_mutex_lock(&r->mu);
    ct->r[k].pushed++;
    pthread_mutex_unlock(&r->mu);
    if (sl_queue_push(&r->full, b) != 0) { /* stopping */
        pthread_mutex_lock(&r->mu);
        ct->r[k].pushed--;
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    return 0;
}

/* Takes an empty batch for rows of table ti, range k, from row ordinal
 * first; NULL when stopping. */
static struct sl_batch *take_batch(struct crun *r, const struct ctable *ct, size_t ti, uint64_t k,
                                   uint64_t first)
{
    struct sl_batch *b = sl_queue_pop(&r->free);
    if (!b)
        return NULL;
    sl_batch_reshape(b, ct->ncols);
    b->source = ti;
    b->start = sl_cpos(k, first);
    return b;
}

#define PUT_NO_ROOM (-1)
#define PUT_NOT_INT (-2)

/* Stores one value of the row being filled: NULL, its text, or (kind) its
 * binary form, except that a date off the calendar stays text (sl_value.h).
 * Returns 0, PUT_NO_ROOM, or PUT_NOT_INT for an integer column's value that
 * does not read as one. */
static int put_value(struct sl_batch *b, size_t col, enum sl_value_kind kind, const char *text,
                     unsigned long len)
{
    if (!text) {
        sl_batch_set_null(b, col);
        return 0;
    }
    union sl_value v;
    size_t vlen = kind == SL_VALUE_TEXT ? 0 : sl_value_parse(kind, text, len, &v);
    if (vlen == 0 && (kind == SL_VALUE_INT || kind == SL_VALUE_UINT))
        return PUT_NOT_INT;
    int rc = vlen ? sl_batch_set_cell(b, col, &v, vlen) : sl_batch_set_cell(b, col, text, len);
    return rc == 0 ? 0 : PUT_NO_ROOM;
}

/* True when the row at ordinal ord of the range was committed by an
 * interrupted run (--resume). *j walks cr->skip along with the rows. */
static int committed_before(const struct crange *cr, size_t *j, uint64_t ord)
{
    while (*j < cr->nskip && sl_cpos_ordinal(cr->skip[*j].end) <= ord)
        (*j)++;
    return *j < cr->nskip && sl_cpos_ordinal(cr->skip[*j].start) <= ord;
}

/* Reads range k of table ti into batches, in key order, leaving out the
 * rows an interrupted run committed. Returns 0, 1 when the run is stopping,
 * or -1 with err set. */
static int read_range(struct reader *rd, size_t ti, uint64_t k, struct sl_err *err)
{
    struct crun *r = rd->r;
    struct ctable *ct = &r->t[ti];
    const struct crange *cr = &ct->r[k];
    if (cr->complete_before) /* every row is in: only its sums are wanted */
        return ct->verify && !ct->whole ? sl_copy_sum_range(r, ct, k, rd->m, 1, err) : 0;
    sl_buf_reset(&rd->sql);
    int rc = sl_buf_append(&rd->sql, ct->select.data, ct->select.len);
    if (rc == 0)
        rc = sl_copy_range_where(r, ct, k, 1, &rd->sql);
    if (rc == 0)
        rc = sl_buf_append(&rd->sql, ct->order.data, ct->order.len);
    if (rc != 0 || !sl_buf_cstr(&rd->sql))
        return sl_err_set(err, SL_ERR_FATAL, "the SELECT statement is too long");
    struct sl_select sel;
    if (sl_select_start(&sel, rd->m, rd->sql.data, 0, NULL, err) != 0)
        return -1;
    struct sl_batch *cb = NULL;
    uint64_t line = 0;
    size_t j = 0;
    char **row;
    unsigned long *lens;
    int more;
    rc = 0;
    while (rc == 0 && (more = sl_select_next_raw(&sel, &row, &lens, err)) == 1) {
        line++;
        if (committed_before(cr, &j, line - 1)) {
            /* a batch's rows are consecutive: it ends here */
            if (cb)
                rc = hand_on(r, ct, cb) == 0 ? 0 : 1;
            cb = NULL;
            continue;
        }
        size_t need = 0;
        for (size_t i = 0; i < ct->ncols; i++) /* a binary value may be longer than its text */
            need += row[i] ? lens[i] + (ct->kinds && ct->kinds[i] ? sizeof(union sl_value) : 0) : 0;
        if (cb &&
            (sl_batch_is_full(cb) || (cb->nrows > 0 && cb->arena.len + need > CBATCH_SOFT_BYTES))) {
            rc = hand_on(r, ct, cb) == 0 ? 0 : 1;
            cb = NULL;
        }
        if (rc == 0 && !cb && !(cb = take_batch(r, ct, ti, k, line - 1)))
            rc = 1;
        for (size_t i = 0; rc == 0 && i < ct->ncols; i++) {
            int put = put_value(cb, i, ct->kinds ? ct->kinds[i] : SL_VALUE_TEXT, row[i], lens[i]);
            if (put == PUT_NOT_INT)
                rc = sl_err_set(err, SL_ERR_FATAL,
                                "row %" PRIu64 " of the range, column `%s`: cannot read the "
                                "source's value '%.*s' as an integer",
                                line, ct->cols[i], lens[i] > 64 ? 64 : (int)lens[i], row[i]);
            else if (put == PUT_NO_ROOM)
                rc = sl_err_set(err, SL_ERR_FATAL,
                                "row %" PRIu64 " of the range is %zu bytes, more than the "
                                "target's max_allowed_packet (%llu)",
                                line, need, r->max_packet);
        }
        if (rc == 0) {
            sl_batch_end_row(cb, line, 0);
            atomic_fetch_add_explicit(&ct->rows_read, 1, memory_order_relaxed);
        }
    }
    if (rc == 0 && more < 0)
        rc = -1;
    sl_select_end(&sel); /* after a kill or a lost connection this returns at once */
    if (rc == 0 && cb)
        rc = hand_on(r, ct, cb) == 0 ? 0 : 1;
    else if (cb)
        sl_queue_push(&r->free, cb);
    if (rc == 0 && ct->verify && !ct->whole)
        rc = sl_copy_sum_range(r, ct, k, rd->m, 1, err);
    return rc;
}

static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    struct crun *r = rd->r;
    for (;;) {
        if (atomic_load(&r->stop))
            break;
        uint64_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->nitems)
            break;
        size_t ti = r->items[i].table;
        uint64_t k = r->items[i].range;
        struct ctable *ct = &r->t[ti];
        pthread_mutex_lock(&r->mu);
        int skip = ct->failed;
        if (!ct->started) {
            ct->started = 1;
            ct->t0 = sl_now();
        }
        pthread_mutex_unlock(&r->mu);
        int lost = 0;
        struct sl_err e;
        int rc = skip ? 0 : read_range(rd, ti, k, &e);
        if (rc == 1 || (rc < 0 && atomic_load(&r->stop)))
            break; /* stopping: the range stays unread */
        if (rc < 0) {
            char name[160];
            sl_copy_range_name(ct, k, name, sizeof name);
            sl_err_prefix(&e, "reading %s.%s, %s", ct->src.schema, ct->src.name, name);
            sl_crun_fail_table(r, ct, &e);
            lost = sl_errno_conn_gone(e.server_errno);
        }
        range_read(r, ct, k);
        if (lost)
            break; /* this reader's snapshot is gone; the others go on */
    }
    if (atomic_fetch_sub(&r->readers_left, 1) == 1)
        sl_queue_close(&r->full); /* the last reader: the writers drain and end */
    thread_ends(r);
    return NULL;
}

/* ---- writers ---- */

/* One writer thread: its chunk writer on wconn[idx] (sl_chunk_writer.h),
 * which retries, replays and checkpoints. A chunk holds rows of one table. */
struct writer {
    struct crun *r;
    unsigned idx;
    struct ctable *ct; /* the table of the open chunk, or NULL */
    int located;       /* the error being reported names its range already */
    struct sl_chunk_config cfg;
    struct sl_chunk_ops ops;
    struct sl_chunk_writer *cw;
};

/* Writes ", the row with `k` = v" for row of b (its primary key values,
 * shortened) into out, or nothing when the table has no primary key. */
static void name_key(const struct ctable *ct, const struct sl_batch *b, size_t row, char *out,
                     size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < ct->src.npk && n + 1 < len; i++) {
        const char *k = ct->src.cols[ct->src.pk[i]].name;
        size_t col = 0;
        while (col < ct->ncols && strcmp(ct->cols[col], k) != 0)
            col++;
        if (col == ct->ncols)
            return; /* a generated key column: not in the batch */
        const struct sl_cell *c = sl_batch_cell(b, row, col);
        char v[72] = "NULL";
        if (c->len != SL_CELL_NULL)
            sl_value_format(ct->kinds ? ct->kinds[col] : SL_VALUE_TEXT, sl_batch_cell_data(b, c),
                            c->len, v, 65);
        int m = snprintf(out + n, len - n, "%s`%s` = %s", i ? ", " : ", the row with ", k, v);
        if (m < 0)
            return;
        n += (size_t)m;
    }
}

/* Names the table, range and (when the server named one) row of a failed
 * write. */
static void locate(void *ctx, const struct sl_batch *b, const struct sl_writer_fault *f,
                   struct sl_err *e)
{
    struct writer *wr = ctx;
    const struct ctable *ct = &wr->r->t[b->source];
    char name[160], key[300] = "";
    sl_copy_range_name(ct, sl_cpos_range(b->start), name, sizeof name);
    if (f->row >= 0 && (size_t)f->row < b->nrows)
        name_key(ct, b, (size_t)f->row, key, sizeof key);
    sl_err_prefix(e, "writing %s.%s, %s%s", ct->dst_schema, ct->dst_name, name, key);
    wr->located = 1;
}

/* The chunk cannot be written: its table fails, the others go on. */
static void fail(void *ctx, const struct sl_err *why)
{
    struct writer *wr = ctx;
    struct sl_err e = *why;
    if (!wr->located)
        sl_err_prefix(&e, "writing %s.%s", wr->ct->dst_schema, wr->ct->dst_name);
    wr->located = 0;
    sl_crun_fail_table(wr->r, wr->ct, &e);
}

static void committed(void *ctx, struct sl_batch *const *held, size_t n, uint64_t written,
                      uint64_t ignored, uint64_t updated)
{
    struct writer *wr = ctx;
    struct ctable *ct = &wr->r->t[held[0]->source];
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += held[i]->arena.len;
    atomic_fetch_add(&ct->rows_written, written);
    atomic_fetch_add(&ct->rows_ignored, ignored);
    atomic_fetch_add(&ct->rows_updated, updated);
    atomic_fetch_add(&ct->bytes_written, bytes);
}

/* A batch committed or dropped: it counts as done for its range, and goes
 * back to the pool. */
static void release(void *ctx, struct sl_batch *b, int was_committed)
{
    struct writer *wr = ctx;
    struct crun *r = wr->r;
    batches_done(r, &r->t[b->source], sl_cpos_range(b->start), was_committed);
    sl_queue_push(&r->free, b);
}

/* The checkpoint job of b's rows: its table's, if it keeps one. */
static const struct sl_checkpoint_job *job(void *ctx, const struct sl_batch *b)
{
    struct writer *wr = ctx;
    const struct ctable *ct = &wr->r->t[b->source];
    return ct->has_job ? &ct->job : NULL;
}

static void note(void *ctx, const char *msg)
{
    struct writer *wr = ctx;
    sl_progress_printf(wr->r->progress, "%s", msg);
}

/* Writes one batch into the open chunk of its table, committing first when
 * the table changes, and after it when the chunk is full. */
static void write_batch(struct writer *wr, struct sl_batch *b)
{
    struct crun *r = wr->r;
    struct ctable *ct = &r->t[b->source];
    if (wr->ct != ct) {
        sl_chunk_writer_commit(wr->cw); /* fail() names wr->ct: commit before it changes */
        wr->ct = ct;
        sl_chunk_writer_target(wr->cw, &ct->target, ct->has_job ? r->to.db : NULL);
    }
    if (table_failed(r, ct) || atomic_load(&r->stop)) {
        release(wr, b, 0);
        return;
    }
    if (sl_chunk_writer_add(wr->cw, b) != 0)
        return;
    if (sl_chunk_writer_rows(wr->cw) >= r->c->txn_rows ||
        sl_chunk_writer_held(wr->cw) == r->max_held ||
        sl_chunk_writer_bytes(wr->cw) >= CCHUNK_BYTES)
        sl_chunk_writer_commit(wr->cw);
}

static void *writer_main(void *arg)
{
    struct writer *wr = arg;
    struct crun *r = wr->r;
    sl_conn_thread_begin();
    for (;;) {
        struct sl_batch *b = sl_queue_try_pop(&r->full);
        if (!b) {
            /* nothing waiting: commit rather than hold rows back, so that a
             * table completes as soon as its last rows are in */
            sl_chunk_writer_commit(wr->cw);
            b = sl_queue_pop(&r->full);
        }
        if (!b)
            break;
        write_batch(wr, b);
    }
    sl_chunk_writer_commit(wr->cw);
    sl_chunk_writer_discard(wr->cw); /* stopping: nothing uncommitted may stay */
    /* the last writer: the index builder (or else the verifier) drains and ends */
    if (atomic_fetch_sub(&r->writers_left, 1) == 1)
        sl_queue_close(r->indexer ? &r->index : &r->done);
    sl_conn_thread_end();
    thread_ends(r);
    return NULL;
}

/* Makes writer i's chunk writer on wconn[i]. Returns 0 or -1 (no memory). */
static int writer_init(struct crun *r, struct writer *wr, unsigned i)
{
    *wr = (struct writer){.r = r, .idx = i};
    wr->cfg = (struct sl_chunk_config){
        .conn_opts = &r->dst_co,
        .session_sql = "SET SESSION foreign_key_checks = 0",
        .stmt_rows = r->c->batch_rows,
        .max_packet = (size_t)r->max_packet,
        .max_held = r->max_held,
        .retries = r->c->retries,
        .retry_max_seconds = (double)r->c->retry_max_seconds,
        .stop = &r->stop,
        .retry_count = &r->retries,
        .index = i,
    };
    wr->ops = (struct sl_chunk_ops){
        .ctx = wr,
        .fail = fail,
        .locate = locate,
        .job = job,
        .committed = committed,
        .release = release,
        .note = note,
    };
    return sl_chunk_writer_new(&wr->cw, &wr->cfg, &wr->ops, &r->wconn[i]);
}

/* ---- the target connections of the index builder and the verifier ---- */

/* True when e left m unusable: a lost connection that does not answer. */
static int target_lost(MYSQL *m, const struct sl_err *e)
{
    return sl_errno_conn_gone(e->server_errno) && !sl_conn_alive(m);
}

/* Once target_lost: waits as the writers do, counting each retry, and opens
 * *m again (*m is closed, and NULL if no attempt succeeds). who names the
 * thread in the notices. Returns 0, or -1 with e set when the retries are
 * used up, the error is not transient, or the run is stopping. */
static int target_reconnect(struct crun *r, MYSQL **m, const char *who, struct sl_backoff *bo,
                            struct sl_err *e)
{
    sl_conn_close(*m);
    *m = NULL;
    for (;;) {
        double delay = sl_backoff_next(bo);
        if (delay < 0) {
            sl_err_prefix(e, "giving up after %u retries in %.0f s", bo->attempts - 1,
                          sl_backoff_spent(bo));
            return -1;
        }
        sl_progress_printf(r->progress, "sluice: %s: %s; retry %u of %u in %.1f s\n", who, e->msg,
                           bo->attempts, bo->retries, delay);
        atomic_fetch_add(&r->retries, 1);
        if (sl_backoff_pause(bo, delay) != 0)
            return -1;
        if (sl_conn_open(m, &r->dst_co, e) == 0)
            return 0;
        *m = NULL;
        if (e->kind != SL_ERR_RETRYABLE)
            return -1;
    }
}

/* ---- the index builder ---- */

/* Runs ct's ALTER TABLE that adds its deferred indexes on r->iconn. When the
 * connection is lost, opens it again and, unless the keys are there (the
 * ALTER ended, its answer lost), runs it again. Returns 0 or -1 with e set. */
static int add_indexes(struct crun *r, struct ctable *ct, struct sl_err *e)
{
    if (!r->iconn)
        return sl_err_set(e, SL_ERR_FATAL,
                          "the index builder's connection to the target was lost and could not "
                          "be opened again");
    struct sl_backoff bo;
    sl_backoff_init(&bo, r->c->retries, (double)r->c->retry_max_seconds, &r->stop, 1);
    for (;;) {
        if (sl_conn_exec(r->iconn, sl_buf_cstr(&ct->sql.add), e) == 0)
            return 0;
        if (!target_lost(r->iconn, e))
            return -1;
        int rc;
        do {
            if (target_reconnect(r, &r->iconn, "index builder", &bo, e) != 0)
                return -1;
            atomic_store(&r->iconn_id, sl_conn_id(r->iconn));
        } while ((rc = sl_conn_exec(r->iconn, "SET SESSION foreign_key_checks = 0", e)) != 0 &&
                 target_lost(r->iconn, e));
        if (rc != 0)
            return -1;
        char note[SL_ERR_MSG_MAX];
        long missing = sl_copy_keys_missing(ct, r->iconn, note, sizeof note, e);
        if (missing == 0) /* the ALTER ended; its answer was lost */
            return 0;
        if (missing < 0 && !target_lost(r->iconn, e))
            return -1;
    }
}

static void *indexer_main(void *arg)
{
    struct crun *r = arg;
    struct ctable *ct;
    while ((ct = sl_queue_pop(&r->index)) != NULL) {
        struct sl_err e;
        pthread_mutex_lock(&r->mu);
        r->indexing = ct;
        ct->alter_phase = 1;
        pthread_mutex_unlock(&r->mu);
        int added = 0;
        if (!atomic_load(&r->stop) && !table_failed(r, ct)) {
            added = add_indexes(r, ct, &e) == 0;
            if (!added) {
                sl_err_prefix(&e, "adding the deferred indexes of %s.%s", ct->dst_schema,
                              ct->dst_name);
                sl_crun_fail_table(r, ct, &e);
            }
        }
        pthread_mutex_lock(&r->mu);
        ct->indexed = added;
        r->indexing = NULL;
        ct->alter_phase = 2;
        ct->t1 = sl_now(); /* the table's time includes building its indexes */
        table_to_verifier(r, ct);
        pthread_mutex_unlock(&r->mu);
    }
    sl_queue_close(&r->done); /* after the last table: the verifier drains and ends */
    thread_ends(r);
    return NULL;
}

/* ---- the verifier ---- */

static void report_table(struct crun *r, struct ctable *ct)
{
    if (ct->verdict == SL_VERIFY_NONE) {
        char a[32];
        snprintf(ct->verdict_note, sizeof ct->verdict_note, "%s rows; not verified: %s",
                 sl_fmt_count(atomic_load(&ct->rows_written), a, sizeof a),
                 ct->no_verify ? ct->no_verify : "--no-verify");
    }
    sl_copy_report(r, ct);
}

static int read_alter_state(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    int *past = ctx;
    *past = n < 1 || !v[0] || strncasecmp(v[0], "altering table", 14) == 0 ||
            strncasecmp(v[0], "committing alter table", 22) == 0;
    return 0;
}

/* True once the ALTER TABLE on the index builder's connection has got past
 * its start (or ended): the state "altering table" or what follows it. */
static int alter_under_way(struct crun *r)
{
    char id[24];
    snprintf(id, sizeof id, "%lu", atomic_load(&r->iconn_id));
    const char *params[] = {id};
    int past = 1; /* no such thread: the ALTER is over */
    struct sl_err e;
    if (sl_conn_select(r->vconn,
                       "SELECT /* sluice verify */ STATE FROM information_schema.PROCESSLIST "
                       "WHERE ID = ?",
                       params, 1, read_alter_state, &past, &e) != 0)
        return 1; /* cannot tell: do not wait */
    return past;
}

/* Before ct is compared while its deferred indexes are being added: an
 * in-place ALTER TABLE needs the table to itself for a moment as it starts,
 * so a comparison that got there first would hold the index build up until
 * it ended. Waits (a few seconds at most) until the ALTER is under way, or
 * over, or queued behind another table's. */
static void wait_for_alter(struct crun *r, struct ctable *ct)
{
    if (!r->indexer || ct->sql.add.len == 0)
        return;
    for (int i = 0; i < 1000 && !atomic_load(&r->stop); i++) {
        pthread_mutex_lock(&r->mu);
        int phase = ct->alter_phase;
        int behind = r->indexing && r->indexing != ct;
        pthread_mutex_unlock(&r->mu);
        if (phase == 2 || (phase == 0 && behind) || (phase == 1 && alter_under_way(r)))
            return;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Records that every row of range k of ct is committed, so that --resume
 * need not read it again. Nothing when ct keeps no checkpoints, the range
 * was marked before, or a batch of it was dropped. */
static int mark_complete(struct crun *r, struct ctable *ct, uint64_t k, struct sl_err *e)
{
    pthread_mutex_lock(&r->mu);
    int mark = r->vckw && ct->has_job && !ct->r[k].complete_before && ct->r[k].dropped == 0;
    pthread_mutex_unlock(&r->mu);
    if (!mark)
        return 0;
    uint64_t at = sl_cpos(k, SL_CPOS_COMPLETE);
    /* a duplicate: recorded before the connection was lost */
    if (sl_checkpoint_record(r->vckw, &ct->job, at, at, 0, e) != 0 && e->server_errno != 1062) {
        sl_err_prefix(e, "marking a key range of %s.%s complete", ct->dst_schema, ct->dst_name);
        return -1;
    }
    return 0;
}

/* Handles one event of the verifier on r->vconn. Returns 0, or -1 with e
 * set when a side could not be read. */
static int verify_event(struct crun *r, const struct cverify *ev, struct sl_err *e)
{
    struct ctable *ct = ev->ct;
    if (ev->range == CV_ROWS) {
        /* every row is in: compare the whole table, while the deferred
         * indexes (if any) are added */
        wait_for_alter(r, ct);
        if (table_failed(r, ct)) /* adding its indexes failed meanwhile */
            return 0;
        return sl_copy_verify_whole(r, ct, r->vsrc, r->vconn, e);
    }
    if (ev->range != CV_TABLE) {
        /* a range whose rows are all in: mark it so, and sum it up while
         * the copy goes on */
        if (mark_complete(r, ct, ev->range, e) != 0)
            return -1;
        return ct->verify && !ct->whole ? sl_copy_sum_range(r, ct, ev->range, r->vconn, 0, e) : 0;
    }
    if (ct->verify && !ct->whole && sl_copy_verify_table(r, ct, r->vconn, e) != 0)
        return -1;
    if (ct->verdict != SL_VERIFY_NONE && sl_copy_verify_keys(ct, r->vconn, e) != 0)
        return -1;
    report_table(r, ct);
    return 0;
}

/* Sets the verifier's connection up again once target_reconnect opened
 * it. Returns 0 or -1 with e set. */
static int reopen_vconn(struct crun *r, struct sl_err *e)
{
    if (sl_conn_exec(r->vconn, "SET autocommit = 1", e) != 0)
        return -1;
    return r->marks ? sl_checkpoint_writer_open(&r->vckw, r->vconn, r->to.db, e) : 0;
}

static void *verifier_main(void *arg)
{
    struct crun *r = arg;
    struct cverify *ev;
    while ((ev = sl_queue_pop(&r->done)) != NULL) {
        struct ctable *ct = ev->ct;
        if (atomic_load(&r->stop))
            break;
        if (table_failed(r, ct))
            continue;
        struct sl_err e;
        if (!r->vconn) {
            sl_err_set(&e, SL_ERR_FATAL,
                       "the verifier's connection to the target was lost and could not be "
                       "opened again");
            sl_crun_fail_table(r, ct, &e);
            continue;
        }
        struct sl_backoff bo;
        sl_backoff_init(&bo, r->c->retries, (double)r->c->retry_max_seconds, &r->stop, 0);
        int rc;
        /* a lost target connection is opened again and the event redone */
        while ((rc = verify_event(r, ev, &e)) != 0 && target_lost(r->vconn, &e)) {
            sl_checkpoint_writer_close(r->vckw);
            r->vckw = NULL;
            while ((rc = target_reconnect(r, &r->vconn, "verifier", &bo, &e)) == 0 &&
                   (rc = reopen_vconn(r, &e)) != 0 && target_lost(r->vconn, &e))
                ;
            if (rc != 0)
                break;
        }
        if (rc != 0)
            sl_crun_fail_table(r, ct, &e);
    }
    thread_ends(r);
    return NULL;
}

/* ---- the run ---- */

static void on_signal(void *ctx, int sig)
{
    struct crun *r = ctx;
    atomic_store(&r->interrupted, 1);
    sl_progress_printf(r->progress, "sluice: %s: stopping; open transactions are rolled back\n",
                       sig == SIGINT ? "interrupted" : "terminated");
    sl_crun_stop(r);
}

/* The connections whose statements are stopped on an interruption. */
struct victim {
    MYSQL *via; /* the connection that sends the KILL (same server) */
    unsigned long id;
};

/* Stops the readers' statements on the source, so they need not read to the
 * end of a range before they can stop, the index builder's ALTER TABLE on
 * the target, and the verifier's comparison on either side. */
static void kill_reads(const struct victim *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        sl_conn_kill_query(v[i].via, v[i].id);
}

static void draw_progress(struct crun *r, double t0)
{
    uint64_t rows = 0, bytes = 0, est = 0;
    size_t done = 0, todo = 0;
    const struct ctable *cur = NULL;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->nt; i++) {
        const struct ctable *ct = &r->t[r->order[i]];
        if (ct->action == CT_SKIP)
            continue;
        todo++;
        done += ct->complete;
        rows += atomic_load_explicit(&ct->rows_written, memory_order_relaxed);
        bytes += atomic_load_explicit(&ct->bytes_written, memory_order_relaxed);
        est += ct->est_rows > 0 ? (uint64_t)ct->est_rows : 0;
        if (!cur && ct->started && !ct->complete)
            cur = ct;
    }
    pthread_mutex_unlock(&r->mu);
    double secs = sl_now() - t0;
    double rate = secs > 0 ? (double)rows / secs : 0;
    char a[32], b[32], c[32], eta[32] = "";
    if (est > rows && rate > 0)
        snprintf(eta, sizeof eta, ", ETA %.0f s", (double)(est - rows) / rate);
    char now[200] = "";
    if (cur) {
        uint64_t w = atomic_load_explicit(&cur->rows_written, memory_order_relaxed);
        if (cur->est_rows > 0)
            snprintf(now, sizeof now, "; now %s.%s %.0f%%", cur->dst_schema, cur->dst_name,
                     100.0 * (double)w / (double)cur->est_rows);
        else
            snprintf(now, sizeof now, "; now %s.%s", cur->dst_schema, cur->dst_name);
    }
    sl_progress_line(r->progress, "copy: %zu/%zu tables, %s of ~%s rows, %.1f MB, %s rows/s%s%s",
                     done, todo, sl_fmt_count(rows, a, sizeof a), sl_fmt_count(est, b, sizeof b),
                     (double)bytes / 1e6, sl_fmt_count((uint64_t)rate, c, sizeof c), eta, now);
}

/* Rows per batch: whole INSERT statements, up to CBATCH_ROWS rows and no
 * more than a transaction's, fewer for wide tables so that a batch's cells
 * stay under CBATCH_CELLS. */
static size_t batch_rows(const struct crun *r, size_t maxcols)
{
    size_t stmt = r->c->batch_rows;
    size_t rows = r->c->txn_rows < CBATCH_ROWS ? (size_t)r->c->txn_rows : CBATCH_ROWS;
    if (rows * maxcols > CBATCH_CELLS)
        rows = CBATCH_CELLS / maxcols;
    rows -= rows % stmt;
    return rows < stmt ? stmt : rows;
}

static int setup_pool(struct crun *r)
{
    size_t maxcols = 1;
    for (size_t i = 0; i < r->nt; i++)
        if (r->t[i].ncols > maxcols)
            maxcols = r->t[i].ncols;
    size_t rows = batch_rows(r, maxcols);
    /* a chunk ends at --txn-rows rows or CCHUNK_BYTES bytes */
    uint64_t by_rows = (r->c->txn_rows + rows - 1) / rows;
    size_t by_bytes = CCHUNK_BYTES / CBATCH_SOFT_BYTES;
    r->max_held = by_rows < by_bytes ? (size_t)by_rows : by_bytes;
    if (r->max_held < 1)
        r->max_held = 1;
    /* every writer may hold a whole chunk plus the batch it is writing;
     * every reader fills one and may have two waiting */
    r->npool = (size_t)r->nwr * (r->max_held + 1) + 3 * (size_t)r->nr;
    r->pool = calloc(r->npool, sizeof *r->pool);
    if (!r->pool || sl_queue_init(&r->free, r->npool) != 0 ||
        sl_queue_init(&r->full, r->npool) != 0)
        return -1;
    /* one event per range, and two per table (CV_ROWS, CV_TABLE) */
    size_t nevents = r->nitems + 2 * r->nt + 1;
    r->events = calloc(nevents, sizeof *r->events);
    if (!r->events || sl_queue_init(&r->done, nevents) != 0 ||
        sl_queue_init(&r->index, r->nt + 1) != 0)
        return -1;
    size_t arena = r->max_packet > CBATCH_SOFT_BYTES ? (size_t)r->max_packet : CBATCH_SOFT_BYTES;
    for (size_t i = 0; i < r->npool; i++) {
        r->pool[i] = sl_batch_new(maxcols, rows, arena);
        if (!r->pool[i] || sl_queue_push(&r->free, r->pool[i]) != 0)
            return -1;
    }
    return 0;
}

int sl_crun_run(struct crun *r)
{
    struct sl_err e;
    struct reader *rd = calloc(r->nr, sizeof *rd);
    struct writer *wr = calloc(r->nwr, sizeof *wr);
    unsigned nindexer = r->indexer;
    pthread_t *tids = calloc((size_t)r->nr + r->nwr + nindexer + 1, sizeof *tids);
    struct victim *victims = calloc((size_t)r->nr + nindexer + 2, sizeof *victims);
    unsigned nvictims = 0;
    if (!rd || !wr || !tids || !victims || setup_pool(r) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "out of memory");
        sl_crun_fail(r, &e);
        goto out;
    }
    struct sl_signals sigs = {0};
    if (sl_signals_start(&sigs, on_signal, r, r->progress, "sluice: second signal: exiting now\n",
                         SL_EXIT_INTERRUPTED) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "cannot start the signal thread");
        sl_crun_fail(r, &e);
        goto out;
    }
    atomic_init(&r->next, 0);
    atomic_init(&r->readers_left, r->nr);
    atomic_init(&r->writers_left, r->nwr);
    atomic_init(&r->threads_left, r->nr + r->nwr + nindexer + 1);
    unsigned nthreads = 0, want = r->nr + r->nwr + nindexer + 1;
    for (unsigned i = 0; i < r->nr; i++)
        victims[nvictims++] = (struct victim){r->src, sl_conn_id(r->rconn[i])};
    if (nindexer)
        victims[nvictims++] = (struct victim){r->dst, sl_conn_id(r->iconn)};
    victims[nvictims++] = (struct victim){r->dst, sl_conn_id(r->vconn)};
    if (r->vsrc)
        victims[nvictims++] = (struct victim){r->src, sl_conn_id(r->vsrc)};
    for (unsigned i = 0; i < want; i++) {
        int ok;
        if (i < r->nr) {
            rd[i] = (struct reader){.r = r, .m = r->rconn[i]};
            sl_buf_init(&rd[i].sql, SQL_MAX);
            ok = pthread_create(&tids[i], NULL, reader_main, &rd[i]) == 0;
        } else if (i < r->nr + r->nwr) {
            ok = writer_init(r, &wr[i - r->nr], i - r->nr) == 0 &&
                 pthread_create(&tids[i], NULL, writer_main, &wr[i - r->nr]) == 0;
        } else if (i < r->nr + r->nwr + nindexer) {
            ok = pthread_create(&tids[i], NULL, indexer_main, r) == 0;
        } else {
            ok = pthread_create(&tids[i], NULL, verifier_main, r) == 0;
        }
        if (!ok) {
            sl_err_set(&e, SL_ERR_FATAL, "cannot start threads");
            sl_crun_fail(r, &e);
            atomic_fetch_sub(&r->threads_left, want - i);
            break;
        }
        nthreads++;
    }
    double t0 = sl_now();
    int killed = 0;
    pthread_mutex_lock(&r->mu);
    while (atomic_load(&r->threads_left) > 0) {
        /* progress ten times a second, or at once when the last thread ends */
        sl_progress_wait(&r->ended, &r->mu, 100);
        pthread_mutex_unlock(&r->mu);
        if (atomic_load(&r->stop) && !killed) {
            kill_reads(victims, nvictims);
            killed = 1;
        }
        draw_progress(r, t0);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(tids[i], NULL);
    sl_signals_stop(&sigs);
out:
    for (unsigned i = 0; rd && i < r->nr; i++)
        sl_buf_release(&rd[i].sql);
    free(rd);
    for (unsigned i = 0; wr && i < r->nwr; i++)
        sl_chunk_writer_free(wr[i].cw);
    free(wr);
    free(tids);
    free(victims);
    return r->failed || atomic_load(&r->interrupted) ? -1 : 0;
}
