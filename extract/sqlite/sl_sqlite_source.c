/*
 * The SQLite reader: see sl_sqlite_source.h.
 */
#include "sl_sqlite_source.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_csv_fmt.h"
#include "sl_frows.h"
#include "sl_sqlite_types.h"

struct reader {
    struct sl_sqlite_source *s;
    struct sl_buf sql;
    struct sl_buf raw; /* the row as a CSV record, for the rejects */
    struct sl_frows f;
    const char **vals;
    size_t *lens;
    char (*reals)[32];          /* per column: a real's text */
    enum sl_sqlite_kind *kinds; /* per column of the split's table: what it takes */
    size_t cap;
};

static int reader_open(void *source, unsigned index, void **out, struct sl_err *err)
{
    struct reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    rd->s = source;
    sl_buf_init(&rd->sql, 1 << 20);
    sl_buf_init(&rd->raw, (size_t)1 << 31);
    *out = rd;
    return 0;
}

static void reader_close(void *reader)
{
    struct reader *rd = reader;
    if (!rd)
        return;
    sl_buf_release(&rd->sql);
    sl_buf_release(&rd->raw);
    free(rd->vals);
    free(rd->lens);
    free(rd->reals);
    free(rd->kinds);
    free(rd);
}

/* Appends name as a quoted SQLite identifier ("a""b"). */
static int quote(struct sl_buf *q, const char *name)
{
    int rc = sl_buf_puts(q, "\"");
    for (const char *p = name; rc == 0 && *p; p++)
        rc = sl_buf_append(q, p, 1) | (*p == '"' ? sl_buf_append(q, "\"", 1) : 0);
    return rc | sl_buf_puts(q, "\"");
}

/* SELECT [rowid,] the columns FROM the table WHERE the range */
static int select_sql(struct reader *rd, int rowid)
{
    const struct sl_funit *u = rd->f.u;
    const struct sl_ftable *t = u->t;
    struct sl_buf *q = &rd->sql;
    sl_buf_reset(q);
    int rc = sl_buf_puts(q, rowid ? "SELECT rowid" : "SELECT ");
    for (size_t i = 0; rc == 0 && i < t->ncols; i++)
        rc = sl_buf_puts(q, i || rowid ? ", " : "") | quote(q, t->cols[i].name);
    rc |= sl_buf_printf(q, " FROM %s", t->from);
    int by_range = t->key >= 0 && !sl_key_ranges_whole(u->ranges);
    if (rc == 0 && (*u->where || by_range))
        rc = sl_buf_puts(q, " WHERE ");
    if (rc == 0 && *u->where)
        rc = sl_buf_printf(q, "(%s)%s", u->where, by_range ? " AND " : "");
    if (rc == 0 && by_range) {
        struct sl_buf key;
        sl_buf_init(&key, 1024);
        rc = quote(&key, t->cols[t->key].name) == 0 && sl_buf_cstr(&key)
                 ? sl_key_ranges_cond(u->ranges, rd->f.range, key.data, q)
                 : -1;
        sl_buf_release(&key);
    }
    return rc == 0 && sl_buf_cstr(q) ? 0 : -1;
}

/* The row as one CSV record (blobs as hex), for the rejects file. */
static void raw_row(struct reader *rd, sqlite3_stmt *st, int first)
{
    const struct sl_ftable *t = rd->f.u->t;
    sl_buf_reset(&rd->raw);
    for (size_t i = 0; i < t->ncols; i++) {
        int c = first + (int)i;
        if (i)
            sl_buf_puts(&rd->raw, ",");
        int type = sqlite3_column_type(st, c);
        if (type == SQLITE_NULL)
            sl_csv_fmt_null(&rd->raw);
        else if (type == SQLITE_BLOB)
            sl_csv_fmt_hex_field(&rd->raw, sqlite3_column_blob(st, c),
                                 (size_t)sqlite3_column_bytes(st, c));
        else
            sl_csv_fmt_field(&rd->raw, (const char *)sqlite3_column_text(st, c),
                             (size_t)sqlite3_column_bytes(st, c));
    }
    sl_buf_puts(&rd->raw, "\n");
}

static int grow(struct reader *rd, size_t n)
{
    if (n <= rd->cap)
        return 0;
    free(rd->vals);
    free(rd->lens);
    free(rd->reals);
    free(rd->kinds);
    rd->vals = calloc(n, sizeof *rd->vals);
    rd->lens = calloc(n, sizeof *rd->lens);
    rd->reals = calloc(n, sizeof *rd->reals);
    rd->kinds = calloc(n, sizeof *rd->kinds);
    rd->cap = rd->vals && rd->lens && rd->reals && rd->kinds ? n : 0;
    return rd->cap ? 0 : -1;
}

