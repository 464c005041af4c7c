/*
 * audit_int — appending an entry built as JSON, for src/core/ only (the
 * layers above hand core their values, never JSON).
 */
#ifndef CH_CORE_AUDIT_INT_H
#define CH_CORE_AUDIT_INT_H

#include <jansson.h>

#include "core/audit.h"
#include "core/store.h"
#include "util/hash.h"

/* ch_audit_append with AFTER given as a JSON value, written compact with
 * sorted keys and no BEFORE. Takes the reference to AFTER. */
int ch_audit_append_json(ch_ctx *ctx, const char *action, const char *object, json_t *after);

/* Feeds S to H as the chain hashes a field: its decimal byte length, ':',
 * its bytes; "-" for NULL. */
void ch_audit_hash_field(ch_hash *h, const char *s);

/* Writes audit_head as the entries the open transaction appended have
 * left it (ch_audit_append defers it to the commit: see audit.c); nothing
 * when it appended none. Every reader of audit_head calls it first. */
int ch_audit_head_sync(ch_ctx *ctx);
/* The transaction ended (committed or rolled back): audit_head is read
 * again by the next append. */
void ch_audit_head_forget(ch_store *store);

/* Signs a checkpoint of the head when the store has a key file and the head
 * is newer than the last checkpoint. Called inside the committing
 * transaction (seal.c). */
int ch_audit_sign_head(ch_ctx *ctx);

#endif
