/*
 * sl_cli: command-line options described once, in a table.
 *
 * Each command lists its options as an array of struct sl_opt; the same
 * table drives getopt_long() and the option list in --help, so the two
 * cannot drift apart.
 */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "sl_conn.h"
#include "sl_shard.h"
#include "sl_tls.h"
#include "sl_write_method.h"
#include "sl_write_mode.h"

/* How sl_cli_parse() stores an option by itself (SL_OPT_CUSTOM: the
 * command's on_opt callback handles it). */
enum sl_opt_kind {
    SL_OPT_CUSTOM = 0,
    SL_OPT_STRING, /* a const char * field takes the argument */
    SL_OPT_SET,    /* an int field becomes 1 */
    SL_OPT_CLEAR,  /* an int field becomes 0 */
    SL_OPT_NUMBER, /* an unsigned field (4 or 8 bytes) takes a whole number in [min, max] */
};

#define SL_OPT_OPTIONAL_ARG 2

struct sl_opt {
    const char *name; /* long name, without "--"; NULL ends the table */
    int key;          /* short option letter, or a value >= 256 */
    int has_arg;      /* 0 none, 1 required, SL_OPT_OPTIONAL_ARG: only attached
                         (-pSECRET, --password=SECRET) */
    const char *arg;  /* the argument's placeholder in --help, e.g. "N" */
    const char *help; /* one line; "\n" starts a continuation line */
    /* where sl_cli_parse() stores the value itself, as an offset into the
     * ctx it was given; see the SL_STORE_* macros */
    enum sl_opt_kind kind;
    size_t off;
    unsigned char width; /* SL_OPT_NUMBER: the field's size */
    unsigned long long min, max;
};

/* The storing part of an option entry: write the five fields of struct
 * sl_opt, then one of these, naming the ctx type T and its field f:
 *   {"threads", 't', 1, "N", "writers", SL_STORE_NUM(struct args, threads, 1, 256)} */
#define SL_STORE_STR(T, f)   .kind = SL_OPT_STRING, .off = offsetof(T, f)
#define SL_STORE_SET(T, f)   .kind = SL_OPT_SET, .off = offsetof(T, f)
#define SL_STORE_CLEAR(T, f) .kind = SL_OPT_CLEAR, .off = offsetof(T, f)
#define SL_STORE_NUM(T, f, lo, hi)                                                                 \
    .kind = SL_OPT_NUMBER, .off = offsetof(T, f), .width = sizeof(((T *)0)->f), .min = (lo),       \
    .max = (hi)

/* The options of every command that connects to a server, with keys of
 * their own; put SL_CLI_CONN_OPTS in a command's table and hand each key to
 * sl_cli_conn_opt() first. */
enum {
    SL_OPT_DEFAULTS_FILE = 0x1000,
    SL_OPT_SESSION_SQL,
    SL_OPT_TIME_ZONE,
    SL_OPT_SSL_MODE,
    SL_OPT_SSL_CA,
    SL_OPT_SSL_CERT,
    SL_OPT_SSL_KEY,
    SL_OPT_REPORT,
    SL_OPT_BEFORE_SQL,
    SL_OPT_AFTER_SQL,
    SL_OPT_MODE,
    SL_OPT_UPDATE_COLUMNS,
    SL_OPT_KEEP_OLD,
    SL_OPT_RETRIES,
    SL_OPT_RETRY_MAX_SECONDS,
    SL_OPT_METHOD,
    SL_OPT_CONNECT_TIMEOUT,
    SL_OPT_NO_DEFAULTS,
    SL_OPT_DEFAULTS_EXTRA_FILE,
    SL_OPT_HELP, /* --help of the commands that connect, where -h is the host */
    SL_OPT_PROGRESS,
    SL_OPT_MAX_RATE,
    SL_OPT_SHARD,
    SL_OPT_SHARDS,
    SL_OPT_PROFILE,
    SL_OPT_HOSTS_POLICY,
};

/* --hosts-policy first|spread, for load and copy (sl_conn.h). */
#define SL_CLI_HOSTS_POLICY_OPT                                                                    \
    {                                                                                              \
        "hosts-policy", SL_OPT_HOSTS_POLICY, 1, "POLICY",                                          \
            "with several hosts in the URL (a cluster): first (the default:\n"                     \
            "every connection to the first live one) or spread (writer i\n"                        \
            "starts at host i); a lost host's writers move to the next"                            \
    }

/* --profile ENGINE, for load and copy (sl_profile.h). */
#define SL_CLI_PROFILE_OPT                                                                         \
    {                                                                                              \
        "profile", SL_OPT_PROFILE, 1, "ENGINE",                                                    \
            "stay inside the limits of vitess, planetscale or tidb: rows and\n"                    \
            "bytes per statement and transaction, and no LOAD DATA through\n"                      \
            "vtgate (default none)"                                                                \
    }

