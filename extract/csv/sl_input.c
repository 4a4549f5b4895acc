#include "sl_input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "sl_transcode.h"

#define PLAIN_BUF     (256 * 1024)
#define TRANSCODE_BUF (256 * 1024)
/* Refuse zstd windows above 2^27 (128 MiB), zstd's own default limit. */
#define ZSTD_WINDOW_LOG_MAX 27

struct sl_input {
    int fd;
    int is_stdin;
    char *name;
    int64_t size;
    uint64_t raw_bytes;
    int started; /* magic number looked at */
    int eof;     /* the file has no more bytes */
    ZSTD_DCtx *dctx;
    size_t last_ret; /* last ZSTD_decompressStream result: 0 at a frame end */
    unsigned char *ibuf;
    size_t ibuf_cap, ilen, ipos; /* bytes read from the file, not yet used */
    const unsigned char *mem;    /* sl_input_open_mem: the bytes, instead of fd */
    size_t mem_len, mem_pos, mem_step;
    /* another encoding: decompressed bytes wait in tbuf to become UTF-8 */
    char *encoding;          /* as set, or NULL: UTF-8 unless a UTF-16 BOM says otherwise */
    int enc_checked;         /* the first bytes were looked at for a BOM */
    int utf16_bom;           /* a UTF-16 BOM chose the encoding */
    struct sl_transcode *tc; /* NULL: the bytes are UTF-8 already */
    unsigned char *tbuf;
    size_t tlen, tpos;
    int teof; /* no more bytes to transcode */
};

/* One read(2), or its stand-in over memory: at most mem_step bytes a call. */
static ssize_t raw_read(struct sl_input *in, void *buf, size_t cap)
{
    if (!in->mem)
        return read(in->fd, buf, cap);
    size_t n = in->mem_len - in->mem_pos;
    if (n > cap)
        n = cap;
    if (n > in->mem_step)
        n = in->mem_step;
    memcpy(buf, in->mem + in->mem_pos, n);
    in->mem_pos += n;
    return (ssize_t)n;
}

static int io_error(struct sl_input *in, struct sl_err *err, const char *what)
{
    return sl_err_set(err, SL_ERR_FATAL, "%s: %s: %s", in->name, what, strerror(errno));
}

