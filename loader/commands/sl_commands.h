/*
 * sl_commands: the sub-commands of the sluice CLI. Each takes its own argv
 * (argv[0] is the command name), prints to out and err, and returns the exit
 * code; none of them calls exit().
 */
#ifndef SL_COMMANDS_H
#define SL_COMMANDS_H

#include <stdio.h>

#include "sl_cli.h"

/* sluice load SOURCE... --into URL [options] */
int sl_cmd_load(int argc, char **argv, FILE *out, FILE *err);

/* sluice extract --from URL --to FILE [options] */
int sl_cmd_extract(int argc, char **argv, FILE *out, FILE *err);

/* sluice copy --from URL --to URL [options] */
int sl_cmd_copy(int argc, char **argv, FILE *out, FILE *err);

/* sluice bench --into URL [grid options] */
int sl_cmd_bench(int argc, char **argv, FILE *out, FILE *err);

/* sluice gen [--schema NAME] [--rows N] [--seed N] [--out FILE] */
int sl_cmd_gen(int argc, char **argv, FILE *out, FILE *err);

/* sluice sniff FILE... [--format text|json|create|job] */
int sl_cmd_sniff(int argc, char **argv, FILE *out, FILE *err);

/* sluice check URL|JOB.ini... */
int sl_cmd_check(int argc, char **argv, FILE *out, FILE *err);

/* sluice run JOB.ini [--dry-run] [--report FILE] [--metrics FILE] */
int sl_cmd_run(int argc, char **argv, FILE *out, FILE *err);

/* The option tables of the commands. A job's keys are checked against
 * those of the commands a step can run (load, extract, copy, bench); the
 * man page and the bash completion are made from all of them. */
extern const struct sl_opt sl_load_opts[];
extern const struct sl_opt sl_extract_opts[];
extern const struct sl_opt sl_copy_opts[];
extern const struct sl_opt sl_bench_opts[];
extern const struct sl_opt sl_run_opts[];
extern const struct sl_opt sl_check_opts[];
extern const struct sl_opt sl_gen_opts[];
extern const struct sl_opt sl_sniff_opts[];

/* The option table of the command a job step names (load, extract, copy or
 * bench), or NULL for any other name. */
const struct sl_opt *sl_cmd_step_opts(const char *action);

/* One sub-command: its name, its entry point, its one-line summary for
 * `sluice --help`, and its option table. */
struct sl_command {
    const char *name;
    int (*run)(int argc, char **argv, FILE *out, FILE *err);
    const char *summary;
    const struct sl_opt *opts;
};

/* Every command, in the order `sluice --help` lists them; n_out gets the
 * count. */
const struct sl_command *sl_commands(size_t *n_out);

/* The command called name, or NULL. */
const struct sl_command *sl_command_find(const char *name);

#endif
