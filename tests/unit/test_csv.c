/* Unit tests of the CSV reader: RFC 4180 quoting, line endings, NULL versus
 * empty, BOM, line numbers and offsets, zstd input, and malformed input. */
#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

#include "check.h"
#include "sl_csv.h"

static CHECK_INIT();

static char tmpdir[] = "/tmp/sluice-test-csv-XXXXXX";

static const char *write_file(const char *name, const void *data, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    return path;
}

static struct sl_csv *open_csv(const char *path, const char *null_marker, uint64_t skip)
{
    struct sl_input *in;
    struct sl_csv *r;
    struct sl_err e;
    struct sl_csv_dialect d = {
        .delim = ",", .quote = '"', .null_marker = null_marker, .skip_lines = skip};
    if (sl_input_open(&in, path, &e) != 0)
        return NULL;
    if (sl_csv_open(&r, in, &d, 1 << 20, &e) != 0)
        return NULL;
    return r;
}

/* Renders every record as "f1|f2|..." lines, NULL as <N>, for comparison. */
static char *render(const char *text, size_t len, const char *null_marker, char *errbuf)
{
    const char *path = write_file("in.csv", text, len);
    struct sl_csv *r = open_csv(path, null_marker, 0);
    static char out[4096];
    size_t o = 0;
    struct sl_csv_record rec;
    struct sl_err e;
    int rc;
    out[0] = '\0';
    errbuf[0] = '\0';
    while ((rc = sl_csv_next(r, NULL, &rec, &e)) == 1) {
        for (size_t i = 0; i < rec.nfields; i++) {
            const struct sl_csv_field *f = &rec.fields[i];
            o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s%s", i ? "|" : "",
                                  f->is_null ? 0 : (int)f->len, f->is_null ? "" : f->data,
                                  f->is_null ? "<N>" : "");
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "\n");
    }
    if (rc < 0)
        snprintf(errbuf, 512, "%s", e.msg);
    sl_csv_close(r);
    return out;
}

#define R(s)     render(s, sizeof(s) - 1, "\\N", err)
#define RN(s, m) render(s, sizeof(s) - 1, m, err)

static void test_rfc4180(void)
{
    char err[512];
    CHECK_EQ_STR(R("a,b,c\n1,2,3\n"), "a|b|c\n1|2|3\n");
    CHECK_EQ_STR(R("a,b\r\n1,2\r\n"), "a|b\n1|2\n");                 /* CRLF */
    CHECK_EQ_STR(R("a,b\n1,2"), "a|b\n1|2\n");                       /* no final newline */
    CHECK_EQ_STR(R("a,b\r1,2\r"), "a|b\n1|2\n");                     /* bare CR */
    CHECK_EQ_STR(R("\"x,y\",\"q\"\"q\"\n"), "x,y|q\"q\n");           /* delimiter, doubled quote */
    CHECK_EQ_STR(R("\"l1\nl2\",\"c\r\nd\"\n"), "l1\nl2|c\r\nd\n");   /* newlines inside quotes */
    CHECK_EQ_STR(R("a,b\n\n\n1,2\n"), "a|b\n1|2\n");                 /* blank lines skipped */
    CHECK_EQ_STR(R("  a , b \n"), "  a | b \n");                     /* spaces kept */
    CHECK_EQ_STR(R("\xEF\xBB\xBFid,n\n1,x\n"), "id|n\n1|x\n");       /* BOM skipped */
    CHECK_EQ_STR(R("e,\xF0\x9F\x98\x80\n"), "e|\xF0\x9F\x98\x80\n"); /* 4-byte UTF-8 */
    CHECK_EQ_STR(R(""), "");                                         /* empty file */
    CHECK_EQ_STR(R("a,b,c\n"), "a|b|c\n");                           /* header only */
    CHECK_EQ_STR(err, "");
}

static void test_null_and_empty(void)
{
    char err[512];
    /* default marker \N: empty unquoted and "" are both the empty string */
    CHECK_EQ_STR(R("1,,\"\",\\N,\"\\N\",N\n"), "1|||<N>|\\N|N\n");
    /* marker "": the unquoted empty field is NULL, "" stays empty */
    CHECK_EQ_STR(RN("1,,\"\",\\N\n", ""), "1|<N>||\\N\n");
    /* a custom marker, quoted or not */
    CHECK_EQ_STR(RN("NULL,\"NULL\",xNULL\n", "NULL"), "<N>|NULL|xNULL\n");
    /* the marker's quotedness is found per field, with delimiters in quotes */
    CHECK_EQ_STR(R("\"a,\\N\",\\N,\"\\N\"\n"), "a,\\N|<N>|\\N\n");
    CHECK_EQ_STR(err, "");
}

