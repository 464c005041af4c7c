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

#include "util/hash.h"

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
 * all but the audit.seal entries, seal.h), newest first, at most LIMIT (0:
 * no limit). Requires CH_PERM_AUDIT.
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

/* ---- signed checkpoints (audit_key.c) ----
 *
 * Anyone holding the database file can recompute every hash of the chain.
 * What they cannot do is sign: `audit key init` writes an Ed25519 secret key
 * to a file the database does not hold, and records its public key in
 * audit_key. While a context's store has the key file (ch_ctx_set_audit_key_file),
 * every transaction that appends to the log signs a checkpoint of the new
 * head (seq, hash, time). The public key in the database may itself be
 * swapped by whoever holds the file, so a party outside checks against the
 * public key it was given (`audit verify --public-key`) or a head published
 * earlier (`audit head`, `audit verify --head FILE`). */

#define CH_AUDIT_KEY_HEX 64 /* an Ed25519 public key in hex */
#define CH_AUDIT_SIG_HEX 128

/* Makes a new signing key: writes the secret key to PATH (mode 600; CH_EEXISTS
 * if PATH exists), records the public key (hex into PUBLIC_KEY) in the
 * database, audited, and makes PATH the store's key file so the head is
 * signed at once; PUBLIC_KEY is left alone on failure. Requires a
 * prefecture-wide CH_PERM_USER_ADMIN. */
int ch_audit_key_init(ch_ctx *ctx, const char *path, char public_key[CH_AUDIT_KEY_HEX + 1]);

/* A head of the chain as published: the entry SEQ with its HASH, signed at
 * AT by PUBLIC_KEY (SIGNATURE empty when the chain has no checkpoint). */
typedef struct ch_audit_head {
	int64_t seq;
	char hash[CH_HASH_HEX_LEN + 1];
	char at[32];
	char public_key[CH_AUDIT_KEY_HEX + 1];
	char signature[CH_AUDIT_SIG_HEX + 1];
} ch_audit_head;

/* The newest signed checkpoint into *H; when there is none, the unsigned
 * head (signature and key empty). Requires CH_PERM_AUDIT. */
int ch_audit_head_get(ch_ctx *ctx, ch_audit_head *h);
/* Reads a head from TEXT: the JSON `audit head --format json` prints, or
 * its "key: value" lines. CH_EINVALID naming what is missing. */
int ch_audit_head_parse(const char *text, ch_audit_head *h);

typedef struct ch_audit_sig_report {
	int64_t checkpoints; /* checkpoints whose signature was checked */
	int64_t head_seq;    /* the newest entry */
	int64_t signed_seq;  /* the newest entry a checkpoint covers (0: none) */
	int unsigned_chain;  /* no checkpoint at all: the chain is not signed */
	char problem[512];   /* the first problem, in Chinese */
} ch_audit_sig_report;

/* Checks every checkpoint: signed by a key recorded in the database (and,
 * when PUBLIC_KEY or the store's key file gives one, by that key), the
 * signature valid, and the entry it names still having the hash it signed.
 * Entries after the newest checkpoint are a failure when checkpoints exist;
 * with none, REP->unsigned_chain is set and the result is 0 unless
 * PUBLIC_KEY was given. CH_EINVALID with REP->problem otherwise. Assumes the
 * hash chain holds (ch_audit_verify). Requires CH_PERM_AUDIT. */
int ch_audit_verify_signatures(ch_ctx *ctx, const char *public_key, ch_audit_sig_report *rep);

/* Checks the chain against head H published earlier: entry H->seq has
 * H->hash, and the signature is valid for PUBLIC_KEY (NULL: H's own key).
 * CH_EINVALID saying which does not hold. Requires CH_PERM_AUDIT. */
int ch_audit_verify_head(ch_ctx *ctx, const ch_audit_head *h, const char *public_key);

#endif
