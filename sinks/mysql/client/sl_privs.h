/*
 * sl_privs: which privileges the connected account holds on a database or a
 * table, so that a missing one is named before any work starts.
 *
 * Privileges are read from information_schema (USER_PRIVILEGES,
 * SCHEMA_PRIVILEGES with its wildcard patterns, TABLE_PRIVILEGES) for
 * CURRENT_USER(). Privileges that reach the account only through a role are
 * not seen, so a role-based account may be told a privilege is missing when
 * it is not; the statement itself then decides.
 */
#ifndef SL_PRIVS_H
#define SL_PRIVS_H

#include <mysql.h>
#include <stddef.h>

#include "sl_err.h"

/* Checks the privileges listed in need ("SELECT,INSERT", upper case, comma
 * separated) on db.table (table NULL: on the database; db NULL: global
 * only). Writes the missing ones to missing as the same kind of list ("" when
 * none). Returns the number missing, or -1 with err set. */
int sl_privs_missing(MYSQL *m, const char *db, const char *table, const char *need, char *missing,
                     size_t missing_len, struct sl_err *err);

#endif
