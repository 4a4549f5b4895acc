/*
 * sl_transcode: text in another encoding turned into UTF-8 as it streams.
 *
 * Encodings, by the names --encoding takes:
 *  - utf8 (also utf-8): nothing to do;
 *  - latin1 (also cp1252, windows-1252): what MySQL calls latin1, which is
 *    Windows code page 1252 with the five bytes that page leaves undefined
 *    (0x81 0x8D 0x8F 0x90 0x9D) read as the C1 controls of the same number;
 *    done by table, since every byte is valid;
 *  - utf16 (with a byte order mark, else big-endian), utf16le, utf16be, and
 *    any other name iconv knows (iconv --list), through iconv.
 * A byte sequence that is not valid in the encoding is an error naming its
 * offset in the input; nothing is replaced or dropped.
 */
#ifndef SL_TRANSCODE_H
#define SL_TRANSCODE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sl_err.h"

struct sl_transcode;

/* Is name UTF-8 (nothing to transcode)? NULL counts as UTF-8. */
int sl_transcode_is_utf8(const char *name);

/* Opens a converter from encoding name to UTF-8. Returns 0, or -1 with err
 * set for a name no converter knows. */
int sl_transcode_open(struct sl_transcode **out, const char *name, struct sl_err *err);

/* Converts from in[0..in_len) into out[0..cap) (cap at least 16). Sets
 * *used to the input bytes consumed and returns the output bytes written;
 * an incomplete sequence at the end of in is left unconsumed unless at_end,
 * when it is an error. Returns -1 with err set (the message gives the
 * offset of the bad sequence, counted over every byte converted so far). */
ssize_t sl_transcode_run(struct sl_transcode *t, const unsigned char *in, size_t in_len,
                         size_t *used, unsigned char *out, size_t cap, int at_end,
                         struct sl_err *err);

/* Frees the converter. NULL is ignored. */
void sl_transcode_close(struct sl_transcode *t);

#endif
