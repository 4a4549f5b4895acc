/*
 * The PostgreSQL reader: see sl_pg_source.h.
 */
#include "sl_pg_source.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_pg_conn.h"
#include "sl_pg_copy.h"

struct reader {
    struct sl_pg_source *s;
    PGconn *c;
    struct sl_buf sql;
    struct sl_pg_row row;
    const struct sl_source_port *port;
    const struct sl_funit *u;
    size_t unit;
    uint64_t range;
    uint64_t ordinal; /* rows of the range read so far */
    uint64_t counted; /* of them, told to port->count */
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
    free(rd);
}

static int next_split(void *source, uint64_t *split)
{
    struct sl_pg_source *s = source;
    uint64_t k = atomic_fetch_add(&s->next, 1);
    if (k >= s->nsplits)
        return 0;
    *split = k;
    return 1;
}

/* COPY (SELECT the columns FROM the table WHERE the range) TO STDOUT */
static int copy_sql(struct reader *rd)
{
    const struct sl_funit *u = rd->u;
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
                 ? sl_key_ranges_cond(u->ranges, rd->range, key, q)
                 : -1;
    }
    rc |= sl_buf_puts(q, ") TO STDOUT");
    return rc == 0 && sl_buf_cstr(q) ? 0 : -1;
}

static int hand_on(struct reader *rd, struct sl_batch *b)
{
    b->end = rd->ordinal;
    rd->port->count(rd->port->ctx, rd->ordinal - rd->counted, 0, b->arena.len);
    rd->counted = rd->ordinal;
    return rd->port->hand_on(rd->port->ctx, b);
}

static struct sl_batch *take(struct reader *rd)
{
    struct sl_batch *b = rd->port->take(rd->port->ctx);
    if (!b)
        return NULL;
    sl_batch_reshape(b, rd->u->t->ncols);
    b->source = rd->unit;
    b->start = b->end = rd->ordinal - 1;
    return b;
}

/* A row with a value MySQL cannot take: a bad row, named by its key. */
static int bad_value(struct reader *rd, const char *line, size_t n, long col, const char *why)
{
    const struct sl_ftable *t = rd->u->t;
    const struct sl_pg_row *r = &rd->row;
    char reason[768];
    if (t->key >= 0 && col != t->key && !r->null[t->key])
        snprintf(reason, sizeof reason, "row %s = %.*s: %s", t->cols[t->key].name,
                 (int)(r->len[t->key] > 40 ? 40 : r->len[t->key]), r->out.data + r->off[t->key],
                 why);
    else
        snprintf(reason, sizeof reason, "%s", why);
    struct sl_bad_row bad = {
        .unit = rd->unit,
        .line = rd->ordinal,
        .col = col >= 0 ? (size_t)col : 0,
        .has_col = col >= 0,
        .reason = reason,
        .raw = line,
        .raw_len = n,
    };
    return rd->port->bad_row(rd->port->ctx, &bad);
}

/* Decodes, checks and stores one COPY row in b, and sums it up. Returns 0
 * (stored or rejected), or -1 when the run must stop (err set when it is
 * this row's fault). */
