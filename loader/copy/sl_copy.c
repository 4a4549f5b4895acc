/*
 * The course of a copy: connections, the plan, the snapshot and key ranges,
 * the run (sl_copy_stage.c) or the comparison alone, and the results.
 */
#include "sl_copy.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_copy_run.h"
#include "sl_ident.h"
#include "sl_sql.h"

static int found_one(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)v, (void)lens, (void)n;
    *(int *)ctx = 1;
    return 0;
}

/* --shard, appending: whether the target held rows in this shard's part
 * before; if so, the part cannot be compared, as a whole table that had
 * rows cannot. */
static int look_for_rows(struct crun *r, struct ctable *ct, struct sl_err *err)
{
    struct sl_key_ranges part = ct->ranges;
    part.n = 1; /* one condition over the whole part */
    struct sl_buf sql;
    sl_buf_init(&sql, 1 << 16);
    int rc = sl_buf_puts(&sql, "SELECT 1 FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&sql, ct->dst_schema, ct->dst_name);
    if (rc == 0 && !sl_key_ranges_whole(&part) && (rc = sl_buf_puts(&sql, " WHERE ")) == 0)
        rc = sl_key_ranges_cond(&part, 0, ct->key.data, &sql);
    if (rc == 0)
        rc = sl_buf_puts(&sql, " LIMIT 1");
    int found = 0;
    rc = rc == 0 && sl_buf_cstr(&sql)
             ? sl_conn_select(r->dst, sl_buf_cstr(&sql), NULL, 0, found_one, &found, err)
             : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&sql);
    if (rc != 0)
        return -1;
    ct->fresh = !found;
    if (found && ct->verify) {
        ct->verify = 0;
        ct->no_verify = "the target table had rows in this shard's key range before "
                        "(--if-exists append)";
    }
    return 0;
}

/* Splits ct's key span (as r->src sees it, in the snapshot) into ranges of
 * about chunk_rows rows, and at least one per reader. */
static int plan_ranges(struct crun *r, struct ctable *ct, struct sl_err *err)
{
    if (ct->resumed) /* the plan its checkpoints were recorded under */
        return sl_copy_ckpt_ranges(r, ct, err);
    ct->ranges.n = 1;
    int rc = 0;
    if (ct->key.len > 0) {
        char *min = NULL, *max = NULL;
        rc = sl_table_key_span(r->src, &ct->src, &min, &max, err);
        if (rc == 0 && min) {
            const struct sl_copy_config *c = r->c;
            uint64_t want = sl_key_ranges_want(ct->est_rows, c->chunk_rows, c->readers);
            int is_signed = !ct->src.cols[ct->src.pk[0]].is_unsigned;
            rc = sl_key_ranges_init(&ct->ranges, is_signed, min, max, want, err);
            if (rc == 0 && ct->split) {
                uint64_t part = want / c->shard.count;
                sl_key_ranges_shard(&ct->ranges, c->shard.index, c->shard.count,
                                    part > c->readers ? part : c->readers);
            }
        } else if (rc == 0 && ct->split && r->c->shard.index > 0) {
            ct->ranges.none = 1; /* no rows: shard 0 reads whatever comes */
        }
        free(min);
        free(max);
        if (rc != 0) {
            sl_err_prefix(err, "reading the key span of %s.%s", ct->src.schema, ct->src.name);
            return -1;
        }
    }
    ct->r = calloc(ct->ranges.n, sizeof *ct->r);
    if (!ct->r)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (ct->look_for_rows && look_for_rows(r, ct, err) != 0)
        return -1;
    return sl_copy_ckpt_ranges(r, ct, err);
}

struct by_size {
    long long est;
    size_t idx;
};

