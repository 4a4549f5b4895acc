/*
 * PostgreSQL as a foreign source: see sl_pg.h.
 */
#include "sl_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_pg_catalog.h"
#include "sl_pg_conn.h"
#include "sl_pg_source.h"

/* A batch is handed on once its values pass this many bytes. */
#define PG_BATCH_BYTES (1024 * 1024)

struct pg {
    struct sl_pg_target t;
    PGconn *leader;
    char *snapshot; /* the exported snapshot's id */
};

static const char begin_sql[] = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

static void pg_close(void *h)
{
    struct pg *p = h;
    if (!p)
        return;
    if (p->leader)
        PQfinish(p->leader);
    free(p->snapshot);
    sl_pg_target_release(&p->t);
    free(p);
}

static int pg_open(const char *url, const char *option, void **out, struct sl_err *err)
{
    struct pg *p = calloc(1, sizeof *p);
    if (!p)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    if (sl_pg_target_parse(&p->t, url, option, err) != 0) {
        free(p);
        return -1;
    }
    if (!(p->leader = sl_pg_connect(&p->t, err))) {
        pg_close(p);
        return -1;
    }
    PGresult *r = NULL;
    if (sl_pg_exec(p->leader, begin_sql, err) != 0 ||
        !(r = sl_pg_query(p->leader, "SELECT pg_export_snapshot()", 0, NULL, err))) {
        sl_err_prefix(err, "starting a snapshot on %s", p->t.shown);
        pg_close(p);
        return -1;
    }
    p->snapshot = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!p->snapshot) {
        pg_close(p);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    *out = p;
    return 0;
}

static const char *pg_shown(void *h)
{
    return ((struct pg *)h)->t.shown;
}

static const char *pg_url_table(void *h)
{
    return ((struct pg *)h)->t.table;
}

static int pg_list(void *h, const char *filter, char ***names, size_t *n, struct sl_err *err)
{
    struct pg *p = h;
    if (p->t.table && filter)
        return sl_err_set(err, SL_ERR_FATAL, "--from names a table and --tables is given: use one");
    int rc = sl_pg_list(p->leader, p->t.schema, p->t.table ? p->t.table : filter, names, n, err);
    if (rc != 0 && p->t.table && strstr(err->msg, "no source table matches"))
        return sl_err_set(err, SL_ERR_FATAL, "table %s.%s does not exist on the source",
                          p->t.schema, p->t.table);
    return rc;
}

static int pg_describe(void *h, const char *name, struct sl_ftable *t, struct sl_err *err)
{
    struct pg *p = h;
    return sl_pg_describe(p->leader, p->t.schema, name, t, err);
}

static int pg_key_span(void *h, const struct sl_ftable *t, const char *where, char **min,
                       char **max, struct sl_err *err)
{
    struct pg *p = h;
    return sl_pg_key_span(p->leader, t, where, min, max, err);
}

struct pg_readers {
    struct sl_pg_source src;
};

static void pg_reader_source_free(void *source)
{
    struct pg_readers *rs = source;
    if (!rs)
        return;
    for (unsigned i = 0; i < rs->src.nconns; i++)
        if (rs->src.conns[i])
            PQfinish(rs->src.conns[i]);
    free(rs->src.conns);
    free(rs);
}

static int pg_reader_source(void *h, const struct sl_funit *units, size_t nunits,
                            const struct sl_fsplit *splits, uint64_t nsplits, unsigned nreaders,
                            int keep_raw, void **source, const struct sl_source_ops **ops,
                            struct sl_err *err)
{
    struct pg *p = h;
    struct pg_readers *rs = calloc(1, sizeof *rs);
    PGconn **conns = calloc(nreaders ? nreaders : 1, sizeof *conns);
    if (!rs || !conns) {
        free(rs);
        free(conns);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    rs->src = (struct sl_pg_source){
        .sp = {.units = units, .nunits = nunits, .splits = splits, .nsplits = nsplits},
        .conns = conns,
        .nconns = nreaders,
        .batch_bytes = PG_BATCH_BYTES,
        .keep_raw = keep_raw,
    };
    atomic_init(&rs->src.sp.next, 0);
    char *set = PQescapeLiteral(p->leader, p->snapshot, strlen(p->snapshot));
    char sql[160];
    snprintf(sql, sizeof sql, "SET TRANSACTION SNAPSHOT %s", set ? set : "''");
    PQfreemem(set);
    for (unsigned i = 0; i < nreaders; i++) {
        if (!(conns[i] = sl_pg_connect(&p->t, err)) || sl_pg_exec(conns[i], begin_sql, err) != 0 ||
            sl_pg_exec(conns[i], sql, err) != 0) {
            sl_err_prefix(err, "opening reader %u in the snapshot", i + 1);
            pg_reader_source_free(rs);
            return -1;
        }
    }
    *source = &rs->src; /* its first member: pg_reader_source_free takes it back */
    *ops = &sl_pg_source_ops;
    return 0;
}

const struct sl_foreign_ops sl_pg_foreign_ops = {
    .name = "postgresql",
    .open = pg_open,
    .shown = pg_shown,
    .url_table = pg_url_table,
    .list = pg_list,
    .describe = pg_describe,
    .key_span = pg_key_span,
    .reader_source = pg_reader_source,
    .reader_source_free = pg_reader_source_free,
    .close = pg_close,
};
