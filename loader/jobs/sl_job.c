/*
 * Turning a checked job into command lines, and `sluice check JOB.ini`.
 */
#include <stdlib.h>
#include <string.h>

#include "sl_check.h"
#include "sl_cli.h"
#include "sl_exit.h"
#include "sl_job.h"
#include "sl_url.h"
#include "sl_write_mode.h"

/* A growing, NULL-terminated argv. */
struct args {
    char **v;
    int n;
    int failed;
};

/* A step's command line and its secrets: "NAME=password" environment
 * entries (sl_url_password_env) that never enter the argv. */
struct step_line {
    struct args argv, env;
};

static void push(struct args *a, const char *s)
{
    if (a->failed)
        return;
    char **nv = realloc(a->v, (size_t)(a->n + 2) * sizeof *nv);
    char *copy = strdup(s);
    if (!nv || !copy) {
        if (nv)
            a->v = nv;
        free(copy);
        a->failed = 1;
        return;
    }
    a->v = nv;
    a->v[a->n++] = copy;
    a->v[a->n] = NULL;
}

void sl_job_argv_free(char **argv)
{
    for (char **p = argv; p && *p; p++) {
        memset(*p, 0, strlen(*p)); /* it may hold a secret */
        free(*p);
    }
    free(argv);
}

/* The keys that may name a server (see sl_job_is_url_key). */
static const char *const url_keys[] = {"into", "from", "to", NULL};

/* The value of key for a step: its own, else the [job] default. */
static const struct sl_job_kv *step_value(const struct sl_job *j, const struct sl_job_step *st,
                                          const char *key)
{
    const struct sl_job_kv *kv = sl_job_find(st->sec, key);
    return kv ? kv : sl_job_find(j->job, key);
}

static int is_yes(const char *v)
{
    return !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on");
}

/* Appends s to b percent-encoded where a URL path or query needs it. */
static void url_encode(char *b, size_t cap, const char *s, size_t n)
{
    size_t len = strlen(b);
    for (size_t i = 0; i < n && len + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c >= 0x7f || strchr("%/?&#@=:", c))
            len += (size_t)snprintf(b + len, cap - len, "%%%02X", c);
        else
            b[len++] = (char)c, b[len] = '\0';
    }
}

/* The option that names the option file for a URL key. */
static const char *defaults_option(const char *action, const char *key)
{
    if (strcmp(action, "copy") == 0)
        return strcmp(key, "from") == 0 ? "from-defaults-file" : "to-defaults-file";
    return "defaults-file";
}

/* Resolves a URL key's value: a mysql:// URL (or a source's postgresql://
 * or sqlite:// URL) is kept; "conn[/a[/b]]" becomes
 * the connection's URL with its path replaced (one part: a table when the
 * URL names a database, else a database; two parts: database and table)
 * and its TLS settings added as parameters. *conn is the connection's
 * section, or NULL. */
static int resolve_url(const struct sl_job *j, const char *value, char *out, size_t cap,
                       const struct sl_job_section **conn, struct sl_err *err)
{
    *conn = NULL;
    if (strncmp(value, "mysql://", 8) == 0 || sl_job_foreign_url(value)) {
        snprintf(out, cap, "%s", value);
        return 0;
    }
    size_t n = strcspn(value, "/");
    *conn = sl_job_section(j, "connection", value, n);
    if (!*conn)
        return sl_err_set(err, SL_ERR_FATAL, "unknown connection in '%s'", value);
    const char *url = sl_job_find(*conn, "url")->value;
    char with_hosts[2048];
    const struct sl_job_kv *hosts = sl_job_find(*conn, "host");
    if (hosts) { /* host = db1,db2,db3[:port]: the URL's host part replaced */
        const char *a = url + 8;
        const char *aend = a + strcspn(a, "/?");
        const char *at = NULL;
        for (const char *q = a; q < aend; q++)
            if (*q == '@')
                at = q;
        const char *hstart = at ? at + 1 : a;
        snprintf(with_hosts, sizeof with_hosts, "%.*s%s%s", (int)(hstart - url), url, hosts->value,
                 aend);
        url = with_hosts;
    }
    const char *host = url + 8;
    const char *query = strchr(host, '?');
    size_t upto = query ? (size_t)(query - url) : strlen(url);
    const char *path = memchr(host, '/', (size_t)(url + upto - host));
    size_t base = path ? (size_t)(path - url) : upto;
    out[0] = '\0';
    snprintf(out, cap, "%.*s", (int)base, url);
    const char *rest = value[n] == '/' ? value + n + 1 : NULL;
    if (!rest || !*rest) {
        snprintf(out, cap, "%.*s", (int)upto, url);
    } else {
        size_t first = strcspn(rest, "/");
        int url_has_db = path && path + 1 < url + upto && path[1] != '/';
        if (rest[first] == '\0' && url_has_db) { /* a table in the URL's database */
            size_t dblen = strcspn(path + 1, "/?");
            snprintf(out + strlen(out), cap - strlen(out), "/%.*s/", (int)dblen, path + 1);
            url_encode(out, cap, rest, first);
        } else {
            strncat(out, "/", cap - strlen(out) - 1);
            url_encode(out, cap, rest, first);
            if (rest[first] == '/') {
                strncat(out, "/", cap - strlen(out) - 1);
                url_encode(out, cap, rest + first + 1, strlen(rest + first + 1));
            }
        }
    }
    int sep = query != NULL;
    if (query)
        strncat(out, query, cap - strlen(out) - 1);
    static const char *const tls_keys[] = {"ssl-mode", "ssl-ca", "ssl-cert", "ssl-key", NULL};
    for (int k = 0; tls_keys[k]; k++) {
        const struct sl_job_kv *kv = sl_job_find(*conn, tls_keys[k]);
        if (!kv)
            continue;
        snprintf(out + strlen(out), cap - strlen(out), "%c%s=", sep ? '&' : '?', tls_keys[k]);
        url_encode(out, cap, kv->value, strlen(kv->value));
        sep = 1;
    }
    if (strlen(out) + 1 >= cap)
        return sl_err_set(err, SL_ERR_FATAL, "the URL for '%s' is too long", value);
    return 0;
}

