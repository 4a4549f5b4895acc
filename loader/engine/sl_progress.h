/*
 * sl_progress: the run's shared counters, the progress display and the
 * closing summary.
 *
 * Worker threads only add to the counters (relaxed atomics, once per batch).
 * The main thread reads them to draw progress in one of the --progress
 * modes: a bar redrawn in place on a terminal, a timestamped line every few
 * seconds for logs, or a JSON object per interval for log shippers. Any
 * thread may print a message with sl_progress_printf(); the display's lock
 * keeps it from mixing with a progress line.
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

/* --progress: how progress is shown. NONE is 0, so that a config's zero
 * draws nothing; AUTO is a BAR on a terminal and LOG otherwise. */
enum sl_progress_mode {
    SL_PROGRESS_NONE = 0,
    SL_PROGRESS_AUTO,
    SL_PROGRESS_BAR,  /* one line redrawn in place, fitted to the terminal's width */
    SL_PROGRESS_LOG,  /* a line every SL_PROGRESS_LOG_SECONDS, with an ISO timestamp */
    SL_PROGRESS_JSON, /* a JSON object per SL_PROGRESS_LOG_SECONDS, and a last one */
};

/* The names of the modes for --progress, in enum order; NULL-terminated. */
extern const char *const sl_progress_mode_names[];

#define SL_PROGRESS_BAR_SECONDS 0.5
#define SL_PROGRESS_LOG_SECONDS 5.0

/* The last view shown, kept for the closing JSON object. */
struct sl_progress_last {
    const char *verb;
    uint64_t rows, bytes;
    double fraction;
    char now[256];
    int set;
};

struct sl_progress {
    pthread_mutex_t mu; /* guards drawing: last, drawn, seen */
    FILE *out;
    int enabled;
    enum sl_progress_mode mode; /* never AUTO once set up */
    int tty;
    double start;
    double last;     /* when the last line was drawn */
    double interval; /* seconds between lines */
    uint64_t total;  /* raw bytes expected, 0 if unknown */
    int drawn;       /* a terminal line is on screen */
    struct sl_progress_last seen;
    int closed; /* the closing JSON object was written */
};

/* With mu held: waits until cv is signalled or ms milliseconds have passed,
 * the pause of a main thread that draws progress until its workers end. */
void sl_progress_wait(pthread_cond_t *cv, pthread_mutex_t *mu, unsigned ms);

/* Sets up the display on out in mode (an enum sl_progress_mode; NONE draws
 * nothing, AUTO picks BAR when out is a terminal, LOG otherwise).
 * total_raw_bytes is the sum of the input sizes, or 0 when unknown (stdin). */
void sl_progress_init(struct sl_progress *p, FILE *out, int mode, uint64_t total_raw_bytes);

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
    int eta_given;    /* 1: eta is the time left (bench: of the whole grid), shown
                         as "eta_label M:SS"; 0: the ETA comes from the fraction */
    double eta;
    const char *eta_label; /* NULL: "ETA" */
    int no_bytes;          /* 1: nothing is measured in bytes: no bytes field */
};

/* Draws v as the progress line if one is due: the verb, a bar and the
 * percentage, rows, rows/s, the elapsed time, the ETA, bytes and what it is
 * on now. A BAR fits the terminal's width, read at every redraw (so a
 * resize shows at the next one): fields are dropped, the least needed
 * first (now, bytes, the bar, rows/s, the ETA, the elapsed time). A LOG
 * line has them all, after an ISO timestamp; JSON has them as fields. */
void sl_progress_show(struct sl_progress *p, const struct sl_progress_view *v);

/* Draws a load's progress line from the counters if one is due. */
void sl_progress_tick(struct sl_progress *p, struct sl_counters *c);

/* Removes the terminal line, if any, before the summary or an error. In
 * JSON mode, writes the closing object (with "final": true) the first time. */
void sl_progress_clear(struct sl_progress *p);

/* Prints a message line (from any thread), clearing the progress line
 * first. */
void sl_progress_printf(struct sl_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Releases the display's lock. */
void sl_progress_release(struct sl_progress *p);

/* Formats n with thousands separators into buf (at least 32 bytes). */
const char *sl_fmt_count(uint64_t n, char *buf, size_t len);

/* Formats seconds as M:SS, or H:MM:SS from an hour on, into buf. */
const char *sl_fmt_clock(double secs, char *buf, size_t len);

/* Formats a byte count in the unit that suits it, into buf (at least 32
 * bytes): "512 B", "12.3 kB", "45.6 MB", "7.89 GB" (decimal units). */
const char *sl_fmt_bytes(uint64_t n, char *buf, size_t len);

#endif
