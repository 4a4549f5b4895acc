/*
 * Unit tests of the copy's pure parts: rewriting SHOW CREATE TABLE (with and
 * without deferred indexes), the checksum statement, the key-range
 * conditions, reshaping batches and the queue's non-blocking pop.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_checksum.h"
#include "sl_create_table.h"
#include "sl_key_ranges.h"
#include "sl_queue.h"
#include "sl_table.h"
#include "sl_table_keys.h"

static CHECK_INIT();

static const char *show = "CREATE TABLE `child` (\n"
                          "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
                          "  `p` int(11) NOT NULL,\n"
                          "  `sku` varchar(20) DEFAULT 'a,b',\n"
                          "  `KEY` text DEFAULT NULL,\n"
                          "  PRIMARY KEY (`id`),\n"
                          "  UNIQUE KEY `sku` (`sku`),\n"
                          "  KEY `by``p` (`p`,`sku`),\n"
                          "  FULLTEXT KEY `ft` (`KEY`),\n"
                          "  CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `parent` (`id`),\n"
                          "  CONSTRAINT `pos` CHECK (`p` > 0)\n"
                          ") ENGINE=InnoDB AUTO_INCREMENT=5000 DEFAULT CHARSET=utf8mb4";

static void test_create_table(void)
{
    struct sl_create_sql q;
    struct sl_err err;
    sl_create_sql_init(&q, 1 << 20);
    CHECK_EQ_INT(sl_create_table_rewrite(show, "new`db", "t2", SL_REWRITE_KEEP, &q, &err), 0);
    const char *want_all = "CREATE TABLE `new``db`.`t2` (\n"
                           "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
                           "  `p` int(11) NOT NULL,\n"
                           "  `sku` varchar(20) DEFAULT 'a,b',\n"
                           "  `KEY` text DEFAULT NULL,\n"
                           "  PRIMARY KEY (`id`),\n"
                           "  UNIQUE KEY `sku` (`sku`),\n"
                           "  KEY `by``p` (`p`,`sku`),\n"
                           "  FULLTEXT KEY `ft` (`KEY`),\n"
                           "  CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `parent` (`id`),\n"
                           "  CONSTRAINT `pos` CHECK (`p` > 0)\n"
                           ") ENGINE=InnoDB AUTO_INCREMENT=5000 DEFAULT CHARSET=utf8mb4";
    CHECK_EQ_STR(sl_buf_cstr(&q.create), want_all);
    CHECK_EQ_INT(q.add.len, 0);
    CHECK_EQ_INT(q.drop_fks.len, 0);
    CHECK_EQ_INT(q.drop_keys.len, 0);
    sl_create_sql_release(&q);

    /* deferred: the same CREATE (so the target checks every definition),
     * then the drops, and the ALTER that adds it all back */
    sl_create_sql_init(&q, 1 << 20);
    CHECK_EQ_INT(sl_create_table_rewrite(show, "new`db", "t2", SL_REWRITE_DEFER_ALL, &q, &err), 0);
    CHECK_EQ_STR(sl_buf_cstr(&q.create), want_all);
    CHECK_EQ_STR(sl_buf_cstr(&q.drop_fks), "ALTER TABLE `new``db`.`t2` DROP FOREIGN KEY `fk`");
    CHECK_EQ_STR(sl_buf_cstr(&q.drop_keys), "ALTER TABLE `new``db`.`t2` DROP INDEX `sku`, "
                                            "DROP INDEX `by``p`, DROP INDEX `ft`");
    CHECK_EQ_STR(sl_buf_cstr(&q.add),
                 "ALTER TABLE `new``db`.`t2` ADD UNIQUE KEY `sku` (`sku`), "
                 "ADD KEY `by``p` (`p`,`sku`), ADD FULLTEXT KEY `ft` (`KEY`), "
                 "ADD CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `parent` (`id`)");
    CHECK_EQ_INT(q.fks, 1);
    sl_create_sql_release(&q);

    /* a load's deferral: the non-unique indexes only; the unique key and
     * the foreign key stay (the foreign key is counted) */
    sl_create_sql_init(&q, 1 << 20);
    CHECK_EQ_INT(sl_create_table_rewrite(show, "db", "t", SL_REWRITE_NON_UNIQUE, &q, &err), 0);
    CHECK_EQ_INT(q.drop_fks.len, 0);
    CHECK_EQ_STR(sl_buf_cstr(&q.drop_keys),
                 "ALTER TABLE `db`.`t` DROP INDEX `by``p`, DROP INDEX `ft`");
    CHECK_EQ_STR(sl_buf_cstr(&q.add),
                 "ALTER TABLE `db`.`t` ADD KEY `by``p` (`p`,`sku`), ADD FULLTEXT KEY `ft` (`KEY`)");
    CHECK_EQ_INT(q.fks, 1);
    sl_create_sql_release(&q);

    /* nothing to defer: every statement but the CREATE stays empty */
    sl_create_sql_init(&q, 1 << 20);
    CHECK_EQ_INT(sl_create_table_rewrite("CREATE TABLE `t` (\n  `a` int(11) NOT NULL,\n"
                                         "  PRIMARY KEY (`a`)\n) ENGINE=InnoDB",
                                         "d", "t", 1, &q, &err),
                 0);
    CHECK_EQ_INT(q.add.len + q.drop_fks.len + q.drop_keys.len, 0);
    sl_create_sql_release(&q);

    sl_create_sql_init(&q, 1 << 20);
    CHECK_EQ_INT(sl_create_table_rewrite("CREATE VIEW `v` AS SELECT 1", "d", "t", 0, &q, &err), -1);
    CHECK(strstr(err.msg, "did not start with CREATE TABLE") != NULL);
    CHECK_EQ_INT(sl_create_table_rewrite("CREATE TABLE `t` (\n", "d", "t", 0, &q, &err), -1);
    sl_create_sql_release(&q);

    /* names and strings holding newlines, commas and parentheses stay whole */
    const char *odd = "CREATE TABLE `t\nx` (\n"
                      "  `id` int(11) NOT NULL,\n"
                      "  `nl\n  KEY x` int(11) DEFAULT NULL,\n"
                      "  `s` varchar(9) DEFAULT 'a,\n  KEY y (' COMMENT 'it''s, \\'),',\n"
                      "  PRIMARY KEY (`id`),\n"
                      "  KEY `i\nx` (`nl\n  KEY x`),\n"
                      "  CONSTRAINT `c` CHECK (`s` <> ')' or (`s` is null))\n"
                      ") ENGINE=InnoDB";
    sl_create_sql_init(&q, 1 << 20);
    CHECK_EQ_INT(sl_create_table_rewrite(odd, "d", "t2", 1, &q, &err), 0);
    CHECK_EQ_STR(sl_buf_cstr(&q.create), "CREATE TABLE `d`.`t2` (\n"
                                         "  `id` int(11) NOT NULL,\n"
                                         "  `nl\n  KEY x` int(11) DEFAULT NULL,\n"
                                         "  `s` varchar(9) DEFAULT 'a,\n  KEY y (' "
                                         "COMMENT 'it''s, \\'),',\n"
                                         "  PRIMARY KEY (`id`),\n"
                                         "  KEY `i\nx` (`nl\n  KEY x`),\n"
                                         "  CONSTRAINT `c` CHECK (`s` <> ')' or (`s` is null))\n"
                                         ") ENGINE=InnoDB");
    CHECK_EQ_STR(sl_buf_cstr(&q.drop_keys), "ALTER TABLE `d`.`t2` DROP INDEX `i\nx`");
    CHECK_EQ_STR(sl_buf_cstr(&q.add), "ALTER TABLE `d`.`t2` ADD KEY `i\nx` (`nl\n  KEY x`)");
    sl_create_sql_release(&q);
    /* a quote that never closes is an error, not a guess */
    sl_create_sql_init(&q, 1 << 20);
    CHECK_EQ_INT(
        sl_create_table_rewrite("CREATE TABLE `t` (\n  `a` int DEFAULT 'x\n) ENGINE=InnoDB", "d",
                                "t", 0, &q, &err),
        -1);
    CHECK_EQ_STR(err.msg, "SHOW CREATE TABLE ends inside a definition");
    sl_create_sql_release(&q);

    /* a statement over the cap is an error, not a cut-off definition */
    sl_create_sql_init(&q, 64);
    CHECK_EQ_INT(sl_create_table_rewrite(show, "db", "t", 1, &q, &err), -1);
    CHECK_EQ_STR(err.msg, "the table's definition is too long");
    sl_create_sql_release(&q);
}

