/*
 * sl_transform: per-column chains of value transforms, run by the reader
 * threads between parsing a record and checking it against the table.
 *
 * A spec (--transform, or `transform =` in a job) holds one chain per
 * column, chains separated by ';' or a newline, steps by '|':
 *
 *   price: strip '$,' | decimal ; created_at: date '%d/%m/%Y %H:%M' ;
 *   note: trim | null-if ''
 *
 * The column is named as the file names it (header or --columns). An
 * argument is a word or a '...' string ('' inside one is a quote). Steps:
 *
 *   rename 'col'     the field goes to table column col (mapping only)
 *   const 'v'        the value is v, whatever it was
 *   default 'v'      an empty or NULL value becomes v
 *   null-if 'x'      a value equal to x becomes NULL
 *   trim             spaces, tabs, CR and LF are removed at both ends
 *   upper, lower     letters change case (UTF-8 aware)
 *   strip 'chars'    every occurrence of each of these characters is removed
 *   decimal          a decimal number that fits the column's DECIMAL(p,s)
 *                    without rounding
 *   date 'format'    parsed with strptime(3), written as MySQL's DATETIME
 *                    (or DATE, for a DATE column)
 *   bool             yes/no, true/false, y/n, t/f, on/off, 1/0 -> 1 or 0
 *   hex, base64      decoded to bytes
 *
 * NULL passes through every step except const and default. A chain on a
 * column that the files lack adds that column, fed NULL (so const and
 * default give it a value). A value a step cannot convert is a bad row whose
 * reason starts with the step's name.
 */
#ifndef SL_TRANSFORM_H
#define SL_TRANSFORM_H

#include <locale.h>
#include <stddef.h>

#include "sl_buf.h"
#include "sl_err.h"
#include "sl_table.h"

enum sl_tf_kind {
    SL_TF_RENAME,
    SL_TF_CONST,
    SL_TF_DEFAULT,
    SL_TF_NULL_IF,
    SL_TF_TRIM,
    SL_TF_UPPER,
    SL_TF_LOWER,
    SL_TF_STRIP,
    SL_TF_DECIMAL,
    SL_TF_DATE,
    SL_TF_BOOL,
    SL_TF_HEX,
    SL_TF_BASE64,
};

struct sl_tf_step {
    enum sl_tf_kind kind;
    char *arg; /* NUL-terminated, or NULL for steps without one */
    size_t arg_len;
};

struct sl_tf_chain {
    char *column; /* as the spec names it */
    struct sl_tf_step *steps;
    size_t n;
    /* set by sl_transforms_bind(): */
    const struct sl_column *target;
    int precision, scale; /* the target's DECIMAL(p,s), for decimal */
    int date_only;        /* the target is a DATE */
    int decodes;          /* the chain ends in bytes (hex or base64), not text */
};

struct sl_transforms {
    struct sl_tf_chain *v;
    size_t n;
    locale_t utf8; /* for upper and lower; (locale_t)0 when unavailable */
};

/* Parses spec and appends its chains to t (zeroed before the first call).
 * A column given a chain twice, an unknown step, or a missing or extra
 * argument is refused. Returns 0, or -1 with err quoting the spec's piece. */
int sl_transforms_parse(struct sl_transforms *t, const char *spec, struct sl_err *err);

/* The table column that rename maps a file column to, or NULL. */
const char *sl_transforms_rename(const struct sl_transforms *t, const char *name, size_t len);

/* The chain for a file column (ASCII case ignored), or NULL. */
const struct sl_tf_chain *sl_transforms_find(const struct sl_transforms *t, const char *name,
                                             size_t len);

/* Ties chain c to its target column (decimal needs a numeric column, date a
 * date or time column) and sets what the chain yields. Returns 0, or -1
 * with err set. */
int sl_transforms_bind(struct sl_transforms *t, struct sl_tf_chain *c, const struct sl_column *col,
                       struct sl_err *err);

/* A value going through a chain. */
struct sl_tf_value {
    const char *p;
    size_t len;
    int null;
};

/* Scratch space of one thread for sl_tf_apply(). */
struct sl_tf_work {
    struct sl_buf buf[2];
};

/* Sets up w; no value may grow past max_value bytes. */
void sl_tf_work_init(struct sl_tf_work *w, size_t max_value);

/* Frees w's buffers. */
void sl_tf_work_release(struct sl_tf_work *w);

/* Runs chain c over *v in place: afterwards v points at the result, which
 * lives in the input, in the chain's arguments or in w, and stays valid
 * until w is used again. Returns 0, or -1 with the reason in why (it starts
 * with the step's name). Thread-safe with a w per thread: t and c are only
 * read. */
int sl_tf_apply(const struct sl_transforms *t, const struct sl_tf_chain *c, struct sl_tf_value *v,
                struct sl_tf_work *w, char *why, size_t whylen);

/* Frees everything t holds and zeroes it. */
void sl_transforms_release(struct sl_transforms *t);

#endif
