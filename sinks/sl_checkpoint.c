#include "sl_checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_hash.h"
#include "sl_ident.h"

uint64_t sl_checkpoint_job_hash(const char *db, const char *table, const char *source)
{
    uint64_t h = SL_HASH_INIT;
    h = sl_hash_add(h, db, strlen(db) + 1);
    h = sl_hash_add(h, table, strlen(table) + 1);
    return sl_hash_add(h, source, strlen(source));
}

/* Appends `db`.`sluice_checkpoints`. */
static int table_name(struct sl_buf *b, const char *db)
{
    return sl_ident_append_qualified(b, db, SL_CHECKPOINT_TABLE);
}

static int run_sql(MYSQL *m, const char *db, const char *before, const char *after,
                   struct sl_err *err)
{
    struct sl_buf b;
    sl_buf_init(&b, 64 * 1024);
    int rc = -1;
    if (sl_buf_puts(&b, before) == 0 && table_name(&b, db) == 0 && sl_buf_puts(&b, after) == 0 &&
        sl_buf_cstr(&b))
        rc = sl_conn_exec(m, b.data, err);
    else
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&b);
    return rc;
}

int sl_checkpoint_ensure_table(MYSQL *m, const char *db, struct sl_err *err)
{
    int rc = run_sql(m, db, "CREATE TABLE IF NOT EXISTS ",
                     " (job_hash BIGINT UNSIGNED NOT NULL,"
                     " start_offset BIGINT UNSIGNED NOT NULL,"
                     " end_offset BIGINT UNSIGNED NOT NULL,"
                     " row_count BIGINT UNSIGNED NOT NULL,"
                     " source_size BIGINT NOT NULL,"
                     " source_mtime_ns BIGINT NOT NULL,"
                     " target VARCHAR(512) NOT NULL,"
                     " source VARCHAR(4096) NOT NULL,"
                     " created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
                     " PRIMARY KEY (job_hash, start_offset)"
                     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
                     " COMMENT='sluice: committed ranges of interrupted loads'",
                     err);
    if (rc == 0)
        rc = sl_conn_exec(m, "COMMIT", err);
    if (rc != 0)
        sl_err_prefix(err, "cannot create %s.%s (use --no-checkpoint to load without it)", db,
                      SL_CHECKPOINT_TABLE);
    return rc;
}

struct load_ctx {
    struct sl_checkpoint_range *v;
    size_t n;
    int64_t size, mtime;
    int oom;
};

static int add_range(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct load_ctx *c = ctx;
    if (n < 4 || !vals[0] || !vals[1] || !vals[2] || !vals[3])
        return 1;
    struct sl_checkpoint_range *nv = realloc(c->v, (c->n + 1) * sizeof *nv);
    if (!nv) {
        c->oom = 1;
        return 1;
    }
    c->v = nv;
    c->v[c->n].start = strtoull(vals[0], NULL, 10);
    c->v[c->n].end = strtoull(vals[1], NULL, 10);
    c->size = strtoll(vals[2], NULL, 10);
    c->mtime = strtoll(vals[3], NULL, 10);
    c->n++;
    return 0;
}

/* Builds "SELECT ... FROM `db`.`sluice_checkpoints` WHERE ..." into b. */
static const char *select_sql(struct sl_buf *b, const char *db, const char *cols, const char *where)
{
    if (sl_buf_printf(b, "SELECT %s FROM ", cols) != 0 || table_name(b, db) != 0 ||
        sl_buf_printf(b, " WHERE %s", where) != 0)
        return NULL;
    return sl_buf_cstr(b);
}

int sl_checkpoint_load(MYSQL *m, const char *db, uint64_t hash, struct sl_checkpoint_range **out,
                       size_t *n, int64_t *size, int64_t *mtime_ns, struct sl_err *err)
{
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, hash);
    const char *params[] = {key};
    struct load_ctx c = {NULL, 0, -1, -1, 0};
    struct sl_buf b;
    sl_buf_init(&b, 4096);
    const char *sql = select_sql(&b, db, "start_offset, end_offset, source_size, source_mtime_ns",
                                 "job_hash = ? ORDER BY start_offset");
    int rc = sql ? sl_conn_select(m, sql, params, 1, add_range, &c, err)
                 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&b);
    if (rc != 0 || c.oom) {
        free(c.v);
        return rc < 0 ? -1
                      : sl_err_set(err, SL_ERR_FATAL, "cannot read %s.%s", db, SL_CHECKPOINT_TABLE);
    }
    *out = c.v;
    *n = c.n;
    *size = c.size;
    *mtime_ns = c.mtime;
    return 0;
}

