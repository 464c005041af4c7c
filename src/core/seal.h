/*
 * seal — tamper evidence for the business tables: every audited object's
 * current row must equal the state the audit log last recorded for it.
 *
 * When a transaction commits, the canonical form of each household, user,
 * payment, entitlement, review application and plan it changed (its business
 * fields as compact JSON in a fixed order) is stored as the object's newest
 * seal, and one audit entry (action "audit.seal") records how many objects
 * were sealed and the BLAKE2b of those seals. Someone who edits a row with
 * the database file in hand leaves it different from its seal; editing the
 * seal too breaks the digest in the audit entry, and rewriting the entry
 * breaks the hash chain (and, with a signing key, the signed checkpoints:
 * audit.h). The rows changed are noticed by a change hook of the program's
 * own connection (and temporary triggers for child rows deleted, made with
 * the commit's temporary table before the connection's first write
 * transaction), which a sqlite3 shell on the file does not have.
 */
#ifndef CH_CORE_SEAL_H
#define CH_CORE_SEAL_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* One difference found: which object (KIND_LABEL and OBJECT, in Chinese:
 * "农户", "652301/CJ002"), which field (FIELD, its Chinese name; NULL when
 * the whole object is at issue), and MESSAGE, the sentence to show. */
typedef struct ch_seal_problem {
	const char *kind;       /* household, user, payment, entitlement, review, plan */
	const char *kind_label; /* 农户, 用户, 付款, 补助核定, 复核申请, 年度计划 */
	char object[200];
	const char *field;
	int64_t seq; /* the audit entry that recorded the object last (0: none) */
	char message[768];
} ch_seal_problem;

typedef int (*ch_seal_problem_fn)(const ch_seal_problem *p, void *arg);

/* Checks every audited object's current row against its newest seal, every
 * seal against the digest its audit entry recorded, and every payment
 * against the ledger transfer it came from and its batch. Calls FN for each
 * difference; *CHECKED counts the objects checked and *PROBLEMS the
 * differences. Returns 0 when nothing differs, CH_EINVALID (message naming
 * the first difference) when something does. Assumes the hash chain holds
 * (ch_audit_verify first). Requires CH_PERM_AUDIT. */
int ch_seal_verify(ch_ctx *ctx, ch_seal_problem_fn fn, void *arg, int64_t *checked,
                   int64_t *problems);

/* Whether sealing has begun in this database (*STARTED 1): it begins with
 * the first write after the seal migration. Before it, ch_seal_verify
 * checks the payments against the ledger only. */
int ch_seal_started(ch_ctx *ctx, int *started);

/* Checks the payments of BATCH, and the households they pay, against the
 * ledger and the audit log, before a bank file is written from them.
 * CH_ECONFLICT naming the first payment or household that differs. */
int ch_seal_check_batch(ch_ctx *ctx, int64_t batch);

/* Checks household ID's current row against its seal (CH_ECONFLICT naming
 * the field that differs). */
int ch_seal_check_household(ch_ctx *ctx, int64_t id);

/* Before a write to review application APP, in its transaction: an
 * application still sealed whole (stored before schema 29 and not changed
 * since) has its commit seal it and every one of its items anew, so it is
 * first checked, items and all, against its whole seal. CH_ECONFLICT naming
 * the first difference, so that a change made outside the program is not
 * sealed with the write; 0 at once for any other application. */
int ch_seal_check_review(ch_ctx *ctx, int64_t app);

#endif
