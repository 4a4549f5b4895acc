/*
 * sl_signals: SIGINT and SIGTERM, handled by a thread of their own.
 *
 * sl_signals_start() blocks both signals in the calling thread (and so in
 * every thread it starts afterwards) and starts a thread that waits for them.
 * The first signal calls on_first(ctx, sig), which should ask the run to stop
 * cleanly; a second one prints `second` and exits at once with exit_code,
 * for a user who cannot wait. No signal handler runs, so no code has to be
 * async-signal-safe.
 */
#ifndef SL_SIGNALS_H
#define SL_SIGNALS_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "sl_progress.h"

/* Sent to the signal thread by sl_signals_stop() to end its wait at once;
 * blocked (and so ignored) everywhere while the thread runs. */
#define SL_SIGNALS_WAKE SIGUSR1

struct sl_signals {
    pthread_t tid;
    int started;
    atomic_int stop;   /* set by sl_signals_stop() */
    atomic_int caught; /* signals received */
    sigset_t old;
    void (*on_first)(void *ctx, int sig);
    void *ctx;
    struct sl_progress *progress; /* where the second-signal message goes */
    const char *second;
    int exit_code;
};

/* Starts the signal thread. Returns 0, or -1 if it could not be started (the
 * signals are unblocked again then). */
int sl_signals_start(struct sl_signals *s, void (*on_first)(void *ctx, int sig), void *ctx,
                     struct sl_progress *progress, const char *second, int exit_code);

/* Stops the thread and restores the signal mask. */
void sl_signals_stop(struct sl_signals *s);

#endif
