#include "sl_rate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_clock.h"

void sl_rate_init(struct sl_rate *r, double rows_per_sec, double bytes_per_sec)
{
    r->rows_per_sec = rows_per_sec;
    r->bytes_per_sec = bytes_per_sec;
    r->start = sl_now();
    atomic_init(&r->rows, 0);
    atomic_init(&r->bytes, 0);
}

int sl_rate_limited(const struct sl_rate *r)
{
    return r->rows_per_sec > 0 || r->bytes_per_sec > 0;
}

double sl_rate_reserve(struct sl_rate *r, uint64_t rows, uint64_t bytes)
{
    double at = r->start;
    /* a reservation may go once the rate allows every row reserved up to
     * and including it: what was sent never runs ahead of the rate */
    if (r->rows_per_sec > 0) {
        uint64_t upto = atomic_fetch_add_explicit(&r->rows, rows, memory_order_relaxed) + rows;
        at = fmax(at, r->start + (double)upto / r->rows_per_sec);
    }
    if (r->bytes_per_sec > 0) {
        uint64_t upto = atomic_fetch_add_explicit(&r->bytes, bytes, memory_order_relaxed) + bytes;
        at = fmax(at, r->start + (double)upto / r->bytes_per_sec);
    }
    return at;
}

int sl_rate_parse(const char *v, double *rows_per_sec, double *bytes_per_sec)
{
    *rows_per_sec = *bytes_per_sec = 0;
    if (!v || !*v)
        return -1;
    errno = 0;
    char *end;
    double n = strtod(v, &end);
    if (errno != 0 || end == v || !(n > 0) || !isfinite(n))
        return -1;
    static const struct {
        const char *unit;
        double scale; /* 0: rows */
    } units[] = {{"", 0},       {"/s", 0},     {"rows/s", 0}, {"B/s", 1},
                 {"kB/s", 1e3}, {"KB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) != 0)
            continue;
        if (units[i].scale == 0)
            *rows_per_sec = n;
        else
            *bytes_per_sec = n * units[i].scale;
        return 0;
    }
    return -1;
}
