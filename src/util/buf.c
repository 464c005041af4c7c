/*
 * buf — growable string (see buf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"

void ch_buf_init(ch_buf *b)
{
	b->cap = 64;
	b->ptr = ch_malloc(b->cap);
	b->ptr[0] = '\0';
	b->len = 0;
}

void ch_buf_dispose(ch_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void ch_buf_clear(ch_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void ch_buf_grow(ch_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->ptr = ch_realloc(b->ptr, cap);
	b->cap = cap;
}

void ch_buf_put(ch_buf *b, const void *data, size_t n)
{
	ch_buf_grow(b, n);
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void ch_buf_puts(ch_buf *b, const char *s)
{
	ch_buf_put(b, s, strlen(s));
}

void ch_buf_putc(ch_buf *b, char c)
{
	ch_buf_put(b, &c, 1);
}

void ch_buf_printf(ch_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		ch_buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *ch_buf_detach(ch_buf *b)
{
	char *p = b->ptr;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}
