/*
 * The common part of foreign readers: see sl_frows.h.
 */
#include "sl_frows.h"

#include <inttypes.h>
#include <stdio.h>

void sl_frows_begin(struct sl_frows *f, const struct sl_source_port *port,
                    const struct sl_funit *units, const struct sl_fsplit *sp, size_t batch_bytes,
                    int keep_raw)
{
    *f = (struct sl_frows){
        .port = port,
        .u = &units[sp->unit],
        .unit = sp->unit,
        .range = sp->range,
        .batch_bytes = batch_bytes,
        .keep_raw = keep_raw,
    };
}

static int hand_on(struct sl_frows *f)
{
    struct sl_batch *b = f->b;
    f->b = NULL;
    b->end = f->ordinal;
    f->port->count(f->port->ctx, f->ordinal - f->counted, 0, b->arena.len);
    f->counted = f->ordinal;
    return f->port->hand_on(f->port->ctx, b) == 0 ? 0 : 1;
}

int sl_frows_next(struct sl_frows *f, size_t n)
{
    if (f->b &&
        (sl_batch_is_full(f->b) || (f->b->nrows > 0 && f->b->arena.len + n > f->batch_bytes)) &&
        hand_on(f) != 0)
        return 1;
    if (!f->b) {
        if (!(f->b = f->port->take(f->port->ctx)))
            return 1;
        sl_batch_reshape(f->b, f->u->t->ncols);
        f->b->source = f->unit;
        f->b->start = f->b->end = f->ordinal;
    }
    f->ordinal++;
    return 0;
}

int sl_frows_put(struct sl_frows *f, const char *const *vals, const size_t *lens, const char *raw,
                 size_t raw_len, struct sl_err *err)
{
    const struct sl_funit *u = f->u;
    struct sl_batch *b = f->b;
    uint64_t h = SL_CANON_ROW_INIT;
    for (size_t i = 0; i < u->t->ncols; i++) {
        int rc = vals[i] ? sl_batch_set_cell(b, i, vals[i], lens[i]) : (sl_batch_set_null(b, i), 0);
        if (rc != 0) {
            sl_batch_drop_row(b);
            sl_err_set(err, SL_ERR_FATAL,
                       "%s: row %" PRIu64 " of its range is %zu bytes, more than a batch holds",
                       u->name, f->ordinal, raw_len);
            return -1;
        }
        h = sl_canon_add(h, u->canon[i], vals[i], vals[i] ? lens[i] : 0);
    }
    if (f->keep_raw && sl_batch_keep_raw(b, raw, raw_len) != 0) {
        sl_batch_drop_row(b);
        return sl_frows_bad(f, -1, NULL, "row too large to keep for the rejects file", raw,
                            raw_len);
    }
    sl_batch_end_row(b, f->ordinal, 0);
    if (f->port->row(f->port->ctx, b) != 0)
        return -1;
    if (u->sums && !b->pos[b->nrows - 1].rejected)
        sl_canon_sum_row(&u->sums[f->range], h);
    return 0;
}

int sl_frows_bad(struct sl_frows *f, long col, const char *who, const char *why, const char *raw,
                 size_t raw_len)
{
    char reason[768];
    snprintf(reason, sizeof reason, "%s%s%s%s", who ? "row " : "", who ? who : "", who ? ": " : "",
             why);
    struct sl_bad_row bad = {
        .unit = f->unit,
        .line = f->ordinal,
        .col = col >= 0 ? (size_t)col : 0,
        .has_col = col >= 0,
        .reason = reason,
        .raw = raw,
        .raw_len = raw_len,
    };
    return f->port->bad_row(f->port->ctx, &bad);
}

int sl_frows_end(struct sl_frows *f, int ok)
{
    if (!f->b)
        return 0;
    if (ok)
        return hand_on(f);
    f->port->give_back(f->port->ctx, f->b);
    f->b = NULL;
    return 0;
}

int sl_frows_finish(struct sl_frows *f, int rc, const struct sl_err *e, int reader_dead)
{
    if (sl_frows_end(f, rc == 0) != 0 && rc == 0)
        rc = 1;
    if (rc == 0)
        return 0;
    if (rc > 0 || f->port->stopping(f->port->ctx))
        return -1;
    if (f->port->fail_unit(f->port->ctx, f->unit, e) != 0)
        return -1;
    return reader_dead ? 1 : 0;
}

int sl_fsplits_next(void *source, uint64_t *split)
{
    struct sl_fsplits *s = source;
    uint64_t k = atomic_fetch_add(&s->next, 1);
    if (k >= s->nsplits)
        return 0;
    *split = k;
    return 1;
}

const char *sl_fsplits_unit_name(void *source, size_t unit)
{
    struct sl_fsplits *s = source;
    return s->units[unit].name;
}

const char *sl_fsplits_col_name(void *source, size_t unit, size_t col)
{
    struct sl_fsplits *s = source;
    const struct sl_ftable *t = s->units[unit].t;
    return col < t->ncols ? t->cols[col].name : NULL;
}
