/*
 * `sluice load`: options, help, the run, the summary and the exit code.
 */
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sl_cli.h"
#include "sl_commands.h"
#include "sl_exit.h"
#include "sl_load.h"
#include "sl_progress.h"
#include "sl_report.h"
#include "sl_sniff_file.h"
#include "sl_summary.h"

#define DEFAULT_THREADS    2
#define DEFAULT_BATCH_ROWS 200
#define DEFAULT_TXN_ROWS   10000

enum {
    OPT_INTO = 256,
    OPT_BATCH_ROWS,
    OPT_TXN_ROWS,
    OPT_DELIMITER,
    OPT_QUOTE,
    OPT_HEADER,
    OPT_NO_HEADER,
    OPT_NULL,
    OPT_SKIP_LINES,
    OPT_COLUMNS,
    OPT_ON_ERROR,
    OPT_REJECTS,
    OPT_MAX_REJECTS,
    OPT_RESUME,
    OPT_NO_CHECKPOINT,
    OPT_CHECKPOINT_DB,
    OPT_BINARY,
    OPT_TRANSFORM,
    OPT_DRY_RUN,
    OPT_DEFER_INDEXES,
    OPT_NO_DEFER_INDEXES,
    OPT_ESCAPE,
    OPT_LINE_TERMINATOR,
    OPT_COMMENT,
    OPT_HEADER_LINES,
    OPT_ENCODING,
    OPT_RAGGED,
    OPT_IGNORE_EXTRA,
    OPT_SNIFF,
    OPT_CREATE_TABLE,
    OPT_FORMAT,
    OPT_MAP,
};

struct load_args {
    struct sl_load_config c;
    unsigned shards; /* --shards */
    int profile;     /* --profile: an enum sl_profile */
    char **sources;
    size_t nsources;
    char **transforms;
    size_t ntransforms;
    int quiet;
    int help;
    int skip;
    int max_rejects_set;
    const char *report;
    int sniff, create_table;
    int delim_given, quote_given, escape_given, header_given; /* not to be sniffed */
    char delim[SL_CSV_MAX_SEP + 1];                           /* --delimiter, unescaped */
    char terminator[SL_CSV_MAX_SEP + 1];                      /* --line-terminator, unescaped */
    char encoding[24];                                        /* a sniffed encoding */
    char shard_rejects[4200]; /* --shard: --rejects with this shard's number */
    FILE *err;
};