/* --shard I/N and --shards N, for load, copy, extract and bench
 * (sl_shard.h). */
#define SL_CLI_SHARD_OPTS                                                                          \
    {"shard", SL_OPT_SHARD, 1, "I/N",                                                              \
     "do shard I (from 0) of N of this job: every shard works out the\n"                           \
     "same split and takes its own part (default: the whole job)"},                                \
    {                                                                                              \
        "shards", SL_OPT_SHARDS, 1, "N",                                                           \
            "split the job in N shards, this one being JOB_COMPLETION_INDEX\n"                     \
            "(as a Kubernetes Indexed Job sets it)"                                                \
    }

/* --max-rate RATE, for load, extract and copy (sl_rate.h). */
#define SL_CLI_MAX_RATE_OPT                                                                        \
    {                                                                                              \
        "max-rate", SL_OPT_MAX_RATE, 1, "RATE",                                                    \
            "write at most RATE: rows a second (5000 or 5000/s), or bytes\n"                       \
            "of values a second (10MB/s, 500kB/s, 1GB/s) (default: no limit)"                      \
    }

/* --progress MODE, for load, extract, copy and bench (sl_progress.h). */
#define SL_CLI_PROGRESS_OPT                                                                        \
    {                                                                                              \
        "progress", SL_OPT_PROGRESS, 1, "MODE",                                                    \
            "how progress is shown on stderr: auto (a bar on a terminal,\n"                        \
            "log lines otherwise), bar, log (a timestamped line every 5 s),\n"                     \
            "json (an object every 5 s and a last one) or none (default auto)"                     \
    }

/* --retries and --retry-max-seconds, for the commands that write to MySQL
 * (see sl_chunk_writer.h), stored into T's fields n (unsigned) and secs
 * (unsigned seconds). Their defaults: */
#define SL_CLI_RETRIES    10
#define SL_CLI_RETRY_SECS 300
#define SL_CLI_STR_(x)    #x
#define SL_CLI_STR(x)     SL_CLI_STR_(x)
#define SL_CLI_RETRY_OPTS(T, n, secs)                                                              \
    {"retries",                                                                                    \
     SL_OPT_RETRIES,                                                                               \
     1,                                                                                            \
     "N",                                                                                          \
     "retry a transient error (deadlock, lock wait timeout, lost\n"                                \
     "connection, a killed connection, server restart, too many\n"                                 \
     "connections) up to N times, replaying the chunk (default " SL_CLI_STR(SL_CLI_RETRIES) ")",   \
     SL_STORE_NUM(T, n, 0, 1000)},                                                                 \
    {                                                                                              \
        "retry-max-seconds", SL_OPT_RETRY_MAX_SECONDS, 1, "S",                                     \
            "give up retrying one chunk after S seconds (default " SL_CLI_STR(                     \
                SL_CLI_RETRY_SECS) ")",                                                            \
            SL_STORE_NUM(T, secs, 0, 86400 * 7)                                                    \
    }

/* --mode, --update-columns and --keep-old, for load and copy (see
 * sl_write_mode.h). */
#define SL_CLI_WRITE_MODE_OPTS                                                                     \
    {"mode", SL_OPT_MODE, 1, "MODE",                                                               \
     "how rows meet the table: insert (default), ignore (skip a row whose\n"                       \
     "key exists, counted), replace (delete it first, counted), upsert\n"                          \
     "(update the existing row, counted when a value changes), truncate\n"                         \
     "(empty the table first), swap (write a copy, then swap it in)"},                             \
        {"update-columns", SL_OPT_UPDATE_COLUMNS, 1, "a,b",                                        \
         "with --mode upsert: the columns to update (default: every loaded\ncolumn outside the "   \
         "primary and unique keys)"},                                                              \
    {                                                                                              \
        "keep-old", SL_OPT_KEEP_OLD, 0, "",                                                        \
            "with --mode swap: keep the replaced table as <table>__sluice_old"                     \
    }

/* --method, for the commands that write rows to MySQL (see
 * sl_write_method.h). */
#define SL_CLI_METHOD_OPT                                                                          \
    {                                                                                              \
        "method", SL_OPT_METHOD, 1, "METHOD",                                                      \
            "how rows are sent: insert (multi-row prepared INSERTs), load-data\n"                  \
            "(LOAD DATA LOCAL streamed from memory; no file is written, and the\n"                 \
            "server can read nothing else), bulk (MariaDB's array binding), or\n"                  \
            "auto (the default: load-data where the server's local_infile and\n"                   \
            "--mode allow it, else bulk where the server takes it, else insert)"                   \
    }

