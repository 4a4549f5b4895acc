/*
 * The course of a cross-engine copy: the plan, the target's tables, the run
 * on the engine, the indexes, and the comparison. See sl_xcopy.h.
 */
#define _GNU_SOURCE /* qsort_r, strverscmp */
#include "sl_xcopy.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_clock.h"
#include "sl_engine.h"
#include "sl_ident.h"
#include "sl_mysql_sink.h"
#include "sl_null_sink.h"
#include "sl_pg.h"
#include "sl_progress.h"
#include "sl_queue.h"
#include "sl_rejects.h"
#include "sl_sqlite.h"
#include "sl_write_method.h"
#include "sl_write_mode.h"
#include "sl_xcopy_run.h"

/* A batch is handed on once its values pass this many bytes; a chunk is
 * committed once it holds this many. */
#define XBATCH_BYTES (1024 * 1024)
#define XCHUNK_BYTES (4 * 1024 * 1024)
#define XBATCH_ROWS  10000

const struct sl_foreign_ops *sl_xcopy_source_for(const char *url)
{
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return &sl_pg_foreign_ops;
    if (strncmp(url, "sqlite://", 9) == 0)
        return &sl_sqlite_foreign_ops;
    return NULL;
}

static int check_config(const struct sl_copy_config *c, const char *src, struct sl_err *err)
{
    const char *no = c->resume                                     ? "--resume"
                     : c->dry_run                                  ? "--dry-run"
                     : c->mode == SL_MODE_SWAP                     ? "--mode swap"
                     : c->mode != SL_MODE_INSERT && c->verify_only ? "--mode"
                                                                   : NULL;
    if (no)
        return sl_err_set(err, SL_ERR_FATAL, "%s is not available for a copy from %s yet", no, src);
    if (!c->rejects != !c->skip_rejects)
        return sl_err_set(err, SL_ERR_FATAL, "--on-error skip and --rejects go together");
    return 0;
}

