/*
 * sl_bench: the engine of `sluice bench`, which measures how fast a server
 * takes rows across a grid of threads x batch rows x transaction rows x
 * write methods.
 *
 * Every cell runs the engine of a real load (sl_engine.h): the generator
 * source into the MySQL sink, whose writers each own one connection and a
 * chunk writer (prepared multi-row INSERT, values bound), and commit every
 * txn_rows rows. The run is fused: each thread generates its rows and
 * writes them itself, with no queue between. Rows are generated in memory
 * from the seed (sl_gen, or sl_gen_typed for a user's table), never read
 * from disk. Each transaction takes the next block of txn_rows consecutive
 * row numbers (a split of the generator), so threads insert apart, and a
 * --rows N run leaves exactly rows 1..N of the generator: the rows
 * `sluice gen` writes for that seed.
 *
 * For each cell and repeat the table is truncated, the threads run for the
 * duration (or until the row count), and the server's own counters are read
 * before and after (SHOW GLOBAL STATUS).
 *
 * A dry run checks what the grid needs without running it: the privileges
 * (CREATE, INSERT, DROP on the database), the schema (a built-in name and a
 * table that does not exist yet, or a readable .sql file), the status
 * counters, and that the most threads of the grid can connect at once.
 */
#ifndef SL_BENCH_H
#define SL_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_conn.h"
#include "sl_err.h"
#include "sl_hist.h"
#include "sl_tls.h"
#include "sl_write_method.h"

struct sl_bench_config {
    const char *into; /* mysql://.../db */
    const char *defaults_file;
    const char *session_sql;
    const char *time_zone;
    struct sl_tls tls; /* --ssl-*; a URL's own ssl-* parameters win */
    const unsigned *threads;
    size_t nthreads;
    const size_t *batch_rows;
    size_t nbatch;
    const size_t *txn_rows;
    size_t ntxn;
    const enum sl_method_choice *methods; /* the write methods (auto is resolved once) */
    size_t nmethods;
    double duration; /* seconds per cell, or 0 with rows */
    uint64_t rows;   /* rows per cell, or 0 with duration */
    double warmup;   /* seconds of each cell not measured */
    unsigned repeat;
    const char *schema; /* narrow, orders, wide, or a .sql file */
    int random_keys;
    uint64_t seed;
    const char *table;          /* the table to create (built-in schemas) */
    int keep;                   /* leave the table (with the last cell's rows) */
    int dry_run;                /* check, create and write nothing, run no cell: the
                                   result then has no cells */
    int progress;               /* 0 (-q): no advice or notices, only errors and the warnings
                                   that guard data */
    int progress_mode;          /* how progress is drawn: an enum sl_progress_mode */
    unsigned connect_timeout;   /* --connect-timeout in seconds; 0: the default */
    struct sl_conn_flags flags; /* -u -h -P -S -p */
};

/* One run of one cell. */
struct sl_bench_run {
    uint64_t rows;           /* committed, warm-up included */
    uint64_t measured_rows;  /* committed after the warm-up */
    uint64_t measured_bytes; /* bytes of values in those rows */
    double seconds;          /* measured time */
    double rows_per_sec;
    double mb_per_sec;
    /* the server's counters over the run: rows inserted by Innodb_rows_inserted
     * where the server has it (MySQL), else by Handler_write (MariaDB 10.6+
     * dropped the InnoDB row counters; Handler_write counts rows written to
     * tables, so the run must be the only writer for the two to agree) */
    const char *rows_counter;
    uint64_t server_rows;
    uint64_t com_commit;
    uint64_t innodb_data_written; /* bytes to data files (often 0 until pages flush) */
    uint64_t innodb_log_written;  /* bytes to the redo log */
};

struct sl_bench_cell {
    unsigned threads;
    size_t batch_rows;
    size_t txn_rows;
    enum sl_write_method write_method;
    const char *method; /* its name */
    int failed;
    char error[512];
    unsigned nruns;
    struct sl_bench_run *runs; /* config repeat of them */
    double rows_per_sec;       /* median over the runs */
    double rows_per_sec_min, rows_per_sec_max;
    int tie;           /* not the best, but its min-max range overlaps the best's: the runs
                          cannot tell the two apart */
    double mb_per_sec; /* median */
    double p50_ms, p95_ms, p99_ms; /* per INSERT statement, all runs */
    struct sl_hist hist;
};

struct sl_bench_result {
    char target[512]; /* the URL, password masked */
    char table[256];  /* db.table */
    char server[128]; /* the server's version */
    struct sl_bench_cell *cells;
    size_t ncells;
    long best;       /* index of the fastest cell, -1 if all failed */
    int interrupted; /* SIGINT or SIGTERM ended the grid: the cell it cut short
                        is failed ("interrupted"), later ones did not run */
};

/* Runs the grid. Cells that fail are marked failed and the grid goes on.
 * Returns 0 (some cells may have failed), or -1 with err set when nothing
 * could run (bad URL, unreachable server, the table cannot be created). */
int sl_bench_run(const struct sl_bench_config *c, struct sl_bench_result *r, FILE *log,
                 struct sl_err *err);

/* Frees what r holds. */
void sl_bench_result_release(struct sl_bench_result *r);

/* Marks the cells that tie with the best: not failed, and their min-max
 * range of rows/s overlaps the best cell's. */
void sl_bench_mark_ties(struct sl_bench_result *r);

/* Reports: the terminal table (best cell marked), results.csv,
 * results.json, and the chart (throughput.svg) in dir. Return 0, or -1 with
 * err naming the file. */
void sl_bench_print(FILE *out, const struct sl_bench_config *c, const struct sl_bench_result *r);
int sl_bench_write_csv(const char *path, const struct sl_bench_config *c,
                       const struct sl_bench_result *r, struct sl_err *err);
int sl_bench_write_json(const char *path, const struct sl_bench_config *c,
                        const struct sl_bench_result *r, struct sl_err *err);
int sl_bench_write_svg(const char *path, const struct sl_bench_config *c,
                       const struct sl_bench_result *r, struct sl_err *err);

#endif
