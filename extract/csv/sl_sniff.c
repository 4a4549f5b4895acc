#define _GNU_SOURCE /* memmem */
#include "sl_sniff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_input.h"

#define SCORE_RECORDS 1000         /* records of the head each candidate is scored on */
#define TYPE_RECORDS  ((size_t)-1) /* every record of a sample is typed */
#define MAX_RECORD    (1 << 20)

struct cand {
    const char *delim;
    unsigned char quote, escape, comment;
};

/* What parsing a sample with one candidate found. */
struct score {
    uint64_t lead; /* records before the first with m fields */
    int stray;     /* over a tenth of the values begin or end with an unread quote */
    int escapes;   /* an escape candidate: backslashes used as LOAD DATA uses them */
    int errors;
    uint64_t total, consistent;
    size_t m;  /* the most common field count */
    int share; /* consistent / total, in percent */
    int typed; /* values that read as numbers, dates or booleans, in percent */
    int rank;  /* the candidate's place in the list */
};

/* Calls visit for each record of the sample read with dialect d; stops
 * after max records. A sample that starts inside the file skips its first,
 * partial line; one that does not run to the end stops at its last line
 * end, and a quoted field left open there is not counted as an error (the
 * sample cut it, not the file). Returns the count of malformed records. */
typedef void (*visit_fn)(void *ctx, const struct sl_csv_record *rec, uint64_t base);

static int scan(const struct sl_sniff_sample *s, const struct sl_csv_dialect *d, size_t max,
                visit_fn visit, void *ctx)
{
    const char *p = s->data, *end = s->data + s->len;
    if (s->offset > 0) {
        while (p < end && *p != '\n' && *p != '\r')
            p++;
        while (p < end && (*p == '\n' || *p == '\r'))
            p++;
    }
    if (!s->to_end) {
        while (end > p && end[-1] != '\n' && end[-1] != '\r')
            end--;
    }
    struct sl_err err;
    struct sl_input *in;
    struct sl_csv *csv;
    size_t len = (size_t)(end - p);
    if (sl_input_open_mem(&in, "sample", p, len, len ? len : 1, &err) != 0 ||
        sl_csv_open(&csv, in, d, MAX_RECORD, &err) != 0)
        return 0;
    uint64_t base = s->offset + (uint64_t)(p - s->data);
    int errors = 0;
    struct sl_csv_record rec;
    for (size_t n = 0; n < max;) {
        int rc = sl_csv_next(csv, NULL, &rec, &err);
        if (rc == 0 || (rc < 0 && err.kind != SL_ERR_ROW))
            break;
        if (rc < 0) {
            errors += s->to_end || rec.offset + rec.raw_len < len;
            continue;
        }
        visit(ctx, &rec, base);
        n++;
    }
    sl_csv_close(csv);
    return errors;
}

/* Does v read as a number (a decimal comma allowed: 1,5), a date or time,
 * or a boolean? Only a clean value counts: what a wrong delimiter leaves
 * (" 5", "37.1,15", "1,") does not. */
static int looks_typed(const char *v, size_t len)
{
    if (len == 0)
        return 0;
    size_t i = v[0] == '-' || v[0] == '+', digits = 0, points = 0;
    for (; i < len; i++) {
        if (v[i] >= '0' && v[i] <= '9')
            digits++;
        else if ((v[i] == '.' || v[i] == ',') && points++ == 0 && i + 1 < len)
            continue;
        else
            break;
    }
    if (i == len && digits > 0)
        return 1;
    return sl_sniff_is_temporal(v, len);
}

/* Is the backslash in the text an escape, as LOAD DATA writes them? Yes
 * (1) when some backslash stands before the delimiter, a line end or
 * another backslash, and none stands before a byte no escape would (a
 * Windows path, C:\Users, says no: 0). A whole \N field is no evidence:
 * it is NULL with or without escapes (sluice extract writes it so). */
static int backslash_escapes(const char *p, size_t n, const char *delim)
{
    int evidence = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] != '\\')
            continue;
        char c = p[i + 1];
        if (c == '\\' || c == '\n' || c == '\r' || c == delim[0])
            evidence = 1;
        else if (!strchr("0bnrtZN'\"", c))
            return 0;
        i++;
    }
    return evidence;
}

