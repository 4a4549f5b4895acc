#include "sl_sniff_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_input.h"
#include "sl_transcode.h"
#include "sl_utf8.h"

/* Reads up to cap bytes of text from in. Returns the count, or -1. */
static ssize_t read_head(struct sl_input *in, char *buf, size_t cap, int *whole, struct sl_err *err)
{
    size_t n = 0;
    *whole = 0;
    while (n < cap) {
        ssize_t got = sl_input_read(in, buf + n, cap - n < 16 ? 16 : cap - n, err);
        if (got < 0)
            return -1;
        if (got == 0) {
            *whole = 1;
            break;
        }
        n += (size_t)got;
    }
    return (ssize_t)n;
}

/* Is the text valid UTF-8 (but for a character cut at the end of a sample
 * that does not reach the end of the file)? */
static int is_utf8(const char *p, size_t n, int whole)
{
    size_t ok = sl_utf8_check((const unsigned char *)p, n);
    if (ok == n)
        return 1;
    return !whole && n - ok < 4 && (unsigned char)p[ok] >= 0xC0;
}

/* Classifies raw bytes that are not UTF-8: "utf16le", "utf16be", "latin1",
 * or NULL for bytes that are not text. */
static const char *guess_encoding(const unsigned char *p, size_t n)
{
    size_t zero_even = 0, zero_odd = 0, control = 0;
    size_t m = n < 65536 ? n : 65536;
    for (size_t i = 0; i < m; i++) {
        if (p[i] == 0)
            *(i % 2 ? &zero_odd : &zero_even) += 1;
        else if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') || p[i] == 0x7F)
            control++;
    }
    if (m >= 4 && zero_odd * 10 > m * 3 && zero_even * 50 < m)
        return "utf16le";
    if (m >= 4 && zero_even * 10 > m * 3 && zero_odd * 50 < m)
        return "utf16be";
    if (zero_even + zero_odd > 0 || control * 100 > m)
        return NULL;
    return "latin1";
}

/* Turns n bytes at raw into UTF-8 in a new buffer (*out, *out_len). */
static int transcode_all(const char *enc, const char *raw, size_t n, int whole, char **out,
                         size_t *out_len, struct sl_err *err)
{
    struct sl_transcode *t;
    if (sl_transcode_open(&t, enc, err) != 0)
        return -1;
    size_t cap = n * 3 + 16, o = 0, used_all = 0;
    char *buf = malloc(cap);
    if (!buf) {
        sl_transcode_close(t);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    while (used_all < n) {
        size_t used;
        ssize_t got = sl_transcode_run(t, (const unsigned char *)raw + used_all, n - used_all,
                                       &used, (unsigned char *)buf + o, cap - o, whole, err);
        if (got < 0) {
            free(buf);
            sl_transcode_close(t);
            return -1;
        }
        used_all += used;
        o += (size_t)got;
        if (got == 0 && used == 0)
            break; /* a character cut at the end of the sample */
    }
    sl_transcode_close(t);
    *out = buf;
    *out_len = o;
    return 0;
}

/* Reads len bytes at off with pread into a new buffer, as UTF-8. */
static int read_at(const char *path, const char *enc, uint64_t off, size_t len, int to_end,
                   char **out, size_t *out_len, struct sl_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot open again", path);
    char *buf = malloc(len ? len : 1);
    ssize_t n = buf ? pread(fd, buf, len, (off_t)off) : -1;
    close(fd);
    if (n < 0) {
        free(buf);
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot read at byte %llu", path,
                          (unsigned long long)off);
    }
    if (strcmp(enc, "latin1") == 0) {
        int rc = transcode_all(enc, buf, (size_t)n, to_end, out, out_len, err);
        free(buf);
        return rc;
    }
    *out = buf;
    *out_len = (size_t)n;
    return 0;
}

int sl_sniff_file(const char *path, const struct sl_sniff_file_opts *o, struct sl_sniff_file *f,
                  struct sl_err *err)
{
    memset(f, 0, sizeof *f);
    struct sl_input *in;
    if (sl_input_open(&in, path, err) != 0)
        return -1;
    if (o->encoding && sl_input_set_encoding(in, o->encoding, err) != 0) {
        sl_input_close(in);
        sl_err_prefix(err, "%s", path);
        return -1;
    }
    char *head = malloc(o->head_bytes + 16);
    char *texts[3] = {NULL, NULL, NULL};
    struct sl_sniff_sample samples[3];
    int rc = -1;
    if (!head) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        goto out;
    }
    ssize_t n = read_head(in, head, o->head_bytes, &f->whole, err);
    if (n < 0) {
        sl_err_prefix(err, "%s", path);
        goto out;
    }
    f->size = sl_input_raw_size(in);
    f->zstd = sl_input_is_zstd(in);
    const char *enc = sl_input_encoding(in);
    snprintf(f->encoding, sizeof f->encoding, "%s", enc ? enc : "utf8");
    f->bom = sl_input_had_bom(in) || (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0);
    size_t len = (size_t)n;
    if (!enc && !is_utf8(head, len, f->whole)) {
        const char *guess = guess_encoding((const unsigned char *)head, len);
        if (!guess) {
            sl_err_set(err, SL_ERR_FATAL,
                       "%s: not text: NUL or control bytes where a CSV file has none (a "
                       "binary file, or compressed other than by zstd?)",
                       path);
            goto out;
        }
        snprintf(f->encoding, sizeof f->encoding, "%s", guess);
        if (transcode_all(guess, head, len, f->whole, &texts[0], &len, err) != 0) {
            sl_err_prefix(err, "%s", path);
            goto out;
        }
    } else {
        texts[0] = head;
        head = NULL;
    }
    samples[0] = (struct sl_sniff_sample){texts[0], len, 0, f->whole};
    f->nsamples = 1;
    f->sampled = len;
    int plain = !f->zstd && !enc &&
                (strcmp(f->encoding, "utf8") == 0 || strcmp(f->encoding, "latin1") == 0);
    if (plain && f->size > (int64_t)(3 * o->head_bytes)) {
        uint64_t at[2] = {(uint64_t)f->size / 2, (uint64_t)f->size - o->tail_bytes};
        for (int i = 0; i < 2; i++) {
            size_t got;
            if (read_at(path, f->encoding, at[i], o->tail_bytes, i == 1, &texts[1 + i], &got,
                        err) != 0)
                goto out;
            samples[1 + i] = (struct sl_sniff_sample){texts[1 + i], got, at[i], i == 1};
            f->sampled += got;
        }
        f->nsamples = 3;
    }
    if (sl_sniff_text(samples, (size_t)f->nsamples, &f->r, err) != 0) {
        sl_err_prefix(err, "%s", path);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < 3; i++)
        free(texts[i]);
    free(head);
    sl_input_close(in);
    return rc;
}

void sl_sniff_file_release(struct sl_sniff_file *f)
{
    sl_sniff_result_release(&f->r);
}
