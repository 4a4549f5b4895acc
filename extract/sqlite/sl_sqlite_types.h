/*
 * sl_sqlite_types: what a SQLite column becomes in MySQL, by its declared
 * type (SQLite's affinity rules, docs/type-mapping.md), and what each value
 * may be on its way there.
 *
 * SQLite keeps a type per value, not per column: a column declared INTEGER
 * can hold 'abc', and one declared with no type anything. A value whose
 * storage class the target type cannot take without changing it (text in
 * an integer column, a blob in a text one, a real with a fraction in an
 * integer one, a number in a date one) is refused with the reason, never
 * converted silently.
 */
#ifndef SL_SQLITE_TYPES_H
#define SL_SQLITE_TYPES_H

#include <stddef.h>

#include "sl_foreign.h"

/* The kinds of target a value is checked against. */
enum sl_sqlite_kind {
    SL_SQ_INT,
    SL_SQ_DECIMAL,
    SL_SQ_DOUBLE,
    SL_SQ_TEXT,
    SL_SQ_BLOB,
    SL_SQ_TEMPORAL,
};

/* Fills in c's src_type, src_base, mysql_type and, for a type MySQL cannot
 * hold, problem, from decl (the declared type, "" for none); in_key: the
 * column is in a key or index. Lossy choices add a note to t. Returns 0,
 * or -1 when out of memory. */
int sl_sqlite_map_type(struct sl_fcol *c, const char *decl, int in_key, struct sl_ftable *t);

/* The kind of target c's values are checked against (from its MySQL type,
 * after --type-map). */
enum sl_sqlite_kind sl_sqlite_kind_of(const struct sl_fcol *c);

/* Checks one value of storage class type (SQLITE_INTEGER, ...; the text of
 * an INTEGER or FLOAT value in text) for a target of kind k, and writes
 * what goes to MySQL into *out, *out_len (pointing into text, or into buf
 * of cap bytes for a real). Returns 0, or -1 with the reason in why. */
int sl_sqlite_value(enum sl_sqlite_kind k, int type, const char *text, size_t len, double real,
                    char *buf, size_t cap, const char **out, size_t *out_len, char *why,
                    size_t why_cap);

#endif
