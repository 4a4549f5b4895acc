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

/* The statements that make a copy of a table (see sl_create_table_rewrite).
 * Each buffer holds one statement, or nothing. */
struct sl_create_sql {
    struct sl_buf create;    /* CREATE TABLE with every definition */
    struct sl_buf drop_fks;  /* ALTER TABLE .. DROP FOREIGN KEY .. (deferred only) */
    struct sl_buf drop_keys; /* ALTER TABLE .. DROP INDEX .. (deferred only) */
    struct sl_buf add;       /* ALTER TABLE .. ADD ..: what the drops took (deferred only) */
    unsigned fks;            /* FOREIGN KEY constraints in the definition */
};

/* What sl_create_table_rewrite() defers to after the rows. */
enum sl_rewrite_defer {
    SL_REWRITE_KEEP,       /* nothing */
    SL_REWRITE_DEFER_ALL,  /* every secondary index and foreign key (a copy's new table) */
    SL_REWRITE_NON_UNIQUE, /* the secondary indexes that are not unique (KEY, FULLTEXT,
                              SPATIAL): taking them off changes no write's outcome (a
                              load into an existing table) */
};

/* Empty buffers of at most max bytes each; released by sl_create_sql_release. */
void sl_create_sql_init(struct sl_create_sql *s, size_t max);
void sl_create_sql_release(struct sl_create_sql *s);

/* Fills s (empty on entry) with the statements that make `schema`.`table`
 * with the definition printed in show (SHOW CREATE TABLE's text).
 *
 * create always keeps every definition, so that running it proves the
 * target accepts them all.
 *
 * SL_REWRITE_KEEP: the other three stay empty.
 * SL_REWRITE_NON_UNIQUE: as below, for the non-unique indexes only.
 * SL_REWRITE_DEFER_ALL: secondary indexes (KEY, UNIQUE KEY, FULLTEXT KEY, SPATIAL KEY)
 * and FOREIGN KEY constraints are deferred: drop_fks and drop_keys take them
 * off the new, empty table (the primary key, the columns and CHECK
 * constraints stay), and add puts them back, in their printed order, once
 * the rows are in. Adding them in that order gives back the same SHOW CREATE
 * TABLE text. Each of the three stays empty when it has nothing to do. When
 * several tables are made at once, every drop_fks runs before any drop_keys,
 * since a foreign key may need another table's index.
 *
 * Returns 0, or -1 with err set if show is not in the expected shape or a
 * statement outgrows its buffer. */
int sl_create_table_rewrite(const char *show, const char *schema, const char *table,
                            enum sl_rewrite_defer defer, struct sl_create_sql *s,
                            struct sl_err *err);

#endif
