#include "sl_table_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_ident.h"

/* A key is at most this long as text: 64 columns of 64 characters, quoted. */
#define KEY_TEXT_MAX (64 * 1024)

/* The key being gathered from consecutive rows of one name. */
struct gather {
    struct sl_table_keys *k;
    int fk; /* the rows are foreign key columns */
    char *name;
    struct sl_buf head, cols, refcols; /* "KEY `n`"; "`a`,`b`"; "`x`,`y`" */
    char *tail;                        /* a foreign key's rules */
    int failed;
};

/* Ends the key in g, if any, and adds it to g->k. */
static int flush(struct gather *g)
{
    if (!g->name)
        return 0;
    struct sl_buf t;
    sl_buf_init(&t, KEY_TEXT_MAX);
    int rc = sl_buf_append(&t, g->head.data, g->head.len);
    if (rc == 0)
        rc = sl_buf_puts(&t, " (");
    if (rc == 0)
        rc = sl_buf_append(&t, g->cols.data, g->cols.len);
    if (rc == 0)
        rc = sl_buf_puts(&t, ")");
    if (rc == 0 && g->fk) {
        rc = sl_buf_append(&t, g->refcols.data, g->refcols.len);
        if (rc == 0)
            rc = sl_buf_puts(&t, ")");
        if (rc == 0 && g->tail)
            rc = sl_buf_puts(&t, g->tail);
    }
    int ok = rc == 0 && sl_buf_cstr(&t) != NULL;
    struct sl_table_key *nv = ok ? realloc(g->k->v, (g->k->n + 1) * sizeof *nv) : NULL;
    char *text = nv ? strdup(sl_buf_cstr(&t)) : NULL;
    if (nv)
        g->k->v = nv;
    ok = text != NULL;
    if (ok) {
        nv[g->k->n++] = (struct sl_table_key){g->name, text};
        g->name = NULL;
    }
    sl_buf_release(&t);
    free(g->name);
    g->name = NULL;
    free(g->tail);
    g->tail = NULL;
    sl_buf_reset(&g->head);
    sl_buf_reset(&g->cols);
    sl_buf_reset(&g->refcols);
    return ok ? 0 : -1;
}

/* Starts a key named name with its head ("UNIQUE KEY `n`"), ending the last. */
static int start(struct gather *g, const char *name, const char *kind)
{
    if (flush(g) != 0 || !(g->name = strdup(name)))
        return -1;
    int rc = sl_buf_puts(&g->head, kind);
    if (rc == 0 && (g->fk || strcmp(name, "PRIMARY") != 0)) {
        rc = sl_buf_puts(&g->head, " ");
        if (rc == 0)
            rc = sl_ident_append(&g->head, name, strlen(name));
    }
    return rc;
}

static int add_col(struct sl_buf *b, const char *col)
{
    if (b->len > 0 && sl_buf_puts(b, ",") != 0)
        return -1;
    return sl_ident_append(b, col, strlen(col));
}

/* STATISTICS rows: INDEX_NAME, NON_UNIQUE, INDEX_TYPE, COLUMN_NAME, SUB_PART,
 * COLLATION, in index then column order. */
static int index_row(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct gather *g = ctx;
    if (n < 6 || !v[0] || !v[1] || !v[2])
        return 0;
    int rc = 0;
    if (!g->name || strcmp(g->name, v[0]) != 0) {
        const char *kind = strcmp(v[0], "PRIMARY") == 0    ? "PRIMARY KEY"
                           : strcmp(v[2], "FULLTEXT") == 0 ? "FULLTEXT KEY"
                           : strcmp(v[2], "SPATIAL") == 0  ? "SPATIAL KEY"
                           : strcmp(v[1], "0") == 0        ? "UNIQUE KEY"
                                                           : "KEY";
        rc = start(g, v[0], kind);
        /* a hash-based unique key (MariaDB's long UNIQUE) is not a B-tree one */
        if (rc == 0 && strcmp(v[2], "HASH") == 0)
            rc = sl_buf_puts(&g->head, " USING HASH");
    }
    if (rc == 0)
        rc = v[3] ? add_col(&g->cols, v[3]) : sl_buf_puts(&g->cols, "(expression)");
    if (rc == 0 && v[4])
        rc = sl_buf_printf(&g->cols, "(%s)", v[4]);
    if (rc == 0 && v[5] && strcmp(v[5], "D") == 0)
        rc = sl_buf_puts(&g->cols, " DESC");
    g->failed |= rc != 0;
    return rc != 0;
}

/* KEY_COLUMN_USAGE joined with REFERENTIAL_CONSTRAINTS: CONSTRAINT_NAME,
 * COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME, DELETE_RULE,
 * UPDATE_RULE, in constraint then column order. */
