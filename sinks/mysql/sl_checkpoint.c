#include "sl_checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_conn.h"
#include "sl_hash.h"
#include "sl_ident.h"

uint64_t sl_checkpoint_job_hash(const char *db, const char *table, uint64_t fingerprint,
                                unsigned copy)
{
    uint64_t h = SL_HASH_INIT;
    h = sl_hash_add(h, db, strlen(db) + 1);
    h = sl_hash_add(h, table, strlen(table) + 1);
    h = sl_hash_add(h, &fingerprint, sizeof fingerprint);
    return sl_hash_add(h, &copy, sizeof copy);
}

void sl_checkpoint_seen_release(struct sl_checkpoint_seen *seen)
{
    free(seen->source);
    memset(seen, 0, sizeof *seen);
}

/* Appends `db`.`sluice_checkpoints`. */
static int table_name(struct sl_buf *b, const char *db)
{
    return sl_ident_append_qualified(b, db, SL_CHECKPOINT_TABLE);
}

/* Builds before + `db`.`sluice_checkpoints` + after into b; NULL when out of
 * memory. */
static const char *build_sql(struct sl_buf *b, const char *db, const char *before,
                             const char *after)
{
    if (sl_buf_puts(b, before) != 0 || table_name(b, db) != 0 || sl_buf_puts(b, after) != 0)
        return NULL;
    return sl_buf_cstr(b);
}

static int run_sql(MYSQL *m, const char *db, const char *before, const char *after,
                   struct sl_err *err)
{
    struct sl_buf b;
    sl_buf_init(&b, 64 * 1024);
    const char *sql = build_sql(&b, db, before, after);
    int rc = sql ? sl_conn_exec(m, sql, err) : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&b);
    return rc;
}

/* Runs a statement of the checkpoint table with bound text parameters. */
static int run_bound(MYSQL *m, const char *db, const char *before, const char *after,
                     const char **params, unsigned nparams, sl_conn_row_fn fn, void *ctx,
                     struct sl_err *err)
{
    struct sl_buf b;
    sl_buf_init(&b, 64 * 1024);
    const char *sql = build_sql(&b, db, before, after);
    int rc = sql ? sl_conn_select(m, sql, params, nparams, fn, ctx, err)
                 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&b);
    return rc;
}

static int count_one(void *ctx, char **v, unsigned long *l, unsigned n)
{
    (void)v, (void)l, (void)n;
    (*(int *)ctx)++;
    return 0;
}

/* Adds the file identity columns to a table made by an older sluice, whose
 * rows then match by path only. */
static int add_identity_columns(MYSQL *m, const char *db, struct sl_err *err)
{
    const char *params[] = {db, SL_CHECKPOINT_TABLE};
    int found = 0;
    if (sl_conn_select(m,
                       "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND "
                       "TABLE_NAME = ? AND COLUMN_NAME = 'source_fingerprint'",
                       params, 2, count_one, &found, err) != 0)
        return -1;
    if (found)
        return 0;
    return run_sql(m, db, "ALTER TABLE ",
                   " ADD COLUMN source_dev BIGINT UNSIGNED NOT NULL DEFAULT 0,"
                   " ADD COLUMN source_ino BIGINT UNSIGNED NOT NULL DEFAULT 0,"
                   " ADD COLUMN source_fingerprint BIGINT UNSIGNED NOT NULL DEFAULT 0",
                   err);
}

static int found_row(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)vals, (void)lens, (void)n;
    *(int *)ctx = 1;
    return 0;
}

/* Creates db when it does not exist (--checkpoint-db names a database of
 * sluice's own); an existing one is left alone, so that no CREATE DATABASE
 * privilege is needed for it. */
static int ensure_db(MYSQL *m, const char *db, struct sl_err *err)
{
    const char *p[] = {db};
    int found = 0;
    if (sl_conn_select(m, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", p, 1,
                       found_row, &found, err) != 0)
        return -1;
    if (found)
        return 0;
    struct sl_buf b;
    sl_buf_init(&b, 4096);
    int rc = sl_buf_puts(&b, "CREATE DATABASE IF NOT EXISTS ") == 0 &&
                     sl_ident_append(&b, db, strlen(db)) == 0 && sl_buf_cstr(&b)
                 ? sl_conn_exec(m, sl_buf_cstr(&b), err)
                 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&b);
    return rc;
}

