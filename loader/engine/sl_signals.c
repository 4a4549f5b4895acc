#include "sl_signals.h"

#include <time.h>
#include <unistd.h>

/* SIGINT and SIGTERM, and SL_SIGNALS_WAKE, which sl_signals_stop() sends
 * the thread so that it need not wait out its timeout. */
static void watched(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SL_SIGNALS_WAKE);
}

static void *signal_main(void *arg)
{
    struct sl_signals *s = arg;
    sigset_t set;
    watched(&set);
    while (!atomic_load(&s->stop)) {
        struct timespec ts = {1, 0}; /* stop is seen at the latest after this */
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig < 0 || sig == SL_SIGNALS_WAKE)
            continue;
        if (atomic_fetch_add(&s->caught, 1) == 0) {
            s->on_first(s->ctx, sig);
        } else {
            sl_progress_printf(s->progress, "%s", s->second);
            _exit(s->exit_code);
        }
    }
    return NULL;
}

int sl_signals_start(struct sl_signals *s, void (*on_first)(void *ctx, int sig), void *ctx,
                     struct sl_progress *progress, const char *second, int exit_code)
{
    atomic_init(&s->stop, 0);
    atomic_init(&s->caught, 0);
    s->on_first = on_first;
    s->ctx = ctx;
    s->progress = progress;
    s->second = second;
    s->exit_code = exit_code;
    sigset_t sigs;
    watched(&sigs);
    pthread_sigmask(SIG_BLOCK, &sigs, &s->old);
    s->started = pthread_create(&s->tid, NULL, signal_main, s) == 0;
    if (!s->started) {
        pthread_sigmask(SIG_SETMASK, &s->old, NULL);
        return -1;
    }
    return 0;
}

void sl_signals_stop(struct sl_signals *s)
{
    if (!s->started)
        return;
    atomic_store(&s->stop, 1);
    pthread_kill(s->tid, SL_SIGNALS_WAKE);
    pthread_join(s->tid, NULL);
    s->started = 0;
    pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}
