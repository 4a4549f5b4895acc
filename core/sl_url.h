/*
 * sl_url: the connection URL of a MySQL or MariaDB server.
 *
 *   mysql://[user[:password]@]host[:port][/db[/table]][?param=value&...]
 *
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
    char *user;        /* NULL if absent */
    char *password;    /* NULL if absent */
    char *host;        /* NULL if absent */
    unsigned port;     /* 0 if absent */
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

/* Frees every string of url and zeroes it. */
void sl_url_release(struct sl_url *url);

/* Writes url as text into out (at most outlen bytes, always terminated), with
 * any password shown as "***". Returns out. */
char *sl_url_format(const struct sl_url *url, char *out, size_t outlen);

/* Copies the raw URL text into out with everything between the first ':'
 * after the scheme and the last '@' replaced by "***", without otherwise
 * parsing it: "mysql://a:p?w@h/db" gives "mysql://a:***@h/db". Text with no
 * such ':' and '@' is copied as it is. Returns out. */
char *sl_url_mask(const char *text, char *out, size_t outlen);

/* Length of text's scheme with its ':' and any '/' after it ("mysql://",
 * "mysql:/", "http://"), or 0 when text does not start with a scheme. */
size_t sl_url_scheme_len(const char *text);

#endif
