/* LOAD DATA LOCAL from memory. See sl_load_data.h. */
#include "sl_load_data.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conn.h"
#include "sl_errno.h"
#include "sl_ident.h"
#include "sl_local_infile.h"
#include "sl_value.h"

int sl_load_data_sql(struct sl_buf *out, const struct sl_insert_target *t)
{
    static const char *const verbs[] = {
        [SL_VERB_INSERT] = "",
        [SL_VERB_IGNORE] = " IGNORE",
        [SL_VERB_REPLACE] = " REPLACE",
    };
    if (t->verb == SL_VERB_UPSERT)
        return -1;
    int rc = sl_buf_printf(out, "LOAD DATA LOCAL INFILE '%s'%s INTO TABLE ", SL_LOCAL_INFILE_NAME,
                           verbs[t->verb]);
    if (rc == 0)
        rc = sl_ident_append_qualified(out, t->schema, t->table);
    if (rc == 0)
        rc = sl_buf_puts(out, " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY "
                              "'\\\\' LINES TERMINATED BY '\\n' (");
    for (size_t c = 0; rc == 0 && c < t->ncols; c++) {
        if (c)
            rc = sl_buf_append(out, ",", 1);
        if (rc == 0)
            rc = sl_ident_append(out, t->cols[c], strlen(t->cols[c]));
    }
    if (rc == 0)
        rc = sl_buf_append(out, ")", 1);
    return rc == 0 && sl_buf_cstr(out) ? 0 : -1;
}

/* The letter that follows the backslash for each byte that must be
 * escaped in the stream, or 0. */
static const char escapes[256] = {['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', [0] = '0'};

/* Appends len bytes of a value, escaped for the stream. */
static int put_escaped(struct sl_buf *out, const char *p, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        char e = escapes[(unsigned char)p[i]];
        if (!e)
            continue;
        char esc[2] = {'\\', e};
        if (sl_buf_append(out, p + from, i - from) != 0 || sl_buf_append(out, esc, 2) != 0)
            return -1;
        from = i + 1;
    }
    return sl_buf_append(out, p + from, len - from);
}

int sl_load_data_row(struct sl_buf *out, const struct sl_batch *b, size_t row,
                     const enum sl_value_kind *kinds, size_t ncols)
{
    for (size_t c = 0; c < ncols; c++) {
        if (c && sl_buf_append(out, "\t", 1) != 0)
            return -1;
        const struct sl_cell *cell = sl_batch_cell(b, row, c);
        if (cell->len == SL_CELL_NULL) {
            if (sl_buf_append(out, "\\N", 2) != 0)
                return -1;
            continue;
        }
        const char *data = sl_batch_cell_data(b, cell);
        enum sl_value_kind kind = kinds ? kinds[c] : SL_VALUE_TEXT;
        int binary = sl_value_cell_kind(kind, cell->len) != SL_VALUE_TEXT;
        if (binary) { /* the server's own text of it: no escape needed */
            char text[64];
            size_t n = sl_value_format(kind, data, cell->len, text, sizeof text);
            if (sl_buf_append(out, text, n) != 0)
                return -1;
        } else if (put_escaped(out, data, cell->len) != 0) {
            return -1;
        }
    }
    return sl_buf_append(out, "\n", 1);
}

/* Reads "Skipped: N" from the statement's info line. */
static uint64_t info_skipped(MYSQL *m)
{
    const char *info = mysql_info(m);
    const char *p = info ? strstr(info, "Skipped: ") : NULL;
    return p ? strtoull(p + strlen("Skipped: "), NULL, 10) : 0;
}

int sl_load_data_exec(MYSQL *m, const char *sql, const char *data, size_t len,
                      struct sl_load_data_result *res, struct sl_err *err)
{
    struct sl_local_infile offer;
    sl_local_infile_offer(m, &offer, data, len);
    int rc = mysql_query(m, sql);
    sl_local_infile_withdraw(m);
    if (rc != 0) {
        unsigned e = mysql_errno(m);
        enum sl_err_kind kind = sl_errno_kind(e);
        if (kind == SL_ERR_FATAL && sl_errno_is_row_error(e))
            kind = SL_ERR_ROW;
        return sl_err_set_server(err, kind, e, mysql_sqlstate(m), "%s (%u)", mysql_error(m), e);
    }
    if (!offer.asked) /* a server that took the statement without reading the rows */
        return sl_err_set(err, SL_ERR_FATAL,
                          "LOAD DATA LOCAL ended without the server reading the rows");
    res->affected = (uint64_t)mysql_affected_rows(m);
    res->skipped = info_skipped(m);
    res->warnings = mysql_warning_count(m);
    return 0;
}
