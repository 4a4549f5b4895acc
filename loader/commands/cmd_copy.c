/*
 * `sluice copy`: options, help, the run, the per-table summary and the exit
 * code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_copy.h"
#include "sl_exit.h"
#include "sl_progress.h"
#include "sl_report.h"
#include "sl_summary.h"
#include "sl_xcopy.h"

#define DEFAULT_THREADS    2
#define DEFAULT_CHUNK_ROWS 100000
#define DEFAULT_BATCH_ROWS 200
#define DEFAULT_TXN_ROWS   100000

enum {
    OPT_FROM = 256,
    OPT_TO,
    OPT_TABLES,
    OPT_WHERE,
    OPT_READERS,
    OPT_CONSISTENCY,
    OPT_IF_EXISTS,
    OPT_DEFER_INDEXES,
    OPT_NO_DEFER_INDEXES,
    OPT_VERIFY_ONLY,
    OPT_NO_VERIFY,
    OPT_VERIFY,
    OPT_CHUNK_ROWS,
    OPT_BATCH_ROWS,
    OPT_TXN_ROWS,
    OPT_FROM_DEFAULTS,
    OPT_TO_DEFAULTS,
    OPT_DRY_RUN,
    OPT_RESUME,
    OPT_NO_CHECKPOINT,
    OPT_CHECKPOINT_DB,
    OPT_TYPE_MAP,
    OPT_ON_ERROR,
    OPT_REJECTS,
    OPT_MAX_REJECTS,
};

struct copy_args {
    struct sl_copy_config c;
    int profile;     /* --profile: an enum sl_profile */
    unsigned shards; /* --shards */
    const char *defaults_file;
    int readers_set;
    int if_exists_set;
    int defer_set;
    int quiet;
    int help;
    const char *report;
    FILE *err;
};

