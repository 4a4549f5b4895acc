/*
 * sl_server_msg: reading the row and column out of a server error message.
 *
 * For a multi-row INSERT, MySQL and MariaDB say which row and column they
 * refused in the message text, e.g.
 *   Incorrect integer value: 'x' for column `shop`.`orders`.`qty` at row 3
 *   Incorrect integer value: 'x' for column 'qty' at row 3
 *   Data too long for column 'name' at row 2
 *   Column 'qty' cannot be null
 * so that sluice can name the exact input line.
 */
#ifndef SL_SERVER_MSG_H
#define SL_SERVER_MSG_H

#include <stddef.h>

/* Returns the 1-based row number after "at row ", or 0 if there is none. */
unsigned long sl_server_msg_row(const char *msg);

/* Copies the (last part of the) column name after "column " into out and
 * returns 1, or returns 0 and sets out to "" if the message names none. */
int sl_server_msg_column(const char *msg, char *out, size_t outlen);

#endif