const struct sl_opt sl_load_opts[] = {
    {"into", OPT_INTO, 1, "URL", "target table: mysql://user@host[:port]/db/table[?socket=PATH]",
     SL_STORE_STR(struct load_args, c.into)},
    {"threads", 't', 1, "N", "writer connections (default " SL_CLI_STR(DEFAULT_THREADS) ")",
     SL_STORE_NUM(struct load_args, c.threads, 1, 256)},
    {"batch-rows", OPT_BATCH_ROWS, 1, "N",
     "rows per INSERT statement (default " SL_CLI_STR(
         DEFAULT_BATCH_ROWS) "); also capped by\n"
                             "65,535 placeholders and the server's max_allowed_packet",
     SL_STORE_NUM(struct load_args, c.batch_rows, 1, 65535)},
    {"txn-rows", OPT_TXN_ROWS, 1, "N",
     "rows per transaction: COMMIT after this many (default " SL_CLI_STR(
         DEFAULT_TXN_ROWS) "),\n"
                           "or sooner for wide rows: a chunk buffers at most 4 MB per 10,000 rows",
     SL_STORE_NUM(struct load_args, c.txn_rows, 1, 100000000)},
    {"delimiter", 'd', 1, "STR",
     "field delimiter, 1 to 16 bytes, e.g. ';' or ', '; 'tab' or '\\t'\nfor TAB; \\xHH is the "
     "byte HH (default ,)"},
    {"quote", OPT_QUOTE, 1, "C", "quote character, or none: fields are never quoted (default \")"},
    {"escape", OPT_ESCAPE, 1, "C",
     "escape character, as LOAD DATA's ESCAPED BY: \\n \\t \\r \\0 \\b \\Z\n"
     "are LF, TAB, CR, NUL, BS, ^Z; before any other byte it makes\nthat byte literal "
     "(default none)"},
    {"line-terminator", OPT_LINE_TERMINATOR, 1, "T",
     "what ends a record: auto (LF, CRLF or CR; the default), LF,\nCRLF, CR, or any string "
     "of 1 to 16 bytes (\\n \\r \\t allowed)"},
    {"comment", OPT_COMMENT, 1, "C", "skip lines that begin with C"},
    {"header", OPT_HEADER, 1, "HOW",
     "name: the header names the columns (default); position: skip\n"
     "the header, map fields by position (to --columns, or the\ntable's columns in order); "
     "none: there is no header"},
    {"no-header", OPT_NO_HEADER, 0, "", "the same as --header none"},
    {"header-lines", OPT_HEADER_LINES, 1, "N",
     "the header spans N lines; a column's name is its parts joined\nby a space (default 1)",
     SL_STORE_NUM(struct load_args, c.header_lines, 1, 100)},
    {"encoding", OPT_ENCODING, 1, "NAME",
     "utf8 (default), latin1 (MySQL's: cp1252), utf16, utf16le,\n"
     "utf16be, or any name iconv knows; a UTF-16 BOM is recognised",
     SL_STORE_STR(struct load_args, c.encoding)},
    {"ragged", OPT_RAGGED, 1, "HOW",
     "reject: a record with too few fields is a bad row (default);\npad: each missing field "
     "takes its column's constant DEFAULT,\nelse NULL (as LOAD DATA does)"},
    {"ignore-extra", OPT_IGNORE_EXTRA, 0, "",
     "drop fields past the last column instead of rejecting the row",
     SL_STORE_SET(struct load_args, c.ignore_extra)},
    {"format", OPT_FORMAT, 1, "FMT",
     "csv (default), or jsonl: JSON Lines, one document per line, as\n"
     "mongoexport writes them (Extended JSON v2; see below)"},
    {"map", OPT_MAP, 1, "f=col,...",
     "jsonl: the document's top-level fields that make a row, each\n"
     "into the column of its name or the one after '='",
     SL_STORE_STR(struct load_args, c.json_map)},
    {"sniff", OPT_SNIFF, 0, "",
     "work out the dialect from the first file (as sluice sniff does)\n"
     "for every dialect option not given, and say what was chosen",
     SL_STORE_SET(struct load_args, sniff)},
    {"create-table", OPT_CREATE_TABLE, 0, "",
     "create the target table, when it does not exist, with the\n"
     "column types sniffed from the first file",
     SL_STORE_SET(struct load_args, create_table)},
    {"null", OPT_NULL, 1, "STR",
     "an unquoted field equal to STR is NULL (default \\N); with\n--null '' an empty unquoted "
     "field is NULL",
     SL_STORE_STR(struct load_args, c.dialect.null_marker)},
    {"skip-lines", OPT_SKIP_LINES, 1, "N",
     "skip N lines at the start of each file, before the header",
     SL_STORE_NUM(struct load_args, c.dialect.skip_lines, 0, UINT64_MAX)},
    {"columns", OPT_COLUMNS, 1, "a,b,c",
     "column names for the fields, in order (replaces the header)",
     SL_STORE_STR(struct load_args, c.columns)},
    {"binary", OPT_BINARY, 1, "ENC",
     "hex (default): values for binary columns (BINARY, VARBINARY, BLOB,\n"
     "BIT) are hex digits, as sluice extract writes them; raw: the bytes\nas they are"},
    SL_CLI_WRITE_MODE_OPTS,
    SL_CLI_METHOD_OPT,
    {"defer-indexes", OPT_DEFER_INDEXES, 0, "",
     "take the table's non-unique secondary indexes off while it is\n"
     "empty and build them in one ALTER TABLE after the rows (default:\n"
     "for an input of 32 MB or more, when the account holds ALTER)"},
    {"no-defer-indexes", OPT_NO_DEFER_INDEXES, 0, "",
     "keep every index in place while the rows go in"},
    {"transform", OPT_TRANSFORM, 1, "SPEC",
     "value transforms per column, e.g. \"price: strip '$' | decimal ;\n"
     "note: trim | null-if ''\" (may be given more than once; see below)"},
    {"on-error", OPT_ON_ERROR, 1, "MODE",
     "stop: the first bad row stops the load (default); skip: bad rows\n"
     "go to --rejects and the load goes on"},
    {"rejects", OPT_REJECTS, 1, "PATH",
     "with --on-error skip: rejected records go to PATH.csv as they\n"
     "were, and a reason for each to PATH.log",
     SL_STORE_STR(struct load_args, c.rejects)},
    {"max-rejects", OPT_MAX_REJECTS, 1, "N",
     "with --on-error skip: stop once more than N rows are rejected"},
    SL_CLI_RETRY_OPTS(struct load_args, c.retries, c.retry_max_seconds),
    {"resume", OPT_RESUME, 0, "", "finish an interrupted load: skip the chunks it committed",
     SL_STORE_SET(struct load_args, c.resume)},
    {"checkpoint-db", OPT_CHECKPOINT_DB, 1, "NAME",
     "keep sluice_checkpoints in database NAME (created if missing)\n"
     "instead of the target's (default: the target's database)",
     SL_STORE_STR(struct load_args, c.checkpoint_db)},
    {"no-checkpoint", OPT_NO_CHECKPOINT, 0, "",
     "do not record committed chunks in the target's sluice_checkpoints\n"
     "table (no --resume then)",
     SL_STORE_CLEAR(struct load_args, c.checkpoint)},
    {"dry-run", OPT_DRY_RUN, 0, "",
     "check and read everything, write nothing: list the rows that\n"
     "would be rejected (see below)",
     SL_STORE_SET(struct load_args, c.dry_run)},
    SL_CLI_CONN_OPTS,
    SL_CLI_HOOK_OPTS,
    SL_CLI_REPORT_OPT,
    SL_CLI_PROGRESS_OPT,
    SL_CLI_MAX_RATE_OPT,
    SL_CLI_PROFILE_OPT,
    SL_CLI_HOSTS_POLICY_OPT,
    SL_CLI_SHARD_OPTS,
    {"quiet", 'q', 0, "", "print only errors", SL_STORE_SET(struct load_args, quiet)},
    {"help", SL_OPT_HELP, 0, "", "show this help", SL_STORE_SET(struct load_args, help)},
    {NULL, 0, 0, NULL, NULL},
};