static int cmp_size(const void *a, const void *b)
{
    const struct by_size *x = a, *y = b;
    if (x->est != y->est)
        return x->est > y->est ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Lists every (table, range) to read, larger tables first. */
static int plan_items(struct crun *r, struct sl_err *err)
{
    r->order = malloc((r->nt ? r->nt : 1) * sizeof *r->order);
    struct by_size *s = malloc((r->nt ? r->nt : 1) * sizeof *s);
    if (!r->order || !s) {
        free(s);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t i = 0; i < r->nt; i++)
        s[i] = (struct by_size){r->t[i].est_rows, i};
    qsort(s, r->nt, sizeof *s, cmp_size);
    for (size_t i = 0; i < r->nt; i++)
        r->order[i] = s[i].idx;
    free(s);
    r->nitems = 0;
    for (size_t i = 0; i < r->nt; i++)
        if (r->t[i].action != CT_SKIP)
            r->nitems += r->t[i].ranges.n;
    r->items = calloc(r->nitems ? r->nitems : 1, sizeof *r->items);
    if (!r->items)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    uint64_t n = 0;
    for (size_t i = 0; i < r->nt; i++) {
        const struct ctable *ct = &r->t[r->order[i]];
        if (ct->action == CT_SKIP)
            continue;
        for (uint64_t k = 0; k < ct->ranges.n; k++)
            r->items[n++] = (struct citem){r->order[i], k};
    }
    return 0;
}

static int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int check_config(const struct crun *r, struct sl_err *err)
{
    const struct sl_copy_config *c = r->c;
    if (!r->from.db)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from must name a database: mysql://host/db[/table]");
    if (!r->to.db)
        return sl_err_set(err, SL_ERR_FATAL, "--to must name a database: mysql://host/db[/table]");
    if (r->from.table && c->tables)
        return sl_err_set(err, SL_ERR_FATAL, "--from names a table and --tables is given: use one");
    if (c->verify_only && c->mode != SL_MODE_INSERT)
        return sl_err_set(err, SL_ERR_FATAL, "--verify-only writes nothing: drop --mode");
    if (c->verify_only && c->dry_run)
        return sl_err_set(err, SL_ERR_FATAL, "--verify-only writes nothing: drop --dry-run");
    if (r->to.table && !r->from.table)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--to names a table, so --from must name exactly one table too");
    int same_server = same_string(r->from.host, r->to.host) && r->from.port == r->to.port &&
                      same_string(r->from.socket, r->to.socket);
    const char *src_t = r->from.table, *dst_t = r->to.table ? r->to.table : r->from.table;
    if (same_server && strcmp(r->from.db, r->to.db) == 0 && same_string(src_t, dst_t) &&
        !c->verify_only)
        return sl_err_set(err, SL_ERR_FATAL, "--from and --to name the same %s on the same server",
                          src_t ? "table" : "database");
    return sl_sql_check_one("--where", c->where, err);
}

/* Opens the readers, a spare to take over from a reader whose connection
 * is lost and, when a table is compared whole, the verifier's source
 * connection, all in one snapshot with r->src (for --verify-only, want is
 * 0: r->src alone). r->rconn holds the readers, then the spare. */
static int open_readers(struct crun *r, unsigned want, struct sl_err *err)
{
    unsigned extra = 0;
    for (size_t i = 0; want > 0 && i < r->nt; i++)
        extra |= r->t[i].action != CT_SKIP && r->t[i].whole;
    unsigned spares = want > 0 ? 1 : 0;
    unsigned all = want + spares + extra;
    r->rconn = calloc(all ? all : 1, sizeof *r->rconn);
    if (!r->rconn)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (r->nr = 0; r->nr < all; r->nr++) {
        if (sl_conn_open(&r->rconn[r->nr], &r->src_co, err) != 0)
            return -1;
        r->nr_open = r->nr + 1;
        /* a reader waiting for free batches makes the server wait to send */
        if (sl_conn_exec(r->rconn[r->nr], "SET SESSION net_write_timeout = 86400", err) != 0)
            return -1;
    }
    /* the verifier's connection shares the snapshot as a reader does: it
     * counts towards taking the lock */
    if (extra) {
        MYSQL *v = r->rconn[all - 1];
        memmove(&r->rconn[want + 1], &r->rconn[want], spares * sizeof *r->rconn);
        r->rconn[want] = v;
    }
    double held;
    if (sl_snapshot_open(r->src, r->rconn, want + extra, spares, r->c->consistency, &held, err) !=
        0)
        return -1;
    if (held >= 0 && r->c->progress)
        fprintf(r->log, "sluice: global read lock held %.3f s while %u snapshots opened\n", held,
                all + 1);
    if (extra) { /* out of the readers' list, the spare back after them */
        r->vsrc = r->rconn[want];
        memmove(&r->rconn[want], &r->rconn[want + 1], spares * sizeof *r->rconn);
        r->rconn[all - 1] = NULL;
    }
    r->nr = want;
    r->nspare = spares;
    r->nr_open = want + spares;
    return 0;
}

static int open_writers(struct crun *r, struct sl_err *err)
{
    struct sl_conn_opts co = r->dst_co;
    co.use_db = 1;
    r->dst_co = co;
    r->wconn = calloc(r->c->threads, sizeof *r->wconn);
    if (!r->wconn)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (r->nwr = 0; r->nwr < r->c->threads; r->nwr++) {
        if (sl_conn_open_at(&r->wconn[r->nwr], &co, r->nwr, NULL, err) != 0 ||
            sl_conn_exec(r->wconn[r->nwr], "SET SESSION foreign_key_checks = 0", err) != 0)
            return -1;
    }
    if (sl_conn_open(&r->vconn, &co, err) != 0)
        return -1;
    /* each comparison must see the rows committed since the last one */
    if (sl_conn_exec(r->vconn, "SET autocommit = 1", err) != 0)
        return -1;
    for (size_t i = 0; i < r->nt; i++)
        r->marks |= r->t[i].has_job;
    /* the verifier marks each complete range */
    if (r->marks && sl_checkpoint_writer_open(&r->vckw, r->vconn, r->ckpt_db, err) != 0)
        return -1;
    int deferred = 0;
    for (size_t i = 0; i < r->nt; i++)
        deferred |= r->t[i].sql.add.len > 0;
    if (!deferred)
        return 0;
    /* foreign keys are added as the writers inserted: unchecked, in place */
    if (sl_conn_open(&r->iconn, &co, err) != 0)
        return -1;
    r->indexer = 1;
    atomic_init(&r->iconn_id, sl_conn_id(r->iconn));
    return sl_conn_exec(r->iconn, "SET SESSION foreign_key_checks = 0", err);
}

void sl_copy_report(struct crun *r, const struct ctable *ct)
{
    const char *what = ct->verdict == SL_VERIFY_PASS   ? "PASS"
                       : ct->verdict == SL_VERIFY_FAIL ? "FAIL"
                                                       : "COPIED";
    if (ct->verdict == SL_VERIFY_FAIL || r->c->progress)
        sl_progress_printf(r->progress, "%s %s.%s: %s\n", what, ct->dst_schema,
                           ct->final_name ? ct->final_name : ct->dst_name, ct->verdict_note);
}

/* --verify-only: compares the tables one after another, whole where it
 * can (sl_copy_verify_whole), else range by range. */
static void verify_only(struct crun *r)
{
    double held;
    struct sl_err e;
    if (sl_snapshot_open(r->dst, NULL, 0, 0, SL_CONSISTENCY_SNAPSHOT, &held, &e) != 0) {
        sl_crun_fail(r, &e);
        return;
    }
    for (size_t i = 0; i < r->nt; i++) {
        struct ctable *ct = &r->t[r->order[i]];
        ct->started = 1;
        ct->t0 = sl_now();
        int rc = 0;
        if (ct->whole) {
            rc = sl_copy_verify_whole(r, ct, r->src, r->dst, &e);
        } else {
            for (uint64_t k = 0; rc == 0 && k < ct->ranges.n; k++)
                rc = sl_copy_sum_range(r, ct, k, r->src, 1, &e);
            if (rc == 0)
                rc = sl_copy_verify_table(r, ct, r->dst, &e);
        }
        if (rc == 0)
            rc = sl_copy_verify_keys(ct, r->dst, &e);
        ct->t1 = sl_now();
        if (rc != 0) {
            sl_crun_fail_table(r, ct, &e);
            continue;
        }
        ct->complete = 1;
        uint64_t rows = ct->dst_count; /* counted when compared whole */
        for (uint64_t k = 0; !ct->whole && k < ct->ranges.n; k++)
            rows += ct->r[k].dst_rows;
        atomic_store(&ct->rows_written, rows);
        sl_copy_report(r, ct);
    }
}

/* Fills the per-table results; returns -1 if any table failed. */
static int collect(struct crun *r, struct sl_copy_result *res)
{
    int bad = 0;
    res->tables = calloc(r->nt ? r->nt : 1, sizeof *res->tables);
    if (!res->tables)
        return -1;
    res->ntables = r->nt;
    for (size_t i = 0; i < r->nt; i++) {
        struct ctable *ct = &r->t[i];
        struct sl_copy_table_result *t = &res->tables[i];
        snprintf(t->source, sizeof t->source, "%s.%s", ct->src.schema ? ct->src.schema : "",
                 ct->src.name ? ct->src.name : "");
        snprintf(t->target, sizeof t->target, "%s.%s", ct->dst_schema,
                 ct->final_name ? ct->final_name : ct->dst_name);
        t->rows = atomic_load(&ct->rows_written);
        t->rows_ignored = atomic_load(&ct->rows_ignored);
        t->rows_updated = atomic_load(&ct->rows_updated);
        t->bytes = atomic_load(&ct->bytes_written);
        t->seconds = ct->started && ct->t1 > ct->t0 ? ct->t1 - ct->t0 : 0;
        t->verdict = ct->verdict;
        if (ct->action == CT_SKIP) {
            t->state = SL_COPY_SKIPPED;
            snprintf(t->note, sizeof t->note, "skipped: the target table exists");
        } else if (ct->failed) {
            t->state = SL_COPY_FAILED;
            snprintf(t->note, sizeof t->note, "%s", ct->err.msg);
        } else if (!ct->complete && ct->started) {
            t->state = SL_COPY_FAILED;
            snprintf(t->note, sizeof t->note, "the run stopped before the table was complete");
        } else if (!ct->complete) {
            t->state = SL_COPY_NOT_RUN;
            snprintf(t->note, sizeof t->note, "not copied: the run stopped first");
        } else {
            t->state = SL_COPY_DONE;
            snprintf(t->note, sizeof t->note, "%s", ct->verdict_note);
        }
        /* a table made without its deferred keys that never got them back:
         * not done, whatever its rows, and the statement that finishes it */
        if (ct->created && ct->sql.add.len > 0 && !ct->indexed) {
            t->finish_sql = strdup(sl_buf_cstr(&ct->sql.add));
            if (!t->finish_sql)
                bad = 1;
            if (t->state == SL_COPY_DONE) {
                t->state = SL_COPY_FAILED;
                snprintf(t->note, sizeof t->note,
                         "its rows are in, but the run stopped before its deferred indexes "
                         "were added");
            }
        }
        if (t->state == SL_COPY_FAILED || t->state == SL_COPY_NOT_RUN ||
            t->verdict == SL_VERIFY_FAIL)
            bad = 1;
    }
    return bad ? -1 : 0;
}

static void release(struct crun *r)
{
    for (unsigned i = 0; r->rconn && i < r->nr_open; i++)
        sl_conn_close(r->rconn[i]);
    for (unsigned i = 0; r->wconn && i < r->nwr; i++)
        if (r->wconn[i])
            sl_conn_close(r->wconn[i]);
    free(r->rconn);
    free(r->wconn);
    sl_checkpoint_writer_close(r->vckw);
    if (r->vconn)
        sl_conn_close(r->vconn);
    if (r->vsrc)
        sl_conn_close(r->vsrc);
    if (r->iconn)
        sl_conn_close(r->iconn);
    if (r->src)
        sl_conn_close(r->src);
    if (r->dst)
        sl_conn_close(r->dst);
    for (size_t i = 0; r->t && i < r->nt; i++)
        sl_copy_table_release(&r->t[i]);
    free(r->t);
    free(r->order);
    free(r->items);
    free(r->events);
    sl_queue_release(&r->index);
    sl_queue_release(&r->done);
    sl_url_release(&r->from);
    sl_url_release(&r->to);
    pthread_mutex_destroy(&r->mu);
}

/* --mode swap, once every table is copied and verified: one RENAME TABLE
 * puts all the new tables in place, so readers see the old set or the new
 * one. If any table failed, none is swapped. */
static int swap_all(struct crun *r, int ok, struct sl_err *err)
{
    if (!ok) {
        fprintf(r->log,
                "sluice: --mode swap: no table was swapped, since not every table was "
                "copied and verified; the copies are left in the *%s tables\n",
                SL_SWAP_NEW_SUFFIX);
        return 0;
    }
    struct sl_swap *v = calloc(r->nt ? r->nt : 1, sizeof *v);
    if (!v)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->nt; i++)
        v[i] = (struct sl_swap){r->t[i].dst_schema, r->t[i].final_name, r->t[i].final_exists};
    int rc = sl_swap_rename(r->dst, v, r->nt, r->c->keep_old, err);
    free(v);
    if (rc == 0 && r->c->progress)
        fprintf(r->log, "sluice: --mode swap: %zu table%s swapped into place%s\n", r->nt,
                r->nt == 1 ? "" : "s",
                r->c->keep_old ? "; the replaced ones are kept as *" SL_SWAP_OLD_SUFFIX : "");
    return rc;
}