int sl_checkpoint_ensure_table(MYSQL *m, const char *db, struct sl_err *err)
{
    int rc = ensure_db(m, db, err);
    if (rc == 0)
        rc = run_sql(m, db, "CREATE TABLE IF NOT EXISTS ",
                     " (job_hash BIGINT UNSIGNED NOT NULL,"
                     " start_offset BIGINT UNSIGNED NOT NULL,"
                     " end_offset BIGINT UNSIGNED NOT NULL,"
                     " row_count BIGINT UNSIGNED NOT NULL,"
                     " source_size BIGINT NOT NULL,"
                     " source_mtime_ns BIGINT NOT NULL,"
                     " target VARCHAR(512) NOT NULL,"
                     " source VARCHAR(4096) NOT NULL,"
                     " created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
                     " source_dev BIGINT UNSIGNED NOT NULL DEFAULT 0,"
                     " source_ino BIGINT UNSIGNED NOT NULL DEFAULT 0,"
                     " source_fingerprint BIGINT UNSIGNED NOT NULL DEFAULT 0,"
                     " PRIMARY KEY (job_hash, start_offset)"
                     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
                     " COMMENT='sluice: committed ranges of interrupted loads and copies'",
                     err);
    if (rc == 0)
        rc = add_identity_columns(m, db, err);
    if (rc == 0)
        rc = sl_conn_exec(m, "COMMIT", err);
    if (rc != 0)
        sl_err_prefix(err, "cannot create %s.%s (use --no-checkpoint to load without it)", db,
                      SL_CHECKPOINT_TABLE);
    return rc;
}

/* The columns the readers select, in this order. */
#define SEEN_COLS                                                                                  \
    "SELECT job_hash, start_offset, end_offset, source_size, source_mtime_ns, source_dev, "        \
    "source_ino, source_fingerprint, source FROM "
#define SEEN_NCOLS 9

/* A file as the WHERE clause matches it: its path, or its device and inode. */
#define SAME_FILE "target = ? AND (source = ? OR (source_dev = ? AND source_ino = ?))"

static int complete_row(char **vals, unsigned n)
{
    if (n < SEEN_NCOLS)
        return 0;
    for (unsigned i = 0; i < SEEN_NCOLS; i++)
        if (!vals[i])
            return 0;
    return 1;
}

/* Counts a row of SEEN_COLS into *seen, filling it from the first; -1 when
 * out of memory. */
static int note_seen(struct sl_checkpoint_seen *seen, char **vals)
{
    if (seen->nranges++ > 0)
        return 0;
    seen->hash = strtoull(vals[0], NULL, 10);
    seen->size = strtoll(vals[3], NULL, 10);
    seen->mtime_ns = strtoll(vals[4], NULL, 10);
    seen->dev = strtoull(vals[5], NULL, 10);
    seen->ino = strtoull(vals[6], NULL, 10);
    seen->fingerprint = strtoull(vals[7], NULL, 10);
    seen->source = strdup(vals[8]);
    return seen->source ? 0 : -1;
}

struct load_ctx {
    struct sl_span *v;
    size_t n;
    struct sl_checkpoint_seen *seen;
    int bad; /* a row was incomplete, or memory ran out */
};

static int add_range(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct load_ctx *c = ctx;
    if (!complete_row(vals, n)) {
        c->bad = 1;
        return 1;
    }
    struct sl_span *nv = realloc(c->v, (c->n + 1) * sizeof *nv);
    if (nv)
        c->v = nv;
    if (!nv || note_seen(c->seen, vals) != 0) {
        c->bad = 1;
        return 1;
    }
    c->v[c->n].start = strtoull(vals[1], NULL, 10);
    c->v[c->n].end = strtoull(vals[2], NULL, 10);
    c->n++;
    return 0;
}

int sl_checkpoint_load(MYSQL *m, const char *db, uint64_t hash, struct sl_span **out, size_t *n,
                       struct sl_checkpoint_seen *seen, struct sl_err *err)
{
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, hash);
    const char *params[] = {key};
    memset(seen, 0, sizeof *seen);
    struct load_ctx c = {NULL, 0, seen, 0};
    int rc = run_bound(m, db, SEEN_COLS, " WHERE job_hash = ? ORDER BY start_offset", params, 1,
                       add_range, &c, err);
    if (rc != 0 || c.bad) {
        free(c.v);
        sl_checkpoint_seen_release(seen);
        return rc < 0 ? -1
                      : sl_err_set(err, SL_ERR_FATAL, "cannot read %s.%s", db, SL_CHECKPOINT_TABLE);
    }
    *out = c.v;
    *n = c.n;
    return 0;
}

