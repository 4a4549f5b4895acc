/*
 * `sluice extract` as an engine plan: the MySQL source (what to read, the
 * connections, the consistent snapshot, the key ranges) into the CSV sink
 * (one file, parts, or stdout). See sl_extract.h.
 */
#include "sl_extract.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conn.h"
#include "sl_csv_fmt.h"
#include "sl_csv_sink.h"
#include "sl_engine.h"
#include "sl_exit.h"
#include "sl_ident.h"
#include "sl_key_ranges.h"
#include "sl_mysql_source.h"
#include "sl_select.h"
#include "sl_sql.h"
#include "sl_table.h"
#include "sl_url.h"

#define SQL_MAX (16 * 1024 * 1024)

/* A batch is handed on once its values pass this many bytes, or once it
 * holds BATCH_ROWS rows: small enough that its values are still in the
 * cache when the reader formats them as CSV. */
#define BATCH_BYTES (256 * 1024)
#define BATCH_ROWS  2048
/* A batch's arena grows up to this: room for any one row */
#define ARENA_BYTES ((size_t)1 << 31)
/* Connections opened in the snapshot beside the readers', to take over a
 * range whose reader lost its connection */
#define SPARES 1

/* What an extract reads, where it writes, and the engine plan's parts. */
struct xplan {
    const struct sl_extract_config *c;
    MYSQL *main; /* plans, holds the lock, kills queries on an abort */

    /* what to read */
    struct sl_buf select;    /* "SELECT ... FROM t" or the query */
    struct sl_buf cond;      /* the --where condition, or empty */
    struct sl_buf order;     /* " ORDER BY pk", or empty */
    struct sl_buf key;       /* the quoted key column, when ranged */
    struct sl_buf header;    /* the header record, or empty */
    int header_set;          /* header holds the table's names */
    unsigned char *as_float; /* per selected column: a FLOAT read as DOUBLE */
    unsigned char *hex;      /* per selected column: bytes written as hex */
    size_t ncols;
    int ranged;
    struct sl_key_ranges ranges;
    uint64_t nranges; /* 1 when not ranged */
    int64_t est_rows; /* for progress, -1 if unknown */

    MYSQL **conns; /* the readers', then the spare, in the snapshot */
    unsigned long *conn_ids;
    unsigned nw;
    unsigned nspare; /* connections after the readers', for a reader that loses its own */

    struct sl_out_parts out;
    struct sl_mysql_unit unit;
    struct sl_mysql_source src;
    struct sl_csv_sink sink;
    struct sl_counters counters;
    struct sl_progress *progress;
};

/* Builds "SELECT cols FROM db.t" and the header from the table's columns.
 * Generated columns are left out: they cannot be loaded back. FLOAT columns
 * are read as DOUBLE, so that their text is exact (see sl_select.h). */
