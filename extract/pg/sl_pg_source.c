/*
 * The PostgreSQL reader: see sl_pg_source.h.
 */
#include "sl_pg_source.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_frows.h"
#include "sl_pg_conn.h"
#include "sl_pg_copy.h"

struct reader {
    struct sl_pg_source *s;
    PGconn *c;
    struct sl_buf sql;
    struct sl_pg_row row;
    struct sl_frows f;
    const char **vals; /* the row's values for sl_frows_put */
    size_t *lens;
    size_t cap; /* vals and lens hold this many */
};

static int reader_open(void *source, unsigned index, void **out, struct sl_err *err)
{
    struct sl_pg_source *s = source;
    struct reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    rd->s = s;
    rd->c = s->conns[index % s->nconns];
    sl_buf_init(&rd->sql, 1 << 20);
    sl_buf_init(&rd->row.out, SIZE_MAX / 2);
    *out = rd;
    return 0;
}

static void reader_close(void *reader)
{
    struct reader *rd = reader;
    if (!rd)
        return;
    sl_buf_release(&rd->sql);
    sl_pg_row_release(&rd->row);
    free(rd->vals);
    free(rd->lens);
    free(rd);
}

/* COPY (SELECT the columns FROM the table WHERE the range) TO STDOUT */
static int copy_sql(struct reader *rd)
{
    const struct sl_funit *u = rd->f.u;
    const struct sl_ftable *t = u->t;
    struct sl_buf *q = &rd->sql;
    sl_buf_reset(q);
    int rc = sl_buf_puts(q, "COPY (SELECT ");
    for (size_t i = 0; rc == 0 && i < t->ncols; i++)
        rc = sl_buf_printf(q, "%s%s", i ? ", " : "", t->cols[i].select);
    rc |= sl_buf_printf(q, " FROM %s", t->from);
    int by_range = t->key >= 0 && !sl_key_ranges_whole(u->ranges);
    if (rc == 0 && (*u->where || by_range))
        rc = sl_buf_puts(q, " WHERE ");
    if (rc == 0 && *u->where)
        rc = sl_buf_printf(q, "(%s)%s", u->where, by_range ? " AND " : "");
    if (rc == 0 && by_range) {
        char key[300];
        rc = sl_pg_quote_ident(t->cols[t->key].name, key, sizeof key) == 0
                 ? sl_key_ranges_cond(u->ranges, rd->f.range, key, q)
                 : -1;
    }
    rc |= sl_buf_puts(q, ") TO STDOUT");
    return rc == 0 && sl_buf_cstr(q) ? 0 : -1;
}

/* The row's key, "id = 17", for a message; "" when it has none. */
static const char *who(struct reader *rd, long col, char *out, size_t cap)
{
    const struct sl_ftable *t = rd->f.u->t;
    const struct sl_pg_row *r = &rd->row;
    if (t->key < 0 || col == t->key || r->null[t->key] || r->cap == 0)
        return NULL;
    snprintf(out, cap, "%s = %.*s", t->cols[t->key].name,
             (int)(r->len[t->key] > 40 ? 40 : r->len[t->key]), r->out.data + r->off[t->key]);
    return out;
}

/* Decodes, checks and stores one COPY row. Returns 0 (stored or
 * rejected), or -1 when the run must stop (err set when it is this row's
 * fault). */
