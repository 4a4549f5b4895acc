/*
 * `sluice extract`: options, help, the run, the summary and the exit code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_csv_out.h"
#include "sl_exit.h"
#include "sl_extract.h"
#include "sl_progress.h"
#include "sl_report.h"
#include "sl_summary.h"
#include "sl_xcopy.h"

#define DEFAULT_THREADS    2
#define DEFAULT_CHUNK_ROWS 100000
#define DEFAULT_ZSTD_LEVEL 3

enum {
    OPT_FROM = 256,
    OPT_TO,
    OPT_QUERY,
    OPT_WHERE,
    OPT_CONSISTENCY,
    OPT_ORDER_BY_PK,
    OPT_CHUNK_ROWS,
    OPT_FILE_ROWS,
    OPT_FILE_SIZE,
    OPT_ZSTD_LEVEL,
    OPT_ZSTD_WORKERS,
    OPT_NO_HEADER,
    OPT_BINARY,
    OPT_DRY_RUN,
    OPT_OVERWRITE,
};

struct extract_args {
    struct sl_extract_config c;
    unsigned shards;     /* --shards */
    char shard_to[4200]; /* --to with {shard} replaced */
    int zstd_level_set;
    int quiet;
    int help;
    const char *report;
    FILE *err;
};

const struct sl_opt sl_extract_opts[] = {
    {"from", OPT_FROM, 1, "URL",
     "source: mysql://user@host[:port]/db/table, or .../db with --query;\n"
     "or postgresql://user@host[:port]/db/[schema.]table",
     SL_STORE_STR(struct extract_args, c.from)},
    {"to", OPT_TO, 1, "FILE", "output file, or - for stdout; a .zst name compresses",
     SL_STORE_STR(struct extract_args, c.to)},
    {"overwrite", OPT_OVERWRITE, 0, "",
     "replace FILE (or its parts) if it exists; without it an existing\nfile stops the extract "
     "before any row is read",
     SL_STORE_SET(struct extract_args, c.overwrite)},
    {"query", OPT_QUERY, 1, "SQL", "extract the rows of this one SELECT instead of a table",
     SL_STORE_STR(struct extract_args, c.query)},
    {"where", OPT_WHERE, 1, "COND", "extract only the table's rows where COND holds",
     SL_STORE_STR(struct extract_args, c.where)},
    {"threads", 't', 1, "N",
     "reader connections (default " SL_CLI_STR(
         DEFAULT_THREADS) "); a table with a one-column\n"
                          "integer primary key is read in key "
                          "ranges, others by one"},
    {"consistency", OPT_CONSISTENCY, 1, "MODE",
     "lock (default), snapshot or none: how several threads see one\nstate of the table "
     "(see below)"},
    {"order-by-pk", OPT_ORDER_BY_PK, 0, "", "write the rows in primary-key order",
     SL_STORE_SET(struct extract_args, c.order_by_pk)},
    {"chunk-rows", OPT_CHUNK_ROWS, 1, "N",
     "rows per key range, roughly (default " SL_CLI_STR(DEFAULT_CHUNK_ROWS) ")",
     SL_STORE_NUM(struct extract_args, c.chunk_rows, 1, UINT64_MAX)},
    {"file-rows", OPT_FILE_ROWS, 1, "N",
     "split the output into numbered parts of N rows:\nFILE.00001.csv.zst, FILE.00002.csv.zst, "
     "...",
     SL_STORE_NUM(struct extract_args, c.file_rows, 1, UINT64_MAX)},
    {"file-size", OPT_FILE_SIZE, 1, "SIZE",
     "split into parts of at most SIZE bytes of CSV (before\ncompression), e.g. 256M"},
    {"zstd-level", OPT_ZSTD_LEVEL, 1, "L",
     "zstd level 1-19 for a .zst name (default " SL_CLI_STR(
         DEFAULT_ZSTD_LEVEL) "); 0 writes plain text"},
    {"zstd-workers", OPT_ZSTD_WORKERS, 1, "N",
     "zstd's own compression threads (default 0: compress in the\nwriting thread)",
     SL_STORE_NUM(struct extract_args, c.zstd_workers, 0, 64)},
    {"no-header", OPT_NO_HEADER, 0, "", "leave out the header record",
     SL_STORE_CLEAR(struct extract_args, c.header)},
    {"binary", OPT_BINARY, 1, "ENC",
     "hex (default): binary columns as hex digits, which sluice load\ndecodes; raw: the bytes "
     "as they are"},
    SL_CLI_CONN_OPTS,
    SL_CLI_REPORT_OPT,
    SL_CLI_PROGRESS_OPT,
    SL_CLI_MAX_RATE_OPT,
    SL_CLI_SHARD_OPTS,
    {"dry-run", OPT_DRY_RUN, 0, "",
     "read, format and compress every row, but create no file: say\nwhat would be written",
     SL_STORE_SET(struct extract_args, c.dry_run)},
    {"quiet", 'q', 0, "", "print only errors", SL_STORE_SET(struct extract_args, quiet)},
    {"help", SL_OPT_HELP, 0, "", "show this help", SL_STORE_SET(struct extract_args, help)},
    {NULL, 0, 0, NULL, NULL},
};

