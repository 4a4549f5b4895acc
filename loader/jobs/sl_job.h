/*
 * sl_job: job files, the INI form of sluice's command lines.
 *
 *   [job]                 optional: name, and defaults for every step
 *   [connection NAME]     url, defaults-file, ssl-mode, ssl-ca, ssl-cert, ssl-key
 *   [step NAME]           action = load|extract|copy|bench, then the command's
 *                         own long options as keys, plus `after`
 *
 * A step becomes exactly the command line `sluice ACTION ...` that a user
 * could type: sl_job_step_argv() builds it. Keys are checked against the
 * command's option table, so a job accepts what the CLI accepts, with the
 * same meaning. The file is read with inih; see sl_job_parse.c for the few
 * things sluice adds (line numbers, `;` inside SQL and transform values,
 * ${ENV} references).
 */
#ifndef SL_JOB_H
#define SL_JOB_H

#include <stddef.h>
#include <stdio.h>

#include "sl_err.h"

struct sl_opt;

struct sl_job_kv {
    char *key;
    char *value; /* ${ENV} already expanded; continuation lines joined by '\n' */
    unsigned line;
};

struct sl_job_section {
    char *kind; /* "job", "connection" or "step" */
    char *name; /* NULL for [job] */
    unsigned line;
    struct sl_job_kv *kv;
    size_t nkv;
};

struct sl_job_step {
    const struct sl_job_section *sec;
    const char *action;
    size_t *after; /* indexes into steps[] of the steps this one waits for */
    size_t nafter;
};

/* The option table of the command a step runs (load, extract, copy or
 * bench), or NULL for any other action: the command line's tables, which
 * the caller hands in (sl_cmd_step_opts), so that jobs do not depend on the
 * commands that run them. */
typedef const struct sl_opt *(*sl_job_opts_fn)(const char *action);

struct sl_job {
    sl_job_opts_fn step_opts;
    char *path;
    char *name; /* [job] name, else the file's base name without .ini */
    struct sl_job_section *sec;
    size_t nsec;
    const struct sl_job_section *job; /* the [job] section, or NULL */
    struct sl_job_step *steps;        /* in file order */
    size_t nsteps;
};

/* Reads and checks a job file: its syntax, section and key names, the
 * actions, connection references and `after` lists. Returns 0, or -1 with
 * err naming the file, the line and the key ("job.ini:12: key 'mod': ..."). */
int sl_job_load(const char *path, sl_job_opts_fn step_opts, struct sl_job *job, struct sl_err *err);

/* Frees everything the job holds. */
void sl_job_release(struct sl_job *job);

/* True for the [job] keys that belong to the run itself (name, report,
 * metrics, lock-dir) and are never handed to a step. */
int sl_job_is_run_key(const char *key);

/* True when key holds a server URL or a connection name for action: into
 * (load, bench), from (extract, copy), to (copy). */
int sl_job_is_url_key(const char *action, const char *key);

/* True when value is the URL of a source that is not MySQL (postgresql://,
 * postgres://, sqlite://): kept as it is, and allowed only as a copy's or
 * an extract's "from". */
int sl_job_foreign_url(const char *value);

/* The section [kind name] whose name is the len bytes at name, or NULL. */
const struct sl_job_section *sl_job_section(const struct sl_job *j, const char *kind,
                                            const char *name, size_t len);

/* Returns the value of key in section s, or NULL. */
const struct sl_job_kv *sl_job_find(const struct sl_job_section *s, const char *key);

/* Builds the argv of step i: { action, --option, value, ..., extra..., "--",
 * operands..., NULL } ("--" only when there are operands), with the [job]
 * defaults first and the step's own keys after them (so they win),
 * connection names resolved to URLs, and the connection's option file and
 * TLS settings added. A URL's password never enters the argv: it is cut
 * from the URL and put in *env, a NULL-terminated list of "NAME=password"
 * entries (NAME from sl_url_password_env()) for the step's environment,
 * which only the job's user can read. Every string is malloc'ed; free both
 * with sl_job_argv_free(). Returns 0, or -1 with err set. */
int sl_job_step_argv(const struct sl_job *job, size_t i, char *const *extra, size_t nextra,
                     char ***argv, int *argc, char ***env, struct sl_err *err);

/* Frees an argv or env from sl_job_step_argv(), zeroing its strings first. */
void sl_job_argv_free(char **argv);

/* `sluice check JOB.ini`: loads the job and checks each connection with the
 * privileges its steps need. Returns an exit code (0, 1, or 2 for a bad
 * job file). */
int sl_job_check_file(const char *path, sl_job_opts_fn step_opts, FILE *out, FILE *err);

#endif
