/*
 * sluice: bulk loading for MySQL and MariaDB. This file only dispatches to
 * the sub-command; see sl_commands.h.
 */
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sl_commands.h"
#include "sl_exit.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.1.0"
#endif

static void usage(FILE *out)
{
    fputs("Usage: sluice COMMAND [options]\n"
          "\n"
          "Commands:\n"
          "  load     load CSV files (plain or .zst) into a MySQL/MariaDB table\n"
          "  extract  stream a table or a query's rows to CSV (or .csv.zst)\n"
          "  bench    measure a server's insert throughput over a grid of settings\n"
          "  gen      write deterministic generated rows as CSV (or .csv.zst)\n"
          "  help     show help for a command: sluice help load\n"
          "\n"
          "Options:\n"
          "  -h, --help     show this help\n"
          "  -V, --version  show the version\n"
          "\n"
          "Exit codes: 0 success; 1 the run failed after it began; 2 nothing was done\n"
          "(bad options or set-up). 'sluice help COMMAND' gives each command's codes.\n",
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
        printf("sluice %s\n", SLUICE_VERSION);
        return SL_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(argv[2], "load") == 0) {
            char *hargv[] = {"load", "--help", NULL};
            return sl_cmd_load(2, hargv, stdout, stderr);
        }
        if (argc > 2 && strcmp(argv[2], "extract") == 0) {
            char *hargv[] = {"extract", "--help", NULL};
            return sl_cmd_extract(2, hargv, stdout, stderr);
        }
        if (argc > 2 && strcmp(argv[2], "bench") == 0) {
            char *hargv[] = {"bench", "--help", NULL};
            return sl_cmd_bench(2, hargv, stdout, stderr);
        }
        if (argc > 2 && strcmp(argv[2], "gen") == 0) {
            char *hargv[] = {"gen", "--help", NULL};
            return sl_cmd_gen(2, hargv, stdout, stderr);
        }
        usage(stdout);
        return argc > 2 ? SL_EXIT_USAGE : SL_EXIT_OK;
    }
    if (strcmp(cmd, "load") == 0)
        return sl_cmd_load(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(cmd, "extract") == 0)
        return sl_cmd_extract(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(cmd, "bench") == 0)
        return sl_cmd_bench(argc - 1, argv + 1, stdout, stderr);
    if (strcmp(cmd, "gen") == 0)
        return sl_cmd_gen(argc - 1, argv + 1, stdout, stderr);
    fprintf(stderr, "sluice: unknown command '%s'\n", cmd);
    usage(stderr);
    return SL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* a server that drops the connection must give an error, not SIGPIPE */
    signal(SIGPIPE, SIG_IGN);
    if (mysql_library_init(0, NULL, NULL) != 0) {
        fprintf(stderr, "sluice: cannot initialise the MySQL client library\n");
        return SL_EXIT_FAILED;
    }
    int rc = dispatch(argc, argv);
    mysql_library_end();
    return rc;
}
