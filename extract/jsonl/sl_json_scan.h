/*
 * sl_json_scan: checks that bytes are one JSON value (RFC 8259) and hands
 * back the members of a top-level object as spans of the original bytes.
 *
 * Why not cJSON, which sluice links for its reports: cJSON turns every
 * number into a double, so an integer past 2^53 or a long decimal would be
 * changed on its way into a BIGINT or DECIMAL column; and it cannot say at
 * which byte a document is broken. This scanner keeps each value's bytes as
 * they were, and names the byte and the reason of a fault.
 *
 * Rules: UTF-8 only (a byte order mark is not JSON), strings without raw
 * control bytes, \u escapes with their surrogates paired, numbers in the
 * JSON grammar (no leading zeros, no NaN), nesting at most 512 deep, and
 * nothing but whitespace after the value.
 */
#ifndef SL_JSON_SCAN_H
#define SL_JSON_SCAN_H

#include <stddef.h>

#include "sl_buf.h"

enum sl_json_kind {
    SL_JSON_NULL,
    SL_JSON_FALSE,
    SL_JSON_TRUE,
    SL_JSON_NUMBER,
    SL_JSON_STRING,
    SL_JSON_ARRAY,
    SL_JSON_OBJECT,
};

/* A member of the top-level object: spans into the scanned bytes. */
struct sl_json_member {
    const char *key; /* the key's bytes between its quotes, still escaped */
    size_t key_len;
    enum sl_json_kind kind;
    const char *val; /* the value's bytes (a string's with its quotes) */
    size_t val_len;
};

/* What went wrong, for a message: "byte N: reason". */
struct sl_json_fault {
    size_t offset;
    const char *why; /* a static string */
};

/* Scans text[0..len). Returns 0 with *kind set (and, for an object, up to
 * max of its members in members[], their count in *nmembers; a member past
 * max is checked but not kept), or -1 with *fault set. members may be NULL
 * when max is 0. */
int sl_json_scan(const char *text, size_t len, enum sl_json_kind *kind,
                 struct sl_json_member *members, size_t max, size_t *nmembers,
                 struct sl_json_fault *fault);

/* Appends the text of a string value (val with its quotes, as scanned) to
 * out as UTF-8, escapes resolved. Returns 0, or -1 when out is full. */
int sl_json_unescape(const char *val, size_t len, struct sl_buf *out);

/* Does the (escaped) key equal name? */
int sl_json_key_is(const struct sl_json_member *m, const char *name);

#endif
