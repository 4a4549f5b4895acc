/*
 * Unit tests of the extract side's pure parts: hex encoding, CSV field
 * formatting, key-range splitting and the exact FLOAT text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sl_buf.h"
#include "sl_colcheck.h"
#include "sl_csv_fmt.h"
#include "sl_hex.h"
#include "sl_key_ranges.h"
#include "sl_select.h"

static CHECK_INIT();

static void test_hex(void)
{
    const unsigned char in[] = {0x00, 0x2C, 0x22, 0x0A, 0xFF};
    char out[16];
    sl_hex_encode(out, in, sizeof in);
    CHECK(memcmp(out, "002C220AFF", 10) == 0);

    unsigned char back[8];
    size_t bad = 99;
    CHECK_EQ_INT(sl_hex_decode(back, "002c220AfF", 10, &bad), 5);
    CHECK(memcmp(back, in, 5) == 0);
    CHECK_EQ_INT(sl_hex_decode(back, "", 0, &bad), 0);
    CHECK_EQ_INT(sl_hex_decode(back, "0G", 2, &bad), -1);
    CHECK_EQ_INT(bad, 1);
    CHECK_EQ_INT(sl_hex_decode(back, "ABC", 3, &bad), -1);
    CHECK_EQ_INT(bad, 3);

    char inplace[] = "41424344";
    CHECK_EQ_INT(sl_hex_decode((unsigned char *)inplace, inplace, 8, &bad), 4);
    CHECK(memcmp(inplace, "ABCD", 4) == 0);
}

static const char *fmt(struct sl_buf *b, const char *v, size_t n)
{
    sl_buf_reset(b);
    if (!v)
        sl_csv_fmt_null(b);
    else
        sl_csv_fmt_field(b, v, n);
    return sl_buf_cstr(b);
}

static void test_csv_fmt(void)
{
    struct sl_buf b;
    sl_buf_init(&b, 1024);
    CHECK_EQ_STR(fmt(&b, "plain", 5), "plain");
    CHECK_EQ_STR(fmt(&b, "", 0), "\"\"");
    CHECK_EQ_STR(fmt(&b, NULL, 0), "\\N");
    CHECK_EQ_STR(fmt(&b, "\\N", 2), "\"\\N\"");
    CHECK_EQ_STR(fmt(&b, "a,b", 3), "\"a,b\"");
    CHECK_EQ_STR(fmt(&b, "say \"hi\"", 8), "\"say \"\"hi\"\"\"");
    CHECK_EQ_STR(fmt(&b, "two\nlines", 9), "\"two\nlines\"");
    CHECK_EQ_STR(fmt(&b, "cr\r", 3), "\"cr\r\"");
    CHECK_EQ_STR(fmt(&b, " spaces ", 8), " spaces ");

    sl_buf_reset(&b);
    sl_csv_fmt_hex_field(&b, (const unsigned char *)"", 0);
    CHECK_EQ_STR(sl_buf_cstr(&b), "\"\"");
    sl_buf_reset(&b);
    sl_csv_fmt_hex_field(&b, (const unsigned char *)"\0,", 2);
    CHECK_EQ_STR(sl_buf_cstr(&b), "002C");

    struct sl_buf small;
    sl_buf_init(&small, 4);
    CHECK_EQ_INT(sl_csv_fmt_field(&small, "toolong", 7), -1);
    sl_buf_release(&small);
    sl_buf_release(&b);
}

/* Checks that the n ranges of [min, max] tile the span exactly. */
static void check_tiling(int is_signed, const char *min, const char *max, uint64_t want,
                         uint64_t expect_n)
{
    struct sl_key_ranges r;
    struct sl_err e;
    CHECK_EQ_INT(sl_key_ranges_init(&r, is_signed, min, max, want, &e), 0);
    CHECK_EQ_INT(r.n, expect_n);
    char lo[24], hi[24], prev_hi[24] = "";
    for (uint64_t i = 0; i < r.n; i++) {
        sl_key_ranges_get(&r, i, lo, hi);
        if (i == 0)
            CHECK_EQ_STR(lo, min);
        else if (is_signed)
            CHECK_EQ_INT(strtoll(lo, NULL, 10), strtoll(prev_hi, NULL, 10) + 1);
        else
            CHECK(strtoull(lo, NULL, 10) == strtoull(prev_hi, NULL, 10) + 1);
        strcpy(prev_hi, hi);
    }
    CHECK_EQ_STR(prev_hi, max);
}