struct score_ctx {
    size_t counts[SCORE_RECORDS];
    size_t n;
    uint64_t cells, typed, stray;
    unsigned char quote;
};

static void score_visit(void *ctx, const struct sl_csv_record *rec, uint64_t base)
{
    (void)base;
    struct score_ctx *c = ctx;
    if (c->n < SCORE_RECORDS)
        c->counts[c->n++] = rec->nfields;
    for (size_t i = 0; i < rec->nfields; i++) {
        const struct sl_csv_field *f = &rec->fields[i];
        c->cells++;
        if (f->is_null || f->len == 0)
            continue;
        c->typed += (uint64_t)looks_typed(f->data, f->len);
        /* a value that begins or ends with a quote character the candidate
         * does not quote with looks quoted but was not read so */
        unsigned char a = (unsigned char)f->data[0], z = (unsigned char)f->data[f->len - 1];
        c->stray += ((a == '"' || a == '\'') && a != c->quote) ||
                    ((z == '"' || z == '\'') && z != c->quote);
    }
}

/* The most common count (the larger on a tie), how many records have it,
 * and how many come before the first that has it (a preamble). */
static void mode_of(const size_t *counts, size_t n, size_t *m, uint64_t *consistent, uint64_t *lead)
{
    size_t best = 0, best_n = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            k += counts[j] == counts[i];
        if (k > best_n || (k == best_n && counts[i] > best)) {
            best = counts[i];
            best_n = k;
        }
    }
    *m = best;
    *consistent = best_n;
    *lead = 0;
    while (*lead < n && counts[*lead] != best)
        (*lead)++;
}

static void score_cand(const struct sl_sniff_sample *head, const struct cand *c, int rank,
                       struct score *sc)
{
    struct sl_csv_dialect d = {.delim = c->delim,
                               .quote = c->quote,
                               .escape = c->escape,
                               .comment = c->comment,
                               .null_marker = "\\N"};
    struct score_ctx *ctx = calloc(1, sizeof *ctx);
    memset(sc, 0, sizeof *sc);
    sc->rank = rank;
    if (!ctx) {
        sc->errors = 1 << 20;
        return;
    }
    ctx->quote = c->quote;
    sc->errors = scan(head, &d, SCORE_RECORDS, score_visit, ctx);
    sc->total = ctx->n;
    mode_of(ctx->counts, ctx->n, &sc->m, &sc->consistent, &sc->lead);
    /* the share is of the records after the preamble; but ':' and ' ' are in
     * too many values (times, text) to be granted a preamble */
    int weak = strcmp(c->delim, ":") == 0 || strcmp(c->delim, " ") == 0;
    uint64_t after = weak ? sc->total : sc->total - sc->lead;
    sc->share = after ? (int)(sc->consistent * 100 / after) : 0;
    sc->typed = ctx->cells ? (int)(ctx->typed * 100 / ctx->cells) : 0;
    sc->stray = ctx->stray * 10 > ctx->cells; /* in more than a tenth of the values */
    free(ctx);
}

static int multi(const struct score *s)
{
    return s->m > 1 && s->share >= 90 && s->consistent >= 2;
}

/* Is a better than b? Returns 1, -1, or 0 for a tie (rank aside). */
static int compare(const struct score *a, const struct score *b)
{
#define BETTER(x, y)                                                                               \
    if ((x) != (y))                                                                                \
        return (x) > (y) ? 1 : -1;
    BETTER(a->errors * 100 <= (int)a->total, b->errors * 100 <= (int)b->total); /* 1% */
    BETTER(!a->stray, !b->stray);
    /* several columns that nearly every record (two at least) agrees on
     * beat one column */
    BETTER(multi(a), multi(b));
    BETTER(a->share, b->share);
    BETTER(-(long long)a->lead, -(long long)b->lead);
    BETTER(a->m > 1, b->m > 1);
    BETTER(a->typed / 5, b->typed / 5);
    BETTER(a->m, b->m);
    BETTER(-a->errors, -b->errors);
    BETTER(a->escapes, b->escapes);
#undef BETTER
    return 0;
}

