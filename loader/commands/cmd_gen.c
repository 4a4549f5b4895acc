/*
 * `sluice gen`: writes generated rows as CSV (or .csv.zst) to a file or
 * stdout, the same rows for the same --schema and --seed as every other use
 * of the generator (see sl_gen.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_csv_fmt.h"
#include "sl_csv_sink.h"
#include "sl_engine.h"
#include "sl_exit.h"
#include "sl_gen.h"
#include "sl_gen_source.h"
#include "sl_out_parts.h"

enum {
    OPT_SCHEMA = 256,
    OPT_ROWS,
    OPT_SEED,
    OPT_KEY_ORDER,
    OPT_OUT,
    OPT_ZSTD_LEVEL,
    OPT_NO_HEADER,
    OPT_PRINT_CREATE,
};

struct gen_args {
    const char *schema;
    unsigned long long rows, seed;
    int random_keys;
    const char *out;
    int zstd_level; /* -1: decide from the name */
    int header;
    const char *print_create;
    int help;
    FILE *err;
};

const struct sl_opt sl_gen_opts[] = {
    {"schema", OPT_SCHEMA, 1, "NAME", "narrow, orders or wide (default orders)",
     SL_STORE_STR(struct gen_args, schema)},
    {"rows", OPT_ROWS, 1, "N", "how many rows (default 1000)",
     SL_STORE_NUM(struct gen_args, rows, 0, UINT64_MAX / 2)},
    {"seed", OPT_SEED, 1, "N", "the same seed gives the same rows (default 1)",
     SL_STORE_NUM(struct gen_args, seed, 0, UINT64_MAX)},
    {"key-order", OPT_KEY_ORDER, 1, "ORDER", "sequential (default) or random primary keys"},
    {"out", OPT_OUT, 1, "FILE", "write here instead of stdout; a .zst name compresses",
     SL_STORE_STR(struct gen_args, out)},
    {"zstd-level", OPT_ZSTD_LEVEL, 1, "L", "zstd level 1-19 (default 3 for a .zst name, else off)",
     SL_STORE_NUM(struct gen_args, zstd_level, 0, 19)},
    {"no-header", OPT_NO_HEADER, 0, "", "leave out the header line",
     SL_STORE_CLEAR(struct gen_args, header)},
    {"print-create", OPT_PRINT_CREATE, 1, "TABLE",
     "print the schema's CREATE TABLE statement for TABLE and stop",
     SL_STORE_STR(struct gen_args, print_create)},
    {"help", 'h', 0, "", "show this help", SL_STORE_SET(struct gen_args, help)},
    {NULL, 0, 0, NULL, NULL},
};

static int on_gen_opt(void *ctx, int key, const char *v)
{
    struct gen_args *a = ctx;
    switch (key) {
    case OPT_KEY_ORDER: {
        static const char *const m[] = {"sequential", "random", NULL};
        int k;
        if (sl_cli_choice("gen", "key-order", v, m, &k, a->err) != 0)
            return -1;
        a->random_keys = k;
        return 0;
    }
    default:
        return -1;
    }
}

static void gen_help(FILE *out)
{
    fputs("Usage: sluice gen [--schema narrow|orders|wide] [--rows N] [--seed N] [--out FILE]\n"
          "\n"
          "Writes deterministic generated rows as CSV, for test loads and other tools.\n"
          "The same schema, seed and key order always give the same rows. The output\n"
          "loads back with sluice load's defaults (NULL is \\N).\n"
          "\n"
          "Options:\n",
          out);
    sl_cli_print_options(out, sl_gen_opts);
    fputs("\n"
          "Exit codes: 0 written; 1 a write failed (full disk, closed pipe); 2 bad options;\n"
          "4 interrupted (no output is left under the final name).\n"
          "\n"
          "Examples:\n"
          "  sluice gen --schema orders --print-create orders | mariadb shop\n"
          "  sluice gen --schema orders --rows 1000000 --out orders.csv.zst\n"
          "  sluice gen --schema narrow --rows 100000 --key-order random | sluice load - --into "
          "...\n",
          out);
}

/* Rows per split (a block the writer takes whole) and per batch. */
#define GEN_SPLIT_ROWS 10000
#define GEN_BATCH_ROWS 1000

/* Generates rows 1..rows of g into out through the engine: two readers
 * generate blocks of rows, and the one writer writes them in order.
 * Returns 0, or -1 with e set (or *interrupted). */
