#include "sl_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conn.h"
#include "sl_csv_fmt.h"
#include "sl_errno.h"

/* Binary values: a string type with the binary character set (63), or BIT
 * and GEOMETRY, whose values are raw bytes in the text protocol too. JSON is
 * text even where the server reports it as binary. */
static int is_binary(const MYSQL_FIELD *f)
{
    switch (f->type) {
    case MYSQL_TYPE_BIT:
    case MYSQL_TYPE_GEOMETRY:
        return 1;
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
        return f->charsetnr == 63;
    default:
        return 0;
    }
}

void sl_select_cols_release(struct sl_select_cols *cols)
{
    for (size_t i = 0; cols->names && i < cols->n; i++)
        free(cols->names[i]);
    free(cols->names);
    free(cols->binary);
    memset(cols, 0, sizeof *cols);
}

int sl_select_describe(MYSQL *m, const char *sql, struct sl_select_cols *cols, struct sl_err *err)
{
    memset(cols, 0, sizeof *cols);
    MYSQL_STMT *st = mysql_stmt_init(m);
    if (!st)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = -1;
    MYSQL_RES *meta = NULL;
    if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
        unsigned e = mysql_stmt_errno(st);
        sl_err_set_server(err, sl_errno_kind(e), e, mysql_stmt_sqlstate(st),
                          "query failed: %s (%u)", mysql_stmt_error(st), e);
        goto out;
    }
    meta = mysql_stmt_result_metadata(st);
    if (!meta) {
        sl_err_set(err, SL_ERR_FATAL, "the statement returns no rows");
        goto out;
    }
    size_t n = mysql_num_fields(meta);
    MYSQL_FIELD *f = mysql_fetch_fields(meta);
    cols->names = calloc(n ? n : 1, sizeof *cols->names);
    cols->binary = calloc(n ? n : 1, 1);
    if (!cols->names || !cols->binary) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    cols->n = n;
    for (size_t i = 0; i < n; i++) {
        cols->binary[i] = (unsigned char)is_binary(&f[i]);
        if (!(cols->names[i] = strdup(f[i].name))) {
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    if (meta)
        mysql_free_result(meta);
    mysql_stmt_close(st);
    if (rc != 0)
        sl_select_cols_release(cols);
    return rc;
}

int sl_select_float_text(const char *text, size_t len, char *out)
{
    char num[64];
    if (len == 0 || len >= sizeof num)
        return -1;
    memcpy(num, text, len);
    num[len] = '\0';
    char *end;
    float f = strtof(num, &end); /* the double's text, rounded once to float */
    if (*end)
        return -1;
    for (int digits = 6; digits <= 9; digits++) {
        int n = snprintf(out, 32, "%.*g", digits, (double)f);
        if (strtof(out, NULL) == f)
            return n;
    }
    return snprintf(out, 32, "%.9g", (double)f); /* 9 digits always suffice */
}

int sl_select_start(struct sl_select *s, MYSQL *m, const char *sql, int binary_hex,
                    const unsigned char *as_float, struct sl_err *err)
{
    memset(s, 0, sizeof *s);
    s->m = m;
    if (mysql_real_query(m, sql, strlen(sql)) != 0)
        return sl_conn_fail(m, err, "query failed");
    s->res = mysql_use_result(m);
    if (!s->res) {
        if (mysql_errno(m))
            return sl_conn_fail(m, err, "query failed");
        return sl_err_set(err, SL_ERR_FATAL, "the statement returns no rows");
    }
    s->ncols = mysql_num_fields(s->res);
    s->kind = calloc(s->ncols ? s->ncols : 1, 1);
    if (!s->kind) {
        sl_select_end(s);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    MYSQL_FIELD *f = mysql_fetch_fields(s->res);
    for (unsigned i = 0; i < s->ncols; i++) {
        if (as_float && as_float[i])
            s->kind[i] = SL_SELECT_FLOAT;
        else if (binary_hex && is_binary(&f[i]))
            s->kind[i] = SL_SELECT_HEX;
    }
    return 0;
}

int sl_select_header(const struct sl_select *s, struct sl_buf *out)
{
    MYSQL_FIELD *f = mysql_fetch_fields(s->res);
    for (unsigned i = 0; i < s->ncols; i++)
        if ((i && sl_buf_append(out, ",", 1) != 0) ||
            sl_csv_fmt_field(out, f[i].name, strlen(f[i].name)) != 0)
            return -1;
    return sl_buf_append(out, "\n", 1);
}

/* Appends column i's value, after a comma unless it is the first. */
static int put_value(const struct sl_select *s, struct sl_buf *out, unsigned i, const char *v,
                     unsigned long len)
{
    if (i && sl_buf_append(out, ",", 1) != 0)
        return -1;
    if (!v)
        return sl_csv_fmt_null(out);
    if (s->kind[i] == SL_SELECT_HEX)
        return sl_csv_fmt_hex_field(out, (const unsigned char *)v, len);
    if (s->kind[i] == SL_SELECT_FLOAT) {
        char f[32];
        int n = sl_select_float_text(v, len, f);
        if (n > 0)
            return sl_buf_append(out, f, (size_t)n);
    }
    return sl_csv_fmt_field(out, v, len);
}

int sl_select_next(struct sl_select *s, struct sl_buf *out, struct sl_err *err)
{
    MYSQL_ROW row = mysql_fetch_row(s->res);
    if (!row) {
        if (mysql_errno(s->m))
            return sl_conn_fail(s->m, err, "reading rows failed");
        return 0;
    }
    unsigned long *len = mysql_fetch_lengths(s->res);
    size_t mark = out->len;
    for (unsigned i = 0; i < s->ncols; i++) {
        if (put_value(s, out, i, row[i], len[i]) != 0) {
            out->len = mark;
            return sl_err_set(err, SL_ERR_FATAL, "a row does not fit the output buffer");
        }
    }
    if (sl_buf_append(out, "\n", 1) != 0) {
        out->len = mark;
        return sl_err_set(err, SL_ERR_FATAL, "a row does not fit the output buffer");
    }
    return 1;
}

int sl_select_next_raw(struct sl_select *s, char ***vals, unsigned long **lens, struct sl_err *err)
{
    MYSQL_ROW row = mysql_fetch_row(s->res);
    if (!row) {
        if (mysql_errno(s->m))
            return sl_conn_fail(s->m, err, "reading rows failed");
        return 0;
    }
    *vals = row;
    *lens = mysql_fetch_lengths(s->res);
    return 1;
}

void sl_select_end(struct sl_select *s)
{
    if (s->res)
        mysql_free_result(s->res);
    s->res = NULL;
    free(s->kind);
    s->kind = NULL;
}
