/*
 * sl_tls: how a connection uses TLS, named as MySQL's --ssl-mode does.
 *
 *   DISABLED         plain text
 *   PREFERRED        TLS when the server offers it, else plain text (the
 *                    default over TCP; no certificate is checked unless
 *                    --ssl-ca is given)
 *   REQUIRED         TLS or no connection; the certificate is checked only
 *                    when --ssl-ca is given
 *   VERIFY_CA        TLS, and the server's certificate must chain to --ssl-ca
 *   VERIFY_IDENTITY  as VERIFY_CA, and the certificate must also name the
 *                    host sluice connected to
 *
 * Settings come from the command line (for every connection of a command)
 * and from a URL's ?ssl-mode=&ssl-ca=... parameters, which win.
 */
#ifndef SL_TLS_H
#define SL_TLS_H

enum sl_tls_mode {
    SL_TLS_UNSET = 0, /* not given: see sl_tls_effective() */
    SL_TLS_DISABLED,
    SL_TLS_PREFERRED,
    SL_TLS_REQUIRED,
    SL_TLS_VERIFY_CA,
    SL_TLS_VERIFY_IDENTITY,
};

struct sl_tls {
    enum sl_tls_mode mode;
    const char *ca;   /* PEM file of the certificate authorities, or NULL */
    const char *cert; /* PEM file of the client's certificate, or NULL */
    const char *key;  /* PEM file of the client's private key, or NULL */
};

/* The mode names, in enum order from SL_TLS_DISABLED, NULL-terminated. */
extern const char *const sl_tls_mode_names[];

/* Parses a mode name (ASCII case ignored) into *out. Returns 0 or -1. */
int sl_tls_mode_parse(const char *name, enum sl_tls_mode *out);

/* The name of a mode; "PREFERRED" for SL_TLS_UNSET. */
const char *sl_tls_mode_name(enum sl_tls_mode mode);

/* Fills out with over's settings where given, else base's. Either may be
 * NULL. The strings are shared, not copied. */
void sl_tls_merge(struct sl_tls *out, const struct sl_tls *base, const struct sl_tls *over);

/* The mode a connection really uses: an unset mode becomes VERIFY_CA when a
 * CA is given, else DISABLED over a unix socket and PREFERRED otherwise. */
enum sl_tls_mode sl_tls_effective(const struct sl_tls *t, int over_socket);

#endif