/* Pushes "--key URL" with the URL's password moved into the environment. */
static int push_url(struct step_line *l, const char *opt, const char *key, const char *url,
                    struct sl_err *err)
{
    char bare[2048], name[64];
    char *pw = NULL;
    if (sl_url_split_password(url, bare, sizeof bare, &pw, err) != 0)
        return -1;
    push(&l->argv, opt);
    push(&l->argv, bare);
    if (!pw)
        return 0;
    sl_url_password_env(key, name, sizeof name);
    size_t n = strlen(name) + strlen(pw) + 2;
    char *entry = malloc(n);
    if (entry) {
        snprintf(entry, n, "%s=%s", name, pw);
        push(&l->env, entry);
        memset(entry, 0, n);
        free(entry);
    } else {
        l->env.failed = 1;
    }
    memset(pw, 0, strlen(pw));
    free(pw);
    return 0;
}

/* Appends one key's option to l. */
static int push_option(struct step_line *l, const struct sl_job *j, const struct sl_job_step *st,
                       const struct sl_job_kv *kv, const struct sl_opt *o, struct sl_err *err)
{
    struct args *a = &l->argv;
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", kv->key);
    if (!o->has_arg) {
        /* verify = no: the switch's --no- sibling, when it has one */
        char no[80];
        snprintf(no, sizeof no, "no-%s", kv->key);
        if (is_yes(kv->value))
            push(a, opt);
        else if (sl_cli_find_opt(j->step_opts(st->action), no)) {
            snprintf(opt, sizeof opt, "--%s", no);
            push(a, opt);
        }
        return 0;
    }
    if (!sl_job_is_url_key(st->action, kv->key)) {
        push(a, opt);
        push(a, kv->value);
        return 0;
    }
    char url[2048];
    const struct sl_job_section *conn;
    if (resolve_url(j, kv->value, url, sizeof url, &conn, err) != 0) {
        sl_err_prefix(err, "%s:%u: key '%s'", j->path, kv->line, kv->key);
        return -1;
    }
    if (push_url(l, opt, kv->key, url, err) != 0) {
        sl_err_prefix(err, "%s:%u: key '%s'", j->path, kv->line, kv->key);
        return -1;
    }
    const char *dopt = defaults_option(st->action, kv->key);
    const struct sl_job_kv *df = conn ? sl_job_find(conn, "defaults-file") : NULL;
    if (df && !step_value(j, st, dopt)) {
        snprintf(opt, sizeof opt, "--%s", dopt);
        push(a, opt);
        push(a, df->value);
    }
    return 0;
}

