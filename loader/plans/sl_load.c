#include "sl_load.h"
#include "sl_load_indexes.h"

#include <errno.h>
#include <libgen.h>
#include <mysql.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_checkpoint.h"
#include "sl_colcheck.h"
#include "sl_conn.h"
#include "sl_csv_source.h"
#include "sl_engine.h"
#include "sl_file_id.h"
#include "sl_insert_plan.h"
#include "sl_jsonl.h"
#include "sl_mysql_sink.h"
#include "sl_null_sink.h"
#include "sl_privs.h"
#include "sl_progress.h"
#include "sl_row_stage.h"
#include "sl_sniff_render.h"
#include "sl_sources.h"
#include "sl_table.h"
#include "sl_url.h"

/* A batch is handed to a writer once its values pass this many bytes. */
#define BATCH_BYTES (4 * 1024 * 1024)
/* Batches carry up to this many rows: a whole number of statements, and as
 * much of a chunk as fits. A writer then inserts a long run of consecutive
 * rows, instead of two writers taking turns at the same end of the primary
 * key index and contending for its pages (measured: 1.27x -> 1.17x of
 * two-connection LOAD DATA with 2,000-row versus 10,000-row batches). */
#define BATCH_ROWS_TARGET 10000

/* Rows per pipeline batch: a whole number of statements that also divides
 * the chunk (--txn-rows, rounded up to whole statements), as large as
 * possible up to BATCH_ROWS_TARGET. */
static size_t pipeline_batch_rows(size_t stmt_rows, size_t txn_rows)
{
    size_t stmts_per_chunk = (txn_rows + stmt_rows - 1) / stmt_rows;
    size_t max_k = stmt_rows < BATCH_ROWS_TARGET ? BATCH_ROWS_TARGET / stmt_rows : 1;
    size_t k = 1;
    for (size_t d = 1; d <= max_k && d <= stmts_per_chunk; d++)
        if (stmts_per_chunk % d == 0)
            k = d;
    return stmt_rows * k;
}

static void close_all(MYSQL **conns, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (conns[i])
            sl_conn_close(conns[i]);
}

/* Checkpoint state of every source: file identities, job keys, and with
 * --resume the ranges to skip. Refuses a fresh run over an interrupted one,
 * and a resume whose source changed. */
struct resume_state {
    struct sl_file_id *files;       /* canon NULL: no identity (stdin, a pipe) */
    unsigned *copies;               /* the how-manyth file of these contents */
    struct sl_checkpoint_job *jobs; /* hash 0: no checkpoints (stdin, a pipe) */
    struct sl_csv_skip *skips;
    struct sl_span **ranges;
    char *target;               /* "db.table", and " shard i/n" when sharded */
    char *base;                 /* "db.table" */
    const struct sl_span *keep; /* --shard: per source, its part; NULL: all */
    const struct sl_shard *shard;
    size_t n;
    size_t nranges;
};

/* Whether source i is read at all by this shard (keep NULL: not sharded). */
static int kept(const struct sl_span *keep, size_t i)
{
    return !keep || keep[i].start < keep[i].end;
}

static void resume_release(struct resume_state *rs)
{
    for (size_t i = 0; i < rs->n && rs->ranges; i++)
        free(rs->ranges[i]);
    for (size_t i = 0; i < rs->n && rs->files; i++)
        sl_file_id_release(&rs->files[i]);
    free(rs->files);
    free(rs->copies);
    free(rs->ranges);
    free(rs->skips);
    free(rs->jobs);
    free(rs->target);
    free(rs->base);
    memset(rs, 0, sizeof *rs);
}

/* Reads the identity of every source before anything is written: refuses a
 * file named twice, and --resume of a source without identity (stdin, a
 * pipe). Identical contents in two files get copy numbers 0, 1, ... so that
 * their job keys differ. */
static int resume_identify(struct resume_state *rs, const struct sl_sources *src, int resume,
                           struct sl_err *err)
{
    memset(rs, 0, sizeof *rs);
    rs->n = src->n;
    rs->files = calloc(src->n, sizeof *rs->files);
    rs->copies = calloc(src->n, sizeof *rs->copies);
    if (!rs->files || !rs->copies)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < src->n; i++) {
        const char *path = src->v[i].path;
        int rc = strcmp(path, "-") == 0 ? 1 : sl_file_id_read(&rs->files[i], path, err);
        if (rc == 1 && resume)
            return sl_err_set(err, SL_ERR_FATAL,
                              "%s cannot be resumed: it is not a regular file, so what it holds "
                              "cannot be checked; load from a file to use --resume",
                              strcmp(path, "-") == 0 ? "stdin" : path);
        if (rc == 1)
            continue; /* loaded without checkpoints */
        if (rc != 0)
            return -1;
        const struct sl_file_id *f = &rs->files[i];
        for (size_t j = 0; j < i; j++) {
            const struct sl_file_id *g = &rs->files[j];
            if (!g->canon || g->fingerprint != f->fingerprint)
                continue;
            if (g->dev == f->dev && g->ino == f->ino)
                return sl_err_set(err, SL_ERR_FATAL,
                                  "%s and %s are the same file (%s); it would be loaded twice",
                                  src->v[j].path, path, f->canon);
            rs->copies[i]++; /* identical contents in another file */
        }
    }
    return 0;
}

