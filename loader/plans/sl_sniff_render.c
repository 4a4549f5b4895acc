#include "sl_sniff_render.h"

#include <cjson/cJSON.h>
#include <string.h>
#include <strings.h>

#include "sl_ident.h"

#define MAX_EVIDENCE 2 /* values shown per column */

void sl_sniff_table_name(const char *path, char *out, size_t cap)
{
    static const char *const exts[] = {".zst", ".gz", ".csv", ".tsv", ".txt", ".dat", NULL};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; exts[i]; i++) {
            size_t e = strlen(exts[i]);
            if (n > e && strncasecmp(base + n - e, exts[i], e) == 0) {
                n -= e;
                again = 1;
            }
        }
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)base[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        out[o++] = ok ? (char)c : '_';
    }
    if (o == 0 && cap > 1)
        out[o++] = 't';
    out[o] = '\0';
}

const char *sl_sniff_col_confidence(const struct sl_sniff_col *c)
{
    enum sl_sniff_kind k = sl_sniff_col_kind(c);
    if (c->values < 10)
        return "low";
    for (int n = 0; n < (int)k && n < SL_SNIFF_TEXT; n++)
        if (c->fits[n] * 10 >= c->values * 9) /* a narrower kind fit 90% of the values */
            return "medium";
    if (sl_sniff_col_ambiguous(c) || c->values < 100)
        return "medium";
    return "high";
}

/* The narrower kinds that most values fit but some did not: the evidence
 * against the kind chosen. Calls fn for up to MAX_EVIDENCE of them. */
typedef void (*evidence_fn)(void *ctx, enum sl_sniff_kind k, const struct sl_sniff_miss *m,
                            uint64_t fits, uint64_t values);

static void each_evidence(const struct sl_sniff_col *c, evidence_fn fn, void *ctx)
{
    enum sl_sniff_kind chosen = sl_sniff_col_kind(c);
    int shown = 0;
    for (int k = SL_SNIFF_TEXT - 1; k >= 0 && shown < MAX_EVIDENCE; k--) {
        if (k >= (int)chosen || c->fits[k] * 2 < c->values || c->fits[k] == c->values)
            continue;
        fn(ctx, (enum sl_sniff_kind)k, &c->miss[k], c->fits[k], c->values);
        shown++;
    }
}

static void where(char *out, size_t cap, const struct sl_sniff_miss *m)
{
    if (m->line)
        snprintf(out, cap, "line %llu", (unsigned long long)m->line);
    else
        snprintf(out, cap, "byte %llu", (unsigned long long)m->offset);
}

static const char *quote_name(unsigned char q)
{
    return q == '"' ? "\"" : q == '\'' ? "'" : "none";
}

static void delim_text(const char *d, char *out, size_t cap)
{
    if (strcmp(d, "\t") == 0)
        snprintf(out, cap, "tab");
    else if (d[strlen(d) - 1] == ' ')
        snprintf(out, cap, "'%s' (with a space)", d);
    else
        snprintf(out, cap, "%s", d);
}

static void null_tokens(const struct sl_sniff_col *c, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (unsigned i = 0; sl_sniff_null_token(i) && o < cap; i++)
        if (c->null_tokens & (1u << i))
            o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? ", " : "", sl_sniff_null_token(i));
}

struct text_ctx {
    FILE *out;
    const char *name;
    size_t col;
};

static void text_evidence(void *ctx, enum sl_sniff_kind k, const struct sl_sniff_miss *m,
                          uint64_t fits, uint64_t values)
{
    struct text_ctx *t = ctx;
    char w[48];
    where(w, sizeof w, m);
    fprintf(t->out, "    %zu %s: %s: '%s' is not %s %s (%llu of %llu values were)\n", t->col + 1,
            t->name, w, m->value, k == SL_SNIFF_INT ? "an" : "a", sl_sniff_kind_name(k),
            (unsigned long long)fits, (unsigned long long)values);
}

