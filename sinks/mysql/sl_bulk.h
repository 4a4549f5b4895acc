/*
 * sl_bulk: rows written with MariaDB's array binding (the write method
 * bulk).
 *
 * One single-row INSERT is prepared once; each write binds n rows to it,
 * column by column (STMT_ATTR_ARRAY_SIZE), and the server runs it for
 * every row in one round trip. Every value is bound as the text of the
 * value (an integer or a date the source holds in binary form is written
 * out first), a NULL as an indicator; nothing is spliced into SQL.
 *
 * Only MariaDB servers take it (from 10.2); sl_bulk_supported() says
 * whether the connected one does.
 */
#ifndef SL_BULK_H
#define SL_BULK_H

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_insert_plan.h"

struct sl_bulk {
    MYSQL_STMT *stmt;
    size_t ncols;
    size_t cap;          /* rows the arrays hold */
    MYSQL_BIND *binds;   /* one per column */
    const char **ptrs;   /* cap per column, column after column */
    unsigned long *lens; /* likewise */
    char *ind;           /* likewise: STMT_INDICATOR_NONE or _NULL */
    char *text;          /* cap * ncols slots of SL_BULK_SLOT bytes: typed values as text */
    const enum sl_value_kind *kinds;
};

#define SL_BULK_SLOT 64

/* True when the server on m takes array binding. */
int sl_bulk_supported(MYSQL *m);

/* Prepares t's single-row statement on m (with its verb, as
 * sl_insert_build_sql() writes it). Returns 0, or -1 with err set. */
int sl_bulk_open(struct sl_bulk *bk, MYSQL *m, const struct sl_insert_target *t,
                 struct sl_err *err);

/* Runs the statement for rows[0..n) of b inside the open transaction;
 * *affected gets the server's count. Returns 0, or -1 with err set (kind
 * SL_ERR_ROW when a row's value was refused; the rows before it are then
 * in the transaction). */
int sl_bulk_exec(struct sl_bulk *bk, const struct sl_batch *b, const uint32_t *rows, size_t n,
                 uint64_t *affected, struct sl_err *err);

/* Closes the statement and frees the arrays. */
void sl_bulk_close(struct sl_bulk *bk);

#endif