/* Checks and stores the statement's current row. Returns 0 (stored or
 * rejected), or -1 when the run must stop (err set when it is the row's
 * fault). */
static int put_row(struct reader *rd, sqlite3_stmt *st, int rowid, struct sl_err *err)
{
    const struct sl_ftable *t = rd->f.u->t;
    int first = rowid ? 1 : 0;
    if (rd->s->keep_raw)
        raw_row(rd, st, first);
    for (size_t i = 0; i < t->ncols; i++) {
        const struct sl_fcol *c = &t->cols[i];
        int col = first + (int)i, type = sqlite3_column_type(st, col);
        if (type == SQLITE_NULL) {
            rd->vals[i] = NULL;
            rd->lens[i] = 0;
            continue;
        }
        /* a real is read as a double, anything else as its bytes */
        double real = type == SQLITE_FLOAT ? sqlite3_column_double(st, col) : 0;
        const char *v = type == SQLITE_FLOAT  ? ""
                        : type == SQLITE_BLOB ? sqlite3_column_blob(st, col)
                                              : (const char *)sqlite3_column_text(st, col);
        size_t len = type == SQLITE_FLOAT ? 0 : (size_t)sqlite3_column_bytes(st, col);
        char why[300];
        enum sl_sqlite_kind k = rd->kinds[i];
        int bad = sl_sqlite_value(k, type, v ? v : "", len, real, rd->reals[i], sizeof rd->reals[i],
                                  &rd->vals[i], &rd->lens[i], why, sizeof why);
        if (!bad && k == SL_SQ_DECIMAL)
            bad = sl_canon_decimal_fits(rd->vals[i], rd->lens[i], c->prec, c->scale, c->mysql_type,
                                        why, sizeof why);
        if (bad) {
            char who[64] = "";
            if (rowid)
                snprintf(who, sizeof who, "rowid %lld", sqlite3_column_int64(st, 0));
            if (!rd->s->keep_raw)
                raw_row(rd, st, first);
            return sl_frows_bad(&rd->f, (long)i, rowid ? who : NULL, why, rd->raw.data,
                                rd->raw.len) == 0
                       ? 0
                       : -1;
        }
    }
    return sl_frows_put(&rd->f, rd->vals, rd->lens, rd->raw.data, rd->raw.len, err);
}

static int read_split(void *reader, uint64_t k, const struct sl_source_port *port)
{
    struct reader *rd = reader;
    struct sl_sqlite_source *s = rd->s;
    const struct sl_fsplit *sp = &s->sp.splits[k];
    sl_frows_begin(&rd->f, port, s->sp.units, sp, s->batch_bytes, s->keep_raw);
    /* what each column takes, once per split rather than per value */
    const struct sl_ftable *t = rd->f.u->t;
    if (grow(rd, t->ncols) != 0) {
        struct sl_err oom;
        sl_err_set(&oom, SL_ERR_FATAL, "out of memory");
        port->fail(port->ctx, &oom);
        return -1;
    }
    for (size_t i = 0; i < t->ncols; i++)
        rd->kinds[i] = sl_sqlite_kind_of(&t->cols[i]);
    int rowid = s->has_rowid[sp->unit];
    struct sl_err e = {0};
    sqlite3_stmt *st = NULL;
    if (select_sql(rd, rowid) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "the SELECT statement is too long");
        port->fail(port->ctx, &e);
        return -1;
    }
    if (sqlite3_prepare_v2(s->db, rd->sql.data, -1, &st, NULL) != SQLITE_OK) {
        sl_err_set(&e, SL_ERR_FATAL, "reading %s: %s", rd->f.u->name, sqlite3_errmsg(s->db));
        return port->fail_unit(port->ctx, sp->unit, &e) == 0 ? 0 : -1;
    }
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rc = sl_frows_next(&rd->f, 64);
        if (rc == 0 && put_row(rd, st, rowid, &e) != 0)
            rc = e.kind != SL_ERR_NONE ? -1 : 1;
    }
    if (rc == 0 && step != SQLITE_DONE) {
        sl_err_set(&e, SL_ERR_FATAL, "reading %s: %s", rd->f.u->name, sqlite3_errmsg(s->db));
        rc = -1;
    }
    sqlite3_finalize(st);
    return sl_frows_finish(&rd->f, rc, &e, 0);
}

const struct sl_source_ops sl_sqlite_source_ops = {
    .name = "sqlite",
    .caps = SL_SOURCE_SNAPSHOT,
    .reader_open = reader_open,
    .reader_close = reader_close,
    .next_split = sl_fsplits_next,
    .read_split = read_split,
    .unit_name = sl_fsplits_unit_name,
    .col_name = sl_fsplits_col_name,
};
