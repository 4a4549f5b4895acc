/*
 * The planning part of an extract: what to read, the connections, the
 * consistent snapshot, and the key ranges. sl_extract_stage.c runs it.
 */
#include "sl_extract.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conn.h"
#include "sl_csv_fmt.h"
#include "sl_extract_run.h"
#include "sl_ident.h"
#include "sl_sql.h"
#include "sl_table.h"
#include "sl_url.h"

#define SQL_MAX (16 * 1024 * 1024)

/* Builds "SELECT cols FROM db.t" and the header from the table's columns.
 * Generated columns are left out: they cannot be loaded back. FLOAT columns
 * are read as DOUBLE, so that their text is exact (see sl_select.h). */
static int plan_table(struct xrun *x, const struct sl_table *t, struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    x->as_float = calloc(t->ncols, 1);
    if (!x->as_float)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = sl_buf_puts(&x->select, "SELECT /* sluice extract */ ");
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
        const char *name = t->cols[i].name;
        if (t->cols[i].generated)
            continue;
        if (n && (rc = sl_buf_append(&x->select, ", ", 2)) == 0)
            rc = sl_buf_append(&x->header, ",", 1);
        int is_float = strcmp(t->cols[i].data_type, "float") == 0;
        x->as_float[n++] = (unsigned char)is_float;
        if (rc == 0 && is_float)
            rc = sl_buf_puts(&x->select, "CAST(");
        if (rc == 0)
            rc = sl_ident_append(&x->select, name, strlen(name));
        if (rc == 0 && is_float)
            rc = sl_buf_puts(&x->select, " AS DOUBLE)");
        if (rc == 0)
            rc = sl_csv_fmt_field(&x->header, name, strlen(name));
    }
    if (rc == 0)
        rc = sl_buf_puts(&x->select, " FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&x->select, t->schema, t->name);
    if (rc == 0)
        rc = sl_buf_append(&x->header, "\n", 1);
    if (rc != 0)
        return sl_err_set(err, SL_ERR_FATAL, "the table's column list is too long");
    if (!c->header)
        sl_buf_reset(&x->header);
    x->header_set = 1;
    if (c->where && sl_buf_puts(&x->cond, c->where) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "--where is too long");
    if (c->order_by_pk) {
        if (t->npk == 0)
            return sl_err_set(err, SL_ERR_FATAL,
                              "--order-by-pk: %s.%s has no primary key to order by", t->schema,
                              t->name);
        rc = sl_buf_puts(&x->order, " ORDER BY ");
        for (size_t i = 0; rc == 0 && i < t->npk; i++) {
            const char *name = t->cols[t->pk[i]].name;
            if (i)
                rc = sl_buf_append(&x->order, ", ", 2);
            if (rc == 0)
                rc = sl_ident_append(&x->order, name, strlen(name));
        }
    }
    x->ranged = c->threads > 1 && sl_table_has_integer_key(t);
    if (x->ranged) {
        const char *k = t->cols[t->pk[0]].name;
        if (rc == 0)
            rc = sl_ident_append(&x->key, k, strlen(k));
        if (rc == 0 && !sl_buf_cstr(&x->key))
            rc = -1;
    }
    x->est_rows = c->where ? -1 : t->est_rows;
    return rc == 0 ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
}

/* Splits the key's span (in the snapshot of x->main) into ranges of about
 * chunk_rows rows each (by the table's row estimate), and at least one per
 * worker. */
static int plan_ranges(struct xrun *x, const struct sl_table *t, FILE *log, struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    struct min_max {
        char *min, *max;
    } mm;
    int rc = sl_table_key_span(x->main, t, &mm.min, &mm.max, err);
    if (rc != 0)
        return -1;
    if (!mm.min) { /* no rows: one range reads whatever is there */
        x->ranged = 0;
        x->nranges = 1;
        goto out;
    }
    uint64_t want = sl_key_ranges_want(t->est_rows, c->chunk_rows, c->threads);
    int is_signed = !t->cols[t->pk[0]].is_unsigned;
    rc = sl_key_ranges_init(&x->ranges, is_signed, mm.min, mm.max, want, err);
    if (rc == 0)
        x->nranges = x->ranges.n;
    if (rc == 0 && x->nranges == 1)
        x->ranged = 0;
    if (rc == 0 && x->ranged && c->progress)
        fprintf(log, "sluice: reading %s.%s with %u threads over %" PRIu64 " key ranges of %s\n",
                t->schema, t->name, c->threads < x->nranges ? c->threads : (unsigned)x->nranges,
                x->nranges, x->key.data);
out:
    free(mm.min);
    free(mm.max);
    return rc == 0 ? 0 : -1;
}

