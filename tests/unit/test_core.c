/* Unit tests of the dependency-free core: URL parsing and masking,
 * identifier quoting, file identities, UTF-8 validation, the bounded queue, batches. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sl_batch.h"
#include "sl_clock.h"
#include "sl_escape.h"
#include "sl_file_id.h"
#include "sl_ident.h"
#include "sl_queue.h"
#include "sl_rate.h"
#include "sl_shard.h"
#include "sl_sql.h"
#include "sl_suggest.h"
#include "sl_url.h"
#include "sl_utf8.h"

static CHECK_INIT();

static void test_suggest(void)
{
    CHECK_EQ_INT(sl_suggest_distance("load", "load"), 0);
    CHECK_EQ_INT(sl_suggest_distance("lod", "load"), 1);
    CHECK_EQ_INT(sl_suggest_distance("exrtact", "extract"), 1); /* a swap */
    CHECK_EQ_INT(sl_suggest_distance("", "abc"), 3);
    CHECK_EQ_INT(sl_suggest_distance("kitten", "sitting"), 3);
    static const char *const cmds[] = {"load",  "extract", "copy",  "bench", "run",
                                       "check", NULL,      "sniff", "gen"};
    CHECK_EQ_STR(sl_suggest("lod", cmds, 9), "load");
    CHECK_EQ_STR(sl_suggest("cpoy", cmds, 9), "copy");
    CHECK_EQ_STR(sl_suggest("snif", cmds, 9), "sniff");
    CHECK(sl_suggest("frobnicate", cmds, 9) == NULL); /* near nothing */
    CHECK(sl_suggest("ren", cmds, 9) == NULL);        /* run and gen are as near: no guess */
    CHECK(sl_suggest("lo", cmds, 9) == NULL);         /* two edits in a short word */
    static const char *const opts[] = {"threads", "txn-rows", "batch-rows", "verify-only"};
    CHECK_EQ_STR(sl_suggest("treads", opts, 4), "threads");
    CHECK_EQ_STR(sl_suggest("verfy-onyl", opts, 4), "verify-only");
    char long_name[100];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    CHECK(sl_suggest_distance(long_name, "a") == (size_t)-1);
}

