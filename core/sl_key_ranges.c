#include "sl_key_ranges.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define SIGN_BIT ((uint64_t)1 << 63)

/* Maps a key to an unsigned value with the same order. */
static int parse_key(const char *s, int is_signed, uint64_t *out)
{
    char *end;
    errno = 0;
    if (is_signed) {
        long long v = strtoll(s, &end, 10);
        *out = (uint64_t)v ^ SIGN_BIT;
    } else {
        if (*s == '-')
            return -1;
        *out = strtoull(s, &end, 10);
    }
    return errno || end == s || *end ? -1 : 0;
}

static void format_key(const struct sl_key_ranges *r, uint64_t v, char *out)
{
    if (r->is_signed)
        snprintf(out, 24, "%" PRId64, (int64_t)(v ^ SIGN_BIT));
    else
        snprintf(out, 24, "%" PRIu64, v);
}

int sl_key_ranges_init(struct sl_key_ranges *r, int is_signed, const char *min_text,
                       const char *max_text, uint64_t want, struct sl_err *err)
{
    r->is_signed = is_signed;
    r->closed_lo = r->closed_hi = r->none = 0;
    if (parse_key(min_text, is_signed, &r->lo) != 0 || parse_key(max_text, is_signed, &r->hi) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "key bounds '%s'..'%s' are not %s integers", min_text,
                          max_text, is_signed ? "signed" : "unsigned");
    if (r->lo > r->hi)
        return sl_err_set(err, SL_ERR_FATAL, "key bounds '%s'..'%s' are reversed", min_text,
                          max_text);
    unsigned __int128 span = (unsigned __int128)(r->hi - r->lo) + 1;
    if (want < 1)
        want = 1;
    r->n = span < want ? (uint64_t)span : want;
    return 0;
}

void sl_key_ranges_get(const struct sl_key_ranges *r, uint64_t i, char *lo, char *hi)
{
    unsigned __int128 span = (unsigned __int128)(r->hi - r->lo) + 1;
    /* range i covers [lo + span*i/n, lo + span*(i+1)/n - 1]: widths differ by
     * at most one and the ranges tile the span exactly */
    uint64_t a = r->lo + (uint64_t)(span * i / r->n);
    uint64_t b = r->lo + (uint64_t)(span * (i + 1) / r->n - 1);
    format_key(r, a, lo);
    format_key(r, b, hi);
}

int sl_key_ranges_cond(const struct sl_key_ranges *r, uint64_t i, const char *key,
                       struct sl_buf *out)
{
    if (r->none)
        return sl_buf_printf(out, "0 = 1");
    int open_lo = i == 0 && !r->closed_lo, open_hi = i + 1 >= r->n && !r->closed_hi;
    if (open_lo && open_hi)
        return 0;
    char lo[24], hi[24];
    sl_key_ranges_get(r, i, lo, hi);
    if (open_lo)
        return sl_buf_printf(out, "%s <= %s", key, hi);
    if (open_hi)
        return sl_buf_printf(out, "%s >= %s", key, lo);
    return sl_buf_printf(out, "%s BETWEEN %s AND %s", key, lo, hi);
}

void sl_key_ranges_shard(struct sl_key_ranges *r, unsigned index, unsigned count, uint64_t want)
{
    unsigned __int128 span = (unsigned __int128)(r->hi - r->lo) + 1;
    if (count <= 1)
        return;
    if (span < count) { /* too few keys to split: all of them to shard 0 */
        if (index > 0) {
            r->none = 1;
            r->n = 1;
        }
        return;
    }
    uint64_t a = r->lo + (uint64_t)(span * index / count);
    uint64_t b = r->lo + (uint64_t)(span * (index + 1) / count - 1);
    r->closed_lo = index > 0;
    r->closed_hi = index + 1 < count;
    r->lo = a;
    r->hi = b;
    unsigned __int128 part = (unsigned __int128)(b - a) + 1;
    if (want < 1)
        want = 1;
    r->n = part < want ? (uint64_t)part : want;
}

uint64_t sl_key_ranges_want(long long est_rows, uint64_t chunk_rows, unsigned at_least)
{
    uint64_t est = est_rows > 0 ? (uint64_t)est_rows : 0;
    uint64_t want = chunk_rows ? est / chunk_rows + (est % chunk_rows != 0) : 1;
    if (want < at_least)
        want = at_least;
    return want > SL_KEY_RANGES_MAX ? SL_KEY_RANGES_MAX : want;
}
