/*
 * sl_pg_types: what each PostgreSQL type becomes in MySQL, and how its
 * values are read. The table is docs/type-mapping.md; each row of it is
 * tested by tests/t_pg_copy.sh.
 */
#ifndef SL_PG_TYPES_H
#define SL_PG_TYPES_H

#include <stddef.h>

#include "sl_foreign.h"

/* A column's type as the catalog describes it (a domain already replaced
 * by its base type). */
struct sl_pg_type {
    const char *shown;   /* format_type(): "numeric(12,2)", "integer[]" */
    const char *base;    /* pg_type.typname: "numeric", "_int4", "timestamptz" */
    int typmod;          /* pg_attribute.atttypmod, -1 when none */
    char typtype;        /* b(ase), c(omposite), e(num), r(ange), m(ultirange), p(seudo) */
    char category;       /* pg_type.typcategory: 'A' for arrays */
    int in_key;          /* the column is in the primary key or an index */
    char *const *labels; /* an enum's labels, in order */
    size_t nlabels;
};

/* Fills in c's src_type, src_base, mysql_type, select (the expression that
 * reads the column, named qcol as quoted), conv, prec, scale and, for a
 * type MySQL cannot hold, problem. A choice that loses something (an
 * unconstrained numeric, a type copied as its text) adds a note to t.
 * Returns 0, or -1 when out of memory. */
int sl_pg_map_type(struct sl_fcol *c, const struct sl_pg_type *ty, const char *qcol,
                   struct sl_ftable *t);

#endif
