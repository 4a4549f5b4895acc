/*
 * sl_errno: the one table of what a MySQL or MariaDB error number means to
 * sluice. Every command classifies server and client errors here, so that
 * load, copy, extract and bench agree on what is worth a retry, what leaves
 * the connection gone, and what is one row's fault.
 */
#ifndef SL_ERRNO_H
#define SL_ERRNO_H

#include "sl_err.h"

/* SL_ERR_RETRYABLE for errors that may pass when the work is tried again
 * (deadlock, lock wait timeout, a lost or killed connection, a server that
 * is restarting or full), else SL_ERR_FATAL. */
enum sl_err_kind sl_errno_kind(unsigned server_errno);

/* True for errors after which the connection cannot be used: it must be
 * opened again (a lost, killed or timed-out connection, a server shutting
 * down). A deadlock or lock wait timeout leaves it usable. */
int sl_errno_conn_gone(unsigned server_errno);

/* True for errors that are one row's fault, never the statement's: a bad
 * value, a duplicate key, a NULL in a NOT NULL column, a failed foreign-key
 * or CHECK constraint. Only these may be isolated to a row and rejected. */
int sl_errno_is_row_error(unsigned server_errno);

#endif
