/*
 * sl_job_run: `sluice run JOB.ini`, the steps of a job run as child
 * processes of sluice itself.
 *
 * Each step is its command line (sl_job_step_argv) run by the same sluice
 * executable, in a process group of its own, so that a step behaves exactly
 * as it does when typed, and a job can stop a step with one SIGTERM (the
 * step's own clean stop) when the job is interrupted. A step's output lines
 * are passed on prefixed with "[step] ". Each step writes --report into a
 * private directory; the job report and the metrics are built from those.
 *
 * Order: a step without `after` waits for the step above it; a step with
 * `after = a, b` waits for those only, so steps that wait for the same one
 * run side by side. A step whose wait ends in a failure is skipped. A step
 * that finished with rejects (exit 3) counts as done.
 *
 * A lock (flock on LOCK_DIR/sluice-JOBNAME.lock) keeps two runs of one job
 * from overlapping; the second exits with SL_EXIT_LOCKED at once.
 */
#ifndef SL_JOB_RUN_H
#define SL_JOB_RUN_H

#include <stdio.h>

#include "sl_job.h"

struct sl_job_run_opts {
    int dry_run;          /* pass --dry-run to each step; take no lock */
    const char *report;   /* NULL or a JSON file for the job's report */
    const char *metrics;  /* NULL or a Prometheus textfile */
    const char *lock_dir; /* where the lock file lives */
    const char *self;     /* the sluice executable the steps run */
};

/* Runs the job. Progress and the steps' output go to out and err. Returns
 * the job's exit code: 0; 1 a step failed; 3 rejects but no failure; 4
 * interrupted; 5 another run holds the lock; 2 nothing could start. */
int sl_job_run(const struct sl_job *job, const struct sl_job_run_opts *o, FILE *out, FILE *err);

#endif
