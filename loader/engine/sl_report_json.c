/*
 * The report as JSON: written by every command's --report and by `sluice
 * run`, read back by `sluice run` from each step. The layout is documented
 * in docs/report.md and checked by docs/report.schema.json.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_clock.h"
#include "sl_exit.h"
#include "sl_report.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.0.0"
#endif

int sl_report_write_text(const char *path, const char *text, struct sl_err *err)
{
    /* a regular file (or a new one) is replaced whole, so a reader never
     * sees half of it; anything else (a pipe, /dev/stdout) is written to */
    struct stat st;
    int replace = stat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
    char tmp[4096];
    if (replace &&
        (size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp)
        return sl_err_set(err, SL_ERR_FATAL, "%s: path too long", path);
    const char *to = replace ? tmp : path;
    FILE *f = fopen(to, "w");
    if (!f)
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot write: %s", path, strerror(errno));
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    if (bad || (replace && rename(tmp, path) != 0)) {
        int e = errno;
        if (replace)
            unlink(tmp);
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot write: %s", path, strerror(e));
    }
    return 0;
}

/* Seconds to the millisecond, so that the JSON shows 1.234, not 16 digits. */
static double ms(double secs)
{
    return secs > 0 ? round(secs * 1000) / 1000 : 0;
}

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_strings(cJSON *o, const char *key, char *const *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

/* The counters in `known` of counts, and rows_per_second when the rows
 * written and the seconds are both known: the rows the target took, or
 * skipped as it was asked to (--mode ignore), per second. */
static void add_counts(cJSON *o, const uint64_t *counts, uint32_t known, double seconds)
{
    size_t n;
    const struct sl_report_counter *cs = sl_report_counters(&n);
    for (size_t i = 0; i < n; i++)
        if (known & (UINT32_C(1) << i))
            cJSON_AddNumberToObject(o, cs[i].name, (double)counts[i]);
    if ((known & SL_REPORT_KNOWN(rows_written)) && seconds >= 0)
        cJSON_AddNumberToObject(o, "rows_per_second",
                                seconds > 0 ? round((double)(counts[SL_COUNTER_rows_written] +
                                                             counts[SL_COUNTER_rows_ignored]) /
                                                    seconds)
                                            : 0);
}

static cJSON *item_json(const struct sl_report_item *it)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "kind", it->kind);
    cJSON_AddStringToObject(o, "name", it->name ? it->name : "");
    cJSON_AddStringToObject(o, "status", it->status);
    if (it->target)
        cJSON_AddStringToObject(o, "target", it->target);
    if (it->action[0])
        cJSON_AddStringToObject(o, "action", it->action);
    if (strcmp(it->kind, "step") == 0) {
        if (it->exit_code >= 0)
            cJSON_AddNumberToObject(o, "exit_code", it->exit_code);
        else
            cJSON_AddNullToObject(o, "exit_code");
    }
    if (it->command)
        cJSON_AddStringToObject(o, "command", it->command);
    add_counts(o, it->counts, it->known, it->seconds);
    if (it->seconds >= 0)
        cJSON_AddNumberToObject(o, "seconds", ms(it->seconds));
    if (it->verification)
        cJSON_AddStringToObject(o, "verification", it->verification);
    add_string_or_null(o, "error", it->error);
    if (it->nfinish > 0)
        add_strings(o, "finish_sql", it->finish_sql, it->nfinish);
    if (it->nitems > 0) {
        cJSON *a = cJSON_AddArrayToObject(o, "items");
        for (size_t i = 0; a && i < it->nitems; i++)
            cJSON_AddItemToArray(a, item_json(&it->items[i]));
    }
    return o;
}

int sl_report_write(const char *path, const struct sl_report *r, struct sl_err *err)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    char when[40];
    cJSON_AddNumberToObject(o, "report_version", SL_REPORT_VERSION);
    cJSON_AddStringToObject(o, "sluice_version", SLUICE_VERSION);
    cJSON_AddStringToObject(o, "command", r->command);
    if (r->job[0])
        cJSON_AddStringToObject(o, "job", r->job);
    if (r->shard[0])
        cJSON_AddStringToObject(o, "shard", r->shard);
    cJSON_AddStringToObject(o, "status", sl_report_status(r->exit_code));
    cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
    add_string_or_null(o, "error", r->error);
    double finished = r->finished > 0 ? r->finished : sl_wall_now();
    cJSON_AddStringToObject(o, "started_at", sl_iso_time(r->started, when, sizeof when));
    cJSON_AddStringToObject(o, "finished_at", sl_iso_time(finished, when, sizeof when));
    cJSON_AddNumberToObject(o, "seconds", ms(r->seconds));
    cJSON_AddBoolToObject(o, "dry_run", r->dry_run);
    add_string_or_null(o, "method", r->method);
    add_strings(o, "sources", r->sources, r->nsources);
    add_string_or_null(o, "target", r->target);
    size_t n;
    sl_report_counters(&n);
    uint64_t counts[SL_NCOUNTERS];
    for (size_t i = 0; i < n; i++)
        counts[i] = sl_report_counter(r, i);
    /* rows_to_write is what a dry run found; a real run has none */
    uint32_t known = (UINT32_C(1) << n) - 1;
    if (!r->dry_run)
        known &= ~SL_REPORT_KNOWN(rows_to_write);
    add_counts(o, counts, known, r->seconds);
    cJSON *items = cJSON_AddArrayToObject(o, "items");
    for (size_t i = 0; items && i < r->nitems; i++)
        cJSON_AddItemToArray(items, item_json(&r->items[i]));
    if (r->nfinish > 0)
        add_strings(o, "finish_sql", r->finish_sql, r->nfinish);
    return sl_report_write_json(path, o, err);
}

