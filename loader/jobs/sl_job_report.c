#include "sl_job_report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_progress.h"
#include "sl_url.h"

/* A job's totals: the counters of its steps' reports, added up. */
static void add_report(struct sl_report *t, const struct sl_report *r)
{
    size_t n;
    sl_report_counters(&n);
    for (size_t i = 0; i < n; i++)
        *sl_report_counter_at(t, i) += sl_report_counter(r, i);
}

static struct sl_report add_up(const struct sl_job_summary *s)
{
    struct sl_report t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < s->job->nsteps; i++)
        add_report(&t, &s->results[i].report);
    return t;
}

/* Prints one row of the summary table. */
static void summary_row(FILE *out, const char *name, const char *action, const char *status,
                        uint64_t read, uint64_t written, uint64_t rejected, double seconds)
{
    char a[32], b[32], c[32];
    fprintf(out, "  %-20s %-8s %-11s %13s %13s %11s %9.1f\n", name, action, status,
            sl_fmt_count(read, a, sizeof a), sl_fmt_count(written, b, sizeof b),
            sl_fmt_count(rejected, c, sizeof c), seconds);
}

void sl_job_print_summary(FILE *out, const struct sl_job_summary *s)
{
    fprintf(out, "sluice run: job %s%s: %s (exit %d) in %.1f s\n", s->job->name,
            s->dry_run ? " (dry run)" : "", sl_report_status(s->exit_code), s->exit_code,
            s->seconds);
    /* a dry run wrote nothing: its column is what a real run would write */
    fprintf(out, "  %-20s %-8s %-11s %13s %13s %11s %9s\n", "step", "action", "status", "read",
            s->dry_run ? "to write" : "written", "rejected", "seconds");
    for (size_t i = 0; i < s->job->nsteps; i++) {
        const struct sl_job_step_result *r = &s->results[i];
        summary_row(out, r->name, r->action, sl_report_status(r->exit_code), r->report.rows_read,
                    s->dry_run ? r->report.rows_to_write : r->report.rows_written,
                    r->report.rows_rejected, r->seconds);
    }
    struct sl_report t = add_up(s);
    summary_row(out, "total", "", "", t.rows_read, s->dry_run ? t.rows_to_write : t.rows_written,
                t.rows_rejected, s->seconds);
    for (size_t i = 0; i < s->job->nsteps; i++) {
        const struct sl_job_step_result *r = &s->results[i];
        for (size_t k = 0; k < r->report.nfinish; k++)
            fprintf(out, "sluice run: step %s left work undone; finish it with:\n  %s;\n", r->name,
                    r->report.finish_sql[k]);
    }
}

/* The step's command line as one string, URL passwords masked. */
static char *command_line(char **argv)
{
    struct sl_buf b;
    sl_buf_init(&b, 1 << 20);
    sl_buf_printf(&b, "sluice");
    for (char **a = argv; a && *a; a++) {
        char masked[2048];
        sl_url_mask(*a, masked, sizeof masked);
        sl_buf_printf(&b, " %s", masked);
    }
    const char *c = sl_buf_cstr(&b);
    char *out = c ? strdup(c) : NULL;
    sl_buf_release(&b);
    return out;
}

