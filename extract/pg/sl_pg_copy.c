/*
 * COPY's text format and the per-value checks: see sl_pg_copy.h.
 */
#include "sl_pg_copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_hex.h"

static int grow(struct sl_pg_row *r, size_t ncols)
{
    if (ncols <= r->cap)
        return 0;
    size_t *off = realloc(r->off, ncols * sizeof *off);
    if (off)
        r->off = off;
    size_t *len = realloc(r->len, ncols * sizeof *len);
    if (len)
        r->len = len;
    unsigned char *null = realloc(r->null, ncols);
    if (null)
        r->null = null;
    if (!off || !len || !null)
        return -1;
    r->cap = ncols;
    return 0;
}

static int octal(char c)
{
    return c >= '0' && c <= '7' ? c - '0' : -1;
}

int sl_pg_row_decode(struct sl_pg_row *r, const char *line, size_t n, size_t ncols,
                     const char **why)
{
    if (grow(r, ncols) != 0 || sl_buf_reserve(&r->out, n + 1) != 0) {
        *why = "out of memory";
        return -1;
    }
    if (n > 0 && line[n - 1] == '\n')
        n--;
    sl_buf_reset(&r->out);
    char *o = r->out.data;
    size_t k = 0, at = 0, i = 0;
    for (;;) {
        if (k >= ncols) {
            *why = "more fields than the SELECT has columns";
            return -1;
        }
        size_t start = i;
        while (i < n && line[i] != '\t')
            i++;
        const char *f = line + start;
        size_t flen = i - start;
        r->off[k] = at;
        r->null[k] = flen == 2 && f[0] == '\\' && f[1] == 'N';
        if (!r->null[k]) {
            for (size_t j = 0; j < flen; j++) {
                char c = f[j];
                if (c != '\\') {
                    o[at++] = c;
                    continue;
                }
                if (++j >= flen) {
                    *why = "a backslash ends a field";
                    return -1;
                }
                c = f[j];
                int d;
                switch (c) {
                case 'b':
                    o[at++] = '\b';
                    break;
                case 'f':
                    o[at++] = '\f';
                    break;
                case 'n':
                    o[at++] = '\n';
                    break;
                case 'r':
                    o[at++] = '\r';
                    break;
                case 't':
                    o[at++] = '\t';
                    break;
                case 'v':
                    o[at++] = '\v';
                    break;
                case 'x':
                    if (j + 1 < flen && (d = sl_hex_digit(f[j + 1])) >= 0) {
                        int v = d;
                        j++;
                        if (j + 1 < flen && (d = sl_hex_digit(f[j + 1])) >= 0) {
                            v = v * 16 + d;
                            j++;
                        }
                        o[at++] = (char)v;
                    } else {
                        o[at++] = 'x';
                    }
                    break;
                default:
                    if ((d = octal(c)) >= 0) {
                        int v = d;
                        for (int m = 0; m < 2 && j + 1 < flen && (d = octal(f[j + 1])) >= 0; m++) {
                            v = v * 8 + d;
                            j++;
                        }
                        o[at++] = (char)v;
                    } else {
                        o[at++] = c; /* \\ and any other: the character itself */
                    }
                }
            }
        }
        r->len[k] = at - r->off[k];
        k++;
        if (i >= n)
            break;
        i++; /* the tab */
    }
    if (k != ncols) {
        *why = "fewer fields than the SELECT has columns";
        return -1;
    }
    r->out.len = at;
    return 0;
}

void sl_pg_row_release(struct sl_pg_row *r)
{
    sl_buf_release(&r->out);
    free(r->off);
    free(r->len);
    free(r->null);
    memset(r, 0, sizeof *r);
}

static int equals(const char *v, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(v, word, len) == 0;
}

/* DECIMAL(p,s): NaN and infinities, and too many digits. */
static int check_decimal(const char *v, size_t len, const struct sl_fcol *c, char *why, size_t cap)
{
    if (equals(v, len, "NaN") || equals(v, len, "Infinity") || equals(v, len, "-Infinity")) {
        snprintf(why, cap, "%.*s cannot be stored in MySQL's %s", (int)len, v, c->mysql_type);
        return -1;
    }
    return sl_canon_decimal_fits(v, len, c->prec, c->scale, c->mysql_type, why, cap);
}

