/*
 * `sluice bench`: options, help, the grid run, the reports and the exit
 * code.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_bench.h"
#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_exit.h"
#include "sl_report.h"

#define MAX_GRID 64

enum {
    OPT_INTO = 256,
    OPT_BATCH_ROWS,
    OPT_TXN_ROWS,
    OPT_METHOD,
    OPT_DURATION,
    OPT_ROWS,
    OPT_WARMUP,
    OPT_REPEAT,
    OPT_SCHEMA,
    OPT_KEY_ORDER,
    OPT_SEED,
    OPT_TABLE,
    OPT_KEEP,
    OPT_OUT,
    OPT_DRY_RUN,
};

struct bench_args {
    struct sl_bench_config c;
    unsigned shards;       /* --shards */
    struct sl_shard shard; /* --shard */
    char shard_table[200]; /* --table with this shard's number */
    unsigned threads[MAX_GRID];
    size_t batch[MAX_GRID], txn[MAX_GRID];
    enum sl_method_choice methods[MAX_GRID];
    const char *out;
    int quiet, help, duration_set;
    const char *report;
    FILE *err;
};

const struct sl_opt sl_bench_opts[] = {
    {"into", OPT_INTO, 1, "URL", "the database to measure: mysql://user@host[:port]/db",
     SL_STORE_STR(struct bench_args, c.into)},
    {"threads", 't', 1, "LIST", "connections, e.g. 1,2,4,8 (default 2)"},
    {"batch-rows", OPT_BATCH_ROWS, 1, "LIST", "rows per INSERT, e.g. 1,10,100,1000 (default 200)"},
    {"txn-rows", OPT_TXN_ROWS, 1, "LIST", "rows per COMMIT, e.g. 1000,10000 (default 10000)"},
    {"method", OPT_METHOD, 1, "LIST",
     "write methods, e.g. insert,bulk,load-data: insert (prepared multi-row\n"
     "INSERTs, the default), load-data (LOAD DATA LOCAL from memory), bulk\n"
     "(MariaDB's array binding), or auto (as load and copy choose)"},
    {"duration", OPT_DURATION, 1, "S", "seconds each cell runs after its warm-up (default 10)"},
    {"rows", OPT_ROWS, 1, "N", "instead of --duration: rows each cell inserts",
     SL_STORE_NUM(struct bench_args, c.rows, 1, 2000000000)},
    {"warmup", OPT_WARMUP, 1, "S", "seconds at the start of a cell not measured (default 2)"},
    {"repeat", OPT_REPEAT, 1, "N", "runs of each cell; rows/s is their median (default 1)",
     SL_STORE_NUM(struct bench_args, c.repeat, 1, 64)},
    {"schema", OPT_SCHEMA, 1, "NAME",
     "narrow (default), orders, wide, sysbench (narrow rows into a table\n"
     "per thread, TABLE1, TABLE2, ..., a COMMIT per statement unless\n"
     "--txn-rows: the shape of sysbench's bulk_insert), or FILE.sql: your\n"
     "CREATE TABLE, with values made from the column types",
     SL_STORE_STR(struct bench_args, c.schema)},
    {"key-order", OPT_KEY_ORDER, 1, "ORDER", "sequential (default) or random primary keys"},
    {"seed", OPT_SEED, 1, "N", "the rows are a function of the seed (default 1)",
     SL_STORE_NUM(struct bench_args, c.seed, 0, UINT64_MAX)},
    {"table", OPT_TABLE, 1, "NAME", "table to create for a built-in schema (default sluice_bench)",
     SL_STORE_STR(struct bench_args, c.table)},
    {"keep", OPT_KEEP, 0, "", "keep the table, with the last cell's rows",
     SL_STORE_SET(struct bench_args, c.keep)},
    {"out", OPT_OUT, 1, "DIR", "write results.csv, results.json and throughput.svg here",
     SL_STORE_STR(struct bench_args, out)},
    {"dry-run", OPT_DRY_RUN, 0, "",
     "check the privileges, the schema, the counters and that the\nwidest cell can connect; "
     "run nothing",
     SL_STORE_SET(struct bench_args, c.dry_run)},
    SL_CLI_CONN_OPTS,
    SL_CLI_REPORT_OPT,
    SL_CLI_PROGRESS_OPT,
    SL_CLI_SHARD_OPTS,
    {"quiet", 'q', 0, "", "print only the results table and errors",
     SL_STORE_SET(struct bench_args, quiet)},
    {"help", SL_OPT_HELP, 0, "", "show this help", SL_STORE_SET(struct bench_args, help)},
    {NULL, 0, 0, NULL, NULL},
};

