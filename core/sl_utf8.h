/*
 * sl_utf8: validation of UTF-8 text.
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

#endif
