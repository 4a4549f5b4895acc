#include "sl_progress.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

const char *sl_fmt_count(uint64_t n, char *buf, size_t len)
{
    char tmp[32];
    int d = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < d && o + 1 < len; i++) {
        if (i && (d - i) % 3 == 0 && o + 2 < len)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *sl_fmt_bytes(uint64_t n, char *buf, size_t len)
{
    if (n < 1000)
        snprintf(buf, len, "%llu B", (unsigned long long)n);
    else if (n < 1000 * 1000)
        snprintf(buf, len, "%.1f kB", (double)n / 1e3);
    else if (n < UINT64_C(1000) * 1000 * 1000)
        snprintf(buf, len, "%.1f MB", (double)n / 1e6);
    else
        snprintf(buf, len, "%.2f GB", (double)n / 1e9);
    return buf;
}

const char *const sl_progress_mode_names[] = {"none", "auto", "bar", "log", "json", NULL};

void sl_progress_init(struct sl_progress *p, FILE *out, int mode, uint64_t total_raw_bytes)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    p->out = out;
    p->tty = isatty(fileno(out));
    if (mode == SL_PROGRESS_AUTO)
        mode = p->tty ? SL_PROGRESS_BAR : SL_PROGRESS_LOG;
    p->mode = (enum sl_progress_mode)mode;
    p->enabled = mode != SL_PROGRESS_NONE;
    p->start = sl_now();
    p->last = p->start;
    p->interval = mode == SL_PROGRESS_BAR ? SL_PROGRESS_BAR_SECONDS : SL_PROGRESS_LOG_SECONDS;
    p->total = total_raw_bytes;
}

/* Writes one line of text in the display's mode; the caller holds the lock. */
static void put_line_locked(struct sl_progress *p, const char *text)
{
    if (p->mode == SL_PROGRESS_BAR) {
        fprintf(p->out, "\r%s\033[K", text);
        p->drawn = 1;
    } else if (p->mode == SL_PROGRESS_LOG) {
        char when[40];
        fprintf(p->out, "%s sluice: %s\n", sl_iso_time(sl_wall_now(), when, sizeof when), text);
    } else {
        fprintf(p->out, "%s\n", text);
    }
    fflush(p->out);
}

/* Whether a line is due now; if so, counts it as drawn. */
static int due(struct sl_progress *p)
{
    double now = sl_now();
    pthread_mutex_lock(&p->mu);
    if (now - p->last < p->interval) {
        pthread_mutex_unlock(&p->mu);
        return 0;
    }
    p->last = now;
    return 1; /* with the lock held */
}

void sl_progress_line(struct sl_progress *p, const char *fmt, ...)
{
    if (!p->enabled || p->mode == SL_PROGRESS_JSON || !due(p))
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    put_line_locked(p, text);
    pthread_mutex_unlock(&p->mu);
}

/* The width of the terminal out is, or 80 when it cannot be read. */
static unsigned term_width(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
        return 80;
    return ws.ws_col;
}

