#include "sl_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_buf_init(struct sl_buf *b, size_t max_cap)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max_cap = max_cap;
}

void sl_buf_release(struct sl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

int sl_buf_reserve(struct sl_buf *b, size_t more)
{
    if (more > b->max_cap || b->len > b->max_cap - more)
        return -1;
    size_t need = b->len + more;
    if (need <= b->cap)
        return 0;
    /* cap never passes max_cap, so that sl_buf_append() may trust cap */
    size_t ncap = b->cap ? b->cap : 256 < b->max_cap ? 256 : b->max_cap;
    while (ncap < need)
        ncap = ncap > b->max_cap / 2 ? b->max_cap : ncap * 2;
    char *p = realloc(b->data, ncap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = ncap;
    return 0;
}

int sl_buf_append_grow(struct sl_buf *b, const void *p, size_t n)
{
    if (sl_buf_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int sl_buf_puts(struct sl_buf *b, const char *s)
{
    return sl_buf_append(b, s, strlen(s));
}

int sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || sl_buf_reserve(b, (size_t)n + 1) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *sl_buf_cstr(struct sl_buf *b)
{
    if (sl_buf_reserve(b, 1) != 0)
        return NULL;
    b->data[b->len] = '\0';
    return b->data;
}
