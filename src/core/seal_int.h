/*
 * seal_int — the parts of sealing that the store and the transactions call,
 * for src/core/ only (see seal.h).
 */
#ifndef CH_CORE_SEAL_INT_H
#define CH_CORE_SEAL_INT_H

#include "core/seal.h"
#include "db/db.h"

#include "core/store_int.h"

/* Rows of a sealed table that the open transaction changed: ROWID and the
 * MORE rows after it (a set-wise insert changes a million rows in a run of
 * ids, noted in one of these, not in a million). */
struct ch_seal_note {
	int table;     /* index into seal.c's list of sealed and child tables */
	uint32_t more; /* ROWID + 1 ... ROWID + MORE were changed too */
	int64_t rowid;
};

/* Makes STORE's connection note which audited objects a transaction changes:
 * a change hook (db.h) for the rows. Called once per connection, after
 * migration. */
int ch_seal_install(ch_store *store);
/* Makes the temporary table and triggers the commit reads, once per
 * connection: called outside a transaction, before each outermost write
 * transaction begins (ch_ctx_begin), so that a connection that only reads
 * (a report, a page) never makes them. Returns at once when they exist. */
int ch_seal_prepare(ch_store *store);
/* Forgets the rows noted: the transaction that changed them rolled back. */
void ch_seal_forget(ch_store *store);

/* Says that the writes between ON (1) and OFF (0) move households' stages
 * alone: UPDATEs of household that set its status and stage_day and no
 * other column a seal covers (the trigger that keeps withdrawn may run
 * under them; withdrawn is not sealed). A commit whose household writes
 * were all such builds each household's new seal from its newest seal,
 * with those two values taken from the row and the others kept as sealed:
 * it reads two columns instead of every one, and a field changed outside
 * the program stays different from its seal instead of being sealed with
 * the step (docs/verify.md). Any other write to a household in the same
 * transaction (an insert, a delete, an UPDATE outside ON and OFF) makes
 * the commit seal every household it changed from its whole row, as
 * before. Never around a statement that sets another sealed column: its
 * change would not be sealed, and verify would report the row. */
void ch_seal_stage_writes(ch_ctx *ctx, int on);

/* Says that the UPDATEs of household between ON (1) and OFF (0) set no
 * column a seal covers (core/household.c's claims: the import and the
 * line that last named each household). They are not noted: a commit
 * whose only writes to households were such seals none of them, where it
 * built each one's form from its row to find it as sealed (a register
 * sent again unchanged: every household; docs/performance.md, "A register
 * sent again"). A household changed outside the program stays different
 * from its seal, as under ch_seal_stage_writes. Inserts, deletes and the
 * UPDATEs outside ON and OFF are noted as ever. Never around a statement
 * that sets a sealed column: its change would not be sealed, and verify
 * would report the row. */
void ch_seal_unsealed_writes(ch_ctx *ctx, int on);

/* Keeps the rows noted so far below CH_SEAL_SPILL notes; does nothing
 * below that. A loop of single-row writes in random order notes each row
 * apart (16 bytes), and a million of them held 16 MiB until the commit
 * (docs/performance.md, "Updating a register"): such a loop calls this
 * between its writes, never from inside a statement. The notes are
 * sorted and joined into runs first; when that does not halve them, they
 * move into the transaction's temporary table, where the commit reads
 * them. */
#define CH_SEAL_SPILL 65536
int ch_seal_spill(ch_ctx *ctx);

/* For the unit tests: CTX's connection acts at N notes instead of
 * CH_SEAL_SPILL, so that a test reaches the limit with a thousand
 * single-row writes rather than 65,536 (each a round trip on PostgreSQL). */
void ch_seal_spill_limit(ch_ctx *ctx, size_t n);

/* Called by the outermost commit, inside the transaction: seals the objects
 * it changed (or, while nothing is sealed yet, every object)
 * and appends the audit.seal entry; then, when a signing key is set, signs
 * a checkpoint of the new head (audit_key.c). */
int ch_seal_commit(ch_ctx *ctx);

#endif
