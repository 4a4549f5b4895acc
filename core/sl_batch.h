/*
 * sl_batch: a batch of rows, the unit that moves between threads.
 *
 * A batch holds up to row_cap rows of ncols cells. Cell bytes live in the
 * batch's own arena, so a batch owns everything it points to and can be handed
 * from a reader thread to a writer thread as one pointer. Each row also keeps
 * where it came from (line and byte offset in its source), so that a writer
 * can name the exact input line when the server refuses a value.
 *
 * Batches are recycled: sl_batch_reset() empties one but keeps its memory, so
 * a fixed pool of batches bounds the memory of the whole pipeline.
 *
 * Filling a row: sl_batch_set_cell()/sl_batch_set_null() for every column, in
 * any order, then sl_batch_end_row(). sl_batch_drop_row() abandons a row
 * half-way (its arena bytes are reclaimed).
 */
#ifndef SL_BATCH_H
#define SL_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "sl_buf.h"

#define SL_CELL_NULL UINT32_MAX

/* A range of a source, from start to one before end: bytes of a file, or
 * positions that a source numbers in its own way. */
struct sl_span {
    uint64_t start, end;
};

struct sl_cell {
    uint32_t off; /* into arena */
    uint32_t len; /* SL_CELL_NULL for SQL NULL */
};

struct sl_row_pos {
    uint64_t line;     /* 1-based physical line where the record starts */
    uint64_t offset;   /* byte offset of the record in the (decompressed) source */
    uint32_t raw_off;  /* the record's original bytes in the arena, if kept */
    uint32_t raw_len;  /* 0 when not kept */
    uint8_t rejected;  /* set once the row has been sent to the rejects */
    uint8_t unchecked; /* the record was not valid UTF-8 as a whole: its text
                          values are checked one by one (sl_row_stage.h) */
};

struct sl_batch {
    size_t ncols;
    size_t col_cap; /* the column count it was created with */
    size_t nrows;
    size_t row_cap;
    size_t source;          /* index of the source every row came from */
    uint64_t split;         /* the source's split it was filled from (set by the engine) */
    unsigned home;          /* the pool it goes back to (the engine's business) */
    int split_end;          /* a marker: no rows, the split before it is complete */
    uint64_t start;         /* the source byte range the batch covers, from start */
    uint64_t end;           /* to end, rejected records included */
    struct sl_cell *cells;  /* row_cap * ncols, row-major */
    struct sl_row_pos *pos; /* row_cap */
    struct sl_buf arena;
    /* The rows in the sink's own form, made on the reader's thread
     * (sl_sink_ops.encode), so that encoding is spread over the readers:
     * enc_end[i] is where encoded record i ends in enc, nenc how many. */
    struct sl_buf enc;
    size_t *enc_end;
    size_t nenc;
    size_t row_mark; /* arena length when the current row began */
};

/* The rows of b not marked rejected. */
uint64_t sl_batch_good_rows(const struct sl_batch *b);

/* Allocates an empty batch. arena_max caps the bytes of cell data it may
 * hold. Returns NULL if memory is short or an argument is zero. */
struct sl_batch *sl_batch_new(size_t ncols, size_t row_cap, size_t arena_max);

/* Frees the batch and its arena. NULL is ignored. */
void sl_batch_free(struct sl_batch *b);

/* Empties the batch, keeping its memory for reuse. */
void sl_batch_reset(struct sl_batch *b);

/* Empties the batch and gives it ncols columns, at most the count it was
 * created with, so one pool of batches can carry rows of several tables.
 * Returns 0, or -1 if ncols is 0 or too many. */
int sl_batch_reshape(struct sl_batch *b, size_t ncols);

/* Stores a value for column col of the row being filled (row index nrows).
 * Returns 0, or -1 if the arena cap would be passed (nothing stored). */
static inline int sl_batch_set_cell(struct sl_batch *b, size_t col, const void *p, size_t len)
{
    size_t off = b->arena.len;
    if (len >= SL_CELL_NULL || sl_buf_append(&b->arena, p, len) != 0)
        return -1;
    struct sl_cell *c = &b->cells[b->nrows * b->ncols + col];
    c->off = (uint32_t)off;
    c->len = (uint32_t)len;
    return 0;
}

/* Makes column col of the row being filled refer to len bytes already in the
 * arena at offset off (written there by a parser given &b->arena). */
static inline void sl_batch_set_ref(struct sl_batch *b, size_t col, size_t off, size_t len)
{
    struct sl_cell *c = &b->cells[b->nrows * b->ncols + col];
    c->off = (uint32_t)off;
    c->len = (uint32_t)len;
}

/* Stores a value for column col of row, a row already ended, and keeps its
 * bytes from being taken back by sl_batch_drop_row(). Returns 0, or -1 if
 * the arena cap would be passed (nothing stored). */
int sl_batch_set_cell_at(struct sl_batch *b, size_t row, size_t col, const void *p, size_t len);

/* Makes column col of an ended row refer to len bytes at offset off of the
 * arena. */
static inline void sl_batch_set_ref_at(struct sl_batch *b, size_t row, size_t col, size_t off,
                                       size_t len)
{
    struct sl_cell *c = &b->cells[row * b->ncols + col];
    c->off = (uint32_t)off;
    c->len = (uint32_t)len;
}

/* Stores SQL NULL for column col of the row being filled. */
void sl_batch_set_null(struct sl_batch *b, size_t col);

/* Finishes the row being filled; its cells must all have been set. The caller
 * must not call this when nrows == row_cap. */
void sl_batch_end_row(struct sl_batch *b, uint64_t line, uint64_t offset);

/* Copies the row's original record bytes into the arena (for the rejects
 * file) and notes them in the row being filled. Returns 0 or -1 (no room). */
int sl_batch_keep_raw(struct sl_batch *b, const char *raw, size_t len);

/* Abandons the row being filled and reclaims its arena bytes. */
void sl_batch_drop_row(struct sl_batch *b);

/* Returns the cell of (row, col). */
static inline const struct sl_cell *sl_batch_cell(const struct sl_batch *b, size_t row, size_t col)
{
    return &b->cells[row * b->ncols + col];
}

/* Makes room for row_cap record ends in b->enc_end. Returns 0 or -1. */
int sl_batch_enc_reserve(struct sl_batch *b);

/* Returns a pointer to a cell's bytes (not NUL-terminated). */
static inline const char *sl_batch_cell_data(const struct sl_batch *b, const struct sl_cell *c)
{
    return b->arena.data + c->off;
}

/* True when no further row may be added. */
static inline int sl_batch_is_full(const struct sl_batch *b)
{
    return b->nrows >= b->row_cap;
}

#endif
