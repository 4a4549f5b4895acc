#include "sl_conn.h"

#include "sl_clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_buf.h"
#include "sl_errno.h"
#include "sl_local_infile.h"

int sl_conn_fail(MYSQL *m, struct sl_err *err, const char *what)
{
    unsigned e = mysql_errno(m);
    return sl_err_set_server(err, sl_errno_kind(e), e, mysql_sqlstate(m), "%s: %s (%u)", what,
                             mysql_error(m), e);
}

int sl_conn_stmt_fail(MYSQL_STMT *s, struct sl_err *err, const char *what)
{
    unsigned e = mysql_stmt_errno(s);
    return sl_err_set_server(err, sl_errno_kind(e), e, mysql_stmt_sqlstate(s), "%s: %s (%u)", what,
                             mysql_stmt_error(s), e);
}

int sl_conn_exec(MYSQL *m, const char *sql, struct sl_err *err)
{
    if (mysql_real_query(m, sql, strlen(sql)) != 0)
        return sl_conn_fail(m, err, "query failed");
    /* drain any result so the connection stays usable */
    do {
        MYSQL_RES *r = mysql_store_result(m);
        if (r)
            mysql_free_result(r);
        else if (mysql_field_count(m) != 0)
            return sl_conn_fail(m, err, "query failed");
    } while (mysql_next_result(m) == 0);
    if (mysql_errno(m))
        return sl_conn_fail(m, err, "query failed");
    return 0;
}

const char *sl_conn_tls_cipher(MYSQL *m)
{
    return mysql_get_ssl_cipher(m);
}

/* Sets the client library's TLS options for mode t. */
static void set_tls(MYSQL *m, const struct sl_tls *t, enum sl_tls_mode mode)
{
    my_bool on = 1, off = 0;
    if (mode == SL_TLS_DISABLED) {
        mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &off);
        return;
    }
    /* Connector/C checks the certificate chain whenever a CA is given, and
     * the host name only with VERIFY_SERVER_CERT. Its SSL_ENFORCE asks for
     * TLS but falls back to plain text when the server has none; for
     * REQUIRED and above, sl_conn_open() refuses such a connection. */
    mysql_ssl_set(m, t->key, t->cert, t->ca, NULL, NULL);
    mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
    mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, mode == SL_TLS_VERIFY_IDENTITY ? &on : &off);
}

/* Runs a user's statements with multi-statements on for that moment only;
 * every other statement on the connection must be exactly one. */
