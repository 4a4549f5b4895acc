#include "sl_csv_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define OUT_BUF (256 * 1024)

struct sl_csv_out {
    int fd;
    int is_stdout;
    char *path;
    char *buf; /* CSV text not yet compressed or written */
    size_t len;
    ZSTD_CCtx *cctx; /* NULL for plain output */
    char *zbuf;
    size_t zcap;
    int failed;
};

static int write_all(struct sl_csv_out *o, const char *p, size_t n, struct sl_err *err)
{
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            o->failed = 1;
            return sl_err_set(err, SL_ERR_FATAL, "%s: write failed: %s", o->path, strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Compresses (or copies) the buffered text out; with end set, ends the
 * zstd frame too. */
static int flush(struct sl_csv_out *o, int end, struct sl_err *err)
{
    if (!o->cctx) {
        int rc = write_all(o, o->buf, o->len, err);
        o->len = 0;
        return rc;
    }
    ZSTD_inBuffer in = {o->buf, o->len, 0};
    ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
        ZSTD_outBuffer out = {o->zbuf, o->zcap, 0};
        size_t left = ZSTD_compressStream2(o->cctx, &out, &in, mode);
        if (ZSTD_isError(left)) {
            o->failed = 1;
            return sl_err_set(err, SL_ERR_FATAL, "%s: zstd: %s", o->path, ZSTD_getErrorName(left));
        }
        if (write_all(o, o->zbuf, out.pos, err) != 0)
            return -1;
        if (end ? left == 0 : in.pos == in.size)
            break;
    }
    o->len = 0;
    return 0;
}

int sl_csv_out_open(struct sl_csv_out **out, const char *path, int zstd_level, struct sl_err *err)
{
    struct sl_csv_out *o = calloc(1, sizeof *o);
    if (!o)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    o->fd = -1;
    o->is_stdout = strcmp(path, "-") == 0;
    o->path = strdup(o->is_stdout ? "stdout" : path);
    o->buf = malloc(OUT_BUF);
    if (!o->path || !o->buf)
        goto out_nomem;
    if (zstd_level > 0) {
        o->cctx = ZSTD_createCCtx();
        o->zcap = ZSTD_CStreamOutSize();
        o->zbuf = malloc(o->zcap);
        if (!o->cctx || !o->zbuf)
            goto out_nomem;
        ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_compressionLevel, zstd_level);
        ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_checksumFlag, 1);
    }
    o->fd =
        o->is_stdout ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o->fd < 0) {
        sl_err_set(err, SL_ERR_FATAL, "%s: cannot create: %s", path, strerror(errno));
        sl_csv_out_close(o, NULL);
        return -1;
    }
    *out = o;
    return 0;
out_nomem:
    sl_csv_out_close(o, NULL);
    return sl_err_set(err, SL_ERR_FATAL, "out of memory");
}

/* Appends bytes, flushing when the buffer fills. */
static int put(struct sl_csv_out *o, const char *p, size_t n, struct sl_err *err)
{
    while (n > 0) {
        if (o->len == OUT_BUF && flush(o, 0, err) != 0)
            return -1;
        size_t k = OUT_BUF - o->len < n ? OUT_BUF - o->len : n;
        memcpy(o->buf + o->len, p, k);
        o->len += k;
        p += k;
        n -= k;
    }
    return 0;
}

static int needs_quotes(const char *p, size_t n)
{
    if (n == 0 || (n == 2 && p[0] == '\\' && p[1] == 'N'))
        return 1;
    for (size_t i = 0; i < n; i++)
        if (p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n')
            return 1;
    return 0;
}

static int field(struct sl_csv_out *o, const char *p, size_t n, struct sl_err *err)
{
    if (!needs_quotes(p, n))
        return put(o, p, n, err);
    if (put(o, "\"", 1, err) != 0)
        return -1;
    for (const char *q; (q = memchr(p, '"', n)) != NULL;) {
        size_t k = (size_t)(q - p) + 1;
        if (put(o, p, k, err) != 0 || put(o, "\"", 1, err) != 0)
            return -1;
        p += k;
        n -= k;
    }
    if (put(o, p, n, err) != 0)
        return -1;
    return put(o, "\"", 1, err);
}

int sl_csv_out_header(struct sl_csv_out *o, const char *const *names, size_t n, struct sl_err *err)
{
    for (size_t i = 0; i < n; i++)
        if ((i && put(o, ",", 1, err) != 0) || field(o, names[i], strlen(names[i]), err) != 0)
            return -1;
    return put(o, "\n", 1, err);
}

int sl_csv_out_row(struct sl_csv_out *o, const struct sl_batch *b, size_t row, struct sl_err *err)
{
    for (size_t c = 0; c < b->ncols; c++) {
        const struct sl_cell *cell = sl_batch_cell(b, row, c);
        if (c && put(o, ",", 1, err) != 0)
            return -1;
        int rc = cell->len == SL_CELL_NULL ? put(o, "\\N", 2, err)
                                           : field(o, sl_batch_cell_data(b, cell), cell->len, err);
        if (rc != 0)
            return -1;
    }
    return put(o, "\n", 1, err);
}

int sl_csv_out_close(struct sl_csv_out *o, struct sl_err *err)
{
    if (!o)
        return 0;
    int rc = 0;
    if (o->fd >= 0 && !o->failed)
        rc = flush(o, 1, err);
    if (o->fd >= 0 && !o->is_stdout && close(o->fd) != 0 && rc == 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "%s: close failed: %s", o->path, strerror(errno));
    if (o->failed && rc == 0)
        rc = -1;
    ZSTD_freeCCtx(o->cctx);
    free(o->zbuf);
    free(o->buf);
    free(o->path);
    free(o);
    return rc;
}
