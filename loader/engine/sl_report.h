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

/* Version of the report's layout (docs/report.md, docs/report.schema.json):
 * raised when a field changes meaning or goes away. */
#define SL_REPORT_VERSION 1

/* One part of a run that the report gives its own entry: a file of a load,
 * a table of a copy or an extract, a cell of a bench grid, a step of a job. */
struct sl_report_item {
    char kind[8];    /* file, table, cell or step */
    char *name;      /* the file, db.table, cell or step name; owned */
    char *target;    /* where its rows went (password masked), or NULL; owned */
    char status[16]; /* an sl_report_status() word */
    int exit_code;   /* a step's exit code; -1: none (not run, or not a step) */
    char action[16]; /* a step's action (load, copy, sql, ...), or "" */
    char *command;   /* a step's command line (masked), or NULL; owned */
    uint64_t
        counts[SL_NCOUNTERS]; /* by SL_REPORT_COUNTERS index; only those in `known` are shown */
    uint32_t known;           /* SL_REPORT_KNOWN(name) bits of the counts that were counted */
    double seconds;           /* < 0: not timed */
    const char *verification; /* "pass", "fail" or "not-verified"; NULL: not verified by
                                 this command at all (a load) */
    char *error;              /* why it failed or was not verified, or NULL; owned */
    char **finish_sql;        /* a step's statements left to run; owned */
    size_t nfinish;
    struct sl_report_item *items; /* a step's own items (its command's report); owned */
    size_t nitems;
};

/* The bit of counter `name` in struct sl_report_item.known. */
#define SL_REPORT_KNOWN(name) (UINT32_C(1) << SL_COUNTER_##name)

struct sl_report {
    char command[16]; /* load, extract, copy, bench or run */
    char target[512]; /* the URL or file written to, password masked; "" when none */
    int exit_code;    /* the command's exit code */
    char error[1024]; /* "" when none */
    int dry_run;      /* --dry-run: nothing was written */
    char method[16];  /* how rows were written to MySQL: insert or load-data; "" */
#define SL_REPORT_FIELD(name, label, help) uint64_t name;
    SL_REPORT_COUNTERS(SL_REPORT_FIELD)
#undef SL_REPORT_FIELD
    double seconds;
    double started;  /* wall clock (seconds since the epoch) when the command began */
    double finished; /* and when it ended; 0: when the report is written */
    char **sources;  /* what was read (files, URLs masked); owned */
    size_t nsources;
    struct sl_report_item *items; /* per file, table, cell or step; owned */
    size_t nitems;
    char job[256];     /* run: the job's name */
    char shard[32];    /* --shard: "i/n"; "" when the job was not split */
    char **finish_sql; /* statements that finish what the run left undone (copy: the
                          deferred indexes of a table); owned: freed by
                          sl_report_finish or sl_report_release */
    size_t nfinish;
};

/* Empties r for `command` and records now as its start. */
void sl_report_begin(struct sl_report *r, const char *command);

/* Adds a source, masked as a URL when it is one. Returns 0 or -1 when out
 * of memory. */
int sl_report_add_source(struct sl_report *r, const char *source);

/* Adds an item of kind and name, with seconds -1, exit_code -1 and status
 * "ok"; returns it for the caller to fill in, or NULL when out of memory.
 * The pointer is good until the next item is added. */
struct sl_report_item *sl_report_add_item(struct sl_report *r, const char *kind, const char *name);

/* Sets an item's owned string (target, error or command) to a copy of v
 * (NULL: none). Returns 0 or -1 when out of memory. */
int sl_report_item_set(char **field, const char *v);

/* Sets counter i (SL_COUNTER_...) of item it and marks it known. */
void sl_report_item_count(struct sl_report_item *it, size_t i, uint64_t v);

/* Frees what an item owns. */
void sl_report_item_release(struct sl_report_item *it);

/* The word for an exit code in reports: ok, failed, usage, rejects,
 * interrupted, locked or skipped (-1). */
const char *sl_report_status(int exit_code);

/* Writes r as a JSON object (docs/report.schema.json) to path (through a temporary file renamed
 * into place when path is a regular file or does not exist yet). Returns 0, or -1 with err naming
 * the file. */
int sl_report_write(const char *path, const struct sl_report *r, struct sl_err *err);

/* Writes the JSON object o, one newline after it, to path as
 * sl_report_write_text() does, and frees o. Returns 0 or -1 with err set. */
struct cJSON;
int sl_report_write_json(const char *path, struct cJSON *o, struct sl_err *err);

/* Reads a report written by sl_report_write(), its items and finish_sql
 * included; release it with sl_report_release(). Returns 0, or -1 with err
 * set. */
int sl_report_read(const char *path, struct sl_report *r, struct sl_err *err);

/* Counter i (in SL_REPORT_COUNTERS order) of r, and a pointer to it. */
uint64_t *sl_report_counter_at(struct sl_report *r, size_t i);
uint64_t sl_report_counter(const struct sl_report *r, size_t i);

/* Frees what r owns (sources, items, finish_sql) and empties those lists. */
void sl_report_release(struct sl_report *r);

/* Adds a copy of stmt to r->finish_sql. Returns 0 or -1 when out of memory. */
int sl_report_add_finish(struct sl_report *r, const char *stmt);

/* Ends a command that took --report (sl_report_json.c): when path is not
 * NULL, records code
 * and writes r there; frees r->finish_sql either way. Returns code, or SL_EXIT_FAILED when a
 * successful run's report could not be written (after saying so on err). */
int sl_report_finish(const char *path, struct sl_report *r, int code, FILE *err);

/* Copies a message into r->error. */
void sl_report_error(struct sl_report *r, const char *msg);

/* Writes text to path the way sl_report_write() does. Returns 0 or -1. */
int sl_report_write_text(const char *path, const char *text, struct sl_err *err);

#endif