static void describe(const struct cand *c, char *out, size_t cap)
{
    char d[24];
    if (strcmp(c->delim, "\t") == 0)
        snprintf(d, sizeof d, "TAB");
    else
        snprintf(d, sizeof d, "'%s'", c->delim);
    snprintf(out, cap, "delimiter %s, quote %s%s", d,
             c->quote == '"'    ? "\""
             : c->quote == '\'' ? "'"
                                : "none",
             c->escape ? ", escape \\" : "");
}

/* LF, CRLF or CR: what most line ends in the text are. */
static const char *terminator_of(const char *p, size_t n)
{
    uint64_t lf = 0, crlf = 0, cr = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n')
            lf++;
        else if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
            crlf++, i++;
        else if (p[i] == '\r')
            cr++;
    }
    return crlf >= lf && crlf >= cr && crlf > 0 ? "CRLF" : cr > lf ? "CR" : "LF";
}

/* Chooses the dialect. Returns 0, or -1 with err set. */
static int choose_dialect(const struct sl_sniff_sample *head, struct sl_sniff_result *r,
                          struct sl_err *err)
{
    static const char *const delims[] = {",", ";", "\t", "|", ":", " ", ", ", "; "};
    static const unsigned char quotes[] = {'"', '\'', 0};
    struct cand best = {0}, second = {0};
    struct score bs = {.errors = 1 << 30}, ss = {.errors = 1 << 30};
    int have_best = 0, have_second = 0;
    int rank = 0;
    int has_backslash = memchr(head->data, '\\', head->len) != NULL;
    int has_apostrophe = memchr(head->data, '\'', head->len) != NULL;
    int has_comment =
        (head->len > 0 && head->data[0] == '#') || memmem(head->data, head->len, "\n#", 2) != NULL;
    for (size_t di = 0; di < sizeof delims / sizeof delims[0]; di++) {
        /* ',' always competes: a one-column file is read with it */
        if (di > 0 && !memmem(head->data, head->len, delims[di], strlen(delims[di])))
            continue;
        for (size_t qi = 0; qi < sizeof quotes; qi++) {
            if (quotes[qi] == '\'' && !has_apostrophe)
                continue;
            for (int k = 0; k < (has_backslash + 1) * (has_comment + 1); k++) {
                int esc = k % (has_backslash + 1), cm = k / (has_backslash + 1);
                struct cand c = {delims[di], quotes[qi], esc ? '\\' : 0, cm ? '#' : 0};
                struct score sc;
                score_cand(head, &c, rank++, &sc);
                if (esc)
                    sc.escapes = backslash_escapes(head->data, head->len, c.delim);
                if (sc.total == 0)
                    continue;
                if (!have_best || compare(&sc, &bs) > 0) {
                    if (have_best && strcmp(best.delim, c.delim) != 0) {
                        second = best;
                        ss = bs;
                        have_second = 1;
                    }
                    best = c;
                    bs = sc;
                    have_best = 1;
                } else if (strcmp(best.delim, c.delim) != 0 &&
                           (!have_second || compare(&sc, &ss) > 0)) {
                    second = c;
                    ss = sc;
                    have_second = 1;
                }
            }
        }
    }
    if (!have_best) { /* no candidate delimiter at all: one column */
        best = (struct cand){",", '"', 0};
        score_cand(head, &best, 0, &bs);
        if (bs.total == 0)
            return sl_err_set(err, SL_ERR_FATAL, "no records to sniff: the file is empty");
    }
    char a[64], b[64];
    describe(&best, a, sizeof a);
    if (have_second) {
        describe(&second, b, sizeof b);
        /* a two-byte delimiter that is its one-byte form plus a space ties
         * with it whenever every delimiter has the space: take the longer */
        int tie = compare(&bs, &ss) == 0;
        if (tie && strlen(second.delim) == 2 && strlen(best.delim) == 1 &&
            second.delim[0] == best.delim[0]) { /* every delimiter had its space */
            struct cand c = best;
            struct score sc = bs;
            best = second, bs = ss;
            second = c, ss = sc;
            describe(&best, a, sizeof a);
            describe(&second, b, sizeof b);
        }
        int widened = strlen(best.delim) == 2 && second.delim[0] == best.delim[0] &&
                      strlen(second.delim) == 1;
        if (!widened && tie && bs.m > 1)
            return sl_err_set(err, SL_ERR_FATAL,
                              "cannot decide the dialect: %s and %s both give %llu of %llu "
                              "records with %zu fields",
                              a, b, (unsigned long long)bs.consistent, (unsigned long long)bs.total,
                              bs.m);
        snprintf(r->runner_up, sizeof r->runner_up, "%s", b);
    }
    if (bs.m > 1 && bs.share < 50)
        return sl_err_set(err, SL_ERR_FATAL,
                          "cannot decide the dialect: the best guess (%s) gives only %llu of %llu "
                          "records the same number of fields",
                          a, (unsigned long long)bs.consistent, (unsigned long long)bs.total);
    snprintf(r->delim, sizeof r->delim, "%s", best.delim);
    r->quote = best.quote;
    r->escape = best.escape;
    r->comment = best.comment;
    r->ncols = bs.m;
    return 0;
}

