#include "sl_url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_hex.h"

#define SCHEME "mysql://"

char *sl_url_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int h, l;
            if (i + 2 >= n) {
                free(out);
                return NULL;
            }
            h = sl_hex_digit(s[i + 1]);
            l = sl_hex_digit(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(h * 16 + l);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

size_t sl_url_scheme_len(const char *text)
{
    size_t n = 0;
    while ((text[n] >= 'a' && text[n] <= 'z') || (text[n] >= 'A' && text[n] <= 'Z') ||
           (n > 0 && text[n] && ((text[n] >= '0' && text[n] <= '9') || strchr("+.-", text[n]))))
        n++;
    if (n == 0 || n > 16 || text[n] != ':')
        return 0;
    n++;
    while (text[n] == '/')
        n++;
    return n;
}

char *sl_url_mask(const char *text, char *out, size_t outlen)
{
    /* Conservative by design: the text may not parse, so whatever lies
     * between the first ':' after the scheme and the last '@' anywhere is
     * taken to be a password, even when a '?' or '/' inside it would end
     * the credentials for the parser. */
    size_t skip = sl_url_scheme_len(text);
    const char *at = strrchr(text + skip, '@');
    const char *colon = at ? memchr(text + skip, ':', (size_t)(at - (text + skip))) : NULL;
    if (colon)
        snprintf(out, outlen, "%.*s:***%s", (int)(colon - text), text, at);
    else
        snprintf(out, outlen, "%s", text);
    return out;
}

void sl_url_scrub(char *text)
{
    size_t skip = sl_url_scheme_len(text);
    char *at = strrchr(text + skip, '@');
    char *colon = at ? memchr(text + skip, ':', (size_t)(at - (text + skip))) : NULL;
    if (colon)
        memset(colon + 1, '*', (size_t)(at - colon - 1));
}

/* True when a piece of an unparsable URL can be quoted in a message: a
 * short word such as a parameter name, never what could be part of a
 * password, because the URL it came from has no '@' after it. */
static int quotable(const char *s, size_t n, const char *rest)
{
    if (n == 0 || n > 32 || strchr(rest, '@'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
            return 0;
    return 1;
}

/* Stores one name=value parameter of the query. Returns 0, or -1 with the
 * reason in err. */
static int param(struct sl_url *url, const struct sl_url_params *extra, const char *q, size_t n,
                 struct sl_err *err)
{
    static const char *const mysql_names[] = {"socket",   "ssl-mode", "ssl-ca",
                                              "ssl-cert", "ssl-key",  NULL};
    const char *const *names = extra ? extra->names : mysql_names;
    char known[256] = "";
    for (int i = 0; names[i]; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 names[i]);
    const char *eq = memchr(q, '=', n);
    size_t klen = eq ? (size_t)(eq - q) : n;
    int k = 0;
    while (names[k] && !(strlen(names[k]) == klen && strncmp(q, names[k], klen) == 0))
        k++;
    if (!names[k] && quotable(q, klen, q))
        return sl_err_set(err, SL_ERR_FATAL, "unknown parameter '%.*s'; known: %s", (int)klen, q,
                          known);
    if (!names[k])
        return sl_err_set(err, SL_ERR_FATAL,
                          "unknown parameter after '?' (a '?', '&' or '@' inside a user name or "
                          "password must be percent-encoded: %%3F, %%26, %%40); known: %s",
                          known);
    char *v = eq && eq + 1 < q + n ? sl_url_decode(eq + 1, (size_t)(q + n - eq - 1)) : NULL;
    if (!v)
        return sl_err_set(err, SL_ERR_FATAL,
                          "parameter '%s' needs a value (or has a bad "
                          "percent-escape)",
                          names[k]);
    if (extra) {
        free(extra->values[k]);
        extra->values[k] = v;
        return 0;
    }
    char **slot[] = {&url->socket, NULL, (char **)&url->tls.ca, (char **)&url->tls.cert,
                     (char **)&url->tls.key};
    if (k == 1) {
        int bad = sl_tls_mode_parse(v, &url->tls.mode) != 0;
        int show = bad && quotable(v, strlen(v), q);
        if (bad)
            sl_err_set(err, SL_ERR_FATAL,
                       "ssl-mode must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
                       "VERIFY_IDENTITY%s%s%s",
                       show ? ", not '" : "", show ? v : "", show ? "'" : "");
        free(v);
        return bad ? -1 : 0;
    }
    free(*slot[k]);
    *slot[k] = v;
    return 0;
}

/* An unparsable URL is never echoed past its scheme: where its password
 * would end cannot be known, so any part of it might be one. */
static int fail(struct sl_url *url, struct sl_err *err, const char *text, const char *why)
{
    sl_url_release(url);
    return sl_err_set(err, SL_ERR_FATAL, "invalid URL '%.*s...': %s", (int)sl_url_scheme_len(text),
                      text, why);
}

int sl_url_parse(struct sl_url *url, const char *text, struct sl_err *err)
{
    return sl_url_parse_as(url, text, SCHEME, NULL, err);
}

/* Parses "h1,h2,h3[:port]" or "h1:p1,h2:p2" (p .. end) into url's hosts.
 * A port on the last host only applies to all. Returns 0 or -1. */
static int parse_hosts(struct sl_url *url, const char *p, const char *end)
{
    size_t n = 1;
    for (const char *q = p; q < end; q++)
        n += *q == ',';
    if (n > 64 || !(url->hosts = calloc(n, sizeof *url->hosts)) ||
        !(url->ports = calloc(n, sizeof *url->ports)))
        return -1;
    url->nhosts = n;
    size_t with_port = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = memchr(p, ',', (size_t)(end - p));
        if (!e)
            e = end;
        const char *colon = memchr(p, ':', (size_t)(e - p));
        const char *hend = colon ? colon : e;
        if (hend == p || *p == '[' || !(url->hosts[i] = sl_url_decode(p, (size_t)(hend - p))))
            return -1;
        if (colon) {
            char *pe;
            unsigned long v = strtoul(colon + 1, &pe, 10);
            if (pe != e || v == 0 || v > 65535 || colon[1] < '0' || colon[1] > '9')
                return -1;
            url->ports[i] = (unsigned)v;
            with_port++;
        }
        p = e + 1;
    }
    if (with_port == 1 && url->ports[n - 1]) { /* db1,db2,db3:3306 */
        url->port = url->ports[n - 1];
        memset(url->ports, 0, n * sizeof *url->ports);
    } else {
        url->port = url->ports[0];
    }
    return (url->host = strdup(url->hosts[0])) ? 0 : -1;
}

int sl_url_parse_as(struct sl_url *url, const char *text, const char *scheme,
                    const struct sl_url_params *extra, struct sl_err *err)
{
    memset(url, 0, sizeof *url);
    if (strncmp(text, scheme, strlen(scheme)) != 0) {
        char why[64];
        snprintf(why, sizeof why, "it must start with %s", scheme);
        return fail(url, err, text, why);
    }
    const char *p = text + strlen(scheme);
    const char *query = strchr(p, '?');
    const char *end = query ? query : p + strlen(p);
    const char *slash = memchr(p, '/', (size_t)(end - p));
    const char *auth_end = slash ? slash : end;

    /* a '@' past the host is a user name or password that was not
     * percent-encoded (p@ss/w:rd cut at its '/'): refused whole, since any
     * split of it would connect with a piece of the password as a host or
     * database name, and print it */
    if (memchr(auth_end, '@', (size_t)(end - auth_end)))
        return fail(url, err, text,
                    "a '@' after the host: in a user name or password, '@', '/', ':', '?' and "
                    "'#' must be percent-encoded (p@ss/w:rd#1 is p%40ss%2Fw%3Ard%231), as must "
                    "a '@' in a database or table name");

    /* credentials: everything up to the last '@' before the path */
    const char *at = NULL;
    for (const char *q = p; q < auth_end; q++)
        if (*q == '@')
            at = q;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *uend = colon ? colon : at;
        if (uend > p && !(url->user = sl_url_decode(p, (size_t)(uend - p))))
            return fail(url, err, text, "bad percent-escape in the user name");
        if (colon && !(url->password = sl_url_decode(colon + 1, (size_t)(at - colon - 1))))
            return fail(url, err, text, "bad percent-escape in the password");
        p = at + 1;
    }

    /* host[:port], host may be [v6] */
    const char *hend = auth_end;
    const char *port = NULL;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(hend - p));
        if (!rb)
            return fail(url, err, text, "unclosed '[' in the host");
        url->host = sl_url_decode(p + 1, (size_t)(rb - p - 1));
        if (rb + 1 < hend) {
            if (rb[1] != ':')
                return fail(url, err, text, "unexpected text after ']'");
            port = rb + 2;
        }
    } else if (memchr(p, ',', (size_t)(hend - p))) {
        if (parse_hosts(url, p, hend) != 0)
            return fail(url, err, text,
                        "a host list is host1,host2[:port] or host1:port1,host2:port2, with no "
                        "empty host and ports from 1 to 65535");
    } else {
        const char *colon = memchr(p, ':', (size_t)(hend - p));
        if (colon)
            port = colon + 1;
        const char *h_end = colon ? colon : hend;
        if (h_end > p)
            url->host = sl_url_decode(p, (size_t)(h_end - p));
    }
    if (port) {
        char *e;
        if (port == hend)
            return fail(url, err, text, "empty port");
        unsigned long v = strtoul(port, &e, 10);
        if (e != hend || v == 0 || v > 65535 || *port < '0' || *port > '9')
            return fail(url, err, text, "the port must be a number from 1 to 65535");
        url->port = (unsigned)v;
    }

    /* /db[/table] */
    if (slash) {
        const char *d = slash + 1;
        const char *s2 = memchr(d, '/', (size_t)(end - d));
        const char *dend = s2 ? s2 : end;
        if (dend > d && !(url->db = sl_url_decode(d, (size_t)(dend - d))))
            return fail(url, err, text, "bad percent-escape in the database name");
        if (s2) {
            const char *t = s2 + 1;
            if (memchr(t, '/', (size_t)(end - t)))
                return fail(url, err, text, "too many '/' parts; expected /db/table");
            if (end > t && !(url->table = sl_url_decode(t, (size_t)(end - t))))
                return fail(url, err, text, "bad percent-escape in the table name");
            if (!url->db && url->table)
                return fail(url, err, text, "a table needs a database");
        }
    }

    /* parameters; unknown ones are refused so typos are not ignored */
    if (query) {
        const char *q = query + 1;
        while (*q) {
            const char *amp = strchr(q, '&');
            size_t n = amp ? (size_t)(amp - q) : strlen(q);
            if (param(url, extra, q, n, err) != 0) {
                char why[200];
                snprintf(why, sizeof why, "%s", err->msg);
                return fail(url, err, text, why);
            }
            q += n + (amp ? 1 : 0);
        }
    }
    return 0;
}

