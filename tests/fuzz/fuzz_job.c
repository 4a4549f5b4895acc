/*
 * libFuzzer harness for the job file parser (loader/jobs/sl_job_parse.c): the
 * input is written to a file of the process's own and loaded. A crash, a
 * leak or a sanitizer report is a finding; a refused file is fine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sl_commands.h"
#include "sl_job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/sluice-fuzz-job-%ld.ini", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct sl_job job;
    struct sl_err err;
    if (sl_job_load(path, sl_cmd_step_opts, &job, &err) == 0)
        sl_job_release(&job);
    unlink(path);
    return 0;
}