static void test_key_ranges(void)
{
    check_tiling(1, "1", "1000000", 10, 10);
    check_tiling(1, "-5", "5", 4, 4);
    check_tiling(1, "7", "9", 10, 3); /* never more ranges than keys */
    check_tiling(1, "42", "42", 4, 1);
    check_tiling(1, "-9223372036854775808", "9223372036854775807", 7, 7);
    check_tiling(0, "0", "18446744073709551615", 5, 5);
    check_tiling(0, "18446744073709551610", "18446744073709551615", 100, 6);

    struct sl_key_ranges r;
    struct sl_err e;
    char lo[24], hi[24];
    CHECK_EQ_INT(sl_key_ranges_init(&r, 1, "1", "100", 4, &e), 0);
    sl_key_ranges_get(&r, 1, lo, hi);
    CHECK_EQ_STR(lo, "26");
    CHECK_EQ_STR(hi, "50");
    CHECK_EQ_INT(sl_key_ranges_init(&r, 0, "-1", "5", 2, &e), -1);
    CHECK_EQ_INT(sl_key_ranges_init(&r, 1, "9", "5", 2, &e), -1);
    CHECK_EQ_INT(sl_key_ranges_init(&r, 1, "x", "5", 2, &e), -1);
}

static const char *ftext(const char *in, char *out)
{
    int n = sl_select_float_text(in, strlen(in), out);
    return n < 0 ? "error" : out;
}

static void test_float_text(void)
{
    char out[32];
    CHECK_EQ_STR(ftext("0.10000000149011612", out), "0.1");
    CHECK_EQ_STR(ftext("0.1428571492433548", out), "0.14285715");
    CHECK_EQ_STR(ftext("3.4028234663852886e38", out), "3.4028235e+38");
    CHECK_EQ_STR(ftext("-1.1754943508222875e-38", out), "-1.1754944e-38");
    CHECK_EQ_STR(ftext("0", out), "0");
    CHECK_EQ_STR(ftext("1234567", out), "1234567");
    CHECK_EQ_STR(ftext("abc", out), "error");
}

static void test_binary_check(void)
{
    struct sl_column c = {
        .name = "b", .data_type = "varbinary", .column_type = "varbinary(3)", .max_chars = 3};
    char why[160];
    struct sl_colcheck ck = sl_colcheck_for(&c, 1);
    CHECK_EQ_INT(ck.kind, SL_CHECK_HEX);
    CHECK_EQ_INT(sl_colcheck_value(&ck, "00ff2C", 6, why, sizeof why), 0);
    CHECK_EQ_INT(sl_colcheck_value(&ck, "00ff2C00", 8, why, sizeof why), -1);
    CHECK_EQ_STR(why, "value of 4 bytes is too long for varbinary(3)");
    CHECK_EQ_INT(sl_colcheck_value(&ck, "0x12", 4, why, sizeof why), -1);
    CHECK_EQ_STR(why, "not hex digits at character 2 (varbinary(3) takes hex; see --binary)");
    CHECK_EQ_INT(sl_colcheck_value(&ck, "123", 3, why, sizeof why), -1);
    CHECK_EQ_STR(why, "an odd number of hex digits (3) for varbinary(3)");

    struct sl_column bit = {.name = "f", .data_type = "bit", .column_type = "bit(12)"};
    ck = sl_colcheck_for(&bit, 1);
    CHECK_EQ_INT(ck.limit, 2);
    ck = sl_colcheck_for(&c, 0);
    CHECK_EQ_INT(ck.kind, SL_CHECK_NONE);
    CHECK_EQ_INT(ck.raw_bytes, 1);
}

int main(void)
{
    test_binary_check();
    test_hex();
    test_csv_fmt();
    test_key_ranges();
    test_float_text();
    return CHECK_DONE();
}
