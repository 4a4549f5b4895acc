/*
 * libFuzzer harness for the URL parser and its maskers (core/sl_url.c).
 *
 * The input is split at its first NUL byte into a prefix and a suffix, and
 * the URL is prefix + SECRET + suffix, so that the fuzzer builds every shape
 * around a known password-like string (mysql:/u:SECRET@h, ?SECRET@, ...).
 * Oracles: a URL that does not parse never shows SECRET where it could be
 * a password (past the scheme, with an '@' after it); when the parse puts SECRET in the
 * password, neither sl_url_format, sl_url_mask nor sl_url_scrub shows it,
 * and sl_url_split_password leaves it out of the text. The same text under
 * postgresql:// goes through sl_pg_target_parse, whose shown URL and
 * errors must hide it alike.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_pg_conn.h"
#include "sl_url.h"

#define SECRET "Qz7SECRETpw9"

static void must_hide(const char *shown)
{
    if (strstr(shown, SECRET) || strstr(shown, "SECRET"))
        abort(); /* the password leaked */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t pre = nul ? (size_t)(nul - data) : size;
    size_t post = nul ? size - pre - 1 : 0;
    char *text = malloc(pre + sizeof SECRET + post);
    if (!text)
        return 0;
    memcpy(text, data, pre);
    memcpy(text + pre, SECRET, sizeof SECRET - 1);
    memcpy(text + pre + sizeof SECRET - 1, nul ? nul + 1 : data, post);
    text[pre + sizeof SECRET - 1 + post] = '\0';
    /* a string the fuzzer made itself, not SECRET, proves nothing */
    if (memmem(data, size, "SECRET", 6)) {
        free(text);
        return 0;
    }

    struct sl_url url;
    struct sl_err err;
    /* SECRET stands where a password may be when it lies past the scheme
     * (what messages may show, as sl_url_scheme_len measures it) with an '@'
     * after it; a piece with no '@' after it cannot be part of a password,
     * and a mistyped parameter name there may be quoted */
    const char *at_secret = strstr(text, SECRET);
    int password_like = at_secret && (size_t)(at_secret - text) >= sl_url_scheme_len(text) &&
                        strchr(at_secret + sizeof SECRET - 1, '@') != NULL;
    if (sl_url_parse(&url, text, &err) != 0) {
        if (password_like)
            must_hide(err.msg);
    } else {
        char out[8192];
        if (url.password && strstr(url.password, "SECRET")) {
            must_hide(sl_url_format(&url, out, sizeof out));
            must_hide(sl_url_mask(text, out, sizeof out));
            char *copy = strdup(text);
            if (copy) {
                sl_url_scrub(copy);
                must_hide(copy);
                free(copy);
            }
            char *pw = NULL;
            if (sl_url_split_password(text, out, sizeof out, &pw, &err) == 0)
                must_hide(out);
            free(pw);
        }
        sl_url_release(&url);
    }
    /* the same shapes as a PostgreSQL URL */
    if (strncmp(text, "mysql://", 8) == 0) {
        char *pg = malloc(strlen(text) + 16);
        if (pg) {
            strcpy(pg, "postgresql://");
            strcat(pg, text + 8);
            struct sl_pg_target t;
            if (sl_pg_target_parse(&t, pg, "from", &err) != 0) {
                if (password_like)
                    must_hide(err.msg);
            } else {
                if (t.password && strstr(t.password, "SECRET"))
                    must_hide(t.shown);
                sl_pg_target_release(&t);
            }
            free(pg);
        }
    }
    free(text);
    return 0;
}
