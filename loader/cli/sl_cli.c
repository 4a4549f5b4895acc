#include "sl_cli.h"
#include "sl_profile.h"
#include "sl_progress.h"
#include "sl_rate.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sl_secret_file.h"
#include "sl_suggest.h"

int sl_cli_choice(const char *cmd, const char *name, const char *v, const char *const *names,
                  int *out, FILE *err)
{
    int n = 0;
    for (; names[n]; n++) {
        if (!strcmp(v, names[n])) {
            *out = n;
            return 0;
        }
    }
    fprintf(err, "sluice %s: --%s must be ", cmd, name);
    for (int i = 0; i < n; i++)
        fprintf(err, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
    fprintf(err, ", not '%s'\n", v);
    return -1;
}

/* Stores the value of option o into ctx as its entry says. Returns 0, or -1
 * after a message. */
static int store(const char *cmd, const struct sl_opt *o, void *ctx, const char *v, FILE *err)
{
    char *at = (char *)ctx + o->off;
    unsigned long long n;
    switch (o->kind) {
    case SL_OPT_STRING:
        memcpy(at, &v, sizeof v);
        return 0;
    case SL_OPT_SET:
    case SL_OPT_CLEAR: {
        int b = o->kind == SL_OPT_SET;
        memcpy(at, &b, sizeof b);
        return 0;
    }
    case SL_OPT_NUMBER:
        if (sl_cli_count(cmd, o->name, v, o->min, o->max, &n, err) != 0)
            return -1;
        if (o->width == 4) {
            uint32_t w = (uint32_t)n;
            memcpy(at, &w, sizeof w);
        } else {
            uint64_t w = (uint64_t)n;
            memcpy(at, &w, sizeof w);
        }
        return 0;
    case SL_OPT_CUSTOM:
        break;
    }
    return -1;
}

/* "unknown option", and the option that was probably meant. */
static void unknown_option(const char *cmd, const struct sl_opt *opts, const char *bad, FILE *err)
{
    char word[64] = "";
    const char *near = NULL;
    if (strncmp(bad, "--", 2) == 0) {
        snprintf(word, sizeof word, "%.*s", (int)strcspn(bad + 2, "="), bad + 2);
        const char *names[256];
        size_t n = 0;
        for (const struct sl_opt *o = opts; o->name && n < 256; o++)
            names[n++] = o->name;
        near = sl_suggest(word, names, n);
    }
    if (near)
        fprintf(err, "sluice %s: unknown option '%s'; did you mean '--%s'?\n", cmd, bad, near);
    else
        fprintf(err, "sluice %s: unknown option '%s'\n", cmd, bad);
}

int sl_cli_parse(const char *cmd, const struct sl_opt *opts, int argc, char **argv,
                 int (*on_opt)(void *ctx, int key, const char *val),
                 int (*on_arg)(void *ctx, const char *arg), void *ctx, FILE *err)
{
    size_t n = 0;
    while (opts[n].name)
        n++;
    struct option *lo = calloc(n + 1, sizeof *lo);
    char *shorts = calloc(2 * n + 3, 1);
    if (!lo || !shorts) {
        free(lo);
        free(shorts);
        fprintf(err, "sluice %s: out of memory\n", cmd);
        return -1;
    }
    size_t s = 0;
    shorts[s++] = ':'; /* report a missing argument as ':' */
    for (size_t i = 0; i < n; i++) {
        lo[i].name = opts[i].name;
        lo[i].has_arg = opts[i].has_arg == SL_OPT_OPTIONAL_ARG ? optional_argument
                        : opts[i].has_arg                      ? required_argument
                                                               : no_argument;
        lo[i].val = opts[i].key;
        if (opts[i].key < 256) {
            shorts[s++] = (char)opts[i].key;
            if (opts[i].has_arg)
                shorts[s++] = ':';
            if (opts[i].has_arg == SL_OPT_OPTIONAL_ARG)
                shorts[s++] = ':';
        }
    }
    int rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0) {
        int k = getopt_long(argc, argv, shorts, lo, NULL);
        if (k == -1) { /* getopt_long moved every operand to the end */
            for (int i = optind; i < argc && rc == 0; i++) {
                if (on_arg) {
                    rc = on_arg(ctx, argv[i]);
                } else {
                    fprintf(err, "sluice %s: unexpected argument '%s'\n", cmd, argv[i]);
                    rc = -1;
                }
            }
            break;
        }
        if (k == '?' || k == ':') {
            const char *bad = argv[optind - 1];
            if (k == ':')
                fprintf(err, "sluice %s: option '%s' needs an argument\n", cmd, bad);
            else
                unknown_option(cmd, opts, bad, err);
            fprintf(err, "Try 'sluice %s --help'.\n", cmd);
            rc = -1;
            break;
        }
        const struct sl_opt *o = opts;
        while (o->name && o->key != k)
            o++;
        if (o->name && o->kind != SL_OPT_CUSTOM)
            rc = store(cmd, o, ctx, optarg, err);
        else
            rc = on_opt ? on_opt(ctx, k, optarg) : -1;
    }
    free(lo);
    free(shorts);
    return rc;
}

