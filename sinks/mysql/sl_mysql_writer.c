#include "sl_mysql_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_bulk.h"
#include "sl_conn.h"
#include "sl_errno.h"
#include "sl_escape.h"
#include "sl_insert_plan.h"
#include "sl_load_data.h"
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
    MYSQL_BIND *binds;    /* max_rows * ncols */
    unsigned long *lens;  /* max_rows * ncols */
    union sl_value *vals; /* max_rows * ncols, when t.kinds: the binary values bound */
    uint32_t *rows;       /* row_cap of the largest batch seen */
    size_t rows_cap;
    uint64_t ignored; /* SL_VERB_IGNORE: rows skipped in the open transaction */
    uint64_t updated; /* SL_VERB_UPSERT, _REPLACE: existing rows updated or deleted first */
    struct sl_buf sql;
    enum sl_write_method method;
    int use_insert;        /* load-data: INSERT until the next commit (a replay) */
    struct sl_buf ld_sql;  /* load-data: the statement */
    struct sl_buf ld_data; /* load-data: the stream of one batch */
    struct sl_bulk bulk;   /* bulk: the statement and its arrays */
};

int sl_writer_open(struct sl_writer **out, MYSQL *conn, const struct sl_insert_target *t,
                   enum sl_write_method method, size_t max_rows, size_t max_packet,
                   struct sl_err *err)
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
    if (t->kinds)
        w->vals = calloc(w->max_rows * t->ncols, sizeof *w->vals);
    sl_buf_init(&w->sql, 64 * 1024 * 1024);
    w->method = method;
    sl_buf_init(&w->ld_sql, 64 * 1024 * 1024);
    sl_buf_init(&w->ld_data, SIZE_MAX / 2);
    if (!w->binds || !w->lens || (t->kinds && !w->vals)) {
        sl_writer_close(w);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    if (method == SL_METHOD_LOAD_DATA && sl_load_data_sql(&w->ld_sql, t) != 0) {
        sl_writer_close(w);
        return sl_err_set(err, SL_ERR_FATAL,
                          t->verb == SL_VERB_UPSERT
                              ? "--method load-data cannot upsert: use --method insert"
                              : "cannot build the LOAD DATA statement");
    }
    if (method == SL_METHOD_BULK && sl_bulk_open(&w->bulk, conn, t, err) != 0) {
        sl_writer_close(w);
        return -1;
    }
    /* every skipped row leaves a warning (and LOAD DATA turns each refused
     * value into one); keep them all listable, so that one that changed a
     * value is never hidden behind them */
    if ((t->verb == SL_VERB_IGNORE || method != SL_METHOD_INSERT) &&
        mysql_query(conn, "SET SESSION max_error_count = 65535") != 0) {
        sl_conn_fail(conn, err, "SET max_error_count failed");
        sl_writer_close(w);
        return -1;
    }
    *out = w;
    return 0;
}