const struct sl_opt sl_copy_opts[] = {
    {"from", OPT_FROM, 1, "URL",
     "source: mysql://user@host[:port]/db[/table],\n"
     "postgresql://user@host[:port]/db[/[schema.]table][?schema=S],\n"
     "or sqlite:///path/app.db[?table=T]",
     SL_STORE_STR(struct copy_args, c.from)},
    {"to", OPT_TO, 1, "URL",
     "target: mysql://user@host[:port]/db[/table] (a table name only\nwhen --from names one "
     "table); a missing database is created",
     SL_STORE_STR(struct copy_args, c.to)},
    {"tables", OPT_TABLES, 1, "LIST",
     "copy these tables of the --from database: names and globs,\ncomma-separated, e.g. "
     "'orders,order_*' (default: every table)",
     SL_STORE_STR(struct copy_args, c.tables)},
    {"where", OPT_WHERE, 1, "COND", "copy only the source rows where COND holds",
     SL_STORE_STR(struct copy_args, c.where)},
    {"threads", 't', 1, "N",
     "writer connections to the target (default " SL_CLI_STR(DEFAULT_THREADS) ")",
     SL_STORE_NUM(struct copy_args, c.threads, 1, 256)},
    {"readers", OPT_READERS, 1, "N", "reader connections to the source (default: as --threads)"},
    {"consistency", OPT_CONSISTENCY, 1, "MODE",
     "lock (default), snapshot or none: how the readers see one\nstate of the source, as for "
     "extract (see below)"},
    {"if-exists", OPT_IF_EXISTS, 1, "MODE",
     "when a target table exists: fail (default), skip, truncate,\ndrop (and create it again) "
     "or append"},
    SL_CLI_WRITE_MODE_OPTS,
    SL_CLI_METHOD_OPT,
    {"defer-indexes", OPT_DEFER_INDEXES, 0, "",
     "create every new table whole, take its secondary indexes and\nforeign keys off while it is "
     "empty, and add them back in one\nALTER TABLE after the rows (default: for tables of "
     "100,000\nrows or more)"},
    {"no-defer-indexes", OPT_NO_DEFER_INDEXES, 0, "",
     "create every new table with all its indexes before the rows"},
    {"verify-only", OPT_VERIFY_ONLY, 0, "",
     "compare the existing tables on both sides; copy nothing",
     SL_STORE_SET(struct copy_args, c.verify_only)},
    {"verify", OPT_VERIFY, 0, "", "compare the tables after copying them (the default)",
     SL_STORE_SET(struct copy_args, c.verify)},
    {"no-verify", OPT_NO_VERIFY, 0, "", "do not compare the tables after copying them",
     SL_STORE_CLEAR(struct copy_args, c.verify)},
    {"dry-run", OPT_DRY_RUN, 0, "",
     "plan and check everything and count the source rows; create,\nlock and write nothing "
     "(see below)",
     SL_STORE_SET(struct copy_args, c.dry_run)},
    {"resume", OPT_RESUME, 0, "",
     "finish an interrupted copy: existing target tables keep the\nrows it committed, and only "
     "the rest is copied (see below)",
     SL_STORE_SET(struct copy_args, c.resume)},
    {"checkpoint-db", OPT_CHECKPOINT_DB, 1, "NAME",
     "keep sluice_checkpoints in database NAME (created if missing)\n"
     "instead of the target database (default: the target database)",
     SL_STORE_STR(struct copy_args, c.checkpoint_db)},
    {"no-checkpoint", OPT_NO_CHECKPOINT, 0, "",
     "do not record committed batches in the target's\nsluice_checkpoints table (no --resume then)",
     SL_STORE_CLEAR(struct copy_args, c.checkpoint)},
    {"type-map", OPT_TYPE_MAP, 1, "MAP",
     "from PostgreSQL or SQLite: MySQL types that replace the\nmapping's,\ne.g. "
     "'jsonb=LONGTEXT,numeric=DECIMAL(38,10)' (see below)",
     SL_STORE_STR(struct copy_args, c.type_map)},
    {"on-error", OPT_ON_ERROR, 1, "MODE",
     "from PostgreSQL or SQLite: stop (default) at the first value\nthe target cannot take, or "
     "skip its row to --rejects and go on"},
    {"rejects", OPT_REJECTS, 1, "PATH",
     "with --on-error skip: rejected rows go to PATH.csv, and why\nto PATH.log",
     SL_STORE_STR(struct copy_args, c.rejects)},
    {"max-rejects", OPT_MAX_REJECTS, 1, "N",
     "with --on-error skip: stop once more than N rows are rejected",
     SL_STORE_NUM(struct copy_args, c.max_rejects, 0, UINT64_MAX)},
    {"chunk-rows", OPT_CHUNK_ROWS, 1, "N",
     "rows per key range, roughly (default " SL_CLI_STR(
         DEFAULT_CHUNK_ROWS) "); the unit of reading\n"
                             "and of comparison",
     SL_STORE_NUM(struct copy_args, c.chunk_rows, 1, UINT64_MAX)},
    {"batch-rows", OPT_BATCH_ROWS, 1, "N",
     "rows per INSERT statement (default " SL_CLI_STR(DEFAULT_BATCH_ROWS) ")",
     SL_STORE_NUM(struct copy_args, c.batch_rows, 1, 65535)},
    {"txn-rows", OPT_TXN_ROWS, 1, "N",
     "rows per transaction (default " SL_CLI_STR(DEFAULT_TXN_ROWS) ")",
     SL_STORE_NUM(struct copy_args, c.txn_rows, 1, UINT64_MAX)},
    SL_CLI_RETRY_OPTS(struct copy_args, c.retries, c.retry_max_seconds),
    {"from-defaults-file", OPT_FROM_DEFAULTS, 1, "FILE",
     "option file for the source only (overrides --defaults-file)"},
    {"to-defaults-file", OPT_TO_DEFAULTS, 1, "FILE",
     "option file for the target only (overrides --defaults-file)"},
    SL_CLI_CONN_OPTS,
    SL_CLI_HOOK_OPTS,
    SL_CLI_REPORT_OPT,
    SL_CLI_PROGRESS_OPT,
    SL_CLI_MAX_RATE_OPT,
    SL_CLI_PROFILE_OPT,
    SL_CLI_HOSTS_POLICY_OPT,
    SL_CLI_SHARD_OPTS,
    {"quiet", 'q', 0, "", "print only errors and FAIL lines",
     SL_STORE_SET(struct copy_args, quiet)},
    {"help", SL_OPT_HELP, 0, "", "show this help", SL_STORE_SET(struct copy_args, help)},
    {NULL, 0, 0, NULL, NULL},
};