static void test_url(void)
{
    struct sl_url u;
    struct sl_err e;
    char buf[512];

    /* a cluster: one port for all, or one each */
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://etl@db1,db2,db3:3306/shop/orders", &e), 0);
    CHECK_EQ_INT(u.nhosts, 3);
    CHECK_EQ_STR(u.hosts[0], "db1");
    CHECK_EQ_STR(u.hosts[2], "db3");
    CHECK_EQ_STR(u.host, "db1");
    CHECK_EQ_INT(u.port, 3306);
    CHECK_EQ_INT(u.ports[2], 0);
    CHECK_EQ_STR(sl_url_format(&u, buf, sizeof buf), "mysql://etl@db1,db2,db3:3306/shop/orders");
    sl_url_release(&u);
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://a:pw@h1:3307,h2:3308,h3/db", &e), 0);
    CHECK_EQ_INT(u.nhosts, 3);
    CHECK_EQ_INT(u.ports[0], 3307);
    CHECK_EQ_INT(u.ports[1], 3308);
    CHECK_EQ_INT(u.ports[2], 0);
    CHECK_EQ_STR(sl_url_format(&u, buf, sizeof buf), "mysql://a:***@h1:3307,h2:3308,h3/db");
    sl_url_release(&u);
    CHECK(sl_url_parse(&u, "mysql://a@h1,,h3/db", &e) != 0);
    CHECK(strstr(e.msg, "a host list is") != NULL);
    CHECK(sl_url_parse(&u, "mysql://a@h1,h2:0/db", &e) != 0);
    CHECK(sl_url_parse(&u, "mysql://a@h1,[::1]/db", &e) != 0);
    CHECK(sl_url_parse(&u, "mysql://a@h1,h2:x/db", &e) != 0);

    CHECK_EQ_INT(sl_url_parse(&u, "mysql://etl@db1:3306/shop/orders", &e), 0);
    CHECK_EQ_STR(u.user, "etl");
    CHECK(u.password == NULL);
    CHECK_EQ_STR(u.host, "db1");
    CHECK_EQ_INT(u.port, 3306);
    CHECK_EQ_STR(u.db, "shop");
    CHECK_EQ_STR(u.table, "orders");
    CHECK(u.socket == NULL);
    CHECK_EQ_STR(sl_url_format(&u, buf, sizeof buf), "mysql://etl@db1:3306/shop/orders");
    sl_url_release(&u);

    /* a password is parsed but never shown */
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://etl:s3cr%40t@db1/shop/orders", &e), 0);
    CHECK_EQ_STR(u.password, "s3cr@t");
    CHECK_EQ_STR(sl_url_format(&u, buf, sizeof buf), "mysql://etl:***@db1/shop/orders");
    CHECK(strstr(buf, "s3cr") == NULL);
    sl_url_release(&u);

    /* '@' in the password without escaping: the last '@' ends the credentials */
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://etl:p@ss@db1/shop/t", &e), 0);
    CHECK_EQ_STR(u.password, "p@ss");
    CHECK_EQ_STR(u.host, "db1");
    sl_url_release(&u);

    CHECK_EQ_INT(sl_url_parse(&u, "mysql://root@localhost/shop/t?socket=/run/my%20d.sock", &e), 0);
    CHECK_EQ_STR(u.socket, "/run/my d.sock");
    CHECK_EQ_INT(u.port, 0);
    sl_url_release(&u);

    /* TLS parameters, and how they merge with the command line's */
    CHECK_EQ_INT(sl_url_parse(&u,
                              "mysql://u@db1/shop?ssl-mode=verify_identity&ssl-ca=/etc/c%20a.pem"
                              "&ssl-cert=/c.pem&ssl-key=/k.pem",
                              &e),
                 0);
    CHECK_EQ_INT(u.tls.mode, SL_TLS_VERIFY_IDENTITY);
    CHECK_EQ_STR(u.tls.ca, "/etc/c a.pem");
    CHECK_EQ_STR(u.tls.cert, "/c.pem");
    CHECK_EQ_STR(u.tls.key, "/k.pem");
    {
        struct sl_tls cli = {SL_TLS_REQUIRED, "/cli-ca.pem", NULL, NULL}, m;
        sl_tls_merge(&m, &cli, &u.tls);
        CHECK_EQ_INT(m.mode, SL_TLS_VERIFY_IDENTITY);
        CHECK_EQ_STR(m.ca, "/etc/c a.pem");
        struct sl_tls none = {SL_TLS_UNSET, NULL, NULL, NULL};
        sl_tls_merge(&m, &cli, &none);
        CHECK_EQ_INT(m.mode, SL_TLS_REQUIRED);
        CHECK_EQ_STR(m.ca, "/cli-ca.pem");
        CHECK_EQ_INT(sl_tls_effective(&none, 1), SL_TLS_DISABLED);
        CHECK_EQ_INT(sl_tls_effective(&none, 0), SL_TLS_PREFERRED);
        none.ca = "/x.pem";
        CHECK_EQ_INT(sl_tls_effective(&none, 0), SL_TLS_VERIFY_CA);
    }
    sl_url_release(&u);
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://u@db1/shop?ssl-mode=SOMETIMES", &e), -1);
    CHECK_EQ_STR(e.msg, "invalid URL 'mysql://...': ssl-mode must be "
                        "DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY, not "
                        "'SOMETIMES'");
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://u@db1/shop?ssl-ca=", &e), -1);
    CHECK_EQ_STR(e.msg, "invalid URL 'mysql://...': parameter 'ssl-ca' needs a "
                        "value (or has a bad percent-escape)");

    CHECK_EQ_INT(sl_url_parse(&u, "mysql://u@[::1]:3307/db", &e), 0);
    CHECK_EQ_STR(u.host, "::1");
    CHECK_EQ_INT(u.port, 3307);
    CHECK_EQ_STR(u.db, "db");
    CHECK(u.table == NULL);
    CHECK_EQ_STR(sl_url_format(&u, buf, sizeof buf), "mysql://u@[::1]:3307/db");
    sl_url_release(&u);

    /* names with odd characters arrive percent-encoded */
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://u@h/my%2Fdb/t%60x", &e), 0);
    CHECK_EQ_STR(u.db, "my/db");
    CHECK_EQ_STR(u.table, "t`x");
    sl_url_release(&u);

    /* an unparsable URL is never shown past its scheme (issue 25) */
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://etl:hunter2@db1:99999/shop/t", &e), -1);
    CHECK_EQ_STR(e.msg, "invalid URL 'mysql://...': the port must be a number from 1 to 65535");
    CHECK_EQ_INT(sl_url_parse(&u, "postgres://a@b/c", &e), -1);
    CHECK_EQ_STR(e.msg, "invalid URL 'postgres://...': it must start with mysql://");
    CHECK_EQ_INT(sl_url_parse(&u, "mysql:/sec:PW@h/db/t", &e), -1);
    CHECK_EQ_STR(e.msg, "invalid URL 'mysql:/...': it must start with mysql://");
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://sec:12?PW@h:1/s/t", &e), -1);
    CHECK_EQ_STR(e.msg, "invalid URL 'mysql://...': unknown parameter after '?' (a '?', '&' or "
                        "'@' inside a user name or password must be percent-encoded: %3F, %26, "
                        "%40); known: socket, ssl-mode, ssl-ca, ssl-cert, ssl-key");
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://sec:12?ssl-mode=PW@h", &e), -1);
    CHECK(strstr(e.msg, "PW") == NULL);
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://a@b/c?sslmode=REQUIRED", &e), -1);
    CHECK_EQ_STR(e.msg, "invalid URL 'mysql://...': unknown parameter 'sslmode'; known: socket, "
                        "ssl-mode, ssl-ca, ssl-cert, ssl-key");
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://sec:%41PW@h:x/s", &e), -1);
    CHECK(strstr(e.msg, "PW") == NULL);
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://a@b/c/d/e", &e), -1);
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://a@b/c?sock=/x", &e), -1);
    CHECK_EQ_INT(sl_url_parse(&u, "mysql://a:%zz@b/c", &e), -1);
    CHECK(strstr(e.msg, "%zz") == NULL);

    CHECK_EQ_STR(sl_url_mask("mysql://a:secret@h/db", buf, sizeof buf), "mysql://a:***@h/db");
    CHECK_EQ_STR(sl_url_mask("mysql://a@h/db", buf, sizeof buf), "mysql://a@h/db");
    CHECK_EQ_STR(sl_url_mask("mysql://a:p@x@h/db", buf, sizeof buf), "mysql://a:***@h/db");
    CHECK_EQ_STR(sl_url_mask("mysql://a:p?w@h/db", buf, sizeof buf), "mysql://a:***@h/db");
    CHECK_EQ_STR(sl_url_mask("mysql://a:p/w@h/db", buf, sizeof buf), "mysql://a:***@h/db");
    CHECK_EQ_STR(sl_url_mask("mysql:/a:pw@h/db", buf, sizeof buf), "mysql:/a:***@h/db");
    CHECK_EQ_STR(sl_url_mask("orders.csv", buf, sizeof buf), "orders.csv");
}

