/*
 * alloc — abort-on-failure allocation wrappers (see alloc.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

static void out_of_memory(size_t n)
{
	fprintf(stderr, "cleanheat: out of memory (requested %zu bytes)\n", n);
	abort();
}

void *ch_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *ch_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *ch_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

void *ch_reallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	return ch_realloc(p, count * size);
}

char *ch_strdup(const char *s)
{
	return s ? ch_strndup(s, strlen(s)) : NULL;
}

char *ch_strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	size_t len = strnlen(s, n);
	char *d = ch_malloc(len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}
