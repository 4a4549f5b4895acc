#include "sl_bench.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_cli.h"
#include "sl_conn.h"
#include "sl_engine.h"
#include "sl_gen.h"
#include "sl_gen_source.h"
#include "sl_gen_typed.h"
#include "sl_ident.h"
#include "sl_insert_plan.h"
#include "sl_mysql_sink.h"
#include "sl_privs.h"
#include "sl_progress.h"
#include "sl_table.h"
#include "sl_url.h"

/* The rows: a built-in schema, or a user's table. */
struct source {
    int typed;
    struct sl_gen gen;
    struct sl_gen_typed typed_gen;
    size_t ncols;
    char *const *cols;
};

/* What one run of a cell measures, added to by the engine's writer
 * threads. */
struct measure {
    double warm;                      /* rows committed from here on are measured */
    atomic_uint_fast64_t rows, bytes; /* committed after the warm-up */
    struct sl_hist *hist;             /* per writer: INSERT latency after the warm-up */
    /* for the progress line */
    struct bench *bn;
    const struct sl_bench_cell *cell;
    struct sl_counters *counters;
    struct sl_progress *progress;
};

static void on_committed(void *ctx, unsigned writer, struct sl_batch *const *held, size_t n,
                         uint64_t written, uint64_t ignored, uint64_t updated)
{
    struct measure *m = ctx;
    if (sl_now() < m->warm)
        return;
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += held[i]->arena.len; /* a generated batch's arena holds just its values */
    atomic_fetch_add_explicit(&m->rows, written, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->bytes, bytes, memory_order_relaxed);
}

/* One batch is one INSERT: its rows are at most the statement's. */
static void on_wrote(void *ctx, unsigned writer, double seconds)
{
    struct measure *m = ctx;
    if (sl_now() - seconds >= m->warm)
        sl_hist_add(&m->hist[writer], (uint64_t)(seconds * 1e6));
}

/* ---- the server's counters ---- */

struct status {
    int has_innodb_rows;    /* Innodb_rows_inserted exists (MySQL; not MariaDB 10.6+) */
    uint64_t innodb_rows;   /* Innodb_rows_inserted */
    uint64_t handler_write; /* Handler_write: rows written to tables, every engine */
    uint64_t com_commit, data_written, log_written;
};

static int status_row(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct status *s = ctx;
    if (n < 2 || !v[0])
        return 0;
    uint64_t x = v[1] ? strtoull(v[1], NULL, 10) : 0;
    if (!strcasecmp(v[0], "Innodb_rows_inserted")) {
        s->has_innodb_rows = 1;
        s->innodb_rows = x;
    } else if (!strcasecmp(v[0], "Handler_write"))
        s->handler_write = x;
    else if (!strcasecmp(v[0], "Com_commit"))
        s->com_commit = x;
    else if (!strcasecmp(v[0], "Innodb_data_written"))
        s->data_written = x;
    else if (!strcasecmp(v[0], "Innodb_os_log_written"))
        s->log_written = x;
    return 0;
}

static int read_status(MYSQL *m, struct status *s, struct sl_err *err)
{
    memset(s, 0, sizeof *s);
    if (sl_conn_select(m,
                       "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_rows_inserted', "
                       "'Handler_write', 'Com_commit', 'Innodb_data_written', "
                       "'Innodb_os_log_written')",
                       NULL, 0, status_row, s, err) != 0) {
        sl_err_prefix(err, "SHOW GLOBAL STATUS");
        return -1;
    }
    return 0;
}

/* ---- one cell ---- */

/* Everything the grid keeps between cells. */
struct bench {
    const struct sl_bench_config *c;
    struct sl_url url;
    struct sl_conn_opts co;
    MYSQL *main;
    MYSQL **conns; /* one per thread of the largest cell; NULL after a failure */
    unsigned nconns;
    struct source src;
    struct sl_table table;
    size_t max_packet;
    char **tables; /* the tables written: one, or one per thread (--schema sysbench) */
    unsigned ntables;
    struct sl_insert_target *targets; /* with a table per thread: each writer's */
    int interrupted;                  /* a signal cut a run short: the grid ends */
    /* where the grid is, for the progress line */
    size_t cell_no, ncells; /* the cell running (from 1), of how many */
    size_t runs_done;       /* runs finished, of ncells * repeat */
    double grid_start;      /* sl_now() when the first cell began */
    double run_start;       /* and when this run began */
};

