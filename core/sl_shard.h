/*
 * sl_shard: one job split across processes or machines with --shard i/n.
 *
 * Every shard computes the same partition from what all of them see (the
 * files and their sizes, or the key ranges of a table) and keeps only its
 * own part; shards share nothing but the target. Shards are numbered from
 * 0, as Kubernetes numbers an Indexed Job's pods (JOB_COMPLETION_INDEX).
 */
#ifndef SL_SHARD_H
#define SL_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "sl_batch.h" /* struct sl_span */

struct sl_shard {
    unsigned index; /* 0 .. count-1 */
    unsigned count; /* 0: not sharded */
};

/* Most shards one job may be split into. */
#define SL_SHARD_MAX 10000

/* Parses "i/n" (0 <= i < n <= SL_SHARD_MAX). Returns 0, or -1 with why
 * (a static string) set. */
int sl_shard_parse(const char *v, struct sl_shard *s, const char **why);

/* The shard of a job from the environment of a Kubernetes Indexed Job:
 * JOB_COMPLETION_INDEX, with count from --shards. Returns 1 when it is set
 * (and valid), 0 when it is not set, -1 with why when it is not a number
 * below count. */
int sl_shard_from_env(unsigned count, struct sl_shard *s, const char **why);

/* The record offsets shard s reads of each of n files of the given sizes
 * (bytes on disk), laid end to end and cut into count equal byte ranges. A
 * file that can be split (splittable[f]: plain, read at its own offsets)
 * is cut at those points: a record belongs to the shard whose range holds
 * its first byte, so each record is read once whatever its quoting. Other
 * files go whole to the shard whose range holds their first byte. keep[f]
 * gets [start, end) of the records' offsets (end UINT64_MAX for the file's
 * last part), or {0, 0} when shard s reads nothing of it. An unsharded s
 * keeps everything. */
void sl_shard_files(const struct sl_shard *s, const long long *sizes, const int *splittable,
                    size_t n, struct sl_span *keep);

/* Whether shard s keeps key range i of nranges: the ranges are dealt out in
 * contiguous blocks, shard k taking ranges [k*n/count, (k+1)*n/count). */
int sl_shard_keeps_range(const struct sl_shard *s, uint64_t i, uint64_t nranges);

/* Writes " shard i/n" (or "" when not sharded) into out, for the
 * checkpoints' target and the messages. */
const char *sl_shard_suffix(const struct sl_shard *s, char *out, size_t cap);

#endif