static int exec_user_sql(MYSQL *m, const char *sql, struct sl_err *err)
{
    if (mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
        return sl_conn_fail(m, err, "multi-statements");
    int rc = sl_conn_exec(m, sql, err);
    if (mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0 && rc == 0)
        rc = sl_conn_fail(m, err, "multi-statements");
    return rc;
}

int sl_conn_run_hook(const struct sl_conn_opts *o, const char *what, const char *sql,
                     struct sl_err *err)
{
    MYSQL *m;
    if (sl_conn_open(&m, o, err) != 0) {
        sl_err_prefix(err, "%s", what);
        return -1;
    }
    int rc = exec_user_sql(m, sql, err);
    if (rc == 0)
        rc = sl_conn_exec(m, "COMMIT", err);
    if (rc != 0)
        sl_err_prefix(err, "%s", what);
    mysql_close(m);
    return rc;
}

/* --defaults-extra-file: Connector/C reads one option file, or else the
 * standard ones, so a file of !include lines (paths only, never a secret)
 * names them in the mysql client's order: the global files and
 * $MYSQL_HOME/my.cnf (or --defaults-file), the extra file, then ~/.my.cnf. Its name goes to out;
 * the caller unlinks it once connected. Returns 0 or -1 with err set. */
static int write_include_file(const char *defaults_file, const char *extra, char *out, size_t cap,
                              struct sl_err *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(out, cap, "%s/sluice-cnf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(out);
    if (fd < 0)
        return sl_err_set(err, SL_ERR_FATAL, "--defaults-extra-file: cannot make %s: %s", out,
                          strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(out);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    const char *home = getenv("HOME");
    char user_file[4096] = "";
    if (home && *home)
        snprintf(user_file, sizeof user_file, "%s/.my.cnf", home);
    const char *mysql_home = getenv("MYSQL_HOME");
    char home_file[4096] = "";
    if (mysql_home && *mysql_home)
        snprintf(home_file, sizeof home_file, "%s/my.cnf", mysql_home);
    const char *before[] = {"/etc/my.cnf", "/etc/mysql/my.cnf", home_file};
    if (defaults_file) {
        fprintf(f, "!include %s\n", defaults_file);
    } else {
        for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
            if (before[i][0] && access(before[i], R_OK) == 0)
                fprintf(f, "!include %s\n", before[i]);
    }
    fprintf(f, "!include %s\n", extra);
    if (!defaults_file && user_file[0] && access(user_file, R_OK) == 0)
        fprintf(f, "!include %s\n", user_file);
    if (fclose(f) != 0) {
        unlink(out);
        return sl_err_set(err, SL_ERR_FATAL, "--defaults-extra-file: cannot write %s", out);
    }
    return 0;
}

const char *const sl_hosts_policy_names[] = {"first", "spread", NULL};

static int galera_ready(MYSQL *m, const char *where, struct sl_err *err);

/* Connects to one server: the URL's, or host:port of its list (host NULL:
 * the URL's own host). */
static int open_host(MYSQL **out, const struct sl_conn_opts *o, const char *host_at,
                     unsigned port_at, struct sl_err *err)
{
    /* the URL, with what it leaves out taken from the flags */
    struct sl_url eff = *o->url;
    eff.nhosts = 0;
    if (host_at) {
        eff.host = (char *)host_at;
        eff.port = port_at;
    }
    const struct sl_conn_flags *f = o->flags;
    if (f && !eff.user)
        eff.user = (char *)f->user;
    if (f && !eff.host)
        eff.host = (char *)f->host;
    if (f && !eff.port)
        eff.port = f->port;
    if (f && !eff.socket && f->socket && (!eff.host || strcmp(eff.host, "localhost") == 0))
        eff.socket = (char *)f->socket;
    const struct sl_url *u = &eff;
    char where[512];
    sl_url_format(u, where, sizeof where);
    MYSQL *m = mysql_init(NULL);
    if (!m)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    unsigned timeout = o->connect_timeout ? o->connect_timeout : SL_CONN_CONNECT_TIMEOUT;
    unsigned local_infile = o->local_infile ? 1 : 0;
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    /* with a group set, Connector/C reads [client], [client-server],
     * [client-mariadb] and that group: of the one file, or else of the
     * standard files */
    const char *extra = f ? f->defaults_extra_file : NULL;
    char incl[4200] = "";
    if (extra && o->defaults_file && !*o->defaults_file) {
        mysql_close(m);
        return sl_err_set(err, SL_ERR_FATAL,
                          "--defaults-extra-file and --no-defaults disagree; give one");
    }
    if (extra && write_include_file(o->defaults_file, extra, incl, sizeof incl, err) != 0) {
        mysql_close(m);
        return -1;
    }
    if (!o->defaults_file || *o->defaults_file) {
        if (incl[0])
            mysql_options(m, MYSQL_READ_DEFAULT_FILE, incl);
        else if (o->defaults_file)
            mysql_options(m, MYSQL_READ_DEFAULT_FILE, o->defaults_file);
        mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "sluice");
    }
    struct sl_tls tls;
    sl_tls_merge(&tls, o->tls, &u->tls);
    enum sl_tls_mode mode = sl_tls_effective(&tls, u->socket != NULL);
    if (mode >= SL_TLS_VERIFY_CA && !tls.ca) {
        if (incl[0])
            unlink(incl);
        mysql_close(m);
        return sl_err_set(err, SL_ERR_FATAL,
                          "%s: --ssl-mode %s needs --ssl-ca, the CA to check "
                          "the server's certificate against",
                          where, sl_tls_mode_name(mode));
    }
    set_tls(m, &tls, mode);
    /* whatever an option file says of local-infile, a server's request for
     * a file is refused: only what a writer offers is ever sent */
    mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &local_infile);
    sl_local_infile_guard(m);
    /* "localhost" makes the client use the socket even if an option file
     * names a host */
    const char *host = u->socket ? "localhost" : u->host;
    /* no CLIENT_MULTI_STATEMENTS: a --where or --query that smuggles in a
     * second statement is a syntax error, never run (only the user's own
     * hooks and --session-sql turn it on, for themselves) */
    unsigned flags = CLIENT_MULTI_RESULTS | CLIENT_FOUND_ROWS;
    double t0 = sl_now();
    /* MYSQL_PWD comes before the option files' password */
    const char *password = u->password;
    if (!password && f && f->password)
        password = f->password;
    const char *env_pw = getenv("MYSQL_PWD");
    if (!password && env_pw && *env_pw)
        password = env_pw;
    MYSQL *ok = mysql_real_connect(m, host, u->user, password, NULL, u->port, u->socket, flags);
    if (incl[0])
        unlink(incl); /* read: the options are in m now */
    if (!ok) {
        unsigned e = mysql_errno(m);
        sl_err_set_server(err, sl_errno_kind(e), e, mysql_sqlstate(m),
                          "cannot connect to %s: %s (%u)", where, mysql_error(m), e);
        /* CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR, CR_SERVER_LOST */
        if ((e == 2002 || e == 2003 || e == 2013) && sl_now() - t0 >= timeout - 0.5)
            sl_err_suffix(err, "; no answer within %u s (--connect-timeout)", timeout);
        if (e == 1045 && strstr(mysql_error(m), "using password: NO")) {
            char files[600];
            if (!o->defaults_file)
                snprintf(files, sizeof files,
                         "the [client] and [sluice] groups of /etc/my.cnf, "
                         "/etc/mysql/my.cnf and ~/.my.cnf");
            else if (*o->defaults_file)
                snprintf(files, sizeof files, "the [client] and [sluice] groups of %s",
                         o->defaults_file);
            else
                snprintf(files, sizeof files, "no option file (--no-defaults)");
            size_t used = strlen(files);
            if (extra && used + strlen(extra) + 16 < sizeof files)
                snprintf(files + used, sizeof files - used, ", and of %s", extra);
            sl_err_suffix(err,
                          "; no password given (looked in: the URL, SLUICE_*_PASSWORD, -p, "
                          "MYSQL_PWD, %s)",
                          files);
        }
        mysql_close(m);
        return -1;
    }
    if (mode >= SL_TLS_REQUIRED && !mysql_get_ssl_cipher(m)) {
        mysql_close(m);
        return sl_err_set(err, SL_ERR_FATAL,
                          "cannot connect to %s: --ssl-mode %s, but the connection is not "
                          "encrypted (does the server have TLS set up?)",
                          where, sl_tls_mode_name(mode));
    }
    for (const char *p = o->time_zone; *p; p++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-:/_", *p)) {
            mysql_close(m);
            return sl_err_set(err, SL_ERR_FATAL,
                              "--time-zone '%s' is not a time zone name or offset", o->time_zone);
        }
    }
    struct sl_buf sql;
    sl_buf_init(&sql, 64 * 1024);
    sl_buf_printf(&sql, "SET SESSION sql_mode='%s', time_zone='%s', autocommit=0", SL_CONN_SQL_MODE,
                  o->time_zone);
    const char *text = sl_buf_cstr(&sql);
    int rc = text ? sl_conn_exec(m, text, err) : sl_err_set(err, SL_ERR_FATAL, "out of memory");
    sl_buf_release(&sql);
    if (rc == 0 && o->session_sql && *o->session_sql) {
        rc = exec_user_sql(m, o->session_sql, err);
        if (rc != 0)
            sl_err_prefix(err, "--session-sql");
    }
    if (rc == 0 && o->use_db && u->db && mysql_select_db(m, u->db) != 0) {
        if (mysql_errno(m) == 1049) { /* ER_BAD_DB_ERROR */
            sl_err_set(err, SL_ERR_FATAL, "database '%s' does not exist", u->db);
            mysql_close(m);
            return -1;
        }
        rc = sl_conn_fail(m, err, "database");
    }
    if (rc != 0) {
        sl_err_prefix(err, "session set-up on %s", where);
        mysql_close(m);
        return -1;
    }
    if (galera_ready(m, where, err) != 0) {
        mysql_close(m);
        return -1;
    }
    *out = m;
    return 0;
}

