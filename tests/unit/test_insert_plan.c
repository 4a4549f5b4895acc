/* Unit tests of statement sizing (rows per INSERT against --batch-rows, the
 * 65,535-placeholder limit and max_allowed_packet), the statement text, and
 * reading row and column out of server messages. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sl_errno.h"
#include "sl_insert_plan.h"
#include "sl_server_msg.h"
#include "sl_write_mode.h"

static CHECK_INIT();

static struct sl_batch *batch_of(size_t ncols, size_t nrows, size_t value_len)
{
    struct sl_batch *b = sl_batch_new(ncols, nrows, 64 * 1024 * 1024);
    char *v = malloc(value_len + 1);
    memset(v, 'x', value_len);
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++)
            sl_batch_set_cell(b, c, v, value_len);
        sl_batch_end_row(b, r + 2, 0);
    }
    free(v);
    return b;
}

static void test_max_rows(void)
{
    CHECK_EQ_INT(sl_insert_max_rows(1000, 8), 1000);  /* --batch-rows binds */
    CHECK_EQ_INT(sl_insert_max_rows(50000, 8), 8191); /* 65535 / 8 */
    CHECK_EQ_INT(sl_insert_max_rows(50000, 1), 50000);
    CHECK_EQ_INT(sl_insert_max_rows(10, 70000), 1); /* never zero */
    CHECK(sl_insert_max_rows(65535, 3) * 3 <= SL_INSERT_MAX_PLACEHOLDERS);
}

static void test_packet_cap(void)
{
    /* 2 columns of 100 bytes: each row is 2*2 type bytes + 1 bitmap byte +
     * 2*(1 + 100) value bytes = 207 bytes */
    struct sl_batch *b = batch_of(2, 100, 100);
    uint32_t all[100];
    for (uint32_t i = 0; i < 100; i++)
        all[i] = i;
    CHECK_EQ_INT(sl_insert_row_bytes(b, 0), 207);
    size_t base = sl_insert_packet_base() + SL_INSERT_PACKET_MARGIN;
    /* room for exactly 10 rows */
    CHECK_EQ_INT(sl_insert_rows_that_fit(b, all, 100, 1000, base + 207 * 10), 10);
    CHECK_EQ_INT(sl_insert_rows_that_fit(b, all, 100, 1000, base + 207 * 10 - 1), 9);
    /* the row cap still applies when the packet is roomy */
    CHECK_EQ_INT(sl_insert_rows_that_fit(b, all, 100, 7, 64 * 1024 * 1024), 7);
    /* only the rows listed */
    CHECK_EQ_INT(sl_insert_rows_that_fit(b, all + 95, 5, 1000, 64 * 1024 * 1024), 5);
    /* a single row too large for the packet */
    CHECK_EQ_INT(sl_insert_rows_that_fit(b, all, 100, 1000, base + 206), 0);
    sl_batch_free(b);

    /* length prefixes grow with the value: 300 bytes take a 3-byte prefix */
    b = batch_of(1, 1, 300);
    CHECK_EQ_INT(sl_insert_row_bytes(b, 0), 2 + 1 + 3 + 300);
    sl_batch_free(b);

    /* NULL cells carry no value bytes */
    b = sl_batch_new(3, 1, 1024);
    sl_batch_set_null(b, 0);
    sl_batch_set_null(b, 1);
    sl_batch_set_cell(b, 2, "ab", 2);
    sl_batch_end_row(b, 1, 0);
    CHECK_EQ_INT(sl_insert_row_bytes(b, 0), 3 * 2 + 1 + 1 + 2);
    sl_batch_free(b);
}