int sl_job_step_argv(const struct sl_job *job, size_t i, char *const *extra, size_t nextra,
                     char ***argv, int *argc, char ***env, struct sl_err *err)
{
    const struct sl_job_step *st = &job->steps[i];
    const struct sl_opt *opts = job->step_opts(st->action);
    struct step_line l = {{0}, {0}};
    struct args *a = &l.argv;
    push(a, st->action);
    int rc = 0;
    /* [job] defaults the step's command knows and the step does not set */
    for (size_t k = 0; job->job && k < job->job->nkv && rc == 0; k++) {
        const struct sl_job_kv *kv = &job->job->kv[k];
        const struct sl_opt *o = sl_cli_find_opt(opts, kv->key);
        if (o && !sl_job_is_run_key(kv->key) && !sl_job_find(st->sec, kv->key))
            rc = push_option(&l, job, st, kv, o, err);
    }
    for (size_t k = 0; k < st->sec->nkv && rc == 0; k++) {
        const struct sl_job_kv *kv = &st->sec->kv[k];
        const struct sl_opt *o = sl_cli_find_opt(opts, kv->key);
        if (o)
            rc = push_option(&l, job, st, kv, o, err);
    }
    for (size_t k = 0; k < nextra; k++)
        push(a, extra[k]);
    /* the sources last, after "--": no value of `source` can become an
     * option, whatever ${ENV} put into it */
    const struct sl_job_kv *src = sl_job_find(st->sec, "source");
    if (src)
        push(a, "--");
    for (const char *c = src ? src->value : ""; *c;) {
        c += strspn(c, " \t\n,");
        size_t n = strcspn(c, "\n,");
        while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
            n--;
        if (!n)
            break;
        char *one = strndup(c, n);
        if (one)
            push(a, one);
        free(one);
        c += n;
    }
    if (rc == 0 && (a->failed || l.env.failed))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc == 0 && !l.env.v && !(l.env.v = calloc(1, sizeof *l.env.v)))
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (rc != 0) {
        sl_job_argv_free(a->v);
        sl_job_argv_free(l.env.v);
        return -1;
    }
    *argv = a->v;
    *argc = a->n;
    *env = l.env.v;
    return 0;
}

/* The privileges a step needs on the server behind its URL key. */
static const char *step_privs(const struct sl_job *j, const struct sl_job_step *st, const char *key,
                              char *buf, size_t cap)
{
    buf[0] = '\0';
    if (strcmp(st->action, "load") == 0) {
        const struct sl_job_kv *mode = step_value(j, st, "mode");
        enum sl_write_mode m = SL_MODE_INSERT;
        for (int k = 0; mode && sl_write_mode_names[k]; k++)
            if (strcmp(mode->value, sl_write_mode_names[k]) == 0)
                m = (enum sl_write_mode)k;
        snprintf(buf, cap, "%s",
                 sl_write_mode_privs(m, step_value(j, st, "no-checkpoint") == NULL));
    } else if (strcmp(st->action, "bench") == 0) {
        snprintf(buf, cap, "CREATE,INSERT,DROP");
    } else if (strcmp(key, "from") == 0) {
        const struct sl_job_kv *c = step_value(j, st, "consistency");
        snprintf(buf, cap, "SELECT%s", !c || !strcmp(c->value, "lock") ? ",RELOAD" : "");
    } else {
        const struct sl_job_kv *ie = step_value(j, st, "if-exists");
        snprintf(buf, cap, "INSERT,CREATE%s%s",
                 ie && (!strcmp(ie->value, "drop") || !strcmp(ie->value, "truncate")) ? ",DROP"
                                                                                      : "",
                 step_value(j, st, "defer-indexes") ? ",ALTER" : "");
    }
    return buf;
}

/* One server to check, and the work the job does there. */
struct target {
    char label[300];
    char url[2048];
    const char *defaults_file;
    struct sl_check_need needs[16];
    char what[16][300];
    char privs[16][128];
    char *db[16], *table[16];
    size_t n;
};

static int add_need(struct target *t, const struct sl_job *j, const struct sl_job_step *st,
                    const char *key, const char *url, struct sl_err *err)
{
    if (t->n == 16)
        return 0;
    struct sl_url u;
    if (sl_url_parse(&u, url, err) != 0)
        return -1;
    size_t k = t->n++;
    t->db[k] = u.db ? strdup(u.db) : NULL;
    t->table[k] = u.table ? strdup(u.table) : NULL;
    snprintf(t->what[k], sizeof t->what[k], "step %s: %s %s %s%s%s", st->sec->name, st->action,
             strcmp(key, "from") == 0          ? "from"
             : strcmp(st->action, "copy") == 0 ? "to"
                                               : "into",
             u.db ? u.db : "the server", u.table ? "." : "", u.table ? u.table : "");
    t->needs[k] = (struct sl_check_need){t->what[k], t->db[k], t->table[k],
                                         step_privs(j, st, key, t->privs[k], sizeof t->privs[k])};
    sl_url_release(&u);
    return 0;
}

