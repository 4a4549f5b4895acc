/*
 * The read stage: reader threads take the next source, parse its records
 * straight into a pooled batch's arena, check them (field count, UTF-8, the
 * cheap column checks), reject or fail on bad ones, skip what a resumed load
 * already committed, and hand full batches to the writers. A batch also
 * covers a contiguous byte range of its source, for the checkpoints.
 */
#include <stdio.h>
#include <string.h>

#include "sl_hex.h"
#include "sl_pipeline_run.h"
#include "sl_transform.h"
#include "sl_utf8.h"

struct reader {
    struct run *r;
    struct sl_tf_work tf; /* scratch for the transforms */
    struct sl_batch *batch;
    size_t src_index;
    const struct sl_source *src;
    uint64_t rows;        /* read but not yet counted */
    uint64_t range_start; /* where the next batch's byte range begins */
};

static int reading_stopped(struct run *r)
{
    return atomic_load_explicit(&r->stop, memory_order_relaxed) ||
           atomic_load_explicit(&r->interrupted, memory_order_relaxed);
}

static int push_batch(struct reader *rd)
{
    struct sl_batch *b = rd->batch;
    rd->batch = NULL;
    if (!b)
        return 0;
    rd->range_start = b->end;
    /* a batch of rejected records only is still pushed when checkpoints
     * need its range recorded */
    if (b->nrows == 0 && (!rd->r->p->jobs || b->end == b->start)) {
        sl_run_give_back(rd->r, b);
        return 0;
    }
    return sl_queue_push(&rd->r->full, b);
}

/* Makes sure the reader has a batch with room for one more record. Returns
 * 0, or 1 when the run is stopping. */
static int ensure_batch(struct reader *rd)
{
    if (rd->batch &&
        (sl_batch_is_full(rd->batch) || rd->batch->arena.len >= rd->r->p->batch_bytes) &&
        push_batch(rd) != 0)
        return 1;
    if (!rd->batch) {
        rd->batch = sl_queue_pop(&rd->r->empty);
        if (!rd->batch)
            return 1;
        rd->batch->source = rd->src_index;
        rd->batch->start = rd->batch->end = rd->range_start;
    }
    return 0;
}

/* A bad record: to the rejects under --on-error skip (or the dry run's
 * list), else the run's error.
 * field is the file's field index, or -1. Returns 0 to go on, -1 to stop. */
static int bad_row(struct reader *rd, const struct sl_csv_record *rec, long field,
                   const char *reason)
{
    struct run *r = rd->r;
    const struct sl_pipeline_plan *p = r->p;
    const struct sl_source *src = rd->src;
    const char *col = field >= 0 ? p->target.cols[src->perm[field]] : NULL;
    if (field < -1) /* a column added by a transform: -2 - its batch column */
        col = p->target.cols[-2 - field];
    struct sl_err e;
    rd->rows++; /* a rejected record was read all the same */
    if (!p->rejects && !p->dry_run) {
        if (col && field >= 0)
            sl_err_set(&e, SL_ERR_ROW, "%s: line %llu, column '%s' (field %ld): %s", src->path,
                       (unsigned long long)rec->line, col, field + 1, reason);
        else if (col)
            sl_err_set(&e, SL_ERR_ROW, "%s: line %llu, column '%s': %s", src->path,
                       (unsigned long long)rec->line, col, reason);
        else
            sl_err_set(&e, SL_ERR_ROW, "%s: line %llu%s%s", src->path,
                       (unsigned long long)rec->line,
                       strncmp(reason, "field ", 6) == 0 ? ", " : ": ", reason);
        sl_run_fail(r, &e);
        return -1;
    }
    return sl_run_reject(r, src->path, rec->line, rec->offset, col, reason, rec->raw, rec->raw_len);
}

/* Checks a value bound for column col as UTF-8, unless it is NULL or the
 * column takes raw bytes. Returns 0, 1 when the row was rejected (dropped),
 * or -1 to stop. */
static int check_text(struct reader *rd, const struct sl_csv_record *rec, long field, size_t col,
                      const struct sl_tf_value *v, char *why, size_t whylen)
{
    if (v->null || rd->r->p->checks[col].raw_bytes)
        return 0;
    size_t ok = sl_utf8_check((const unsigned char *)v->p, v->len);
    if (ok == v->len)
        return 0;
    snprintf(why, whylen, "invalid UTF-8 at byte %zu of the value", ok + 1);
    sl_batch_drop_row(rd->batch);
    return bad_row(rd, rec, field, why) != 0 ? -1 : 1;
}

/* Stores one value (after its transforms) into column col of the row being
 * filled, checked against the column (and as UTF-8 when check_utf8).
 * field is what bad_row() takes. Returns 0, 1 when the row was rejected
 * (dropped), or -1 to stop. */
