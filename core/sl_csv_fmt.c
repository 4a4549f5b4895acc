#include "sl_csv_fmt.h"

#include <string.h>

#include "sl_hex.h"

static int needs_quotes(const char *p, size_t n)
{
    if (n == 0 || (n == 2 && p[0] == '\\' && p[1] == 'N'))
        return 1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return 1;
    }
    return 0;
}

int sl_csv_fmt_field(struct sl_buf *out, const char *p, size_t n)
{
    if (!needs_quotes(p, n))
        return sl_buf_append(out, p, n);
    if (sl_buf_append(out, "\"", 1) != 0)
        return -1;
    for (const char *q; (q = memchr(p, '"', n)) != NULL;) {
        size_t k = (size_t)(q - p) + 1;
        if (sl_buf_append(out, p, k) != 0 || sl_buf_append(out, "\"", 1) != 0)
            return -1;
        p += k;
        n -= k;
    }
    if (sl_buf_append(out, p, n) != 0)
        return -1;
    return sl_buf_append(out, "\"", 1);
}

int sl_csv_fmt_hex_field(struct sl_buf *out, const unsigned char *p, size_t n)
{
    if (n == 0)
        return sl_buf_append(out, "\"\"", 2);
    if (sl_buf_reserve(out, 2 * n) != 0)
        return -1;
    sl_hex_encode(out->data + out->len, p, n);
    out->len += 2 * n;
    return 0;
}

int sl_csv_fmt_null(struct sl_buf *out)
{
    return sl_buf_append(out, "\\N", 2);
}

int sl_csv_fmt_names(struct sl_buf *out, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((i && sl_buf_append(out, ",", 1) != 0) ||
            sl_csv_fmt_field(out, names[i], strlen(names[i])) != 0)
            return -1;
    return sl_buf_append(out, "\n", 1);
}
