/*
 * libFuzzer harness for the CSV reader (extract/csv/sl_csv.c).
 *
 * The first three bytes choose the read size (so that records straddle the
 * reader's buffer edges at every offset), the dialect and the NULL marker;
 * the rest is the CSV text. Oracles:
 *  - the records, their fields, lines, byte offsets and errors are the same
 *    whether the input arrives a few bytes at a time or all at once;
 *  - on an RFC 4180 dialect, they are the same as those of the libcsv-based
 *    reader in tests/ref (but for the raw bytes of a malformed record).
 * A difference, a crash or a sanitizer report is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_csv.h"
#include "sl_buf.h"
#include "sl_csv.h"
#include "sl_hash.h"
#include "sl_input.h"

#define MAX_RECORD 4096

/* Reads every record of data with reads of at most step bytes; returns a
 * hash of everything the reader reported. *zstd_bad is set when the input
 * was a zstd stream found corrupt: zstd may hand out bytes before it sees
 * the damage, so how much came first depends on the read size. */
static uint64_t read_all(const uint8_t *data, size_t len, size_t step,
                         const struct sl_csv_dialect *d, int *zstd_bad)
{
    struct sl_err err;
    struct sl_input *in;
    if (sl_input_open_mem(&in, "fuzz", data, len, step, &err) != 0)
        abort();
    struct sl_csv *csv;
    if (sl_csv_open(&csv, in, d, MAX_RECORD, &err) != 0)
        abort();
    /* zstd input decompresses to more bytes than it has, and UTF-16 (found
     * by its byte order mark) is read as UTF-8 of another length */
    int plain = (len < 4 || memcmp(data, "\x28\xb5\x2f\xfd", 4) != 0) &&
                (len < 2 || (memcmp(data, "\xff\xfe", 2) != 0 && memcmp(data, "\xfe\xff", 2) != 0));
    struct sl_buf dest;
    sl_buf_init(&dest, 4 * MAX_RECORD);
    uint64_t h = SL_HASH_INIT;
    for (int guard = 0; guard < 100000; guard++) {
        sl_buf_reset(&dest);
        struct sl_csv_record rec;
        int rc = sl_csv_next(csv, &dest, &rec, &err);
        h = sl_hash_add(h, &rc, sizeof rc);
        if (rc == 0)
            break;
        if (rc < 0) {
            h = sl_hash_add(h, err.msg, strlen(err.msg));
            if (err.kind != SL_ERR_ROW) {
                *zstd_bad |= strstr(err.msg, "zstd") != NULL;
                break;
            }
            h = sl_hash_add(h, &rec.line, sizeof rec.line);
            h = sl_hash_add(h, &rec.offset, sizeof rec.offset);
            h = sl_hash_add(h, rec.raw, rec.raw_len);
            continue;
        }
        if (rec.raw_len == 0 || (plain && rec.offset + rec.raw_len > len))
            abort(); /* a record is a non-empty piece of the (plain) input */
        h = sl_hash_add(h, &rec.line, sizeof rec.line);
        h = sl_hash_add(h, &rec.offset, sizeof rec.offset);
        h = sl_hash_add(h, rec.raw, rec.raw_len);
        h = sl_hash_add(h, &rec.nfields, sizeof rec.nfields);
        for (size_t i = 0; i < rec.nfields; i++) {
            const struct sl_csv_field *f = &rec.fields[i];
            h = sl_hash_add(h, &f->is_null, sizeof f->is_null);
            if (f->is_null)
                continue;
            if (f->len > MAX_RECORD)
                abort();
            h = sl_hash_add(h, &f->len, sizeof f->len);
            h = sl_hash_add(h, f->data, f->len);
        }
    }
    sl_buf_release(&dest);
    sl_csv_close(csv);
    return h;
}

/* The records as both readers see them, hashed alike: lines, offsets,
 * fields and error messages, and the raw bytes of good records. Returns 0
 * when a reader stopped on an error that is not a malformed record (a size
 * cap, say), whose place the two need not agree on. */
