#include "sl_checksum.h"

#include <stdlib.h>
#include <string.h>

#include "sl_ident.h"

static int is_text(const char *type)
{
    static const char *const text[] = {"char",     "varchar", "tinytext", "text", "mediumtext",
                                       "longtext", "enum",    "set",      "json", NULL};
    for (size_t i = 0; text[i]; i++)
        if (!strcmp(type, text[i]))
            return 1;
    return 0;
}

/* Appends one value of the row: text not already in utf8mb4 is converted
 * to it, FLOAT is read as DOUBLE, anything else is its own bytes. */
static int append_value(struct sl_buf *out, const struct sl_column *c, const char *name)
{
    int text = is_text(c->data_type), flt = !strcmp(c->data_type, "float");
    int convert = text && strcmp(c->charset, "utf8mb4") != 0;
    int rc = sl_buf_puts(out, convert ? ", CONVERT(" : flt ? ", CAST(" : ", ");
    if (rc == 0)
        rc = sl_ident_append(out, name, strlen(name));
    if (rc == 0 && (convert || flt))
        rc = sl_buf_puts(out, convert ? " USING utf8mb4)" : " AS DOUBLE)");
    return rc;
}

/* Appends the NULL flags: one character per column, '1' for NULL. A NOT
 * NULL column's flag is the constant '0' (what ISNULL() would give), so the
 * server evaluates ISNULL() only for the columns that can be NULL. */
static int append_flags(struct sl_buf *out, const struct sl_table *t, const long *at,
                        char *const *cols, size_t ncols)
{
    size_t nullable = 0;
    for (size_t i = 0; i < ncols; i++)
        nullable += t->cols[at[i]].nullable != 0;
    int rc = sl_buf_puts(out, nullable ? ", CONCAT('" : ", '");
    int in_literal = 1;
    for (size_t i = 0; rc == 0 && i < ncols; i++) {
        if (!t->cols[at[i]].nullable) {
            rc = sl_buf_puts(out, in_literal ? "0" : ", '0");
            in_literal = 1;
            continue;
        }
        rc = sl_buf_puts(out, in_literal ? "', ISNULL(" : ", ISNULL(");
        if (rc == 0)
            rc = sl_ident_append(out, cols[i], strlen(cols[i]));
        if (rc == 0)
            rc = sl_buf_puts(out, ")");
        in_literal = 0;
    }
    if (rc == 0 && in_literal)
        rc = sl_buf_puts(out, "'");
    if (rc == 0 && nullable)
        rc = sl_buf_puts(out, ")");
    return rc;
}

int sl_checksum_sql(struct sl_buf *out, const struct sl_table *t, char *const *cols, size_t ncols)
{
    long *at = calloc(ncols ? ncols : 1, sizeof *at);
    if (!at)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ncols; i++)
        if ((at[i] = sl_table_find(t, cols[i], strlen(cols[i]))) < 0)
            rc = -1;
    if (rc == 0)
        rc = sl_buf_puts(out, "SELECT /* sluice verify */ COUNT(*), "
                              "COALESCE(SUM(CRC32(CONCAT_WS('#'");
    for (size_t i = 0; rc == 0 && i < ncols; i++)
        rc = append_value(out, &t->cols[at[i]], cols[i]);
    if (rc == 0)
        rc = append_flags(out, t, at, cols, ncols);
    free(at);
    if (rc == 0)
        rc = sl_buf_puts(out, "))), 0) FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(out, t->schema, t->name);
    return rc == 0 && sl_buf_cstr(out) ? 0 : -1;
}
