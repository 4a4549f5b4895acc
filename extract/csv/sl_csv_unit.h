/*
 * sl_csv_unit: one input file of a CSV source (or stdin), opened and
 * positioned after its header.
 *
 * Before a load starts, each unit is opened once to read its header; a
 * stream (stdin, a pipe) is kept open then, since it cannot be read twice.
 * When a reader thread comes to the unit, sl_csv_unit_open() hands over that
 * open stream, or opens the file again and checks that its header is still
 * the one first seen.
 */
#ifndef SL_CSV_UNIT_H
#define SL_CSV_UNIT_H

#include <stddef.h>

#include "sl_csv.h"
#include "sl_err.h"

struct sl_csv_unit {
    char *path;     /* as opened; "-" for stdin */
    size_t nfields; /* fields per record */
    size_t *perm;   /* field index -> batch column */
    char **header;  /* field names as read from the header, or NULL */
    size_t nheader;
    struct sl_csv *open; /* stdin or a pipe: kept open after its header was read */
    long long size;      /* bytes, or -1 when unknown */
    int zstd;            /* compressed: its records' offsets are not its bytes' */
    long long mtime_ns;  /* modification time, or -1 when unknown */
    char *raw_header;    /* the header record's bytes, or NULL */
    size_t raw_header_len;
};

/* What the first lines of each file are. */
enum sl_csv_header {
    SL_HEADER_NAME,     /* header records name the columns (the default) */
    SL_HEADER_POSITION, /* header lines to skip; fields map by position */
    SL_HEADER_NONE,     /* no header; fields map by position */
};

/* How every unit of one source is read. */
struct sl_csv_read_opts {
    const struct sl_csv_dialect *dialect;
    enum sl_csv_header header;
    unsigned header_lines; /* the header's records (NAME: a column's name is its
                              non-empty parts joined by a space) or physical lines
                              (POSITION); 0 counts as 1 */
    const char *encoding;  /* NULL: UTF-8 (a UTF-16 BOM still decides) */
    int ragged_pad;        /* a record with too few fields gets NULLs, not a reject */
    int ignore_extra;      /* fields past the last column are dropped, not a reject */
    size_t max_record_bytes;
};

/* Opens path for reading as CSV (no header is read). Returns 0, or -1 with
 * err set. */
int sl_csv_unit_reader(const char *path, const struct sl_csv_read_opts *o, struct sl_csv **out,
                       struct sl_err *err);

/* Reads the header records of r (o->header_lines of them) into names (and,
 * if raw is not NULL, a copy of their bytes into *raw). Every name must be
 * non-empty UTF-8 without NUL. Returns 0, or -1 with err naming path and
 * the line. */
int sl_csv_unit_read_header(struct sl_csv *r, const struct sl_csv_read_opts *o, const char *path,
                            char ***names, size_t *n, char **raw, size_t *raw_len,
                            struct sl_err *err);

/* Frees n names. */
void sl_csv_names_free(char **v, size_t n);

/* Opens unit u for reading, positioned after its header, and checks that
 * the header is the one read before. The stream kept open is handed over
 * (u->open becomes NULL). Returns 0, or -1 with err set. */
int sl_csv_unit_open(struct sl_csv_unit *u, const struct sl_csv_read_opts *o, struct sl_csv **out,
                     struct sl_err *err);

/* Frees what u holds, closing a stream still open. */
void sl_csv_unit_release(struct sl_csv_unit *u);

#endif
