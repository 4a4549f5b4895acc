#include "sl_privs.h"

#include <stdio.h>
#include <string.h>

#include "sl_conn.h"

#define MAX_HELD 64

struct held {
    char names[MAX_HELD][32];
    size_t n;
};

static int add_held(void *ctx, char **vals, unsigned long *lens, unsigned nvals)
{
    (void)lens;
    struct held *h = ctx;
    if (nvals >= 1 && vals[0] && h->n < MAX_HELD)
        snprintf(h->names[h->n++], sizeof h->names[0], "%s", vals[0]);
    return 0;
}

static int holds(const struct held *h, const char *priv, size_t len)
{
    for (size_t i = 0; i < h->n; i++)
        if (strlen(h->names[i]) == len && strncmp(h->names[i], priv, len) == 0)
            return 1;
    return 0;
}

int sl_privs_missing(MYSQL *m, const char *db, const char *table, const char *need, char *missing,
                     size_t missing_len, struct sl_err *err)
{
    /* GRANTEE is spelled 'user'@'host'; CURRENT_USER() is user@host */
    static const char grantee[] = "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
                                  "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = %s "
             "UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES "
             "WHERE GRANTEE = %s AND ? LIKE TABLE_SCHEMA "
             "UNION SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES "
             "WHERE GRANTEE = %s AND TABLE_SCHEMA = ? AND TABLE_NAME = ?",
             grantee, grantee, grantee);
    const char *params[] = {db ? db : "", db ? db : "", table ? table : ""};
    struct held h = {.n = 0};
    if (sl_conn_select(m, sql, params, 3, add_held, &h, err) != 0)
        return -1;
    int n = 0;
    size_t used = 0;
    missing[0] = '\0';
    for (const char *p = need; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len && !holds(&h, p, len)) {
            int w =
                snprintf(missing + used, missing_len - used, "%s%.*s", n ? ", " : "", (int)len, p);
            if (w > 0 && (size_t)w < missing_len - used)
                used += (size_t)w;
            n++;
        }
        p += len + (comma ? 1 : 0);
    }
    return n;
}