static void load_help(FILE *out)
{
    fputs("Usage: sluice load SOURCE... --into mysql://user@host[:port]/db/table [options]\n"
          "\n"
          "Loads CSV files into a MySQL or MariaDB table with multi-row prepared INSERTs over\n"
          "a pool of connections, committing every --txn-rows rows.\n"
          "\n"
          "SOURCE is a CSV file, a .zst-compressed CSV file (recognised by content), a glob\n"
          "such as 'drop/orders-*.csv.zst', or - for stdin. Columns are matched by name to\n"
          "the table's; table columns the files lack take their defaults.\n"
          "\n"
          "Options:\n",
          out);
    sl_cli_print_options(out, sl_load_opts);
    fputs("\n"
          "CSV rules (RFC 4180 by default): fields may be quoted with --quote; inside\n"
          "quotes the delimiter, CR, LF and a doubled quote are literal; a quote inside an\n"
          "unquoted field is literal. Records end in LF, CRLF or CR (or --line-terminator);\n"
          "the last may lack one. Blank lines are skipped; spaces are kept. A UTF-8 BOM is\n"
          "skipped. Text must be valid UTF-8 after --encoding. Values for binary columns\n"
          "are hex digits (--binary hex, as sluice extract writes them) or raw bytes\n"
          "(--binary raw).\n"
          "\n"
          "Lines, in this order: --skip-lines (a preamble), then the header (--header,\n"
          "--header-lines), then records; --comment lines are skipped anywhere. A record\n"
          "with too many or too few fields is a bad row, unless --ignore-extra or --ragged\n"
          "pad; so is a record that repeats the header (a second table stacked below).\n"
          "MySQL's own TSV (SELECT ... INTO OUTFILE, mysqldump --tab) is\n"
          "  --delimiter tab --quote none --escape '\\'\n"
          "\n"
          "JSON Lines (--format jsonl): one JSON document per line (blank lines skipped;\n"
          ".zst too). Without --columns or --map the whole line goes into the table's one\n"
          "JSON column; with them, the named top-level fields go into columns (a missing\n"
          "field is NULL). Extended JSON: $oid as its hex, $date as a UTC DATETIME(6),\n"
          "$numberLong/Int/Decimal/Double as the number, $binary as hex digits (what\n"
          "--binary hex decodes), other objects and arrays as JSON text. A line that is\n"
          "not JSON is a bad row naming its line and byte.\n"
          "\n"
          "Empty and NULL:   a,,c     the middle field is '' (empty string)\n"
          "                  a,\"\",c   the middle field is '' (empty string)\n"
          "                  a,\\N,c   the middle field is NULL\n"
          "                  a,\"\\N\",c the middle field is the text \\N\n"
          "With --null '' the first line's empty field is NULL instead.\n"
          "\n"
          "Password: never needed on the command line. sluice uses, in order, the password\n"
          "in the URL, SLUICE_INTO_PASSWORD, -p (alone: asked on the terminal), the\n"
          "MYSQL_PWD variable, or the [client] and\n"
          "[sluice] groups of the option files (/etc/mysql/my.cnf, ~/.my.cnf; only\n"
          "--defaults-file's; none with --no-defaults), which also give a user, host, port\n"
          "or socket the URL leaves out. It is never printed: every URL shown has its password\n"
          "replaced by ***, and one given in --into is starred out of sluice's argv.\n"
          "\n"
          "Sessions run with utf8mb4, sql_mode="
          "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\n"
          "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO (so no\n"
          "value is silently changed), time_zone=+00:00 and autocommit off.\n"
          "\n"
          "Write modes (--mode): insert stops at a row whose key exists; ignore skips it\n"
          "and counts it (rows ignored); replace deletes the old row first (rows replaced);\n"
          "upsert updates it (ON DUPLICATE KEY UPDATE; rows updated counts the rows where\n"
          "a value changed); truncate empties the table first (TRUNCATE\n"
          "commits at once); swap loads <table>__sluice_new and swaps it in with one\n"
          "RENAME TABLE, so readers never see a half-loaded table (not for a table with\n"
          "foreign keys, or one another table's foreign key refers to).\n"
          "\n"
          "Transforms (--transform): one chain per column, chains separated by ';' or a\n"
          "newline, steps by '|'; arguments are words or '...' strings. The column is\n"
          "named as in the file; a chain on a column the file lacks adds it (fed NULL).\n"
          "  rename 'col'  const 'v'  default 'v'  null-if 'x'  trim  upper  lower\n"
          "  strip 'chars' (removes them anywhere)  decimal (fits the DECIMAL(p,s))\n"
          "  date 'strptime format' (to DATETIME)  bool  hex  base64 (decode)\n"
          "A value a step cannot convert is a bad row; its reason names the step.\n"
          "\n"
          "Bad rows: a wrong field count, invalid UTF-8, a malformed quote, a value the\n"
          "column cannot take (caught on the client when the column type makes it cheap,\n"
          "else refused by the server), or a value the server changed (a warning naming\n"
          "the row). With --on-error stop the first stops the load; with skip, each goes\n"
          "to --rejects and every good row of its batch is still written.\n"
          "\n"
          "Checkpoints: each committed chunk is recorded in the target database's\n"
          "sluice_checkpoints table, in the chunk's own transaction. After an\n"
          "interruption or a failure, --resume skips exactly what was committed. A\n"
          "finished load deletes its checkpoints. A rerun without --resume over an\n"
          "unfinished load is refused, and so is a resume of a file that changed.\n"
          "\n"
          "Dry run (--dry-run): connects (one connection), checks the table, the column\n"
          "mapping, the transforms, the account's privileges for --mode, and where\n"
          "--rejects would go; then reads every file to its end through the transforms\n"
          "and the client-side checks, and lists the rows that would be rejected (the\n"
          "first 100; the count has them all).\n"
          "Nothing is written: no INSERT, hooks, TRUNCATE, swap, checkpoints or rejects\n"
          "files. Values only the server refuses (a duplicate key, say) are not found.\n"
          "It exits 0 when every row would be written, 3 when some would be rejected.\n"
          "\n"
          "Exit codes:\n"
          "  0  every row was loaded and committed (retries included)\n"
          "  1  the load stopped on an error (a bad row under --on-error stop, too many\n"
          "     rejects, a lost server after the retries); open chunks were rolled back,\n"
          "     and the summary counts only committed rows; --resume continues\n"
          "  2  nothing was written: bad options, a missing file, an unreachable server,\n"
          "     a missing table or column\n"
          "  3  finished, with rejects (see --rejects)\n"
          "  4  interrupted by SIGINT or SIGTERM; run again with --resume to finish\n"
          "\n"
          "Examples:\n"
          "  sluice load orders.csv.zst --into 'mysql://etl@db1:3306/shop/orders' --threads 4\n"
          "  sluice load 'drop/*.csv' --into mysql://etl@db1/shop/orders --defaults-file etl.cnf\n"
          "  sluice load legacy.txt --into mysql://etl@db1/shop/orders --delimiter '; ' \\\n"
          "      --line-terminator CR --encoding latin1 --header position\n"
          "  sluice load events.jsonl.zst --format jsonl --into mysql://etl@db1/app/events \\\n"
          "      --map '_id=id,ts=created_at,user,payload'\n"
          "  sluice load orders.csv --into mysql://etl@db1/shop/orders --mode upsert \\\n"
          "      --transform \"price: strip '$,' | decimal ; created_at: date '%d/%m/%Y %H:%M'\"\n"
          "  zstd -dc big.csv.zst | sluice load - --into 'mysql://etl@localhost/shop/t?socket="
          "/run/mysqld/mysqld.sock'\n",
          out);
}

