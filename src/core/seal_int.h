/*
 * seal_int — the parts of sealing that the store and the transactions call,
 * for src/core/ only (see seal.h).
 */
#ifndef CH_CORE_SEAL_INT_H
#define CH_CORE_SEAL_INT_H

#include "core/seal.h"
#include "db/db.h"

/* Creates, on the connection DB, the temporary table and triggers that note
 * which audited objects a transaction changes. Called once per connection,
 * after migration. */
int ch_seal_install(ch_db *db);

/* Called by the outermost commit, inside the transaction: seals the objects
 * it changed (or, while nothing is sealed yet, every object)
 * and appends the audit.seal entry; then, when a signing key is set, signs
 * a checkpoint of the new head (audit_key.c). */
int ch_seal_commit(ch_ctx *ctx);

#endif