static void copy_help(FILE *out)
{
    fputs("Usage: sluice copy --from mysql://user@host/db[/table] --to mysql://user@host/db[/table]"
          " [options]\n"
          "\n"
          "Copies a table, a list of tables, or a whole database from one server to\n"
          "another, in parallel, from one consistent snapshot, then proves the copy exact.\n"
          "\n"
          "Options:\n",
          out);
    sl_cli_print_options(out, sl_copy_opts);
    fputs(
        "\n"
        "Schema: a missing target table is created from the source's SHOW CREATE TABLE\n"
        "(columns, charset, collation, keys, AUTO_INCREMENT). Views, triggers, routines\n"
        "and events are not copied; a schema copy names those it leaves behind.\n"
        "\n"
        "From PostgreSQL or SQLite: each missing table is created by the type mapping\n"
        "of docs/type-mapping.md (--type-map overrides it) with its primary key; its\n"
        "other indexes are added after the rows. What MySQL cannot express (partial or\n"
        "expression indexes, a default that is a function, ...) is listed in one\n"
        "warning before any row moves, and a column MySQL cannot hold stops the copy\n"
        "there. PostgreSQL's readers share the snapshot the first connection exports\n"
        "(pg_export_snapshot); a SQLite file is read read-only, in one transaction, by\n"
        "one reader. A value the target cannot take (NaN, a BC date, text in an integer\n"
        "column, digits DECIMAL would round off) stops the copy, or with --on-error\n"
        "skip goes to --rejects, named by its key (exit 3). Verification compares the\n"
        "row count and a checksum of canonical values per key range on both sides.\n"
        "Not yet for these sources: --resume, --dry-run, --mode swap. Passwords for\n"
        "PostgreSQL: the URL's, SLUICE_FROM_PASSWORD, PGPASSWORD, ~/.pgpass.\n"
        "\n"
        "Write modes: --mode ignore, replace and upsert append to an existing table\n"
        "unless --if-exists says otherwise; truncate is --if-exists truncate; swap\n"
        "copies every table into <table>__sluice_new, verifies it there, then swaps them\n"
        "all in with one RENAME TABLE (none if any table fails); tables with foreign keys\n"
        "are refused, since the keys would follow the old tables.\n"
        "\n"
        "Data: readers read primary-key ranges (on the key's first column when it is an\n"
        "integer) unbuffered, larger tables first; other tables are read by one stream.\n"
        "Values pass as the server's bytes (binary columns byte for byte, FLOAT exactly;\n"
        "integers and dates as binary values, which the target need not parse) to writers,\n"
        "which insert them with multi-row prepared INSERTs in transactions of --txn-rows\n"
        "rows. Memory is a fixed pool of batches.\n"
        "\n"
        "Verification: a table whose two sides define the same columns, copied without\n"
        "--where, is compared whole once its rows are in: COUNT(*) and CHECKSUM TABLE on\n"
        "both sides at once (the source in the copy's snapshot), while the target adds\n"
        "the deferred indexes. Otherwise, or when those differ, each key range is summed\n"
        "up on both sides (row count, and the sum of CRC32 over every row's values) and\n"
        "the ranges decide. One line per table says PASS or FAIL, and a FAIL names the\n"
        "first key range that differs. An append into a table that had rows is not\n"
        "verified.\n"
        "\n"
        "Checkpoints: each committed batch is recorded in the target database's\n"
        "sluice_checkpoints table in the batch's own transaction, and each key range\n"
        "once all its rows are in; a range is read in primary-key order, so its rows\n"
        "come in the same order on a rerun. After an interruption or a failure, rerun\n"
        "the same command with --resume: existing tables are appended to, complete\n"
        "ranges are not read again, and the committed rows of the others are skipped;\n"
        "then every table is verified as usual. A table without a primary key is\n"
        "emptied and copied again when every row of it came from the copy. A rerun\n"
        "without --resume over an interrupted append is refused; a successful copy\n"
        "deletes its checkpoints. --resume assumes the source rows have not changed\n"
        "since; the verification says if they did.\n"
        "\n"
        "Consistency, with more than one reader:\n"
        "  lock      FLUSH TABLES WITH READ LOCK is held while every reader opens its\n"
        "            snapshot (about a millisecond); all read one state. Needs RELOAD.\n"
        "  snapshot  every reader opens its snapshot at once, without a lock.\n"
        "  none      no snapshot: each range reads the rows committed when it starts.\n"
        "\n"
        "Privileges: SELECT (and RELOAD for lock) on the source; CREATE, INSERT and,\n"
        "as the options need them, DROP, ALTER and INDEX on the target.\n"
        "\n"
        "Dry run (--dry-run): connects to both servers, lists the tables, decides what\n"
        "--if-exists and --mode do to each, checks the columns of existing targets and\n"
        "that they accept the INSERT (prepared, not run), checks the privileges each\n"
        "table's action needs on both sides, and counts the source rows under --where.\n"
        "It prints the plan. Nothing is created, locked, written or hooked; the source\n"
        "is not read row by row, and values only the target refuses are not found.\n"
        "\n"
        "Exit codes:\n"
        "  0  every table was copied (or skipped) and every comparison passed\n"
        "  1  a table failed, was left without its deferred indexes (the ALTER TABLE\n"
        "     that adds them is printed), or a comparison found a difference in its\n"
        "     rows or keys; the summary says which\n"
        "  2  nothing was copied: bad options, an unreachable server, a missing table, a\n"
        "     target table that exists under --if-exists fail, a missing column or\n"
        "     privilege, a definition the target refuses\n"
        "  3  from PostgreSQL or SQLite with --on-error skip: done, but rows were\n"
        "     rejected (see --rejects)\n"
        "  4  interrupted by SIGINT or SIGTERM; open transactions are rolled back; run\n"
        "     again with --resume to finish\n"
        "\n"
        "Passwords: the URL's own, then SLUICE_FROM_PASSWORD or SLUICE_TO_PASSWORD, then\n"
        "-p, then MYSQL_PWD, then the [client] and [sluice] groups of the option files (the\n"
        "standard ones, or the side's --*-defaults-file). Never printed.\n"
        "\n"
        "Examples:\n"
        "  sluice copy --from 'mysql://ro@old-db/shop' --to 'mysql://etl@new-db/shop' --threads 8\n"
        "  sluice copy --from 'mysql://ro@old-db/shop/orders' \\\n"
        "      --to 'mysql://etl@new-db/archive/orders_2025' --where 'created_at < "
        "\"2026-01-01\"'\n"
        "  sluice copy --from 'mysql://ro@old-db/shop' --to 'mysql://etl@new-db/shop' \\\n"
        "      --tables 'orders,order_*' --if-exists drop --defer-indexes\n"
        "  sluice copy --from 'mysql://ro@old-db/shop' --to 'mysql://etl@new-db/shop' "
        "--verify-only\n"
        "  sluice copy --from 'mysql://ro@old-db/shop' --to 'mysql://etl@new-db/shop' "
        "--mode swap --dry-run\n"
        "  sluice copy --from 'postgresql://ro@pg1/shop?schema=public' --to 'mysql://etl@db1/shop' "
        "--threads 8\n"
        "  sluice copy --from 'sqlite:///var/lib/app/app.db' --to 'mysql://etl@db1/app' \\\n"
        "      --on-error skip --rejects /var/tmp/app-rejects\n",
        out);
}

