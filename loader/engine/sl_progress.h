/*
 * sl_progress: the run's shared counters, the progress display and the
 * closing summary.
 *
 * Worker threads only add to the counters (relaxed atomics, once per batch).
 * The main thread reads them to draw progress: a line redrawn in place
 * while stderr is a terminal, or a plain line every few seconds otherwise.
 * Any thread may print a message with sl_progress_printf(); the display's
 * lock keeps it from mixing with a progress line.
 */
#ifndef SL_PROGRESS_H
#define SL_PROGRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_clock.h"

struct sl_counters {
    _Atomic uint64_t rows_read;     /* records parsed into batches */
    _Atomic uint64_t rows_written;  /* rows in committed chunks */
    _Atomic uint64_t raw_bytes;     /* bytes read from the files (compressed) */
    _Atomic uint64_t data_bytes;    /* bytes parsed (decompressed) */
    _Atomic uint64_t rows_rejected; /* sent to the rejects files */
    _Atomic uint64_t retries;       /* transient errors retried */
    _Atomic uint64_t rows_ignored;  /* --mode ignore: skipped, their key was taken */
    _Atomic uint64_t rows_updated;  /* --mode upsert: changed; replace: old rows deleted */
};

struct sl_progress {
    pthread_mutex_t mu; /* guards drawing: last, drawn */
    FILE *out;
    int enabled;
    int tty;
    double start;
    double last;     /* when the last line was drawn */
    double interval; /* seconds between lines */
    uint64_t total;  /* raw bytes expected, 0 if unknown */
    int drawn;       /* a terminal line is on screen */
};

/* With mu held: waits until cv is signalled or ms milliseconds have passed,
 * the pause of a main thread that draws progress until its workers end. */
void sl_progress_wait(pthread_cond_t *cv, pthread_mutex_t *mu, unsigned ms);

/* Sets up the display on out. enabled = 0 draws nothing. total_raw_bytes is
 * the sum of the input sizes, or 0 when unknown (stdin). */
void sl_progress_init(struct sl_progress *p, FILE *out, int enabled, uint64_t total_raw_bytes);

/* Draws a progress line of the given text if one is due (the text has no
 * line end; the display adds what the terminal needs). */
void sl_progress_line(struct sl_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What one progress line shows. Every command fills one in, so that every
 * command's line looks the same. */
struct sl_progress_view {
    const char *verb; /* "load", "extract", "copy" */
    uint64_t rows;    /* rows done */
    uint64_t bytes;   /* bytes moved */
    double fraction;  /* of the whole, 0..1, or -1 when unknown */
    const char *now;  /* what it is working on ("shop.orders"), or NULL */
};

/* Draws v as the progress line if one is due: the verb, a bar and the
 * percentage, rows, rows/s, the elapsed time, the ETA, MB and what it is on
 * now. On a terminal the line fits its width: fields are dropped, the
 * least needed first (now, MB, the bar, rows/s, the ETA, the elapsed time).
 * A log line (not a terminal) has them all. */
void sl_progress_show(struct sl_progress *p, const struct sl_progress_view *v);

/* Draws a load's progress line from the counters if one is due. */
void sl_progress_tick(struct sl_progress *p, struct sl_counters *c);

/* Removes the terminal line, if any, before the summary or an error. */
void sl_progress_clear(struct sl_progress *p);

/* Prints a message line (from any thread), clearing the progress line
 * first. */
void sl_progress_printf(struct sl_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Releases the display's lock. */
void sl_progress_release(struct sl_progress *p);

/* Formats n with thousands separators into buf (at least 32 bytes). */
const char *sl_fmt_count(uint64_t n, char *buf, size_t len);

#endif
