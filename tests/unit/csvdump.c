/* csvdump: prints each record of a CSV file as a JSON array of strings (null
 * for NULL), one per line; a malformed record prints as
 * {"error": "MESSAGE", "raw": "BYTES"} and reading goes on. The csv-spectrum
 * and dialect tests compare this with expected parses.
 * Usage: csvdump [-d DELIM] [-q QUOTE|-Q] [-e ESC] [-t TERM] [-c COMMENT]
 *                [-s SKIP] [-R] [-n] FILE [NULL_MARKER]
 * (-Q: no quoting; in DELIM and TERM, \t \n \r stand for TAB, LF, CR.)
 * -R reads with the reference reader of tests/ref (RFC 4180 dialects only);
 * -n prints only the count of records and fields and a hash of the values,
 * and the CPU seconds the reading took, to time one reader against the other. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ref_csv.h"
#include "sl_hash.h"

static void json_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* Turns \t \n \r into TAB, LF and CR, in place. */
static char *unslash(char *s)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] && strchr("tnr", p[1])) {
            *o++ = p[1] == 't' ? '\t' : p[1] == 'n' ? '\n' : '\r';
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return s;
}

int main(int argc, char **argv)
{
    struct sl_csv_dialect d = {.delim = ",", .quote = '"', .null_marker = "\\N"};
    int opt, ref = 0, count_only = 0;
    while ((opt = getopt(argc, argv, "d:q:Qe:t:c:s:Rn")) != -1) {
        switch (opt) {
        case 'd':
            d.delim = unslash(optarg);
            break;
        case 'q':
            d.quote = (unsigned char)optarg[0];
            break;
        case 'Q':
            d.quote = 0;
            break;
        case 'e':
            d.escape = (unsigned char)optarg[0];
            break;
        case 't':
            d.terminator = unslash(optarg);
            break;
        case 'c':
            d.comment = (unsigned char)optarg[0];
            break;
        case 's':
            d.skip_lines = strtoull(optarg, NULL, 10);
            break;
        case 'R':
            ref = 1;
            break;
        case 'n':
            count_only = 1;
            break;
        default:
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: csvdump [options] FILE [NULL_MARKER]\n");
        return 2;
    }
    if (optind + 1 < argc)
        d.null_marker = argv[optind + 1];
    struct sl_input *in;
    struct sl_csv *r = NULL;
    struct ref_csv *rr = NULL;
    struct sl_err e;
    struct ref_dialect rd = {(unsigned char)d.delim[0], d.quote, d.null_marker, d.skip_lines};
    if (sl_csv_dialect_check(&d, &e) != 0 || sl_input_open(&in, argv[optind], &e) != 0 ||
        (ref ? ref_csv_open(&rr, in, &rd, 1 << 24, &e) : sl_csv_open(&r, in, &d, 1 << 24, &e)) !=
            0) {
        fprintf(stderr, "csvdump: %s\n", e.msg);
        return 1;
    }
    struct sl_csv_record rec;
    struct sl_buf dest;
    sl_buf_init(&dest, 1 << 26);
    uint64_t records = 0, fields = 0, h = SL_HASH_INIT;
    clock_t t0 = clock();
    int rc;
    for (;;) {
        sl_buf_reset(&dest);
        rc = ref ? ref_csv_next(rr, &dest, &rec, &e) : sl_csv_next(r, &dest, &rec, &e);
        if (rc == 0 || (rc < 0 && e.kind != SL_ERR_ROW))
            break;
        if (count_only) {
            records++;
            fields += rec.nfields;
            for (size_t i = 0; rc > 0 && i < rec.nfields; i++) {
                const struct sl_csv_field *f = &rec.fields[i];
                size_t len = f->is_null ? SIZE_MAX : f->len;
                h = sl_hash_add(h, &len, sizeof len);
                if (!f->is_null)
                    h = sl_hash_add(h, f->data, f->len);
            }
            continue;
        }
        if (rc < 0) {
            fputs("{\"error\": ", stdout);
            json_string(e.msg, strlen(e.msg));
            fputs(", \"raw\": ", stdout);
            json_string(rec.raw, rec.raw_len);
            puts("}");
            continue;
        }
        putchar('[');
        for (size_t i = 0; i < rec.nfields; i++) {
            if (i)
                putchar(',');
            if (rec.fields[i].is_null)
                fputs("null", stdout);
            else
                json_string(rec.fields[i].data, rec.fields[i].len);
        }
        puts("]");
    }
    if (count_only)
        printf("%llu records, %llu fields, hash %016llx, %.3f s CPU\n", (unsigned long long)records,
               (unsigned long long)fields, (unsigned long long)h,
               (double)(clock() - t0) / CLOCKS_PER_SEC);
    sl_buf_release(&dest);
    if (ref)
        ref_csv_close(rr);
    else
        sl_csv_close(r);
    if (rc < 0) {
        fprintf(stderr, "csvdump: %s\n", e.msg);
        return 1;
    }
    return 0;
}
