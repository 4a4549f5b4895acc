/*
 * sl_local_infile: the only data a server may read from sluice with LOAD
 * DATA LOCAL INFILE.
 *
 * A server asks the client for the file a LOAD DATA LOCAL statement names,
 * and a client that serves files from disk would send whatever a hostile
 * server asks for. sluice never serves a file: every connection gets
 * sl_local_infile_guard(), which refuses every request, and a writer that
 * sends LOAD DATA LOCAL offers one buffer in memory, under one fixed name,
 * for the length of that statement (sl_local_infile_offer). A request for
 * any other name, or when nothing is offered, is refused.
 */
#ifndef SL_LOCAL_INFILE_H
#define SL_LOCAL_INFILE_H

#include <mysql.h>
#include <stddef.h>

/* The name a LOAD DATA LOCAL statement of sluice gives its data. */
#define SL_LOCAL_INFILE_NAME "sluice-stream"

/* One offer: the bytes a server may read once, under SL_LOCAL_INFILE_NAME. */
struct sl_local_infile {
    const char *data;
    size_t len;
    size_t pos;        /* how far the server has read */
    int asked;         /* set once the server asked for the offered name */
    char refused[256]; /* the name of a refused request, "" if none */
};

/* Registers the handler that refuses every request on m. */
void sl_local_infile_guard(MYSQL *m);

/* Offers len bytes at data to the next LOAD DATA LOCAL on m; o must stay
 * valid until sl_local_infile_withdraw(). */
void sl_local_infile_offer(MYSQL *m, struct sl_local_infile *o, const char *data, size_t len);

/* Ends the offer: m refuses every request again. */
void sl_local_infile_withdraw(MYSQL *m);

#endif
