/*
 * The MySQL source's reader: one key range at a time, rows read unbuffered
 * into pooled batches, the rows an earlier run committed left out. See
 * sl_mysql_source.h.
 */
#include "sl_mysql_source.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_errno.h"
#include "sl_select.h"

#define SQL_MAX (16 * 1024 * 1024)

struct reader {
    struct sl_mysql_source *s;
    MYSQL *m;
    struct sl_buf sql;
    const struct sl_source_port *port;
    const struct sl_mysql_unit *u;
    size_t unit;
    uint64_t range;
    uint64_t done;    /* the range's rows handed on: ordinals below this one */
    uint64_t counted; /* the range's rows counted as read */
};

static struct sl_mysql_split split_of(const struct sl_mysql_source *s, uint64_t k)
{
    if (s->splits)
        return s->splits[k];
    return (struct sl_mysql_split){.unit = 0, .range = k};
}

/* Builds the statement that reads the reader's range into rd->sql. */
static int range_sql(struct reader *rd)
{
    const struct sl_mysql_unit *u = rd->u;
    struct sl_buf *q = &rd->sql;
    sl_buf_reset(q);
    int rc = sl_buf_puts(q, u->select);
    int by_range = u->key && !sl_key_ranges_whole(u->ranges);
    size_t cond_len = strlen(u->cond);
    if (rc == 0 && (cond_len > 0 || by_range))
        rc = sl_buf_puts(q, " WHERE ");
    if (rc == 0 && cond_len > 0)
        rc = sl_buf_printf(q, "(%s)%s", u->cond, by_range ? " AND " : "");
    if (rc == 0 && by_range)
        rc = sl_key_ranges_cond(u->ranges, rd->range, u->key, q);
    if (rc == 0)
        rc = sl_buf_puts(q, u->order);
    return rc == 0 && sl_buf_cstr(q) ? 0 : -1;
}

/* Hands b on with its end set (its rows are consecutive), counting the
 * rows up to its end as read. Returns 0, or -1 when the run is stopping. */
static int hand_on(struct reader *rd, struct sl_batch *b)
{
    b->end = b->start + b->nrows;
    uint64_t end = sl_mysql_pos_ordinal(b->end);
    rd->port->count(rd->port->ctx, end - rd->counted, 0, b->arena.len);
    rd->counted = rd->done = end;
    return rd->port->hand_on(rd->port->ctx, b);
}

/* An empty batch for the reader's unit, its rows from ordinal first; NULL
 * when the run is stopping. */
static struct sl_batch *take(struct reader *rd, uint64_t first)
{
    struct sl_batch *b = rd->port->take(rd->port->ctx);
    if (!b)
        return NULL;
    sl_batch_reshape(b, rd->u->ncols);
    b->source = rd->unit;
    b->start = b->end = sl_mysql_pos(rd->range, first);
    return b;
}

/* True when the row at ordinal ord was committed by an earlier run. *j
 * walks sp->skip along with the rows. */
static int committed_before(const struct sl_mysql_split *sp, size_t *j, uint64_t ord)
{
    while (*j < sp->nskip && sl_mysql_pos_ordinal(sp->skip[*j].end) <= ord)
        (*j)++;
    return *j < sp->nskip && sl_mysql_pos_ordinal(sp->skip[*j].start) <= ord;
}

/* The bytes the row takes in a batch: a binary value may be longer than
 * its text. */
static size_t row_bytes(const struct sl_mysql_unit *u, char **vals, const unsigned long *lens)
{
    size_t need = 0;
    for (size_t i = 0; i < u->ncols; i++)
        need += vals[i] ? lens[i] + (u->kinds && u->kinds[i] ? sizeof(union sl_value) : 0) : 0;
    return need;
}

/* Stores one row into b as row `ordinal` (from 1). Returns 0, or -1 with
 * err set. */
