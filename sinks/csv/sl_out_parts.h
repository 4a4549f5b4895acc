/*
 * sl_out_parts: the output of an extract, as one file or as numbered parts.
 *
 * Text arrives as whole CSV records (with the offset where each record ends),
 * so a part always holds whole records and starts with the header. Parts are
 * named by numbering the given name before its first extension:
 * orders.csv.zst becomes orders.00001.csv.zst, orders.00002.csv.zst, ...
 *
 * Files are written under hidden temporary names (see sl_csv_out.h) and all
 * are renamed into place together by sl_out_parts_finish(), so a failed or
 * interrupted run leaves no file, nor a partial set of parts, under the final
 * names. stdout ("-") is written straight through and cannot be split.
 */
#ifndef SL_OUT_PARTS_H
#define SL_OUT_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "sl_csv_out.h"
#include "sl_err.h"

struct sl_out_parts_opts {
    const char *path;            /* "-" for stdout */
    struct sl_csv_out_opts file; /* compression; atomic is set by this module */
    uint64_t file_rows;          /* 0, or at most this many rows per part */
    uint64_t file_size;          /* 0, or at most this many bytes of CSV text per
                                    part (more only when one record is larger) */
    int overwrite;               /* replace a regular file already under a final
                                    name; 0: such a file stops the run (extract
                                    --overwrite); devices are written to as they are */
};

struct sl_out_parts {
    struct sl_out_parts_opts o;
    const char *header; /* written at the top of every part; may be set late */
    size_t header_len;
    struct sl_csv_out *cur; /* the part being written, or NULL between parts */
    uint64_t part_rows, part_bytes;
    char **final, **tmp; /* names of the parts finished so far */
    unsigned nparts;     /* parts opened so far */
    uint64_t rows;       /* records written, all parts */
    uint64_t text_bytes; /* CSV bytes, all finished parts (see sl_out_parts_bytes) */
    uint64_t file_bytes; /* bytes on disk, all finished parts */
};

/* Checks the options and opens the first part, so that an unwritable path,
 * or a file already there without o->overwrite, fails before any rows are
 * read. The header (if any) must be set with
 * sl_out_parts_set_header() before the first write. Returns 0 or -1. */
int sl_out_parts_open(struct sl_out_parts *p, const struct sl_out_parts_opts *o,
                      struct sl_err *err);

/* Sets the header record (text ending in LF; the caller keeps it alive). */
void sl_out_parts_set_header(struct sl_out_parts *p, const char *text, size_t len);

/* Writes nrows records: the text of record i ends at ends[i] (relative to
 * text). Returns 0 or -1 with err set (naming the file). */
int sl_out_parts_write(struct sl_out_parts *p, const char *text, const size_t *ends, size_t nrows,
                       struct sl_err *err);

/* Bytes of CSV text and bytes on disk written so far, the open part
 * included. */
void sl_out_parts_bytes(const struct sl_out_parts *p, uint64_t *text, uint64_t *file);

/* Finishes the last part and renames every part into place (refusing, as
 * open does, when a file has appeared under a final name). Returns 0, or -1
 * with err set; then no part is left under its final name. Frees everything
 * either way. */
int sl_out_parts_finish(struct sl_out_parts *p, struct sl_err *err);

/* Removes every part written and frees everything. */
void sl_out_parts_abort(struct sl_out_parts *p);

#endif