static int prepare(struct sl_writer *w, struct cached_stmt *cs, size_t rows, struct sl_err *err)
{
    sl_buf_reset(&w->sql);
    if (sl_insert_build_sql(&w->sql, &w->t, rows) != 0)
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

/* Finds the first listed row with NULL in column col. */
static long first_null_row(const struct sl_batch *b, const uint32_t *rows, size_t n, long col)
{
    if (col < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (sl_batch_cell(b, rows[i], (size_t)col)->len == SL_CELL_NULL)
            return (long)i;
    return -1;
}

static long find_column(const struct sl_writer *w, const char *msg)
{
    char col[256];
    if (sl_server_msg_column(msg, col, sizeof col))
        for (size_t c = 0; c < w->t.ncols; c++)
            if (strcmp(w->t.cols[c], col) == 0)
                return (long)c;
    return -1;
}

/* A server that quotes a refused value as a C string cuts it at a NUL ('1'
 * for 1<NUL>2); MariaDB 10.11 writes the NUL as \000 instead. When the value
 * of column col in row r holds a NUL and e's message shows none, adds the
 * whole value, escaped, to the message. */
static void show_nul_value(struct sl_err *e, const struct sl_batch *b, size_t r, long col)
{
    if (col < 0 || strstr(e->msg, "\\0"))
        return;
    const struct sl_cell *cell = sl_batch_cell(b, r, (size_t)col);
    if (cell->len == SL_CELL_NULL || !memchr(sl_batch_cell_data(b, cell), '\0', cell->len))
        return;
    char esc[200];
    sl_escape_bytes(sl_batch_cell_data(b, cell), cell->len, esc, sizeof esc);
    size_t n = strlen(e->msg);
    snprintf(e->msg + n, sizeof e->msg - n, "; the value holds a NUL byte: '%s'", esc);
}

/* Index into rows[0..n) of the row a statement error names, or -1. */
static long failed_index(const struct sl_batch *b, const uint32_t *rows, size_t n, const char *msg,
                         unsigned server_errno, long col)
{
    unsigned long at = sl_server_msg_row(msg);
    if (at >= 1 && at <= n)
        return (long)at - 1;
    if (server_errno == 1048) /* ER_BAD_NULL_ERROR names no row */
        return first_null_row(b, rows, n, col);
    return -1;
}

/* Executes one INSERT for rows[0..k); *affected gets the server's count of
 * affected rows. Returns 0 or -1 with err set. */
static int exec_stmt(struct sl_writer *w, const struct sl_batch *b, const uint32_t *rows, size_t k,
                     uint64_t *affected, struct sl_err *err)
{
    size_t ncols = w->t.ncols;
    MYSQL_STMT *s = stmt_for(w, k, err);
    if (!s)
        return -1;
    for (size_t r = 0; r < k; r++) {
        for (size_t c = 0; c < ncols; c++) {
            size_t i = r * ncols + c;
            const struct sl_cell *cell = sl_batch_cell(b, rows[r], c);
            MYSQL_BIND *bd = &w->binds[i];
            if (cell->len == SL_CELL_NULL) {
                bd->buffer_type = MYSQL_TYPE_NULL;
                bd->buffer = NULL;
                bd->buffer_length = 0;
                bd->length = NULL;
            } else {
                sl_value_bind(bd, w->t.kinds ? w->t.kinds[c] : SL_VALUE_TEXT,
                              sl_batch_cell_data(b, cell), cell->len, w->vals ? &w->vals[i] : NULL,
                              &w->lens[i]);
            }
        }
    }
    if (mysql_stmt_bind_param(s, w->binds) != 0)
        return sl_conn_stmt_fail(s, err, "bind failed");
    if (mysql_stmt_execute(s) != 0) {
        unsigned e = mysql_stmt_errno(s);
        enum sl_err_kind kind = sl_errno_kind(e);
        if (kind == SL_ERR_FATAL && sl_errno_is_row_error(e))
            kind = SL_ERR_ROW;
        return sl_err_set_server(err, kind, e, mysql_stmt_sqlstate(s), "%s (%u)",
                                 mysql_stmt_error(s), e);
    }
    *affected = (uint64_t)mysql_stmt_affected_rows(s);
    return 0;
}

/* Warnings INSERT IGNORE leaves for a row it skipped because its key was
 * taken: the row was not inserted, and is counted as ignored. */
static int is_duplicate_key(unsigned code)
{
    return code == 1022 || code == 1062 || code == 1557 || code == 1586 || code == 1859;
}

struct warned {
    unsigned long at;
    unsigned code;
    char msg[512];
};

/* After a statement that left warnings: rows whose values the server changed
 * (data warnings that name a row) are reported through fn. Returns how many
 * rows were named, or -1 with err set. */
static long collect_warnings(struct sl_writer *w, struct sl_batch *b, const uint32_t *rows,
                             size_t k, sl_writer_reject_fn fn, void *ctx,
                             struct sl_writer_fault *fault, struct sl_err *err)
{
    if (mysql_query(w->conn, "SHOW WARNINGS") != 0)
        return sl_conn_fail(w->conn, err, "SHOW WARNINGS failed");
    MYSQL_RES *res = mysql_store_result(w->conn);
    if (!res)
        return sl_conn_fail(w->conn, err, "SHOW WARNINGS failed");
    long named = 0;
    int stop = 0;
    MYSQL_ROW row;
    while (!stop && (row = mysql_fetch_row(res)) != NULL) {
        if (!row[1] || !row[2])
            continue;
        unsigned code = (unsigned)strtoul(row[1], NULL, 10);
        unsigned long at = sl_server_msg_row(row[2]);
        if (!sl_errno_is_row_error(code))
            continue;
        if (w->t.verb == SL_VERB_IGNORE && is_duplicate_key(code))
            continue;
        if ((at < 1 || at > k) && w->t.verb == SL_VERB_IGNORE) {
            /* IGNORE turned an error into a warning without naming its
             * row: a row was skipped or changed, and which one is unknown */
            sl_err_set_server(err, SL_ERR_FATAL, code, "",
                              "INSERT IGNORE skipped or changed a row without naming it: %s (%u); "
                              "--mode insert with --on-error skip finds and rejects such rows",
                              row[2], code);
            stop = 1;
            break;
        }
        if (at < 1 || at > k)
            continue;
        size_t r = rows[at - 1];
        if (b->pos[r].rejected)
            continue;
        long col = find_column(w, row[2]);
        struct sl_err why;
        sl_err_set_server(&why, SL_ERR_ROW, code, "", "value changed by the server: %s %s (%u)",
                          row[0] ? row[0] : "Warning", row[2], code);
        show_nul_value(&why, b, r, col);
        b->pos[r].rejected = 1;
        named++;
        if (!fn || fn(ctx, b, r, col, &why) != 0) {
            fault->row = (long)r;
            fault->col = col;
            *err = why;
            stop = 1;
        }
    }
    mysql_free_result(res);
    return stop ? -1 : named;
}

/* Inserts rows[0..n), isolating refused rows when on_reject is set.
 * Returns 0, SL_WRITE_REPLAY, or -1. */
static int write_rows(struct sl_writer *w, struct sl_batch *b, uint32_t *rows, size_t n,
                      sl_writer_reject_fn on_reject, void *ctx, struct sl_writer_fault *fault,
                      struct sl_err *err)
{
    int replay = 0;
    size_t pos = 0;
    while (pos < n) {
        uint32_t *cur = rows + pos;
        size_t k = sl_insert_rows_that_fit(b, cur, n - pos, w->max_rows, w->max_packet);
        fault->first_row = cur[0];
        fault->last_row = cur[k ? k - 1 : 0];
        fault->row = -1;
        fault->col = -1;
        if (k == 0) {
            sl_err_set(err, SL_ERR_ROW,
                       "row of %zu bytes does not fit the server's max_allowed_packet (%zu bytes)",
                       sl_insert_row_bytes(b, cur[0]), w->max_packet);
            fault->row = (long)cur[0];
            if (!on_reject || on_reject(ctx, b, cur[0], -1, err) != 0)
                return -1;
            b->pos[cur[0]].rejected = 1;
            pos++;
            continue;
        }
        uint64_t affected = 0;
        if (exec_stmt(w, b, cur, k, &affected, err) == 0) {
            unsigned warnings = mysql_warning_count(w->conn);
            uint64_t skipped = 0;
            if (w->t.verb == SL_VERB_IGNORE && affected < k) {
                skipped = k - affected;
                w->ignored += skipped;
            }
            /* with CLIENT_FOUND_ROWS a row counts 1 when inserted (or found
             * equal), and an upsert's changed row 2; a REPLACE counts 1 more
             * for each old row it deleted */
            if ((w->t.verb == SL_VERB_UPSERT || w->t.verb == SL_VERB_REPLACE) && affected > k)
                w->updated += affected - k;
            /* one warning per skipped row is expected; more may be a value
             * the server changed */
            if (warnings > skipped) {
                long named = collect_warnings(w, b, cur, k, on_reject, ctx, fault, err);
                if (named < 0)
                    return -1;
                replay |= named > 0;
            }
            pos += k;
            continue;
        }
        if (err->kind != SL_ERR_ROW) /* the connection's or the statement's fault */
            return -1;
        fault->col = find_column(w, err->msg);
        long j = failed_index(b, cur, k, err->msg, err->server_errno, fault->col);
        if (!on_reject) {
            fault->row = j >= 0 ? (long)cur[j] : -1;
            if (j >= 0)
                show_nul_value(err, b, cur[j], fault->col);
            return -1;
        }
        if (j < 0 && k > 1) { /* no row named: halve the statement */
            size_t half = k / 2;
            int rc = write_rows(w, b, cur, half, on_reject, ctx, fault, err);
            if (rc < 0)
                return rc;
            replay |= rc;
            rc = write_rows(w, b, cur + half, k - half, on_reject, ctx, fault, err);
            if (rc < 0)
                return rc;
            replay |= rc;
            pos += k;
            continue;
        }
        if (j < 0)
            j = 0;
        fault->row = (long)cur[j];
        show_nul_value(err, b, cur[j], fault->col);
        if (on_reject(ctx, b, cur[j], fault->col, err) != 0)
            return -1;
        b->pos[cur[j]].rejected = 1;
        /* the rows before the refused one were fine: insert them again */
        int rc = write_rows(w, b, cur, (size_t)j, on_reject, ctx, fault, err);
        if (rc < 0)
            return rc;
        replay |= rc;
        pos += (size_t)j + 1;
    }
    return replay ? SL_WRITE_REPLAY : 0;
}

/* After a LOAD DATA that left warnings: 1 when one of them is a row's
 * (a value refused or changed; not a key skipped under IGNORE), 0 when
 * none is, or -1 with err set. */
static int row_warnings(struct sl_writer *w, struct sl_err *err)
{
    if (mysql_query(w->conn, "SHOW WARNINGS") != 0)
        return sl_conn_fail(w->conn, err, "SHOW WARNINGS failed");
    MYSQL_RES *res = mysql_store_result(w->conn);
    if (!res)
        return sl_conn_fail(w->conn, err, "SHOW WARNINGS failed");
    int bad = 0;
    MYSQL_ROW row;
    while (!bad && (row = mysql_fetch_row(res)) != NULL) {
        unsigned code = row[1] ? (unsigned)strtoul(row[1], NULL, 10) : 0;
        bad =
            sl_errno_is_row_error(code) && !(w->t.verb == SL_VERB_IGNORE && is_duplicate_key(code));
    }
    mysql_free_result(res);
    return bad;
}

/* The LOAD DATA stream of rows[0..n) of b: the lines the sink encoded on
 * the reader's thread (b->enc, one per batch row), sent as they are when
 * every encoded row is written, else gathered; or made here. Returns 0
 * with *data and *len set, or -1 when out of memory. */
static int stream_of(struct sl_writer *w, const struct sl_batch *b, const uint32_t *rows, size_t n,
                     const char **data, size_t *len)
{
    sl_buf_reset(&w->ld_data);
    if (b->nenc != b->nrows) {
        for (size_t i = 0; i < n; i++)
            if (sl_load_data_row(&w->ld_data, b, rows[i], w->t.kinds, w->t.ncols) != 0)
                return -1;
        *data = w->ld_data.data;
        *len = w->ld_data.len;
        return 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += b->enc_end[rows[i]] - (rows[i] ? b->enc_end[rows[i] - 1] : 0);
    if (total == b->enc.len) { /* every encoded line, in order */
        *data = b->enc.data;
        *len = b->enc.len;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        size_t from = rows[i] ? b->enc_end[rows[i] - 1] : 0;
        if (sl_buf_append(&w->ld_data, b->enc.data + from, b->enc_end[rows[i]] - from) != 0)
            return -1;
    }
    *data = w->ld_data.data;
    *len = w->ld_data.len;
    return 0;
}

/* Writes rows[0..n) with one LOAD DATA LOCAL. A statement the server
 * refused for a row's sake changed nothing: its rows go through INSERT.
 * Returns 0, SL_WRITE_AGAIN (see sl_writer_write), the result of that
 * INSERT, or -1 with err set. */
static int load_rows(struct sl_writer *w, struct sl_batch *b, uint32_t *rows, size_t n,
                     sl_writer_reject_fn on_reject, void *ctx, struct sl_writer_fault *fault,
                     struct sl_err *err)
{
    if (n == 0)
        return 0;
    const char *data;
    size_t len;
    if (stream_of(w, b, rows, n, &data, &len) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory for the LOAD DATA stream");
    fault->first_row = rows[0];
    fault->last_row = rows[n - 1];
    struct sl_load_data_result res;
    if (sl_load_data_exec(w->conn, w->ld_sql.data, data, len, &res, err) != 0) {
        /* a row's fault fails the whole statement: find the row by INSERT */
        if (err->kind != SL_ERR_ROW)
            return -1;
        return write_rows(w, b, rows, n, on_reject, ctx, fault, err);
    }
    uint64_t expected = 0; /* warnings for rows skipped for their key */
    if (w->t.verb == SL_VERB_IGNORE) {
        w->ignored += res.skipped;
        expected = res.skipped;
    } else if (res.skipped > 0) {
        w->use_insert = 1; /* LOCAL skipped a row whose key is taken */
        return SL_WRITE_AGAIN;
    }
    if (w->t.verb == SL_VERB_REPLACE && res.affected > n)
        w->updated += res.affected - n;
    if (res.warnings <= expected)
        return 0;
    int bad = row_warnings(w, err);
    if (bad < 0)
        return -1;
    if (bad)
        w->use_insert = 1;
    return bad ? SL_WRITE_AGAIN : 0;
}

/* Writes rows[0..n) by array binding, in as many executions as
 * max_allowed_packet needs. Returns 0, SL_WRITE_AGAIN or -1, as
 * load_rows(). */
static int bulk_rows(struct sl_writer *w, struct sl_batch *b, uint32_t *rows, size_t n,
                     struct sl_writer_fault *fault, struct sl_err *err)
{
    size_t pos = 0;
    while (pos < n) {
        uint32_t *cur = rows + pos;
        size_t k = sl_insert_rows_that_fit(b, cur, n - pos, n - pos, w->max_packet);
        if (k == 0) { /* a row too large for a packet: INSERT rejects it by name */
            w->use_insert = 1;
            return SL_WRITE_AGAIN;
        }
        fault->first_row = cur[0];
        fault->last_row = cur[k - 1];
        uint64_t affected = 0;
        if (sl_bulk_exec(&w->bulk, b, cur, k, &affected, err) != 0) {
            if (err->kind != SL_ERR_ROW)
                return -1;
            w->use_insert = 1; /* the server stopped at a row it does not name */
            return SL_WRITE_AGAIN;
        }
        uint64_t expected = 0;
        if (w->t.verb == SL_VERB_IGNORE && affected < k) {
            expected = k - affected;
            w->ignored += expected;
        }
        if ((w->t.verb == SL_VERB_UPSERT || w->t.verb == SL_VERB_REPLACE) && affected > k)
            w->updated += affected - k;
        if (mysql_warning_count(w->conn) > expected) {
            int bad = row_warnings(w, err);
            if (bad < 0)
                return -1;
            if (bad) {
                w->use_insert = 1;
                return SL_WRITE_AGAIN;
            }
        }
        pos += k;
    }
    return 0;
}

int sl_writer_write(struct sl_writer *w, struct sl_batch *b, sl_writer_reject_fn on_reject,
                    void *ctx, struct sl_writer_fault *fault, struct sl_err *err)
{
    if (b->nrows > w->rows_cap) {
        uint32_t *nr = realloc(w->rows, b->nrows * sizeof *nr);
        if (!nr)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        w->rows = nr;
        w->rows_cap = b->nrows;
    }
    size_t n = 0;
    for (size_t r = 0; r < b->nrows; r++)
        if (!b->pos[r].rejected)
            w->rows[n++] = (uint32_t)r;
    fault->row = -1;
    fault->col = -1;
    fault->first_row = fault->last_row = 0;
    if (w->method == SL_METHOD_LOAD_DATA && !w->use_insert)
        return load_rows(w, b, w->rows, n, on_reject, ctx, fault, err);
    if (w->method == SL_METHOD_BULK && !w->use_insert)
        return bulk_rows(w, b, w->rows, n, fault, err);
    return write_rows(w, b, w->rows, n, on_reject, ctx, fault, err);
}

uint64_t sl_writer_ignored(const struct sl_writer *w)
{
    return w->ignored;
}

uint64_t sl_writer_updated(const struct sl_writer *w)
{
    return w->updated;
}

int sl_writer_commit(struct sl_writer *w, struct sl_err *err)
{
    if (mysql_commit(w->conn) != 0)
        return sl_conn_fail(w->conn, err, "COMMIT failed");
    w->ignored = 0;
    w->updated = 0;
    w->use_insert = 0;
    return 0;
}

int sl_writer_rollback(struct sl_writer *w, struct sl_err *err)
{
    w->ignored = 0;
    w->updated = 0;
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
    free(w->vals);
    free(w->rows);
    sl_buf_release(&w->sql);
    sl_buf_release(&w->ld_sql);
    sl_buf_release(&w->ld_data);
    sl_bulk_close(&w->bulk);
    free(w);
}