/* The progress line of a run: the cell and its share done, and the ETA of
 * the whole grid, from the time the runs so far took. */
static void draw_bench(void *ctx)
{
    struct measure *m = ctx;
    struct bench *bn = m->bn;
    const struct sl_bench_config *c = bn->c;
    uint64_t rows = atomic_load_explicit(&m->counters->rows_written, memory_order_relaxed);
    double now = sl_now(), fr = -1;
    if (c->duration > 0)
        fr = (now - bn->run_start) / (c->warmup + c->duration);
    else if (c->rows > 0)
        fr = (double)rows / (double)c->rows;
    if (fr > 1)
        fr = 1;
    double runs_total = (double)bn->ncells * c->repeat;
    double done = (double)bn->runs_done + (fr > 0 ? fr : 0);
    char verb[64], what[160];
    snprintf(verb, sizeof verb, "bench cell %zu/%zu", bn->cell_no, bn->ncells);
    snprintf(what, sizeof what, "threads=%u batch=%zu txn=%zu %s", m->cell->threads,
             m->cell->batch_rows, m->cell->txn_rows, m->cell->method);
    struct sl_progress_view v = {
        .verb = verb,
        .rows = rows,
        .fraction = fr,
        .now = what,
        .eta_given = 1,
        .eta = done > 0.05 ? (now - bn->grid_start) / done * (runs_total - done) : -1,
        .eta_label = "grid ETA",
        .no_bytes = 1,
    };
    sl_progress_show(m->progress, &v);
}

/* Runs `verb` `db`.`t` (TRUNCATE TABLE, DROP TABLE) on each table written.
 * Returns 0, or -1 with err set by the first that failed. */
static int each_table(struct bench *bn, const char *verb, struct sl_err *err)
{
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < bn->ntables; i++) {
        struct sl_buf sql;
        sl_buf_init(&sql, 4096);
        if (sl_buf_puts(&sql, verb) != 0 ||
            sl_ident_append_qualified(&sql, bn->url.db, bn->tables[i]) != 0 || !sl_buf_cstr(&sql))
            rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
        else
            rc = sl_conn_exec(bn->main, sql.data, err);
        sl_buf_release(&sql);
    }
    return rc;
}

