/*
 * sl_sniff_render: what `sluice sniff` prints about a sniffed file, in each
 * of its forms, and the CREATE TABLE that `load --create-table` runs.
 *
 *   text    the dialect and the columns as a table, with how sure each
 *           choice is and the records and values that argued against it
 *   json    the same as one JSON object
 *   create  a CREATE TABLE statement for the columns
 *   job     a [step] of a job file that pins the dialect and adds the
 *           transforms the values need (null-if for null tokens, date for
 *           dates in a form MySQL does not read, bool for yes/no columns)
 */
#ifndef SL_SNIFF_RENDER_H
#define SL_SNIFF_RENDER_H

#include <stdio.h>

#include "sl_buf.h"
#include "sl_sniff_file.h"

enum sl_sniff_format {
    SL_SNIFF_OUT_TEXT,
    SL_SNIFF_OUT_JSON,
    SL_SNIFF_OUT_CREATE,
    SL_SNIFF_OUT_JOB,
};

struct sl_sniff_render_opts {
    const char *path;  /* the file, as given */
    const char *table; /* table name; NULL: from the file name */
    const char *into;  /* job: the into = value; NULL: db/<table> */
};

/* The table name a file suggests: its base name without .zst, .gz, .csv,
 * .tsv or .txt, as letters, digits and '_'. Writes it into out. */
void sl_sniff_table_name(const char *path, char *out, size_t cap);

/* Appends CREATE TABLE `table` (...) for f's columns to b (table may be
 * db-qualified as "db.table", split at the first dot). Returns 0 or -1. */
int sl_sniff_create_sql(const struct sl_sniff_file *f, const char *schema, const char *table,
                        struct sl_buf *b);

/* How sure the column's type is: "high", "medium" or "low". */
const char *sl_sniff_col_confidence(const struct sl_sniff_col *c);

/* Prints f in the given form. Returns 0, or -1 when out of memory. */
int sl_sniff_render(FILE *out, const struct sl_sniff_file *f, enum sl_sniff_format fmt,
                    const struct sl_sniff_render_opts *o);

#endif