/* Lists, describes and maps the source's tables. */
static int describe_all(struct xrun *r, struct sl_err *err)
{
    char **names = NULL;
    size_t n = 0;
    if (r->ops->list(r->src, r->c->tables, &names, &n, err) != 0)
        return -1;
    int rc = 0;
    if (n == 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "the source has no table to copy");
    else if (r->to.table && n != 1)
        rc = sl_err_set(err, SL_ERR_FATAL,
                        "--to names a table, so --from must name exactly one table too");
    if (rc == 0 && !(r->t = calloc(n, sizeof *r->t)))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct xtable *xt = &r->t[i];
        r->nt = i + 1;
        rc = r->ops->describe(r->src, names[i], &xt->ft, err);
        if (rc == 0)
            rc = sl_xcopy_map_types(r, &xt->ft, err);
        for (size_t k = 0; rc == 0 && k < xt->ft.ncols; k++)
            if (xt->ft.cols[k].problem)
                rc = sl_err_set(err, SL_ERR_FATAL, "%s, column %s: %s", xt->ft.name,
                                xt->ft.cols[k].name, xt->ft.cols[k].problem);
        xt->dst = r->to.table ? r->to.table : xt->ft.name;
        if (rc == 0)
            snprintf(xt->label, sizeof xt->label, "%s%s%s", xt->ft.schema ? xt->ft.schema : "",
                     xt->ft.schema ? "." : "", xt->ft.name);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* 1 when db.table holds no row, 0 when it holds some, -1 with err set. */
static int is_empty(MYSQL *m, const char *db, const char *table, struct sl_err *err)
{
    struct sl_buf q;
    sl_buf_init(&q, 4096);
    int rc = sl_buf_puts(&q, "SELECT COUNT(*) FROM (SELECT 1 FROM ") |
             sl_ident_append_qualified(&q, db, table) | sl_buf_puts(&q, " LIMIT 1) AS t");
    char v[8];
    int empty = -1;
    if (rc == 0 && sl_buf_cstr(&q) && sl_conn_send(m, q.data, err) == 0 &&
        sl_conn_read_value(m, 0, v, sizeof v, err) == 0)
        empty = strcmp(v, "0") == 0;
    else if (rc != 0)
        sl_err_set(err, SL_ERR_FATAL, "name too long: %s.%s", db, table);
    sl_buf_release(&q);
    return empty;
}

/* Decides what --if-exists does to each table that exists. */
static int plan_targets(struct xrun *r, struct sl_err *err)
{
    const struct sl_copy_config *c = r->c;
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        int ex = sl_table_exists(r->ctl, r->to.db, xt->dst, err);
        if (ex < 0)
            return -1;
        xt->exists = ex;
        if (c->verify_only && !ex)
            return sl_err_set(err, SL_ERR_FATAL,
                              "--verify-only: %s.%s does not exist on the target", r->to.db,
                              xt->dst);
        if (ex && !c->verify_only) {
            switch (c->if_exists) {
            case SL_IF_EXISTS_FAIL:
                return sl_err_set(err, SL_ERR_FATAL,
                                  "target table %s.%s exists; choose --if-exists skip, truncate, "
                                  "drop or append",
                                  r->to.db, xt->dst);
            case SL_IF_EXISTS_SKIP:
                xt->skip = 1;
                break;
            case SL_IF_EXISTS_APPEND: {
                int e = is_empty(r->ctl, r->to.db, xt->dst, err);
                if (e < 0)
                    return -1;
                xt->was_empty = e;
                break;
            }
            default:
                xt->was_empty = 1;
            }
        }
        if (c->verify_only)
            xt->was_empty = 1;
        /* as copy from MySQL does: a large table (or one of unknown size) gets
         * its indexes after its rows */
        xt->defer = c->defer_indexes == SL_DEFER_ALWAYS ||
                    (c->defer_indexes == SL_DEFER_AUTO &&
                     (xt->ft.est_rows < 0 || xt->ft.est_rows >= SL_COPY_DEFER_ROWS));
    }
    return 0;
}

/* Prints in one warning what the copy leaves out. */
static void warn_notes(const struct xrun *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nt; i++)
        n += r->t[i].skip ? 0 : r->t[i].ft.nnotes;
    if (n == 0)
        return;
    fprintf(r->log,
            "sluice: warning: MySQL cannot express %zu thing%s of the source, which %s "
            "left out or changed:\n",
            n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
    for (size_t i = 0; i < r->nt; i++)
        for (size_t k = 0; !r->t[i].skip && k < r->t[i].ft.nnotes; k++)
            fprintf(r->log, "  %s: %s\n", r->t[i].ft.name, r->t[i].ft.notes[k]);
}

static int drop_or_truncate(struct xrun *r, const struct xtable *xt, int drop, struct sl_err *err)
{
    if (!drop)
        return sl_table_truncate(r->ctl, r->to.db, xt->dst, err);
    struct sl_buf q;
    sl_buf_init(&q, 4096);
    int rc = sl_buf_puts(&q, "DROP TABLE ") | sl_ident_append_qualified(&q, r->to.db, xt->dst);
    rc = rc == 0 && sl_buf_cstr(&q) ? sl_conn_exec(r->ctl, q.data, err) : -1;
    sl_buf_release(&q);
    return rc;
}