const char *sl_fmt_clock(double secs, char *buf, size_t len)
{
    long s = secs > 0 ? (long)secs : 0;
    if (s >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

/* The fields of a line, in display order; drop gives the order in which
 * they go when the terminal is too narrow (0: never). */
enum { F_VERB, F_BAR, F_PCT, F_ROWS, F_RATE, F_ELAPSED, F_ETA, F_MB, F_NOW, F_N };
static const int drop_rank[F_N] = {
    [F_VERB] = 0,    [F_BAR] = 3, [F_PCT] = 0, [F_ROWS] = 0, [F_RATE] = 4,
    [F_ELAPSED] = 6, [F_ETA] = 5, [F_MB] = 2,  [F_NOW] = 1,
};

/* One JSON object of v; final marks the closing one. The caller holds
 * the lock. */
static void put_json_locked(struct sl_progress *p, const struct sl_progress_last *v, int final)
{
    double secs = sl_now() - p->start;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    char when[40];
    cJSON_AddStringToObject(o, "time", sl_iso_time(sl_wall_now(), when, sizeof when));
    cJSON_AddStringToObject(o, "command", v->verb ? v->verb : "");
    cJSON_AddNumberToObject(o, "rows", (double)v->rows);
    cJSON_AddNumberToObject(o, "bytes", (double)v->bytes);
    cJSON_AddNumberToObject(o, "elapsed_seconds", round(secs * 10) / 10);
    cJSON_AddNumberToObject(o, "rows_per_second", secs > 0 ? round((double)v->rows / secs) : 0);
    if (v->fraction >= 0) {
        double fr = v->fraction > 1 ? 1 : v->fraction;
        cJSON_AddNumberToObject(o, "fraction", round(fr * 1000) / 1000);
        if (fr > 0.001 && fr < 1 && !final)
            cJSON_AddNumberToObject(o, "eta_seconds", round(secs * (1 - fr) / fr));
        else
            cJSON_AddNullToObject(o, "eta_seconds");
    } else {
        cJSON_AddNullToObject(o, "fraction");
        cJSON_AddNullToObject(o, "eta_seconds");
    }
    if (v->now[0])
        cJSON_AddStringToObject(o, "now", v->now);
    else
        cJSON_AddNullToObject(o, "now");
    cJSON_AddBoolToObject(o, "final", final);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text)
        put_line_locked(p, text);
    free(text);
}

static void remember(struct sl_progress *p, const struct sl_progress_view *v)
{
    pthread_mutex_lock(&p->mu);
    p->seen.verb = v->verb;
    p->seen.rows = v->rows;
    p->seen.bytes = v->bytes;
    p->seen.fraction = v->fraction;
    snprintf(p->seen.now, sizeof p->seen.now, "%s", v->now ? v->now : "");
    p->seen.set = 1;
    pthread_mutex_unlock(&p->mu);
}

void sl_progress_show(struct sl_progress *p, const struct sl_progress_view *v)
{
    if (!p->enabled)
        return;
    if (p->mode == SL_PROGRESS_JSON) {
        remember(p, v);
        if (due(p)) {
            put_json_locked(p, &p->seen, 0);
            pthread_mutex_unlock(&p->mu);
        }
        return;
    }
    double secs = sl_now() - p->start;
    char f[F_N][160];
    memset(f, 0, sizeof f);
    char a[32], b[32], t[32];
    snprintf(f[F_VERB], sizeof f[F_VERB], "%s:", v->verb);
    if (v->fraction >= 0) {
        double fr = v->fraction > 1 ? 1 : v->fraction;
        int fill = (int)(fr * 20 + 0.5);
        char bar[24];
        for (int i = 0; i < 20; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[20] = '\0';
        snprintf(f[F_BAR], sizeof f[F_BAR], "[%s]", bar);
        snprintf(f[F_PCT], sizeof f[F_PCT], "%.0f%%", fr * 100);
        if (fr > 0.001 && fr < 1 && !v->eta_given) {
            sl_fmt_clock(secs * (1 - fr) / fr, t, sizeof t);
            snprintf(f[F_ETA], sizeof f[F_ETA], "ETA %s", t);
        }
    }
    if (v->eta_given && v->eta >= 0) {
        sl_fmt_clock(v->eta, t, sizeof t);
        snprintf(f[F_ETA], sizeof f[F_ETA], "%s %s", v->eta_label ? v->eta_label : "ETA", t);
    }
    snprintf(f[F_ROWS], sizeof f[F_ROWS], "%s rows", sl_fmt_count(v->rows, a, sizeof a));
    snprintf(f[F_RATE], sizeof f[F_RATE], "%s rows/s",
             sl_fmt_count(secs > 0 ? (uint64_t)((double)v->rows / secs) : 0, b, sizeof b));
    sl_fmt_clock(secs, t, sizeof t);
    snprintf(f[F_ELAPSED], sizeof f[F_ELAPSED], "%s", t);
    if (!v->no_bytes)
        sl_fmt_bytes(v->bytes, f[F_MB], sizeof f[F_MB]);
    if (v->now)
        snprintf(f[F_NOW], sizeof f[F_NOW], "now %s", v->now);
    /* on a terminal, drop fields until the line fits (with room for the
     * cursor, so that the line never wraps) */
    size_t width = p->mode == SL_PROGRESS_BAR ? term_width(p->out) : SIZE_MAX;
    for (int rank = 1;; rank++) {
        size_t len = 0;
        for (int i = 0; i < F_N; i++)
            len += f[i][0] ? strlen(f[i]) + 1 : 0;
        if (len < width || rank > 6)
            break;
        for (int i = 0; i < F_N; i++)
            if (drop_rank[i] == rank)
                f[i][0] = '\0';
    }
    char line[F_N * 162] = "";
    size_t n = 0;
    for (int i = 0; i < F_N; i++)
        if (f[i][0])
            n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", n ? " " : "", f[i]);
    if (n >= width) /* still too wide: cut it */
        line[width > 1 ? width - 1 : 0] = '\0';
    sl_progress_line(p, "%s", line);
}

void sl_progress_tick(struct sl_progress *p, struct sl_counters *c)
{
    uint64_t raw = atomic_load_explicit(&c->raw_bytes, memory_order_relaxed);
    uint64_t read = atomic_load_explicit(&c->rows_read, memory_order_relaxed);
    uint64_t done = atomic_load_explicit(&c->rows_written, memory_order_relaxed) +
                    atomic_load_explicit(&c->rows_ignored, memory_order_relaxed) +
                    atomic_load_explicit(&c->rows_rejected, memory_order_relaxed);
    /* the share of the files read, times the share of the rows read that
     * are through: readers run ahead of the writers by the batch pool */
    double fraction = -1;
    if (p->total > 0) {
        fraction = (double)raw / (double)p->total;
        if (read > 0 && done < read)
            fraction *= (double)done / (double)read;
    }
    struct sl_progress_view v = {
        .verb = "load",
        .rows = atomic_load_explicit(&c->rows_written, memory_order_relaxed),
        .bytes = atomic_load_explicit(&c->data_bytes, memory_order_relaxed),
        .fraction = fraction,
    };
    sl_progress_show(p, &v);
}

/* Clears the terminal line; the caller holds the lock. */
static void clear_locked(struct sl_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
        p->drawn = 0;
    }
}

void sl_progress_clear(struct sl_progress *p)
{
    pthread_mutex_lock(&p->mu);
    clear_locked(p);
    if (p->enabled && p->mode == SL_PROGRESS_JSON && p->seen.set && !p->closed) {
        put_json_locked(p, &p->seen, 1);
        p->closed = 1;
    }
    pthread_mutex_unlock(&p->mu);
}

void sl_progress_printf(struct sl_progress *p, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&p->mu);
    clear_locked(p);
    va_start(ap, fmt);
    vfprintf(p->out, fmt, ap);
    va_end(ap);
    fflush(p->out);
    pthread_mutex_unlock(&p->mu);
}

void sl_progress_release(struct sl_progress *p)
{
    pthread_mutex_destroy(&p->mu);
}

void sl_progress_wait(pthread_cond_t *cv, pthread_mutex_t *mu, unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000 * 1000;
    if (ts.tv_nsec >= 1000 * 1000 * 1000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000 * 1000 * 1000;
    }
    pthread_cond_timedwait(cv, mu, &ts);
}
