/*
 * The chart of `sluice bench`, as SVG: rows/s against rows per INSERT on a
 * log axis, one line per thread count, one panel per transaction size, all
 * panels on one rows/s scale so they compare at a glance. Where a line turns
 * flat, more rows per statement stop paying; where the lines of more threads
 * stop rising above the others, the server is saturated. The best cell is
 * ringed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sl_bench.h"

#define PANEL_W  440 /* at least; a chart of one panel (or a few) widens them to */
#define CHART_W  680 /* the chart's least width, room for the title */
#define PANEL_H  300
#define MARGIN_L 78
#define MARGIN_R 18
#define MARGIN_T 34
#define MARGIN_B 52
#define TOP      64 /* title and legend */

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                      "#9467bd", "#8c564b", "#e377c2", "#17becf"};

/* A round step for about n ticks up to max. */
static double nice_step(double max, int n)
{
    double raw = max / n, p = pow(10, floor(log10(raw)));
    double f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static void fmt_rate(double v, char *out, size_t n)
{
    if (v >= 1e6)
        snprintf(out, n, "%gM", v / 1e6);
    else if (v >= 1e3)
        snprintf(out, n, "%gk", v / 1e3);
    else
        snprintf(out, n, "%g", v);
}

/* Where a panel's plot area is, and its scales. */
struct plot {
    double ox, oy, pw, ph; /* left, top, width, height */
    double lmin, lmax;     /* log10 of the smallest and largest batch size */
    double ytop;           /* rows/s at the top */
};

static double x_of(const struct plot *p, size_t batch_rows)
{
    double lx =
        p->lmax > p->lmin ? (log10((double)batch_rows) - p->lmin) / (p->lmax - p->lmin) : 0.5;
    return p->ox + lx * p->pw;
}

static double y_of(const struct plot *p, double rows_per_sec)
{
    return p->oy + p->ph - rows_per_sec / p->ytop * p->ph;
}

/* True for a cell drawn on the line of `threads` in the panel of `txn`. */
/* Whether cell belongs on the line of threads, method and the panel of txn
 * (0: a COMMIT per statement, whatever the batch). */
static int on_line(const struct sl_bench_cell *cell, unsigned threads, size_t txn,
                   const char *method)
{
    return !cell->failed && cell->threads == threads && (txn == 0 || cell->txn_rows == txn) &&
           strcmp(cell->method, method) == 0;
}

/* The methods of the grid's cells, in their first order: names[0..*n). */
static void methods_of(const struct sl_bench_result *r, const char **names, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < r->ncells && *n < 4; i++) {
        size_t k = 0;
        while (k < *n && strcmp(names[k], r->cells[i].method) != 0)
            k++;
        if (k == *n)
            names[(*n)++] = r->cells[i].method;
    }
}

/* The dash pattern of method k's lines: solid for the first. */
static const char *dash_of(size_t k)
{
    static const char *const dashes[] = {"none", "7 4", "2 3", "10 3 2 3"};
    return dashes[k % 4];
}

/* Writes s as XML text. */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* One line of the chart: the cells of one thread count, transaction size
 * and method across the batch sizes, each a point (the best one ringed). */
static void series(FILE *f, const struct plot *p, const struct sl_bench_result *r, unsigned threads,
                   size_t txn, const char *method, const char *col, const char *dash)
{
    double pw = p->pw;
    fprintf(f,
            "<polyline class=\"series\" data-threads=\"%u\" data-method=\"%s\" fill=\"none\" "
            "stroke=\"%s\" stroke-dasharray=\"%s\" stroke-width=\"2.5\" points=\"",
            threads, method, col, dash);
    for (size_t i = 0; i < r->ncells; i++)
        if (on_line(&r->cells[i], threads, txn, method))
            fprintf(f, "%.1f,%.1f ", x_of(p, r->cells[i].batch_rows),
                    y_of(p, r->cells[i].rows_per_sec));
    fputs("\"/>\n", f);
    for (size_t i = 0; i < r->ncells; i++) {
        const struct sl_bench_cell *cell = &r->cells[i];
        if (!on_line(cell, threads, txn, method))
            continue;
        double px = x_of(p, cell->batch_rows), py = y_of(p, cell->rows_per_sec);
        if (cell->nruns > 1) { /* the spread of the runs: min to max, capped */
            double lo = y_of(p, cell->rows_per_sec_min), hi = y_of(p, cell->rows_per_sec_max);
            fprintf(f,
                    "<path class=\"spread\" data-min=\"%.0f\" data-max=\"%.0f\" stroke=\"%s\" "
                    "stroke-width=\"1.5\" d=\"M%.1f,%.1f V%.1f M%.1f,%.1f H%.1f M%.1f,%.1f "
                    "H%.1f\"/>\n",
                    cell->rows_per_sec_min, cell->rows_per_sec_max, col, px, lo, hi, px - 4, lo,
                    px + 4, px - 4, hi, px + 4);
        }
        fprintf(f,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%u threads, "
                "%zu rows/INSERT, %zu rows/COMMIT, %s: %.0f rows/s</title></circle>\n",
                px, py, col, cell->threads, cell->batch_rows, cell->txn_rows, cell->method,
                cell->rows_per_sec);
        if ((long)i == r->best || cell->tie) {
            int right = px > p->ox + pw * 0.8; /* keep the label inside the panel */
            fprintf(f,
                    "<circle class=\"best\" cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"none\" "
                    "stroke=\"black\" stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"%.1f\" "
                    "font-weight=\"bold\" text-anchor=\"%s\">%s</text>\n",
                    px, py, right ? px - 10 : px + 10, py - 8, right ? "end" : "start",
                    (long)i == r->best ? "best" : "tie");
        }
    }
}

