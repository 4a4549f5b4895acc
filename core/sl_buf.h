/*
 * sl_buf: a growable byte buffer with a hard size cap.
 *
 * Every buffer whose size depends on input carries a cap, so that a hostile
 * or broken input (a 10 GB line, say) fails with an error instead of eating
 * the machine's memory. The contents are not NUL-terminated unless
 * sl_buf_cstr() is called.
 */
#ifndef SL_BUF_H
#define SL_BUF_H

#include <stddef.h>
#include <string.h>

struct sl_buf {
    char *data;
    size_t len;
    size_t cap;     /* bytes allocated, never more than max_cap */
    size_t max_cap; /* never grow beyond this many bytes */
};

/* Initialises an empty buffer that may grow to max_cap bytes. Allocates
 * nothing. */
void sl_buf_init(struct sl_buf *b, size_t max_cap);

/* Frees the memory; the buffer is empty and reusable afterwards. */
void sl_buf_release(struct sl_buf *b);

/* Makes room for `more` bytes past len. Returns 0, or -1 if that would pass
 * max_cap or malloc fails (the buffer is unchanged then). */
int sl_buf_reserve(struct sl_buf *b, size_t more);

/* The part of sl_buf_append() that grows the buffer. */
int sl_buf_append_grow(struct sl_buf *b, const void *p, size_t n);

/* Appends n bytes. Returns 0, or -1 as sl_buf_reserve (nothing appended).
 * Inline: it runs once per value on every hot path. */
static inline int sl_buf_append(struct sl_buf *b, const void *p, size_t n)
{
    if (n > b->cap - b->len)
        return sl_buf_append_grow(b, p, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Appends a NUL-terminated string. */
int sl_buf_puts(struct sl_buf *b, const char *s);

/* Appends printf-formatted text. Returns 0 or -1. */
int sl_buf_printf(struct sl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns the contents as a NUL-terminated string (the NUL is not counted in
 * len), or NULL if the terminator does not fit under max_cap. */
const char *sl_buf_cstr(struct sl_buf *b);

/* Empties the buffer, keeping its memory. */
static inline void sl_buf_reset(struct sl_buf *b)
{
    b->len = 0;
}

#endif
