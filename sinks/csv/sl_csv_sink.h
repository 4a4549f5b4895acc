/*
 * sl_csv_sink: the CSV sink, writing rows as CSV records (sl_csv_fmt.h)
 * into one file, numbered parts, or stdout (sl_out_parts.h), plain or
 * zstd-compressed.
 *
 * Rows are formatted on the reader threads (encode), so that the work is
 * spread over them; rows marked rejected are left out. It has one writer:
 * the engine hands it the batches in the order they are to appear (in
 * split order when the source is read ordered), and each batch's text is
 * written at once, then counts as committed. The output is renamed into place only when the
 * caller finishes it (sl_out_parts_finish), so a failed run leaves none.
 */
#ifndef SL_CSV_SINK_H
#define SL_CSV_SINK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_out_parts.h"
#include "sl_sink_ops.h"

struct sl_csv_sink {
    struct sl_out_parts *out;  /* opened, its header set */
    const unsigned char *hex;  /* per column: write the bytes as hex digits; NULL: none */
    atomic_uint_fast64_t text; /* CSV bytes written so far (for progress, any thread) */
    atomic_uint_fast64_t file; /* bytes on disk so far */
};

/* The sink's operations; the sink pointer they take is a struct
 * sl_csv_sink, text and file set to 0. */
extern const struct sl_sink_ops sl_csv_sink_ops;

#endif
