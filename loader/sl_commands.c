/*
 * The option tables of the commands a job step may run.
 */
#include <string.h>

#include "sl_commands.h"

const struct sl_opt *sl_cmd_step_opts(const char *action)
{
    if (strcmp(action, "load") == 0)
        return sl_load_opts;
    if (strcmp(action, "extract") == 0)
        return sl_extract_opts;
    if (strcmp(action, "copy") == 0)
        return sl_copy_opts;
    if (strcmp(action, "bench") == 0)
        return sl_bench_opts;
    return NULL;
}
