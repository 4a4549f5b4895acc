/*
 * sl_url: the connection URL of a MySQL or MariaDB server.
 *
 *   mysql://[user[:password]@]host[:port][/db[/table]][?param=value&...]
 *   mysql://[user[:password]@]host1,host2,host3[:port][/db...]  (a cluster)
 *
 * Several hosts, comma-separated, name the nodes of one cluster: a port
 * after the last one applies to them all, or each may have its own
 * (db1:3306,db2:3307). The connection goes to one of them (sl_conn.h).
 * Parameters: socket=/path, and the TLS settings ssl-mode, ssl-ca,
 * ssl-cert and ssl-key (see sl_tls.h), which override the command line's
 * for this one server.
 *
 * user, password, db and table may be percent-encoded (%40 for '@', %2F for
 * '/', ...). host may be an IPv6 literal in brackets. With ?socket= the
 * connection uses that unix socket and host is only informative.
 *
 * A password in the URL is accepted but never shown: every function that turns
 * a URL back into text masks it. Prefer MYSQL_PWD or an option file.
 */
#ifndef SL_URL_H
#define SL_URL_H

#include <stddef.h>

#include "sl_err.h"
#include "sl_tls.h"

struct sl_url {
    char *user;      /* NULL if absent */
    char *password;  /* NULL if absent */
    char *host;      /* NULL if absent; with several hosts, the first */
    unsigned port;   /* 0 if absent; with several hosts, the first's */
    char **hosts;    /* several hosts: each of them (nhosts >= 2); else NULL */
    unsigned *ports; /* and each one's port, 0 if absent */
    size_t nhosts;
    char *db;          /* NULL if absent */
    char *table;       /* NULL if absent */
    char *socket;      /* NULL if absent */
    struct sl_tls tls; /* mode SL_TLS_UNSET and NULL files when absent; the
                          file names are owned by the URL */
};

/* Parses text into url (which the caller then owns and releases with
 * sl_url_release). On error returns -1 and url holds nothing; the message
 * shows the URL's scheme only ("invalid URL 'mysql://...': the port must be
 * a number from 1 to 65535"), since in a URL that does not parse any part
 * might be the password. */
int sl_url_parse(struct sl_url *url, const char *text, struct sl_err *err);

/* The ?name=value parameters of a URL of another scheme. */
struct sl_url_params {
    const char *const *names; /* those accepted, NULL-terminated; any other is refused */
    char **values;            /* values[k]: the decoded value of names[k] (malloc'ed; the
                                 caller frees it), or left NULL when absent */
};

/* Parses a URL of the same shape under another scheme ("postgresql://"):
 * user, password, host, port and the first two path parts (as db and
 * table), with the parameters in extra instead of MySQL's. Errors as for
 * sl_url_parse. */
int sl_url_parse_as(struct sl_url *url, const char *text, const char *scheme,
                    const struct sl_url_params *extra, struct sl_err *err);

/* Frees every string of url and zeroes it. */
void sl_url_release(struct sl_url *url);

/* Writes url as text into out (at most outlen bytes, always terminated), with
 * any password shown as "***". Returns out. */
char *sl_url_format(const struct sl_url *url, char *out, size_t outlen);

/* The same under another scheme. */
char *sl_url_format_as(const struct sl_url *url, const char *scheme, char *out, size_t outlen);

/* Copies the raw URL text into out with everything between the first ':'
 * after the scheme and the last '@' replaced by "***", without otherwise
 * parsing it: "mysql://a:p?w@h/db" gives "mysql://a:***@h/db". Text with no
 * such ':' and '@' is copied as it is. Returns out. */
char *sl_url_mask(const char *text, char *out, size_t outlen);

/* Overwrites in place, with '*', the bytes sl_url_mask() would hide: for
 * scrubbing a process's own argv so that ps shows no password. The text's
 * length does not change. Text with no such ':' and '@' is left alone. */
void sl_url_scrub(char *text);

/* Splits the password off a URL: writes text without it into out
 * ("mysql://u:pw@h/db" gives "mysql://u@h/db") and sets *password to the
 * decoded password (malloc'ed; NULL when the URL has none). A URL of
 * another scheme (postgresql://) is split by the same rule without being
 * parsed. Returns 0, or -1 with err set when a mysql:// URL does not parse
 * (shown by its scheme only), the password's escapes are bad, or out is
 * too small. */
int sl_url_split_password(const char *text, char *out, size_t outlen, char **password,
                          struct sl_err *err);

/* The environment variable that carries the password of a URL option to a
 * command: "into" gives SLUICE_INTO_PASSWORD. `sluice run` passes step
 * passwords this way, never in argv. Writes it into out; returns out. */
char *sl_url_password_env(const char *option, char *out, size_t outlen);

/* Parses text as sl_url_parse() does; when the URL holds no password and the
 * environment variable sl_url_password_env(option) is set, the password is
 * taken from it. Returns 0, or -1 with err set. */
int sl_url_parse_for(struct sl_url *url, const char *text, const char *option, struct sl_err *err);

/* A malloc'ed, percent-decoded copy of s[0..n), or NULL on a bad escape, a
 * decoded NUL, or no memory. */
char *sl_url_decode(const char *s, size_t n);

/* Length of text's scheme with its ':' and any '/' after it ("mysql://",
 * "mysql:/", "http://"), or 0 when text does not start with a scheme. */
size_t sl_url_scheme_len(const char *text);

#endif
