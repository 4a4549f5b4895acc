/*
 * sl_csv_source: the CSV source, over plain, zstd or stdin input.
 *
 * Its splits are its units, the input files, each read whole by one
 * reader thread. A record is parsed straight into a pooled batch's arena
 * (no second copy of its fields); a record with the wrong field count or a
 * quoting error is a bad row, named by its file, line and byte offset. A
 * batch covers a contiguous byte range of its file, rejected records
 * included, so that a load can record what it committed and a resumed one
 * skip exactly that (the skips). A shard reads only the records that start
 * in its part of each file (keep): every shard parses from the file's start,
 * so a record's bounds are always those of the real parse, quotes and all.
 *
 * Encoding: a record that is not valid UTF-8 as a whole is marked
 * (pos.unchecked) so that the transform stage checks it value by value and
 * names the bad one; binary columns may take such bytes.
 */
#ifndef SL_CSV_SOURCE_H
#define SL_CSV_SOURCE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_csv_unit.h"
#include "sl_source_ops.h"

/* What a resumed read leaves out of one unit: sorted, non-overlapping. */
struct sl_csv_skip {
    const struct sl_span *spans; /* byte ranges */
    size_t n;
};

struct sl_csv_source {
    struct sl_csv_unit *units;
    size_t nunits;
    struct sl_csv_read_opts read;
    size_t ncols;                    /* batch columns */
    size_t nfile_cols;               /* the first nfile_cols come from the fields (through each
                                        unit's perm); the rest start NULL, for transforms */
    size_t batch_bytes;              /* a batch is handed on once its values pass this */
    int keep_raw;                    /* keep each record's bytes, for the rejects file */
    const struct sl_csv_skip *skips; /* per unit, or NULL */
    const struct sl_span *keep;      /* --shard: per unit, the offsets of the records to read
                                        (those starting in [start, end)); start >= end: none.
                                        NULL: every record */
    const char *const *pad;          /* --ragged pad: per batch column, the value a missing
                                        field takes (the column's constant DEFAULT), or
                                        NULL for NULL; the array may be NULL */
    atomic_size_t next;              /* the next unit to read */
};

/* The source's operations; the source pointer they take is a struct
 * sl_csv_source filled in as above, with next set to 0. */
extern const struct sl_source_ops sl_csv_source_ops;

#endif
