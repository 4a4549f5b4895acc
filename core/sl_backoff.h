/*
 * sl_backoff: the waits between retries of one piece of work, shared by
 * every thread that retries a transient error (the chunk writer, copy's
 * verifier and index builder).
 *
 * Waits grow from 0.25 s, doubling up to 8 s, each times a random 0.5..1.5
 * so that threads that failed together do not retry together. The retries
 * end after a number of attempts or a number of seconds since the first,
 * whichever comes first.
 */
#ifndef SL_BACKOFF_H
#define SL_BACKOFF_H

#include <stdatomic.h>

struct sl_backoff {
    unsigned retries;       /* attempts after the first */
    double max_seconds;     /* give up once retrying has taken this long */
    const atomic_int *stop; /* set: stop waiting; may be NULL */
    unsigned attempts;      /* retries so far */
    double first;           /* when the first retry began (monotonic seconds) */
    unsigned seed;          /* for the jitter */
};

/* Starts a new piece of work's retries. seed tells threads apart. */
void sl_backoff_init(struct sl_backoff *b, unsigned retries, double max_seconds,
                     const atomic_int *stop, unsigned seed);

/* Counts one more retry and returns how long to wait before it, in
 * seconds; or -1 when the retries or the time are used up (the attempts
 * and seconds spent are then in b->attempts - 1 and sl_backoff_spent). */
double sl_backoff_next(struct sl_backoff *b);

/* Seconds since the first retry began. */
double sl_backoff_spent(const struct sl_backoff *b);

/* Sleeps s seconds, waking early when *b->stop is set. Returns 0, or -1
 * when stopping. */
int sl_backoff_pause(const struct sl_backoff *b, double s);

#endif
