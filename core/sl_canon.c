/*
 * Canonical values for cross-engine verification: see sl_canon.h.
 */
#include "sl_canon.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int starts(const char *t, const char *word)
{
    size_t n = strlen(word);
    return strncasecmp(t, word, n) == 0 && !isalpha((unsigned char)t[n]);
}

enum sl_canon sl_canon_of_type(const char *t)
{
    while (isspace((unsigned char)*t))
        t++;
    if (starts(t, "decimal") || starts(t, "numeric") || starts(t, "dec") || starts(t, "fixed"))
        return SL_CANON_DECIMAL;
    if (starts(t, "float"))
        return SL_CANON_FLOAT;
    if (starts(t, "double") || starts(t, "real"))
        return SL_CANON_DOUBLE;
    if (starts(t, "datetime") || starts(t, "timestamp") || starts(t, "time"))
        return SL_CANON_TEMPORAL;
    if (starts(t, "char") || starts(t, "character"))
        return SL_CANON_CHAR;
    return SL_CANON_BYTES;
}

/* The length of v without its trailing zeros after a '.', and the '.'
 * itself when nothing follows it. */
static size_t trim_fraction(const char *v, size_t len)
{
    const char *dot = memchr(v, '.', len);
    if (!dot)
        return len;
    while (len > (size_t)(dot - v) + 1 && v[len - 1] == '0')
        len--;
    if (len == (size_t)(dot - v) + 1)
        len--;
    return len;
}

/* Reads v (not terminated) as a double; 0 with *ok clear when it is not a
 * number. */
static double read_double(const char *v, size_t len, int *ok)
{
    char tmp[64];
    if (len >= sizeof tmp) {
        *ok = 0;
        return 0;
    }
    memcpy(tmp, v, len);
    tmp[len] = '\0';
    char *end;
    double d = strtod(tmp, &end);
    *ok = end != tmp && *end == '\0';
    return d;
}

/* Folds one 64-bit word into h: a multiply and a shift, eight bytes at a
 * time (a row's hash is finalised in sl_canon_sum_row). */
static uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 29);
}

/* A value: its length (with a bit that tells it from NULL), then its bytes
 * eight at a time, the last word padded with zeros. */
static uint64_t fold(uint64_t h, const void *p, size_t len)
{
    const unsigned char *c = p;
    h = mix(h, (uint64_t)len | (UINT64_C(1) << 63));
    for (; len >= 8; c += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, c, 8);
        h = mix(h, w);
    }
    if (len > 0) {
        uint64_t w = 0;
        memcpy(&w, c, len);
        h = mix(h, w);
    }
    return h;
}

uint64_t sl_canon_add(uint64_t h, enum sl_canon c, const char *v, size_t len)
{
    if (!v)
        return mix(h, 0); /* NULL: a length word without the value bit */
    int ok = 1;
    switch (c) {
    case SL_CANON_CHAR:
        while (len > 0 && v[len - 1] == ' ')
            len--;
        break;
    case SL_CANON_DECIMAL:
        len = trim_fraction(v, len);
        if (len == 2 && v[0] == '-' && v[1] == '0')
            v++, len--;
        break;
    case SL_CANON_TEMPORAL: {
        /* a date alone is its midnight; 'T' between date and time is a space */
        char tmp[64];
        if (len >= 10 && len < sizeof tmp - 9 && v[4] == '-' && v[7] == '-') {
            memcpy(tmp, v, len);
            if (len == 10) {
                memcpy(tmp + 10, " 00:00:00", 9);
                len = 19;
            } else if (tmp[10] == 'T') {
                tmp[10] = ' ';
            }
            return fold(h, tmp, trim_fraction(tmp, len));
        }
        len = trim_fraction(v, len);
        break;
    }
    case SL_CANON_FLOAT: {
        double d = read_double(v, len, &ok);
        if (!ok)
            break;
        float f = (float)d;
        if (f == 0)
            f = 0; /* -0 is 0 */
        return fold(h, &f, sizeof f);
    }
    case SL_CANON_DOUBLE: {
        double d = read_double(v, len, &ok);
        if (!ok)
            break;
        if (d == 0)
            d = 0;
        return fold(h, &d, sizeof d);
    }
    case SL_CANON_BYTES:
        break;
    }
    return fold(h, v, len);
}

void sl_canon_sum_row(struct sl_canon_sum *s, uint64_t h)
{
    /* a finalizer, so that rows that differ in one byte add far apart */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9a64ec63e53ULL;
    h ^= h >> 33;
    s->rows++;
    s->sum += h;
}

int sl_canon_decimal_fits(const char *v, size_t len, int prec, int scale, const char *type,
                          char *why, size_t cap)
{
    if (prec <= 0)
        return 0;
    size_t i = len > 0 && (v[0] == '-' || v[0] == '+') ? 1 : 0;
    while (i < len && v[i] == '0')
        i++;
    size_t int_digits = 0, frac_digits = 0;
    while (i < len && v[i] >= '0' && v[i] <= '9')
        i++, int_digits++;
    if (i < len && v[i] == '.') {
        size_t end = len;
        while (end > i + 1 && v[end - 1] == '0')
            end--;
        frac_digits = end - i - 1;
    }
    if ((int)int_digits > prec - scale) {
        snprintf(why, cap, "%zu digits before the point do not fit %s", int_digits, type);
        return -1;
    }
    if ((int)frac_digits > scale) {
        snprintf(why, cap, "%zu digits after the point would be rounded off by %s", frac_digits,
                 type);
        return -1;
    }
    return 0;
}
