/*
 * Releasing and annotating foreign table descriptions: see sl_foreign.h.
 */
#define _GNU_SOURCE /* vasprintf, asprintf, qsort_r, strverscmp */
#include "sl_foreign.h"

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
