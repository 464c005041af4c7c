/*
 * strv — growable array of owned strings (see strv.h).
 */
#include <stdlib.h>

#include "util/alloc.h"
#include "util/strv.h"

void ch_strv_init(ch_strv *v)
{
	v->items = NULL;
	v->len = v->cap = 0;
}

void ch_strv_dispose(ch_strv *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	free(v->items);
	ch_strv_init(v);
}

void ch_strv_push_owned(ch_strv *v, char *s)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->items = ch_reallocarray(v->items, v->cap, sizeof *v->items);
	}
	v->items[v->len++] = s;
}

void ch_strv_push(ch_strv *v, const char *s)
{
	ch_strv_push_owned(v, ch_strdup(s));
}