/* " (it was read as PATH)" when the interrupted load named the file
 * otherwise, else "". */
static void read_as(char *out, size_t n, const struct sl_checkpoint_seen *seen,
                    const struct sl_file_id *f)
{
    if (seen->source && strcmp(seen->source, f->canon) != 0)
        snprintf(out, n, " (it was read as %s)", seen->source);
    else
        out[0] = '\0';
}

/* The refusal of a load over an interrupted one whose checkpoints are seen. */
static int refuse_rerun(struct sl_err *err, const char *path, const char *target,
                        const char *schema, const struct sl_file_id *f,
                        const struct sl_checkpoint_seen *seen)
{
    char as[4200];
    read_as(as, sizeof as, seen, f);
    return sl_err_set(err, SL_ERR_FATAL,
                      "%s: an earlier load of this file into %s was interrupted after "
                      "committing %zu chunk(s)%s; run again with --resume to finish it, or load "
                      "afresh after: DELETE FROM %s.%s WHERE job_hash = %llu",
                      path, target, seen->nranges, as, schema, SL_CHECKPOINT_TABLE,
                      (unsigned long long)seen->hash);
}

/* Checks a job's recorded identity against its file before it is resumed:
 * the contents match (the job key says so), but another modification time
 * means the middle may differ. */
static int check_resumable(struct sl_err *err, const char *path, const struct sl_file_id *f,
                           const struct sl_checkpoint_seen *seen, FILE *log)
{
    long long t = seen->mtime_ns;
    if (t != f->mtime_ns && seen->dev == f->dev && seen->ino == f->ino &&
        strcmp(seen->source, f->canon) == 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "%s: the file changed since the interrupted load (modified %lld, now "
                          "%lld ns); it cannot be resumed",
                          path, t, (long long)f->mtime_ns);
    if (t != f->mtime_ns)
        return sl_err_set(err, SL_ERR_FATAL,
                          "%s: it has the size and first and last blocks of %s, which the "
                          "interrupted load read, but another modification time (%lld, now "
                          "%lld ns), so it may have changed; it cannot be resumed. If it is an "
                          "unchanged copy, give it the recorded time (touch -d @%lld.%09lld) "
                          "and resume again",
                          path, seen->source, t, (long long)f->mtime_ns, t / 1000000000LL,
                          t % 1000000000LL);
    if (strcmp(seen->source, f->canon) != 0)
        fprintf(log, "sluice: %s: this is the file the interrupted load read as %s\n", path,
                seen->source);
    return 0;
}

/* Reads the checkpoints of source i, kept in schema's sluice_checkpoints:
 * see resume_prepare. */
static int prepare_one(struct resume_state *rs, size_t i, MYSQL *m, const struct sl_load_config *c,
                       const char *schema, int fresh, const char *path, FILE *log,
                       struct sl_err *err)
{
    struct sl_checkpoint_job *job = &rs->jobs[i];
    struct sl_checkpoint_seen seen;
    size_t n = 0;
    if (sl_checkpoint_check_layout(m, schema, rs->base, rs->shard, job->file, "load of this file",
                                   "load", err) != 0) {
        sl_err_prefix(err, "%s", path);
        return -1;
    }
    if (sl_checkpoint_load(m, schema, job->hash, &rs->ranges[i], &n, &seen, err) != 0)
        return -1;
    int rc = 0;
    if (n == 0) {
        /* none under this contents: is there an interrupted load of this
         * path or inode with other contents? */
        int other =
            sl_checkpoint_find_file(m, schema, rs->target, job->file, job->hash, &seen, err);
        if (other < 0)
            return -1;
        char as[4200];
        read_as(as, sizeof as, &seen, job->file);
        if (other && fresh && !c->resume)
            rc = c->dry_run ? 0 : sl_checkpoint_clear_file(m, schema, job, err);
        else if (other)
            rc =
                sl_err_set(err, SL_ERR_FATAL,
                           "%s: an earlier load of this file into %s was interrupted after "
                           "committing %zu chunk(s)%s, and the file has changed "
                           "since (size %lld, now %lld; modified %lld, now %lld ns); it cannot be "
                           "resumed. Load it afresh after: DELETE FROM %s.%s WHERE job_hash = %llu",
                           path, rs->target, seen.nranges, as, (long long)seen.size,
                           (long long)job->file->size, (long long)seen.mtime_ns,
                           (long long)job->file->mtime_ns, schema, SL_CHECKPOINT_TABLE,
                           (unsigned long long)seen.hash);
    } else if (fresh && !c->resume) {
        free(rs->ranges[i]);
        rs->ranges[i] = NULL;
        rc = c->dry_run ? 0 : sl_checkpoint_clear_file(m, schema, job, err);
    } else if (!c->resume) {
        rc = refuse_rerun(err, path, rs->target, schema, job->file, &seen);
    } else if ((rc = check_resumable(err, path, job->file, &seen, log)) == 0) {
        rs->skips[i].spans = rs->ranges[i];
        rs->skips[i].n = n;
        rs->nranges += n;
        fprintf(log, "sluice: %s: resuming; %zu committed chunk(s) are skipped\n", path, n);
    }
    sl_checkpoint_seen_release(&seen);
    return rc;
}