static int plan_table(struct xplan *x, const struct sl_table *t, struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    x->as_float = calloc(t->ncols, 1);
    if (!x->as_float)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    int rc = sl_buf_puts(&x->select, "SELECT /* sluice extract */ ");
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
        const char *name = t->cols[i].name;
        if (t->cols[i].generated)
            continue;
        if (n && (rc = sl_buf_append(&x->select, ", ", 2)) == 0)
            rc = sl_buf_append(&x->header, ",", 1);
        int is_float = strcmp(t->cols[i].data_type, "float") == 0;
        x->as_float[n++] = (unsigned char)is_float;
        if (rc == 0 && is_float)
            rc = sl_buf_puts(&x->select, "CAST(");
        if (rc == 0)
            rc = sl_ident_append(&x->select, name, strlen(name));
        if (rc == 0 && is_float)
            rc = sl_buf_puts(&x->select, " AS DOUBLE)");
        if (rc == 0)
            rc = sl_csv_fmt_field(&x->header, name, strlen(name));
    }
    if (rc == 0)
        rc = sl_buf_puts(&x->select, " FROM ");
    if (rc == 0)
        rc = sl_ident_append_qualified(&x->select, t->schema, t->name);
    if (rc == 0)
        rc = sl_buf_append(&x->header, "\n", 1);
    if (rc != 0)
        return sl_err_set(err, SL_ERR_FATAL, "the table's column list is too long");
    if (!c->header)
        sl_buf_reset(&x->header);
    x->header_set = 1;
    if (c->where && sl_buf_puts(&x->cond, c->where) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "--where is too long");
    /* Without --where, a table stored in key order is read in that order
     * anyway: saying so costs nothing, and lets a range whose connection is
     * lost be read again exactly, past the rows already written. */
    if (c->order_by_pk || (!c->where && t->npk > 0 && t->clustered)) {
        if (t->npk == 0)
            return sl_err_set(err, SL_ERR_FATAL,
                              "--order-by-pk: %s.%s has no primary key to order by", t->schema,
                              t->name);
        rc = sl_buf_puts(&x->order, " ORDER BY ");
        for (size_t i = 0; rc == 0 && i < t->npk; i++) {
            const char *name = t->cols[t->pk[i]].name;
            if (i)
                rc = sl_buf_append(&x->order, ", ", 2);
            if (rc == 0)
                rc = sl_ident_append(&x->order, name, strlen(name));
        }
    }
    x->ranged = (c->threads > 1 || c->shard.count > 1) && sl_table_has_integer_key(t);
    if (c->shard.count > 1 && !x->ranged)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--shard splits a table by its integer primary key, and %s.%s has none",
                          t->schema, t->name);
    if (x->ranged) {
        const char *k = t->cols[t->pk[0]].name;
        if (rc == 0)
            rc = sl_ident_append(&x->key, k, strlen(k));
        if (rc == 0 && !sl_buf_cstr(&x->key))
            rc = -1;
    }
    x->est_rows = c->where ? -1 : t->est_rows;
    return rc == 0 ? 0 : sl_err_set(err, SL_ERR_FATAL, "out of memory");
}

/* Splits the key's span (in the snapshot of x->main) into ranges of about
 * chunk_rows rows each (by the table's row estimate), and at least one per
 * worker. */
static int plan_ranges(struct xplan *x, const struct sl_table *t, FILE *log, struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    struct min_max {
        char *min, *max;
    } mm;
    int rc = sl_table_key_span(x->main, t, &mm.min, &mm.max, err);
    if (rc != 0)
        return -1;
    if (!mm.min) { /* no rows: one range reads whatever is there (shard 0's) */
        x->ranged = c->shard.count > 1 && c->shard.index > 0;
        x->ranges = (struct sl_key_ranges){.n = 1, .none = x->ranged};
        x->nranges = 1;
        goto out;
    }
    uint64_t want = sl_key_ranges_want(t->est_rows, c->chunk_rows, c->threads);
    int is_signed = !t->cols[t->pk[0]].is_unsigned;
    rc = sl_key_ranges_init(&x->ranges, is_signed, mm.min, mm.max, want, err);
    if (rc == 0 && c->shard.count > 1) {
        uint64_t part = want / c->shard.count;
        sl_key_ranges_shard(&x->ranges, c->shard.index, c->shard.count,
                            part > c->threads ? part : c->threads);
    }
    if (rc == 0)
        x->nranges = x->ranges.n;
    if (rc == 0 && sl_key_ranges_whole(&x->ranges))
        x->ranged = 0;
    if (rc == 0 && x->ranged && c->progress)
        fprintf(log, "sluice: reading %s.%s with %u threads over %" PRIu64 " key ranges of %s\n",
                t->schema, t->name, c->threads < x->nranges ? c->threads : (unsigned)x->nranges,
                x->nranges, x->key.data);
out:
    free(mm.min);
    free(mm.max);
    return rc == 0 ? 0 : -1;
}

