#include "sl_ident.h"

#include <string.h>

int sl_ident_append(struct sl_buf *out, const char *name, size_t len)
{
    if (len == 0 || memchr(name, '\0', len))
        return -1;
    size_t ticks = 0;
    for (size_t i = 0; i < len; i++)
        ticks += name[i] == '`';
    if (sl_buf_reserve(out, len + ticks + 2) != 0)
        return -1;
    char *p = out->data + out->len;
    *p++ = '`';
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '`')
            *p++ = '`';
        *p++ = name[i];
    }
    *p++ = '`';
    out->len = (size_t)(p - out->data);
    return 0;
}

int sl_ident_append_qualified(struct sl_buf *out, const char *schema, const char *table)
{
    if (sl_ident_append(out, schema, strlen(schema)) != 0 || sl_buf_append(out, ".", 1) != 0)
        return -1;
    return sl_ident_append(out, table, strlen(table));
}

int sl_ident_append_literal(struct sl_buf *out, const char *s, size_t len)
{
    int rc = sl_buf_append(out, "'", 1);
    for (size_t i = 0; rc == 0 && i < len; i++) {
        if (s[i] == '\'')
            rc = sl_buf_append(out, "''", 2);
        else if (s[i] == '\\')
            rc = sl_buf_append(out, "\\\\", 2);
        else if (s[i] == '\0')
            rc = sl_buf_append(out, "\\0", 2);
        else
            rc = sl_buf_append(out, &s[i], 1);
    }
    return rc == 0 ? sl_buf_append(out, "'", 1) : -1;
}