/* Creates the database and the tables, drops or empties existing ones. */
static int apply_targets(struct xrun *r, struct sl_err *err)
{
    struct sl_buf q;
    sl_buf_init(&q, 1 << 24);
    int rc = sl_buf_puts(&q, "CREATE DATABASE IF NOT EXISTS ") |
             sl_ident_append(&q, r->to.db, strlen(r->to.db));
    rc = rc == 0 && sl_buf_cstr(&q) ? sl_conn_exec(r->ctl, q.data, err) : -1;
    for (size_t i = 0; rc == 0 && i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        if (xt->skip)
            continue;
        int drop = xt->exists && r->c->if_exists == SL_IF_EXISTS_DROP;
        if (xt->exists && (drop || r->c->if_exists == SL_IF_EXISTS_TRUNCATE))
            rc = drop_or_truncate(r, xt, drop, err);
        if (rc == 0 && (!xt->exists || drop)) {
            rc = sl_xcopy_create_sql(r, xt, &q, err);
            if (rc == 0 && sl_conn_exec(r->ctl, q.data, err) != 0) {
                sl_err_prefix(err, "creating %s.%s", r->to.db, xt->dst);
                rc = -1;
            }
            xt->was_empty = 1;
        }
    }
    sl_buf_release(&q);
    return rc;
}

int sl_xcopy_key_ranges(const struct sl_foreign_ops *ops, void *src, const struct sl_ftable *t,
                        const char *where, uint64_t chunk_rows, unsigned readers,
                        struct sl_key_ranges *ranges, struct sl_err *err)
{
    *ranges = (struct sl_key_ranges){.n = 1};
    if (t->key < 0)
        return 0;
    char *min = NULL, *max = NULL;
    int rc = ops->key_span(src, t, where ? where : "", &min, &max, err);
    if (rc == 0 && min) {
        /* without statistics, the key's span stands in for the rows */
        long long est = t->est_rows;
        if (est < 0) {
            double span = strtod(max, NULL) - strtod(min, NULL) + 1;
            est = span < 9e18 ? (long long)span : (long long)9e18;
        }
        uint64_t want = sl_key_ranges_want(est, chunk_rows, readers);
        rc = sl_key_ranges_init(ranges, 1, min, max, want, err);
    }
    free(min);
    free(max);
    if (rc != 0)
        sl_err_prefix(err, "reading the key span of %s", t->name);
    return rc;
}

/* Splits each table's key into ranges, in the source's snapshot, and makes
 * room for their sums. */
static int plan_ranges(struct xrun *r, struct sl_err *err)
{
    const struct sl_copy_config *c = r->c;
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        xt->ranges = (struct sl_key_ranges){.n = 1};
        if (xt->skip)
            continue;
        if (sl_xcopy_key_ranges(r->ops, r->src, &xt->ft, c->where, c->chunk_rows, r->nreaders,
                                &xt->ranges, err) != 0)
            return -1;
        size_t nr = (size_t)xt->ranges.n;
        xt->src = calloc(nr, sizeof *xt->src);
        xt->rej = calloc(nr, sizeof *xt->rej);
        xt->dst_sum = calloc(nr, sizeof *xt->dst_sum);
        xt->summed = calloc(nr, 1);
        xt->canon = calloc(xt->ft.ncols ? xt->ft.ncols : 1, sizeof *xt->canon);
        xt->cols = calloc(xt->ft.ncols ? xt->ft.ncols : 1, sizeof *xt->cols);
        if (!xt->src || !xt->rej || !xt->dst_sum || !xt->summed || !xt->canon || !xt->cols)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        for (size_t k = 0; k < xt->ft.ncols; k++) {
            xt->canon[k] = sl_canon_of_type(xt->ft.cols[k].mysql_type);
            xt->cols[k] = xt->ft.cols[k].name;
        }
        xt->target = (struct sl_insert_target){
            .schema = r->to.db,
            .table = xt->dst,
            .cols = xt->cols,
            .ncols = xt->ft.ncols,
            .verb = sl_write_mode_verb(c->mode),
        };
    }
    return 0;
}

/* What the engine reads and where it writes, per table and per split. */
struct parts {
    struct sl_funit *units;
    struct sl_fsplit *splits;
    uint64_t nsplits;
    struct sl_mysql_sink_unit *targets;
    size_t maxcols;
};

static int cmp_size(const void *a, const void *b, void *ctx)
{
    const struct xrun *r = ctx;
    long long x = r->t[*(const size_t *)a].ft.est_rows, y = r->t[*(const size_t *)b].ft.est_rows;
    return x > y ? -1 : x < y;
}

