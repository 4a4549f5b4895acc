/*
 * sl_csv_out: writes CSV text to a file or stdout, compressed with zstd while
 * streaming when asked.
 *
 * The text itself is formatted by sl_csv_fmt (see there for the quoting and
 * NULL rules); this module buffers it, compresses it, and writes it out.
 * Memory is one output buffer (and zstd's context), whatever the row count.
 * Write errors such as a full disk are reported with the path.
 *
 * With opts->atomic, the text goes to a hidden temporary file beside the
 * final name, which sl_csv_out_close() syncs and renames into place only when
 * everything was written; sl_csv_out_abort() removes it. A reader therefore
 * never sees a partial file under the final name. Only a regular file (or a
 * new name) is written this way: a device or a FIFO is written in place.
 */
#ifndef SL_CSV_OUT_H
#define SL_CSV_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"

struct sl_csv_out;

/* The end of the message of a write that failed because the reader of a
 * pipe (stdout into `| head`) closed it: the reader's choice, not an error
 * of the extract's. */
#define SL_CSV_OUT_PIPE_CLOSED "the reader closed the pipe"

struct sl_csv_out_opts {
    int zstd_level;   /* 0 writes plain text; 1-19 compresses at that level */
    int zstd_workers; /* zstd's own compression threads; 0 compresses inline */
    int atomic;       /* write to a temporary name, rename on close */
    int discard;      /* a dry run: format, compress and count everything, but
                         create and write no file (the directory is checked
                         for write access when the file is opened) */
};

/* Opens path for writing ("-" for stdout; atomic is ignored for stdout),
 * truncating a file. Returns 0 or -1 with err naming the path. */
int sl_csv_out_open(struct sl_csv_out **out, const char *path, const struct sl_csv_out_opts *opts,
                    struct sl_err *err);

/* Writes n bytes of already formatted text. */
int sl_csv_out_write(struct sl_csv_out *o, const char *p, size_t n, struct sl_err *err);

/* Bytes of text given so far, and bytes written to the file (after
 * compression). */
uint64_t sl_csv_out_text_bytes(const struct sl_csv_out *o);
uint64_t sl_csv_out_file_bytes(const struct sl_csv_out *o);

/* Flushes, ends the zstd frame, closes the file (syncing and renaming it into
 * place when atomic) and frees o, on every path. Returns 0, or -1 with err
 * set if anything could not be written; an atomic file is then removed. */
int sl_csv_out_close(struct sl_csv_out *o, struct sl_err *err);

/* Like sl_csv_out_close(), but an atomic file is left under its temporary
 * name, which is returned in *tmp_path (malloc'd; NULL when not atomic): the
 * caller renames it into place, or unlinks it, and frees the name. Lets
 * several files appear together once all are complete. *file_bytes (when
 * not NULL) is set to the bytes written in all, the last ones included. */
int sl_csv_out_finish(struct sl_csv_out *o, char **tmp_path, uint64_t *file_bytes,
                      struct sl_err *err);

/* Closes and frees o without finishing it; an atomic file's temporary is
 * removed. NULL is ignored. */
void sl_csv_out_abort(struct sl_csv_out *o);

#endif
