#include "sl_batch.h"

#include <stdlib.h>

struct sl_batch *sl_batch_new(size_t ncols, size_t row_cap, size_t arena_max)
{
    if (ncols == 0 || row_cap == 0 || arena_max == 0 || arena_max > UINT32_MAX)
        return NULL;
    struct sl_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->ncols = ncols;
    b->col_cap = ncols;
    b->row_cap = row_cap;
    b->cells = calloc(ncols * row_cap, sizeof *b->cells);
    b->pos = calloc(row_cap, sizeof *b->pos);
    if (!b->cells || !b->pos) {
        sl_batch_free(b);
        return NULL;
    }
    sl_buf_init(&b->arena, arena_max);
    /* CSV text of the values may take twice their bytes (hex, quotes) */
    sl_buf_init(&b->enc, (size_t)4 * arena_max);
    return b;
}

int sl_batch_enc_reserve(struct sl_batch *b)
{
    if (!b->enc_end)
        b->enc_end = malloc(b->row_cap * sizeof *b->enc_end);
    return b->enc_end ? 0 : -1;
}

uint64_t sl_batch_good_rows(const struct sl_batch *b)
{
    uint64_t n = 0;
    for (size_t i = 0; i < b->nrows; i++)
        n += !b->pos[i].rejected;
    return n;
}

void sl_batch_free(struct sl_batch *b)
{
    if (!b)
        return;
    free(b->cells);
    free(b->pos);
    free(b->enc_end);
    sl_buf_release(&b->arena);
    sl_buf_release(&b->enc);
    free(b);
}

void sl_batch_reset(struct sl_batch *b)
{
    b->nrows = 0;
    b->source = 0;
    b->split_end = 0;
    b->start = 0;
    b->end = 0;
    b->row_mark = 0;
    b->nenc = 0;
    sl_buf_reset(&b->arena);
    sl_buf_reset(&b->enc);
}

int sl_batch_reshape(struct sl_batch *b, size_t ncols)
{
    if (ncols == 0 || ncols > b->col_cap)
        return -1;
    sl_batch_reset(b);
    b->ncols = ncols;
    return 0;
}

int sl_batch_set_cell_at(struct sl_batch *b, size_t row, size_t col, const void *p, size_t len)
{
    size_t off = b->arena.len;
    if (len >= SL_CELL_NULL || sl_buf_append(&b->arena, p, len) != 0)
        return -1;
    sl_batch_set_ref_at(b, row, col, off, len);
    b->row_mark = b->arena.len;
    return 0;
}

void sl_batch_set_null(struct sl_batch *b, size_t col)
{
    struct sl_cell *c = &b->cells[b->nrows * b->ncols + col];
    c->off = 0;
    c->len = SL_CELL_NULL;
}

int sl_batch_keep_raw(struct sl_batch *b, const char *raw, size_t len)
{
    size_t off = b->arena.len;
    if (len >= UINT32_MAX || sl_buf_append(&b->arena, raw, len) != 0)
        return -1;
    b->pos[b->nrows].raw_off = (uint32_t)off;
    b->pos[b->nrows].raw_len = (uint32_t)len;
    return 0;
}

void sl_batch_end_row(struct sl_batch *b, uint64_t line, uint64_t offset)
{
    b->pos[b->nrows].line = line;
    b->pos[b->nrows].offset = offset;
    b->pos[b->nrows].rejected = 0;
    b->pos[b->nrows].unchecked = 0;
    b->nrows++;
    b->row_mark = b->arena.len;
}

void sl_batch_drop_row(struct sl_batch *b)
{
    b->arena.len = b->row_mark;
    if (b->nrows < b->row_cap)
        b->pos[b->nrows].raw_len = 0;
}
