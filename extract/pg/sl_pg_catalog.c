/*
 * Reading PostgreSQL's catalog: see sl_pg_catalog.h.
 */
#define _GNU_SOURCE /* asprintf */
#include "sl_pg_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_pg_conn.h"
#include "sl_pg_types.h"

int sl_pg_list(PGconn *c, const char *schema, const char *filter, char ***names, size_t *n,
               struct sl_err *err)
{
    const char *p[] = {schema};
    PGresult *r = sl_pg_query(c, "SELECT 1 FROM pg_namespace WHERE nspname = $1", 1, p, err);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        return sl_err_set(err, SL_ERR_FATAL, "schema \"%s\" does not exist on the source", schema);
    r = sl_pg_query(c,
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = "
                    "c.relnamespace WHERE s.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT "
                    "c.relispartition ORDER BY c.relname COLLATE \"C\"",
                    1, p, err);
    if (!r)
        return -1;
    size_t k = (size_t)PQntuples(r);
    char **all = calloc(k ? k : 1, sizeof *all);
    for (size_t i = 0; all && i < k; i++)
        if (!(all[i] = strdup(PQgetvalue(r, (int)i, 0)))) {
            sl_foreign_names_free(all, i);
            all = NULL;
        }
    PQclear(r);
    if (!all)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (filter)
        return sl_foreign_filter(all, k, filter, names, n, err);
    *names = all;
    *n = k;
    return 0;
}

/* The columns: number, name, the type (a domain's base type), NOT NULL,
 * default, identity, generated, and how many column defaults use the
 * sequence this one's default uses. */
static const char columns_sql[] =
    "SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), bt.typname, "
    "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, bt.typtype, "
    "bt.typcategory, bt.oid, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), "
    "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
    "(SELECT count(DISTINCT s2.objid) FROM pg_depend s1 JOIN pg_class sq ON sq.oid = "
    "s1.refobjid AND sq.relkind = 'S' JOIN pg_depend s2 ON s2.refobjid = sq.oid AND "
    "s2.classid = 'pg_attrdef'::regclass WHERE s1.classid = 'pg_attrdef'::regclass AND "
    "s1.objid = d.oid) "
    "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
    "JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

/* The indexes: name, unique, primary, the columns' numbers, whether it
 * has expressions or a predicate, and its method. */
static const char indexes_sql[] =
    "SELECT i.relname, x.indisunique, x.indisprimary, x.indkey::text, x.indexprs IS NOT NULL, "
    "x.indpred IS NOT NULL, am.amname, "
    "EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype = 'x') "
    "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam "
    "WHERE x.indrelid = $1::regclass ORDER BY x.indisprimary DESC, i.relname COLLATE \"C\"";

static int attnum_index(const int *attnums, size_t n, int num)
{
    for (size_t i = 0; i < n; i++)
        if (attnums[i] == num)
            return (int)i;
    return -1;
}

/* Reads the indexes: fills t->pk and t->idx, notes the rest, and marks in
 * in_key the columns some key or index uses. */
