/*
 * sl_docgen: the man page and the bash completion, made from the command
 * table and each command's option table and --help text, so that they never
 * drift from the code. `sluice help --man` and `sluice help
 * --bash-completion` print them; the build installs both.
 */
#ifndef SL_DOCGEN_H
#define SL_DOCGEN_H

#include <stdio.h>

/* Writes sluice(1) in roff to out: the synopsis, the commands, and each
 * command's --help text. Returns 0, or -1 when out of memory or out fails. */
int sl_docgen_man(FILE *out, const char *version);

/* Writes a bash completion script for sluice to out: command names after
 * `sluice` and `sluice help`, each command's long options after a '-', and
 * file names otherwise. Returns 0, or -1 when out fails. */
int sl_docgen_bash(FILE *out);

#endif
