/*
 * sl_null_sink: a sink that keeps nothing. Each batch "commits" as soon as
 * it is written: its rows that were not rejected are counted as written
 * and the batch goes back at once. A dry run writes here, so that its
 * counts are what a real run would write; so does a measurement of a
 * source alone.
 */
#ifndef SL_NULL_SINK_H
#define SL_NULL_SINK_H

#include "sl_sink_ops.h"

/* The sink's operations; they take no sink (NULL). */
extern const struct sl_sink_ops sl_null_sink_ops;

#endif
