/*
 * Bad rows of a run: where they go (the rejects files, a dry run's list, or
 * the run's error) and how they are named (unit, line, column, field).
 */
#include <stdio.h>
#include <string.h>

#include "sl_engine_run.h"

/* A dry run prints the first this many rows it would reject; the count in
 * its summary includes the rest. */
#define DRY_RUN_LISTED 100

/* Sends a bad row to the rejects files (or a dry run's list) and counts
 * it. Returns 0, or -1 once more than --max-rejects rows were rejected (the
 * run has then failed). */
static int reject(struct sl_erun *r, const char *unit, uint64_t line, uint64_t offset,
                  const char *col, const char *reason, const char *raw, size_t raw_len)
{
    const struct sl_engine_plan *p = r->p;
    if (p->dry_run) {
        uint64_t n =
            atomic_fetch_add_explicit(&p->counters->rows_rejected, 1, memory_order_relaxed) + 1;
        if (n <= DRY_RUN_LISTED)
            sl_progress_printf(p->progress,
                               "sluice: dry run: would reject %s: line %llu, byte %llu%s%s%s: %s\n",
                               unit, (unsigned long long)line, (unsigned long long)offset,
                               col ? ", column '" : "", col ? col : "", col ? "'" : "", reason);
        else if (n == DRY_RUN_LISTED + 1)
            sl_progress_printf(p->progress,
                               "sluice: dry run: more rows would be rejected; only the first %d "
                               "are listed, the count below has them all\n",
                               DRY_RUN_LISTED);
        return 0;
    }
    uint64_t n = sl_rejects_add(p->rejects, unit, line, offset, col, reason, raw, raw_len);
    atomic_fetch_add_explicit(&p->counters->rows_rejected, 1, memory_order_relaxed);
    if (p->max_rejects && n > p->max_rejects) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL,
                   "more than %llu rows rejected (--max-rejects); the last: %s: line %llu: %s",
                   (unsigned long long)p->max_rejects, unit, (unsigned long long)line, reason);
        sl_erun_fail(r, &e);
        return -1;
    }
    return 0;
}

static const char *unit_name(struct sl_erun *r, size_t unit)
{
    return r->p->source_ops->unit_name(r->p->source, unit);
}

/* The name of batch column col of unit's rows, or NULL when col < 0. */
static const char *col_name(struct sl_erun *r, size_t unit, long col)
{
    const struct sl_engine_plan *p = r->p;
    if (col < 0)
        return NULL;
    if (p->source_ops->col_name)
        return p->source_ops->col_name(p->source, unit, (size_t)col);
    return p->colnames ? p->colnames[col] : NULL;
}

int sl_erun_bad_row(struct sl_erun *r, const struct sl_bad_row *br)
{
    const struct sl_engine_plan *p = r->p;
    const char *unit = unit_name(r, br->unit);
    const char *col = br->has_col ? col_name(r, br->unit, (long)br->col) : NULL;
    if (p->rejects || p->dry_run)
        return reject(r, unit, br->line, br->offset, col, br->reason, br->raw, br->raw_len);
    long field = -1;
    if (col && p->source_ops->field_of)
        field = p->source_ops->field_of(p->source, br->unit, br->col);
    struct sl_err e;
    if (col && field >= 0)
        sl_err_set(&e, SL_ERR_ROW, "%s: line %llu, column '%s' (field %ld): %s", unit,
                   (unsigned long long)br->line, col, field + 1, br->reason);
    else if (col)
        sl_err_set(&e, SL_ERR_ROW, "%s: line %llu, column '%s': %s", unit,
                   (unsigned long long)br->line, col, br->reason);
    else
        sl_err_set(&e, SL_ERR_ROW, "%s: line %llu%s%s", unit, (unsigned long long)br->line,
                   strncmp(br->reason, "field ", 6) == 0 ? ", " : ": ", br->reason);
    sl_erun_fail(r, &e);
    return -1;
}

int sl_erun_sink_reject(struct sl_erun *r, const struct sl_batch *b, size_t row, long col,
                        const struct sl_err *why)
{
    const struct sl_row_pos *pos = &b->pos[row];
    return reject(r, unit_name(r, b->source), pos->line, pos->offset, col_name(r, b->source, col),
                  why->msg, b->arena.data + pos->raw_off, pos->raw_len) != 0;
}

void sl_erun_locate(struct sl_erun *r, const struct sl_batch *b, long row, size_t first,
                    size_t last, long col, struct sl_err *e)
{
    const char *unit = unit_name(r, b->source);
    const char *name = col_name(r, b->source, col);
    if (b->nrows == 0)
        return;
    if (row >= 0) {
        char colpart[300] = "";
        if (name)
            snprintf(colpart, sizeof colpart, ", column '%s'", name);
        sl_err_prefix(e, "%s: line %llu%s", unit, (unsigned long long)b->pos[row].line, colpart);
    } else {
        sl_err_prefix(e, "%s: lines %llu-%llu%s%s", unit, (unsigned long long)b->pos[first].line,
                      (unsigned long long)b->pos[last].line, name ? ", column " : "",
                      name ? name : "");
    }
}