static int on_copy_opt(void *ctx, int key, const char *v)
{
    struct copy_args *a = ctx;
    struct sl_copy_config *c = &a->c;
    unsigned long long n;
    int k;
    const struct sl_cli_conn conn = {
        .defaults_file = &a->defaults_file,
        .session_sql = &c->session_sql,
        .time_zone = &c->time_zone,
        .tls = &c->tls,
        .connect_timeout = &c->connect_timeout,
        .flags = &c->flags,
        .before_sql = &c->before_sql,
        .after_sql = &c->after_sql,
        .report = &a->report,
        .mode = &c->mode,
        .update_columns = &c->update_columns,
        .keep_old = &c->keep_old,
        .method = &c->method,
        .progress = &c->progress_mode,
        .max_rows_per_sec = &c->max_rows_per_sec,
        .max_bytes_per_sec = &c->max_bytes_per_sec,
        .profile = &a->profile,
        .hosts_policy = &c->hosts_policy,
        .shard = &c->shard,
        .shards = &a->shards,
    };
    int handled = sl_cli_conn_opt("copy", &conn, key, v, a->err);
    if (handled)
        return handled < 0 ? -1 : 0;
    switch (key) {
    case OPT_READERS:
        if (sl_cli_count("copy", "readers", v, 1, 256, &n, a->err) != 0)
            return -1;
        c->readers = (unsigned)n;
        a->readers_set = 1;
        return 0;
    case OPT_CONSISTENCY: {
        static const char *const m[] = {"lock", "snapshot", "none", NULL};
        if (sl_cli_choice("copy", "consistency", v, m, &k, a->err) != 0)
            return -1;
        c->consistency = (enum sl_consistency)k;
        return 0;
    }
    case OPT_IF_EXISTS: {
        static const char *const m[] = {"fail", "skip", "truncate", "drop", "append", NULL};
        if (sl_cli_choice("copy", "if-exists", v, m, &k, a->err) != 0)
            return -1;
        c->if_exists = (enum sl_if_exists)k;
        a->if_exists_set = 1;
        return 0;
    }
    case OPT_DEFER_INDEXES:
    case OPT_NO_DEFER_INDEXES: {
        enum sl_defer d = key == OPT_DEFER_INDEXES ? SL_DEFER_ALWAYS : SL_DEFER_NEVER;
        if (a->defer_set && c->defer_indexes != d) {
            fprintf(a->err, "sluice copy: give --defer-indexes or --no-defer-indexes, not both\n");
            return -1;
        }
        c->defer_indexes = d;
        a->defer_set = 1;
        return 0;
    }
    case OPT_ON_ERROR: {
        static const char *const m[] = {"stop", "skip", NULL};
        if (sl_cli_choice("copy", "on-error", v, m, &k, a->err) != 0)
            return -1;
        c->skip_rejects = k == 1;
        return 0;
    }
    case OPT_FROM_DEFAULTS:
        c->from_defaults_file = v;
        sl_cli_warn_exposed_defaults("copy", v, a->err);
        return 0;
    case OPT_TO_DEFAULTS:
        c->to_defaults_file = v;
        sl_cli_warn_exposed_defaults("copy", v, a->err);
        return 0;
    default:
        return -1;
    }
}