/* One character, 'tab', or (where none_ok) 'none' for 0. */
static int parse_char(const char *name, const char *v, int none_ok, unsigned char *out, FILE *err)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
        *out = '\t';
    else if (none_ok && strcmp(v, "none") == 0)
        *out = 0;
    else if (strlen(v) == 1 && v[0] != '\r' && v[0] != '\n')
        *out = (unsigned char)v[0];
    else {
        fprintf(err, "sluice load: --%s must be one character (or 'tab'%s), not '%s'\n", name,
                none_ok ? " or 'none'" : "", v);
        return -1;
    }
    return 0;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Copies v into out (cap bytes) with \n, \r, \t, \\ and \xHH read as LF, CR,
 * TAB, a backslash and the byte HH (so that a job file, which trims values,
 * can still say ',\x20'). Returns 0, or -1 when it does not fit. */
static int unslash(const char *v, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = v; *p; p++) {
        char c = *p;
        int hi = c == '\\' && p[1] == 'x' ? hex_digit(p[2]) : -1;
        int lo = hi >= 0 ? hex_digit(p[3]) : -1;
        if (lo >= 0 && (hi | lo) != 0) { /* \x00 stays as it is */
            c = (char)(hi * 16 + lo);
            p += 3;
        } else if (c == '\\' && p[1] && strchr("nrt\\", p[1])) {
            p++;
            c = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p == 't' ? '\t' : '\\';
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

/* --line-terminator: auto, LF, CRLF, CR or a string of its own. */
static int parse_terminator(struct load_args *a, const char *v)
{
    static const char *const named[][2] = {{"LF", "\n"}, {"CRLF", "\r\n"}, {"CR", "\r"}};
    if (strcasecmp(v, "auto") == 0) {
        a->c.dialect.terminator = NULL;
        return 0;
    }
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(v, named[i][0]) == 0) {
            a->c.dialect.terminator = named[i][1];
            return 0;
        }
    }
    if (unslash(v, a->terminator, sizeof a->terminator) != 0 || !a->terminator[0]) {
        fprintf(a->err, "sluice load: --line-terminator must be 1 to %d bytes\n", SL_CSV_MAX_SEP);
        return -1;
    }
    a->c.dialect.terminator = a->terminator;
    return 0;
}

