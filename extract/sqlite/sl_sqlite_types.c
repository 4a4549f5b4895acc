/*
 * SQLite's declared types and storage classes against MySQL's types: see
 * sl_sqlite_types.h.
 */
#define _GNU_SOURCE /* strcasestr */
#include "sl_sqlite_types.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_utf8.h"

static int has(const char *decl, const char *word)
{
    return strcasestr(decl, word) != NULL;
}

static int starts(const char *decl, const char *word)
{
    return strncasecmp(decl, word, strlen(word)) == 0;
}

/* The first number in parentheses, and the second, or -1. */
static void parens(const char *decl, int *a, int *b)
{
    *a = *b = -1;
    const char *p = strchr(decl, '(');
    if (p && sscanf(p, "(%d , %d)", a, b) < 1)
        *a = -1;
}

int sl_sqlite_map_type(struct sl_fcol *c, const char *decl, int in_key, struct sl_ftable *t)
{
    char base[64];
    size_t n = strcspn(decl, "(");
    while (n > 0 && isspace((unsigned char)decl[n - 1]))
        n--;
    snprintf(base, sizeof base, "%.*s", (int)n, decl);
    for (char *p = base; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (sl_foreign_setf(&c->src_type, "%s", *decl ? decl : "(none)") != 0 ||
        sl_foreign_setf(&c->src_base, "%s", *base ? base : "none") != 0)
        return -1;
    int a, b;
    parens(decl, &a, &b);
    /* SQLite's own order of the affinity rules, with the names MySQL knows
     * first */
    if (starts(decl, "bool"))
        return sl_foreign_setf(&c->mysql_type, "TINYINT(1)");
    if (has(decl, "int"))
        return sl_foreign_setf(&c->mysql_type, "BIGINT");
    if (has(decl, "char") || has(decl, "clob") || has(decl, "text")) {
        if (a > 0 && a <= SL_FOREIGN_MAX_VARCHAR)
            return sl_foreign_setf(&c->mysql_type, "VARCHAR(%d)", a);
        if (in_key)
            return sl_foreign_setf(&c->mysql_type, "VARCHAR(%d)", SL_FOREIGN_KEY_VARCHAR) |
                   sl_ftable_note(t,
                                  "column %s: %s is in a key, so it becomes VARCHAR(%d); a "
                                  "longer value is a reject",
                                  c->name, decl, SL_FOREIGN_KEY_VARCHAR);
        return sl_foreign_setf(&c->mysql_type, "LONGTEXT");
    }
    if (has(decl, "blob"))
        return sl_foreign_setf(&c->mysql_type, in_key ? "VARBINARY(%d)" : "LONGBLOB",
                               SL_FOREIGN_KEY_VARBINARY);
    if (!*decl)
        return sl_foreign_setf(&c->mysql_type, "LONGTEXT") |
               sl_ftable_note(t,
                              "column %s has no declared type; it becomes LONGTEXT, and a "
                              "blob in it is a reject",
                              c->name);
    if (has(decl, "real") || has(decl, "floa") || has(decl, "doub"))
        return sl_foreign_setf(&c->mysql_type, "DOUBLE");
    if (starts(decl, "datetime") || starts(decl, "timestamp"))
        return sl_foreign_setf(&c->mysql_type, "DATETIME(6)");
    if (starts(decl, "date"))
        return sl_foreign_setf(&c->mysql_type, "DATE");
    if (starts(decl, "time"))
        return sl_foreign_setf(&c->mysql_type, "TIME(6)");
    if (starts(decl, "json"))
        return sl_foreign_setf(&c->mysql_type, "JSON");
    if ((starts(decl, "decimal") || starts(decl, "numeric")) && a > 0) {
        if (b < 0)
            b = 0;
        if (a > 65 || b > 30 || b > a)
            return sl_foreign_setf(
                &c->problem, "%s: MySQL's DECIMAL holds at most 65 digits, 30 after the point",
                decl);
        c->conv = SL_FCONV_DECIMAL;
        c->prec = a;
        c->scale = b;
        return sl_foreign_setf(&c->mysql_type, "DECIMAL(%d,%d)", a, b);
    }
    c->conv = SL_FCONV_DECIMAL;
    c->prec = 65;
    c->scale = 30;
    return sl_foreign_setf(&c->mysql_type, "DECIMAL(65,30)") |
           sl_ftable_note(t, "column %s: %s has numeric affinity; it becomes DECIMAL(65,30)",
                          c->name, decl);
}

enum sl_sqlite_kind sl_sqlite_kind_of(const struct sl_fcol *c)
{
    const char *m = c->mysql_type;
    switch (sl_canon_of_type(m)) {
    case SL_CANON_DECIMAL:
        return SL_SQ_DECIMAL;
    case SL_CANON_FLOAT:
    case SL_CANON_DOUBLE:
        return SL_SQ_DOUBLE;
    case SL_CANON_TEMPORAL:
        return SL_SQ_TEMPORAL;
    default:
        break;
    }
    if (has(m, "int") || has(m, "bool") || has(m, "bit") || has(m, "year"))
        return SL_SQ_INT;
    if (has(m, "blob") || has(m, "binary"))
        return SL_SQ_BLOB;
    return SL_SQ_TEXT;
}

/* The shortest text that reads back as d. */
static size_t real_text(double d, char *buf, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return strlen(buf);
}

/* Text that reads as a number: [-+]digits[.digits][e[-+]digits]. */
static int numeric_text(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < len && isdigit((unsigned char)s[i]))
        i++, digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && isdigit((unsigned char)s[i]); i++)
            digits++;
    if (digits && i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t e = 0;
        while (i < len && isdigit((unsigned char)s[i]))
            i++, e++;
        if (!e)
            return 0;
    }
    return digits > 0 && i == len;
}

