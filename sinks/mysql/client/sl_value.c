#include "sl_value.h"

#include <stdio.h>
#include <string.h>

#include "sl_table.h"

/* A date kept as text (at most 26 bytes) is told from a MYSQL_TIME by size. */
_Static_assert(sizeof(MYSQL_TIME) > 26, "MYSQL_TIME must be longer than any date's text");

enum sl_value_kind sl_value_kind_of(const char *data_type, int is_unsigned)
{
    if (sl_type_is_integer(data_type))
        return is_unsigned ? SL_VALUE_UINT : SL_VALUE_INT;
    if (!strcmp(data_type, "date"))
        return SL_VALUE_DATE;
    if (!strcmp(data_type, "datetime") || !strcmp(data_type, "timestamp"))
        return SL_VALUE_DATETIME;
    return SL_VALUE_TEXT;
}

/* Reads n digits at s into *v. Returns 0, or -1 if one is not a digit. */
static int digits(const char *s, size_t n, unsigned *v)
{
    unsigned x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (unsigned)(s[i] - '0');
    }
    *v = x;
    return 0;
}

/* Reads an unsigned decimal of 1 to 20 digits that fits in 64 bits. */
static int parse_u64(const char *s, size_t n, uint64_t *v)
{
    if (n == 0 || n > 20)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    return 0;
}

static size_t parse_int(const char *s, size_t n, union sl_value *out)
{
    int neg = n > 0 && s[0] == '-';
    uint64_t m;
    if (parse_u64(s + neg, n - (size_t)neg, &m) != 0)
        return 0;
    if (neg ? m > (uint64_t)INT64_MAX + 1 : m > (uint64_t)INT64_MAX)
        return 0;
    out->i = neg ? (int64_t)(0 - m) : (int64_t)m;
    return sizeof out->i;
}

/* "YYYY-MM-DD" at s into t. */
static int parse_date(const char *s, MYSQL_TIME *t)
{
    unsigned y, mo, d;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    t->year = y;
    t->month = mo;
    t->day = d;
    return 0;
}

/* True for a date on the calendar, year 1 or later. */
static int real_date(const MYSQL_TIME *t)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1)
        return 0;
    unsigned y = t->year, last = mdays[t->month - 1];
    if (t->month == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        last = 29;
    return t->day <= last;
}

/* "YYYY-MM-DD HH:MM:SS[.f...]" at s (n bytes) into t. */
static int parse_datetime(const char *s, size_t n, MYSQL_TIME *t)
{
    unsigned h, mi, sec;
    if (n < 19 || n == 20 || n > 26 || parse_date(s, t) || s[10] != ' ' || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
        return -1;
    t->hour = h;
    t->minute = mi;
    t->second = sec;
    if (n > 19) {
        unsigned f;
        if (s[19] != '.' || digits(s + 20, n - 20, &f))
            return -1;
        for (size_t i = n - 20; i < 6; i++)
            f *= 10;
        t->second_part = f;
    }
    return 0;
}

size_t sl_value_parse(enum sl_value_kind kind, const char *text, size_t len, union sl_value *out)
{
    switch (kind) {
    case SL_VALUE_TEXT:
        return 0;
    case SL_VALUE_INT:
        return parse_int(text, len, out);
    case SL_VALUE_UINT:
        return parse_u64(text, len, &out->u) == 0 ? sizeof out->u : 0;
    case SL_VALUE_DATE:
        memset(&out->t, 0, sizeof out->t);
        if (len != 10 || parse_date(text, &out->t) != 0 || !real_date(&out->t))
            return 0;
        out->t.time_type = MYSQL_TIMESTAMP_DATE;
        return sizeof out->t;
    case SL_VALUE_DATETIME:
        memset(&out->t, 0, sizeof out->t);
        if (parse_datetime(text, len, &out->t) != 0 || !real_date(&out->t) || out->t.hour > 23 ||
            out->t.minute > 59 || out->t.second > 59)
            return 0;
        out->t.time_type = MYSQL_TIMESTAMP_DATETIME;
        return sizeof out->t;
    }
    return 0;
}

enum sl_value_kind sl_value_cell_kind(enum sl_value_kind kind, size_t len)
{
    if ((kind == SL_VALUE_DATE || kind == SL_VALUE_DATETIME) && len != sizeof(MYSQL_TIME))
        return SL_VALUE_TEXT;
    return kind;
}

void sl_value_bind(MYSQL_BIND *bd, enum sl_value_kind kind, const void *data, size_t len,
                   union sl_value *scratch, unsigned long *length)
{
    kind = sl_value_cell_kind(kind, len);
    bd->is_null = NULL;
    bd->is_unsigned = 0;
    switch (kind) {
    case SL_VALUE_TEXT:
        *length = (unsigned long)len;
        bd->buffer_type = MYSQL_TYPE_STRING;
        bd->buffer = (void *)data;
        bd->buffer_length = (unsigned long)len;
        bd->length = length;
        return;
    case SL_VALUE_INT:
    case SL_VALUE_UINT:
        memcpy(&scratch->i, data, sizeof scratch->i);
        bd->buffer_type = MYSQL_TYPE_LONGLONG;
        bd->is_unsigned = kind == SL_VALUE_UINT;
        bd->buffer = &scratch->i;
        break;
    case SL_VALUE_DATE:
    case SL_VALUE_DATETIME:
        memcpy(&scratch->t, data, sizeof scratch->t);
        bd->buffer_type = kind == SL_VALUE_DATE ? MYSQL_TYPE_DATE : MYSQL_TYPE_DATETIME;
        bd->buffer = &scratch->t;
        break;
    }
    bd->buffer_length = 0;
    bd->length = NULL;
}

size_t sl_value_format(enum sl_value_kind kind, const void *data, size_t len, char *out, size_t cap)
{
    union sl_value v;
    int n = 0;
    if (cap == 0)
        return 0;
    switch (sl_value_cell_kind(kind, len)) {
    case SL_VALUE_TEXT:
        n = snprintf(out, cap, "%.*s", len > (size_t)cap ? (int)cap : (int)len, (const char *)data);
        break;
    case SL_VALUE_INT:
        memcpy(&v.i, data, sizeof v.i);
        n = snprintf(out, cap, "%lld", (long long)v.i);
        break;
    case SL_VALUE_UINT:
        memcpy(&v.u, data, sizeof v.u);
        n = snprintf(out, cap, "%llu", (unsigned long long)v.u);
        break;
    case SL_VALUE_DATE:
    case SL_VALUE_DATETIME:
        memcpy(&v.t, data, sizeof v.t);
        kind = v.t.time_type == MYSQL_TIMESTAMP_DATE ? SL_VALUE_DATE : SL_VALUE_DATETIME;
        n = snprintf(out, cap, "%04u-%02u-%02u", v.t.year, v.t.month, v.t.day);
        if (kind == SL_VALUE_DATETIME && n > 0 && (size_t)n < cap)
            n += snprintf(out + n, cap - (size_t)n, " %02u:%02u:%02u", v.t.hour, v.t.minute,
                          v.t.second);
        if (kind == SL_VALUE_DATETIME && v.t.second_part && n > 0 && (size_t)n < cap)
            n += snprintf(out + n, cap - (size_t)n, ".%06lu", (unsigned long)v.t.second_part);
        break;
    }
    if (n < 0)
        n = 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}