static void render_text(FILE *out, const struct sl_sniff_file *f,
                        const struct sl_sniff_render_opts *o)
{
    const struct sl_sniff_result *r = &f->r;
    char d[40];
    delim_text(r->delim, d, sizeof d);
    fprintf(out, "%s:", o->path);
    if (f->size >= 0)
        fprintf(out, " %.1f MB%s,", (double)f->size / 1e6, f->zstd ? " (zstd)" : "");
    if (f->whole)
        fprintf(out, " read whole\n");
    else if (f->nsamples == 3)
        fprintf(out, " sampled %.1f MB from the start, the middle and the end\n",
                (double)f->sampled / 1e6);
    else
        fprintf(out, " sampled its first %.1f MB\n", (double)f->sampled / 1e6);
    fprintf(out, "  dialect: %llu of %llu sampled records have %zu fields",
            (unsigned long long)r->consistent, (unsigned long long)r->records, r->ncols);
    if (r->runner_up[0])
        fprintf(out, " (next best: %s)", r->runner_up);
    fprintf(out, "\n");
    fprintf(out, "    encoding         %s%s\n", f->encoding, f->bom ? " (byte order mark)" : "");
    fprintf(out, "    delimiter        %s\n", d);
    fprintf(out, "    quote            %s\n", quote_name(r->quote));
    fprintf(out, "    escape           %s\n", r->escape ? "\\" : "none");
    if (r->comment)
        fprintf(out, "    comment lines    %c\n", r->comment);
    fprintf(out, "    line terminator  %s\n", r->terminator);
    fprintf(out, "    preamble lines   %llu\n", (unsigned long long)r->preamble_lines);
    if (r->header)
        fprintf(out, "    header           yes, %u line%s\n", r->header_lines,
                r->header_lines > 1 ? "s" : "");
    else
        fprintf(out, "    header           none\n");
    for (size_t i = 0; i < r->nodd; i++) {
        char w[48];
        struct sl_sniff_miss m = {.line = r->odd[i].line, .offset = r->odd[i].offset};
        where(w, sizeof w, &m);
        fprintf(out, "    against: %s has %zu fields\n", w, r->odd[i].nfields);
    }
    if (r->nodd_total > r->nodd)
        fprintf(out, "    against: %llu more records of another width\n",
                (unsigned long long)(r->nodd_total - r->nodd));
    fprintf(out, "  columns:\n");
    size_t w = 4;
    for (size_t i = 0; i < r->ncols; i++)
        if (strlen(r->names[i]) > w)
            w = strlen(r->names[i]) > 32 ? 32 : strlen(r->names[i]);
    fprintf(out, "    %3s  %-*s  %-18s %-6s %8s  %s\n", "#", (int)w, "name", "type", "sure",
            "nulls", "notes");
    for (size_t i = 0; i < r->ncols; i++) {
        const struct sl_sniff_col *c = &r->cols[i];
        char type[40], fmt[48], notes[160] = "", tok[80];
        int iso = 0;
        sl_sniff_col_type(c, type, sizeof type);
        size_t n = 0;
        if (sl_sniff_col_format(c, fmt, sizeof fmt, &iso))
            n += (size_t)snprintf(notes + n, sizeof notes - n, "format %s%s", fmt,
                                  sl_sniff_col_ambiguous(c) ? " (ambiguous: no day above 12)" : "");
        null_tokens(c, tok, sizeof tok);
        if (tok[0] && n < sizeof notes)
            snprintf(notes + n, sizeof notes - n, "%sNULL written as %s", n ? "; " : "", tok);
        fprintf(out, "    %3zu  %-*s  %-18s %-6s %8llu  %s\n", i + 1, (int)w, r->names[i], type,
                sl_sniff_col_confidence(c), (unsigned long long)c->nulls, notes);
    }
    int any = 0;
    for (size_t i = 0; i < r->ncols; i++) {
        struct text_ctx t = {out, r->names[i], i};
        enum sl_sniff_kind k = sl_sniff_col_kind(&r->cols[i]);
        for (int n = 0; n < (int)k && !any; n++)
            any = r->cols[i].fits[n] * 2 >= r->cols[i].values &&
                  r->cols[i].fits[n] != r->cols[i].values;
        if (any == 1) {
            fprintf(out, "  values that argued against a narrower type:\n");
            any = 2;
        }
        each_evidence(&r->cols[i], text_evidence, &t);
    }
}