/* Reads the checkpoints of every identified source (resume_identify) into
 * schema.table. A source is known by its contents, not its name
 * (sl_checkpoint.h). fresh: the table was just emptied or created, so the
 * checkpoints of a fresh run are stale and are deleted instead of refusing
 * the run. */
static int resume_prepare(struct resume_state *rs, MYSQL *m, const struct sl_load_config *c,
                          const char *schema, const char *table, const char *ckdb, int fresh,
                          const struct sl_sources *src, FILE *log, struct sl_err *err)
{
    rs->jobs = calloc(src->n, sizeof *rs->jobs);
    rs->skips = calloc(src->n, sizeof *rs->skips);
    rs->ranges = calloc(src->n, sizeof *rs->ranges);
    char sfx[48];
    sl_shard_suffix(rs->shard, sfx, sizeof sfx);
    size_t tlen = strlen(schema) + strlen(table) + strlen(sfx) + 2;
    rs->target = malloc(tlen);
    rs->base = malloc(tlen);
    char *table_sfx = malloc(strlen(table) + strlen(sfx) + 1);
    if (!rs->jobs || !rs->skips || !rs->ranges || !rs->target || !rs->base || !table_sfx) {
        free(table_sfx);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    snprintf(rs->target, tlen, "%s.%s%s", schema, table, sfx);
    snprintf(rs->base, tlen, "%s.%s", schema, table);
    /* a shard's job is its part of the file: its own key, its own rows */
    sprintf(table_sfx, "%s%s", table, sfx);
    for (size_t i = 0; i < src->n; i++) {
        if (!rs->files[i].canon || !kept(rs->keep, i))
            continue;
        rs->jobs[i].hash =
            sl_checkpoint_job_hash(schema, table_sfx, rs->files[i].fingerprint, rs->copies[i]);
        rs->jobs[i].target = rs->target;
        rs->jobs[i].file = &rs->files[i];
    }
    free(table_sfx);
    if (c->dry_run) { /* look, but do not create */
        int exists = sl_table_exists(m, ckdb, SL_CHECKPOINT_TABLE, err);
        if (exists <= 0)
            return exists;
    } else if (sl_checkpoint_ensure_table(m, ckdb, err) != 0) {
        return -1;
    }
    for (size_t i = 0; i < src->n; i++)
        if (rs->jobs[i].hash &&
            prepare_one(rs, i, m, c, ckdb, fresh, src->v[i].path, log, err) != 0)
            return -1;
    return 0;
}

/* Deletes the checkpoints of a finished load, and any stale ones of its
 * files. */
static int resume_finish(const struct resume_state *rs, MYSQL *m, const char *db,
                         struct sl_err *err)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->jobs[i].hash && sl_checkpoint_clear_file(m, db, &rs->jobs[i], err) != 0)
            return -1;
    return 0;
}

/* The columns --mode upsert updates, with a notice when the table has no
 * key for a duplicate to hit. */
static int upsert_columns(const struct sl_table *t, char *const *cols, size_t ncols,
                          const char *list, size_t **update, size_t *nupdate, FILE *log,
                          int advise /* 0 under -q */, struct sl_err *err)
{
    int keyed = 0;
    for (size_t i = 0; i < t->ncols; i++)
        keyed |= t->cols[i].in_unique_key;
    if (!keyed)
        fprintf(log,
                "sluice: --mode upsert: %s.%s has no primary or unique key, so every row "
                "is inserted\n",
                t->schema, t->name);
    if (sl_write_mode_update_cols(t, cols, ncols, list, update, nupdate, err) != 0)
        return -1;
    if (*nupdate == 0 && keyed && advise)
        fprintf(log, "sluice: --mode upsert: every loaded column is a key column; a row whose "
                     "key exists is left as it is\n");
    return 0;
}

/* What --mode does to the target before any row: truncate it, or create the
 * table a swap loads into. write_name gets the table the rows go to; *fresh
 * is set when that table was just emptied or created. A dry run only says
 * what would be done. */
static int prepare_target(MYSQL *m, const struct sl_load_config *c, const struct sl_table *t,
                          char *write_name, size_t cap, int *fresh, FILE *log, struct sl_err *err)
{
    *fresh = 0;
    snprintf(write_name, cap, "%s", t->name);
    if (c->mode == SL_MODE_TRUNCATE && !c->resume) {
        fprintf(log,
                "sluice: --mode truncate: TRUNCATE TABLE %s.%s commits at once; if this load "
                "fails, the table stays empty or part-loaded (--mode swap keeps the old rows "
                "until the new ones are complete)\n",
                t->schema, t->name);
        *fresh = 1;
        return c->dry_run ? 0 : sl_table_truncate(m, t->schema, t->name, err);
    }
    if (c->mode != SL_MODE_SWAP)
        return 0;
    if (sl_swap_name(write_name, cap, t->name, SL_SWAP_NEW_SUFFIX, err) != 0 ||
        sl_swap_check_fks(m, "target", t->schema, t->name, 1, err) != 0)
        return -1;
    if (c->resume) {
        struct sl_table probe;
        if (sl_table_describe(m, t->schema, write_name, &probe, err) != 0) {
            sl_err_prefix(err, "--resume --mode swap: nothing to resume into");
            return -1;
        }
        sl_table_release(&probe);
        return 0;
    }
    *fresh = 1;
    if (c->dry_run) {
        fprintf(log,
                "sluice: dry run: --mode swap would load %s.%s and then swap it in with one "
                "RENAME TABLE\n",
                t->schema, write_name);
        return 0;
    }
    return sl_swap_create(m, t->schema, t->name, err);
}