static int put_row(struct reader *rd, const char *line, size_t n, struct sl_err *err)
{
    const struct sl_ftable *t = rd->f.u->t;
    const char *why = NULL;
    char key[128];
    if (sl_pg_row_decode(&rd->row, line, n, t->ncols, &why) != 0)
        return sl_frows_bad(&rd->f, -1, NULL, why, line, n) == 0 ? 0 : -1;
    char reason[512];
    for (size_t i = 0; i < t->ncols; i++)
        if (sl_pg_value_convert(&rd->row, i, &t->cols[i], reason, sizeof reason) != 0)
            return sl_frows_bad(&rd->f, (long)i, who(rd, (long)i, key, sizeof key), reason, line,
                                n) == 0
                       ? 0
                       : -1;
    if (t->ncols > rd->cap) {
        free(rd->vals);
        free(rd->lens);
        rd->vals = calloc(t->ncols, sizeof *rd->vals);
        rd->lens = calloc(t->ncols, sizeof *rd->lens);
        rd->cap = rd->vals && rd->lens ? t->ncols : 0;
        if (!rd->cap)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t i = 0; i < t->ncols; i++) {
        rd->vals[i] = rd->row.null[i] ? NULL : rd->row.out.data + rd->row.off[i];
        rd->lens[i] = rd->row.len[i];
    }
    return sl_frows_put(&rd->f, rd->vals, rd->lens, line, n, err);
}

/* Ends the COPY: its final result says whether every row came. */
static int copy_end(struct reader *rd, struct sl_err *err)
{
    PGresult *r;
    int ok = 1;
    char msg[512] = "";
    while ((r = PQgetResult(rd->c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
            ok = 0;
            snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
        }
        PQclear(r);
    }
    if (ok)
        return 0;
    msg[strcspn(msg, "\n")] = '\0';
    const char *m = strncmp(msg, "ERROR:  ", 8) == 0 ? msg + 8 : msg;
    return sl_err_set(err, SL_ERR_FATAL, "reading %s: %s", rd->f.u->name,
                      *m ? m : PQerrorMessage(rd->c));
}

static int read_split(void *reader, uint64_t k, const struct sl_source_port *port)
{
    struct reader *rd = reader;
    struct sl_pg_source *s = rd->s;
    const struct sl_fsplit *sp = &s->sp.splits[k];
    sl_frows_begin(&rd->f, port, s->sp.units, sp, s->batch_bytes, s->keep_raw);
    struct sl_err e = {0};
    if (copy_sql(rd) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "the COPY statement is too long");
        port->fail(port->ctx, &e);
        return -1;
    }
    PGresult *r = PQexec(rd->c, rd->sql.data);
    if (!r || PQresultStatus(r) != PGRES_COPY_OUT) {
        const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(rd->c);
        int len = (int)strcspn(m, "\n");
        if (strncmp(m, "ERROR:  ", 8) == 0)
            m += 8, len -= 8;
        sl_err_set(&e, SL_ERR_FATAL, "reading %s: %.*s", rd->f.u->name, len, m);
        PQclear(r);
        /* a failed statement aborts the reader's transaction, and its snapshot */
        return port->fail_unit(port->ctx, sp->unit, &e) == 0 ? 1 : -1;
    }
    PQclear(r);
    int rc = 0, n, cancelled = 0;
    char *line;
    /* rc: 0 reading, 1 the run is stopping, -1 this split failed (e) */
    while ((n = PQgetCopyData(rd->c, &line, 0)) > 0) {
        if (rc == 0)
            rc = sl_frows_next(&rd->f, (size_t)n);
        if (rc == 0 && put_row(rd, line, (size_t)n, &e) != 0)
            rc = e.kind != SL_ERR_NONE ? -1 : 1;
        PQfreemem(line);
        if (rc != 0 && !cancelled) {
            /* the rest is not wanted: the server ends the COPY with an error */
            PQrequestCancel(rd->c);
            cancelled = 1;
        }
    }
    struct sl_err ignored;
    int ended = copy_end(rd, rc != 0 ? &ignored : &e);
    if (rc == 0 && ended != 0)
        rc = -1;
    /* a failed COPY aborts the reader's transaction, and its snapshot */
    return sl_frows_finish(&rd->f, rc, &e, 1);
}

const struct sl_source_ops sl_pg_source_ops = {
    .name = "postgresql",
    .caps = SL_SOURCE_SNAPSHOT,
    .reader_open = reader_open,
    .reader_close = reader_close,
    .next_split = sl_fsplits_next,
    .read_split = read_split,
    .unit_name = sl_fsplits_unit_name,
    .col_name = sl_fsplits_col_name,
};
