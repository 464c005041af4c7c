/*
 * audit — the append-only, hash-chained log of every write.
 *
 * Each core write appends one entry in its own transaction: who, when (UTC),
 * what action on which object, and the object before and after, as JSON.
 * Each entry's hash covers its fields and the previous entry's hash, so an
 * entry edited, deleted or moved breaks the chain from that point on, and
 * the head kept in audit_head shows entries cut off the end.
 */
#ifndef CH_CORE_AUDIT_H
#define CH_CORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* Appends an entry as the context's actor. BEFORE and AFTER are JSON texts
 * or NULL. Must be called inside a ch_ctx transaction. */
int ch_audit_append(ch_ctx *ctx, const char *action, const char *object, const char *before,
                    const char *after);

/* The sequence number of the newest entry (0 for none) into *SEQ. Every
 * write appends an entry, so it is the version of the stored data: a
 * server may keep an answer computed at one version until it changes. */
int ch_audit_version(ch_ctx *ctx, int64_t *seq);

typedef struct ch_audit_report {
	int64_t entries;   /* entries checked */
	int64_t bad_seq;   /* first entry found wrong, 0 when the chain holds */
	char problem[512]; /* what is wrong with it, in English */
} ch_audit_report;

/* Walks the chain from the first entry. Returns 0 when it holds, or
 * CH_EINVALID with REPORT naming the first entry that was edited, deleted or
 * reordered. Requires CH_PERM_AUDIT. */
int ch_audit_verify(ch_ctx *ctx, ch_audit_report *report);

typedef struct ch_audit_entry {
	int64_t seq;
	const char *at, *actor, *action, *object, *before, *after, *hash;
} ch_audit_entry;
/* Calls FN for the entries whose object starts with OBJECT_PREFIX (NULL:
 * all), newest first, at most LIMIT (0: no limit). Requires CH_PERM_AUDIT.
 * ID numbers, phone numbers and bank accounts in the entries' JSON are masked
 * unless the actor may see them (CH_PERM_REVEAL). */
int ch_audit_each(ch_ctx *ctx, const char *object_prefix, int64_t limit,
                  int (*fn)(const ch_audit_entry *e, void *arg), void *arg);

/* The object name of entries about household ID: "household:CODE/户编号"
 * (the county's code), into OUT. */
void ch_audit_household_object(ch_ctx *ctx, int64_t id, char *out, size_t outsz);

/* Which entries ch_audit_each_about hands out. An entry is about a
 * household when its object is "household:COUNTYCODE/户编号" or its JSON
 * after the change names the county's code ("county") and the household
 * ("household"), which is how writes about one household record it. */
typedef struct ch_audit_filter {
	const char *object_prefix; /* NULL: any object */
	const char *county;        /* name or code: entries about this county */
	const char *household;     /* 户编号 (with COUNTY): entries about it */
	int64_t limit;             /* newest first; 0: all */
} ch_audit_filter;
/* As ch_audit_each, for the entries F selects. CH_ENOTFOUND for a county
 * that does not exist; CH_EUSAGE for a household without its county. */
int ch_audit_each_about(ch_ctx *ctx, const ch_audit_filter *f,
                        int (*fn)(const ch_audit_entry *e, void *arg), void *arg);

/* One line in Chinese saying who did what to what in entry E (as
 * ch_audit_each hands it out): "root 为 昌吉市 户 CJ002 记录「已完工」
 * 2023-05-02". Written into OUT (always terminated). Unknown actions are
 * named by their key. */
void ch_audit_summary(ch_ctx *ctx, const ch_audit_entry *e, char *out, size_t outsz);

#endif
