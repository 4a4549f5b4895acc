#include "sl_shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole number of text, or -1. */
static long long whole(const char *p, const char **end)
{
    if (*p < '0' || *p > '9')
        return -1;
    errno = 0;
    char *e;
    unsigned long long v = strtoull(p, &e, 10);
    if (errno != 0 || v > 1000000000ULL)
        return -1;
    *end = e;
    return (long long)v;
}

int sl_shard_parse(const char *v, struct sl_shard *s, const char **why)
{
    const char *p = v ? v : "", *e;
    long long i = whole(p, &e);
    long long n = i >= 0 && *e == '/' ? whole(e + 1, &e) : -1;
    if (i < 0 || n < 0 || *e != '\0') {
        *why = "must be i/n: this shard's number, from 0, and the number of shards";
        return -1;
    }
    if (n == 0 || n > SL_SHARD_MAX) {
        *why = "the number of shards must be from 1 to 10000";
        return -1;
    }
    if (i >= n) {
        *why = "the shard number must be below the number of shards (shards count from 0)";
        return -1;
    }
    s->index = (unsigned)i;
    s->count = (unsigned)n;
    return 0;
}

int sl_shard_from_env(unsigned count, struct sl_shard *s, const char **why)
{
    const char *v = getenv("JOB_COMPLETION_INDEX");
    if (!v || !*v)
        return 0;
    const char *e;
    long long i = whole(v, &e);
    if (i < 0 || *e != '\0' || (unsigned long long)i >= count) {
        *why = "JOB_COMPLETION_INDEX must be a shard number below --shards";
        return -1;
    }
    s->index = (unsigned)i;
    s->count = count;
    return 1;
}

/* Cut point k of total bytes in count parts: floor(total * k / count),
 * without overflow. */
static uint64_t cut(uint64_t total, unsigned k, unsigned count)
{
    return total / count * k + total % count * k / count;
}

/* The shard whose range holds byte x. */
static unsigned owner(uint64_t total, unsigned count, uint64_t x)
{
    unsigned k = count - 1;
    while (k > 0 && cut(total, k, count) > x)
        k--;
    return k;
}

void sl_shard_files(const struct sl_shard *s, const long long *sizes, const int *splittable,
                    size_t n, struct sl_span *keep)
{
    uint64_t total = 0;
    for (size_t f = 0; f < n; f++)
        total += sizes[f] > 0 ? (uint64_t)sizes[f] : 0;
    uint64_t o = 0;
    for (size_t f = 0; f < n; f++) {
        uint64_t sz = sizes[f] > 0 ? (uint64_t)sizes[f] : 0;
        keep[f] = (struct sl_span){0, 0};
        if (s->count == 0) {
            keep[f].end = UINT64_MAX;
        } else if (!splittable[f] || sz == 0) {
            if (owner(total, s->count, o) == s->index)
                keep[f].end = UINT64_MAX;
        } else {
            uint64_t lo = cut(total, s->index, s->count), hi = cut(total, s->index + 1, s->count);
            if (s->index + 1 == s->count)
                hi = UINT64_MAX;
            if (lo < o)
                lo = o;
            if (hi > o + sz)
                hi = o + sz;
            if (lo < hi) {
                keep[f].start = lo == o ? 0 : lo - o;
                keep[f].end = hi == o + sz ? UINT64_MAX : hi - o;
            }
        }
        o += sz;
    }
}

int sl_shard_keeps_range(const struct sl_shard *s, uint64_t i, uint64_t nranges)
{
    if (s->count == 0)
        return 1;
    /* range i goes to the shard k with k*n/count <= i < (k+1)*n/count */
    uint64_t lo = nranges / s->count * s->index + nranges % s->count * s->index / s->count;
    uint64_t hi =
        nranges / s->count * (s->index + 1) + nranges % s->count * (s->index + 1) / s->count;
    return i >= lo && i < hi;
}

const char *sl_shard_suffix(const struct sl_shard *s, char *out, size_t cap)
{
    if (s->count == 0)
        snprintf(out, cap, "%s", "");
    else
        snprintf(out, cap, " shard %u/%u", s->index, s->count);
    return out;
}
