/*
 * sl_report: the machine-readable record of one command's run, written by
 * --report FILE.json and read back by `sluice run` to build a job's report.
 */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_err.h"

/* The counters of a run, the one list from which the report's fields, its
 * JSON, the closing summary's lines (sl_summary.h), a job's totals and its
 * Prometheus metrics (sluice_step_NAME) are all made: X(name, the summary's
 * label or NULL when each command shows it its own way, what it counts).
 * Adding a counter is one line here, plus the code that counts it. */
#define SL_REPORT_COUNTERS(X)                                                                      \
    X(rows_read, "rows read", "rows the step read")                                                \
    X(rows_written, "rows written", "rows the step committed (extract: wrote to the file)")        \
    X(rows_to_write, "rows to write", "rows a dry run of the step found it would write")           \
    X(rows_rejected, "rows rejected", "rows the step rejected")                                    \
    X(rows_ignored, "rows ignored",                                                                \
      "rows the step skipped because their key was taken (--mode ignore)")                         \
    X(rows_updated, "rows updated",                                                                \
      "existing rows the step changed (--mode upsert) or deleted to make way "                     \
      "(--mode replace)")                                                                          \
    X(retries, "retries", "transient errors the step retried")                                     \
    X(bytes, NULL, "bytes the step read")

/* Each counter's index in SL_REPORT_COUNTERS: SL_COUNTER_rows_read, ... */
enum sl_report_counter_index {
#define SL_REPORT_INDEX(name, label, help) SL_COUNTER_##name,
    SL_REPORT_COUNTERS(SL_REPORT_INDEX)
#undef SL_REPORT_INDEX
        SL_NCOUNTERS
};

/* One counter of SL_REPORT_COUNTERS: its name and what it counts. */
struct sl_report_counter {
    const char *name;
    const char *label; /* in the summary; NULL: not shown as a counter line */
    const char *help;
};

/* The counters, in SL_REPORT_COUNTERS order; n gets their count. */
const struct sl_report_counter *sl_report_counters(size_t *n);

struct sl_report {
    char command[16]; /* load, extract, copy or bench */
    char target[512]; /* the URL or file written to, password masked */
    int exit_code;    /* the command's exit code */
    char error[1024]; /* "" when none */
    int dry_run;      /* --dry-run: nothing was written */
    char method[16];  /* how rows were written to MySQL: insert or load-data; "" */
#define SL_REPORT_FIELD(name, label, help) uint64_t name;
    SL_REPORT_COUNTERS(SL_REPORT_FIELD)
#undef SL_REPORT_FIELD
    double seconds;
    char **finish_sql; /* statements that finish what the run left undone (copy: the
                          deferred indexes of a table); owned: freed by
                          sl_report_finish or sl_report_release */
    size_t nfinish;
};

/* The word for an exit code in reports: ok, failed, usage, rejects,
 * interrupted, locked or skipped (-1). */
const char *sl_report_status(int exit_code);

/* Writes r as a JSON object to path (through a temporary file renamed into
 * place when path is a regular file or does not exist yet). Returns 0, or
 * -1 with err naming the file. */
int sl_report_write(const char *path, const struct sl_report *r, struct sl_err *err);

/* Writes the JSON object o, one newline after it, to path as
 * sl_report_write_text() does, and frees o. Returns 0 or -1 with err set. */
struct cJSON;
int sl_report_write_json(const char *path, struct cJSON *o, struct sl_err *err);

/* Reads a report written by sl_report_write(), finish_sql included; release
 * it with sl_report_release(). Returns 0, or -1 with err set. */
int sl_report_read(const char *path, struct sl_report *r, struct sl_err *err);

/* Counter i (in SL_REPORT_COUNTERS order) of r, and a pointer to it. */
uint64_t *sl_report_counter_at(struct sl_report *r, size_t i);
uint64_t sl_report_counter(const struct sl_report *r, size_t i);

/* Frees r->finish_sql and empties it. */
void sl_report_release(struct sl_report *r);

/* Adds a copy of stmt to r->finish_sql. Returns 0 or -1 when out of memory. */
int sl_report_add_finish(struct sl_report *r, const char *stmt);

/* Ends a command that took --report: when path is not NULL, records code
 * and writes r there; frees r->finish_sql either way. Returns code, or SL_EXIT_FAILED when a
 * successful run's report could not be written (after saying so on err). */
int sl_report_finish(const char *path, struct sl_report *r, int code, FILE *err);

/* Copies a message into r->error. */
void sl_report_error(struct sl_report *r, const char *msg);

/* Writes text to path the way sl_report_write() does. Returns 0 or -1. */
int sl_report_write_text(const char *path, const char *text, struct sl_err *err);

#endif
