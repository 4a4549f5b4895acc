/*
 * ref_csv: sluice's first CSV reader, built on libcsv, kept as a reference
 * for tests only. The fuzz harness and csvdump -R read the same bytes with
 * it and with extract/csv/sl_csv.c; on RFC 4180 dialects the two must find
 * the same records, fields, lines and offsets.
 *
 * How positions are tracked: libcsv reports fields and record ends through
 * callbacks but not where they happened. The reader therefore feeds libcsv
 * one segment at a time, a segment ending at the first CR or LF (or at the end
 * of the read buffer). A record can only end on a CR or LF, so it ends at the
 * end of the segment that completed it, and the byte offset and line number
 * at every segment boundary are exact.
 *
 * libcsv does not say whether a field was quoted either. That matters only for
 * a field whose text equals the NULL marker, which is rare, so such a field is
 * looked up again in the raw record to see if it began with a quote.
 */
#include "ref_csv.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"

#define CHUNK      (256 * 1024)
#define MAX_FIELDS 65536

struct field_slot {
    size_t off, len;
    int is_null;
    int maybe_null; /* text equals the marker: NULL unless it was quoted */
};

struct ref_csv {
    struct sl_input *in;
    struct csv_parser parser;
    struct ref_dialect d;
    size_t null_len;
    size_t max_record_bytes;

    unsigned char *chunk;
    size_t chunk_len, chunk_pos;
    int at_start, input_done, finished;

    uint64_t offset; /* of chunk[chunk_pos] */
    uint64_t line;   /* of chunk[chunk_pos] */
    int pending_cr;  /* last segment ended in CR: a LF may follow */
    uint64_t skip_left;

    /* the record in progress starts at chunk[rec_start]; when a refill comes
     * before it ends, its bytes so far move to `raw` (spilled) */
    size_t rec_start;
    int spilled;
    struct sl_buf raw;
    struct sl_buf own;   /* field bytes, when the caller gives no buffer */
    struct sl_buf *dest; /* where field bytes go */
    size_t dest_start;   /* dest->len when the record began */
    struct field_slot *slots;
    struct sl_csv_field *fields;
    size_t nslots, slot_cap;
    uint64_t rec_line, rec_offset;
    int record_ready;
    int overflow; /* a callback ran out of room */
    /* a malformed record whose line goes on past the chunk: its bytes up to
     * the line's end are skipped (and kept in raw) before bad_err is given */
    int discard;
    struct sl_err bad_err;
};

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

static int is_term(unsigned char c)
{
    return c == '\r' || c == '\n';
}

/* libcsv's built-in terminators are the same CR and LF as is_term(); it is
 * not installed as libcsv's term function, which would cost a call per byte. */

static void on_field(void *s, size_t len, void *ctx)
{
    struct ref_csv *r = ctx;
    if (r->overflow)
        return;
    if (r->nslots == r->slot_cap) {
        size_t ncap = r->slot_cap ? r->slot_cap * 2 : 64;
        if (ncap > MAX_FIELDS) {
            r->overflow = 2;
            return;
        }
        struct field_slot *ns = realloc(r->slots, ncap * sizeof *ns);
        struct sl_csv_field *nf = ns ? realloc(r->fields, ncap * sizeof *nf) : NULL;
        if (ns)
            r->slots = ns;
        if (!ns || !nf) {
            r->overflow = 1;
            return;
        }
        r->fields = nf;
        r->slot_cap = ncap;
    }
    struct field_slot *f = &r->slots[r->nslots++];
    f->off = r->dest->len;
    f->len = len;
    f->is_null = 0;
    f->maybe_null = 0;
    if (s == NULL) { /* empty and unquoted (CSV_EMPTY_IS_NULL) */
        f->is_null = r->null_len == 0;
        return;
    }
    if (len > 0 && len == r->null_len && memcmp(s, r->d.null_marker, len) == 0)
        f->maybe_null = 1;
    if (r->dest->len - r->dest_start + len > r->max_record_bytes ||
        sl_buf_append(r->dest, s, len) != 0)
        r->overflow = 1;
}

static void on_record(int c, void *ctx)
{
    (void)c;
    struct ref_csv *r = ctx;
    r->record_ready = 1;
}

