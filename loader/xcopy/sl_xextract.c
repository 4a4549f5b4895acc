/*
 * `sluice extract` from a foreign source (PostgreSQL): one table, read in
 * key ranges by --threads readers in one snapshot, into the CSV sink. The
 * values are those a copy would send to MySQL (docs/type-mapping.md), so
 * that the file loads into the table a copy would create. See sl_xcopy.h.
 */
#include <stdlib.h>
#include <string.h>

#include "sl_clock.h"
#include "sl_csv_fmt.h"
#include "sl_csv_sink.h"
#include "sl_engine.h"
#include "sl_progress.h"
#include "sl_url.h"
#include "sl_xcopy.h"

/* A batch is handed on at this many bytes or rows, and may grow to hold
 * any one row. */
#define EBATCH_BYTES (256 * 1024)
#define EBATCH_ROWS  2048
#define EARENA_BYTES ((size_t)1 << 31)

static int check_config(const struct sl_extract_config *c, const char *name, struct sl_err *err)
{
    if (c->query)
        return sl_err_set(err, SL_ERR_FATAL,
                          "--query is not available for an extract from %s yet; name a table "
                          "in the URL, and --where",
                          name);
    return 0;
}

/* The header, and which columns are bytes (written as hex digits). */
static int describe_out(const struct sl_extract_config *c, const struct sl_ftable *t,
                        struct sl_buf *header, unsigned char *hex, struct sl_err *err)
{
    const char **names = calloc(t->ncols ? t->ncols : 1, sizeof *names);
    if (!names)
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    for (size_t i = 0; i < t->ncols; i++) {
        names[i] = t->cols[i].name;
        hex[i] = (unsigned char)(c->binary_hex && t->cols[i].conv == SL_FCONV_HEX);
    }
    int rc = c->header && sl_csv_fmt_names(header, names, t->ncols) != 0 ? -1 : 0;
    free(names);
    return rc == 0 && sl_buf_cstr(header) ? 0 : sl_err_set(err, SL_ERR_FATAL, "header too long");
}

int sl_xextract_run(const struct sl_extract_config *c, struct sl_extract_result *res, FILE *log)
{
    memset(res, 0, sizeof *res);
    sl_err_clear(&res->err);
    struct sl_err *err = &res->err;
    const struct sl_foreign_ops *ops = sl_xcopy_source_for(c->from);
    void *src = NULL, *rsrc = NULL;
    const struct sl_source_ops *rops = NULL;
    struct sl_ftable t = {0};
    struct sl_key_ranges ranges = {.n = 1};
    unsigned char *hex = NULL;
    struct sl_buf header;
    sl_buf_init(&header, 1 << 24);
    struct sl_out_parts out;
    int out_open = 0, rc = -1;
    double t0 = sl_now();
    sl_url_mask(c->from, res->source, sizeof res->source);
    if (!ops || check_config(c, ops->name, err) != 0 || ops->open(c->from, "from", &src, err) != 0)
        goto out;
    snprintf(res->source, sizeof res->source, "%s", ops->shown(src));
    const char *name = ops->url_table(src);
    if (!name) {
        sl_err_set(err, SL_ERR_FATAL, "--from must name a table: %s/db/[schema.]table", ops->name);
        goto out;
    }
    char **names = NULL;
    size_t n = 0;
    if (ops->list(src, NULL, &names, &n, err) != 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (ops->describe(src, name, &t, err) != 0)
        goto out;
    if (!(hex = calloc(t.ncols ? t.ncols : 1, 1))) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    if (describe_out(c, &t, &header, hex, err) != 0 ||
        sl_xcopy_key_ranges(ops, src, &t, c->where, c->chunk_rows, c->threads, &ranges, err) != 0)
        goto out;
    enum sl_canon *canon = calloc(t.ncols ? t.ncols : 1, sizeof *canon);
    if (!canon) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    struct sl_funit unit = {.t = &t,
                            .name = t.name,
                            .where = c->where ? c->where : "",
                            .ranges = &ranges,
                            .canon = canon};
    struct sl_fsplit *splits = calloc(ranges.n, sizeof *splits);
    unsigned nreaders = ranges.n < c->threads ? (unsigned)ranges.n : c->threads;
    if (ops->max_readers && nreaders > ops->max_readers)
        nreaders = ops->max_readers;
    if (!splits ||
        ops->reader_source(src, &unit, 1, splits, ranges.n, nreaders, 0, &rsrc, &rops, err) != 0) {
        free(splits);
        free(canon);
        goto out;
    }
    for (uint64_t k = 0; k < ranges.n; k++)
        splits[k] = (struct sl_fsplit){0, k};
    struct sl_out_parts_opts po = {
        .path = c->to,
        .file = {.zstd_level = c->zstd_level,
                 .zstd_workers = c->zstd_workers,
                 .discard = c->dry_run},
        .file_rows = c->file_rows,
        .file_size = c->file_size,
        .overwrite = c->overwrite,
    };
    if (sl_out_parts_open(&out, &po, err) == 0) {
        out_open = 1;
        if (header.len > 0)
            sl_out_parts_set_header(&out, header.data, header.len);
        struct sl_csv_sink sink = {.out = &out, .hex = hex};
        atomic_init(&sink.text, 0);
        atomic_init(&sink.file, 0);
        struct sl_counters counters;
        memset(&counters, 0, sizeof counters);
        struct sl_progress progress;
        sl_progress_init(&progress, log, c->progress_mode, 0);
        struct sl_engine_plan plan = {
            .source_ops = rops,
            .source = rsrc,
            .sink_ops = &sl_csv_sink_ops,
            .sink = &sink,
            .nreaders = nreaders,
            .nwriters = 1,
            .ncols = t.ncols ? t.ncols : 1,
            .batch_rows = EBATCH_ROWS,
            .arena_bytes = EARENA_BYTES,
            .txn_rows = EBATCH_ROWS,
            .ordered = c->order_by_pk && ranges.n > 1,
            .nsplits = ranges.n,
            .signal_stops = 1,
            .signal_note = "stopping; no output is kept",
            .second_note = "sluice: second signal: exiting now\n",
            .counters = &counters,
            .progress = &progress,
            .max_rows_per_sec = c->max_rows_per_sec,
            .max_bytes_per_sec = c->max_bytes_per_sec,
        };
        res->started = 1;
        res->ranges = ranges.n;
        res->streams = nreaders;
        rc = sl_engine_run(&plan, &res->interrupted, err);
        sl_progress_clear(&progress);
        sl_progress_release(&progress);
        if (rc == 0 && res->interrupted) {
            sl_err_set(err, SL_ERR_FATAL, "interrupted");
            rc = -1;
        }
        res->rows = out.rows;
        res->parts = out.nparts;
        out_open = 0;
        if (rc == 0 && sl_out_parts_finish(&out, err) != 0)
            rc = -1;
        else if (rc != 0)
            sl_out_parts_abort(&out);
        uint64_t text, file;
        sl_out_parts_bytes(&out, &text, &file);
        res->text_bytes = text;
        res->file_bytes = file;
    }
    ops->reader_source_free(rsrc);
    free(splits);
    free(canon);
out:
    if (out_open)
        sl_out_parts_abort(&out);
    res->seconds = sl_now() - t0;
    sl_buf_release(&header);
    free(hex);
    sl_ftable_release(&t);
    if (src)
        ops->close(src);
    return rc;
}