int sl_report_write_json(const char *path, cJSON *o, struct sl_err *err)
{
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (!line) {
        free(text);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    memcpy(line + n, "\n", 2);
    int rc = sl_report_write_text(path, line, err);
    free(line);
    return rc;
}

static uint64_t num(const cJSON *o, const char *key, int *found)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (found)
        *found = cJSON_IsNumber(v);
    return cJSON_IsNumber(v) && v->valuedouble > 0 ? (uint64_t)v->valuedouble : 0;
}

static void str(const cJSON *o, const char *key, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

/* A copy of the string at key, or NULL when there is none; -1 when out of
 * memory. */
static int dup_str(const cJSON *o, const char *key, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return sl_report_item_set(out, cJSON_IsString(v) ? v->valuestring : NULL);
}

static int read_strings(const cJSON *o, const char *key, char ***v, size_t *n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *s;
    cJSON_ArrayForEach(s, a)
    {
        if (!cJSON_IsString(s))
            continue;
        char **nv = realloc(*v, (*n + 1) * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        if (!(nv[*n] = strdup(s->valuestring)))
            return -1;
        (*n)++;
    }
    return 0;
}

static const char *verification_word(const cJSON *o)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "verification");
    if (!cJSON_IsString(v))
        return NULL;
    static const char *const words[] = {"pass", "fail", "not-verified"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(v->valuestring, words[i]) == 0)
            return words[i];
    return NULL;
}

static int read_items(const cJSON *o, struct sl_report_item **items, size_t *nitems);

static int read_item(const cJSON *o, struct sl_report_item *it)
{
    memset(it, 0, sizeof *it);
    str(o, "kind", it->kind, sizeof it->kind);
    str(o, "status", it->status, sizeof it->status);
    str(o, "action", it->action, sizeof it->action);
    const cJSON *ec = cJSON_GetObjectItemCaseSensitive(o, "exit_code");
    it->exit_code = cJSON_IsNumber(ec) ? ec->valueint : -1;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "seconds");
    it->seconds = cJSON_IsNumber(s) ? s->valuedouble : -1;
    it->verification = verification_word(o);
    size_t n;
    const struct sl_report_counter *cs = sl_report_counters(&n);
    for (size_t i = 0; i < n; i++) {
        int found;
        uint64_t v = num(o, cs[i].name, &found);
        if (found)
            sl_report_item_count(it, i, v);
    }
    if (dup_str(o, "name", &it->name) || dup_str(o, "target", &it->target) ||
        dup_str(o, "command", &it->command) || dup_str(o, "error", &it->error) ||
        read_strings(o, "finish_sql", &it->finish_sql, &it->nfinish) ||
        read_items(o, &it->items, &it->nitems))
        return -1;
    return 0;
}

static int read_items(const cJSON *o, struct sl_report_item **items, size_t *nitems)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "items"), *e;
    cJSON_ArrayForEach(e, a)
    {
        struct sl_report_item *v = realloc(*items, (*nitems + 1) * sizeof *v);
        if (!v)
            return -1;
        *items = v;
        int rc = read_item(e, &v[*nitems]);
        (*nitems)++; /* released by the caller even when half read */
        if (rc != 0)
            return -1;
    }
    return 0;
}

int sl_report_read(const char *path, struct sl_report *r, struct sl_err *err)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "r");
    if (!f)
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot read: %s", path, strerror(errno));
    /* a report is small, but finish_sql may hold long statements, and a
     * copy of many tables many items */
    const size_t cap = 16 << 20;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *o = cJSON_Parse(buf);
    free(buf);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return sl_err_set(err, SL_ERR_FATAL, "%s: not a sluice report", path);
    }
    str(o, "command", r->command, sizeof r->command);
    str(o, "method", r->method, sizeof r->method);
    str(o, "target", r->target, sizeof r->target);
    str(o, "error", r->error, sizeof r->error);
    const cJSON *ec = cJSON_GetObjectItemCaseSensitive(o, "exit_code");
    r->exit_code = cJSON_IsNumber(ec) ? ec->valueint : SL_EXIT_FAILED;
    size_t ncount;
    const struct sl_report_counter *cs = sl_report_counters(&ncount);
    for (size_t i = 0; i < ncount; i++)
        *sl_report_counter_at(r, i) = num(o, cs[i].name, NULL);
    r->dry_run = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "dry_run"));
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "seconds");
    r->seconds = cJSON_IsNumber(s) ? s->valuedouble : 0;
    int rc = read_strings(o, "finish_sql", &r->finish_sql, &r->nfinish) |
             read_strings(o, "sources", &r->sources, &r->nsources) |
             read_items(o, &r->items, &r->nitems);
    cJSON_Delete(o);
    if (rc != 0) {
        sl_report_release(r);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    return 0;
}

int sl_report_finish(const char *path, struct sl_report *r, int code, FILE *err)
{
    if (!path) {
        sl_report_release(r);
        return code;
    }
    r->exit_code = code;
    if (r->finished == 0)
        r->finished = sl_wall_now();
    struct sl_err e;
    int rc = sl_report_write(path, r, &e);
    sl_report_release(r);
    if (rc != 0) {
        fprintf(err, "sluice: error: --report: %s\n", e.msg);
        return code == SL_EXIT_OK || code == SL_EXIT_REJECTS ? SL_EXIT_FAILED : code;
    }
    return code;
}
