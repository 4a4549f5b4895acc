#include "sl_err.h"

#include <stdio.h>
#include <string.h>

void sl_err_clear(struct sl_err *err)
{
    err->kind = SL_ERR_NONE;
    err->server_errno = 0;
    err->sqlstate[0] = '\0';
    err->msg[0] = '\0';
}

static void set_msg(struct sl_err *err, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

int sl_err_set(struct sl_err *err, enum sl_err_kind kind, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    sl_err_clear(err);
    err->kind = kind;
    va_start(ap, fmt);
    set_msg(err, fmt, ap);
    va_end(ap);
    return -1;
}

int sl_err_set_server(struct sl_err *err, enum sl_err_kind kind, unsigned server_errno,
                      const char *sqlstate, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    sl_err_clear(err);
    err->kind = kind;
    err->server_errno = server_errno;
    if (sqlstate)
        snprintf(err->sqlstate, sizeof err->sqlstate, "%s", sqlstate);
    va_start(ap, fmt);
    set_msg(err, fmt, ap);
    va_end(ap);
    return -1;
}

void sl_err_prefix(struct sl_err *err, const char *fmt, ...)
{
    char prefix[SL_ERR_MSG_MAX];
    char old[SL_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
}

void sl_err_suffix(struct sl_err *err, const char *fmt, ...)
{
    size_t len = strlen(err->msg);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + len, sizeof err->msg - len, fmt, ap);
    va_end(ap);
}
