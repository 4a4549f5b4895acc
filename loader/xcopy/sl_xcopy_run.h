/*
 * The private state of one cross-engine copy, shared by sl_xcopy.c (the
 * plan), sl_xcopy_schema.c (types and DDL), sl_xcopy_stage.c (the run on
 * the engine) and sl_xcopy_verify.c (the target's sums and the
 * comparison). Not an interface for other modules.
 */
#ifndef SL_XCOPY_RUN_H
#define SL_XCOPY_RUN_H

#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>

#include "sl_conn.h"
#include "sl_copy.h"
#include "sl_foreign.h"
#include "sl_insert_plan.h"
#include "sl_key_ranges.h"
#include "sl_url.h"

/* One table: its description, where it goes, its ranges and their sums. */
struct xtable {
    struct sl_ftable ft;
    const char *dst; /* the target table's name */
    char label[300]; /* the source table, as messages name it: "public.orders" */
    int exists;      /* it existed before the copy */
    int skip;        /* --if-exists skip */
    int was_empty;   /* it held no row before (so the copy can be compared) */
    struct sl_key_ranges ranges;
    struct sl_canon_sum *src;     /* per range: what the readers handed on */
    struct sl_canon_sum *rej;     /* per range: rows the target refused (under xrun.mu) */
    struct sl_canon_sum *dst_sum; /* per range: what the target holds */
    unsigned char *summed;        /* per range: dst_sum is known */
    enum sl_canon *canon;         /* per column */
    char **cols;                  /* column names (pointers into ft) */
    struct sl_insert_target target;
    int create;             /* the copy creates it (new, or --if-exists drop) */
    char *create_sql;       /* then: its CREATE TABLE */
    int defer;              /* its other indexes are added after the rows */
    char *add_indexes;      /* then: ALTER TABLE ... ADD INDEX ..., or NULL */
    _Atomic uint64_t rows;  /* committed */
    _Atomic uint64_t bytes; /* of them, value bytes */
    int failed;
    char note[SL_ERR_MSG_MAX];
};

struct xrun {
    const struct sl_copy_config *c;
    const struct sl_foreign_ops *ops;
    void *src;         /* the foreign source's handle */
    unsigned nreaders; /* --readers, or fewer when the source allows fewer */
    struct sl_url to;
    struct sl_conn_opts co;
    MYSQL *ctl;   /* the target's control connection */
    int has_uuid; /* the target has a UUID type (MariaDB 10.7 and later) */
    struct xtable *t;
    size_t nt;
    pthread_mutex_t mu;
    FILE *log;
};

/* Runs the engine over every table to copy (sl_xcopy_stage.c): fills in
 * the source's range sums, the rows each table committed, and res's
 * started, interrupted, retries, rejected and method. Returns 0, or -1
 * with err set (or res->interrupted). */
int sl_xcopy_stage(struct xrun *r, struct sl_copy_result *res, struct sl_err *err);

/* Compares each table's ranges on both sides and fills in res->tables'
 * verdicts and notes (a FAIL names the first range that differs). */
void sl_xcopy_compare(struct xrun *r, struct sl_copy_result *res);

/* Prints a PASS line (unless quiet) or a FAIL line per compared table. */
void sl_xcopy_report_lines(struct xrun *r, const struct sl_copy_result *res);

/* Applies --type-map (c->type_map) to every column of t, and the target's
 * own limits (UUID). Returns 0, or -1 with err set (a bad --type-map). */
int sl_xcopy_map_types(struct xrun *r, struct sl_ftable *t, struct sl_err *err);

/* The CREATE TABLE for xt on the target, into xt->create_sql: with its
 * primary key only when xt->defer, and then the ALTER TABLE that adds its
 * other indexes into xt->add_indexes; else with every index. What it
 * leaves out is noted in xt->ft.
 * Returns 0, or -1 with err set. */
int sl_xcopy_create_sql(const struct xrun *r, struct xtable *xt, struct sl_err *err);

/* Sums up range `range` of table `table` on the target over m (q is
 * scratch space), into its dst_sum, and marks it summed. Returns 0, or -1
 * with err set. */
int sl_xcopy_sum_range(struct xrun *r, MYSQL *m, size_t table, uint64_t range, struct sl_buf *q,
                       struct sl_err *err);

/* Sums up every range not summed yet of every table that is to be compared
 * on the target, with nthreads connections. Returns 0, or -1 with err
 * set. */
int sl_xcopy_sum_target(struct xrun *r, unsigned nthreads, struct sl_err *err);

#endif