static int run(const struct sl_gen *g, uint64_t rows, struct sl_out_parts *out, int *interrupted,
               struct sl_err *e)
{
    struct sl_gen_source src = {
        .gen = g, .rows = rows, .split_rows = GEN_SPLIT_ROWS, .batch_rows = GEN_BATCH_ROWS};
    atomic_init(&src.next, 0);
    struct sl_csv_sink sink = {.out = out};
    atomic_init(&sink.text, 0);
    atomic_init(&sink.file, 0);
    struct sl_counters counters;
    memset(&counters, 0, sizeof counters);
    struct sl_progress progress;
    sl_progress_init(&progress, stderr, 0, 0);
    uint64_t nsplits = sl_gen_source_splits(&src);
    struct sl_engine_plan plan = {
        .source_ops = &sl_gen_source_ops,
        .source = &src,
        .sink_ops = &sl_csv_sink_ops,
        .sink = &sink,
        .nreaders = nsplits > 1 ? 2 : 1,
        .nwriters = 1,
        .ncols = g->ncols,
        .batch_rows = GEN_BATCH_ROWS,
        .arena_bytes = 64 * 1024 * 1024,
        .txn_rows = GEN_BATCH_ROWS,
        .ordered = 1,
        .nsplits = nsplits,
        .signal_stops = 1,
        .signal_note = "stopping; no output is kept",
        .second_note = "sluice: second signal: exiting now\n",
        .counters = &counters,
        .progress = &progress,
    };
    int rc = sl_engine_run(&plan, interrupted, e);
    sl_progress_release(&progress);
    return rc == 0 && !*interrupted ? 0 : -1;
}

int sl_cmd_gen(int argc, char **argv, FILE *out, FILE *err)
{
    struct gen_args a = {"orders", 1000, 1, 0, "-", -1, 1, NULL, 0, err};
    if (sl_cli_parse("gen", sl_gen_opts, argc, argv, on_gen_opt, NULL, &a, err) != 0)
        return SL_EXIT_USAGE;
    if (a.help) {
        gen_help(out);
        return SL_EXIT_OK;
    }
    struct sl_err e;
    enum sl_gen_schema schema;
    if (sl_gen_schema_by_name(a.schema, &schema, &e) != 0) {
        fprintf(err, "sluice gen: %s\n", e.msg);
        return SL_EXIT_USAGE;
    }
    struct sl_gen g;
    sl_gen_init(&g, schema, a.seed, a.random_keys);
    if (a.print_create) {
        struct sl_buf sql;
        sl_buf_init(&sql, 64 * 1024);
        int rc = sl_gen_create_sql(&g, a.print_create, &sql) == 0 && sl_buf_cstr(&sql);
        if (rc)
            fprintf(out, "%s;\n", sql.data);
        else
            fprintf(err, "sluice gen: '%s' is not a usable table name\n", a.print_create);
        sl_buf_release(&sql);
        return rc ? SL_EXIT_OK : SL_EXIT_USAGE;
    }
    if (a.random_keys && a.rows >= 0x7fffffffULL) {
        fprintf(err, "sluice gen: --key-order random allows at most 2147483646 rows\n");
        return SL_EXIT_USAGE;
    }
    int level = a.zstd_level >= 0 ? a.zstd_level : sl_cli_ends_with(a.out, ".zst") ? 3 : 0;
    struct sl_out_parts parts;
    /* test data: a new run replaces the last one's file */
    struct sl_out_parts_opts oo = {.path = a.out, .file = {.zstd_level = level}, .overwrite = 1};
    if (sl_out_parts_open(&parts, &oo, &e) != 0) {
        fprintf(err, "sluice gen: %s\n", e.msg);
        return SL_EXIT_USAGE;
    }
    struct sl_buf header;
    sl_buf_init(&header, 1024 * 1024);
    int rc = 0;
    if (a.header && sl_csv_fmt_names(&header, sl_gen_columns(&g), g.ncols) != 0)
        rc = sl_err_set(&e, SL_ERR_FATAL, "the header is too long");
    if (header.len > 0)
        sl_out_parts_set_header(&parts, header.data, header.len);
    int interrupted = 0;
    if (rc == 0 && a.rows > 0)
        rc = run(&g, a.rows, &parts, &interrupted, &e);
    if (rc == 0 && sl_out_parts_finish(&parts, &e) != 0)
        rc = -1;
    else if (rc != 0)
        sl_out_parts_abort(&parts);
    sl_buf_release(&header);
    if (interrupted) {
        fprintf(err, "sluice gen: interrupted; no output was kept\n");
        return SL_EXIT_INTERRUPTED;
    }
    if (rc != 0) {
        fprintf(err, "sluice gen: %s\n", e.msg);
        return SL_EXIT_FAILED;
    }
    return SL_EXIT_OK;
}
