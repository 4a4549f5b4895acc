/*
 * `sluice run JOB.ini`: options, help and the exit code (see sl_job_run.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_exit.h"
#include "sl_job.h"
#include "sl_job_run.h"
#include "sl_secret_file.h"
#include "sl_url.h"

enum { OPT_REPORT = 256, OPT_METRICS, OPT_LOCK_DIR, OPT_DRY_RUN };

struct run_args {
    struct sl_job_run_opts o;
    const char *path;
    int help;
    FILE *err;
};

const struct sl_opt sl_run_opts[] = {
    {"report", OPT_REPORT, 1, "FILE", "write the job's report to FILE as JSON (or [job] report)",
     SL_STORE_STR(struct run_args, o.report)},
    {"metrics", OPT_METRICS, 1, "FILE",
     "write Prometheus metrics to FILE, for node_exporter's textfile\ncollector (or [job] "
     "metrics)",
     SL_STORE_STR(struct run_args, o.metrics)},
    {"lock-dir", OPT_LOCK_DIR, 1, "DIR",
     "where the job's lock file lives (or [job] lock-dir; default /tmp)",
     SL_STORE_STR(struct run_args, o.lock_dir)},
    {"dry-run", OPT_DRY_RUN, 0, "",
     "check every connection (as sluice check does), then run each step\nwith --dry-run; "
     "nothing is written (see below)",
     SL_STORE_SET(struct run_args, o.dry_run)},
    {"help", 'h', 0, "", "show this help", SL_STORE_SET(struct run_args, help)},
    {NULL, 0, 0, NULL, NULL},
};

/* Whether the job file's own text (before any ${NAME}) holds a URL with a
 * password in it. */
static int job_file_has_password(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[4096], masked[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char *u = strstr(line, "mysql://");
        if (!u)
            continue;
        u[strcspn(u, " \t\r\n;")] = '\0';
        found = strcmp(sl_url_mask(u, masked, sizeof masked), u) != 0;
    }
    fclose(f);
    return found;
}

static void run_help(FILE *out)
{
    fputs("Usage: sluice run JOB.ini [options]\n"
          "\n"
          "Runs the steps of a job file. A job file is INI:\n"
          "\n"
          "  [job]                  name, report, metrics, lock-dir, and defaults for the\n"
          "                         steps (any option of load, extract, copy or bench)\n"
          "  [connection NAME]      url, defaults-file, ssl-mode, ssl-ca, ssl-cert, ssl-key\n"
          "  [step NAME]            action = load|extract|copy|bench, after = a, b, and the\n"
          "                         command's long options as keys (load: source = FILES)\n"
          "\n"
          "Keys mean what the options of the same name mean: a step runs exactly the\n"
          "command line `sluice ACTION --key value ...`, printed when it starts. Switches\n"
          "take yes or no. into, from and to take a mysql:// URL or a connection name,\n"
          "optionally followed by /table or /db/table. ${NAME} is replaced by the\n"
          "environment variable NAME; in the SQL keys (before-sql, after-sql, session-sql,\n"
          "where, query) write ${NAME:literal}, which quotes the value as a string\n"
          "literal. A ; starts a comment, except in transform,\n"
          "before-sql, after-sql, session-sql, where and query values. A long value goes\n"
          "on indented continuation lines.\n"
          "\n"
          "Steps run in file order, each after the one above. A step with after = a, b\n"
          "waits for those steps only, so steps after the same one run side by side. A\n"
          "step whose wait ends in a failure is skipped. A lock file named after the job\n"
          "keeps two runs of it from overlapping.\n"
          "\n"
          "A password in a connection's URL never reaches a step's argv: the step gets it\n"
          "in its environment, as SLUICE_INTO_PASSWORD, SLUICE_FROM_PASSWORD or\n"
          "SLUICE_TO_PASSWORD.\n"
          "\n"
          "Options:\n",
          out);
    sl_cli_print_options(out, sl_run_opts);
    fputs("\n"
          "Dry run (--dry-run): first the report of sluice check for every connection\n"
          "(server, TLS, privileges), then every step in order with its command's\n"
          "--dry-run: a load reads all its files through the transforms and lists the\n"
          "rows it would reject; a copy prints its plan and counts the source rows; an\n"
          "extract reads and formats every row without creating a file; a bench checks\n"
          "what its grid needs. Nothing is written, no hook runs, the lock is not taken,\n"
          "and the [job] report and metrics files are left alone (--report and\n"
          "--metrics on the command line still write theirs). A step that needs what an\n"
          "earlier step would have made (a table a copy creates, say) fails its dry run.\n"
          "The summary's second column is then the rows a real run would write.\n"
          "\n"
          "Exit codes:\n"
          "  0  every step finished\n"
          "  1  a step failed (the steps after it were skipped)\n"
          "  2  nothing ran: a bad job file, or a step's command line is invalid\n"
          "  3  every step finished, some with rejected rows\n"
          "  4  interrupted by SIGINT or SIGTERM (each running step stopped cleanly)\n"
          "  5  another run of the same job holds its lock; nothing was done\n"
          "\n"
          "Examples:\n"
          "  sluice run configs/nightly-orders.ini --report /var/log/sluice/nightly.json\n"
          "  sluice run configs/nightly-orders.ini --dry-run\n"
          "  sluice check configs/nightly-orders.ini\n",
          out);
}

