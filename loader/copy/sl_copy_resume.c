/*
 * A copy's checkpoints and --resume.
 *
 * Each copied table is one job in the target database's sluice_checkpoints
 * (sl_checkpoint.h). Its key is the target table and a fingerprint of the
 * source table, --where and the copied columns. Each committed batch is one
 * row: its key range and the ordinals of its rows within the range, in
 * primary-key order (a range is read ORDER BY the key, so the same rows come
 * in the same order on a rerun). Once every row of a range is in, a marker
 * row says so. The key-range plan is kept in the rows as well: a rerun must
 * read the same ranges even though MIN() and MAX() of the key moved.
 *
 * --resume reads them back: a complete range is not read again (only summed
 * for the comparison), and within the others the committed ordinals are
 * skipped. A table without a primary key has no order to skip by: if every
 * row of its target came from this copy it is emptied and copied again,
 * otherwise the resume is refused.
 *
 * A resumed copy reads a new snapshot: if the source's rows changed since
 * the interrupted run, the verification says so.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_copy_run.h"
#include "sl_hash.h"
#include "sl_ident.h"
#include "sl_table.h"

/* The plan flags kept in the identity's mtime_ns. */
#define PLAN_SIGNED    1
#define PLAN_FRESH     2
#define PLAN_CLOSED_LO 4 /* --shard: the plan's ends, as sl_key_ranges keeps them */
#define PLAN_CLOSED_HI 8
#define PLAN_NONE      16

static int journaled(const struct crun *r, const struct ctable *ct)
{
    return r->c->checkpoint && ct->action != CT_SKIP && ct->action != CT_VERIFY &&
           ct->action != CT_SWAP;
}

