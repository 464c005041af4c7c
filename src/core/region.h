/*
 * region — the administrative tree: prefecture > county > township > village.
 *
 * Counties carry GB/T 2260 codes and come from the reference file compiled
 * into the binary (data/regions/); townships and villages are added by the
 * counties' own lists (`cleanheat region import`) or, later, as households
 * name them. Lookups accept a code, the official name, or a known alias
 * (木垒县 for 木垒哈萨克自治县), after normalising full-width characters and
 * stray spaces. Obsolete codes are kept so that input naming them can be
 * reported with what became of them, never silently accepted.
 */
#ifndef CH_CORE_REGION_H
#define CH_CORE_REGION_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

enum ch_region_level {
	CH_LEVEL_PREFECTURE = 1,
	CH_LEVEL_COUNTY = 2,
	CH_LEVEL_TOWNSHIP = 3,
	CH_LEVEL_VILLAGE = 4,
};

typedef struct ch_region {
	int64_t id;
	char *code; /* may be NULL below county level */
	char *name;
	enum ch_region_level level;
	int64_t parent_id; /* 0 for the prefecture */
	int obsolete;
	char *note;          /* for obsolete regions, what became of them */
	int children_loaded; /* the township (village) list was loaded by import */
} ch_region;

void ch_region_dispose(ch_region *r);

/* Finds a region by code, name or alias at LEVEL (0: any) under PARENT_ID
 * (0: anywhere). Obsolete regions are found too (check ->obsolete).
 * CH_ENOTFOUND (with a message naming TEXT) when there is none; CH_ECONFLICT
 * when a name is ambiguous (two villages of one name in different townships
 * and no parent given). */
int ch_region_find(ch_ctx *ctx, const char *text, int level, int64_t parent_id, ch_region *out);
int ch_region_get(ch_ctx *ctx, int64_t id, ch_region *out);
/* The prefecture this database serves (the active level-1 region). */
int ch_region_root(ch_ctx *ctx, ch_region *out);
/* 1 when REGION_ID is ANCESTOR_ID or lies below it. */
int ch_region_within(ch_ctx *ctx, int64_t region_id, int64_t ancestor_id);
/* The abbreviated names a county is also known by, derived from its name:
 * 木垒哈萨克自治县 → 木垒县, 木垒; 昌吉市 → 昌吉. Writes up to MAX copies into
 * OUT (caller frees each) and returns how many. */
int ch_region_short_names(const char *name, char **out, int max);

/* One reference region as read from data/regions/ (core/reference.c reads it). */
typedef struct ch_region_ref {
	const char *code, *name, *parent_code, *status, *aliases, *note;
	enum ch_region_level level;
} ch_region_ref;
/* Inserts or updates the reference regions REFS[0..N), matched by code, in
 * the caller's transaction (core/reference.c audits the load). Parents must
 * come before their children. */
int ch_region_load_reference(ch_ctx *ctx, const ch_region_ref *refs, int n);

/* Adds a township (PARENT a county) or village (PARENT a township) named
 * NAME with optional CODE, unless it exists; *ID receives its id and *ADDED
 * 1 if it was new. Checks CH_PERM_REGION_WRITE within the parent's scope.
 * Not audited by itself: the caller's import writes one audit entry. */
int ch_region_add_child(ch_ctx *ctx, int64_t parent_id, const char *name, const char *code,
                        int64_t *id, int *added);
/* The number of active children of PARENT_ID into *N, and into OUT (if not
 * NULL) up to MAX of their names closest to NAME in characters (the edit
 * distance), best first, as "「A」、「B」". For a message about a name that
 * is not among them. */
int ch_region_closest_children(ch_ctx *ctx, int64_t parent_id, const char *name, int max, size_t *n,
                               char *out, size_t outsz);
/* Marks PARENT_ID's list of children as loaded by an official list, so that
 * later input naming an unknown child is an error rather than an addition.
 * Checks CH_PERM_REGION_WRITE within PARENT_ID's scope. */
int ch_region_mark_children_loaded(ch_ctx *ctx, int64_t parent_id);

/* Calls FN for each region under ROOT_ID (0: all), depth first, ordered by
 * code then name; includes obsolete ones only when WITH_OBSOLETE. */
int ch_region_each(ch_ctx *ctx, int64_t root_id, int with_obsolete,
                   int (*fn)(const ch_region *r, int depth, void *arg), void *arg);

#endif
