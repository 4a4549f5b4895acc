#include "sl_sniff_types.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Date formats, by bit: the strptime form and how its three numbers are
 * ordered (y, m, d positions) and separated. */
static const struct {
    const char *fmt;
    char sep;
    int y, m, d; /* which group (0, 1, 2) holds each part */
} dates[] = {
    {"%Y-%m-%d", '-', 0, 1, 2}, {"%Y/%m/%d", '/', 0, 1, 2}, {"%d/%m/%Y", '/', 2, 1, 0},
    {"%m/%d/%Y", '/', 2, 0, 1}, {"%d.%m.%Y", '.', 2, 1, 0}, {"%d-%m-%Y", '-', 2, 1, 0},
};
#define NDATES (sizeof dates / sizeof dates[0])

static const char *const null_tokens[] = {"NULL", "null", "N/A", "n/a", "NA", "-", "None", NULL};

const char *sl_sniff_null_token(unsigned i)
{
    return i < sizeof null_tokens / sizeof null_tokens[0] ? null_tokens[i] : NULL;
}

const char *sl_sniff_kind_name(enum sl_sniff_kind k)
{
    static const char *const names[] = {"boolean",  "integer", "decimal", "number", "date",
                                        "datetime", "time",    "JSON",    "text"};
    return k < SL_SNIFF_NKINDS ? names[k] : "?";
}

void sl_sniff_col_init(struct sl_sniff_col *c)
{
    memset(c, 0, sizeof *c);
    c->alive = (1u << SL_SNIFF_NKINDS) - 1;
    c->date_formats = c->datetime_formats = (1u << NDATES) - 1;
    c->min_chars = (size_t)-1;
}

