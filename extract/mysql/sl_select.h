/*
 * sl_select: reads the rows of a SELECT as they arrive from the server and
 * formats each one as a CSV record.
 *
 * The result is read with mysql_use_result(): rows come off the socket one at
 * a time and are never collected on the client, so memory stays flat however
 * many rows there are, and a slow consumer only makes the server wait (the
 * session's net_write_timeout bounds how long).
 *
 * Values arrive in the server's own text form (the text protocol), so
 * DECIMAL, FLOAT, DOUBLE, dates and times read back exactly as the server
 * prints them. Binary values (BINARY, VARBINARY, BLOB, BIT, GEOMETRY) are
 * written as hex digits unless raw output is asked for; see sl_hex.h.
 *
 * FLOAT is the exception: the server prints it with 6 significant digits,
 * which does not always read back as the same value. A caller that selects a
 * FLOAT column as CAST(col AS DOUBLE) and marks it in as_float gets the
 * shortest text that reads back as exactly that FLOAT (0.1 stays 0.1; 1/7
 * becomes 0.14285715).
 */
#ifndef SL_SELECT_H
#define SL_SELECT_H

#include <mysql.h>

#include "sl_buf.h"
#include "sl_err.h"

struct sl_select {
    MYSQL *m;
    MYSQL_RES *res; /* NULL once the rows are all read */
    unsigned ncols;
    unsigned char *kind; /* per column: SL_SELECT_TEXT, _HEX or _FLOAT */
};

enum { SL_SELECT_TEXT, SL_SELECT_HEX, SL_SELECT_FLOAT };

/* Sends sql on m and starts reading its rows. binary_hex = 1 writes binary
 * columns as hex. as_float is NULL, or per column 1 for a FLOAT column read
 * as a DOUBLE (see above). Returns 0, or -1 with err set (a query error names
 * the server's message). */
int sl_select_start(struct sl_select *s, MYSQL *m, const char *sql, int binary_hex,
                    const unsigned char *as_float, struct sl_err *err);

/* The columns a statement returns, as the server describes them without
 * running it (a prepared statement's result metadata). */
struct sl_select_cols {
    char **names;
    unsigned char *binary; /* per column: its values are bytes, not text */
    size_t n;
};

/* Describes the columns sql returns on m without reading any row. Returns
 * 0, or -1 with err set: "query failed: " and the server's message, or a
 * statement that returns no rows. Release cols with
 * sl_select_cols_release(). */
int sl_select_describe(MYSQL *m, const char *sql, struct sl_select_cols *cols, struct sl_err *err);

/* Frees what cols holds. */
void sl_select_cols_release(struct sl_select_cols *cols);

/* Writes the shortest decimal text that reads back (strtof) as the FLOAT
 * nearest to the number in text, into out (at least 32 bytes). Returns its
 * length, or -1 if text is not a number. */
int sl_select_float_text(const char *text, size_t len, char *out);

/* Appends the column names as one CSV record to out. Returns 0 or -1 (out is
 * full). */
int sl_select_header(const struct sl_select *s, struct sl_buf *out);

/* Appends the next row as one CSV record (ending in LF) to out. Returns 1 for
 * a row, 0 at the end of the rows, or -1 with err set: a lost connection or a
 * query killed half-way is an error, never a silent end. */
int sl_select_next(struct sl_select *s, struct sl_buf *out, struct sl_err *err);

/* The next row as the server sent it: (*vals)[i] is column i's text
 * (NULL for SQL NULL), (*lens)[i] its length; both stay valid until the
 * next call. Returns 1 for a row, 0 at the end, or -1 with err set, as
 * sl_select_next. For readers that bind values themselves (copy). */
int sl_select_next_raw(struct sl_select *s, char ***vals, unsigned long **lens, struct sl_err *err);

/* Frees the result. Rows not yet read are read and dropped first, so a caller
 * stopping early on a large result should close or kill the connection
 * instead of waiting here. */
void sl_select_end(struct sl_select *s);

#endif