static void test_positions(void)
{
    const char text[] = "h1,h2\n1,\"two\nlines\"\n\n3,x\r\n4,y";
    const char *path = write_file("pos.csv", text, sizeof text - 1);
    struct sl_csv *r = open_csv(path, "\\N", 0);
    struct sl_csv_record rec;
    struct sl_err e;
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 1);
    CHECK_EQ_INT(rec.line, 1);
    CHECK_EQ_INT(rec.offset, 0);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 1);
    CHECK_EQ_INT(rec.line, 2);
    CHECK_EQ_INT(rec.offset, 6);
    CHECK(rec.raw_len == 14 && memcmp(rec.raw, "1,\"two\nlines\"\n", 14) == 0);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 1);
    CHECK_EQ_INT(rec.line, 5); /* after a two-line record and a blank line */
    CHECK_EQ_INT(rec.offset, 21);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 1);
    CHECK_EQ_INT(rec.line, 6);
    CHECK(rec.raw_len == 3 && memcmp(rec.raw, "4,y", 3) == 0);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 0);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 0);
    sl_csv_close(r);

    /* --skip-lines counts physical lines, before the header */
    const char pre[] = "# exported 2026-11-20\n# by cron\nid,v\n1,a\n";
    path = write_file("skip.csv", pre, sizeof pre - 1);
    r = open_csv(path, "\\N", 2);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 1);
    CHECK_EQ_INT(rec.line, 3);
    CHECK(rec.nfields == 2 && memcmp(rec.fields[0].data, "id", 2) == 0);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 1);
    CHECK_EQ_INT(rec.line, 4);
    sl_csv_close(r);
}

static void test_malformed(void)
{
    char err[512];
    /* lenient quoting: a quote inside an unquoted field is literal */
    CHECK_EQ_STR(R("a,b\n1,x\"y\n2,5'11\"\n"), "a|b\n1|x\"y\n2|5'11\"\n");
    CHECK_EQ_STR(err, "");
    /* text after a closing quote would swallow what follows: an error */
    R("a,b\n1,\"x\"y,2\n3,\"z\",4\n");
    CHECK_EQ_STR(err, "line 2, field 2: text after a closing quote (a quote inside a quoted "
                      "field must be doubled)");
    /* a quote left open swallows the rest of the input: an error */
    R("a,b\n1,2\n3,\"open\nnever closed\n");
    CHECK_EQ_STR(err, "line 3, field 2: quoted field not closed before the end of the input");
    R("a,b\n\"");
    CHECK_EQ_STR(err, "line 2, field 1: quoted field not closed before the end of the input");

    /* a record longer than the cap fails instead of growing without bound */
    size_t big = (1 << 20) + 100;
    char *text = malloc(big);
    memset(text, 'z', big);
    text[big - 1] = '\n';
    const char *path = write_file("big.csv", text, big);
    free(text);
    struct sl_csv *r = open_csv(path, "\\N", 0);
    struct sl_csv_record rec;
    struct sl_err e;
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), -1);
    CHECK_EQ_STR(e.msg, "line 1: record longer than 1048576 bytes");
    sl_csv_close(r);
}

/* Every record, line, offset, raw text and error of text read step bytes a
 * time, one per line, for comparing one reading with another. */
static char *trace(const char *text, size_t len, size_t step, char *out, size_t cap)
{
    struct sl_input *in;
    struct sl_csv *r;
    struct sl_err e;
    struct sl_csv_dialect d = {.delim = ",", .quote = '"', .null_marker = "\\N"};
    size_t o = 0;
    out[0] = '\0';
    if (sl_input_open_mem(&in, "mem", text, len, step, &e) != 0 ||
        sl_csv_open(&r, in, &d, 4096, &e) != 0)
        return out;
    struct sl_csv_record rec;
    int rc;
    while ((rc = sl_csv_next(r, NULL, &rec, &e)) != 0 && o < cap) {
        if (rc < 0 && e.kind != SL_ERR_ROW)
            break;
        o += (size_t)snprintf(out + o, cap - o, "%s %llu@%llu [%.*s]", rc < 0 ? e.msg : "ok",
                              (unsigned long long)rec.line, (unsigned long long)rec.offset,
                              (int)rec.raw_len, rec.raw);
        for (size_t i = 0; rc > 0 && i < rec.nfields; i++)
            o += (size_t)snprintf(out + o, cap - o, " <%.*s>", (int)rec.fields[i].len,
                                  rec.fields[i].is_null ? "" : rec.fields[i].data);
        o += (size_t)snprintf(out + o, cap - o, "\n");
    }
    sl_csv_close(r);
    return out;
}