static void test_table_keys_compare(void)
{
    struct sl_table_key src[] = {
        {"PRIMARY", "PRIMARY KEY (`id`)"},
        {"a", "KEY `a` (`a`)"},
        {"b", "UNIQUE KEY `b` (`b`,`id`)"},
    };
    struct sl_table_key same[] = {
        {"PRIMARY", "PRIMARY KEY (`id`)"},
        {"a", "KEY `a` (`a`)"},
        {"b", "UNIQUE KEY `b` (`b`,`id`)"},
        {"extra", "KEY `extra` (`x`)"},
    };
    struct sl_table_key lacking[] = {{"PRIMARY", "PRIMARY KEY (`id`)"},
                                     {"b", "KEY `b` (`b`,`id`)"}};
    struct sl_table_keys want = {src, 3}, got = {same, 4};
    char note[256] = "";
    /* keys only the target has are no difference */
    CHECK_EQ_INT((int)sl_table_keys_compare(&want, &got, note, sizeof note), 0);
    got = (struct sl_table_keys){lacking, 2};
    CHECK_EQ_INT((int)sl_table_keys_compare(&want, &got, note, sizeof note), 2);
    CHECK_EQ_STR(note, "the target lacks KEY `a` (`a`)");
    struct sl_table_keys only_b = {src + 2, 1};
    CHECK_EQ_INT((int)sl_table_keys_compare(&only_b, &got, note, sizeof note), 1);
    CHECK_EQ_STR(note, "a key differs: the source has UNIQUE KEY `b` (`b`,`id`), the target "
                       "KEY `b` (`b`,`id`)");
}

