#define _GNU_SOURCE /* timegm */
#include "sl_jsonl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_base64.h"
#include "sl_hex.h"
#include "sl_json_scan.h"

struct row {
    struct sl_buf *dest;
    char *why;
    size_t whycap;
    const char *line;
};

static int bad(struct row *r, const char *at, const char *fmt, const char *what)
{
    snprintf(r->why, r->whycap, "at byte %zu of the line: ", (size_t)(at - r->line));
    size_t n = strlen(r->why);
    snprintf(r->why + n, r->whycap - n, fmt, what);
    return -1;
}

static int too_large(struct row *r)
{
    snprintf(r->why, r->whycap, "too large");
    return -1;
}

static int put(struct row *r, const void *p, size_t n)
{
    return sl_buf_append(r->dest, p, n) != 0 ? too_large(r) : 0;
}

/* The string member named key of an object's members, or NULL. */
static const struct sl_json_member *find(const struct sl_json_member *m, size_t n, const char *key,
                                         enum sl_json_kind kind)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].kind == kind && sl_json_key_is(&m[i], key))
            return &m[i];
    return NULL;
}

/* Reads n digits at p into *v. */
static int num(const char *p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        *v = *v * 10 + (p[i] - '0');
    }
    return 0;
}

/* Writes seconds since the epoch plus micro-seconds as a UTC DATETIME(6). */
static int put_time(struct row *r, long long secs, long micros)
{
    time_t t = (time_t)secs;
    struct tm tm;
    char out[48];
    if (!gmtime_r(&t, &tm))
        return -1;
    int n = snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
    return put(r, out, (size_t)n);
}

/* $date's ISO 8601 form: YYYY-MM-DDTHH:MM:SS[.f+](Z|+HH:MM|+HHMM). */
static int iso_date(struct row *r, const char *s, size_t n)
{
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0;
    long micros = 0;
    size_t i = 16;
    if (n < 17 || num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &mo) || s[7] != '-' ||
        num(s + 8, 2, &d) || s[10] != 'T' || num(s + 11, 2, &h) || s[13] != ':' ||
        num(s + 14, 2, &mi))
        return -1;
    if (i < n && s[i] == ':') {
        if (i + 3 > n || num(s + i + 1, 2, &sec))
            return -1;
        i += 3;
    }
    if (i < n && s[i] == '.') {
        long scale = 100000;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
            micros += scale > 0 ? (s[i] - '0') * scale : 0;
    }
    int sign = 0;
    if (i < n && s[i] == 'Z')
        i++;
    else if (i < n && (s[i] == '+' || s[i] == '-')) {
        sign = s[i] == '-' ? -1 : 1;
        if (i + 3 > n || num(s + i + 1, 2, &oh))
            return -1;
        i += 3;
        if (i < n && s[i] == ':')
            i++;
        if (i + 2 <= n && num(s + i, 2, &om) == 0)
            i += 2;
    } else
        return -1;
    if (i != n || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    long long t = (long long)timegm(&tm) - sign * (oh * 3600LL + om * 60LL);
    return put_time(r, t, micros);
}

/* An Extended JSON wrapper ({"$...": ...}) as its value; 1 when the object
 * is not one that has a value of its own (its JSON text stands). */
static int ejson(struct row *r, const struct sl_json_member *v)
{
    struct sl_json_member m[4];
    size_t n;
    enum sl_json_kind k;
    struct sl_json_fault f;
    if (sl_json_scan(v->val, v->val_len, &k, m, 4, &n, &f) != 0 || n == 0 || m[0].key[0] != '$')
        return 1;
    const struct sl_json_member *s;
    static const char *const as_text[] = {
        "$oid", "$numberLong", "$numberInt", "$numberDecimal", "$numberDouble", "$uuid", NULL};
    for (int i = 0; as_text[i]; i++)
        if (n == 1 && (s = find(m, n, as_text[i], SL_JSON_STRING)) != NULL)
            return sl_json_unescape(s->val, s->val_len, r->dest) ? too_large(r) : 0;
    if (n == 1 && sl_json_key_is(&m[0], "$date")) {
        if (m[0].kind == SL_JSON_STRING) {
            size_t start = r->dest->len;
            if (sl_json_unescape(m[0].val, m[0].val_len, r->dest) != 0)
                return too_large(r);
            char iso[64];
            size_t len = r->dest->len - start;
            if (len >= sizeof iso)
                return bad(r, v->val, "%s", "a $date that is not an ISO 8601 time");
            memcpy(iso, r->dest->data + start, len);
            r->dest->len = start;
            if (iso_date(r, iso, len) != 0)
                return bad(r, v->val, "%s", "a $date that is not an ISO 8601 time");
            return 0;
        }
        struct sl_json_member inner[2];
        size_t ni;
        if (sl_json_scan(m[0].val, m[0].val_len, &k, inner, 2, &ni, &f) == 0 &&
            (s = find(inner, ni, "$numberLong", SL_JSON_STRING)) != NULL && s->val_len < 24) {
            char digits[24];
            memcpy(digits, s->val + 1, s->val_len - 2);
            digits[s->val_len - 2] = '\0';
            char *end;
            errno = 0;
            long long ms = strtoll(digits, &end, 10);
            if (*end || end == digits)
                return bad(r, v->val, "%s", "a $date whose $numberLong is not a number");
            if (errno == ERANGE)
                return bad(r, v->val, "%s", "a $date whose $numberLong is out of range");
            /* floor division, with no product that could overflow */
            long long secs = ms / 1000;
            long rest = (long)(ms % 1000);
            if (rest < 0) {
                rest += 1000;
                secs--;
            }
            return put_time(r, secs, rest * 1000);
        }
        return bad(r, v->val, "%s", "a $date that is neither a time nor {\"$numberLong\": ms}");
    }
    if (sl_json_key_is(&m[0], "$binary")) {
        const struct sl_json_member *b64 = NULL;
        struct sl_json_member inner[2];
        size_t ni;
        if (m[0].kind == SL_JSON_STRING) /* the v1 form: {"$binary": b, "$type": t} */
            b64 = &m[0];
        else if (sl_json_scan(m[0].val, m[0].val_len, &k, inner, 2, &ni, &f) == 0)
            b64 = find(inner, ni, "base64", SL_JSON_STRING);
        if (!b64)
            return bad(r, v->val, "%s", "a $binary without its base64");
        struct sl_buf bytes;
        sl_buf_init(&bytes, r->dest->max_cap);
        size_t badi;
        int rc = sl_base64_decode(b64->val + 1, b64->val_len - 2, &bytes, &badi);
        if (rc == 0 && sl_buf_reserve(r->dest, bytes.len * 2) == 0) {
            sl_hex_encode(r->dest->data + r->dest->len, (const unsigned char *)bytes.data,
                          bytes.len);
            r->dest->len += bytes.len * 2;
        } else if (rc == 0) {
            rc = -2;
        }
        sl_buf_release(&bytes);
        if (rc == -1)
            return bad(r, v->val, "%s", "a $binary whose base64 is broken");
        return rc ? too_large(r) : 0;
    }
    return 1;
}

