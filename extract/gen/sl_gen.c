#include "sl_gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sl_ident.h"

/* splitmix64: a small, well-mixed generator; one per row, seeded from
 * (seed, seq), so rows do not depend on each other. */
struct rng {
    uint64_t s;
};

uint64_t sl_gen_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t sl_gen_row_state(uint64_t seed, uint64_t seq)
{
    return seed * 0x9e3779b97f4a7c15ULL ^ (seq * 0xd1b54a32d192ed03ULL);
}

static uint64_t next(struct rng *r)
{
    return sl_gen_next(&r->s);
}

/* A uniform integer in [lo, hi]. */
static int64_t range(struct rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next(r) % (uint64_t)(hi - lo + 1));
}

/* Primary key of row seq: seq itself, or a bijection of [1, 2^31) onto
 * itself (multiplying by an odd number modulo 2^31 permutes the residues,
 * and keeps 0 at 0, so no key is 0). */
uint64_t sl_gen_key(int random_keys, uint64_t seq)
{
    if (!random_keys)
        return seq;
    return (seq * 0x5bd1e995ULL) & 0x7fffffffULL;
}

static const char *const narrow_cols[] = {"id", "k"};
static const char *const orders_cols[] = {"id",    "customer_id", "sku",        "qty",
                                          "price", "status",      "created_at", "note"};
static const char *const wide_cols[] = {"id",  "c01", "c02", "c03", "c04", "c05", "c06", "c07",
                                        "c08", "c09", "c10", "c11", "c12", "c13", "c14", "c15",
                                        "c16", "c17", "c18", "c19", "c20", "c21", "c22", "c23",
                                        "c24", "c25", "c26", "c27", "c28", "c29"};

static const char *const statuses[] = {"new",       "paid",     "shipped",
                                       "delivered", "returned", "cancelled"};
static const char *const words[] = {"fragile",
                                    "gift",
                                    "rush",
                                    "K\xC3\xB6ln",
                                    "na\xC3\xAFve caf\xC3\xA9",
                                    "\xE6\x9D\xB1\xE4\xBA\xAC",
                                    "leave at door",
                                    "ring twice",
                                    "\xF0\x9F\x98\x80 thanks",
                                    "size \"XL\"",
                                    "red, blue",
                                    "O'Brien"};

int sl_gen_schema_by_name(const char *name, enum sl_gen_schema *out, struct sl_err *err)
{
    if (strcmp(name, "narrow") == 0)
        *out = SL_GEN_NARROW;
    else if (strcmp(name, "orders") == 0)
        *out = SL_GEN_ORDERS;
    else if (strcmp(name, "wide") == 0)
        *out = SL_GEN_WIDE;
    else
        return sl_err_set(err, SL_ERR_FATAL,
                          "unknown schema '%s'; the schemas are narrow, orders and wide", name);
    return 0;
}

void sl_gen_init(struct sl_gen *g, enum sl_gen_schema schema, uint64_t seed, int random_keys)
{
    g->schema = schema;
    g->seed = seed;
    g->random_keys = random_keys;
    g->ncols = schema == SL_GEN_NARROW   ? 2
               : schema == SL_GEN_ORDERS ? 8
                                         : sizeof wide_cols / sizeof wide_cols[0];
}

const char *const *sl_gen_columns(const struct sl_gen *g)
{
    return g->schema == SL_GEN_NARROW   ? narrow_cols
           : g->schema == SL_GEN_ORDERS ? orders_cols
                                        : wide_cols;
}

