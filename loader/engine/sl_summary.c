/* The closing summary's lines. See sl_summary.h. */
#include "sl_summary.h"

#include <stdarg.h>

#include "sl_progress.h"

/* The labels' column: the longest label ("rows rejected") and a space. */
#define LABEL_WIDTH 13

void sl_summary_head(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sluice: ", out);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
}

void sl_summary_line(FILE *out, const char *label, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(out, "  %-*s ", LABEL_WIDTH, label);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
}

void sl_summary_counts(FILE *out, const struct sl_report *r, uint32_t always,
                       const char *updated_label)
{
    size_t n;
    const struct sl_report_counter *cs = sl_report_counters(&n);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = sl_report_counter(r, i);
        if (!cs[i].label || (!(always & (UINT32_C(1) << i)) && v == 0))
            continue;
        const char *label = cs[i].label;
        if (i == SL_COUNTER_rows_updated && updated_label)
            label = updated_label;
        char a[32];
        sl_summary_line(out, label, "%s", sl_fmt_count(v, a, sizeof a));
    }
}

void sl_summary_rates(FILE *out, uint64_t rows, uint64_t bytes, double seconds)
{
    char a[32];
    double secs = seconds > 0 ? seconds : 1e-9;
    sl_summary_line(out, "seconds", "%.2f", seconds);
    sl_summary_line(out, "rows/s", "%s",
                    sl_fmt_count((uint64_t)((double)rows / secs), a, sizeof a));
    sl_summary_line(out, "MB/s", "%.1f", (double)bytes / 1e6 / secs);
}

void sl_summary_method(FILE *out, const char *method, const char *why)
{
    if (method && why && why[0])
        sl_summary_line(out, "method", "%s (auto: %s)", method, why);
    else if (method)
        sl_summary_line(out, "method", "%s", method);
}
