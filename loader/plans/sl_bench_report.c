/*
 * The reports of `sluice bench`: the terminal table, results.csv and
 * results.json. The chart is in sl_bench_chart.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sl_bench.h"
#include "sl_progress.h"

void sl_bench_mark_ties(struct sl_bench_result *r)
{
    for (size_t j = 0; j < r->ncells; j++) {
        struct sl_bench_cell *o = &r->cells[j];
        const struct sl_bench_cell *b = r->best >= 0 ? &r->cells[r->best] : NULL;
        o->tie = b && (long)j != r->best && !o->failed &&
                 o->rows_per_sec_max >= b->rows_per_sec_min &&
                 o->rows_per_sec_min <= b->rows_per_sec_max;
    }
}

void sl_bench_print(FILE *out, const struct sl_bench_config *c, const struct sl_bench_result *r)
{
    fprintf(out, "sluice bench: %s, table %s, schema %s, %s keys, server %s\n", r->target, r->table,
            c->schema, c->random_keys ? "random" : "sequential", r->server);
    fprintf(out, "  %7s %7s %8s %-9s %12s %17s %8s %8s %8s %8s %12s\n", "threads", "batch", "txn",
            "method", "rows/s", "(min-max)", "MB/s", "p50 ms", "p95 ms", "p99 ms", "server rows");
    for (size_t i = 0; i < r->ncells; i++) {
        const struct sl_bench_cell *cell = &r->cells[i];
        char mark = (long)i == r->best ? '*' : cell->tie ? '=' : ' ';
        if (cell->failed) {
            fprintf(out, "%c %7u %7zu %8zu %-9s  FAILED: %s\n", mark, cell->threads,
                    cell->batch_rows, cell->txn_rows, cell->method, cell->error);
            continue;
        }
        char rate[32], lo[32], hi[32], spread[80];
        snprintf(spread, sizeof spread, "(%s-%s)",
                 sl_fmt_count((uint64_t)cell->rows_per_sec_min, lo, sizeof lo),
                 sl_fmt_count((uint64_t)cell->rows_per_sec_max, hi, sizeof hi));
        const struct sl_bench_run *last = &cell->runs[cell->nruns - 1];
        fprintf(out, "%c %7u %7zu %8zu %-9s %12s %17s %8.1f %8.2f %8.2f %8.2f %12llu\n", mark,
                cell->threads, cell->batch_rows, cell->txn_rows, cell->method,
                sl_fmt_count((uint64_t)cell->rows_per_sec, rate, sizeof rate), spread,
                cell->mb_per_sec, cell->p50_ms, cell->p95_ms, cell->p99_ms,
                (unsigned long long)last->server_rows);
    }
    size_t ties = 0;
    for (size_t i = 0; i < r->ncells; i++)
        ties += r->cells[i].tie != 0;
    if (r->best >= 0)
        fprintf(out, "  * best: %u threads, %zu rows per statement, %zu rows per COMMIT, %s\n",
                r->cells[r->best].threads, r->cells[r->best].batch_rows, r->cells[r->best].txn_rows,
                r->cells[r->best].method);
    if (ties > 0)
        fprintf(out,
                "  = a tie with the best: %zu cell%s whose min-max range overlaps the best's; "
                "%s\n",
                ties, ties == 1 ? "" : "s",
                c->repeat > 1 ? "more --repeat may tell them apart"
                              : "--repeat 3 shows whether the difference is more than noise");
    if (r->best < 0)
        fprintf(out, "  every cell failed\n");
}

static FILE *open_out(const char *path, struct sl_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        sl_err_set(err, SL_ERR_FATAL, "%s: cannot create: %s", path, strerror(errno));
    return f;
}

static int close_out(FILE *f, const char *path, struct sl_err *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return sl_err_set(err, SL_ERR_FATAL, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

int sl_bench_write_csv(const char *path, const struct sl_bench_config *c,
                       const struct sl_bench_result *r, struct sl_err *err)
{
    (void)c;
    FILE *f = open_out(path, err);
    if (!f)
        return -1;
    fputs("threads,batch_rows,txn_rows,method,status,rows_per_sec,rows_per_sec_min,"
          "rows_per_sec_max,mb_per_sec,p50_ms,p95_ms,p99_ms,rows,server_rows_inserted,"
          "server_rows_counter,com_commit,innodb_data_written,innodb_log_written,best,tie\n",
          f);
    for (size_t i = 0; i < r->ncells; i++) {
        const struct sl_bench_cell *cell = &r->cells[i];
        fprintf(f, "%u,%zu,%zu,%s,%s,", cell->threads, cell->batch_rows, cell->txn_rows,
                cell->method, cell->failed ? "failed" : "ok");
        if (cell->failed) {
            fprintf(f, ",,,,,,,,,,,,,0,0\n");
            continue;
        }
        const struct sl_bench_run *last = &cell->runs[cell->nruns - 1];
        fprintf(f, "%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f,%llu,%llu,%s,%llu,%llu,%llu,%d,%d\n",
                cell->rows_per_sec, cell->rows_per_sec_min, cell->rows_per_sec_max,
                cell->mb_per_sec, cell->p50_ms, cell->p95_ms, cell->p99_ms,
                (unsigned long long)last->rows, (unsigned long long)last->server_rows,
                last->rows_counter, (unsigned long long)last->com_commit,
                (unsigned long long)last->innodb_data_written,
                (unsigned long long)last->innodb_log_written, (long)i == r->best, cell->tie);
    }
    return close_out(f, path, err);
}

/* Writes s as a JSON string. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

int sl_bench_write_json(const char *path, const struct sl_bench_config *c,
                        const struct sl_bench_result *r, struct sl_err *err)
{
    FILE *f = open_out(path, err);
    if (!f)
        return -1;
    fputs("[\n", f);
    for (size_t i = 0; i < r->ncells; i++) {
        const struct sl_bench_cell *cell = &r->cells[i];
        fprintf(f, "  {\"threads\": %u, \"batch_rows\": %zu, \"txn_rows\": %zu, \"method\": ",
                cell->threads, cell->batch_rows, cell->txn_rows);
        json_str(f, cell->method);
        fputs(", \"schema\": ", f);
        json_str(f, c->schema);
        fprintf(f,
                ", \"key_order\": \"%s\", \"seed\": %llu, \"duration\": %g, \"rows_limit\": "
                "%llu, \"warmup\": %g, \"repeat\": %u, \"table\": ",
                c->random_keys ? "random" : "sequential", (unsigned long long)c->seed, c->duration,
                (unsigned long long)c->rows, c->warmup, c->repeat);
        json_str(f, r->table);
        fprintf(f, ", \"status\": \"%s\"", cell->failed ? "failed" : "ok");
        if (cell->failed) {
            fputs(", \"error\": ", f);
            json_str(f, cell->error);
        } else {
            const struct sl_bench_run *last = &cell->runs[cell->nruns - 1];
            fprintf(f,
                    ", \"rows_per_sec\": %.1f, \"rows_per_sec_min\": %.1f, \"rows_per_sec_max\": "
                    "%.1f, \"mb_per_sec\": %.3f, \"p50_ms\": %.3f, \"p95_ms\": %.3f, \"p99_ms\": "
                    "%.3f, \"rows\": %llu, \"server_rows_inserted\": %llu, "
                    "\"server_rows_counter\": \"%s\", \"com_commit\": %llu, "
                    "\"innodb_data_written\": %llu, \"innodb_log_written\": %llu, \"best\": %s, "
                    "\"tie\": %s, \"runs\": [",
                    cell->rows_per_sec, cell->rows_per_sec_min, cell->rows_per_sec_max,
                    cell->mb_per_sec, cell->p50_ms, cell->p95_ms, cell->p99_ms,
                    (unsigned long long)last->rows, (unsigned long long)last->server_rows,
                    last->rows_counter, (unsigned long long)last->com_commit,
                    (unsigned long long)last->innodb_data_written,
                    (unsigned long long)last->innodb_log_written,
                    (long)i == r->best ? "true" : "false", cell->tie ? "true" : "false");
            for (unsigned k = 0; k < cell->nruns; k++) {
                const struct sl_bench_run *run = &cell->runs[k];
                fprintf(f,
                        "%s{\"rows\": %llu, \"measured_rows\": %llu, \"seconds\": %.3f, "
                        "\"rows_per_sec\": %.1f, \"mb_per_sec\": %.3f, \"server_rows_inserted\": "
                        "%llu, \"com_commit\": %llu, \"innodb_data_written\": %llu, "
                        "\"innodb_log_written\": %llu}",
                        k ? ", " : "", (unsigned long long)run->rows,
                        (unsigned long long)run->measured_rows, run->seconds, run->rows_per_sec,
                        run->mb_per_sec, (unsigned long long)run->server_rows,
                        (unsigned long long)run->com_commit,
                        (unsigned long long)run->innodb_data_written,
                        (unsigned long long)run->innodb_log_written);
            }
            fputs("]", f);
        }
        fprintf(f, "}%s\n", i + 1 < r->ncells ? "," : "");
    }
    fputs("]\n", f);
    return close_out(f, path, err);
}