/* How the bytes arrive never changes what is read: a malformed record whose
 * line goes on past a read is skipped to its line's end (not read as a
 * record of its own), and a BOM split across reads is still a BOM. */
static void test_read_sizes(void)
{
    static const char text[] = "\xEF\xBB\xBF"
                               "a,b\n1,\"x\"y,zz,w\r\n2,\"multi\nline\"\n3,4";
    char whole[2048], small[2048];
    trace(text, sizeof text - 1, 1 << 20, whole, sizeof whole);
    CHECK_EQ_STR(whole, "ok 1@3 [a,b\n] <a> <b>\n"
                        "line 2, field 2: text after a closing quote (a quote inside a quoted "
                        "field must be doubled) 2@7 [1,\"x\"y,zz,w\r\n]\n"
                        "ok 3@20 [2,\"multi\nline\"\n] <2> <multi\nline>\n"
                        "ok 5@35 [3,4] <3> <4>\n");
    for (size_t step = 1; step <= 40; step++)
        CHECK_EQ_STR(trace(text, sizeof text - 1, step, small, sizeof small), whole);
}

static void test_zstd(void)
{
    const char text[] = "id,name\n1,\"a,b\"\n2,\xC3\xA9t\xC3\xA9\n";
    size_t cap = ZSTD_compressBound(sizeof text);
    char *z = malloc(cap * 2);
    size_t n = ZSTD_compress(z, cap, text, sizeof text - 1, 3);
    /* two concatenated frames read as one stream */
    size_t n2 = ZSTD_compress(z + n, cap, "3,x\n", 4, 3);
    const char *path = write_file("in.csv.zst", z, n + n2);
    struct sl_csv *r = open_csv(path, "\\N", 0);
    struct sl_csv_record rec;
    struct sl_err e;
    int count = 0;
    while (sl_csv_next(r, NULL, &rec, &e) == 1)
        count++;
    CHECK_EQ_INT(count, 4);
    CHECK(rec.nfields == 2 && rec.fields[1].len == 1 && rec.fields[1].data[0] == 'x');
    CHECK(sl_input_is_zstd(sl_csv_input(r)));
    sl_csv_close(r);

    /* a truncated stream is an error, not a short file */
    path = write_file("trunc.csv.zst", z, n - 3);
    r = open_csv(path, "\\N", 0);
    int rc;
    while ((rc = sl_csv_next(r, NULL, &rec, &e)) == 1)
        ;
    CHECK_EQ_INT(rc, -1);
    CHECK(strstr(e.msg, "truncated zstd stream") != NULL);
    sl_csv_close(r);

    /* a plain file named .zst is read as plain text (content decides) */
    path = write_file("plain.zst", "a\n1\n", 4);
    r = open_csv(path, "\\N", 0);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), 1);
    CHECK(!sl_input_is_zstd(sl_csv_input(r)));
    sl_csv_close(r);
    free(z);

    /* gzip is refused with advice */
    path = write_file("x.gz", "\x1f\x8b\x08\x00", 4);
    r = open_csv(path, "\\N", 0);
    CHECK_EQ_INT(sl_csv_next(r, NULL, &rec, &e), -1);
    CHECK(strstr(e.msg, "gzip input is not supported") != NULL);
    sl_csv_close(r);
}

static void test_open_errors(void)
{
    struct sl_input *in;
    struct sl_err e;
    CHECK_EQ_INT(sl_input_open(&in, "/nonexistent/x.csv", &e), -1);
    CHECK_EQ_STR(e.msg, "/nonexistent/x.csv: cannot open: No such file or directory");
    CHECK_EQ_INT(sl_input_open(&in, tmpdir, &e), -1);
    CHECK(strstr(e.msg, "is a directory") != NULL);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    test_rfc4180();
    test_null_and_empty();
    test_positions();
    test_malformed();
    test_read_sizes();
    test_zstd();
    test_open_errors();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        return 1;
    return CHECK_DONE();
}
