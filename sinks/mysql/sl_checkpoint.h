/*
 * sl_checkpoint: exactly-once bookkeeping in the target database.
 *
 * Table `sluice_checkpoints`, created in the target's database if missing,
 * holds one row per committed batch of a load: the job key, the source
 * file's identity (canonical path, device, inode, size, modification time and
 * fingerprint, see sl_file_id.h) and the source byte range [start, end) the
 * batch covered. A writer inserts that row in the same transaction as the
 * batch's rows, so a range is recorded if and only if its rows are in the
 * table.
 *
 * The job key hashes the target table with the file's fingerprint, not its
 * name: the same file named another way (./a.csv, /abs/a.csv, a moved copy)
 * finds its checkpoints again. A resumed load skips the recorded ranges; a
 * finished load deletes its rows.
 *
 * A copy keeps its checkpoints here too, one job per target table, with a
 * source table in place of a file (see sl_copy_resume.c): the identity's
 * path is "mysql:db.table" of the source, its fingerprint hashes the source
 * table, --where and the columns, and dev, ino, size and mtime_ns hold the
 * table's key-range plan, so that a resumed copy reads the same ranges. A
 * batch's start and end pack its key range and row ordinals.
 */
#ifndef SL_CHECKPOINT_H
#define SL_CHECKPOINT_H

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_err.h"
#include "sl_file_id.h"
#include "sl_shard.h"

#define SL_CHECKPOINT_TABLE "sluice_checkpoints"

/* One source's job in the checkpoint table. */
struct sl_checkpoint_job {
    uint64_t hash;                 /* from sl_checkpoint_job_hash() */
    const char *target;            /* "db.table", for people reading the table */
    const struct sl_file_id *file; /* the source */
};

/* A committed byte range. */
/* What an interrupted load recorded about its file. */
struct sl_checkpoint_seen {
    uint64_t hash;
    char *source; /* canonical path as recorded, malloc'ed; NULL when none */
    uint64_t dev, ino, fingerprint;
    int64_t size, mtime_ns;
    size_t nranges;
};

/* Frees seen->source and zeroes *seen. */
void sl_checkpoint_seen_release(struct sl_checkpoint_seen *seen);

/* The job key of a file with this fingerprint loaded into db.table. copy
 * tells apart files of identical contents in one load: 0 for the first, 1
 * for the second, and so on. */
uint64_t sl_checkpoint_job_hash(const char *db, const char *table, uint64_t fingerprint,
                                unsigned copy);

/* Creates db.sluice_checkpoints if it does not exist (and db too, when it
 * does not exist: --checkpoint-db). */
int sl_checkpoint_ensure_table(MYSQL *m, const char *db, struct sl_err *err);

/* Reads the committed ranges of a job, sorted by start, into *out (malloc'ed,
 * *n of them), and into *seen the identity they were recorded with (zeroed
 * when there are none). Returns 0 or -1 with err set. */
int sl_checkpoint_load(MYSQL *m, const char *db, uint64_t hash, struct sl_span **out, size_t *n,
                       struct sl_checkpoint_seen *seen, struct sl_err *err);

/* --shard: refuses checkpoints of this source (by path, or device and
 * inode) in base ("db.table") recorded by a run split otherwise than shard
 * (unsplit "db.table" when shard->count > 0; "db.table shard i/m" with
 * another m, or at all when not split): their parts are not this run's,
 * so neither could skip the other's rows exactly once. what names the
 * earlier run in the message ("load of this file", "copy"), kind the
 * command ("load", "copy"). Returns 0, or -1 with err set. */
int sl_checkpoint_check_layout(MYSQL *m, const char *db, const char *base,
                               const struct sl_shard *shard, const struct sl_file_id *file,
                               const char *what, const char *kind, struct sl_err *err);

/* Looks for checkpoints of target recorded under another job key than
 * except_hash for this file: the same canonical path, or the same device and
 * inode, but other contents. Returns 1 and fills *seen (the first such job)
 * if there are, 0 if not, -1 with err set. */
int sl_checkpoint_find_file(MYSQL *m, const char *db, const char *target,
                            const struct sl_file_id *file, uint64_t except_hash,
                            struct sl_checkpoint_seen *seen, struct sl_err *err);

/* Deletes the rows of a job and every other row of its target recorded for
 * the same file (path, or device and inode), and commits: a finished or
 * restarted load leaves no stale checkpoint of its file behind. */
int sl_checkpoint_clear_file(MYSQL *m, const char *db, const struct sl_checkpoint_job *job,
                             struct sl_err *err);

/* Deletes the rows of one job and commits. */
int sl_checkpoint_clear_job(MYSQL *m, const char *db, uint64_t hash, struct sl_err *err);

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
