/*
 * sl_key_ranges: splits an integer primary key's span [min, max] into ranges
 * that worker threads read one at a time.
 *
 * The split is by key value, not by row count: n ranges of equal width. On a
 * key with gaps some ranges hold fewer rows than others, which is why workers
 * take the next range when they finish one instead of owning a fixed share.
 * Any 64-bit span works, signed or unsigned, including the whole of BIGINT
 * UNSIGNED.
 */
#ifndef SL_KEY_RANGES_H
#define SL_KEY_RANGES_H

#include <stdint.h>

#include "sl_buf.h"
#include "sl_err.h"

struct sl_key_ranges {
    int is_signed;
    uint64_t lo, hi; /* the span, as order-preserving unsigned values */
    uint64_t n;      /* number of ranges, at least 1 */
    /* --shard: a shard's part of the span has closed ends where another
     * shard's part begins (the first range then starts at lo, the last ends
     * at hi), and none is set for a shard with no keys at all */
    int closed_lo, closed_hi, none;
};

/* Most ranges one span is split into (a bound on the plan's memory). */
#define SL_KEY_RANGES_MAX 1000000

/* How many ranges to ask for: enough for about chunk_rows rows each by the
 * row estimate est_rows (<= 0 when unknown), at least at_least (one per
 * reader), at most SL_KEY_RANGES_MAX. */
uint64_t sl_key_ranges_want(long long est_rows, uint64_t chunk_rows, unsigned at_least);

/* Sets r up for the span [min_text, max_text] (decimal, as the server prints
 * MIN() and MAX()) split into at most want ranges (fewer when the span is
 * narrower). Returns 0, or -1 if a bound is not an integer of that
 * signedness or min > max. */
int sl_key_ranges_init(struct sl_key_ranges *r, int is_signed, const char *min_text,
                       const char *max_text, uint64_t want, struct sl_err *err);

/* --shard: narrows r (set up by sl_key_ranges_init over the whole span) to
 * shard index of count: the span is cut into count equal parts by key
 * value, the first open below and the last open above, and this shard's
 * part is split into at most want ranges. A span of fewer keys than shards
 * goes whole to shard 0, and the others get none. */
void sl_key_ranges_shard(struct sl_key_ranges *r, unsigned index, unsigned count, uint64_t want);

/* Writes the inclusive bounds of range i (0 <= i < r->n) as decimal text;
 * each buffer needs 24 bytes. */
void sl_key_ranges_get(const struct sl_key_ranges *r, uint64_t i, char *lo, char *hi);

/* Appends the condition that selects range i of key (a quoted column name)
 * to out: "key <= hi" for the first range, "key >= lo" for the last and
 * "key BETWEEN lo AND hi" between them. The first and last ranges are
 * open-ended, so the ranges cover every key whatever MIN() and MAX() said
 * when they were planned. With a single range nothing is appended (every row
 * belongs to it). A shard's closed ends use ">= lo" and "<= hi" instead, and
 * a shard with no keys gets "0 = 1". Returns 0 or -1 (out is full). */
int sl_key_ranges_cond(const struct sl_key_ranges *r, uint64_t i, const char *key,
                       struct sl_buf *out);

/* True when sl_key_ranges_cond() appends nothing for this set of ranges. */
static inline int sl_key_ranges_whole(const struct sl_key_ranges *r)
{
    return r->n <= 1 && !r->closed_lo && !r->closed_hi && !r->none;
}

#endif
