/*
 * sl_input: a byte stream read from a file or stdin, decompressed on the fly.
 *
 * A zstd stream is recognised by its magic number, whatever the file is
 * called, and decompressed while it is read; nothing is written to disk.
 * Concatenated zstd frames are read as one stream. A truncated zstd stream is
 * an error, not a silent short read. Memory is one read buffer plus zstd's
 * window, independent of the file size.
 *
 * Text in another encoding (sl_input_set_encoding, or a UTF-16 byte order
 * mark at the start when none is set) is read out as UTF-8 (sl_transcode.h).
 *
 * One sl_input is used by one thread at a time.
 */
#ifndef SL_INPUT_H
#define SL_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sl_err.h"

struct sl_input;

/* Opens path ("-" for stdin). Returns 0 and sets *out, or -1 with err set
 * (missing file, unreadable file, a directory). */
int sl_input_open(struct sl_input **out, const char *path, struct sl_err *err);

/* Opens an input over len bytes at data (kept by the caller until the input
 * is closed), named name in messages. Each underlying read returns at most
 * step bytes, as a pipe might, so that tests and fuzzers can make records
 * straddle every buffer edge. Plain or zstd, as for a file. */
int sl_input_open_mem(struct sl_input **out, const char *name, const void *data, size_t len,
                      size_t step, struct sl_err *err);

/* Sets the text encoding, before the first read: NULL or "utf8" for UTF-8
 * (the default), else a name sl_transcode_open() knows. Returns 0, or -1
 * with err set. */
int sl_input_set_encoding(struct sl_input *in, const char *name, struct sl_err *err);

/* Reads up to cap decompressed (and transcoded) bytes into buf (cap at
 * least 16). Returns the count, 0 at the end of the stream, or -1 with err
 * set (I/O error, corrupt or truncated zstd data, a byte sequence the
 * encoding does not allow); the message does not name the file, which the
 * caller adds. */
ssize_t sl_input_read(struct sl_input *in, void *buf, size_t cap, struct sl_err *err);

/* The encoding set, or chosen by a UTF-16 BOM after the first read; NULL
 * for UTF-8. */
const char *sl_input_encoding(const struct sl_input *in);

/* True when a UTF-16 byte order mark chose the encoding. */
int sl_input_had_bom(const struct sl_input *in);

/* Bytes read so far from the file itself (compressed bytes for zstd). */
uint64_t sl_input_raw_bytes(const struct sl_input *in);

/* Size of the file in bytes, or -1 when unknown (stdin, a pipe). */
int64_t sl_input_raw_size(const struct sl_input *in);

/* True if the stream is zstd-compressed. Known after the first read. */
int sl_input_is_zstd(const struct sl_input *in);

/* The name given to sl_input_open ("-" shows as "stdin"). */
const char *sl_input_name(const struct sl_input *in);

/* Closes the file (not stdin) and frees everything. NULL is ignored. */
void sl_input_close(struct sl_input *in);

#endif
