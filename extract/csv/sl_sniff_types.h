/*
 * sl_sniff_types: what MySQL type a column's values fit, learned one value
 * at a time.
 *
 * A column starts out able to be every type; each value rules out the types
 * it does not fit (the first value that ruled out each one is kept, with
 * its line, as evidence). At the end the narrowest type still standing is
 * chosen, with headroom:
 *   BOOLEAN      true/false, yes/no, t/f, y/n (any case)
 *   integers     TINYINT .. BIGINT, UNSIGNED when no value is negative, wide
 *                enough for ten times the largest magnitude seen; a value
 *                with a leading zero (007, a ZIP code) is text, not a number
 *   DECIMAL(p,s) s the most decimals seen, p one digit more than needed
 *   DOUBLE       exponents, or more than 65 digits
 *   DATE, DATETIME, TIMESTAMP (a zone was given), TIME: ISO forms and
 *                d/m/Y, m/d/Y, d.m.Y, d-m-Y, Y/m/d, with the format seen
 *   JSON         every value a JSON object or array
 *   CHAR(n)      short codes of one length; VARCHAR(n) with half again of
 *                the longest value as headroom, rounded up; TEXT past 4096
 * An empty field, \N, NULL, null, N/A, n/a, NA, - and None count as no value;
 * the tokens other than the empty field and \N are named, so that a load
 * can be told to read them as NULL.
 */
#ifndef SL_SNIFF_TYPES_H
#define SL_SNIFF_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* The candidate types, narrowest first. */
enum sl_sniff_kind {
    SL_SNIFF_BOOL,
    SL_SNIFF_INT,
    SL_SNIFF_DECIMAL,
    SL_SNIFF_DOUBLE,
    SL_SNIFF_DATE,
    SL_SNIFF_DATETIME,
    SL_SNIFF_TIME,
    SL_SNIFF_JSON,
    SL_SNIFF_TEXT, /* CHAR, VARCHAR or TEXT: always fits */
    SL_SNIFF_NKINDS,
};

/* The first value that ruled a kind out. */
struct sl_sniff_miss {
    uint64_t line;   /* 0 when not known (a sample from the middle or the end) */
    uint64_t offset; /* byte offset of its record */
    char value[48];  /* the value, cut short and NUL-terminated */
};

struct sl_sniff_col {
    uint64_t values;                            /* non-null values seen */
    uint64_t nulls;                             /* empty fields and null tokens */
    unsigned null_tokens;                       /* bit i: sl_sniff_null_token(i) was seen */
    uint64_t fits[SL_SNIFF_NKINDS];             /* values each kind fits */
    unsigned alive;                             /* bit k: every value so far fits kind k */
    struct sl_sniff_miss miss[SL_SNIFF_NKINDS]; /* what first ruled each kind out */
    int64_t min, max;                           /* integers */
    int int_overflow;                           /* an integer beyond 64 bits */
    unsigned int_digits, frac_digits;           /* decimals */
    unsigned date_formats, datetime_formats;    /* bit f: format f fits every value */
    int has_seconds, has_zone, t_separator;
    unsigned frac_seconds;       /* most fractional-second digits */
    size_t min_chars, max_chars; /* lengths in characters */
};

/* Starts a column with every kind alive. */
void sl_sniff_col_init(struct sl_sniff_col *c);

/* Adds one value, of the record at line (0: unknown) and byte offset. */
void sl_sniff_col_add(struct sl_sniff_col *c, const char *v, size_t len, uint64_t line,
                      uint64_t offset);

/* Is v a date, a datetime or a time, in one of the forms above? */
int sl_sniff_is_temporal(const char *v, size_t len);

/* The kind chosen: the narrowest alive (TEXT when nothing else is). A column
 * with no values at all is TEXT. */
enum sl_sniff_kind sl_sniff_col_kind(const struct sl_sniff_col *c);

/* Writes the column's MySQL type ("INT UNSIGNED", "DECIMAL(7,2)",
 * "VARCHAR(48)", ...) into out. */
void sl_sniff_col_type(const struct sl_sniff_col *c, char *out, size_t cap);

/* Writes the strptime format the column's dates or datetimes were seen in
 * into out and returns 1, or returns 0 for a kind without one. *iso is set
 * for the ISO forms, which MySQL reads as they are. */
int sl_sniff_col_format(const struct sl_sniff_col *c, char *out, size_t cap, int *iso);

/* True when the values fit more than one date format (no day above 12 told
 * d/m/Y from m/d/Y); the first is the one chosen. */
int sl_sniff_col_ambiguous(const struct sl_sniff_col *c);

/* The i-th null token ("NULL", "N/A", ...), or NULL past the last. */
const char *sl_sniff_null_token(unsigned i);

/* The kind's name, for messages ("integer", "date", ...). */
const char *sl_sniff_kind_name(enum sl_sniff_kind k);

#endif
