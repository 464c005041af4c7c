/*
 * strv — a growable array of owned strings.
 *
 * Used for argument lists, CSV rows kept beyond one read, and lists of names.
 * Entries are copies owned by the vector.
 */
#ifndef CH_UTIL_STRV_H
#define CH_UTIL_STRV_H

#include <stddef.h>

typedef struct ch_strv {
	char **items;
	size_t len;
	size_t cap;
} ch_strv;

void ch_strv_init(ch_strv *v);
void ch_strv_dispose(ch_strv *v);
/* Appends a copy of S (which may be NULL). */
void ch_strv_push(ch_strv *v, const char *s);
/* Appends S itself; the vector takes ownership. */
void ch_strv_push_owned(ch_strv *v, char *s);

#endif
