#include "sl_progress.h"

#include <stdarg.h>
#include <stdint.h>
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

void sl_progress_init(struct sl_progress *p, FILE *out, int enabled, uint64_t total_raw_bytes)
{
    pthread_mutex_init(&p->mu, NULL);
    p->out = out;
    p->enabled = enabled;
    p->tty = isatty(fileno(out));
    p->start = sl_now();
    p->last = p->start;
    p->interval = p->tty ? 0.5 : 5.0;
    p->total = total_raw_bytes;
    p->drawn = 0;
}

void sl_progress_line(struct sl_progress *p, const char *fmt, ...)
{
    if (!p->enabled)
        return;
    double now = sl_now();
    pthread_mutex_lock(&p->mu);
    if (now - p->last < p->interval) {
        pthread_mutex_unlock(&p->mu);
        return;
    }
    p->last = now;
    va_list ap;
    fputs(p->tty ? "\r" : "sluice: ", p->out);
    va_start(ap, fmt);
    vfprintf(p->out, fmt, ap);
    va_end(ap);
    fputs(p->tty ? "\033[K" : "\n", p->out);
    fflush(p->out);
    p->drawn = p->tty;
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

static void fmt_clock(double secs, char *buf, size_t len)
{
    long s = secs > 0 ? (long)secs : 0;
    if (s >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

/* The fields of a line, in display order; drop gives the order in which
 * they go when the terminal is too narrow (0: never). */
enum { F_VERB, F_BAR, F_PCT, F_ROWS, F_RATE, F_ELAPSED, F_ETA, F_MB, F_NOW, F_N };
static const int drop_rank[F_N] = {
    [F_VERB] = 0,    [F_BAR] = 3, [F_PCT] = 0, [F_ROWS] = 0, [F_RATE] = 4,
    [F_ELAPSED] = 6, [F_ETA] = 5, [F_MB] = 2,  [F_NOW] = 1,
};

void sl_progress_show(struct sl_progress *p, const struct sl_progress_view *v)
{
    if (!p->enabled)
        return;
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
        if (fr > 0.001 && fr < 1) {
            fmt_clock(secs * (1 - fr) / fr, t, sizeof t);
            snprintf(f[F_ETA], sizeof f[F_ETA], "ETA %s", t);
        }
    }
    snprintf(f[F_ROWS], sizeof f[F_ROWS], "%s rows", sl_fmt_count(v->rows, a, sizeof a));
    snprintf(f[F_RATE], sizeof f[F_RATE], "%s rows/s",
             sl_fmt_count(secs > 0 ? (uint64_t)((double)v->rows / secs) : 0, b, sizeof b));
    fmt_clock(secs, t, sizeof t);
    snprintf(f[F_ELAPSED], sizeof f[F_ELAPSED], "%s", t);
    snprintf(f[F_MB], sizeof f[F_MB], "%.1f MB", (double)v->bytes / 1e6);
    if (v->now)
        snprintf(f[F_NOW], sizeof f[F_NOW], "now %s", v->now);
    /* on a terminal, drop fields until the line fits (with room for the
     * cursor, so that the line never wraps) */
    size_t width = p->tty ? term_width(p->out) : SIZE_MAX;
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
    if (p->tty && n >= width) /* still too wide: cut it */
        line[width > 1 ? width - 1 : 0] = '\0';
    sl_progress_line(p, "%s", line);
}

void sl_progress_tick(struct sl_progress *p, struct sl_counters *c)
{
    uint64_t raw = atomic_load_explicit(&c->raw_bytes, memory_order_relaxed);
    struct sl_progress_view v = {
        .verb = "load",
        .rows = atomic_load_explicit(&c->rows_written, memory_order_relaxed),
        .bytes = atomic_load_explicit(&c->data_bytes, memory_order_relaxed),
        .fraction = p->total > 0 ? (double)raw / (double)p->total : -1,
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
