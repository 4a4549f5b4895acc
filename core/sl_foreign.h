/*
 * sl_foreign: a source database that is not MySQL (PostgreSQL, SQLite), as
 * the cross-engine copy sees it.
 *
 * Each such source is one folder under extract/ that fills in one struct
 * sl_foreign_ops. It describes its tables in MySQL's terms (struct
 * sl_ftable: every column with the MySQL type it becomes, per the mapping
 * in docs/type-mapping.md), and reads them through a struct sl_source_ops
 * in one consistent state of the source, the values already in the text
 * MySQL takes for that type. A value the target type cannot hold (NaN into
 * DECIMAL, a BC date) is a bad row with its key and reason, never a silent
 * change. Each reader sums up the rows it hands on per key range
 * (sl_canon.h), so that the copy can be compared with the target without
 * reading the source twice.
 */
#ifndef SL_FOREIGN_H
#define SL_FOREIGN_H

#include <stddef.h>
#include <stdint.h>

#include "sl_canon.h"
#include "sl_err.h"
#include "sl_key_ranges.h"
#include "sl_source_ops.h"

/* Limits the mappings share: the longest VARCHAR of utf8mb4 that fits
 * MySQL's 65,535-byte row, and what a text or binary column in a key
 * becomes, since InnoDB keys hold 3,072 bytes (768 utf8mb4 characters). */
#define SL_FOREIGN_MAX_VARCHAR   16383
#define SL_FOREIGN_KEY_VARCHAR   768
#define SL_FOREIGN_KEY_VARBINARY 3072

/* What a reader checks or changes in a value on its way to MySQL. */
enum sl_fconv {
    SL_FCONV_TEXT,     /* as it is */
    SL_FCONV_DECIMAL,  /* NaN and ±Infinity are refused, and digits past the target's
                          DECIMAL(p,s) (prec, scale) */
    SL_FCONV_FLOAT,    /* NaN and ±Infinity are refused */
    SL_FCONV_FLOAT32,  /* as SL_FCONV_FLOAT, into MySQL's FLOAT: sent as the exact value
                          of the 32-bit float (see sl_pg_copy.c) */
    SL_FCONV_TEMPORAL, /* ±infinity and BC dates are refused */
    SL_FCONV_HEX,      /* PostgreSQL's bytea text (\x and hex digits) becomes its bytes */
    SL_FCONV_BOOL,     /* t/f, true/false, 1/0 become 1 or 0 */
};

/* One column of a source table and what it becomes in MySQL. */
struct sl_fcol {
    char *name;
    char *src_type;     /* as the source writes it: "numeric(12,2)", "integer[]" */
    char *src_base;     /* the name --type-map matches: "numeric", "timestamptz" */
    char *mysql_type;   /* its MySQL type: "DECIMAL(12,2)" */
    char *select;       /* the source expression that reads it (a cast, to_json(...)) */
    enum sl_fconv conv; /* what the reader does to its values */
    int prec, scale;    /* SL_FCONV_DECIMAL: the target's digits; prec 0: no limit */
    int not_null;
    int auto_increment;
    char *default_sql; /* the DEFAULT clause's value as MySQL SQL (a quoted literal or a
                          number), or NULL */
    char *problem;     /* why the column cannot be copied (a numeric of 70 digits), or
                          NULL; the copy refuses before any row moves */
};

/* An index or unique key over plain columns. */
struct sl_findex {
    char *name;
    int unique;
    size_t *cols; /* into sl_ftable.cols */
    size_t ncols;
};

struct sl_ftable {
    char *schema; /* NULL where the source has none (SQLite) */
    char *name;
    char *from; /* how the source's SQL names it, quoted */
    struct sl_fcol *cols;
    size_t ncols;
    size_t *pk; /* primary key columns; npk 0: none */
    size_t npk;
    long key; /* the integer column key ranges split on, or -1: read as one stream */
    struct sl_findex *idx;
    size_t nidx;
    char **notes; /* what MySQL cannot express and is left out, one line each */
    size_t nnotes;
    long long est_rows; /* the source's estimate, or -1 */
};

/* The foreign source a URL names by its scheme: "postgresql" for
 * postgresql:// and postgres://, "sqlite" for sqlite://, or NULL (a mysql://
 * URL, or anything else). */
