/*
 * Parsing of transform specs into chains (see sl_transform.h), and the
 * look-ups the column mapping makes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_transform.h"

struct step_name {
    const char *name;
    enum sl_tf_kind kind;
    int has_arg;
};

static const struct step_name STEPS[] = {
    {"rename", SL_TF_RENAME, 1},   {"const", SL_TF_CONST, 1}, {"default", SL_TF_DEFAULT, 1},
    {"null-if", SL_TF_NULL_IF, 1}, {"trim", SL_TF_TRIM, 0},   {"upper", SL_TF_UPPER, 0},
    {"lower", SL_TF_LOWER, 0},     {"strip", SL_TF_STRIP, 1}, {"decimal", SL_TF_DECIMAL, 0},
    {"date", SL_TF_DATE, 1},       {"bool", SL_TF_BOOL, 0},   {"hex", SL_TF_HEX, 0},
    {"base64", SL_TF_BASE64, 0},
};
#define NSTEPS (sizeof STEPS / sizeof STEPS[0])

/* A cursor over the spec. */
struct cur {
    const char *p;
};

static void skip_space(struct cur *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r')
        c->p++;
}

static int at_end_of_chain(const struct cur *c)
{
    return *c->p == 0 || *c->p == ';' || *c->p == '\n';
}

/* Reads a word: up to a space, '|', ';', ':' or a newline. */
static size_t word(struct cur *c, const char **start)
{
    skip_space(c);
    *start = c->p;
    while (*c->p && !strchr(" \t\r\n|;:", *c->p))
        c->p++;
    return (size_t)(c->p - *start);
}

/* Reads an argument, a '...' string or a word, into a new string. */
static int argument(struct cur *c, char **out, size_t *len, struct sl_err *err)
{
    skip_space(c);
    if (*c->p != '\'') {
        const char *s;
        size_t n = word(c, &s);
        if (n == 0)
            return 1; /* none */
        *out = strndup(s, n);
        *len = n;
        return *out ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    const char *s = ++c->p;
    char *v = malloc(strlen(s) + 1);
    if (!v)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    size_t n = 0;
    for (;;) {
        if (*c->p == 0) {
            free(v);
            return sl_err_set(err, SL_ERR_FATAL, "--transform: unterminated quote in '%.60s'",
                              s - 1);
        }
        if (*c->p == '\'' && c->p[1] == '\'') {
            v[n++] = '\'';
            c->p += 2;
        } else if (*c->p == '\'') {
            c->p++;
            break;
        } else {
            v[n++] = *c->p++;
        }
    }
    v[n] = 0;
    *out = v;
    *len = n;
    return 0;
}

static int add_step(struct sl_tf_chain *ch, struct cur *c, struct sl_err *err)
{
    const char *s;
    size_t n = word(c, &s);
    if (n == 0)
        return sl_err_set(err, SL_ERR_FATAL, "--transform: column %s: an empty step", ch->column);
    const struct step_name *sn = NULL;
    for (size_t i = 0; i < NSTEPS && !sn; i++)
        if (strlen(STEPS[i].name) == n && strncasecmp(STEPS[i].name, s, n) == 0)
            sn = &STEPS[i];
    if (!sn)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--transform: column %s: unknown step '%.*s' (steps: rename, const, "
                          "default, null-if, trim, upper, lower, strip, decimal, date, bool, hex, "
                          "base64)",
                          ch->column, (int)(n > 40 ? 40 : n), s);
    struct sl_tf_step *ns = realloc(ch->steps, (ch->n + 1) * sizeof *ns);
    if (!ns)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    ch->steps = ns;
    struct sl_tf_step *st = &ch->steps[ch->n++];
    memset(st, 0, sizeof *st);
    st->kind = sn->kind;
    int rc = argument(c, &st->arg, &st->arg_len, err);
    if (rc < 0)
        return -1;
    if (sn->has_arg && rc == 1)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--transform: column %s: step '%s' needs an argument, e.g. %s 'x'",
                          ch->column, sn->name, sn->name);
    if (!sn->has_arg && rc == 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--transform: column %s: step '%s' takes no argument, but '%s' "
                          "follows it",
                          ch->column, sn->name, st->arg);
    if (sn->kind == SL_TF_RENAME && st->arg_len == 0)
        return sl_err_set(err, SL_ERR_FATAL, "--transform: column %s: rename to an empty name",
                          ch->column);
    skip_space(c);
    if (*c->p == '|') {
        c->p++;
        return 0;
    }
    if (!at_end_of_chain(c))
        return sl_err_set(err, SL_ERR_FATAL,
                          "--transform: column %s: expected '|', ';' or the end after step '%s', "
                          "found '%.20s'",
                          ch->column, sn->name, c->p);
    return 0;
}

