#include "sl_file_id.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_hash.h"

/* Folds len bytes at offset off into h; -1 on a read error. */
static int hash_block(int fd, int64_t off, size_t len, uint64_t *h)
{
    unsigned char buf[8192];
    while (len > 0) {
        size_t want = len < sizeof buf ? len : sizeof buf;
        ssize_t got = pread(fd, buf, want, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        *h = sl_hash_add(*h, buf, (size_t)got);
        off += got;
        len -= (size_t)got;
    }
    return 0;
}

int sl_file_id_read(struct sl_file_id *id, const char *path, struct sl_err *err)
{
    memset(id, 0, sizeof *id);
    /* stat before open: opening a named pipe would wait for its writer, and
       opening it without waiting could let the writer start too early. */
    struct stat st;
    if (stat(path, &st) != 0)
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot stat: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) {
        sl_err_set(err, SL_ERR_FATAL, "%s: not a regular file, so it has no identity", path);
        return 1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return sl_err_set(err, SL_ERR_FATAL, "%s: cannot open: %s", path, strerror(errno));
    int rc = -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        sl_err_set(err, SL_ERR_FATAL, "%s: changed while it was examined", path);
        goto out;
    }
    id->canon = realpath(path, NULL);
    if (!id->canon) {
        sl_err_set(err, SL_ERR_FATAL, "%s: cannot resolve the path: %s", path, strerror(errno));
        goto out;
    }
    id->dev = (uint64_t)st.st_dev;
    id->ino = (uint64_t)st.st_ino;
    id->size = (int64_t)st.st_size;
    id->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    uint64_t h = sl_hash_add(SL_HASH_INIT, &id->size, sizeof id->size);
    size_t head = id->size < SL_FILE_ID_BLOCK ? (size_t)id->size : SL_FILE_ID_BLOCK;
    int64_t tail_at = id->size - SL_FILE_ID_BLOCK;
    if (tail_at < (int64_t)head)
        tail_at = (int64_t)head; /* a small file: the blocks do not overlap */
    errno = 0;
    if (hash_block(fd, 0, head, &h) != 0 ||
        hash_block(fd, tail_at, (size_t)(id->size - tail_at), &h) != 0) {
        sl_err_set(err, SL_ERR_FATAL, "%s: cannot read: %s", path,
                   errno ? strerror(errno) : "the file shrank while it was read");
        goto out;
    }
    id->fingerprint = h;
    rc = 0;
out:
    close(fd);
    if (rc != 0)
        sl_file_id_release(id);
    return rc;
}

void sl_file_id_release(struct sl_file_id *id)
{
    free(id->canon);
    memset(id, 0, sizeof *id);
}
