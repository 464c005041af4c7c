/*
 * buf — a growable, always NUL-terminated byte string.
 *
 * The one string builder of the code base: reports, SQL, JSON snippets and
 * messages are assembled here rather than in fixed arrays. A ch_buf is owned
 * by its caller (ch_buf_init / ch_buf_dispose); ch_buf_detach hands the
 * bytes over and leaves the buf empty.
 */
#ifndef CH_UTIL_BUF_H
#define CH_UTIL_BUF_H

#include <stddef.h>

typedef struct ch_buf {
	char *ptr;  /* NUL-terminated contents, never NULL after init */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
} ch_buf;

void ch_buf_init(ch_buf *b);
void ch_buf_dispose(ch_buf *b);
void ch_buf_clear(ch_buf *b);
/* Makes room for N more bytes. */
void ch_buf_grow(ch_buf *b, size_t n);
void ch_buf_put(ch_buf *b, const void *data, size_t n);
void ch_buf_puts(ch_buf *b, const char *s);
void ch_buf_putc(ch_buf *b, char c);
void ch_buf_printf(ch_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the contents (the caller frees them) and leaves B empty, owning
 * nothing: it may be written to again or disposed, but need not be. */
char *ch_buf_detach(ch_buf *b);

#endif