/* After the run, before the swap and the checkpoints: the planning
 * connection to the target may have been lost meanwhile (a restart); it is
 * opened again if so. When that fails the dead one stays, and what uses it
 * reports the error. */
static void dst_again(struct crun *r)
{
    if (sl_conn_alive(r->dst))
        return;
    MYSQL *m = NULL;
    struct sl_err e;
    if (sl_conn_open(&m, &r->dst_co, &e) != 0)
        return;
    sl_conn_close(r->dst);
    r->dst = m;
    sl_conn_exec(r->dst, "SET SESSION foreign_key_checks = 0", &e);
}

/* What happens to each table, decided with nothing changed yet. */
static int plan(struct crun *r, int *db_exists, struct sl_err *err)
{
    const struct sl_copy_config *c = r->c;
    char **names = NULL;
    if (sl_copy_list_tables(r, &names, &r->nt, err) != 0)
        return -1;
    r->t = calloc(r->nt, sizeof *r->t);
    int rc = r->t ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < r->nt; i++)
        rc = sl_copy_plan_table(r, &r->t[i], names[i], r->to.table ? r->to.table : names[i], err);
    sl_copy_names_free(names, r->t ? r->nt : 0);
    if (!r->t)
        r->nt = 0;
    *db_exists = 0;
    if (rc == 0 && sl_copy_db_exists(r, db_exists, err) != 0)
        rc = -1;
    if (rc == 0 && !*db_exists && c->verify_only)
        rc = sl_err_set(err, SL_ERR_FATAL, "target database '%s' does not exist", r->to.db);
    for (size_t i = 0; rc == 0 && i < r->nt; i++)
        rc = sl_copy_decide(r, &r->t[i], *db_exists, err);
    if (rc == 0 && !c->verify_only)
        rc = sl_copy_ckpt_prepare(r, *db_exists, err);
    return rc;
}