static void extract_help(FILE *out)
{
    fputs("Usage: sluice extract --from mysql://user@host/db/table --to FILE [options]\n"
          "       sluice extract --from mysql://user@host/db --query SQL --to FILE [options]\n"
          "\n"
          "Streams a table's rows, or a query's, to CSV: one file, numbered parts, or\n"
          "stdout. Rows are read unbuffered, so memory stays flat whatever the size.\n"
          "\n"
          "Options:\n",
          out);
    sl_cli_print_options(out, sl_extract_opts);
    fputs("\n"
          "Output: RFC 4180 CSV with a header record; NULL is an unquoted \\N; fields are\n"
          "quoted only when needed (an empty string is \"\"). It loads back with sluice load's\n"
          "defaults. Binary columns (BINARY, VARBINARY, BLOB, BIT, GEOMETRY) are hex digits\n"
          "(two per byte, no prefix); sluice load decodes hex for binary columns by default.\n"
          "Sessions use utf8mb4 and time_zone +00:00, so every type reads back exactly.\n"
          "The file is written under a hidden temporary name and renamed into place only\n"
          "when complete; parts all appear together at the end.\n"
          "\n"
          "Consistency, with more than one reader connection:\n"
          "  lock      FLUSH TABLES WITH READ LOCK is held for the moment it takes every\n"
          "            connection to open START TRANSACTION WITH CONSISTENT SNAPSHOT; all\n"
          "            read the same snapshot. Needs SELECT and RELOAD.\n"
          "  snapshot  every connection opens its snapshot at once, without a lock; a write\n"
          "            committed in that instant may be seen by some. Needs SELECT.\n"
          "  none      no snapshot: each key range reads the rows committed when it starts.\n"
          "            Needs SELECT.\n"
          "One reader (one thread, a --query, a table without an integer key) is always a\n"
          "single consistent snapshot and takes no lock.\n"
          "\n"
          "Dry run (--dry-run): the extract runs as usual (connections, snapshot, key\n"
          "ranges, every row read and formatted, compressed when the name ends in .zst)\n"
          "but no file is created; the directory is checked for write access, and the\n"
          "summary gives the rows, parts and bytes a real run would write.\n"
          "\n"
          "Exit codes:\n"
          "  0  every row was written and the output renamed into place; or, with --to -,\n"
          "     the reader closed the pipe early (| head): the rest was not read\n"
          "  1  the extract failed while reading or writing (lost connection, killed query,\n"
          "     full disk); no output is left under the final name\n"
          "  2  nothing was read: bad options, an unreachable server, a missing table or\n"
          "     column, a query the server refused, an unwritable output path, a file\n"
          "     that exists (without --overwrite)\n"
          "  4  interrupted by SIGINT or SIGTERM; no output is left under the final name\n"
          "\n"
          "Password: the URL's own, then SLUICE_FROM_PASSWORD, then -p, then MYSQL_PWD, then the\n"
          "[client] and [sluice] groups of the option files. Never printed.\n"
          "\n"
          "Examples:\n"
          "  sluice extract --from 'mysql://ro@db1/shop/orders' --to orders.csv.zst --threads 4\n"
          "  sluice extract --from 'mysql://ro@db1/shop' --query 'SELECT id, total FROM orders'"
          " --to - | head\n"
          "  sluice extract --from mysql://ro@db1/shop/orders --where 'day >= \"2026-01-01\"'"
          " \\\n"
          "      --to parts/orders.csv.zst --file-rows 1000000\n",
          out);
}