static int fk_row(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct gather *g = ctx;
    if (n < 6 || !v[0] || !v[1] || !v[2] || !v[3])
        return 0;
    int rc = 0;
    if (!g->name || strcmp(g->name, v[0]) != 0) {
        rc = start(g, v[0], "FOREIGN KEY");
        if (rc == 0)
            rc = sl_buf_puts(&g->refcols, " REFERENCES ");
        if (rc == 0)
            rc = sl_ident_append(&g->refcols, v[2], strlen(v[2]));
        if (rc == 0)
            rc = sl_buf_puts(&g->refcols, " (");
        char tail[96];
        snprintf(tail, sizeof tail, " ON DELETE %s ON UPDATE %s", v[4] ? v[4] : "RESTRICT",
                 v[5] ? v[5] : "RESTRICT");
        if (rc == 0 && !(g->tail = strdup(tail)))
            rc = -1;
    } else if (rc == 0) {
        rc = sl_buf_puts(&g->refcols, ",");
    }
    if (rc == 0)
        rc = add_col(&g->cols, v[1]);
    if (rc == 0)
        rc = sl_ident_append(&g->refcols, v[3], strlen(v[3]));
    g->failed |= rc != 0;
    return rc != 0;
}

static int by_kind_then_name(const void *a, const void *b)
{
    const struct sl_table_key *x = a, *y = b;
    int fx = strncmp(x->text, "FOREIGN KEY", 11) == 0,
        fy = strncmp(y->text, "FOREIGN KEY", 11) == 0;
    if (fx != fy)
        return fx - fy;
    return strcmp(x->name, y->name);
}

int sl_table_keys_read(MYSQL *m, const char *schema, const char *table, struct sl_table_keys *k,
                       struct sl_err *err)
{
    static const char *const sql[2] = {
        "SELECT /* sluice verify */ INDEX_NAME, NON_UNIQUE, INDEX_TYPE, COLUMN_NAME, SUB_PART, "
        "COLLATION FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
        "ORDER BY INDEX_NAME, SEQ_IN_INDEX",
        "SELECT /* sluice verify */ k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, "
        "k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE "
        "FROM information_schema.KEY_COLUMN_USAGE k "
        "LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
        "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME "
        "AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
        "WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    };
    const char *params[] = {schema, table};
    memset(k, 0, sizeof *k);
    int rc = 0;
    for (int fk = 0; fk <= 1 && rc == 0; fk++) {
        struct gather g = {.k = k, .fk = fk};
        sl_buf_init(&g.head, KEY_TEXT_MAX);
        sl_buf_init(&g.cols, KEY_TEXT_MAX);
        sl_buf_init(&g.refcols, KEY_TEXT_MAX);
        rc = sl_conn_select(m, sql[fk], params, 2, fk ? fk_row : index_row, &g, err);
        if (rc == 0 && flush(&g) != 0)
            g.failed = 1;
        if (g.failed) {
            free(g.name);
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        } else if (rc != 0) {
            sl_err_prefix(err, "reading the keys of %s.%s", schema, table);
        }
        free(g.tail);
        sl_buf_release(&g.head);
        sl_buf_release(&g.cols);
        sl_buf_release(&g.refcols);
    }
    if (rc != 0) {
        sl_table_keys_release(k);
        return -1;
    }
    if (k->n > 1)
        qsort(k->v, k->n, sizeof *k->v, by_kind_then_name);
    return 0;
}

static const struct sl_table_key *find(const struct sl_table_keys *k, const struct sl_table_key *x)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].name, x->name) == 0 && (strncmp(k->v[i].text, "FOREIGN KEY", 11) == 0) ==
                                                      (strncmp(x->text, "FOREIGN KEY", 11) == 0))
            return &k->v[i];
    return NULL;
}

size_t sl_table_keys_compare(const struct sl_table_keys *want, const struct sl_table_keys *got,
                             char *note, size_t cap)
{
    size_t bad = 0;
    for (size_t i = 0; i < want->n; i++) {
        const struct sl_table_key *w = &want->v[i], *g = find(got, w);
        if (g && strcmp(g->text, w->text) == 0)
            continue;
        if (bad++ > 0)
            continue;
        if (!g)
            snprintf(note, cap, "the target lacks %s", w->text);
        else
            snprintf(note, cap, "a key differs: the source has %s, the target %s", w->text,
                     g->text);
    }
    return bad;
}

void sl_table_keys_release(struct sl_table_keys *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].name);
        free(k->v[i].text);
    }
    free(k->v);
    k->v = NULL;
    k->n = 0;
}
