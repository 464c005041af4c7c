/*
 * idmap — a map from int64 ids to nonzero 32-bit values, for ids that come
 * mostly dense (a table's rowids).
 *
 * The ids are taken 64 at a time: a block of 64 values (256 bytes) for each
 * run of 64 ids of which one is present, found through a small open-
 * addressing table of blocks. A map of every household of a register of a
 * million takes about 4.5 MiB (a table of 16-byte slots keyed by each id
 * took 32); ids spread at least 64 apart take about 290 bytes each, the
 * worst case. Used by the event import for the households a batch has
 * kept and moved (core/event.c).
 */
#ifndef CH_UTIL_IDMAP_H
#define CH_UTIL_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_idmap ch_idmap;

ch_idmap *ch_idmap_new(void);
void ch_idmap_free(ch_idmap *m);
/* The value of ID, 0 when ID has none. */
uint32_t ch_idmap_get(ch_idmap *m, int64_t id);
/* Gives ID the value VAL; VAL 0 takes ID's value away. */
void ch_idmap_put(ch_idmap *m, int64_t id, uint32_t val);
/* How many ids have a value. */
size_t ch_idmap_count(const ch_idmap *m);
/* Calls FN for each id with a value, in ascending order of the ids, until
 * FN returns nonzero; returns that, else 0. The map must not change
 * meanwhile. */
int ch_idmap_each(const ch_idmap *m, int (*fn)(void *arg, int64_t id, uint32_t val), void *arg);
/* Takes every value away and gives back the memory of the blocks. */
void ch_idmap_clear(ch_idmap *m);

#endif
