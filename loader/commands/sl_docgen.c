#include "sl_docgen.h"

#include <stdlib.h>
#include <string.h>

#include "sl_commands.h"

/* Writes text as roff body text: a backslash as \e, a '-' as \-, and a line
 * that starts with '.' or '\'' guarded by \&. */
static void roff_text(FILE *out, const char *text, size_t len)
{
    int bol = 1;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (bol && (c == '.' || c == '\''))
            fputs("\\&", out);
        if (c == '\\')
            fputs("\\e", out);
        else if (c == '-')
            fputs("\\-", out);
        else
            fputc(c, out);
        bol = c == '\n';
    }
    if (!bol)
        fputc('\n', out);
}

/* Captures a command's --help text. Returns a malloc'ed buffer (len in
 * *len) or NULL. */
static char *help_of(const struct sl_command *c, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    char *argv[] = {(char *)c->name, "--help", NULL};
    FILE *devnull = fopen("/dev/null", "w");
    c->run(2, argv, f, devnull ? devnull : f);
    if (devnull)
        fclose(devnull);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int sl_docgen_man(FILE *out, const char *version)
{
    size_t n;
    const struct sl_command *cmds = sl_commands(&n);
    fprintf(out, ".TH SLUICE 1 \"\" \"sluice %s\" \"User Commands\"\n", version);
    fputs(".SH NAME\nsluice \\- bulk loading, extracting, copying and benchmarking for MySQL and "
          "MariaDB\n.SH SYNOPSIS\n",
          out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, ".B sluice %s\n.RI [ options ]\n.br\n", cmds[i].name);
    fputs(".SH DESCRIPTION\nsluice streams rows between CSV files and MySQL or MariaDB tables, "
          "and between servers, in parallel, with every value bound and nothing counted as "
          "written before it is committed.\n.SH COMMANDS\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, ".TP\n.B %s\n", cmds[i].name);
        roff_text(out, cmds[i].summary, strlen(cmds[i].summary));
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        char *text = help_of(&cmds[i], &len);
        if (!text)
            return -1;
        fprintf(out, ".SH \"sluice %s\"\n.nf\n", cmds[i].name);
        roff_text(out, text, len);
        fputs(".fi\n", out);
        free(text);
    }
    fputs(".SH PASSWORDS\nA password is never needed on the command line: sluice takes the "
          "URL's own, then SLUICE_INTO_PASSWORD, SLUICE_FROM_PASSWORD or SLUICE_TO_PASSWORD, then "
          "\\-p, then MYSQL_PWD, then the [client] and [sluice] groups of the option files: "
          "/etc/my.cnf, /etc/mysql/my.cnf, ~/.my.cnf, or only \\-\\-defaults\\-file, or "
          "none with \\-\\-no\\-defaults.\n"
          ".SH SEE ALSO\n.BR mariadb (1),\n.BR mysqldump (1)\n",
          out);
    return ferror(out) ? -1 : 0;
}

int sl_docgen_bash(FILE *out)
{
    size_t n;
    const struct sl_command *cmds = sl_commands(&n);
    fputs("# bash completion for sluice, made by `sluice help --bash-completion`\n"
          "_sluice() {\n"
          "  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} opts=\n"
          "  if [ \"$COMP_CWORD\" -eq 1 ] || { [ \"$cmd\" = help ] && [ \"$COMP_CWORD\" -eq 2 ]; "
          "}; then\n"
          "    COMPREPLY=($(compgen -W \"",
          out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s ", cmds[i].name);
    fputs("help\" -- \"$cur\"))\n"
          "    return\n"
          "  fi\n"
          "  case $cmd in\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "    %s) opts=\"", cmds[i].name);
        for (const struct sl_opt *o = cmds[i].opts; o->name; o++)
            fprintf(out, "%s--%s", o == cmds[i].opts ? "" : " ", o->name);
        fputs("\" ;;\n", out);
    }
    fputs("  esac\n"
          "  if [[ $cur == -* ]]; then\n"
          "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "  else\n"
          "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "  fi\n"
          "}\n"
          "complete -o filenames -F _sluice sluice\n",
          out);
    return ferror(out) ? -1 : 0;
}
