/*
 * file — reading and writing a whole file (see file.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

int ch_file_read(const char *path, size_t max, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	*data = NULL;
	*len = 0;
	if (!f)
		return ch_error_set(CH_ENOTFOUND, "cannot open %s: %s", path, strerror(errno));
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = ch_realloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			rc = ch_error_set(CH_EINVALID, "%s is larger than %zu bytes", path, max);
			break;
		}
		if (got == 0) {
			if (ferror(f))
				rc = ch_error_set(CH_ERROR, "reading %s failed", path);
			break;
		}
	}
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	*data = buf;
	*len = n;
	return 0;
}

int ch_file_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return ch_error_set(CH_ERROR, "cannot write %s: %s", path, strerror(errno));
	int rc = 0;
	if (fwrite(data, 1, len, f) != len)
		rc = ch_error_set(CH_ERROR, "writing %s failed", path);
	if (fclose(f) != 0 && rc == 0)
		rc = ch_error_set(CH_ERROR, "writing %s failed", path);
	return rc;
}

const char *ch_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

int ch_fd_write(int fd, const void *data, size_t n)
{
	const char *s = data;
	while (n) {
		ssize_t k = write(fd, s, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

int ch_fd_pread(int fd, void *buf, size_t n, uint64_t at)
{
	char *d = buf;
	for (size_t got = 0; got < n;) {
		ssize_t k = pread(fd, d + got, n - got, (off_t)(at + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

int ch_fd_append(ch_buf *b, int fd, size_t len)
{
	ch_buf_grow(b, len);
	if (ch_fd_pread(fd, b->ptr + b->len, len, 0) != 0) {
		b->ptr[b->len] = '\0';
		return -1;
	}
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int ch_tmpfile(void)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/cleanheat-XXXXXX", ch_tmpdir()) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}
