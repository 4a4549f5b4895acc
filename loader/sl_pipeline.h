/*
 * sl_pipeline: the threads of a load.
 *
 *   readers --(full batches)--> writers
 *      ^                           |
 *      +-----(empty batches)-------+
 *
 * Reader threads take the next input file, parse it into row batches, and
 * push each full batch to the writers. Writer threads each own one connection
 * and insert the batches they pop. Every batch comes from a fixed pool, so
 * memory is bounded by the configuration, never by the size of the input.
 *
 * A batch is normally a whole chunk of consecutive input rows (see
 * sl_load.c), so each writer inserts its own run of keys.
 *
 * A writer commits after --txn-rows rows (a "chunk"). It keeps the chunk's
 * batches until the COMMIT succeeds, and only then counts their rows as
 * written and returns the batches to the pool.
 *
 * The first error stops the run: readers stop reading, every writer rolls
 * back its open chunk, and the error is returned with the file and line it
 * concerns. Rows of chunks already committed stay committed and are counted.
 */
#ifndef SL_PIPELINE_H
#define SL_PIPELINE_H

#include <mysql.h>
#include <stddef.h>

#include "sl_err.h"
#include "sl_mysql_writer.h"
#include "sl_progress.h"
#include "sl_sources.h"

struct sl_pipeline_plan {
    struct sl_sources *sources;
    const struct sl_source_opts *source_opts;
    MYSQL *const *conns; /* one per writer, set up and owned by the caller */
    unsigned nwriters;
    unsigned nreaders;
    struct sl_insert_target target;
    size_t stmt_rows;   /* rows per INSERT, already capped by placeholders */
    size_t batch_rows;  /* rows per batch: a whole number of statements */
    size_t batch_bytes; /* a batch is handed on once its values pass this */
    size_t max_packet;  /* the server's max_allowed_packet */
    size_t txn_rows;
    struct sl_counters *counters;
    struct sl_progress *progress;
};

/* Runs the load to its end or its first error. Returns 0, or -1 with err set
 * to the first error (prefixed with the file and line where one is known). */
int sl_pipeline_run(const struct sl_pipeline_plan *p, struct sl_err *err);

#endif
