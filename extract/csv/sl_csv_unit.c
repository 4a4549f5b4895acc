#include "sl_csv_unit.h"

#include <stdlib.h>
#include <string.h>

#include "sl_input.h"
#include "sl_utf8.h"

int sl_csv_unit_reader(const char *path, const struct sl_csv_read_opts *o, struct sl_csv **out,
                       struct sl_err *err)
{
    struct sl_input *in;
    if (sl_input_open(&in, path, err) != 0)
        return -1;
    return sl_csv_open(out, in, o->dialect, o->max_record_bytes, err);
}

void sl_csv_names_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int sl_csv_unit_read_header(struct sl_csv *r, const char *path, char ***names, size_t *n,
                            char **raw, size_t *raw_len, struct sl_err *err)
{
    struct sl_csv_record rec;
    int rc = sl_csv_next(r, NULL, &rec, err);
    if (rc < 0) {
        sl_err_prefix(err, "%s", path);
        return -1;
    }
    if (rc == 0)
        return sl_err_set(err, SL_ERR_FATAL, "%s: the file is empty; a header line was expected",
                          path);
    char **v = calloc(rec.nfields, sizeof *v);
    if (!v)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < rec.nfields; i++) {
        const struct sl_csv_field *f = &rec.fields[i];
        if (f->is_null || f->len == 0) {
            sl_csv_names_free(v, rec.nfields);
            return sl_err_set(err, SL_ERR_FATAL, "%s: line %llu: header field %zu is empty", path,
                              (unsigned long long)rec.line, i + 1);
        }
        if (sl_utf8_check((const unsigned char *)f->data, f->len) != f->len ||
            memchr(f->data, '\0', f->len)) {
            sl_csv_names_free(v, rec.nfields);
            return sl_err_set(err, SL_ERR_FATAL,
                              "%s: line %llu: header field %zu is not a valid name (bad UTF-8 or "
                              "a NUL byte)",
                              path, (unsigned long long)rec.line, i + 1);
        }
        if (!(v[i] = strndup(f->data, f->len))) {
            sl_csv_names_free(v, rec.nfields);
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
    }
    if (raw) {
        *raw = malloc(rec.raw_len ? rec.raw_len : 1);
        if (!*raw) {
            sl_csv_names_free(v, rec.nfields);
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
        memcpy(*raw, rec.raw, rec.raw_len);
        *raw_len = rec.raw_len;
    }
    *names = v;
    *n = rec.nfields;
    return 0;
}

int sl_csv_unit_open(struct sl_csv_unit *u, const struct sl_csv_read_opts *o, struct sl_csv **out,
                     struct sl_err *err)
{
    if (u->open) {
        *out = u->open;
        u->open = NULL;
        return 0;
    }
    struct sl_csv *r;
    if (sl_csv_unit_reader(u->path, o, &r, err) != 0)
        return -1;
    if (o->header) {
        char **hdr;
        size_t n;
        if (sl_csv_unit_read_header(r, u->path, &hdr, &n, NULL, NULL, err) != 0) {
            sl_csv_close(r);
            return -1;
        }
        int same = n == u->nheader;
        for (size_t k = 0; same && k < n; k++)
            same = strcmp(hdr[k], u->header[k]) == 0;
        sl_csv_names_free(hdr, n);
        if (!same) {
            sl_csv_close(r);
            return sl_err_set(err, SL_ERR_FATAL, "%s: the header changed since the load began",
                              u->path);
        }
    }
    *out = r;
    return 0;
}

void sl_csv_unit_release(struct sl_csv_unit *u)
{
    free(u->path);
    free(u->perm);
    sl_csv_names_free(u->header, u->nheader);
    free(u->raw_header);
    sl_csv_close(u->open);
    memset(u, 0, sizeof *u);
}
