#include "sl_job_report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
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

void sl_job_print_summary(FILE *out, const struct sl_job_summary *s)
{
    fprintf(out, "sluice run: job %s%s: %s (exit %d) in %.1f s\n", s->job->name,
            s->dry_run ? " (dry run)" : "", sl_report_status(s->exit_code), s->exit_code,
            s->seconds);
    /* a dry run wrote nothing: its column is what a real run would write */
    fprintf(out, "  %-20s %-8s %-11s %12s %12s %10s %9s\n", "step", "action", "status", "read",
            s->dry_run ? "to write" : "written", "rejected", "seconds");
    for (size_t i = 0; i < s->job->nsteps; i++) {
        const struct sl_job_step_result *r = &s->results[i];
        fprintf(out, "  %-20s %-8s %-11s %12llu %12llu %10llu %9.1f\n", r->name, r->action,
                sl_report_status(r->exit_code), (unsigned long long)r->report.rows_read,
                (unsigned long long)(s->dry_run ? r->report.rows_to_write : r->report.rows_written),
                (unsigned long long)r->report.rows_rejected, r->seconds);
    }
    struct sl_report t = add_up(s);
    fprintf(out, "  %-20s %-8s %-11s %12llu %12llu %10llu %9.1f\n", "total", "", "",
            (unsigned long long)t.rows_read,
            (unsigned long long)(s->dry_run ? t.rows_to_write : t.rows_written),
            (unsigned long long)t.rows_rejected, s->seconds);
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

static void iso_time(time_t t, char *out, size_t cap)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_counts(cJSON *o, const struct sl_report *t, double seconds)
{
    size_t n;
    const struct sl_report_counter *cs = sl_report_counters(&n);
    for (size_t i = 0; i < n; i++)
        cJSON_AddNumberToObject(o, cs[i].name, (double)sl_report_counter(t, i));
    cJSON_AddNumberToObject(o, "seconds", seconds);
    cJSON_AddNumberToObject(o, "rows_per_second",
                            seconds > 0 ? (double)t->rows_written / seconds : 0);
}

int sl_job_write_report(const char *path, const struct sl_job_summary *s, struct sl_err *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *steps = cJSON_CreateArray();
    if (!o || !steps) {
        cJSON_Delete(o);
        cJSON_Delete(steps);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    char when[32];
    cJSON_AddStringToObject(o, "job", s->job->name);
    cJSON_AddStringToObject(o, "file", s->job->path);
    iso_time(s->started, when, sizeof when);
    cJSON_AddStringToObject(o, "started_at", when);
    iso_time(s->started + (time_t)s->seconds, when, sizeof when);
    cJSON_AddStringToObject(o, "finished_at", when);
    cJSON_AddBoolToObject(o, "dry_run", s->dry_run);
    cJSON_AddStringToObject(o, "status", sl_report_status(s->exit_code));
    cJSON_AddNumberToObject(o, "exit_code", s->exit_code);
    for (size_t i = 0; i < s->job->nsteps; i++) {
        const struct sl_job_step_result *r = &s->results[i];
        cJSON *st = cJSON_CreateObject();
        if (!st)
            break;
        cJSON_AddStringToObject(st, "name", r->name);
        cJSON_AddStringToObject(st, "action", r->action);
        cJSON_AddStringToObject(st, "status", sl_report_status(r->exit_code));
        if (r->exit_code >= 0)
            cJSON_AddNumberToObject(st, "exit_code", r->exit_code);
        else
            cJSON_AddNullToObject(st, "exit_code");
        char *cmd = command_line(r->argv);
        cJSON_AddStringToObject(st, "command", cmd ? cmd : "");
        free(cmd);
        cJSON_AddStringToObject(st, "target", r->report.target);
        add_counts(st, &r->report, r->seconds);
        if (r->report.nfinish > 0) {
            cJSON *fin = cJSON_AddArrayToObject(st, "finish_sql");
            for (size_t k = 0; fin && k < r->report.nfinish; k++)
                cJSON_AddItemToArray(fin, cJSON_CreateString(r->report.finish_sql[k]));
        }
        if (r->report.error[0])
            cJSON_AddStringToObject(st, "error", r->report.error);
        else
            cJSON_AddNullToObject(st, "error");
        cJSON_AddItemToArray(steps, st);
    }
    cJSON_AddItemToObject(o, "steps", steps);
    struct sl_report t = add_up(s);
    cJSON *tot = cJSON_CreateObject();
    if (tot) {
        add_counts(tot, &t, s->seconds);
        cJSON_AddItemToObject(o, "totals", tot);
    }
    return sl_report_write_json(path, o, err);
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
