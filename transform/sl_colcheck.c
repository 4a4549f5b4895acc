#include "sl_colcheck.h"

#include <stdio.h>
#include <string.h>

#include "sl_escape.h"

int sl_colcheck_is_binary(const struct sl_column *c)
{
    static const char *const types[] = {"binary",     "varbinary", "tinyblob", "blob",
                                        "mediumblob", "longblob",  "bit"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(c->data_type, types[i]))
            return 1;
    return 0;
}

/* The most bytes a binary column holds, or -1 for no practical limit. */
static long long binary_limit(const struct sl_column *c)
{
    const char *t = c->data_type;
    if (!strcmp(t, "bit")) {
        long long bits = 1;
        sscanf(c->column_type, "bit(%lld)", &bits);
        return (bits + 7) / 8;
    }
    if (!strcmp(t, "tinyblob"))
        return 255;
    if (!strcmp(t, "blob"))
        return 65535;
    if (!strcmp(t, "mediumblob"))
        return 16777215;
    if (!strcmp(t, "longblob"))
        return -1;
    return c->max_chars; /* BINARY(n), VARBINARY(n): n bytes */
}

struct sl_colcheck sl_colcheck_for(const struct sl_column *c, int binary_hex)
{
    struct sl_colcheck ck = {SL_CHECK_NONE, 0, c->column_type, 0};
    const char *t = c->data_type;
    if (sl_colcheck_is_binary(c)) {
        ck.kind = binary_hex ? SL_CHECK_HEX : SL_CHECK_NONE;
        ck.limit = binary_limit(c);
        ck.raw_bytes = !binary_hex;
    } else if (!strcmp(t, "tinyint") || !strcmp(t, "smallint") || !strcmp(t, "mediumint") ||
               !strcmp(t, "int") || !strcmp(t, "integer") || !strcmp(t, "bigint")) {
        ck.kind = SL_CHECK_INTEGER;
    } else if ((!strcmp(t, "char") || !strcmp(t, "varchar")) && c->max_chars > 0) {
        ck.kind = SL_CHECK_CHARS;
        ck.limit = c->max_chars;
    } else if (!strcmp(t, "tinytext") || !strcmp(t, "text") || !strcmp(t, "mediumtext")) {
        ck.kind = SL_CHECK_BYTES;
        ck.limit = !strcmp(t, "tinytext") ? 255 : !strcmp(t, "text") ? 65535 : 16777215;
    }
    return ck;
}

/* Counts UTF-8 characters (the value is known to be valid UTF-8). */
static size_t utf8_chars(const char *p, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)p[i] & 0xC0) != 0x80;
    return n;
}

/* Leading/trailing spaces, a sign, digits; a decimal point or exponent is
 * left for the server to judge. */
static int looks_numeric(const char *p, size_t len)
{
    size_t i = 0, digits = 0;
    while (i < len && p[i] == ' ')
        i++;
    if (i < len && (p[i] == '+' || p[i] == '-'))
        i++;
    for (; i < len; i++) {
        char c = p[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' && c != ' ')
            return 0;
    }
    return digits > 0;
}

int sl_colcheck_value(const struct sl_colcheck *ck, const char *p, size_t len, char *why,
                      size_t whylen)
{
    switch (ck->kind) {
    case SL_CHECK_INTEGER:
        if (looks_numeric(p, len))
            return 0;
        {
            char shown[100]; /* escaped: a NUL or a newline in the value stays visible */
            sl_escape_bytes(p, len, shown, sizeof shown);
            snprintf(why, whylen, "Incorrect integer value: '%s' (the column is %s)", shown,
                     ck->type);
        }
        return -1;
    case SL_CHECK_CHARS: {
        if (len <= (size_t)ck->limit) /* bytes >= characters */
            return 0;
        size_t n = utf8_chars(p, len);
        if (n <= (size_t)ck->limit)
            return 0;
        snprintf(why, whylen, "value of %zu characters is too long for %s", n, ck->type);
        return -1;
    }
    case SL_CHECK_BYTES:
        if (len <= (size_t)ck->limit)
            return 0;
        snprintf(why, whylen, "value of %zu bytes is too long for %s", len, ck->type);
        return -1;
    case SL_CHECK_HEX:
        for (size_t i = 0; i < len; i++) {
            char c = p[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                snprintf(why, whylen,
                         "not hex digits at character %zu (%s takes hex; see --binary)", i + 1,
                         ck->type);
                return -1;
            }
        }
        if (len % 2) {
            snprintf(why, whylen, "an odd number of hex digits (%zu) for %s", len, ck->type);
            return -1;
        }
        if (ck->limit >= 0 && len / 2 > (size_t)ck->limit) {
            snprintf(why, whylen, "value of %zu bytes is too long for %s", len / 2, ck->type);
            return -1;
        }
        return 0;
    default:
        return 0;
    }
}