static int on_load_opt(void *ctx, int key, const char *v)
{
    struct load_args *a = ctx;
    unsigned long long n;
    const struct sl_cli_conn conn = {
        .defaults_file = &a->c.defaults_file,
        .session_sql = &a->c.session_sql,
        .time_zone = &a->c.time_zone,
        .tls = &a->c.tls,
        .connect_timeout = &a->c.connect_timeout,
        .flags = &a->c.flags,
        .before_sql = &a->c.before_sql,
        .after_sql = &a->c.after_sql,
        .report = &a->report,
        .mode = &a->c.mode,
        .update_columns = &a->c.update_columns,
        .keep_old = &a->c.keep_old,
        .method = &a->c.method,
        .progress = &a->c.progress_mode,
        .max_rows_per_sec = &a->c.max_rows_per_sec,
        .max_bytes_per_sec = &a->c.max_bytes_per_sec,
        .profile = &a->profile,
        .hosts_policy = &a->c.hosts_policy,
        .shard = &a->c.shard,
        .shards = &a->shards,
    };
    int handled = sl_cli_conn_opt("load", &conn, key, v, a->err);
    if (handled)
        return handled < 0 ? -1 : 0;
    switch (key) {
    case 'd':
        a->delim_given = 1;
        if (strcmp(v, "tab") == 0)
            v = "\\t";
        if (unslash(v, a->delim, sizeof a->delim) != 0 || !a->delim[0]) {
            fprintf(a->err, "sluice load: --delimiter must be 1 to %d bytes\n", SL_CSV_MAX_SEP);
            return -1;
        }
        a->c.dialect.delim = a->delim;
        return 0;
    case OPT_QUOTE:
        a->quote_given = 1;
        return parse_char("quote", v, 1, &a->c.dialect.quote, a->err);
    case OPT_ESCAPE:
        a->escape_given = 1;
        return parse_char("escape", v, 1, &a->c.dialect.escape, a->err);
    case OPT_COMMENT:
        return parse_char("comment", v, 0, &a->c.dialect.comment, a->err);
    case OPT_LINE_TERMINATOR:
        return parse_terminator(a, v);
    case OPT_HEADER:
    case OPT_NO_HEADER: {
        /* yes and no: what a job file's header switch said before */
        static const char *const m[] = {"name", "position", "none", "yes", "no", NULL};
        static const enum sl_csv_header h[] = {SL_HEADER_NAME, SL_HEADER_POSITION, SL_HEADER_NONE,
                                               SL_HEADER_NAME, SL_HEADER_NONE};
        int k = 2;
        if (key == OPT_HEADER && sl_cli_choice("load", "header", v, m, &k, a->err) != 0)
            return -1;
        a->c.header = h[k];
        a->header_given = 1;
        return 0;
    }
    case OPT_FORMAT: {
        static const char *const m[] = {"csv", "jsonl", NULL};
        int k;
        if (sl_cli_choice("load", "format", v, m, &k, a->err) != 0)
            return -1;
        a->c.jsonl = k == 1;
        return 0;
    }
    case OPT_RAGGED: {
        static const char *const m[] = {"reject", "pad", NULL};
        int k;
        if (sl_cli_choice("load", "ragged", v, m, &k, a->err) != 0)
            return -1;
        a->c.ragged_pad = k == 1;
        return 0;
    }
    case OPT_ON_ERROR: {
        static const char *const m[] = {"stop", "skip", NULL};
        int k;
        if (sl_cli_choice("load", "on-error", v, m, &k, a->err) != 0)
            return -1;
        a->skip = k;
        return 0;
    }
    case OPT_MAX_REJECTS:
        if (sl_cli_count("load", "max-rejects", v, 0, UINT64_MAX, &n, a->err) != 0)
            return -1;
        a->c.max_rejects = n;
        a->max_rejects_set = 1;
        return 0;
    case OPT_BINARY: {
        static const char *const m[] = {"hex", "raw", NULL};
        int k;
        if (sl_cli_choice("load", "binary", v, m, &k, a->err) != 0)
            return -1;
        a->c.binary_hex = k == 0;
        return 0;
    }
    case OPT_TRANSFORM:
        return sl_cli_append(&a->transforms, &a->ntransforms, v);
    case OPT_DEFER_INDEXES:
    case OPT_NO_DEFER_INDEXES: {
        enum sl_defer d = key == OPT_DEFER_INDEXES ? SL_DEFER_ALWAYS : SL_DEFER_NEVER;
        if (a->c.defer_indexes != SL_DEFER_AUTO && a->c.defer_indexes != d) {
            fprintf(a->err, "sluice load: give --defer-indexes or --no-defer-indexes, not both\n");
            return -1;
        }
        a->c.defer_indexes = d;
        return 0;
    }
    default:
        return -1;
    }
}

static int on_load_arg(void *ctx, const char *arg)
{
    struct load_args *a = ctx;
    return sl_cli_append(&a->sources, &a->nsources, arg);
}

/* Checks what the option parser cannot. Returns 0 or -1 after a message. */
static int check_args(const struct load_args *a)
{
    const struct sl_load_config *c = &a->c;
    if (a->nsources == 0) {
        fprintf(a->err, "sluice load: no SOURCE given\nTry 'sluice load --help'.\n");
        return -1;
    }
    if (!c->into) {
        fprintf(a->err, "sluice load: --into is required\nTry 'sluice load --help'.\n");
        return -1;
    }
    if (a->skip && !c->rejects) {
        fprintf(a->err, "sluice load: --on-error skip needs --rejects PATH, where rejected rows "
                        "are kept\n");
        return -1;
    }
    if (!a->skip && (c->rejects || a->max_rejects_set)) {
        fprintf(a->err, "sluice load: --rejects and --max-rejects go with --on-error skip\n");
        return -1;
    }
    if (c->checkpoint_db && (!*c->checkpoint_db || !c->checkpoint)) {
        fprintf(a->err, "sluice load: %s\n",
                !c->checkpoint ? "--checkpoint-db and --no-checkpoint disagree; give one"
                               : "--checkpoint-db needs a database name");
        return -1;
    }
    if (c->resume && !c->checkpoint) {
        fprintf(a->err, "sluice load: --resume needs checkpoints; drop --no-checkpoint\n");
        return -1;
    }
    if (sl_cli_write_mode_check("load", c->mode, c->update_columns, c->keep_old, a->err) != 0)
        return -1;
    if (c->json_map && !c->jsonl) {
        fprintf(a->err, "sluice load: --map goes with --format jsonl\n");
        return -1;
    }
    if (c->jsonl && c->json_map && c->columns) {
        fprintf(a->err, "sluice load: give --map or --columns, not both\n");
        return -1;
    }
    if (c->jsonl && (a->sniff || a->create_table)) {
        fprintf(a->err, "sluice load: --sniff and --create-table read CSV, not --format jsonl\n");
        return -1;
    }
    struct sl_err e;
    if (sl_csv_dialect_check(&c->dialect, &e) != 0) {
        fprintf(a->err, "sluice load: %s\n", e.msg);
        return -1;
    }
    if (c->columns && (!*c->columns || strstr(c->columns, ",,") || c->columns[0] == ',' ||
                       c->columns[strlen(c->columns) - 1] == ',')) {
        fprintf(a->err, "sluice load: --columns has an empty name: '%s'\n", c->columns);
        return -1;
    }
    return 0;
}