static int put_row(struct reader *rd, struct sl_batch *b, char **vals, const unsigned long *lens,
                   uint64_t ordinal, struct sl_err *err)
{
    const struct sl_mysql_unit *u = rd->u;
    for (size_t i = 0; i < u->ncols; i++) {
        if (!vals[i]) {
            sl_batch_set_null(b, i);
            continue;
        }
        enum sl_value_kind kind = u->kinds ? u->kinds[i] : SL_VALUE_TEXT;
        union sl_value v;
        char f[32];
        int n = u->as_float && u->as_float[i] ? sl_select_float_text(vals[i], lens[i], f) : -1;
        size_t vlen = kind == SL_VALUE_TEXT ? 0 : sl_value_parse(kind, vals[i], lens[i], &v);
        if (vlen == 0 && (kind == SL_VALUE_INT || kind == SL_VALUE_UINT)) {
            char col[300];
            if (u->cols)
                snprintf(col, sizeof col, "`%s`", u->cols[i]);
            else
                snprintf(col, sizeof col, "%zu", i + 1);
            sl_batch_drop_row(b);
            return sl_err_set(err, SL_ERR_FATAL,
                              "row %" PRIu64 " of the range, column %s: cannot read the "
                              "source's value '%.*s' as an integer",
                              ordinal, col, lens[i] > 64 ? 64 : (int)lens[i], vals[i]);
        }
        int rc = vlen    ? sl_batch_set_cell(b, i, &v, vlen)
                 : n > 0 ? sl_batch_set_cell(b, i, f, (size_t)n)
                         : sl_batch_set_cell(b, i, vals[i], lens[i]);
        if (rc != 0) {
            sl_batch_drop_row(b);
            return sl_err_set(err, SL_ERR_FATAL,
                              "row %" PRIu64 " of the range is %zu bytes, more than a batch "
                              "holds (%llu)",
                              ordinal, row_bytes(u, vals, lens), rd->s->room);
        }
    }
    sl_batch_end_row(b, ordinal, 0);
    return 0;
}

/* Reads the reader's range into batches, from ordinal rd->done on (the
 * rows before it were handed on by an earlier attempt). Returns 0, 1 when
 * the run is stopping, or -1 with err set. */
static int read_range(struct reader *rd, const struct sl_mysql_split *sp, struct sl_err *err)
{
    struct sl_mysql_source *s = rd->s;
    if (range_sql(rd) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "the SELECT statement is too long");
    struct sl_select sel;
    if (sl_select_start(&sel, rd->m, rd->sql.data, 0, NULL, err) != 0) {
        if (rd->u->what)
            sl_err_prefix(err, "%s", rd->u->what);
        return -1;
    }
    atomic_store(&s->reading, 1);
    struct sl_batch *b = NULL;
    uint64_t ordinal = 0;
    size_t j = 0;
    char **vals;
    unsigned long *lens;
    int more, rc = 0;
    while (rc == 0 && (more = sl_select_next_raw(&sel, &vals, &lens, err)) == 1) {
        ordinal++;
        if (ordinal <= rd->done)
            continue; /* handed on before the connection was lost */
        if (committed_before(sp, &j, ordinal - 1)) {
            /* a batch's rows are consecutive: it ends here */
            if (b)
                rc = hand_on(rd, b) == 0 ? 0 : 1;
            b = NULL;
            continue;
        }
        size_t need = row_bytes(rd->u, vals, lens);
        if (b && (sl_batch_is_full(b) || (b->nrows > 0 && b->arena.len + need > s->batch_bytes))) {
            rc = hand_on(rd, b) == 0 ? 0 : 1;
            b = NULL;
        }
        if (rc == 0 && !b && !(b = take(rd, ordinal - 1)))
            rc = 1;
        if (rc == 0)
            rc = put_row(rd, b, vals, lens, ordinal, err);
    }
    if (rc == 0 && more < 0)
        rc = -1;
    sl_select_end(&sel); /* after a kill or a lost connection this returns at once */
    if (b && rc == 0)
        rc = hand_on(rd, b) == 0 ? 0 : 1;
    else if (b)
        rd->port->give_back(rd->port->ctx, b);
    if (rc == 0 && ordinal > rd->counted) /* rows skipped as committed at the end */
        rd->port->count(rd->port->ctx, ordinal - rd->counted, 0, 0);
    return rc;
}

/* After the reader's connection was lost reading its range (e): moves the
 * reader onto a spare connection in the same snapshot, when one is left
 * and the range can be read again exactly (from its start, or in key order
 * past the rows already handed on). Returns 1 when it did, else 0. */
