/*
 * Unit tests of the engine (loader/engine): its run of a source into a
 * sink, with a source and a sink kept in memory, so that what the engine
 * promises is checked apart from any server: every row exactly once, the
 * split order of an ordered run, fused runs, a split complete exactly once
 * after all its batches, a failed unit that leaves the run going, and a
 * source's failure returned as the run's error.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sl_engine.h"

static CHECK_INIT();

#define SPLITS         40
#define ROWS_PER_SPLIT 23
#define BATCH_ROWS     5

/* ---- a source of SPLITS splits, row i of split k holding k*1000+i ---- */

struct msource {
    atomic_uint_fast64_t next;
    int fail_at; /* a split whose read fails the run, or -1 */
};

static int m_next_split(void *source, uint64_t *split)
{
    struct msource *s = source;
    uint64_t k = atomic_fetch_add(&s->next, 1);
    if (k >= SPLITS)
        return 0;
    *split = k;
    return 1;
}

static int m_read_split(void *reader, uint64_t k, const struct sl_source_port *port)
{
    struct msource *s = reader;
    if ((int)k == s->fail_at) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "split %d cannot be read", s->fail_at);
        port->fail(port->ctx, &e);
        return -1;
    }
    struct sl_batch *b = NULL;
    for (int i = 0; i < ROWS_PER_SPLIT; i++) {
        if (!b) {
            if (!(b = port->take(port->ctx)))
                return -1;
            b->source = (size_t)(k % 4); /* four units */
        }
        char v[32];
        int n = snprintf(v, sizeof v, "%d", (int)k * 1000 + i);
        sl_batch_set_cell(b, 0, v, (size_t)n);
        sl_batch_end_row(b, (uint64_t)i + 1, 0);
        if (port->row(port->ctx, b) != 0)
            return -1;
        if (sl_batch_is_full(b)) {
            if (port->hand_on(port->ctx, b) != 0)
                return -1;
            b = NULL;
        }
    }
    return b ? (port->hand_on(port->ctx, b) != 0 ? -1 : 0) : 0;
}

static const char *m_unit_name(void *source, size_t unit)
{
    return "memory";
}

static const struct sl_source_ops msource_ops = {
    .name = "memory",
    .caps = SL_SOURCE_ORDERED,
    .next_split = m_next_split, /* no reader_open: the reader is the source */
    .read_split = m_read_split,
    .unit_name = m_unit_name,
};

/* ---- a sink that records the values it commits, in order ---- */

struct msink {
    pthread_mutex_t mu;
    int values[SPLITS * ROWS_PER_SPLIT];
    size_t n;
    int fail_unit; /* batches of this unit fail their chunk, or -1 */
};

struct mwriter {
    struct msink *s;
    const struct sl_sink_port *port;
    struct sl_batch *held[64];
    size_t nheld;
    uint64_t rows;
};

static int k_writer_open(void *sink, unsigned index, const struct sl_sink_port *port, void **out,
                         struct sl_err *err)
{
    struct mwriter *w = calloc(1, sizeof *w);
    w->s = sink;
    w->port = port;
    *out = w;
    return 0;
}

static void k_drop(struct mwriter *w)
{
    for (size_t i = 0; i < w->nheld; i++)
        w->port->release(w->port->ctx, w->held[i], 0);
    w->nheld = 0;
    w->rows = 0;
}

static int k_commit(void *writer);

static int k_write(void *writer, struct sl_batch *b)
{
    struct mwriter *w = writer;
    if (w->nheld > 0 && w->held[0]->source != b->source)
        k_commit(w); /* a chunk holds one unit's rows, as the MySQL sink's */
    w->held[w->nheld++] = b;
    w->rows += b->nrows;
    if ((int)b->source == w->s->fail_unit) {
        struct sl_err e;
        sl_err_set(&e, SL_ERR_FATAL, "unit %d refused", w->s->fail_unit);
        w->port->fail(w->port->ctx, (long)b->source, &e);
        k_drop(w);
        return -1;
    }
    return 0;
}