/* Reads 1 to max digits at *p (before end) into *out. Returns the count. */
static int digits(const char **p, const char *end, int max, unsigned *out)
{
    int n = 0;
    unsigned v = 0;
    while (*p < end && n < max && **p >= '0' && **p <= '9') {
        v = v * 10 + (unsigned)(**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n;
}

static int real_date(unsigned y, unsigned m, unsigned d)
{
    static const unsigned days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* A date at *p: returns the mask of formats it fits (0: none). */
static unsigned parse_date(const char **p, const char *end)
{
    unsigned g[3];
    int n[3];
    char sep = 0;
    const char *q = *p;
    for (int i = 0; i < 3; i++) {
        n[i] = digits(&q, end, 4, &g[i]);
        if (n[i] == 0)
            return 0;
        if (i < 2) {
            if (q == end || (*q != '-' && *q != '/' && *q != '.') || (sep && *q != sep))
                return 0;
            sep = *q++;
        }
    }
    unsigned mask = 0;
    for (unsigned f = 0; f < NDATES; f++) {
        if (dates[f].sep != sep || n[dates[f].y] != 4 || n[dates[f].m] > 2 || n[dates[f].d] > 2)
            continue;
        if (real_date(g[dates[f].y], g[dates[f].m], g[dates[f].d]))
            mask |= 1u << f;
    }
    if (mask)
        *p = q;
    return mask;
}

/* A time of day at *p: HH:MM[:SS[.fraction]]. Returns 1 and moves *p past
 * it, or 0. */
static int parse_time(const char **p, const char *end, int *secs, unsigned *frac)
{
    const char *q = *p;
    unsigned h, m, s;
    if (digits(&q, end, 2, &h) == 0 || h > 23 || q == end || *q++ != ':' ||
        digits(&q, end, 2, &m) != 2 || m > 59)
        return 0;
    *secs = 0;
    *frac = 0;
    if (q < end && *q == ':') {
        q++;
        if (digits(&q, end, 2, &s) != 2 || s > 59)
            return 0;
        *secs = 1;
        if (q < end && (*q == '.' || *q == ',')) {
            q++;
            const char *f = q;
            while (q < end && *q >= '0' && *q <= '9')
                q++;
            if (q == f || q - f > 9)
                return 0;
            *frac = (unsigned)(q - f);
        }
    }
    *p = q;
    return 1;
}

/* A zone at *p: Z, or +HH, +HHMM, +HH:MM. Returns 1 (moved past it) or 0. */
static int parse_zone(const char **p, const char *end)
{
    const char *q = *p;
    unsigned h, m;
    if (q < end && *q == 'Z') {
        *p = q + 1;
        return 1;
    }
    if (q == end || (*q != '+' && *q != '-'))
        return 0;
    q++;
    if (digits(&q, end, 2, &h) != 2 || h > 14)
        return 0;
    if (q < end && *q == ':')
        q++;
    if (q < end && digits(&q, end, 2, &m) != 2)
        return 0;
    *p = q;
    return 1;
}

/* Dates, datetimes and times. */
static void add_temporal(struct sl_sniff_col *c, const char *v, const char *end, int *is_date,
                         int *is_datetime, int *is_time)
{
    const char *p = v;
    int secs;
    unsigned frac;
    *is_date = *is_datetime = *is_time = 0;
    unsigned mask = parse_date(&p, end);
    if (mask && p == end) { /* a date also fits a DATETIME column */
        c->date_formats &= mask;
        c->datetime_formats &= mask;
        *is_date = c->date_formats != 0;
        *is_datetime = c->datetime_formats != 0;
        return;
    }
    if (mask && (*p == ' ' || *p == 'T')) {
        int t = *p == 'T';
        p++;
        if (!parse_time(&p, end, &secs, &frac))
            return;
        int zone = parse_zone(&p, end);
        if (p != end)
            return;
        c->datetime_formats &= mask;
        c->t_separator |= t;
        c->has_seconds |= secs;
        c->has_zone |= zone;
        if (frac > c->frac_seconds)
            c->frac_seconds = frac;
        *is_datetime = c->datetime_formats != 0;
        return;
    }
    p = v;
    if (parse_time(&p, end, &secs, &frac) && p == end) {
        if (frac > c->frac_seconds)
            c->frac_seconds = frac;
        *is_time = 1;
    }
}

/* Numbers: which of integer, decimal and double v is. */
static void add_number(struct sl_sniff_col *c, const char *v, const char *end, int *is_int,
                       int *is_dec, int *is_double)
{
    const char *p = v;
    *is_int = *is_dec = *is_double = 0;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    const char *ip = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    size_t nint = (size_t)(p - ip);
    if (nint > 1 && ip[0] == '0')
        return; /* 007: an identifier, whose zeros a number would lose */
    size_t nfrac = 0;
    int point = p < end && *p == '.';
    if (point) {
        const char *fp = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        nfrac = (size_t)(p - fp);
    }
    if (nint + nfrac == 0)
        return;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '-' || *p == '+'))
            p++;
        const char *ep = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        *is_double = p == end && p > ep;
        return;
    }
    if (p != end)
        return;
    *is_double = 1;
    *is_dec = nint + nfrac <= 65 && nfrac <= 30;
    if (*is_dec) {
        if (nint > c->int_digits)
            c->int_digits = (unsigned)nint;
        if (nfrac > c->frac_digits)
            c->frac_digits = (unsigned)nfrac;
    }
    if (point || nint > 19)
        return;
    unsigned long long u = 0;
    for (const char *q = ip; q < ip + nint; q++)
        u = u * 10 + (unsigned)(*q - '0');
    if (u > (unsigned long long)INT64_MAX + (neg ? 1 : 0)) {
        c->int_overflow = 1;
        return;
    }
    int64_t x = neg ? (int64_t)(0 - u) : (int64_t)u;
    if (c->fits[SL_SNIFF_INT] == 0 || x < c->min)
        c->min = x;
    if (c->fits[SL_SNIFF_INT] == 0 || x > c->max)
        c->max = x;
    *is_int = 1;
}