static void test_ident(void)
{
    struct sl_buf b;
    sl_buf_init(&b, 1024);
    CHECK_EQ_INT(sl_ident_append(&b, "orders", 6), 0);
    CHECK_EQ_STR(sl_buf_cstr(&b), "`orders`");
    sl_buf_reset(&b);
    CHECK_EQ_INT(sl_ident_append(&b, "a`b``c", 6), 0);
    CHECK_EQ_STR(sl_buf_cstr(&b), "`a``b````c`");
    sl_buf_reset(&b);
    const char *evil = "x`; DROP TABLE t; --";
    CHECK_EQ_INT(sl_ident_append(&b, evil, strlen(evil)), 0);
    CHECK_EQ_STR(sl_buf_cstr(&b), "`x``; DROP TABLE t; --`");
    sl_buf_reset(&b);
    CHECK_EQ_INT(sl_ident_append_qualified(&b, "my db", "t`1"), 0);
    CHECK_EQ_STR(sl_buf_cstr(&b), "`my db`.`t``1`");
    sl_buf_reset(&b);
    CHECK_EQ_INT(sl_ident_append(&b, "", 0), -1);
    CHECK_EQ_INT(sl_ident_append(&b, "a\0b", 3), -1);
    /* a full buffer refuses instead of truncating */
    struct sl_buf small;
    sl_buf_init(&small, 4);
    CHECK_EQ_INT(sl_ident_append(&small, "abcd", 4), -1);
    CHECK_EQ_INT(small.len, 0);
    sl_buf_release(&small);
    sl_buf_release(&b);
}

