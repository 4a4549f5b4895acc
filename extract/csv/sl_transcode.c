#include "sl_transcode.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_utf8.h"

struct sl_transcode {
    int latin1; /* by table; else through cd */
    iconv_t cd;
    char *name;    /* for messages */
    uint64_t done; /* input bytes converted so far */
};

/* Code page 1252's 0x80..0x9F; MySQL's latin1 reads the five bytes the page
 * leaves undefined as the C1 controls of the same number. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static int name_is(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcasecmp(name, *list) == 0)
            return 1;
    return 0;
}

int sl_transcode_is_utf8(const char *name)
{
    static const char *const utf8[] = {"utf8", "utf-8", "utf8mb4", NULL};
    return !name || name_is(name, utf8);
}

int sl_transcode_open(struct sl_transcode **out, const char *name, struct sl_err *err)
{
    static const char *const latin1[] = {"latin1", "cp1252", "windows-1252", NULL};
    static const struct {
        const char *ours, *iconv;
    } alias[] = {
        {"utf16", "UTF-16"},
        {"utf16le", "UTF-16LE"},
        {"utf16be", "UTF-16BE"},
        {"utf-16", "UTF-16"},
    };
    struct sl_transcode *t = calloc(1, sizeof *t);
    if (!t || !(t->name = strdup(name))) {
        free(t);
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    }
    t->latin1 = name_is(name, latin1);
    if (!t->latin1) {
        const char *from = name;
        for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
            if (strcasecmp(name, alias[i].ours) == 0)
                from = alias[i].iconv;
        t->cd = iconv_open("UTF-8", from);
        if (t->cd == (iconv_t)-1) {
            free(t->name);
            free(t);
            return sl_err_set(err, SL_ERR_FATAL,
                              "--encoding: unknown encoding '%s' (utf8, latin1, utf16, utf16le, "
                              "utf16be, or a name from iconv --list)",
                              name);
        }
    }
    *out = t;
    return 0;
}

static ssize_t run_latin1(struct sl_transcode *t, const unsigned char *in, size_t in_len,
                          size_t *used, unsigned char *out, size_t cap)
{
    size_t i = 0, o = 0;
    while (i < in_len && o + 3 <= cap) {
        unsigned c = in[i];
        if (c < 0x80) {
            out[o++] = (unsigned char)c;
        } else {
            unsigned u = c < 0xA0 ? cp1252_high[c - 0x80] : c;
            o += sl_utf8_encode(out + o, u);
        }
        i++;
    }
    *used = i;
    t->done += i;
    return (ssize_t)o;
}

ssize_t sl_transcode_run(struct sl_transcode *t, const unsigned char *in, size_t in_len,
                         size_t *used, unsigned char *out, size_t cap, int at_end,
                         struct sl_err *err)
{
    if (t->latin1)
        return run_latin1(t, in, in_len, used, out, cap);
    char *ip = (char *)in, *op = (char *)out;
    size_t il = in_len, ol = cap;
    size_t rc = iconv(t->cd, &ip, &il, &op, &ol);
    *used = in_len - il;
    t->done += *used;
    /* the text before a bad sequence comes out first, however the bytes
     * arrived; the next call starts at the sequence and fails there */
    if (rc == (size_t)-1 && errno == EILSEQ && op > (char *)out)
        return (ssize_t)(op - (char *)out);
    if (rc == (size_t)-1 && errno == EILSEQ)
        return sl_err_set(err, SL_ERR_FATAL, "byte %llu: not valid %s", (unsigned long long)t->done,
                          t->name);
    if (rc == (size_t)-1 && errno == EINVAL && at_end && op == (char *)out)
        return sl_err_set(err, SL_ERR_FATAL, "byte %llu: the input ends inside a %s character",
                          (unsigned long long)t->done, t->name);
    return (ssize_t)(op - (char *)out);
}

void sl_transcode_close(struct sl_transcode *t)
{
    if (!t)
        return;
    if (!t->latin1)
        iconv_close(t->cd);
    free(t->name);
    free(t);
}
