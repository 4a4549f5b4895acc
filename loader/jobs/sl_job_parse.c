/*
 * Reading a job file. inih does the INI syntax: sections, `key = value`,
 * comments (whole-line `;` or `#`, and ` ;` after a value), indented
 * continuation lines and a BOM. Around it, sluice's line reader:
 *   - counts lines, so every message can name one, and records each
 *     [section] header with its line (inih reports only keys);
 *   - keeps `;` as part of the value on the lines of keys that hold SQL or
 *     transform chains (for those keys a `;` cannot start a comment);
 *   - refuses a line longer than Debian's inih takes (INI_MAX_LINE), instead
 *     of letting it be cut: long values continue on indented lines.
 * After parsing, values get their ${ENV} references expanded and the whole
 * job is checked: section kinds, keys, actions, connections and `after`.
 */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_cli.h"
#include "sl_foreign.h"
#include "sl_job.h"
#include "sl_suggest.h"
#include "sl_url.h"

/* A byte that stands in for ';' between the reader and the handler. */
#define SEMI '\x1f'

/* Keys whose values keep their ';' (SQL statements, transform chains, the
 * characters of a CSV dialect). */
static const char *const semicolon_keys[] = {
    "transform", "before-sql", "after-sql", "session-sql",     "where", "query", "delimiter",
    "quote",     "escape",     "comment",   "line-terminator", "null",  NULL,
};

/* The keys of a [connection] section. */
static const char *const connection_keys[] = {
    "url", "host", "defaults-file", "ssl-mode", "ssl-ca", "ssl-cert", "ssl-key", NULL,
};

/* Keys of [job] that are not command options. */
static const char *const job_keys[] = {"name", "report", "metrics", "lock-dir", NULL};

/* Keys of a [step] that are not command options. */
static const char *const step_keys[] = {"action", "after", NULL};

struct parse {
    struct sl_job *job;
    FILE *f;
    char *line; /* getline buffer */
    size_t cap;
    unsigned lineno;
    int cont;           /* the line just read continues the previous value */
    int keep_semicolon; /* the current key keeps ';' */
    unsigned err_line;
    struct sl_err *err;
    int failed;
};

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Fails the parse with "PATH:LINE: message" (the first failure wins).
 * Returns -1. */
__attribute__((format(printf, 3, 4))) static int fail_at(struct parse *p, unsigned line,
                                                         const char *fmt, ...)
{
    if (!p->failed) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        sl_err_set(p->err, SL_ERR_FATAL, "%s:%u: %s", p->job->path, line, msg);
        p->failed = 1;
    }
    return -1;
}

/* Records a "[kind name]" header read at the current line. */
static int add_section(struct parse *p, const char *s, size_t n)
{
    struct sl_job *j = p->job;
    struct sl_job_section *nv = realloc(j->sec, (j->nsec + 1) * sizeof *nv);
    if (!nv)
        return fail_at(p, p->lineno, "out of memory");
    j->sec = nv;
    struct sl_job_section *sec = &j->sec[j->nsec++];
    memset(sec, 0, sizeof *sec);
    sec->line = p->lineno;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    size_t k = 0;
    while (k < n && s[k] != ' ' && s[k] != '\t')
        k++;
    sec->kind = dup_n(s, k);
    size_t v = k;
    while (v < n && (s[v] == ' ' || s[v] == '\t'))
        v++;
    if (v < n)
        sec->name = dup_n(s + v, n - v);
    return sec->kind ? 0 : fail_at(p, p->lineno, "out of memory");
}

/* inih's line source: see the comment at the top of the file. */
static char *read_line(char *str, int num, void *stream)
{
    struct parse *p = stream;
    if (p->failed)
        return NULL;
    ssize_t n = getline(&p->line, &p->cap, p->f);
    if (n < 0)
        return NULL;
    p->lineno++;
    size_t len = (size_t)n;
    while (len && (p->line[len - 1] == '\n' || p->line[len - 1] == '\r'))
        len--;
    if (len + 2 > (size_t)num) {
        fail_at(p, p->lineno,
                "line too long (at most %d characters); continue a long value on indented "
                "lines",
                num - 2);
        return NULL;
    }
    char *s = p->line;
    size_t lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    int blank = lead == len || s[lead] == ';' || s[lead] == '#';
    p->cont = lead > 0 && !blank;
    if (!p->cont && !blank) {
        if (s[lead] == '[') {
            const char *close = memchr(s + lead, ']', len - lead);
            if (close && add_section(p, s + lead + 1, (size_t)(close - s - lead - 1)) != 0)
                return NULL;
            p->keep_semicolon = 0;
        } else {
            size_t k = lead;
            while (k < len && s[k] != '=' && s[k] != ':' && s[k] != ' ' && s[k] != '\t')
                k++;
            char key[32];
            snprintf(key, sizeof key, "%.*s", (int)(k - lead), s + lead);
            p->keep_semicolon = in_list(semicolon_keys, key);
        }
    }
    if (p->keep_semicolon && !blank)
        for (size_t i = 0; i < len; i++)
            if (s[i] == ';')
                s[i] = SEMI;
    memcpy(str, s, len);
    str[len] = '\n';
    str[len + 1] = '\0';
    return str;
}