static int make_parts(struct xrun *r, struct parts *pt, struct sl_err *err)
{
    size_t *order = calloc(r->nt, sizeof *order);
    pt->units = calloc(r->nt, sizeof *pt->units);
    pt->targets = calloc(r->nt, sizeof *pt->targets);
    pt->maxcols = 1;
    for (size_t i = 0; i < r->nt; i++) {
        if (!r->t[i].skip)
            pt->nsplits += r->t[i].ranges.n;
        if (r->t[i].ft.ncols > pt->maxcols)
            pt->maxcols = r->t[i].ft.ncols;
    }
    pt->splits = calloc(pt->nsplits ? pt->nsplits : 1, sizeof *pt->splits);
    if (!order || !pt->units || !pt->targets || !pt->splits) {
        free(order);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        order[i] = i;
        pt->units[i] = (struct sl_funit){
            .t = &xt->ft,
            .name = xt->label,
            .where = r->c->where ? r->c->where : "",
            .ranges = &xt->ranges,
            .canon = xt->canon,
            .sums = xt->src,
        };
        pt->targets[i] = (struct sl_mysql_sink_unit){&xt->target, NULL};
    }
    qsort_r(order, r->nt, sizeof *order, cmp_size, r); /* larger tables first */
    uint64_t n = 0;
    for (size_t i = 0; i < r->nt; i++)
        for (uint64_t k = 0; !r->t[order[i]].skip && k < r->t[order[i]].ranges.n; k++)
            pt->splits[n++] = (struct sl_fsplit){order[i], k};
    free(order);
    return 0;
}

static void release_parts(struct parts *pt)
{
    free(pt->units);
    free(pt->splits);
    free(pt->targets);
}

/* The engine's hooks: rows committed per table, the rows the target
 * refused taken out of their range's sum, and each range summed up on the
 * target, by a helper thread, as soon as all its rows are in. */
struct hook_ctx {
    struct xrun *r;
    const struct parts *pt;
    int summing;          /* the helper sums ranges up during the run */
    struct sl_queue done; /* complete splits (as split + 1) for the helper */
};

static void split_done(void *ctx, uint64_t split, uint64_t dropped)
{
    struct hook_ctx *h = ctx;
    const struct sl_fsplit *sp = &h->pt->splits[split];
    if (h->summing && dropped == 0 && h->r->t[sp->unit].was_empty)
        sl_queue_push(&h->done, (void *)(uintptr_t)(split + 1));
}

static void no_more_splits(void *ctx)
{
    struct hook_ctx *h = ctx;
    if (h->summing)
        sl_queue_close(&h->done);
}

/* The helper: sums up complete ranges on a connection of its own. A range
 * it cannot sum is left for the comparison after the run. */
static void summer(void *ctx, unsigned i)
{
    struct hook_ctx *h = ctx;
    MYSQL *m = NULL;
    struct sl_err e;
    struct sl_buf q;
    sl_buf_init(&q, 1 << 24);
    sl_conn_thread_begin();
    int ok = sl_conn_open(&m, &h->r->co, &e) == 0;
    void *item;
    while ((item = sl_queue_pop(&h->done)) != NULL) {
        const struct sl_fsplit *sp = &h->pt->splits[(uintptr_t)item - 1];
        if (ok)
            ok = sl_xcopy_sum_range(h->r, m, sp->unit, sp->range, &q, &e) == 0;
    }
    sl_conn_close(m);
    sl_buf_release(&q);
    sl_conn_thread_end();
}

