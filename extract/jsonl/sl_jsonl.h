/*
 * sl_jsonl: one line of JSON Lines (a MongoDB mongoexport document, in
 * Extended JSON v2) turned into the values of a row.
 *
 * Either the whole line is the one value (for a JSON column), or the
 * document's top-level fields named in the map are, in the map's order; a
 * field the document lacks is NULL. A field's value becomes text as MySQL
 * reads it:
 *   string            its text, escapes resolved
 *   number            its digits exactly as written
 *   true, false       1, 0
 *   null              NULL
 *   {"$oid": h}       h (24 hex digits: a CHAR(24))
 *   {"$date": ...}    an ISO 8601 time (any zone) or {"$numberLong": ms}, as
 *                     a UTC DATETIME(6): 2026-12-06 10:00:00.000000
 *   {"$numberLong"|"$numberInt"|"$numberDecimal"|"$numberDouble": s}  s
 *   {"$binary": {"base64": b, "subType": t}} (or the v1 form) the bytes of
 *                     b as hex digits, as `load --binary hex` reads them
 *   {"$uuid": s}      s
 *   any other object, and arrays: the JSON text as it stands
 * A line that is not one JSON value, or (when fields are mapped) not an
 * object, is a bad row whose reason names the byte and the fault.
 */
#ifndef SL_JSONL_H
#define SL_JSONL_H

#include <stddef.h>

#include "sl_buf.h"
#include "sl_err.h"
#include "sl_json_scan.h"

/* Which fields of each document make the row. */
struct sl_jsonl_map {
    char **fields; /* top-level field names, in row order */
    size_t n;
    int whole; /* the whole line is the row's one value (n is 1) */
};

/* Builds a map from spec, "field[=column],...": each top-level field goes to
 * the column of its own name, or to the one named after '='. *columns gets
 * the column list ("a,b,c", malloc'd) for the load's mapping. Returns 0, or
 * -1 with err set (an empty name, or a field named twice). */
int sl_jsonl_map_parse(const char *spec, struct sl_jsonl_map *m, char **columns,
                       struct sl_err *err);

/* Frees what a map holds. */
void sl_jsonl_map_release(struct sl_jsonl_map *m);

/* A value of the row: bytes in the destination buffer, or NULL. */
struct sl_jsonl_value {
    size_t off, len;
    int is_null;
};

/* Turns line[0..len) (no line end) into m->n values appended to dest;
 * out must hold m->n. scratch holds the document's top-level members while
 * they are looked up (only the first nscratch are). Returns 0, or -1 with
 * why set (naming the byte of the line at fault; a full dest says "too
 * large"). */
int sl_jsonl_row(const char *line, size_t len, const struct sl_jsonl_map *m,
                 struct sl_json_member *scratch, size_t nscratch, struct sl_buf *dest,
                 struct sl_jsonl_value *out, char *why, size_t whycap);

#endif
