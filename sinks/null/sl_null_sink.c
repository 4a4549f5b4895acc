#include "sl_null_sink.h"

static int writer_open(void *sink, unsigned index, const struct sl_sink_port *port, void **out,
                       struct sl_err *err)
{
    *out = (void *)port;
    return 0;
}

static int write_batch(void *writer, struct sl_batch *b)
{
    const struct sl_sink_port *port = writer;
    if (atomic_load_explicit(port->stop, memory_order_relaxed)) {
        port->release(port->ctx, b, 0);
        return -1;
    }
    port->committed(port->ctx, &b, 1, sl_batch_good_rows(b), 0, 0);
    port->release(port->ctx, b, 1);
    return 0;
}

const struct sl_sink_ops sl_null_sink_ops = {
    .name = "null", .caps = 0, .writer_open = writer_open, .write = write_batch,
    /* each write commits its batch: no commit, rollback or pending */
};