int sl_job_write_report(const char *path, const struct sl_job_summary *s, struct sl_err *err)
{
    struct sl_report rep;
    sl_report_begin(&rep, "run");
    snprintf(rep.job, sizeof rep.job, "%s", s->job->name);
    rep.started = s->started;
    rep.finished = s->started + s->seconds;
    rep.seconds = s->seconds;
    rep.exit_code = s->exit_code;
    rep.dry_run = s->dry_run;
    struct sl_report t = add_up(s);
    size_t n;
    sl_report_counters(&n);
    for (size_t i = 0; i < n; i++)
        *sl_report_counter_at(&rep, i) = sl_report_counter(&t, i);
    int oom = sl_report_add_source(&rep, s->job->path) != 0;
    for (size_t i = 0; i < s->job->nsteps && !oom; i++) {
        const struct sl_job_step_result *r = &s->results[i];
        struct sl_report_item *it = sl_report_add_item(&rep, "step", r->name);
        char *cmd = command_line(r->argv);
        if (!it || !cmd || sl_report_item_set(&it->command, cmd) != 0 ||
            (r->report.target[0] && sl_report_item_set(&it->target, r->report.target) != 0) ||
            (r->report.error[0] && sl_report_item_set(&it->error, r->report.error) != 0)) {
            free(cmd);
            oom = 1;
            break;
        }
        free(cmd);
        snprintf(it->action, sizeof it->action, "%s", r->action);
        snprintf(it->status, sizeof it->status, "%s", sl_report_status(r->exit_code));
        it->exit_code = r->exit_code;
        for (size_t k = 0; k < n; k++)
            if (s->dry_run || k != SL_COUNTER_rows_to_write)
                sl_report_item_count(it, k, sl_report_counter(&r->report, k));
        it->seconds = r->seconds;
        if (r->report.error[0])
            sl_report_error(&rep, r->report.error);
        /* the step's own statements and items are lent, not copied: they
         * are taken back below, before rep is released */
        it->finish_sql = r->report.finish_sql;
        it->nfinish = r->report.nfinish;
        it->items = r->report.items;
        it->nitems = r->report.nitems;
    }
    int rc =
        oom ? sl_err_set(err, SL_ERR_FATAL, "out of memory") : sl_report_write(path, &rep, err);
    for (size_t i = 0; i < rep.nitems; i++) {
        rep.items[i].finish_sql = NULL;
        rep.items[i].nfinish = 0;
        rep.items[i].items = NULL;
        rep.items[i].nitems = 0;
    }
    sl_report_release(&rep);
    return rc;
}

/* Appends a label value, escaped as the text format asks. */
static void label(struct sl_buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            sl_buf_printf(b, "\\%c", *v);
        else if (*v == '\n')
            sl_buf_printf(b, "\\n");
        else
            sl_buf_printf(b, "%c", *v);
    }
}

static void metric_head(struct sl_buf *b, const char *name, const char *type, const char *help)
{
    sl_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void job_metric(struct sl_buf *b, const struct sl_job_summary *s, const char *name,
                       const char *help, double v)
{
    metric_head(b, name, "gauge", help);
    sl_buf_printf(b, "%s{job=\"", name);
    label(b, s->job->name);
    sl_buf_printf(b, "\"} %.17g\n", v);
}

/* One gauge per step: counter (an index into SL_REPORT_COUNTERS), or with
 * counter -1 the step's wall time, with -2 its exit code. */
static void step_metric(struct sl_buf *b, const struct sl_job_summary *s, const char *name,
                        const char *help, int counter)
{
    metric_head(b, name, "gauge", help);
    for (size_t i = 0; i < s->job->nsteps; i++) {
        const struct sl_job_step_result *r = &s->results[i];
        double v = counter >= 0    ? (double)sl_report_counter(&r->report, (size_t)counter)
                   : counter == -1 ? r->seconds
                                   : (double)r->exit_code;
        sl_buf_printf(b, "%s{job=\"", name);
        label(b, s->job->name);
        sl_buf_printf(b, "\",step=\"");
        label(b, r->name);
        sl_buf_printf(b, "\",action=\"%s\"} %.17g\n", r->action, v);
    }
}

int sl_job_write_metrics(const char *path, const struct sl_job_summary *s, struct sl_err *err)
{
    struct sl_buf b;
    sl_buf_init(&b, 64u << 20);
    job_metric(&b, s, "sluice_job_success", "1 if the job's last run finished without failure",
               s->exit_code == 0 || s->exit_code == 3);
    job_metric(&b, s, "sluice_job_exit_code", "exit code of the job's last run", s->exit_code);
    job_metric(&b, s, "sluice_job_last_run_timestamp_seconds",
               "when the job's last run started, in Unix time", (double)s->started);
    job_metric(&b, s, "sluice_job_duration_seconds", "wall time of the job's last run", s->seconds);
    size_t n;
    const struct sl_report_counter *cs = sl_report_counters(&n);
    for (size_t i = 0; i < n; i++) {
        char name[80];
        snprintf(name, sizeof name, "sluice_step_%s", cs[i].name);
        step_metric(&b, s, name, cs[i].help, (int)i);
    }
    step_metric(&b, s, "sluice_step_duration_seconds", "wall time of the step", -1);
    step_metric(&b, s, "sluice_step_exit_code", "exit code of the step, -1 when skipped", -2);
    const char *c = sl_buf_cstr(&b);
    int rc =
        c ? sl_report_write_text(path, c, err) : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&b);
    return rc;
}