static void json_evidence(void *ctx, enum sl_sniff_kind k, const struct sl_sniff_miss *m,
                          uint64_t fits, uint64_t values)
{
    cJSON *arr = ctx, *e = cJSON_CreateObject();
    if (m->line)
        cJSON_AddNumberToObject(e, "line", (double)m->line);
    cJSON_AddNumberToObject(e, "offset", (double)m->offset);
    cJSON_AddStringToObject(e, "value", m->value);
    cJSON_AddStringToObject(e, "is_not", sl_sniff_kind_name(k));
    cJSON_AddNumberToObject(e, "values_that_were", (double)fits);
    cJSON_AddNumberToObject(e, "values", (double)values);
    cJSON_AddItemToArray(arr, e);
}

static int render_json(FILE *out, const struct sl_sniff_file *f,
                       const struct sl_sniff_render_opts *o)
{
    const struct sl_sniff_result *r = &f->r;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "file", o->path);
    cJSON_AddNumberToObject(j, "bytes", (double)f->size);
    cJSON_AddBoolToObject(j, "zstd", f->zstd);
    cJSON_AddNumberToObject(j, "bytes_sampled", (double)f->sampled);
    cJSON_AddBoolToObject(j, "read_whole", f->whole);
    cJSON *d = cJSON_AddObjectToObject(j, "dialect");
    char q[2] = {(char)r->quote, 0}, e[2] = {(char)r->escape, 0};
    cJSON_AddStringToObject(d, "encoding", f->encoding);
    cJSON_AddBoolToObject(d, "bom", f->bom);
    cJSON_AddStringToObject(d, "delimiter", r->delim);
    if (r->quote)
        cJSON_AddStringToObject(d, "quote", q);
    else
        cJSON_AddNullToObject(d, "quote");
    if (r->escape)
        cJSON_AddStringToObject(d, "escape", e);
    else
        cJSON_AddNullToObject(d, "escape");
    char cm[2] = {(char)r->comment, 0};
    if (r->comment)
        cJSON_AddStringToObject(d, "comment", cm);
    else
        cJSON_AddNullToObject(d, "comment");
    cJSON_AddStringToObject(d, "line_terminator", r->terminator);
    cJSON_AddNumberToObject(d, "preamble_lines", (double)r->preamble_lines);
    cJSON_AddBoolToObject(d, "header", r->header);
    cJSON_AddNumberToObject(d, "header_lines", r->header ? r->header_lines : 0);
    cJSON_AddNumberToObject(d, "records_sampled", (double)r->records);
    cJSON_AddNumberToObject(d, "records_consistent", (double)r->consistent);
    if (r->runner_up[0])
        cJSON_AddStringToObject(d, "next_best", r->runner_up);
    cJSON *odd = cJSON_AddArrayToObject(d, "records_against");
    for (size_t i = 0; i < r->nodd; i++) {
        cJSON *x = cJSON_CreateObject();
        if (r->odd[i].line)
            cJSON_AddNumberToObject(x, "line", (double)r->odd[i].line);
        cJSON_AddNumberToObject(x, "offset", (double)r->odd[i].offset);
        cJSON_AddNumberToObject(x, "fields", (double)r->odd[i].nfields);
        cJSON_AddItemToArray(odd, x);
    }
    cJSON *cols = cJSON_AddArrayToObject(j, "columns");
    for (size_t i = 0; i < r->ncols; i++) {
        const struct sl_sniff_col *c = &r->cols[i];
        cJSON *x = cJSON_CreateObject();
        char type[40], fmt[48];
        int iso = 0;
        sl_sniff_col_type(c, type, sizeof type);
        cJSON_AddStringToObject(x, "name", r->names[i]);
        cJSON_AddStringToObject(x, "type", type);
        cJSON_AddStringToObject(x, "kind", sl_sniff_kind_name(sl_sniff_col_kind(c)));
        cJSON_AddStringToObject(x, "confidence", sl_sniff_col_confidence(c));
        cJSON_AddNumberToObject(x, "values", (double)c->values);
        cJSON_AddNumberToObject(x, "nulls", (double)c->nulls);
        if (sl_sniff_col_format(c, fmt, sizeof fmt, &iso)) {
            cJSON_AddStringToObject(x, "format", fmt);
            cJSON_AddBoolToObject(x, "format_ambiguous", sl_sniff_col_ambiguous(c));
        }
        cJSON *toks = cJSON_AddArrayToObject(x, "null_tokens");
        for (unsigned t = 0; sl_sniff_null_token(t); t++)
            if (c->null_tokens & (1u << t))
                cJSON_AddItemToArray(toks, cJSON_CreateString(sl_sniff_null_token(t)));
        each_evidence(c, json_evidence, cJSON_AddArrayToObject(x, "evidence"));
        cJSON_AddItemToArray(cols, x);
    }
    char *s = cJSON_Print(j);
    cJSON_Delete(j);
    if (!s)
        return -1;
    fprintf(out, "%s\n", s);
    cJSON_free(s);
    return 0;
}