int sl_gen_create_sql(const struct sl_gen *g, const char *table, struct sl_buf *out)
{
    if (sl_buf_puts(out, "CREATE TABLE ") != 0 || sl_ident_append(out, table, strlen(table)) != 0)
        return -1;
    switch (g->schema) {
    case SL_GEN_NARROW:
        return sl_buf_puts(out, " (id INT NOT NULL PRIMARY KEY, k INT NOT NULL DEFAULT 0)"
                                " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    case SL_GEN_ORDERS:
        return sl_buf_puts(out, " (id BIGINT NOT NULL PRIMARY KEY, customer_id INT NOT NULL,"
                                " sku VARCHAR(32) NOT NULL, qty INT NOT NULL,"
                                " price DECIMAL(10,2) NOT NULL, status VARCHAR(16) NOT NULL,"
                                " created_at DATETIME NOT NULL, note VARCHAR(255) NULL,"
                                " KEY idx_customer (customer_id))"
                                " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    case SL_GEN_WIDE:
        if (sl_buf_puts(out, " (id BIGINT NOT NULL PRIMARY KEY") != 0)
            return -1;
        for (int i = 1; i < 30; i++) {
            static const char *const types[] = {"INT NOT NULL", "DECIMAL(12,3) NOT NULL",
                                                "VARCHAR(255) NOT NULL", "DATETIME NOT NULL",
                                                "VARCHAR(64) NULL"};
            if (sl_buf_printf(out, ", c%02d %s", i, types[i % 5]) != 0)
                return -1;
        }
        return sl_buf_puts(out, ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    }
    return -1;
}

int sl_gen_put(struct sl_batch *b, size_t col, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return sl_batch_set_cell(b, col, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static int put_datetime(struct sl_batch *b, size_t col, struct rng *r)
{
    int mo = (int)range(r, 1, 12), d = (int)range(r, 1, 28), h = (int)range(r, 0, 23),
        mi = (int)range(r, 0, 59), s = (int)range(r, 0, 59);
    return sl_gen_put(b, col, "2026-%02d-%02d %02d:%02d:%02d", mo, d, h, mi, s);
}

static int put_words(struct sl_batch *b, size_t col, struct rng *r, int max_words)
{
    char tmp[256];
    size_t n = 0;
    int count = (int)range(r, 1, max_words);
    for (int i = 0; i < count; i++) {
        const char *w = words[next(r) % (sizeof words / sizeof words[0])];
        size_t len = strlen(w) + (i ? 1 : 0);
        if (n + len >= sizeof tmp)
            break;
        snprintf(tmp + n, sizeof tmp - n, "%s%s", i ? " " : "", w);
        n += len;
    }
    return sl_batch_set_cell(b, col, tmp, n);
}

int sl_gen_row(const struct sl_gen *g, uint64_t seq, struct sl_batch *b)
{
    struct rng r = {sl_gen_row_state(g->seed, seq)};
    uint64_t key = sl_gen_key(g->random_keys, seq);
    int rc = 0;
    switch (g->schema) {
    case SL_GEN_NARROW:
        rc |= sl_gen_put(b, 0, "%llu", (unsigned long long)key);
        rc |= sl_gen_put(b, 1, "%lld", (long long)range(&r, 0, 2147483647));
        break;
    case SL_GEN_ORDERS:
        rc |= sl_gen_put(b, 0, "%llu", (unsigned long long)key);
        rc |= sl_gen_put(b, 1, "%lld", (long long)range(&r, 1, 200000));
        rc |= sl_gen_put(b, 2, "SKU-%06lld", (long long)range(&r, 0, 999999));
        rc |= sl_gen_put(b, 3, "%lld", (long long)range(&r, 1, 20));
        {
            /* one draw per statement: argument order is unspecified in C */
            long long units = range(&r, 0, 99999);
            long long cents = range(&r, 0, 99);
            rc |= sl_gen_put(b, 4, "%lld.%02lld", units, cents);
        }
        rc |= sl_gen_put(b, 5, "%s", statuses[next(&r) % 6]);
        rc |= put_datetime(b, 6, &r);
        if (next(&r) % 10 == 0)
            sl_batch_set_null(b, 7);
        else
            rc |= put_words(b, 7, &r, 4);
        break;
    case SL_GEN_WIDE:
        rc |= sl_gen_put(b, 0, "%llu", (unsigned long long)key);
        for (size_t c = 1; c < 30 && rc == 0; c++) {
            switch (c % 5) {
            case 0:
                rc |= sl_gen_put(b, c, "%lld", (long long)range(&r, -1000000, 1000000));
                break;
            case 1: {
                long long units = range(&r, 0, 99999999);
                long long frac = range(&r, 0, 999);
                rc |= sl_gen_put(b, c, "%lld.%03lld", units, frac);
            } break;
            case 2:
                rc |= put_words(b, c, &r, 14);
                break;
            case 3:
                rc |= put_datetime(b, c, &r);
                break;
            default:
                if (next(&r) % 4 == 0)
                    sl_batch_set_null(b, c);
                else {
                    unsigned long long h[4];
                    for (int i = 0; i < 4; i++)
                        h[i] = next(&r);
                    rc |= sl_gen_put(b, c, "%016llx%016llx%016llx%016llx", h[0], h[1], h[2], h[3]);
                }
            }
        }
        break;
    }
    if (rc != 0) {
        sl_batch_drop_row(b);
        return -1;
    }
    sl_batch_end_row(b, seq, 0);
    return 0;
}
