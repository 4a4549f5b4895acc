#include "sl_errno.h"

#include <stddef.h>

enum {
    RETRY = 1, /* worth trying the transaction again */
    GONE = 2,  /* the connection is lost: open it again first */
    ROW = 4,   /* one row's fault */
};

static const struct {
    unsigned code;
    unsigned flags;
} table[] = {
    /* transient: the transaction is rolled back, the connection stays */
    {1205, RETRY}, /* ER_LOCK_WAIT_TIMEOUT */
    {1213, RETRY}, /* ER_LOCK_DEADLOCK */
    /* the connection is gone or never came */
    {1040, RETRY | GONE}, /* ER_CON_COUNT_ERROR: too many connections */
    {1047, RETRY | GONE}, /* ER_UNKNOWN_COM_ERROR: "WSREP has not yet prepared node for
                             application use" (a Galera node out of the cluster) */
    {1053, RETRY | GONE}, /* ER_SERVER_SHUTDOWN */
    {1180, RETRY | GONE}, /* ER_ERROR_DURING_COMMIT: on Galera, a node that is not in the
                             primary component for a moment; a checkpoint settles whether
                             the COMMIT went through before the chunk is written again */
    {1927, RETRY | GONE}, /* ER_CONNECTION_KILLED (MariaDB) */
    {2002, RETRY | GONE}, /* CR_CONNECTION_ERROR: socket not there (restarting) */
    {2003, RETRY | GONE}, /* CR_CONN_HOST_ERROR */
    {2006, RETRY | GONE}, /* CR_SERVER_GONE_ERROR */
    {2013, RETRY | GONE}, /* CR_SERVER_LOST */
    {2055, RETRY | GONE}, /* CR_SERVER_LOST_EXTENDED */
    {4031, RETRY | GONE}, /* ER_CLIENT_INTERACTION_TIMEOUT: idle too long (MySQL 8) */
    /* one row's fault */
    {1022, ROW}, /* ER_DUP_KEY */
    {1048, ROW}, /* ER_BAD_NULL_ERROR */
    {1062, ROW}, /* ER_DUP_ENTRY */
    {1216, ROW}, /* ER_NO_REFERENCED_ROW */
    {1263, ROW}, /* ER_WARN_NULL_TO_NOTNULL */
    {1264, ROW}, /* ER_WARN_DATA_OUT_OF_RANGE */
    {1265, ROW}, /* WARN_DATA_TRUNCATED */
    {1292, ROW}, /* ER_TRUNCATED_WRONG_VALUE */
    {1300, ROW}, /* ER_INVALID_CHARACTER_STRING */
    {1365, ROW}, /* ER_DIVISION_BY_ZERO */
    {1366, ROW}, /* ER_TRUNCATED_WRONG_VALUE_FOR_FIELD */
    {1367, ROW}, /* ER_ILLEGAL_VALUE_FOR_TYPE */
    {1406, ROW}, /* ER_DATA_TOO_LONG */
    {1411, ROW}, /* ER_WRONG_VALUE_FOR_TYPE */
    {1452, ROW}, /* ER_NO_REFERENCED_ROW_2 */
    {1557, ROW}, /* ER_FOREIGN_DUPLICATE_KEY */
    {1586, ROW}, /* ER_DUP_ENTRY_WITH_KEY_NAME */
    {1690, ROW}, /* ER_DATA_OUT_OF_RANGE */
    {1859, ROW}, /* ER_DUP_UNKNOWN_IN_INDEX */
    {3140, ROW}, /* ER_INVALID_JSON_TEXT (MySQL) */
    {3819, ROW}, /* ER_CHECK_CONSTRAINT_VIOLATED (MySQL) */
    {4025, ROW}, /* ER_CONSTRAINT_FAILED (MariaDB CHECK) */
};

static unsigned flags_of(unsigned code)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].code == code)
            return table[i].flags;
    return 0;
}

enum sl_err_kind sl_errno_kind(unsigned server_errno)
{
    return (flags_of(server_errno) & RETRY) ? SL_ERR_RETRYABLE : SL_ERR_FATAL;
}

int sl_errno_conn_gone(unsigned server_errno)
{
    return (flags_of(server_errno) & GONE) != 0;
}

int sl_errno_is_row_error(unsigned server_errno)
{
    return (flags_of(server_errno) & ROW) != 0;
}
