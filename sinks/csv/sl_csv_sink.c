#include "sl_csv_sink.h"

#include <stdlib.h>

#include "sl_buf.h"
#include "sl_csv_fmt.h"

/* Formatted text is written out once it passes this. */
#define TEXT_FLUSH (1024 * 1024)

struct writer {
    struct sl_csv_sink *s;
    const struct sl_sink_port *port;
    struct sl_buf text; /* whole records */
    size_t *ends;       /* where each record ends in text */
    size_t ncap;        /* room in ends */
    size_t n;           /* records in text */
};

static int writer_open(void *sink, unsigned index, const struct sl_sink_port *port, void **out,
                       struct sl_err *err)
{
    struct writer *w = calloc(1, sizeof *w);
    if (!w)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    w->s = sink;
    w->port = port;
    /* room for any one record past the flush threshold */
    sl_buf_init(&w->text, (size_t)1 << 31);
    *out = w;
    return 0;
}

static int flush(struct writer *w)
{
    struct sl_err e;
    if (w->n && sl_out_parts_write(w->s->out, w->text.data, w->ends, w->n, &e) != 0) {
        w->port->fail(w->port->ctx, -1, &e);
        return -1;
    }
    sl_buf_reset(&w->text);
    w->n = 0;
    uint64_t text, file;
    sl_out_parts_bytes(w->s->out, &text, &file);
    atomic_store_explicit(&w->s->text, text, memory_order_relaxed);
    atomic_store_explicit(&w->s->file, file, memory_order_relaxed);
    return 0;
}

/* Appends row r of b as one record. Returns 0 or -1 (it does not fit). */
static int format_row(struct writer *w, const struct sl_batch *b, size_t r)
{
    const unsigned char *hex = w->s->hex;
    struct sl_buf *t = &w->text;
    for (size_t c = 0; c < b->ncols; c++) {
        const struct sl_cell *cell = sl_batch_cell(b, r, c);
        const char *p = sl_batch_cell_data(b, cell);
        int rc = c ? sl_buf_append(t, ",", 1) : 0;
        if (rc == 0 && cell->len == SL_CELL_NULL)
            rc = sl_csv_fmt_null(t);
        else if (rc == 0 && hex && hex[c])
            rc = sl_csv_fmt_hex_field(t, (const unsigned char *)p, cell->len);
        else if (rc == 0)
            rc = sl_csv_fmt_field(t, p, cell->len);
        if (rc != 0)
            return -1;
    }
    return sl_buf_append(t, "\n", 1);
}

static int write_batch(void *writer, struct sl_batch *b)
{
    struct writer *w = writer;
    const struct sl_sink_port *port = w->port;
    struct sl_err e;
    if (w->ncap < b->nrows) {
        size_t *ne = realloc(w->ends, b->nrows * sizeof *ne);
        if (!ne) {
            sl_err_set(&e, SL_ERR_FATAL, "out of memory");
            goto fail;
        }
        w->ends = ne;
        w->ncap = b->nrows;
    }
    uint64_t written = 0;
    for (size_t r = 0; r < b->nrows; r++) {
        if (b->pos[r].rejected)
            continue;
        size_t mark = w->text.len;
        if (format_row(w, b, r) != 0) {
            w->text.len = mark;
            sl_err_set(&e, SL_ERR_FATAL, "a row does not fit the output buffer");
            goto fail;
        }
        w->ends[w->n++] = w->text.len;
        written++;
        if (w->n == w->ncap || w->text.len >= TEXT_FLUSH) {
            if (flush(w) != 0) {
                port->release(port->ctx, b, 0);
                return -1;
            }
        }
    }
    if (flush(w) != 0) {
        port->release(port->ctx, b, 0);
        return -1;
    }
    port->committed(port->ctx, &b, 1, written, 0, 0);
    port->release(port->ctx, b, 1);
    return 0;
fail:
    port->fail(port->ctx, -1, &e);
    port->release(port->ctx, b, 0);
    return -1;
}

static int commit(void *writer)
{
    return 0;
}

static void rollback(void *writer)
{
}

static void pending(void *writer, uint64_t *rows, size_t *batches, size_t *bytes)
{
    *rows = 0;
    *batches = 0;
    *bytes = 0;
}

static void writer_close(void *writer)
{
    struct writer *w = writer;
    sl_buf_release(&w->text);
    free(w->ends);
    free(w);
}

const struct sl_sink_ops sl_csv_sink_ops = {
    .name = "csv",
    .caps = 0,
    .writer_open = writer_open,
    .write = write_batch,
    .commit = commit,
    .rollback = rollback,
    .pending = pending,
    .writer_close = writer_close,
};
