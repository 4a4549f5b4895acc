/*
 * sl_pg_conn: connections to a PostgreSQL server, and the URL that names one.
 *
 *   postgresql://[user[:password]@]host[:port]/db[/[schema.]table][?param=value&...]
 *
 * (postgres:// too). Parameters: schema (default public), host (a unix
 * socket directory, which wins over the URL's host), and sslmode,
 * sslrootcert, sslcert, sslkey as libpq takes them (sslmode up to
 * verify-full). What the URL leaves out, libpq fills in by PostgreSQL's own
 * conventions: PGHOST, PGUSER, PGSSLMODE, ...; a password comes from the
 * URL, then SLUICE_<OPTION>_PASSWORD (how `sluice run` passes one), then
 * PGPASSWORD or ~/.pgpass (PGPASSFILE). No password is ever printed.
 *
 * Every session is set up alike: UTF-8, time zone UTC (so timestamptz
 * reads as UTC), ISO dates, bytea as hex, and floats in their shortest
 * exact form.
 */
#ifndef SL_PG_CONN_H
#define SL_PG_CONN_H

#include <libpq-fe.h>

#include "sl_err.h"

struct sl_pg_target {
    char *user, *password, *host, *port, *db;
    char *schema; /* the schema to read (default "public") */
    char *table;  /* NULL, or the one table the URL names */
    char *sslmode, *sslrootcert, *sslcert, *sslkey;
    char shown[600]; /* the URL with any password masked */
};

/* Parses url. option names the command-line option it came from ("from"),
 * for the password's environment variable. Returns 0, or -1 with err set
 * (the URL is shown only by its scheme when it does not parse). */
int sl_pg_target_parse(struct sl_pg_target *t, const char *url, const char *option,
                       struct sl_err *err);

/* Frees what t holds. */
void sl_pg_target_release(struct sl_pg_target *t);

/* Connects and sets the session up. Returns the connection, or NULL with
 * err set (naming the server; an authentication failure says where a
 * password was looked for). */
PGconn *sl_pg_connect(const struct sl_pg_target *t, struct sl_err *err);

/* Runs sql, which returns no rows. Returns 0, or -1 with err set to the
 * server's message. */
int sl_pg_exec(PGconn *c, const char *sql, struct sl_err *err);

/* Runs sql with text parameters and returns its rows (free with PQclear),
 * or NULL with err set. */
PGresult *sl_pg_query(PGconn *c, const char *sql, int nparams, const char *const *params,
                      struct sl_err *err);

/* Appends name as a quoted PostgreSQL identifier ("a""b") to out (cap
 * bytes). Returns 0, or -1 when it does not fit. */
int sl_pg_quote_ident(const char *name, char *out, size_t cap);

#endif
