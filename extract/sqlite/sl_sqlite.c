/*
 * SQLite as a foreign source: the URL, the file, the catalog and the
 * readers. See sl_sqlite.h.
 */
#define _GNU_SOURCE /* asprintf */
#include "sl_sqlite.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_sqlite_source.h"
#include "sl_sqlite_types.h"
#include "sl_url.h"

#define SQ_BATCH_BYTES (1024 * 1024)

struct sq {
    sqlite3 *db;
    char *path;
    char *table; /* ?table=, or NULL */
    int immutable;
    char shown[600];
};

static void sq_close(void *h)
{
    struct sq *q = h;
    if (!q)
        return;
    if (q->db) {
        sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(q->db);
    }
    free(q->path);
    free(q->table);
    free(q);
}

/* sqlite:///path?table=T&immutable=1 */
static int parse_url(struct sq *q, const char *url, struct sl_err *err)
{
    const char *p = url + strlen("sqlite://");
    size_t n = strcspn(p, "?");
    if (n == 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from sqlite:// needs a file: sqlite:///path/app.db");
    if (!(q->path = sl_url_decode(p, n)))
        return sl_err_set(err, SL_ERR_FATAL, "invalid URL 'sqlite://...': bad percent-escape");
    snprintf(q->shown, sizeof q->shown, "sqlite://%s", q->path);
    const char *s = p + n;
    while (*s == '?' || *s == '&') {
        s++;
        size_t len = strcspn(s, "&");
        const char *eq = memchr(s, '=', len);
        size_t klen = eq ? (size_t)(eq - s) : len;
        char *v = eq ? sl_url_decode(eq + 1, len - klen - 1) : NULL;
        if (klen == 5 && strncmp(s, "table", 5) == 0 && v && *v) {
            free(q->table);
            q->table = v;
        } else if (klen == 9 && strncmp(s, "immutable", 9) == 0 && v &&
                   (!strcmp(v, "1") || !strcmp(v, "0"))) {
            q->immutable = v[0] == '1';
            free(v);
        } else {
            free(v);
            return sl_err_set(err, SL_ERR_FATAL,
                              "sqlite URL: unknown or empty parameter '%.*s'; known: table=NAME, "
                              "immutable=1",
                              (int)(klen > 32 ? 32 : klen), s);
        }
        s += len;
    }
    return 0;
}

/* file:PATH?mode=ro[&immutable=1], the path's special bytes escaped */
static char *file_uri(const struct sq *q)
{
    struct sl_buf b;
    sl_buf_init(&b, 1 << 20);
    int rc = sl_buf_puts(&b, "file:");
    for (const char *p = q->path; rc == 0 && *p; p++) {
        unsigned char c = (unsigned char)*p;
        rc = isalnum(c) || strchr("/._-~", c) ? sl_buf_append(&b, p, 1)
                                              : sl_buf_printf(&b, "%%%02X", c);
    }
    rc |= sl_buf_puts(&b, q->immutable ? "?mode=ro&immutable=1" : "?mode=ro");
    char *out = rc == 0 && sl_buf_cstr(&b) ? strdup(b.data) : NULL;
    sl_buf_release(&b);
    return out;
}

static int sq_open(const char *url, const char *option, void **out, struct sl_err *err)
{
    (void)option;
    struct sq *q = calloc(1, sizeof *q);
    if (!q)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (parse_url(q, url, err) != 0) {
        sq_close(q);
        return -1;
    }
    char *uri = file_uri(q);
    int rc = uri ? sqlite3_open_v2(uri, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL)
                 : SQLITE_NOMEM;
    free(uri);
    char *msg = NULL;
    /* the read transaction every table is read in, begun by its first read;
     * a file that is not a database says so here */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(q->db,
                          "BEGIN; SELECT count(*) FROM sqlite_schema; PRAGMA busy_timeout = 10000",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        sl_err_set(err, SL_ERR_FATAL, "cannot read %s: %s", q->path,
                   msg     ? msg
                   : q->db ? sqlite3_errmsg(q->db)
                           : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sq_close(q);
        return -1;
    }
    *out = q;
    return 0;
}

static const char *sq_shown(void *h)
{
    return ((struct sq *)h)->shown;
}

static const char *sq_url_table(void *h)
{
    return ((struct sq *)h)->table;
}

/* Runs sql with text parameters, calling row() for each row. */
static int query(struct sq *q, const char *sql, const char *const *params, int nparams,
                 int (*row)(void *ctx, sqlite3_stmt *st), void *ctx, struct sl_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
        return sl_err_set(err, SL_ERR_FATAL, "%s", sqlite3_errmsg(q->db));
    for (int i = 0; i < nparams; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    int rc, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = row(ctx, st)) != 0) {
            sqlite3_finalize(st);
            return rc;
        }
    rc = step == SQLITE_DONE ? 0 : sl_err_set(err, SL_ERR_FATAL, "%s", sqlite3_errmsg(q->db));
    sqlite3_finalize(st);
    return rc;
}

struct names {
    char **v;
    size_t n, cap;
};

static int add_name(void *ctx, sqlite3_stmt *st)
{
    struct names *ns = ctx;
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 16;
        char **v = realloc(ns->v, cap * sizeof *v);
        if (!v)
            return -1;
        ns->v = v;
        ns->cap = cap;
    }
    return (ns->v[ns->n] = strdup((const char *)sqlite3_column_text(st, 0))) ? (ns->n++, 0) : -1;
}

