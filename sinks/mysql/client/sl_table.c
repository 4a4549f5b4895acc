#include "sl_table.h"

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_ident.h"

/* A COLUMN_DEFAULT that is a constant, as its value: MariaDB quotes a text
 * default ('it''s'), and a number stands as it is; anything else (NULL, an
 * expression such as current_timestamp()) gives NULL. errno is ENOMEM when
 * the copy failed. */
static char *constant(const char *d)
{
    errno = 0;
    size_t n = strlen(d);
    if (n >= 2 && d[0] == '\'' && d[n - 1] == '\'') {
        char *out = malloc(n);
        if (!out) {
            errno = ENOMEM;
            return NULL;
        }
        size_t o = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            out[o++] = d[i];
            if (d[i] == '\'' && d[i + 1] == '\'')
                i++;
        }
        out[o] = '\0';
        return out;
    }
    char *end;
    errno = 0;
    (void)strtod(d, &end);
    if (n == 0 || *end || errno) {
        errno = 0;
        return NULL;
    }
    char *out = strdup(d);
    if (!out)
        errno = ENOMEM;
    return out;
}

static int add_column(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct sl_table *t = ctx;
    if (n < 8 || !v[0] || !v[1] || !v[2])
        return 1;
    struct sl_column *nc = realloc(t->cols, (t->ncols + 1) * sizeof *nc);
    if (!nc)
        return 1;
    t->cols = nc;
    struct sl_column *c = &t->cols[t->ncols];
    memset(c, 0, sizeof *c);
    c->name = strdup(v[0]);
    c->data_type = strdup(v[1]);
    c->column_type = strdup(v[2]);
    t->ncols++;
    if (!c->name || !c->data_type || !c->column_type)
        return 1;
    c->nullable = v[3] && strcmp(v[3], "YES") == 0;
    const char *extra = v[5] ? v[5] : "";
    c->generated = strstr(extra, "GENERATED") != NULL || strstr(extra, "VIRTUAL") != NULL ||
                   strstr(extra, "PERSISTENT") != NULL || strstr(extra, "STORED") != NULL;
    c->max_chars = v[6] ? strtoll(v[6], NULL, 10) : -1;
    snprintf(c->charset, sizeof c->charset, "%s", v[7] ? v[7] : "");
    c->is_unsigned = strstr(c->column_type, "unsigned") != NULL;
    c->is_json = strcmp(c->data_type, "json") == 0;
    c->has_default = (v[4] && strcmp(v[4], "1") == 0) || c->nullable ||
                     strstr(extra, "auto_increment") != NULL || c->generated;
    if (v[8] && !strstr(extra, "DEFAULT_GENERATED") && !(c->default_value = constant(v[8])) &&
        errno == ENOMEM)
        return 1;
    return 0;
}

static int add_key_part(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    struct sl_table *t = ctx;
    long col = n >= 1 && v[0] ? sl_table_find(t, v[0], lens[0]) : -1;
    if (col < 0)
        return 0; /* an index on an expression: not a usable key part */
    size_t *np = realloc(t->pk, (t->npk + 1) * sizeof *np);
    if (!np)
        return 1;
    t->pk = np;
    t->pk[t->npk++] = (size_t)col;
    return 0;
}

/* MariaDB's JSON is LONGTEXT with CHECK (json_valid(`col`)). */
static int mark_json(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct sl_table *t = ctx;
    for (size_t i = 0; n >= 1 && v[0] && i < t->ncols; i++) {
        char want[300];
        snprintf(want, sizeof want, "json_valid(`%s`)", t->cols[i].name);
        if (strcmp(v[0], want) == 0)
            t->cols[i].is_json = 1;
    }
    return 0;
}

static int mark_unique(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    struct sl_table *t = ctx;
    long col = n >= 1 && v[0] ? sl_table_find(t, v[0], lens[0]) : -1;
    if (col >= 0)
        t->cols[col].in_unique_key = 1;
    return 0;
}

