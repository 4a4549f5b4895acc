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
 * sl_load.c), so each writer inserts its own run of keys. A batch also
 * covers a byte range of its source, rejected records included.
 *
 * A writer commits after --txn-rows rows (a "chunk"). It keeps the chunk's
 * batches until the COMMIT succeeds, and only then counts their rows as
 * written and returns the batches to the pool. Holding them is what makes
 * these possible:
 *   - retries: a transient error (deadlock, lock wait timeout, lost
 *     connection, server restarting, too many connections) rolls back,
 *     waits with exponential backoff and jitter, reconnects, and replays the
 *     whole chunk;
 *   - rejects: under --on-error skip, rows the server refuses are isolated
 *     and rejected while the rest of the chunk is written; rows the server
 *     changed (it said so in warnings) are rejected and the chunk replayed;
 *   - checkpoints: each batch's byte range is recorded in the target, in the
 *     chunk's own transaction (sl_checkpoint.h), so a resumed load skips
 *     exactly what was committed. A COMMIT whose answer was lost with the
 *     connection is resolved by looking for that record.
 *
 * A fatal error stops the run: readers stop, every writer rolls back its
 * open chunk, and the error is returned with the file and line it concerns.
 * SIGINT or SIGTERM stops reading instead: the batches already read are
 * written and committed, and the run ends "interrupted". A second signal
 * exits at once (exit code 4); committed chunks are checkpointed, so that is
 * safe too.
 */
#ifndef SL_PIPELINE_H
#define SL_PIPELINE_H

#include <mysql.h>
#include <stddef.h>
#include <stdio.h>

#include "sl_checkpoint.h"
#include "sl_colcheck.h"
#include "sl_conn.h"
#include "sl_err.h"
#include "sl_mysql_writer.h"
#include "sl_progress.h"
#include "sl_rejects.h"
#include "sl_sources.h"

/* What a resumed load skips in one source. */
struct sl_skip {
    const struct sl_checkpoint_range *ranges; /* sorted by start */
    size_t n;
};

struct sl_pipeline_plan {
    int dry_run; /* read and check every row, write none: writers only count
                    (counters->rows_written is then "would be written"),
                    conns may be NULL, and each bad row is listed on the
                    progress display instead of failing the run or going to
                    the rejects files */
    struct sl_sources *sources;
    const struct sl_source_opts *source_opts;
    const struct sl_conn_opts *conn_opts; /* for reconnecting */
    MYSQL **conns;                        /* one per writer; a reconnect replaces its entry */
    unsigned nwriters;
    unsigned nreaders;
    struct sl_insert_target target;
    const struct sl_colcheck *checks;       /* per batch column */
    const struct sl_transforms *transforms; /* the chains of sources->chain */
    size_t stmt_rows;                       /* rows per INSERT, already capped by placeholders */
    size_t batch_rows;                      /* rows per batch: a whole number of statements */
    size_t batch_bytes;                     /* a batch is handed on once its values pass this */
    size_t max_packet;                      /* the server's max_allowed_packet */
    size_t txn_rows;

    struct sl_rejects *rejects; /* non-NULL: --on-error skip */
    uint64_t max_rejects;       /* 0: no limit */
    unsigned retries;           /* attempts after the first */
    double retry_max_seconds;   /* give up once retrying has taken this long */

    const struct sl_checkpoint_job *jobs; /* per source; NULL: no checkpoints */
    const struct sl_skip *skips;          /* per source; NULL: nothing to skip */

    struct sl_counters *counters;
    struct sl_progress *progress; /* also where retries and signals are reported */
};

/* Runs the load to its end, its first fatal error, or an interruption.
 * Returns 0 (with *interrupted set if a signal cut it short), or -1 with err
 * set to the first error (prefixed with the file and line where one is
 * known). */
int sl_pipeline_run(const struct sl_pipeline_plan *p, int *interrupted, struct sl_err *err);

#endif
