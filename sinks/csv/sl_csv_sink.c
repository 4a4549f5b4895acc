#include "sl_csv_sink.h"

#include <stdlib.h>

#include "sl_buf.h"
#include "sl_csv_fmt.h"

struct writer {
    struct sl_csv_sink *s;
    const struct sl_sink_port *port;
};

static int writer_open(void *sink, unsigned index, const struct sl_sink_port *port, void **out,
                       struct sl_err *err)
{
    struct writer *w = calloc(1, sizeof *w);
    if (!w)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    w->s = sink;
    w->port = port;
    *out = w;
    return 0;
}

/* Appends row r of b as one record to out. Returns 0 or -1 (it does not
 * fit). */
static int format_row(const struct sl_csv_sink *s, const struct sl_batch *b, size_t r,
                      struct sl_buf *out)
{
    const unsigned char *hex = s->hex;
    for (size_t c = 0; c < b->ncols; c++) {
        const struct sl_cell *cell = sl_batch_cell(b, r, c);
        const char *p = sl_batch_cell_data(b, cell);
        int rc = c ? sl_buf_append(out, ",", 1) : 0;
        if (rc == 0 && cell->len == SL_CELL_NULL)
            rc = sl_csv_fmt_null(out);
        else if (rc == 0 && hex && hex[c])
            rc = sl_csv_fmt_hex_field(out, (const unsigned char *)p, cell->len);
        else if (rc == 0)
            rc = sl_csv_fmt_field(out, p, cell->len);
        if (rc != 0)
            return -1;
    }
    return sl_buf_append(out, "\n", 1);
}

/* On the reader's thread: the batch's records as CSV text in b->enc. */
static int encode(void *sink, struct sl_batch *b, struct sl_err *err)
{
    const struct sl_csv_sink *s = sink;
    if (sl_batch_enc_reserve(b) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_reset(&b->enc);
    b->nenc = 0;
    for (size_t r = 0; r < b->nrows; r++) {
        if (b->pos[r].rejected)
            continue;
        if (format_row(s, b, r, &b->enc) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "a batch's rows do not fit its CSV buffer");
        b->enc_end[b->nenc++] = b->enc.len;
    }
    return 0;
}

static int write_batch(void *writer, struct sl_batch *b)
{
    struct writer *w = writer;
    const struct sl_sink_port *port = w->port;
    struct sl_err e;
    if (b->nenc > 0 && sl_out_parts_write(w->s->out, b->enc.data, b->enc_end, b->nenc, &e) != 0) {
        port->fail(port->ctx, -1, &e);
        port->release(port->ctx, b, 0);
        return -1;
    }
    uint64_t text, file;
    sl_out_parts_bytes(w->s->out, &text, &file);
    atomic_store_explicit(&w->s->text, text, memory_order_relaxed);
    atomic_store_explicit(&w->s->file, file, memory_order_relaxed);
    port->committed(port->ctx, &b, 1, b->nenc, 0, 0);
    port->release(port->ctx, b, 1);
    return 0;
}

static void writer_close(void *writer)
{
    free(writer);
}

const struct sl_sink_ops sl_csv_sink_ops = {
    .name = "csv",
    .caps = 0,
    .writer_open = writer_open,
    .encode = encode,
    .write = write_batch,
    /* each write commits its batch: no commit, rollback or pending */
    .writer_close = writer_close,
};
