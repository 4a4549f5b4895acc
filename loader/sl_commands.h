/*
 * sl_commands: the sub-commands of the sluice CLI. Each takes its own argv
 * (argv[0] is the command name), prints to out and err, and returns the exit
 * code; none of them calls exit().
 */
#ifndef SL_COMMANDS_H
#define SL_COMMANDS_H

#include <stdio.h>

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

#endif