static int read_estimate(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct sl_table *t = ctx;
    if (n >= 1 && v[0])
        t->est_rows = strtoll(v[0], NULL, 10);
    t->clustered = n >= 2 && v[1] && strcmp(v[1], "InnoDB") == 0;
    return 0;
}

static int count_one(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)v, (void)lens, (void)n;
    (*(int *)ctx)++;
    return 0;
}

static int found_row(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)vals;
    (void)lens;
    (void)n;
    *(int *)ctx = 1;
    return 0;
}

int sl_table_exists(MYSQL *m, const char *schema, const char *name, struct sl_err *err)
{
    const char *params[] = {schema, name};
    int found = 0;
    if (sl_conn_select(m,
                       "SELECT 1 FROM information_schema.TABLES"
                       " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                       params, 2, found_row, &found, err) != 0)
        return -1;
    return found;
}

int sl_table_has_rows(MYSQL *m, const char *schema, const char *name, struct sl_err *err)
{
    struct sl_buf sql;
    sl_buf_init(&sql, 4096);
    int found = 0, rc;
    if (sl_buf_puts(&sql, "SELECT 1 FROM ") != 0 ||
        sl_ident_append_qualified(&sql, schema, name) != 0 || sl_buf_puts(&sql, " LIMIT 1") != 0 ||
        !sl_buf_cstr(&sql))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    else
        rc = sl_conn_select(m, sql.data, NULL, 0, found_row, &found, err);
    sl_buf_release(&sql);
    return rc != 0 ? -1 : found;
}

int sl_table_describe(MYSQL *m, const char *schema, const char *name, struct sl_table *t,
                      struct sl_err *err)
{
    memset(t, 0, sizeof *t);
    t->schema = strdup(schema);
    t->name = strdup(name);
    if (!t->schema || !t->name) {
        sl_table_release(t);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    const char *params[] = {schema, name};
    int rc = sl_conn_select(m,
                            "SELECT COLUMN_NAME, LOWER(DATA_TYPE), COLUMN_TYPE, IS_NULLABLE, "
                            "COLUMN_DEFAULT IS NOT NULL, EXTRA, CHARACTER_MAXIMUM_LENGTH, "
                            "CHARACTER_SET_NAME, COLUMN_DEFAULT "
                            "FROM information_schema.COLUMNS "
                            "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                            params, 2, add_column, t, err);
    if (rc > 0)
        sl_err_set(err, SL_ERR_FATAL, "out of memory reading the columns of %s.%s", schema, name);
    if (rc != 0) {
        sl_table_release(t);
        return -1;
    }
    if (t->ncols == 0) {
        int found = 0;
        sl_table_release(t);
        if (sl_conn_select(m, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                           params, 1, count_one, &found, err) != 0)
            return -1;
        if (!found)
            return sl_err_set(err, SL_ERR_FATAL, "database '%s' does not exist", schema);
        return sl_err_set(err, SL_ERR_FATAL,
                          "table '%s.%s' does not exist (or this user may not see it)", schema,
                          name);
    }
    t->est_rows = -1;
    rc = sl_conn_select(m,
                        "SELECT COLUMN_NAME FROM information_schema.STATISTICS "
                        "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' "
                        "ORDER BY SEQ_IN_INDEX",
                        params, 2, add_key_part, t, err);
    if (rc == 0)
        rc = sl_conn_select(m,
                            "SELECT COLUMN_NAME FROM information_schema.STATISTICS "
                            "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0",
                            params, 2, mark_unique, t, err);
    if (rc == 0)
        rc = sl_conn_select(m,
                            "SELECT TABLE_ROWS, ENGINE FROM information_schema.TABLES "
                            "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                            params, 2, read_estimate, t, err);
    if (rc == 0) { /* a server without CHECK_CONSTRAINTS has no such JSON columns */
        struct sl_err ignored;
        sl_conn_select(m,
                       "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                       "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?",
                       params, 2, mark_json, t, &ignored);
    }
    if (rc > 0)
        sl_err_set(err, SL_ERR_FATAL, "out of memory reading the key of %s.%s", schema, name);
    if (rc != 0) {
        sl_table_release(t);
        return -1;
    }
    return 0;
}

int sl_type_is_integer(const char *d)
{
    return !strcmp(d, "tinyint") || !strcmp(d, "smallint") || !strcmp(d, "mediumint") ||
           !strcmp(d, "int") || !strcmp(d, "bigint");
}

int sl_table_has_integer_key(const struct sl_table *t)
{
    return t->npk == 1 && sl_type_is_integer(t->cols[t->pk[0]].data_type);
}

long sl_table_find(const struct sl_table *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strlen(t->cols[i].name) == len && strncasecmp(t->cols[i].name, name, len) == 0)
            return (long)i;
    return -1;
}

void sl_table_release(struct sl_table *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].data_type);
        free(t->cols[i].column_type);
        free(t->cols[i].default_value);
    }
    free(t->cols);
    free(t->pk);
    free(t->schema);
    free(t->name);
    memset(t, 0, sizeof *t);
}

struct min_max {
    char *min, *max;
};

static int read_min_max(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct min_max *mm = ctx;
    if (n == 2 && v[0] && v[1]) {
        mm->min = strdup(v[0]);
        mm->max = strdup(v[1]);
        if (!mm->min || !mm->max)
            return 1;
    }
    return 0;
}

int sl_table_key_span(MYSQL *m, const struct sl_table *t, char **min, char **max,
                      struct sl_err *err)
{
    *min = *max = NULL;
    if (t->npk == 0)
        return sl_err_set(err, SL_ERR_FATAL, "%s.%s has no primary key", t->schema, t->name);
    const char *k = t->cols[t->pk[0]].name;
    struct sl_buf sql;
    sl_buf_init(&sql, 1 << 20);
    int rc = sl_buf_puts(&sql, "SELECT MIN(");
    if (rc == 0)
        rc = sl_ident_append(&sql, k, strlen(k));
    if (rc == 0)
        rc = sl_buf_puts(&sql, "), MAX(");
    if (rc == 0)
        rc = sl_ident_append(&sql, k, strlen(k));
    if (rc == 0)
        rc = sl_buf_puts(&sql, ") FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&sql, t->schema, t->name);
    struct min_max mm = {NULL, NULL};
    if (rc != 0 || !sl_buf_cstr(&sql))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    else
        rc = sl_conn_select(m, sql.data, NULL, 0, read_min_max, &mm, err);
    sl_buf_release(&sql);
    if (rc > 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc != 0) {
        free(mm.min);
        free(mm.max);
        sl_err_prefix(err, "reading the key's span");
        return -1;
    }
    *min = mm.min;
    *max = mm.max;
    return 0;
}

static int read_create(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    char **out = ctx;
    if (n >= 2 && v[1] && !*out && !(*out = strdup(v[1])))
        return 1;
    return 0;
}

int sl_table_show_create(MYSQL *m, const char *schema, const char *name, char **show,
                         struct sl_err *err)
{
    *show = NULL;
    struct sl_buf sql;
    sl_buf_init(&sql, 4096);
    int rc = sl_buf_puts(&sql, "SHOW CREATE TABLE ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&sql, schema, name);
    if (rc != 0 || !sl_buf_cstr(&sql)) {
        sl_buf_release(&sql);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    rc = sl_conn_select(m, sql.data, NULL, 0, read_create, show, err);
    sl_buf_release(&sql);
    if (rc > 0 || (rc == 0 && !*show)) {
        free(*show);
        *show = NULL;
        return sl_err_set(err, SL_ERR_FATAL, "SHOW CREATE TABLE %s.%s gave nothing", schema, name);
    }
    return rc;
}