/* A file's entry in the report: its rows in committed chunks, and how
 * the run it was part of ended. */
static int add_file_item(struct sl_report *rep, const struct sl_load_result *r,
                         const struct sl_load_file *f)
{
    struct sl_report_item *it = sl_report_add_item(rep, "file", f->path);
    if (!it)
        return -1;
    snprintf(it->status, sizeof it->status, "%s",
             r->err.kind != SL_ERR_NONE ? "failed"
             : r->interrupted           ? "interrupted"
             : f->rows_rejected         ? "rejects"
                                        : "ok");
    sl_report_item_count(it, r->dry_run ? SL_COUNTER_rows_to_write : SL_COUNTER_rows_written,
                         f->rows_written);
    sl_report_item_count(it, SL_COUNTER_rows_rejected, f->rows_rejected);
    if (f->size >= 0)
        sl_report_item_count(it, SL_COUNTER_bytes, (uint64_t)f->size);
    return sl_report_item_set(&it->target, r->target);
}

/* The counts of a load, for --report and the summary. */
static void fill_counts(struct sl_report *rep, const struct sl_load_result *r)
{
    snprintf(rep->target, sizeof rep->target, "%s", r->target);
    if (r->shard.count)
        snprintf(rep->shard, sizeof rep->shard, "%u/%u", r->shard.index, r->shard.count);
    rep->rows_read = r->rows_read;
    rep->rows_written = r->rows_written;
    rep->dry_run = r->dry_run;
    snprintf(rep->method, sizeof rep->method, "%s", r->method ? r->method : "");
    rep->rows_to_write = r->rows_to_write;
    rep->rows_rejected = r->rows_rejected;
    rep->rows_ignored = r->rows_ignored;
    rep->rows_updated = r->rows_updated;
    rep->retries = r->retries;
    rep->bytes = r->raw_bytes;
    rep->seconds = r->seconds;
    if (r->err.kind != SL_ERR_NONE)
        sl_report_error(rep, r->err.msg);
}

/* The whole report of a load: its counts, sources and entries. given: the
 * files as the user named them (when the load stopped before it opened
 * them). */
static void fill_report(struct sl_report *rep, const struct sl_load_result *r, char **given,
                        size_t ngiven)
{
    fill_counts(rep, r);
    int oom = 0;
    for (size_t i = 0; i < r->nfiles; i++)
        oom |= sl_report_add_source(rep, r->files[i].path) | add_file_item(rep, r, &r->files[i]);
    for (size_t i = 0; r->nfiles == 0 && i < ngiven; i++)
        oom |= sl_report_add_source(rep, given[i]);
    for (size_t i = 0; i < r->nnodes; i++) { /* a cluster URL: the rows through each host */
        struct sl_report_item *it = sl_report_add_item(rep, "node", r->nodes[i].name);
        if (!it) {
            oom = 1;
            break;
        }
        sl_report_item_count(it, SL_COUNTER_rows_written, r->nodes[i].rows);
    }
    if (r->finish_sql && sl_report_add_finish(rep, r->finish_sql) != 0)
        oom = 1;
    if (oom)
        sl_report_error(rep, "out of memory");
}

/* The closing summary (of a dry run: what a real run would do). */
static void print_summary(FILE *out, const struct sl_load_result *r, enum sl_write_mode mode)
{
    struct sl_report rep = {0};
    fill_counts(&rep, r);
    if (r->dry_run)
        sl_summary_head(out, "dry run of a load into %s; nothing was written", r->target);
    else if (r->err.kind != SL_ERR_NONE)
        sl_summary_head(out, "load into %s failed", r->target);
    else if (r->interrupted)
        sl_summary_head(out, "load into %s interrupted", r->target);
    else
        sl_summary_head(out, "loaded into %s", r->target);
    uint32_t show = SL_SUMMARY_SHOW(rows_read) | SL_SUMMARY_SHOW(rows_rejected);
    show |= r->dry_run ? SL_SUMMARY_SHOW(rows_to_write)
                       : SL_SUMMARY_SHOW(rows_written) | SL_SUMMARY_SHOW(retries);
    if (mode == SL_MODE_IGNORE)
        show |= SL_SUMMARY_SHOW(rows_ignored);
    if (mode == SL_MODE_UPSERT || mode == SL_MODE_REPLACE)
        show |= SL_SUMMARY_SHOW(rows_updated);
    sl_summary_counts(out, &rep, show, mode == SL_MODE_REPLACE ? "rows replaced" : NULL);
    sl_summary_method(out, r->method, r->method_why);
    if (r->shard.count)
        sl_summary_line(out, "shard", "%u of %u (from 0)", r->shard.index, r->shard.count);
    for (size_t i = 0; i < r->nnodes; i++) {
        char n[32];
        sl_summary_line(out, i == 0 ? (r->galera ? "Galera nodes" : "nodes") : "", "%s %s rows",
                        r->nodes[i].name, sl_fmt_count(r->nodes[i].rows, n, sizeof n));
    }
    char raw[32], data[32];
    sl_fmt_bytes(r->raw_bytes, raw, sizeof raw);
    if (r->data_bytes != r->raw_bytes)
        sl_summary_line(out, "bytes read", "%s (%s uncompressed)", raw,
                        sl_fmt_bytes(r->data_bytes, data, sizeof data));
    else
        sl_summary_line(out, "bytes read", "%s", raw);
    /* rows the target took, or skipped as it was asked to (--mode ignore) */
    sl_summary_rates(out, r->dry_run ? r->rows_to_write : r->rows_written + r->rows_ignored,
                     r->data_bytes, r->seconds);
    sl_report_release(&rep);
}

