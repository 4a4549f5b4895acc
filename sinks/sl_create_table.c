#include "sl_create_table.h"

#include <string.h>

#include "sl_ident.h"

/* Skips a backtick-quoted identifier starting at p (doubled backticks are
 * part of it). Returns the byte after it, or NULL if it does not end. */
static const char *skip_ident(const char *p)
{
    if (*p != '`')
        return NULL;
    for (p++; *p; p++) {
        if (*p != '`')
            continue;
        if (p[1] != '`')
            return p + 1;
        p++;
    }
    return NULL;
}

static int starts(const char *p, const char *prefix)
{
    return strncmp(p, prefix, strlen(prefix)) == 0;
}

/* True for a definition line (without its indent) that defer moves into the
 * ALTER TABLE. */
static int deferred(const char *def)
{
    if (starts(def, "KEY ") || starts(def, "UNIQUE KEY ") || starts(def, "FULLTEXT KEY ") ||
        starts(def, "SPATIAL KEY ") || starts(def, "INDEX ") || starts(def, "UNIQUE INDEX "))
        return 1;
    if (!starts(def, "CONSTRAINT "))
        return 0;
    const char *p = skip_ident(def + strlen("CONSTRAINT "));
    return p && starts(p, " FOREIGN KEY ");
}

int sl_create_table_rewrite(const char *show, const char *schema, const char *table, int defer,
                            struct sl_buf *create, struct sl_buf *alter, struct sl_err *err)
{
    const char *head = "CREATE TABLE ";
    if (!starts(show, head))
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE did not start with CREATE TABLE");
    const char *p = skip_ident(show + strlen(head));
    if (p && *p == '.') /* a qualified name */
        p = skip_ident(p + 1);
    if (!p || !starts(p, " (\n"))
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE has an unexpected table name");
    p += 3;
    int rc = sl_buf_puts(create, head);
    if (rc == 0)
        rc = sl_ident_append_qualified(create, schema, table);
    if (rc == 0)
        rc = sl_buf_puts(create, " (\n");
    size_t nkept = 0, ndeferred = 0;
    /* each definition: "  text,\n", the last without the comma; then ")..." */
    while (rc == 0 && starts(p, "  ")) {
        const char *eol = strchr(p, '\n');
        if (!eol)
            return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE ends inside a definition");
        const char *def = p + 2;
        size_t len = (size_t)(eol - def);
        if (len > 0 && def[len - 1] == ',')
            len--;
        if (defer && deferred(def)) {
            if (ndeferred++ == 0) {
                rc = sl_buf_puts(alter, "ALTER TABLE ");
                if (rc == 0)
                    rc = sl_ident_append_qualified(alter, schema, table);
                if (rc == 0)
                    rc = sl_buf_puts(alter, " ADD ");
            } else {
                rc = sl_buf_puts(alter, ", ADD ");
            }
            if (rc == 0)
                rc = sl_buf_append(alter, def, len);
        } else {
            if (nkept++ > 0)
                rc = sl_buf_puts(create, ",\n");
            if (rc == 0)
                rc = sl_buf_puts(create, "  ");
            if (rc == 0)
                rc = sl_buf_append(create, def, len);
        }
        p = eol + 1;
    }
    if (rc == 0 && *p != ')')
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE has an unexpected line");
    if (rc == 0 && nkept == 0)
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE lists no columns");
    if (rc == 0)
        rc = sl_buf_puts(create, "\n");
    if (rc == 0)
        rc = sl_buf_puts(create, p);
    if (rc != 0 || !sl_buf_cstr(create) || (ndeferred && !sl_buf_cstr(alter)))
        return sl_err_set(err, SL_ERR_FATAL, "the table's definition is too long");
    return 0;
}
