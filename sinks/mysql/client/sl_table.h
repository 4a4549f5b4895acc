/*
 * sl_table: what sluice knows about a target table, read from
 * information_schema.COLUMNS.
 *
 * Column names are the table's own spelling; sl_table_find() matches a name
 * the way MySQL does, ignoring ASCII case.
 */
#ifndef SL_TABLE_H
#define SL_TABLE_H

#include <mysql.h>
#include <stddef.h>

#include "sl_err.h"

struct sl_column {
    char *name;
    char *data_type;   /* lower case, e.g. "int", "varchar" */
    char *column_type; /* e.g. "decimal(10,2) unsigned" */
    int nullable;
    int has_default;     /* a DEFAULT, NULL-able, or auto_increment */
    char *default_value; /* the DEFAULT when it is a constant ('text' or a number), as
                            text; NULL for none, NULL itself, or an expression */
    int generated;       /* VIRTUAL or STORED generated: cannot be inserted */
    long long max_chars; /* CHARACTER_MAXIMUM_LENGTH, -1 if none */
    int is_unsigned;     /* a numeric column declared UNSIGNED */
    int is_json;         /* JSON (in MariaDB a LONGTEXT checked by json_valid()) */
    int in_unique_key;   /* part of the primary key or of a UNIQUE key */
    char charset[33];    /* CHARACTER_SET_NAME of a text column, e.g. "utf8mb4"; else "" */
};

struct sl_table {
    char *schema;
    char *name;
    struct sl_column *cols;
    size_t ncols;
    size_t *pk;         /* the primary key's columns (indexes into cols), in key order */
    size_t npk;         /* 0: the table has no primary key */
    long long est_rows; /* the server's row estimate (TABLE_ROWS), -1 if unknown */
    int clustered;      /* rows are stored in key order (InnoDB): reading them in that
                         * order costs nothing more */
};

/* Reads the columns, the primary key, which columns belong to a unique
 * key, and the row estimate of schema.name.
 * Returns 0, or -1 with err set; a missing database or table gets a message
 * saying which. */
int sl_table_describe(MYSQL *m, const char *schema, const char *name, struct sl_table *t,
                      struct sl_err *err);

/* Whether schema.name exists: 1 or 0, or -1 with err set. Reads
 * information_schema only. */
int sl_table_exists(MYSQL *m, const char *schema, const char *name, struct sl_err *err);

/* Whether schema.name holds a row: 1 or 0, or -1 with err set. Reads one
 * row at most. */
int sl_table_has_rows(MYSQL *m, const char *schema, const char *name, struct sl_err *err);

/* Reads SHOW CREATE TABLE schema.name into *show (malloc'd). Returns 0, or
 * -1 with err set. */
int sl_table_show_create(MYSQL *m, const char *schema, const char *name, char **show,
                         struct sl_err *err);

/* Returns the index of the column called name (ASCII case ignored), or -1. */
long sl_table_find(const struct sl_table *t, const char *name, size_t len);

/* True for the integer DATA_TYPEs, TINYINT to BIGINT (not BIT or YEAR). */
int sl_type_is_integer(const char *data_type);

/* True when the table's primary key is one integer column (TINYINT to
 * BIGINT, signed or not): such a table can be read in key ranges. */
int sl_table_has_integer_key(const struct sl_table *t);

/* Reads MIN() and MAX() of t's primary key's first column, as the server
 * prints them, into *min and *max (the caller frees both); both are NULL
 * when the table has no rows. Without a condition the server reads them off
 * the index at once. Returns 0, or -1 with err set. */
int sl_table_key_span(MYSQL *m, const struct sl_table *t, char **min, char **max,
                      struct sl_err *err);

/* Frees everything t holds and zeroes it. */
void sl_table_release(struct sl_table *t);

#endif