/* Opens every worker's connection and gives the workers one view of the
 * data, as --consistency asks (see sl_extract.h). */
static int open_workers(struct xrun *x, const struct sl_conn_opts *co, FILE *log,
                        struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    for (unsigned i = 0; i < x->nw; i++) {
        struct xworker *w = &x->w[i];
        w->x = x;
        w->idx = i;
        sl_buf_init(&w->sql, SQL_MAX);
        if (sl_conn_open(&w->m, co, err) != 0)
            return -1;
        w->conn_id = sl_conn_id(w->m);
        /* a slow reader of the output makes the server wait to send rows;
         * let it wait (a day) instead of dropping the connection after 60 s */
        if (sl_conn_exec(w->m, "SET SESSION net_write_timeout = 86400", err) != 0)
            return -1;
    }
    enum sl_consistency mode = c->query ? SL_CONSISTENCY_NONE : c->consistency;
    MYSQL **conns = malloc(x->nw * sizeof *conns);
    if (!conns)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (unsigned i = 0; i < x->nw; i++)
        conns[i] = x->w[i].m;
    double held;
    int rc = sl_snapshot_open(x->main, conns, x->nw, mode, &held, err);
    free(conns);
    if (rc == 0 && held >= 0 && c->progress)
        fprintf(log, "sluice: global read lock held %.3f s while %u snapshots opened\n", held,
                x->nw + 1);
    return rc;
}

static int check_config(const struct sl_extract_config *c, const struct sl_url *u,
                        struct sl_err *err)
{
    if (!u->db)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from must name a database: mysql://host/db[/table]");
    if (c->query && u->table)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from names a table and --query is given: use one of them");
    if (!c->query && !u->table)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from names no table: give mysql://host/db/table, or --query");
    if (c->query && (c->where || c->order_by_pk))
        return sl_err_set(err, SL_ERR_FATAL,
                          "--where and --order-by-pk apply to a table, not to --query");
    if (sl_sql_check_one("--query", c->query, err) != 0 ||
        sl_sql_check_one("--where", c->where, err) != 0)
        return -1;
    return 0;
}

static void release(struct xrun *x)
{
    for (unsigned i = 0; x->w && i < x->nw; i++) {
        struct xworker *w = &x->w[i];
        if (w->m)
            sl_conn_close(w->m);
        for (unsigned j = 0; j < XCHUNKS; j++) {
            sl_buf_release(&w->chunks[j].text);
            free(w->chunks[j].ends);
        }
        sl_buf_release(&w->sql);
        sl_queue_release(&w->free);
        sl_queue_release(&w->full);
    }
    free(x->w);
    if (x->main)
        sl_conn_close(x->main);
    sl_queue_release(&x->full);
    sl_buf_release(&x->select);
    sl_buf_release(&x->cond);
    sl_buf_release(&x->order);
    sl_buf_release(&x->key);
    sl_buf_release(&x->header);
    free(x->owner);
    free(x->as_float);
    pthread_mutex_destroy(&x->mu);
    pthread_cond_destroy(&x->claimed);
}