/* Keys whose values are SQL text: a plain ${NAME} is refused in them. */
static const char *const sql_keys[] = {
    "before-sql", "after-sql", "session-sql", "where", "query", NULL,
};

/* Appends v to b as a quoted SQL string literal: ' doubled, \\ doubled. The
 * result stays one literal whether or not NO_BACKSLASH_ESCAPES is set.
 * Returns 0 or -1 (b full). */
static int append_literal(struct sl_buf *b, const char *v)
{
    int rc = sl_buf_puts(b, "'");
    for (; rc == 0 && *v; v++) {
        if (*v == '\'' || *v == '\\')
            rc = sl_buf_append(b, v, 1);
        if (rc == 0)
            rc = sl_buf_append(b, v, 1);
    }
    return rc == 0 ? sl_buf_puts(b, "'") : -1;
}

/* Expands ${NAME} and ${NAME:literal} references in v. In a SQL-valued key
 * only the :literal form is taken, since a plain value would become SQL;
 * elsewhere only the plain form is. Returns a new string, or NULL after
 * failing p (an unset variable, a refused form) or when out of memory. */
static char *expand_env(struct parse *p, const char *v, unsigned line, const char *key)
{
    static const char literal[] = ":literal";
    const size_t llen = sizeof literal - 1;
    int sql = in_list(sql_keys, key);
    struct sl_buf out;
    sl_buf_init(&out, 1 << 20);
    int rc = 0;
    for (const char *s = v; *s && rc == 0;) {
        if (!(s[0] == '$' && s[1] == '{')) {
            rc = sl_buf_append(&out, s++, 1);
            continue;
        }
        const char *close = strchr(s + 2, '}');
        char name[128];
        if (!close || close == s + 2 || (size_t)(close - s - 2) >= sizeof name) {
            fail_at(p, line, "key '%s': a '${' without a variable name and '}'", key);
            break;
        }
        size_t nlen = (size_t)(close - s - 2);
        int quote = nlen > llen && memcmp(close - llen, literal, llen) == 0;
        if (quote)
            nlen -= llen;
        snprintf(name, sizeof name, "%.*s", (int)nlen, s + 2);
        if (sql && !quote) {
            fail_at(p, line,
                    "key '%s' is SQL: ${%s} would put the variable's text into it as SQL; "
                    "write ${%s:literal} to pass it as a quoted string literal",
                    key, name, name);
            break;
        }
        if (!sql && quote) {
            fail_at(p, line,
                    "key '%s': ${%s:literal} quotes a value for SQL, and '%s' is not SQL; "
                    "write ${%s}",
                    key, name, key, name);
            break;
        }
        const char *add = getenv(name);
        if (!add) {
            fail_at(p, line, "key '%s': the environment variable %s is not set", key, name);
            break;
        }
        rc = quote ? append_literal(&out, add) : sl_buf_puts(&out, add);
        s = close + 1;
    }
    const char *text = rc == 0 && !p->failed ? sl_buf_cstr(&out) : NULL;
    char *copy = text ? strdup(text) : NULL;
    sl_buf_release(&out);
    return copy;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    struct sl_job *j = p->job;
    (void)section; /* the reader recorded the section, with its line */
    if (j->nsec == 0) {
        fail_at(p, p->lineno, "key '%s' before any [section]", name);
        return 0;
    }
    struct sl_job_section *sec = &j->sec[j->nsec - 1];
    char *v = dup_n(value, strlen(value));
    if (!v)
        return 0;
    for (char *c = v; *c; c++)
        if (*c == SEMI)
            *c = ';';
    if (p->cont && sec->nkv && strcmp(sec->kv[sec->nkv - 1].key, name) == 0) {
        struct sl_job_kv *kv = &sec->kv[sec->nkv - 1];
        size_t a = strlen(kv->value), b = strlen(v);
        char *joined = realloc(kv->value, a + b + 2);
        if (!joined) {
            free(v);
            return 0;
        }
        joined[a] = '\n';
        memcpy(joined + a + 1, v, b + 1);
        kv->value = joined;
        free(v);
        return 1;
    }
    const struct sl_job_kv *dup = sl_job_find(sec, name);
    if (dup) {
        free(v);
        fail_at(p, p->lineno, "key '%s' is given twice in this section (first at line %u)", name,
                dup->line);
        return 0;
    }
    struct sl_job_kv *nv = realloc(sec->kv, (sec->nkv + 1) * sizeof *nv);
    if (!nv) {
        free(v);
        return 0;
    }
    sec->kv = nv;
    nv[sec->nkv].key = dup_n(name, strlen(name));
    nv[sec->nkv].value = v;
    nv[sec->nkv].line = p->lineno;
    sec->nkv++;
    return 1;
}

