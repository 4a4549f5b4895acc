/*
 * PostgreSQL URLs, connections and their session: see sl_pg_conn.h.
 */
#include "sl_pg_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_url.h"

static const char *const params[] = {"schema",  "host",   "sslmode", "sslrootcert",
                                     "sslcert", "sslkey", NULL};

static int dup_into(char **to, const char *s)
{
    if (!s)
        return 0;
    *to = strdup(s);
    return *to ? 0 : -1;
}

int sl_pg_target_parse(struct sl_pg_target *t, const char *url, const char *option,
                       struct sl_err *err)
{
    memset(t, 0, sizeof *t);
    const char *scheme = strncmp(url, "postgres://", 11) == 0 ? "postgres://" : "postgresql://";
    char *values[7] = {0};
    struct sl_url_params extra = {params, values};
    struct sl_url u;
    if (sl_url_parse_as(&u, url, scheme, &extra, err) != 0) {
        for (int i = 0; params[i]; i++)
            free(values[i]);
        return -1;
    }
    char port[16] = "";
    if (u.port)
        snprintf(port, sizeof port, "%u", u.port);
    sl_url_format_as(&u, scheme, t->shown, sizeof t->shown);
    int rc = dup_into(&t->user, u.user) | dup_into(&t->password, u.password) |
             dup_into(&t->host, values[1] ? values[1] : u.host) |
             dup_into(&t->port, port[0] ? port : NULL) | dup_into(&t->db, u.db);
    t->sslmode = values[2];
    t->sslrootcert = values[3];
    t->sslcert = values[4];
    t->sslkey = values[5];
    free(values[1]);
    /* /db/schema.table or /db/table?schema=... */
    char *dot = u.table ? strchr(u.table, '.') : NULL;
    if (dot && values[0]) {
        sl_url_release(&u);
        free(values[0]);
        sl_pg_target_release(t);
        return sl_err_set(err, SL_ERR_FATAL,
                          "the URL names a schema twice: in schema.table and in ?schema=");
    }
    if (dot) {
        *dot = '\0';
        rc |= dup_into(&t->schema, u.table) | dup_into(&t->table, dot + 1);
    } else {
        rc |= dup_into(&t->table, u.table);
        t->schema = values[0];
        values[0] = NULL;
        if (!t->schema)
            rc |= dup_into(&t->schema, "public");
    }
    free(values[0]);
    if (!t->password) {
        char env[64];
        const char *pw = getenv(sl_url_password_env(option, env, sizeof env));
        if (pw && *pw)
            rc |= dup_into(&t->password, pw);
    }
    int no_db = !u.db;
    sl_url_release(&u);
    if (rc != 0) {
        sl_pg_target_release(t);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    if (no_db) {
        sl_pg_target_release(t);
        return sl_err_set(err, SL_ERR_FATAL,
                          "--%s must name a database: postgresql://host/db[/schema.table]", option);
    }
    if (t->table && !*t->table) {
        sl_pg_target_release(t);
        return sl_err_set(err, SL_ERR_FATAL, "the URL's table name is empty");
    }
    return 0;
}

void sl_pg_target_release(struct sl_pg_target *t)
{
    char **all[] = {&t->user,  &t->password, &t->host,        &t->port,    &t->db,    &t->schema,
                    &t->table, &t->sslmode,  &t->sslrootcert, &t->sslcert, &t->sslkey};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (*all[i] == t->password && t->password)
            memset(t->password, 0, strlen(t->password));
        free(*all[i]);
        *all[i] = NULL;
    }
}

/* The session every connection gets. */
static const char session_sql[] = "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; "
                                  "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
                                  "SET extra_float_digits = 1; SET bytea_output = 'hex'";

/* The first line of libpq's message, without its trailing newline. */
static const char *first_line(const char *msg, int *len)
{
    const char *nl = strchr(msg, '\n');
    *len = nl ? (int)(nl - msg) : (int)strlen(msg);
    return msg;
}

PGconn *sl_pg_connect(const struct sl_pg_target *t, struct sl_err *err)
{
    const char *keys[16], *vals[16];
    int n = 0;
#define KV(k, v)                                                                                   \
    do {                                                                                           \
        if (v) {                                                                                   \
            keys[n] = k;                                                                           \
            vals[n++] = v;                                                                         \
        }                                                                                          \
    } while (0)
    KV("host", t->host);
    KV("port", t->port);
    KV("dbname", t->db);
    KV("user", t->user);
    KV("password", t->password);
    KV("sslmode", t->sslmode);
    KV("sslrootcert", t->sslrootcert);
    KV("sslcert", t->sslcert);
    KV("sslkey", t->sslkey);
    KV("fallback_application_name", "sluice");
    KV("connect_timeout", "10");
#undef KV
    keys[n] = vals[n] = NULL;
    PGconn *c = PQconnectdbParams(keys, vals, 0);
    if (!c) {
        sl_err_set(err, SL_ERR_FATAL, "%s: out of memory", t->shown);
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        int len;
        const char *m = first_line(PQerrorMessage(c), &len);
        int auth = strstr(m, "password authentication failed") || strstr(m, "no password");
        sl_err_set(err, SL_ERR_FATAL, "cannot connect to %s: %.*s%s", t->shown, len, m,
                   auth && !t->password ? " (no password given; looked in: the URL, "
                                          "SLUICE_FROM_PASSWORD, PGPASSWORD, ~/.pgpass or "
                                          "PGPASSFILE)"
                                        : "");
        PQfinish(c);
        return NULL;
    }
    if (sl_pg_exec(c, session_sql, err) != 0) {
        sl_err_prefix(err, "setting up the session on %s", t->shown);
        PQfinish(c);
        return NULL;
    }
    return c;
}

static int set_error(PGconn *c, PGresult *r, struct sl_err *err)
{
    int len;
    const char *m = first_line(r ? PQresultErrorMessage(r) : PQerrorMessage(c), &len);
    if (len == 0)
        m = first_line(PQerrorMessage(c), &len);
    if (strncmp(m, "ERROR:  ", 8) == 0) {
        m += 8;
        len -= 8;
    }
    return sl_err_set(err, SL_ERR_FATAL, "%.*s", len, m);
}

int sl_pg_exec(PGconn *c, const char *sql, struct sl_err *err)
{
    PGresult *r = PQexec(c, sql);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        set_error(c, r, err);
    PQclear(r);
    return ok ? 0 : -1;
}

PGresult *sl_pg_query(PGconn *c, const char *sql, int nparams, const char *const *params_,
                      struct sl_err *err)
{
    PGresult *r = PQexecParams(c, sql, nparams, NULL, params_, NULL, NULL, 0);
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    set_error(c, r, err);
    PQclear(r);
    return NULL;
}

int sl_pg_quote_ident(const char *name, char *out, size_t cap)
{
    size_t o = 0;
    if (cap < 3)
        return -1;
    out[o++] = '"';
    for (const char *p = name; *p; p++) {
        if (o + 3 >= cap)
            return -1;
        if (*p == '"')
            out[o++] = '"';
        out[o++] = *p;
    }
    out[o++] = '"';
    out[o] = '\0';
    return 0;
}
