#include "sl_json_scan.h"

#include <string.h>

#include "sl_utf8.h"

#define MAX_DEPTH 512

struct scanner {
    const unsigned char *start, *p, *end;
    int depth;
    struct sl_json_fault *fault;
};

static int fail(struct scanner *s, const unsigned char *at, const char *why)
{
    s->fault->offset = (size_t)(at - s->start);
    s->fault->why = why;
    return -1;
}

static void ws(struct scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        if (p + i >= end)
            return -1;
        unsigned char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static int string(struct scanner *s)
{
    const unsigned char *open = s->p++;
    while (s->p < s->end) {
        unsigned char c = *s->p;
        if (c == '"') {
            s->p++;
            return 0;
        }
        if (c < 0x20)
            return fail(s, s->p, "a control character inside a string (it must be escaped)");
        if (c != '\\') {
            s->p++;
            continue;
        }
        const unsigned char *esc = s->p++;
        if (s->p == s->end)
            break;
        c = *s->p++;
        if (strchr("\"\\/bfnrt", c) && c)
            continue;
        unsigned u, lo;
        if (c != 'u' || hex4(s->p, s->end, &u) != 0)
            return fail(s, esc, "an invalid escape in a string");
        s->p += 4;
        if (u >= 0xDC00 && u <= 0xDFFF)
            return fail(s, esc, "a lone low surrogate (\\uDC00-\\uDFFF) in a string");
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
                hex4(s->p + 2, s->end, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                return fail(s, esc, "a high surrogate not followed by a low one in a string");
            s->p += 6;
        }
    }
    return fail(s, open, "a string not closed before the end of the line");
}

static int number(struct scanner *s)
{
    const unsigned char *p = s->p, *end = s->end, *at = s->p;
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0')
        p++;
    else if (p < end && *p >= '1' && *p <= '9')
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    else
        return fail(s, at, "a number without digits");
    if (p < end && *p == '.') {
        const unsigned char *d = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return fail(s, at, "a number with no digits after its point");
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const unsigned char *d = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return fail(s, at, "a number with no digits in its exponent");
    }
    s->p = p;
    return 0;
}

static int literal(struct scanner *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, s->p, "not a JSON value");
    s->p += n;
    return 0;
}

static int value(struct scanner *s, enum sl_json_kind *kind, struct sl_json_member *members,
                 size_t max, size_t *nmembers);

static int object(struct scanner *s, struct sl_json_member *members, size_t max, size_t *nmembers)
{
    if (++s->depth > MAX_DEPTH)
        return fail(s, s->p, "nested more than 512 deep");
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        s->depth--;
        return 0;
    }
    for (;;) {
        ws(s);
        if (s->p == s->end || *s->p != '"')
            return fail(s, s->p, "an object key that is not a string");
        const unsigned char *key = s->p;
        if (string(s) != 0)
            return -1;
        const unsigned char *key_end = s->p;
        ws(s);
        if (s->p == s->end || *s->p != ':')
            return fail(s, s->p, "no ':' after an object key");
        s->p++;
        ws(s);
        const unsigned char *val = s->p;
        enum sl_json_kind k;
        if (value(s, &k, NULL, 0, NULL) != 0)
            return -1;
        if (members && *nmembers < max) {
            struct sl_json_member *m = &members[(*nmembers)++];
            m->key = (const char *)key + 1;
            m->key_len = (size_t)(key_end - key) - 2;
            m->kind = k;
            m->val = (const char *)val;
            m->val_len = (size_t)(s->p - val);
        }
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            s->depth--;
            return 0;
        }
        return fail(s, s->p, "an object not closed by '}' (or a missing ',')");
    }
}

static int array(struct scanner *s)
{
    if (++s->depth > MAX_DEPTH)
        return fail(s, s->p, "nested more than 512 deep");
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        s->depth--;
        return 0;
    }
    for (;;) {
        ws(s);
        enum sl_json_kind k;
        if (value(s, &k, NULL, 0, NULL) != 0)
            return -1;
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            s->depth--;
            return 0;
        }
        return fail(s, s->p, "an array not closed by ']' (or a missing ',')");
    }
}

static int value(struct scanner *s, enum sl_json_kind *kind, struct sl_json_member *members,
                 size_t max, size_t *nmembers)
{
    if (s->p == s->end)
        return fail(s, s->p, "a value was expected");
    switch (*s->p) {
    case '{':
        *kind = SL_JSON_OBJECT;
        return object(s, members, max, nmembers);
    case '[':
        *kind = SL_JSON_ARRAY;
        return array(s);
    case '"':
        *kind = SL_JSON_STRING;
        return string(s);
    case 't':
        *kind = SL_JSON_TRUE;
        return literal(s, "true");
    case 'f':
        *kind = SL_JSON_FALSE;
        return literal(s, "false");
    case 'n':
        *kind = SL_JSON_NULL;
        return literal(s, "null");
    default:
        *kind = SL_JSON_NUMBER;
        return number(s);
    }
}

int sl_json_scan(const char *text, size_t len, enum sl_json_kind *kind,
                 struct sl_json_member *members, size_t max, size_t *nmembers,
                 struct sl_json_fault *fault)
{
    struct scanner s = {(const unsigned char *)text, (const unsigned char *)text,
                        (const unsigned char *)text + len, 0, fault};
    size_t good = sl_utf8_check((const unsigned char *)text, len);
    if (good != len)
        return fail(&s, s.start + good, "not valid UTF-8");
    size_t none = 0;
    if (!nmembers)
        nmembers = &none;
    *nmembers = 0;
    ws(&s);
    if (value(&s, kind, members, max, nmembers) != 0)
        return -1;
    ws(&s);
    if (s.p != s.end)
        return fail(&s, s.p, "more after the value (one JSON value per line)");
    return 0;
}

int sl_json_unescape(const char *val, size_t len, struct sl_buf *out)
{
    const unsigned char *p = (const unsigned char *)val + 1, *end = (const unsigned char *)val;
    end += len > 0 ? len - 1 : 0;
    int rc = 0;
    while (p < end && rc == 0) {
        const unsigned char *run = p;
        while (p < end && *p != '\\')
            p++;
        rc |= sl_buf_append(out, run, (size_t)(p - run));
        if (p >= end)
            break;
        unsigned char c = p[1];
        p += 2;
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = c ? strchr(from, c) : NULL;
        if (k) {
            rc |= sl_buf_append(out, &to[k - from], 1);
            continue;
        }
        unsigned u = 0, lo = 0;
        hex4(p, end, &u); /* the scan checked the escape */
        p += 4;
        if (u >= 0xD800 && u <= 0xDBFF) {
            hex4(p + 2, end, &lo);
            p += 6;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        }
        unsigned char b[4];
        rc |= sl_buf_append(out, b, sl_utf8_encode(b, u));
    }
    return rc ? -1 : 0;
}

int sl_json_key_is(const struct sl_json_member *m, const char *name)
{
    return strlen(name) == m->key_len && memcmp(m->key, name, m->key_len) == 0;
}
