/*
 * sl_chunk_writer: the one writer loop of every command that writes rows to
 * MySQL (load, copy, bench through load).
 *
 * A chunk writer owns one target connection. Its caller adds batches, which
 * are written at once into the open transaction and held; the caller then
 * commits the chunk when it chooses (rows, held batches, a table change, an
 * idle queue). Holding the batches until COMMIT succeeds is what makes these
 * possible:
 *   - retries: a transient error (deadlock, lock wait timeout, lost
 *     connection, a KILL, a server restarting) rolls back, waits with
 *     exponential backoff and jitter (0.25 s doubling up to 8 s, times
 *     0.5..1.5), reconnects when the connection is gone, and replays the
 *     whole chunk;
 *   - rejects: rows the server refuses or changes go to ops->on_reject (when
 *     set) and the chunk is written without them;
 *   - checkpoints: each batch whose ops->job names a job is recorded in the
 *     chunk's own transaction (sl_checkpoint.h); a COMMIT whose answer was
 *     lost with its connection is settled by looking for that record.
 *
 * Every batch added is given back through ops->release exactly once: after
 * its chunk commits, or when the chunk is dropped (an error it cannot get
 * past, or the run stopping).
 */
#ifndef SL_CHUNK_WRITER_H
#define SL_CHUNK_WRITER_H

#include <mysql.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_checkpoint.h"
#include "sl_conn.h"
#include "sl_err.h"
#include "sl_mysql_writer.h"

/* What the caller is told, all with ops->ctx. */
struct sl_chunk_ops {
    void *ctx;
    /* An error the chunk cannot get past: not transient, or the retries are
     * used up. The chunk is dropped after the call. Required. */
    void (*fail)(void *ctx, const struct sl_err *e);
    /* Adds where b's failing rows come from (file and line, key range) to e.
     * NULL: nothing is added. */
    void (*locate)(void *ctx, const struct sl_batch *b, const struct sl_writer_fault *f,
                   struct sl_err *e);
    /* Rows the server refuses or changes are handed here and left out;
     * NULL: such a row fails the chunk. */
    sl_writer_reject_fn on_reject;
    /* The checkpoint job of b's rows (b->start..b->end is recorded), or NULL
     * when b is not checkpointed. NULL: nothing is. */
    const struct sl_checkpoint_job *(*job)(void *ctx, const struct sl_batch *b);
    /* The chunk of n batches committed: written rows (not ignored ones),
     * ignored and updated rows as the server counted them. Required. */
    void (*committed)(void *ctx, struct sl_batch *const *held, size_t n, uint64_t written,
                      uint64_t ignored, uint64_t updated);
    /* Gives b back, once, committed (1) or dropped (0). Required. */
    void (*release)(void *ctx, struct sl_batch *b, int committed);
    /* A line for the progress display (a retry). NULL: not told. */
    void (*note)(void *ctx, const char *msg);
};

struct sl_chunk_config {
    const struct sl_conn_opts *conn_opts; /* for reconnecting */
    const char *session_sql;              /* run on each new connection, or NULL */
    enum sl_write_method method;          /* INSERT or LOAD DATA LOCAL */
    size_t stmt_rows;                     /* rows per INSERT */
    size_t max_packet;                    /* the server's max_allowed_packet */
    size_t max_held;                      /* batches a chunk may hold */
    unsigned retries;                     /* attempts after the first */
    double retry_max_seconds;             /* give up once retrying has taken this long */
    const atomic_int *stop;               /* set: the run is stopping; drop the chunk */
    _Atomic uint64_t *retry_count;        /* counts each retry; may be NULL */
    unsigned index;                       /* the writer's number, from 0, for messages and
                                             the host a cluster URL's connection starts at */
    _Atomic uint64_t *host_rows;          /* per host of a cluster URL: rows committed
                                             through it; NULL */
    unsigned first_host;                  /* the host *conn was opened on, when it was */
};

struct sl_chunk_writer;

/* Makes a chunk writer on *conn. A reconnect closes *conn and replaces it;
 * *conn may be NULL, so that the first write connects. The caller closes
 * the last *conn after sl_chunk_writer_free. cfg and ops must outlive cw.
 * Returns 0 or -1 (no memory). */
int sl_chunk_writer_new(struct sl_chunk_writer **out, const struct sl_chunk_config *cfg,
                        const struct sl_chunk_ops *ops, MYSQL **conn);

/* Sets the table the next batches go into and, when checkpoints are kept,
 * the database of its checkpoint table (ckpt_db, or NULL). A different
 * target first commits the open chunk. t and ckpt_db must stay valid while
 * they are in use. Returns 0, or -1 when that commit failed. */
int sl_chunk_writer_target(struct sl_chunk_writer *cw, const struct sl_insert_target *t,
                           const char *ckpt_db);

/* Writes b into the open chunk and holds it. Returns 0, or -1 when the
 * chunk was dropped (ops->fail was told, or the run is stopping). The
 * caller commits before more than cfg->max_held batches are held. */
int sl_chunk_writer_add(struct sl_chunk_writer *cw, struct sl_batch *b);

/* Records the chunk's checkpoints and commits it, retrying as needed.
 * Nothing held: nothing happens. Returns 0, or -1 when the chunk was
 * dropped. */
int sl_chunk_writer_commit(struct sl_chunk_writer *cw);

/* Rolls back the open chunk and gives its batches back uncommitted. */
void sl_chunk_writer_discard(struct sl_chunk_writer *cw);

/* The batches, rows and value bytes held in the open chunk. */
size_t sl_chunk_writer_held(const struct sl_chunk_writer *cw);
uint64_t sl_chunk_writer_rows(const struct sl_chunk_writer *cw);
size_t sl_chunk_writer_bytes(const struct sl_chunk_writer *cw);

/* Discards the open chunk, closes the statements (not *conn) and frees cw.
 * NULL is ignored. */
void sl_chunk_writer_free(struct sl_chunk_writer *cw);

#endif
