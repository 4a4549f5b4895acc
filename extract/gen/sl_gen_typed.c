#include "sl_gen_typed.h"

#include "sl_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind {
    K_INT,
    K_DECIMAL,
    K_REAL,
    K_DATE,
    K_DATETIME,
    K_TIMESTAMP,
    K_TIME,
    K_YEAR,
    K_TEXT,
    K_BYTES,
    K_BIT,
    K_CHOICE, /* ENUM: one member */
    K_SET,    /* SET: a subset */
    K_JSON,
};

struct sl_gen_typed_col {
    enum kind kind;
    int is_key;
    int nullable;
    int is_unsigned;
    int64_t lo;     /* K_INT: range (signed) */
    uint64_t uhi;   /* K_INT unsigned: upper bound */
    int digits;     /* K_DECIMAL: integer digits; K_TEXT/K_BYTES: max length; K_BIT: bits */
    int scale;      /* K_DECIMAL: fraction digits */
    char **choices; /* K_CHOICE, K_SET */
    size_t nchoices;
};

/* Parses "enum('a','b''c')" members into c->choices. */
static int parse_choices(struct sl_gen_typed_col *c, const char *type)
{
    const char *p = strchr(type, '(');
    while (p && *p) {
        const char *q = strchr(p, '\'');
        if (!q)
            break;
        char *v = malloc(strlen(q) + 1);
        char **nc = realloc(c->choices, (c->nchoices + 1) * sizeof *nc);
        if (!v || !nc) {
            free(v);
            if (nc)
                c->choices = nc;
            return -1;
        }
        c->choices = nc;
        size_t n = 0;
        for (q++; *q; q++) {
            if (*q == '\'' && q[1] == '\'')
                v[n++] = *q++;
            else if (*q == '\'')
                break;
            else
                v[n++] = *q;
        }
        v[n] = '\0';
        c->choices[c->nchoices++] = v;
        p = *q ? q + 1 : q;
    }
    return c->nchoices > 0 ? 0 : -1;
}

static int int_range(struct sl_gen_typed_col *c, const char *t)
{
    static const struct {
        const char *name;
        int bits;
    } ints[] = {{"tinyint", 8}, {"smallint", 16}, {"mediumint", 24}, {"int", 32}, {"bigint", 64}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (strcmp(t, ints[i].name))
            continue;
        int bits = ints[i].bits;
        c->kind = K_INT;
        if (c->is_unsigned)
            c->uhi = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
        else
            c->lo = bits == 64 ? INT64_MIN : -(1LL << (bits - 1));
        return 1;
    }
    return 0;
}

static int describe(struct sl_gen_typed_col *c, const struct sl_column *col)
{
    const char *t = col->data_type, *ct = col->column_type;
    c->nullable = col->nullable;
    c->is_unsigned = col->is_unsigned;
    if (int_range(c, t))
        return 0;
    if (!strcmp(t, "decimal")) {
        int p = 10, s = 0;
        sscanf(ct, "decimal(%d,%d)", &p, &s);
        c->kind = K_DECIMAL;
        c->digits = p - s > 9 ? 9 : p - s;
        c->scale = s > 9 ? 9 : s;
        return 0;
    }
    if (!strcmp(t, "float") || !strcmp(t, "double")) {
        c->kind = K_REAL;
        return 0;
    }
    if (!strcmp(t, "date"))
        c->kind = K_DATE;
    else if (!strcmp(t, "datetime"))
        c->kind = K_DATETIME;
    else if (!strcmp(t, "timestamp"))
        c->kind = K_TIMESTAMP;
    else if (!strcmp(t, "time"))
        c->kind = K_TIME;
    else if (!strcmp(t, "year"))
        c->kind = K_YEAR;
    else if (col->is_json)
        c->kind = K_JSON;
    else if (!strcmp(t, "enum") || !strcmp(t, "set")) {
        c->kind = !strcmp(t, "enum") ? K_CHOICE : K_SET;
        return parse_choices(c, ct);
    } else if (!strcmp(t, "bit")) {
        c->kind = K_BIT;
        c->digits = 1;
        sscanf(ct, "bit(%d)", &c->digits);
    } else if (strstr(t, "char") || strstr(t, "text")) {
        c->kind = K_TEXT;
        long long n = col->max_chars > 0 ? col->max_chars : 64;
        c->digits = n > 64 ? 64 : (int)n;
    } else if (strstr(t, "binary") || strstr(t, "blob")) {
        c->kind = K_BYTES;
        long long n = col->max_chars > 0 ? col->max_chars : 16;
        c->digits = n > 16 ? 16 : (int)n;
    } else
        return -1;
    return 0;
}

