/*
 * sl_file_id: what a source file is, so that an interrupted load is found
 * again whatever the file is called, and a changed file is refused.
 *
 * An identity holds the canonical path, device and inode, size, modification
 * time, and a hash of the size and of the file's first and last blocks. The
 * hash (the "fingerprint") names the contents: a renamed or moved file keeps
 * it, and a file rewritten with other contents almost always gets another.
 */
#ifndef SL_FILE_ID_H
#define SL_FILE_ID_H

#include <stdint.h>

#include "sl_err.h"

/* Bytes hashed at each end of the file. */
#define SL_FILE_ID_BLOCK (64 * 1024)

struct sl_file_id {
    char *canon; /* realpath(3), malloc'ed */
    uint64_t dev, ino;
    int64_t size;     /* bytes */
    int64_t mtime_ns; /* modification time, nanoseconds since the epoch */
    uint64_t fingerprint;
};

/* Reads the identity of the regular file at path. Returns 0; 1 with err set
 * when path is not a regular file (a pipe or a device has no identity); or -1
 * with err naming the file when it cannot be opened, resolved or read.
 * Release with sl_file_id_release() whatever the result. */
int sl_file_id_read(struct sl_file_id *id, const char *path, struct sl_err *err);

/* Frees the canonical path and zeroes *id. */
void sl_file_id_release(struct sl_file_id *id);

#endif
