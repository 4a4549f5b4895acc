/*
 * sl_exit: the exit codes of sluice. Only the loader's commands choose one.
 */
#ifndef SL_EXIT_H
#define SL_EXIT_H

enum sl_exit {
    SL_EXIT_OK = 0,          /* everything was loaded and committed */
    SL_EXIT_FAILED = 1,      /* the run stopped on an error after it began; rows of
                                chunks committed before it stay, the summary says how
                                many */
    SL_EXIT_USAGE = 2,       /* nothing was written: bad options, a missing file, an
                                unreachable server, a missing table or column */
    SL_EXIT_REJECTS = 3,     /* finished, but some rows were rejected */
    SL_EXIT_INTERRUPTED = 4, /* stopped by a signal; --resume continues */
    SL_EXIT_LOCKED = 5,      /* sluice run: another run of the same job holds its lock */
};

#endif