const struct sl_job_kv *sl_job_find(const struct sl_job_section *s, const char *key)
{
    for (size_t i = 0; s && i < s->nkv; i++)
        if (strcmp(s->kv[i].key, key) == 0)
            return &s->kv[i];
    return NULL;
}

static const char *const actions[] = {"load", "extract", "copy", "bench", NULL};

/* Is key an option of any command a step can run? */
static const struct sl_opt *any_step_opt(const struct sl_job *j, const char *key)
{
    for (int i = 0; actions[i]; i++) {
        const struct sl_opt *o = sl_cli_find_opt(j->step_opts(actions[i]), key);
        if (o)
            return o;
    }
    return NULL;
}

/* A flag's value must say yes or no. */
static int check_flag(struct parse *p, const struct sl_job_kv *kv)
{
    static const char *const yes_no[] = {"yes", "no", "true", "false", "1", "0", "on", "off", NULL};
    if (in_list(yes_no, kv->value))
        return 0;
    return fail_at(p, kv->line, "key '%s' is a switch: its value must be yes or no, not '%s'",
                   kv->key, kv->value);
}

const struct sl_job_section *sl_job_section(const struct sl_job *j, const char *kind,
                                            const char *name, size_t len)
{
    for (size_t i = 0; i < j->nsec; i++) {
        const struct sl_job_section *s = &j->sec[i];
        if (strcmp(s->kind, kind) == 0 && s->name && strlen(s->name) == len &&
            strncmp(s->name, name, len) == 0)
            return s;
    }
    return NULL;
}

int sl_job_is_run_key(const char *key)
{
    return in_list(job_keys, key);
}

int sl_job_is_url_key(const char *action, const char *key)
{
    if (strcmp(key, "into") == 0)
        return strcmp(action, "load") == 0 || strcmp(action, "bench") == 0;
    if (strcmp(key, "from") == 0)
        return strcmp(action, "extract") == 0 || strcmp(action, "copy") == 0;
    if (strcmp(key, "to") == 0)
        return strcmp(action, "copy") == 0;
    return 0;
}

int sl_job_foreign_url(const char *value)
{
    return sl_foreign_scheme(value) != NULL;
}

static int check_url_value(struct parse *p, const struct sl_job_kv *kv)
{
    size_t n = strcspn(kv->value, "/");
    /* a source that is not MySQL is named by its URL; the command checks it */
    if (sl_job_foreign_url(kv->value)) {
        if (strcmp(kv->key, "from") == 0)
            return 0;
        return fail_at(p, kv->line, "key '%s': only a copy's or extract's 'from' may be a %.*s URL",
                       kv->key, (int)sl_url_scheme_len(kv->value), kv->value);
    }
    if (strncmp(kv->value, "mysql://", 8) == 0 ||
        (sl_url_scheme_len(kv->value) && !sl_job_section(p->job, "connection", kv->value, n))) {
        struct sl_url u;
        struct sl_err e;
        if (sl_url_parse(&u, kv->value, &e) != 0)
            return fail_at(p, kv->line, "key '%s': %s", kv->key, e.msg);
        sl_url_release(&u);
        return 0;
    }
    if (sl_job_section(p->job, "connection", kv->value, n))
        return 0;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)n, kv->value);
    return fail_at(p, kv->line,
                   "key '%s': unknown connection '%s' (define [connection %s], or give a "
                   "mysql:// URL)",
                   kv->key, name, name);
}