void sl_url_release(struct sl_url *url)
{
    free(url->user);
    free(url->password);
    free(url->host);
    free(url->db);
    free(url->table);
    free(url->socket);
    for (size_t i = 0; i < url->nhosts; i++)
        free(url->hosts[i]);
    free(url->hosts);
    free(url->ports);
    free((char *)url->tls.ca);
    free((char *)url->tls.cert);
    free((char *)url->tls.key);
    memset(url, 0, sizeof *url);
}

char *sl_url_format(const struct sl_url *url, char *out, size_t outlen)
{
    return sl_url_format_as(url, SCHEME, out, outlen);
}

/* "h1,h2,h3:port" or "h1:p1,h2:p2" into out. */
static const char *format_hosts(const struct sl_url *url, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < url->nhosts && n < cap; i++) {
        int w = url->ports[i] ? snprintf(out + n, cap - n, "%s%s:%u", i ? "," : "", url->hosts[i],
                                         url->ports[i])
                              : snprintf(out + n, cap - n, "%s%s", i ? "," : "", url->hosts[i]);
        n += w > 0 ? (size_t)w : 0;
    }
    return out;
}

char *sl_url_format_as(const struct sl_url *url, const char *scheme, char *out, size_t outlen)
{
    char port[16] = "", list[1024];
    int v6 = url->host && strchr(url->host, ':') && url->nhosts == 0;
    int each = url->nhosts && url->ports[0]; /* ports per host */
    if (url->port && !each)
        snprintf(port, sizeof port, ":%u", url->port);
    const char *host = url->nhosts ? format_hosts(url, list, sizeof list) : url->host;
    snprintf(out, outlen, "%s%s%s%s%s%s%s%s%s%s%s%s%s%s", scheme, url->user ? url->user : "",
             url->password ? ":***" : "", url->user || url->password ? "@" : "", v6 ? "[" : "",
             host ? host : "", v6 ? "]" : "", port, url->db ? "/" : "", url->db ? url->db : "",
             url->table ? "/" : "", url->table ? url->table : "", url->socket ? "?socket=" : "",
             url->socket ? url->socket : "");
    return out;
}