static const char *verified(const struct sl_copy_table_result *t)
{
    if (t->state != SL_COPY_DONE)
        return t->state == SL_COPY_SKIPPED ? "skipped" : "FAILED";
    return t->verdict == SL_VERIFY_PASS ? "yes" : t->verdict == SL_VERIFY_FAIL ? "FAIL" : "no";
}

/* A table's entry in the report: its rows and its verification. */
static int add_table_item(struct sl_report *rep, const struct sl_copy_config *c,
                          const struct sl_copy_table_result *t)
{
    struct sl_report_item *it = sl_report_add_item(rep, "table", t->source);
    if (!it || sl_report_item_set(&it->target, t->target) != 0)
        return -1;
    const char *status = t->state == SL_COPY_SKIPPED    ? "skipped"
                         : t->state == SL_COPY_NOT_RUN  ? "not-run"
                         : t->state == SL_COPY_FAILED   ? "failed"
                         : t->verdict == SL_VERIFY_FAIL ? "failed"
                                                        : "ok";
    snprintf(it->status, sizeof it->status, "%s", status);
    if (c->dry_run) {
        snprintf(it->action, sizeof it->action, "%s", t->action);
        sl_report_item_count(it, SL_COUNTER_rows_to_write, t->rows);
    } else {
        sl_report_item_count(it, SL_COUNTER_rows_read, t->rows);
        if (!c->verify_only)
            sl_report_item_count(it, SL_COUNTER_rows_written, t->rows);
        if (c->mode == SL_MODE_IGNORE)
            sl_report_item_count(it, SL_COUNTER_rows_ignored, t->rows_ignored);
        if (c->mode == SL_MODE_UPSERT || c->mode == SL_MODE_REPLACE)
            sl_report_item_count(it, SL_COUNTER_rows_updated, t->rows_updated);
        sl_report_item_count(it, SL_COUNTER_bytes, t->bytes);
        it->seconds = t->seconds;
        it->verification = t->state == SL_COPY_SKIPPED    ? NULL
                           : t->verdict == SL_VERIFY_PASS ? "pass"
                           : t->verdict == SL_VERIFY_FAIL ? "fail"
                                                          : "not-verified";
    }
    if (t->note[0] && sl_report_item_set(&it->error, t->note) != 0)
        return -1;
    if (t->finish_sql) {
        if (!(it->finish_sql = calloc(1, sizeof *it->finish_sql)) ||
            !(it->finish_sql[0] = strdup(t->finish_sql)))
            return -1;
        it->nfinish = 1;
    }
    return 0;
}

/* The totals of a copy, for --report and the summary. */
static void fill_counts(struct sl_report *rep, const struct sl_copy_config *c,
                        const struct sl_copy_result *r)
{
    snprintf(rep->target, sizeof rep->target, "%s", r->target);
    rep->dry_run = c->dry_run;
    for (size_t i = 0; c->dry_run && i < r->ntables; i++)
        rep->rows_to_write += r->tables[i].rows;
    for (size_t i = 0; !c->dry_run && i < r->ntables; i++) {
        const struct sl_copy_table_result *t = &r->tables[i];
        rep->rows_read += t->rows;
        rep->rows_written += c->verify_only ? 0 : t->rows; /* committed, failed or not */
        rep->rows_ignored += t->rows_ignored;
        rep->rows_updated += t->rows_updated;
        rep->bytes += t->bytes;
        if (t->state == SL_COPY_FAILED || t->state == SL_COPY_NOT_RUN ||
            t->verdict == SL_VERIFY_FAIL)
            sl_report_error(rep, t->note);
    }
    rep->retries = r->retries;
    rep->rows_rejected = r->rejected;
    rep->seconds = r->seconds;
    snprintf(rep->method, sizeof rep->method, "%s", r->method ? r->method : "");
    if (r->err.kind != SL_ERR_NONE)
        sl_report_error(rep, r->err.msg);
}

