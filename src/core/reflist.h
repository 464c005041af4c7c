/*
 * reflist — the small reference lists a register is checked against:
 * heating technologies, energy-saving measures, and plausibility limits.
 *
 * They ship as files in data/register/ (loaded by core/reference.c) and live
 * in the tables ref_item, ref_alias and ref_limit, so an office can adapt
 * them. A ch_reflist is an in-memory copy for fast lookups during an import.
 */
#ifndef CH_CORE_REFLIST_H
#define CH_CORE_REFLIST_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* One item as read from a file: its key, Chinese name and '|'-separated
 * spellings. */
typedef struct ch_ref_item {
	const char *key, *name, *aliases;
} ch_ref_item;

/* Replaces list LIST with ITEMS[0..N), in the caller's transaction. */
int ch_ref_store_list(ch_ctx *ctx, const char *list, const ch_ref_item *items, size_t n);
/* Sets the bounds of FIELD, in its stored unit. */
int ch_ref_store_limit(ch_ctx *ctx, const char *field, int64_t min, int64_t max);

typedef struct ch_reflist ch_reflist;

/* Loads list LIST ("technology", "measure") into memory. */
int ch_reflist_load(ch_ctx *ctx, const char *list, ch_reflist **out);
void ch_reflist_free(ch_reflist *l);
/* The key TEXT stands for (after normalising), or NULL. */
const char *ch_reflist_find(const ch_reflist *l, const char *text);
/* The Chinese name of KEY, or KEY itself when unknown. */
const char *ch_reflist_name(const ch_reflist *l, const char *key);
/* The names of all items, joined by "、" into a new string (for messages). */
char *ch_reflist_names(const ch_reflist *l);

/* The bounds of FIELD; CH_ENOTFOUND when none are set. */
int ch_ref_limit(ch_ctx *ctx, const char *field, int64_t *min, int64_t *max);

#endif
