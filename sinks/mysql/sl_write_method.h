/*
 * sl_write_method: choosing how rows are sent (--method).
 *
 *   insert     multi-row prepared INSERTs, every value bound
 *   load-data  LOAD DATA LOCAL, streamed from memory (sl_load_data.h)
 *   bulk       MariaDB's array binding (sl_bulk.h)
 *   auto       load-data where the server and the write mode allow it
 *              (the server's local_infile is ON, and the mode is not
 *              upsert, which LOAD DATA has no form for), else bulk where
 *              the server takes it (MariaDB), else insert
 */
#ifndef SL_WRITE_METHOD_H
#define SL_WRITE_METHOD_H

#include <mysql.h>
#include <stddef.h>

#include "sl_err.h"
#include "sl_insert_plan.h"
#include "sl_mysql_writer.h"

enum sl_method_choice {
    SL_CHOOSE_INSERT,
    SL_CHOOSE_LOAD_DATA,
    SL_CHOOSE_BULK,
    SL_CHOOSE_AUTO,
};

/* The choices' names in enum order, NULL-terminated (for sl_cli_choice). */
extern const char *const sl_method_choice_names[];

/* The name of a method: "insert", "load-data" or "bulk". */
const char *sl_write_method_name(enum sl_write_method m);

/* Picks the method for choice c, rows written with verb, on server m.
 * Returns 0 with *out set and why[0..cap) saying why auto did not choose
 * load-data ("" otherwise), or -1 with err set when load-data or bulk was
 * asked for and cannot be used (the message says why). */
int sl_write_method_pick(MYSQL *m, enum sl_method_choice c, enum sl_insert_verb verb,
                         enum sl_write_method *out, char *why, size_t cap, struct sl_err *err);

#endif
