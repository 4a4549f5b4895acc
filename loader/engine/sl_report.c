#include "sl_report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_exit.h"

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

int sl_report_write(const char *path, const struct sl_report *r, struct sl_err *err)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    cJSON_AddStringToObject(o, "command", r->command);
    cJSON_AddStringToObject(o, "target", r->target);
    cJSON_AddStringToObject(o, "status", sl_report_status(r->exit_code));
    cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
    if (r->error[0])
        cJSON_AddStringToObject(o, "error", r->error);
    else
        cJSON_AddNullToObject(o, "error");
    cJSON_AddBoolToObject(o, "dry_run", r->dry_run);
    if (r->method[0])
        cJSON_AddStringToObject(o, "method", r->method);
    else
        cJSON_AddNullToObject(o, "method");
    size_t n;
    const struct sl_report_counter *cs = sl_report_counters(&n);
    for (size_t i = 0; i < n; i++)
        cJSON_AddNumberToObject(o, cs[i].name, (double)sl_report_counter(r, i));
    cJSON_AddNumberToObject(o, "seconds", r->seconds);
    cJSON_AddNumberToObject(o, "rows_per_second",
                            r->seconds > 0 ? (double)r->rows_written / r->seconds : 0);
    if (r->nfinish > 0) {
        cJSON *a = cJSON_AddArrayToObject(o, "finish_sql");
        for (size_t i = 0; a && i < r->nfinish; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(r->finish_sql[i]));
    }
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

static uint64_t num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble > 0 ? (uint64_t)v->valuedouble : 0;
}

static void str(const cJSON *o, const char *key, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

int sl_report_read(const char *path, struct sl_report *r, struct sl_err *err)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "r");
    if (!f)
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot read: %s", path, strerror(errno));
    /* a report is small, but finish_sql may hold long statements */
    const size_t cap = 4 << 20;
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
        *sl_report_counter_at(r, i) = num(o, cs[i].name);
    r->dry_run = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "dry_run"));
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(o, "finish_sql");
    const cJSON *stmt;
    cJSON_ArrayForEach(stmt, fin)
    {
        if (cJSON_IsString(stmt) && sl_report_add_finish(r, stmt->valuestring) != 0) {
            sl_report_release(r);
            cJSON_Delete(o);
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        }
    }
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "seconds");
    r->seconds = cJSON_IsNumber(s) ? s->valuedouble : 0;
    cJSON_Delete(o);
    return 0;
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
    char **v = realloc(r->finish_sql, (r->nfinish + 1) * sizeof *v);
    if (!v)
        return -1;
    r->finish_sql = v;
    if (!(v[r->nfinish] = strdup(stmt)))
        return -1;
    r->nfinish++;
    return 0;
}

void sl_report_release(struct sl_report *r)
{
    for (size_t i = 0; i < r->nfinish; i++)
        free(r->finish_sql[i]);
    free(r->finish_sql);
    r->finish_sql = NULL;
    r->nfinish = 0;
}

int sl_report_finish(const char *path, struct sl_report *r, int code, FILE *err)
{
    if (!path) {
        sl_report_release(r);
        return code;
    }
    r->exit_code = code;
    struct sl_err e;
    int rc = sl_report_write(path, r, &e);
    sl_report_release(r);
    if (rc != 0) {
        fprintf(err, "sluice: error: --report: %s\n", e.msg);
        return code == SL_EXIT_OK || code == SL_EXIT_REJECTS ? SL_EXIT_FAILED : code;
    }
    return code;
}