/* The value of row r of b: digits, not NUL-terminated. */
static int cell_int(const struct sl_batch *b, size_t r)
{
    const struct sl_cell *c = sl_batch_cell(b, r, 0);
    const char *p = sl_batch_cell_data(b, c);
    int v = 0;
    for (uint32_t i = 0; i < c->len; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

static int k_commit(void *writer)
{
    struct mwriter *w = writer;
    pthread_mutex_lock(&w->s->mu);
    for (size_t i = 0; i < w->nheld; i++) {
        const struct sl_batch *b = w->held[i];
        for (size_t r = 0; r < b->nrows; r++, w->s->n++)
            if (w->s->n < SPLITS * ROWS_PER_SPLIT)
                w->s->values[w->s->n] = cell_int(b, r);
    }
    pthread_mutex_unlock(&w->s->mu);
    w->port->committed(w->port->ctx, w->held, w->nheld, w->rows, 0, 0);
    for (size_t i = 0; i < w->nheld; i++)
        w->port->release(w->port->ctx, w->held[i], 1);
    w->nheld = 0;
    w->rows = 0;
    return 0;
}

static void k_rollback(void *writer)
{
    k_drop(writer);
}

static void k_pending(void *writer, uint64_t *rows, size_t *batches, size_t *bytes)
{
    struct mwriter *w = writer;
    *rows = w->rows;
    *batches = w->nheld;
    *bytes = 0;
}

static void k_writer_close(void *writer)
{
    free(writer);
}

static const struct sl_sink_ops msink_ops = {
    .name = "memory",
    .caps = SL_SINK_TXN,
    .writer_open = k_writer_open,
    .write = k_write,
    .commit = k_commit,
    .rollback = k_rollback,
    .pending = k_pending,
    .writer_close = k_writer_close,
};

/* ---- hooks that count what they are told ---- */

struct seen {
    atomic_int done[SPLITS];    /* split_done calls per split */
    atomic_int dropped[SPLITS]; /* batches dropped, as split_done said */
    atomic_int unit_failures;   /* fail_unit calls */
    atomic_int dead[4];         /* units failed */
};

static void h_split_done(void *ctx, uint64_t split, uint64_t dropped)
{
    struct seen *s = ctx;
    atomic_fetch_add(&s->done[split], 1);
    atomic_store(&s->dropped[split], (int)dropped);
}

static int h_fail_unit(void *ctx, const struct sl_unit_fault *f, struct sl_err *e)
{
    struct seen *s = ctx;
    atomic_fetch_add(&s->unit_failures, 1);
    atomic_store(&s->dead[f->unit], 1);
    return 0;
}

static int h_unit_dead(void *ctx, size_t unit)
{
    struct seen *s = ctx;
    return atomic_load(&s->dead[unit]);
}

/* ---- the runs ---- */

static int run(struct msource *src, struct msink *sink, unsigned nr, unsigned nw, int ordered,
               int fused, const struct sl_engine_hooks *hooks, struct seen *seen,
               struct sl_err *err)
{
    atomic_init(&src->next, 0);
    sink->n = 0;
    struct sl_counters counters;
    memset(&counters, 0, sizeof counters);
    struct sl_progress progress;
    sl_progress_init(&progress, stderr, 0, 0);
    char *names[] = {"v"};
    struct sl_engine_plan plan = {
        .source_ops = &msource_ops,
        .source = src,
        .sink_ops = &msink_ops,
        .sink = sink,
        .colnames = names,
        .nreaders = nr,
        .nwriters = nw,
        .ncols = 1,
        .batch_rows = BATCH_ROWS,
        .arena_bytes = 4096,
        .txn_rows = 12,
        .ordered = ordered,
        .fused = fused,
        .nsplits = SPLITS,
        .counters = &counters,
        .progress = &progress,
        .hooks = hooks,
        .ctx = seen,
    };
    int interrupted = 0;
    int rc = sl_engine_run(&plan, &interrupted, err);
    sl_progress_release(&progress);
    CHECK_EQ_INT(interrupted, 0);
    if (rc == 0)
        CHECK_EQ_INT(atomic_load(&counters.rows_written), sink->n);
    return rc;
}

/* Every row of every split, exactly once. */
static void check_all_once(const struct msink *sink)
{
    static int count[SPLITS * 1000];
    memset(count, 0, sizeof count);
    CHECK_EQ_INT(sink->n, SPLITS * ROWS_PER_SPLIT);
    if (sink->n > SPLITS * ROWS_PER_SPLIT)
        return;
    for (size_t i = 0; i < sink->n; i++)
        count[sink->values[i]]++;
    int once = 1;
    for (int k = 0; k < SPLITS; k++)
        for (int i = 0; i < ROWS_PER_SPLIT; i++)
            once &= count[k * 1000 + i] == 1;
    CHECK(once);
}

static void test_runs(void)
{
    struct msource src = {.fail_at = -1};
    struct msink *sink = calloc(1, sizeof *sink);
    pthread_mutex_init(&sink->mu, NULL);
    sink->fail_unit = -1;
    struct sl_err e;

    /* queued: three readers, two writers */
    CHECK_EQ_INT(run(&src, sink, 3, 2, 0, 0, NULL, NULL, &e), 0);
    check_all_once(sink);

    /* ordered: three readers, one writer, rows in split and row order */
    CHECK_EQ_INT(run(&src, sink, 3, 1, 1, 0, NULL, NULL, &e), 0);
    check_all_once(sink);
    int in_order = 1;
    for (size_t i = 1; i < sink->n; i++)
        in_order &= sink->values[i] > sink->values[i - 1];
    CHECK(in_order);

    /* fused: each of two threads reads and writes */
    CHECK_EQ_INT(run(&src, sink, 2, 2, 0, 1, NULL, NULL, &e), 0);
    check_all_once(sink);

    /* every split is complete exactly once, after its batches */
    struct seen *seen = calloc(1, sizeof *seen);
    struct sl_engine_hooks hooks = {
        .split_done = h_split_done, .fail_unit = h_fail_unit, .unit_dead = h_unit_dead};
    CHECK_EQ_INT(run(&src, sink, 3, 2, 0, 0, &hooks, seen, &e), 0);
    int each_once = 1, none_dropped = 1;
    for (int k = 0; k < SPLITS; k++) {
        each_once &= atomic_load(&seen->done[k]) == 1;
        none_dropped &= atomic_load(&seen->dropped[k]) == 0;
    }
    CHECK(each_once);
    CHECK(none_dropped);

    /* unit 2 fails: the run goes on, the other units' rows all arrive, and
     * unit 2's splits still complete, with their batches dropped */
    memset(seen, 0, sizeof *seen);
    sink->fail_unit = 2;
    CHECK_EQ_INT(run(&src, sink, 3, 2, 0, 0, &hooks, seen, &e), 0);
    CHECK(atomic_load(&seen->unit_failures) >= 1);
    size_t others = 0;
    int no_unit2 = 1;
    for (size_t i = 0; i < sink->n; i++) {
        int k = sink->values[i] / 1000;
        no_unit2 &= k % 4 != 2;
        others += k % 4 != 2;
    }
    CHECK(no_unit2);
    CHECK_EQ_INT(others, (SPLITS - SPLITS / 4) * ROWS_PER_SPLIT);
    int complete = 1, dropped_in_2 = 1;
    for (int k = 0; k < SPLITS; k++) {
        complete &= atomic_load(&seen->done[k]) == 1;
        if (k % 4 == 2)
            dropped_in_2 &= atomic_load(&seen->dropped[k]) > 0;
        else
            dropped_in_2 &= atomic_load(&seen->dropped[k]) == 0;
    }
    CHECK(complete);
    CHECK(dropped_in_2);
    sink->fail_unit = -1;

    /* without a fail_unit hook, the same failure fails the run */
    sink->fail_unit = 1;
    CHECK_EQ_INT(run(&src, sink, 2, 2, 0, 0, NULL, NULL, &e), -1);
    CHECK_EQ_STR(e.msg, "unit 1 refused");
    sink->fail_unit = -1;

    /* a source that cannot read a split fails the run with its error */
    src.fail_at = 17;
    CHECK_EQ_INT(run(&src, sink, 3, 2, 0, 0, NULL, NULL, &e), -1);
    CHECK_EQ_STR(e.msg, "split 17 cannot be read");
    src.fail_at = -1;

    free(seen);
    pthread_mutex_destroy(&sink->mu);
    free(sink);
}

int main(void)
{
    test_runs();
    return CHECK_DONE();
}