static void committed(void *ctx, unsigned writer, struct sl_batch *const *held, size_t n,
                      uint64_t written, uint64_t ignored, uint64_t updated)
{
    struct hook_ctx *h = ctx;
    for (size_t i = 0; i < n; i++) {
        const struct sl_batch *b = held[i];
        struct xtable *xt = &h->r->t[b->source];
        uint64_t range = h->pt->splits[b->split].range;
        atomic_fetch_add(&xt->rows, sl_batch_good_rows(b));
        atomic_fetch_add(&xt->bytes, b->arena.len);
        for (size_t row = 0; row < b->nrows; row++) {
            if (!b->pos[row].rejected)
                continue;
            uint64_t hash = SL_CANON_ROW_INIT;
            for (size_t col = 0; col < xt->ft.ncols; col++) {
                const struct sl_cell *c = sl_batch_cell(b, row, col);
                int null = c->len == SL_CELL_NULL;
                hash = sl_canon_add(hash, xt->canon[col], null ? NULL : sl_batch_cell_data(b, c),
                                    null ? 0 : c->len);
            }
            pthread_mutex_lock(&h->r->mu);
            sl_canon_sum_row(&xt->rej[range], hash);
            pthread_mutex_unlock(&h->r->mu);
        }
    }
}

/* Runs the engine over every table. */
static int run_engine(struct xrun *r, struct sl_copy_result *res, struct sl_err *err)
{
    const struct sl_copy_config *c = r->c;
    struct parts pt = {0};
    void *source = NULL;
    const struct sl_source_ops *source_ops = NULL;
    MYSQL **wconns = NULL;
    struct sl_rejects rejects;
    memset(&rejects, 0, sizeof rejects);
    int rc = make_parts(r, &pt, err);
    unsigned long long max_packet = 0;
    enum sl_write_method method = SL_METHOD_INSERT;
    enum sl_insert_verb verb = sl_write_mode_verb(c->mode);
    if (rc == 0 && !c->verify_only) {
        rc = sl_conn_read_var(r->ctl, "max_allowed_packet", &max_packet, err);
        if (rc == 0)
            rc = sl_write_method_pick(r->ctl, c->method, verb, &method, res->method_why,
                                      sizeof res->method_why, err);
        res->method = rc == 0 ? sl_write_method_name(method) : NULL;
    }
    if (rc == 0 && c->rejects && !c->verify_only)
        rc = sl_rejects_open(&rejects, c->rejects, 0, NULL, 0, err);
    if (rc == 0)
        rc = r->ops->reader_source(r->src, pt.units, r->nt, pt.splits, pt.nsplits, r->nreaders,
                                   c->rejects != NULL, &source, &source_ops, err);
    unsigned nwriters = c->verify_only ? 1 : c->threads;
    if (rc == 0 && !(wconns = calloc(nwriters, sizeof *wconns)))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc != 0)
        goto out;
    size_t arena = XBATCH_BYTES + 2 * (size_t)(max_packet ? max_packet : XBATCH_BYTES);
    size_t stmt_rows = sl_insert_max_rows(c->batch_rows, pt.maxcols);
    size_t rows = c->txn_rows < XBATCH_ROWS ? (size_t)c->txn_rows : XBATCH_ROWS;
    rows = rows < stmt_rows ? stmt_rows : rows - rows % stmt_rows;
    struct sl_mysql_sink sink = {
        .conn_opts = &r->co,
        .conns = wconns,
        .units = pt.targets,
        .method = method,
        .stmt_rows = stmt_rows,
        .max_packet = (size_t)max_packet,
        .retries = c->retries,
        .retry_max_seconds = (double)c->retry_max_seconds,
    };
    struct sl_counters counters;
    memset(&counters, 0, sizeof counters);
    struct sl_progress progress;
    sl_progress_init(&progress, r->log, c->progress, 0);
    struct hook_ctx hctx = {r, &pt, c->verify || c->verify_only};
    if (hctx.summing && sl_queue_init(&hctx.done, pt.nsplits + 1) != 0)
        hctx.summing = 0;
    struct sl_engine_hooks hooks = {
        .committed = committed,
        .split_done = split_done,
        .writers_done = no_more_splits,
        .stopping = no_more_splits,
        .helper = summer,
        .nhelpers = hctx.summing ? 1 : 0,
    };
    struct sl_engine_plan plan = {
        .source_ops = source_ops,
        .source = source,
        .sink_ops = c->verify_only ? &sl_null_sink_ops : &sl_mysql_sink_ops,
        .sink = c->verify_only ? NULL : &sink,
        .nreaders = r->nreaders,
        .nwriters = nwriters,
        .ncols = pt.maxcols,
        .batch_rows = rows,
        .arena_bytes = arena,
        .txn_rows = c->txn_rows,
        .max_held = XCHUNK_BYTES / XBATCH_BYTES,
        .txn_bytes = XCHUNK_BYTES,
        .max_value = (size_t)max_packet,
        .commit_idle = 1,
        .nsplits = pt.nsplits,
        .rejects = c->rejects && !c->verify_only ? &rejects : NULL,
        .max_rejects = c->max_rejects,
        .signal_stops = 1,
        .signal_note = "stopping; open transactions are rolled back",
        .second_note = "sluice: second signal: exiting now\n",
        .counters = &counters,
        .progress = &progress,
        .hooks = &hooks,
        .ctx = &hctx,
    };
    res->started = 1;
    int interrupted = 0;
    rc = sl_engine_run(&plan, &interrupted, err);
    sl_progress_clear(&progress);
    sl_progress_release(&progress);
    res->interrupted = interrupted;
    res->retries = atomic_load(&counters.retries);
    res->rejected = atomic_load(&counters.rows_rejected);
    if (hctx.summing)
        sl_queue_release(&hctx.done);
    if (rc == 0 && interrupted)
        rc = -1;