static void test_utf8(void)
{
#define U(s) sl_utf8_check((const unsigned char *)(s), sizeof(s) - 1)
    CHECK_EQ_INT(U("plain ascii text that is long"), 29);
    CHECK_EQ_INT(U("K\xC3\xB6ln"), 5);              /* 2-byte */
    CHECK_EQ_INT(U("\xE6\x9D\xB1\xE4\xBA\xAC"), 6); /* 3-byte */
    CHECK_EQ_INT(U("\xF0\x9F\x98\x80!"), 5);        /* 4-byte emoji */
    CHECK_EQ_INT(U("ab\xFF"), 2);                   /* invalid byte */
    CHECK_EQ_INT(U("ab\xC3"), 2);                   /* truncated */
    CHECK_EQ_INT(U("\xC0\xAF"), 0);                 /* overlong '/' */
    CHECK_EQ_INT(U("\xE0\x80\xAF"), 0);             /* overlong 3-byte */
    CHECK_EQ_INT(U("\xED\xA0\x80"), 0);             /* surrogate */
    CHECK_EQ_INT(U("\xF4\x90\x80\x80"), 0);         /* above U+10FFFF */
    CHECK_EQ_INT(U("12345678\xF0\x9F\x98"), 8);     /* truncated after fast path */
    CHECK_EQ_INT(U("latin1 caf\xE9 bar"), 10);      /* latin-1, not UTF-8 */
#undef U
}

struct qctx {
    struct sl_queue *q;
    long sum;
};

static void *consumer(void *arg)
{
    struct qctx *c = arg;
    void *p;
    while ((p = sl_queue_pop(c->q)) != NULL)
        c->sum += (long)(intptr_t)p;
    return NULL;
}

static void test_queue(void)
{
    struct sl_queue q;
    CHECK_EQ_INT(sl_queue_init(&q, 3), 0);
    struct qctx c1 = {&q, 0}, c2 = {&q, 0};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, consumer, &c1);
    pthread_create(&t2, NULL, consumer, &c2);
    long want = 0;
    for (long i = 1; i <= 10000; i++) {
        CHECK_EQ_INT(sl_queue_push(&q, (void *)(intptr_t)i), 0);
        want += i;
    }
    sl_queue_close(&q);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CHECK_EQ_INT(c1.sum + c2.sum, want);
    CHECK_EQ_INT(sl_queue_push(&q, (void *)1), -1); /* closed */
    CHECK(sl_queue_pop(&q) == NULL);
    sl_queue_release(&q);

    /* close drains what is left before returning NULL */
    CHECK_EQ_INT(sl_queue_init(&q, 4), 0);
    sl_queue_push(&q, (void *)7);
    sl_queue_close(&q);
    CHECK((intptr_t)sl_queue_pop(&q) == 7);
    CHECK(sl_queue_pop(&q) == NULL);
    sl_queue_release(&q);
}