static void target_release(struct target *t)
{
    for (size_t k = 0; k < t->n; k++) {
        free(t->db[k]);
        free(t->table[k]);
    }
}

/* Checks one server: the named connection conn, or a step's own URL. */
static int check_target(const struct sl_job *j, const struct sl_job_section *conn,
                        const char *own_url, FILE *out, struct sl_err *err)
{
    struct target t;
    memset(&t, 0, sizeof t);
    int rc = 0;
    for (size_t i = 0; i < j->nsteps && rc == 0; i++) {
        const struct sl_job_step *st = &j->steps[i];
        const char *const *keys = url_keys;
        for (int k = 0; keys[k] && rc == 0; k++) {
            const struct sl_job_kv *kv = step_value(j, st, keys[k]);
            if (!kv || !sl_job_is_url_key(st->action, keys[k]))
                continue;
            char url[2048];
            const struct sl_job_section *c;
            if (resolve_url(j, kv->value, url, sizeof url, &c, err) != 0) {
                rc = -1;
                break;
            }
            if (conn ? c != conn : (c != NULL || strcmp(kv->value, own_url) != 0))
                continue;
            if (t.n == 0) {
                snprintf(t.url, sizeof t.url, "%s", url);
                const char *dopt = defaults_option(st->action, keys[k]);
                const struct sl_job_kv *df = step_value(j, st, dopt);
                if (!df && conn)
                    df = sl_job_find(conn, "defaults-file");
                t.defaults_file = df ? df->value : NULL;
            }
            rc = add_need(&t, j, st, keys[k], url, err);
        }
    }
    if (rc == 0 && t.n > 0) {
        struct sl_url u;
        if (sl_url_parse(&u, t.url, err) != 0) {
            target_release(&t);
            return -1;
        }
        if (conn)
            snprintf(t.label, sizeof t.label, "connection %s", conn->name);
        else
            snprintf(t.label, sizeof t.label, "server");
        struct sl_conn_opts co = {
            .url = &u,
            .defaults_file = t.defaults_file,
            .time_zone = "+00:00",
            .connect_timeout = 10,
        };
        struct sl_err e;
        rc = sl_check_conn(out, t.label, &co, t.needs, t.n, &e) == 0 ? 0 : 1;
        sl_url_release(&u);
        fputc('\n', out);
    }
    target_release(&t);
    return rc;
}

/* True when a URL key before step i's key k already named url: that
 * server was checked with every step that uses it. */
static int seen_before(const struct sl_job *j, size_t i, int k, const char *url)
{
    const char *const *keys = url_keys;
    for (size_t s = 0; s <= i; s++) {
        for (int q = 0; keys[q] && (s < i || q < k); q++) {
            const struct sl_job_kv *kv = step_value(j, &j->steps[s], keys[q]);
            if (kv && sl_job_is_url_key(j->steps[s].action, keys[q]) && !strcmp(kv->value, url))
                return 1;
        }
    }
    return 0;
}

int sl_job_check_file(const char *path, sl_job_opts_fn step_opts, FILE *out, FILE *err)
{
    struct sl_job job;
    struct sl_err e;
    if (sl_job_load(path, step_opts, &job, &e) != 0) {
        fprintf(err, "sluice check: %s\n", e.msg);
        return SL_EXIT_USAGE;
    }
    fprintf(out, "job %s (%s): %zu step(s)\n\n", job.name, path, job.nsteps);
    int worst = 0;
    for (size_t i = 0; i < job.nsec; i++) {
        if (strcmp(job.sec[i].kind, "connection") != 0)
            continue;
        int rc = check_target(&job, &job.sec[i], NULL, out, &e);
        if (rc < 0) {
            fprintf(err, "sluice check: %s\n", e.msg);
            sl_job_release(&job);
            return SL_EXIT_USAGE;
        }
        worst |= rc;
    }
    /* steps that name a server by URL instead of a connection */
    for (size_t i = 0; i < job.nsteps; i++) {
        const char *const *keys = url_keys;
        for (int k = 0; keys[k]; k++) {
            const struct sl_job_kv *kv = step_value(&job, &job.steps[i], keys[k]);
            if (kv && sl_job_is_url_key(job.steps[i].action, keys[k]) &&
                strncmp(kv->value, "mysql://", 8) == 0 && !seen_before(&job, i, k, kv->value))
                worst |= check_target(&job, NULL, kv->value, out, &e) != 0;
        }
    }
    sl_job_release(&job);
    return worst ? SL_EXIT_FAILED : SL_EXIT_OK;
}
