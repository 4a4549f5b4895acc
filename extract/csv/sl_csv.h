/*
 * sl_csv: a CSV record reader over an sl_input, for every dialect a drop
 * comes in (see sl_csv_dialect).
 *
 * Records come out one at a time with every field resolved to either a value
 * or SQL NULL, plus the physical line and byte offset where the record starts
 * and its raw bytes (for reject files and error messages).
 *
 * Rules:
 *  - fields are separated by `delim` (one or more bytes) and may be enclosed
 *    in `quote`; inside a quoted field the delimiter, CR, LF and a doubled
 *    quote are literal;
 *  - records end in LF, CRLF or CR (or in the dialect's own terminator);
 *    the last one may lack it;
 *  - blank lines are skipped, and so are lines that begin with `comment`;
 *    spaces are kept (never trimmed);
 *  - a UTF-8 byte order mark at the very start is skipped;
 *  - a quote inside an unquoted field is literal (5'11" stays 5'11");
 *  - with an `escape` byte, escapes are read as LOAD DATA reads them:
 *    \0 \b \n \r \t \Z are NUL, backspace, LF, CR, TAB and ^Z, and the escape
 *    before any other byte (the delimiter, the quote, itself, a line end)
 *    makes that byte literal;
 *  - text after a closing quote ("ab"c) is an error, and so is a quote left
 *    open at the end of the input: both would otherwise swallow the records
 *    that follow;
 *  - NULL: an unquoted field whose bytes equal `null_marker` is NULL. A quoted
 *    field is always a string, so "\N" is the two characters \N and "" is the
 *    empty string. With an empty null_marker, an empty unquoted field is NULL.
 *
 * Lines, for messages and --skip-lines, are physical: a line ends at LF, CRLF
 * or CR, or at the dialect's own terminator.
 *
 * The reader owns the input it was given and closes it. Memory is bounded by
 * max_record_bytes (the raw record and its field bytes each stay under it).
 */
#ifndef SL_CSV_H
#define SL_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "sl_buf.h"
#include "sl_err.h"
#include "sl_input.h"
#include "sl_jsonl.h"

/* The longest delimiter or terminator, in bytes. */
#define SL_CSV_MAX_SEP 16

struct sl_csv_dialect {
    const char *delim;       /* 1 to SL_CSV_MAX_SEP bytes, no CR or LF: "," */
    unsigned char quote;     /* '"'; 0: fields are never quoted */
    unsigned char escape;    /* 0: none; '\\': backslash escapes, as LOAD DATA reads them */
    const char *terminator;  /* NULL: LF, CRLF or CR; else the exact bytes that end a record */
    unsigned char comment;   /* 0, or a line that begins with it is skipped */
    const char *null_marker; /* "\\N"; "" makes empty unquoted fields NULL */
    uint64_t skip_lines;     /* lines to skip before the first record */
    /* non-NULL: the input is JSON Lines, not CSV: each line is one record,
     * whose fields this map picks from the document (sl_jsonl.h); the
     * other members but skip_lines do not apply */
    const struct sl_jsonl_map *jsonl;
};

/* Checks that a dialect can be read unambiguously: the delimiter, quote,
 * escape, comment and terminator must not collide. Returns 0, or -1 with err
 * naming the clash (in the words of the command-line options). */
int sl_csv_dialect_check(const struct sl_csv_dialect *d, struct sl_err *err);

struct sl_csv_field {
    const char *data; /* not NUL-terminated; NULL when is_null */
    size_t off;       /* where data starts in the destination buffer */
    size_t len;
    int is_null;
};

struct sl_csv_record {
    size_t nfields;
    const struct sl_csv_field *fields; /* valid until the next sl_csv_next */
    uint64_t line;                     /* 1-based physical line of the first byte */
    uint64_t offset;                   /* byte offset of the first byte */
    const char *raw; /* the record's bytes, line ending included; valid until the next call */
    size_t raw_len;
};

struct sl_csv;

/* Creates a reader over in, taking ownership of it (also on failure). The
 * dialect must have passed sl_csv_dialect_check(); its strings are copied. */
int sl_csv_open(struct sl_csv **out, struct sl_input *in, const struct sl_csv_dialect *d,
                size_t max_record_bytes, struct sl_err *err);

/* Reads the next record. Its field bytes are appended to dest, a buffer of
 * the caller's (so that they can land in a row batch without another copy),
 * or to a buffer of the reader's own when dest is NULL. Field data pointers
 * stay valid until dest changes; offsets stay valid until it is truncated.
 * The caller must leave dest room for max_record_bytes more bytes.
 *
 * Returns 1 with *rec filled, 0 at the end of the input, or -1 with err set;
 * the message then begins "line N" (and names the field where one is at
 * fault) but not the file, which the caller adds. On -1, bytes may have been
 * appended to dest. When err->kind is SL_ERR_ROW the input itself is fine
 * but one record is malformed: rec->line, offset and raw (the record up to
 * the end of the line where the fault is) describe it, and the next call
 * carries on after it. */
int sl_csv_next(struct sl_csv *r, struct sl_buf *dest, struct sl_csv_record *rec,
                struct sl_err *err);

/* Decompressed bytes consumed so far. */
uint64_t sl_csv_offset(const struct sl_csv *r);

/* The underlying input, for its name and progress counters. */
const struct sl_input *sl_csv_input(const struct sl_csv *r);

/* Closes the reader and its input. NULL is ignored. */
void sl_csv_close(struct sl_csv *r);

#endif
