#include "sl_csv_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "sl_buf.h"

#define OUT_BUF (256 * 1024)

struct sl_csv_out {
    int fd;
    int is_stdout;
    int discard; /* count the bytes, write none */
    char *path;  /* the final name ("stdout" for stdout) */
    char *tmp;   /* the temporary name while writing atomically, else NULL */
    char *buf;   /* text not yet compressed or written */
    size_t len;
    ZSTD_CCtx *cctx; /* NULL for plain output */
    char *zbuf;
    size_t zcap;
    uint64_t text_bytes, file_bytes;
    int failed;
};

static int write_all(struct sl_csv_out *o, const char *p, size_t n, struct sl_err *err)
{
    if (o->discard) {
        o->file_bytes += n;
        return 0;
    }
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EPIPE) {
            o->failed = 1;
            return sl_err_set(err, SL_ERR_FATAL, "%s: %s", o->path, SL_CSV_OUT_PIPE_CLOSED);
        }
        if (w < 0) {
            o->failed = 1;
            return sl_err_set(err, SL_ERR_FATAL, "%s: write failed: %s", o->path, strerror(errno));
        }
        p += w;
        n -= (size_t)w;
        o->file_bytes += (uint64_t)w;
    }
    return 0;
}

/* Compresses (or copies) n bytes at p out; with end set, ends the zstd frame
 * too. */
static int emit(struct sl_csv_out *o, const char *p, size_t n, int end, struct sl_err *err)
{
    if (!o->cctx)
        return write_all(o, p, n, err);
    ZSTD_inBuffer in = {p, n, 0};
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
            return 0;
    }
}

static int flush(struct sl_csv_out *o, int end, struct sl_err *err)
{
    int rc = emit(o, o->buf, o->len, end, err);
    o->len = 0;
    return rc;
}

/* Creates the hidden temporary ".NAME.sluice-PID-N" in the final name's
 * directory, with the mode (and umask) a plain open() would give. */
static int open_tmp(struct sl_csv_out *o, struct sl_err *err)
{
    const char *slash = strrchr(o->path, '/');
    size_t dirlen = slash ? (size_t)(slash - o->path) + 1 : 0;
    size_t n = strlen(o->path) + 64;
    o->tmp = malloc(n);
    if (!o->tmp)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (unsigned attempt = 0;; attempt++) {
        snprintf(o->tmp, n, "%.*s.%s.sluice-%ld-%u", (int)dirlen, o->path, o->path + dirlen,
                 (long)getpid(), attempt);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (o->fd >= 0)
            return 0;
        if (errno != EEXIST || attempt == 1000) {
            int e = errno;
            free(o->tmp);
            o->tmp = NULL;
            return sl_err_set(err, SL_ERR_FATAL, "%s: cannot create: %s", o->path, strerror(e));
        }
    }
}

/* Whether a file could be created at path: its directory is writable. */
static int check_dir(const char *path, struct sl_err *err)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = 0;
    if (access(dir, W_OK) != 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "%s: cannot create: %s", path, strerror(errno));
    free(dir);
    return rc;
}

int sl_csv_out_open(struct sl_csv_out **out, const char *path, const struct sl_csv_out_opts *opts,
                    struct sl_err *err)
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
    if (opts->zstd_level > 0) {
        o->cctx = ZSTD_createCCtx();
        o->zcap = ZSTD_CStreamOutSize();
        o->zbuf = malloc(o->zcap);
        if (!o->cctx || !o->zbuf)
            goto out_nomem;
        ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_compressionLevel, opts->zstd_level);
        ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_checksumFlag, 1);
        /* a library built without threads refuses this; it then compresses
         * inline, which is still correct */
        if (opts->zstd_workers > 0)
            ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_nbWorkers, opts->zstd_workers);
    }
    if (opts->discard) {
        o->discard = 1;
        if (!o->is_stdout && check_dir(path, err) != 0) {
            sl_csv_out_abort(o);
            return -1;
        }
        *out = o;
        return 0;
    }
    struct stat st;
    /* a device or a pipe (/dev/full, a FIFO) is written in place: only a
     * regular file can be replaced by a rename */
    int regular = stat(path, &st) != 0 || S_ISREG(st.st_mode);
    if (o->is_stdout) {
        o->fd = STDOUT_FILENO;
    } else if (opts->atomic && regular) {
        if (open_tmp(o, err) != 0) {
            sl_csv_out_abort(o);
            return -1;
        }
    } else {
        o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (o->fd < 0) {
            sl_err_set(err, SL_ERR_FATAL, "%s: cannot create: %s", path, strerror(errno));
            sl_csv_out_abort(o);
            return -1;
        }
    }
    *out = o;
    return 0;
out_nomem:
    sl_csv_out_abort(o);
    return sl_err_set(err, SL_ERR_FATAL, "out of memory");
}

int sl_csv_out_write(struct sl_csv_out *o, const char *p, size_t n, struct sl_err *err)
{
    o->text_bytes += n;
    if (o->len + n > OUT_BUF) {
        if (flush(o, 0, err) != 0)
            return -1;
        if (n >= OUT_BUF)
            return emit(o, p, n, 0, err);
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return 0;
}

uint64_t sl_csv_out_text_bytes(const struct sl_csv_out *o)
{
    return o->text_bytes;
}

uint64_t sl_csv_out_file_bytes(const struct sl_csv_out *o)
{
    return o->file_bytes;
}

static void release(struct sl_csv_out *o)
{
    if (o->fd >= 0 && !o->is_stdout)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    ZSTD_freeCCtx(o->cctx);
    free(o->zbuf);
    free(o->buf);
    free(o->tmp);
    free(o->path);
    free(o);
}

int sl_csv_out_finish(struct sl_csv_out *o, char **tmp_path, uint64_t *file_bytes,
                      struct sl_err *err)
{
    *tmp_path = NULL;
    int rc = o->failed ? sl_err_set(err, SL_ERR_FATAL, "%s: an earlier write failed", o->path)
                       : flush(o, 1, err);
    if (file_bytes)
        *file_bytes = o->file_bytes;
    if (rc == 0 && o->tmp && fsync(o->fd) != 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "%s: sync failed: %s", o->path, strerror(errno));
    if (rc == 0 && !o->is_stdout && o->fd >= 0) {
        int fd = o->fd;
        o->fd = -1;
        if (close(fd) != 0)
            rc = sl_err_set(err, SL_ERR_FATAL, "%s: close failed: %s", o->path, strerror(errno));
    }
    if (rc == 0) {
        *tmp_path = o->tmp; /* now the caller's */
        o->tmp = NULL;
    }
    release(o);
    return rc;
}

int sl_csv_out_close(struct sl_csv_out *o, struct sl_err *err)
{
    if (!o)
        return 0;
    char *path = strdup(o->path), *tmp;
    if (!path) {
        release(o);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    int rc = sl_csv_out_finish(o, &tmp, NULL, err);
    if (rc == 0 && tmp && rename(tmp, path) != 0) {
        rc = sl_err_set(err, SL_ERR_FATAL, "%s: cannot rename into place: %s", path,
                        strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    free(path);
    return rc;
}

void sl_csv_out_abort(struct sl_csv_out *o)
{
    if (o)
        release(o);
}