static int read_compare(const uint8_t *data, size_t len, const struct sl_csv_dialect *d,
                        int use_ref, uint64_t *out)
{
    struct sl_err err;
    struct sl_input *in;
    if (sl_input_open_mem(&in, "fuzz", data, len, len ? len : 1, &err) != 0)
        abort();
    struct sl_csv *csv = NULL;
    struct ref_csv *ref = NULL;
    struct ref_dialect rd = {(unsigned char)d->delim[0], d->quote, d->null_marker, d->skip_lines};
    if (use_ref ? ref_csv_open(&ref, in, &rd, MAX_RECORD, &err)
                : sl_csv_open(&csv, in, d, MAX_RECORD, &err))
        abort();
    uint64_t h = SL_HASH_INIT;
    int whole = 1;
    for (;;) {
        struct sl_csv_record rec;
        int rc = use_ref ? ref_csv_next(ref, NULL, &rec, &err) : sl_csv_next(csv, NULL, &rec, &err);
        h = sl_hash_add(h, &rc, sizeof rc);
        if (rc == 0)
            break;
        if (rc < 0 && err.kind != SL_ERR_ROW) {
            whole = 0;
            break;
        }
        h = sl_hash_add(h, &rec.line, sizeof rec.line);
        h = sl_hash_add(h, &rec.offset, sizeof rec.offset);
        if (rc < 0) {
            h = sl_hash_add(h, err.msg, strlen(err.msg));
            continue;
        }
        /* the libcsv reader's records end before the LF of a CRLF */
        size_t raw_len = rec.raw_len;
        while (raw_len && (rec.raw[raw_len - 1] == '\n' || rec.raw[raw_len - 1] == '\r'))
            raw_len--;
        h = sl_hash_add(h, rec.raw, raw_len);
        h = sl_hash_add(h, &rec.nfields, sizeof rec.nfields);
        for (size_t i = 0; i < rec.nfields; i++) {
            const struct sl_csv_field *f = &rec.fields[i];
            h = sl_hash_add(h, &f->is_null, sizeof f->is_null);
            if (!f->is_null)
                h = sl_hash_add(h, f->data, f->len);
        }
    }
    if (use_ref)
        ref_csv_close(ref);
    else
        sl_csv_close(csv);
    *out = h;
    return whole;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    static const char *const delims[] = {",", ";", "\t", "|", ", ", "||", "::", "\t|"};
    static const char *const terms[] = {NULL, NULL, "\n", "\r\n", "\r", "~~", NULL, "|\n"};
    static const char *const nulls[] = {"\\N", "", "NULL"};
    size_t step = 1 + data[0] % 67;
    struct sl_csv_dialect d = {
        .delim = delims[data[1] & 7],
        .quote = (data[1] & 8)    ? '\''
                 : (data[1] & 16) ? 0
                                  : '"',
        .escape = (data[1] & 32) ? '\\' : 0,
        .terminator = terms[(data[2] >> 2) & 7],
        .comment = (data[2] & 32) ? '#' : 0,
        .null_marker = nulls[data[2] % 3],
        .skip_lines = (data[1] >> 6) & 1,
    };
    struct sl_err err;
    if (sl_csv_dialect_check(&d, &err) != 0)
        return 0;
    data += 3;
    size -= 3;
    int zstd_bad = 0;
    uint64_t a = read_all(data, size, step, &d, &zstd_bad);
    uint64_t b = read_all(data, size, 1 << 20, &d, &zstd_bad);
    if (a != b && !zstd_bad)
        abort(); /* the records depend on how the bytes arrived */
    /* (the libcsv reader's --skip-lines counted only LF-ended lines) */
    int rfc = strlen(d.delim) == 1 && d.quote && !d.escape && !d.terminator && !d.comment &&
              !d.skip_lines;
    int plain =
        (size < 4 || memcmp(data, "\x28\xb5\x2f\xfd", 4) != 0) &&
        (size < 2 || (memcmp(data, "\xff\xfe", 2) != 0 && memcmp(data, "\xfe\xff", 2) != 0));
    if (rfc && plain) {
        uint64_t mine, theirs;
        if (read_compare(data, size, &d, 0, &mine) && read_compare(data, size, &d, 1, &theirs) &&
            mine != theirs)
            abort(); /* the new reader and the libcsv-based one disagree */
    }
    return 0;
}