int sl_sniff_create_sql(const struct sl_sniff_file *f, const char *schema, const char *table,
                        struct sl_buf *b)
{
    const struct sl_sniff_result *r = &f->r;
    int rc = sl_buf_puts(b, "CREATE TABLE ");
    rc |= schema ? sl_ident_append_qualified(b, schema, table)
                 : sl_ident_append(b, table, strlen(table));
    rc |= sl_buf_puts(b, " (\n");
    for (size_t i = 0; i < r->ncols; i++) {
        char type[40];
        sl_sniff_col_type(&r->cols[i], type, sizeof type);
        rc |= sl_buf_puts(b, "  ");
        rc |= sl_ident_append(b, r->names[i], strlen(r->names[i]));
        rc |= sl_buf_printf(b, " %s NULL%s\n", type, i + 1 < r->ncols ? "," : "");
    }
    rc |= sl_buf_puts(b, ") DEFAULT CHARSET=utf8mb4");
    return rc ? -1 : 0;
}

/* Appends v as a transform-spec string: '...' with ' doubled. */
static void spec_string(struct sl_buf *b, const char *v)
{
    sl_buf_puts(b, "'");
    for (; *v; v++)
        sl_buf_append(b, *v == '\'' ? "''" : v, 1 + (*v == '\''));
    sl_buf_puts(b, "'");
}

/* The transforms the columns need, as one spec ("" when none). */
static void job_transforms(const struct sl_sniff_result *r, struct sl_buf *b)
{
    for (size_t i = 0; i < r->ncols; i++) {
        const struct sl_sniff_col *c = &r->cols[i];
        enum sl_sniff_kind k = sl_sniff_col_kind(c);
        char fmt[48];
        int iso = 1, steps = 0;
        int dated = sl_sniff_col_format(c, fmt, sizeof fmt, &iso) && !iso;
        if (!c->null_tokens && !dated && k != SL_SNIFF_BOOL)
            continue;
        if (b->len)
            sl_buf_puts(b, " ;\n  ");
        /* a name with a ':' or a quote would need quoting the spec lacks */
        sl_buf_printf(b, "%s:", r->names[i]);
        for (unsigned t = 0; sl_sniff_null_token(t); t++) {
            if (!(c->null_tokens & (1u << t)))
                continue;
            sl_buf_puts(b, steps++ ? " | null-if " : " null-if ");
            spec_string(b, sl_sniff_null_token(t));
        }
        if (dated) {
            sl_buf_puts(b, steps++ ? " | date " : " date ");
            spec_string(b, fmt);
        }
        if (k == SL_SNIFF_BOOL)
            sl_buf_puts(b, steps++ ? " | bool" : " bool");
    }
}

