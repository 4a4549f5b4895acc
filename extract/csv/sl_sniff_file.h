/*
 * sl_sniff_file: sniffing one file (plain or zstd): its encoding, then
 * sl_sniff_text() over bounded samples of its text.
 *
 * Samples: the first head_bytes of the (decompressed) text; and, for a
 * plain regular file longer than three heads, tail_bytes from its middle
 * and from its end, read with pread. A zstd stream cannot be read in the
 * middle without decompressing what comes before, so only its head is
 * sampled. Memory is the samples; time does not grow with the file.
 *
 * Encoding, when none is given: a byte order mark (UTF-8, UTF-16) decides;
 * else valid UTF-8 is utf8; NUL bytes in every other place are UTF-16
 * without a BOM; other NUL bytes, or control bytes in more than 1% of the
 * head, are not text (an error); anything else is latin1 (cp1252).
 */
#ifndef SL_SNIFF_FILE_H
#define SL_SNIFF_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_sniff.h"

struct sl_sniff_file_opts {
    size_t head_bytes;    /* 1 MiB */
    size_t tail_bytes;    /* 256 KiB */
    const char *encoding; /* NULL: work it out */
};

struct sl_sniff_file {
    struct sl_sniff_result r;
    char encoding[24]; /* utf8, utf16le, utf16be, utf16, latin1, or as given */
    int bom;           /* the file starts with a byte order mark */
    int zstd;
    int64_t size;     /* bytes of the file, or -1 */
    uint64_t sampled; /* bytes of text sampled in all */
    int nsamples;     /* 1, or 3 with a middle and an end */
    int whole;        /* the head is the whole file */
};

/* Sniffs path. Returns 0, or -1 with err set (the message starts with the
 * path): a missing or unreadable file, not text, no records, or a dialect
 * that cannot be decided. */
int sl_sniff_file(const char *path, const struct sl_sniff_file_opts *o, struct sl_sniff_file *f,
                  struct sl_err *err);

/* Frees what f holds. */
void sl_sniff_file_release(struct sl_sniff_file *f);

#endif
