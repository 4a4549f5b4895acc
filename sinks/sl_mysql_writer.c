#include "sl_mysql_writer.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_insert_plan.h"
#include "sl_server_msg.h"

#define STMT_CACHE 4

struct cached_stmt {
    MYSQL_STMT *stmt;
    size_t rows;
};

struct sl_writer {
    MYSQL *conn;
    struct sl_insert_target t;
    size_t max_rows;
    size_t max_packet;
    struct cached_stmt full;
    struct cached_stmt part[STMT_CACHE];
    size_t next_evict;
    MYSQL_BIND *binds;   /* max_rows * ncols */
    unsigned long *lens; /* max_rows * ncols */
    struct sl_buf sql;
};

int sl_writer_open(struct sl_writer **out, MYSQL *conn, const struct sl_insert_target *t,
                   size_t max_rows, size_t max_packet, struct sl_err *err)
{
    struct sl_writer *w = calloc(1, sizeof *w);
    if (!w)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    w->conn = conn;
    w->t = *t;
    w->max_rows = sl_insert_max_rows(max_rows, t->ncols);
    w->max_packet = max_packet;
    w->binds = calloc(w->max_rows * t->ncols, sizeof *w->binds);
    w->lens = calloc(w->max_rows * t->ncols, sizeof *w->lens);
    sl_buf_init(&w->sql, 64 * 1024 * 1024);
    if (!w->binds || !w->lens) {
        sl_writer_close(w);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    *out = w;
    return 0;
}

static int prepare(struct sl_writer *w, struct cached_stmt *cs, size_t rows, struct sl_err *err)
{
    sl_buf_reset(&w->sql);
    if (sl_insert_build_sql(&w->sql, w->t.schema, w->t.table, w->t.cols, w->t.ncols, rows) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "cannot build the INSERT statement");
    MYSQL_STMT *s = mysql_stmt_init(w->conn);
    if (!s)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (mysql_stmt_prepare(s, w->sql.data, w->sql.len) != 0) {
        sl_conn_stmt_fail(s, err, "prepare INSERT failed");
        mysql_stmt_close(s);
        return -1;
    }
    cs->stmt = s;
    cs->rows = rows;
    return 0;
}

/* Returns the prepared statement for `rows` rows, preparing it if needed. */
static MYSQL_STMT *stmt_for(struct sl_writer *w, size_t rows, struct sl_err *err)
{
    if (rows == w->max_rows) {
        if (!w->full.stmt && prepare(w, &w->full, rows, err) != 0)
            return NULL;
        return w->full.stmt;
    }
    for (size_t i = 0; i < STMT_CACHE; i++)
        if (w->part[i].stmt && w->part[i].rows == rows)
            return w->part[i].stmt;
    struct cached_stmt *slot = &w->part[w->next_evict];
    w->next_evict = (w->next_evict + 1) % STMT_CACHE;
    if (slot->stmt) {
        mysql_stmt_close(slot->stmt);
        slot->stmt = NULL;
    }
    if (prepare(w, slot, rows, err) != 0)
        return NULL;
    return slot->stmt;
}

/* Finds the first of rows [first, first+n) with NULL in column col. */
static long first_null_row(const struct sl_batch *b, size_t first, size_t n, long col)
{
    if (col < 0)
        return -1;
    for (size_t r = first; r < first + n; r++)
        if (sl_batch_cell(b, r, (size_t)col)->len == SL_CELL_NULL)
            return (long)r;
    return -1;
}

static void locate_fault(struct sl_writer *w, const struct sl_batch *b, const char *msg,
                         unsigned server_errno, struct sl_writer_fault *fault)
{
    char col[256];
    fault->col = -1;
    fault->row = -1;
    if (sl_server_msg_column(msg, col, sizeof col)) {
        for (size_t c = 0; c < w->t.ncols; c++)
            if (strcmp(w->t.cols[c], col) == 0)
                fault->col = (long)c;
    }
    unsigned long at = sl_server_msg_row(msg);
    if (at >= 1 && at <= fault->nrows)
        fault->row = (long)(fault->first_row + at - 1);
    else if (server_errno == 1048) /* ER_BAD_NULL_ERROR names no row */
        fault->row = first_null_row(b, fault->first_row, fault->nrows, fault->col);
}

int sl_writer_write(struct sl_writer *w, const struct sl_batch *b, struct sl_writer_fault *fault,
                    struct sl_err *err)
{
    size_t ncols = w->t.ncols;
    for (size_t start = 0; start < b->nrows;) {
        size_t k = sl_insert_rows_that_fit(b, start, w->max_rows, w->max_packet);
        fault->first_row = start;
        fault->nrows = k ? k : 1;
        fault->row = -1;
        fault->col = -1;
        if (k == 0) {
            fault->row = (long)start;
            return sl_err_set(err, SL_ERR_ROW,
                              "row of %zu bytes does not fit the server's max_allowed_packet "
                              "(%zu bytes)",
                              sl_insert_row_bytes(b, start), w->max_packet);
        }
        MYSQL_STMT *s = stmt_for(w, k, err);
        if (!s)
            return -1;
        for (size_t r = 0; r < k; r++) {
            for (size_t c = 0; c < ncols; c++) {
                size_t i = r * ncols + c;
                const struct sl_cell *cell = sl_batch_cell(b, start + r, c);
                MYSQL_BIND *bd = &w->binds[i];
                if (cell->len == SL_CELL_NULL) {
                    bd->buffer_type = MYSQL_TYPE_NULL;
                    bd->buffer = NULL;
                    bd->buffer_length = 0;
                    bd->length = NULL;
                } else {
                    w->lens[i] = cell->len;
                    bd->buffer_type = MYSQL_TYPE_STRING;
                    bd->buffer = (void *)sl_batch_cell_data(b, cell);
                    bd->buffer_length = cell->len;
                    bd->length = &w->lens[i];
                }
            }
        }
        if (mysql_stmt_bind_param(s, w->binds) != 0)
            return sl_conn_stmt_fail(s, err, "bind failed");
        if (mysql_stmt_execute(s) != 0) {
            unsigned e = mysql_stmt_errno(s);
            const char *msg = mysql_stmt_error(s);
            locate_fault(w, b, msg, e, fault);
            enum sl_err_kind kind = sl_conn_errno_kind(e);
            /* a refused value is the row's fault, not the run's */
            if (kind == SL_ERR_FATAL && e >= 1000 && e < 2000 && fault->row >= 0)
                kind = SL_ERR_ROW;
            return sl_err_set_server(err, kind, e, mysql_stmt_sqlstate(s), "%s (%u)", msg, e);
        }
        start += k;
    }
    return 0;
}

int sl_writer_commit(struct sl_writer *w, struct sl_err *err)
{
    if (mysql_commit(w->conn) != 0)
        return sl_conn_fail(w->conn, err, "COMMIT failed");
    return 0;
}

int sl_writer_rollback(struct sl_writer *w, struct sl_err *err)
{
    if (mysql_rollback(w->conn) != 0)
        return sl_conn_fail(w->conn, err, "ROLLBACK failed");
    return 0;
}

void sl_writer_close(struct sl_writer *w)
{
    if (!w)
        return;
    if (w->full.stmt)
        mysql_stmt_close(w->full.stmt);
    for (size_t i = 0; i < STMT_CACHE; i++)
        if (w->part[i].stmt)
            mysql_stmt_close(w->part[i].stmt);
    free(w->binds);
    free(w->lens);
    sl_buf_release(&w->sql);
    free(w);
}