static int load_main(struct load_args *a, int argc, char **argv, FILE *out, FILE *err,
                     struct sl_report *rep);

/* The end of a dry run: its findings and its exit code. */
static int dry_run_end(const struct load_args *a, const struct sl_load_result *res, FILE *err)
{
    char n[32], m[32];
    if (res->err.kind != SL_ERR_NONE) {
        fprintf(err, "sluice: error: %s\n", res->err.msg);
        fprintf(err, "sluice: dry run: a real load would %s; nothing was written\n",
                res->started ? "stop there" : "not start");
        if (res->started)
            print_summary(err, res, a->c.mode);
        return res->started ? SL_EXIT_FAILED : SL_EXIT_USAGE;
    }
    if (res->interrupted) {
        fprintf(err, "sluice: dry run interrupted; nothing was written\n");
        return SL_EXIT_INTERRUPTED;
    }
    if (res->rows_rejected && !a->skip)
        fprintf(err,
                "sluice: dry run: %s rows would be rejected; with --on-error stop a real load "
                "would stop at the first of them\n",
                sl_fmt_count(res->rows_rejected, n, sizeof n));
    else if (res->rows_rejected && a->c.max_rejects && res->rows_rejected > a->c.max_rejects)
        fprintf(err,
                "sluice: dry run: %s rows would be rejected; a real load would stop after %s "
                "(--max-rejects)\n",
                sl_fmt_count(res->rows_rejected, n, sizeof n),
                sl_fmt_count(a->c.max_rejects, m, sizeof m));
    else if (res->rows_rejected)
        fprintf(err, "sluice: dry run: %s rows would be rejected, to %s.csv and %s.log\n",
                sl_fmt_count(res->rows_rejected, n, sizeof n), a->c.rejects, a->c.rejects);
    if (!a->quiet || res->rows_rejected)
        print_summary(err, res, a->c.mode);
    return res->rows_rejected ? SL_EXIT_REJECTS : SL_EXIT_OK;
}

int sl_cmd_load(int argc, char **argv, FILE *out, FILE *err)
{
    struct load_args a;
    struct sl_report rep;
    sl_report_begin(&rep, "load");
    memset(&a, 0, sizeof a);
    int code = load_main(&a, argc, argv, out, err, &rep);
    free(a.sources);
    free(a.transforms);
    return sl_report_finish(a.report, &rep, code, err);
}

/* Says how a load ended, and returns its exit code. */
static int load_end(const struct load_args *a, const struct sl_load_result *r, int failed,
                    FILE *err)
{
    char w[32], j[32];
    if (failed) {
        fprintf(err, "sluice: error: %s\n", r->err.msg);
        if (!r->started)
            return SL_EXIT_USAGE;
        fprintf(err,
                "sluice: load failed; %s rows were committed, the open chunk was rolled back\n",
                sl_fmt_count(r->rows_written, w, sizeof w));
    } else if (r->interrupted) {
        fprintf(err,
                "sluice: interrupted; %s rows were committed; run the same command with "
                "--resume to finish\n",
                sl_fmt_count(r->rows_written, w, sizeof w));
    } else if (r->rows_rejected) {
        fprintf(err, "sluice: %s rows rejected; see %s.csv and %s.log\n",
                sl_fmt_count(r->rows_rejected, j, sizeof j), a->c.rejects, a->c.rejects);
    }
    if (!a->quiet || failed || r->interrupted)
        print_summary(err, r, a->c.mode);
    if (failed)
        return SL_EXIT_FAILED;
    if (r->interrupted)
        return SL_EXIT_INTERRUPTED;
    return r->rows_rejected ? SL_EXIT_REJECTS : SL_EXIT_OK;
}

/* --sniff and --create-table: sniffs the first file; with --sniff, every
 * dialect option not given takes the sniffed value, and the choice is
 * printed. Returns 0, or -1 after a message. */
static int sniff_first(struct load_args *a, struct sl_sniff_file *f, FILE *err)
{
    const char *path = a->sources[0];
    glob_t g = {0};
    if (strcmp(path, "-") == 0) {
        fprintf(err, "sluice load: --sniff and --create-table need a file, not stdin\n");
        return -1;
    }
    if (access(path, F_OK) != 0 && glob(path, 0, NULL, &g) == 0 && g.gl_pathc > 0)
        path = g.gl_pathv[0];
    struct sl_sniff_file_opts o = {
        .head_bytes = 1 << 20, .tail_bytes = 1 << 18, .encoding = a->c.encoding};
    struct sl_err e = {0};
    int rc = sl_sniff_file(path, &o, f, &e);
    if (rc != 0)
        fprintf(err, "sluice load: --%s: %s\n", a->sniff ? "sniff" : "create-table", e.msg);
    if (rc == 0 && a->sniff) {
        const struct sl_sniff_result *r = &f->r;
        if (!a->delim_given) {
            snprintf(a->delim, sizeof a->delim, "%s", r->delim);
            a->c.dialect.delim = a->delim;
        }
        if (!a->quote_given)
            a->c.dialect.quote = r->quote;
        if (!a->escape_given)
            a->c.dialect.escape = r->escape;
        if (!a->c.dialect.comment)
            a->c.dialect.comment = r->comment;
        if (!a->c.encoding && strcmp(f->encoding, "utf8") != 0) {
            snprintf(a->encoding, sizeof a->encoding, "%s", f->encoding);
            a->c.encoding = a->encoding;
        }
        if (a->c.dialect.skip_lines == 0)
            a->c.dialect.skip_lines = r->preamble_lines;
        if (!a->header_given)
            a->c.header = r->header ? SL_HEADER_NAME : SL_HEADER_NONE;
        if (a->c.header_lines == 0 && r->header)
            a->c.header_lines = r->header_lines;
        if (!a->quiet)
            fprintf(err,
                    "sluice: sniffed %s: delimiter '%s', quote %s, escape %s, encoding %s, "
                    "%llu preamble lines, %s\n",
                    path, strcmp(a->c.dialect.delim, "\t") ? a->c.dialect.delim : "\\t",
                    a->c.dialect.quote == '"' ? "'\"'"
                    : a->c.dialect.quote      ? "\"'\""
                                              : "none",
                    a->c.dialect.escape ? "'\\'" : "none", a->c.encoding ? a->c.encoding : "utf8",
                    (unsigned long long)a->c.dialect.skip_lines,
                    a->c.header == SL_HEADER_NONE ? "no header" : "a header");
    }
    globfree(&g);
    if (rc != 0)
        return -1;
    struct sl_err ce;
    if (sl_csv_dialect_check(&a->c.dialect, &ce) != 0) {
        fprintf(err, "sluice load: %s\n", ce.msg);
        sl_sniff_file_release(f);
        return -1;
    }
    return 0;
}

