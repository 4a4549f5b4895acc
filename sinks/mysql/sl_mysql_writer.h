/*
 * sl_mysql_writer: writes row batches into one table over one connection,
 * with prepared multi-row INSERT statements.
 *
 * A writer belongs to one thread and one connection. Values are always bound
 * as parameters, never put into the statement text. The statement for a full
 * batch is prepared once and reused; statements for shorter batches (the
 * tail of a file, or rows cut short by max_allowed_packet) are kept in a small
 * cache.
 *
 * The writer does not commit on its own: the caller groups batches into
 * chunks and calls sl_writer_commit() or sl_writer_rollback().
 */
#ifndef SL_MYSQL_WRITER_H
#define SL_MYSQL_WRITER_H

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_insert_plan.h"

/* Where a failed write went wrong. */
struct sl_writer_fault {
    long row;         /* batch row the server refused, or -1 if unknown */
    size_t first_row; /* the failed statement's first and last batch rows */
    size_t last_row;
    long col; /* batch column named by the server, or -1 */
};

/* Told about each row the server refuses (or changes, per its warnings).
 * why holds the server's message. Return 0 to go on, non-zero to stop the
 * write (it then fails with why as its error). */
typedef int (*sl_writer_reject_fn)(void *ctx, const struct sl_batch *b, size_t row, long col,
                                   const struct sl_err *why);

#define SL_WRITE_REPLAY 1
#define SL_WRITE_AGAIN  2

/* How a writer sends rows (--method). */
enum sl_write_method {
    SL_METHOD_INSERT,    /* multi-row prepared INSERTs, every value bound */
    SL_METHOD_LOAD_DATA, /* one LOAD DATA LOCAL per batch, streamed from memory
                            (sl_load_data.h); the connection must allow it */
    SL_METHOD_BULK,      /* MariaDB's array binding (sl_bulk.h); the server must take it */
};

struct sl_writer;

/* Creates a writer. max_rows caps rows per statement (see sl_insert_plan),
 * max_packet is the server's max_allowed_packet. The target's strings must
 * outlive the writer. SL_METHOD_LOAD_DATA takes the verbs insert, ignore
 * and replace; SL_METHOD_BULK all four. Returns 0 or -1 with err set. */
int sl_writer_open(struct sl_writer **out, MYSQL *conn, const struct sl_insert_target *t,
                   enum sl_write_method method, size_t max_rows, size_t max_packet,
                   struct sl_err *err);

/* Inserts every row of b not yet marked rejected, in one or more statements,
 * inside the connection's open transaction.
 *
 * With SL_METHOD_LOAD_DATA, the server reports a value it refused or
 * changed only as a warning, and skips a row whose key is taken (where
 * INSERT refuses it); SL_METHOD_BULK stops at a refused row without naming
 * it. Either way the write returns SL_WRITE_AGAIN: the
 * caller rolls back and writes its open chunk again, and the writer uses
 * INSERT until the next commit, so that every bad row meets exactly what
 * it meets under SL_METHOD_INSERT (the same error, reject and message).
 *
 * Without on_reject, the first row the server refuses fails the write. With
 * on_reject, refused rows are isolated (by the row number in the server's
 * message, else by halving the statement), marked rejected in b and passed
 * to on_reject, and every other row is inserted. Only errors that are a
 * row's fault are isolated (sl_errno_is_row_error).
 *
 * Returns 0; SL_WRITE_AGAIN (above); SL_WRITE_REPLAY when the server changed
 * values it warned about:
 * those rows are now rejected (or, without on_reject, the write fails), and
 * since they were inserted the caller must roll back and write its open
 * chunk again; or -1 with err and *fault set (a connection error, a
 * statement error, a refused row without on_reject, or on_reject said stop).
 * Rows of b already inserted stay in the open transaction either way. */
int sl_writer_write(struct sl_writer *w, struct sl_batch *b, sl_writer_reject_fn on_reject,
                    void *ctx, struct sl_writer_fault *fault, struct sl_err *err);

/* Rows of the open transaction that the server skipped because their key
 * was taken (SL_VERB_IGNORE; 0 for the other verbs). Read it before
 * sl_writer_commit(), which resets it, as sl_writer_rollback() does. */
uint64_t sl_writer_ignored(const struct sl_writer *w);

/* Existing rows of the open transaction that SL_VERB_UPSERT changed, or that
 * SL_VERB_REPLACE deleted to make way for a new row (0 for the other verbs;
 * an upsert that finds its row already equal counts as inserted). Read and
 * reset as sl_writer_ignored(). */
uint64_t sl_writer_updated(const struct sl_writer *w);

/* Commits the open transaction. Returns 0 or -1 with err set. */
int sl_writer_commit(struct sl_writer *w, struct sl_err *err);

/* Rolls the open transaction back. Returns 0 or -1 with err set. */
int sl_writer_rollback(struct sl_writer *w, struct sl_err *err);

/* Closes the writer's statements and frees it; the connection stays open.
 * NULL is ignored. */
void sl_writer_close(struct sl_writer *w);

#endif
