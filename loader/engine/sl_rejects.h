/*
 * sl_rejects: where rejected rows go under --on-error skip.
 *
 *   PATH.csv  each rejected record, byte for byte as it was in the input (its
 *             line ending included), after the input's header line, so that
 *             the file can be fixed and loaded again with the same options;
 *   PATH.log  one line per reject: file, line, byte offset, column, reason.
 *
 * Readers and writers reject rows from several threads; every call takes the
 * module's lock and flushes both files before it returns, so a reject that
 * was reported is on disk even if the process dies next.
 */
#ifndef SL_REJECTS_H
#define SL_REJECTS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_err.h"

struct sl_rejects {
    pthread_mutex_t mu;
    FILE *csv;
    FILE *log;
    uint64_t count;
    char *path;   /* PATH, for removing the files again */
    int appended; /* opened to append to (a resumed load's) */
};

/* Opens PATH.csv and PATH.log, truncating them, or appending when `append`
 * (a resumed load). header (header_len bytes, may be 0) is written first to a
 * new or empty PATH.csv. Returns 0 or -1 with err set. */
int sl_rejects_open(struct sl_rejects *rj, const char *path, int append, const char *header,
                    size_t header_len, struct sl_err *err);

/* Records one rejected row. column may be NULL when no one column is at fault.
 * A record without a line ending gets a LF. Returns the number of rejects so
 * far, this one included. Write errors are reported by sl_rejects_close. */
uint64_t sl_rejects_add(struct sl_rejects *rj, const char *file, uint64_t line, uint64_t offset,
                        const char *column, const char *reason, const char *raw, size_t raw_len);

/* Closes both files, and removes them when nothing was rejected (unless
 * they were appended to). Returns 0, or -1 with err set if anything could
 * not be written. Safe on a struct that was never opened (zeroed). */
int sl_rejects_close(struct sl_rejects *rj, struct sl_err *err);

#endif