int sl_checkpoint_clear(MYSQL *m, const char *db, uint64_t hash, struct sl_err *err)
{
    char where[64];
    snprintf(where, sizeof where, " WHERE job_hash = %" PRIu64, hash); /* a number, not input */
    if (run_sql(m, db, "DELETE FROM ", where, err) != 0)
        return -1;
    return sl_conn_exec(m, "COMMIT", err);
}

static int count_one(void *ctx, char **v, unsigned long *l, unsigned n)
{
    (void)v, (void)l, (void)n;
    (*(int *)ctx)++;
    return 0;
}

int sl_checkpoint_exists(MYSQL *m, const char *db, uint64_t hash, uint64_t start,
                         struct sl_err *err)
{
    char key[32], st[32];
    snprintf(key, sizeof key, "%" PRIu64, hash);
    snprintf(st, sizeof st, "%" PRIu64, start);
    const char *params[] = {key, st};
    int found = 0;
    struct sl_buf b;
    sl_buf_init(&b, 4096);
    const char *sql = select_sql(&b, db, "1", "job_hash = ? AND start_offset = ?");
    int rc = sql ? sl_conn_select(m, sql, params, 2, count_one, &found, err)
                 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&b);
    return rc != 0 ? -1 : found > 0;
}

struct sl_checkpoint_writer {
    MYSQL_STMT *stmt;
};

int sl_checkpoint_writer_open(struct sl_checkpoint_writer **out, MYSQL *m, const char *db,
                              struct sl_err *err)
{
    struct sl_checkpoint_writer *cw = calloc(1, sizeof *cw);
    struct sl_buf b;
    sl_buf_init(&b, 4096);
    if (!cw || sl_buf_puts(&b, "INSERT INTO ") != 0 || table_name(&b, db) != 0 ||
        sl_buf_puts(&b, " (job_hash, start_offset, end_offset, row_count, source_size,"
                        " source_mtime_ns, target, source) VALUES (?,?,?,?,?,?,?,?)") != 0) {
        free(cw);
        sl_buf_release(&b);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    cw->stmt = mysql_stmt_init(m);
    if (!cw->stmt || mysql_stmt_prepare(cw->stmt, b.data, b.len) != 0) {
        if (cw->stmt)
            sl_conn_stmt_fail(cw->stmt, err, "prepare checkpoint INSERT failed");
        else
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
        sl_checkpoint_writer_close(cw);
        sl_buf_release(&b);
        return -1;
    }
    sl_buf_release(&b);
    *out = cw;
    return 0;
}

int sl_checkpoint_record(struct sl_checkpoint_writer *cw, const struct sl_checkpoint_job *job,
                         uint64_t start, uint64_t end, uint64_t rows, struct sl_err *err)
{
    unsigned long long v[4] = {job->hash, start, end, rows};
    long long sz = job->size, mt = job->mtime_ns;
    unsigned long tl = strlen(job->target), sl = strlen(job->source);
    MYSQL_BIND b[8];
    memset(b, 0, sizeof b);
    for (int i = 0; i < 4; i++) {
        b[i].buffer_type = MYSQL_TYPE_LONGLONG;
        b[i].buffer = &v[i];
        b[i].is_unsigned = 1;
    }
    b[4].buffer_type = MYSQL_TYPE_LONGLONG;
    b[4].buffer = &sz;
    b[5].buffer_type = MYSQL_TYPE_LONGLONG;
    b[5].buffer = &mt;
    b[6].buffer_type = MYSQL_TYPE_STRING;
    b[6].buffer = (void *)job->target;
    b[6].buffer_length = tl;
    b[6].length = &tl;
    b[7].buffer_type = MYSQL_TYPE_STRING;
    b[7].buffer = (void *)job->source;
    b[7].buffer_length = sl;
    b[7].length = &sl;
    if (mysql_stmt_bind_param(cw->stmt, b) != 0 || mysql_stmt_execute(cw->stmt) != 0)
        return sl_conn_stmt_fail(cw->stmt, err, "recording the checkpoint failed");
    return 0;
}

void sl_checkpoint_writer_close(struct sl_checkpoint_writer *cw)
{
    if (!cw)
        return;
    if (cw->stmt)
        mysql_stmt_close(cw->stmt);
    free(cw);
}
