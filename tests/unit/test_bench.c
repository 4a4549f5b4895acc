/* Unit tests of bench's reports, on made-up results (no server): ties with
 * the best cell, the table's marks, and the chart's min-max spread and
 * width. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sl_bench.h"

static CHECK_INIT();

/* A cell of threads with its runs' rows/s (median, min, max). */
static struct sl_bench_cell cell(unsigned threads, size_t batch, double med, double lo, double hi,
                                 struct sl_bench_run *runs, unsigned nruns)
{
    for (unsigned k = 0; k < nruns; k++)
        runs[k] = (struct sl_bench_run){.rows = 1000, .rows_per_sec = med, .rows_counter = "x"};
    return (struct sl_bench_cell){.threads = threads,
                                  .batch_rows = batch,
                                  .txn_rows = 1000,
                                  .method = "insert",
                                  .nruns = nruns,
                                  .runs = runs,
                                  .rows_per_sec = med,
                                  .rows_per_sec_min = lo,
                                  .rows_per_sec_max = hi};
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

int main(void)
{
    struct sl_bench_run runs[4][2];
    struct sl_bench_cell cells[4] = {
        cell(1, 100, 1000, 900, 1100, runs[0], 2),  /* overlaps the best: a tie */
        cell(2, 100, 1150, 1050, 1250, runs[1], 2), /* the best */
        cell(1, 200, 500, 450, 550, runs[2], 2),    /* clearly slower */
        cell(2, 200, 1049, 1000, 1049, runs[3], 2), /* just below the best's min */
    };
    struct sl_bench_result r = {.cells = cells, .ncells = 4, .best = 1};
    snprintf(r.target, sizeof r.target, "mysql://u@h/db");
    snprintf(r.table, sizeof r.table, "db.t");
    snprintf(r.server, sizeof r.server, "test");
    sl_bench_mark_ties(&r);
    CHECK(cells[0].tie && !cells[1].tie && !cells[2].tie && !cells[3].tie);

    static const unsigned threads[] = {1, 2};
    static const size_t batch[] = {100, 200}, txn[] = {1000};
    struct sl_bench_config c = {.threads = threads,
                                .nthreads = 2,
                                .batch_rows = batch,
                                .nbatch = 2,
                                .txn_rows = txn,
                                .ntxn = 1,
                                .repeat = 2,
                                .schema = "narrow"};
    char path[] = "/tmp/sluice-test-bench-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    sl_bench_print(f, &c, &r);
    fclose(f);
    const char *text = slurp(path);
    CHECK(text && strstr(text, "\n=       1     100     1000 insert "));
    CHECK(text && strstr(text, "\n*       2     100     1000 insert "));
    CHECK(text && strstr(text, "\n        1     200     1000 insert "));
    CHECK(text && strstr(text, "  = a tie with the best: 1 cell whose min-max range overlaps the "
                               "best's; more --repeat may tell them apart\n"));

    struct sl_err e;
    CHECK(sl_bench_write_svg(path, &c, &r, &e) == 0);
    text = slurp(path);
    /* a spread per cell, from its min to its max, and a ring for the tie */
    CHECK(text && count(text, "class=\"spread\"") == 4);
    CHECK(text && strstr(text, "data-min=\"1050\" data-max=\"1250\""));
    CHECK(text && strstr(text, ">best</text>") && strstr(text, ">tie</text>"));
    /* one panel fills the chart: 680 wide, the plot 564 of it */
    CHECK(text && strstr(text, "width=\"680\" height="));
    CHECK(text && strstr(text, "<rect x=\"88.0\" y=\"98.0\" width=\"564.0\""));
    /* three panels keep their own width */
    static const size_t txn3[] = {100, 1000, 10000};
    c.txn_rows = txn3;
    c.ntxn = 3;
    CHECK(sl_bench_write_svg(path, &c, &r, &e) == 0);
    text = slurp(path);
    CHECK(text && strstr(text, "width=\"1340\" height=") && count(text, "class=\"panel\"") == 3);
    /* a single run per cell: no spread drawn */
    for (int i = 0; i < 4; i++)
        cells[i].nruns = 1;
    CHECK(sl_bench_write_svg(path, &c, &r, &e) == 0);
    text = slurp(path);
    CHECK(text && count(text, "class=\"spread\"") == 0);
    unlink(path);
    return CHECK_DONE();
}
