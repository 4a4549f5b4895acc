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

/* Skips a quoted string starting at p: 'text' or "text", where a doubled
 * quote or a backslash escape is part of it. Returns the byte after it, or
 * NULL if it does not end. */
static const char *skip_string(const char *p)
{
    char q = *p;
    for (p++; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == q) {
            if (p[1] != q)
                return p + 1;
            p++;
        }
    }
    return NULL;
}

/* Finds the end of the definition starting at p: the ',' of its ",\n", or the
 * '\n' of the "\n)" that closes the list (*last set). Quoted names and
 * strings may hold newlines, commas and parentheses, so they are skipped
 * whole, and only a comma outside parentheses ends a definition. Returns
 * NULL if the text ends first or a line breaks outside quotes. */
static const char *def_end(const char *p, int *last)
{
    int depth = 0;
    while (*p) {
        if (*p == '`') {
            p = skip_ident(p);
        } else if (*p == '\'' || *p == '"') {
            p = skip_string(p);
        } else if (*p == '(') {
            depth++, p++;
        } else if (*p == ')') {
            depth--, p++;
        } else if (depth == 0 && *p == ',' && p[1] == '\n') {
            *last = 0;
            return p;
        } else if (*p == '\n') {
            if (depth != 0 || p[1] != ')')
                return NULL;
            *last = 1;
            return p;
        } else {
            p++;
        }
        if (!p)
            return NULL;
    }
    return NULL;
}

static int starts(const char *p, const char *prefix)
{
    return strncmp(p, prefix, strlen(prefix)) == 0;
}

/* What a copy deferred to after its rows does with a definition line. */
enum deferral { KEEP, DEFER_INDEX, DEFER_FK };

/* Classifies a definition line (without its indent) for a deferred copy and,
 * for a deferred one, points *name at its backtick-quoted name (*nlen bytes,
 * backticks included). */
static enum deferral deferred(const char *def, const char **name, size_t *nlen)
{
    static const char *const index_heads[] = {
        "KEY ",   "UNIQUE KEY ",   "FULLTEXT KEY ",   "SPATIAL KEY ",
        "INDEX ", "UNIQUE INDEX ", "FULLTEXT INDEX ", "SPATIAL INDEX "};
    for (size_t i = 0; i < sizeof index_heads / sizeof index_heads[0]; i++) {
        if (!starts(def, index_heads[i]))
            continue;
        *name = def + strlen(index_heads[i]);
        const char *end = skip_ident(*name);
        if (!end)
            return KEEP;
        *nlen = (size_t)(end - *name);
        return DEFER_INDEX;
    }
    if (!starts(def, "CONSTRAINT "))
        return KEEP;
    *name = def + strlen("CONSTRAINT ");
    const char *end = skip_ident(*name);
    if (!end || !starts(end, " FOREIGN KEY "))
        return KEEP;
    *nlen = (size_t)(end - *name);
    return DEFER_FK;
}

/* Appends one clause to the ALTER TABLE in buf, starting the statement when
 * buf is still empty. */
static int alter_clause(struct sl_buf *buf, const char *schema, const char *table, const char *verb,
                        const char *text, size_t len)
{
    int rc = 0;
    if (buf->len == 0) {
        rc = sl_buf_puts(buf, "ALTER TABLE ");
        if (rc == 0)
            rc = sl_ident_append_qualified(buf, schema, table);
        if (rc == 0)
            rc = sl_buf_puts(buf, " ");
    } else {
        rc = sl_buf_puts(buf, ", ");
    }
    if (rc == 0)
        rc = sl_buf_puts(buf, verb);
    if (rc == 0)
        rc = sl_buf_append(buf, text, len);
    return rc;
}

/* True when buf is empty or its statement fits with its terminating NUL. */
static int terminated(struct sl_buf *buf)
{
    return buf->len == 0 || sl_buf_cstr(buf) != NULL;
}

void sl_create_sql_init(struct sl_create_sql *s, size_t max)
{
    sl_buf_init(&s->create, max);
    sl_buf_init(&s->drop_fks, max);
    sl_buf_init(&s->drop_keys, max);
    sl_buf_init(&s->add, max);
}

void sl_create_sql_release(struct sl_create_sql *s)
{
    sl_buf_release(&s->create);
    sl_buf_release(&s->drop_fks);
    sl_buf_release(&s->drop_keys);
    sl_buf_release(&s->add);
}

int sl_create_table_rewrite(const char *show, const char *schema, const char *table,
                            enum sl_rewrite_defer defer, struct sl_create_sql *s,
                            struct sl_err *err)
{
    s->fks = 0;
    const char *head = "CREATE TABLE ";
    if (!starts(show, head))
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE did not start with CREATE TABLE");
    const char *p = skip_ident(show + strlen(head));
    if (p && *p == '.') /* a qualified name */
        p = skip_ident(p + 1);
    if (!p || !starts(p, " (\n"))
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE has an unexpected table name");
    p += 3;
    struct sl_buf *create = &s->create;
    int rc = sl_buf_puts(create, head);
    if (rc == 0)
        rc = sl_ident_append_qualified(create, schema, table);
    if (rc == 0)
        rc = sl_buf_puts(create, " (\n");
    size_t ndefs = 0, ncols = 0;
    /* each definition: "  text,\n", the last without the comma; then ")..." */
    for (int last = 0; rc == 0 && !last;) {
        if (!starts(p, "  "))
            return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE has an unexpected line");
        const char *def = p + 2;
        const char *end = def_end(def, &last);
        if (!end)
            return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE ends inside a definition");
        size_t len = (size_t)(end - def);
        if (ndefs++ > 0)
            rc = sl_buf_puts(create, ",\n");
        if (rc == 0)
            rc = sl_buf_puts(create, "  ");
        if (rc == 0)
            rc = sl_buf_append(create, def, len);
        ncols += def[0] == '`';
        const char *name = NULL;
        size_t nlen = 0;
        enum deferral d = deferred(def, &name, &nlen);
        s->fks += d == DEFER_FK;
        if (defer == SL_REWRITE_KEEP ||
            (defer == SL_REWRITE_NON_UNIQUE && (d == DEFER_FK || starts(def, "UNIQUE "))))
            d = KEEP;
        if (rc == 0 && d != KEEP)
            rc = alter_clause(&s->add, schema, table, "ADD ", def, len);
        if (rc == 0 && d == DEFER_INDEX)
            rc = alter_clause(&s->drop_keys, schema, table, "DROP INDEX ", name, nlen);
        if (rc == 0 && d == DEFER_FK)
            rc = alter_clause(&s->drop_fks, schema, table, "DROP FOREIGN KEY ", name, nlen);
        p = end + (last ? 1 : 2);
    }
    if (rc == 0 && *p != ')')
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE has an unexpected line");
    if (rc == 0 && ncols == 0)
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE lists no columns");
    if (rc == 0)
        rc = sl_buf_puts(create, "\n");
    if (rc == 0)
        rc = sl_buf_puts(create, p);
    if (rc != 0 || !sl_buf_cstr(create) || !terminated(&s->add) || !terminated(&s->drop_keys) ||
        !terminated(&s->drop_fks))
        return sl_err_set(err, SL_ERR_FATAL, "the table's definition is too long");
    return 0;
}