int sl_cli_count(const char *cmd, const char *name, const char *v, unsigned long long lo,
                 unsigned long long hi, unsigned long long *out, FILE *err)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || *v == '-' || n < lo || n > hi) {
        fprintf(err, "sluice %s: --%s must be a whole number from %llu to %llu, not '%s'\n", cmd,
                name, lo, hi, v);
        return -1;
    }
    *out = n;
    return 0;
}

int sl_cli_size(const char *cmd, const char *name, const char *v, unsigned long long *out,
                FILE *err)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10), unit = 1;
    switch (*end) {
    case 'K':
    case 'k':
        unit = 1ULL << 10;
        break;
    case 'M':
    case 'm':
        unit = 1ULL << 20;
        break;
    case 'G':
    case 'g':
        unit = 1ULL << 30;
        break;
    case 'T':
    case 't':
        unit = 1ULL << 40;
        break;
    }
    if (unit > 1)
        end++;
    if (errno || end == v || *end || *v == '-' || n == 0 || n > UINT64_MAX / unit) {
        fprintf(err, "sluice %s: --%s must be a size such as 500000, 64K, 256M or 2G, not '%s'\n",
                cmd, name, v);
        return -1;
    }
    *out = n * unit;
    return 0;
}

int sl_cli_write_mode_check(const char *cmd, enum sl_write_mode mode, const char *update_columns,
                            int keep_old, FILE *err)
{
    if (update_columns && mode != SL_MODE_UPSERT) {
        fprintf(err, "sluice %s: --update-columns goes with --mode upsert\n", cmd);
        return -1;
    }
    if (keep_old && mode != SL_MODE_SWAP) {
        fprintf(err, "sluice %s: --keep-old goes with --mode swap\n", cmd);
        return -1;
    }
    return 0;
}

int sl_cli_profile(const char *cmd, int profile, size_t *batch_rows, uint64_t *txn_rows,
                   size_t *txn_bytes, size_t *stmt_bytes, enum sl_method_choice *method, FILE *err)
{
    struct sl_err e;
    if (sl_profile_apply((enum sl_profile)profile, batch_rows, txn_rows, txn_bytes, method, &e) !=
        0) {
        fprintf(err, "sluice %s: %s\n", cmd, e.msg);
        return -1;
    }
    struct sl_profile_limits l = sl_profile_limits((enum sl_profile)profile);
    if (l.stmt_bytes)
        *stmt_bytes = l.stmt_bytes;
    return 0;
}

void sl_cli_profile_say(int profile, size_t batch_rows, uint64_t txn_rows, size_t txn_bytes,
                        enum sl_method_choice method, FILE *err)
{
    if (profile == SL_PROFILE_NONE)
        return;
    fprintf(err,
            "sluice: --profile %s: %zu rows a statement, at most %llu rows and %.1f MB of "
            "values a transaction, method %s\n",
            sl_profile_names[profile], batch_rows, (unsigned long long)txn_rows,
            (double)txn_bytes / 1e6, sl_method_choice_names[method]);
}

int sl_cli_shard_resolve(const char *cmd, struct sl_shard *shard, unsigned shards, FILE *err)
{
    if (shards == 0)
        return 0;
    struct sl_shard env;
    const char *why = "";
    int rc = sl_shard_from_env(shards, &env, &why);
    if (rc < 0) {
        fprintf(err, "sluice %s: --shards %u: %s, not '%s'\n", cmd, shards, why,
                getenv("JOB_COMPLETION_INDEX"));
        return -1;
    }
    if (shard->count && shard->count != shards) {
        fprintf(err, "sluice %s: --shard %u/%u and --shards %u disagree\n", cmd, shard->index,
                shard->count, shards);
        return -1;
    }
    if (shard->count)
        return 0;
    if (rc == 0) {
        fprintf(err,
                "sluice %s: --shards %u needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job "
                "sets it), or give --shard I/%u\n",
                cmd, shards, shards);
        return -1;
    }
    *shard = env;
    return 0;
}