int sl_url_split_password(const char *text, char *out, size_t outlen, char **password,
                          struct sl_err *err)
{
    *password = NULL;
    /* a mysql:// URL must parse; another scheme's is only split by the same
     * rule: the credentials end at the last '@' before the path, and the
     * password starts at the first ':' in them */
    if (strncmp(text, SCHEME, strlen(SCHEME)) == 0) {
        struct sl_url u;
        if (sl_url_parse(&u, text, err) != 0)
            return -1;
        sl_url_release(&u);
    }
    size_t skip = sl_url_scheme_len(text);
    if (skip == 0)
        return sl_err_set(err, SL_ERR_FATAL, "not a URL: it must start with a scheme (mysql://)");
    const char *p = text + skip;
    const char *auth_end = p + strcspn(p, "/?");
    const char *at = NULL;
    for (const char *q = p; q < auth_end; q++)
        if (*q == '@')
            at = q;
    const char *colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
    int n;
    if (colon) {
        if (!(*password = sl_url_decode(colon + 1, (size_t)(at - colon - 1))))
            return sl_err_set(err, SL_ERR_FATAL,
                              "invalid URL '%.*s...': bad percent-escape in the password",
                              (int)skip, text);
        n = snprintf(out, outlen, "%.*s%s", (int)(colon - text), text, at);
    } else {
        n = snprintf(out, outlen, "%s", text);
    }
    if (n < 0 || (size_t)n >= outlen) {
        free(*password);
        *password = NULL;
        return sl_err_set(err, SL_ERR_FATAL, "a URL is too long (%d bytes)", n);
    }
    return 0;
}

char *sl_url_password_env(const char *option, char *out, size_t outlen)
{
    size_t n = (size_t)snprintf(out, outlen, "SLUICE_");
    for (const char *c = option; *c && n + 1 < outlen; c++)
        out[n++] = (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : (*c == '-' ? '_' : *c);
    out[n < outlen ? n : outlen - 1] = '\0';
    snprintf(out + strlen(out), outlen - strlen(out), "_PASSWORD");
    return out;
}

int sl_url_parse_for(struct sl_url *url, const char *text, const char *option, struct sl_err *err)
{
    if (sl_url_parse(url, text, err) != 0)
        return -1;
    char name[64];
    const char *pw = url->password ? NULL : getenv(sl_url_password_env(option, name, sizeof name));
    if (pw && !(url->password = strdup(pw))) {
        sl_url_release(url);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    return 0;
}