static void test_batch(void)
{
    struct sl_batch *b = sl_batch_new(2, 3, 16);
    CHECK(b != NULL);
    CHECK_EQ_INT(sl_batch_set_cell(b, 1, "world", 5), 0);
    CHECK_EQ_INT(sl_batch_set_cell(b, 0, "hello", 5), 0);
    sl_batch_end_row(b, 2, 10);
    sl_batch_set_null(b, 0);
    CHECK_EQ_INT(sl_batch_set_cell(b, 1, "", 0), 0);
    sl_batch_end_row(b, 3, 22);
    CHECK_EQ_INT(b->nrows, 2);
    const struct sl_cell *c = sl_batch_cell(b, 0, 0);
    CHECK(c->len == 5 && memcmp(sl_batch_cell_data(b, c), "hello", 5) == 0);
    c = sl_batch_cell(b, 0, 1);
    CHECK(c->len == 5 && memcmp(sl_batch_cell_data(b, c), "world", 5) == 0);
    CHECK(sl_batch_cell(b, 1, 0)->len == SL_CELL_NULL);
    CHECK(sl_batch_cell(b, 1, 1)->len == 0);
    CHECK_EQ_INT(b->pos[1].line, 3);
    /* the arena cap (16 bytes) refuses, and a dropped row gives its bytes back */
    CHECK_EQ_INT(sl_batch_set_cell(b, 0, "12345", 5), 0);
    CHECK_EQ_INT(sl_batch_set_cell(b, 1, "1234567", 7), -1);
    sl_batch_drop_row(b);
    CHECK_EQ_INT(b->arena.len, 10);
    CHECK(!sl_batch_is_full(b));
    sl_batch_reset(b);
    CHECK_EQ_INT(b->nrows, 0);
    CHECK_EQ_INT(b->arena.len, 0);
    sl_batch_free(b);
}

/* where a user's SQL text ends its first statement (issue 25: --where and
 * --query must be one statement) */
static void test_sql(void)
{
    CHECK_EQ_INT(sl_sql_second_statement("SELECT 1"), -1);
    CHECK_EQ_INT(sl_sql_second_statement("SELECT 1;"), -1);
    CHECK_EQ_INT(sl_sql_second_statement("SELECT 1 ; ;  -- done\n"), -1);
    CHECK_EQ_INT(sl_sql_second_statement("SELECT 1; /* c */ # x"), -1);
    CHECK_EQ_INT(sl_sql_second_statement("SELECT 1; INSERT INTO t VALUES (1)"), 8);
    CHECK_EQ_INT(sl_sql_second_statement("1) ; INSERT INTO v VALUES (1); SELECT (1"), 3);
    CHECK_EQ_INT(sl_sql_second_statement("note = ';' AND x = \"a;b\""), -1);
    CHECK_EQ_INT(sl_sql_second_statement("note = 'it''s; fine'"), -1);
    CHECK_EQ_INT(sl_sql_second_statement("note = 'a\\'; b' ; DROP TABLE t"), 16);
    CHECK_EQ_INT(sl_sql_second_statement("`a;b` = 1 /* ; */ -- ;\n AND c = 2"), -1);
    CHECK_EQ_INT(sl_sql_second_statement("x = 1 --; DROP TABLE t"), 8); /* "--" needs a space */
    CHECK_EQ_INT(sl_sql_second_statement("x = 1 -- ; DROP TABLE t"), -1);
    CHECK_EQ_INT(sl_sql_second_statement("x = 1--1; DROP TABLE t"), 8);
    CHECK_EQ_INT(sl_sql_second_statement("x = 'unclosed; DROP TABLE t"), -1);
    CHECK_EQ_INT(sl_sql_second_statement(""), -1);
}

