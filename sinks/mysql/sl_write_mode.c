#include "sl_write_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_ident.h"

#define NAME_MAX_CHARS 64

const char *const sl_write_mode_names[] = {"insert",   "ignore", "replace", "upsert",
                                           "truncate", "swap",   NULL};

enum sl_insert_verb sl_write_mode_verb(enum sl_write_mode m)
{
    switch (m) {
    case SL_MODE_IGNORE:
        return SL_VERB_IGNORE;
    case SL_MODE_REPLACE:
        return SL_VERB_REPLACE;
    case SL_MODE_UPSERT:
        return SL_VERB_UPSERT;
    default:
        return SL_VERB_INSERT;
    }
}

const char *sl_write_mode_privs(enum sl_write_mode m, int checkpoint)
{
    static const char *const privs[][2] = {
        [SL_MODE_INSERT] = {"INSERT", "INSERT,CREATE,DELETE"},
        [SL_MODE_IGNORE] = {"INSERT", "INSERT,CREATE,DELETE"},
        [SL_MODE_REPLACE] = {"INSERT,DELETE", "INSERT,DELETE,CREATE"},
        [SL_MODE_UPSERT] = {"INSERT,UPDATE", "INSERT,UPDATE,CREATE,DELETE"},
        [SL_MODE_TRUNCATE] = {"INSERT,DROP", "INSERT,DROP,CREATE,DELETE"},
        [SL_MODE_SWAP] = {"INSERT,CREATE,DROP,ALTER", "INSERT,CREATE,DROP,ALTER,DELETE"},
    };
    return privs[m][checkpoint ? 1 : 0];
}

static long find_loaded(char *const *cols, size_t ncols, const char *name, size_t len)
{
    for (size_t i = 0; i < ncols; i++)
        if (strlen(cols[i]) == len && strncasecmp(cols[i], name, len) == 0)
            return (long)i;
    return -1;
}

int sl_write_mode_update_cols(const struct sl_table *t, char *const *cols, size_t ncols,
                              const char *list, size_t **out, size_t *nout, struct sl_err *err)
{
    *out = NULL;
    *nout = 0;
    size_t *v = calloc(ncols ? ncols : 1, sizeof *v);
    if (!v)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    size_t n = 0;
    if (!list) {
        for (size_t i = 0; i < ncols; i++) {
            long k = sl_table_find(t, cols[i], strlen(cols[i]));
            if (k >= 0 && !t->cols[k].in_unique_key)
                v[n++] = i;
        }
    } else {
        const char *p = list;
        while (*p) {
            while (*p == ' ')
                p++;
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            while (len && p[len - 1] == ' ')
                len--;
            long k = find_loaded(cols, ncols, p, len);
            if (k < 0) {
                free(v);
                return sl_err_set(err, SL_ERR_FATAL,
                                  "--update-columns: '%.*s' is not a column loaded into %s.%s",
                                  (int)(len > 200 ? 200 : len), p, t->schema, t->name);
            }
            int seen = 0;
            for (size_t j = 0; j < n; j++)
                seen |= v[j] == (size_t)k;
            if (!seen && n < ncols)
                v[n++] = (size_t)k;
            if (!end)
                break;
            p = end + 1;
        }
    }
    if (n == 0) {
        free(v);
        return 0;
    }
    *out = v;
    *nout = n;
    return 0;
}

int sl_swap_name(char *out, size_t cap, const char *table, const char *suffix, struct sl_err *err)
{
    /* identifiers are counted in characters; UTF-8 continuation bytes are
     * not characters of their own */
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)table; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    chars += strlen(suffix);
    if (chars > NAME_MAX_CHARS || (size_t)snprintf(out, cap, "%s%s", table, suffix) >= cap)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--mode swap needs a table named '%s%s', which is longer than %d "
                          "characters; use another mode for this table",
                          table, suffix, NAME_MAX_CHARS);
    return 0;
}

/* Runs the statement built in sql. */
static int exec_built(MYSQL *m, struct sl_buf *sql, struct sl_err *err)
{
    if (!sl_buf_cstr(sql))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    return sl_conn_exec(m, sql->data, err);
}

static int append_name(struct sl_buf *b, const char *schema, const char *table, const char *suffix)
{
    char name[512];
    snprintf(name, sizeof name, "%s%s", table, suffix);
    return sl_ident_append_qualified(b, schema, name);
}

static int drop_if_exists(MYSQL *m, const char *schema, const char *table, const char *suffix,
                          struct sl_err *err)
{
    struct sl_buf sql;
    sl_buf_init(&sql, 4096);
    int rc = sl_buf_puts(&sql, "DROP TABLE IF EXISTS ") != 0 ||
                     append_name(&sql, schema, table, suffix) != 0
                 ? sl_err_set(err, SL_ERR_FATAL, "out of memory")
                 : exec_built(m, &sql, err);
    sl_buf_release(&sql);
    return rc;
}

int sl_table_drop(MYSQL *m, const char *schema, const char *table, struct sl_err *err)
{
    return drop_if_exists(m, schema, table, "", err);
}

int sl_swap_drop_new(MYSQL *m, const char *schema, const char *table, struct sl_err *err)
{
    return drop_if_exists(m, schema, table, SL_SWAP_NEW_SUFFIX, err);
}

/* Keeps the first row's three values: the key's name, its table's schema
 * and its table. */
