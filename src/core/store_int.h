/*
 * store_int — the inside of ch_store, for src/core/ only.
 */
#ifndef CH_CORE_STORE_INT_H
#define CH_CORE_STORE_INT_H

#include "core/store.h"
#include "db/db.h"
#include "util/hash.h"

#include <stdint.h>

struct ch_store {
	ch_db *db;            /* the one connection; every ch_ctx over the store uses it */
	char *audit_key_file; /* the secret key that signs checkpoints, or NULL */
	int64_t signed_seq;   /* the head last known to be signed (0: not known) */
	/* rows of sealed tables the open transaction changed (seal.c) */
	struct ch_seal_note *seal_notes;
	size_t seal_n, seal_cap;
	size_t seal_spill; /* notes before ch_seal_spill acts: CH_SEAL_SPILL */
	/* the temporary table and triggers the commit reads exist (made before
	 * the connection's first write transaction, ch_seal_prepare) */
	int seal_ready;
	/* the writes under way move households' stages alone
	 * (ch_seal_stage_writes), and whether any other write to a household
	 * was heard since the last commit: while none was, the commit seals
	 * the households from their newest seals (seal.c) */
	int seal_stage, seal_hh_whole;
	/* the UPDATEs of household under way set no sealed column
	 * (ch_seal_unsealed_writes): not noted */
	int seal_unsealed;
	/* the database has no seal of a whole review application (seal.c,
	 * note_review_whole): learnt once, since none is written any more */
	int seal_no_whole_review;
	/* the open transaction appended to the audit log after the entry
	 * audit_base, and audit_head is written when it commits (audit.c) */
	int audit_pending;
	int64_t audit_base;
	/* the newest entry it appended, while ch_db_tx_serial is audit_serial
	 * (a savepoint's rollback changes it) */
	int64_t audit_serial, audit_last;
	char audit_hash[CH_HASH_HEX_LEN + 1];
};

#endif
