#include "sl_checksum.h"

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

int sl_checksum_sql(struct sl_buf *out, const struct sl_table *t, char *const *cols, size_t ncols)
{
    int rc = sl_buf_puts(out, "SELECT /* sluice verify */ COUNT(*), "
                              "COALESCE(SUM(CRC32(CONCAT_WS('#'");
    for (size_t i = 0; rc == 0 && i < ncols; i++) {
        long k = sl_table_find(t, cols[i], strlen(cols[i]));
        if (k < 0)
            return -1;
        const char *type = t->cols[k].data_type;
        int text = is_text(type), flt = !strcmp(type, "float");
        rc = sl_buf_puts(out, text ? ", CONVERT(" : flt ? ", CAST(" : ", ");
        if (rc == 0)
            rc = sl_ident_append(out, cols[i], strlen(cols[i]));
        if (rc == 0 && (text || flt))
            rc = sl_buf_puts(out, text ? " USING utf8mb4)" : " AS DOUBLE)");
    }
    if (rc == 0)
        rc = sl_buf_puts(out, ", CONCAT(''");
    for (size_t i = 0; rc == 0 && i < ncols; i++) {
        rc = sl_buf_puts(out, ", ISNULL(");
        if (rc == 0)
            rc = sl_ident_append(out, cols[i], strlen(cols[i]));
        if (rc == 0)
            rc = sl_buf_puts(out, ")");
    }
    if (rc == 0)
        rc = sl_buf_puts(out, ")))), 0) FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(out, t->schema, t->name);
    return rc == 0 && sl_buf_cstr(out) ? 0 : -1;
}