static int on_run_arg(void *ctx, const char *arg)
{
    struct run_args *a = ctx;
    if (a->path) {
        fprintf(a->err, "sluice run: give one job file, not '%s' and '%s'\n", a->path, arg);
        return -1;
    }
    a->path = arg;
    return 0;
}

/* The [job] value of key when the command line did not give one. */
static const char *job_default(const struct sl_job *job, const char *cli, const char *key,
                               const char *fallback)
{
    const struct sl_job_kv *kv = sl_job_find(job->job, key);
    return cli ? cli : kv ? kv->value : fallback;
}

int sl_cmd_run(int argc, char **argv, FILE *out, FILE *err)
{
    struct run_args a;
    memset(&a, 0, sizeof a);
    a.err = err;
    if (sl_cli_parse("run", sl_run_opts, argc, argv, NULL, on_run_arg, &a, err) != 0)
        return SL_EXIT_USAGE;
    if (a.help) {
        run_help(out);
        return SL_EXIT_OK;
    }
    if (!a.path) {
        fprintf(err, "sluice run: give a job file\nTry 'sluice run --help'.\n");
        return SL_EXIT_USAGE;
    }
    struct sl_job job;
    struct sl_err e;
    if (sl_job_load(a.path, sl_cmd_step_opts, &job, &e) != 0) {
        fprintf(err, "sluice run: %s\n", e.msg);
        return SL_EXIT_USAGE;
    }
    unsigned mode = 0;
    if (sl_file_readable_by_others(a.path, &mode) && job_file_has_password(a.path))
        fprintf(err,
                "sluice run: warning: %s holds a password and can be read by other users "
                "(mode %04o); chmod 600 %s, or keep the password in a defaults-file\n",
                a.path, mode, a.path);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(err, "sluice run: cannot find the sluice executable (/proc/self/exe)\n");
        sl_job_release(&job);
        return SL_EXIT_USAGE;
    }
    self[n] = '\0';
    a.o.self = self;
    if (!a.o.dry_run) { /* a dry run must not replace last night's report */
        a.o.report = job_default(&job, a.o.report, "report", NULL);
        a.o.metrics = job_default(&job, a.o.metrics, "metrics", NULL);
    }
    a.o.lock_dir = job_default(&job, a.o.lock_dir, "lock-dir", "/tmp");
    int checked = SL_EXIT_OK;
    if (a.o.dry_run) {
        checked = sl_job_check_file(a.path, sl_cmd_step_opts, out, err);
        fflush(out);
        if (checked == SL_EXIT_USAGE) {
            sl_job_release(&job);
            return checked;
        }
    }
    fflush(out);
    fflush(err);
    int code = sl_job_run(&job, &a.o, out, err);
    sl_job_release(&job);
    if (checked != SL_EXIT_OK) {
        fprintf(err, "sluice run: dry run: the connection check above found a problem\n");
        if (code == SL_EXIT_OK || code == SL_EXIT_REJECTS)
            code = SL_EXIT_FAILED;
    }
    return code;
}