static int take_spare(struct reader *rd, const struct sl_err *e)
{
    struct sl_mysql_source *s = rd->s;
    if (!sl_errno_conn_gone(e->server_errno) || rd->port->stopping(rd->port->ctx))
        return 0;
    if (rd->done > 0 && !rd->u->order[0])
        return 0; /* the rows after those handed on are not known without an order */
    unsigned k = atomic_fetch_add(&s->spares_taken, 1);
    if (k >= s->nspares)
        return 0;
    rd->m = s->conns[s->nconns + k];
    char msg[512];
    snprintf(msg, sizeof msg,
             "sluice: lost the connection reading %s (%s); reading the range again on a "
             "spare connection in the same snapshot, from row %" PRIu64 "\n",
             rd->u->name, e->msg, rd->done + 1);
    rd->port->note(rd->port->ctx, msg);
    return 1;
}

static int read_split(void *reader, uint64_t k, const struct sl_source_port *port)
{
    struct reader *rd = reader;
    struct sl_mysql_source *s = rd->s;
    struct sl_mysql_split sp = split_of(s, k);
    rd->port = port;
    rd->unit = sp.unit;
    rd->range = sp.range;
    rd->u = &s->units[sp.unit];
    rd->done = rd->counted = 0;
    struct sl_err e;
    int rc = 0;
    if (!sp.complete_before)
        while ((rc = read_range(rd, &sp, &e)) < 0 && take_spare(rd, &e))
            ;
    if (rc == 0 && s->after_split)
        rc = s->after_split(s->ctx, rd->m, k, &e);
    if (rc == 0)
        return 0;
    if (rc > 0 || port->stopping(port->ctx))
        return -1; /* stopping: the range stays unread */
    if (rd->done > 0 && !rd->u->order[0] && sl_errno_conn_gone(e.server_errno) &&
        rd->s->nspares > 0)
        sl_err_suffix(&e,
                      "; %" PRIu64 " rows of the range were already passed on, and without "
                      "an order (--order-by-pk) the range cannot be read again exactly",
                      rd->done);
    if (port->fail_unit(port->ctx, sp.unit, &e) != 0)
        return -1;
    /* the unit failed, the run goes on; a reader whose connection is gone
     * has lost its snapshot too, and reads no more */
    return sl_errno_conn_gone(e.server_errno) ? 1 : 0;
}

static int reader_open(void *source, unsigned index, void **out, struct sl_err *err)
{
    struct sl_mysql_source *s = source;
    if (index >= s->nconns)
        return sl_err_set(err, SL_ERR_FATAL, "reader %u has no connection", index);
    struct reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    rd->s = s;
    rd->m = s->conns[index];
    sl_buf_init(&rd->sql, SQL_MAX);
    sl_conn_thread_begin();
    *out = rd;
    return 0;
}

static void reader_close(void *reader)
{
    struct reader *rd = reader;
    sl_buf_release(&rd->sql);
    sl_conn_thread_end();
    free(rd);
}

static int next_split(void *source, uint64_t *split)
{
    struct sl_mysql_source *s = source;
    uint64_t k = atomic_fetch_add(&s->next, 1);
    if (k >= s->nsplits)
        return 0;
    *split = k;
    return 1;
}

static const char *unit_name(void *source, size_t unit)
{
    struct sl_mysql_source *s = source;
    return s->units[unit].name;
}

void sl_mysql_source_cancel(struct sl_mysql_source *s, MYSQL *via)
{
    unsigned spares = atomic_load(&s->spares_taken);
    unsigned n = s->nconns + (spares < s->nspares ? spares : s->nspares);
    for (unsigned i = 0; i < n; i++)
        sl_conn_kill_query(via, s->conn_ids[i]);
}

const struct sl_source_ops sl_mysql_source_ops = {
    .name = "mysql",
    .caps = SL_SOURCE_SNAPSHOT | SL_SOURCE_ORDERED,
    .reader_open = reader_open,
    .next_split = next_split,
    .read_split = read_split,
    .reader_close = reader_close,
    .unit_name = unit_name,
    .field_of = NULL,
};