static int check_connection(struct parse *p, const struct sl_job_section *s)
{
    for (size_t k = 0; k < s->nkv; k++) {
        const struct sl_job_kv *kv = &s->kv[k];
        if (!in_list(connection_keys, kv->key))
            return fail_at(p, kv->line,
                           "unknown key '%s' in a [connection] section (known: url, host, "
                           "defaults-file, ssl-mode, ssl-ca, ssl-cert, ssl-key)",
                           kv->key);
        if (strcmp(kv->key, "ssl-mode") == 0) {
            enum sl_tls_mode m;
            if (sl_tls_mode_parse(kv->value, &m) != 0)
                return fail_at(p, kv->line,
                               "key 'ssl-mode' must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA "
                               "or VERIFY_IDENTITY, not '%s'",
                               kv->value);
        }
    }
    const struct sl_job_kv *url = sl_job_find(s, "url");
    if (!url)
        return fail_at(p, s->line, "[connection %s] has no 'url' key", s->name);
    struct sl_url u;
    struct sl_err e;
    if (sl_url_parse(&u, url->value, &e) != 0)
        return fail_at(p, url->line, "key 'url': %s", e.msg);
    sl_url_release(&u);
    return 0;
}

static int check_step(struct parse *p, size_t si)
{
    struct sl_job *j = p->job;
    struct sl_job_step *st = &j->steps[si];
    const struct sl_job_section *s = st->sec;
    const struct sl_job_kv *action = sl_job_find(s, "action");
    if (!action)
        return fail_at(p, s->line, "[step %s] has no 'action' key (load, extract, copy or bench)",
                       s->name);
    const struct sl_opt *opts = j->step_opts(action->value);
    if (!opts)
        return fail_at(p, action->line,
                       "key 'action' must be load, extract, copy or bench, not '%s'",
                       action->value);
    st->action = action->value;
    for (size_t k = 0; k < s->nkv; k++) {
        const struct sl_job_kv *kv = &s->kv[k];
        if (in_list(step_keys, kv->key) ||
            (strcmp(kv->key, "source") == 0 && strcmp(st->action, "load") == 0))
            continue;
        if (strcmp(kv->key, "password") == 0)
            return fail_at(p, kv->line,
                           "a password does not go in a job file's step: put it in the "
                           "connection's defaults-file, or MYSQL_PWD");
        const struct sl_opt *o = sl_cli_find_opt(opts, kv->key);
        if (!o || strcmp(kv->key, "help") == 0) {
            const char *names[256];
            size_t n = 0;
            for (const struct sl_opt *x = opts; x->name && n < 255; x++)
                if (strcmp(x->name, "help") != 0)
                    names[n++] = x->name;
            if (strcmp(st->action, "load") == 0)
                names[n++] = "source";
            const char *near = sl_suggest(kv->key, names, n);
            if (near)
                return fail_at(p, kv->line,
                               "unknown key '%s' for action %s; did you mean '%s'? (see sluice "
                               "help %s)",
                               kv->key, st->action, near, st->action);
            return fail_at(p, kv->line, "unknown key '%s' for action %s (see sluice help %s)",
                           kv->key, st->action, st->action);
        }
        if (!o->has_arg && check_flag(p, kv) != 0)
            return -1;
        if (sl_job_is_url_key(st->action, kv->key) && check_url_value(p, kv) != 0)
            return -1;
    }
    /* after: earlier steps only, so the order has no cycles */
    const struct sl_job_kv *after = sl_job_find(s, "after");
    if (!after) {
        if (si > 0) {
            st->after = malloc(sizeof *st->after);
            if (!st->after)
                return fail_at(p, s->line, "out of memory");
            st->after[0] = si - 1;
            st->nafter = 1;
        }
        return 0;
    }
    st->after = calloc(si + 1, sizeof *st->after);
    if (!st->after)
        return fail_at(p, s->line, "out of memory");
    for (const char *c = after->value; *c;) {
        c += strspn(c, " \t\n,");
        size_t n = strcspn(c, " \t\n,");
        if (!n)
            break;
        size_t d = 0;
        while (d < si &&
               !(strlen(j->steps[d].sec->name) == n && strncmp(j->steps[d].sec->name, c, n) == 0))
            d++;
        if (d == si) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)n, c);
            return fail_at(p, after->line, "key 'after': '%s' is not a step defined above this one",
                           name);
        }
        if (st->nafter < si)
            st->after[st->nafter++] = d;
        c += n;
    }
    return 0;
}

