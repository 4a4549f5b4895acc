#include "sl_rejects.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *open_one(const char *path, const char *ext, int append, struct sl_err *err)
{
    size_t n = strlen(path) + strlen(ext) + 1;
    char *name = malloc(n);
    if (!name) {
        sl_err_set(err, SL_ERR_FATAL, "out of memory");
        return NULL;
    }
    snprintf(name, n, "%s%s", path, ext);
    /* rejected rows are the users' data: only the owner may read them,
       whatever the umask (a file that exists keeps its mode) */
    int fd = open(name, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0600);
    FILE *f = fd >= 0 ? fdopen(fd, append ? "ab" : "wb") : NULL;
    if (!f && fd >= 0)
        close(fd);
    if (!f)
        sl_err_set(err, SL_ERR_FATAL, "--rejects: cannot open %s: %s", name, strerror(errno));
    free(name);
    return f;
}

int sl_rejects_open(struct sl_rejects *rj, const char *path, int append, const char *header,
                    size_t header_len, struct sl_err *err)
{
    memset(rj, 0, sizeof *rj);
    if (!(rj->path = strdup(path)))
        return sl_err_set(err, SL_ERR_FATAL, "out of memory");
    rj->appended = append;
    rj->csv = open_one(path, ".csv", append, err);
    if (!rj->csv) {
        free(rj->path);
        rj->path = NULL;
        return -1;
    }
    rj->log = open_one(path, ".log", append, err);
    if (!rj->log) {
        fclose(rj->csv);
        rj->csv = NULL;
        free(rj->path);
        rj->path = NULL;
        return -1;
    }
    pthread_mutex_init(&rj->mu, NULL);
    if (header_len > 0 && ftell(rj->csv) == 0) {
        fwrite(header, 1, header_len, rj->csv);
        if (header[header_len - 1] != '\n' && header[header_len - 1] != '\r')
            fputc('\n', rj->csv);
        fflush(rj->csv);
    }
    return 0;
}

uint64_t sl_rejects_add(struct sl_rejects *rj, const char *file, uint64_t line, uint64_t offset,
                        const char *column, const char *reason, const char *raw, size_t raw_len)
{
    pthread_mutex_lock(&rj->mu);
    fwrite(raw, 1, raw_len, rj->csv);
    if (raw_len == 0 || (raw[raw_len - 1] != '\n' && raw[raw_len - 1] != '\r'))
        fputc('\n', rj->csv);
    else if (raw[raw_len - 1] == '\r')
        fputc('\n', rj->csv); /* a CRLF record ends at its CR; give back the LF */
    fprintf(rj->log, "%s: line %llu, byte %llu%s%s%s: %s\n", file, (unsigned long long)line,
            (unsigned long long)offset, column ? ", column '" : "", column ? column : "",
            column ? "'" : "", reason);
    fflush(rj->csv);
    fflush(rj->log);
    uint64_t n = ++rj->count;
    pthread_mutex_unlock(&rj->mu);
    return n;
}

int sl_rejects_close(struct sl_rejects *rj, struct sl_err *err)
{
    if (!rj->csv)
        return 0;
    int bad = ferror(rj->csv) || ferror(rj->log);
    bad |= fclose(rj->csv) != 0;
    bad |= fclose(rj->log) != 0;
    rj->csv = rj->log = NULL;
    pthread_mutex_destroy(&rj->mu);
    if (!bad && rj->count == 0 && !rj->appended) {
        /* no reject: no files that say otherwise */
        size_t n = strlen(rj->path) + 5;
        char *name = malloc(n);
        for (int k = 0; name && k < 2; k++) {
            snprintf(name, n, "%s%s", rj->path, k ? ".log" : ".csv");
            unlink(name);
        }
        free(name);
    }
    free(rj->path);
    rj->path = NULL;
    if (bad)
        return sl_err_set(err, SL_ERR_FATAL, "--rejects: could not write every rejected row");
    return 0;
}