static void bench_help(FILE *out)
{
    fputs("Usage: sluice bench --into mysql://user@host[:port]/db [grid options] [--out DIR]\n"
          "\n"
          "Measures how fast the server takes rows, over a grid of threads x rows per\n"
          "statement x rows per COMMIT x write methods, on the same code path as sluice\n"
          "load: one connection per thread, prepared multi-row INSERTs with bound values\n"
          "(or LOAD DATA LOCAL from memory), chunked transactions.\n"
          "Rows are generated in memory from --seed (the same rows sluice gen writes).\n"
          "The table is created, truncated before every run, and dropped at the end\n"
          "unless --keep.\n"
          "\n"
          "Options:\n",
          out);
    sl_cli_print_options(out, sl_bench_opts);
    fputs("\n"
          "For each cell: rows/s and MB/s (median, min-max over --repeat), INSERT latency\n"
          "p50/p95/p99, and the server's own counters over the run from SHOW GLOBAL\n"
          "STATUS: rows inserted (Innodb_rows_inserted where the server has it, else\n"
          "Handler_write, as on MariaDB 10.6+), Com_commit, Innodb_data_written and\n"
          "Innodb_os_log_written. The best cell is marked. A cell that fails is\n"
          "reported as failed and the grid goes on.\n"
          "\n"
          "Dry run (--dry-run): checks CREATE, INSERT and DROP on the database, the\n"
          "schema (a built-in one's table must not exist yet; a .sql file must be\n"
          "readable), the status counters, and opens the widest cell's connections at\n"
          "once, and that --out could be made; then says what the grid would do.\n"
          "Nothing is created or inserted.\n"
          "\n"
          "Exit codes: 0 every cell ran (or the dry run found nothing wrong); 1 some\n"
          "cells failed (the reports are still written); 2 nothing ran: bad options, an\n"
          "unreachable server, a missing database, a table that cannot be created; 4\n"
          "interrupted by SIGINT or SIGTERM: the cell it cut short is failed, the grid\n"
          "stops, and the reports of the cells that ran are written.\n"
          "\n"
          "Password: the URL's own, then SLUICE_INTO_PASSWORD, then -p, then MYSQL_PWD, then the\n"
          "[client] and [sluice] groups of the option files. Never printed.\n"
          "\n"
          "Examples:\n"
          "  sluice bench --into 'mysql://bench@db1/benchdb' --threads 1,2,4,8 \\\n"
          "      --batch-rows 1,10,100,1000 --txn-rows 1000,10000 --duration 20 --out results/\n"
          "  sluice bench --into mysql://bench@db1/benchdb --schema my_table.sql --rows 100000\n",
          out);
}

/* Parses "a,b,c" into up to MAX_GRID whole numbers in [lo, hi]. */
/* Parses --method's comma-separated list into a->methods. Returns 0 or -1
 * after a message. */
static int parse_methods(const char *v, struct bench_args *a)
{
    size_t n = 0;
    for (const char *p = v;;) {
        size_t len = strcspn(p, ",");
        char one[32];
        if (n == MAX_GRID || len >= sizeof one) {
            fprintf(a->err, "sluice bench: --method lists too many or too long names: '%s'\n", v);
            return -1;
        }
        memcpy(one, p, len);
        one[len] = '\0';
        int k;
        if (sl_cli_choice("bench", "method", one, sl_method_choice_names, &k, a->err) != 0)
            return -1;
        a->methods[n++] = (enum sl_method_choice)k;
        if (!p[len])
            break;
        p += len + 1;
    }
    a->c.methods = a->methods;
    a->c.nmethods = n;
    return 0;
}