const char *sl_foreign_scheme(const char *url);

/* Frees everything t holds and zeroes it. */
void sl_ftable_release(struct sl_ftable *t);

/* Adds a note to t (printf-style). Returns 0 or -1 (out of memory). */
int sl_ftable_note(struct sl_ftable *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets *slot to a new string made by fmt (printf-style), freeing the old
 * one. Returns 0, or -1 when out of memory (*slot is then NULL). */
int sl_foreign_setf(char **slot, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A source column's default as MySQL SQL, when it is a constant: true or
 * false (1, 0), a number (perhaps in parentheses), or a quoted string
 * ('' inside for a quote; a ::type after it, as PostgreSQL writes, is
 * dropped), which becomes a MySQL string literal. Sets *out (malloc'ed) to
 * it, or to NULL when expr is anything else (a function, an expression).
 * Returns 0, or -1 when out of memory. */
int sl_foreign_default(const char *expr, char **out);

/* Frees n names and the array. */
void sl_foreign_names_free(char **v, size_t n);

/* Keeps of all (nall names, taken over and freed) those that match filter,
 * a comma list of names and globs, into *names and *n. Returns 0, or -1
 * with err set when an item matches no name. */
int sl_foreign_filter(char **all, size_t nall, const char *filter, char ***names, size_t *n,
                      struct sl_err *err);

/* One table as the readers read it. */
struct sl_funit {
    const struct sl_ftable *t;
    const char *name;                   /* for messages: "public.orders" */
    const char *where;                  /* a condition in the source's SQL, or "" */
    const struct sl_key_ranges *ranges; /* over column t->key, or one range */
    const enum sl_canon *canon;         /* per column: how its values are summed */
    struct sl_canon_sum *sums;          /* per range: filled in by the reader that read it */
};

/* A split: range `range` of unit `unit`. */
struct sl_fsplit {
    size_t unit;
    uint64_t range;
};

struct sl_foreign_ops {
    const char *name;     /* "postgresql", "sqlite" */
    unsigned max_readers; /* the most readers its consistent state allows; 0: no limit */
    /* Opens the source named by url (the password, where the URL has none,
     * comes from the environment variable for `option`, then the source's
     * own conventions) and starts the one consistent state that every
     * reader will see. Returns 0, or -1 with err set. */
    int (*open)(const char *url, const char *option, void **h, struct sl_err *err);
    /* The URL with any password hidden, for messages and reports. */
    const char *(*shown)(void *h);
    /* The table the URL names, or NULL when it names a schema or file. */
    const char *(*url_table)(void *h);
    /* Lists the tables to copy: the URL's table, or those of its schema
     * (every one, or those matching the comma list of names and globs in
     * filter). *names is malloc'ed, each name too. Returns 0, or -1 with err
     * set (a missing schema or table is an error). */
    int (*list)(void *h, const char *filter, char ***names, size_t *n, struct sl_err *err);
    /* Describes one table in MySQL's terms. Returns 0, or -1 with err set. */
    int (*describe)(void *h, const char *name, struct sl_ftable *t, struct sl_err *err);
    /* The smallest and largest value of t->key under where ("" for none),
     * as decimal text (malloc'ed), or both NULL when no row matches.
     * Returns 0, or -1 with err set. */
    int (*key_span)(void *h, const struct sl_ftable *t, const char *where, char **min, char **max,
                    struct sl_err *err);
    /* Makes the source of nreaders readers over units and splits (which
     * must outlive it), each reader on a connection of its own in the
     * state open() started. Read it with *ops. keep_raw: keep each row as
     * read, for the rejects file. Returns 0, or -1 with err set. */
    int (*reader_source)(void *h, const struct sl_funit *units, size_t nunits,
                         const struct sl_fsplit *splits, uint64_t nsplits, unsigned nreaders,
                         int keep_raw, void **source, const struct sl_source_ops **ops,
                         struct sl_err *err);
    /* Frees what reader_source made, once the engine is done with it. */
    void (*reader_source_free)(void *source);
    /* Ends the consistent state and closes everything. */
    void (*close)(void *h);
};

#endif