static int read_text(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    if (n > 0 && vals[0])
        snprintf(ctx, 64, "%s", vals[0]);
    return 0;
}

/* On a Galera node: refuses one that is not Synced (a donor, a joiner, a
 * node cut off from the cluster), and makes reads wait for the node to
 * catch up. Elsewhere (no wsrep status) nothing happens. */
static int galera_ready(MYSQL *m, const char *where, struct sl_err *err)
{
    char state[64] = "";
    struct sl_err ignored;
    /* information_schema.GLOBAL_STATUS: MariaDB's; a server without it is
     * not a Galera node of MariaDB's */
    if (sl_conn_select(m,
                       "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                       "WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'",
                       NULL, 0, read_text, state, &ignored) != 0 ||
        !state[0])
        return 0;
    if (strcmp(state, "Synced") != 0)
        return sl_err_set_server(err, SL_ERR_RETRYABLE, 1047, "08S01",
                                 "cannot connect to %s: the Galera node is %s, not Synced", where,
                                 state);
    /* 1: reads, 2: UPDATE and DELETE (a finished load deletes its checkpoints) */
    return sl_conn_exec(m, "SET SESSION wsrep_sync_wait = 3", err);
}

/* Whether a failed connection means "this host, not the others": it does
 * not answer, is gone, or is not ready. */
