#include "sl_escape.h"

#include <stdio.h>
#include <string.h>

size_t sl_escape_bytes(const char *s, size_t n, char *out, size_t cap)
{
    const size_t room = cap - 4; /* for "..." and the NUL */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[5];
        size_t len = 2;
        esc[0] = '\\';
        switch (c) {
        case '\t':
            esc[1] = 't';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\'':
            esc[1] = '\'';
            break;
        default:
            if (c < 0x20 || c == 0x7f) { /* NUL too: \x00, never a digit-led \0 */
                snprintf(esc, sizeof esc, "\\x%02x", c);
                len = 4;
            } else {
                esc[0] = (char)c;
                len = 1;
            }
        }
        if (o + len > room) {
            memcpy(out + o, "...", 4);
            return o + 3;
        }
        memcpy(out + o, esc, len);
        o += len;
    }
    out[o] = '\0';
    return o;
}