out:
    for (unsigned i = 0; wconns && i < nwriters; i++)
        sl_conn_close(wconns[i]);
    free(wconns);
    if (source)
        r->ops->reader_source_free(source);
    if (c->rejects && !c->verify_only) {
        struct sl_err e2;
        if (sl_rejects_close(&rejects, &e2) != 0 && rc == 0) {
            *err = e2;
            rc = -1;
        }
    }
    release_parts(&pt);
    return rc;
}

/* sl_xcopy_sum_target on a thread of its own. */
struct target_sums {
    struct xrun *r;
    unsigned threads;
    int rc;
    struct sl_err err;
};

static void *sum_target(void *arg)
{
    struct target_sums *ts = arg;
    ts->rc = sl_xcopy_sum_target(ts->r, ts->threads, &ts->err);
    return NULL;
}

/* Adds each created table's secondary indexes. */
static int add_indexes(struct xrun *r, struct sl_err *err)
{
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        if (xt->skip || !xt->add_indexes)
            continue;
        if (r->c->progress)
            fprintf(r->log, "sluice: %s.%s: adding %zu index%s\n", r->to.db, xt->dst, xt->ft.nidx,
                    xt->ft.nidx == 1 ? "" : "es");
        if (sl_conn_exec(r->ctl, xt->add_indexes, err) != 0) {
            sl_err_prefix(err, "adding the indexes of %s.%s", r->to.db, xt->dst);
            return -1;
        }
    }
    return 0;
}

/* The inclusive bounds of range k of xt, for a message. */
static void range_name(const struct xtable *xt, uint64_t k, char *out, size_t cap)
{
    if (xt->ft.key < 0 || sl_key_ranges_whole(&xt->ranges)) {
        snprintf(out, cap, "the whole table");
        return;
    }
    char lo[24], hi[24];
    sl_key_ranges_get(&xt->ranges, k, lo, hi);
    const char *key = xt->ft.cols[xt->ft.key].name;
    if (k == 0)
        snprintf(out, cap, "%s <= %s", key, hi);
    else if (k + 1 == xt->ranges.n)
        snprintf(out, cap, "%s >= %s", key, lo);
    else
        snprintf(out, cap, "%s %s..%s", key, lo, hi);
}

