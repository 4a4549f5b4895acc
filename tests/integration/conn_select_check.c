/*
 * conn_select_check: reads values of many sizes back through sl_conn_select()
 * from the private test server and compares them byte for byte.
 *
 * It pins down issue 18: Connector/C 10.11.18 clears a bound result's length
 * when mysql_stmt_bind_result() is called again, so an old reader that
 * re-fetched long values saw every value over its first buffer as empty.
 *
 * Usage: conn_select_check SOCKET   (connects as root over the socket)
 * Prints "N passed, N failed"; exit 0 only when all passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sl_conn.h"

/* What one SELECT returned: every row's values, copied. */
struct got {
    unsigned nrows;
    unsigned long len[16][2];
    char *val[16][2];
    int is_null[16][2];
};

static int keep_row(void *ctx, char **vals, unsigned long *lens, unsigned nvals)
{
    struct got *g = ctx;
    if (g->nrows >= 16 || nvals != 2)
        return 2;
    for (unsigned i = 0; i < nvals; i++) {
        g->is_null[g->nrows][i] = vals[i] == NULL;
        g->len[g->nrows][i] = lens[i];
        g->val[g->nrows][i] = NULL;
        if (vals[i]) {
            g->val[g->nrows][i] = malloc(lens[i] + 1);
            if (!g->val[g->nrows][i])
                return 3;
            memcpy(g->val[g->nrows][i], vals[i], lens[i] + 1);
        }
    }
    g->nrows++;
    return 0;
}

static void got_release(struct got *g)
{
    for (unsigned r = 0; r < g->nrows; r++)
        for (unsigned i = 0; i < 2; i++)
            free(g->val[r][i]);
    g->nrows = 0;
}

/* Byte i of the test value of size n: text cycles through printable ASCII;
 * binary through all 256 byte values, NUL included. */
static char text_byte(size_t i)
{
    return (char)('a' + i % 26);
}
static char bin_byte(size_t i, size_t n)
{
    return (char)((i * 7 + n) & 0xff);
}

static int insert_value(MYSQL *m, unsigned id, size_t n, struct sl_err *err)
{
    char *t = malloc(n + 1), *b = malloc(n + 1);
    if (!t || !b) {
        free(t);
        free(b);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        t[i] = text_byte(i);
        b[i] = bin_byte(i, n);
    }
    MYSQL_STMT *s = mysql_stmt_init(m);
    const char *sql = "INSERT INTO sizes (id, t, b) VALUES (?, ?, ?)";
    MYSQL_BIND bind[3];
    unsigned long tl = n, bl = n;
    memset(bind, 0, sizeof bind);
    bind[0].buffer_type = MYSQL_TYPE_LONG;
    bind[0].buffer = &id;
    bind[0].is_unsigned = 1;
    bind[1].buffer_type = MYSQL_TYPE_STRING;
    bind[1].buffer = t;
    bind[1].buffer_length = tl;
    bind[1].length = &tl;
    bind[2].buffer_type = MYSQL_TYPE_BLOB;
    bind[2].buffer = b;
    bind[2].buffer_length = bl;
    bind[2].length = &bl;
    int rc = 0;
    if (!s || mysql_stmt_prepare(s, sql, strlen(sql)) != 0 || mysql_stmt_bind_param(s, bind) != 0 ||
        mysql_stmt_execute(s) != 0)
        rc = s ? sl_conn_stmt_fail(s, err, "insert") : sl_err_set(err, SL_ERR_FATAL, "oom");
    if (s)
        mysql_stmt_close(s);
    free(t);
    free(b);
    return rc;
}

static int same_text(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != text_byte(i))
            return 0;
    return v[n] == '\0';
}

static int same_bin(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != bin_byte(i, n))
            return 0;
    return v[n] == '\0';
}

