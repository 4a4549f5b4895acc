#include "sl_row_stage.h"

#include <stdio.h>

#include "sl_hex.h"
#include "sl_utf8.h"

/* Checks a value bound for column col as UTF-8, unless it is NULL or the
 * column takes raw bytes. Returns 0, or 1 with the reason in f. */
static int check_text(const struct sl_row_stage *st, size_t col, const struct sl_tf_value *v,
                      struct sl_row_fault *f)
{
    if (v->null || st->checks[col].raw_bytes)
        return 0;
    size_t ok = sl_utf8_check((const unsigned char *)v->p, v->len);
    if (ok == v->len)
        return 0;
    snprintf(f->why, sizeof f->why, "invalid UTF-8 at byte %zu of the value", ok + 1);
    return 1;
}

/* Stores v as column col of the ended row, checked against the column (and
 * as UTF-8 when check_utf8). Returns 0, or 1 with the reason in f. */
static int put_value(const struct sl_row_stage *st, struct sl_batch *b, size_t row, size_t col,
                     const struct sl_tf_value *v, int check_utf8, struct sl_row_fault *f)
{
    if (v->null) {
        sl_batch_set_ref_at(b, row, col, 0, SL_CELL_NULL);
        return 0;
    }
    const struct sl_colcheck *ck = &st->checks[col];
    if (check_utf8 && check_text(st, col, v, f) != 0)
        return 1;
    if (sl_colcheck_value(ck, v->p, v->len, f->why, sizeof f->why) != 0)
        return 1;
    /* a value inside the arena (a field, or a trimmed one) is referred to;
     * one made by a transform is copied in */
    size_t off;
    const char *base = b->arena.data;
    if (base && v->p >= base && v->p + v->len <= base + b->arena.len) {
        off = (size_t)(v->p - base);
    } else if (sl_batch_set_cell_at(b, row, col, v->p, v->len) == 0) {
        off = b->arena.len - v->len;
    } else {
        snprintf(f->why, sizeof f->why, "the transformed value does not fit the batch");
        return 1;
    }
    size_t len = v->len;
    if (ck->kind == SL_CHECK_HEX) { /* checked above: cannot fail */
        size_t bad;
        char *at = b->arena.data + off;
        len = (size_t)sl_hex_decode((unsigned char *)at, at, len, &bad);
    }
    sl_batch_set_ref_at(b, row, col, off, len);
    return 0;
}

int sl_row_stage_apply(const struct sl_row_stage *st, struct sl_batch *b, size_t row,
                       struct sl_tf_work *w, struct sl_row_fault *f)
{
    int unchecked = b->pos[row].unchecked;
    for (size_t col = 0; col < st->ncols; col++) {
        const struct sl_cell *c = sl_batch_cell(b, row, col);
        int null = c->len == SL_CELL_NULL;
        struct sl_tf_value v = {null ? "" : b->arena.data + c->off, null ? 0 : c->len, null};
        const struct sl_tf_chain *chain = st->chain ? st->chain[col] : NULL;
        f->col = col;
        if (!chain) {
            if (put_value(st, b, row, col, &v, unchecked, f) != 0)
                return 1;
            continue;
        }
        /* the input is checked as it was read, the output as it is */
        if (unchecked && check_text(st, col, &v, f) != 0)
            return 1;
        if (sl_tf_apply(st->transforms, chain, &v, w, f->why, sizeof f->why) != 0)
            return 1;
        if (put_value(st, b, row, col, &v, chain->decodes || col >= st->nfile_cols, f) != 0)
            return 1;
    }
    return 0;
}
