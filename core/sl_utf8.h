/*
 * sl_utf8: validation of UTF-8 text, and the encoding of one code point.
 *
 * Strict RFC 3629 rules: no overlong forms, no surrogates (U+D800..U+DFFF),
 * nothing above U+10FFFF. Four-byte characters (emoji and the like) are valid.
 */
#ifndef SL_UTF8_H
#define SL_UTF8_H

#include <stddef.h>

/* Returns len if p[0..len) is valid UTF-8, otherwise the offset of the first
 * byte of the first invalid or truncated sequence. */
size_t sl_utf8_check(const unsigned char *p, size_t len);

/* Writes code point cp (at most U+10FFFF, not a surrogate) as UTF-8 into
 * out and returns its length, 1 to 4. */
size_t sl_utf8_encode(unsigned char out[4], unsigned long cp);

#endif