static int host_unavailable(const struct sl_err *e)
{
    switch (e->server_errno) {
    case 1047: /* WSREP has not yet prepared node for application use */
    case 1053: /* server shutdown in progress */
    case 2002: /* can't connect through socket */
    case 2003: /* can't connect to server */
    case 2005: /* unknown server host */
    case 2006: /* server has gone away */
    case 2013: /* lost connection */
        return 1;
    default:
        return 0;
    }
}

int sl_conn_open(MYSQL **out, const struct sl_conn_opts *o, struct sl_err *err)
{
    return sl_conn_open_at(out, o, 0, NULL, err);
}

int sl_conn_open_at(MYSQL **out, const struct sl_conn_opts *o, unsigned start, unsigned *host,
                    struct sl_err *err)
{
    const struct sl_url *u = o->url;
    if (host)
        *host = 0;
    if (u->nhosts < 2)
        return open_host(out, o, NULL, 0, err);
    /* one port for all (db1,db2:3306) or one each (db1:3306,db2:3307) */
    unsigned all = u->ports[0] ? 0 : u->port;
    size_t first = o->hosts_policy == SL_HOSTS_SPREAD ? start % u->nhosts : 0;
    int rc = -1;
    for (size_t k = 0; k < u->nhosts; k++) {
        size_t h = (first + k) % u->nhosts;
        rc = open_host(out, o, u->hosts[h], u->ports[h] ? u->ports[h] : all, err);
        if (rc == 0) {
            if (host)
                *host = (unsigned)h;
            return 0;
        }
        if (!host_unavailable(err))
            return -1;
    }
    sl_err_prefix(err, "no host of the list is available; the last said");
    return rc;
}

static int read_wsrep(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    struct sl_wsrep *w = ctx;
    if (n >= 3 && vals[0] && vals[1] && vals[2]) {
        w->on = strcmp(vals[0], "1") == 0;
        w->max_ws_rows = strtoull(vals[1], NULL, 10);
        w->max_ws_size = strtoull(vals[2], NULL, 10);
    }
    return 0;
}

void sl_conn_wsrep(MYSQL *m, struct sl_wsrep *w)
{
    memset(w, 0, sizeof *w);
    struct sl_err ignored; /* a server without wsrep variables (MySQL) is not Galera */
    if (sl_conn_select(m, "SELECT @@wsrep_on, @@wsrep_max_ws_rows, @@wsrep_max_ws_size", NULL, 0,
                       read_wsrep, w, &ignored) != 0 ||
        !w->on)
        memset(w, 0, sizeof *w);
}

static int read_one(void *ctx, char **vals, unsigned long *lens, unsigned nvals)
{
    (void)lens;
    unsigned long long *v = ctx;
    if (nvals < 1 || !vals[0])
        return 1;
    *v = strtoull(vals[0], NULL, 10);
    return 0;
}

int sl_conn_read_var(MYSQL *m, const char *name, unsigned long long *value, struct sl_err *err)
{
    const char *params[] = {name};
    *value = 0;
    int rc = sl_conn_select(m,
                            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES "
                            "WHERE VARIABLE_NAME = UPPER(?)",
                            params, 1, read_one, value, err);
    if (rc > 0 || (rc == 0 && *value == 0))
        return sl_err_set(err, SL_ERR_FATAL, "cannot read the server variable %s", name);
    return rc;
}

