/*
 * sl_xcopy: `sluice copy` from a database that is not MySQL (PostgreSQL;
 * see sl_foreign.h) into MySQL, on the same engine as every other command.
 *
 * Plan (before any row moves): open the source in one consistent state;
 * list and describe its tables in MySQL's terms (docs/type-mapping.md),
 * with --type-map's overrides; refuse a column MySQL cannot hold, naming
 * it; print in one warning what MySQL cannot express and is left out;
 * decide per table what --if-exists says, and create the missing tables
 * with their primary key only.
 *
 * Copy: readers, each on its own source connection in the shared snapshot,
 * read key ranges of the integer primary key (other tables in one stream),
 * larger tables first; values travel as MySQL's text in a fixed pool of
 * batches to writer connections, which insert them with multi-row prepared
 * INSERTs in chunked transactions. A value the target cannot take is a
 * reject (--on-error skip, to --rejects) or stops the copy. Then the
 * secondary indexes are added, one ALTER TABLE per table.
 *
 * Verify: each reader sums up every range it read (sl_canon.h); once the
 * rows are in, each range is summed up on the target, in parallel, and the
 * two compared; a mismatch names its key range. A row the target refused
 * is taken out of the source's sum, so that rejects are counted as rejects
 * and not as differences. --verify-only reads the source through a sink
 * that keeps nothing and compares in the same way.
 */
#ifndef SL_XCOPY_H
#define SL_XCOPY_H

#include <stdio.h>

#include "sl_copy.h"
#include "sl_extract.h"
#include "sl_foreign.h"

/* The foreign source for url's scheme (postgresql://, postgres://), or NULL
 * when url names none (mysql://). */
const struct sl_foreign_ops *sl_xcopy_source_for(const char *url);

/* Runs the copy from the foreign source c->from into c->to. Results and
 * return as sl_copy_run(). */
int sl_xcopy_run(const struct sl_copy_config *c, struct sl_copy_result *res, FILE *log);

/* Splits t's integer key (t->key) under where into ranges of about
 * chunk_rows rows, at least one per reader, in the source's snapshot; one
 * range when t has no such key or no row. Returns 0, or -1 with err set. */
int sl_xcopy_key_ranges(const struct sl_foreign_ops *ops, void *src, const struct sl_ftable *t,
                        const char *where, uint64_t chunk_rows, unsigned readers,
                        struct sl_key_ranges *ranges, struct sl_err *err);

/* Runs `sluice extract` from the foreign source c->from (a table) into CSV,
 * the values as MySQL would take them (docs/type-mapping.md). Results and
 * return as sl_extract_run(). */
int sl_xextract_run(const struct sl_extract_config *c, struct sl_extract_result *res, FILE *log);

#endif