int sl_cli_progress_mode(int given, int quiet)
{
    if (given >= 0)
        return given;
    return quiet ? SL_PROGRESS_NONE : SL_PROGRESS_AUTO;
}

int sl_cli_conn_opt(const char *cmd, const struct sl_cli_conn *c, int key, const char *v, FILE *err)
{
    int mode;
    switch (key) {
    case SL_OPT_SSL_MODE:
        if (sl_cli_choice(cmd, "ssl-mode", v, sl_tls_mode_names, &mode, err) != 0)
            return -1;
        c->tls->mode = (enum sl_tls_mode)(SL_TLS_DISABLED + mode);
        return 1;
    case SL_OPT_SSL_CA:
        c->tls->ca = v;
        return 1;
    case SL_OPT_BEFORE_SQL:
    case SL_OPT_AFTER_SQL:
    case SL_OPT_REPORT: {
        const char **slot = key == SL_OPT_BEFORE_SQL  ? c->before_sql
                            : key == SL_OPT_AFTER_SQL ? c->after_sql
                                                      : c->report;
        if (!slot)
            return 0;
        *slot = v;
        return 1;
    }
    case SL_OPT_MODE:
        if (!c->mode)
            return 0;
        if (sl_cli_choice(cmd, "mode", v, sl_write_mode_names, &mode, err) != 0)
            return -1;
        *c->mode = (enum sl_write_mode)mode;
        return 1;
    case SL_OPT_METHOD:
        if (!c->method)
            return 0;
        if (sl_cli_choice(cmd, "method", v, sl_method_choice_names, &mode, err) != 0)
            return -1;
        *c->method = (enum sl_method_choice)mode;
        return 1;
    case SL_OPT_UPDATE_COLUMNS:
        if (!c->update_columns)
            return 0;
        *c->update_columns = v;
        return 1;
    case SL_OPT_KEEP_OLD:
        if (!c->keep_old)
            return 0;
        *c->keep_old = 1;
        return 1;
    case SL_OPT_SSL_CERT:
        c->tls->cert = v;
        return 1;
    case SL_OPT_SSL_KEY:
        c->tls->key = v;
        return 1;
    case SL_OPT_DEFAULTS_FILE:
    case SL_OPT_NO_DEFAULTS:
        /* "" stands for --no-defaults (see sl_conn.h) */
        if (*c->defaults_file && (**c->defaults_file == '\0') != (key == SL_OPT_NO_DEFAULTS)) {
            fprintf(err, "sluice %s: give --defaults-file or --no-defaults, not both\n", cmd);
            return -1;
        }
        *c->defaults_file = key == SL_OPT_NO_DEFAULTS ? "" : v;
        if (key == SL_OPT_DEFAULTS_FILE)
            sl_cli_warn_exposed_defaults(cmd, v, err);
        return 1;
    case SL_OPT_DEFAULTS_EXTRA_FILE:
        if (!c->flags)
            return -1;
        if (access(v, R_OK) != 0) {
            fprintf(err, "sluice %s: --defaults-extra-file %s: cannot read it: %s\n", cmd, v,
                    strerror(errno));
            return -1;
        }
        if (strchr(v, '\n')) {
            fprintf(err, "sluice %s: --defaults-extra-file: a file name with a line break\n", cmd);
            return -1;
        }
        c->flags->defaults_extra_file = v;
        sl_cli_warn_exposed_defaults(cmd, v, err);
        return 1;
    case SL_OPT_SESSION_SQL:
        *c->session_sql = v;
        return 1;
    case 'u':
    case 'h':
    case 'S':
        if (!c->flags)
            return -1;
        *(key == 'u' ? &c->flags->user : key == 'h' ? &c->flags->host : &c->flags->socket) = v;
        return 1;
    case 'P': {
        unsigned long long n;
        if (!c->flags || sl_cli_count(cmd, "port", v, 1, 65535, &n, err) != 0)
            return -1;
        c->flags->port = (unsigned)n;
        return 1;
    }
    case 'p':
        if (!c->flags)
            return -1;
        if (v) {
            c->flags->password = v;
            fprintf(err,
                    "sluice %s: warning: a password on the command line is insecure; "
                    "put it in an option file or MYSQL_PWD\n",
                    cmd);
        } else {
            c->flags->prompt = 1;
        }
        return 1;
    case SL_OPT_PROGRESS:
        if (!c->progress)
            return 0;
        if (sl_cli_choice(cmd, "progress", v, sl_progress_mode_names, &mode, err) != 0)
            return -1;
        *c->progress = mode;
        return 1;
    case SL_OPT_HOSTS_POLICY:
        if (!c->hosts_policy)
            return 0;
        if (sl_cli_choice(cmd, "hosts-policy", v, sl_hosts_policy_names, &mode, err) != 0)
            return -1;
        *c->hosts_policy = (enum sl_hosts_policy)mode;
        return 1;
    case SL_OPT_PROFILE:
        if (!c->profile)
            return 0;
        if (sl_cli_choice(cmd, "profile", v, sl_profile_names, &mode, err) != 0)
            return -1;
        *c->profile = mode;
        return 1;
    case SL_OPT_SHARD: {
        const char *why;
        if (!c->shard)
            return 0;
        if (sl_shard_parse(v, c->shard, &why) != 0) {
            fprintf(err, "sluice %s: --shard '%s': %s\n", cmd, v, why);
            return -1;
        }
        return 1;
    }
    case SL_OPT_SHARDS: {
        unsigned long long n;
        if (!c->shards || sl_cli_count(cmd, "shards", v, 1, SL_SHARD_MAX, &n, err) != 0)
            return -1;
        *c->shards = (unsigned)n;
        return 1;
    }
    case SL_OPT_MAX_RATE:
        if (!c->max_rows_per_sec)
            return 0;
        if (sl_rate_parse(v, c->max_rows_per_sec, c->max_bytes_per_sec) != 0) {
            fprintf(err,
                    "sluice %s: --max-rate must be rows a second (5000 or 5000/s) or bytes a "
                    "second (10MB/s, 500kB/s, 1GB/s), above 0, not '%s'\n",
                    cmd, v);
            return -1;
        }
        return 1;
    case SL_OPT_CONNECT_TIMEOUT: {
        unsigned long long n;
        if (!c->connect_timeout || sl_cli_count(cmd, "connect-timeout", v, 1, 3600, &n, err) != 0)
            return -1;
        *c->connect_timeout = (unsigned)n;
        return 1;
    }
    case SL_OPT_TIME_ZONE:
        *c->time_zone = v;
        return 1;
    default:
        return 0;
    }
}

