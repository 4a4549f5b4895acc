/*
 * ref_csv: the libcsv-based CSV reader sluice used before its own scanner,
 * kept for tests only, as a second opinion on RFC 4180 input (one-byte
 * delimiter, a quote, no escape, LF/CRLF/CR line ends). Same records,
 * fields, lines and offsets as sl_csv; its malformed records end before the
 * LF of a CRLF, where sl_csv's take the whole line end.
 */
#ifndef REF_CSV_H
#define REF_CSV_H

#include "sl_csv.h"

struct ref_dialect {
    unsigned char delim, quote;
    const char *null_marker;
    uint64_t skip_lines;
};

struct ref_csv;

/* As sl_csv_open, sl_csv_next, sl_csv_offset, sl_csv_input, sl_csv_close. */
int ref_csv_open(struct ref_csv **out, struct sl_input *in, const struct ref_dialect *d,
                 size_t max_record_bytes, struct sl_err *err);
int ref_csv_next(struct ref_csv *r, struct sl_buf *dest, struct sl_csv_record *rec,
                 struct sl_err *err);
uint64_t ref_csv_offset(const struct ref_csv *r);
const struct sl_input *ref_csv_input(const struct ref_csv *r);
void ref_csv_close(struct ref_csv *r);

#endif
