/*
 * sl_sources: the input files of a load and how their columns map onto the
 * target table.
 *
 * Before any row is written, every file is opened once and its header (or
 * --columns) is checked against the table: an unknown column, a duplicate, a
 * generated column, a NOT NULL column without a default that no file
 * supplies, or files whose column sets differ are all refused here.
 *
 * The first file's column order becomes the order of the INSERT's column list
 * and of every batch; each file carries a permutation from its own field order
 * to that order.
 */
#ifndef SL_SOURCES_H
#define SL_SOURCES_H

#include <stddef.h>

#include "sl_csv.h"
#include "sl_err.h"
#include "sl_table.h"
#include "sl_transform.h"

struct sl_source {
    char *path;     /* as opened; "-" for stdin */
    size_t nfields; /* fields per record */
    size_t *perm;   /* field index -> batch column */
    char **header;  /* field names as read from the header, or NULL */
    size_t nheader;
    struct sl_csv *open; /* stdin or a pipe: kept open after its header was read */
    long long size;      /* bytes, or -1 when unknown */
    long long mtime_ns;  /* modification time, or -1 when unknown */
    char *raw_header;    /* the header record's bytes, or NULL */
    size_t raw_header_len;
};

struct sl_sources {
    struct sl_source *v;
    size_t n;
    size_t *table_col;                /* batch column -> table column index */
    size_t ncols;                     /* batch columns */
    size_t nfile_cols;                /* the first nfile_cols come from the files; the rest are
                                         added by transforms and fed NULL */
    const struct sl_tf_chain **chain; /* batch column -> its transforms, or NULL */
};

struct sl_source_opts {
    const struct sl_csv_dialect *dialect;
    int header;          /* the first record names the columns */
    const char *columns; /* "a,b,c" or NULL */
    size_t max_record_bytes;
    struct sl_transforms *transforms; /* NULL, or chains by file column name; bound
                                         to their target columns here */
};

/* Expands patterns (a pattern that names no existing file is taken as a
 * glob), opens every file, reads and checks its header against t, and builds
 * the column mapping: a field goes to the table column of its name, or of
 * its transform chain's rename. A chain naming no field adds a batch column
 * for the table column of that name. Returns 0, or -1 with err naming the
 * file. */
int sl_sources_prepare(struct sl_sources *s, char *const *patterns, size_t npatterns,
                       const struct sl_source_opts *o, const struct sl_table *t,
                       struct sl_err *err);

/* Opens source i for reading, positioned after its header, and checks that
 * the header is the one seen by sl_sources_prepare. */
int sl_sources_open(struct sl_sources *s, size_t i, const struct sl_source_opts *o,
                    struct sl_csv **out, struct sl_err *err);

/* Frees everything, closing a reader still open. */
void sl_sources_release(struct sl_sources *s);

#endif