void sl_cli_warn_exposed_defaults(const char *cmd, const char *path, FILE *err)
{
    unsigned mode = 0;
    if (sl_file_readable_by_others(path, &mode) && sl_option_file_has_password(path))
        fprintf(err,
                "sluice %s: warning: %s holds a password and can be read by other users "
                "(mode %04o); chmod 600 %s\n",
                cmd, path, mode, path);
}

const struct sl_opt *sl_cli_find_opt(const struct sl_opt *opts, const char *name)
{
    for (; opts && opts->name; opts++)
        if (strcmp(opts->name, name) == 0)
            return opts;
    return NULL;
}

int sl_cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

void sl_cli_print_options(FILE *out, const struct sl_opt *opts)
{
    for (const struct sl_opt *o = opts; o->name; o++) {
        char left[64];
        if (o->key < 256)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->key, o->name, o->has_arg ? " " : "",
                     o->has_arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->has_arg ? " " : "",
                     o->has_arg ? o->arg : "");
        if (strlen(left) > 26)
            fprintf(out, "  %s\n  %-26s ", left, "");
        else
            fprintf(out, "  %-26s ", left);
        for (const char *p = o->help; *p; p++) {
            fputc(*p, out);
            if (*p == '\n')
                fprintf(out, "  %-26s ", "");
        }
        fputc('\n', out);
    }
}

int sl_cli_append(char ***v, size_t *n, const char *arg)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    nv[(*n)++] = (char *)arg;
    return 0;
}

int sl_cli_conn_ask(const char *cmd, struct sl_conn_flags *f, FILE *err)
{
    if (!f->prompt || f->password)
        return 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
    if (fd < 0) {
        fprintf(err,
                "sluice %s: -p asks for the password on a terminal, and there is none; give it in "
                "an option file ([client] password=...) or MYSQL_PWD\n",
                cmd);
        return -1;
    }
    struct termios old, quiet;
    int tty = tcgetattr(fd, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    static const char ask[] = "Enter password: ";
    ssize_t w = write(fd, ask, sizeof ask - 1);
    (void)w;
    size_t n = 0;
    char ch;
    while (n + 1 < sizeof f->asked && read(fd, &ch, 1) == 1 && ch != '\n' && ch != '\r')
        f->asked[n++] = ch;
    f->asked[n] = '\0';
    if (tty)
        tcsetattr(fd, TCSAFLUSH, &old);
    w = write(fd, "\n", 1);
    close(fd);
    f->password = f->asked;
    return 0;
}
