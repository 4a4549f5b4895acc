/*
 * Running a transform chain over one value (see sl_transform.h). A step
 * that rewrites the value writes into whichever of the caller's two
 * buffers the value does not live in, so a chain costs no allocation once
 * the buffers have grown.
 */
#define _GNU_SOURCE /* strptime */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wctype.h>

#include "sl_base64.h"
#include "sl_hex.h"
#include "sl_transform.h"
#include "sl_utf8.h"

/* The value between steps. */
struct val {
    const char *p;
    size_t len;
    int null;
};

static int toupper_ascii(int c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static int tolower_ascii(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Decodes one UTF-8 character at p (valid input assumed); returns its
 * length. */
static size_t utf8_get(const unsigned char *p, size_t n, wint_t *wc)
{
    if (p[0] < 0x80 || n < 2) {
        *wc = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        *wc = ((wint_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if ((p[0] & 0xF0) == 0xE0 && n >= 3) {
        *wc = ((wint_t)(p[0] & 0x0F) << 12) | ((wint_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    if (n >= 4) {
        *wc = ((wint_t)(p[0] & 0x07) << 18) | ((wint_t)(p[1] & 0x3F) << 12) |
              ((wint_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        return 4;
    }
    *wc = p[0];
    return 1;
}

static int utf8_put(struct sl_buf *b, wint_t wc)
{
    unsigned char o[4];
    return sl_buf_append(b, o, sl_utf8_encode(o, (unsigned long)wc));
}

static int change_case(const struct sl_transforms *t, struct val *v, struct sl_buf *out, int up)
{
    const unsigned char *p = (const unsigned char *)v->p;
    for (size_t i = 0; i < v->len;) {
        wint_t wc;
        size_t n = utf8_get(p + i, v->len - i, &wc);
        int rc;
        if (n == 1)
            rc = utf8_put(out, (wint_t)(up ? toupper_ascii(p[i]) : tolower_ascii(p[i])));
        else if (t->utf8)
            rc = utf8_put(out, up ? towupper_l(wc, t->utf8) : towlower_l(wc, t->utf8));
        else
            rc = sl_buf_append(out, p + i, n); /* no UTF-8 locale: left as it is */
        if (rc != 0)
            return -1;
        i += n;
    }
    return 0;
}

/* Removes every character of set (a UTF-8 string) from v. */
static int strip_chars(const struct sl_tf_step *st, struct val *v, struct sl_buf *out)
{
    const unsigned char *p = (const unsigned char *)v->p;
    for (size_t i = 0; i < v->len;) {
        wint_t wc;
        size_t n = utf8_get(p + i, v->len - i, &wc);
        int drop = 0;
        for (size_t k = 0; k < st->arg_len && !drop;) {
            wint_t sc;
            size_t m = utf8_get((const unsigned char *)st->arg + k, st->arg_len - k, &sc);
            drop = sc == wc;
            k += m;
        }
        if (!drop && sl_buf_append(out, p + i, n) != 0)
            return -1;
        i += n;
    }
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Checks a decimal number against DECIMAL(p,s); writes it without a '+'. */
static int to_decimal(const struct sl_tf_chain *c, struct val *v, struct sl_buf *out, char *why,
                      size_t whylen)
{
    const char *p = v->p, *end = v->p + v->len;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    const char *int_start = p;
    while (p < end && is_digit(*p))
        p++;
    size_t int_digits = (size_t)(p - int_start);
    const char *frac_start = p;
    size_t frac_digits = 0;
    if (p < end && *p == '.') {
        frac_start = ++p;
        while (p < end && is_digit(*p))
            p++;
        frac_digits = (size_t)(p - frac_start);
    }
    if (p != end || int_digits + frac_digits == 0)
        return fail(why, whylen, "decimal: '%.*s' is not a decimal number",
                    (int)(v->len > 60 ? 60 : v->len), v->p);
    /* leading zeros do not count against the precision */
    const char *sig = int_start;
    while (sig < int_start + int_digits && *sig == '0')
        sig++;
    size_t sig_int = (size_t)(int_start + int_digits - sig);
    if (c->precision >= 0) {
        size_t max_int = (size_t)(c->precision - c->scale);
        if (sig_int > max_int)
            return fail(why, whylen,
                        "decimal: '%.*s' has %zu digits before the point; %s is decimal(%d,%d), "
                        "which takes %zu",
                        (int)(v->len > 60 ? 60 : v->len), v->p, sig_int, c->target->name,
                        c->precision, c->scale, max_int);
        if (frac_digits > (size_t)c->scale)
            return fail(why, whylen,
                        "decimal: '%.*s' has %zu digits after the point; %s is decimal(%d,%d), "
                        "which would round it",
                        (int)(v->len > 60 ? 60 : v->len), v->p, frac_digits, c->target->name,
                        c->precision, c->scale);
    }
    if ((neg && sl_buf_append(out, "-", 1) != 0) ||
        sl_buf_append(out, int_start, int_digits ? int_digits : 0) != 0 ||
        (int_digits == 0 && sl_buf_append(out, "0", 1) != 0) ||
        (frac_digits &&
         (sl_buf_append(out, ".", 1) != 0 || sl_buf_append(out, frac_start, frac_digits) != 0)))
        return fail(why, whylen, "decimal: value too long");
    return 0;
}

static int to_date(const struct sl_tf_chain *c, const struct sl_tf_step *st, struct val *v,
                   struct sl_buf *out, char *why, size_t whylen)
{
    char in[256];
    if (v->len >= sizeof in)
        return fail(why, whylen, "date: value of %zu bytes is too long for a date", v->len);
    memcpy(in, v->p, v->len);
    in[v->len] = 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_mday = 1;
    const char *rest = strptime(in, st->arg, &tm);
    while (rest && *rest == ' ')
        rest++;
    if (!rest || *rest)
        return fail(why, whylen, "date: '%.60s' does not match the format '%s'", in, st->arg);
    /* strptime takes 31 February; a round trip through timegm does not */
    struct tm check = tm;
    check.tm_isdst = 0;
    time_t secs = timegm(&check);
    if (secs == (time_t)-1 || check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon ||
        check.tm_year != tm.tm_year)
        return fail(why, whylen, "date: '%.60s' is not a real date", in);
    char buf[64];
    size_t n = c->date_only ? strftime(buf, sizeof buf, "%Y-%m-%d", &tm)
                            : strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    if (n == 0 || sl_buf_append(out, buf, n) != 0)
        return fail(why, whylen, "date: '%.60s' cannot be written", in);
    return 0;
}

static int to_bool(struct val *v, struct sl_buf *out, char *why, size_t whylen)
{
    static const char *const yes[] = {"1", "yes", "y", "true", "t", "on", NULL};
    static const char *const no[] = {"0", "no", "n", "false", "f", "off", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strlen(yes[i]) == v->len && strncasecmp(yes[i], v->p, v->len) == 0)
            return sl_buf_append(out, "1", 1);
        if (strlen(no[i]) == v->len && strncasecmp(no[i], v->p, v->len) == 0)
            return sl_buf_append(out, "0", 1);
    }
    return fail(why, whylen, "bool: '%.*s' is not yes/no, true/false, y/n, t/f, on/off or 1/0",
                (int)(v->len > 40 ? 40 : v->len), v->p);
}

static int from_hex(struct val *v, struct sl_buf *out, char *why, size_t whylen)
{
    if (sl_buf_reserve(out, v->len / 2 + 1) != 0)
        return fail(why, whylen, "hex: value too long");
    size_t bad;
    long n = sl_hex_decode((unsigned char *)out->data + out->len, v->p, v->len, &bad);
    if (n < 0)
        return bad == v->len ? fail(why, whylen, "hex: an odd number of digits (%zu)", v->len)
                             : fail(why, whylen, "hex: '%c' at character %zu is not a hex digit",
                                    v->p[bad], bad + 1);
    out->len += (size_t)n;
    return 0;
}

/* Standard or URL-safe alphabet; '=' padding optional. */
static int from_base64(struct val *v, struct sl_buf *out, char *why, size_t whylen)
{
    size_t bad;
    int rc = sl_base64_decode(v->p, v->len, out, &bad);
    if (rc == -2)
        return fail(why, whylen, "base64: value too long");
    if (rc < 0 && bad == v->len)
        return fail(why, whylen, "base64: a length of %zu characters is not base64", v->len);
    if (rc < 0)
        return fail(why, whylen, "base64: '%c' at character %zu is not base64", v->p[bad], bad + 1);
    return 0;
}

static int is_trim_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Steps that only move the value's bounds or replace it with the
 * argument. Returns 1 when st was one of them. */
static int step_in_place(const struct sl_tf_step *st, struct val *v)
{
    switch (st->kind) {
    case SL_TF_RENAME:
        return 1;
    case SL_TF_CONST:
        v->p = st->arg, v->len = st->arg_len, v->null = 0;
        return 1;
    case SL_TF_DEFAULT:
        if (v->null || v->len == 0)
            v->p = st->arg, v->len = st->arg_len, v->null = 0;
        return 1;
    case SL_TF_NULL_IF:
        if (!v->null && v->len == st->arg_len && memcmp(v->p, st->arg, v->len) == 0)
            v->null = 1;
        return 1;
    case SL_TF_TRIM:
        while (v->len && is_trim_space(v->p[0]))
            v->p++, v->len--;
        while (v->len && is_trim_space(v->p[v->len - 1]))
            v->len--;
        return 1;
    default:
        return 0;
    }
}

/* Runs a step that writes a new value into out. Returns 0 or -1 with why. */
static int step_rewrite(const struct sl_transforms *t, const struct sl_tf_chain *c,
                        const struct sl_tf_step *st, struct val *v, struct sl_buf *out, char *why,
                        size_t whylen)
{
    switch (st->kind) {
    case SL_TF_UPPER:
    case SL_TF_LOWER:
        if (change_case(t, v, out, st->kind == SL_TF_UPPER) != 0)
            return fail(why, whylen, "%s: value too long",
                        st->kind == SL_TF_UPPER ? "upper" : "lower");
        return 0;
    case SL_TF_STRIP:
        return strip_chars(st, v, out) != 0 ? fail(why, whylen, "strip: value too long") : 0;
    case SL_TF_DECIMAL:
        return to_decimal(c, v, out, why, whylen);
    case SL_TF_DATE:
        return to_date(c, st, v, out, why, whylen);
    case SL_TF_BOOL:
        return to_bool(v, out, why, whylen);
    case SL_TF_HEX:
        return from_hex(v, out, why, whylen);
    case SL_TF_BASE64:
        return from_base64(v, out, why, whylen);
    default:
        return fail(why, whylen, "unknown step");
    }
}

void sl_tf_work_init(struct sl_tf_work *w, size_t max_value)
{
    sl_buf_init(&w->buf[0], max_value);
    sl_buf_init(&w->buf[1], max_value);
}

void sl_tf_work_release(struct sl_tf_work *w)
{
    sl_buf_release(&w->buf[0]);
    sl_buf_release(&w->buf[1]);
}

int sl_tf_apply(const struct sl_transforms *t, const struct sl_tf_chain *c, struct sl_tf_value *v,
                struct sl_tf_work *w, char *why, size_t whylen)
{
    struct val cur = {v->p, v->len, v->null};
    why[0] = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct sl_tf_step *st = &c->steps[i];
        if (step_in_place(st, &cur) || cur.null)
            continue;
        /* write into the buffer the value does not live in */
        struct sl_buf *out = &w->buf[0];
        if (out->data && cur.p >= out->data && cur.p < out->data + out->cap)
            out = &w->buf[1];
        sl_buf_reset(out);
        if (step_rewrite(t, c, st, &cur, out, why, whylen) != 0)
            return -1;
        cur.p = out->data ? out->data : "";
        cur.len = out->len;
    }
    v->p = cur.p;
    v->len = cur.len;
    v->null = cur.null;
    return 0;
}
