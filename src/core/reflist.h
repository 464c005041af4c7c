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

/* The most characters a text FIELD ("head_name", "address", "note",
 * "event_note", ...: the rows of limits.csv in the unit 字符) may have, or 0
 * when the limits set has none for it. */
int64_t ch_ref_text_max(ch_ctx *ctx, const char *field);
/* 1 when TEXT has more than MAX characters (MAX 0: no limit), with the
 * reason in Chinese in WHY ("地址有 250 个字符，超过 200 个字符的上限"), LABEL
 * naming the field; else 0. */
int ch_ref_text_over(const char *label, const char *text, int64_t max, char *why, size_t whysz);
/* For a value given by hand: 0 when TEXT is within the length of KEY, else
 * CH_EINVALID for the parameter PARAM with the reason, LABEL naming it. */
int ch_ref_text_check(ch_ctx *ctx, const char *key, const char *label, const char *param,
                      const char *text);
/* The start of TEXT for a problem's value, when the whole is too long to
 * repeat: its first characters and "…" (a new string). */
char *ch_ref_text_start(const char *text);

#endif