static int put_row(struct reader *rd, struct sl_batch *b, const char *line, size_t n,
                   struct sl_err *err)
{
    const struct sl_funit *u = rd->u;
    const struct sl_ftable *t = u->t;
    const char *why = NULL;
    if (sl_pg_row_decode(&rd->row, line, n, t->ncols, &why) != 0)
        return bad_value(rd, line, n, -1, why) == 0 ? 0 : -1;
    char reason[512];
    for (size_t i = 0; i < t->ncols; i++)
        if (sl_pg_value_convert(&rd->row, i, &t->cols[i], reason, sizeof reason) != 0)
            return bad_value(rd, line, n, (long)i, reason) == 0 ? 0 : -1;
    uint64_t h = SL_CANON_ROW_INIT;
    for (size_t i = 0; i < t->ncols; i++) {
        const char *v = rd->row.null[i] ? NULL : rd->row.out.data + rd->row.off[i];
        int rc = v ? sl_batch_set_cell(b, i, v, rd->row.len[i]) : (sl_batch_set_null(b, i), 0);
        if (rc != 0) {
            sl_batch_drop_row(b);
            sl_err_set(err, SL_ERR_FATAL,
                       "%s: row %" PRIu64 " of its range is %zu bytes, more "
                       "than a batch holds",
                       t->name, rd->ordinal, n);
            return -1;
        }
        h = sl_canon_add(h, u->canon[i], v, rd->row.len[i]);
    }
    if (rd->s->keep_raw && sl_batch_keep_raw(b, line, n) != 0) {
        sl_batch_drop_row(b);
        return bad_value(rd, line, n, -1, "row too large to keep for the rejects file") == 0 ? 0
                                                                                             : -1;
    }
    sl_batch_end_row(b, rd->ordinal, 0);
    if (rd->port->row(rd->port->ctx, b) != 0)
        return -1;
    if (u->sums && !b->pos[b->nrows - 1].rejected)
        sl_canon_sum_row(&u->sums[rd->range], h);
    return 0;
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
    return sl_err_set(err, SL_ERR_FATAL, "reading %s: %s", rd->u->t->name,
                      *m ? m : PQerrorMessage(rd->c));
}

static int read_split(void *reader, uint64_t k, const struct sl_source_port *port)
{
    struct reader *rd = reader;
    struct sl_pg_source *s = rd->s;
    const struct sl_fsplit *sp = &s->splits[k];
    rd->port = port;
    rd->unit = sp->unit;
    rd->range = sp->range;
    rd->u = &s->units[sp->unit];
    rd->ordinal = rd->counted = 0;
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
        sl_err_set(&e, SL_ERR_FATAL, "reading %s: %.*s", rd->u->t->name, len, m);
        PQclear(r);
        /* a failed statement aborts the reader's transaction, and its snapshot */
        return port->fail_unit(port->ctx, sp->unit, &e) == 0 ? 1 : -1;
    }
    PQclear(r);
    struct sl_batch *b = NULL;
    int rc = 0, n, cancelled = 0;
    char *line;
    /* rc: 0 reading, 1 the run is stopping, -1 this split failed (e) */
    while ((n = PQgetCopyData(rd->c, &line, 0)) > 0) {
        if (rc == 0) {
            rd->ordinal++;
            if (b && (sl_batch_is_full(b) ||
                      (b->nrows > 0 && b->arena.len + (size_t)n > s->batch_bytes))) {
                rc = hand_on(rd, b) == 0 ? 0 : 1;
                b = NULL;
            }
            if (rc == 0 && !b && !(b = take(rd)))
                rc = 1;
            if (rc == 0 && put_row(rd, b, line, (size_t)n, &e) != 0)
                rc = e.kind != SL_ERR_NONE ? -1 : 1;
        }
        PQfreemem(line);
        if (rc != 0 && !cancelled) {
            /* the rest is not wanted: the server ends the COPY with an error */
            PQrequestCancel(rd->c);
            cancelled = 1;
        }
    }
    struct sl_err ignored;
    int ended = copy_end(rd, rc != 0 ? &ignored : &e);
    if (b && rc == 0 && ended == 0)
        rc = hand_on(rd, b) == 0 ? 0 : 1;
    else if (b)
        port->give_back(port->ctx, b);
    if (rc == 0 && ended != 0)
        rc = -1;
    if (rc == 0)
        return 0;
    if (rc > 0 || port->stopping(port->ctx))
        return -1;
    return port->fail_unit(port->ctx, sp->unit, &e) == 0 ? 1 : -1;
}

static const char *unit_name(void *source, size_t unit)
{
    struct sl_pg_source *s = source;
    return s->units[unit].name;
}

static const char *col_name(void *source, size_t unit, size_t col)
{
    struct sl_pg_source *s = source;
    const struct sl_ftable *t = s->units[unit].t;
    return col < t->ncols ? t->cols[col].name : NULL;
}

const struct sl_source_ops sl_pg_source_ops = {
    .name = "postgresql",
    .caps = SL_SOURCE_SNAPSHOT,
    .reader_open = reader_open,
    .reader_close = reader_close,
    .next_split = next_split,
    .read_split = read_split,
    .unit_name = unit_name,
    .col_name = col_name,
};
