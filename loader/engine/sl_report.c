#include "sl_report.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_clock.h"
#include "sl_exit.h"
#include "sl_url.h"

static void free_strings(char ***v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

static int push_string(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    if (!(nv[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

const char *sl_report_status(int exit_code)
{
    switch (exit_code) {
    case -1:
        return "skipped";
    case SL_EXIT_OK:
        return "ok";
    case SL_EXIT_FAILED:
        return "failed";
    case SL_EXIT_USAGE:
        return "usage";
    case SL_EXIT_REJECTS:
        return "rejects";
    case SL_EXIT_INTERRUPTED:
        return "interrupted";
    case SL_EXIT_LOCKED:
        return "locked";
    default:
        return "failed";
    }
}

void sl_report_error(struct sl_report *r, const char *msg)
{
    if (!r->error[0])
        snprintf(r->error, sizeof r->error, "%s", msg);
}

static const struct sl_report_counter counters[] = {
#define SL_REPORT_ENTRY(name, label, help) {#name, label, help},
    SL_REPORT_COUNTERS(SL_REPORT_ENTRY)
#undef SL_REPORT_ENTRY
};

/* Where each counter lives in struct sl_report, in the same order. */
static const size_t offsets[] = {
#define SL_REPORT_OFFSET(name, label, help) offsetof(struct sl_report, name),
    SL_REPORT_COUNTERS(SL_REPORT_OFFSET)
#undef SL_REPORT_OFFSET
};

const struct sl_report_counter *sl_report_counters(size_t *n)
{
    *n = sizeof counters / sizeof counters[0];
    return counters;
}

uint64_t *sl_report_counter_at(struct sl_report *r, size_t i)
{
    return (uint64_t *)(void *)((char *)r + offsets[i]);
}

uint64_t sl_report_counter(const struct sl_report *r, size_t i)
{
    return *(const uint64_t *)(const void *)((const char *)r + offsets[i]);
}

int sl_report_add_finish(struct sl_report *r, const char *stmt)
{
    return push_string(&r->finish_sql, &r->nfinish, stmt);
}

void sl_report_item_release(struct sl_report_item *it)
{
    free(it->name);
    free(it->target);
    free(it->command);
    free(it->error);
    free_strings(&it->finish_sql, &it->nfinish);
    for (size_t i = 0; i < it->nitems; i++)
        sl_report_item_release(&it->items[i]);
    free(it->items);
    memset(it, 0, sizeof *it);
}

void sl_report_release(struct sl_report *r)
{
    free_strings(&r->finish_sql, &r->nfinish);
    free_strings(&r->sources, &r->nsources);
    for (size_t i = 0; i < r->nitems; i++)
        sl_report_item_release(&r->items[i]);
    free(r->items);
    r->items = NULL;
    r->nitems = 0;
}

void sl_report_begin(struct sl_report *r, const char *command)
{
    memset(r, 0, sizeof *r);
    snprintf(r->command, sizeof r->command, "%s", command);
    r->started = sl_wall_now();
}

int sl_report_add_source(struct sl_report *r, const char *source)
{
    char masked[4096];
    sl_url_mask(source, masked, sizeof masked);
    return push_string(&r->sources, &r->nsources, masked);
}

int sl_report_item_set(char **field, const char *v)
{
    free(*field);
    *field = NULL;
    return v && !(*field = strdup(v)) ? -1 : 0;
}

struct sl_report_item *sl_report_add_item(struct sl_report *r, const char *kind, const char *name)
{
    struct sl_report_item *v = realloc(r->items, (r->nitems + 1) * sizeof *v);
    if (!v)
        return NULL;
    r->items = v;
    struct sl_report_item *it = &v[r->nitems];
    memset(it, 0, sizeof *it);
    snprintf(it->kind, sizeof it->kind, "%s", kind);
    snprintf(it->status, sizeof it->status, "ok");
    it->exit_code = -1;
    it->seconds = -1;
    if (!(it->name = strdup(name)))
        return NULL;
    r->nitems++;
    return it;
}

void sl_report_item_count(struct sl_report_item *it, size_t i, uint64_t v)
{
    it->counts[i] = v;
    it->known |= UINT32_C(1) << i;
}