int sl_bench_write_svg(const char *path, const struct sl_bench_config *c,
                       const struct sl_bench_result *r, struct sl_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot create: %s", path, strerror(errno));
    double ymax = 0;
    size_t bmin = (size_t)-1, bmax = 0;
    for (size_t i = 0; i < r->ncells; i++) {
        const struct sl_bench_cell *cell = &r->cells[i];
        bmin = cell->batch_rows < bmin ? cell->batch_rows : bmin;
        bmax = cell->batch_rows > bmax ? cell->batch_rows : bmax;
        double top = cell->nruns > 1 ? cell->rows_per_sec_max : cell->rows_per_sec;
        if (!cell->failed && top > ymax)
            ymax = top;
    }
    if (ymax <= 0)
        ymax = 1;
    double step = nice_step(ymax * 1.05, 5);
    double ytop = ceil(ymax * 1.05 / step) * step;
    double lmin = log10((double)bmin), lmax = log10((double)bmax);
    /* panels share the width: a single one fills the chart */
    int panel_w = PANEL_W;
    if ((int)c->ntxn * panel_w + 20 < CHART_W)
        panel_w = (CHART_W - 20) / (int)c->ntxn;
    int width = (int)c->ntxn * panel_w + 20, height = TOP + PANEL_H + 10;
    double pw = panel_w - MARGIN_L - MARGIN_R, ph = PANEL_H - MARGIN_T - MARGIN_B;

    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
            "font-size=\"12\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    fputs("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">sluice bench: rows/s "
          "by rows per INSERT (schema ",
          f);
    xml_text(f, c->schema);
    fprintf(f, ", %s keys)</text>\n", c->random_keys ? "random" : "sequential");
    /* legend: one entry per thread count (a colour), and with several
     * methods one per method (a dash pattern) */
    const char *methods[4];
    size_t nmethods;
    methods_of(r, methods, &nmethods);
    for (size_t t = 0; t < c->nthreads; t++) {
        int x = 10 + (int)t * 110;
        const char *col = palette[t % 8];
        fprintf(f,
                "<g class=\"legend\"><line x1=\"%d\" y1=\"44\" x2=\"%d\" y2=\"44\" stroke=\"%s\" "
                "stroke-width=\"3\"/><text x=\"%d\" y=\"48\">%u thread%s</text></g>\n",
                x, x + 24, col, x + 30, c->threads[t], c->threads[t] == 1 ? "" : "s");
    }
    for (size_t m = 0; nmethods > 1 && m < nmethods; m++) {
        int x = 10 + (int)(c->nthreads + m) * 110;
        fprintf(f,
                "<g class=\"legend\"><line x1=\"%d\" y1=\"44\" x2=\"%d\" y2=\"44\" "
                "stroke=\"black\" stroke-dasharray=\"%s\" stroke-width=\"2\"/><text x=\"%d\" "
                "y=\"48\">",
                x, x + 24, dash_of(m), x + 30);
        xml_text(f, methods[m]);
        fputs("</text></g>\n", f);
    }
    for (size_t x = 0; x < c->ntxn; x++) {
        const struct plot p = {
            10 + (double)x * panel_w + MARGIN_L, TOP + MARGIN_T, pw, ph, lmin, lmax, ytop};
        fprintf(f, "<g class=\"panel\" data-txn-rows=\"%zu\">\n", c->txn_rows[x]);
        char title[64];
        if (c->txn_rows[x])
            snprintf(title, sizeof title, "%zu rows per COMMIT", c->txn_rows[x]);
        else
            snprintf(title, sizeof title, "a COMMIT per statement");
        fprintf(
            f,
            "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\" text-anchor=\"middle\">%s</text>\n",
            p.ox + pw / 2, p.oy - 12, title);
        /* y grid and labels */
        for (double v = 0; v <= ytop + step / 2; v += step) {
            double y = y_of(&p, v);
            char label[32];
            fmt_rate(v, label, sizeof label);
            fprintf(f,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    p.ox, y, p.ox + pw, y, p.ox - 6, y + 4, label);
        }
        /* x ticks at the batch sizes measured */
        for (size_t b = 0; b < c->nbatch; b++) {
            double px = x_of(&p, c->batch_rows[b]);
            fprintf(f,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n",
                    px, p.oy, px, p.oy + ph, px, p.oy + ph + 16, c->batch_rows[b]);
        }
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                "stroke=\"#444\"/>\n"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">rows per INSERT (log "
                "scale)</text>\n"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f "
                "%.1f)\">rows/s</text>\n",
                p.ox, p.oy, pw, ph, p.ox + pw / 2, p.oy + ph + 36, p.ox - 58, p.oy + ph / 2,
                p.ox - 58, p.oy + ph / 2);
        for (size_t t = 0; t < c->nthreads; t++) {
            for (size_t m = 0; m < nmethods; m++)
                series(f, &p, r, c->threads[t], c->txn_rows[x], methods[m], palette[t % 8],
                       dash_of(m));
        }
        fputs("</g>\n", f);
    }
    fputs("</svg>\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return sl_err_set(err, SL_ERR_FATAL, "%s: write failed: %s", path, strerror(errno));
    return 0;
}
