/*
 * sl_escape: showing bytes that may hold anything (a rejected value) as
 * readable text.
 */
#ifndef SL_ESCAPE_H
#define SL_ESCAPE_H

#include <stddef.h>

/* Writes the n bytes at s into out (cap bytes, cap >= 8) as text: tab,
 * newline and carriage return as \t, \n and \r, a backslash as \\, a single
 * quote as \', other bytes below 0x20 (NUL among them, as \x00) and 0x7f as
 * \xHH; every other byte as it is. When out is too small the text is cut at
 * a whole escape and ends in "...". Returns the length written (out is
 * always NUL-terminated). */
size_t sl_escape_bytes(const char *s, size_t n, char *out, size_t cap);

#endif