/* Opens every reader's connection and gives the readers one view of the
 * data, as --consistency asks (see sl_extract.h). */
static int open_readers(struct xplan *x, const struct sl_conn_opts *co, FILE *log,
                        struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    x->conns = calloc(x->nw + SPARES, sizeof *x->conns);
    x->conn_ids = calloc(x->nw + SPARES, sizeof *x->conn_ids);
    if (!x->conns || !x->conn_ids)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (unsigned i = 0; i < x->nw + SPARES; i++) {
        if (sl_conn_open(&x->conns[i], co, err) != 0)
            return -1;
        x->conn_ids[i] = sl_conn_id(x->conns[i]);
        /* a slow reader of the output makes the server wait to send rows;
         * let it wait (a day) instead of dropping the connection after 60 s */
        if (sl_conn_exec(x->conns[i], "SET SESSION net_write_timeout = 86400", err) != 0)
            return -1;
    }
    enum sl_consistency mode = c->query ? SL_CONSISTENCY_NONE : c->consistency;
    double held;
    int rc = sl_snapshot_open(x->main, x->conns, x->nw, SPARES, mode, &held, err);
    if (rc == 0 && held >= 0 && c->progress)
        fprintf(log, "sluice: global read lock held %.3f s while %u snapshots opened\n", held,
                x->nw + SPARES + 1);
    return rc;
}

static int check_config(const struct sl_extract_config *c, const struct sl_url *u,
                        struct sl_err *err)
{
    if (!u->db)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from must name a database: mysql://host/db[/table]");
    if (c->query && u->table)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from names a table and --query is given: use one of them");
    if (!c->query && !u->table)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--from names no table: give mysql://host/db/table, or --query");
    if (c->query && c->shard.count > 1)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--shard splits a table by its key; a --query cannot be split");
    if (c->query && (c->where || c->order_by_pk))
        return sl_err_set(err, SL_ERR_FATAL,
                          "--where and --order-by-pk apply to a table, not to --query");
    if (sl_sql_check_one("--query", c->query, err) != 0 ||
        sl_sql_check_one("--where", c->where, err) != 0)
        return -1;
    return 0;
}

static void release(struct xplan *x)
{
    for (unsigned i = 0; x->conns && i < x->nw + SPARES; i++)
        if (x->conns[i])
            sl_conn_close(x->conns[i]);
    free(x->conns);
    free(x->conn_ids);
    if (x->main)
        sl_conn_close(x->main);
    sl_buf_release(&x->select);
    sl_buf_release(&x->cond);
    sl_buf_release(&x->order);
    sl_buf_release(&x->key);
    sl_buf_release(&x->header);
    free(x->as_float);
    free(x->hex);
}
/* Learns the selected columns from the server (without reading a row):
 * how many, which hold bytes, and for a query the header's names. */
static int describe(struct xplan *x, struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    struct sl_select_cols cols;
    if (sl_select_describe(x->main, x->select.data, &cols, err) != 0) {
        sl_err_prefix(err, "%s", c->query ? "--query" : "reading the table");
        return -1;
    }
    int rc = 0;
    x->ncols = cols.n;
    x->hex = calloc(cols.n ? cols.n : 1, 1);
    if (!x->hex)
        rc = sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < cols.n; i++)
        x->hex[i] = (unsigned char)(c->binary_hex && cols.binary[i]);
    if (rc == 0 && !x->header_set && c->header &&
        sl_csv_fmt_names(&x->header, (const char *const *)cols.names, cols.n) != 0)
        rc = sl_err_set(err, SL_ERR_FATAL, "the header is too long");
    sl_select_cols_release(&cols);
    return rc;
}