static int read_indexes(PGconn *c, const char *rel, struct sl_ftable *t, const int *attnums,
                        size_t ncols, unsigned char *in_key, struct sl_err *err)
{
    const char *p[] = {rel};
    PGresult *r = sl_pg_query(c, indexes_sql, 1, p, err);
    if (!r)
        return -1;
    int rc = 0;
    int rows = PQntuples(r);
    t->idx = calloc(rows ? (size_t)rows : 1, sizeof *t->idx);
    if (!t->idx)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (int i = 0; rc == 0 && i < rows; i++) {
        const char *name = PQgetvalue(r, i, 0);
        int unique = PQgetvalue(r, i, 1)[0] == 't', primary = PQgetvalue(r, i, 2)[0] == 't';
        int exprs = PQgetvalue(r, i, 4)[0] == 't', pred = PQgetvalue(r, i, 5)[0] == 't';
        int excl = PQgetvalue(r, i, 7)[0] == 't';
        const char *am = PQgetvalue(r, i, 6);
        const char *why = excl                       ? "an exclusion constraint"
                          : exprs                    ? "an index on expressions"
                          : pred                     ? "a partial index (WHERE ...)"
                          : strcmp(am, "btree") != 0 ? "an index of another method than b-tree"
                                                     : NULL;
        if (why) {
            if (sl_ftable_note(t, "%s %s is left out (%s%s)", why, name, am,
                               unique ? ", unique" : "") != 0)
                rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
            continue;
        }
        size_t *cols = calloc(ncols ? ncols : 1, sizeof *cols);
        size_t k = 0;
        const char *s = PQgetvalue(r, i, 3);
        while (cols && *s) {
            char *end;
            long num = strtol(s, &end, 10);
            if (end == s)
                break;
            int at = attnum_index(attnums, ncols, (int)num);
            if (at >= 0 && k < ncols) {
                cols[k++] = (size_t)at;
                in_key[at] = 1;
            }
            s = end;
        }
        if (!cols) {
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        } else if (primary) {
            free(t->pk);
            t->pk = cols;
            t->npk = k;
        } else {
            struct sl_findex *x = &t->idx[t->nidx++];
            x->name = strdup(name);
            x->unique = unique;
            x->cols = cols;
            x->ncols = k;
            if (!x->name)
                rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
    }
    PQclear(r);
    return rc;
}

/* An enum's labels, in order. */
static int enum_labels(PGconn *c, const char *oid, char ***labels, size_t *n, struct sl_err *err)
{
    const char *p[] = {oid};
    PGresult *r = sl_pg_query(
        c, "SELECT enumlabel FROM pg_enum WHERE enumtypid = $1::oid ORDER BY enumsortorder", 1, p,
        err);
    if (!r)
        return -1;
    *n = (size_t)PQntuples(r);
    *labels = calloc(*n ? *n : 1, sizeof **labels);
    int rc = *labels ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < *n; i++)
        if (!((*labels)[i] = strdup(PQgetvalue(r, (int)i, 0))))
            rc = -1;
    PQclear(r);
    return rc == 0 ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
}

static int describe_column(PGconn *c, PGresult *r, int row, int in_key, struct sl_ftable *t,
                           struct sl_fcol *col, struct sl_err *err)
{
    if (!(col->name = strdup(PQgetvalue(r, row, 1))))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    char **labels = NULL;
    size_t nlabels = 0;
    char typtype = PQgetvalue(r, row, 5)[0];
    if (typtype == 'e' && enum_labels(c, PQgetvalue(r, row, 7), &labels, &nlabels, err) != 0)
        return -1;
    struct sl_pg_type ty = {
        .shown = PQgetvalue(r, row, 2),
        .base = PQgetvalue(r, row, 3),
        .typmod = atoi(PQgetvalue(r, row, 4)),
        .typtype = typtype,
        .category = PQgetvalue(r, row, 6)[0],
        .in_key = in_key,
        .labels = labels,
        .nlabels = nlabels,
    };
    char q[300];
    int rc = sl_pg_quote_ident(col->name, q, sizeof q) == 0 ? sl_pg_map_type(col, &ty, q, t) : -1;
    for (size_t i = 0; i < nlabels; i++)
        free(labels[i]);
    free(labels);
    if (rc != 0)
        return sl_err_set(err, SL_ERR_FATAL, "column %s: name too long or out of memory",
                          col->name);
    col->not_null = PQgetvalue(r, row, 8)[0] == 't';
    const char *def = PQgetisnull(r, row, 9) ? NULL : PQgetvalue(r, row, 9);
    const char *identity = PQgetvalue(r, row, 10);
    const char *generated = PQgetvalue(r, row, 11);
    long seq_users = atol(PQgetvalue(r, row, 12));
    rc = 0;
    if (generated[0] == 's') {
        rc = sl_ftable_note(t,
                            "column %s is generated (%s); its values are copied as plain "
                            "values",
                            col->name, def ? def : "");
    } else if (identity[0] == 'a' || identity[0] == 'd') {
        col->auto_increment = 1;
    } else if (def && strncmp(def, "nextval(", 8) == 0) {
        col->auto_increment = 1;
        if (seq_users > 1)
            rc = sl_ftable_note(t,
                                "column %s: its sequence is shared by %ld columns; MySQL's "
                                "AUTO_INCREMENT counts per table",
                                col->name, seq_users);
    } else if (def && strncmp(def, "NULL", 4) != 0) {
        if (sl_foreign_default(def, &col->default_sql) != 0)
            rc = -1;
        else if (!col->default_sql)
            rc = sl_ftable_note(t, "column %s: its default %s is an expression and is left out",
                                col->name, def);
    }
    return rc == 0 ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
}

