/*
 * The table of sub-commands, and the option tables of the commands a job
 * step may run.
 */
#include <string.h>

#include "sl_commands.h"

const struct sl_opt *sl_cmd_step_opts(const char *action)
{
    if (strcmp(action, "load") == 0)
        return sl_load_opts;
    if (strcmp(action, "extract") == 0)
        return sl_extract_opts;
    if (strcmp(action, "copy") == 0)
        return sl_copy_opts;
    if (strcmp(action, "bench") == 0)
        return sl_bench_opts;
    return NULL;
}

static const struct sl_command commands[] = {
    {"load", sl_cmd_load, "load CSV files (plain or .zst) into a MySQL/MariaDB table",
     sl_load_opts},
    {"extract", sl_cmd_extract, "stream a table or a query's rows to CSV (or .csv.zst)",
     sl_extract_opts},
    {"copy", sl_cmd_copy, "copy tables or a whole database to another server, then verify",
     sl_copy_opts},
    {"bench", sl_cmd_bench, "measure a server's insert throughput over a grid of settings",
     sl_bench_opts},
    {"run", sl_cmd_run, "run a job file: named connections and steps, with a report", sl_run_opts},
    {"check", sl_cmd_check, "check connections, TLS and privileges for a URL or a job",
     sl_check_opts},
    {"sniff", sl_cmd_sniff, "work out a CSV file's dialect and column types", sl_sniff_opts},
    {"gen", sl_cmd_gen, "write deterministic generated rows as CSV (or .csv.zst)", sl_gen_opts},
};

const struct sl_command *sl_commands(size_t *n_out)
{
    *n_out = sizeof commands / sizeof commands[0];
    return commands;
}

const struct sl_command *sl_command_find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}
