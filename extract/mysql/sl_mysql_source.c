/*
 * The MySQL source's reader: one key range at a time, rows read unbuffered
 * into pooled batches. See sl_mysql_source.h.
 */
#include "sl_mysql_source.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_select.h"

#define SQL_MAX (16 * 1024 * 1024)

struct reader {
    struct sl_mysql_source *s;
    MYSQL *m;
    struct sl_buf sql;
};

/* Builds the statement that reads split k into rd->sql. */
static int split_sql(struct reader *rd, uint64_t k)
{
    const struct sl_mysql_source *s = rd->s;
    struct sl_buf *q = &rd->sql;
    sl_buf_reset(q);
    int rc = sl_buf_puts(q, s->select);
    int by_range = s->key && !sl_key_ranges_whole(s->ranges);
    size_t cond_len = strlen(s->cond);
    if (rc == 0 && (cond_len > 0 || by_range))
        rc = sl_buf_puts(q, " WHERE ");
    if (rc == 0 && cond_len > 0)
        rc = sl_buf_printf(q, "(%s)%s", s->cond, by_range ? " AND " : "");
    if (rc == 0 && by_range)
        rc = sl_key_ranges_cond(s->ranges, k, s->key, q);
    if (rc == 0)
        rc = sl_buf_puts(q, s->order);
    return rc == 0 && sl_buf_cstr(q) ? 0 : -1;
}

/* Stores one row into b. Returns 0, or -1 when it does not fit. */
static int put_row(const struct sl_mysql_source *s, struct sl_batch *b, char **vals,
                   const unsigned long *lens, uint64_t ordinal)
{
    for (size_t i = 0; i < b->ncols; i++) {
        if (!vals[i]) {
            sl_batch_set_null(b, i);
            continue;
        }
        char f[32];
        int n = s->as_float && s->as_float[i] ? sl_select_float_text(vals[i], lens[i], f) : -1;
        int rc = n > 0 ? sl_batch_set_cell(b, i, f, (size_t)n)
                       : sl_batch_set_cell(b, i, vals[i], lens[i]);
        if (rc != 0) {
            sl_batch_drop_row(b);
            return -1;
        }
    }
    sl_batch_end_row(b, ordinal, 0);
    return 0;
}

static int read_split(void *reader, uint64_t k, const struct sl_source_port *port)
{
    struct reader *rd = reader;
    struct sl_mysql_source *s = rd->s;
    struct sl_err e;
    if (split_sql(rd, k) != 0) {
        sl_err_set(&e, SL_ERR_FATAL, "out of memory");
        port->fail(port->ctx, &e);
        return -1;
    }
    struct sl_batch *b = port->take(port->ctx);
    if (!b)
        return -1;
    b->source = (size_t)k;
    struct sl_select sel;
    if (sl_select_start(&sel, rd->m, rd->sql.data, 0, NULL, &e) != 0) {
        sl_err_prefix(&e, "%s", s->what);
        port->fail(port->ctx, &e);
        port->give_back(port->ctx, b);
        return -1;
    }
    atomic_store(&s->reading, 1);
    uint64_t ordinal = 0, counted = 0;
    char **vals;
    unsigned long *lens;
    int rc;
    while ((rc = sl_select_next_raw(&sel, &vals, &lens, &e)) == 1) {
        if (put_row(s, b, vals, lens, ++ordinal) != 0) {
            sl_err_set(&e, SL_ERR_FATAL, "%s: row %llu of split %llu does not fit a batch", s->name,
                       (unsigned long long)ordinal, (unsigned long long)k);
            rc = -1;
            break;
        }
        if (!sl_batch_is_full(b) && b->arena.len < s->batch_bytes)
            continue;
        port->count(port->ctx, ordinal - counted, 0, b->arena.len);
        counted = ordinal;
        if (port->hand_on(port->ctx, b) != 0 || !(b = port->take(port->ctx))) {
            sl_select_end(&sel);
            return -1;
        }
        b->source = (size_t)k;
    }
    sl_select_end(&sel);
    if (rc < 0) {
        port->fail(port->ctx, &e);
        port->give_back(port->ctx, b);
        return -1;
    }
    port->count(port->ctx, ordinal - counted, 0, b->arena.len);
    return port->hand_on(port->ctx, b);
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
    return s->name;
}

void sl_mysql_source_cancel(struct sl_mysql_source *s, MYSQL *via)
{
    for (unsigned i = 0; i < s->nconns; i++)
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
