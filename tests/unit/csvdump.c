/* csvdump: prints each record of a CSV file as a JSON array of strings (null
 * for NULL), one per line. The csv-spectrum test compares this with the
 * corpus's expected parses. Usage: csvdump FILE [NULL_MARKER] */
#include <stdio.h>

#include "sl_csv.h"

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

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: csvdump FILE [NULL_MARKER]\n");
        return 2;
    }
    struct sl_input *in;
    struct sl_csv *r;
    struct sl_err e;
    struct sl_csv_dialect d = {',', '"', argc > 2 ? argv[2] : "\\N", 0};
    if (sl_input_open(&in, argv[1], &e) != 0 || sl_csv_open(&r, in, &d, 1 << 24, &e) != 0) {
        fprintf(stderr, "csvdump: %s\n", e.msg);
        return 1;
    }
    struct sl_csv_record rec;
    int rc;
    while ((rc = sl_csv_next(r, NULL, &rec, &e)) == 1) {
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
    sl_csv_close(r);
    if (rc < 0) {
        fprintf(stderr, "csvdump: %s\n", e.msg);
        return 1;
    }
    return 0;
}
