/*
 * The CSV source's reader: one file at a time, records parsed into pooled
 * batches, bad records reported, committed ranges skipped. See
 * sl_csv_source.h.
 */
#include "sl_csv_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_input.h"
#include "sl_utf8.h"

struct reader {
    struct sl_csv_source *s;
    const struct sl_source_port *port;
    struct sl_batch *batch; /* being filled, or NULL */
    size_t unit;
    uint64_t rows;        /* read but not yet counted */
    uint64_t range_start; /* where the next batch's byte range begins */
};

static int hand_on(struct reader *rd)
{
    struct sl_batch *b = rd->batch;
    rd->batch = NULL;
    if (!b)
        return 0;
    rd->range_start = b->end;
    return rd->port->hand_on(rd->port->ctx, b);
}

/* Makes sure the reader has a batch with room for one more record. Returns
 * 0, or 1 when the run is stopping. */
static int ensure_batch(struct reader *rd)
{
    if (rd->batch && (sl_batch_is_full(rd->batch) || rd->batch->arena.len >= rd->s->batch_bytes) &&
        hand_on(rd) != 0)
        return 1;
    if (!rd->batch) {
        rd->batch = rd->port->take(rd->port->ctx);
        if (!rd->batch)
            return 1;
        rd->batch->source = rd->unit;
        rd->batch->start = rd->batch->end = rd->range_start;
    }
    return 0;
}

/* A record the source cannot make a row of. Returns 0 to go on, -1 to
 * stop. */
static int bad_record(struct reader *rd, const struct sl_csv_record *rec, const char *reason)
{
    rd->rows++; /* a rejected record was read all the same */
    struct sl_bad_row br = {
        .unit = rd->unit,
        .line = rec->line,
        .offset = rec->offset,
        .reason = reason,
        .raw = rec->raw,
        .raw_len = rec->raw_len,
    };
    return rd->port->bad_row(rd->port->ctx, &br);
}

/* Is rec the unit's header record over again, as where a second table is
 * stacked below the first in one file? */
static int repeats_header(const struct sl_csv_unit *u, const struct sl_csv_record *rec)
{
    if (!u->header || rec->nfields != u->nheader)
        return 0;
    for (size_t i = 0; i < rec->nfields; i++) {
        const struct sl_csv_field *f = &rec->fields[i];
        if (f->is_null || f->len != strlen(u->header[i]) || memcmp(f->data, u->header[i], f->len))
            return 0;
    }
    return 1;
}

/* Turns the record just parsed into the batch's arena into a row, and has
 * the port check and transform it. Returns 0, or -1 when the run must
 * stop. */
static int add_record(struct reader *rd, const struct sl_csv_record *rec)
{
    const struct sl_csv_source *s = rd->s;
    const struct sl_csv_unit *u = &s->units[rd->unit];
    struct sl_batch *b = rd->batch;
    size_t n = rec->nfields;
    if (n != u->nfields && !(n < u->nfields && s->read.ragged_pad) &&
        !(n > u->nfields && s->read.ignore_extra)) {
        char why[160];
        sl_batch_drop_row(b);
        snprintf(why, sizeof why, "expected %zu fields, found %zu%s", u->nfields, n,
                 n < u->nfields ? " (--ragged pad would fill in the missing ones)"
                                : " (--ignore-extra would drop the rest)");
        return bad_record(rd, rec, why);
    }
    if (repeats_header(u, rec)) {
        sl_batch_drop_row(b);
        return bad_record(rd, rec, "the header line again (is another table stacked in the file?)");
    }
    if (n > u->nfields)
        n = u->nfields;
    for (size_t f = 0; f < n; f++) {
        const struct sl_csv_field *fl = &rec->fields[f];
        if (fl->is_null)
            sl_batch_set_null(b, u->perm[f]);
        else
            sl_batch_set_ref(b, u->perm[f], fl->off, fl->len);
    }
    for (size_t f = n; f < u->nfields; f++) { /* --ragged pad: the default, or NULL */
        const char *v = s->pad ? s->pad[u->perm[f]] : NULL;
        if (!v)
            sl_batch_set_null(b, u->perm[f]);
        else if (sl_batch_set_cell(b, u->perm[f], v, strlen(v)) != 0) {
            sl_batch_drop_row(b);
            return bad_record(rd, rec, "record too large for the batch");
        }
    }
    for (size_t col = s->nfile_cols; col < s->ncols; col++)
        sl_batch_set_null(b, col); /* not in the file: NULL goes to its transforms */
    if (s->keep_raw && sl_batch_keep_raw(b, rec->raw, rec->raw_len) != 0) {
        sl_batch_drop_row(b);
        return bad_record(rd, rec, "record too large to keep for the rejects file");
    }
    sl_batch_end_row(b, rec->line, rec->offset);
    /* One check of the whole record is enough: a multi-byte UTF-8 sequence
     * never holds an ASCII delimiter or quote. Only a bad record is checked
     * value by value, to name the value. */
    if (sl_utf8_check((const unsigned char *)rec->raw, rec->raw_len) != rec->raw_len)
        b->pos[b->nrows - 1].unchecked = 1;
    rd->rows++;
    return rd->port->row(rd->port->ctx, b);
}

