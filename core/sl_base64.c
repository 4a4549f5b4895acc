#include "sl_base64.h"

static int digit(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int sl_base64_decode(const char *in, size_t n, struct sl_buf *out, size_t *bad)
{
    size_t len = n;
    while (len > 0 && in[len - 1] == '=')
        len--;
    if (n - len > 2 || len % 4 == 1) {
        *bad = n;
        return -1;
    }
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int d = digit((unsigned char)in[i]);
        if (d < 0) {
            *bad = i;
            return -1;
        }
        acc = (acc << 6) | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned char byte = (unsigned char)(acc >> bits);
            if (sl_buf_append(out, &byte, 1) != 0)
                return -2;
        }
    }
    return 0;
}
