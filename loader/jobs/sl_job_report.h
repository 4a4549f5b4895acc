/*
 * sl_job_report: the end of a job run: the summary table on the terminal,
 * --report FILE.json and --metrics FILE.prom (Prometheus textfile format,
 * for node_exporter's textfile collector).
 */
#ifndef SL_JOB_REPORT_H
#define SL_JOB_REPORT_H

#include <stdio.h>
#include <time.h>

#include "sl_job.h"
#include "sl_report.h"

struct sl_job_step_result {
    const char *name;
    const char *action;
    char **argv;             /* the command line it ran */
    int exit_code;           /* -1: skipped */
    double seconds;          /* wall time of the step */
    struct sl_report report; /* what the step's --report said */
};

struct sl_job_summary {
    const struct sl_job *job;
    const struct sl_job_step_result *results; /* job->nsteps of them */
    double started;                           /* wall clock, seconds since the epoch */
    double seconds;
    int exit_code;
    int dry_run;
};

/* Prints one line per step and the totals. */
void sl_job_print_summary(FILE *out, const struct sl_job_summary *s);

/* Writes the job report as JSON. Returns 0, or -1 with err naming the
 * file. */
int sl_job_write_report(const char *path, const struct sl_job_summary *s, struct sl_err *err);

/* Writes the metrics file. Returns 0, or -1 with err naming the file. */
int sl_job_write_metrics(const char *path, const struct sl_job_summary *s, struct sl_err *err);

#endif