static int parse_list(const char *name, const char *v, unsigned long long lo, unsigned long long hi,
                      unsigned long long *out, size_t *n, FILE *err)
{
    *n = 0;
    const char *p = v;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[32];
        if (len == 0 || len >= sizeof item || *n == MAX_GRID) {
            fprintf(err, "sluice bench: --%s must be a list of up to %d whole numbers, not '%s'\n",
                    name, MAX_GRID, v);
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (sl_cli_count("bench", name, item, lo, hi, &out[*n], err) != 0)
            return -1;
        for (size_t i = 0; i < *n; i++) {
            if (out[i] == out[*n]) {
                fprintf(err, "sluice bench: --%s lists %s twice\n", name, item);
                return -1;
            }
        }
        (*n)++;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int parse_seconds(const char *name, const char *v, double min, double *out, FILE *err)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= min) || d > 86400) {
        fprintf(err, "sluice bench: --%s must be a number of seconds from %g to 86400, not '%s'\n",
                name, min, v);
        return -1;
    }
    *out = d;
    return 0;
}

static int on_bench_opt(void *ctx, int key, const char *v)
{
    struct bench_args *a = ctx;
    struct sl_bench_config *c = &a->c;
    unsigned long long list[MAX_GRID];
    size_t k;
    const struct sl_cli_conn conn = {
        .defaults_file = &c->defaults_file,
        .session_sql = &c->session_sql,
        .time_zone = &c->time_zone,
        .tls = &c->tls,
        .connect_timeout = &c->connect_timeout,
        .flags = &c->flags,
        .report = &a->report,
        .progress = &c->progress_mode,
        .shard = &a->shard,
        .shards = &a->shards,
    };
    int handled = sl_cli_conn_opt("bench", &conn, key, v, a->err);
    if (handled)
        return handled < 0 ? -1 : 0;
    switch (key) {
    case 't':
        if (parse_list("threads", v, 1, 256, list, &k, a->err) != 0)
            return -1;
        for (size_t i = 0; i < k; i++)
            a->threads[i] = (unsigned)list[i];
        c->nthreads = k;
        return 0;
    case OPT_BATCH_ROWS:
        if (parse_list("batch-rows", v, 1, 65535, list, &k, a->err) != 0)
            return -1;
        for (size_t i = 0; i < k; i++)
            a->batch[i] = (size_t)list[i];
        c->nbatch = k;
        return 0;
    case OPT_TXN_ROWS:
        if (parse_list("txn-rows", v, 1, 100000000, list, &k, a->err) != 0)
            return -1;
        for (size_t i = 0; i < k; i++)
            a->txn[i] = (size_t)list[i];
        c->ntxn = k;
        return 0;
    case OPT_METHOD:
        return parse_methods(v, a);
    case OPT_DURATION:
        a->duration_set = 1;
        return parse_seconds("duration", v, 0.1, &c->duration, a->err);
    case OPT_WARMUP:
        return parse_seconds("warmup", v, 0, &c->warmup, a->err);
    case OPT_KEY_ORDER: {
        static const char *const m[] = {"sequential", "random", NULL};
        int order;
        if (sl_cli_choice("bench", "key-order", v, m, &order, a->err) != 0)
            return -1;
        c->random_keys = order;
        return 0;
    }
    default:
        return -1;
    }
}

/* Creates dir and its missing parents. */
static int make_dir(const char *dir, struct sl_err *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return sl_err_set(err, SL_ERR_FATAL, "--out: path too long");
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char keep = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return sl_err_set(err, SL_ERR_FATAL, "--out %s: cannot create %s: %s", dir, path,
                                  strerror(errno));
            *p = keep;
            if (!keep)
                break;
        }
    }
    return 0;
}