/* The second parse, with the chosen dialect: the first records are kept
 * for the header test, and the rest typed column by column. */
struct type_ctx {
    struct sl_sniff_result *r;
    int head;        /* reading the head sample */
    uint64_t base;   /* sample offset of record offsets */
    size_t seen;     /* records of this sample with ncols fields */
    int started;     /* the preamble is over */
    char **first[3]; /* the first three records' values (head) */
    uint64_t first_line[3];
    size_t nfirst;
    int first_recurs[3]; /* a value of first[i] recurs in its column below */
    struct sl_sniff_col *body;
};

static void note_odd(struct sl_sniff_result *r, const struct sl_csv_record *rec, uint64_t base,
                     int head)
{
    r->nodd_total++;
    if (r->nodd < SL_SNIFF_MAX_ODD)
        r->odd[r->nodd++] =
            (struct sl_sniff_odd){head ? rec->line : 0, base + rec->offset, rec->nfields};
}

static void type_visit(void *ctx, const struct sl_csv_record *rec, uint64_t base)
{
    struct type_ctx *t = ctx;
    struct sl_sniff_result *r = t->r;
    if (rec->nfields != r->ncols) {
        if (t->head && !t->started) /* before the first full record: preamble */
            return;
        if (t->head || t->seen > 0) /* a middle sample may start inside a quoted field */
            note_odd(r, rec, base, t->head);
        r->records++;
        return;
    }
    if (t->head && !t->started) {
        t->started = 1;
        r->preamble_lines = rec->line - 1;
    }
    r->records++;
    r->consistent++;
    t->seen++;
    if (t->head && t->nfirst < 3) {
        char **v = calloc(r->ncols, sizeof *v);
        for (size_t i = 0; v && i < r->ncols; i++)
            v[i] = rec->fields[i].is_null ? strdup("")
                                          : strndup(rec->fields[i].data, rec->fields[i].len);
        t->first[t->nfirst] = v;
        t->first_line[t->nfirst++] = rec->line;
        return;
    }
    for (size_t i = 0; i < r->ncols; i++) {
        const struct sl_csv_field *f = &rec->fields[i];
        const char *v = f->is_null ? "\\N" : f->data;
        size_t len = f->is_null ? 2 : f->len;
        sl_sniff_col_add(&t->body[i], v, len, t->head ? rec->line : 0, base + rec->offset);
        for (size_t k = 0; k < t->nfirst; k++)
            if (t->first[k] && t->first[k][i] && strlen(t->first[k][i]) == len &&
                memcmp(t->first[k][i], v, len) == 0)
                t->first_recurs[k] = 1;
    }
}

/* Does record v break a typed column of the body (a name above numbers)? */
static int breaks_types(const struct type_ctx *t, char **v)
{
    for (size_t i = 0; i < t->r->ncols; i++) {
        const struct sl_sniff_col *c = &t->body[i];
        enum sl_sniff_kind k = sl_sniff_col_kind(c);
        if (k == SL_SNIFF_TEXT || !v[i][0])
            continue;
        struct sl_sniff_col tmp = *c;
        sl_sniff_col_add(&tmp, v[i], strlen(v[i]), 0, 0);
        if (sl_sniff_col_kind(&tmp) != k)
            return 1;
    }
    return 0;
}