/* A dry run's checks of what a real run would need: the privileges its mode
 * needs, and a place for the rejects files. */
static int dry_checks(MYSQL *m, const struct sl_load_config *c, const struct sl_table *t,
                      struct sl_err *err)
{
    char missing[256];
    int n = sl_privs_missing(m, t->schema, t->name, sl_write_mode_privs(c->mode, c->checkpoint),
                             missing, sizeof missing, err);
    if (n < 0)
        return -1;
    if (n > 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "the account lacks %s on %s.%s, which this load needs (--mode %s%s; "
                          "privileges held through a role are not seen)",
                          missing, t->schema, t->name, sl_write_mode_names[c->mode],
                          c->checkpoint ? ", checkpoints" : "");
    if (c->rejects) {
        char *copy = strdup(c->rejects);
        if (!copy)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        const char *dir = dirname(copy);
        int ok = access(dir, W_OK) == 0;
        if (!ok)
            sl_err_set(err, SL_ERR_FATAL, "--rejects: cannot write in %s: %s", dir,
                       strerror(errno));
        free(copy);
        if (!ok)
            return -1;
    }
    return 0;
}

/* --format jsonl: which fields make a row, and the columns they go to:
 * --map, --columns (fields of the columns' names), or else the whole
 * document into the table's one JSON column. Returns 0 or -1. */
