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
#include "sl_csv_unit.h"
#include "sl_err.h"
#include "sl_table.h"
#include "sl_transform.h"

struct sl_sources {
    struct sl_csv_unit *v;
    size_t n;
    size_t *table_col;                /* batch column -> table column index */
    size_t ncols;                     /* batch columns */
    size_t nfile_cols;                /* the first nfile_cols come from the files; the rest are
                                         added by transforms and fed NULL */
    const struct sl_tf_chain **chain; /* batch column -> its transforms, or NULL */
};

struct sl_source_opts {
    struct sl_csv_read_opts read;     /* dialect, header, record size */
    const char *columns;              /* "a,b,c" or NULL */
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

/* Frees everything, closing a reader still open. */
void sl_sources_release(struct sl_sources *s);

#endif