int main(int argc, char **argv)
{
    CHECK_INIT();
    if (argc != 2) {
        fprintf(stderr, "usage: conn_select_check SOCKET\n");
        return 2;
    }
    struct sl_url url = {.user = "root", .host = "localhost", .socket = argv[1], .db = NULL};
    struct sl_conn_opts o = {.url = &url, .time_zone = "+00:00", .connect_timeout = 10};
    struct sl_err err = {0};
    MYSQL *m = NULL;
    if (sl_conn_open(&m, &o, &err) != 0) {
        fprintf(stderr, "connect: %s\n", err.msg);
        return 1;
    }
    const size_t sizes[] = {0, 1, 511, 512, 513, 4096, 65536, 1u << 20};
    const unsigned nsizes = sizeof sizes / sizeof sizes[0];
    /* a table comment makes SHOW CREATE TABLE longer than 512 bytes */
    char create[1024], comment[701];
    memset(comment, 'c', 700);
    comment[700] = '\0';
    snprintf(create, sizeof create,
             "CREATE TABLE sizes (id INT UNSIGNED PRIMARY KEY, t LONGTEXT, b LONGBLOB) "
             "CHARACTER SET utf8mb4 COMMENT '%s'",
             comment);
    if (sl_conn_exec(m, "DROP DATABASE IF EXISTS t_conn_select", &err) != 0 ||
        sl_conn_exec(m, "CREATE DATABASE t_conn_select", &err) != 0 ||
        mysql_select_db(m, "t_conn_select") != 0 || sl_conn_exec(m, create, &err) != 0) {
        fprintf(stderr, "set-up: %s\n", err.msg);
        mysql_close(m);
        return 1;
    }
    for (unsigned i = 0; i < nsizes; i++)
        if (insert_value(m, i, sizes[i], &err) != 0) {
            fprintf(stderr, "insert of %zu bytes: %s\n", sizes[i], err.msg);
            mysql_close(m);
            return 1;
        }
    if (sl_conn_exec(m, "INSERT INTO sizes VALUES (99, NULL, NULL)", &err) != 0 ||
        sl_conn_exec(m, "COMMIT", &err) != 0) {
        fprintf(stderr, "insert: %s\n", err.msg);
        mysql_close(m);
        return 1;
    }

    /* every size in one result, in ascending order: each row's buffers must
     * hold that row's own value, whatever the rows before it needed */
    struct got g = {0};
    int rc = sl_conn_select(m, "SELECT t, b FROM sizes ORDER BY id", NULL, 0, keep_row, &g, &err);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(g.nrows, nsizes + 1);
    for (unsigned r = 0; r < nsizes && r < g.nrows; r++) {
        size_t n = sizes[r];
        CHECK_EQ_INT(g.len[r][0], n);
        CHECK_EQ_INT(g.len[r][1], n);
        if (g.is_null[r][0] || g.is_null[r][1])
            fprintf(stderr, "row %u (%zu bytes) came back NULL\n", r, n);
        CHECK(!g.is_null[r][0] && !g.is_null[r][1]);
        if (g.len[r][0] == n && g.val[r][0] && !same_text(g.val[r][0], n))
            CHECK(!"text value differs");
        if (g.len[r][1] == n && g.val[r][1] && !same_bin(g.val[r][1], n))
            CHECK(!"binary value differs");
    }
    if (g.nrows == nsizes + 1)
        CHECK(g.is_null[nsizes][0] && g.is_null[nsizes][1]);
    got_release(&g);

    /* the same in descending order: a buffer grown for a long value must
     * still report the short value's own length */
    rc = sl_conn_select(m, "SELECT t, b FROM sizes WHERE id < 99 ORDER BY id DESC", NULL, 0,
                        keep_row, &g, &err);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(g.nrows, nsizes);
    for (unsigned r = 0; r < g.nrows; r++) {
        size_t n = sizes[nsizes - 1 - r];
        CHECK_EQ_INT(g.len[r][0], n);
        CHECK_EQ_INT(g.len[r][1], n);
        if (g.len[r][0] == n && g.val[r][0] && !same_text(g.val[r][0], n))
            CHECK(!"text value differs (descending)");
        if (g.len[r][1] == n && g.val[r][1] && !same_bin(g.val[r][1], n))
            CHECK(!"binary value differs (descending)");
    }
    got_release(&g);

    /* a bound parameter selects one long value; numbers and dates come back
     * as their text */
    const char *params[] = {"513"};
    rc = sl_conn_select(m, "SELECT t, LENGTH(b) FROM sizes WHERE LENGTH(t) = ?", params, 1,
                        keep_row, &g, &err);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(g.nrows, 1);
    if (g.nrows == 1) {
        CHECK_EQ_INT(g.len[0][0], 513);
        CHECK_EQ_STR(g.val[0][1], "513");
    }
    got_release(&g);
    rc = sl_conn_select(m,
                        "SELECT CAST(-1.5e300 AS DOUBLE), CAST('2026-12-02 10:11:12.123456' AS "
                        "DATETIME(6))",
                        NULL, 0, keep_row, &g, &err);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(g.nrows, 1);
    if (g.nrows == 1) {
        CHECK_EQ_STR(g.val[0][0], "-1.5e300");
        CHECK_EQ_STR(g.val[0][1], "2026-12-02 10:11:12.123456");
    }
    got_release(&g);

    /* what the copy reads: SHOW CREATE TABLE of a definition over 512 bytes */
    rc = sl_conn_select(m, "SHOW CREATE TABLE sizes", NULL, 0, keep_row, &g, &err);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(g.nrows, 1);
    if (g.nrows == 1) {
        CHECK(g.len[0][1] > 700);
        CHECK(g.val[0][1] && strncmp(g.val[0][1], "CREATE TABLE `sizes`", 20) == 0);
        CHECK(g.val[0][1] && strstr(g.val[0][1], comment) != NULL);
    }
    got_release(&g);

    if (rc != 0)
        fprintf(stderr, "select: %s\n", err.msg);
    sl_conn_exec(m, "DROP DATABASE t_conn_select", &err);
    mysql_close(m);
    return CHECK_DONE();
}
