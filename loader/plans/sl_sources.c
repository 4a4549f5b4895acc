#include "sl_sources.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sl_buf.h"
#include "sl_utf8.h"

static int add_path(struct sl_sources *s, const char *path, struct sl_err *err)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].path, path) == 0)
            return sl_err_set(err, SL_ERR_FATAL,
                              "%s is given twice; its rows would be loaded twice", path);
    struct sl_csv_unit *nv = realloc(s->v, (s->n + 1) * sizeof *nv);
    if (!nv)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    s->v = nv;
    memset(&s->v[s->n], 0, sizeof s->v[s->n]);
    s->v[s->n].size = -1;
    s->v[s->n].mtime_ns = -1;
    if (!(s->v[s->n].path = strdup(path)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    s->n++;
    return 0;
}

static int expand(struct sl_sources *s, char *const *patterns, size_t n, struct sl_err *err)
{
    int stdin_seen = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = patterns[i];
        struct stat st;
        if (strcmp(p, "-") == 0) {
            if (stdin_seen++)
                return sl_err_set(err, SL_ERR_FATAL, "stdin ('-') may be given only once");
            if (add_path(s, p, err) != 0)
                return -1;
            continue;
        }
        if (stat(p, &st) == 0 || !strpbrk(p, "*?[")) {
            if (add_path(s, p, err) != 0)
                return -1;
            continue;
        }
        glob_t g;
        int rc = glob(p, GLOB_ERR, NULL, &g);
        if (rc == GLOB_NOMATCH)
            return sl_err_set(err, SL_ERR_FATAL, "no file matches '%s'", p);
        if (rc != 0)
            return sl_err_set(err, SL_ERR_FATAL, "cannot expand '%s'", p);
        for (size_t k = 0; k < g.gl_pathc; k++) {
            if (add_path(s, g.gl_pathv[k], err) != 0) {
                globfree(&g);
                return -1;
            }
        }
        globfree(&g);
    }
    return 0;
}

/* Splits "a,b,c" into names. */
static char **split_columns(const char *list, size_t *n)
{
    size_t count = 1;
    for (const char *p = list; *p; p++)
        count += *p == ',';
    char **v = calloc(count, sizeof *v);
    if (!v)
        return NULL;
    const char *p = list;
    for (size_t i = 0; i < count; i++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        v[i] = strndup(p, len);
        if (!v[i]) {
            for (size_t k = 0; k < i; k++)
                free(v[k]);
            free(v);
            return NULL;
        }
        p += len + 1;
    }
    *n = count;
    return v;
}

static void list_columns(const struct sl_table *t, struct sl_buf *b)
{
    for (size_t i = 0; i < t->ncols; i++)
        sl_buf_printf(b, "%s%s", i ? ", " : "", t->cols[i].name);
}

/* Maps names onto table columns; fills src->perm. The first source defines
 * s->table_col; later ones must have the same set. */
static int map_columns(struct sl_sources *s, struct sl_csv_unit *src, char **names, size_t n,
                       const struct sl_table *t, const struct sl_transforms *tf, struct sl_err *err)
{
    const char *path = src->path;
    src->perm = calloc(n, sizeof *src->perm);
    long *tcol = calloc(n, sizeof *tcol);
    int rc = -1;
    if (!src->perm || !tcol) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *to = sl_transforms_rename(tf, names[i], strlen(names[i]));
        const char *name = to ? to : names[i];
        tcol[i] = sl_table_find(t, name, strlen(name));
        if (tcol[i] < 0) {
            struct sl_buf cols;
            sl_buf_init(&cols, 64 * 1024);
            list_columns(t, &cols);
            char renamed[300] = "";
            if (to)
                snprintf(renamed, sizeof renamed, ", renamed to '%s',", to);
            sl_err_set(err, SL_ERR_FATAL,
                       "%s: column '%s' (field %zu)%s does not exist in table %s.%s; its "
                       "columns are: %s",
                       path, names[i], i + 1, renamed, t->schema, t->name,
                       sl_buf_cstr(&cols) ? cols.data : "?");
            sl_buf_release(&cols);
            goto out;
        }
        if (t->cols[tcol[i]].generated) {
            sl_err_set(err, SL_ERR_FATAL,
                       "%s: column '%s' (field %zu) is a generated column and cannot be loaded",
                       path, names[i], i + 1);
            goto out;
        }
        for (size_t k = 0; k < i; k++) {
            if (tcol[k] == tcol[i]) {
                sl_err_set(err, SL_ERR_FATAL, "%s: column '%s' appears twice (fields %zu and %zu)",
                           path, names[i], k + 1, i + 1);
                goto out;
            }
        }
    }
    if (!s->table_col) {               /* the first source sets the batch column order */
        size_t extra = tf ? tf->n : 0; /* room for columns added by transforms */
        s->table_col = calloc(n + extra, sizeof *s->table_col);
        s->chain = calloc(n + extra, sizeof *s->chain);
        if (!s->table_col || !s->chain) {
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            s->table_col[i] = (size_t)tcol[i];
            src->perm[i] = i;
            s->chain[i] = sl_transforms_find(tf, names[i], strlen(names[i]));
        }
        s->ncols = s->nfile_cols = n;
    } else {
        if (n != s->ncols) {
            sl_err_set(err, SL_ERR_FATAL,
                       "%s: has %zu columns but %s has %zu; all files of one load must have the "
                       "same columns",
                       path, n, s->v[0].path, s->ncols);
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            size_t k = 0;
            while (k < s->ncols && s->table_col[k] != (size_t)tcol[i])
                k++;
            if (k == s->ncols) {
                sl_err_set(err, SL_ERR_FATAL,
                           "%s: column '%s' is not in %s; all files of one load must have the "
                           "same columns",
                           path, names[i], s->v[0].path);
                goto out;
            }
            src->perm[i] = k;
        }
    }
    src->nfields = n;
    rc = 0;
