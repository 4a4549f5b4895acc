/*
 * sluice: bulk loading for MySQL and MariaDB. This file only dispatches to
 * the sub-command; see sl_commands.h.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_commands.h"
#include "sl_conn.h"
#include "sl_docgen.h"
#include "sl_exit.h"
#include "sl_suggest.h"
#include "sl_url.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.1.0"
#endif

static void usage(FILE *out)
{
    size_t n;
    const struct sl_command *commands = sl_commands(&n);
    fputs("Usage: sluice COMMAND [options]\n\nCommands:\n", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("  help     show help for a command: sluice help load\n"
          "           sluice help --man: the man page sluice(1), in roff\n"
          "           sluice help --bash-completion: the bash completion script\n"
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
        printf("sluice %s (client library %s)\n", SLUICE_VERSION, sl_conn_client_version());
        return SL_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 && argc > 2 && strcmp(argv[2], "--man") == 0)
        return sl_docgen_man(stdout, SLUICE_VERSION) == 0 ? SL_EXIT_OK : SL_EXIT_FAILED;
    if (strcmp(cmd, "help") == 0 && argc > 2 && strcmp(argv[2], "--bash-completion") == 0)
        return sl_docgen_bash(stdout) == 0 ? SL_EXIT_OK : SL_EXIT_FAILED;
    if (strcmp(cmd, "help") == 0) {
        const struct sl_command *c = argc > 2 ? sl_command_find(argv[2]) : NULL;
        if (c) {
            char *hargv[] = {(char *)c->name, "--help", NULL};
            return c->run(2, hargv, stdout, stderr);
        }
        usage(stdout);
        return argc > 2 ? SL_EXIT_USAGE : SL_EXIT_OK;
    }
    const struct sl_command *c = sl_command_find(cmd);
    if (c)
        return c->run(argc - 1, argv + 1, stdout, stderr);
    size_t n;
    const struct sl_command *all = sl_commands(&n);
    const char *names[32] = {0};
    for (size_t i = 0; i < n && i < 32; i++)
        names[i] = all[i].name;
    const char *near = sl_suggest(cmd, names, n < 32 ? n : 32);
    if (near)
        fprintf(stderr, "sluice: unknown command '%s'; did you mean '%s'?\n", cmd, near);
    else
        fprintf(stderr, "sluice: unknown command '%s'\n", cmd);
    usage(stderr);
    return SL_EXIT_USAGE;
}

/* Copies the arguments to the heap, then overwrites the password bytes of
 * every URL in the process's own argv (ARG or --opt=ARG), and of -pSECRET
 * and --password=SECRET, which is what ps and /proc/PID/cmdline show. Returns the copy, or NULL
 * when out of memory. */
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
        /* -pSECRET and --password=SECRET, as the mysql client does */
        if (strncmp(argv[i], "-p", 2) == 0 && argv[i][2])
            memset(argv[i] + 2, '*', strlen(argv[i] + 2));
        if (strncmp(argv[i], "--password=", 11) == 0)
            memset(argv[i] + 11, '*', strlen(argv[i] + 11));
    }
    return copy;
}

int main(int argc, char **argv)
{
    /* a server that drops the connection must give an error, not SIGPIPE */
    signal(SIGPIPE, SIG_IGN);
    if (sl_conn_library_init() != 0) {
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
    sl_conn_library_end();
    return rc;
}
