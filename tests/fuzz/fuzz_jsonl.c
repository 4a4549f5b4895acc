/*
 * libFuzzer harness for the JSON Lines reader (extract/jsonl): each input
 * is one line, scanned as JSON and turned into a row twice, once as a
 * whole document and once through a map of three fields. Oracles: the
 * scanner and the row agree on whether the line is JSON; every value lies
 * inside the destination buffer; a string member unescapes to valid
 * UTF-8. A crash or a sanitizer report is a finding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_json_scan.h"
#include "sl_jsonl.h"
#include "sl_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    enum sl_json_kind kind;
    struct sl_json_member m[16];
    size_t n;
    struct sl_json_fault f;
    int ok = sl_json_scan(line, size, &kind, m, 16, &n, &f) == 0;
    struct sl_buf out;
    sl_buf_init(&out, 1 << 20);
    for (size_t i = 0; ok && i < n; i++) {
        if (m[i].kind != SL_JSON_STRING)
            continue;
        sl_buf_reset(&out);
        if (sl_json_unescape(m[i].val, m[i].val_len, &out) == 0 &&
            sl_utf8_check((const unsigned char *)out.data, out.len) != out.len)
            abort(); /* unescaped text that is not UTF-8 */
    }
    char *fields[] = {"_id", "ts", "v"};
    struct sl_jsonl_map whole = {fields, 1, 1}, mapped = {fields, 3, 0};
    struct sl_jsonl_value vals[3];
    char why[200];
    struct sl_json_member scratch[64];
    sl_buf_reset(&out);
    int rc = sl_jsonl_row(line, size, &whole, scratch, 64, &out, vals, why, sizeof why);
    if ((rc == 0) != ok)
        abort(); /* the row and the scanner disagree */
    sl_buf_reset(&out);
    if (sl_jsonl_row(line, size, &mapped, scratch, 64, &out, vals, why, sizeof why) == 0) {
        for (int i = 0; i < 3; i++)
            if (!vals[i].is_null && vals[i].off + vals[i].len > out.len)
                abort(); /* a value outside the buffer */
    }
    sl_buf_release(&out);
    return 0;
}