int sl_input_open(struct sl_input **out, const char *path, struct sl_err *err)
{
    struct sl_input *in = calloc(1, sizeof *in);
    if (!in)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    in->fd = -1;
    in->is_stdin = strcmp(path, "-") == 0;
    in->name = strdup(in->is_stdin ? "stdin" : path);
    in->ibuf_cap = PLAIN_BUF;
    in->ibuf = malloc(in->ibuf_cap);
    in->size = -1;
    if (!in->name || !in->ibuf) {
        sl_input_close(in);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    in->fd = in->is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        io_error(in, err, "cannot open");
        in->fd = -1;
        sl_input_close(in);
        return -1;
    }
    struct stat st;
    if (fstat(in->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            sl_err_set(err, SL_ERR_FATAL, "%s: is a directory", in->name);
            sl_input_close(in);
            return -1;
        }
        if (S_ISREG(st.st_mode))
            in->size = (int64_t)st.st_size;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (!in->is_stdin)
        posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    *out = in;
    return 0;
}

int sl_input_open_mem(struct sl_input **out, const char *name, const void *data, size_t len,
                      size_t step, struct sl_err *err)
{
    struct sl_input *in = calloc(1, sizeof *in);
    if (!in)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    in->fd = -1;
    in->name = strdup(name);
    in->ibuf_cap = PLAIN_BUF;
    in->ibuf = malloc(in->ibuf_cap);
    if (!in->name || !in->ibuf) {
        sl_input_close(in);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    in->mem = data;
    in->mem_len = len;
    in->mem_step = step > 0 ? step : 1;
    in->size = (int64_t)len;
    *out = in;
    return 0;
}

/* Reads more file bytes into ibuf (which must be used up). Returns 0 or -1. */
static int fill(struct sl_input *in, struct sl_err *err)
{
    in->ipos = in->ilen = 0;
    for (;;) {
        ssize_t n = raw_read(in, in->ibuf, in->ibuf_cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sl_err_set(err, SL_ERR_FATAL, "read failed: %s", strerror(errno));
        if (n == 0)
            in->eof = 1;
        in->ilen = (size_t)n;
        in->raw_bytes += (uint64_t)n;
        return 0;
    }
}

/* Looks at the first bytes to decide between plain and zstd. */
static int start(struct sl_input *in, struct sl_err *err)
{
    static const unsigned char zstd_magic[4] = {0x28, 0xB5, 0x2F, 0xFD};
    static const unsigned char gzip_magic[2] = {0x1F, 0x8B};
    in->started = 1;
    if (fill(in, err) != 0)
        return -1;
    /* a pipe may deliver fewer than 4 bytes at first */
    while (!in->eof && in->ilen < 4) {
        ssize_t n = raw_read(in, in->ibuf + in->ilen, in->ibuf_cap - in->ilen);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sl_err_set(err, SL_ERR_FATAL, "read failed: %s", strerror(errno));
        if (n == 0)
            in->eof = 1;
        in->ilen += (size_t)n;
        in->raw_bytes += (uint64_t)n;
    }
    if (in->ilen >= 2 && memcmp(in->ibuf, gzip_magic, 2) == 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "gzip input is not supported; use zstd, or pipe it: "
                          "gzip -dc FILE | sluice load - ...");
    if (in->ilen >= 4 && memcmp(in->ibuf, zstd_magic, 4) == 0) {
        in->dctx = ZSTD_createDCtx();
        if (!in->dctx)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        ZSTD_DCtx_setParameter(in->dctx, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
        in->last_ret = 1;
    }
    return 0;
}

static ssize_t read_plain(struct sl_input *in, void *buf, size_t cap, struct sl_err *err)
{
    if (in->ipos < in->ilen) { /* bytes kept from the magic-number peek */
        size_t n = in->ilen - in->ipos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->ibuf + in->ipos, n);
        in->ipos += n;
        return (ssize_t)n;
    }
    if (in->eof)
        return 0;
    for (;;) {
        ssize_t n = raw_read(in, buf, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sl_err_set(err, SL_ERR_FATAL, "read failed: %s", strerror(errno));
        if (n == 0)
            in->eof = 1;
        in->raw_bytes += (uint64_t)n;
        return n;
    }
}

static ssize_t read_zstd(struct sl_input *in, void *buf, size_t cap, struct sl_err *err)
{
    for (;;) {
        if (in->ipos == in->ilen && !in->eof && fill(in, err) != 0)
            return -1;
        ZSTD_inBuffer zin = {in->ibuf, in->ilen, in->ipos};
        ZSTD_outBuffer zout = {buf, cap, 0};
        size_t ret = ZSTD_decompressStream(in->dctx, &zout, &zin);
        int progressed = zin.pos != in->ipos || zout.pos > 0;
        in->ipos = zin.pos;
        if (ZSTD_isError(ret))
            return sl_err_set(err, SL_ERR_FATAL, "corrupt zstd data: %s", ZSTD_getErrorName(ret));
        /* a call with nothing to do reports the next frame's header size;
         * only real progress says whether a frame is still open */
        if (progressed)
            in->last_ret = ret;
        if (zout.pos > 0)
            return (ssize_t)zout.pos;
        if (in->eof && in->ipos == in->ilen) {
            if (in->last_ret != 0)
                return sl_err_set(err, SL_ERR_FATAL, "truncated zstd stream");
            return 0;
        }
    }
}

/* The bytes of the file, decompressed. */
static ssize_t read_bytes(struct sl_input *in, void *buf, size_t cap, struct sl_err *err)
{
    if (!in->started && start(in, err) != 0)
        return -1;
    return in->dctx ? read_zstd(in, buf, cap, err) : read_plain(in, buf, cap, err);
}

int sl_input_set_encoding(struct sl_input *in, const char *name, struct sl_err *err)
{
    free(in->encoding);
    in->encoding = NULL;
    if (name && !(in->encoding = strdup(name)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (sl_transcode_is_utf8(name))
        return 0;
    if (sl_transcode_open(&in->tc, name, err) != 0)
        return -1;
    if (!(in->tbuf = malloc(TRANSCODE_BUF)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    return 0;
}

/* With no encoding given, a UTF-16 byte order mark at the start decides:
 * the n bytes first read into buf move over to be transcoded. */
static int check_bom(struct sl_input *in, const unsigned char *buf, size_t n, struct sl_err *err)
{
    in->enc_checked = 1;
    if (in->encoding || n < 2 ||
        !((buf[0] == 0xFF && buf[1] == 0xFE) || (buf[0] == 0xFE && buf[1] == 0xFF)))
        return 0;
    if (sl_input_set_encoding(in, "utf16", err) != 0)
        return -1;
    in->utf16_bom = 1;
    memcpy(in->tbuf, buf, n);
    in->tlen = n;
    return 0;
}

ssize_t sl_input_read(struct sl_input *in, void *buf, size_t cap, struct sl_err *err)
{
    if (!in->tc) {
        if (!in->enc_checked && cap > TRANSCODE_BUF)
            cap = TRANSCODE_BUF; /* what check_bom may move to tbuf */
        ssize_t n = read_bytes(in, buf, cap, err);
        if (n <= 0 || in->enc_checked)
            return n;
        if (check_bom(in, buf, (size_t)n, err) != 0)
            return -1;
        if (!in->tc)
            return n;
    }
    in->enc_checked = 1;
    for (;;) {
        if (in->tpos < in->tlen || in->teof) {
            size_t used;
            ssize_t n = sl_transcode_run(in->tc, in->tbuf + in->tpos, in->tlen - in->tpos, &used,
                                         buf, cap, in->teof, err);
            if (n < 0)
                return -1;
            in->tpos += used;
            if (n > 0 || (in->teof && in->tpos == in->tlen))
                return n;
            if (in->teof) /* stuck at the end: an incomplete character */
                return sl_err_set(err, SL_ERR_FATAL, "the input ends inside a %s character",
                                  in->encoding);
        }
        /* more bytes, after the incomplete character left over */
        memmove(in->tbuf, in->tbuf + in->tpos, in->tlen - in->tpos);
        in->tlen -= in->tpos;
        in->tpos = 0;
        ssize_t n = read_bytes(in, in->tbuf + in->tlen, TRANSCODE_BUF - in->tlen, err);
        if (n < 0)
            return -1;
        in->tlen += (size_t)n;
        in->teof = n == 0;
    }
}

const char *sl_input_encoding(const struct sl_input *in)
{
    return in->encoding;
}

int sl_input_had_bom(const struct sl_input *in)
{
    return in->utf16_bom;
}

uint64_t sl_input_raw_bytes(const struct sl_input *in)
{
    return in->raw_bytes;
}

int64_t sl_input_raw_size(const struct sl_input *in)
{
    return in->size;
}

int sl_input_is_zstd(const struct sl_input *in)
{
    return in->dctx != NULL;
}

const char *sl_input_name(const struct sl_input *in)
{
    return in->name;
}

void sl_input_close(struct sl_input *in)
{
    if (!in)
        return;
    if (in->fd >= 0 && !in->is_stdin)
        close(in->fd);
    ZSTD_freeDCtx(in->dctx);
    sl_transcode_close(in->tc);
    free(in->tbuf);
    free(in->encoding);
    free(in->ibuf);
    free(in->name);
    free(in);
}
