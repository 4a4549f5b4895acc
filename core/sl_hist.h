/*
 * sl_hist: a latency histogram of fixed size, for percentiles without
 * keeping every sample.
 *
 * Values (microseconds) fall into buckets that are exact below 16 and then
 * split every power of two into 16 steps, so a percentile read back is within
 * about 6% of the true value, whatever the range. Each thread fills its own
 * histogram; sl_hist_merge() adds one into another.
 */
#ifndef SL_HIST_H
#define SL_HIST_H

#include <stdint.h>

#define SL_HIST_BUCKETS (64 * 16)

struct sl_hist {
    uint64_t count;
    uint64_t buckets[SL_HIST_BUCKETS];
};

/* Empties h. */
void sl_hist_reset(struct sl_hist *h);

/* Counts one value. */
void sl_hist_add(struct sl_hist *h, uint64_t us);

/* Adds every count of from into into. */
void sl_hist_merge(struct sl_hist *into, const struct sl_hist *from);

/* The value below which a fraction q (0..1) of the values fall (the upper
 * edge of its bucket), or 0 when h is empty. */
uint64_t sl_hist_quantile(const struct sl_hist *h, double q);

#endif
