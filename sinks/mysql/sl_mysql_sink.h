/*
 * sl_mysql_sink: the MySQL sink, each writer a chunk writer
 * (sl_chunk_writer.h) on a connection of its own: multi-row prepared
 * INSERTs with every value bound, chunked transactions, retries with
 * replay, rows the server refuses isolated and rejected, and checkpoints
 * recorded in the chunk's own transaction.
 */
#ifndef SL_MYSQL_SINK_H
#define SL_MYSQL_SINK_H

#include <mysql.h>
#include <stddef.h>

#include "sl_checkpoint.h"
#include "sl_conn.h"
#include "sl_insert_plan.h"
#include "sl_mysql_writer.h"
#include "sl_sink_ops.h"

/* Where one unit's rows go, for a sink that writes several tables. */
struct sl_mysql_sink_unit {
    const struct sl_insert_target *target;
    const char *ckpt_db; /* the database of its checkpoints, or NULL: none */
};

struct sl_mysql_sink {
    const struct sl_conn_opts *conn_opts;  /* for reconnecting */
    MYSQL **conns;                         /* one per writer, opened or NULL (the first write
                                              connects); a reconnect replaces its entry, and the
                                              caller closes them at the end */
    const struct sl_insert_target *target; /* where every batch goes, unless units or
                                              writer_targets */
    const struct sl_insert_target *writer_targets; /* or one per writer (by its index): a
                                                      table per thread */
    const char *ckpt_db;                    /* and the database of its checkpoints, or NULL */
    const struct sl_mysql_sink_unit *units; /* or per unit (b->source): a chunk holds rows of
                                              one unit, and is committed when the unit changes */
    const struct sl_checkpoint_job *jobs;   /* per unit; an entry without a hash, or NULL:
                                               not checkpointed */
    const char *session_sql;                /* run on each new connection, or NULL */
    enum sl_write_method method;            /* INSERT or LOAD DATA LOCAL (conn_opts must
                                               allow it) */
    size_t stmt_rows;                       /* rows per INSERT */
    size_t max_packet;                      /* the server's max_allowed_packet */
    unsigned retries;                       /* attempts after the first */
    double retry_max_seconds;               /* give up once retrying has taken this long */
    _Atomic uint64_t *host_rows;            /* per host of a cluster URL: rows committed
                                               through it; NULL */
    const unsigned *conn_hosts;             /* per writer: the host its conns[] entry was
                                               opened on; NULL: host 0 */
};

/* The sink's operations; the sink pointer they take is a struct
 * sl_mysql_sink. */
extern const struct sl_sink_ops sl_mysql_sink_ops;

#endif
