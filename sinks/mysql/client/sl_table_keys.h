/*
 * sl_table_keys: a table's indexes and foreign keys as information_schema
 * lists them, each as one line of text, so that two tables' keys can be
 * compared (a copy's verification: a target missing an index is a failure,
 * however equal its rows).
 *
 * Each key is written the way SHOW CREATE TABLE writes it, without the
 * schema of a referenced table (the two sides' schemas usually differ):
 *
 *   PRIMARY KEY (`id`)
 *   UNIQUE KEY `sku` (`sku`)
 *   KEY `by_p` (`p`,`name`(10))
 *   FULLTEXT KEY `ft` (`body`)
 *   FOREIGN KEY `fk` (`p`) REFERENCES `parent` (`id`)
 */
#ifndef SL_TABLE_KEYS_H
#define SL_TABLE_KEYS_H

#include <mysql.h>
#include <stddef.h>

#include "sl_err.h"

struct sl_table_key {
    char *name; /* the index or constraint name; "PRIMARY" for the primary key */
    char *text; /* the line shown above */
};

/* Every key of one table, sorted by kind (indexes, then foreign keys), then
 * by name. */
struct sl_table_keys {
    struct sl_table_key *v;
    size_t n;
};

/* Reads the keys of schema.table on m into k (empty on entry). Returns 0 or
 * -1 with err set; k is released either way on failure. */
int sl_table_keys_read(MYSQL *m, const char *schema, const char *table, struct sl_table_keys *k,
                       struct sl_err *err);

/* Compares want (the source's keys) with got (the target's). Returns 0 when
 * got holds every key of want with the same definition, else the number of
 * keys missing or different, with the first described in note ("the target
 * lacks KEY `k` (`k`)" or "KEY `k` differs: the source has ..., the target
 * has ..."). Keys only the target has are not a difference. */
size_t sl_table_keys_compare(const struct sl_table_keys *want, const struct sl_table_keys *got,
                             char *note, size_t cap);

/* Frees what k holds and leaves it empty. */
void sl_table_keys_release(struct sl_table_keys *k);

#endif