static void draw_progress(void *ctx)
{
    struct xplan *x = ctx;
    uint64_t rows = atomic_load_explicit(&x->counters.rows_written, memory_order_relaxed);
    struct sl_progress_view v = {
        .verb = "extract",
        .rows = rows,
        .bytes = atomic_load_explicit(&x->sink.file, memory_order_relaxed),
        /* the table's row estimate is rough: never claim it done early */
        .fraction = x->est_rows > 0 ? (double)rows / (double)x->est_rows : -1,
    };
    if (v.fraction > 0.99)
        v.fraction = 0.99;
    sl_progress_show(x->progress, &v);
}

/* Stops the SELECTs of readers still reading, so that they do not read a
 * large result to its end before they can stop. */
static void cancel_reads(void *ctx)
{
    struct xplan *x = ctx;
    sl_mysql_source_cancel(&x->src, x->main);
}

/* Runs the plan through the engine. Returns 0 or -1 with err set (or
 * res->interrupted). */
static int run(struct xplan *x, struct sl_extract_result *res, struct sl_err *err)
{
    const struct sl_extract_config *c = x->c;
    x->unit = (struct sl_mysql_unit){
        .select = x->select.data,
        .cond = x->cond.data,
        .order = x->order.data,
        .key = x->ranged ? x->key.data : NULL,
        .ranges = &x->ranges,
        .as_float = x->as_float,
        .ncols = x->ncols,
        .what = c->query ? "--query" : "reading the table",
        .name = c->query ? "--query" : "the table",
    };
    x->src = (struct sl_mysql_source){
        .conns = x->conns,
        .conn_ids = x->conn_ids,
        .nconns = x->nw,
        .nspares = x->nspare,
        .units = &x->unit,
        .nunits = 1,
        .nsplits = x->nranges,
        .batch_bytes = BATCH_BYTES,
        .room = ARENA_BYTES,
    };
    atomic_init(&x->src.next, 0);
    atomic_init(&x->src.reading, 0);
    atomic_init(&x->src.spares_taken, 0);
    x->sink = (struct sl_csv_sink){.out = &x->out, .hex = x->hex};
    atomic_init(&x->sink.text, 0);
    atomic_init(&x->sink.file, 0);
    memset(&x->counters, 0, sizeof x->counters);
    static const struct sl_engine_hooks hooks = {.draw = draw_progress, .cancel = cancel_reads};
    struct sl_engine_plan plan = {
        .source_ops = &sl_mysql_source_ops,
        .source = &x->src,
        .sink_ops = &sl_csv_sink_ops,
        .sink = &x->sink,
        .nreaders = x->nw,
        .nwriters = 1,
        .ncols = x->ncols,
        .batch_rows = BATCH_ROWS,
        .arena_bytes = ARENA_BYTES,
        .txn_rows = BATCH_ROWS,
        .ordered = c->order_by_pk && x->nranges > 1,
        .nsplits = x->nranges,
        .signal_stops = 1,
        .signal_note = "stopping; no output is kept",
        .second_note = "sluice: second signal: exiting now\n",
        .counters = &x->counters,
        .progress = x->progress,
        .max_rows_per_sec = c->max_rows_per_sec,
        .max_bytes_per_sec = c->max_bytes_per_sec,
        .hooks = &hooks,
        .ctx = x,
    };
    int interrupted = 0;
    int rc = sl_engine_run(&plan, &interrupted, err);
    res->started = atomic_load(&x->src.reading);
    res->interrupted = interrupted;
    if (rc == 0 && interrupted) {
        sl_err_set(err, SL_ERR_FATAL, "interrupted");
        rc = -1;
    }
    return rc;
}