static void test_checksum_sql(void)
{
    struct sl_column cols[] = {
        {.name = "id", .data_type = "int"},
        {.name = "f`x", .data_type = "float", .nullable = 1},
        {.name = "t", .data_type = "varchar", .charset = "utf8mb4"},
        {.name = "l", .data_type = "text", .charset = "latin1"},
        {.name = "e", .data_type = "enum", .charset = "utf8mb3", .nullable = 1},
        {.name = "b", .data_type = "blob"},
    };
    struct sl_table t = {.schema = "db", .name = "tb", .cols = cols, .ncols = 6};
    char *names[] = {"id", "F`X", "t", "l", "e", "b"};
    struct sl_buf out;
    sl_buf_init(&out, 1 << 20);
    /* utf8mb4 text as it is, other text converted; a NOT NULL column's flag
     * is the constant '0', runs of them joined */
    CHECK_EQ_INT(sl_checksum_sql(&out, &t, names, 6), 0);
    const char *want = "SELECT /* sluice verify */ COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('#', "
                       "`id`, CAST(`F``X` AS DOUBLE), `t`, CONVERT(`l` USING utf8mb4), "
                       "CONVERT(`e` USING utf8mb4), `b`, CONCAT('0', ISNULL(`F``X`), '00', "
                       "ISNULL(`e`), '0')))), 0) FROM `db`.`tb`";
    CHECK(strcmp(sl_buf_cstr(&out), want) == 0);
    /* no column can be NULL: the flags are one literal */
    char *two[] = {"id", "t"};
    sl_buf_reset(&out);
    CHECK_EQ_INT(sl_checksum_sql(&out, &t, two, 2), 0);
    CHECK(strcmp(sl_buf_cstr(&out), "SELECT /* sluice verify */ COUNT(*), "
                                    "COALESCE(SUM(CRC32(CONCAT_WS('#', `id`, `t`, '00'))), 0) "
                                    "FROM `db`.`tb`") == 0);
    /* the last column NULL-able: no empty literal after it */
    char *last[] = {"e"};
    sl_buf_reset(&out);
    CHECK_EQ_INT(sl_checksum_sql(&out, &t, last, 1), 0);
    CHECK(strstr(sl_buf_cstr(&out), ", CONCAT('', ISNULL(`e`))))), 0)") != NULL);
    char *missing[] = {"nope"};
    sl_buf_reset(&out);
    CHECK_EQ_INT(sl_checksum_sql(&out, &t, missing, 1), -1);
    sl_buf_release(&out);
}