static int sq_list(void *h, const char *filter, char ***names, size_t *n, struct sl_err *err)
{
    struct sq *q = h;
    if (q->table && filter)
        return sl_err_set(err, SL_ERR_FATAL, "--from names a table and --tables is given: use one");
    struct names ns = {0};
    int rc = query(q,
                   "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                   "'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                   NULL, 0, add_name, &ns, err);
    if (rc != 0) {
        sl_foreign_names_free(ns.v, ns.n);
        return rc < 0 && err->kind != SL_ERR_NONE ? -1
                                                  : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    const char *f = q->table ? q->table : filter;
    if (!f) {
        *names = ns.v;
        *n = ns.n;
        return 0;
    }
    if (sl_foreign_filter(ns.v, ns.n, f, names, n, err) != 0) {
        if (q->table)
            return sl_err_set(err, SL_ERR_FATAL, "table %s does not exist in %s", q->table,
                              q->path);
        return -1;
    }
    return 0;
}

/* ---- describe ---- */

struct desc {
    struct sq *q;
    struct sl_ftable *t;
    char **decl; /* per column: its declared type */
    char **dflt; /* per column: its default's SQL text, or NULL */
    unsigned char *in_key;
    int *pkpos; /* per column: its place in the primary key from 1, or 0 */
    int failed;
};

static char *dup_col(sqlite3_stmt *st, int i)
{
    const char *v = (const char *)sqlite3_column_text(st, i);
    return strdup(v ? v : "");
}

static int add_column(void *ctx, sqlite3_stmt *st)
{
    struct desc *d = ctx;
    struct sl_ftable *t = d->t;
    size_t i = t->ncols;
    struct sl_fcol *cols = realloc(t->cols, (i + 1) * sizeof *cols);
    char **decl = realloc(d->decl, (i + 1) * sizeof *decl);
    char **dflt = decl ? realloc(d->dflt, (i + 1) * sizeof *dflt) : NULL;
    int *pkpos = dflt ? realloc(d->pkpos, (i + 1) * sizeof *pkpos) : NULL;
    if (cols)
        t->cols = cols;
    if (decl)
        d->decl = decl;
    if (dflt)
        d->dflt = dflt;
    if (pkpos)
        d->pkpos = pkpos;
    if (!cols || !decl || !dflt || !pkpos)
        return -1;
    memset(&t->cols[i], 0, sizeof t->cols[i]);
    t->cols[i].name = dup_col(st, 1);
    d->decl[i] = dup_col(st, 2);
    t->cols[i].not_null = sqlite3_column_int(st, 3);
    d->dflt[i] = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : dup_col(st, 4);
    d->pkpos[i] = sqlite3_column_int(st, 5);
    t->ncols = i + 1;
    return t->cols[i].name && d->decl[i] ? 0 : -1;
}

static long find_col(const struct sl_ftable *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

struct index_cols {
    const struct sl_ftable *t;
    size_t *cols;
    size_t n;
    int expr;
};

static int add_index_col(void *ctx, sqlite3_stmt *st)
{
    struct index_cols *ic = ctx;
    long at = sqlite3_column_type(st, 2) == SQLITE_NULL
                  ? -1
                  : find_col(ic->t, (const char *)sqlite3_column_text(st, 2));
    if (at < 0 || ic->n >= ic->t->ncols)
        ic->expr = 1;
    else
        ic->cols[ic->n++] = (size_t)at;
    return 0;
}

static int add_index(void *ctx, sqlite3_stmt *st)
{
    struct desc *d = ctx;
    struct sl_ftable *t = d->t;
    const char *name = (const char *)sqlite3_column_text(st, 0);
    const char *origin = (const char *)sqlite3_column_text(st, 2);
    if (strcmp(origin, "pk") == 0)
        return 0;
    if (sqlite3_column_int(st, 3))
        return sl_ftable_note(t, "a partial index (WHERE ...) %s is left out", name);
    struct index_cols ic = {t, calloc(t->ncols ? t->ncols : 1, sizeof(size_t)), 0, 0};
    struct sl_err e;
    const char *p[] = {name};
    if (!ic.cols || query(d->q, "SELECT seqno, cid, name FROM pragma_index_info(?) ORDER BY seqno",
                          p, 1, add_index_col, &ic, &e) != 0) {
        free(ic.cols);
        return -1;
    }
    if (ic.expr || ic.n == 0) {
        free(ic.cols);
        return sl_ftable_note(t, "an index on expressions %s is left out", name);
    }
    struct sl_findex *x = realloc(t->idx, (t->nidx + 1) * sizeof *x);
    if (!x) {
        free(ic.cols);
        return -1;
    }
    t->idx = x;
    x = &t->idx[t->nidx++];
    *x = (struct sl_findex){strdup(name), sqlite3_column_int(st, 1), ic.cols, ic.n};
    for (size_t i = 0; i < ic.n; i++)
        d->in_key[ic.cols[i]] = 1;
    return x->name ? 0 : -1;
}

static int one_int(void *ctx, sqlite3_stmt *st)
{
    *(long long *)ctx = sqlite3_column_int64(st, 0);
    return 0;
}

static int finish_columns(struct desc *d, int has_rowid, struct sl_err *err)
{
    struct sl_ftable *t = d->t;
    for (size_t i = 0; i < t->ncols; i++)
        if (d->pkpos[i] > 0)
            t->npk++;
    t->pk = calloc(t->npk ? t->npk : 1, sizeof *t->pk);
    if (!t->pk)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < t->ncols; i++)
        if (d->pkpos[i] > 0 && (size_t)d->pkpos[i] <= t->npk) {
            t->pk[d->pkpos[i] - 1] = i;
            d->in_key[i] = 1;
        }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
        struct sl_fcol *c = &t->cols[i];
        char q[300];
        snprintf(q, sizeof q, "\"%s\"", c->name);
        rc =
            sl_sqlite_map_type(c, d->decl[i], d->in_key[i], t) | ((c->select = strdup(q)) ? 0 : -1);
        if (rc == 0 && d->dflt[i] && strcasecmp(d->dflt[i], "NULL") != 0 &&
            (rc = sl_foreign_default(d->dflt[i], &c->default_sql)) == 0 && !c->default_sql)
            rc = sl_ftable_note(t, "column %s: its default %s is an expression and is left out",
                                c->name, d->dflt[i]);
    }
    if (rc != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (t->npk > 0 && strcmp(t->cols[t->pk[0]].mysql_type, "BIGINT") == 0) {
        t->key = (long)t->pk[0];
        /* an INTEGER PRIMARY KEY is the rowid: SQLite numbers new rows */
        t->cols[t->key].auto_increment =
            has_rowid && t->npk == 1 && strcasecmp(d->decl[t->key], "INTEGER") == 0;
    }
    return 0;
}

static int sq_describe(void *h, const char *name, struct sl_ftable *t, struct sl_err *err)
{
    struct sq *q = h;
    memset(t, 0, sizeof *t);
    t->key = -1;
    t->est_rows = -1;
    struct desc d = {.q = q, .t = t};
    struct sl_buf from;
    sl_buf_init(&from, 4096);
    int rc = sl_buf_puts(&from, "\"");
    for (const char *p = name; rc == 0 && *p; p++)
        rc = sl_buf_append(&from, p, 1) | (*p == '"' ? sl_buf_append(&from, "\"", 1) : 0);
    rc |= sl_buf_puts(&from, "\"");
    if (rc != 0 || !sl_buf_cstr(&from) || !(t->name = strdup(name)) ||
        !(t->from = strdup(from.data))) {
        sl_buf_release(&from);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    sl_buf_release(&from);
    const char *p[] = {name};
    long long without_rowid = 0, fks = 0;
    rc = query(q, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", p, 1,
               one_int, &without_rowid, err);
    if (rc == 0)
        rc = query(q,
                   "SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) "
                   "ORDER BY cid",
                   p, 1, add_column, &d, err);
    if (rc == 0 && !(d.in_key = calloc(t->ncols ? t->ncols : 1, 1)))
        rc = -1;
    if (rc == 0)
        rc = query(q, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", p, 1,
                   add_index, &d, err);
    if (rc == 0)
        rc = finish_columns(&d, !without_rowid, err);
    if (rc == 0)
        rc = query(q, "SELECT count(*) FROM pragma_foreign_key_list(?)", p, 1, one_int, &fks, err);
    if (rc == 0 && fks > 0 &&
        sl_ftable_note(t, "its %lld foreign key%s are left out", fks, fks == 1 ? "" : "s") != 0)
        rc = -1;
    for (size_t i = 0; i < t->ncols; i++) {
        free(d.decl ? d.decl[i] : NULL);
        free(d.dflt ? d.dflt[i] : NULL);
    }
    free(d.decl);
    free(d.dflt);
    free(d.pkpos);
    free(d.in_key);
    if (rc != 0) {
        if (err->kind == SL_ERR_NONE)
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
        sl_err_prefix(err, "describing %s", name);
        return -1;
    }
    return 0;
}

struct span {
    char *min, *max;
};

static int read_span(void *ctx, sqlite3_stmt *st)
{
    struct span *s = ctx;
    if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        return 0;
    s->min = dup_col(st, 0);
    s->max = dup_col(st, 1);
    return s->min && s->max ? 0 : -1;
}

static int sq_key_span(void *h, const struct sl_ftable *t, const char *where, char **min,
                       char **max, struct sl_err *err)
{
    struct sq *q = h;
    char *sql = NULL;
    const char *k = t->cols[t->key].select;
    /* only integers count: a text in the key column is read in the last range */
    if (asprintf(&sql, "SELECT min(%s), max(%s) FROM %s WHERE typeof(%s) = 'integer'%s%s%s", k, k,
                 t->from, k, *where ? " AND (" : "", where, *where ? ")" : "") < 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    struct span s = {0};
    int rc = query(q, sql, NULL, 0, read_span, &s, err);
    free(sql);
    *min = s.min;
    *max = s.max;
    if (rc > 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    return rc;
}

struct readers {
    struct sl_sqlite_source src;
    int *has_rowid;
};

static void sq_reader_source_free(void *source)
{
    struct readers *rs = source;
    if (!rs)
        return;
    free(rs->has_rowid);
    free(rs);
}

static int sq_reader_source(void *h, const struct sl_funit *units, size_t nunits,
                            const struct sl_fsplit *splits, uint64_t nsplits, unsigned nreaders,
                            int keep_raw, void **source, const struct sl_source_ops **ops,
                            struct sl_err *err)
{
    struct sq *q = h;
    (void)nreaders; /* one connection, one read transaction: max_readers is 1 */
    struct readers *rs = calloc(1, sizeof *rs);
    int *has_rowid = calloc(nunits ? nunits : 1, sizeof *has_rowid);
    if (!rs || !has_rowid) {
        free(rs);
        free(has_rowid);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t i = 0; i < nunits; i++) {
        long long wr = 0;
        const char *p[] = {units[i].t->name};
        if (query(q, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", p, 1,
                  one_int, &wr, err) != 0) {
            free(rs);
            free(has_rowid);
            return -1;
        }
        has_rowid[i] = !wr;
    }
    rs->has_rowid = has_rowid;
    rs->src = (struct sl_sqlite_source){
        .sp = {.units = units, .nunits = nunits, .splits = splits, .nsplits = nsplits},
        .db = q->db,
        .has_rowid = has_rowid,
        .batch_bytes = SQ_BATCH_BYTES,
        .keep_raw = keep_raw,
    };
    atomic_init(&rs->src.sp.next, 0);
    *source = &rs->src; /* its first member: sq_reader_source_free takes it back */
    *ops = &sl_sqlite_source_ops;
    return 0;
}

const struct sl_foreign_ops sl_sqlite_foreign_ops = {
    .name = "sqlite",
    .max_readers = 1,
    .open = sq_open,
    .shown = sq_shown,
    .url_table = sq_url_table,
    .list = sq_list,
    .describe = sq_describe,
    .key_span = sq_key_span,
    .reader_source = sq_reader_source,
    .reader_source_free = sq_reader_source_free,
    .close = sq_close,
};