/* --before-sql and --after-sql, for the commands that write to a server. */
#define SL_CLI_HOOK_OPTS                                                                           \
    {"before-sql", SL_OPT_BEFORE_SQL, 1, "SQL",                                                    \
     "run SQL on the target (and commit it) after connecting, before\n"                            \
     "any row; if it fails nothing is written (exit 2)"},                                          \
    {                                                                                              \
        "after-sql", SL_OPT_AFTER_SQL, 1, "SQL",                                                   \
            "run SQL on the target (and commit it) once every row is\n"                            \
            "committed; not after a failure or an interruption"                                    \
    }

/* --report FILE, for the commands a job step can run (see sl_report.h). */
#define SL_CLI_REPORT_OPT                                                                          \
    {                                                                                              \
        "report", SL_OPT_REPORT, 1, "FILE",                                                        \
            "write a JSON record of the run to FILE (docs/report.md): status,\n"                   \
            "times, sources, counters and an entry per file, table or cell"                        \
    }

/* clang-format off */
#define SL_CLI_CONN_OPTS                                                                           \
    {"defaults-file", SL_OPT_DEFAULTS_FILE, 1, "FILE",                                             \
     "read user, password, host, port or socket from the [client]\nand [sluice] groups of this "   \
     "option file only (default: the\nstandard ones, /etc/mysql/my.cnf and ~/.my.cnf)"},          \
    {"defaults-extra-file", SL_OPT_DEFAULTS_EXTRA_FILE, 1, "FILE",                                 \
     "also read this option file: after the global ones (or\n--defaults-file), before ~/.my.cnf"}, \
    {"no-defaults", SL_OPT_NO_DEFAULTS, 0, "", "read no option file"},                             \
    {"user", 'u', 1, "NAME", "user name, when the URL has none"},                                  \
    {"host", 'h', 1, "HOST", "host name, when the URL has none (--help is help)"},                \
    {"port", 'P', 1, "N", "TCP port, when the URL has none"},                                      \
    {"socket", 'S', 1, "PATH", "unix socket, when the URL names no host or localhost"},           \
    {"password", 'p', SL_OPT_OPTIONAL_ARG, "[PW]",                                                 \
     "-pPW or --password=PW: the password when the URL has none\n(insecure: others may see "       \
     "it); -p alone asks for it\non the terminal"},                                                \
    {"session-sql", SL_OPT_SESSION_SQL, 1, "SQL",                                                  \
     "run SQL on every connection after sluice's own set-up"},                                     \
    {"time-zone", SL_OPT_TIME_ZONE, 1, "TZ",                                                       \
     "session time_zone for TIMESTAMP values (default +00:00)"},                                   \
    {"ssl-mode", SL_OPT_SSL_MODE, 1, "MODE",                                                       \
     "DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY\n"                               \
     "(default PREFERRED over TCP, DISABLED over a socket,\nVERIFY_CA when --ssl-ca is given)"},   \
    {"ssl-ca", SL_OPT_SSL_CA, 1, "FILE", "PEM file of the CA that signed the server's certificate"}, \
    {"ssl-cert", SL_OPT_SSL_CERT, 1, "FILE", "PEM file of a client certificate"},                  \
    {"ssl-key", SL_OPT_SSL_KEY, 1, "FILE", "PEM file of the client certificate's key"},             \
    {"connect-timeout", SL_OPT_CONNECT_TIMEOUT, 1, "S",                                            \
     "give up connecting to a server that does not answer within\nS seconds (default "             \
     SL_CLI_STR(SL_CONN_CONNECT_TIMEOUT) ")"}
/* clang-format on */

/* Where a command keeps the values of the connection options, and of
 * SL_CLI_HOOK_OPTS, SL_CLI_REPORT_OPT, SL_CLI_WRITE_MODE_OPTS and
 * SL_CLI_METHOD_OPT (NULL for a command without them). */
struct sl_cli_conn {
    const char **defaults_file;
    const char **session_sql;
    const char **time_zone;
    struct sl_tls *tls;
    const char **before_sql;
    const char **after_sql;
    const char **report;
    enum sl_write_mode *mode;
    const char **update_columns;
    int *keep_old;
    enum sl_method_choice *method;
    unsigned *connect_timeout;   /* seconds; left 0 when not given */
    struct sl_conn_flags *flags; /* -u -h -P -S -p */
    int *progress;               /* --progress: an enum sl_progress_mode; left as it was
                                    when not given */
    double *max_rows_per_sec;    /* --max-rate: one of these two is set, the other 0 */
    double *max_bytes_per_sec;
    int *profile;                       /* --profile: an enum sl_profile */
    enum sl_hosts_policy *hosts_policy; /* --hosts-policy */
    struct sl_shard *shard;             /* --shard; count stays 0 when not given */
    unsigned *shards;                   /* --shards; 0 when not given */
};

/* After the options are parsed: lowers the sizes to --profile's limits
 * (sl_profile_apply) and sets stmt_bytes. Returns 0, or -1 after a message
 * on err. */
