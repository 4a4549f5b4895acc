/*
 * How the reader works: the input is read into one window; a record is
 * always parsed from its first byte to its last within that window. When a
 * record runs past the bytes read so far, its start moves to the front of
 * the window, more is read (the window grows, up to max_record_bytes) and
 * the record is parsed again from its start. So the scanner below is a plain
 * function of the bytes before it, a record's raw bytes are always one
 * contiguous piece of the window, and positions are exact.
 *
 * The scanner walks runs of ordinary bytes with a 256-entry table per state
 * (unquoted, quoted): a run stops only at a byte that may matter there (the
 * delimiter's first byte, the quote, the escape, CR, LF, the terminator's
 * first byte). Each run is copied to the destination with one memcpy.
 *
 * Why not libcsv: it hands fields over by callback but never says where a
 * record ended or whether a field was quoted, and it knows only one-byte
 * delimiters, no escapes and no terminator but CR/LF. The reader had to feed
 * it one line at a time to keep positions; that cost more than this whole
 * scanner does (see docs/csv-dialects.md).
 */
#include "sl_csv.h"

#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"

#define CHUNK         (256 * 1024)
#define MAX_FIELDS    65536
#define JSONL_MEMBERS 4096 /* top-level fields of a document looked at */

struct sl_csv {
    struct sl_input *in;
    unsigned char delim[SL_CSV_MAX_SEP], term[SL_CSV_MAX_SEP];
    size_t dlen, tlen; /* tlen 0: LF, CRLF or CR */
    unsigned char quote, escape, comment;
    char *null_marker;
    size_t null_len;
    size_t max_record_bytes;
    unsigned char stop_plain[256];  /* bytes that end a run in an unquoted field */
    unsigned char stop_quoted[256]; /* ... and in a quoted one */

    unsigned char *win; /* the window: bytes [pos, len) are not yet read out */
    size_t cap, pos, len;
    uint64_t base; /* input offset of win[0] */
    uint64_t line; /* physical line of win[pos] */
    int eof;       /* the input has no more bytes */
    int started;   /* the BOM check is done */
    int finished;  /* the end was reported */
    uint64_t skip_left;

    const struct sl_jsonl_map *jsonl; /* JSON Lines instead of CSV */
    struct sl_json_member *members;   /* a document's members, for jsonl */
    struct sl_jsonl_value *values;

    struct sl_buf own; /* field bytes, when the caller gives no buffer */
    struct sl_csv_field *fields;
    size_t nfields, field_cap;
};

int sl_csv_dialect_check(const struct sl_csv_dialect *d, struct sl_err *err)
{
    size_t dl = d->delim ? strlen(d->delim) : 0;
    if (dl == 0 || dl > SL_CSV_MAX_SEP)
        return sl_err_set(err, SL_ERR_FATAL, "--delimiter must be 1 to %d bytes", SL_CSV_MAX_SEP);
    if (strpbrk(d->delim, "\r\n"))
        return sl_err_set(err, SL_ERR_FATAL, "--delimiter may not hold CR or LF");
    unsigned char d0 = (unsigned char)d->delim[0];
    if (d->quote && (d0 == d->quote || strchr(d->delim, d->quote)))
        return sl_err_set(err, SL_ERR_FATAL, "--delimiter and --quote must differ");
    if (d->escape && strchr(d->delim, d->escape))
        return sl_err_set(err, SL_ERR_FATAL, "--delimiter and --escape must differ");
    if (d->escape && d->escape == d->quote)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--escape and --quote must differ (a doubled quote is already read "
                          "as one quote)");
    if (d->escape == '\r' || d->escape == '\n' || d->quote == '\r' || d->quote == '\n' ||
        d->comment == '\r' || d->comment == '\n')
        return sl_err_set(err, SL_ERR_FATAL, "--quote, --escape and --comment may not be CR or LF");
    if (d->comment && (d->comment == d->quote || d->comment == d0))
        return sl_err_set(err, SL_ERR_FATAL,
                          "--comment must differ from --quote and the delimiter's first byte");
    if (d->terminator) {
        size_t tl = strlen(d->terminator);
        if (tl == 0 || tl > SL_CSV_MAX_SEP)
            return sl_err_set(err, SL_ERR_FATAL, "--line-terminator must be 1 to %d bytes",
                              SL_CSV_MAX_SEP);
        unsigned char t0 = (unsigned char)d->terminator[0];
        if (t0 == d0 || (d->quote && t0 == d->quote) || (d->escape && t0 == d->escape) ||
            strstr(d->terminator, d->delim) || strstr(d->delim, d->terminator))
            return sl_err_set(err, SL_ERR_FATAL,
                              "--line-terminator must not begin with or hold the delimiter, "
                              "the quote or the escape");
    }
    return 0;
}

