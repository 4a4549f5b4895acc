/* Deferred indexes and their record. See sl_deferred.h. */
#include "sl_deferred.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_ident.h"

#define SQL_MAX (64 * 1024)

/* "... `db`.`sluice_deferred` ..." with head before and tail after. */
static int statement(struct sl_buf *q, const char *head, const char *db, const char *tail)
{
    int rc = sl_buf_puts(q, head);
    if (rc == 0)
        rc = sl_ident_append_qualified(q, db, SL_DEFERRED_TABLE);
    if (rc == 0)
        rc = sl_buf_puts(q, tail);
    return rc == 0 && sl_buf_cstr(q) ? 0 : -1;
}

static int read_text(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    if (n >= 1 && vals[0] && !(*(char **)ctx = strdup(vals[0])))
        return 1;
    return 0;
}

int sl_deferred_find(MYSQL *m, const char *db, const char *target, char **add_sql,
                     struct sl_err *err)
{
    *add_sql = NULL;
    struct sl_buf q;
    sl_buf_init(&q, SQL_MAX);
    int rc = statement(&q, "SELECT add_sql FROM ", db, " WHERE target = ?");
    if (rc != 0) {
        sl_buf_release(&q);
        return sl_err_set(err, SL_ERR_FATAL, "the database name is too long");
    }
    const char *params[] = {target};
    rc = sl_conn_select(m, q.data, params, 1, read_text, add_sql, err);
    sl_buf_release(&q);
    if (rc > 0)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc < 0 && err->server_errno == 1146) { /* ER_NO_SUCH_TABLE: nothing recorded */
        sl_err_clear(err);
        return 0;
    }
    return rc < 0 ? -1 : *add_sql != NULL;
}

int sl_deferred_take(MYSQL *m, const char *db, const char *target, const char *drop_sql,
                     const char *add_sql, struct sl_err *err)
{
    struct sl_buf q;
    sl_buf_init(&q, SQL_MAX);
    int rc = statement(&q, "CREATE TABLE IF NOT EXISTS ", db,
                       " (target VARCHAR(512) NOT NULL PRIMARY KEY, add_sql MEDIUMTEXT NOT NULL, "
                       "taken_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) "
                       "DEFAULT CHARSET=utf8mb4");
    if (rc == 0)
        rc = sl_conn_exec(m, q.data, err);
    else
        sl_err_set(err, SL_ERR_FATAL, "the database name is too long");
    sl_buf_reset(&q);
    const char *params[] = {target, add_sql};
    if (rc == 0 && statement(&q, "INSERT INTO ", db, " (target, add_sql) VALUES (?, ?)") != 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "the database name is too long");
    if (rc == 0)
        rc = sl_conn_select(m, q.data, params, 2, NULL, NULL, err);
    if (rc < 0 && err->server_errno == 1062) { /* ER_DUP_ENTRY: another load took them */
        sl_buf_release(&q);
        sl_err_clear(err);
        struct sl_err ignored;
        sl_conn_exec(m, "ROLLBACK", &ignored);
        return 1;
    }
    if (rc == 0)
        rc = sl_conn_exec(m, "COMMIT", err);
    if (rc == 0 && sl_conn_exec(m, drop_sql, err) != 0) {
        struct sl_err ignored;
        sl_buf_reset(&q);
        if (statement(&q, "DELETE FROM ", db, " WHERE target = ?") == 0 &&
            sl_conn_select(m, q.data, params, 1, NULL, NULL, &ignored) == 0)
            sl_conn_exec(m, "COMMIT", &ignored);
        rc = -1;
    }
    sl_buf_release(&q);
    return rc;
}

int sl_deferred_put_back(MYSQL *m, const char *db, const char *target, const char *add_sql,
                         struct sl_err *err)
{
    /* ER_DUP_KEYNAME: the one ALTER that drops them all never ran */
    if (sl_conn_exec(m, add_sql, err) != 0) {
        if (err->server_errno != 1061)
            return -1;
        sl_err_clear(err);
    }
    struct sl_buf q;
    sl_buf_init(&q, SQL_MAX);
    const char *params[] = {target};
    int rc = statement(&q, "DELETE FROM ", db, " WHERE target = ?");
    if (rc != 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "the database name is too long");
    if (rc == 0)
        rc = sl_conn_select(m, q.data, params, 1, NULL, NULL, err);
    if (rc == 0)
        rc = sl_conn_exec(m, "COMMIT", err);
    sl_buf_release(&q);
    return rc;
}
