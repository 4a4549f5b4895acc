/*
 * Unit tests of sl_value: which columns travel in binary, parsing the
 * server's printed integers and dates (and refusing anything else), dates
 * off the calendar kept as text, binding, and formatting back for messages.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "sl_value.h"

static CHECK_INIT();

static size_t parse(enum sl_value_kind k, const char *s, union sl_value *v)
{
    return sl_value_parse(k, s, strlen(s), v);
}

static void test_kind_of(void)
{
    CHECK_EQ_INT(sl_value_kind_of("tinyint", 0), SL_VALUE_INT);
    CHECK_EQ_INT(sl_value_kind_of("bigint", 1), SL_VALUE_UINT);
    CHECK_EQ_INT(sl_value_kind_of("date", 0), SL_VALUE_DATE);
    CHECK_EQ_INT(sl_value_kind_of("datetime", 0), SL_VALUE_DATETIME);
    CHECK_EQ_INT(sl_value_kind_of("timestamp", 0), SL_VALUE_DATETIME);
    /* text for everything whose binary form could change it */
    CHECK_EQ_INT(sl_value_kind_of("year", 0), SL_VALUE_TEXT);
    CHECK_EQ_INT(sl_value_kind_of("time", 0), SL_VALUE_TEXT);
    CHECK_EQ_INT(sl_value_kind_of("bit", 0), SL_VALUE_TEXT);
    CHECK_EQ_INT(sl_value_kind_of("decimal", 0), SL_VALUE_TEXT);
    CHECK_EQ_INT(sl_value_kind_of("double", 0), SL_VALUE_TEXT);
    CHECK_EQ_INT(sl_value_kind_of("varchar", 0), SL_VALUE_TEXT);
}

static void test_ints(void)
{
    union sl_value v;
    CHECK_EQ_INT(parse(SL_VALUE_INT, "-9223372036854775808", &v), 8);
    CHECK(v.i == INT64_MIN);
    CHECK_EQ_INT(parse(SL_VALUE_INT, "9223372036854775807", &v), 8);
    CHECK(v.i == INT64_MAX);
    CHECK_EQ_INT(parse(SL_VALUE_INT, "00042", &v), 8); /* ZEROFILL */
    CHECK(v.i == 42);
    CHECK_EQ_INT(parse(SL_VALUE_INT, "9223372036854775808", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_INT, "-", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_INT, "", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_INT, "+1", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_INT, "1.0", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_UINT, "18446744073709551615", &v), 8);
    CHECK(v.u == UINT64_MAX);
    CHECK_EQ_INT(parse(SL_VALUE_UINT, "18446744073709551616", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_UINT, "-1", &v), 0);
}

static void test_dates(void)
{
    union sl_value v;
    CHECK_EQ_INT(parse(SL_VALUE_DATE, "2024-02-29", &v), sizeof(MYSQL_TIME));
    CHECK(v.t.year == 2024 && v.t.month == 2 && v.t.day == 29);
    CHECK(v.t.time_type == MYSQL_TIMESTAMP_DATE);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "9999-12-31 23:59:59.999999", &v), sizeof(MYSQL_TIME));
    CHECK(v.t.hour == 23 && v.t.minute == 59 && v.t.second == 59 && v.t.second_part == 999999);
    CHECK(v.t.time_type == MYSQL_TIMESTAMP_DATETIME);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "2026-01-01 00:00:00.12", &v), sizeof(MYSQL_TIME));
    CHECK(v.t.second_part == 120000);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "1000-01-01 00:00:00", &v), sizeof(MYSQL_TIME));
    CHECK(v.t.second_part == 0);
    /* off the calendar, or not as a server prints it: stays text */
    CHECK_EQ_INT(parse(SL_VALUE_DATE, "0000-00-00", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATE, "2023-02-29", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATE, "1900-02-29", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATE, "2024-01-00", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATE, "2024-13-01", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "0000-00-00 00:00:00", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "2024-04-31 10:00:00", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "2024-01-01 24:00:00", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "2024-01-01 10:00:00.", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "2024-01-01 10:00:00.1234567", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "2024-01-01T10:00:00", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_DATE, "2024-01-01 ", &v), 0);
    CHECK_EQ_INT(parse(SL_VALUE_TEXT, "1", &v), 0);
}

static void test_bind_and_format(void)
{
    union sl_value v, scratch;
    unsigned long len = 0;
    MYSQL_BIND bd;
    char out[64];
    memset(&bd, 0, sizeof bd);

    CHECK_EQ_INT(parse(SL_VALUE_UINT, "18446744073709551615", &v), 8);
    sl_value_bind(&bd, SL_VALUE_UINT, &v, 8, &scratch, &len);
    CHECK(bd.buffer_type == MYSQL_TYPE_LONGLONG && bd.is_unsigned && bd.buffer == &scratch);
    CHECK(scratch.u == UINT64_MAX && bd.length == NULL);
    sl_value_format(SL_VALUE_UINT, &v, 8, out, sizeof out);
    CHECK_EQ_STR(out, "18446744073709551615");

    CHECK_EQ_INT(parse(SL_VALUE_INT, "-7", &v), 8);
    sl_value_bind(&bd, SL_VALUE_INT, &v, 8, &scratch, &len);
    CHECK(bd.buffer_type == MYSQL_TYPE_LONGLONG && !bd.is_unsigned && scratch.i == -7);
    sl_value_format(SL_VALUE_INT, &v, 8, out, sizeof out);
    CHECK_EQ_STR(out, "-7");

    CHECK_EQ_INT(parse(SL_VALUE_DATETIME, "2026-11-22 01:02:03.000004", &v), sizeof(MYSQL_TIME));
    sl_value_bind(&bd, SL_VALUE_DATETIME, &v, sizeof(MYSQL_TIME), &scratch, &len);
    CHECK(bd.buffer_type == MYSQL_TYPE_DATETIME && bd.buffer == &scratch);
    CHECK(scratch.t.day == 22 && scratch.t.second_part == 4);
    sl_value_format(SL_VALUE_DATETIME, &v, sizeof(MYSQL_TIME), out, sizeof out);
    CHECK_EQ_STR(out, "2026-11-22 01:02:03.000004");

    CHECK_EQ_INT(parse(SL_VALUE_DATE, "2026-11-22", &v), sizeof(MYSQL_TIME));
    sl_value_bind(&bd, SL_VALUE_DATE, &v, sizeof(MYSQL_TIME), &scratch, &len);
    CHECK(bd.buffer_type == MYSQL_TYPE_DATE);
    sl_value_format(SL_VALUE_DATE, &v, sizeof(MYSQL_TIME), out, sizeof out);
    CHECK_EQ_STR(out, "2026-11-22");

    /* a date kept as text is bound and printed as text */
    const char *zero = "0000-00-00 00:00:00";
    sl_value_bind(&bd, SL_VALUE_DATETIME, zero, strlen(zero), &scratch, &len);
    CHECK(bd.buffer_type == MYSQL_TYPE_STRING && bd.buffer == zero && len == strlen(zero));
    CHECK(bd.length == &len && !bd.is_unsigned);
    sl_value_format(SL_VALUE_DATETIME, zero, strlen(zero), out, sizeof out);
    CHECK_EQ_STR(out, zero);

    /* shortened to the room given */
    sl_value_format(SL_VALUE_TEXT, "abcdef", 6, out, 4);
    CHECK_EQ_STR(out, "abc");
}

int main(void)
{
    test_kind_of();
    test_ints();
    test_dates();
    test_bind_and_format();
    return CHECK_DONE();
}