static int read_fk(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    char(*out)[3][256] = ctx;
    for (unsigned i = 0; i < 3; i++)
        snprintf((*out)[i], sizeof(*out)[i], "%s", i < n && v[i] ? v[i] : "");
    return 1; /* the first is enough */
}

#define FK_WHY                                                                                     \
    "foreign keys follow a table through RENAME TABLE, so a swap would leave them on the wrong "   \
    "tables (use another --mode, such as truncate)"

int sl_swap_check_fks(MYSQL *m, const char *side, const char *schema, const char *table,
                      int referring_too, struct sl_err *err)
{
    static const char *const sql[] = {
        /* defined on the table */
        "SELECT CONSTRAINT_NAME, CONSTRAINT_SCHEMA, TABLE_NAME "
        "FROM information_schema.REFERENTIAL_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME",
        /* referring to it */
        "SELECT CONSTRAINT_NAME, CONSTRAINT_SCHEMA, TABLE_NAME "
        "FROM information_schema.REFERENTIAL_CONSTRAINTS "
        "WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ? "
        "ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME"};
    const char *params[] = {schema, table};
    char fk[3][256];
    for (int q = 0; q < (referring_too ? 2 : 1); q++) {
        int rc = sl_conn_select(m, sql[q], params, 2, read_fk, &fk, err);
        if (rc < 0) {
            sl_err_prefix(err, "--mode swap: looking for foreign keys of %s.%s", schema, table);
            return -1;
        }
        if (rc == 0)
            continue;
        if (q == 0)
            return sl_err_set(err, SL_ERR_FATAL,
                              "--mode swap: %s.%s on the %s has foreign key '%s'; %s", schema,
                              table, side, fk[0], FK_WHY);
        return sl_err_set(err, SL_ERR_FATAL,
                          "--mode swap: foreign key '%s' of %s.%s on the %s refers to %s.%s; %s",
                          fk[0], fk[1], fk[2], side, schema, table, FK_WHY);
    }
    return 0;
}

int sl_swap_create(MYSQL *m, const char *schema, const char *table, struct sl_err *err)
{
    char name[512];
    if (sl_swap_name(name, sizeof name, table, SL_SWAP_NEW_SUFFIX, err) != 0 ||
        sl_swap_drop_new(m, schema, table, err) != 0)
        return -1;
    struct sl_buf sql;
    sl_buf_init(&sql, 4096);
    int rc = sl_buf_puts(&sql, "CREATE TABLE ") != 0 ||
                     sl_ident_append_qualified(&sql, schema, name) != 0 ||
                     sl_buf_puts(&sql, " LIKE ") != 0 ||
                     sl_ident_append_qualified(&sql, schema, table) != 0
                 ? sl_err_set(err, SL_ERR_FATAL, "out of memory")
                 : exec_built(m, &sql, err);
    sl_buf_release(&sql);
    if (rc != 0)
        sl_err_prefix(err, "--mode swap: creating %s.%s", schema, name);
    return rc;
}

int sl_swap_rename(MYSQL *m, const struct sl_swap *v, size_t n, int keep_old, struct sl_err *err)
{
    /* the __sluice_old names are as long as the __sluice_new ones, which
     * sl_swap_name() accepted */
    for (size_t i = 0; i < n; i++)
        if (v[i].exists && drop_if_exists(m, v[i].schema, v[i].table, SL_SWAP_OLD_SUFFIX, err) != 0)
            return -1;
    struct sl_buf sql;
    sl_buf_init(&sql, 1 << 20);
    int rc = sl_buf_puts(&sql, "RENAME TABLE ");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct sl_swap *s = &v[i];
        if (i)
            rc = sl_buf_puts(&sql, ", ");
        if (rc == 0 && s->exists)
            rc = sl_ident_append_qualified(&sql, s->schema, s->table) ||
                 sl_buf_puts(&sql, " TO ") ||
                 append_name(&sql, s->schema, s->table, SL_SWAP_OLD_SUFFIX) ||
                 sl_buf_puts(&sql, ", ");
        if (rc == 0)
            rc = append_name(&sql, s->schema, s->table, SL_SWAP_NEW_SUFFIX) ||
                 sl_buf_puts(&sql, " TO ") || sl_ident_append_qualified(&sql, s->schema, s->table);
    }
    rc = rc != 0 ? sl_err_set(err, SL_ERR_FATAL, "out of memory") : exec_built(m, &sql, err);
    sl_buf_release(&sql);
    if (rc != 0) {
        sl_err_prefix(err, "--mode swap: RENAME TABLE failed, nothing was swapped");
        return -1;
    }
    for (size_t i = 0; !keep_old && i < n; i++)
        if (v[i].exists &&
            drop_if_exists(m, v[i].schema, v[i].table, SL_SWAP_OLD_SUFFIX, err) != 0) {
            sl_err_prefix(err, "--mode swap: the tables were swapped, but dropping the old one "
                               "failed");
            return -1;
        }
    return 0;
}

int sl_table_truncate(MYSQL *m, const char *schema, const char *table, struct sl_err *err)
{
    struct sl_buf sql;
    sl_buf_init(&sql, 4096);
    int rc = sl_buf_puts(&sql, "TRUNCATE TABLE ") != 0 ||
                     sl_ident_append_qualified(&sql, schema, table) != 0
                 ? sl_err_set(err, SL_ERR_FATAL, "out of memory")
                 : exec_built(m, &sql, err);
    sl_buf_release(&sql);
    if (rc != 0)
        sl_err_prefix(err, "--mode truncate: TRUNCATE TABLE %s.%s", schema, table);
    return rc;
}