static int render_job(FILE *out, const struct sl_sniff_file *f,
                      const struct sl_sniff_render_opts *o, const char *table)
{
    const struct sl_sniff_result *r = &f->r;
    char d[SL_CSV_MAX_SEP * 4 + 1];
    size_t n = 0;
    for (const char *p = r->delim; *p; p++) /* trimmed values: spell spaces and tabs */
        n += (size_t)snprintf(d + n, sizeof d - n,
                              *p == ' '    ? "\\x20"
                              : *p == '\t' ? "\\t"
                                           : "%c",
                              *p);
    fprintf(out,
            "; sniffed from %s by sluice sniff: %llu of %llu sampled records have %zu "
            "fields; records end in %s\n",
            o->path, (unsigned long long)r->consistent, (unsigned long long)r->records, r->ncols,
            r->terminator);
    if (!o->into)
        fprintf(out, "; into names a [connection db] section: add one, with url = "
                     "mysql://user@host/database\n");
    fprintf(out, "[step load_%s]\naction = load\nsource = %s\n", table, o->path);
    if (o->into)
        fprintf(out, "into = %s\n", o->into);
    else
        fprintf(out, "into = db/%s\n", table);
    fprintf(out, "create-table = yes\n");
    fprintf(out, "delimiter = %s\n", d);
    fprintf(out, "quote = %s\n", r->quote ? (r->quote == '"' ? "\"" : "'") : "none");
    fprintf(out, "escape = %s\n", r->escape ? "\\" : "none");
    fprintf(out, "line-terminator = auto\n");
    if (r->comment)
        fprintf(out, "comment = %c\n", r->comment);
    fprintf(out, "encoding = %s\n", f->encoding);
    if (r->preamble_lines)
        fprintf(out, "skip-lines = %llu\n", (unsigned long long)r->preamble_lines);
    if (r->header) {
        fprintf(out, "header = name\n");
        if (r->header_lines > 1)
            fprintf(out, "header-lines = %u\n", r->header_lines);
    } else {
        fprintf(out, "header = none\ncolumns = ");
        for (size_t i = 0; i < r->ncols; i++)
            fprintf(out, "%s%s", i ? "," : "", r->names[i]);
        fprintf(out, "\n");
    }
    struct sl_buf b;
    sl_buf_init(&b, 1 << 20);
    job_transforms(r, &b);
    if (b.len)
        fprintf(out, "transform = %.*s\n", (int)b.len, b.data);
    sl_buf_release(&b);
    return 0;
}

int sl_sniff_render(FILE *out, const struct sl_sniff_file *f, enum sl_sniff_format fmt,
                    const struct sl_sniff_render_opts *o)
{
    char table[128];
    if (o->table)
        snprintf(table, sizeof table, "%s", o->table);
    else
        sl_sniff_table_name(o->path, table, sizeof table);
    switch (fmt) {
    case SL_SNIFF_OUT_JSON:
        return render_json(out, f, o);
    case SL_SNIFF_OUT_CREATE: {
        struct sl_buf b;
        sl_buf_init(&b, 1 << 20);
        int rc = sl_sniff_create_sql(f, NULL, table, &b);
        if (rc == 0)
            fprintf(out, "%.*s;\n", (int)b.len, b.data);
        sl_buf_release(&b);
        return rc;
    }
    case SL_SNIFF_OUT_JOB:
        return render_job(out, f, o, table);
    default:
        render_text(out, f, o);
        return 0;
    }
}