static void test_sql(void)
{
    struct sl_buf s;
    sl_buf_init(&s, 1 << 20);
    char *cols[] = {"id", "na`me"};
    struct sl_insert_target t = {
        .schema = "shop", .table = "or`ders", .cols = cols, .ncols = 2, .verb = SL_VERB_INSERT};
    CHECK_EQ_INT(sl_insert_build_sql(&s, &t, 3), 0);
    CHECK_EQ_STR(sl_buf_cstr(&s), "INSERT INTO `shop`.`or``ders` (`id`,`na``me`) VALUES "
                                  "(?,?),(?,?),(?,?)");
    sl_buf_reset(&s);
    t.verb = SL_VERB_IGNORE;
    CHECK_EQ_INT(sl_insert_build_sql(&s, &t, 1), 0);
    CHECK_EQ_STR(sl_buf_cstr(&s), "INSERT IGNORE INTO `shop`.`or``ders` (`id`,`na``me`) VALUES "
                                  "(?,?)");
    sl_buf_reset(&s);
    t.verb = SL_VERB_REPLACE;
    CHECK_EQ_INT(sl_insert_build_sql(&s, &t, 1), 0);
    CHECK_EQ_STR(sl_buf_cstr(&s), "REPLACE INTO `shop`.`or``ders` (`id`,`na``me`) VALUES (?,?)");
    sl_buf_reset(&s);
    size_t upd[] = {1};
    t.verb = SL_VERB_UPSERT;
    t.update = upd;
    t.nupdate = 1;
    CHECK_EQ_INT(sl_insert_build_sql(&s, &t, 2), 0);
    CHECK_EQ_STR(sl_buf_cstr(&s), "INSERT INTO `shop`.`or``ders` (`id`,`na``me`) VALUES "
                                  "(?,?),(?,?) ON DUPLICATE KEY UPDATE `na``me`=VALUES(`na``me`)");
    sl_buf_reset(&s);
    t.nupdate = 0; /* every column is a key column: existing rows stay */
    CHECK_EQ_INT(sl_insert_build_sql(&s, &t, 1), 0);
    CHECK_EQ_STR(sl_buf_cstr(&s), "INSERT INTO `shop`.`or``ders` (`id`,`na``me`) VALUES "
                                  "(?,?) ON DUPLICATE KEY UPDATE `id`=`id`");
    sl_buf_reset(&s);
    upd[0] = 2; /* not a column */
    t.nupdate = 1;
    CHECK_EQ_INT(sl_insert_build_sql(&s, &t, 1), -1);
    sl_buf_release(&s);
}

static void test_server_msg(void)
{
    char col[64];
    const char *m1 = "Incorrect integer value: 'twelve' for column `shop`.`orders`.`qty` at row 3";
    CHECK_EQ_INT(sl_server_msg_row(m1), 3);
    CHECK_EQ_INT(sl_server_msg_column(m1, col, sizeof col), 1);
    CHECK_EQ_STR(col, "qty");
    const char *m2 = "Incorrect integer value: 'x' for column 'qty' at row 12";
    CHECK_EQ_INT(sl_server_msg_row(m2), 12);
    CHECK_EQ_INT(sl_server_msg_column(m2, col, sizeof col), 1);
    CHECK_EQ_STR(col, "qty");
    const char *m3 = "Data too long for column 'name' at row 2";
    CHECK_EQ_INT(sl_server_msg_row(m3), 2);
    CHECK_EQ_INT(sl_server_msg_column(m3, col, sizeof col), 1);
    CHECK_EQ_STR(col, "name");
    const char *m4 = "Column 'qty' cannot be null";
    CHECK_EQ_INT(sl_server_msg_row(m4), 0);
    CHECK_EQ_INT(sl_server_msg_column(m4, col, sizeof col), 1);
    CHECK_EQ_STR(col, "qty");
    const char *m5 = "Duplicate entry '5' for key 'PRIMARY'";
    CHECK_EQ_INT(sl_server_msg_row(m5), 0);
    CHECK_EQ_INT(sl_server_msg_column(m5, col, sizeof col), 0);
    CHECK_EQ_STR(col, "");
}