/* --profile: the load's sizes and method within the engine's limits. */
static int apply_profile(struct load_args *a, FILE *err)
{
    uint64_t txn = a->c.txn_rows;
    int rc = sl_cli_profile("load", a->profile, &a->c.batch_rows, &txn, &a->c.txn_bytes,
                            &a->c.stmt_bytes, &a->c.method, err);
    a->c.txn_rows = (size_t)txn;
    if (rc == 0 && !a->quiet)
        sl_cli_profile_say(a->profile, a->c.batch_rows, txn, a->c.txn_bytes, a->c.method, err);
    return rc;
}

/* --shard: refuses what one shard would do to the others' rows, and gives
 * each shard rejects files of its own. Returns 0 or -1 after a message. */
static int check_shard(struct load_args *a)
{
    struct sl_load_config *c = &a->c;
    if (!c->shard.count)
        return 0;
    const char *clash = c->mode == SL_MODE_TRUNCATE ? "--mode truncate, which empties the table"
                        : c->mode == SL_MODE_SWAP   ? "--mode swap, which replaces the table"
                        : a->create_table           ? "--create-table; create it first"
                        : c->defer_indexes == SL_DEFER_ALWAYS
                            ? "--defer-indexes, which takes indexes off while others write"
                            : NULL;
    if (clash) {
        fprintf(a->err,
                "sluice load: --shard cannot be used with %s: the other shards write "
                "the same table\n",
                clash);
        return -1;
    }
    c->defer_indexes = SL_DEFER_NEVER; /* auto would let every shard find it empty */
    if (c->rejects) {
        snprintf(a->shard_rejects, sizeof a->shard_rejects, "%s.shard-%u-of-%u", c->rejects,
                 c->shard.index, c->shard.count);
        c->rejects = a->shard_rejects;
    }
    return 0;
}

static int load_main(struct load_args *a, int argc, char **argv, FILE *out, FILE *err,
                     struct sl_report *rep)
{
    a->err = err;
    a->c.threads = DEFAULT_THREADS;
    a->c.batch_rows = DEFAULT_BATCH_ROWS;
    a->c.txn_rows = DEFAULT_TXN_ROWS;
    a->c.dialect.delim = ",";
    a->c.dialect.quote = '"';
    a->c.dialect.null_marker = "\\N";
    a->c.header = SL_HEADER_NAME;
    a->c.time_zone = "+00:00";
    a->c.retries = SL_CLI_RETRIES;
    a->c.retry_max_seconds = SL_CLI_RETRY_SECS;
    a->c.checkpoint = 1;
    a->c.method = SL_CHOOSE_AUTO;
    a->c.binary_hex = 1;
    a->c.progress_mode = -1;

    int rc = sl_cli_parse("load", sl_load_opts, argc, argv, on_load_opt, on_load_arg, a, err);
    if (rc == 0 && a->help) {
        load_help(out);
        return SL_EXIT_OK;
    }
    if (rc != 0 || check_args(a) != 0 || sl_cli_conn_ask("load", &a->c.flags, err) != 0 ||
        sl_cli_shard_resolve("load", &a->c.shard, a->shards, err) != 0 || check_shard(a) != 0 ||
        apply_profile(a, err) != 0)
        return SL_EXIT_USAGE;
    struct sl_sniff_file sniffed;
    int have_sniffed = 0;
    if ((a->sniff || a->create_table) && sniff_first(a, &sniffed, err) != 0)
        return SL_EXIT_USAGE;
    have_sniffed = a->sniff || a->create_table;
    a->c.create_from = a->create_table ? &sniffed : NULL;
    a->c.sources = a->sources;
    a->c.nsources = a->nsources;
    a->c.transforms = a->transforms;
    a->c.ntransforms = a->ntransforms;
    a->c.progress = !a->quiet;
    a->c.progress_mode = sl_cli_progress_mode(a->c.progress_mode, a->quiet);

    struct sl_load_result res;
    int failed = sl_load_run(&a->c, &res, err) != 0;
    fill_report(rep, &res, a->sources, a->nsources);
    int code = a->c.dry_run ? dry_run_end(a, &res, err) : load_end(a, &res, failed, err);
    sl_load_result_release(&res);
    if (have_sniffed)
        sl_sniff_file_release(&sniffed);
    return code;
}
