/*
 * sl_write_mode: how load and copy write into a table that may already hold
 * rows (--mode), and the table work some modes do around the rows.
 *
 *   insert    INSERT; a row whose key exists is an error (the default)
 *   ignore    INSERT IGNORE; such a row is skipped and counted as ignored
 *   replace   REPLACE; the existing row is deleted and the new one inserted
 *   upsert    INSERT ... ON DUPLICATE KEY UPDATE of every loaded column
 *             outside the primary and unique keys, or of --update-columns
 *   truncate  TRUNCATE TABLE first (it commits on its own), then INSERT
 *   swap      INSERT into a fresh copy of the table, <table>__sluice_new,
 *             then one atomic RENAME TABLE puts it in the table's place;
 *             the old table is dropped, or kept as <table>__sluice_old
 */
#ifndef SL_WRITE_MODE_H
#define SL_WRITE_MODE_H

#include <mysql.h>
#include <stddef.h>

#include "sl_err.h"
#include "sl_insert_plan.h"
#include "sl_table.h"

enum sl_write_mode {
    SL_MODE_INSERT,
    SL_MODE_IGNORE,
    SL_MODE_REPLACE,
    SL_MODE_UPSERT,
    SL_MODE_TRUNCATE,
    SL_MODE_SWAP,
};

#define SL_SWAP_NEW_SUFFIX "__sluice_new"
#define SL_SWAP_OLD_SUFFIX "__sluice_old"

/* The modes' names in enum order, NULL-terminated (for sl_cli_choice). */
extern const char *const sl_write_mode_names[];

/* The statement a mode's rows are written with. */
enum sl_insert_verb sl_write_mode_verb(enum sl_write_mode m);

/* The privileges a load in mode m needs on its target table, as a list for
 * sl_privs_missing(): INSERT and what the mode adds (DELETE for replace,
 * UPDATE for upsert, DROP for truncate, CREATE, DROP and ALTER for swap),
 * and with checkpoints CREATE and DELETE for the sluice_checkpoints table. */
const char *sl_write_mode_privs(enum sl_write_mode m, int checkpoint);

/* The columns an upsert updates, as indexes into cols[0..ncols) (the loaded
 * columns, named as in t). list is NULL for every loaded column outside t's
 * primary and unique keys, or a comma list of loaded column names (ASCII
 * case ignored, spaces around names allowed). *out is malloc'ed (the caller
 * frees it; NULL when *nout is 0). Returns 0, or -1 with err naming a column
 * that is not loaded. */
int sl_write_mode_update_cols(const struct sl_table *t, char *const *cols, size_t ncols,
                              const char *list, size_t **out, size_t *nout, struct sl_err *err);

/* Writes table + suffix to out (cap bytes). Returns 0, or -1 with err set
 * when the name would pass MySQL's 64 characters. */
int sl_swap_name(char *out, size_t cap, const char *table, const char *suffix, struct sl_err *err);

/* Refuses a swap of schema.table on m when a foreign key takes part in it:
 * one defined on the table, or (when referring_too) one of another table
 * that refers to it. A swap cannot keep such keys right: InnoDB's foreign
 * keys follow a table through RENAME TABLE, so they would point at the
 * replaced table, and CREATE TABLE ... LIKE leaves them out. side names m
 * in the message ("source" or "target"). Returns 0 when there is none, or
 * -1 with err naming the first key, the table it belongs to and the table
 * it refers to. */
int sl_swap_check_fks(MYSQL *m, const char *side, const char *schema, const char *table,
                      int referring_too, struct sl_err *err);

/* Drops any <table>__sluice_new left by an earlier run and creates it
 * afresh with CREATE TABLE ... LIKE table. Returns 0 or -1 with err set. */
int sl_swap_create(MYSQL *m, const char *schema, const char *table, struct sl_err *err);

/* One table of a swap: exists is 0 when there is no table of that name yet
 * (the new one is then just renamed into place). */
struct sl_swap {
    const char *schema;
    const char *table;
    int exists;
};

/* Puts every v[i]'s <table>__sluice_new in its table's place with one
 * RENAME TABLE statement, so readers see all the old tables or all the new
 * ones. The old tables become <table>__sluice_old (an older one is dropped
 * first) and are dropped afterwards unless keep_old. Returns 0, or -1 with
 * err set (if the RENAME failed, nothing was swapped). */
int sl_swap_rename(MYSQL *m, const struct sl_swap *v, size_t n, int keep_old, struct sl_err *err);

/* Drops <table>__sluice_new, if there is one. Returns 0 or -1 with err set. */
int sl_swap_drop_new(MYSQL *m, const char *schema, const char *table, struct sl_err *err);

/* DROP TABLE IF EXISTS schema.table. Returns 0 or -1 with err set. */
int sl_table_drop(MYSQL *m, const char *schema, const char *table, struct sl_err *err);

/* TRUNCATE TABLE schema.table. It commits at once, whatever follows.
 * Returns 0 or -1 with err set. */
int sl_table_truncate(MYSQL *m, const char *schema, const char *table, struct sl_err *err);

#endif
