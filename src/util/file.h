/*
 * file — whole small files in memory (evidence photos, scanned forms, the
 * text an operation writes), and where temporary files go.
 */
#ifndef CH_UTIL_FILE_H
#define CH_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Reads PATH (at most MAX bytes) into *DATA (the caller frees it) and
 * *LEN. CH_ENOTFOUND if it cannot be opened, CH_EINVALID if larger than
 * MAX, CH_ERROR if reading fails. */
int ch_file_read(const char *path, size_t max, unsigned char **data, size_t *len);
/* Writes the LEN bytes of DATA to PATH, replacing what was there.
 * CH_ERROR, naming PATH, if it cannot be written. */
int ch_file_write(const char *path, const void *data, size_t len);
/* The directory for temporary files: $TMPDIR when set, else /tmp. */
const char *ch_tmpdir(void);
/* A new file in ch_tmpdir() that no other process can open, already
 * unlinked (it is gone when its descriptor is closed): the descriptor,
 * open for reading and writing, or -1 with errno set. */
int ch_tmpfile(void);
/* Writes the N bytes at DATA to FD at its position, all of them, again
 * after an interrupted call: 0, or -1 with errno set. */
int ch_fd_write(int fd, const void *data, size_t n);
/* Reads N bytes of FD at offset AT into BUF, again after an interrupted
 * call: 0, or -1 when reading fails (errno set) or the file ends first. */
int ch_fd_pread(int fd, void *buf, size_t n, uint64_t at);
/* Appends the first LEN bytes of FD (ch_fd_pread) to B, which stays
 * NUL-terminated: 0, or -1 (errno set) with B as it was. */
int ch_fd_append(ch_buf *b, int fd, size_t len);

#endif
