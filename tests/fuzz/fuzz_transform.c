/*
 * libFuzzer harness for the transform parser (transform/sl_transform_parse.c):
 * the input, cut at its first NUL, is a --transform spec. A crash, a leak or
 * a sanitizer report is a finding; a refused spec is fine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_transform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';
    struct sl_transforms t;
    memset(&t, 0, sizeof t);
    struct sl_err err;
    sl_transforms_parse(&t, spec, &err);
    sl_transforms_release(&t);
    free(spec);
    return 0;
}