/* Compares each table's ranges; fills in the verdicts. */
static void compare(struct xrun *r, struct sl_copy_result *res)
{
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        struct sl_copy_table_result *tr = &res->tables[i];
        if (xt->skip || xt->failed)
            continue;
        if (!xt->was_empty) {
            snprintf(tr->note, sizeof tr->note, "not compared: the table had rows before");
            continue;
        }
        tr->verdict = SL_VERIFY_PASS;
        uint64_t target_rows = 0;
        for (uint64_t k = 0; k < xt->ranges.n; k++) {
            target_rows += xt->dst_sum[k].rows;
            uint64_t want_rows = xt->src[k].rows - xt->rej[k].rows;
            uint64_t want_sum = xt->src[k].sum - xt->rej[k].sum;
            if (tr->verdict == SL_VERIFY_PASS &&
                (want_rows != xt->dst_sum[k].rows || want_sum != xt->dst_sum[k].sum)) {
                char where[160];
                range_name(xt, k, where, sizeof where);
                tr->verdict = SL_VERIFY_FAIL;
                snprintf(tr->note, sizeof tr->note,
                         "%s differs in range %s: the source has %" PRIu64
                         " rows, the target %" PRIu64 "%s",
                         tr->target, where, want_rows, xt->dst_sum[k].rows,
                         want_rows == xt->dst_sum[k].rows ? ", with other values" : "");
            }
        }
        if (r->c->verify_only)
            tr->rows = target_rows;
    }
}

static void report_lines(struct xrun *r, const struct sl_copy_result *res)
{
    for (size_t i = 0; i < res->ntables; i++) {
        const struct sl_copy_table_result *tr = &res->tables[i];
        if (tr->verdict == SL_VERIFY_PASS && r->c->progress)
            fprintf(r->log, "sluice: PASS %s: %" PRIu64 " rows match %s\n", tr->target, tr->rows,
                    tr->source);
        else if (tr->verdict == SL_VERIFY_FAIL)
            fprintf(r->log, "sluice: FAIL %s\n", tr->note);
    }
}

static void release(struct xrun *r)
{
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        sl_ftable_release(&xt->ft);
        free(xt->src);
        free(xt->rej);
        free(xt->dst_sum);
        free(xt->summed);
        free(xt->canon);
        free(xt->cols);
        free(xt->add_indexes);
    }
    free(r->t);
    sl_conn_close(r->ctl);
    if (r->src)
        r->ops->close(r->src);
    sl_url_release(&r->to);
    pthread_mutex_destroy(&r->mu);
}

/* The per-table results. */
static int collect(struct xrun *r, struct sl_copy_result *res, int failed, double seconds)
{
    res->tables = calloc(r->nt ? r->nt : 1, sizeof *res->tables);
    if (!res->tables)
        return -1;
    res->ntables = r->nt;
    for (size_t i = 0; i < r->nt; i++) {
        struct xtable *xt = &r->t[i];
        struct sl_copy_table_result *tr = &res->tables[i];
        snprintf(tr->source, sizeof tr->source, "%s", xt->label);
        snprintf(tr->target, sizeof tr->target, "%s.%s", r->to.db, xt->dst);
        tr->rows = atomic_load(&xt->rows);
        tr->bytes = atomic_load(&xt->bytes);
        tr->seconds = seconds;
        tr->state = xt->skip ? SL_COPY_SKIPPED : failed ? SL_COPY_FAILED : SL_COPY_DONE;
        if (failed && !xt->skip)
            snprintf(tr->note, sizeof tr->note, "%s", res->err.msg);
        xt->failed = failed;
    }
    return 0;
}