static void test_range_cond(void)
{
    struct sl_key_ranges r;
    struct sl_err err;
    struct sl_buf out;
    sl_buf_init(&out, 1024);
    CHECK_EQ_INT(sl_key_ranges_init(&r, 1, "-10", "29", 4, &err), 0);
    CHECK_EQ_INT(r.n, 4);
    CHECK_EQ_INT(sl_key_ranges_cond(&r, 0, "`k`", &out), 0);
    CHECK(strcmp(sl_buf_cstr(&out), "`k` <= -1") == 0);
    sl_buf_reset(&out);
    sl_key_ranges_cond(&r, 1, "`k`", &out);
    CHECK(strcmp(sl_buf_cstr(&out), "`k` BETWEEN 0 AND 9") == 0);
    sl_buf_reset(&out);
    sl_key_ranges_cond(&r, 3, "`k`", &out);
    CHECK(strcmp(sl_buf_cstr(&out), "`k` >= 20") == 0);
    CHECK(!sl_key_ranges_whole(&r));
    CHECK_EQ_INT(sl_key_ranges_init(&r, 0, "5", "5", 4, &err), 0);
    CHECK(sl_key_ranges_whole(&r));
    sl_buf_reset(&out);
    CHECK_EQ_INT(sl_key_ranges_cond(&r, 0, "`k`", &out), 0);
    CHECK_EQ_INT(out.len, 0);
    sl_buf_release(&out);
    CHECK_EQ_INT(sl_key_ranges_want(250000, 100000, 2), 3);
    CHECK_EQ_INT(sl_key_ranges_want(-1, 100000, 2), 2);
    CHECK_EQ_INT(sl_key_ranges_want(5000000000LL, 1, 1), SL_KEY_RANGES_MAX);
}

/* Whether key x falls in range i of r, by the rule sl_key_ranges_cond
 * writes. */
static int in_range(const struct sl_key_ranges *r, uint64_t i, long long x)
{
    if (r->none)
        return 0;
    char lo[24], hi[24];
    sl_key_ranges_get(r, i, lo, hi);
    int open_lo = i == 0 && !r->closed_lo, open_hi = i + 1 >= r->n && !r->closed_hi;
    return (open_lo || x >= atoll(lo)) && (open_hi || x <= atoll(hi));
}

/* --shard: every key, in and around MIN..MAX, is read by exactly one range
 * of exactly one shard. */
