/*
 * Releasing and annotating foreign table descriptions: see sl_foreign.h.
 */
#define _GNU_SOURCE /* vasprintf */
#include "sl_foreign.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