/* Gives ct its job: the identity of its source and the job key. */
static int make_job(struct crun *r, struct ctable *ct, struct sl_err *err)
{
    /* a split table is one job per shard: "db.t shard 1/4" */
    char sfx[48];
    sl_shard_suffix(ct->split ? &r->c->shard : &(struct sl_shard){0, 0}, sfx, sizeof sfx);
    size_t plen = strlen(ct->src.schema) + strlen(ct->src.name) + 8;
    size_t tlen = strlen(ct->dst_schema) + strlen(ct->dst_name) + strlen(sfx) + 2;
    char *path = malloc(plen), *target = malloc(tlen), *name = malloc(tlen);
    if (!path || !target || !name) {
        free(path);
        free(target);
        free(name);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    snprintf(path, plen, "mysql:%s.%s", ct->src.schema, ct->src.name);
    snprintf(target, tlen, "%s.%s%s", ct->dst_schema, ct->dst_name, sfx);
    snprintf(name, tlen, "%s%s", ct->dst_name, sfx);
    uint64_t h = sl_hash_add(SL_HASH_INIT, "copy", 5);
    h = sl_hash_add(h, ct->src.schema, strlen(ct->src.schema) + 1);
    h = sl_hash_add(h, ct->src.name, strlen(ct->src.name) + 1);
    const char *where = r->c->where ? r->c->where : "";
    h = sl_hash_add(h, where, strlen(where) + 1);
    for (size_t i = 0; i < ct->ncols; i++)
        h = sl_hash_add(h, ct->cols[i], strlen(ct->cols[i]) + 1);
    ct->ckpt_id = (struct sl_file_id){.canon = path, .fingerprint = h};
    ct->job = (struct sl_checkpoint_job){
        .hash = sl_checkpoint_job_hash(ct->dst_schema, name, h, 0),
        .target = target,
        .file = &ct->ckpt_id,
    };
    free(name);
    ct->has_job = 1;
    return 0;
}

/* True when range 0's completion marker is among ct's checkpoints. */
static int first_range_complete(const struct ctable *ct)
{
    for (size_t i = 0; i < ct->ndone; i++)
        if (ct->done[i].start == sl_mysql_pos(0, SL_CPOS_COMPLETE))
            return 1;
    return 0;
}

/* Decides what ct's recorded checkpoints mean for this run. */
static int prepare_one(struct crun *r, struct ctable *ct, const struct sl_checkpoint_seen *seen,
                       struct sl_err *err)
{
    const char *db = ct->dst_schema;
    if (ct->action == CT_APPEND && ct->ndone > 0)
        return sl_err_set(err, SL_ERR_FATAL,
                          "an earlier copy into %s.%s was interrupted after committing %zu "
                          "batch(es); run again with --resume to finish it, or start afresh "
                          "with --if-exists truncate or drop",
                          db, ct->dst_name, ct->ndone);
    if (ct->action != CT_RESUME) {
        ct->clear_ckpt = ct->ndone > 0;      /* stale: the table starts afresh */
        ct->fresh = ct->action != CT_APPEND; /* append: sl_copy_apply looks */
        free(ct->done);
        ct->done = NULL;
        ct->ndone = 0;
        return 0;
    }
    if (ct->ndone == 0) {
        int rows = sl_copy_target_has_rows(r, ct, err);
        if (rows < 0)
            return -1;
        if (rows)
            return sl_err_set(err, SL_ERR_FATAL,
                              "--resume: %s.%s holds rows but no checkpoints of a copy of %s.%s "
                              "with these columns and --where, so what it holds cannot be told "
                              "apart; copy it with --if-exists truncate, drop or append instead",
                              db, ct->dst_name, ct->src.schema, ct->src.name);
        ct->fresh = 1; /* made by the interrupted run, which committed nothing to it */
        return 0;
    }
    ct->fresh = (seen->mtime_ns & PLAN_FRESH) != 0;
    ct->ckpt_id.dev = seen->dev;
    ct->ckpt_id.ino = seen->ino;
    ct->ckpt_id.size = seen->size;
    ct->ckpt_id.mtime_ns = seen->mtime_ns;
    if (ct->src.npk == 0 && !first_range_complete(ct)) {
        if (!ct->fresh)
            return sl_err_set(err, SL_ERR_FATAL,
                              "--resume: %s.%s has no primary key, so the rows the interrupted "
                              "copy added cannot be told from those the table held before it; "
                              "delete them and copy it again without --resume",
                              db, ct->dst_name);
        ct->restart = 1; /* every row is this job's: empty it and copy it whole */
        if (r->c->progress)
            fprintf(r->log,
                    "sluice: resuming %s.%s: it has no primary key to skip its committed rows "
                    "by, so it is emptied and copied again\n",
                    db, ct->dst_name);
        ct->clear_ckpt = 1;
        free(ct->done);
        ct->done = NULL;
        ct->ndone = 0;
        return 0;
    }
    ct->resumed = 1;
    return 0;
}

/* Refuses ct's checkpoints recorded by a copy split otherwise
 * (sl_checkpoint_check_layout). */
static int check_layout(struct crun *r, const struct ctable *ct, struct sl_err *err)
{
    char base[600];
    snprintf(base, sizeof base, "%s.%s", ct->dst_schema, ct->dst_name);
    const struct sl_shard none = {0, 0};
    return sl_checkpoint_check_layout(r->dst, r->ckpt_db, base, ct->split ? &r->c->shard : &none,
                                      &ct->ckpt_id, "copy", "copy", err);
}

int sl_copy_ckpt_prepare(struct crun *r, int db_exists, struct sl_err *err)
{
    int any = 0;
    for (size_t i = 0; i < r->nt; i++) {
        if (!journaled(r, &r->t[i]))
            continue;
        if (make_job(r, &r->t[i], err) != 0)
            return -1;
        any = 1;
    }
    /* the target database may not exist yet; --checkpoint-db's is looked in */
    int look = any && (db_exists || strcmp(r->ckpt_db, r->to.db) != 0);
    int exists = look ? sl_table_exists(r->dst, r->ckpt_db, SL_CHECKPOINT_TABLE, err) : 0;
    if (exists < 0)
        return -1;
    for (size_t i = 0; i < r->nt; i++) {
        struct ctable *ct = &r->t[i];
        if (!ct->has_job)
            continue;
        if (exists && check_layout(r, ct, err) != 0)
            return -1;
        struct sl_checkpoint_seen seen = {0};
        if (exists && sl_checkpoint_load(r->dst, r->ckpt_db, ct->job.hash, &ct->done, &ct->ndone,
                                         &seen, err) != 0)
            return -1;
        int rc = prepare_one(r, ct, &seen, err);
        sl_checkpoint_seen_release(&seen);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int sl_copy_ckpt_apply(struct crun *r, struct sl_err *err)
{
    int ensured = 0;
    for (size_t i = 0; i < r->nt; i++) {
        struct ctable *ct = &r->t[i];
        if (!ct->has_job)
            continue;
        if (!ensured && sl_checkpoint_ensure_table(r->dst, r->ckpt_db, err) != 0)
            return -1;
        ensured = 1;
        if (ct->clear_ckpt && sl_checkpoint_clear_job(r->dst, r->ckpt_db, ct->job.hash, err))
            return -1;
    }
    return 0;
}

int sl_copy_ckpt_ranges(struct crun *r, struct ctable *ct, struct sl_err *err)
{
    if (!ct->has_job)
        return 0;
    const char *t = ct->job.target;
    if (ct->resumed && !ct->r) { /* the plan the interrupted run recorded */
        ct->ranges = (struct sl_key_ranges){
            .is_signed = (ct->ckpt_id.mtime_ns & PLAN_SIGNED) != 0,
            .lo = ct->ckpt_id.dev,
            .hi = ct->ckpt_id.ino,
            .n = (uint64_t)ct->ckpt_id.size,
            .closed_lo = (ct->ckpt_id.mtime_ns & PLAN_CLOSED_LO) != 0,
            .closed_hi = (ct->ckpt_id.mtime_ns & PLAN_CLOSED_HI) != 0,
            .none = (ct->ckpt_id.mtime_ns & PLAN_NONE) != 0,
        };
        if (ct->ranges.n < 1 || ct->ranges.n > SL_KEY_RANGES_MAX || ct->ranges.lo > ct->ranges.hi ||
            (ct->ranges.n > 1 && ct->key.len == 0))
            return sl_err_set(err, SL_ERR_FATAL,
                              "--resume: the checkpoints of %s record a key-range plan (%" PRIu64
                              " ranges) that does not fit the source table",
                              t, ct->ranges.n);
        ct->r = calloc(ct->ranges.n, sizeof *ct->r);
        if (!ct->r)
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    ct->ckpt_id.dev = ct->ranges.lo;
    ct->ckpt_id.ino = ct->ranges.hi;
    ct->ckpt_id.size = (int64_t)ct->ranges.n;
    ct->ckpt_id.mtime_ns = (ct->ranges.is_signed ? PLAN_SIGNED : 0) | (ct->fresh ? PLAN_FRESH : 0) |
                           (ct->ranges.closed_lo ? PLAN_CLOSED_LO : 0) |
                           (ct->ranges.closed_hi ? PLAN_CLOSED_HI : 0) |
                           (ct->ranges.none ? PLAN_NONE : 0);
    uint64_t complete = 0;
    for (size_t i = 0; i < ct->ndone; i++) {
        const struct sl_span *d = &ct->done[i];
        uint64_t k = sl_mysql_pos_range(d->start);
        if (k >= ct->ranges.n || sl_mysql_pos_range(d->end) != k ||
            sl_mysql_pos_ordinal(d->end) < sl_mysql_pos_ordinal(d->start))
            return sl_err_set(err, SL_ERR_FATAL,
                              "--resume: a checkpoint of %s (start %" PRIu64
                              ") does not fit its key-range plan",
                              t, d->start);
        struct crange *cr = &ct->r[k];
        if (sl_mysql_pos_ordinal(d->start) == SL_CPOS_COMPLETE) {
            cr->complete_before = 1;
            complete++;
            continue;
        }
        if (cr->nskip == 0)
            cr->skip = d; /* sorted by start: a range's batches lie together */
        cr->nskip++;
        ct->rows_before += sl_mysql_pos_ordinal(d->end) - sl_mysql_pos_ordinal(d->start);
    }
    if (ct->resumed && r->c->progress) {
        char a[32];
        fprintf(r->log,
                "sluice: resuming %s: %s rows were committed before; %" PRIu64 " of %" PRIu64
                " key ranges are complete\n",
                t, sl_fmt_count(ct->rows_before, a, sizeof a), complete, ct->ranges.n);
    }
    return 0;
}

int sl_copy_ckpt_finish(struct crun *r, struct sl_err *err)
{
    for (size_t i = 0; i < r->nt; i++) {
        const struct ctable *ct = &r->t[i];
        if (ct->has_job && sl_checkpoint_clear_job(r->dst, r->ckpt_db, ct->job.hash, err))
            return -1;
    }
    return 0;
}

void sl_copy_ckpt_release(struct ctable *ct)
{
    free((char *)ct->job.target);
    sl_file_id_release(&ct->ckpt_id);
    free(ct->done);
    ct->done = NULL;
    ct->ndone = 0;
    ct->has_job = 0;
}
