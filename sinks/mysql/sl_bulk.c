/* MariaDB's array binding. See sl_bulk.h. */
#include "sl_bulk.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_errno.h"
#include "sl_value.h"

int sl_bulk_supported(MYSQL *m)
{
    unsigned long long caps = 0;
    if (mariadb_get_infov(m, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &caps) != 0)
        return 0;
    return (caps & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
}

int sl_bulk_open(struct sl_bulk *bk, MYSQL *m, const struct sl_insert_target *t, struct sl_err *err)
{
    memset(bk, 0, sizeof *bk);
    bk->ncols = t->ncols;
    bk->kinds = t->kinds;
    bk->binds = calloc(t->ncols, sizeof *bk->binds);
    if (!bk->binds)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    struct sl_buf sql;
    sl_buf_init(&sql, 64 * 1024 * 1024);
    if (sl_insert_build_sql(&sql, t, 1) != 0 || !sl_buf_cstr(&sql)) {
        sl_buf_release(&sql);
        return sl_err_set(err, SL_ERR_FATAL, "cannot build the INSERT statement");
    }
    int rc = 0;
    if (!(bk->stmt = mysql_stmt_init(m)))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    else if (mysql_stmt_prepare(bk->stmt, sql.data, sql.len) != 0)
        rc = sl_conn_stmt_fail(bk->stmt, err, "prepare INSERT failed");
    sl_buf_release(&sql);
    return rc;
}

/* Makes room for n rows in the arrays. Returns 0 or -1. */
static int reserve(struct sl_bulk *bk, size_t n)
{
    if (n <= bk->cap)
        return 0;
    size_t cells = n * bk->ncols;
    const char **p = realloc(bk->ptrs, cells * sizeof *p);
    if (p)
        bk->ptrs = p;
    unsigned long *l = realloc(bk->lens, cells * sizeof *l);
    if (l)
        bk->lens = l;
    char *i = realloc(bk->ind, cells);
    if (i)
        bk->ind = i;
    char *t = bk->kinds ? realloc(bk->text, cells * SL_BULK_SLOT) : bk->text;
    if (t)
        bk->text = t;
    if (!p || !l || !i || (bk->kinds && !t))
        return -1;
    bk->cap = n;
    return 0;
}

int sl_bulk_exec(struct sl_bulk *bk, const struct sl_batch *b, const uint32_t *rows, size_t n,
                 uint64_t *affected, struct sl_err *err)
{
    if (reserve(bk, n) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t c = 0; c < bk->ncols; c++) {
        size_t base = c * bk->cap;
        enum sl_value_kind kind = bk->kinds ? bk->kinds[c] : SL_VALUE_TEXT;
        for (size_t r = 0; r < n; r++) {
            const struct sl_cell *cell = sl_batch_cell(b, rows[r], c);
            size_t k = base + r;
            if (cell->len == SL_CELL_NULL) {
                bk->ind[k] = STMT_INDICATOR_NULL;
                bk->ptrs[k] = "";
                bk->lens[k] = 0;
                continue;
            }
            const char *data = sl_batch_cell_data(b, cell);
            int binary = sl_value_cell_kind(kind, cell->len) != SL_VALUE_TEXT;
            bk->ind[k] = STMT_INDICATOR_NONE;
            if (binary) {
                char *slot = bk->text + k * SL_BULK_SLOT;
                bk->lens[k] = sl_value_format(kind, data, cell->len, slot, SL_BULK_SLOT);
                bk->ptrs[k] = slot;
            } else {
                bk->ptrs[k] = data;
                bk->lens[k] = cell->len;
            }
        }
        MYSQL_BIND *bd = &bk->binds[c];
        memset(bd, 0, sizeof *bd);
        bd->buffer_type = MYSQL_TYPE_STRING;
        bd->buffer = (void *)&bk->ptrs[base];
        bd->length = &bk->lens[base];
        bd->u.indicator = &bk->ind[base];
    }
    unsigned int size = (unsigned int)n;
    if (mysql_stmt_attr_set(bk->stmt, STMT_ATTR_ARRAY_SIZE, &size) != 0)
        return sl_conn_stmt_fail(bk->stmt, err, "array binding refused");
    if (mysql_stmt_bind_param(bk->stmt, bk->binds) != 0)
        return sl_conn_stmt_fail(bk->stmt, err, "bind failed");
    if (mysql_stmt_execute(bk->stmt) != 0) {
        unsigned e = mysql_stmt_errno(bk->stmt);
        enum sl_err_kind kind = sl_errno_kind(e);
        if (kind == SL_ERR_FATAL && sl_errno_is_row_error(e))
            kind = SL_ERR_ROW;
        return sl_err_set_server(err, kind, e, mysql_stmt_sqlstate(bk->stmt), "%s (%u)",
                                 mysql_stmt_error(bk->stmt), e);
    }
    *affected = (uint64_t)mysql_stmt_affected_rows(bk->stmt);
    return 0;
}

void sl_bulk_close(struct sl_bulk *bk)
{
    if (bk->stmt)
        mysql_stmt_close(bk->stmt);
    free(bk->binds);
    free(bk->ptrs);
    free(bk->lens);
    free(bk->ind);
    free(bk->text);
    memset(bk, 0, sizeof *bk);
}