/* Distinct, non-empty values that never recur below: names, not data. */
static int looks_like_names(const struct type_ctx *t, size_t k)
{
    char **v = t->first[k];
    if (t->first_recurs[k])
        return 0;
    for (size_t i = 0; i < t->r->ncols; i++) {
        if (!v[i][0])
            return 0;
        for (size_t j = 0; j < i; j++)
            if (strcmp(v[i], v[j]) == 0)
                return 0;
    }
    return 1;
}

/* Decides the header and names the columns; the first records that are not
 * header go to the body's types. */
static int decide_header(struct type_ctx *t, struct sl_err *err)
{
    struct sl_sniff_result *r = t->r;
    for (size_t k = 0; k < t->nfirst; k++)
        if (!t->first[k])
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    unsigned lines = 0;
    if (t->nfirst > 0 && breaks_types(t, t->first[0])) {
        lines = 1;
        while (lines < t->nfirst && lines < 3 && breaks_types(t, t->first[lines]))
            lines++;
        if (lines == t->nfirst && lines > 1) /* every record breaks: not a header */
            lines = 1;
    } else if (t->nfirst > 0 && looks_like_names(t, 0)) {
        int typed = 0;
        for (size_t i = 0; i < r->ncols; i++)
            typed |= sl_sniff_col_kind(&t->body[i]) != SL_SNIFF_TEXT;
        lines = typed ? 0 : 1; /* typed columns whose first value fits: data */
    }
    r->header = lines > 0;
    r->header_lines = lines ? lines : 1;
    r->names = calloc(r->ncols ? r->ncols : 1, sizeof *r->names);
    if (!r->names)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->ncols; i++) {
        char name[256] = "";
        size_t o = 0;
        for (unsigned k = 0; k < lines; k++) {
            const char *part = t->first[k][i];
            if (part[0])
                o += (size_t)snprintf(name + o, sizeof name - (o < sizeof name ? o : sizeof name),
                                      "%s%s", o ? " " : "", part);
            if (o >= sizeof name)
                o = sizeof name - 1;
        }
        if (!name[0])
            snprintf(name, sizeof name, "col%zu", i + 1);
        if (!(r->names[i] = strdup(name)))
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t k = lines; k < t->nfirst; k++)
        for (size_t i = 0; i < r->ncols; i++)
            sl_sniff_col_add(&t->body[i], t->first[k][i], strlen(t->first[k][i]), t->first_line[k],
                             0);
    return 0;
}

int sl_sniff_text(const struct sl_sniff_sample *samples, size_t nsamples,
                  struct sl_sniff_result *out, struct sl_err *err)
{
    struct sl_sniff_result *r = out;
    memset(r, 0, sizeof *r);
    const struct sl_sniff_sample *head = &samples[0];
    if (choose_dialect(head, r, err) != 0)
        return -1;
    r->terminator = terminator_of(head->data, head->len);
    r->cols = calloc(r->ncols ? r->ncols : 1, sizeof *r->cols);
    if (!r->cols)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < r->ncols; i++)
        sl_sniff_col_init(&r->cols[i]);
    struct type_ctx t = {.r = r, .body = r->cols};
    struct sl_csv_dialect d = {.delim = r->delim,
                               .quote = r->quote,
                               .escape = r->escape,
                               .comment = r->comment,
                               .null_marker = "\\N"};
    int rc = 0;
    for (size_t s = 0; s < nsamples && rc == 0; s++) {
        t.head = s == 0;
        t.seen = 0;
        scan(&samples[s], &d, TYPE_RECORDS, type_visit, &t);
        if (s == 0)
            rc = decide_header(&t, err);
    }
    for (size_t k = 0; k < t.nfirst; k++) {
        for (size_t i = 0; t.first[k] && i < r->ncols; i++)
            free(t.first[k][i]);
        free(t.first[k]);
    }
    if (rc != 0)
        sl_sniff_result_release(r);
    return rc;
}

void sl_sniff_result_release(struct sl_sniff_result *r)
{
    for (size_t i = 0; r->names && i < r->ncols; i++)
        free(r->names[i]);
    free(r->names);
    free(r->cols);
    memset(r, 0, sizeof *r);
}
