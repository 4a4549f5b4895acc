/*
 * sl_rate: a shared pace for --max-rate. Threads that are about to send
 * rows reserve them; the pace says how long each must wait so that, from
 * the start, the rows (or bytes) sent never run ahead of the rate.
 */
#ifndef SL_RATE_H
#define SL_RATE_H

#include <stdatomic.h>
#include <stdint.h>

struct sl_rate {
    double rows_per_sec;          /* 0: no limit on rows */
    double bytes_per_sec;         /* 0: no limit on bytes */
    double start;                 /* sl_now() at sl_rate_init */
    _Atomic uint64_t rows, bytes; /* reserved so far */
};

/* Starts the pace now. Both rates 0: sl_rate_reserve never waits. */
void sl_rate_init(struct sl_rate *r, double rows_per_sec, double bytes_per_sec);

/* Whether a limit is set. */
int sl_rate_limited(const struct sl_rate *r);

/* Reserves rows and bytes; returns the sl_now() time before which they may
 * not be sent (now or earlier when they may go at once). Safe from any
 * thread. */
double sl_rate_reserve(struct sl_rate *r, uint64_t rows, uint64_t bytes);

/* Parses a --max-rate value: "N" or "N/s" rows a second, or "N[kB|MB|GB]/s"
 * (decimal units) bytes a second. Sets one of *rows_per_sec and
 * *bytes_per_sec and zeroes the other. Returns 0, or -1 when v is not such
 * a rate or not above 0. */
int sl_rate_parse(const char *v, double *rows_per_sec, double *bytes_per_sec);

#endif
