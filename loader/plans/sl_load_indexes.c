/* A load's deferred indexes. See sl_load_indexes.h. */
#include "sl_load_indexes.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_clock.h"
#include "sl_conn.h"
#include "sl_create_table.h"
#include "sl_ident.h"
#include "sl_privs.h"
#include "sl_table.h"

#define SQL_MAX (16 * 1024 * 1024)

static int found_row(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)vals, (void)lens, (void)n;
    *(int *)ctx = 1;
    return 0;
}

/* Whether db.table holds a row: 1 or 0, or -1 with err set. */
static int has_rows(MYSQL *m, const char *db, const char *table, struct sl_err *err)
{
    struct sl_buf q;
    sl_buf_init(&q, 4096);
    int rc = sl_buf_puts(&q, "SELECT 1 FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&q, db, table);
    if (rc == 0)
        rc = sl_buf_puts(&q, " LIMIT 1");
    int found = 0;
    if (rc != 0 || !sl_buf_cstr(&q))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    else
        rc = sl_conn_select(m, q.data, NULL, 0, found_row, &found, err);
    sl_buf_release(&q);
    return rc < 0 ? -1 : found;
}

/* Why the indexes of db.table stay on (a static text), or NULL when they
 * may be taken off; -1 in *failed with err set when the server could not
 * say. */
static const char *why_not(MYSQL *m, const char *db, const char *table, int *failed,
                           struct sl_err *err)
{
    int rows = has_rows(m, db, table, err);
    if (rows != 0) {
        *failed = rows < 0;
        return "it is not empty";
    }
    char missing[64];
    int n = sl_privs_missing(m, db, table, "ALTER", missing, sizeof missing, err);
    if (n != 0) {
        *failed = n < 0;
        return "the account lacks ALTER on it";
    }
    return NULL;
}

int sl_load_indexes_take(struct sl_load_indexes *ix, MYSQL *m, enum sl_defer d, const char *db,
                         const char *table, uint64_t input_bytes, FILE *log, struct sl_err *err)
{
    memset(ix, 0, sizeof *ix);
    ix->db = db;
    snprintf(ix->target, sizeof ix->target, "%s.%s", db, table);
    int found = sl_deferred_find(m, db, ix->target, &ix->add_sql, err);
    if (found < 0)
        return -1;
    if (found && log) {
        fprintf(log,
                "sluice: %s is without its secondary indexes since an earlier load; they are "
                "built once this load's rows are in\n",
                ix->target);
    }
    if (found)
        return 0;
    if (d == SL_DEFER_NEVER || (d == SL_DEFER_AUTO && input_bytes < SL_LOAD_DEFER_BYTES))
        return 0;
    int failed = 0;
    const char *why = why_not(m, db, table, &failed, err);
    if (failed)
        return -1;
    char *show = NULL;
    struct sl_create_sql q;
    sl_create_sql_init(&q, SQL_MAX);
    int rc = 0;
    if (!why) {
        rc = sl_table_show_create(m, db, table, &show, err);
        if (rc == 0)
            rc = sl_create_table_rewrite(show, db, table, SL_REWRITE_NON_UNIQUE, &q, err);
        if (rc == 0 && q.fks > 0)
            why = "it has foreign keys";
        else if (rc == 0 && q.drop_keys.len == 0)
            why = ""; /* nothing to defer: say nothing */
    }
    if (rc == 0 && why && why[0] && d == SL_DEFER_ALWAYS && log)
        fprintf(log, "sluice: --defer-indexes: the indexes of %s stay, since %s\n", ix->target,
                why);
    if (rc == 0 && !why) {
        int took = sl_deferred_take(m, db, ix->target, q.drop_keys.data, q.add.data, err);
        if (took < 0) {
            sl_err_prefix(err, "taking the secondary indexes off %s", ix->target);
            rc = -1;
        } else if (took == 0) {
            if (!(ix->add_sql = strdup(q.add.data)))
                rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
            ix->taken = 1;
            if (log)
                fprintf(log,
                        "sluice: took the secondary indexes off %s; they are built once the rows "
                        "are in\n",
                        ix->target);
        }
    }
    free(show);
    sl_create_sql_release(&q);
    return rc;
}

int sl_load_indexes_put_back(struct sl_load_indexes *ix, MYSQL *m, FILE *log, struct sl_err *err)
{
    if (!ix->add_sql)
        return 0;
    double t0 = sl_now();
    if (sl_deferred_put_back(m, ix->db, ix->target, ix->add_sql, err) != 0) {
        sl_err_prefix(err, "building the deferred indexes of %s", ix->target);
        return -1;
    }
    if (log)
        fprintf(log, "sluice: built the deferred indexes of %s in %.2f s\n", ix->target,
                sl_now() - t0);
    free(ix->add_sql);
    ix->add_sql = NULL;
    return 0;
}

void sl_load_indexes_release(struct sl_load_indexes *ix)
{
    free(ix->add_sql);
    ix->add_sql = NULL;
}