struct find_ctx {
    struct sl_checkpoint_seen *seen;
    int bad;
};

/* Counts the rows of the first job found; the rows come ordered by job, so
 * the first row of another job ends the scan (2). */
static int add_found(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct find_ctx *c = ctx;
    if (!complete_row(vals, n)) {
        c->bad = 1;
        return 1;
    }
    if (c->seen->nranges && strtoull(vals[0], NULL, 10) != c->seen->hash)
        return 2;
    if (note_seen(c->seen, vals) != 0) {
        c->bad = 1;
        return 1;
    }
    return 0;
}

/* A file's target, canonical path, device and inode as bound text. */
struct file_params {
    char dev[32], ino[32];
    const char *v[4];
};

static void file_params(struct file_params *fp, const char *target, const struct sl_file_id *f)
{
    snprintf(fp->dev, sizeof fp->dev, "%" PRIu64, f->dev);
    snprintf(fp->ino, sizeof fp->ino, "%" PRIu64, f->ino);
    fp->v[0] = target;
    fp->v[1] = f->canon;
    fp->v[2] = fp->dev;
    fp->v[3] = fp->ino;
}

int sl_checkpoint_find_file(MYSQL *m, const char *db, const char *target,
                            const struct sl_file_id *file, uint64_t except_hash,
                            struct sl_checkpoint_seen *seen, struct sl_err *err)
{
    struct file_params fp;
    file_params(&fp, target, file);
    char except[32];
    snprintf(except, sizeof except, "%" PRIu64, except_hash);
    const char *params[] = {fp.v[0], fp.v[1], fp.v[2], fp.v[3], except};
    memset(seen, 0, sizeof *seen);
    struct find_ctx c = {seen, 0};
    int rc = run_bound(m, db, SEEN_COLS,
                       " WHERE " SAME_FILE " AND job_hash <> ? ORDER BY job_hash, start_offset",
                       params, 5, add_found, &c, err);
    if (rc < 0 || rc == 1 || c.bad) {
        sl_checkpoint_seen_release(seen);
        return rc < 0 ? -1
                      : sl_err_set(err, SL_ERR_FATAL, "cannot read %s.%s", db, SL_CHECKPOINT_TABLE);
    }
    return seen->nranges > 0;
}

/* What sl_checkpoint_other_layout looks for: targets of the file that are
 * base, or base followed by " shard i/n" with another n than this run's. */
struct layout_ctx {
    const char *base;
    unsigned count; /* this run's shards, 0: not sharded */
    char *found;
    size_t cap;
    int hit;
};

static int other_layout(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct layout_ctx *c = ctx;
    if (n < 1 || !vals[0])
        return 0;
    const char *t = vals[0];
    size_t bl = strlen(c->base);
    if (strncmp(t, c->base, bl) != 0)
        return 0;
    const char *rest = t + bl;
    unsigned i, count;
    char tail;
    int sharded = sscanf(rest, " shard %u/%u%c", &i, &count, &tail) == 2;
    if (!sharded && *rest)
        return 0; /* another table whose name begins with this one's */
    if (sharded ? count == c->count : c->count == 0)
        return 0;
    snprintf(c->found, c->cap, "%s", t);
    c->hit = 1;
    return 2; /* one is enough */
}