static void test_write_mode(void)
{
    struct sl_column cols[4] = {{.name = "id", .in_unique_key = 1},
                                {.name = "code", .in_unique_key = 1},
                                {.name = "Name"},
                                {.name = "qty"}};
    struct sl_table t = {.schema = "shop", .name = "t", .cols = cols, .ncols = 4};
    char *loaded[] = {"qty", "id", "Name"}; /* batch order differs from the table's */
    size_t *u = NULL, n = 0;
    struct sl_err err;
    CHECK_EQ_INT(sl_write_mode_update_cols(&t, loaded, 3, NULL, &u, &n, &err), 0);
    CHECK_EQ_INT(n, 2); /* every loaded column outside a unique key */
    CHECK_EQ_INT(u[0], 0);
    CHECK_EQ_INT(u[1], 2);
    free(u);
    CHECK_EQ_INT(sl_write_mode_update_cols(&t, loaded, 3, " name , qty,name", &u, &n, &err), 0);
    CHECK_EQ_INT(n, 2); /* case ignored, spaces trimmed, repeats dropped */
    CHECK_EQ_INT(u[0], 2);
    CHECK_EQ_INT(u[1], 0);
    free(u);
    CHECK_EQ_INT(sl_write_mode_update_cols(&t, loaded, 3, "qty,code", &u, &n, &err), -1);
    CHECK_EQ_STR(err.msg, "--update-columns: 'code' is not a column loaded into shop.t");
    char *keys[] = {"id"};
    CHECK_EQ_INT(sl_write_mode_update_cols(&t, keys, 1, NULL, &u, &n, &err), 0);
    CHECK_EQ_INT(n, 0);
    CHECK(u == NULL);

    char name[256];
    char t52[53];
    memset(t52, 'x', 52);
    t52[52] = 0;
    CHECK_EQ_INT(sl_swap_name(name, sizeof name, t52, SL_SWAP_NEW_SUFFIX, &err), 0);
    CHECK_EQ_INT(strlen(name), 64);
    char t53[54];
    memset(t53, 'x', 53);
    t53[53] = 0;
    CHECK_EQ_INT(sl_swap_name(name, sizeof name, t53, SL_SWAP_NEW_SUFFIX, &err), -1);
    /* characters, not bytes: 52 two-byte letters still fit */
    char wide[105];
    for (int i = 0; i < 52; i++)
        memcpy(wide + 2 * i, "\xc3\xa9", 2);
    wide[104] = 0;
    CHECK_EQ_INT(sl_swap_name(name, sizeof name, wide, SL_SWAP_OLD_SUFFIX, &err), 0);
    CHECK_EQ_INT(sl_write_mode_verb(SL_MODE_SWAP), SL_VERB_INSERT);
    CHECK_EQ_INT(sl_write_mode_verb(SL_MODE_UPSERT), SL_VERB_UPSERT);
    CHECK_EQ_STR(sl_write_mode_names[SL_MODE_TRUNCATE], "truncate");
}

/* The one classification of error numbers every command uses. */
static void test_errno(void)
{
    /* a deadlock and a lock wait: retried on the same connection */
    CHECK_EQ_INT(sl_errno_kind(1213), SL_ERR_RETRYABLE);
    CHECK_EQ_INT(sl_errno_conn_gone(1213), 0);
    CHECK_EQ_INT(sl_errno_kind(1205), SL_ERR_RETRYABLE);
    CHECK_EQ_INT(sl_errno_conn_gone(1205), 0);
    /* lost, killed, timed out for inactivity, server gone: reconnect */
    static const unsigned gone[] = {1040, 1053, 1927, 2002, 2003, 2006, 2013, 2055, 4031};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        CHECK_EQ_INT(sl_errno_kind(gone[i]), SL_ERR_RETRYABLE);
        CHECK_EQ_INT(sl_errno_conn_gone(gone[i]), 1);
        CHECK_EQ_INT(sl_errno_is_row_error(gone[i]), 0);
    }
    /* a row's fault is neither retried nor a lost connection */
    static const unsigned row[] = {1048, 1062, 1264, 1366, 1406, 1452, 4025};
    for (size_t i = 0; i < sizeof row / sizeof row[0]; i++) {
        CHECK_EQ_INT(sl_errno_is_row_error(row[i]), 1);
        CHECK_EQ_INT(sl_errno_kind(row[i]), SL_ERR_FATAL);
        CHECK_EQ_INT(sl_errno_conn_gone(row[i]), 0);
    }
    /* anything else: fatal, the statement's fault (a syntax error, a
     * killed query, a missing table) */
    static const unsigned other[] = {0, 1064, 1146, 1317, 1142};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        CHECK_EQ_INT(sl_errno_kind(other[i]), SL_ERR_FATAL);
        CHECK_EQ_INT(sl_errno_conn_gone(other[i]) + sl_errno_is_row_error(other[i]), 0);
    }
}

int main(void)
{
    test_errno();
    test_max_rows();
    test_packet_cap();
    test_sql();
    test_server_msg();
    test_write_mode();
    return CHECK_DONE();
}