/* The whole report of a copy: its totals, its source, and a table's entry
 * (and statements left to run) each. */
static void fill_report(struct sl_report *rep, const struct sl_copy_config *c,
                        const struct sl_copy_result *r)
{
    fill_counts(rep, c, r);
    int oom = sl_report_add_source(rep, r->source[0] ? r->source : c->from) != 0;
    for (size_t i = 0; i < r->ntables; i++) {
        const struct sl_copy_table_result *t = &r->tables[i];
        if (!c->dry_run && t->finish_sql && sl_report_add_finish(rep, t->finish_sql) != 0)
            oom = 1;
        oom |= add_table_item(rep, c, t) != 0;
    }
    if (oom)
        sl_report_error(rep, "out of memory");
}

static void print_summary(FILE *out, const struct sl_copy_config *c, const struct sl_copy_result *r)
{
    struct sl_report rep = {0};
    fill_counts(&rep, c, r);
    sl_summary_head(out, "%s %s", c->verify_only ? "compared" : "copied", r->source);
    sl_summary_line(out, c->verify_only ? "with" : "to", "%s", r->target);
    uint32_t show = SL_SUMMARY_SHOW(rows_read);
    if (!c->verify_only)
        show |= SL_SUMMARY_SHOW(rows_written) | SL_SUMMARY_SHOW(retries);
    if (c->mode == SL_MODE_IGNORE)
        show |= SL_SUMMARY_SHOW(rows_ignored);
    if (r->rejected)
        show |= SL_SUMMARY_SHOW(rows_rejected);
    if (c->mode == SL_MODE_UPSERT || c->mode == SL_MODE_REPLACE)
        show |= SL_SUMMARY_SHOW(rows_updated);
    sl_summary_counts(out, &rep, show, c->mode == SL_MODE_REPLACE ? "rows replaced" : NULL);
    sl_summary_method(out, r->method, r->method_why);
    sl_summary_rates(out, c->verify_only ? rep.rows_read : rep.rows_written + rep.rows_ignored,
                     rep.bytes, r->seconds);
    sl_report_release(&rep);

    size_t w = strlen("table");
    for (size_t i = 0; i < r->ntables; i++)
        if (strlen(r->tables[i].target) > w)
            w = strlen(r->tables[i].target);
    fprintf(out, "\n  %-*s  %13s  %9s  %8s  %11s  %s\n", (int)w, "table", "rows", "MB", "seconds",
            "rows/s", "verified");
    for (size_t i = 0; i < r->ntables; i++) {
        const struct sl_copy_table_result *t = &r->tables[i];
        char a[32], b[32];
        double secs = t->seconds > 0 ? t->seconds : 1e-9;
        fprintf(out, "  %-*s  %13s  %9.1f  %8.2f  %11s  %s\n", (int)w, t->target,
                sl_fmt_count(t->rows, a, sizeof a), (double)t->bytes / 1e6, t->seconds,
                sl_fmt_count(t->seconds > 0 ? (uint64_t)((double)t->rows / secs) : 0, b, sizeof b),
                verified(t));
    }
}

/* The plan of a dry run: one line per table. */
static void print_dry_plan(FILE *out, const struct sl_copy_result *r)
{
    size_t w = strlen("table");
    for (size_t i = 0; i < r->ntables; i++)
        if (strlen(r->tables[i].target) > w)
            w = strlen(r->tables[i].target);
    fprintf(out, "sluice: dry run of a copy of %s\n", r->source);
    fprintf(out, "  to %s; nothing was written\n\n", r->target);
    fprintf(out, "  %-*s  %-12s  %13s\n", (int)w, "table", "action", "rows");
    uint64_t rows = 0;
    for (size_t i = 0; i < r->ntables; i++) {
        const struct sl_copy_table_result *t = &r->tables[i];
        char a[32];
        if (t->state == SL_COPY_SKIPPED)
            fprintf(out, "  %-*s  %-12s  %13s\n", (int)w, t->target, t->action, "-");
        else
            fprintf(out, "  %-*s  %-12s  %13s\n", (int)w, t->target, t->action,
                    sl_fmt_count(t->rows, a, sizeof a));
        rows += t->rows;
    }
    char a[32];
    fprintf(out, "  %-*s  %-12s  %13s\n", (int)w, "total", "", sl_fmt_count(rows, a, sizeof a));
}

