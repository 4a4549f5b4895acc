/*
 * sluice: bulk loading for MySQL and MariaDB. This file only dispatches to
 * the sub-command; see sl_commands.h.
 */
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_commands.h"
#include "sl_exit.h"
#include "sl_url.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.1.0"
#endif

/* The commands, in the order usage() lists them. */
static const struct command {
    const char *name;
    int (*run)(int argc, char **argv, FILE *out, FILE *err);
    const char *summary;
} commands[] = {
    {"load", sl_cmd_load, "load CSV files (plain or .zst) into a MySQL/MariaDB table"},
    {"extract", sl_cmd_extract, "stream a table or a query's rows to CSV (or .csv.zst)"},
    {"copy", sl_cmd_copy, "copy tables or a whole database to another server, then verify"},
    {"bench", sl_cmd_bench, "measure a server's insert throughput over a grid of settings"},
    {"run", sl_cmd_run, "run a job file: named connections and steps, with a report"},
    {"check", sl_cmd_check, "check connections, TLS and privileges for a URL or a job"},
    {"gen", sl_cmd_gen, "write deterministic generated rows as CSV (or .csv.zst)"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fputs("Usage: sluice COMMAND [options]\n\nCommands:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("  help     show help for a command: sluice help load\n"
          "\n"
          "Options:\n"
          "  -h, --help     show this help\n"
          "  -V, --version  show the version\n"
          "\n"
          "Exit codes: 0 success; 1 the run failed after it began; 2 nothing was done\n"
          "(bad options or set-up); 3 finished with rejected rows; 4 interrupted; 5 the\n"
          "job is already running (run). 'sluice help COMMAND' gives each command's codes.\n",
          out);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return SL_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("sluice %s (client library %s)\n", SLUICE_VERSION, mysql_get_client_info());
        return SL_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        const struct command *c = argc > 2 ? find_command(argv[2]) : NULL;
        if (c) {
            char *hargv[] = {(char *)c->name, "--help", NULL};
            return c->run(2, hargv, stdout, stderr);
        }
        usage(stdout);
        return argc > 2 ? SL_EXIT_USAGE : SL_EXIT_OK;
    }
    const struct command *c = find_command(cmd);
    if (c)
        return c->run(argc - 1, argv + 1, stdout, stderr);
    fprintf(stderr, "sluice: unknown command '%s'\n", cmd);
    usage(stderr);
    return SL_EXIT_USAGE;
}

/* Copies the arguments to the heap, then overwrites the password bytes of
 * every URL in the process's own argv (ARG or --opt=ARG), which is what ps
 * and /proc/PID/cmdline show. Returns the copy, or NULL when out of memory. */
static char **scrubbed_args(int argc, char **argv)
{
    char **copy = calloc((size_t)argc + 1, sizeof *copy);
    for (int i = 0; copy && i < argc; i++)
        if (!(copy[i] = strdup(argv[i]))) {
            while (i-- > 0)
                free(copy[i]);
            free(copy);
            return NULL;
        }
    for (int i = 1; copy && i < argc; i++) {
        char *eq = argv[i][0] == '-' ? strchr(argv[i], '=') : NULL;
        char *value = eq ? eq + 1 : argv[i];
        if (sl_url_scheme_len(value))
            sl_url_scrub(value);
    }
    return copy;
}

int main(int argc, char **argv)
{
    /* a server that drops the connection must give an error, not SIGPIPE */
    signal(SIGPIPE, SIG_IGN);
    if (mysql_library_init(0, NULL, NULL) != 0) {
        fprintf(stderr, "sluice: cannot initialise the MySQL client library\n");
        return SL_EXIT_FAILED;
    }
    char **args = scrubbed_args(argc, argv);
    if (!args) {
        fprintf(stderr, "sluice: out of memory\n");
        return SL_EXIT_FAILED;
    }
    int rc = dispatch(argc, args);
    for (int i = 0; i < argc; i++)
        free(args[i]);
    free(args);
    mysql_library_end();
    return rc;
}
