/*
 * sl_summary: the closing summary of load, extract and copy, in one format:
 *
 *   sluice: loaded into mysql://etl@db1/shop/orders
 *     rows read     1,000,000
 *     rows written  999,998
 *     rows rejected 2
 *     retries       0
 *     ...
 *     seconds       5.43
 *     rows/s        184,161
 *     MB/s          16.9
 *
 * A headline, then one "label value" line each, the labels in one column.
 * The counter lines come from the run's struct sl_report, the record that
 * --report writes, so that the summary and the report always agree; the
 * labels are SL_REPORT_COUNTERS'. What only one command has (extract's
 * compression, copy's table of tables) follows as lines of the same form.
 */
#ifndef SL_SUMMARY_H
#define SL_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "sl_report.h"

/* The bit of counter `name` in a mask of counters to show. */
#define SL_SUMMARY_SHOW(name) (UINT32_C(1) << SL_COUNTER_##name)

/* Prints the headline "sluice: " followed by the formatted text. */
void sl_summary_head(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints one line: label, padded to the labels' column, and the formatted
 * value. */
void sl_summary_line(FILE *out, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints a line for each counter of r that has a label, in
 * SL_REPORT_COUNTERS order: those in `always` (SL_SUMMARY_SHOW bits), and
 * the others when they are not zero. updated_label, when not NULL, is the
 * label of rows_updated ("rows replaced" under --mode replace). */
void sl_summary_counts(FILE *out, const struct sl_report *r, uint32_t always,
                       const char *updated_label);

/* Prints the write method line ("insert", or "insert (auto: WHY)" when
 * why is not empty); nothing when method is NULL. */
void sl_summary_method(FILE *out, const char *method, const char *why);

/* Prints the seconds, rows/s (of rows) and MB/s (of bytes) lines. */
void sl_summary_rates(FILE *out, uint64_t rows, uint64_t bytes, double seconds);

#endif