int sl_transforms_parse(struct sl_transforms *t, const char *spec, struct sl_err *err)
{
    struct cur c = {spec};
    for (;;) {
        while (*c.p == ';' || *c.p == '\n' || *c.p == ' ' || *c.p == '\t' || *c.p == '\r')
            c.p++;
        if (*c.p == 0)
            return 0;
        const char *name;
        size_t n = word(&c, &name);
        skip_space(&c);
        if (n == 0 || *c.p != ':')
            return sl_err_set(err, SL_ERR_FATAL,
                              "--transform: expected 'column: step | step', found '%.40s'", name);
        c.p++;
        if (sl_transforms_find(t, name, n))
            return sl_err_set(err, SL_ERR_FATAL,
                              "--transform: column %.*s has two chains; join them with '|'", (int)n,
                              name);
        struct sl_tf_chain *nv = realloc(t->v, (t->n + 1) * sizeof *nv);
        if (!nv)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        t->v = nv;
        struct sl_tf_chain *ch = &t->v[t->n++];
        memset(ch, 0, sizeof *ch);
        ch->column = strndup(name, n);
        if (!ch->column)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        do {
            if (add_step(ch, &c, err) != 0)
                return -1;
        } while (!at_end_of_chain(&c));
    }
}

const struct sl_tf_chain *sl_transforms_find(const struct sl_transforms *t, const char *name,
                                             size_t len)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (strlen(t->v[i].column) == len && strncasecmp(t->v[i].column, name, len) == 0)
            return &t->v[i];
    return NULL;
}

const char *sl_transforms_rename(const struct sl_transforms *t, const char *name, size_t len)
{
    const struct sl_tf_chain *c = sl_transforms_find(t, name, len);
    const char *to = NULL;
    for (size_t i = 0; c && i < c->n; i++)
        if (c->steps[i].kind == SL_TF_RENAME)
            to = c->steps[i].arg;
    return to;
}

/* True when the chain ends in bytes (hex or base64) rather than text. */
static int chain_decodes(const struct sl_tf_chain *c)
{
    for (size_t i = c->n; i-- > 0;) {
        enum sl_tf_kind k = c->steps[i].kind;
        if (k == SL_TF_HEX || k == SL_TF_BASE64)
            return 1;
        if (k != SL_TF_RENAME && k != SL_TF_NULL_IF)
            return 0;
    }
    return 0;
}

/* DECIMAL(p,s) from a column type; a bare DECIMAL is DECIMAL(10,0). */
static void parse_decimal_type(const char *column_type, int *p, int *s)
{
    *p = 10;
    *s = 0;
    const char *open = strchr(column_type, '(');
    if (!open)
        return;
    char *end;
    *p = (int)strtol(open + 1, &end, 10);
    *s = *end == ',' ? (int)strtol(end + 1, NULL, 10) : 0;
}

int sl_transforms_bind(struct sl_transforms *t, struct sl_tf_chain *c, const struct sl_column *col,
                       struct sl_err *err)
{
    c->target = col;
    c->decodes = chain_decodes(c);
    const char *d = col->data_type;
    for (size_t i = 0; i < c->n; i++) {
        switch (c->steps[i].kind) {
        case SL_TF_DECIMAL:
            if (!strcmp(d, "decimal"))
                parse_decimal_type(col->column_type, &c->precision, &c->scale);
            else if (strcmp(d, "float") && strcmp(d, "double") && !strstr(d, "int"))
                return sl_err_set(err, SL_ERR_FATAL,
                                  "--transform: column %s: decimal needs a numeric column, and "
                                  "%s is %s",
                                  c->column, col->name, col->column_type);
            else
                c->precision = -1; /* a number, checked for form only */
            break;
        case SL_TF_DATE:
            if (strcmp(d, "date") && strcmp(d, "datetime") && strcmp(d, "timestamp"))
                return sl_err_set(err, SL_ERR_FATAL,
                                  "--transform: column %s: date needs a DATE, DATETIME or "
                                  "TIMESTAMP column, and %s is %s",
                                  c->column, col->name, col->column_type);
            c->date_only = !strcmp(d, "date");
            break;
        case SL_TF_UPPER:
        case SL_TF_LOWER:
            if (!t->utf8)
                t->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
            break;
        default:
            break;
        }
    }
    return 0;
}

void sl_transforms_release(struct sl_transforms *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t k = 0; k < t->v[i].n; k++)
            free(t->v[i].steps[k].arg);
        free(t->v[i].steps);
        free(t->v[i].column);
    }
    free(t->v);
    if (t->utf8)
        freelocale(t->utf8);
    memset(t, 0, sizeof *t);
}
