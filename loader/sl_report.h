/*
 * sl_report: the machine-readable record of one command's run, written by
 * --report FILE.json and read back by `sluice run` to build a job's report.
 */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "sl_err.h"

struct sl_report {
    char command[16]; /* load, extract, copy or bench */
    char target[512]; /* the URL or file written to, password masked */
    int exit_code;    /* the command's exit code */
    char error[1024]; /* "" when none */
    uint64_t rows_read;
    uint64_t rows_written;  /* committed (for extract: written to the file) */
    int dry_run;            /* --dry-run: nothing was written */
    uint64_t rows_to_write; /* a dry run: the rows a real run would write */
    uint64_t rows_rejected;
    uint64_t rows_ignored; /* --mode ignore: skipped because their key was taken */
    uint64_t rows_updated; /* --mode upsert: existing rows changed; replace: old rows
                              deleted to make way */
    uint64_t retries;
    uint64_t bytes; /* bytes read from the source */
    double seconds;
    char **finish_sql; /* statements that finish what the run left undone (copy: the
                          deferred indexes of a table); owned, freed by
                          sl_report_finish; not read back by sl_report_read */
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

/* Reads a report written by sl_report_write(). Returns 0, or -1 with err
 * set. */
int sl_report_read(const char *path, struct sl_report *r, struct sl_err *err);

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
