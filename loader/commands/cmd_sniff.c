/*
 * `sluice sniff`: a CSV file's dialect and column types, worked out from
 * bounded samples (see sl_sniff_file.h and sl_sniff.h), printed as text,
 * JSON, a CREATE TABLE or a job step (sl_sniff_render.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_exit.h"
#include "sl_sniff_file.h"
#include "sl_sniff_render.h"

enum {
    OPT_FORMAT = 256,
    OPT_TABLE,
    OPT_INTO,
    OPT_ENCODING,
    OPT_SAMPLE_BYTES,
};

struct sniff_args {
    char **files;
    size_t nfiles;
    enum sl_sniff_format format;
    const char *table;
    const char *into;
    const char *encoding;
    unsigned long long sample_bytes;
    int help;
    FILE *err;
};

const struct sl_opt sl_sniff_opts[] = {
    {"format", OPT_FORMAT, 1, "FORM",
     "text (default), json, create (a CREATE TABLE statement) or job\n"
     "(a [step] that pins the dialect and adds the transforms needed)"},
    {"table", OPT_TABLE, 1, "NAME", "the table name for create and job (default: the file's name)",
     SL_STORE_STR(struct sniff_args, table)},
    {"into", OPT_INTO, 1, "URL", "job: the step's into = value (default db/TABLE)",
     SL_STORE_STR(struct sniff_args, into)},
    {"encoding", OPT_ENCODING, 1, "NAME",
     "read the file in this encoding instead of working it out",
     SL_STORE_STR(struct sniff_args, encoding)},
    {"sample-bytes", OPT_SAMPLE_BYTES, 1, "N",
     "bytes read from the start of each file (default 1M); the middle\n"
     "and the end of a plain file give a quarter of that each",
     SL_STORE_NUM(struct sniff_args, sample_bytes, 4096, 1ULL << 30)},
    {"help", 'h', 0, "", "show this help", SL_STORE_SET(struct sniff_args, help)},
    {NULL, 0, 0, NULL, NULL},
};

static void sniff_help(FILE *out)
{
    fputs("Usage: sluice sniff FILE... [--format text|json|create|job] [options]\n"
          "\n"
          "Works out a CSV file's dialect (encoding, delimiter, quote, escape, line\n"
          "terminator, preamble and header lines) and each column's MySQL type, from\n"
          "bounded samples: the start of the file and, for a plain file, its middle and\n"
          "its end. Says how sure it is and which records and values argued against each\n"
          "choice. FILE may be plain or zstd-compressed (only its start is sampled).\n"
          "\n"
          "Options:\n",
          out);
    sl_cli_print_options(out, sl_sniff_opts);
    fputs("\n"
          "Types: BOOLEAN, TINYINT to BIGINT (UNSIGNED when nothing is negative; room for\n"
          "ten times the largest value seen), DECIMAL(p,s), DOUBLE, DATE, DATETIME or\n"
          "TIMESTAMP (a zone was given) with the format seen, TIME, JSON, CHAR(n) for\n"
          "short codes of one length, VARCHAR(n) with half again as headroom, TEXT. A\n"
          "value with a leading zero (007) is text. Empty fields, \\N, NULL, N/A, NA, -\n"
          "and None count as NULL; the job form adds null-if for the ones seen.\n"
          "\n"
          "The dialect: every candidate delimiter (, ; TAB | : space, and ', ' '; ') with\n"
          "each quote (\" ' none) and escape (none, \\) parses the start of the file; the\n"
          "one under which most records have the same number of fields wins, then the\n"
          "one whose values read most as numbers and dates. A tie between delimiters is\n"
          "not guessed: sniff says so and exits 2.\n"
          "\n"
          "Exit codes:\n"
          "  0  every file was sniffed\n"
          "  2  a file could not be: missing, not text (binary), empty, or a dialect that\n"
          "     cannot be decided; bad options\n"
          "\n"
          "Examples:\n"
          "  sluice sniff drop/orders.csv.zst\n"
          "  sluice sniff export.txt --format create --table orders\n"
          "  sluice sniff export.txt --format job --into warehouse/orders >> nightly.ini\n",
          out);
}

static int on_sniff_opt(void *ctx, int key, const char *v)
{
    struct sniff_args *a = ctx;
    if (key == OPT_FORMAT) {
        static const char *const m[] = {"text", "json", "create", "job", NULL};
        static const enum sl_sniff_format f[] = {SL_SNIFF_OUT_TEXT, SL_SNIFF_OUT_JSON,
                                                 SL_SNIFF_OUT_CREATE, SL_SNIFF_OUT_JOB};
        int k;
        if (sl_cli_choice("sniff", "format", v, m, &k, a->err) != 0)
            return -1;
        a->format = f[k];
        return 0;
    }
    return -1;
}

static int on_sniff_arg(void *ctx, const char *arg)
{
    struct sniff_args *a = ctx;
    return sl_cli_append(&a->files, &a->nfiles, arg);
}

int sl_cmd_sniff(int argc, char **argv, FILE *out, FILE *err)
{
    struct sniff_args a = {.err = err, .sample_bytes = 1 << 20};
    int rc = sl_cli_parse("sniff", sl_sniff_opts, argc, argv, on_sniff_opt, on_sniff_arg, &a, err);
    if (rc == 0 && a.help) {
        sniff_help(out);
        free(a.files);
        return SL_EXIT_OK;
    }
    if (rc == 0 && a.nfiles == 0) {
        fprintf(err, "sluice sniff: give a FILE\nTry 'sluice sniff --help'.\n");
        rc = -1;
    }
    if (rc != 0) {
        free(a.files);
        return SL_EXIT_USAGE;
    }
    struct sl_sniff_file_opts o = {
        .head_bytes = (size_t)a.sample_bytes,
        .tail_bytes = (size_t)a.sample_bytes / 4,
        .encoding = a.encoding,
    };
    int code = SL_EXIT_OK;
    for (size_t i = 0; i < a.nfiles; i++) {
        struct sl_sniff_file f;
        struct sl_err e = {0};
        if (sl_sniff_file(a.files[i], &o, &f, &e) != 0) {
            fprintf(err, "sluice sniff: %s\n", e.msg);
            code = SL_EXIT_USAGE;
            continue;
        }
        struct sl_sniff_render_opts ro = {.path = a.files[i], .table = a.table, .into = a.into};
        if (i > 0 && a.format != SL_SNIFF_OUT_JSON)
            fputc('\n', out);
        if (sl_sniff_render(out, &f, a.format, &ro) != 0) {
            fprintf(err, "sluice sniff: out of memory\n");
            code = SL_EXIT_FAILED;
        }
        sl_sniff_file_release(&f);
    }
    free(a.files);
    return code;
}