/* The smallest result buffer: room for any number or date as text, whose
 * stored max_length is the size of its binary form, not of its text. */
#define SELECT_MIN_BUF 512

/* Sizes each result buffer from the stored result's longest value, so no
 * value is ever truncated and fetched again (Connector/C releases differ in
 * what a second mysql_stmt_bind_result() does to the bound lengths). */
static int bind_stored_result(MYSQL_STMT *s, MYSQL_RES *meta, unsigned ncols, MYSQL_BIND *rb,
                              unsigned long *rlen, my_bool *rnull, char **vals, struct sl_err *err)
{
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    for (unsigned i = 0; i < ncols; i++) {
        size_t cap = fields[i].max_length > SELECT_MIN_BUF ? fields[i].max_length : SELECT_MIN_BUF;
        if (!(vals[i] = malloc(cap + 1)))
            return sl_err_set(err, SL_ERR_FATAL, "out of memory");
        rb[i].buffer_type = MYSQL_TYPE_STRING;
        rb[i].buffer = vals[i];
        rb[i].buffer_length = cap;
        rb[i].length = &rlen[i];
        rb[i].is_null = &rnull[i];
    }
    if (mysql_stmt_bind_result(s, rb) != 0)
        return sl_conn_stmt_fail(s, err, "bind failed");
    return 0;
}

int sl_conn_select(MYSQL *m, const char *sql, const char **params, unsigned nparams,
                   sl_conn_row_fn fn, void *ctx, struct sl_err *err)
{
    int rc = -1;
    MYSQL_BIND *pb = NULL, *rb = NULL;
    unsigned long *plen = NULL, *rlen = NULL;
    my_bool *rnull = NULL;
    char **vals = NULL;
    unsigned ncols = 0;
    MYSQL_RES *meta = NULL;
    my_bool on = 1;
    MYSQL_STMT *s = mysql_stmt_init(m);
    if (!s)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (mysql_stmt_prepare(s, sql, strlen(sql)) != 0) {
        sl_conn_stmt_fail(s, err, "prepare failed");
        goto out_close_stmt;
    }
    if (nparams) {
        pb = calloc(nparams, sizeof *pb);
        plen = calloc(nparams, sizeof *plen);
        if (!pb || !plen) {
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
            goto out_close_stmt;
        }
        for (unsigned i = 0; i < nparams; i++) {
            plen[i] = strlen(params[i]);
            pb[i].buffer_type = MYSQL_TYPE_STRING;
            pb[i].buffer = (void *)params[i];
            pb[i].buffer_length = plen[i];
            pb[i].length = &plen[i];
        }
        if (mysql_stmt_bind_param(s, pb) != 0) {
            sl_conn_stmt_fail(s, err, "bind failed");
            goto out_close_stmt;
        }
    }
    /* these are small metadata queries: store the result whole, with each
     * column's longest value measured, and size the buffers from that */
    if (mysql_stmt_attr_set(s, STMT_ATTR_UPDATE_MAX_LENGTH, &on) != 0) {
        sl_conn_stmt_fail(s, err, "statement attribute");
        goto out_close_stmt;
    }
    if (mysql_stmt_execute(s) != 0 || mysql_stmt_store_result(s) != 0) {
        sl_conn_stmt_fail(s, err, "query failed");
        goto out_close_stmt;
    }
    meta = mysql_stmt_result_metadata(s);
    ncols = meta ? mysql_num_fields(meta) : 0;
    if (ncols) {
        rb = calloc(ncols, sizeof *rb);
        rlen = calloc(ncols, sizeof *rlen);
        rnull = calloc(ncols, sizeof *rnull);
        vals = calloc(ncols, sizeof *vals);
        if (!rb || !rlen || !rnull || !vals) {
            sl_err_set(err, SL_ERR_FATAL, "out of memory");
            goto out_free;
        }
        if (bind_stored_result(s, meta, ncols, rb, rlen, rnull, vals, err) != 0)
            goto out_free;
    }
    rc = 0;
    for (;;) {
        int f = ncols ? mysql_stmt_fetch(s) : MYSQL_NO_DATA;
        if (f == MYSQL_NO_DATA)
            break;
        if (f == 1) {
            rc = sl_conn_stmt_fail(s, err, "fetch failed");
            break;
        }
        char *row[ncols];
        unsigned long len[ncols];
        for (unsigned i = 0; i < ncols && rc == 0; i++) {
            /* the buffers are as long as the longest value: a truncation
             * means the client library measured wrongly, never a short read */
            if (!rnull[i] && rlen[i] > rb[i].buffer_length) {
                rc = sl_err_set(err, SL_ERR_FATAL,
                                "column %u: a %lu-byte value did not fit the %lu bytes the "
                                "client library measured",
                                i + 1, rlen[i], rb[i].buffer_length);
                break;
            }
            len[i] = rnull[i] ? 0 : rlen[i];
            vals[i][len[i]] = '\0';
            row[i] = rnull[i] ? NULL : vals[i];
        }
        if (rc != 0)
            break;
        rc = fn(ctx, row, len, ncols);
        if (rc != 0)
            break;
    }
out_free:
    if (vals)
        for (unsigned i = 0; i < ncols; i++)
            free(vals[i]);
    free(vals);
    free(rb);
    free(rlen);
    free(rnull);
    if (meta)
        mysql_free_result(meta);
out_close_stmt:
    free(pb);
    free(plen);
    mysql_stmt_close(s);
    return rc;
}