/* Dates and times MySQL has no place for. */
static int check_temporal(const char *v, size_t len, const struct sl_fcol *c, char *why, size_t cap)
{
    if (equals(v, len, "infinity") || equals(v, len, "-infinity")) {
        snprintf(why, cap, "%.*s cannot be stored in MySQL's %s", (int)len, v, c->mysql_type);
        return -1;
    }
    if (len > 3 && memcmp(v + len - 3, " BC", 3) == 0) {
        snprintf(why, cap, "a date before the Common Era (%.*s) cannot be stored in MySQL's %s",
                 (int)(len > 40 ? 40 : len), v, c->mysql_type);
        return -1;
    }
    const char *dash = memchr(v, '-', len);
    if (dash && dash - v > 4) {
        snprintf(why, cap, "year %.*s is past MySQL's 9999", (int)(dash - v), v);
        return -1;
    }
    return 0;
}

/* A real for MySQL's FLOAT: the exact value of the float, as a double
 * prints it. The shortest text of the largest float (3.4028235e+38) reads
 * as a double past FLOAT's range, and MySQL refuses it. */
static int exact_float(struct sl_pg_row *r, size_t i, char *why, size_t cap)
{
    char tmp[64];
    size_t len = r->len[i];
    if (len >= sizeof tmp) {
        snprintf(why, cap, "a real of %zu characters", len);
        return -1;
    }
    memcpy(tmp, r->out.data + r->off[i], len);
    tmp[len] = '\0';
    char *end;
    float f = strtof(tmp, &end);
    if (end == tmp || *end) {
        snprintf(why, cap, "'%s' is not a number", tmp);
        return -1;
    }
    int n = snprintf(tmp, sizeof tmp, "%.17g", (double)f);
    if (sl_buf_reserve(&r->out, (size_t)n) != 0) {
        snprintf(why, cap, "out of memory");
        return -1;
    }
    r->off[i] = r->out.len;
    r->len[i] = (size_t)n;
    memcpy(r->out.data + r->out.len, tmp, (size_t)n);
    r->out.len += (size_t)n;
    return 0;
}

int sl_pg_value_convert(struct sl_pg_row *r, size_t i, const struct sl_fcol *c, char *why,
                        size_t cap)
{
    if (r->null[i])
        return 0;
    char *v = r->out.data + r->off[i];
    size_t len = r->len[i];
    switch (c->conv) {
    case SL_FCONV_DECIMAL:
        return check_decimal(v, len, c, why, cap);
    case SL_FCONV_FLOAT:
    case SL_FCONV_FLOAT32:
        if (equals(v, len, "NaN") || equals(v, len, "Infinity") || equals(v, len, "-Infinity")) {
            snprintf(why, cap, "%.*s cannot be stored in MySQL's %s", (int)len, v, c->mysql_type);
            return -1;
        }
        return c->conv == SL_FCONV_FLOAT32 ? exact_float(r, i, why, cap) : 0;
    case SL_FCONV_TEMPORAL:
        return check_temporal(v, len, c, why, cap);
    case SL_FCONV_BOOL:
        if (len > 0 && (v[0] == 't' || v[0] == 'f')) {
            v[0] = v[0] == 't' ? '1' : '0';
            r->len[i] = 1;
        }
        return 0;
    case SL_FCONV_HEX: {
        size_t bad;
        long n = len >= 2 && v[0] == '\\' && v[1] == 'x'
                     ? sl_hex_decode((unsigned char *)v, v + 2, len - 2, &bad)
                     : -1;
        if (n < 0) {
            snprintf(why, cap, "bytea value is not in hex form");
            return -1;
        }
        r->len[i] = (size_t)n;
        return 0;
    }
    case SL_FCONV_TEXT:
        return 0;
    }
    return 0;
}