int sl_gen_typed_init(struct sl_gen_typed *g, const struct sl_table *t, uint64_t seed,
                      int random_keys, struct sl_err *err)
{
    memset(g, 0, sizeof *g);
    g->seed = seed;
    g->random_keys = random_keys;
    g->cols = calloc(t->ncols, sizeof *g->cols);
    g->names = calloc(t->ncols, sizeof *g->names);
    if (!g->cols || !g->names) {
        sl_gen_typed_release(g);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    for (size_t i = 0; i < t->ncols; i++) {
        const struct sl_column *col = &t->cols[i];
        if (col->generated)
            continue;
        struct sl_gen_typed_col *c = &g->cols[g->ncols];
        g->names[g->ncols] = col->name;
        g->ncols++;
        for (size_t k = 0; k < t->npk; k++)
            c->is_key |= t->pk[k] == i;
        if (describe(c, col) != 0) {
            sl_gen_typed_release(g);
            return sl_err_set(err, SL_ERR_FATAL,
                              "cannot generate values for column '%s' of type %s", col->name,
                              col->column_type);
        }
        if (c->is_key && !(c->kind == K_INT || (c->kind == K_TEXT && c->digits >= 11))) {
            sl_gen_typed_release(g);
            return sl_err_set(err, SL_ERR_FATAL,
                              "cannot generate unique keys for primary key column '%s' of type %s "
                              "(an integer, or text of 11 or more characters, is needed)",
                              col->name, col->column_type);
        }
    }
    return 0;
}

static int put_key(const struct sl_gen_typed_col *c, struct sl_batch *b, size_t i, uint64_t key)
{
    if (c->kind == K_INT)
        return sl_gen_put(b, i, "%llu", (unsigned long long)key);
    if (c->kind == K_TEXT && c->digits >= 11)
        return sl_gen_put(b, i, "k%llu", (unsigned long long)key);
    return -1;
}

static int put_value(const struct sl_gen_typed_col *c, struct sl_batch *b, size_t i, uint64_t *s)
{
    uint64_t r = sl_gen_next(s);
    switch (c->kind) {
    case K_INT:
        if (c->is_unsigned)
            return sl_gen_put(b, i, "%llu",
                              (unsigned long long)(c->uhi == UINT64_MAX ? r : r % (c->uhi + 1)));
        if (c->lo == INT64_MIN)
            return sl_gen_put(b, i, "%lld", (long long)r);
        return sl_gen_put(b, i, "%lld", (long long)(c->lo + (int64_t)(r % (uint64_t)(-2 * c->lo))));
    case K_DECIMAL: {
        uint64_t lim = 1;
        for (int d = 0; d < c->digits; d++)
            lim *= 10;
        uint64_t frac_lim = 1;
        for (int d = 0; d < c->scale; d++)
            frac_lim *= 10;
        unsigned long long ip = r % lim, fp = sl_gen_next(s) % frac_lim;
        if (c->scale == 0)
            return sl_gen_put(b, i, "%llu", ip);
        return sl_gen_put(b, i, "%llu.%0*llu", ip, c->scale, fp);
    }
    case K_REAL:
        return sl_gen_put(b, i, "%.6g", (double)(r % 100000000) / 1000.0);
    case K_DATE:
        return sl_gen_put(b, i, "2026-%02d-%02d", (int)(r % 12) + 1, (int)(r / 12 % 28) + 1);
    case K_DATETIME:
    case K_TIMESTAMP:
        return sl_gen_put(b, i, "2026-%02d-%02d %02d:%02d:%02d", (int)(r % 12) + 1,
                          (int)(r / 12 % 28) + 1, (int)(r / 336 % 24), (int)(r / 8064 % 60),
                          (int)(r / 483840 % 60));
    case K_TIME:
        return sl_gen_put(b, i, "%02d:%02d:%02d", (int)(r % 24), (int)(r / 24 % 60),
                          (int)(r / 1440 % 60));
    case K_YEAR:
        return sl_gen_put(b, i, "%d", 1901 + (int)(r % 255));
    case K_JSON:
        return sl_gen_put(b, i, "{\"n\": %llu}", (unsigned long long)(r % 1000000));
    case K_CHOICE:
        return sl_gen_put(b, i, "%s", c->choices[r % c->nchoices]);
    case K_SET:
        return sl_gen_put(b, i, "%s", c->choices[r % c->nchoices]);
    case K_BIT: {
        int nbytes = (c->digits + 7) / 8;
        unsigned char v[8];
        for (int k = 0; k < nbytes; k++)
            v[k] = (unsigned char)(r >> (8 * k));
        if (c->digits % 8)
            v[0] &= (unsigned char)((1u << (c->digits % 8)) - 1);
        return sl_batch_set_cell(b, i, v, (size_t)nbytes);
    }
    case K_BYTES: {
        unsigned char v[16];
        size_t n = (size_t)(1 + r % (uint64_t)c->digits);
        for (size_t k = 0; k < n; k++)
            v[k] = (unsigned char)(sl_gen_next(s) >> 32);
        return sl_batch_set_cell(b, i, v, n);
    }
    case K_TEXT: {
        static const char letters[] = "abcdefghijklmnopqrstuvwxyz      ";
        char v[64];
        size_t n = (size_t)(1 + r % (uint64_t)c->digits);
        for (size_t k = 0; k < n; k++)
            v[k] = letters[sl_gen_next(s) % (sizeof letters - 1)];
        return sl_batch_set_cell(b, i, v, n);
    }
    }
    return -1;
}

int sl_gen_typed_row(const struct sl_gen_typed *g, uint64_t seq, struct sl_batch *b)
{
    uint64_t s = sl_gen_row_state(g->seed, seq);
    uint64_t key = sl_gen_key(g->random_keys, seq);
    int rc = 0;
    for (size_t i = 0; i < g->ncols && rc == 0; i++) {
        const struct sl_gen_typed_col *c = &g->cols[i];
        if (c->is_key)
            rc = put_key(c, b, i, key);
        else if (c->nullable && sl_gen_next(&s) % 10 == 0)
            sl_batch_set_null(b, i);
        else
            rc = put_value(c, b, i, &s);
    }
    if (rc != 0) {
        sl_batch_drop_row(b);
        return -1;
    }
    sl_batch_end_row(b, seq, 0);
    return 0;
}

void sl_gen_typed_release(struct sl_gen_typed *g)
{
    for (size_t i = 0; g->cols && i < g->ncols; i++) {
        for (size_t k = 0; k < g->cols[i].nchoices; k++)
            free(g->cols[i].choices[k]);
        free(g->cols[i].choices);
    }
    free(g->cols);
    free(g->names);
    memset(g, 0, sizeof *g);
}