int sl_xcopy_run(const struct sl_copy_config *c, struct sl_copy_result *res, FILE *log)
{
    memset(res, 0, sizeof *res);
    sl_err_clear(&res->err);
    struct sl_err *err = &res->err;
    struct xrun r = {.c = c, .ops = sl_xcopy_source_for(c->from), .log = log};
    pthread_mutex_init(&r.mu, NULL);
    double t0 = sl_now();
    sl_url_mask(c->from, res->source, sizeof res->source);
    int rc = -1;
    if (!r.ops) {
        sl_err_set(err, SL_ERR_FATAL, "--from: not a source sluice can copy from");
        goto out;
    }
    if (check_config(c, r.ops->name, err) != 0 || sl_url_parse_for(&r.to, c->to, "to", err) != 0)
        goto out;
    sl_url_format(&r.to, res->target, sizeof res->target);
    if (!r.to.db) {
        sl_err_set(err, SL_ERR_FATAL, "--to must name a database: mysql://host/db[/table]");
        goto out;
    }
    r.co = (struct sl_conn_opts){
        .url = &r.to,
        .defaults_file = c->to_defaults_file,
        .session_sql = c->session_sql,
        .time_zone = c->time_zone,
        .tls = &c->tls,
        .connect_timeout = 10,
        .local_infile = c->method != SL_CHOOSE_INSERT,
    };
    r.nreaders = c->readers;
    if (r.ops->max_readers && r.nreaders > r.ops->max_readers)
        r.nreaders = r.ops->max_readers;
    if (r.ops->open(c->from, "from", &r.src, err) != 0)
        goto out;
    snprintf(res->source, sizeof res->source, "%s", r.ops->shown(r.src));
    if (sl_conn_open(&r.ctl, &r.co, err) != 0)
        goto out;
    const char *version = sl_conn_server_version(r.ctl);
    r.has_uuid = strstr(version, "MariaDB") && strverscmp(version, "10.7") >= 0;
    if (describe_all(&r, err) != 0 || plan_targets(&r, err) != 0)
        goto out;
    /* the DDL is built before the warning: it may add to the notes */
    struct sl_buf scratch;
    sl_buf_init(&scratch, 1 << 24);
    for (size_t i = 0; i < r.nt; i++)
        if (!r.t[i].skip && !r.t[i].exists &&
            sl_xcopy_create_sql(&r, &r.t[i], &scratch, err) != 0) {
            sl_buf_release(&scratch);
            goto out;
        }
    sl_buf_release(&scratch);
    if (!c->verify_only)
        warn_notes(&r);
    if (!c->verify_only && c->before_sql &&
        sl_conn_run_hook(&r.co, "--before-sql", c->before_sql, err) != 0)
        goto out;
    for (size_t i = 0; i < r.nt; i++) {
        free(r.t[i].add_indexes);
        r.t[i].add_indexes = NULL;
    }
    if ((!c->verify_only && apply_targets(&r, err) != 0) || plan_ranges(&r, err) != 0)
        goto out;
    int failed = run_engine(&r, res, err) != 0;
    /* the target's ranges are summed up while its indexes are added: both
     * are the server's work, on connections of their own */
    struct target_sums ts = {.r = &r, .threads = c->threads};
    int verify = !failed && (c->verify || c->verify_only);
    pthread_t th;
    int threaded = verify && pthread_create(&th, NULL, sum_target, &ts) == 0;
    if (!failed && !c->verify_only)
        failed = add_indexes(&r, err) != 0;
    if (threaded)
        pthread_join(th, NULL);
    else if (verify)
        sum_target(&ts);
    if (collect(&r, res, failed, sl_now() - t0) != 0) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    if (verify && !failed && ts.rc != 0) {
        *err = ts.err;
        failed = 1;
    } else if (verify && !failed) {
        compare(&r, res);
    }
    if (!failed && !c->verify_only && c->after_sql &&
        sl_conn_run_hook(&r.co, "--after-sql", c->after_sql, err) != 0)
        failed = 1;
    report_lines(&r, res);
    rc = failed ? -1 : 0;
    for (size_t i = 0; i < res->ntables; i++)
        if (res->tables[i].verdict == SL_VERIFY_FAIL)
            rc = -1;
out:
    res->seconds = sl_now() - t0;
    release(&r);
    return rc;
}