void sl_conn_close(MYSQL *m)
{
    if (m)
        mysql_close(m);
}

unsigned long sl_conn_id(MYSQL *m)
{
    return mysql_thread_id(m);
}

int sl_conn_alive(MYSQL *m)
{
    return m && mysql_ping(m) == 0;
}

void sl_conn_kill_query(MYSQL *via, unsigned long id)
{
    char sql[64];
    snprintf(sql, sizeof sql, "KILL QUERY %lu", id);
    mysql_real_query(via, sql, strlen(sql));
}

int sl_conn_use_db(MYSQL *m, const char *db, struct sl_err *err)
{
    return mysql_select_db(m, db) == 0 ? 0 : sl_conn_fail(m, err, "selecting the database");
}

int sl_conn_check_prepare(MYSQL *m, const char *sql, size_t len, const char *what,
                          struct sl_err *err)
{
    MYSQL_STMT *s = mysql_stmt_init(m);
    if (!s)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = mysql_stmt_prepare(s, sql, len) == 0 ? 0 : sl_conn_stmt_fail(s, err, what);
    mysql_stmt_close(s);
    return rc;
}

int sl_conn_send(MYSQL *m, const char *sql, struct sl_err *err)
{
    return mysql_send_query(m, sql, strlen(sql)) == 0 ? 0 : sl_conn_fail(m, err, "failed");
}

int sl_conn_read_value(MYSQL *m, unsigned col, char *out, size_t cap, struct sl_err *err)
{
    if (mysql_read_query_result(m) != 0)
        return sl_conn_fail(m, err, "failed");
    MYSQL_RES *res = mysql_store_result(m);
    if (!res)
        return sl_conn_fail(m, err, "failed");
    MYSQL_ROW row = mysql_fetch_row(res);
    unsigned long *lens = row ? mysql_fetch_lengths(res) : NULL;
    int rc = 0;
    if (!row || mysql_num_fields(res) <= col || !row[col] || lens[col] >= cap) {
        rc = sl_err_set(err, SL_ERR_FATAL, "gave no value");
    } else {
        memcpy(out, row[col], lens[col]);
        out[lens[col]] = '\0';
    }
    mysql_free_result(res);
    return rc;
}

const char *sl_conn_server_version(MYSQL *m)
{
    return mysql_get_server_info(m);
}

void sl_conn_thread_begin(void)
{
    mysql_thread_init();
}

void sl_conn_thread_end(void)
{
    mysql_thread_end();
}

int sl_conn_library_init(void)
{
    return mysql_library_init(0, NULL, NULL);
}

void sl_conn_library_end(void)
{
    mysql_library_end();
}

const char *sl_conn_client_version(void)
{
    return mysql_get_client_info();
}

int sl_conn_exec_multi(MYSQL *m, const char *sql, size_t len, struct sl_err *err)
{
    if (mysql_real_query(m, sql, len) != 0)
        return sl_conn_fail(m, err, "failed");
    for (;;) {
        MYSQL_RES *res = mysql_store_result(m);
        if (res)
            mysql_free_result(res);
        int more = mysql_next_result(m);
        if (more < 0)
            return 0;
        if (more > 0)
            return sl_conn_fail(m, err, "failed");
    }
}
