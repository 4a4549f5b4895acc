#include "sl_gen_source.h"

#include <stdlib.h>

#include "sl_clock.h"

static int past_deadline(const struct sl_gen_source *s)
{
    return s->deadline > 0 && sl_now() >= s->deadline;
}

static int gen_row(const struct sl_gen_source *s, uint64_t seq, struct sl_batch *b)
{
    return s->gen ? sl_gen_row(s->gen, seq, b) : sl_gen_typed_row(s->typed, seq, b);
}

static int read_split(void *reader, uint64_t k, const struct sl_source_port *port)
{
    const struct sl_gen_source *s = reader;
    uint64_t first = k * s->split_rows + 1, last = first + s->split_rows - 1;
    if (s->rows && last > s->rows)
        last = s->rows;
    struct sl_err e;
    for (uint64_t seq = first; seq <= last;) {
        if (port->stopping(port->ctx))
            return -1;
        if (past_deadline(s))
            return 0;
        struct sl_batch *b = port->take(port->ctx);
        if (!b)
            return -1;
        b->source = (size_t)k;
        for (; seq <= last && !sl_batch_is_full(b); seq++) {
            if (gen_row(s, seq, b) != 0) {
                sl_err_set(&e, SL_ERR_FATAL, "row %llu does not fit its batch",
                           (unsigned long long)seq);
                port->give_back(port->ctx, b);
                port->fail(port->ctx, &e);
                return -1;
            }
        }
        port->count(port->ctx, b->nrows, 0, b->arena.len);
        if (port->hand_on(port->ctx, b) != 0)
            return -1;
    }
    return 0;
}

uint64_t sl_gen_source_splits(const struct sl_gen_source *s)
{
    return s->rows ? (s->rows + s->split_rows - 1) / s->split_rows : UINT64_MAX;
}

static int next_split(void *source, uint64_t *split)
{
    struct sl_gen_source *s = source;
    if (past_deadline(s))
        return 0;
    uint64_t k = atomic_fetch_add(&s->next, 1);
    if (k >= sl_gen_source_splits(s))
        return 0;
    *split = k;
    return 1;
}

static const char *unit_name(void *source, size_t unit)
{
    return "generated rows";
}

const struct sl_source_ops sl_gen_source_ops = {
    .name = "gen",
    .caps = SL_SOURCE_ORDERED,
    .next_split = next_split, /* generating needs no reader of its own */
    .read_split = read_split,
    .unit_name = unit_name,
    .field_of = NULL,
};
