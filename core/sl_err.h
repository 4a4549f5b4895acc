/*
 * sl_err: the error value every layer of sluice fills in and returns.
 *
 * A function that can fail takes a `struct sl_err *` as its last argument,
 * returns non-zero (or NULL) on failure and describes the failure there. Only
 * the loader decides what to print and which exit code follows; nothing below
 * it prints or exits.
 *
 * The kind tells the caller what can be done about the failure:
 *   SL_ERR_FATAL      the run cannot go on (bad option, lost file, server down)
 *   SL_ERR_RETRYABLE  the same work may succeed if tried again (deadlock, ...)
 *   SL_ERR_ROW        one input row is bad; the rest of the input is fine
 */
#ifndef SL_ERR_H
#define SL_ERR_H

#include <stdarg.h>

enum sl_err_kind {
    SL_ERR_NONE = 0,
    SL_ERR_FATAL,
    SL_ERR_RETRYABLE,
    SL_ERR_ROW,
};

#define SL_ERR_MSG_MAX 1024

struct sl_err {
    enum sl_err_kind kind;
    unsigned server_errno; /* MySQL/MariaDB error number, 0 if none */
    char sqlstate[6];      /* "" if none */
    char msg[SL_ERR_MSG_MAX];
};

/* Clears err to "no error". */
void sl_err_clear(struct sl_err *err);

/* Sets kind and a printf-style message (truncated to SL_ERR_MSG_MAX - 1).
 * server_errno and sqlstate are reset. Always returns -1 so callers can write
 * `return sl_err_set(...)`. err may be NULL, in which case nothing is stored. */
int sl_err_set(struct sl_err *err, enum sl_err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like sl_err_set, but records a server error number and SQLSTATE too. */
int sl_err_set_server(struct sl_err *err, enum sl_err_kind kind, unsigned server_errno,
                      const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Puts `prefix: ` in front of the existing message, keeping kind and codes.
 * Used by outer layers to add context such as the file name. */
void sl_err_prefix(struct sl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds text to the end of the existing message (as far as it fits),
 * keeping kind and codes. */
void sl_err_suffix(struct sl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
