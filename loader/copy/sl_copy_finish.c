/*
 * What follows the writers of a copy: the index builder, which adds a
 * complete table's deferred indexes, and the verifier, which marks
 * complete key ranges in the checkpoints, sums ranges up on the target,
 * compares tables and reports them. Both run as helpers of the engine's
 * run (sl_copy_stage.c), each on its own target connection, which they
 * open again when it is lost.
 */
#include <strings.h>
#include <time.h>

#include "sl_backoff.h"
#include "sl_copy_run.h"
#include "sl_errno.h"

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
        atomic_fetch_add(&r->counters.retries, 1);
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

void sl_copy_index_builder(struct crun *r)
{
    struct ctable *ct;
    while ((ct = sl_queue_pop(&r->index)) != NULL) {
        struct sl_err e;
        pthread_mutex_lock(&r->mu);
        r->indexing = ct;
        ct->alter_phase = 1;
        pthread_mutex_unlock(&r->mu);
        int added = 0;
        if (!atomic_load(&r->stop) && !sl_crun_table_failed(r, ct)) {
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
        sl_crun_table_done(r, ct);
        pthread_mutex_unlock(&r->mu);
    }
    sl_queue_close(&r->done); /* after the last table: the verifier drains and ends */
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
    uint64_t at = sl_mysql_pos(k, SL_CPOS_COMPLETE);
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
        if (sl_crun_table_failed(r, ct)) /* adding its indexes failed meanwhile */
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
    return r->marks ? sl_checkpoint_writer_open(&r->vckw, r->vconn, r->ckpt_db, e) : 0;
}

void sl_copy_verifier(struct crun *r)
{
    struct cverify *ev;
    while ((ev = sl_queue_pop(&r->done)) != NULL) {
        struct ctable *ct = ev->ct;
        if (atomic_load(&r->stop))
            break;
        if (sl_crun_table_failed(r, ct))
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
}
