/*
 * sl_clock: seconds on the monotonic clock, for durations, deadlines and
 * rates; and the wall clock, for the times a report shows.
 */
#ifndef SL_CLOCK_H
#define SL_CLOCK_H

#include <stddef.h>

/* Seconds on a monotonic clock. */
double sl_now(void);

/* Seconds since the epoch, on the wall clock (for timestamps only). */
double sl_wall_now(void);

/* Formats wall-clock time t as UTC ISO 8601 with milliseconds
 * ("2026-12-06T22:15:06.123Z") into out (at least 32 bytes). */
const char *sl_iso_time(double t, char *out, size_t cap);

#endif
