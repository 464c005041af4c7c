/*
 * alloc — memory allocation that never returns NULL.
 *
 * cleanheat is an application, not a library for constrained systems: when
 * memory runs out there is nothing sensible to do, so these wrappers print a
 * message and abort instead of making every caller handle NULL.
 */
#ifndef CH_UTIL_ALLOC_H
#define CH_UTIL_ALLOC_H

#include <stddef.h>

void *ch_malloc(size_t n);
void *ch_calloc(size_t count, size_t size);
void *ch_realloc(void *p, size_t n);
/* Like realloc for an array of COUNT elements of SIZE, checking overflow. */
void *ch_reallocarray(void *p, size_t count, size_t size);
/* Copies of S (S may be NULL, giving NULL); the caller frees them. */
char *ch_strdup(const char *s);
char *ch_strndup(const char *s, size_t n);

#endif
