/*
 * sl_check: what `sluice check` reports about one connection: whether it
 * opens (with its TLS settings), the server's version, the TLS protocol and
 * cipher in use, max_allowed_packet, local_infile, and for each piece of
 * work that will use it, the privileges that work needs and lacks.
 */
#ifndef SL_CHECK_H
#define SL_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "sl_conn.h"

/* One piece of work on a connection and the privileges it needs. */
struct sl_check_need {
    const char *what;  /* e.g. "step orders: load into shop.orders" */
    const char *db;    /* NULL: global privileges only */
    const char *table; /* NULL: on the database */
    const char *privs; /* "SELECT,INSERT" */
};

/* Connects with co and prints the report under the heading label. Returns
 * 0 when the connection opened and no privilege is missing, 1 when a
 * privilege is missing, or -1 when the connection failed (the reason is
 * printed, and also left in err). */
int sl_check_conn(FILE *out, const char *label, const struct sl_conn_opts *co,
                  const struct sl_check_need *needs, size_t nneeds, struct sl_err *err);

#endif
