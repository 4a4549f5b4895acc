/*
 * sl_checkpoint: exactly-once bookkeeping in the target database.
 *
 * Table `sluice_checkpoints`, created in the target's database if missing,
 * holds one row per committed batch of a load: the job (a hash of the target
 * table and the source path), the source's size and modification time, and
 * the source byte range [start, end) the batch covered. A writer inserts
 * that row in the same transaction as the batch's rows, so a range is
 * recorded if and only if its rows are in the table.
 *
 * A resumed load skips the recorded ranges; a finished load deletes its rows.
 */
#ifndef SL_CHECKPOINT_H
#define SL_CHECKPOINT_H

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"

#define SL_CHECKPOINT_TABLE "sluice_checkpoints"

/* One source's identity in the checkpoint table. */
struct sl_checkpoint_job {
    uint64_t hash;      /* from sl_checkpoint_job_hash() */
    const char *target; /* "db.table", for people reading the table */
    const char *source; /* the path */
    int64_t size;
    int64_t mtime_ns;
};

/* A committed byte range. */
struct sl_checkpoint_range {
    uint64_t start, end;
};

/* The job key of one source loaded into db.table. */
uint64_t sl_checkpoint_job_hash(const char *db, const char *table, const char *source);

/* Creates db.sluice_checkpoints if it does not exist. */
int sl_checkpoint_ensure_table(MYSQL *m, const char *db, struct sl_err *err);

/* Whether db.sluice_checkpoints exists: 1 or 0, or -1 with err set. Reads
 * only (a dry run must not create the table). */
int sl_checkpoint_table_exists(MYSQL *m, const char *db, struct sl_err *err);

/* Reads the committed ranges of a job, sorted by start, into *out (malloc'ed,
 * *n of them), and the size and mtime they were recorded with (-1 if none).
 * Returns 0 or -1 with err set. */
int sl_checkpoint_load(MYSQL *m, const char *db, uint64_t hash, struct sl_checkpoint_range **out,
                       size_t *n, int64_t *size, int64_t *mtime_ns, struct sl_err *err);

/* Deletes a job's rows and commits. */
int sl_checkpoint_clear(MYSQL *m, const char *db, uint64_t hash, struct sl_err *err);

/* True (1) if the range starting at start is recorded for the job, 0 if not,
 * -1 with err set if the server could not say. Used after a COMMIT whose
 * answer was lost with the connection. */
int sl_checkpoint_exists(MYSQL *m, const char *db, uint64_t hash, uint64_t start,
                         struct sl_err *err);

/* A prepared INSERT of checkpoint rows, one per writer connection. */
struct sl_checkpoint_writer;

int sl_checkpoint_writer_open(struct sl_checkpoint_writer **out, MYSQL *m, const char *db,
                              struct sl_err *err);

/* Records one committed range of a job, inside the open transaction. */
int sl_checkpoint_record(struct sl_checkpoint_writer *cw, const struct sl_checkpoint_job *job,
                         uint64_t start, uint64_t end, uint64_t rows, struct sl_err *err);

/* Closes the statement. NULL is ignored. */
void sl_checkpoint_writer_close(struct sl_checkpoint_writer *cw);

#endif