static double median(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: n is the repeat count */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs the cell once through the engine: the generator into the MySQL
 * sink, each thread generating and writing its own blocks of txn_rows
 * consecutive rows (a fused run), so that threads insert runs of keys
 * apart from one another. */
static int one_run(struct bench *bn, struct sl_bench_cell *cell, struct sl_bench_run *out,
                   struct sl_err *err)
{
    const struct sl_bench_config *c = bn->c;
    if (each_table(bn, "TRUNCATE TABLE ", err) != 0)
        return -1;
    for (unsigned i = 0; i < cell->threads; i++)
        if (!bn->conns[i] && sl_conn_open(&bn->conns[i], &bn->co, err) != 0)
            return -1;
    struct status before, after;
    if (read_status(bn->main, &before, err) != 0)
        return -1;
    struct sl_insert_target target = {.schema = bn->table.schema,
                                      .table = bn->table.name,
                                      .cols = bn->src.cols,
                                      .ncols = bn->src.ncols,
                                      .verb = SL_VERB_INSERT};
    for (unsigned i = 0; bn->targets && i < bn->ntables; i++) {
        bn->targets[i] = target;
        bn->targets[i].table = bn->tables[i];
    }
    struct sl_mysql_sink sink = {
        .conn_opts = &bn->co,
        .conns = bn->conns,
        .target = &target,
        .writer_targets = bn->targets,
        .method = cell->write_method,
        .stmt_rows = cell->batch_rows,
        .max_packet = bn->max_packet,
    };
    struct measure m = {0};
    m.hist = calloc(cell->threads, sizeof *m.hist);
    if (!m.hist)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    double start = sl_now();
    m.warm = start + c->warmup;
    struct sl_gen_source gen = {
        .gen = bn->src.typed ? NULL : &bn->src.gen,
        .typed = bn->src.typed ? &bn->src.typed_gen : NULL,
        .rows = c->rows,
        .split_rows = cell->txn_rows,
        .batch_rows = cell->batch_rows,
        .deadline = c->duration > 0 ? m.warm + c->duration : 0,
    };
    atomic_init(&gen.next, 0);
    struct sl_counters counters;
    memset(&counters, 0, sizeof counters);
    struct sl_progress progress;
    sl_progress_init(&progress, stderr, c->progress_mode, 0);
    m.bn = bn;
    m.cell = cell;
    m.counters = &counters;
    m.progress = &progress;
    bn->run_start = start;
    static const struct sl_engine_hooks hooks = {
        .committed = on_committed, .wrote = on_wrote, .draw = draw_bench};
    struct sl_engine_plan plan = {
        .source_ops = &sl_gen_source_ops,
        .source = &gen,
        .sink_ops = &sl_mysql_sink_ops,
        .sink = &sink,
        .colnames = bn->src.cols,
        .nreaders = cell->threads,
        .nwriters = cell->threads,
        .fused = 1,
        .ncols = bn->src.ncols,
        .batch_rows = cell->batch_rows,
        .arena_bytes = 64 * 1024 * 1024,
        .txn_rows = cell->txn_rows,
        .counters = &counters,
        .progress = &progress,
        .hooks = &hooks,
        .ctx = &m,
    };
    int interrupted = 0;
    int rc = sl_engine_run(&plan, &interrupted, err);
    double end = sl_now();
    sl_progress_clear(&progress);
    sl_progress_release(&progress);
    bn->runs_done++;
    for (unsigned i = 0; i < cell->threads; i++)
        sl_hist_merge(&cell->hist, &m.hist[i]);
    free(m.hist);
    if (interrupted) {
        bn->interrupted = 1;
        if (rc == 0)
            rc = sl_err_set(err, SL_ERR_FATAL, "interrupted");
    }
    if (rc != 0) { /* a connection may be broken: open new ones next time */
        for (unsigned i = 0; i < cell->threads; i++) {
            if (bn->conns[i])
                sl_conn_close(bn->conns[i]);
            bn->conns[i] = NULL;
        }
        return -1;
    }
    memset(out, 0, sizeof *out);
    out->rows = atomic_load(&counters.rows_written);
    out->measured_rows = atomic_load(&m.rows);
    out->measured_bytes = atomic_load(&m.bytes);
    if (read_status(bn->main, &after, err) != 0)
        return -1;
    double from = m.warm < end ? m.warm : start;
    out->seconds = end - from;
    out->rows_per_sec = out->seconds > 0 ? (double)out->measured_rows / out->seconds : 0;
    out->mb_per_sec = out->seconds > 0 ? (double)out->measured_bytes / 1e6 / out->seconds : 0;
    out->rows_counter = after.has_innodb_rows ? "Innodb_rows_inserted" : "Handler_write";
    out->server_rows = after.has_innodb_rows ? after.innodb_rows - before.innodb_rows
                                             : after.handler_write - before.handler_write;
    out->com_commit = after.com_commit - before.com_commit;
    out->innodb_data_written = after.data_written - before.data_written;
    out->innodb_log_written = after.log_written - before.log_written;
    return 0;
}

static void run_cell(struct bench *bn, struct sl_bench_cell *cell, FILE *log)
{
    const struct sl_bench_config *c = bn->c;
    double rps[64], mbs[64];
    struct sl_err e;
    for (unsigned k = 0; k < c->repeat && !cell->failed; k++) {
        if (one_run(bn, cell, &cell->runs[k], &e) != 0) {
            cell->failed = 1;
            snprintf(cell->error, sizeof cell->error, "%s", e.msg);
            break;
        }
        rps[k] = cell->runs[k].rows_per_sec;
        mbs[k] = cell->runs[k].mb_per_sec;
        cell->nruns++;
    }
    if (!cell->failed && cell->nruns > 0) {
        cell->rows_per_sec = median(rps, cell->nruns);
        cell->rows_per_sec_min = rps[0];
        cell->rows_per_sec_max = rps[cell->nruns - 1];
        cell->mb_per_sec = median(mbs, cell->nruns);
        cell->p50_ms = (double)sl_hist_quantile(&cell->hist, 0.50) / 1000.0;
        cell->p95_ms = (double)sl_hist_quantile(&cell->hist, 0.95) / 1000.0;
        cell->p99_ms = (double)sl_hist_quantile(&cell->hist, 0.99) / 1000.0;
    }
    if (c->progress) {
        char rate[32];
        if (cell->failed)
            fprintf(log, "sluice: cell threads=%u batch=%zu txn=%zu method=%s: FAILED: %s\n",
                    cell->threads, cell->batch_rows, cell->txn_rows, cell->method, cell->error);
        else
            fprintf(log, "sluice: cell threads=%u batch=%zu txn=%zu method=%s: %s rows/s\n",
                    cell->threads, cell->batch_rows, cell->txn_rows, cell->method,
                    sl_fmt_count((uint64_t)cell->rows_per_sec, rate, sizeof rate));
    }
}

/* ---- set-up ---- */

struct names {
    char **v;
    size_t n;
};

static int add_name(void *ctx, char **v, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct names *ns = ctx;
    char **nv = realloc(ns->v, (ns->n + 1) * sizeof *nv);
    if (!nv)
        return 1;
    ns->v = nv;
    ns->v[ns->n] = strdup(n > 0 && v[0] ? v[0] : "");
    return ns->v[ns->n++] ? 0 : 1;
}

static void free_names(struct names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
    memset(ns, 0, sizeof *ns);
}

static int list_tables(MYSQL *m, const char *db, struct names *out, struct sl_err *err)
{
    const char *params[] = {db};
    int rc =
        sl_conn_select(m, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
                       params, 1, add_name, out, err);
    return rc > 0 ? sl_err_set(err, SL_ERR_FATAL, "out of memory") : rc;
}

/* Runs every statement of a file (its results, if any, are dropped). */
static int exec_file(MYSQL *m, const char *path, struct sl_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return sl_err_set(err, SL_ERR_FATAL, "--schema %s: cannot open: %s", path, strerror(errno));
    struct sl_buf sql;
    sl_buf_init(&sql, 1 << 20);
    char chunk[4096];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = sl_buf_append(&sql, chunk, n);
    fclose(f);
    if (rc != 0 || !sl_buf_cstr(&sql)) {
        sl_buf_release(&sql);
        return sl_err_set(err, SL_ERR_FATAL, "--schema %s: larger than 1 MB", path);
    }
    rc = sl_conn_exec_multi(m, sql.data, sql.len, err);
    sl_buf_release(&sql);
    if (rc != 0)
        sl_err_prefix(err, "--schema %s", path);
    return rc;
}

static unsigned max_threads(const struct sl_bench_config *c)
{
    unsigned m = 1;
    for (size_t i = 0; i < c->nthreads; i++)
        m = c->threads[i] > m ? c->threads[i] : m;
    return m;
}

/* Creates the table of a built-in schema, or with --schema sysbench (the
 * narrow shape) one per thread of the widest cell, named TABLE1, TABLE2, ...
 * as sysbench's bulk_insert has them; their names go to bn->tables. */
static int create_builtin(struct bench *bn, struct sl_err *err)
{
    const struct sl_bench_config *c = bn->c;
    int sysbench = strcmp(c->schema, "sysbench") == 0;
    enum sl_gen_schema schema;
    if (sl_gen_schema_by_name(sysbench ? "narrow" : c->schema, &schema, err) != 0)
        return -1;
    sl_gen_init(&bn->src.gen, schema, c->seed, c->random_keys);
    unsigned n = sysbench ? max_threads(c) : 1;
    bn->tables = calloc(n, sizeof *bn->tables);
    bn->targets = sysbench ? calloc(n, sizeof *bn->targets) : NULL;
    if (!bn->tables || (sysbench && !bn->targets))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (unsigned i = 0; i < n; i++) {
        char name[256];
        if (sysbench)
            snprintf(name, sizeof name, "%s%u", c->table, i + 1);
        else
            snprintf(name, sizeof name, "%s", c->table);
        struct sl_buf sql;
        sl_buf_init(&sql, 64 * 1024);
        int rc = sl_gen_create_sql(&bn->src.gen, name, &sql) == 0 && sl_buf_cstr(&sql)
                     ? sl_conn_exec(bn->main, sql.data, err)
                     : sl_err_set(err, SL_ERR_FATAL, "'%s' is not a usable table name", name);
        sl_buf_release(&sql);
        if (rc != 0 && err->server_errno == 1050) /* ER_TABLE_EXISTS_ERROR */
            sl_err_set(err, SL_ERR_FATAL,
                       "table %s.%s exists already (left by --keep?); drop it, or choose another "
                       "--table",
                       bn->url.db, name);
        if (rc != 0)
            return -1;
        if (!(bn->tables[i] = strdup(name)))
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        bn->ntables = i + 1;
    }
    return 0;
}

/* Creates the bench table; fills bn->table and bn->src. */
static int create_table(struct bench *bn, struct sl_err *err)
{
    const struct sl_bench_config *c = bn->c;
    const char *db = bn->url.db;
    char *name = NULL;
    if (sl_cli_ends_with(c->schema, ".sql")) {
        /* the user's CREATE TABLE: the table is the one that appears */
        struct names before = {0}, after = {0};
        int rc = list_tables(bn->main, db, &before, err);
        if (rc == 0)
            rc = exec_file(bn->main, c->schema, err);
        if (rc == 0)
            rc = list_tables(bn->main, db, &after, err);
        for (size_t i = 0; rc == 0 && i < after.n; i++) {
            int old = 0;
            for (size_t j = 0; j < before.n; j++)
                old |= strcmp(after.v[i], before.v[j]) == 0;
            if (!old && name)
                rc = sl_err_set(err, SL_ERR_FATAL, "--schema %s creates more than one table",
                                c->schema);
            else if (!old)
                name = strdup(after.v[i]);
        }
        free_names(&before);
        free_names(&after);
        if (rc == 0 && !name)
            rc = sl_err_set(err, SL_ERR_FATAL,
                            "--schema %s created no new table in %s (does it exist already?)",
                            c->schema, db);
        if (rc != 0) {
            free(name);
            return -1;
        }
    } else if (create_builtin(bn, err) != 0) {
        return -1;
    } else {
        name = strdup(bn->tables[0]);
    }
    if (!name)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (!bn->tables) {
        bn->tables = malloc(sizeof *bn->tables);
        if (!bn->tables || !(bn->tables[0] = strdup(name))) {
            free(name);
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
        bn->ntables = 1;
    }
    int rc = sl_table_describe(bn->main, db, name, &bn->table, err);
    free(name);
    if (rc != 0)
        return -1;
    if (bn->src.typed = sl_cli_ends_with(c->schema, ".sql"), bn->src.typed) {
        if (sl_gen_typed_init(&bn->src.typed_gen, &bn->table, c->seed, c->random_keys, err) != 0)
            return -1;
        bn->src.ncols = bn->src.typed_gen.ncols;
        bn->src.cols = bn->src.typed_gen.names;
    } else {
        bn->src.ncols = bn->src.gen.ncols;
        bn->src.cols = (char *const *)sl_gen_columns(&bn->src.gen);
    }
    return 0;
}

static void drop_table(struct bench *bn, FILE *log)
{
    struct sl_err e;
    if (each_table(bn, "DROP TABLE ", &e) != 0)
        fprintf(log, "sluice: could not drop the bench tables of %s: %s\n", bn->url.db, e.msg);
}

/* --dry-run: what the grid would need, checked without creating anything. */
static int dry_check(struct bench *bn, FILE *log, struct sl_err *err)
{
    const struct sl_bench_config *c = bn->c;
    const char *db = bn->url.db;
    char missing[128];
    int n =
        sl_privs_missing(bn->main, db, NULL, "CREATE,INSERT,DROP", missing, sizeof missing, err);
    if (n < 0)
        return -1;
    if (n > 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "the account lacks %s on %s, which bench needs (privileges held "
                          "through a role are not seen)",
                          missing, db);
    const char *table = c->table;
    char first[256]; /* --schema sysbench: the first of its tables */
    if (sl_cli_ends_with(c->schema, ".sql")) {
        if (access(c->schema, R_OK) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "--schema %s: %s", c->schema, strerror(errno));
        table = NULL; /* named by the file; known only once it runs */
    } else {
        enum sl_gen_schema schema;
        int sysbench = strcmp(c->schema, "sysbench") == 0;
        if (sl_gen_schema_by_name(sysbench ? "narrow" : c->schema, &schema, err) != 0)
            return -1;
        snprintf(first, sizeof first, "%s%s", table, sysbench ? "1" : "");
        table = sysbench ? first : table;
        int exists = sl_table_exists(bn->main, db, table, err);
        if (exists < 0)
            return -1;
        if (exists)
            return sl_err_set(err, SL_ERR_FATAL,
                              "table %s.%s exists already (left by --keep?); drop it, or choose "
                              "another --table",
                              db, table);
    }
    /* the widest cell's connections, all at once, as the grid will open them */
    unsigned want = max_threads(c);
    MYSQL **conns = calloc(want, sizeof *conns);
    if (!conns)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = 0;
    for (unsigned i = 0; i < want && rc == 0; i++)
        rc = sl_conn_open(&conns[i], &bn->co, err);
    for (unsigned i = 0; i < want; i++)
        if (conns[i])
            sl_conn_close(conns[i]);
    free(conns);
    if (rc != 0) {
        sl_err_prefix(err, "opening the %u connections of the widest cell", want);
        return -1;
    }
    size_t cells = c->nthreads * c->nbatch * c->ntxn * c->nmethods;
    if (c->progress) {
        if (table)
            fprintf(log, "sluice: dry run: bench would create %s.%s, ", db, table);
        else
            fprintf(log, "sluice: dry run: bench would run %s in %s, ", c->schema, db);
        fprintf(log, "run %zu cell%s x %u run%s", cells, cells == 1 ? "" : "s", c->repeat,
                c->repeat == 1 ? "" : "s");
        if (c->duration > 0)
            fprintf(log, " (about %.0f s)",
                    (double)(cells * c->repeat) * (c->duration + c->warmup));
        else
            fprintf(log, " of %llu rows each", (unsigned long long)c->rows);
        fprintf(log, ", and %s the table; nothing was created\n", c->keep ? "keep" : "drop");
    }
    return 0;
}

int sl_bench_run(const struct sl_bench_config *c, struct sl_bench_result *r, FILE *log,
                 struct sl_err *err)
{
    memset(r, 0, sizeof *r);
    r->best = -1;
    struct bench bn;
    memset(&bn, 0, sizeof bn);
    bn.c = c;
    if (sl_url_parse_for(&bn.url, c->into, "into", err) != 0)
        return -1;
    sl_url_format(&bn.url, r->target, sizeof r->target);
    int rc = -1;
    if (!bn.url.db || bn.url.table) {
        sl_err_set(err, SL_ERR_FATAL,
                   "--into %s must name a database (and no table): mysql://host/db; the table is "
                   "--table",
                   r->target);
        goto out;
    }
    bn.co = (struct sl_conn_opts){
        .url = &bn.url,
        .defaults_file = c->defaults_file,
        .session_sql = c->session_sql,
        .time_zone = c->time_zone,
        .tls = &c->tls,
        .connect_timeout = c->connect_timeout,
        .flags = &c->flags,
        .use_db = 1,
    };
    for (size_t i = 0; i < c->nmethods; i++)
        bn.co.local_infile |= c->methods[i] != SL_CHOOSE_INSERT;
    if (sl_conn_open(&bn.main, &bn.co, err) != 0)
        goto out;
    enum sl_write_method methods[16];
    size_t nmethods = c->nmethods < 16 ? c->nmethods : 16;
    for (size_t i = 0; i < nmethods; i++) {
        char why[160];
        if (sl_write_method_pick(bn.main, c->methods[i], SL_VERB_INSERT, &methods[i], why,
                                 sizeof why, err) != 0)
            goto out;
        if (why[0] && c->progress)
            fprintf(log, "sluice: --method auto: insert, since %s\n", why);
    }
    snprintf(r->server, sizeof r->server, "%s", sl_conn_server_version(bn.main));
    unsigned long long packet;
    if (sl_conn_read_var(bn.main, "max_allowed_packet", &packet, err) != 0)
        goto out;
    bn.max_packet = (size_t)packet;
    /* the status counters must be readable before anything is created */
    struct status probe;
    if (read_status(bn.main, &probe, err) != 0)
        goto out;
    if (c->dry_run) {
        rc = dry_check(&bn, log, err);
        goto out;
    }
    if (create_table(&bn, err) != 0)
        goto out;
    snprintf(r->table, sizeof r->table, "%s.%s", bn.table.schema, bn.table.name);
    bn.nconns = max_threads(c);
    bn.conns = calloc(bn.nconns, sizeof *bn.conns);
    r->ncells = c->nthreads * c->nbatch * c->ntxn * nmethods;
    r->cells = calloc(r->ncells, sizeof *r->cells);
    if (!bn.conns || !r->cells) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    size_t k = 0;
    for (size_t x = 0; x < c->ntxn; x++)
        for (size_t t = 0; t < c->nthreads; t++)
            for (size_t b = 0; b < c->nbatch; b++)
                for (size_t m = 0; m < nmethods; m++) {
                    struct sl_bench_cell *cell = &r->cells[k++];
                    cell->threads = c->threads[t];
                    cell->batch_rows = c->batch_rows[b];
                    /* 0: a COMMIT after each statement, as autocommit does */
                    cell->txn_rows = c->txn_rows[x] ? c->txn_rows[x] : c->batch_rows[b];
                    cell->write_method = methods[m];
                    cell->method = sl_write_method_name(methods[m]);
                    cell->runs = calloc(c->repeat, sizeof *cell->runs);
                    if (!cell->runs) {
                        sl_err_set(err, SL_ERR_FATAL, "out of memory");
                        goto out;
                    }
                }
    bn.ncells = r->ncells;
    bn.grid_start = sl_now();
    for (k = 0; k < r->ncells && !bn.interrupted; k++) {
        bn.cell_no = k + 1;
        bn.runs_done = k * c->repeat; /* a failed cell skips its other runs */
        run_cell(&bn, &r->cells[k], log);
        if (!r->cells[k].failed &&
            (r->best < 0 || r->cells[k].rows_per_sec > r->cells[r->best].rows_per_sec))
            r->best = (long)k;
    }
    r->interrupted = bn.interrupted;
    for (size_t j = k; j < r->ncells; j++) /* cells a signal kept from running */
        free(r->cells[j].runs);
    r->ncells = k;
    sl_bench_mark_ties(r);
    rc = 0;
out:
    if (bn.ntables > 0 && !c->keep)
        drop_table(&bn, log);
    for (unsigned i = 0; bn.conns && i < bn.nconns; i++)
        if (bn.conns[i])
            sl_conn_close(bn.conns[i]);
    free(bn.conns);
    if (bn.main)
        sl_conn_close(bn.main);
    if (bn.src.typed)
        sl_gen_typed_release(&bn.src.typed_gen);
    sl_table_release(&bn.table);
    for (unsigned i = 0; i < bn.ntables; i++)
        free(bn.tables[i]);
    free(bn.tables);
    free(bn.targets);
    sl_url_release(&bn.url);
    return rc;
}

void sl_bench_result_release(struct sl_bench_result *r)
{
    for (size_t i = 0; r->cells && i < r->ncells; i++)
        free(r->cells[i].runs);
    free(r->cells);
    memset(r, 0, sizeof *r);
}
