#include "sl_progress.h"

#include <stdarg.h>
#include <time.h>
#include <unistd.h>

double sl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

void sl_progress_tick(struct sl_progress *p, struct sl_counters *c)
{
    if (!p->enabled)
        return;
    double secs = sl_now() - p->start;
    uint64_t read = atomic_load_explicit(&c->rows_read, memory_order_relaxed);
    uint64_t written = atomic_load_explicit(&c->rows_written, memory_order_relaxed);
    uint64_t raw = atomic_load_explicit(&c->raw_bytes, memory_order_relaxed);
    uint64_t data = atomic_load_explicit(&c->data_bytes, memory_order_relaxed);
    char r1[32], r2[32], rate[32], pct[48] = "";
    if (p->total > 0 && raw > 0) {
        double f = (double)raw / (double)p->total;
        if (f > 1)
            f = 1;
        double eta = f > 0 ? secs * (1 - f) / f : 0;
        snprintf(pct, sizeof pct, "  %4.1f%%  ETA %d:%02d", f * 100, (int)eta / 60, (int)eta % 60);
    }
    sl_progress_line(
        p, "%s rows read, %s written, %.1f MB, %s rows/s%s", sl_fmt_count(read, r1, sizeof r1),
        sl_fmt_count(written, r2, sizeof r2), (double)data / 1e6,
        sl_fmt_count(secs > 0 ? (uint64_t)(written / secs) : 0, rate, sizeof rate), pct);
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