static const char *const kind_name[] = {"an integer", "a DECIMAL", "a DOUBLE",
                                        "a text",     "a binary",  "a date or time"};

static int refuse(char *why, size_t cap, enum sl_sqlite_kind k, const char *what, const char *v,
                  size_t len)
{
    if (v)
        snprintf(why, cap, "%s ('%.*s') cannot go into %s column", what, (int)(len > 40 ? 40 : len),
                 v, kind_name[k]);
    else
        snprintf(why, cap, "%s cannot go into %s column", what, kind_name[k]);
    return -1;
}

int sl_sqlite_value(enum sl_sqlite_kind k, int type, const char *text, size_t len, double real,
                    char *buf, size_t cap, const char **out, size_t *out_len, char *why,
                    size_t why_cap)
{
    *out = text;
    *out_len = len;
    switch (type) {
    case SQLITE_INTEGER:
        if (k == SL_SQ_TEMPORAL || k == SL_SQ_BLOB)
            return refuse(why, why_cap, k, "an integer", text, len);
        return 0;
    case SQLITE_FLOAT:
        if (k == SL_SQ_TEMPORAL || k == SL_SQ_BLOB)
            return refuse(why, why_cap, k, "a real", text, len);
        *out_len = real_text(real, buf, cap);
        *out = buf;
        if (k == SL_SQ_INT)
            return refuse(why, why_cap, k, "a real with a fraction", buf, *out_len);
        return 0;
    case SQLITE_TEXT:
        if (k == SL_SQ_BLOB)
            return 0;
        if (sl_utf8_check((const unsigned char *)text, len) != len)
            return refuse(why, why_cap, k, "text that is not valid UTF-8", NULL, 0);
        if (k == SL_SQ_INT)
            return refuse(why, why_cap, k, "a text", text, len);
        if ((k == SL_SQ_DECIMAL || k == SL_SQ_DOUBLE) && !numeric_text(text, len))
            return refuse(why, why_cap, k, "a text", text, len);
        return 0;
    case SQLITE_BLOB:
        if (k != SL_SQ_BLOB)
            return refuse(why, why_cap, k, "a blob", NULL, 0);
        return 0;
    }
    return 0;
}
