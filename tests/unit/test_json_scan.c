/* Unit tests of the JSON scanner: members as spans, numbers kept as their
 * bytes, string unescaping, faults with their byte; and JSONTestSuite
 * (../shared/testdata/JSONTestSuite/test_parsing, given as argv[1]): every
 * y_ file is accepted, every n_ file refused, no i_ file crashes.
 * Usage: test_json_scan [TEST_PARSING_DIR] */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sl_json_scan.h"

static CHECK_INIT();

static int scan(const char *text, struct sl_json_fault *f)
{
    enum sl_json_kind k;
    return sl_json_scan(text, strlen(text), &k, NULL, 0, NULL, f);
}

static void test_members(void)
{
    const char *doc = "{\"_id\":{\"$oid\":\"5f1d7a2b9c8e4a0012345678\"}, \"n\": 9007199254740993,"
                      " \"s\":\"a\\u00e9\\ud83d\\ude00\\n\", \"t\":true, \"x\":null, \"a\":[1,{}]}";
    struct sl_json_member m[8];
    size_t n;
    enum sl_json_kind k;
    struct sl_json_fault f;
    CHECK_EQ_INT(sl_json_scan(doc, strlen(doc), &k, m, 8, &n, &f), 0);
    CHECK_EQ_INT(k, SL_JSON_OBJECT);
    CHECK_EQ_INT(n, 6);
    CHECK(sl_json_key_is(&m[0], "_id") && m[0].kind == SL_JSON_OBJECT);
    /* a number keeps its digits: 2^53 + 1 would not survive a double */
    CHECK(sl_json_key_is(&m[1], "n") && m[1].kind == SL_JSON_NUMBER && m[1].val_len == 16 &&
          memcmp(m[1].val, "9007199254740993", 16) == 0);
    struct sl_buf b;
    sl_buf_init(&b, 1024);
    CHECK_EQ_INT(sl_json_unescape(m[2].val, m[2].val_len, &b), 0);
    CHECK(b.len == 8 && memcmp(b.data, "a\xC3\xA9\xF0\x9F\x98\x80\n", 8) == 0);
    sl_buf_release(&b);
    CHECK_EQ_INT(m[3].kind, SL_JSON_TRUE);
    CHECK_EQ_INT(m[4].kind, SL_JSON_NULL);
    CHECK(m[5].kind == SL_JSON_ARRAY && m[5].val_len == 6);
    /* only max members are kept, all are checked */
    CHECK_EQ_INT(sl_json_scan(doc, strlen(doc), &k, m, 2, &n, &f), 0);
    CHECK_EQ_INT(n, 2);
}

static void test_faults(void)
{
    struct sl_json_fault f;
    CHECK_EQ_INT(scan("{\"a\":1,}", &f), -1);
    CHECK_EQ_INT(f.offset, 7);
    CHECK_EQ_STR(f.why, "an object key that is not a string");
    CHECK_EQ_INT(scan("{\"a\":01}", &f), -1);
    CHECK_EQ_STR(f.why, "an object not closed by '}' (or a missing ',')"); /* no leading zeros */
    CHECK_EQ_INT(scan("[1] x", &f), -1);
    CHECK_EQ_INT(f.offset, 4);
    CHECK_EQ_INT(scan("\"\\ud800\"", &f), -1);
    CHECK_EQ_STR(f.why, "a high surrogate not followed by a low one in a string");
    CHECK_EQ_INT(scan("\"a\tb\"", &f), -1);
    CHECK_EQ_STR(f.why, "a control character inside a string (it must be escaped)");
    CHECK_EQ_INT(scan("{\"a\":\"\xC3\"}", &f), -1);
    CHECK_EQ_STR(f.why, "not valid UTF-8");
    CHECK_EQ_INT(scan("", &f), -1);
    CHECK_EQ_STR(f.why, "a value was expected");
    char *deep = malloc(100001);
    memset(deep, '[', 100000);
    deep[100000] = '\0';
    CHECK_EQ_INT(scan(deep, &f), -1);
    CHECK_EQ_STR(f.why, "nested more than 512 deep");
    free(deep);
}

static void test_suite(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("no JSONTestSuite at %s: the corpus part is skipped\n", dir);
        return;
    }
    struct dirent *e;
    int y = 0, n = 0, i = 0;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (name[0] != 'y' && name[0] != 'n' && name[0] != 'i')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        char *buf = malloc(1 << 20);
        size_t len = fread(buf, 1, 1 << 20, fp);
        fclose(fp);
        enum sl_json_kind k;
        struct sl_json_fault f;
        int rc = sl_json_scan(buf, len, &k, NULL, 0, NULL, &f);
        if (name[0] == 'y') {
            y++;
            if (rc != 0)
                fprintf(stderr, "refused %s: byte %zu: %s\n", name, f.offset, f.why);
            CHECK_EQ_INT(rc, 0);
        } else if (name[0] == 'n') {
            n++;
            if (rc == 0)
                fprintf(stderr, "accepted %s\n", name);
            CHECK_EQ_INT(rc, -1);
        } else {
            i++;
            CHECK(rc == 0 || rc == -1);
        }
        free(buf);
    }
    closedir(d);
    printf("JSONTestSuite: %d y_ accepted, %d n_ refused, %d i_ read without a crash\n", y, n, i);
    CHECK(y > 0 && n > 0);
}

int main(int argc, char **argv)
{
    test_members();
    test_faults();
    if (argc > 1)
        test_suite(argv[1]);
    return CHECK_DONE();
}
