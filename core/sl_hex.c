#include "sl_hex.h"

static const char digits[] = "0123456789ABCDEF";

void sl_hex_encode(char *out, const unsigned char *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
}

int sl_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

long sl_hex_decode(unsigned char *out, const char *in, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        if (sl_hex_digit(in[i]) < 0) {
            *bad = i;
            return -1;
        }
    }
    if (n % 2) {
        *bad = n;
        return -1;
    }
    /* out[i] is written after in[2i] and in[2i+1] are read, so in place works */
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (unsigned char)(sl_hex_digit(in[2 * i]) << 4 | sl_hex_digit(in[2 * i + 1]));
    return (long)(n / 2);
}
