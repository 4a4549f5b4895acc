#include "sl_hist.h"

#include <string.h>

void sl_hist_reset(struct sl_hist *h)
{
    memset(h, 0, sizeof *h);
}

/* Bucket of v: values below 16 have their own; above, the top 4 bits after
 * the leading one pick one of 16 steps within the power of two. */
static unsigned bucket(uint64_t v)
{
    if (v < 16)
        return (unsigned)v;
    unsigned log = 63 - (unsigned)__builtin_clzll(v); /* >= 4 */
    unsigned step = (unsigned)(v >> (log - 4)) & 15;
    unsigned b = (log - 3) * 16 + step;
    return b < SL_HIST_BUCKETS ? b : SL_HIST_BUCKETS - 1;
}

/* The largest value that falls in bucket b. */
static uint64_t upper(unsigned b)
{
    if (b < 16)
        return b;
    unsigned log = b / 16 + 3, step = b % 16;
    return ((uint64_t)(16 + step + 1) << (log - 4)) - 1;
}

void sl_hist_add(struct sl_hist *h, uint64_t us)
{
    h->buckets[bucket(us)]++;
    h->count++;
}

void sl_hist_merge(struct sl_hist *into, const struct sl_hist *from)
{
    for (unsigned i = 0; i < SL_HIST_BUCKETS; i++)
        into->buckets[i] += from->buckets[i];
    into->count += from->count;
}

uint64_t sl_hist_quantile(const struct sl_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)h->count + 0.5);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < SL_HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank)
            return upper(i);
    }
    return upper(SL_HIST_BUCKETS - 1);
}
