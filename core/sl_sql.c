#include "sl_sql.h"

#include <string.h>

/* Skips a quoted run starting at s[i] (the quote). Returns the index just
 * past its closing quote, or strlen(s) when it never closes. */
static size_t skip_quoted(const char *s, size_t i)
{
    char q = s[i++];
    while (s[i]) {
        if (s[i] == '\\' && q != '`' && s[i + 1]) {
            i += 2;
        } else if (s[i] == q) {
            if (s[i + 1] != q)
                return i + 1;
            i += 2; /* a doubled quote stands for itself */
        } else {
            i++;
        }
    }
    return i;
}

/* Skips spaces and comments from s[i]. Returns the index of the next byte
 * that is neither. */
static size_t skip_blank(const char *s, size_t i)
{
    for (;;) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
            i++;
        } else if (s[i] == '#' || (s[i] == '-' && s[i + 1] == '-' &&
                                   (s[i + 2] == ' ' || s[i + 2] == '\t' || s[i + 2] == '\n' ||
                                    s[i + 2] == '\0'))) {
            while (s[i] && s[i] != '\n')
                i++;
        } else if (s[i] == '/' && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            i = end ? (size_t)(end - s) + 2 : strlen(s);
        } else {
            return i;
        }
    }
}

long sl_sql_second_statement(const char *sql)
{
    size_t i = 0;
    while (sql[i]) {
        size_t b = skip_blank(sql, i);
        if (b != i) {
            i = b;
            continue;
        }
        if (sql[i] == '\'' || sql[i] == '"' || sql[i] == '`') {
            i = skip_quoted(sql, i);
        } else if (sql[i] == ';') {
            size_t semi = i;
            do
                i = skip_blank(sql, i + 1);
            while (sql[i] == ';');
            if (sql[i])
                return (long)semi;
        } else {
            i++;
        }
    }
    return -1;
}

int sl_sql_check_one(const char *opt, const char *sql, struct sl_err *err)
{
    long at = sql ? sl_sql_second_statement(sql) : -1;
    if (at < 0)
        return 0;
    return sl_err_set(err, SL_ERR_FATAL,
                      "%s must be one statement, but a second one follows the ';' at byte %ld; "
                      "sluice runs only one statement there",
                      opt, at + 1);
}