int ref_csv_open(struct ref_csv **out, struct sl_input *in, const struct ref_dialect *d,
                 size_t max_record_bytes, struct sl_err *err)
{
    struct ref_csv *r = calloc(1, sizeof *r);
    /* strict, so that text after a closing quote is an error instead of
     * re-opening the field; a quote inside an unquoted field is let through
     * as a literal by feed() */
    unsigned char opts = CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL;
    if (!r || csv_init(&r->parser, opts) != 0) {
        free(r);
        sl_input_close(in);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    r->in = in;
    r->d = *d;
    r->null_len = strlen(d->null_marker);
    r->max_record_bytes = max_record_bytes;
    r->line = 1;
    r->at_start = 1;
    r->skip_left = d->skip_lines;
    csv_set_delim(&r->parser, d->delim);
    csv_set_quote(&r->parser, d->quote);
    csv_set_space_func(&r->parser, never_space);
    csv_set_blk_size(&r->parser, 64 * 1024);
    sl_buf_init(&r->raw, max_record_bytes);
    sl_buf_init(&r->own, max_record_bytes);
    r->chunk = malloc(CHUNK);
    if (!r->chunk) {
        ref_csv_close(r);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    *out = r;
    return 0;
}

/* Refills the chunk. Returns 0 (input_done set at the end) or -1. */
static int refill(struct ref_csv *r, struct sl_err *err)
{
    if (r->parser.pstate != 0 /* ROW_NOT_BEGUN: a record is in progress */ || r->discard) {
        if (!r->spilled) {
            sl_buf_reset(&r->raw);
            r->spilled = 1;
        }
        if (sl_buf_append(&r->raw, r->chunk + r->rec_start, r->chunk_len - r->rec_start) != 0)
            return sl_err_set(err, SL_ERR_FATAL, "line %llu: record longer than %zu bytes",
                              (unsigned long long)r->rec_line, r->max_record_bytes);
        r->rec_start = 0;
    }
    ssize_t n = sl_input_read(r->in, r->chunk, CHUNK, err);
    if (n < 0)
        return -1;
    r->chunk_len = (size_t)n;
    r->chunk_pos = 0;
    if (n == 0)
        r->input_done = 1;
    if (r->at_start && n > 0) {
        r->at_start = 0;
        /* a pipe may split a BOM across reads: read until three bytes are in
         * or they cannot be one */
        while (r->chunk_len < 3 && memcmp(r->chunk, "\xEF\xBB\xBF", r->chunk_len) == 0) {
            ssize_t more = sl_input_read(r->in, r->chunk + r->chunk_len, CHUNK - r->chunk_len, err);
            if (more < 0)
                return -1;
            if (more == 0)
                break;
            r->chunk_len += (size_t)more;
        }
        if (r->chunk_len >= 3 && memcmp(r->chunk, "\xEF\xBB\xBF", 3) == 0) {
            r->chunk_pos = 3;
            r->offset = 3;
        }
    }
    return 0;
}

/* Was field idx of the raw record enclosed in quotes? */
static int raw_field_quoted(const struct ref_csv *r, const unsigned char *p, size_t n, size_t idx)
{
    size_t i = 0, field = 0;
    unsigned char q = r->d.quote, dl = r->d.delim;
    while (i < n) {
        int quoted = p[i] == q;
        if (field == idx)
            return quoted;
        if (quoted) {
            for (i++; i < n; i++) {
                if (p[i] == q) {
                    if (i + 1 < n && p[i + 1] == q)
                        i++;
                    else
                        break;
                }
            }
        }
        while (i < n && p[i] != dl)
            i++;
        i++;
        field++;
    }
    return 0;
}

/* Points rec->raw at the record's bytes; rec_end is the chunk index just
 * past the record. */
static void finish_raw(struct ref_csv *r, struct sl_csv_record *rec, size_t rec_end)
{
    if (r->spilled) {
        /* the tail is in the chunk; the buffer was sized to hold it */
        sl_buf_append(&r->raw, r->chunk, rec_end);
        rec->raw = r->raw.data ? r->raw.data : "";
        rec->raw_len = r->raw.len;
    } else {
        rec->raw = (const char *)r->chunk + r->rec_start;
        rec->raw_len = rec_end - r->rec_start;
    }
    r->spilled = 0;
}

/* Completes *rec. rec_end is the chunk index just past the record. */
static void finish_record(struct ref_csv *r, struct sl_csv_record *rec, size_t rec_end)
{
    finish_raw(r, rec, rec_end);
    for (size_t i = 0; i < r->nslots; i++) {
        struct field_slot *s = &r->slots[i];
        if (s->maybe_null && !raw_field_quoted(r, (const unsigned char *)rec->raw, rec->raw_len, i))
            s->is_null = 1;
        r->fields[i].is_null = s->is_null;
        r->fields[i].off = s->off;
        r->fields[i].len = s->is_null ? 0 : s->len;
        /* an empty string still needs a valid pointer */
        r->fields[i].data = s->is_null ? NULL : r->dest->data ? r->dest->data + s->off : "";
    }
    rec->nfields = r->nslots;
    rec->fields = r->fields;
    rec->line = r->rec_line;
    rec->offset = r->rec_offset;
    r->record_ready = 0;
}

/* Feeds one segment to libcsv. In strict mode libcsv stops at a quote inside
 * an unquoted field; such a quote is taken literally (5'11" stays 5'11"), so
 * it is stored as libcsv's lenient mode would and parsing resumes after it.
 * Any other stop is a real error. Returns 0 or -1 with err set. */
static int feed(struct ref_csv *r, const unsigned char *seg, size_t n, struct sl_err *err)
{
    struct csv_parser *p = &r->parser;
    size_t done = 0;
    while (done < n) {
        done += csv_parse(p, seg + done, n - done, on_field, on_record, r);
        if (done == n)
            break;
        uint64_t line = r->line;
        for (size_t i = 0; i < done; i++)
            line += seg[i] == '\n';
        int st = csv_error(p);
        if (st == CSV_EPARSE && p->pstate == 2 /* FIELD_BEGUN */ && !p->quoted &&
            seg[done] == r->d.quote && p->entry_pos < p->entry_size) {
            p->entry_buf[p->entry_pos++] = seg[done++];
            p->status = 0;
            continue;
        }
        if (st == CSV_EPARSE)
            return sl_err_set(err, SL_ERR_ROW,
                              "line %llu, field %zu: text after a closing quote (a quote inside a "
                              "quoted field must be doubled)",
                              (unsigned long long)line, r->nslots + 1);

        return sl_err_set(err, SL_ERR_FATAL, "line %llu, field %zu: %s", (unsigned long long)line,
                          r->nslots + 1, csv_strerror(st));
    }
    return 0;
}

/* Describes a malformed record that ends at chunk[rec_end] in *rec, and
 * resets the parser so that reading goes on after it. */
static void bad_record(struct ref_csv *r, struct sl_csv_record *rec, size_t rec_end)
{
    finish_raw(r, rec, rec_end);
    rec->nfields = 0;
    rec->fields = r->fields;
    rec->line = r->rec_line;
    rec->offset = r->rec_offset;
    r->record_ready = 0;
    r->nslots = 0;
    r->dest->len = r->dest_start;
    struct csv_parser *p = &r->parser;
    p->pstate = 0; /* ROW_NOT_BEGUN */
    p->quoted = 0;
    p->spaces = 0;
    p->entry_pos = 0;
    p->status = 0;
}

/* Ends the skip of a malformed record's line at chunk[rec_end]: describes
 * the record and returns -1 with the error found in it. */
static int give_bad(struct ref_csv *r, struct sl_csv_record *rec, size_t rec_end,
                    struct sl_err *err)
{
    r->discard = 0;
    bad_record(r, rec, rec_end);
    *err = r->bad_err;
    return -1;
}

static int too_long(struct ref_csv *r, struct sl_err *err)
{
    if (r->overflow == 2)
        return sl_err_set(err, SL_ERR_FATAL, "line %llu: more than %d fields in one record",
                          (unsigned long long)r->rec_line, MAX_FIELDS);
    return sl_err_set(err, SL_ERR_FATAL, "line %llu: record longer than %zu bytes",
                      (unsigned long long)r->rec_line, r->max_record_bytes);
}

/* Moves past a segment that was fed to libcsv, counting its line ending. */
static void advance(struct ref_csv *r, const unsigned char *seg, size_t n)
{
    r->chunk_pos += n;
    r->offset += n;
    if (seg[n - 1] == '\n')
        r->line++;
    else if (seg[n - 1] == '\r')
        r->pending_cr = 1;
}

/* Skips whole lines for --skip-lines. Returns 1 while lines remain. */
static int skip_lines(struct ref_csv *r)
{
    while (r->skip_left > 0 && r->chunk_pos < r->chunk_len) {
        unsigned char *p = r->chunk + r->chunk_pos;
        size_t avail = r->chunk_len - r->chunk_pos;
        unsigned char *nl = memchr(p, '\n', avail);
        size_t n = nl ? (size_t)(nl - p) + 1 : avail;
        r->chunk_pos += n;
        r->offset += n;
        if (nl) {
            r->line++;
            r->skip_left--;
        }
    }
    return r->skip_left > 0;
}

int ref_csv_next(struct ref_csv *r, struct sl_buf *dest, struct sl_csv_record *rec,
                 struct sl_err *err)
{
    if (r->finished)
        return 0;
    if (!dest) {
        dest = &r->own;
        sl_buf_reset(dest);
    }
    r->dest = dest;
    for (;;) {
        if (r->chunk_pos == r->chunk_len) {
            if (!r->input_done && refill(r, err) != 0)
                return -1;
            if (r->input_done && r->discard) { /* the malformed line was the last */
                r->finished = 1;
                return give_bad(r, rec, 0, err);
            }
            if (r->input_done) {
                r->finished = 1;
                if (csv_fini(&r->parser, on_field, on_record, r) != 0) {
                    sl_err_set(err, SL_ERR_ROW,
                               "line %llu, field %zu: quoted field not closed before the end of "
                               "the input",
                               (unsigned long long)r->rec_line, r->nslots + 1);
                    bad_record(r, rec, 0);
                    return -1;
                }
                if (r->overflow)
                    return too_long(r, err);
                if (r->record_ready) {
                    finish_record(r, rec, 0);
                    return 1;
                }
                return 0;
            }
        }
        if (r->skip_left > 0 && skip_lines(r))
            continue;
        if (r->chunk_pos == r->chunk_len)
            continue;
        if (r->discard) { /* the rest of a malformed record's line */
            unsigned char *p = r->chunk + r->chunk_pos;
            size_t avail = r->chunk_len - r->chunk_pos;
            size_t k = 0;
            while (k < avail && !is_term(p[k]))
                k++;
            if (k == avail) {
                r->chunk_pos += k;
                r->offset += k;
                continue; /* the line goes on in the next chunk */
            }
            advance(r, p, k + 1);
            return give_bad(r, rec, r->chunk_pos, err);
        }

        /* one segment: up to and including the first CR or LF */
        unsigned char *seg = r->chunk + r->chunk_pos;
        size_t avail = r->chunk_len - r->chunk_pos;
        unsigned char *lf = memchr(seg, '\n', avail);
        size_t n = lf ? (size_t)(lf - seg) + 1 : avail;
        unsigned char *cr = memchr(seg, '\r', n);
        if (cr)
            n = (size_t)(cr - seg) + 1;

        if (r->pending_cr) {
            if (seg[0] != '\n')
                r->line++;
            r->pending_cr = 0;
        }
        if (r->parser.pstate == 0 /* ROW_NOT_BEGUN */) {
            if (n == 1 && is_term(seg[0])) { /* blank line, or the LF of a CRLF */
                r->chunk_pos++;
                r->offset++;
                if (seg[0] == '\n')
                    r->line++;
                else
                    r->pending_cr = 1;
                continue;
            }
            r->rec_start = r->chunk_pos;
            r->spilled = 0;
            r->dest_start = dest->len;
            r->nslots = 0;
            r->rec_line = r->line;
            r->rec_offset = r->offset;
        }
        if (r->spilled && r->raw.len + (r->chunk_pos + n) > r->max_record_bytes)
            return too_long(r, err);
        int malformed = feed(r, seg, n, err) != 0;
        if (malformed && err->kind != SL_ERR_ROW)
            return -1;
        advance(r, seg, n);
        if (malformed && !is_term(seg[n - 1]) && !r->input_done) {
            /* the chunk ended inside the malformed line: skip the rest of it
             * first, so that it is not taken for a record of its own */
            r->discard = 1;
            r->bad_err = *err;
            continue;
        }
        if (malformed) { /* the rest of this line went with it; go on after it */
            bad_record(r, rec, r->chunk_pos);
            return -1;
        }
        if (r->overflow || r->parser.entry_pos > r->max_record_bytes)
            return too_long(r, err);
        if (r->record_ready) {
            finish_record(r, rec, r->chunk_pos);
            return 1;
        }
    }
}

uint64_t ref_csv_offset(const struct ref_csv *r)
{
    return r->offset;
}

const struct sl_input *ref_csv_input(const struct ref_csv *r)
{
    return r->in;
}

void ref_csv_close(struct ref_csv *r)
{
    if (!r)
        return;
    csv_free(&r->parser);
    sl_input_close(r->in);
    sl_buf_release(&r->raw);
    sl_buf_release(&r->own);
    free(r->slots);
    free(r->fields);
    free(r->chunk);
    free(r);
}
