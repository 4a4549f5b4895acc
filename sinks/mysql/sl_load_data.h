/*
 * sl_load_data: rows written with LOAD DATA LOCAL INFILE, streamed from
 * memory (the write method load-data).
 *
 * The rows go to the server in one canonical form that it parses cheaply
 * and that cannot be misread, whatever the values hold:
 *
 *   LOAD DATA LOCAL INFILE 'sluice-stream' [IGNORE | REPLACE]
 *     INTO TABLE `db`.`t` CHARACTER SET utf8mb4
 *     FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'
 *     (`c1`, `c2`, ...)
 *
 * each row a line, its fields separated by tabs, NULL written \N, and a
 * backslash, tab, newline or NUL inside a value escaped (\\ \t \n \0). The
 * statement's text is fixed: the values travel only in the stream, which
 * the server reads from the one buffer offered (sl_local_infile.h).
 *
 * The server reports a value it refused or changed only as a warning that
 * names the row's line, and skips a row whose key is taken (counted in the
 * statement's info); the writer (sl_mysql_writer.h) reads both.
 */
#ifndef SL_LOAD_DATA_H
#define SL_LOAD_DATA_H

#include <mysql.h>
#include <stdint.h>

#include "sl_batch.h"
#include "sl_buf.h"
#include "sl_err.h"
#include "sl_insert_plan.h"

/* Appends the statement for t to out (the verbs insert, ignore and replace;
 * an upsert has no LOAD DATA form). Returns 0, or -1 (a bad name, out full,
 * or the verb is SL_VERB_UPSERT). */
int sl_load_data_sql(struct sl_buf *out, const struct sl_insert_target *t);

/* Appends row `row` of b to out as one line of the stream; kinds (per
 * column, or NULL) say how its cells hold values. Returns 0, or -1 when out
 * is full. */
int sl_load_data_row(struct sl_buf *out, const struct sl_batch *b, size_t row,
                     const enum sl_value_kind *kinds, size_t ncols);

/* What the server said of one LOAD DATA statement. */
struct sl_load_data_result {
    uint64_t affected; /* rows inserted, plus rows deleted by REPLACE */
    uint64_t skipped;  /* rows not inserted because their key was taken */
    unsigned warnings;
};

/* Runs sql on m with the len bytes at data as its stream. Returns 0 with
 * *res set, or -1 with err set (a refused request for another file names
 * it). */
int sl_load_data_exec(MYSQL *m, const char *sql, const char *data, size_t len,
                      struct sl_load_data_result *res, struct sl_err *err);

#endif
