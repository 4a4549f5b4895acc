/*
 * sl_base64: decoding base64 (the standard or the URL-safe alphabet, '='
 * padding optional), for the base64 transform and MongoDB's $binary.
 */
#ifndef SL_BASE64_H
#define SL_BASE64_H

#include <stddef.h>

#include "sl_buf.h"

/* Appends the bytes that the n characters at in encode to out. Returns 0;
 * -1 when a character is not base64 (*bad is its 0-based index) or the
 * length cannot be base64 (*bad is n); -2 when out is full. */
int sl_base64_decode(const char *in, size_t n, struct sl_buf *out, size_t *bad);

#endif