static int is_bool(const char *v, size_t len)
{
    static const char *const words[] = {"true", "false", "yes", "no", "t", "f", "y", "n", NULL};
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == len && strncasecmp(words[i], v, len) == 0)
            return 1;
    return 0;
}

static int is_json(const char *v, size_t len)
{
    while (len && (*v == ' ' || *v == '\t'))
        v++, len--;
    if (!len || (*v != '{' && *v != '['))
        return 0;
    cJSON *j = cJSON_ParseWithLength(v, len);
    cJSON_Delete(j);
    return j != NULL;
}

static size_t utf8_chars(const char *v, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)v[i] & 0xC0) != 0x80;
    return n;
}

void sl_sniff_col_add(struct sl_sniff_col *c, const char *v, size_t len, uint64_t line,
                      uint64_t offset)
{
    if (len == 0 || (len == 2 && v[0] == '\\' && v[1] == 'N')) {
        c->nulls++;
        return;
    }
    for (unsigned i = 0; null_tokens[i]; i++) {
        if (strlen(null_tokens[i]) == len && memcmp(null_tokens[i], v, len) == 0) {
            c->nulls++;
            c->null_tokens |= 1u << i;
            return;
        }
    }
    c->values++;
    const char *end = v + len;
    int fit[SL_SNIFF_NKINDS] = {0};
    fit[SL_SNIFF_BOOL] = is_bool(v, len);
    add_number(c, v, end, &fit[SL_SNIFF_INT], &fit[SL_SNIFF_DECIMAL], &fit[SL_SNIFF_DOUBLE]);
    add_temporal(c, v, end, &fit[SL_SNIFF_DATE], &fit[SL_SNIFF_DATETIME], &fit[SL_SNIFF_TIME]);
    fit[SL_SNIFF_JSON] = is_json(v, len);
    fit[SL_SNIFF_TEXT] = 1;
    for (int k = 0; k < SL_SNIFF_NKINDS; k++) {
        c->fits[k] += (uint64_t)fit[k];
        if (fit[k] || !(c->alive & (1u << k)))
            continue;
        c->alive &= ~(1u << k);
        c->miss[k].line = line;
        c->miss[k].offset = offset;
        snprintf(c->miss[k].value, sizeof c->miss[k].value, "%.*s", len > 40 ? 40 : (int)len, v);
        if (len > 40)
            strcat(c->miss[k].value, "...");
    }
    size_t chars = utf8_chars(v, len);
    if (chars > c->max_chars)
        c->max_chars = chars;
    if (chars < c->min_chars)
        c->min_chars = chars;
}

int sl_sniff_is_temporal(const char *v, size_t len)
{
    struct sl_sniff_col c;
    int is_date, is_datetime, is_time;
    sl_sniff_col_init(&c);
    add_temporal(&c, v, v + len, &is_date, &is_datetime, &is_time);
    return is_date || is_datetime || is_time;
}

enum sl_sniff_kind sl_sniff_col_kind(const struct sl_sniff_col *c)
{
    if (c->values == 0)
        return SL_SNIFF_TEXT;
    for (int k = 0; k < SL_SNIFF_NKINDS; k++)
        if (c->alive & (1u << k))
            return (enum sl_sniff_kind)k;
    return SL_SNIFF_TEXT;
}

/* The narrowest integer type that holds ten times the magnitudes seen. */
static void int_type(const struct sl_sniff_col *c, char *out, size_t cap)
{
    static const struct {
        const char *name;
        long long smin, smax;
        unsigned long long umax;
    } w[] = {
        {"TINYINT", -128, 127, 255},
        {"SMALLINT", -32768, 32767, 65535},
        {"MEDIUMINT", -8388608, 8388607, 16777215},
        {"INT", -2147483648LL, 2147483647LL, 4294967295ULL},
    };
    /* ten times, saturating */
    long long lo = c->min < INT64_MIN / 10 ? INT64_MIN : c->min * 10;
    long long hi = c->max > INT64_MAX / 10 ? INT64_MAX : c->max * 10;
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        if (lo >= 0 && (unsigned long long)hi <= w[i].umax) {
            snprintf(out, cap, "%s UNSIGNED", w[i].name);
            return;
        }
        if (lo < 0 && lo >= w[i].smin && hi <= w[i].smax) {
            snprintf(out, cap, "%s", w[i].name);
            return;
        }
    }
    snprintf(out, cap, lo >= 0 ? "BIGINT UNSIGNED" : "BIGINT");
}