out:
    free(tcol);
    return rc;
}

/* Chains that name no field of the files add their column, and every chain
 * is bound to its target column. */
static int add_transform_columns(struct sl_sources *s, const struct sl_table *t,
                                 struct sl_transforms *tf, struct sl_err *err)
{
    for (size_t i = 0; tf && i < tf->n; i++) {
        struct sl_tf_chain *c = &tf->v[i];
        size_t k = 0;
        while (k < s->nfile_cols && s->chain[k] != c)
            k++;
        if (k == s->nfile_cols) { /* not a field: a column of its own */
            const char *to = sl_transforms_rename(tf, c->column, strlen(c->column));
            const char *name = to ? to : c->column;
            long col = sl_table_find(t, name, strlen(name));
            if (col < 0 || t->cols[col].generated)
                return sl_err_set(err, SL_ERR_FATAL,
                                  "--transform: column '%s' is neither a field of the input nor "
                                  "a column of %s.%s that can be written",
                                  c->column, t->schema, t->name);
            for (size_t j = 0; j < s->ncols; j++)
                if (s->table_col[j] == (size_t)col)
                    return sl_err_set(err, SL_ERR_FATAL,
                                      "--transform: column '%s' is already loaded from the input",
                                      name);
            s->table_col[s->ncols] = (size_t)col;
            s->chain[s->ncols++] = c;
            k = s->ncols - 1;
        }
        if (sl_transforms_bind(tf, c, &t->cols[s->table_col[k]], err) != 0)
            return -1;
    }
    return 0;
}

/* NOT NULL columns without a default must be supplied by the files. */
static int check_required(const struct sl_sources *s, const struct sl_table *t, struct sl_err *err)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->cols[c].has_default)
            continue;
        size_t k = 0;
        while (k < s->ncols && s->table_col[k] != c)
            k++;
        if (k == s->ncols)
            return sl_err_set(err, SL_ERR_FATAL,
                              "column '%s' of %s.%s is NOT NULL without a default, and the input "
                              "does not supply it",
                              t->cols[c].name, t->schema, t->name);
    }
    return 0;
}

/* The names a source's fields carry when there is no header. */
static char **default_names(const struct sl_table *t, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < t->ncols; i++)
        count += !t->cols[i].generated;
    char **v = calloc(count ? count : 1, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        if (t->cols[i].generated)
            continue;
        if (!(v[k++] = strdup(t->cols[i].name))) {
            sl_csv_names_free(v, k);
            return NULL;
        }
    }
    *n = count;
    return v;
}

int sl_sources_prepare(struct sl_sources *s, char *const *patterns, size_t npatterns,
                       const struct sl_source_opts *o, const struct sl_table *t, struct sl_err *err)
{
    memset(s, 0, sizeof *s);
    if (expand(s, patterns, npatterns, err) != 0)
        return -1;
    char **given = NULL;
    size_t ngiven = 0;
    if (o->columns && !(given = split_columns(o->columns, &ngiven)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (!given && o->read.header != SL_HEADER_NAME && !(given = default_names(t, &ngiven)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        struct sl_csv_unit *src = &s->v[i];
        struct sl_csv *r = NULL;
        char **hdr = NULL;
        size_t nhdr = 0;
        if (sl_csv_unit_reader(src->path, &o->read, &r, err) != 0) {
            rc = -1;
            break;
        }
        if (o->read.header == SL_HEADER_NAME &&
            sl_csv_unit_read_header(r, &o->read, src->path, &hdr, &nhdr, &src->raw_header,
                                    &src->raw_header_len, err) != 0)
            rc = -1;
        if (rc == 0 && given && hdr && nhdr != ngiven)
            rc = sl_err_set(err, SL_ERR_FATAL,
                            "%s: --columns names %zu columns but the header has %zu fields",
                            src->path, ngiven, nhdr);
        if (rc == 0)
            rc = map_columns(s, src, given ? given : hdr, given ? ngiven : nhdr, t, o->transforms,
                             err);
        src->header = hdr;
        src->nheader = nhdr;
        src->size = (long long)sl_input_raw_size(sl_csv_input(r));
        src->zstd = sl_input_is_zstd(sl_csv_input(r));
        struct stat st;
        src->mtime_ns = -1;
        int stream = strcmp(src->path, "-") == 0; /* stdin, a pipe: read once */
        if (!stream && stat(src->path, &st) == 0) {
            src->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
            stream = !S_ISREG(st.st_mode);
        }
        if (rc == 0 && stream)
            src->open = r;
        else
            sl_csv_close(r);
    }
    sl_csv_names_free(given, ngiven);
    if (rc == 0)
        rc = add_transform_columns(s, t, o->transforms, err);
    if (rc == 0)
        rc = check_required(s, t, err);
    return rc;
}

void sl_sources_release(struct sl_sources *s)
{
    for (size_t i = 0; i < s->n; i++)
        sl_csv_unit_release(&s->v[i]);
    free(s->v);
    free(s->table_col);
    free(s->chain);
    memset(s, 0, sizeof *s);
}
