#include "sl_backoff.h"
#include "sl_clock.h"

#include <stdlib.h>
#include <time.h>

#define BACKOFF_FIRST 0.25
#define BACKOFF_MAX   8.0

static int stopping(const struct sl_backoff *b)
{
    return b->stop && atomic_load(b->stop) != 0;
}

void sl_backoff_init(struct sl_backoff *b, unsigned retries, double max_seconds,
                     const atomic_int *stop, unsigned seed)
{
    *b = (struct sl_backoff){.retries = retries,
                             .max_seconds = max_seconds,
                             .stop = stop,
                             .seed = (unsigned)time(NULL) ^ (seed * 2654435761u)};
}

double sl_backoff_spent(const struct sl_backoff *b)
{
    return b->attempts ? sl_now() - b->first : 0;
}

double sl_backoff_next(struct sl_backoff *b)
{
    if (b->attempts == 0)
        b->first = sl_now();
    b->attempts++;
    if (b->attempts > b->retries || sl_backoff_spent(b) > b->max_seconds)
        return -1;
    double delay = BACKOFF_FIRST * (double)(1u << (b->attempts < 6 ? b->attempts - 1 : 5));
    if (delay > BACKOFF_MAX)
        delay = BACKOFF_MAX;
    return delay * (0.5 + (double)rand_r(&b->seed) / RAND_MAX);
}

int sl_backoff_pause(const struct sl_backoff *b, double s)
{
    while (s > 0 && !stopping(b)) {
        double step = s < 0.1 ? s : 0.1;
        struct timespec ts = {0, (long)(step * 1e9)};
        nanosleep(&ts, NULL);
        s -= step;
    }
    return stopping(b) ? -1 : 0;
}
