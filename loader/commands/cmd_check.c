/*
 * `sluice check`: connects to each server a URL or a job file names, and
 * reports what a run would meet there (see sl_check.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_check.h"
#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_exit.h"
#include "sl_job.h"

const struct sl_opt sl_check_opts[] = {
    SL_CLI_CONN_OPTS,
    {"help", SL_OPT_HELP, 0, "", "show this help"},
    {NULL, 0, 0, NULL, NULL},
};

static void check_help(FILE *out)
{
    fputs("Usage: sluice check URL|JOB.ini... [options]\n"
          "\n"
          "Connects to each server and reports, for each connection: the server version,\n"
          "whether TLS is in use and with what cipher, max_allowed_packet, local_infile,\n"
          "and the privileges the work needs and any that are missing.\n"
          "\n"
          "For a URL, the work is reading (extract, copy --from: SELECT) and writing (load,\n"
          "copy --to: INSERT, and CREATE for a database URL) at the URL's database or\n"
          "table. For a job file, it is each step's own work, with its write mode; the\n"
          "job file is parsed and checked first.\n"
          "\n"
          "Options (for URLs; a job's connections carry their own):\n",
          out);
    sl_cli_print_options(out, sl_check_opts);
    fputs("\n"
          "Privileges are read from information_schema for CURRENT_USER(); privileges\n"
          "granted only through a role are not seen.\n"
          "\n"
          "Exit codes:\n"
          "  0  every connection opened and no privilege is missing\n"
          "  1  a connection failed, or a privilege is missing\n"
          "  2  bad options or a bad job file\n"
          "\n"
          "Examples:\n"
          "  sluice check 'mysql://etl@db1/shop/orders' --defaults-file etl.cnf\n"
          "  sluice check 'mysql://etl@db1/shop' --ssl-mode VERIFY_IDENTITY --ssl-ca ca.pem\n"
          "  sluice check configs/nightly-orders.ini\n",
          out);
}

struct check_args {
    const char *defaults_file, *session_sql, *time_zone;
    struct sl_tls tls;
    unsigned connect_timeout;
    struct sl_conn_flags flags;
    char **targets;
    size_t ntargets;
    int help;
    FILE *err;
};

static int on_check_opt(void *ctx, int key, const char *v)
{
    struct check_args *a = ctx;
    const struct sl_cli_conn conn = {
        .defaults_file = &a->defaults_file,
        .session_sql = &a->session_sql,
        .time_zone = &a->time_zone,
        .tls = &a->tls,
        .connect_timeout = &a->connect_timeout,
        .flags = &a->flags,
    };
    int handled = sl_cli_conn_opt("check", &conn, key, v, a->err);
    if (handled)
        return handled < 0 ? -1 : 0;
    if (key == SL_OPT_HELP) {
        a->help = 1;
        return 0;
    }
    return -1;
}

static int on_check_arg(void *ctx, const char *arg)
{
    struct check_args *a = ctx;
    return sl_cli_append(&a->targets, &a->ntargets, arg);
}

/* Checks one URL. Returns 0, 1 (something missing or failed) or 2. */
static int check_url(const struct check_args *a, const char *text, FILE *out)
{
    struct sl_url url;
    struct sl_err err;
    if (sl_url_parse(&url, text, &err) != 0) {
        fprintf(a->err, "sluice check: %s\n", err.msg);
        return SL_EXIT_USAGE;
    }
    struct sl_conn_opts co = {
        .url = &url,
        .defaults_file = a->defaults_file,
        .session_sql = a->session_sql,
        .time_zone = a->time_zone,
        .connect_timeout = a->connect_timeout,
        .flags = &a->flags,
        .use_db = 0,
        .tls = &a->tls,
    };
    char what_r[600], what_w[600];
    const char *at = url.table ? "table" : url.db ? "database" : "server";
    snprintf(what_r, sizeof what_r, "read this %s (extract, copy --from)", at);
    snprintf(what_w, sizeof what_w, "write this %s (load, copy --to)", at);
    struct sl_check_need needs[] = {
        {what_r, url.db, url.table, "SELECT"},
        {what_w, url.db, url.table, url.table ? "INSERT" : "INSERT,CREATE"},
    };
    int rc = sl_check_conn(out, "connection", &co, needs, 2, &err);
    sl_url_release(&url);
    return rc == 0 ? SL_EXIT_OK : SL_EXIT_FAILED;
}

int sl_cmd_check(int argc, char **argv, FILE *out, FILE *err)
{
    struct check_args a;
    memset(&a, 0, sizeof a);
    a.err = err;
    a.time_zone = "+00:00";
    int rc = sl_cli_parse("check", sl_check_opts, argc, argv, on_check_opt, on_check_arg, &a, err);
    if (rc == 0 && a.help) {
        check_help(out);
        free(a.targets);
        return SL_EXIT_OK;
    }
    if (rc == 0 && a.ntargets == 0) {
        fprintf(err, "sluice check: give a URL or a job file\nTry 'sluice check --help'.\n");
        rc = -1;
    }
    if (rc == 0 && sl_cli_conn_ask("check", &a.flags, err) != 0)
        rc = -1;
    if (rc != 0) {
        free(a.targets);
        return SL_EXIT_USAGE;
    }
    int worst = SL_EXIT_OK;
    for (size_t i = 0; i < a.ntargets; i++) {
        /* a URL, or what was meant as one (never echoed as a file name,
         * since it may hold a password) unless such a file exists */
        const char *t = a.targets[i];
        int is_url = strncmp(t, "mysql://", 8) == 0 || (sl_url_scheme_len(t) && access(t, F_OK));
        int r = is_url ? check_url(&a, t, out) : sl_job_check_file(t, sl_cmd_step_opts, out, err);
        if (r == SL_EXIT_USAGE || (r != SL_EXIT_OK && worst == SL_EXIT_OK))
            worst = r;
        if (i + 1 < a.ntargets)
            fputc('\n', out);
    }
    free(a.targets);
    return worst;
}