int sl_extract_run(const struct sl_extract_config *c, struct sl_extract_result *res, FILE *log)
{
    memset(res, 0, sizeof *res);
    sl_err_clear(&res->err);
    struct sl_err *err = &res->err;
    struct sl_url url;
    if (sl_url_parse_for(&url, c->from, "from", err) != 0)
        return -1;
    sl_url_format(&url, res->source, sizeof res->source);
    if (check_config(c, &url, err) != 0) {
        sl_url_release(&url);
        return -1;
    }

    struct sl_progress progress;
    sl_progress_init(&progress, log, c->progress_mode, 0);
    struct xplan x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.progress = &progress;
    x.nranges = 1;
    sl_buf_init(&x.select, SQL_MAX);
    sl_buf_init(&x.cond, SQL_MAX);
    sl_buf_init(&x.order, SQL_MAX);
    sl_buf_init(&x.key, 1024);
    sl_buf_init(&x.header, SQL_MAX);
    struct sl_table table;
    memset(&table, 0, sizeof table);
    int out_open = 0, rc = -1;

    struct sl_conn_opts co = {
        .url = &url,
        .defaults_file = c->defaults_file,
        .session_sql = c->session_sql,
        .time_zone = c->time_zone,
        .tls = &c->tls,
        .connect_timeout = c->connect_timeout,
        .flags = &c->flags,
        .use_db = 1, /* a --query may name tables without their database */
    };
    if (sl_conn_open(&x.main, &co, err) != 0)
        goto out;
    if (c->query) {
        if (sl_buf_puts(&x.select, c->query) != 0) {
            sl_err_set(err, SL_ERR_FATAL, "--query is too long");
            goto out;
        }
        x.est_rows = -1;
        if (c->threads > 1 && c->threads_set && c->progress)
            fprintf(log, "sluice: a --query is read by one stream; --threads does not apply\n");
    } else {
        if (sl_table_describe(x.main, url.db, url.table, &table, err) != 0 ||
            plan_table(&x, &table, err) != 0)
            goto out;
        if (c->threads > 1 && !x.ranged && c->progress)
            fprintf(log,
                    "sluice: %s.%s has no single-column integer primary key; reading it with "
                    "one stream\n",
                    table.schema, table.name);
    }
    if (!sl_buf_cstr(&x.select) || !sl_buf_cstr(&x.cond) || !sl_buf_cstr(&x.order)) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    if (describe(&x, err) != 0)
        goto out;

    struct sl_out_parts_opts po = {
        .path = c->to,
        .file = {.zstd_level = c->zstd_level,
                 .zstd_workers = c->zstd_workers,
                 .discard = c->dry_run},
        .file_rows = c->file_rows,
        .file_size = c->file_size,
        .overwrite = c->overwrite,
    };
    if (sl_out_parts_open(&x.out, &po, err) != 0)
        goto out;
    out_open = 1;
    if (x.header.len > 0)
        sl_out_parts_set_header(&x.out, x.header.data, x.header.len);

    x.nw = x.ranged ? c->threads : 1;
    if (open_readers(&x, &co, log, err) != 0)
        goto out;
    if (x.ranged && plan_ranges(&x, &table, log, err) != 0)
        goto out;
    unsigned nread = x.nw > x.nranges ? (unsigned)x.nranges : x.nw;
    res->ranges = x.nranges;
    res->streams = nread;

    unsigned nopen = x.nw;
    x.nw = nread; /* readers left without a range are spares too */
    x.nspare = nopen - nread + SPARES;
    rc = run(&x, res, err);
    x.nw = nopen;
    out_open = 0;
    res->rows = x.out.rows;
    res->parts = x.out.nparts;
    if (rc == 0 && sl_out_parts_finish(&x.out, err) != 0)
        rc = -1;
    else if (rc != 0)
        sl_out_parts_abort(&x.out);
    uint64_t text, file; /* once the last bytes are written */
    sl_out_parts_bytes(&x.out, &text, &file);
    res->text_bytes = text;
    res->file_bytes = file;
out:
    if (out_open)
        sl_out_parts_abort(&x.out);
    sl_progress_clear(&progress);
    res->seconds = sl_now() - progress.start;
    sl_progress_release(&progress);
    sl_table_release(&table);
    release(&x);
    sl_url_release(&url);
    return rc;
}