/* Checks --mode against --if-exists, --update-columns and --keep-old, and
 * sets what a mode implies for existing tables. Returns 0 or -1 after a
 * message. */
static int resolve_mode(struct copy_args *a)
{
    struct sl_copy_config *c = &a->c;
    if (sl_cli_write_mode_check("copy", c->mode, c->update_columns, c->keep_old, a->err) != 0)
        return -1;
    switch (c->mode) {
    case SL_MODE_TRUNCATE:
        if (a->if_exists_set && c->if_exists != SL_IF_EXISTS_TRUNCATE) {
            fprintf(a->err, "sluice copy: --mode truncate and --if-exists disagree; give one\n");
            return -1;
        }
        c->if_exists = SL_IF_EXISTS_TRUNCATE;
        return 0;
    case SL_MODE_SWAP:
        if (a->if_exists_set) {
            fprintf(a->err, "sluice copy: --mode swap replaces existing tables; drop "
                            "--if-exists\n");
            return -1;
        }
        return 0;
    case SL_MODE_IGNORE:
    case SL_MODE_REPLACE:
    case SL_MODE_UPSERT:
        if (!a->if_exists_set)
            c->if_exists = SL_IF_EXISTS_APPEND;
        return 0;
    default:
        return 0;
    }
}

/* --shard: every shard writes the same tables, so none may empty, replace
 * or re-index them under the others; each appends its part. Returns 0 or -1
 * after a message. */
static int check_shard(struct copy_args *a)
{
    struct sl_copy_config *c = &a->c;
    if (c->shard.count <= 1)
        return 0;
    const char *clash = c->mode == SL_MODE_SWAP       ? "--mode swap"
                        : c->mode == SL_MODE_TRUNCATE ? "--mode truncate"
                        : a->if_exists_set && c->if_exists != SL_IF_EXISTS_APPEND
                            ? "--if-exists other than append"
                        : c->defer_indexes == SL_DEFER_ALWAYS ? "--defer-indexes"
                                                              : NULL;
    if (clash) {
        fprintf(a->err,
                "sluice copy: --shard cannot be used with %s: the other shards write the same "
                "tables\n",
                clash);
        return -1;
    }
    c->if_exists = SL_IF_EXISTS_APPEND;
    a->if_exists_set = 1;
    c->defer_indexes = SL_DEFER_NEVER;
    return 0;
}

/* --resume continues the tables it finds: refuses what contradicts that
 * (and a --checkpoint-db that contradicts --no-checkpoint). */
static int check_resume(const struct copy_args *a)
{
    const struct sl_copy_config *c = &a->c;
    const char *clash = NULL;
    if (c->checkpoint_db && (!*c->checkpoint_db || !c->checkpoint)) {
        fprintf(a->err, "sluice copy: %s\n",
                !c->checkpoint ? "--checkpoint-db and --no-checkpoint disagree; give one"
                               : "--checkpoint-db needs a database name");
        return -1;
    }
    if (!c->resume)
        return 0;
    if (!c->checkpoint)
        clash = "--no-checkpoint: --resume needs checkpoints";
    else if (c->verify_only)
        clash = "--verify-only";
    else if (c->mode == SL_MODE_SWAP)
        clash = "--mode swap, which writes every table afresh";
    else if (c->mode == SL_MODE_TRUNCATE ||
             (a->if_exists_set && c->if_exists != SL_IF_EXISTS_APPEND))
        clash = "--if-exists or --mode truncate: a resume appends to the tables it finds";
    if (!clash)
        return 0;
    fprintf(a->err, "sluice copy: --resume cannot be used with %s\n", clash);
    return -1;
}