/* Is offset inside a range a resumed read must skip? *k walks the sorted
 * ranges along with the increasing offsets. */
static int skipped(const struct sl_csv_skip *s, size_t *k, uint64_t offset)
{
    if (!s)
        return 0;
    while (*k < s->n && s->spans[*k].end <= offset)
        (*k)++;
    return *k < s->n && s->spans[*k].start <= offset;
}

/* A record that was committed by an earlier run: leave it out, and keep
 * batches from straddling the committed range. */
static int skip_record(struct reader *rd, uint64_t next)
{
    if (rd->batch && rd->batch->end > rd->batch->start && hand_on(rd) != 0)
        return 1;
    rd->range_start = next;
    if (rd->batch)
        rd->batch->start = rd->batch->end = next;
    return 0;
}

/* "line 12, field 3: why" -> "field 3: why": the unit and line are added
 * where the row is reported. */
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
    uint64_t raw = sl_input_raw_bytes(sl_csv_input(csv)), data = sl_csv_offset(csv);
    rd->port->count(rd->port->ctx, rd->rows, raw - *raw_seen, data - *data_seen);
    rd->rows = 0;
    *raw_seen = raw;
    *data_seen = data;
}

static int read_split(void *reader, uint64_t split, const struct sl_source_port *port)
{
    struct reader *rd = reader;
    struct sl_csv_source *s = rd->s;
    rd->port = port;
    rd->unit = (size_t)split;
    const struct sl_csv_skip *skip = s->skips ? &s->skips[rd->unit] : NULL;
    const struct sl_span *keep = s->keep ? &s->keep[rd->unit] : NULL;
    if (keep && keep->start >= keep->end)
        return 0; /* another shard's file */
    size_t k = 0;
    struct sl_err e;
    struct sl_csv *csv;
    if (sl_csv_unit_open(&s->units[rd->unit], &s->read, &csv, &e) != 0) {
        port->fail(port->ctx, &e);
        return -1;
    }
    uint64_t raw_seen = 0, data_seen = 0;
    rd->range_start = 0;
    int rc_out = 0;
    struct sl_csv_record rec;
    for (;;) {
        struct sl_batch *before = rd->batch;
        if (port->stopping(port->ctx) || ensure_batch(rd) != 0) {
            rc_out = -1; /* the rest of the file stays unread */
            break;
        }
        if (rd->batch != before)
            count_bytes(rd, csv, &raw_seen, &data_seen);
        int rc = sl_csv_next(csv, &rd->batch->arena, &rec, &e);
        if (rc == 0)
            break;
        if (rc < 0 && e.kind != SL_ERR_ROW) {
            sl_batch_drop_row(rd->batch);
            sl_err_prefix(&e, "%s", s->units[rd->unit].path);
            port->fail(port->ctx, &e);
            rc_out = -1;
            break;
        }
        if (keep && rec.offset >= keep->end) { /* the next shard's first record */
            sl_batch_drop_row(rd->batch);
            break;
        }
        if ((keep && rec.offset < keep->start) || skipped(skip, &k, rec.offset)) {
            sl_batch_drop_row(rd->batch);
            if (skip_record(rd, sl_csv_offset(csv)) != 0) {
                rc_out = -1;
                break;
            }
            continue;
        }
        if (rc < 0) { /* a malformed record; reading can go on after it */
            sl_batch_drop_row(rd->batch);
            if (bad_record(rd, &rec, without_line(e.msg)) != 0) {
                rc_out = -1;
                break;
            }
        } else if (add_record(rd, &rec) != 0) {
            rc_out = -1;
            break;
        }
        rd->batch->end = sl_csv_offset(csv);
    }
    /* what was read is handed on; the port drops it if the run failed */
    hand_on(rd);
    count_bytes(rd, csv, &raw_seen, &data_seen);
    sl_csv_close(csv);
    return rc_out;
}

static int reader_open(void *source, unsigned index, void **out, struct sl_err *err)
{
    struct reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    rd->s = source;
    *out = rd;
    return 0;
}

static void reader_close(void *reader)
{
    free(reader);
}

static int next_split(void *source, uint64_t *split)
{
    struct sl_csv_source *s = source;
    size_t i = atomic_fetch_add(&s->next, 1);
    if (i >= s->nunits)
        return 0;
    *split = i;
    return 1;
}

static const char *unit_name(void *source, size_t unit)
{
    struct sl_csv_source *s = source;
    return s->units[unit].path;
}

static long field_of(void *source, size_t unit, size_t col)
{
    struct sl_csv_source *s = source;
    const struct sl_csv_unit *u = &s->units[unit];
    for (size_t f = 0; f < u->nfields; f++)
        if (u->perm[f] == col)
            return (long)f;
    return -1;
}

const struct sl_source_ops sl_csv_source_ops = {
    .name = "csv",
    .caps = SL_SOURCE_ORDERED,
    .reader_open = reader_open,
    .next_split = next_split,
    .read_split = read_split,
    .reader_close = reader_close,
    .unit_name = unit_name,
    .field_of = field_of,
};