int sl_cli_profile(const char *cmd, int profile, size_t *batch_rows, uint64_t *txn_rows,
                   size_t *txn_bytes, size_t *stmt_bytes, enum sl_method_choice *method, FILE *err);

/* Says on err what --profile made of the sizes (nothing without one). */
void sl_cli_profile_say(int profile, size_t batch_rows, uint64_t txn_rows, size_t txn_bytes,
                        enum sl_method_choice method, FILE *err);

/* After the options are parsed: settles the shard from --shard, or from
 * --shards and JOB_COMPLETION_INDEX; the two must agree when both are
 * given. Returns 0, or -1 after a message on err. */
int sl_cli_shard_resolve(const char *cmd, struct sl_shard *shard, unsigned shards, FILE *err);

/* The progress mode a command runs with: given (--progress, or -1 when not
 * given), else none under -q and auto otherwise. */
int sl_cli_progress_mode(int given, int quiet);

/* After the options are parsed: asks for the password on the terminal when
 * -p was given alone (without echo), or refuses when there is no terminal
 * to ask on. Returns 0, or -1 after a message on err. */
int sl_cli_conn_ask(const char *cmd, struct sl_conn_flags *f, FILE *err);

/* Warns on err, as the mysql client does, when the option file at path sets
 * a password and its group or others may read it:
 * "sluice CMD: warning: PATH holds a password and can be read by other
 * users (mode 0644); chmod 600 PATH". */
void sl_cli_warn_exposed_defaults(const char *cmd, const char *path, FILE *err);

/* Stores v when key is one of SL_CLI_CONN_OPTS, SL_CLI_HOOK_OPTS,
 * SL_CLI_REPORT_OPT or SL_CLI_WRITE_MODE_OPTS that c has a place for.
 * Returns 1 if it was, 0 if it was not (the command handles the key
 * itself), or -1 after printing "sluice CMD: ..." to err for a bad value. */
int sl_cli_conn_opt(const char *cmd, const struct sl_cli_conn *c, int key, const char *v,
                    FILE *err);

/* Checks that --update-columns comes with --mode upsert and --keep-old
 * with --mode swap. Returns 0, or -1 after printing "sluice CMD: ..." to
 * err. */
int sl_cli_write_mode_check(const char *cmd, enum sl_write_mode mode, const char *update_columns,
                            int keep_old, FILE *err);

/* Parses argv against opts. An option with a kind of its own is stored into
 * ctx by its SL_STORE_* entry (a bad number fails with "sluice CMD: --NAME
 * must be a whole number from MIN to MAX, not 'V'"); for the others it calls
 * on_opt(ctx, key, optarg) (NULL when the table stores every option), and
 * on_arg(ctx, arg) for each operand; a command that takes no operands
 * passes NULL, and an operand then fails with "sluice CMD: unexpected
 * argument 'ARG'". Stops at the first non-zero return
 * of a callback. Returns 0, or -1 after printing "sluice CMD: ..." to err for
 * an unknown option or a missing argument. */
int sl_cli_parse(const char *cmd, const struct sl_opt *opts, int argc, char **argv,
                 int (*on_opt)(void *ctx, int key, const char *val),
                 int (*on_arg)(void *ctx, const char *arg), void *ctx, FILE *err);

/* Parses a whole number option value into *out. Returns 0, or -1 after
 * printing "sluice CMD: --NAME must be a whole number from LO to HI, not
 * 'V'" to err. */
int sl_cli_count(const char *cmd, const char *name, const char *v, unsigned long long lo,
                 unsigned long long hi, unsigned long long *out, FILE *err);

/* Parses the value of an option that takes one of the names in names
 * (NULL-terminated): *out becomes its index. Returns 0, or -1 after printing
 * "sluice CMD: --NAME must be a, b or c, not 'V'" to err. */
int sl_cli_choice(const char *cmd, const char *name, const char *v, const char *const *names,
                  int *out, FILE *err);

/* Parses a byte size: a whole number, optionally followed by K, M, G or T
 * (powers of 1024). Returns 0, or -1 after printing a message naming the
 * option. */
int sl_cli_size(const char *cmd, const char *name, const char *v, unsigned long long *out,
                FILE *err);

/* The option of opts with the long name name, or NULL. */
const struct sl_opt *sl_cli_find_opt(const struct sl_opt *opts, const char *name);

/* True when s ends with suffix (a file name's extension, say). */
int sl_cli_ends_with(const char *s, const char *suffix);

/* Appends arg (not copied: argv strings live as long as the run) to the
 * growing list *v of *n strings. Returns 0 or -1 (no memory). */
int sl_cli_append(char ***v, size_t *n, const char *arg);

/* Prints the option list of opts, one option per line, aligned. */
void sl_cli_print_options(FILE *out, const struct sl_opt *opts);

#endif
