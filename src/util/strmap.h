/*
 * strmap — a hash map from strings to int64 values.
 *
 * Open addressing with linear probing, FNV-1a hashing, doubling at 70%
 * load. Keys are copied. Used for per-import caches (region names to ids,
 * ID numbers seen twice) where a lookup per row must not cost a query.
 */
#ifndef CH_UTIL_STRMAP_H
#define CH_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_strmap ch_strmap;

ch_strmap *ch_strmap_new(void);
void ch_strmap_free(ch_strmap *m);
/* 1 and *VAL when KEY is present (VAL may be NULL), else 0. */
int ch_strmap_get(const ch_strmap *m, const char *key, int64_t *val);
/* Sets KEY to VAL, adding it if absent. */
void ch_strmap_put(ch_strmap *m, const char *key, int64_t val);
size_t ch_strmap_count(const ch_strmap *m);

#endif