static int copy_main(struct copy_args *a, int argc, char **argv, FILE *out, FILE *err,
                     struct sl_report *rep)
{
    a->err = err;
    struct sl_copy_config *c = &a->c;
    c->threads = DEFAULT_THREADS;
    c->consistency = SL_CONSISTENCY_LOCK;
    c->if_exists = SL_IF_EXISTS_FAIL;
    c->verify = 1;
    c->checkpoint = 1;
    c->method = SL_CHOOSE_AUTO;
    c->progress_mode = -1;
    c->chunk_rows = DEFAULT_CHUNK_ROWS;
    c->batch_rows = DEFAULT_BATCH_ROWS;
    c->txn_rows = DEFAULT_TXN_ROWS;
    c->retries = SL_CLI_RETRIES;
    c->retry_max_seconds = SL_CLI_RETRY_SECS;
    c->time_zone = "+00:00";
    if (sl_cli_parse("copy", sl_copy_opts, argc, argv, on_copy_opt, NULL, a, err) != 0)
        return SL_EXIT_USAGE;
    if (a->help) {
        copy_help(out);
        return SL_EXIT_OK;
    }
    if (!c->from || !c->to) {
        fprintf(err, "sluice copy: --from and --to are required\n"
                     "Try 'sluice copy --help'.\n");
        return SL_EXIT_USAGE;
    }
    if (sl_cli_shard_resolve("copy", &c->shard, a->shards, err) != 0 || check_shard(a) != 0 ||
        resolve_mode(a) != 0 || check_resume(a) != 0 ||
        sl_cli_conn_ask("copy", &c->flags, err) != 0 ||
        sl_cli_profile("copy", a->profile, &c->batch_rows, &c->txn_rows, &c->txn_bytes,
                       &c->stmt_bytes, &c->method, err) != 0)
        return SL_EXIT_USAGE;
    if (!a->quiet)
        sl_cli_profile_say(a->profile, c->batch_rows, c->txn_rows, c->txn_bytes, c->method, err);
    if (!a->readers_set)
        c->readers = c->threads;
    if (!c->from_defaults_file)
        c->from_defaults_file = a->defaults_file;
    if (!c->to_defaults_file)
        c->to_defaults_file = a->defaults_file;
    c->progress = !a->quiet;
    c->progress_mode = sl_cli_progress_mode(c->progress_mode, a->quiet);

    struct sl_copy_result res;
    int foreign = sl_xcopy_source_for(c->from) != NULL;
    if (!foreign && (c->type_map || c->rejects || c->skip_rejects)) {
        fprintf(err, "sluice copy: --type-map, --on-error and --rejects are for a copy from "
                     "PostgreSQL or SQLite\n");
        return SL_EXIT_USAGE;
    }
    int failed = (foreign ? sl_xcopy_run(c, &res, err) : sl_copy_run(c, &res, err)) != 0;
    fill_report(rep, c, &res);
    int code = SL_EXIT_OK;
    if (c->dry_run && failed) {
        fprintf(err, "sluice: error: %s\n", res.err.msg);
        fprintf(err, "sluice: dry run: a real copy would meet this error; nothing was written\n");
        code = SL_EXIT_USAGE;
    } else if (c->dry_run) {
        if (!a->quiet)
            print_dry_plan(err, &res);
    } else if (failed && !res.started) {
        fprintf(err, "sluice: error: %s\n", res.err.msg);
        code = SL_EXIT_USAGE;
    } else {
        if (res.err.kind != SL_ERR_NONE)
            fprintf(err, "sluice: error: %s\n", res.err.msg);
        for (size_t i = 0; i < res.ntables; i++) {
            const struct sl_copy_table_result *t = &res.tables[i];
            if (t->state == SL_COPY_FAILED || t->state == SL_COPY_NOT_RUN)
                fprintf(err, "sluice: %s: %s\n", t->target, t->note);
        }
        if (!a->quiet || failed)
            print_summary(err, c, &res);
        for (size_t i = 0; i < res.ntables; i++)
            if (res.tables[i].finish_sql)
                fprintf(err,
                        "sluice: %s is left without its deferred indexes and foreign keys; "
                        "once its rows are right, add them with:\n  %s;\n",
                        res.tables[i].target, res.tables[i].finish_sql);
        code = res.interrupted ? SL_EXIT_INTERRUPTED
               : failed        ? SL_EXIT_FAILED
               : res.rejected  ? SL_EXIT_REJECTS
                               : SL_EXIT_OK;
    }
    sl_copy_result_release(&res);
    return code;
}

int sl_cmd_copy(int argc, char **argv, FILE *out, FILE *err)
{
    struct copy_args a;
    struct sl_report rep;
    sl_report_begin(&rep, "copy");
    memset(&a, 0, sizeof a);
    int code = copy_main(&a, argc, argv, out, err, &rep);
    return sl_report_finish(a.report, &rep, code, err);
}
