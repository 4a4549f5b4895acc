/*
 * Foreign sources' shared pieces: schemes, table descriptions and their
 * notes, the --tables filter, constant defaults. See sl_foreign.h.
 */
#define _GNU_SOURCE /* vasprintf */
#include "sl_foreign.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_buf.h"
#include "sl_ident.h"

const char *sl_foreign_scheme(const char *url)
{
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return "postgresql";
    if (strncmp(url, "sqlite://", 9) == 0)
        return "sqlite";
    return NULL;
}

void sl_ftable_release(struct sl_ftable *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        struct sl_fcol *c = &t->cols[i];
        free(c->name);
        free(c->src_type);
        free(c->src_base);
        free(c->mysql_type);
        free(c->select);
        free(c->default_sql);
        free(c->problem);
    }
    for (size_t i = 0; i < t->nidx; i++) {
        free(t->idx[i].name);
        free(t->idx[i].cols);
    }
    for (size_t i = 0; i < t->nnotes; i++)
        free(t->notes[i]);
    free(t->cols);
    free(t->idx);
    free(t->notes);
    free(t->pk);
    free(t->schema);
    free(t->name);
    free(t->from);
    memset(t, 0, sizeof *t);
}

int sl_foreign_setf(char **slot, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(*slot);
    *slot = NULL;
    int n = vasprintf(slot, fmt, ap);
    va_end(ap);
    if (n < 0)
        *slot = NULL;
    return n < 0 ? -1 : 0;
}

int sl_ftable_note(struct sl_ftable *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    int n = vasprintf(&line, fmt, ap);
    va_end(ap);
    char **v = n < 0 ? NULL : realloc(t->notes, (t->nnotes + 1) * sizeof *v);
    if (!v) {
        free(n < 0 ? NULL : line);
        return -1;
    }
    t->notes = v;
    t->notes[t->nnotes++] = line;
    return 0;
}

void sl_foreign_names_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

int sl_foreign_filter(char **all, size_t nall, const char *filter, char ***names, size_t *n,
                      struct sl_err *err)
{
    char *list = strdup(filter);
    char **keep = calloc(nall ? nall : 1, sizeof *keep);
    unsigned char *taken = calloc(nall ? nall : 1, 1);
    int rc = list && keep && taken ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    char *save = NULL;
    for (char *item = rc ? NULL : strtok_r(list, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        int hit = 0;
        for (size_t i = 0; i < nall; i++)
            if (is_glob(item) ? fnmatch(item, all[i], 0) == 0 : strcmp(item, all[i]) == 0)
                hit = taken[i] = 1;
        if (!hit) {
            rc = sl_err_set(err, SL_ERR_FATAL, "--tables: no source table matches '%s'", item);
            break;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < nall; i++) {
        if (rc == 0 && taken[i]) {
            keep[k++] = all[i];
            all[i] = NULL;
        }
        free(all[i]);
    }
    free(all);
    free(list);
    free(taken);
    if (rc != 0) {
        sl_foreign_names_free(keep, k);
        return -1;
    }
    *names = keep;
    *n = k;
    return 0;
}

int sl_foreign_default(const char *expr, char **out)
{
    *out = NULL;
    struct sl_buf b;
    sl_buf_init(&b, 1 << 20);
    const char *e = expr;
    int rc = 0;
    if (strcasecmp(e, "true") == 0 || strcasecmp(e, "false") == 0) {
        rc = sl_buf_puts(&b, tolower((unsigned char)e[0]) == 't' ? "1" : "0");
    } else if (e[0] == '\'') {
        /* 'text' with '' inside, then an optional ::type */
        const char *p = e + 1;
        struct sl_buf v;
        sl_buf_init(&v, 1 << 20);
        while (*p && rc == 0) {
            if (*p == '\'' && p[1] == '\'') {
                rc = sl_buf_append(&v, "'", 1);
                p += 2;
            } else if (*p == '\'') {
                break;
            } else {
                rc = sl_buf_append(&v, p++, 1);
            }
        }
        int closed = *p == '\'';
        const char *rest = closed ? p + 1 : p;
        int typed = *rest == '\0' || (rest[0] == ':' && rest[1] == ':' && !strchr(rest, '('));
        if (rc == 0 && closed && typed)
            rc = sl_ident_append_literal(&b, v.data ? v.data : "", v.len);
        else
            rc = -2;
        sl_buf_release(&v);
    } else {
        /* a number, perhaps in parentheses: (-1) */
        const char *p = e;
        size_t len = strlen(p);
        if (len >= 2 && p[0] == '(' && p[len - 1] == ')') {
            p++;
            len -= 2;
        }
        char *end;
        char tmp[64];
        if (len == 0 || len >= sizeof tmp)
            rc = -2;
        else {
            memcpy(tmp, p, len);
            tmp[len] = '\0';
            strtod(tmp, &end);
            rc = *end == '\0' && !strpbrk(tmp, "xXnN") ? sl_buf_puts(&b, tmp) : -2;
        }
    }
    if (rc == 0 && sl_buf_cstr(&b))
        *out = strdup(b.data);
    sl_buf_release(&b);
    return rc == -1 ? -1 : 0;
}