int sl_checkpoint_check_layout(MYSQL *m, const char *db, const char *base,
                               const struct sl_shard *shard, const struct sl_file_id *file,
                               const char *what, const char *kind, struct sl_err *err)
{
    char dev[24], ino[24], blen[24], found[600];
    snprintf(dev, sizeof dev, "%" PRIu64, file->dev);
    snprintf(ino, sizeof ino, "%" PRIu64, file->ino);
    snprintf(blen, sizeof blen, "%zu", strlen(base));
    const char *params[] = {file->canon, dev, ino, blen, base};
    struct layout_ctx c = {base, shard->count, found, sizeof found, 0};
    int rc = run_bound(m, db, "SELECT DISTINCT target FROM ",
                       " WHERE (source = ? OR (source_dev = ? AND source_ino = ?))"
                       " AND LEFT(target, ?) = ?",
                       params, 5, other_layout, &c, err);
    if (rc < 0)
        return -1;
    if (!c.hit)
        return 0;
    char was[64], sfx[48];
    if (strlen(found) > strlen(base))
        snprintf(was, sizeof was, "%s", found + strlen(base) + 1);
    else
        snprintf(was, sizeof was, "one unsplit %s", kind);
    sl_shard_suffix(shard, sfx, sizeof sfx);
    return sl_err_set(err, SL_ERR_FATAL,
                      "an earlier %s into %s, as %s, left checkpoints; this run is %s: a split "
                      "%s must keep its number of shards to be resumed exactly once. Finish it "
                      "as it was begun, or start afresh after: DELETE FROM %s.%s WHERE target "
                      "LIKE '%s%%'",
                      what, base, was, sfx[0] ? sfx + 1 : "not split", kind, db,
                      SL_CHECKPOINT_TABLE, base);
}

int sl_checkpoint_clear_file(MYSQL *m, const char *db, const struct sl_checkpoint_job *job,
                             struct sl_err *err)
{
    struct file_params fp;
    file_params(&fp, job->target, job->file);
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, job->hash);
    const char *params[] = {key, fp.v[0], fp.v[1], fp.v[2], fp.v[3]};
    int rows = 0;
    if (run_bound(m, db, "DELETE FROM ", " WHERE job_hash = ? OR (" SAME_FILE ")", params, 5,
                  count_one, &rows, err) != 0)
        return -1;
    return sl_conn_exec(m, "COMMIT", err);
}

int sl_checkpoint_clear_job(MYSQL *m, const char *db, uint64_t hash, struct sl_err *err)
{
    char key[32];
    snprintf(key, sizeof key, "%" PRIu64, hash);
    const char *params[] = {key};
    int rows = 0;
    if (run_bound(m, db, "DELETE FROM ", " WHERE job_hash = ?", params, 1, count_one, &rows, err) !=
        0)
        return -1;
    return sl_conn_exec(m, "COMMIT", err);
}

int sl_checkpoint_exists(MYSQL *m, const char *db, uint64_t hash, uint64_t start,
                         struct sl_err *err)
{
    char key[32], st[32];
    snprintf(key, sizeof key, "%" PRIu64, hash);
    snprintf(st, sizeof st, "%" PRIu64, start);
    const char *params[] = {key, st};
    int found = 0;
    int rc = run_bound(m, db, "SELECT 1 FROM ", " WHERE job_hash = ? AND start_offset = ?", params,
                       2, count_one, &found, err);
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
    const char *sql = build_sql(&b, db, "INSERT INTO ",
                                " (job_hash, start_offset, end_offset, row_count, source_size,"
                                " source_mtime_ns, target, source, source_dev, source_ino,"
                                " source_fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!cw || !sql) {
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

/* Binds an unsigned or signed 64-bit integer. */
static void bind_u64(MYSQL_BIND *b, unsigned long long *v)
{
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = v;
    b->is_unsigned = 1;
}

static void bind_i64(MYSQL_BIND *b, long long *v)
{
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = v;
}

static void bind_text(MYSQL_BIND *b, const char *s, unsigned long *len)
{
    *len = strlen(s);
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = (void *)s;
    b->buffer_length = *len;
    b->length = len;
}

int sl_checkpoint_record(struct sl_checkpoint_writer *cw, const struct sl_checkpoint_job *job,
                         uint64_t start, uint64_t end, uint64_t rows, struct sl_err *err)
{
    const struct sl_file_id *f = job->file;
    unsigned long long u[7] = {job->hash, start, end, rows, f->dev, f->ino, f->fingerprint};
    long long sz = f->size, mt = f->mtime_ns;
    unsigned long tl, sl;
    MYSQL_BIND b[11];
    memset(b, 0, sizeof b);
    for (int i = 0; i < 4; i++)
        bind_u64(&b[i], &u[i]);
    bind_i64(&b[4], &sz);
    bind_i64(&b[5], &mt);
    bind_text(&b[6], job->target, &tl);
    bind_text(&b[7], f->canon, &sl);
    for (int i = 0; i < 3; i++)
        bind_u64(&b[8 + i], &u[4 + i]);
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
