/*
 * sl_conn: opening and preparing a connection to a MySQL or MariaDB server.
 *
 * Every connection sluice opens goes through sl_conn_open(), so all of them
 * get the same session: utf8mb4, a strict sql_mode (no value is silently
 * truncated or converted), a fixed time zone, autocommit off, and then the
 * user's own --session-sql. Multi-statements are off: each query is one
 * statement, except --session-sql and the hooks, which may hold several.
 *
 * Credentials, as every MySQL client finds them: the URL's user, host,
 * port and password win; then the mysql client's flags (-u -h -P -S -p);
 * then MYSQL_PWD for the password; then the option
 * files' [client] and [sluice] groups (and [client-server] and
 * [client-mariadb], which Connector/C reads too): the standard files
 * (/etc/my.cnf, /etc/mysql/my.cnf and its includes, $MYSQL_HOME/my.cnf,
 * ~/.my.cnf), or only --defaults-file, or none with --no-defaults. An
 * access denied without a password says where one was looked for. No
 * password is ever written into a message.
 *
 * TLS: see sl_tls.h for the modes. A connection that must use TLS and cannot,
 * or whose certificate fails the mode's checks, is refused with the reason.
 */
#ifndef SL_CONN_H
#define SL_CONN_H

#include <mysql.h>
#include <stddef.h>

#include "sl_err.h"
#include "sl_url.h"

/* The sql_mode every sluice session runs with. */
#define SL_CONN_SQL_MODE                                                                           \
    "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"                   \
    "NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO"

/* Seconds to wait for a server's answer when connecting, unless
 * --connect-timeout says otherwise. */
#define SL_CONN_CONNECT_TIMEOUT 10

/* What the mysql client's connection flags give (-u, -h, -P, -S, -p): each
 * fills in what a URL leaves out. A password here comes after the URL's and
 * before MYSQL_PWD and the option files. */
struct sl_conn_flags {
    const char *user, *host, *socket, *password; /* NULL when not given */
    const char *defaults_extra_file; /* --defaults-extra-file: read after the global option
                                        files (or --defaults-file), before ~/.my.cnf */
    unsigned port;                   /* 0 when not given */
    int prompt;                      /* -p alone: ask on the terminal */
    char asked[256];                 /* the password asked for */
};

/* --hosts-policy: which host of a cluster URL each connection goes to. */
enum sl_hosts_policy {
    SL_HOSTS_FIRST,  /* the first that answers: all writes to one node while it lives */
    SL_HOSTS_SPREAD, /* round-robin: connection i starts at host i */
};

/* The policies' names in enum order, NULL-terminated. */
extern const char *const sl_hosts_policy_names[];

struct sl_conn_opts {
    const struct sl_url *url;
    const char *defaults_file;         /* NULL: the standard option files; "": none
                                          (--no-defaults); else only this file */
    const char *session_sql;           /* NULL or statements run after the set-up */
    const char *time_zone;             /* e.g. "+00:00" */
    unsigned connect_timeout;          /* seconds; 0: SL_CONN_CONNECT_TIMEOUT */
    const struct sl_conn_flags *flags; /* NULL, or -u -h -P -S -p */
    int use_db;                        /* make the URL's database the session's default */
    const struct sl_tls *tls;          /* NULL or the command line's TLS settings; the
                                          URL's own ssl-* parameters win */
    int local_infile;                  /* may send LOAD DATA LOCAL (of what sl_local_infile.h
                                          offers only: no file is ever served) */
    enum sl_hosts_policy hosts_policy; /* which of a URL's several hosts (--hosts-policy) */
};

/* Connects and sets the session up. Returns 0 and *out, or -1 with err set
 * (kind SL_ERR_FATAL, or SL_ERR_RETRYABLE when the server is merely busy or
 * restarting); the message names the server with its password masked.
 *
 * A URL of several hosts (a cluster) connects to the first that answers and
 * is ready, trying them in turn: from the first under SL_HOSTS_FIRST, from
 * host `start` (modulo their number) under SL_HOSTS_SPREAD. A Galera node
 * that is not Synced is passed over; on a Galera node the session waits for
 * the node to have applied what the cluster committed before each read
 * (wsrep_sync_wait = 3: reads, updates and deletes), so that a count, a
 * comparison or the clearing of checkpoints sees every write.
 * *host, when not NULL, gets the index of the host connected to (0 for a
 * single host). */
int sl_conn_open(MYSQL **out, const struct sl_conn_opts *o, struct sl_err *err);
int sl_conn_open_at(MYSQL **out, const struct sl_conn_opts *o, unsigned start, unsigned *host,
                    struct sl_err *err);

/* A Galera node's settings, read from a connection (all 0 elsewhere). */
struct sl_wsrep {
    int on;                         /* wsrep_on */
    unsigned long long max_ws_rows; /* wsrep_max_ws_rows: rows a write set may hold; 0: any */
    unsigned long long max_ws_size; /* wsrep_max_ws_size: bytes a write set may hold */
};