/* A dry run's check of --out: the deepest part of the path that exists
 * must be a directory that may be written in. */
static int check_out_dir(const char *dir, struct sl_err *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return sl_err_set(err, SL_ERR_FATAL, "--out: path too long");
    struct stat st;
    while (stat(path, &st) != 0) {
        char *slash = strrchr(path, '/');
        if (!slash)
            snprintf(path, sizeof path, ".");
        else if (slash == path)
            path[1] = '\0';
        else
            *slash = '\0';
    }
    if (!S_ISDIR(st.st_mode))
        return sl_err_set(err, SL_ERR_FATAL, "--out %s: %s is not a directory", dir, path);
    if (access(path, W_OK) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "--out %s: cannot write in %s: %s", dir, path,
                          strerror(errno));
    return 0;
}

static int write_reports(const struct bench_args *a, const struct sl_bench_result *r,
                         struct sl_err *e)
{
    char path[4200];
    if (make_dir(a->out, e) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/results.csv", a->out);
    if (sl_bench_write_csv(path, &a->c, r, e) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/results.json", a->out);
    if (sl_bench_write_json(path, &a->c, r, e) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/throughput.svg", a->out);
    return sl_bench_write_svg(path, &a->c, r, e);
}

/* The totals of a benchmark grid, for --report, and a cell's entry each. */
static void fill_report(struct sl_report *rep, const struct sl_bench_result *r)
{
    snprintf(rep->target, sizeof rep->target, "%s", r->target);
    int oom = 0;
    for (size_t i = 0; i < r->ncells; i++) {
        const struct sl_bench_cell *cell = &r->cells[i];
        uint64_t rows = 0;
        double secs = 0;
        for (unsigned k = 0; k < cell->nruns; k++) {
            rows += cell->runs[k].rows;
            secs += cell->runs[k].seconds;
        }
        rep->rows_written += rows;
        rep->seconds += secs;
        if (cell->failed)
            sl_report_error(rep, cell->error);
        char name[160];
        snprintf(name, sizeof name, "threads=%u batch=%zu txn=%zu method=%s", cell->threads,
                 cell->batch_rows, cell->txn_rows, cell->method);
        struct sl_report_item *it = sl_report_add_item(rep, "cell", name);
        if (!it || sl_report_item_set(&it->target, r->table) != 0 ||
            (cell->failed && sl_report_item_set(&it->error, cell->error) != 0)) {
            oom = 1;
            continue;
        }
        snprintf(it->status, sizeof it->status, "%s", cell->failed ? "failed" : "ok");
        sl_report_item_count(it, SL_COUNTER_rows_written, rows);
        it->seconds = secs;
    }
    rep->rows_read = rep->rows_written;
    if (oom)
        sl_report_error(rep, "out of memory");
}

static int bench_main(struct bench_args *a, int argc, char **argv, FILE *out, FILE *err,
                      struct sl_report *rep)
{
    static const unsigned def_threads[] = {2};
    static const size_t def_batch[] = {200}, def_txn[] = {10000};
    a->err = err;
    struct sl_bench_config *c = &a->c;
    c->duration = 10;
    c->warmup = 2;
    c->repeat = 1;
    c->schema = "narrow";
    c->seed = 1;
    c->table = "sluice_bench";
    c->time_zone = "+00:00";
    c->progress_mode = -1;
    if (sl_cli_parse("bench", sl_bench_opts, argc, argv, on_bench_opt, NULL, a, err) != 0)
        return SL_EXIT_USAGE;
    if (a->help) {
        bench_help(out);
        return SL_EXIT_OK;
    }
    if (!c->into) {
        fprintf(err, "sluice bench: --into is required\nTry 'sluice bench --help'.\n");
        return SL_EXIT_USAGE;
    }
    if (sl_cli_conn_ask("bench", &c->flags, err) != 0) {
        return SL_EXIT_USAGE;
    }
    if (c->rows && a->duration_set) {
        fprintf(err, "sluice bench: give --duration or --rows, not both\n");
        return SL_EXIT_USAGE;
    }
    if (c->rows)
        c->duration = 0;
    if (c->random_keys && c->rows >= 0x7fffffffULL) {
        fprintf(err, "sluice bench: --key-order random allows at most 2147483646 rows\n");
        return SL_EXIT_USAGE;
    }
    c->threads = c->nthreads ? a->threads : def_threads;
    c->nthreads = c->nthreads ? c->nthreads : 1;
    c->batch_rows = c->nbatch ? a->batch : def_batch;
    c->nbatch = c->nbatch ? c->nbatch : 1;
    /* sysbench's bulk_insert runs in autocommit: a COMMIT per statement */
    static const size_t per_statement[] = {0};
    int sysbench = strcmp(c->schema, "sysbench") == 0;
    c->txn_rows = c->ntxn ? a->txn : sysbench ? per_statement : def_txn;
    c->ntxn = c->ntxn ? c->ntxn : 1;
    static const enum sl_method_choice def_method[] = {SL_CHOOSE_INSERT};
    c->methods = c->nmethods ? a->methods : def_method;
    c->nmethods = c->nmethods ? c->nmethods : 1;
    c->progress = !a->quiet;
    c->progress_mode = sl_cli_progress_mode(c->progress_mode, a->quiet);
    if (sl_cli_shard_resolve("bench", &a->shard, a->shards, err) != 0)
        return SL_EXIT_USAGE;
    if (a->shard.count) {
        /* each shard, a client of its own, writes a table of its own: no
         * shard truncates or drops another's rows */
        if (sl_cli_ends_with(c->schema, ".sql")) {
            fprintf(err, "sluice bench: --shard takes a built-in --schema; a .sql file names "
                         "one table for every shard\n");
            return SL_EXIT_USAGE;
        }
        snprintf(a->shard_table, sizeof a->shard_table, "%s_shard%u%s", c->table, a->shard.index,
                 sysbench ? "_" : "");
        c->table = a->shard_table;
        snprintf(rep->shard, sizeof rep->shard, "%u/%u", a->shard.index, a->shard.count);
    }

    struct sl_bench_result r;
    struct sl_err e;
    if (c->dry_run && a->out && check_out_dir(a->out, &e) != 0) {
        fprintf(err, "sluice: error: %s\n", e.msg);
        sl_report_error(rep, e.msg);
        return SL_EXIT_USAGE;
    }
    if (sl_bench_run(c, &r, err, &e) != 0) {
        fprintf(err, "sluice: error: %s\n", e.msg);
        sl_report_error(rep, e.msg);
        sl_bench_result_release(&r);
        return SL_EXIT_USAGE;
    }
    if (c->dry_run) {
        rep->dry_run = 1;
        sl_bench_result_release(&r);
        return SL_EXIT_OK;
    }
    sl_bench_print(out, c, &r);
    fill_report(rep, &r);
    int rc = SL_EXIT_OK;
    for (size_t i = 0; i < r.ncells; i++)
        if (r.cells[i].failed)
            rc = SL_EXIT_FAILED;
    if (r.interrupted) {
        fprintf(err, "sluice: interrupted; the grid stopped after %zu cell%s\n", r.ncells,
                r.ncells == 1 ? "" : "s");
        rc = SL_EXIT_INTERRUPTED;
    }
    if (a->out && write_reports(a, &r, &e) != 0) {
        fprintf(err, "sluice: error: %s\n", e.msg);
        rc = SL_EXIT_FAILED;
    } else if (a->out && !a->quiet) {
        fprintf(err, "sluice: wrote %s/results.csv, results.json and throughput.svg\n", a->out);
    }
    sl_bench_result_release(&r);
    return rc;
}

int sl_cmd_bench(int argc, char **argv, FILE *out, FILE *err)
{
    struct bench_args a;
    struct sl_report rep;
    sl_report_begin(&rep, "bench");
    memset(&a, 0, sizeof a);
    int code = bench_main(&a, argc, argv, out, err, &rep);
    return sl_report_finish(a.report, &rep, code, err);
}
