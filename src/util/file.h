/*
 * file — whole small files in memory (evidence photos, scanned forms).
 */
#ifndef CH_UTIL_FILE_H
#define CH_UTIL_FILE_H

#include <stddef.h>

/* Reads PATH (at most MAX bytes) into *DATA (the caller frees it) and
 * *LEN. CH_ENOTFOUND if it cannot be opened, CH_EINVALID if larger than
 * MAX, CH_ERROR if reading fails. */
int ch_file_read(const char *path, size_t max, unsigned char **data, size_t *len);

#endif
