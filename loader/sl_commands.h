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

/* sluice check URL|JOB.ini... */
int sl_cmd_check(int argc, char **argv, FILE *out, FILE *err);

/* sluice run JOB.ini [--dry-run] [--report FILE] [--metrics FILE] */
int sl_cmd_run(int argc, char **argv, FILE *out, FILE *err);

/* The option tables of the commands a job step can run; a job's keys are
 * checked against them. */
extern const struct sl_opt sl_load_opts[];
extern const struct sl_opt sl_extract_opts[];
extern const struct sl_opt sl_copy_opts[];
extern const struct sl_opt sl_bench_opts[];

/* The option table of the command a job step names (load, extract, copy or
 * bench), or NULL for any other name. */
const struct sl_opt *sl_cmd_step_opts(const char *action);

#endif