/* Carries the plan out on the target: the database, the DDL. */
static int apply_plan(struct crun *r, int db_exists, struct sl_err *err)
{
    int rc;
    if (!db_exists) {
        /* the new database takes the source database's charset and collation */
        struct sl_buf sql;
        sl_buf_init(&sql, 4096);
        rc = sl_buf_puts(&sql, "CREATE DATABASE ");
        if (rc == 0)
            rc = sl_ident_append(&sql, r->to.db, strlen(r->to.db));
        if (rc == 0 && !sl_buf_cstr(&sql))
            rc = -1;
        if (rc != 0)
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        else
            rc = sl_conn_exec(r->dst, sql.data, err);
        if (rc != 0 && r->c->shard.count > 1 && err->server_errno == 1007)
            rc = 0; /* another shard made it first */
        sl_buf_release(&sql);
        if (rc == 0 && r->c->progress)
            fprintf(r->log, "sluice: created database %s\n", r->to.db);
        if (rc != 0) {
            sl_err_prefix(err, "creating the target database");
            return -1;
        }
    }
    if (sl_conn_use_db(r->dst, r->to.db, err) != 0)
        return -1;
    if (sl_conn_exec(r->dst, "SET SESSION foreign_key_checks = 0", err) != 0)
        return -1;
    for (size_t i = 0; i < r->nt; i++) {
        if (sl_copy_apply(r, &r->t[i], err) != 0) {
            sl_copy_undo_created(r);
            return -1;
        }
    }
    if (sl_copy_drop_deferred(r, err) != 0 || sl_copy_ckpt_apply(r, err) != 0) {
        sl_copy_undo_created(r);
        return -1;
    }
    return 0;
}

