#include "sl_insert_plan.h"

#include <string.h>

#include "sl_ident.h"

size_t sl_insert_max_rows(size_t batch_rows, size_t ncols)
{
    size_t by_params = ncols ? SL_INSERT_MAX_PLACEHOLDERS / ncols : 1;
    size_t n = batch_rows < by_params ? batch_rows : by_params;
    return n ? n : 1;
}

/* Length of the length prefix the protocol puts before a string value. */
static size_t lenenc_size(size_t len)
{
    if (len < 251)
        return 1;
    if (len < 65536)
        return 3;
    if (len < 16777216)
        return 4;
    return 9;
}

size_t sl_insert_packet_base(void)
{
    /* command, statement id, flags, iteration count, new-params-bound flag */
    return 1 + 4 + 1 + 4 + 1;
}

size_t sl_insert_row_bytes(const struct sl_batch *b, size_t row)
{
    size_t n = b->ncols * 2 + (b->ncols + 7) / 8;
    for (size_t c = 0; c < b->ncols; c++) {
        const struct sl_cell *cell = sl_batch_cell(b, row, c);
        if (cell->len != SL_CELL_NULL)
            n += lenenc_size(cell->len) + cell->len;
    }
    return n;
}

size_t sl_insert_rows_that_fit(const struct sl_batch *b, const uint32_t *rows, size_t n,
                               size_t max_rows, size_t max_packet)
{
    if (max_packet <= SL_INSERT_PACKET_MARGIN + sl_insert_packet_base())
        return 0;
    size_t budget = max_packet - SL_INSERT_PACKET_MARGIN - sl_insert_packet_base();
    size_t want = n < max_rows ? n : max_rows;
    /* fast path: even with the longest length prefix (9 bytes) on every
     * cell, the whole batch fits */
    size_t per_row_max = b->ncols * (2 + 9) + (b->ncols + 7) / 8;
    if (b->nrows && b->arena.len <= budget && per_row_max <= (budget - b->arena.len) / b->nrows)
        return want;
    size_t used = 0, k = 0;
    while (k < want) {
        size_t r = sl_insert_row_bytes(b, rows[k]);
        if (r > budget - used)
            break;
        used += r;
        k++;
    }
    return k;
}

static const char *verb_text(enum sl_insert_verb v)
{
    switch (v) {
    case SL_VERB_IGNORE:
        return "INSERT IGNORE INTO ";
    case SL_VERB_REPLACE:
        return "REPLACE INTO ";
    default:
        return "INSERT INTO ";
    }
}

/* ON DUPLICATE KEY UPDATE `a`=VALUES(`a`),... */
static int append_update(struct sl_buf *out, const struct sl_insert_target *t)
{
    if (sl_buf_puts(out, " ON DUPLICATE KEY UPDATE ") != 0)
        return -1;
    if (t->nupdate == 0) { /* nothing to update: leave the row as it is */
        const char *c = t->cols[0];
        return sl_ident_append(out, c, strlen(c)) != 0 || sl_buf_puts(out, "=") != 0 ||
                       sl_ident_append(out, c, strlen(c)) != 0
                   ? -1
                   : 0;
    }
    for (size_t i = 0; i < t->nupdate; i++) {
        if (t->update[i] >= t->ncols)
            return -1;
        const char *c = t->cols[t->update[i]];
        if ((i && sl_buf_puts(out, ",") != 0) || sl_ident_append(out, c, strlen(c)) != 0 ||
            sl_buf_puts(out, "=VALUES(") != 0 || sl_ident_append(out, c, strlen(c)) != 0 ||
            sl_buf_puts(out, ")") != 0)
            return -1;
    }
    return 0;
}

int sl_insert_build_sql(struct sl_buf *out, const struct sl_insert_target *t, size_t nrows)
{
    size_t ncols = t->ncols;
    if (ncols == 0 || sl_buf_puts(out, verb_text(t->verb)) != 0 ||
        sl_ident_append_qualified(out, t->schema, t->table) != 0 || sl_buf_puts(out, " (") != 0)
        return -1;
    for (size_t c = 0; c < ncols; c++) {
        if ((c && sl_buf_append(out, ",", 1) != 0) ||
            sl_ident_append(out, t->cols[c], strlen(t->cols[c])) != 0)
            return -1;
    }
    if (sl_buf_puts(out, ") VALUES ") != 0)
        return -1;
    /* one row group "(?,?,?)" written once, then copied */
    size_t group_len = 2 * ncols + 1;
    if (sl_buf_reserve(out, nrows * (group_len + 1)) != 0)
        return -1;
    char *p = out->data + out->len;
    for (size_t r = 0; r < nrows; r++) {
        if (r)
            *p++ = ',';
        *p++ = '(';
        for (size_t c = 0; c < ncols; c++) {
            if (c)
                *p++ = ',';
            *p++ = '?';
        }
        *p++ = ')';
    }
    out->len = (size_t)(p - out->data);
    return t->verb == SL_VERB_UPSERT ? append_update(out, t) : 0;
}