static int on_extract_opt(void *ctx, int key, const char *v)
{
    struct extract_args *a = ctx;
    struct sl_extract_config *c = &a->c;
    unsigned long long n;
    int k;
    const struct sl_cli_conn conn = {
        .defaults_file = &c->defaults_file,
        .session_sql = &c->session_sql,
        .time_zone = &c->time_zone,
        .tls = &c->tls,
        .connect_timeout = &c->connect_timeout,
        .flags = &c->flags,
        .report = &a->report,
        .progress = &c->progress_mode,
        .max_rows_per_sec = &c->max_rows_per_sec,
        .max_bytes_per_sec = &c->max_bytes_per_sec,
        .shard = &c->shard,
        .shards = &a->shards,
    };
    int handled = sl_cli_conn_opt("extract", &conn, key, v, a->err);
    if (handled)
        return handled < 0 ? -1 : 0;
    switch (key) {
    case 't':
        if (sl_cli_count("extract", "threads", v, 1, 256, &n, a->err) != 0)
            return -1;
        c->threads = (unsigned)n;
        c->threads_set = 1;
        return 0;
    case OPT_CONSISTENCY: {
        static const char *const m[] = {"lock", "snapshot", "none", NULL};
        if (sl_cli_choice("extract", "consistency", v, m, &k, a->err) != 0)
            return -1;
        c->consistency = (enum sl_consistency)k;
        return 0;
    }
    case OPT_FILE_SIZE:
        if (sl_cli_size("extract", "file-size", v, &n, a->err) != 0)
            return -1;
        c->file_size = n;
        return 0;
    case OPT_ZSTD_LEVEL:
        if (sl_cli_count("extract", "zstd-level", v, 0, 19, &n, a->err) != 0)
            return -1;
        c->zstd_level = (int)n;
        a->zstd_level_set = 1;
        return 0;
    case OPT_BINARY: {
        static const char *const m[] = {"hex", "raw", NULL};
        if (sl_cli_choice("extract", "binary", v, m, &k, a->err) != 0)
            return -1;
        c->binary_hex = k == 0;
        return 0;
    }
    default:
        return -1;
    }
}

/* The counts of an extract, for --report and the summary. */
static void fill_counts(struct sl_report *rep, const struct sl_extract_config *c,
                        const struct sl_extract_result *r)
{
    snprintf(rep->target, sizeof rep->target, "%s", c->to);
    if (c->shard.count)
        snprintf(rep->shard, sizeof rep->shard, "%u/%u", c->shard.index, c->shard.count);
    rep->rows_read = r->rows;
    rep->dry_run = c->dry_run;
    if (c->dry_run)
        rep->rows_to_write = r->rows;
    else
        rep->rows_written = r->rows;
    rep->bytes = r->text_bytes;
    rep->seconds = r->seconds;
    if (r->err.kind != SL_ERR_NONE)
        sl_report_error(rep, r->err.msg);
}

/* The whole report of an extract: its counts, its source and the table's
 * entry. */
static void fill_report(struct sl_report *rep, const struct sl_extract_config *c,
                        const struct sl_extract_result *r)
{
    fill_counts(rep, c, r);
    const char *source = r->source[0] ? r->source : c->from;
    struct sl_report_item *it = NULL;
    if (sl_report_add_source(rep, source) != 0 ||
        !(it = sl_report_add_item(rep, "table", source)) ||
        sl_report_item_set(&it->target, c->to) != 0) {
        sl_report_error(rep, "out of memory");
        return;
    }
    snprintf(it->status, sizeof it->status, "%s",
             r->err.kind != SL_ERR_NONE ? "failed"
             : r->interrupted           ? "interrupted"
                                        : "ok");
    sl_report_item_count(it, c->dry_run ? SL_COUNTER_rows_to_write : SL_COUNTER_rows_written,
                         r->rows);
    sl_report_item_count(it, SL_COUNTER_bytes, r->file_bytes);
    it->seconds = r->seconds;
    if (r->err.kind != SL_ERR_NONE && sl_report_item_set(&it->error, r->err.msg) != 0)
        sl_report_error(rep, "out of memory");
}

static void print_summary(FILE *out, const struct sl_extract_config *c,
                          const struct sl_extract_result *r)
{
    struct sl_report rep = {0};
    fill_counts(&rep, c, r);
    char a[32];
    if (c->dry_run)
        sl_summary_head(out, "dry run of an extract of %s; no file was written", r->source);
    else
        sl_summary_head(out, "extracted %s", r->source);
    const char *to = strcmp(c->to, "-") ? c->to : "stdout";
    if (r->parts > 1)
        sl_summary_line(out, "to", "%s (%u parts)", to, r->parts);
    else
        sl_summary_line(out, "to", "%s", to);
    sl_summary_counts(out, &rep,
                      SL_SUMMARY_SHOW(rows_read) | (c->dry_run ? SL_SUMMARY_SHOW(rows_to_write)
                                                               : SL_SUMMARY_SHOW(rows_written)),
                      NULL);
    char text[32], file[32];
    sl_summary_line(out, "CSV", "%s", sl_fmt_bytes(r->text_bytes, text, sizeof text));
    const char *written = c->dry_run ? "to write" : "written";
    sl_fmt_bytes(r->file_bytes, file, sizeof file);
    if (r->file_bytes != r->text_bytes && r->file_bytes > 0)
        sl_summary_line(out, written, "%s (%.1fx compressed)", file,
                        (double)r->text_bytes / (double)r->file_bytes);
    else
        sl_summary_line(out, written, "%s", file);
    if (c->shard.count)
        sl_summary_line(out, "shard", "%u of %u (from 0)", c->shard.index, c->shard.count);
    sl_summary_line(out, "readers", "%u over %s key range%s", r->streams,
                    sl_fmt_count(r->ranges, a, sizeof a), r->ranges == 1 ? "" : "s");
    sl_summary_rates(out, r->rows, r->text_bytes, r->seconds);
    sl_report_release(&rep);
}

