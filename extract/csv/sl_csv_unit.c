#include "sl_csv_unit.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_input.h"
#include "sl_utf8.h"

int sl_csv_unit_reader(const char *path, const struct sl_csv_read_opts *o, struct sl_csv **out,
                       struct sl_err *err)
{
    struct sl_input *in;
    if (sl_input_open(&in, path, err) != 0)
        return -1;
    if (sl_input_set_encoding(in, o->encoding, err) != 0) {
        sl_input_close(in);
        return -1;
    }
    struct sl_csv_dialect d = *o->dialect;
    if (o->header == SL_HEADER_POSITION) /* the header is skipped like a preamble */
        d.skip_lines += o->header_lines ? o->header_lines : 1;
    return sl_csv_open(out, in, &d, o->max_record_bytes, err);
}

void sl_csv_names_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Appends the header fields of rec to the names (joined by a space to the
 * parts already there). */
static int add_header_record(const struct sl_csv_record *rec, const char *path, char ***names,
                             size_t *n, struct sl_err *err)
{
    if (rec->nfields > *n) {
        char **nv = realloc(*names, rec->nfields * sizeof *nv);
        if (!nv)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        memset(nv + *n, 0, (rec->nfields - *n) * sizeof *nv);
        *names = nv;
        *n = rec->nfields;
    }
    for (size_t i = 0; i < rec->nfields; i++) {
        const struct sl_csv_field *f = &rec->fields[i];
        if (f->is_null || f->len == 0)
            continue;
        if (sl_utf8_check((const unsigned char *)f->data, f->len) != f->len ||
            memchr(f->data, '\0', f->len))
            return sl_err_set(err, SL_ERR_FATAL,
                              "%s: line %llu: header field %zu is not a valid name (bad UTF-8 or "
                              "a NUL byte)",
                              path, (unsigned long long)rec->line, i + 1);
        char *old = (*names)[i];
        size_t ol = old ? strlen(old) : 0;
        char *nv = realloc(old, ol + (ol > 0) + f->len + 1);
        if (!nv)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        if (ol)
            nv[ol++] = ' ';
        memcpy(nv + ol, f->data, f->len);
        nv[ol + f->len] = '\0';
        (*names)[i] = nv;
    }
    return 0;
}

int sl_csv_unit_read_header(struct sl_csv *r, const struct sl_csv_read_opts *o, const char *path,
                            char ***names, size_t *n, char **raw, size_t *raw_len,
                            struct sl_err *err)
{
    unsigned lines = o->header_lines ? o->header_lines : 1;
    char **v = NULL;
    size_t nv = 0;
    struct sl_buf rawbuf;
    sl_buf_init(&rawbuf, o->max_record_bytes * lines);
    uint64_t first_line = 0;
    int rc = 0;
    for (unsigned k = 0; k < lines && rc == 0; k++) {
        struct sl_csv_record rec;
        int got = sl_csv_next(r, NULL, &rec, err);
        if (got < 0) {
            sl_err_prefix(err, "%s", path);
            rc = -1;
        } else if (got == 0) {
            rc = sl_err_set(err, SL_ERR_FATAL,
                            k == 0 ? "%s: the file is empty; a header line was expected"
                                   : "%s: the file ends inside its %u-line header",
                            path, lines);
        } else {
            if (k == 0)
                first_line = rec.line;
            rc = add_header_record(&rec, path, &v, &nv, err);
            if (rc == 0 && raw && sl_buf_append(&rawbuf, rec.raw, rec.raw_len) != 0)
                rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
    }
    for (size_t i = 0; i < nv && rc == 0; i++)
        if (!v[i])
            rc = sl_err_set(err, SL_ERR_FATAL, "%s: line %llu: header field %zu is empty", path,
                            (unsigned long long)first_line, i + 1);
    if (rc == 0 && raw) {
        *raw = malloc(rawbuf.len ? rawbuf.len : 1);
        if (!*raw)
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        else {
            memcpy(*raw, rawbuf.data ? rawbuf.data : "", rawbuf.len);
            *raw_len = rawbuf.len;
        }
    }
    sl_buf_release(&rawbuf);
    if (rc != 0) {
        sl_csv_names_free(v, nv);
        return -1;
    }
    *names = v;
    *n = nv;
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
    if (o->header == SL_HEADER_NAME) {
        char **hdr;
        size_t n;
        if (sl_csv_unit_read_header(r, o, u->path, &hdr, &n, NULL, NULL, err) != 0) {
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