static int read_count(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    if (n > 0 && v[0])
        *(uint64_t *)ctx = strtoull(v[0], NULL, 10);
    return 0;
}

/* The rows of ct's source that a copy would move: COUNT(*) under --where. */
static int count_source(struct crun *r, const struct ctable *ct, uint64_t *rows, struct sl_err *err)
{
    struct sl_buf sql;
    sl_buf_init(&sql, 1 << 20);
    int rc = sl_buf_puts(&sql, "SELECT /* sluice copy --dry-run */ COUNT(*) FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&sql, ct->src.schema, ct->src.name);
    if (rc == 0)
        rc = sl_copy_range_where(r, ct, 0, 1, &sql);
    if (rc != 0 || !sl_buf_cstr(&sql))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    else
        rc = sl_conn_select(r->src, sql.data, NULL, 0, read_count, rows, err);
    sl_buf_release(&sql);
    if (rc != 0)
        sl_err_prefix(err, "counting the rows of %s.%s", ct->src.schema, ct->src.name);
    return rc;
}

/* --dry-run: checks every planned table and counts what would be copied. */
static int dry_run(struct crun *r, int db_exists, struct sl_copy_result *res, struct sl_err *err)
{
    const struct sl_copy_config *c = r->c;
    if (c->consistency == SL_CONSISTENCY_LOCK && c->readers > 1 &&
        sl_copy_need_privs(r->src, "source", NULL, NULL, "RELOAD", err) != 0) {
        sl_err_prefix(err, "--consistency lock");
        return -1;
    }
    res->tables = calloc(r->nt ? r->nt : 1, sizeof *res->tables);
    if (!res->tables)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    res->ntables = r->nt;
    for (size_t i = 0; i < r->nt; i++) {
        struct ctable *ct = &r->t[i];
        struct sl_copy_table_result *t = &res->tables[i];
        snprintf(t->source, sizeof t->source, "%s.%s", ct->src.schema, ct->src.name);
        snprintf(t->target, sizeof t->target, "%s.%s", ct->dst_schema,
                 ct->final_name ? ct->final_name : ct->dst_name);
        snprintf(t->action, sizeof t->action, "%s", sl_copy_action_name(ct));
        t->state = ct->action == CT_SKIP ? SL_COPY_SKIPPED : SL_COPY_NOT_RUN;
        if (ct->action == CT_SKIP)
            continue;
        if (sl_copy_dry_check(r, ct, db_exists, err) != 0 ||
            count_source(r, ct, &t->rows, err) != 0)
            return -1;
    }
    return 0;
}

int sl_copy_run(const struct sl_copy_config *c, struct sl_copy_result *res, FILE *log)
{
    memset(res, 0, sizeof *res);
    sl_err_clear(&res->err);
    struct sl_err *err = &res->err;
    struct sl_progress progress;
    sl_progress_init(&progress, log, c->progress_mode, 0);
    struct crun r;
    memset(&r, 0, sizeof r);
    r.c = c;
    r.log = log;
    r.progress = &progress;
    pthread_mutex_init(&r.mu, NULL);
    atomic_init(&r.stop, 0);
    atomic_init(&r.interrupted, 0);
    int rc = -1, applied = 0;
    unsigned want = 0;
    sl_url_mask(c->from, res->source, sizeof res->source);
    sl_url_mask(c->to, res->target, sizeof res->target);
    if (sl_url_parse_for(&r.from, c->from, "from", err) != 0 ||
        sl_url_parse_for(&r.to, c->to, "to", err) != 0 || check_config(&r, err) != 0)
        goto out;
    sl_url_format(&r.from, res->source, sizeof res->source);
    sl_url_format(&r.to, res->target, sizeof res->target);
    r.ckpt_db = c->checkpoint_db ? c->checkpoint_db : r.to.db;
    r.src_co = (struct sl_conn_opts){
        .url = &r.from,
        .defaults_file = c->from_defaults_file,
        .session_sql = c->session_sql,
        .time_zone = c->time_zone,
        .tls = &c->tls,
        .connect_timeout = c->connect_timeout,
        .flags = &c->flags,
        .use_db = 1,
    };
    r.dst_co = r.src_co;
    r.dst_co.url = &r.to;
    r.dst_co.defaults_file = c->to_defaults_file;
    r.dst_co.use_db = 0; /* the database may not exist yet */
    r.dst_co.local_infile = c->method != SL_CHOOSE_INSERT;
    r.dst_co.hosts_policy = c->hosts_policy;
    if (sl_conn_open(&r.src, &r.src_co, err) != 0 || sl_conn_open(&r.dst, &r.dst_co, err) != 0 ||
        sl_conn_read_var(r.dst, "max_allowed_packet", &r.max_packet, err) != 0)
        goto out;
    if (!c->verify_only) {
        if (sl_write_method_pick(r.dst, c->method, sl_write_mode_verb(c->mode), &r.method,
                                 res->method_why, sizeof res->method_why, err) != 0)
            goto out;
        res->method = sl_write_method_name(r.method);
    }
    if (c->dry_run && (c->before_sql || c->after_sql) && c->progress)
        fprintf(log, "sluice: dry run: --before-sql and --after-sql are not run\n");
    if (c->before_sql && !c->dry_run &&
        sl_conn_run_hook(&r.dst_co, "--before-sql", c->before_sql, err) != 0)
        goto out;
    int db_exists = 0;
    if (plan(&r, &db_exists, err) != 0)
        goto out;
    if (c->dry_run) {
        rc = dry_run(&r, db_exists, res, err);
        goto out;
    }
    if (apply_plan(&r, db_exists, err) != 0)
        goto out;
    applied = 1;
    for (size_t i = 0; i < r.nt; i++) /* a split table's target holds other shards' rows */
        r.t[i].whole = sl_copy_whole_applies(&r, &r.t[i]) && !r.t[i].split;

    /* the snapshot, and the key ranges as it sees them */
    size_t ncopy = 0;
    for (size_t i = 0; i < r.nt; i++)
        ncopy += r.t[i].action != CT_SKIP;
    want = c->verify_only || ncopy == 0 ? 0 : c->readers;
    if (open_readers(&r, want, err) != 0)
        goto out;
    for (size_t i = 0; i < r.nt; i++)
        if (r.t[i].action != CT_SKIP && plan_ranges(&r, &r.t[i], err) != 0)
            goto out;
    if (plan_items(&r, err) != 0)
        goto out;
    res->started = 1;
    if (c->verify_only) {
        verify_only(&r);
    } else if (r.nitems > 0) {
        if (r.nr > r.nitems)
            r.nr = (unsigned)r.nitems; /* the spare readers are closed with the rest */
        if (open_writers(&r, err) != 0)
            goto out;
        if (c->progress)
            fprintf(log, "sluice: copying %zu table%s with %u reader%s and %u writer%s\n", ncopy,
                    ncopy == 1 ? "" : "s", r.nr, r.nr == 1 ? "" : "s", r.nwr,
                    r.nwr == 1 ? "" : "s");
        sl_crun_run(&r);
    }
    res->interrupted = atomic_load(&r.interrupted);
    res->retries = atomic_load(&r.counters.retries);
    if (r.failed)
        *err = r.err;
    rc = collect(&r, res) == 0 && !r.failed && !res->interrupted ? 0 : -1;
    if (!c->verify_only)
        dst_again(&r);
    if (c->mode == SL_MODE_SWAP && !c->verify_only && swap_all(&r, rc == 0, err) != 0)
        rc = -1;
    res->swapped = c->mode == SL_MODE_SWAP && rc == 0;
    struct sl_err ce;
    if (rc == 0 && !c->verify_only && sl_copy_ckpt_finish(&r, &ce) != 0)
        fprintf(log,
                "sluice: warning: the copy is complete, but its checkpoints in %s.%s could "
                "not be deleted: %s\n",
                r.ckpt_db, SL_CHECKPOINT_TABLE, ce.msg);
    if (rc == 0 && c->after_sql && !c->verify_only &&
        sl_conn_run_hook(&r.dst_co, "--after-sql", c->after_sql, err) != 0)
        rc = -1;
out:
    if (applied && !res->started)
        sl_copy_undo_created(&r); /* failed before any row: no table without its keys */
    if (rc != 0 && !res->tables && err->kind == SL_ERR_NONE)
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_progress_clear(&progress);
    res->seconds = sl_now() - progress.start;
    sl_progress_release(&progress);
    release(&r);
    return rc;
}

void sl_copy_result_release(struct sl_copy_result *res)
{
    for (size_t i = 0; res->tables && i < res->ntables; i++)
        free(res->tables[i].finish_sql);
    free(res->tables);
    res->tables = NULL;
    res->ntables = 0;
}