int sl_extract_run(const struct sl_extract_config *c, struct sl_extract_result *res, FILE *log)
{
    memset(res, 0, sizeof *res);
    sl_err_clear(&res->err);
    struct sl_err *err = &res->err;
    struct sl_url url;
    if (sl_url_parse_for(&url, c->from, "from", err) != 0)
        return -1;
    sl_url_format(&url, res->source, sizeof res->source);
    if (check_config(c, &url, err) != 0) {
        sl_url_release(&url);
        return -1;
    }

    struct sl_progress progress;
    sl_progress_init(&progress, log, c->progress, 0);
    struct xrun x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.progress = &progress;
    x.nranges = 1;
    pthread_mutex_init(&x.mu, NULL);
    pthread_cond_init(&x.claimed, NULL);
    atomic_init(&x.stop, 0);
    atomic_init(&x.interrupted, 0);
    atomic_init(&x.rows_read, 0);
    atomic_init(&x.reading, 0);
    sl_buf_init(&x.select, SQL_MAX);
    sl_buf_init(&x.cond, SQL_MAX);
    sl_buf_init(&x.order, SQL_MAX);
    sl_buf_init(&x.key, 1024);
    sl_buf_init(&x.header, SQL_MAX);
    struct sl_table table;
    memset(&table, 0, sizeof table);
    int out_open = 0, rc = -1;
    unsigned nalloc = 0; /* worker slots allocated (x.nw may shrink) */

    struct sl_conn_opts co = {
        .url = &url,
        .defaults_file = c->defaults_file,
        .session_sql = c->session_sql,
        .time_zone = c->time_zone,
        .tls = &c->tls,
        .connect_timeout = 10,
        .use_db = 1, /* a --query may name tables without their database */
    };
    if (sl_conn_open(&x.main, &co, err) != 0)
        goto out;
    if (c->query) {
        if (sl_buf_puts(&x.select, c->query) != 0) {
            sl_err_set(err, SL_ERR_FATAL, "--query is too long");
            goto out;
        }
        x.est_rows = -1;
        if (c->threads > 1 && c->threads_set && c->progress)
            fprintf(log, "sluice: a --query is read by one stream; --threads does not apply\n");
    } else {
        if (sl_table_describe(x.main, url.db, url.table, &table, err) != 0 ||
            plan_table(&x, &table, err) != 0)
            goto out;
        if (c->threads > 1 && !x.ranged && c->progress)
            fprintf(log,
                    "sluice: %s.%s has no single-column integer primary key; reading it with "
                    "one stream\n",
                    table.schema, table.name);
    }

    struct sl_out_parts_opts po = {
        .path = c->to,
        .file = {.zstd_level = c->zstd_level,
                 .zstd_workers = c->zstd_workers,
                 .discard = c->dry_run},
        .file_rows = c->file_rows,
        .file_size = c->file_size,
    };
    if (sl_out_parts_open(&x.out, &po, err) != 0)
        goto out;
    out_open = 1;

    x.nw = x.ranged ? c->threads : 1;
    x.w = calloc(x.nw, sizeof *x.w);
    nalloc = x.w ? x.nw : 0;
    if (!x.w) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    if (open_workers(&x, &co, log, err) != 0)
        goto out;
    if (x.ranged && plan_ranges(&x, &table, log, err) != 0)
        goto out;
    if (x.nw > x.nranges)
        x.nw = (unsigned)x.nranges; /* the spare connections are closed with the rest */
    x.ordered = c->order_by_pk && x.nranges > 1;
    if (x.ordered && !(x.owner = calloc(x.nranges, sizeof *x.owner))) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    res->ranges = x.nranges;
    res->streams = x.nw;

    rc = sl_xrun_run(&x);
    res->started = atomic_load(&x.reading);
    res->interrupted = atomic_load(&x.interrupted);
    if (rc != 0 && x.failed)
        *err = x.err;
    else if (rc != 0)
        sl_err_set(err, SL_ERR_FATAL, "interrupted");
    out_open = 0;
    uint64_t text, file;
    sl_out_parts_bytes(&x.out, &text, &file);
    if (rc == 0 && sl_out_parts_finish(&x.out, err) != 0)
        rc = -1;
    else if (rc != 0)
        sl_out_parts_abort(&x.out);
    res->rows = x.out.rows;
    res->text_bytes = text;
    res->file_bytes = file;
    res->parts = x.out.nparts;
out:
    if (out_open)
        sl_out_parts_abort(&x.out);
    sl_progress_clear(&progress);
    res->seconds = sl_now() - progress.start;
    sl_progress_release(&progress);
    sl_table_release(&table);
    x.nw = nalloc;
    release(&x);
    sl_url_release(&url);
    return rc;
}