static int jsonl_mapping(const struct sl_load_config *c, const struct sl_table *t,
                         struct sl_jsonl_map *m, char **columns, struct sl_err *err)
{
    if (c->json_map || c->columns) {
        if (sl_jsonl_map_parse(c->json_map ? c->json_map : c->columns, m, columns, err) != 0) {
            sl_err_prefix(err, "%s", c->json_map ? "--map" : "--columns");
            return -1;
        }
        return 0;
    }
    long json = -1;
    size_t njson = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        if (t->cols[i].is_json && !t->cols[i].generated) {
            json = (long)i;
            njson++;
        }
    }
    if (njson != 1)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--format jsonl: name the fields that go to columns with --columns or "
                          "--map, or give %s.%s one JSON column for the whole document (it has "
                          "%zu)",
                          t->schema, t->name, njson);
    m->fields = calloc(1, sizeof *m->fields);
    *columns = strdup(t->cols[json].name);
    if (!m->fields || !*columns || !(m->fields[0] = strdup(t->cols[json].name)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    m->n = 1;
    m->whole = 1;
    return 0;
}

/* --create-table: creates the target from the sniffed columns when it does
 * not exist (a dry run only says it would). Returns 0 or -1. */
static int create_table(MYSQL *m, const struct sl_load_config *c, const char *db, const char *name,
                        FILE *log, struct sl_err *err)
{
    int exists = sl_table_exists(m, db, name, err);
    if (exists != 0)
        return exists < 0 ? -1 : 0;
    struct sl_buf sql;
    sl_buf_init(&sql, 1 << 20);
    int rc = sl_sniff_create_sql(c->create_from, db, name, &sql);
    if (rc != 0 || !sl_buf_cstr(&sql)) {
        sl_buf_release(&sql);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    if (c->dry_run) {
        fprintf(log, "sluice: dry run: %s.%s does not exist; a real load would create it:\n%s\n",
                db, name, sql.data);
        sl_buf_release(&sql);
        return sl_err_set(err, SL_ERR_FATAL,
                          "%s.%s does not exist yet, so the dry run cannot check its columns", db,
                          name);
    }
    fprintf(log, "sluice: creating %s.%s from the sniffed columns:\n%s\n", db, name, sql.data);
    rc = sl_conn_exec(m, sql.data, err);
    sl_buf_release(&sql);
    return rc;
}

/* Rows of each file in committed chunks, counted by the writers. */
struct file_counts {
    _Atomic uint64_t *good; /* per file */
    _Atomic uint64_t *bad;
    size_t n;
};

static void count_committed(void *ctx, unsigned writer, struct sl_batch *const *held, size_t n,
                            uint64_t written, uint64_t ignored, uint64_t updated)
{
    (void)writer, (void)written, (void)ignored, (void)updated;
    struct file_counts *fc = ctx;
    for (size_t i = 0; i < n; i++) {
        const struct sl_batch *b = held[i];
        if (b->source >= fc->n)
            continue;
        uint64_t good = sl_batch_good_rows(b);
        atomic_fetch_add_explicit(&fc->good[b->source], good, memory_order_relaxed);
        atomic_fetch_add_explicit(&fc->bad[b->source], b->nrows - good, memory_order_relaxed);
    }
}

/* Copies the files and their counts into res. Returns 0 or -1 when out of
 * memory. */
static int keep_files(struct sl_load_result *res, const struct sl_csv_unit *v, size_t n,
                      const struct sl_span *keep, struct file_counts *fc)
{
    if (!(res->files = calloc(n ? n : 1, sizeof *res->files)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!kept(keep, i))
            continue; /* another shard's */
        struct sl_load_file *f = &res->files[res->nfiles];
        if (!(f->path = strdup(v[i].path)))
            return -1;
        res->nfiles++;
        f->keep_start = keep ? keep[i].start : 0;
        f->keep_end = keep ? keep[i].end : UINT64_MAX;
        f->size = v[i].size;
        f->rows_written = fc->good ? atomic_load(&fc->good[i]) : 0;
        f->rows_rejected = fc->bad ? atomic_load(&fc->bad[i]) : 0;
    }
    return 0;
}

/* The rows that went through each host of a cluster URL, into res. */
static int keep_nodes(struct sl_load_result *res, const struct sl_url *url,
                      _Atomic uint64_t *host_rows)
{
    if (!(res->nodes = calloc(url->nhosts, sizeof *res->nodes)))
        return -1;
    res->nnodes = url->nhosts;
    unsigned all = url->ports[0] ? 0 : url->port;
    for (size_t i = 0; i < url->nhosts; i++) {
        unsigned port = url->ports[i] ? url->ports[i] : all;
        if (port)
            snprintf(res->nodes[i].name, sizeof res->nodes[i].name, "%s:%u", url->hosts[i], port);
        else
            snprintf(res->nodes[i].name, sizeof res->nodes[i].name, "%s", url->hosts[i]);
        res->nodes[i].rows = atomic_load(&host_rows[i]);
    }
    return 0;
}

/* --shard: the part of each file this shard reads (sl_shard_files). A
 * compressed file is not cut: it goes whole to one shard. */
static int shard_files(const struct sl_shard *shard, const struct sl_sources *src,
                       struct sl_span **keep, struct sl_err *err)
{
    long long *sizes = calloc(src->n, sizeof *sizes);
    int *split = calloc(src->n, sizeof *split);
    *keep = calloc(src->n, sizeof **keep);
    int rc = 0;
    if (!sizes || !split || !*keep)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < src->n; i++) {
        if (strcmp(src->v[i].path, "-") == 0 || src->v[i].size < 0)
            rc = sl_err_set(err, SL_ERR_FATAL, "--shard splits files by their size; %s has none%s",
                            strcmp(src->v[i].path, "-") == 0 ? "stdin" : src->v[i].path,
                            strcmp(src->v[i].path, "-") == 0 ? "" : " (a pipe?)");
        else {
            sizes[i] = src->v[i].size;
            split[i] = !src->v[i].zstd;
        }
    }
    if (rc == 0)
        sl_shard_files(shard, sizes, split, src->n, *keep);
    free(sizes);
    free(split);
    return rc;
}

int sl_load_run(const struct sl_load_config *c, struct sl_load_result *res, FILE *log)
{
    memset(res, 0, sizeof res[0]);
    sl_err_clear(&res->err);
    res->dry_run = c->dry_run;
    res->shard = c->shard;
    struct sl_err *err = &res->err;
    struct sl_url url;
    struct sl_table table;
    struct sl_sources sources;
    struct resume_state rs;
    struct sl_rejects rejects;
    MYSQL **conns = NULL;
    char **colnames = NULL;
    const char **pad = NULL;        /* --ragged pad: per batch column */
    struct sl_jsonl_map jmap = {0}; /* --format jsonl: the fields that make a row */
    char *jcolumns = NULL;          /* ... and the columns they go to */
    char write_name[256] = "";
    struct sl_load_indexes ix = {0};
    size_t *update = NULL, nupdate = 0;
    struct sl_colcheck *checks = NULL;
    struct file_counts fc = {0};
    struct sl_span *keep = NULL;        /* --shard: per source, the part read */
    unsigned *conn_hosts = NULL;        /* a cluster URL: the host of each connection */
    _Atomic uint64_t *host_rows = NULL; /* and the rows committed through each host */
    int rc = -1;
    memset(&table, 0, sizeof table);
    memset(&sources, 0, sizeof sources);
    memset(&rs, 0, sizeof rs);
    memset(&rejects, 0, sizeof rejects);

    struct sl_transforms tf;
    memset(&tf, 0, sizeof tf);
    for (size_t i = 0; i < c->ntransforms; i++)
        if (sl_transforms_parse(&tf, c->transforms[i], err) != 0) {
            sl_transforms_release(&tf);
            return -1;
        }
    if (sl_url_parse_for(&url, c->into, "into", err) != 0) {
        sl_transforms_release(&tf);
        return -1;
    }
    sl_url_format(&url, res->target, sizeof res->target);
    if (!url.db || !url.table) {
        sl_err_set(err, SL_ERR_FATAL, "--into %s must name a database and a table: .../db/table",
                   res->target);
        goto out_url;
    }

    conns = calloc(c->threads, sizeof *conns);
    if (!conns) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_url;
    }
    struct sl_conn_opts co = {
        .url = &url,
        .defaults_file = c->defaults_file,
        .session_sql = c->session_sql,
        .time_zone = c->time_zone,
        .tls = &c->tls,
        .connect_timeout = c->connect_timeout,
        .flags = &c->flags,
        .use_db = 1,
        .local_infile = c->method != SL_CHOOSE_INSERT,
        .hosts_policy = c->hosts_policy,
    };
    size_t nhosts = url.nhosts ? url.nhosts : 1;
    conn_hosts = calloc(c->threads, sizeof *conn_hosts);
    host_rows = calloc(nhosts, sizeof *host_rows);
    if (!conn_hosts || !host_rows) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_conns;
    }
    /* the first connection makes the tables and indexes: one node does the DDL */
    if (sl_conn_open_at(&conns[0], &co, 0, &conn_hosts[0], err) != 0)
        goto out_conns;
    struct sl_wsrep wsrep;
    sl_conn_wsrep(conns[0], &wsrep);
    res->galera = wsrep.on;
    /* a Galera write set is a transaction: keep chunks inside its limits */
    size_t txn_rows = c->txn_rows, txn_bytes = c->txn_bytes;
    if (wsrep.max_ws_rows && txn_rows > wsrep.max_ws_rows)
        txn_rows = (size_t)wsrep.max_ws_rows;
    if (wsrep.max_ws_size && (txn_bytes == 0 || txn_bytes > wsrep.max_ws_size / 2))
        txn_bytes = (size_t)(wsrep.max_ws_size / 2);
    enum sl_write_method method;
    if (sl_write_method_pick(conns[0], c->method, sl_write_mode_verb(c->mode), &method,
                             res->method_why, sizeof res->method_why, err) != 0)
        goto out_conns;
    res->method = sl_write_method_name(method);
    if (c->dry_run && (c->before_sql || c->after_sql))
        fprintf(log, "sluice: dry run: --before-sql and --after-sql are not run\n");
    if (c->before_sql && !c->dry_run &&
        sl_conn_run_hook(&co, "--before-sql", c->before_sql, err) != 0)
        goto out_conns;
    unsigned long long max_packet;
    if (sl_conn_read_var(conns[0], "max_allowed_packet", &max_packet, err) != 0)
        goto out_conns;
    if (c->create_from && create_table(conns[0], c, url.db, url.table, log, err) != 0)
        goto out_conns;
    if (sl_table_describe(conns[0], url.db, url.table, &table, err) != 0)
        goto out_conns;

    struct sl_csv_dialect dialect = c->dialect;
    if (c->jsonl && jsonl_mapping(c, &table, &jmap, &jcolumns, err) != 0)
        goto out_sources;
    if (c->jsonl)
        dialect.jsonl = &jmap;
    struct sl_source_opts so = {
        .read = {.dialect = &dialect,
                 .header = c->jsonl ? SL_HEADER_NONE : c->header,
                 .header_lines = c->header_lines,
                 .encoding = c->encoding,
                 .ragged_pad = c->ragged_pad,
                 .ignore_extra = c->ignore_extra,
                 .max_record_bytes = (size_t)max_packet},
        .columns = c->jsonl ? jcolumns : c->columns,
        .transforms = c->ntransforms ? &tf : NULL,
    };
    if (sl_sources_prepare(&sources, c->sources, c->nsources, &so, &table, err) != 0)
        goto out_sources;
    if (resume_identify(&rs, &sources, c->resume && c->checkpoint, err) != 0)
        goto out_sources;
    rs.shard = &c->shard;
    if (c->shard.count && shard_files(&c->shard, &sources, &keep, err) != 0)
        goto out_sources;
    rs.keep = keep;
    if (c->dry_run && dry_checks(conns[0], c, &table, err) != 0)
        goto out_sources;
    for (unsigned i = 1; i < c->threads && !c->dry_run; i++)
        if (sl_conn_open_at(&conns[i], &co, i, &conn_hosts[i], err) != 0)
            goto out_sources;

    colnames = calloc(sources.ncols, sizeof *colnames);
    checks = calloc(sources.ncols, sizeof *checks);
    if (!colnames || !checks) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_sources;
    }
    for (size_t i = 0; i < sources.ncols; i++) {
        colnames[i] = table.cols[sources.table_col[i]].name;
        /* a value decoded by a transform is bytes already, not hex */
        int hex = c->binary_hex && !(sources.chain[i] && sources.chain[i]->decodes);
        checks[i] = sl_colcheck_for(&table.cols[sources.table_col[i]], hex);
    }
    if (c->mode == SL_MODE_UPSERT &&
        upsert_columns(&table, colnames, sources.ncols, c->update_columns, &update, &nupdate, log,
                       c->progress, err) != 0)
        goto out_sources;
    if (c->rejects && !c->dry_run) {
        const struct sl_csv_unit *first = &sources.v[0];
        if (sl_rejects_open(&rejects, c->rejects, c->resume, first->raw_header,
                            first->raw_header_len, err) != 0)
            goto out_sources;
    }
    /* the last checks are done: from here on the target changes */
    int fresh = 0;
    const char *ckdb = c->checkpoint_db ? c->checkpoint_db : table.schema;
    if (prepare_target(conns[0], c, &table, write_name, sizeof write_name, &fresh, log, err) != 0)
        goto out_sources;
    res->started = c->mode == SL_MODE_TRUNCATE && fresh && !c->dry_run; /* it was emptied */
    if (c->checkpoint && resume_prepare(&rs, conns[0], c, table.schema, write_name, ckdb, fresh,
                                        &sources, log, err) != 0)
        goto out_sources;
    if (c->resume && c->checkpoint && rs.nranges == 0 && c->progress)
        fprintf(log, "sluice: --resume: no committed chunks are recorded for these files; "
                     "loading them whole\n");

    uint64_t total = 0; /* what the readers read through: a shard reads from a file's start */
    for (size_t i = 0; i < sources.n; i++) {
        if (sources.v[i].size < 0) {
            total = 0;
            break;
        }
        uint64_t size = (uint64_t)sources.v[i].size;
        if (!kept(keep, i))
            size = 0;
        else if (keep && keep[i].end < size && !sources.v[i].zstd)
            size = keep[i].end;
        total += size;
    }
    /* Galera runs an ALTER in total order on every node: the indexes taken
     * off on one node while writers start on the others aborted their
     * transactions (t_galera and bench/galera.sh saw it), and building them
     * back holds up the whole cluster. So on Galera the indexes stay. */
    enum sl_defer defer = c->defer_indexes;
    if (wsrep.on && defer != SL_DEFER_NEVER) {
        if (defer == SL_DEFER_ALWAYS || c->progress)
            fprintf(log,
                    "sluice: %s.%s is on a Galera cluster: its indexes stay in place "
                    "(an ALTER TABLE runs on every node at once)\n",
                    table.schema, write_name);
        defer = SL_DEFER_NEVER;
    }
    if (!c->dry_run && sl_load_indexes_take(&ix, conns[0], defer, table.schema, write_name, total,
                                            c->progress ? log : NULL, err) != 0)
        goto out_sources;
    struct sl_counters counters;
    atomic_init(&counters.rows_read, 0);
    atomic_init(&counters.rows_written, 0);
    atomic_init(&counters.raw_bytes, 0);
    atomic_init(&counters.data_bytes, 0);
    atomic_init(&counters.rows_rejected, 0);
    atomic_init(&counters.retries, 0);
    atomic_init(&counters.rows_ignored, 0);
    atomic_init(&counters.rows_updated, 0);
    struct sl_progress progress;
    sl_progress_init(&progress, log, c->progress_mode, total);

    size_t stmt_rows = sl_insert_max_rows(c->batch_rows, sources.ncols);
    struct sl_insert_target target = {.schema = table.schema,
                                      .table = write_name,
                                      .cols = colnames,
                                      .ncols = sources.ncols,
                                      .verb = sl_write_mode_verb(c->mode),
                                      .update = update,
                                      .nupdate = nupdate};
    if (c->ragged_pad && !(pad = calloc(sources.ncols, sizeof *pad))) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_sources;
    }
    for (size_t k = 0; pad && k < sources.nfile_cols; k++)
        pad[k] = table.cols[sources.table_col[k]].default_value;
    struct sl_csv_source csv = {
        .pad = pad,
        .units = sources.v,
        .nunits = sources.n,
        .read = so.read,
        .ncols = sources.ncols,
        .nfile_cols = sources.nfile_cols,
        .batch_bytes = BATCH_BYTES,
        .keep_raw = c->rejects && !c->dry_run,
        .skips = c->checkpoint ? rs.skips : NULL,
        .keep = keep,
    };
    atomic_init(&csv.next, 0);
    struct sl_mysql_sink mysql = {
        .conn_opts = &co,
        .conns = conns,
        .target = &target,
        .ckpt_db = c->checkpoint ? ckdb : NULL,
        .jobs = c->checkpoint ? rs.jobs : NULL,
        .method = method,
        .stmt_rows = stmt_rows,
        .max_packet =
            c->stmt_bytes && c->stmt_bytes < max_packet ? c->stmt_bytes : (size_t)max_packet,
        .retries = c->retries,
        .retry_max_seconds = (double)c->retry_max_seconds,
        .host_rows = url.nhosts ? host_rows : NULL,
        .conn_hosts = conn_hosts,
    };
    struct sl_row_stage stage = {
        .transforms = &tf,
        .chain = sources.chain,
        .checks = checks,
        .ncols = sources.ncols,
        .nfile_cols = sources.nfile_cols,
    };
    fc.good = calloc(sources.n, sizeof *fc.good);
    fc.bad = calloc(sources.n, sizeof *fc.bad);
    if (!fc.good || !fc.bad) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out_sources;
    }
    fc.n = sources.n;
    static const struct sl_engine_hooks hooks = {.committed = count_committed};
    struct sl_engine_plan plan = {
        .hooks = &hooks,
        .ctx = &fc,
        .source_ops = &sl_csv_source_ops,
        .source = &csv,
        .sink_ops = c->dry_run ? &sl_null_sink_ops : &sl_mysql_sink_ops,
        .sink = c->dry_run ? NULL : &mysql,
        .stage = &stage,
        .colnames = colnames,
        .nreaders = sources.n < c->threads ? (unsigned)sources.n : c->threads,
        .nwriters = c->dry_run ? 1 : c->threads, /* a dry run's writer only counts */
        .ncols = sources.ncols,
        .batch_rows = pipeline_batch_rows(stmt_rows, txn_rows),
        /* room for one more record (its fields, and its raw bytes for the
         * rejects) on top of the hand-on threshold */
        .arena_bytes = BATCH_BYTES + 2 * (size_t)max_packet,
        .txn_rows = txn_rows,
        .txn_bytes = txn_bytes,
        .max_value = (size_t)max_packet,
        .keep_empty = c->checkpoint,
        .dry_run = c->dry_run,
        .rejects = c->rejects && !c->dry_run ? &rejects : NULL,
        .max_rejects = c->max_rejects,
        .counters = &counters,
        .progress = &progress,
        .max_rows_per_sec = c->max_rows_per_sec,
        .max_bytes_per_sec = c->max_bytes_per_sec,
    };
    res->started = 1;
    rc = sl_engine_run(&plan, &res->interrupted, err);
    sl_progress_clear(&progress);
    sl_progress_release(&progress);
    res->seconds = sl_now() - progress.start;
    res->rows_read = atomic_load(&counters.rows_read);
    res->rows_written = atomic_load(&counters.rows_written);
    res->raw_bytes = atomic_load(&counters.raw_bytes);
    res->data_bytes = atomic_load(&counters.data_bytes);
    res->rows_rejected = atomic_load(&counters.rows_rejected);
    res->retries = atomic_load(&counters.retries);
    res->rows_ignored = atomic_load(&counters.rows_ignored);
    res->rows_updated = atomic_load(&counters.rows_updated);
    if (c->dry_run) {
        res->rows_to_write = res->rows_written;
        res->rows_written = 0;
        goto out_sources; /* no swap, no --after-sql, no checkpoints to delete */
    }
    if (rc == 0 && c->rejects && sl_rejects_close(&rejects, err) != 0)
        rc = -1;
    /* what follows a finished load: the swap, --after-sql, and deleting
     * its checkpoints */
    MYSQL *any = NULL;
    for (unsigned i = 0; i < c->threads && !any; i++)
        any = conns[i];
    if (!any && (c->mode == SL_MODE_SWAP || c->after_sql || c->checkpoint || ix.add_sql) &&
        rc == 0 && !res->interrupted) {
        if (sl_conn_open(&conns[0], &co, err) != 0)
            rc = -1;
        any = conns[0];
    }
    if (rc == 0 && !res->interrupted && ix.add_sql) {
        if (sl_load_indexes_put_back(&ix, any, c->progress ? log : NULL, err) != 0)
            rc = -1;
        res->seconds = sl_now() - progress.start; /* the index build is the load's too */
    }
    if (c->mode == SL_MODE_SWAP && rc == 0 && !res->interrupted) {
        struct sl_swap sw = {table.schema, table.name, 1};
        if (sl_swap_rename(any, &sw, 1, c->keep_old, err) != 0)
            rc = -1;
        else if (c->keep_old)
            fprintf(log,
                    "sluice: --mode swap: %s.%s now holds the new rows; the old ones are in "
                    "%s.%s%s\n",
                    table.schema, table.name, table.schema, table.name, SL_SWAP_OLD_SUFFIX);
        else
            fprintf(log, "sluice: --mode swap: %s.%s now holds the new rows\n", table.schema,
                    table.name);
    } else if (c->mode == SL_MODE_SWAP && res->started) {
        fprintf(log,
                "sluice: --mode swap: %s.%s is unchanged; the rows committed so far are in "
                "%s (run again with --resume to finish, or afresh to start over)\n",
                table.schema, table.name, write_name);
    }
    if (rc == 0 && !res->interrupted && c->after_sql &&
        sl_conn_run_hook(&co, "--after-sql", c->after_sql, err) != 0)
        rc = -1;
    if (rc == 0 && !res->interrupted && c->checkpoint && resume_finish(&rs, any, ckdb, err) != 0)
        rc = -1;