/* Writes n bytes of pattern c into path, with byte at of it set to x. */
static void write_file(const char *path, size_t n, size_t at, char x)
{
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; f && i < n; i++)
        fputc(i == at ? x : (char)('a' + i % 26), f);
    if (f)
        fclose(f);
}

static void test_file_id(void)
{
    char dir[] = "/tmp/sl-test-file-id.XXXXXX", a[64], b[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    struct sl_file_id x, y;
    struct sl_err e;
    const size_t n = 3 * SL_FILE_ID_BLOCK;
    write_file(a, n, 0, 'a');
    CHECK_EQ_INT(sl_file_id_read(&x, a, &e), 0);
    CHECK_EQ_INT(x.size, (long long)n);
    CHECK(x.canon && strcmp(x.canon, a) == 0);
    /* a rename keeps everything but the path */
    CHECK_EQ_INT(rename(a, b), 0);
    CHECK_EQ_INT(sl_file_id_read(&y, b, &e), 0);
    CHECK(x.fingerprint == y.fingerprint && x.ino == y.ino && x.mtime_ns == y.mtime_ns);
    CHECK(strcmp(y.canon, b) == 0);
    sl_file_id_release(&y);
    /* the same name and size with another last byte, or first byte, is other contents */
    write_file(b, n, n - 1, '!');
    CHECK_EQ_INT(sl_file_id_read(&y, b, &e), 0);
    CHECK(x.fingerprint != y.fingerprint);
    sl_file_id_release(&y);
    write_file(b, n, 0, '!');
    CHECK_EQ_INT(sl_file_id_read(&y, b, &e), 0);
    CHECK(x.fingerprint != y.fingerprint);
    sl_file_id_release(&y);
    /* a byte changed between the blocks is not seen: the modification time is */
    write_file(b, n, n / 2, '!');
    CHECK_EQ_INT(sl_file_id_read(&y, b, &e), 0);
    CHECK(x.fingerprint == y.fingerprint);
    sl_file_id_release(&y);
    /* one byte longer is other contents */
    write_file(b, n + 1, 0, 'a');
    CHECK_EQ_INT(sl_file_id_read(&y, b, &e), 0);
    CHECK(x.fingerprint != y.fingerprint);
    sl_file_id_release(&y);
    /* small and empty files have identities; a directory and a missing file do not */
    write_file(b, 10, 0, 'a');
    CHECK_EQ_INT(sl_file_id_read(&y, b, &e), 0);
    CHECK_EQ_INT(y.size, 10);
    sl_file_id_release(&y);
    write_file(b, 0, 0, 'a');
    CHECK_EQ_INT(sl_file_id_read(&y, b, &e), 0);
    sl_file_id_release(&y);
    CHECK_EQ_INT(sl_file_id_read(&y, dir, &e), 1);
    CHECK(strstr(e.msg, "not a regular file") != NULL);
    CHECK_EQ_INT(sl_file_id_read(&y, a, &e), -1);
    CHECK(strstr(e.msg, "cannot stat: No such file") != NULL);
    sl_file_id_release(&x);
    unlink(b);
    rmdir(dir);
}

static void test_escape(void)
{
    char out[32];
    CHECK_EQ_INT((int)sl_escape_bytes("1\0"
                                      "2",
                                      3, out, sizeof out),
                 6);
    CHECK_EQ_STR(out, "1\\x002");
    sl_escape_bytes("a\tb\nc\rd\\e'f\x7fg\x01", 14, out, sizeof out);
    CHECK_EQ_STR(out, "a\\tb\\nc\\rd\\\\e\\'f\\x7fg\\x01");
    sl_escape_bytes("caf\xc3\xa9", 5, out, sizeof out); /* UTF-8 stays as it is */
    CHECK_EQ_STR(out, "caf\xc3\xa9");
    /* too long: cut at a whole escape, ending in ... */
    char small[10];
    sl_escape_bytes("abcd\0efgh", 9, small, sizeof small);
    CHECK_EQ_STR(small, "abcd...");
    sl_escape_bytes("", 0, small, sizeof small);
    CHECK_EQ_STR(small, "");
}

static void test_rate(void)
{
    double rows, bytes;
    CHECK(sl_rate_parse("5000", &rows, &bytes) == 0 && rows == 5000 && bytes == 0);
    CHECK(sl_rate_parse("2.5/s", &rows, &bytes) == 0 && rows == 2.5 && bytes == 0);
    CHECK(sl_rate_parse("10MB/s", &rows, &bytes) == 0 && rows == 0 && bytes == 1e7);
    CHECK(sl_rate_parse("500kB/s", &rows, &bytes) == 0 && bytes == 5e5);
    CHECK(sl_rate_parse("1GB/s", &rows, &bytes) == 0 && bytes == 1e9);
    CHECK(sl_rate_parse("0", &rows, &bytes) != 0);
    CHECK(sl_rate_parse("-5", &rows, &bytes) != 0);
    CHECK(sl_rate_parse("10XB/s", &rows, &bytes) != 0);
    CHECK(sl_rate_parse("", &rows, &bytes) != 0);
    CHECK(sl_rate_parse("nan", &rows, &bytes) != 0);
    CHECK(sl_rate_parse("inf", &rows, &bytes) != 0);
    /* 100 rows a second: a batch of 50 may go half a second in, the next
     * at one second, whatever thread reserves it */
    struct sl_rate r;
    sl_rate_init(&r, 100, 0);
    CHECK(!sl_rate_limited(&(struct sl_rate){0}) && sl_rate_limited(&r));
    double a = sl_rate_reserve(&r, 50, 0) - r.start, b = sl_rate_reserve(&r, 50, 0) - r.start;
    CHECK(a > 0.499 && a < 0.501 && b > 0.999 && b < 1.001);
    /* bytes and rows both limit: the later wins */
    sl_rate_init(&r, 0, 1000);
    CHECK(sl_rate_reserve(&r, 1000000, 2000) - r.start > 1.999);
}

/* Which shard keeps record offset x of file f, or -1 (none) / -2 (two). */
static int holder(const struct sl_span *keeps, unsigned count, size_t nfiles, size_t f, uint64_t x)
{
    int who = -1;
    for (unsigned k = 0; k < count; k++) {
        const struct sl_span *sp = &keeps[k * nfiles + f];
        if (x >= sp->start && x < sp->end)
            who = who == -1 ? (int)k : -2;
    }
    return who;
}

static void test_shard(void)
{
    struct sl_shard s;
    const char *why = NULL;
    CHECK(sl_shard_parse("2/4", &s, &why) == 0 && s.index == 2 && s.count == 4);
    CHECK(sl_shard_parse("0/1", &s, &why) == 0 && s.index == 0 && s.count == 1);
    CHECK(sl_shard_parse("0/0", &s, &why) != 0 && strstr(why, "from 1 to 10000"));
    CHECK(sl_shard_parse("5/4", &s, &why) != 0 && strstr(why, "below the number of shards"));
    CHECK(sl_shard_parse("4/4", &s, &why) != 0 && strstr(why, "below the number of shards"));
    CHECK(sl_shard_parse("-1/3", &s, &why) != 0 && strstr(why, "must be i/n"));
    CHECK(sl_shard_parse("1/3x", &s, &why) != 0 && sl_shard_parse("1", &s, &why) != 0);
    CHECK(sl_shard_parse("", &s, &why) != 0 && sl_shard_parse("/3", &s, &why) != 0);
    CHECK(sl_shard_parse("1/10001", &s, &why) != 0);
    char sfx[32];
    CHECK(strcmp(sl_shard_suffix(&(struct sl_shard){1, 4}, sfx, sizeof sfx), " shard 1/4") == 0);
    CHECK(strcmp(sl_shard_suffix(&(struct sl_shard){0, 0}, sfx, sizeof sfx), "") == 0);

    /* every byte of a splittable file, and every unsplittable file, is kept
     * by exactly one shard, for many layouts */
    unsigned seed = 7;
    for (int round = 0; round < 300; round++) {
        size_t nfiles = 1 + (size_t)(rand_r(&seed) % 5);
        unsigned count = 1 + (unsigned)(rand_r(&seed) % 7);
        long long sizes[5];
        int split[5];
        for (size_t f = 0; f < nfiles; f++) {
            sizes[f] = rand_r(&seed) % 4 == 0 ? 0 : rand_r(&seed) % 1000;
            split[f] = rand_r(&seed) % 3 != 0;
        }
        struct sl_span keeps[7 * 5];
        for (unsigned k = 0; k < count; k++)
            sl_shard_files(&(struct sl_shard){k, count}, sizes, split, nfiles, &keeps[k * nfiles]);
        int ok = 1;
        for (size_t f = 0; f < nfiles; f++) {
            if (!split[f] || sizes[f] == 0) {
                int n = 0;
                for (unsigned k = 0; k < count; k++)
                    n +=
                        keeps[k * nfiles + f].end == UINT64_MAX && keeps[k * nfiles + f].start == 0;
                ok &= n == 1;
                continue;
            }
            for (uint64_t x = 0; x < (uint64_t)sizes[f] + 10; x++)
                ok &= holder(keeps, count, nfiles, f, x) >= 0;
            ok &= holder(keeps, count, nfiles, f, UINT64_MAX - 1) >= 0;
        }
        CHECK(ok);
    }
    /* the shares are even: 4 shards of one 1000-byte file */
    long long one = 1000;
    int yes = 1;
    struct sl_span k2;
    sl_shard_files(&(struct sl_shard){2, 4}, &one, &yes, 1, &k2);
    CHECK(k2.start == 500 && k2.end == 750);
    sl_shard_files(&(struct sl_shard){3, 4}, &one, &yes, 1, &k2);
    CHECK(k2.start == 750 && k2.end == UINT64_MAX);
    /* unsharded: everything */
    sl_shard_files(&(struct sl_shard){0, 0}, &one, &yes, 1, &k2);
    CHECK(k2.start == 0 && k2.end == UINT64_MAX);

    /* key ranges: each kept by exactly one shard, in contiguous blocks */
    for (uint64_t n = 1; n < 40; n++)
        for (unsigned count = 1; count < 9; count++) {
            int ok = 1;
            for (uint64_t i = 0; i < n; i++) {
                int hits = 0;
                for (unsigned k = 0; k < count; k++)
                    hits += sl_shard_keeps_range(&(struct sl_shard){k, count}, i, n);
                ok &= hits == 1;
            }
            CHECK(ok);
        }
    CHECK(sl_shard_keeps_range(&(struct sl_shard){0, 0}, 5, 10));

    /* JOB_COMPLETION_INDEX */
    unsetenv("JOB_COMPLETION_INDEX");
    CHECK(sl_shard_from_env(4, &s, &why) == 0);
    setenv("JOB_COMPLETION_INDEX", "3", 1);
    CHECK(sl_shard_from_env(4, &s, &why) == 1 && s.index == 3 && s.count == 4);
    setenv("JOB_COMPLETION_INDEX", "4", 1);
    CHECK(sl_shard_from_env(4, &s, &why) == -1);
    setenv("JOB_COMPLETION_INDEX", "x", 1);
    CHECK(sl_shard_from_env(4, &s, &why) == -1);
    unsetenv("JOB_COMPLETION_INDEX");
}

int main(void)
{
    test_shard();
    test_rate();
    test_sql();
    test_escape();
    test_file_id();
    test_suggest();
    test_url();
    test_ident();
    test_utf8();
    test_queue();
    test_batch();
    return CHECK_DONE();
}
