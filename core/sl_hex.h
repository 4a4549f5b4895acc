/*
 * sl_hex: the text encoding of binary column values.
 *
 * sluice extract writes BINARY, VARBINARY, BLOB and BIT values as hex
 * digits (two upper-case digits per byte, no prefix), so that bytes such as
 * 0x00, ',', '"' and newlines pass through CSV untouched; sluice load decodes
 * them again for binary target columns.
 */
#ifndef SL_HEX_H
#define SL_HEX_H

#include <stddef.h>

/* Writes 2*n hex digits for the n bytes at in to out (not terminated). */
void sl_hex_encode(char *out, const unsigned char *in, size_t n);

/* The value of one hex digit (either case), or -1 for any other character. */
int sl_hex_digit(char c);

/* Decodes n hex digits (either case) at in into n/2 bytes at out; out may be
 * in itself (decoding in place). Returns the number of bytes written, or -1
 * if n is odd or a character is not a hex digit; then *bad is the 0-based
 * index of the first offending character (n for an odd length). */
long sl_hex_decode(unsigned char *out, const char *in, size_t n, size_t *bad);

#endif
