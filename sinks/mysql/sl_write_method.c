/* Choosing the write method. See sl_write_method.h. */
#include "sl_write_method.h"

#include <stdio.h>
#include <string.h>

#include "sl_bulk.h"
#include "sl_conn.h"

const char *const sl_method_choice_names[] = {"insert", "load-data", "bulk", "auto", NULL};

const char *sl_write_method_name(enum sl_write_method m)
{
    return m == SL_METHOD_LOAD_DATA ? "load-data" : m == SL_METHOD_BULK ? "bulk" : "insert";
}

static int read_flag(void *ctx, char **vals, unsigned long *lens, unsigned n)
{
    (void)lens;
    *(int *)ctx = n >= 1 && vals[0] && (strcmp(vals[0], "1") == 0 || strcmp(vals[0], "ON") == 0);
    return 0;
}

int sl_write_method_pick(MYSQL *m, enum sl_method_choice c, enum sl_insert_verb verb,
                         enum sl_write_method *out, char *why, size_t cap, struct sl_err *err)
{
    *out = SL_METHOD_INSERT;
    if (cap)
        why[0] = '\0';
    if (c == SL_CHOOSE_INSERT)
        return 0;
    if (c == SL_CHOOSE_BULK) {
        if (!sl_bulk_supported(m))
            return sl_err_set(err, SL_ERR_FATAL,
                              "--method bulk: the server does not take array binding (MariaDB "
                              "10.2 or later does); use --method insert or auto");
        *out = SL_METHOD_BULK;
        return 0;
    }
    const char *refused = NULL;
    int on = 0;
    if (verb == SL_VERB_UPSERT)
        refused = "LOAD DATA cannot upsert (--mode upsert)";
    else if (sl_conn_select(m, "SELECT @@GLOBAL.local_infile", NULL, 0, read_flag, &on, err) != 0)
        return -1;
    else if (!on)
        refused = "the server refuses LOAD DATA LOCAL (local_infile is OFF)";
    if (!refused) {
        *out = SL_METHOD_LOAD_DATA;
        return 0;
    }
    if (c == SL_CHOOSE_LOAD_DATA)
        return sl_err_set(err, SL_ERR_FATAL, "--method load-data: %s; use --method insert or auto",
                          refused);
    snprintf(why, cap, "%s", refused);
    if (sl_bulk_supported(m))
        *out = SL_METHOD_BULK;
    return 0;
}
