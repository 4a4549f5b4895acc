#include "sl_check.h"

#include <stdlib.h>
#include <string.h>

#include "sl_privs.h"

struct text {
    char v[256];
};

static int first_value(void *ctx, char **vals, unsigned long *lens, unsigned nvals)
{
    (void)lens;
    struct text *t = ctx;
    snprintf(t->v, sizeof t->v, "%s", nvals && vals[0] ? vals[0] : "");
    return 0;
}

/* Reads a global or session value into t ("" when absent). */
static int read_value(MYSQL *m, const char *sql, struct text *t, struct sl_err *err)
{
    t->v[0] = '\0';
    return sl_conn_select(m, sql, NULL, 0, first_value, t, err);
}

int sl_check_conn(FILE *out, const char *label, const struct sl_conn_opts *co,
                  const struct sl_check_need *needs, size_t nneeds, struct sl_err *err)
{
    char where[512];
    sl_url_format(co->url, where, sizeof where);
    fprintf(out, "%s: %s\n", label, where);
    MYSQL *m;
    if (sl_conn_open(&m, co, err) != 0) {
        fprintf(out, "  FAILED            %s\n", err->msg);
        return -1;
    }
    struct text version, tls_version, infile;
    unsigned long long packet = 0;
    int rc = 0;
    if (read_value(m, "SELECT VERSION()", &version, err) != 0 ||
        read_value(m,
                   "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                   "WHERE VARIABLE_NAME = 'SSL_VERSION'",
                   &tls_version, err) != 0 ||
        read_value(m, "SELECT @@GLOBAL.local_infile", &infile, err) != 0 ||
        sl_conn_read_var(m, "max_allowed_packet", &packet, err) != 0) {
        fprintf(out, "  FAILED            %s\n", err->msg);
        sl_conn_close(m);
        return -1;
    }
    const char *cipher = sl_conn_tls_cipher(m);
    struct sl_tls tls;
    sl_tls_merge(&tls, co->tls, &co->url->tls);
    fprintf(out, "  server            %s\n", version.v);
    if (cipher)
        fprintf(out, "  tls               %s, cipher %s (ssl-mode %s)\n",
                tls_version.v[0] ? tls_version.v : "yes", cipher,
                sl_tls_mode_name(sl_tls_effective(&tls, co->url->socket != NULL)));
    else
        fprintf(out, "  tls               no: plain text (ssl-mode %s)\n",
                sl_tls_mode_name(sl_tls_effective(&tls, co->url->socket != NULL)));
    fprintf(out, "  max_allowed_packet %llu (%.1f MB)\n", packet, (double)packet / 1048576.0);
    fprintf(out, "  local_infile      %s\n", strcmp(infile.v, "1") == 0 ? "ON" : "OFF");
    for (size_t i = 0; i < nneeds; i++) {
        char missing[256];
        int n = sl_privs_missing(m, needs[i].db, needs[i].table, needs[i].privs, missing,
                                 sizeof missing, err);
        if (n < 0) {
            fprintf(out, "  FAILED            %s\n", err->msg);
            rc = -1;
            break;
        }
        fprintf(out, "  %-17s %s: ", i == 0 ? "privileges" : "", needs[i].what);
        if (n == 0) {
            fprintf(out, "ok (%s)\n", needs[i].privs);
        } else {
            fprintf(out, "MISSING %s\n", missing);
            rc = 1;
        }
    }
    sl_conn_close(m);
    return rc;
}