static int put_value(struct reader *rd, const struct sl_csv_record *rec, long field, size_t col,
                     const struct sl_tf_value *v, int check_utf8, char *why, size_t whylen)
{
    const struct sl_pipeline_plan *p = rd->r->p;
    struct sl_batch *b = rd->batch;
    if (v->null) {
        sl_batch_set_null(b, col);
        return 0;
    }
    const struct sl_colcheck *ck = &p->checks[col];
    int rc = check_utf8 ? check_text(rd, rec, field, col, v, why, whylen) : 0;
    if (rc != 0)
        return rc;
    if (sl_colcheck_value(ck, v->p, v->len, why, whylen) != 0) {
        sl_batch_drop_row(b);
        return bad_row(rd, rec, field, why) != 0 ? -1 : 1;
    }
    /* a value inside the arena (a field, or a trimmed one) is referred to;
     * one made by a transform is copied in */
    size_t off;
    const char *base = b->arena.data;
    if (base && v->p >= base && v->p + v->len <= base + b->arena.len) {
        off = (size_t)(v->p - base);
    } else if (sl_batch_set_cell(b, col, v->p, v->len) == 0) {
        off = b->arena.len - v->len;
    } else {
        sl_batch_drop_row(b);
        return bad_row(rd, rec, field, "the transformed value does not fit the batch") != 0 ? -1
                                                                                            : 1;
    }
    size_t len = v->len;
    if (ck->kind == SL_CHECK_HEX) { /* checked above: cannot fail */
        size_t bad;
        char *at = b->arena.data + off;
        len = (size_t)sl_hex_decode((unsigned char *)at, at, len, &bad);
    }
    sl_batch_set_ref(b, col, off, len);
    return 0;
}

/* Runs chain c over *v. Returns 0, 1 when the row was rejected (dropped),
 * or -1 to stop. */
static int transform(struct reader *rd, const struct sl_csv_record *rec, long field,
                     const struct sl_tf_chain *c, struct sl_tf_value *v, char *why, size_t whylen)
{
    if (sl_tf_apply(rd->r->p->transforms, c, v, &rd->tf, why, whylen) == 0)
        return 0;
    sl_batch_drop_row(rd->batch);
    return bad_row(rd, rec, field, why) != 0 ? -1 : 1;
}

/* Turns the record just parsed into the batch's arena into a row, or
 * rejects it. Returns 0, or -1 when the run must stop. */