/* Reads m's wsrep settings into *w (zeroed on a server without them, or
 * when they cannot be read). */
void sl_conn_wsrep(MYSQL *m, struct sl_wsrep *w);

/* Closes m. NULL is ignored. */
void sl_conn_close(MYSQL *m);

/* The server's id of the connection (as KILL and PROCESSLIST know it). */
unsigned long sl_conn_id(MYSQL *m);

/* True when m still answers (a ping). A lost connection is not opened
 * again here. */
int sl_conn_alive(MYSQL *m);

/* Sends KILL QUERY id over via and ignores the answer: a connection with
 * nothing running has nothing to stop. */
void sl_conn_kill_query(MYSQL *via, unsigned long id);

/* Makes db the session's default database. Returns 0 or -1 with err set. */
int sl_conn_use_db(MYSQL *m, const char *db, struct sl_err *err);

/* Prepares sql (len bytes) and closes the statement again: whether the
 * server accepts it (privileges, columns) without running it. Returns 0 or
 * -1 with err set, prefixed by what. */
int sl_conn_check_prepare(MYSQL *m, const char *sql, size_t len, const char *what,
                          struct sl_err *err);

/* Sends sql on m without waiting for the answer, so that statements on two
 * connections can run at once; read it with sl_conn_read_value. Returns 0
 * or -1 with err set. */
int sl_conn_send(MYSQL *m, const char *sql, struct sl_err *err);

/* Reads the answer to the statement sl_conn_send sent on m: column col of
 * its one row, as text, into out (cap bytes). Returns 0, or -1 with err set
 * (a failed statement, or no such value). */
int sl_conn_read_value(MYSQL *m, unsigned col, char *out, size_t cap, struct sl_err *err);

/* The server's version string, e.g. "10.11.6-MariaDB-0+deb12u1". */
const char *sl_conn_server_version(MYSQL *m);

/* Each thread that uses connections calls begin before the first and end
 * after the last (a no-op in Connector/C, required by libmysqlclient). */
void sl_conn_thread_begin(void);
void sl_conn_thread_end(void);

/* The client library's set-up and clean-up, once per process, and its
 * version. */
int sl_conn_library_init(void);
void sl_conn_library_end(void);
const char *sl_conn_client_version(void);

/* The TLS cipher a connection uses, or NULL for plain text. */
const char *sl_conn_tls_cipher(MYSQL *m);

/* Runs one statement that returns no rows. Returns 0 or -1 with err set. */
int sl_conn_exec(MYSQL *m, const char *sql, struct sl_err *err);

/* Runs len bytes of statements separated by semicolons on m, which was
 * opened with multi-statements allowed, reading and dropping any results.
 * Returns 0 or -1 with err set by the first that failed. */
int sl_conn_exec_multi(MYSQL *m, const char *sql, size_t len, struct sl_err *err);

/* Runs a user's statements (--before-sql, --after-sql) on a connection of
 * their own, opened with o and closed again, with multi-statements allowed,
 * and commits them. Data connections never allow more than one statement
 * per query. Returns 0, or -1 with err prefixed by what. */
int sl_conn_run_hook(const struct sl_conn_opts *o, const char *what, const char *sql,
                     struct sl_err *err);

/* Fills err from the connection's last error, prefixed by `what`. The kind
 * comes from sl_errno_kind() (sl_errno.h). Returns -1. */
int sl_conn_fail(MYSQL *m, struct sl_err *err, const char *what);

/* Fills err from a statement's last error, prefixed by `what`. Returns -1. */
int sl_conn_stmt_fail(MYSQL_STMT *s, struct sl_err *err, const char *what);

/* Reads an unsigned global variable such as max_allowed_packet. Returns 0 or
 * -1 with err set. */
int sl_conn_read_var(MYSQL *m, const char *name, unsigned long long *value, struct sl_err *err);

/* A row handler for sl_conn_select(): vals[i] is NUL-terminated (NULL for
 * SQL NULL). Return 0 to go on, non-zero to stop with that value. */
typedef int (*sl_conn_row_fn)(void *ctx, char **vals, unsigned long *lens, unsigned nvals);

/* Runs a SELECT as a prepared statement with string parameters bound (never
 * spliced into the text), calling fn for each row. The result is stored
 * whole on the client and each column's buffer is sized from its longest
 * value, so a value is never cut nor read twice: use it for metadata and
 * other small results, never to stream a table. Returns 0, the handler's
 * non-zero value, or -1 with err set. */
int sl_conn_select(MYSQL *m, const char *sql, const char **params, unsigned nparams,
                   sl_conn_row_fn fn, void *ctx, struct sl_err *err);

#endif
