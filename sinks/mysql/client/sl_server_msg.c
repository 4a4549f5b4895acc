#include "sl_server_msg.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

unsigned long sl_server_msg_row(const char *msg)
{
    const char *p = strstr(msg, " at row ");
    if (!p)
        return 0;
    p += strlen(" at row ");
    if (*p < '0' || *p > '9')
        return 0;
    return strtoul(p, NULL, 10);
}

/* Finds "column " in either case; returns the text after it or NULL. */
static const char *after_column_word(const char *msg)
{
    for (const char *p = msg; *p; p++)
        if (strncasecmp(p, "column ", 7) == 0 && (p == msg || p[-1] == ' '))
            return p + 7;
    return NULL;
}

int sl_server_msg_column(const char *msg, char *out, size_t outlen)
{
    out[0] = '\0';
    const char *p = after_column_word(msg);
    if (!p || outlen == 0)
        return 0;
    int found = 0;
    /* a possibly qualified name: `db`.`t`.`c` or 'c'; keep the last part */
    while (*p == '`' || *p == '\'') {
        char q = *p++;
        const char *end = strchr(p, q);
        if (!end)
            break;
        size_t n = (size_t)(end - p);
        if (n >= outlen)
            n = outlen - 1;
        memcpy(out, p, n);
        out[n] = '\0';
        found = 1;
        p = end + 1;
        if (*p != '.')
            break;
        p++;
    }
    return found;
}
