#include "sl_out_parts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_stdout(const struct sl_out_parts *p)
{
    return strcmp(p->o.path, "-") == 0;
}

static int split(const struct sl_out_parts *p)
{
    return p->o.file_rows > 0 || p->o.file_size > 0;
}

/* The name of part k (1-based): the number goes before the first extension
 * of the file name, e.g. dir/orders.00003.csv.zst. */
static char *part_name(const char *path, unsigned k)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = *base ? strchr(base + 1, '.') : NULL;
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    size_t n = strlen(path) + 16;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%.*s.%05u%s", (int)stem, path, k, dot ? dot : "");
    return s;
}

/* A regular file under a final name is replaced only with --overwrite (a
 * device such as /dev/null is written to as it is). */
static int refuse_existing(const struct sl_out_parts *p, const char *name, struct sl_err *err)
{
    struct stat st;
    if (p->o.overwrite || p->o.file.discard || is_stdout(p) || stat(name, &st) != 0 ||
        !S_ISREG(st.st_mode))
        return 0;
    return sl_err_set(err, SL_ERR_FATAL, "%s exists; give --overwrite to replace it", name);
}

static int open_part(struct sl_out_parts *p, struct sl_err *err)
{
    char *name = split(p) ? part_name(p->o.path, p->nparts + 1) : strdup(p->o.path);
    if (!name)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (refuse_existing(p, name, err) != 0) {
        free(name);
        return -1;
    }
    struct sl_csv_out_opts fo = p->o.file;
    fo.atomic = 1;
    char **nf = realloc(p->final, (p->nparts + 1) * sizeof *nf);
    char **nt = nf ? realloc(p->tmp, (p->nparts + 1) * sizeof *nt) : NULL;
    if (nf)
        p->final = nf;
    if (nt)
        p->tmp = nt;
    if (!nf || !nt) {
        free(name);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    if (sl_csv_out_open(&p->cur, name, &fo, err) != 0) {
        free(name);
        return -1;
    }
    p->final[p->nparts] = name;
    p->tmp[p->nparts] = NULL;
    p->nparts++;
    p->part_rows = p->part_bytes = 0;
    return 0;
}

/* Finishes the open part, keeping it under its temporary name. */
static int close_part(struct sl_out_parts *p, struct sl_err *err)
{
    p->text_bytes += sl_csv_out_text_bytes(p->cur);
    struct sl_csv_out *o = p->cur;
    p->cur = NULL;
    uint64_t file = 0;
    int rc = sl_csv_out_finish(o, &p->tmp[p->nparts - 1], &file, err);
    p->file_bytes += file;
    return rc;
}

int sl_out_parts_open(struct sl_out_parts *p, const struct sl_out_parts_opts *o, struct sl_err *err)
{
    memset(p, 0, sizeof *p);
    p->o = *o;
    if (is_stdout(p) && split(p))
        return sl_err_set(err, SL_ERR_FATAL,
                          "--file-rows and --file-size need a file name, not stdout");
    if (open_part(p, err) != 0) {
        sl_out_parts_abort(p);
        return -1;
    }
    return 0;
}

void sl_out_parts_set_header(struct sl_out_parts *p, const char *text, size_t len)
{
    p->header = text;
    p->header_len = len;
}

/* Opens a part if none is open and writes its header. */
static int ensure_part(struct sl_out_parts *p, struct sl_err *err)
{
    if (p->cur && (p->part_rows > 0 || p->part_bytes > 0))
        return 0;
    if (!p->cur && open_part(p, err) != 0)
        return -1;
    if (p->header_len == 0)
        return 0;
    p->part_bytes = p->header_len;
    return sl_csv_out_write(p->cur, p->header, p->header_len, err);
}

int sl_out_parts_write(struct sl_out_parts *p, const char *text, const size_t *ends, size_t nrows,
                       struct sl_err *err)
{
    size_t i = 0;
    while (i < nrows) {
        if (ensure_part(p, err) != 0)
            return -1;
        size_t from = i ? ends[i - 1] : 0, j = i;
        while (j < nrows) {
            uint64_t rows = p->part_rows + (j - i);
            if (p->o.file_rows && rows >= p->o.file_rows)
                break;
            if (p->o.file_size && rows > 0 && p->part_bytes + (ends[j] - from) > p->o.file_size)
                break;
            j++;
        }
        size_t to = ends[j - 1];
        if (sl_csv_out_write(p->cur, text + from, to - from, err) != 0)
            return -1;
        p->part_rows += j - i;
        p->part_bytes += to - from;
        p->rows += j - i;
        i = j;
        int full = (p->o.file_rows && p->part_rows >= p->o.file_rows) || i < nrows;
        if (split(p) && full && close_part(p, err) != 0)
            return -1;
    }
    return 0;
}

void sl_out_parts_bytes(const struct sl_out_parts *p, uint64_t *text, uint64_t *file)
{
    *text = p->text_bytes + (p->cur ? sl_csv_out_text_bytes(p->cur) : 0);
    *file = p->file_bytes + (p->cur ? sl_csv_out_file_bytes(p->cur) : 0);
}

static void release(struct sl_out_parts *p, unsigned renamed)
{
    for (unsigned k = 0; k < p->nparts; k++) {
        if (k < renamed)
            unlink(p->final[k]);
        else if (p->tmp[k])
            unlink(p->tmp[k]);
        free(p->final[k]);
        free(p->tmp[k]);
    }
    free(p->final);
    free(p->tmp);
    p->final = p->tmp = NULL;
    p->nparts = 0;
}

int sl_out_parts_finish(struct sl_out_parts *p, struct sl_err *err)
{
    if (p->cur && ensure_part(p, err) != 0) {
        sl_out_parts_abort(p);
        return -1;
    }
    if (p->cur && close_part(p, err) != 0) {
        release(p, 0);
        return -1;
    }
    for (unsigned k = 0; k < p->nparts; k++)
        if (p->tmp[k] && refuse_existing(p, p->final[k], err) != 0) {
            release(p, 0);
            return -1;
        }
    for (unsigned k = 0; k < p->nparts; k++) {
        if (p->tmp[k] && rename(p->tmp[k], p->final[k]) != 0) {
            sl_err_set(err, SL_ERR_FATAL, "%s: cannot rename into place: %s", p->final[k],
                       strerror(errno));
            release(p, k);
            return -1;
        }
    }
    for (unsigned k = 0; k < p->nparts; k++) {
        free(p->tmp[k]);
        p->tmp[k] = NULL;
    }
    unsigned n = p->nparts;
    release(p, 0);
    p->nparts = n; /* kept for the summary */
    return 0;
}

void sl_out_parts_abort(struct sl_out_parts *p)
{
    sl_csv_out_abort(p->cur);
    p->cur = NULL;
    release(p, 0);
}