static void test_range_shards(void)
{
    struct sl_err err;
    unsigned seed = 3;
    for (int round = 0; round < 200; round++) {
        long long min = (long long)(rand_r(&seed) % 200) - 100;
        long long max = min + rand_r(&seed) % 60;
        unsigned count = 1 + (unsigned)(rand_r(&seed) % 9);
        uint64_t want = 1 + (uint64_t)(rand_r(&seed) % 7);
        char a[24], b[24];
        snprintf(a, sizeof a, "%lld", min);
        snprintf(b, sizeof b, "%lld", max);
        struct sl_key_ranges shards[9];
        for (unsigned k = 0; k < count; k++) {
            CHECK_EQ_INT(sl_key_ranges_init(&shards[k], 1, a, b, want, &err), 0);
            sl_key_ranges_shard(&shards[k], k, count, want);
        }
        int ok = 1;
        for (long long x = min - 5; x <= max + 5; x++) {
            int hits = 0;
            for (unsigned k = 0; k < count; k++)
                for (uint64_t i = 0; i < shards[k].n; i++)
                    hits += in_range(&shards[k], i, x);
            ok &= hits == 1;
        }
        CHECK(ok);
    }
    /* the conditions of shard 1 of 3 over 0..29: closed at both ends */
    struct sl_key_ranges r;
    struct sl_buf out;
    sl_buf_init(&out, 1024);
    CHECK_EQ_INT(sl_key_ranges_init(&r, 0, "0", "29", 2, &err), 0);
    sl_key_ranges_shard(&r, 1, 3, 1);
    CHECK(!sl_key_ranges_whole(&r) && r.n == 1);
    sl_key_ranges_cond(&r, 0, "`k`", &out);
    CHECK(strcmp(sl_buf_cstr(&out), "`k` BETWEEN 10 AND 19") == 0);
    CHECK_EQ_INT(sl_key_ranges_init(&r, 0, "0", "29", 2, &err), 0);
    sl_key_ranges_shard(&r, 2, 3, 1);
    sl_buf_reset(&out);
    sl_key_ranges_cond(&r, 0, "`k`", &out);
    CHECK(strcmp(sl_buf_cstr(&out), "`k` >= 20") == 0);
    /* fewer keys than shards: shard 0 reads all, the others nothing */
    CHECK_EQ_INT(sl_key_ranges_init(&r, 0, "7", "8", 2, &err), 0);
    sl_key_ranges_shard(&r, 1, 3, 2);
    sl_buf_reset(&out);
    sl_key_ranges_cond(&r, 0, "`k`", &out);
    CHECK(strcmp(sl_buf_cstr(&out), "0 = 1") == 0);
    sl_buf_release(&out);
}

static void test_batch_reshape(void)
{
    struct sl_batch *b = sl_batch_new(3, 4, 1024);
    CHECK(b != NULL);
    sl_batch_set_cell(b, 0, "x", 1);
    sl_batch_set_null(b, 1);
    sl_batch_set_cell(b, 2, "yz", 2);
    sl_batch_end_row(b, 1, 0);
    CHECK_EQ_INT(sl_batch_reshape(b, 2), 0);
    CHECK_EQ_INT(b->nrows, 0);
    CHECK_EQ_INT(b->ncols, 2);
    CHECK_EQ_INT(b->arena.len, 0);
    sl_batch_set_cell(b, 0, "a", 1);
    sl_batch_set_cell(b, 1, "b", 1);
    sl_batch_end_row(b, 1, 0);
    sl_batch_set_cell(b, 0, "c", 1);
    sl_batch_set_null(b, 1);
    sl_batch_end_row(b, 2, 0);
    CHECK(memcmp(sl_batch_cell_data(b, sl_batch_cell(b, 1, 0)), "c", 1) == 0);
    CHECK_EQ_INT(sl_batch_cell(b, 1, 1)->len, SL_CELL_NULL);
    CHECK_EQ_INT(sl_batch_reshape(b, 4), -1);
    CHECK_EQ_INT(sl_batch_reshape(b, 0), -1);
    CHECK_EQ_INT(sl_batch_reshape(b, 3), 0);
    sl_batch_free(b);
}

static void test_try_pop(void)
{
    struct sl_queue q;
    CHECK_EQ_INT(sl_queue_init(&q, 2), 0);
    int a = 1, b = 2;
    CHECK(sl_queue_try_pop(&q) == NULL);
    sl_queue_push(&q, &a);
    sl_queue_push(&q, &b);
    CHECK(sl_queue_try_pop(&q) == &a);
    sl_queue_close(&q);
    CHECK(sl_queue_try_pop(&q) == &b);
    CHECK(sl_queue_try_pop(&q) == NULL);
    sl_queue_release(&q);
}

int main(void)
{
    test_create_table();
    test_table_keys_compare();
    test_checksum_sql();
    test_range_cond();
    test_range_shards();
    test_batch_reshape();
    test_try_pop();
    return CHECK_DONE();
}