void sl_sniff_col_type(const struct sl_sniff_col *c, char *out, size_t cap)
{
    enum sl_sniff_kind k = sl_sniff_col_kind(c);
    unsigned fs = c->frac_seconds > 6 ? 6 : c->frac_seconds;
    switch (k) {
    case SL_SNIFF_BOOL:
        snprintf(out, cap, "BOOLEAN");
        return;
    case SL_SNIFF_INT:
        int_type(c, out, cap);
        return;
    case SL_SNIFF_DECIMAL: {
        unsigned p = c->int_digits + 1 + c->frac_digits;
        if (p <= 65) {
            snprintf(out, cap, "DECIMAL(%u,%u)", p, c->frac_digits);
            return;
        }
        snprintf(out, cap, "DOUBLE");
        return;
    }
    case SL_SNIFF_DOUBLE:
        snprintf(out, cap, "DOUBLE");
        return;
    case SL_SNIFF_DATE:
        snprintf(out, cap, "DATE");
        return;
    case SL_SNIFF_DATETIME:
        if (fs)
            snprintf(out, cap, "%s(%u)", c->has_zone ? "TIMESTAMP" : "DATETIME", fs);
        else
            snprintf(out, cap, "%s", c->has_zone ? "TIMESTAMP" : "DATETIME");
        return;
    case SL_SNIFF_TIME:
        snprintf(out, cap, fs ? "TIME(%u)" : "TIME", fs);
        return;
    case SL_SNIFF_JSON:
        snprintf(out, cap, "JSON");
        return;
    default:
        break;
    }
    size_t n = c->values ? c->max_chars : 0;
    if (c->values >= 2 && n > 0 && n <= 8 && c->min_chars == n) {
        snprintf(out, cap, "CHAR(%zu)", n);
        return;
    }
    static const size_t steps[] = {16, 32, 64, 128, 255, 512, 1024, 2048, 4096};
    size_t want = n + n / 2;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (want <= steps[i]) {
            snprintf(out, cap, "VARCHAR(%zu)", steps[i]);
            return;
        }
    }
    snprintf(out, cap, n <= 16000 ? "TEXT" : "MEDIUMTEXT");
}

int sl_sniff_col_format(const struct sl_sniff_col *c, char *out, size_t cap, int *iso)
{
    enum sl_sniff_kind k = sl_sniff_col_kind(c);
    if (k != SL_SNIFF_DATE && k != SL_SNIFF_DATETIME)
        return 0;
    unsigned mask = k == SL_SNIFF_DATE ? c->date_formats : c->datetime_formats;
    unsigned f = 0;
    while (f < NDATES && !(mask & (1u << f)))
        f++;
    if (f == NDATES)
        return 0;
    *iso = f == 0;
    if (k == SL_SNIFF_DATE)
        snprintf(out, cap, "%s", dates[f].fmt);
    else
        snprintf(out, cap, "%s%c%s", dates[f].fmt, c->t_separator ? 'T' : ' ',
                 c->has_seconds ? "%H:%M:%S" : "%H:%M");
    return 1;
}

int sl_sniff_col_ambiguous(const struct sl_sniff_col *c)
{
    enum sl_sniff_kind k = sl_sniff_col_kind(c);
    unsigned mask = k == SL_SNIFF_DATE       ? c->date_formats
                    : k == SL_SNIFF_DATETIME ? c->datetime_formats
                                             : 0;
    return __builtin_popcount(mask) > 1;
}