static int add_record(struct reader *rd, const struct sl_csv_record *rec)
{
    const struct sl_pipeline_plan *p = rd->r->p;
    const struct sl_source *src = rd->src;
    const struct sl_sources *all = p->sources;
    struct sl_batch *b = rd->batch;
    char why[300];
    if (rec->nfields != src->nfields) {
        sl_batch_drop_row(b);
        snprintf(why, sizeof why, "expected %zu fields, found %zu", src->nfields, rec->nfields);
        return bad_row(rd, rec, -1, why);
    }
    /* One check of the whole record is enough: a multi-byte UTF-8 sequence
     * never holds an ASCII delimiter or quote. Only a bad record is checked
     * field by field, to name the field. */
    int check_fields = sl_utf8_check((const unsigned char *)rec->raw, rec->raw_len) != rec->raw_len;
    for (size_t f = 0; f < rec->nfields; f++) {
        const struct sl_csv_field *fl = &rec->fields[f];
        size_t col = src->perm[f];
        /* the arena may have moved since parsing: find the field by offset */
        struct sl_tf_value v = {fl->is_null ? "" : b->arena.data + fl->off, fl->len, fl->is_null};
        const struct sl_tf_chain *chain = all->chain[col];
        int rc = 0;
        if (chain) { /* the input is checked as it was read, the output as it is */
            rc = check_fields ? check_text(rd, rec, (long)f, col, &v, why, sizeof why) : 0;
            if (rc == 0)
                rc = transform(rd, rec, (long)f, chain, &v, why, sizeof why);
            if (rc == 0)
                rc = put_value(rd, rec, (long)f, col, &v, chain->decodes, why, sizeof why);
        } else {
            rc = put_value(rd, rec, (long)f, col, &v, check_fields, why, sizeof why);
        }
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    for (size_t col = all->nfile_cols; col < all->ncols; col++) {
        struct sl_tf_value v = {"", 0, 1}; /* not in the file: NULL goes in */
        int rc = transform(rd, rec, -2 - (long)col, all->chain[col], &v, why, sizeof why);
        if (rc == 0)
            rc = put_value(rd, rec, -2 - (long)col, col, &v, 1, why, sizeof why);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    if (p->rejects && sl_batch_keep_raw(b, rec->raw, rec->raw_len) != 0) {
        sl_batch_drop_row(b);
        return bad_row(rd, rec, -1, "record too large to keep for the rejects file");
    }
    sl_batch_end_row(b, rec->line, rec->offset);
    rd->rows++;
    return 0;
}

/* Is offset inside a range a resumed load must skip? *k walks the sorted
 * ranges along with the increasing offsets. */
static int skipped(const struct sl_skip *s, size_t *k, uint64_t offset)
{
    if (!s)
        return 0;
    while (*k < s->n && s->ranges[*k].end <= offset)
        (*k)++;
    return *k < s->n && s->ranges[*k].start <= offset;
}

/* A record that was committed by an earlier run: leave it out, and keep
 * batches from straddling the committed range. */
static int skip_record(struct reader *rd, uint64_t next)
{
    if (rd->batch && rd->batch->end > rd->batch->start && push_batch(rd) != 0)
        return 1;
    rd->range_start = next;
    if (rd->batch)
        rd->batch->start = rd->batch->end = next;
    return 0;
}

/* "line 12, field 3: why" -> "field 3: why", for the rejects log. */
static const char *without_line(const char *msg)
{
    if (strncmp(msg, "line ", 5) == 0) {
        const char *comma = strstr(msg, ", ");
        const char *colon = strstr(msg, ": ");
        if (comma && (!colon || comma < colon))
            return comma + 2;
        if (colon)
            return colon + 2;
    }
    return msg;
}

static void count_bytes(struct reader *rd, struct sl_csv *csv, uint64_t *raw_seen,
                        uint64_t *data_seen)
{
    struct sl_counters *c = rd->r->p->counters;
    uint64_t raw = sl_input_raw_bytes(sl_csv_input(csv)), data = sl_csv_offset(csv);
    atomic_fetch_add_explicit(&c->raw_bytes, raw - *raw_seen, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->data_bytes, data - *data_seen, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->rows_read, rd->rows, memory_order_relaxed);
    rd->rows = 0;
    *raw_seen = raw;
    *data_seen = data;
}

static void read_source(struct reader *rd)
{
    struct run *r = rd->r;
    const struct sl_pipeline_plan *p = r->p;
    const struct sl_skip *skip = p->skips ? &p->skips[rd->src_index] : NULL;
    size_t k = 0;
    struct sl_err e;
    struct sl_csv *csv;
    if (sl_sources_open(p->sources, rd->src_index, p->source_opts, &csv, &e) != 0) {
        sl_run_fail(r, &e);
        return;
    }
    uint64_t raw_seen = 0, data_seen = 0;
    rd->range_start = 0;
    struct sl_csv_record rec;
    for (;;) {
        if (reading_stopped(r))
            break;
        struct sl_batch *before = rd->batch;
        if (ensure_batch(rd) != 0)
            break;
        if (rd->batch != before)
            count_bytes(rd, csv, &raw_seen, &data_seen);
        int rc = sl_csv_next(csv, &rd->batch->arena, &rec, &e);
        if (rc == 0)
            break;
        if (rc < 0 && e.kind != SL_ERR_ROW) {
            sl_batch_drop_row(rd->batch);
            sl_err_prefix(&e, "%s", rd->src->path);
            sl_run_fail(r, &e);
            break;
        }
        if (skipped(skip, &k, rec.offset)) {
            sl_batch_drop_row(rd->batch);
            if (skip_record(rd, sl_csv_offset(csv)) != 0)
                break;
            continue;
        }
        if (rc < 0) { /* a malformed record; reading can go on after it */
            sl_batch_drop_row(rd->batch);
            if (bad_row(rd, &rec, -1, without_line(e.msg)) != 0)
                break;
        } else if (add_record(rd, &rec) != 0) {
            break;
        }
        rd->batch->end = sl_csv_offset(csv);
    }
    /* what was read is written, unless the run failed */
    if (!atomic_load(&r->stop))
        push_batch(rd);
    count_bytes(rd, csv, &raw_seen, &data_seen);
    sl_csv_close(csv);
}

void *sl_read_stage_main(void *arg)
{
    struct run *r = arg;
    struct reader rd = {.r = r};
    sl_tf_work_init(&rd.tf, r->p->max_packet);
    for (;;) {
        size_t i = atomic_fetch_add(&r->next_source, 1);
        if (i >= r->p->sources->n || reading_stopped(r))
            break;
        rd.src_index = i;
        rd.src = &r->p->sources->v[i];
        read_source(&rd);
    }
    if (rd.batch)
        sl_run_give_back(r, rd.batch);
    sl_tf_work_release(&rd.tf);
    if (atomic_fetch_sub(&r->readers_left, 1) == 1)
        sl_queue_close(&r->full); /* the last reader lets the writers drain */
    sl_run_thread_done(r);
    return NULL;
}