out_sources:
    if (ix.add_sql) {
        fprintf(log,
                "sluice: %s is left without its secondary indexes; the next load into it "
                "(--resume too) builds them after its rows, or add them with:\n  %s;\n",
                ix.target, ix.add_sql);
        res->finish_sql = strdup(ix.add_sql);
    }
    sl_load_indexes_release(&ix);
    if (keep_files(res, sources.v, sources.n, keep, &fc) != 0 && rc == 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    free((void *)fc.good);
    free((void *)fc.bad);
    free(keep);
    if (c->rejects && !c->dry_run) {
        struct sl_err ignored;
        sl_rejects_close(&rejects, &ignored);
    }
    free(colnames);
    free(pad);
    sl_jsonl_map_release(&jmap);
    free(jcolumns);
    free(checks);
    free(update);
    resume_release(&rs);
    sl_sources_release(&sources);
    sl_table_release(&table);
out_conns:
    if (url.nhosts && host_rows && keep_nodes(res, &url, host_rows) != 0 && rc == 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    free(conn_hosts);
    free((void *)host_rows);
    close_all(conns, c->threads);
    free(conns);
out_url:
    sl_url_release(&url);
    sl_transforms_release(&tf);
    return rc;
}

void sl_load_result_release(struct sl_load_result *result)
{
    free(result->nodes);
    result->nodes = NULL;
    result->nnodes = 0;
    free(result->finish_sql);
    result->finish_sql = NULL;
    for (size_t i = 0; i < result->nfiles; i++)
        free(result->files[i].path);
    free(result->files);
    result->files = NULL;
    result->nfiles = 0;
}