static int check_job(struct parse *p)
{
    struct sl_job *j = p->job;
    size_t nsteps = 0;
    for (size_t i = 0; i < j->nsec; i++) {
        const struct sl_job_section *s = &j->sec[i];
        int is_job = strcmp(s->kind, "job") == 0;
        int is_conn = strcmp(s->kind, "connection") == 0;
        int is_step = strcmp(s->kind, "step") == 0;
        if (!is_job && !is_conn && !is_step)
            return fail_at(p, s->line,
                           "unknown section [%s]; sections are [job], [connection NAME] and "
                           "[step NAME]",
                           s->kind);
        if (is_job && s->name)
            return fail_at(p, s->line, "[job] takes no name ('%s')", s->name);
        if (!is_job && !s->name)
            return fail_at(p, s->line, "[%s] needs a name: [%s NAME]", s->kind, s->kind);
        if (is_job && j->job)
            return fail_at(p, s->line, "a second [job] section");
        if (!is_job && sl_job_section(j, s->kind, s->name, strlen(s->name)) != s)
            return fail_at(p, s->line, "a second [%s %s]", s->kind, s->name);
        if (is_job)
            j->job = s;
        if (is_conn && check_connection(p, s) != 0)
            return -1;
        nsteps += is_step;
    }
    if (j->job) {
        for (size_t k = 0; k < j->job->nkv; k++) {
            const struct sl_job_kv *kv = &j->job->kv[k];
            if (in_list(job_keys, kv->key))
                continue;
            const struct sl_opt *o = any_step_opt(j, kv->key);
            if (!o || strcmp(kv->key, "help") == 0)
                return fail_at(p, kv->line,
                               "unknown key '%s' in [job] (a [job] key is a default for the "
                               "steps: an option of load, extract, copy or bench)",
                               kv->key);
            if (!o->has_arg && check_flag(p, kv) != 0)
                return -1;
        }
    }
    if (nsteps == 0)
        return fail_at(p, 1, "the job has no [step NAME] section");
    j->steps = calloc(nsteps, sizeof *j->steps);
    if (!j->steps)
        return fail_at(p, 1, "out of memory");
    for (size_t i = 0; i < j->nsec; i++)
        if (strcmp(j->sec[i].kind, "step") == 0)
            j->steps[j->nsteps++].sec = &j->sec[i];
    for (size_t i = 0; i < j->nsteps; i++)
        if (check_step(p, i) != 0)
            return -1;
    return 0;
}

/* The job's name: [job] name, else the file name without directory and
 * .ini. */
static char *job_name(const struct sl_job *j)
{
    const struct sl_job_kv *kv = sl_job_find(j->job, "name");
    if (kv)
        return dup_n(kv->value, strlen(kv->value));
    const char *base = strrchr(j->path, '/');
    base = base ? base + 1 : j->path;
    size_t n = strlen(base);
    if (sl_cli_ends_with(base, ".ini"))
        n -= 4;
    return dup_n(base, n);
}

int sl_job_load(const char *path, sl_job_opts_fn step_opts, struct sl_job *job, struct sl_err *err)
{
    memset(job, 0, sizeof *job);
    job->step_opts = step_opts;
    job->path = dup_n(path, strlen(path));
    if (!job->path)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    struct parse p = {.job = job, .err = err};
    p.f = fopen(path, "r");
    if (!p.f) {
        sl_err_set(err, SL_ERR_FATAL, "%s: cannot open the job file: %s", path, strerror(errno));
        sl_job_release(job);
        return -1;
    }
    int rc = ini_parse_stream(read_line, &p, on_key, &p);
    fclose(p.f);
    free(p.line);
    if (!p.failed && rc > 0)
        fail_at(&p, (unsigned)rc, "not a 'key = value' line, a [section] or a comment");
    else if (!p.failed && rc < 0)
        fail_at(&p, p.lineno, "out of memory while reading");
    /* ${ENV} references */
    for (size_t i = 0; i < job->nsec && !p.failed; i++) {
        struct sl_job_section *s = &job->sec[i];
        for (size_t k = 0; k < s->nkv && !p.failed; k++) {
            char *x = expand_env(&p, s->kv[k].value, s->kv[k].line, s->kv[k].key);
            if (x) {
                free(s->kv[k].value);
                s->kv[k].value = x;
            } else if (!p.failed) {
                fail_at(&p, s->kv[k].line, "out of memory");
            }
        }
    }
    if (!p.failed)
        check_job(&p);
    if (!p.failed && !(job->name = job_name(job)))
        fail_at(&p, 1, "out of memory");
    if (p.failed) {
        sl_job_release(job);
        return -1;
    }
    return 0;
}

void sl_job_release(struct sl_job *job)
{
    for (size_t i = 0; i < job->nsec; i++) {
        struct sl_job_section *s = &job->sec[i];
        for (size_t k = 0; k < s->nkv; k++) {
            free(s->kv[k].key);
            free(s->kv[k].value);
        }
        free(s->kv);
        free(s->kind);
        free(s->name);
    }
    for (size_t i = 0; i < job->nsteps; i++)
        free(job->steps[i].after);
    free(job->steps);
    free(job->sec);
    free(job->path);
    free(job->name);
    memset(job, 0, sizeof *job);
}
