/*
 * sl_clock: seconds on the monotonic clock, for durations, deadlines and
 * rates (never for wall-clock time).
 */
#ifndef SL_CLOCK_H
#define SL_CLOCK_H

/* Seconds on a monotonic clock. */
double sl_now(void);

#endif
