#include "sl_tls.h"

#include <stddef.h>
#include <strings.h>

const char *const sl_tls_mode_names[] = {
    "DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY", NULL,
};

int sl_tls_mode_parse(const char *name, enum sl_tls_mode *out)
{
    for (int i = 0; sl_tls_mode_names[i]; i++) {
        if (strcasecmp(name, sl_tls_mode_names[i]) == 0) {
            *out = (enum sl_tls_mode)(SL_TLS_DISABLED + i);
            return 0;
        }
    }
    return -1;
}

const char *sl_tls_mode_name(enum sl_tls_mode mode)
{
    if (mode < SL_TLS_DISABLED || mode > SL_TLS_VERIFY_IDENTITY)
        return "PREFERRED";
    return sl_tls_mode_names[mode - SL_TLS_DISABLED];
}

void sl_tls_merge(struct sl_tls *out, const struct sl_tls *base, const struct sl_tls *over)
{
    static const struct sl_tls none = {SL_TLS_UNSET, NULL, NULL, NULL};
    if (!base)
        base = &none;
    if (!over)
        over = &none;
    out->mode = over->mode != SL_TLS_UNSET ? over->mode : base->mode;
    out->ca = over->ca ? over->ca : base->ca;
    out->cert = over->cert ? over->cert : base->cert;
    out->key = over->key ? over->key : base->key;
}

enum sl_tls_mode sl_tls_effective(const struct sl_tls *t, int over_socket)
{
    if (t && t->mode != SL_TLS_UNSET)
        return t->mode;
    if (t && t->ca)
        return SL_TLS_VERIFY_CA;
    return over_socket ? SL_TLS_DISABLED : SL_TLS_PREFERRED;
}
