/*
 * The course of a cross-engine copy: the plan, the target's tables, the
 * run (sl_xcopy_stage.c), the indexes, and the comparison
 * (sl_xcopy_verify.c). See sl_xcopy.h.
 */
#define _GNU_SOURCE /* strverscmp */
#include "sl_xcopy.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_clock.h"
#include "sl_ident.h"
#include "sl_pg.h"
#include "sl_sqlite.h"
#include "sl_table.h"
#include "sl_write_mode.h"
#include "sl_xcopy_run.h"

const struct sl_foreign_ops *sl_xcopy_source_for(const char *url)
{
    const char *scheme = sl_foreign_scheme(url);
    if (!scheme)
        return NULL;
    return strcmp(scheme, "sqlite") == 0 ? &sl_sqlite_foreign_ops : &sl_pg_foreign_ops;
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
                int has = sl_table_has_rows(r->ctl, r->to.db, xt->dst, err);
                if (has < 0)
                    return -1;
                xt->was_empty = !has;
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
    return drop ? sl_table_drop(r->ctl, r->to.db, xt->dst, err)
                : sl_table_truncate(r->ctl, r->to.db, xt->dst, err);
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
        if (rc == 0 && xt->create) {
            if (sl_conn_exec(r->ctl, xt->create_sql, err) != 0) {
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
        free(xt->create_sql);
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
        .connect_timeout = c->connect_timeout,
        .flags = &c->flags,
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
    /* the DDL is made before the warning: it may add to the notes */
    for (size_t i = 0; i < r.nt; i++) {
        struct xtable *xt = &r.t[i];
        xt->create =
            !c->verify_only && !xt->skip && (!xt->exists || c->if_exists == SL_IF_EXISTS_DROP);
        if (xt->create && sl_xcopy_create_sql(&r, xt, err) != 0)
            goto out;
    }
    if (!c->verify_only)
        warn_notes(&r);
    if (!c->verify_only && c->before_sql &&
        sl_conn_run_hook(&r.co, "--before-sql", c->before_sql, err) != 0)
        goto out;
    if ((!c->verify_only && apply_targets(&r, err) != 0) || plan_ranges(&r, err) != 0)
        goto out;
    int failed = sl_xcopy_stage(&r, res, err) != 0;
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
        sl_xcopy_compare(&r, res);
    }
    if (!failed && !c->verify_only && c->after_sql &&
        sl_conn_run_hook(&r.co, "--after-sql", c->after_sql, err) != 0)
        failed = 1;
    sl_xcopy_report_lines(&r, res);
    rc = failed ? -1 : 0;
    for (size_t i = 0; i < res->ntables; i++)
        if (res->tables[i].verdict == SL_VERIFY_FAIL)
            rc = -1;
out:
    res->seconds = sl_now() - t0;
    release(&r);
    return rc;
}
