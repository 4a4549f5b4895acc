/*
 * sl_pg_catalog: PostgreSQL's tables described in MySQL's terms (see
 * sl_foreign.h), read from pg_catalog on one connection, inside the copy's
 * snapshot.
 *
 * Translated: columns (sl_pg_types.h), NOT NULL, constant defaults, serial
 * and identity columns (as AUTO_INCREMENT), the primary key, and unique and
 * plain b-tree indexes over columns. Listed as notes instead, because MySQL
 * cannot express them: partial and expression indexes, other index methods,
 * exclusion constraints, a sequence shared between columns, a default that
 * is an expression, CHECK constraints and foreign keys.
 */
#ifndef SL_PG_CATALOG_H
#define SL_PG_CATALOG_H

#include <libpq-fe.h>

#include "sl_foreign.h"

/* The tables of schema (ordinary and partitioned ones; no partitions,
 * views or foreign tables), in name order: those matching filter (a comma
 * list of names and globs) or all when filter is NULL. Returns 0, or -1
 * with err set: a schema that does not exist, a filter name that matches
 * nothing. */
int sl_pg_list(PGconn *c, const char *schema, const char *filter, char ***names, size_t *n,
               struct sl_err *err);

/* Describes schema.table into t. Returns 0, or -1 with err set. */
int sl_pg_describe(PGconn *c, const char *schema, const char *table, struct sl_ftable *t,
                   struct sl_err *err);

/* MIN and MAX of t's key column under where (or ""), as text, both NULL
 * when no row matches. Returns 0, or -1 with err set. */
int sl_pg_key_span(PGconn *c, const struct sl_ftable *t, const char *where, char **min, char **max,
                   struct sl_err *err);

#endif
