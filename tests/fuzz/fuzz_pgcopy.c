/*
 * libFuzzer harness for PostgreSQL's COPY text format and the value checks
 * (extract/pg/sl_pg_copy.c).
 *
 * The first byte of the input picks the column count (1 to 8) and the
 * second the check each column gets; the rest is one COPY line. Oracles: a
 * line that decodes, written back in COPY's text form (every field escaped,
 * NULL as \N) and decoded again, gives the same fields; a check never reads
 * or writes outside its field, and a bytea field it accepts halves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_pg_copy.h"

static void encode(struct sl_buf *out, const struct sl_pg_row *r, size_t n)
{
    sl_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sl_buf_append(out, "\t", 1);
        if (r->null[i]) {
            sl_buf_append(out, "\\N", 2);
            continue;
        }
        for (size_t j = 0; j < r->len[i]; j++) {
            char c = r->out.data[r->off[i] + j];
            const char *e = c == '\\'   ? "\\\\"
                            : c == '\t' ? "\\t"
                            : c == '\n' ? "\\n"
                            : c == '\r' ? "\\r"
                                        : NULL;
            if (e)
                sl_buf_append(out, e, 2);
            else
                sl_buf_append(out, &c, 1);
        }
    }
    sl_buf_append(out, "\n", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 8192)
        return 0;
    size_t ncols = 1 + data[0] % 8;
    enum sl_fconv convs[] = {SL_FCONV_TEXT,     SL_FCONV_DECIMAL, SL_FCONV_FLOAT,
                             SL_FCONV_TEMPORAL, SL_FCONV_HEX,     SL_FCONV_BOOL};
    struct sl_pg_row a = {0}, b = {0};
    sl_buf_init(&a.out, 1 << 20);
    sl_buf_init(&b.out, 1 << 20);
    const char *why;
    const char *line = (const char *)data + 2;
    size_t n = size - 2;
    if (sl_pg_row_decode(&a, line, n, ncols, &why) == 0) {
        struct sl_buf again;
        sl_buf_init(&again, 1 << 22);
        encode(&again, &a, ncols);
        if (sl_pg_row_decode(&b, again.data, again.len, ncols, &why) != 0)
            abort(); /* what was decoded must decode again */
        for (size_t i = 0; i < ncols; i++)
            if (a.null[i] != b.null[i] || a.len[i] != b.len[i] ||
                memcmp(a.out.data + a.off[i], b.out.data + b.off[i], a.len[i]) != 0)
                abort(); /* and give the same fields */
        sl_buf_release(&again);
        for (size_t i = 0; i < ncols; i++) {
            struct sl_fcol c = {
                .name = "c", .mysql_type = (char *)"DECIMAL(10,2)", .prec = 10, .scale = 2};
            c.conv = convs[(data[1] + i) % 6];
            if (c.conv == SL_FCONV_FLOAT && (data[1] & 64)) {
                c.conv = SL_FCONV_FLOAT32;
                c.mysql_type = (char *)"FLOAT";
            } else if (c.conv == SL_FCONV_FLOAT) {
                c.mysql_type = (char *)"DOUBLE";
            }
            size_t before = a.len[i];
            char msg[256];
            if (sl_pg_value_convert(&a, i, &c, msg, sizeof msg) == 0 && c.conv == SL_FCONV_HEX &&
                !a.null[i] && a.len[i] != (before - 2) / 2)
                abort();
        }
    }
    sl_pg_row_release(&a);
    sl_pg_row_release(&b);
    return 0;
}