/* Notes CHECK constraints and foreign keys, which are not copied. */
static int note_constraints(PGconn *c, const char *rel, struct sl_ftable *t, struct sl_err *err)
{
    const char *p[] = {rel};
    PGresult *r = sl_pg_query(c,
                              "SELECT conname, contype FROM pg_constraint WHERE conrelid = "
                              "$1::regclass AND contype IN ('c', 'f') ORDER BY conname",
                              1, p, err);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++)
        rc = sl_ftable_note(t, "%s %s is left out",
                            PQgetvalue(r, i, 1)[0] == 'c' ? "CHECK constraint" : "foreign key",
                            PQgetvalue(r, i, 0));
    PQclear(r);
    return rc == 0 ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
}

static int is_int_type(const char *base)
{
    return strcmp(base, "int2") == 0 || strcmp(base, "int4") == 0 || strcmp(base, "int8") == 0;
}

int sl_pg_describe(PGconn *c, const char *schema, const char *table, struct sl_ftable *t,
                   struct sl_err *err)
{
    memset(t, 0, sizeof *t);
    t->key = -1;
    char qs[300], qt[300], rel[620];
    if (sl_pg_quote_ident(schema, qs, sizeof qs) != 0 ||
        sl_pg_quote_ident(table, qt, sizeof qt) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "name too long: %s.%s", schema, table);
    snprintf(rel, sizeof rel, "%s.%s", qs, qt);
    if (!(t->schema = strdup(schema)) || !(t->name = strdup(table)) || !(t->from = strdup(rel)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    const char *p[] = {rel};
    PGresult *r = sl_pg_query(c, columns_sql, 1, p, err);
    if (!r) {
        sl_err_prefix(err, "describing %s.%s", schema, table);
        return -1;
    }
    size_t n = (size_t)PQntuples(r);
    int *attnums = calloc(n ? n : 1, sizeof *attnums);
    unsigned char *in_key = calloc(n ? n : 1, 1);
    t->cols = calloc(n ? n : 1, sizeof *t->cols);
    int rc = attnums && in_key && t->cols ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        attnums[i] = atoi(PQgetvalue(r, (int)i, 0));
    if (rc == 0)
        rc = read_indexes(c, rel, t, attnums, n, in_key, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = describe_column(c, r, (int)i, in_key[i], t, &t->cols[i], err);
        t->ncols = i + 1;
    }
    if (rc == 0 && t->npk > 0 && is_int_type(PQgetvalue(r, (int)t->pk[0], 3)))
        t->key = (long)t->pk[0];
    PQclear(r);
    free(attnums);
    free(in_key);
    if (rc == 0)
        rc = note_constraints(c, rel, t, err);
    if (rc == 0) {
        PGresult *e = sl_pg_query(
            c, "SELECT reltuples::bigint FROM pg_class WHERE oid = $1::regclass", 1, p, err);
        if (!e)
            return -1;
        t->est_rows = PQntuples(e) ? atoll(PQgetvalue(e, 0, 0)) : -1;
        PQclear(e);
    }
    if (rc != 0)
        sl_err_prefix(err, "describing %s.%s", schema, table);
    return rc;
}

int sl_pg_key_span(PGconn *c, const struct sl_ftable *t, const char *where, char **min, char **max,
                   struct sl_err *err)
{
    *min = *max = NULL;
    char q[300];
    if (sl_pg_quote_ident(t->cols[t->key].name, q, sizeof q) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "name too long");
    char *sql = NULL;
    if (asprintf(&sql, "SELECT min(%s)::text, max(%s)::text FROM %s%s%s%s", q, q, t->from,
                 *where ? " WHERE (" : "", where, *where ? ")" : "") < 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    PGresult *r = sl_pg_query(c, sql, 0, NULL, err);
    free(sql);
    if (!r)
        return -1;
    int rc = 0;
    if (!PQgetisnull(r, 0, 0)) {
        *min = strdup(PQgetvalue(r, 0, 0));
        *max = strdup(PQgetvalue(r, 0, 1));
        if (!*min || !*max) {
            free(*min);
            free(*max);
            *min = *max = NULL;
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
    }
    PQclear(r);
    return rc;
}