int sl_csv_open(struct sl_csv **out, struct sl_input *in, const struct sl_csv_dialect *d,
                size_t max_record_bytes, struct sl_err *err)
{
    struct sl_csv *r = calloc(1, sizeof *r);
    if (r)
        r->null_marker = strdup(d->null_marker ? d->null_marker : "");
    if (!r || !r->null_marker) {
        free(r);
        sl_input_close(in);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    r->in = in;
    r->dlen = strlen(d->delim);
    memcpy(r->delim, d->delim, r->dlen);
    r->tlen = d->terminator ? strlen(d->terminator) : 0;
    memcpy(r->term, d->terminator ? d->terminator : "", r->tlen);
    r->quote = d->quote;
    r->escape = d->escape;
    r->comment = d->comment;
    r->null_len = strlen(r->null_marker);
    r->max_record_bytes = max_record_bytes;
    r->line = 1;
    r->skip_left = d->skip_lines;
    /* CR and LF stop every run: they count lines even where they are data */
    r->stop_plain['\r'] = r->stop_plain['\n'] = 1;
    r->stop_quoted['\r'] = r->stop_quoted['\n'] = 1;
    r->stop_plain[r->delim[0]] = 1;
    if (r->tlen)
        r->stop_plain[r->term[0]] = 1;
    if (r->escape)
        r->stop_plain[r->escape] = r->stop_quoted[r->escape] = 1;
    if (r->quote)
        r->stop_quoted[r->quote] = 1;
    sl_buf_init(&r->own, max_record_bytes);
    r->cap = CHUNK;
    r->win = malloc(r->cap);
    r->jsonl = d->jsonl;
    if (r->jsonl) {
        size_t n = r->jsonl->n ? r->jsonl->n : 1;
        r->members = malloc(JSONL_MEMBERS * sizeof *r->members);
        r->values = malloc(n * sizeof *r->values);
        r->fields = malloc(n * sizeof *r->fields);
        r->field_cap = n;
    }
    if (!r->win || (r->jsonl && (!r->members || !r->values || !r->fields))) {
        sl_csv_close(r);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    *out = r;
    return 0;
}

/* Moves the unread bytes to the front of the window and reads more after
 * them, growing the window when it is full. Returns 0 (eof set at the end
 * of the input) or -1 with err set. */
static int refill(struct sl_csv *r, struct sl_err *err)
{
    if (r->pos > 0) {
        memmove(r->win, r->win + r->pos, r->len - r->pos);
        r->base += r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len == r->cap) {
        if (r->len > r->max_record_bytes)
            return sl_err_set(err, SL_ERR_FATAL, "line %llu: record longer than %zu bytes",
                              (unsigned long long)r->line, r->max_record_bytes);
        size_t ncap = r->cap * 2;
        if (ncap > r->max_record_bytes + 2 * SL_CSV_MAX_SEP)
            ncap = r->max_record_bytes + 2 * SL_CSV_MAX_SEP;
        unsigned char *nw = ncap > r->cap ? realloc(r->win, ncap) : NULL;
        if (!nw)
            return sl_err_set(err, SL_ERR_FATAL, "line %llu: record longer than %zu bytes",
                              (unsigned long long)r->line, r->max_record_bytes);
        r->win = nw;
        r->cap = ncap;
    }
    ssize_t n = sl_input_read(r->in, r->win + r->len, r->cap - r->len, err);
    if (n < 0)
        return -1;
    r->len += (size_t)n;
    if (n == 0)
        r->eof = 1;
    return 0;
}

/* What scanning the bytes at the window's front found. */
enum scan {
    SCAN_MORE,  /* the bytes end before the answer: read more, scan again */
    SCAN_DONE,  /* a record (or a skipped line) ends at s->end */
    SCAN_BAD,   /* a malformed record, up to the end of the line at fault */
    SCAN_FATAL, /* err is set */
};

/* One scan's findings; positions are window indexes. */
struct scan_state {
    size_t end;        /* just past the record */
    uint64_t end_line; /* physical line at end */
    uint64_t bad_line; /* SCAN_BAD: the line where the fault is */
    const char *why;   /* SCAN_BAD: the reason */
    size_t bad_field;  /* SCAN_BAD: 1-based */
};

/* Matches sep (n bytes) at q. Returns n, 0 for no match, or -1 when the
 * bytes end inside a possible match. */
static int match_at(const struct sl_csv *r, const unsigned char *q, const unsigned char *end,
                    const unsigned char *sep, size_t n)
{
    size_t avail = (size_t)(end - q);
    if (avail >= n)
        return memcmp(q, sep, n) == 0 ? (int)n : 0;
    return !r->eof && memcmp(q, sep, avail) == 0 ? -1 : 0;
}

/* The length of the record terminator at q: 0 for none, -1 when more bytes
 * are needed to tell. */
static int term_at(const struct sl_csv *r, const unsigned char *q, const unsigned char *end)
{
    if (r->tlen)
        return *q == r->term[0] ? match_at(r, q, end, r->term, r->tlen) : 0;
    if (*q == '\n')
        return 1;
    if (*q != '\r')
        return 0;
    if (q + 1 == end)
        return r->eof ? 1 : -1;
    return q[1] == '\n' ? 2 : 1;
}

/* Does the physical line end at q (LF, or a CR not followed by LF)?
 * Returns 1, 0, or -1 when more bytes are needed to tell. */
static int line_break_at(const struct sl_csv *r, const unsigned char *q, const unsigned char *end)
{
    if (*q == '\n')
        return 1;
    if (*q != '\r')
        return 0;
    if (q + 1 == end)
        return r->eof ? 1 : -1;
    return q[1] != '\n';
}

/* Counts physical line ends in [p, end). */
static uint64_t count_lines(const unsigned char *p, const unsigned char *end)
{
    uint64_t n = 0;
    for (; p < end; p++)
        n += *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n'));
    return n;
}

/* The byte an escape sequence stands for. */
static unsigned char unescape(unsigned char c)
{
    switch (c) {
    case '0':
        return '\0';
    case 'b':
        return '\b';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'Z':
        return 0x1A;
    default:
        return c;
    }
}

/* A byte that stopped a run but ends nothing: an escape sequence (its
 * byte appended), or any other byte taken as data, CR and LF counted as
 * lines. Moves *qp past it. Returns 0, 1 when more bytes are needed to
 * tell, or -1 when dest is full. */
static int literal_byte(const struct sl_csv *r, struct sl_buf *dest, const unsigned char **qp,
                        const unsigned char *end, uint64_t *line)
{
    const unsigned char *q = *qp;
    int rc;
    if (r->escape && *q == r->escape) {
        if (q + 1 == end && !r->eof)
            return 1;
        if (q + 1 < end) { /* (an escape at the very end is itself) */
            unsigned char v = unescape(q[1]);
            if ((rc = line_break_at(r, q + 1, end)) < 0)
                return 1;
            *line += (uint64_t)rc;
            *qp = q + 2;
            return sl_buf_append(dest, &v, 1) != 0 ? -1 : 0;
        }
    } else if ((rc = line_break_at(r, q, end)) < 0) {
        return 1;
    } else {
        *line += (uint64_t)rc;
    }
    *qp = q + 1;
    return sl_buf_append(dest, q, 1) != 0 ? -1 : 0;
}

/* Skips from q to just past the end of its line (the record terminator, or
 * the end of the input) and sets s->end and s->end_line. Returns SCAN_DONE
 * or SCAN_MORE. */
static enum scan to_line_end(const struct sl_csv *r, const unsigned char *q, uint64_t line,
                             struct scan_state *s)
{
    const unsigned char *w = r->win, *end = r->win + r->len;
    while (q < end) {
        int t = term_at(r, q, end);
        if (t < 0)
            return SCAN_MORE;
        if (t > 0) {
            line += count_lines(q, q + t);
            if (r->tlen)
                line += !count_lines(q, q + t); /* a line of its own terminator */
            q += t;
            break;
        }
        int lb = line_break_at(r, q, end);
        if (lb < 0)
            return SCAN_MORE;
        line += (uint64_t)lb;
        q++;
    }
    if (q == end && !r->eof)
        return SCAN_MORE;
    s->end = (size_t)(q - w);
    s->end_line = line;
    return SCAN_DONE;
}

/* Adds a field to the record; off is where its bytes start in dest. */
static int add_field(struct sl_csv *r, struct sl_buf *dest, size_t off, int is_null)
{
    if (r->nfields == r->field_cap) {
        size_t ncap = r->field_cap ? r->field_cap * 2 : 64;
        if (ncap > MAX_FIELDS)
            return -2;
        struct sl_csv_field *nf = realloc(r->fields, ncap * sizeof *nf);
        if (!nf)
            return -1;
        r->fields = nf;
        r->field_cap = ncap;
    }
    struct sl_csv_field *f = &r->fields[r->nfields++];
    f->off = off;
    f->len = is_null ? 0 : dest->len - off;
    f->is_null = is_null;
    f->data = NULL;
    return 0;
}

/* Marks a malformed record: the fault is at q, in field nfields + 1. */
static enum scan bad(struct sl_csv *r, const unsigned char *q, uint64_t line, const char *why,
                     struct scan_state *s)
{
    s->bad_line = line;
    s->why = why;
    s->bad_field = r->nfields + 1;
    enum scan rc = to_line_end(r, q, line, s);
    return rc == SCAN_DONE ? SCAN_BAD : rc;
}

#define APPEND(p, n)                                                                               \
    do {                                                                                           \
        if (sl_buf_append(dest, (p), (n)) != 0)                                                    \
            goto too_long;                                                                         \
    } while (0)

/* Scans one record from win[pos], appending its field bytes to dest. */
static enum scan scan_record(struct sl_csv *r, struct sl_buf *dest, struct scan_state *s,
                             struct sl_err *err)
{
    const unsigned char *w = r->win, *end = r->win + r->len, *q = r->win + r->pos;
    uint64_t line = r->line;
    int rc;
    for (;;) { /* one field per pass */
        const unsigned char *raw = q;
        size_t off = dest->len;
        if (r->quote && q < end && *q == r->quote) {
            q++;
            for (;;) {
                const unsigned char *run = q;
                while (q < end && !r->stop_quoted[*q])
                    q++;
                APPEND(run, (size_t)(q - run));
                if (q == end) {
                    if (!r->eof)
                        return SCAN_MORE;
                    s->bad_line = r->line;
                    s->why = "quoted field not closed before the end of the input";
                    s->bad_field = r->nfields + 1;
                    s->end = r->len;
                    s->end_line = line;
                    return SCAN_BAD;
                }
                unsigned char c = *q;
                if (c == r->quote) {
                    if (q + 1 == end && !r->eof)
                        return SCAN_MORE;
                    if (q + 1 < end && q[1] == r->quote) { /* a doubled quote */
                        APPEND(q, 1);
                        q += 2;
                        continue;
                    }
                    q++; /* the closing quote */
                    break;
                }
                /* an escape, or CR or LF as data */
                if ((rc = literal_byte(r, dest, &q, end, &line)) != 0) {
                    if (rc > 0)
                        return SCAN_MORE;
                    goto too_long;
                }
            }
            /* after the closing quote: a delimiter, the record's end, or the
             * end of the input */
            if (q == end) {
                if (!r->eof)
                    return SCAN_MORE;
                if ((rc = add_field(r, dest, off, 0)) != 0)
                    goto fields;
                goto record_end_eof;
            }
            if (*q == r->delim[0] && (rc = match_at(r, q, end, r->delim, r->dlen)) != 0) {
                if (rc < 0)
                    return SCAN_MORE;
                if ((rc = add_field(r, dest, off, 0)) != 0)
                    goto fields;
                q += r->dlen;
                continue;
            }
            if ((rc = term_at(r, q, end)) != 0) {
                if (rc < 0)
                    return SCAN_MORE;
                if ((rc = add_field(r, dest, off, 0)) != 0)
                    goto fields;
                goto record_end;
            }
            return bad(r, q, line,
                       "text after a closing quote (a quote inside a quoted field must be "
                       "doubled)",
                       s);
        }
        for (;;) { /* an unquoted field */
            const unsigned char *run = q;
            while (q < end && !r->stop_plain[*q])
                q++;
            APPEND(run, (size_t)(q - run));
            if (q == end) {
                if (!r->eof)
                    return SCAN_MORE;
                break;
            }
            unsigned char c = *q;
            if (c == r->delim[0] && (rc = match_at(r, q, end, r->delim, r->dlen)) != 0) {
                if (rc < 0)
                    return SCAN_MORE;
                break;
            }
            if ((rc = term_at(r, q, end)) != 0) {
                if (rc < 0)
                    return SCAN_MORE;
                break;
            }
            /* an escape, a line break that ends nothing, or a delimiter's or
             * terminator's first byte that begins neither */
            if ((rc = literal_byte(r, dest, &q, end, &line)) != 0) {
                if (rc > 0)
                    return SCAN_MORE;
                goto too_long;
            }
        }
        size_t raw_len = (size_t)(q - raw);
        int is_null = raw_len == r->null_len && memcmp(raw, r->null_marker, raw_len) == 0;
        if (is_null)
            dest->len = off;
        if ((rc = add_field(r, dest, off, is_null)) != 0)
            goto fields;
        if (q == end)
            goto record_end_eof;
        if (*q == r->delim[0] && match_at(r, q, end, r->delim, r->dlen) > 0) {
            q += r->dlen;
            continue;
        }
        goto record_end;
    }
record_end:
    rc = term_at(r, q, end); /* known to be > 0 here */
    line += count_lines(q, q + rc);
    if (r->tlen && !count_lines(q, q + rc))
        line++; /* a record's own terminator ends its line */
    q += rc;
record_end_eof:
    s->end = (size_t)(q - w);
    s->end_line = line;
    return SCAN_DONE;
fields:
    if (rc == -2)
        sl_err_set(err, SL_ERR_FATAL, "line %llu: more than %d fields in one record",
                   (unsigned long long)r->line, MAX_FIELDS);
    else
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
    return SCAN_FATAL;
too_long:
    sl_err_set(err, SL_ERR_FATAL, "line %llu: record longer than %zu bytes",
               (unsigned long long)r->line, r->max_record_bytes);
    return SCAN_FATAL;
}

/* At the start of a record: skips a blank line, a comment line or a line
 * left to --skip-lines. Returns SCAN_DONE with s->end past what is skipped
 * (s->end == pos when there is nothing to skip), or SCAN_MORE. */
static enum scan skip_line(struct sl_csv *r, struct scan_state *s)
{
    const unsigned char *q = r->win + r->pos, *end = r->win + r->len;
    s->end = r->pos;
    s->end_line = r->line;
    if (r->skip_left > 0 || (r->comment && *q == r->comment))
        return to_line_end(r, q, r->line, s);
    int t = term_at(r, q, end);
    if (t < 0)
        return SCAN_MORE;
    if (t > 0) { /* a blank line */
        s->end = r->pos + (size_t)t;
        s->end_line = r->line + count_lines(q, q + t) + (r->tlen && !count_lines(q, q + t));
    }
    return SCAN_DONE;
}

/* Fills rec from the scanned record win[pos..s->end). */
static void fill_record(struct sl_csv *r, struct sl_buf *dest, const struct scan_state *s,
                        struct sl_csv_record *rec)
{
    for (size_t i = 0; i < r->nfields; i++) {
        struct sl_csv_field *f = &r->fields[i];
        /* an empty string still needs a valid pointer */
        f->data = f->is_null ? NULL : dest->data ? dest->data + f->off : "";
    }
    rec->nfields = r->nfields;
    rec->fields = r->fields;
    rec->line = r->line;
    rec->offset = r->base + r->pos;
    rec->raw = (const char *)r->win + r->pos;
    rec->raw_len = s->end - r->pos;
}

/* The next JSON Lines record: a line, blank ones skipped, turned into
 * fields by sl_jsonl_row(). */
static int next_jsonl(struct sl_csv *r, struct sl_buf *dest, struct sl_csv_record *rec,
                      struct sl_err *err)
{
    size_t dest_start = dest->len;
    for (;;) {
        const unsigned char *p = r->win + r->pos, *end = r->win + r->len;
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl && !r->eof) {
            if (r->len - r->pos > r->max_record_bytes)
                return sl_err_set(err, SL_ERR_FATAL, "line %llu: record longer than %zu bytes",
                                  (unsigned long long)r->line, r->max_record_bytes);
            if (refill(r, err) != 0)
                return -1;
            continue;
        }
        if (p == end) {
            r->finished = 1;
            return 0;
        }
        size_t raw_len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        size_t len = nl ? (size_t)(nl - p) : raw_len;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        uint64_t line = r->line;
        size_t pos = r->pos;
        r->pos += raw_len;
        r->line++;
        if (r->skip_left > 0) {
            r->skip_left--;
            continue;
        }
        size_t blank = 0;
        while (blank < len && (p[blank] == ' ' || p[blank] == '\t'))
            blank++;
        if (blank == len)
            continue;
        rec->line = line;
        rec->offset = r->base + pos;
        rec->raw = (const char *)p;
        rec->raw_len = raw_len;
        rec->fields = r->fields;
        char why[200];
        dest->len = dest_start;
        if (sl_jsonl_row((const char *)p, len, r->jsonl, r->members, JSONL_MEMBERS, dest, r->values,
                         why, sizeof why) != 0) {
            dest->len = dest_start;
            rec->nfields = 0;
            return sl_err_set(err, SL_ERR_ROW, "line %llu: %s", (unsigned long long)line, why);
        }
        for (size_t i = 0; i < r->jsonl->n; i++) {
            struct sl_csv_field *f = &r->fields[i];
            f->off = r->values[i].off;
            f->len = r->values[i].is_null ? 0 : r->values[i].len;
            f->is_null = r->values[i].is_null;
            f->data = f->is_null ? NULL : dest->data ? dest->data + f->off : "";
        }
        rec->nfields = r->jsonl->n;
        return 1;
    }
}

int sl_csv_next(struct sl_csv *r, struct sl_buf *dest, struct sl_csv_record *rec,
                struct sl_err *err)
{
    if (r->finished)
        return 0;
    if (!dest) {
        dest = &r->own;
        sl_buf_reset(dest);
    }
    if (r->jsonl && r->started)
        return next_jsonl(r, dest, rec, err);
    size_t dest_start = dest->len;
    struct scan_state s;
    for (;;) {
        if (!r->started) { /* a BOM may come split across reads */
            while (!r->eof && r->len < 3 && memcmp(r->win, "\xEF\xBB\xBF", r->len) == 0)
                if (refill(r, err) != 0)
                    return -1;
            r->started = 1;
            if (r->len >= 3 && memcmp(r->win, "\xEF\xBB\xBF", 3) == 0)
                r->pos = 3;
            if (r->jsonl)
                return next_jsonl(r, dest, rec, err);
        }
        if (r->pos == r->len) {
            if (r->eof) {
                r->finished = 1;
                return 0;
            }
            if (refill(r, err) != 0)
                return -1;
            continue;
        }
        enum scan sc = skip_line(r, &s);
        if (sc == SCAN_DONE && s.end > r->pos) {
            if (r->skip_left > 0)
                r->skip_left--;
            r->pos = s.end;
            r->line = s.end_line;
            continue;
        }
        if (sc == SCAN_DONE) {
            dest->len = dest_start;
            r->nfields = 0;
            sc = scan_record(r, dest, &s, err);
        }
        if (sc == SCAN_FATAL)
            return -1;
        if ((sc == SCAN_MORE ? r->len : s.end) - r->pos > r->max_record_bytes)
            return sl_err_set(err, SL_ERR_FATAL, "line %llu: record longer than %zu bytes",
                              (unsigned long long)r->line, r->max_record_bytes);
        if (sc == SCAN_MORE) {
            if (refill(r, err) != 0)
                return -1;
            continue;
        }
        fill_record(r, dest, &s, rec);
        r->pos = s.end;
        r->line = s.end_line;
        if (sc == SCAN_DONE)
            return 1;
        dest->len = dest_start;
        rec->nfields = 0;
        return sl_err_set(err, SL_ERR_ROW, "line %llu, field %zu: %s",
                          (unsigned long long)s.bad_line, s.bad_field, s.why);
    }
}

uint64_t sl_csv_offset(const struct sl_csv *r)
{
    return r->base + r->pos;
}

const struct sl_input *sl_csv_input(const struct sl_csv *r)
{
    return r->in;
}

void sl_csv_close(struct sl_csv *r)
{
    if (!r)
        return;
    sl_input_close(r->in);
    sl_buf_release(&r->own);
    free(r->members);
    free(r->values);
    free(r->null_marker);
    free(r->fields);
    free(r->win);
    free(r);
}
