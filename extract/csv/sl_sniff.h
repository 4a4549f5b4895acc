/*
 * sl_sniff: a CSV file's dialect, header and column types, worked out from
 * bounded samples of its text.
 *
 * The caller hands over UTF-8 text: the head of the file (read from its
 * first byte) and, where the file could be read at other places, samples
 * from its middle and its end (each starting at an arbitrary byte; their
 * first, partial line is dropped). Nothing else is read, so memory and time
 * do not grow with the file.
 *
 * How the dialect is chosen: the head is parsed with every candidate
 * (delimiters , ; TAB | : space and ", " "; ", quotes " ' and none, no
 * escape or a backslash). A candidate is scored by, in order: no quoting
 * errors; the share of records that have its most common field count (the
 * leading records that do not are the preamble); more than one field;
 * the share of values that read as numbers, dates or booleans (so that
 * "1,5;2,3" splits on ';'); more fields; the candidate's rank in the list.
 * When the best two candidates with different delimiters score the same,
 * the dialect cannot be decided and sniffing says so instead of guessing.
 *
 * The header: the first record is a header when a column whose values are
 * numbers, dates or booleans has a first value that is not; or, for all-text
 * columns, when its values are distinct names that never recur below. A
 * second (and third) record that still breaks typed columns makes the header
 * two (three) lines.
 */
#ifndef SL_SNIFF_H
#define SL_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "sl_csv.h"
#include "sl_err.h"
#include "sl_sniff_types.h"

/* A piece of the file's text, as UTF-8. */
struct sl_sniff_sample {
    const char *data;
    size_t len;
    uint64_t offset; /* where it starts in the (decoded) file */
    int to_end;      /* it runs to the end of the file */
};

/* A record whose field count differs from the dialect's. */
struct sl_sniff_odd {
    uint64_t line; /* 0 when not known (a middle or end sample) */
    uint64_t offset;
    size_t nfields;
};

#define SL_SNIFF_MAX_ODD 5

struct sl_sniff_result {
    /* the dialect */
    char delim[SL_CSV_MAX_SEP + 1];
    unsigned char quote, escape; /* 0: none */
    unsigned char comment;       /* '#' when lines that start with it are comments, else 0 */
    const char *terminator;      /* "LF", "CRLF" or "CR": what most records end in */
    uint64_t preamble_lines;     /* physical lines before the header */
    int header;                  /* the file has a header */
    unsigned header_lines;
    /* the evidence */
    uint64_t records;    /* records sampled (header included) */
    uint64_t consistent; /* of them, with ncols fields */
    struct sl_sniff_odd odd[SL_SNIFF_MAX_ODD];
    size_t nodd;
    uint64_t nodd_total;
    char runner_up[64]; /* the next-best dialect, described, or "" */
    /* the columns */
    size_t ncols;
    char **names; /* from the header, or col1, col2, ... */
    struct sl_sniff_col *cols;
};

/* Works out the dialect, header and columns from the samples (head first;
 * nsamples >= 1). Returns 0, or -1 with err set: the text has no records,
 * or the dialect cannot be decided (the message names the candidates). */
int sl_sniff_text(const struct sl_sniff_sample *samples, size_t nsamples,
                  struct sl_sniff_result *out, struct sl_err *err);

/* Frees what a result holds. */
void sl_sniff_result_release(struct sl_sniff_result *r);

#endif