/* --shard: each shard writes a file of its own, named by --to with {shard}
 * replaced by its number (stdout needs none). Returns 0 or -1 after a
 * message. */
static int shard_output(struct extract_args *a)
{
    struct sl_extract_config *c = &a->c;
    if (!c->shard.count)
        return 0;
    if (sl_xcopy_source_for(c->from)) {
        fprintf(a->err, "sluice extract: --shard splits MySQL tables only, for now; extract "
                        "from PostgreSQL or SQLite unsplit\n");
        return -1;
    }
    const char *at = strstr(c->to, "{shard}");
    if (strcmp(c->to, "-") == 0)
        return 0;
    if (!at) {
        fprintf(a->err, "sluice extract: with --shard, --to must hold {shard}, which each shard "
                        "replaces by its number (orders-{shard}.csv.zst), so that no two write one "
                        "file\n");
        return -1;
    }
    snprintf(a->shard_to, sizeof a->shard_to, "%.*s%u%s", (int)(at - c->to), c->to, c->shard.index,
             at + strlen("{shard}"));
    c->to = a->shard_to;
    return 0;
}

static int extract_main(struct extract_args *a, int argc, char **argv, FILE *out, FILE *err,
                        struct sl_report *rep)
{
    a->err = err;
    struct sl_extract_config *c = &a->c;
    c->threads = DEFAULT_THREADS;
    c->consistency = SL_CONSISTENCY_LOCK;
    c->chunk_rows = DEFAULT_CHUNK_ROWS;
    c->header = 1;
    c->binary_hex = 1;
    c->time_zone = "+00:00";
    c->progress_mode = -1;
    if (sl_cli_parse("extract", sl_extract_opts, argc, argv, on_extract_opt, NULL, a, err) != 0)
        return SL_EXIT_USAGE;
    if (a->help) {
        extract_help(out);
        return SL_EXIT_OK;
    }
    if (!c->from || !c->to) {
        fprintf(err, "sluice extract: --from and --to are required\n"
                     "Try 'sluice extract --help'.\n");
        return SL_EXIT_USAGE;
    }
    if (sl_cli_conn_ask("extract", &c->flags, err) != 0 ||
        sl_cli_shard_resolve("extract", &c->shard, a->shards, err) != 0 || shard_output(a) != 0)
        return SL_EXIT_USAGE;
    if (!a->zstd_level_set)
        c->zstd_level = sl_cli_ends_with(c->to, ".zst") ? DEFAULT_ZSTD_LEVEL : 0;
    c->progress = !a->quiet;
    c->progress_mode = sl_cli_progress_mode(c->progress_mode, a->quiet);

    struct sl_extract_result res;
    int failed = (sl_xcopy_source_for(c->from) ? sl_xextract_run(c, &res, err)
                                               : sl_extract_run(c, &res, err)) != 0;
    /* `extract --to - | head`: the reader had what it wanted */
    int pipe_closed =
        failed && strcmp(c->to, "-") == 0 && strstr(res.err.msg, SL_CSV_OUT_PIPE_CLOSED);
    if (pipe_closed)
        sl_err_clear(&res.err);
    fill_report(rep, c, &res);
    if (pipe_closed)
        return SL_EXIT_OK;
    if (res.interrupted) {
        fprintf(err, "sluice: interrupted after %s rows; no output was kept\n",
                sl_fmt_count(res.rows, (char[32]){0}, 32));
        return SL_EXIT_INTERRUPTED;
    }
    if (failed) {
        fprintf(err, "sluice: error: %s\n", res.err.msg);
        if (!res.started)
            return SL_EXIT_USAGE;
        fprintf(err, "sluice: extract failed after writing %s rows; no output was kept\n",
                sl_fmt_count(res.rows, (char[32]){0}, 32));
        return SL_EXIT_FAILED;
    }
    if (!a->quiet)
        print_summary(err, c, &res);
    return SL_EXIT_OK;
}

int sl_cmd_extract(int argc, char **argv, FILE *out, FILE *err)
{
    struct extract_args a;
    struct sl_report rep;
    sl_report_begin(&rep, "extract");
    memset(&a, 0, sizeof a);
    int code = extract_main(&a, argc, argv, out, err, &rep);
    return sl_report_finish(a.report, &rep, code, err);
}
