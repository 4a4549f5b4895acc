/*
 * sl_create_table: rewriting the text of SHOW CREATE TABLE so a copy of the
 * table can be created elsewhere.
 *
 * The server prints one definition per line, each indented by two spaces:
 *
 *   CREATE TABLE `t` (
 *     `id` int(11) NOT NULL,
 *     `b` varchar(10) DEFAULT NULL,
 *     PRIMARY KEY (`id`),
 *     KEY `b` (`b`)
 *   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ...
 *
 * Everything but the table's name is kept as printed: columns, charset,
 * collation, keys, the AUTO_INCREMENT counter, partitioning. These functions
 * are pure text work, so they are tested without a server.
 */
#ifndef SL_CREATE_TABLE_H
#define SL_CREATE_TABLE_H

#include "sl_buf.h"
#include "sl_err.h"

/* Appends to create the statement that makes `schema`.`table` with the
 * definition printed in show (SHOW CREATE TABLE's text).
 *
 * defer = 0: every definition is kept and alter is left alone.
 * defer = 1: secondary indexes (KEY, UNIQUE KEY, FULLTEXT KEY, SPATIAL KEY)
 * and FOREIGN KEY constraints are left out of create, which keeps the
 * columns, the primary key and CHECK constraints; alter gets the one ALTER
 * TABLE that adds them back, in their printed order, or stays empty when
 * there are none. Adding them in that order gives back the same SHOW CREATE
 * TABLE text.
 *
 * Returns 0, or -1 with err set if show is not in the expected shape. */
int sl_create_table_rewrite(const char *show, const char *schema, const char *table, int defer,
                            struct sl_buf *create, struct sl_buf *alter, struct sl_err *err);

#endif
