/*
 * sl_secret_file: whether a file that holds a password is open to other
 * users, so that sluice can warn as the mysql client does.
 */
#ifndef SL_SECRET_FILE_H
#define SL_SECRET_FILE_H

/* Returns 1 when path can be read by its group or by others, with its
 * permission bits in *mode; 0 when it cannot, or cannot be examined. */
int sl_file_readable_by_others(const char *path, unsigned *mode);

/* Returns 1 when the MySQL option file at path sets a password in any
 * group (a line "password" or "password = ..."), 0 when not or when it
 * cannot be read. */
int sl_option_file_has_password(const char *path);

#endif