/* Appends member v's value as text; *is_null for null. */
static int value(struct row *r, const struct sl_json_member *v, int *is_null)
{
    *is_null = 0;
    switch (v->kind) {
    case SL_JSON_NULL:
        *is_null = 1;
        return 0;
    case SL_JSON_TRUE:
        return put(r, "1", 1);
    case SL_JSON_FALSE:
        return put(r, "0", 1);
    case SL_JSON_STRING:
        return sl_json_unescape(v->val, v->val_len, r->dest) != 0 ? too_large(r) : 0;
    case SL_JSON_OBJECT: {
        int rc = ejson(r, v);
        if (rc <= 0)
            return rc;
        break;
    }
    default:
        break;
    }
    return put(r, v->val, v->val_len); /* numbers, arrays and objects as written */
}

int sl_jsonl_row(const char *line, size_t len, const struct sl_jsonl_map *m,
                 struct sl_json_member *scratch, size_t nscratch, struct sl_buf *dest,
                 struct sl_jsonl_value *out, char *why, size_t whycap)
{
    struct row r = {dest, why, whycap, line};
    enum sl_json_kind kind;
    struct sl_json_fault f;
    size_t n = 0;
    if (sl_json_scan(line, len, &kind, scratch, m->whole ? 0 : nscratch, &n, &f) != 0) {
        snprintf(why, whycap, "not JSON, at byte %zu of the line: %s", f.offset, f.why);
        return -1;
    }
    if (m->whole) {
        out[0] = (struct sl_jsonl_value){dest->len, len, 0};
        return put(&r, line, len);
    }
    if (kind != SL_JSON_OBJECT) {
        snprintf(why, whycap, "the line holds a JSON %s, not the object whose fields --map names",
                 kind == SL_JSON_ARRAY ? "array" : "scalar");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < m->n && rc == 0; i++) {
        size_t k = 0;
        while (k < n && !sl_json_key_is(&scratch[k], m->fields[i]))
            k++;
        out[i].off = dest->len;
        out[i].is_null = 1;
        if (k < n)
            rc = value(&r, &scratch[k], &out[i].is_null);
        out[i].len = dest->len - out[i].off;
    }
    return rc;
}

int sl_jsonl_map_parse(const char *spec, struct sl_jsonl_map *m, char **columns, struct sl_err *err)
{
    memset(m, 0, sizeof *m);
    *columns = NULL;
    size_t count = 1;
    for (const char *p = spec; *p; p++)
        count += *p == ',';
    m->fields = calloc(count, sizeof *m->fields);
    char *cols = malloc(strlen(spec) + 1);
    if (!m->fields || !cols) {
        free(cols);
        sl_jsonl_map_release(m);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    size_t o = 0;
    const char *p = spec;
    for (size_t i = 0; i < count; i++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t flen = eq ? (size_t)(eq - p) : len;
        const char *col = eq ? eq + 1 : p;
        size_t clen = eq ? len - flen - 1 : len;
        if (flen == 0 || clen == 0) {
            free(cols);
            sl_jsonl_map_release(m);
            return sl_err_set(err, SL_ERR_FATAL, "an empty name in '%s' (field[=column],...)",
                              spec);
        }
        if (!(m->fields[i] = strndup(p, flen))) {
            free(cols);
            sl_jsonl_map_release(m);
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
        m->n++;
        for (size_t k = 0; k < i; k++) {
            if (strcmp(m->fields[k], m->fields[i]) == 0) {
                sl_err_set(err, SL_ERR_FATAL, "field '%s' is named twice in '%s'", m->fields[i],
                           spec);
                free(cols);
                sl_jsonl_map_release(m);
                return -1;
            }
        }
        if (o)
            cols[o++] = ',';
        memcpy(cols + o, col, clen);
        o += clen;
        p += len + 1;
    }
    cols[o] = '\0';
    *columns = cols;
    return 0;
}

void sl_jsonl_map_release(struct sl_jsonl_map *m)
{
    for (size_t i = 0; m->fields && i < m->n; i++)
        free(m->fields[i]);
    free(m->fields);
    memset(m, 0, sizeof *m);
}
