/*
 * ctx — one request: the user acting on an open store.
 *
 * Every core operation takes a ch_ctx: the store (and so the connection) it
 * works in, and the actor whose permissions it checks and whose name goes
 * into the audit log. A ch_ctx is light: it loads the actor and borrows the
 * store's connection, so a server makes one per request over its worker's
 * store (store.h). The CLI makes one per run with `--as USER`. A new
 * database gets one prefecture_admin named after the operating-system user
 * who created it (DESIGN.md §3).
 */
#ifndef CH_CORE_CTX_H
#define CH_CORE_CTX_H

#include <stdint.h>

#include "core/store.h"
#include "core/user.h"
#include "db/db.h"

typedef struct ch_ctx ch_ctx;

/* Makes ACTOR_NAME the actor of a new request over STORE (NULL: nobody,
 * for signing in: no permission, audited as "anonymous"). Returns
 * CH_EDENIED when ACTOR_NAME is not a user of the database or is disabled.
 * The caller
 * frees *OUT with ch_ctx_free, which leaves STORE open: STORE must outlive
 * it. */
int ch_ctx_new(ch_ctx **out, ch_store *store, const char *actor_name);
/* As ch_ctx_new for ACTOR_NAME, on the word of REAL_NAME, the user really
 * at the keyboard (the operating-system user of the command line): only a
 * prefecture_admin may act as someone else, and every audit entry then
 * names both ("fk（root 代为操作）"). CH_EDENIED, naming the rule, for
 * anyone else or a REAL_NAME that is no user. When the two names are the
 * same this is ch_ctx_new. */
int ch_ctx_new_as(ch_ctx **out, ch_store *store, const char *actor_name, const char *real_name);
/* Opens a store at URL (ch_store_open with BOOTSTRAP_ADMIN) and a context
 * over it for ACTOR_NAME, in one step: the context owns the store, and
 * ch_ctx_free closes it. For programs and tests that act as one user. */
int ch_ctx_open(ch_ctx **out, const char *url, const char *actor_name, const char *bootstrap_admin);
/* Frees CTX (NULL is fine); closes its store only when ch_ctx_open made
 * it. */
void ch_ctx_free(ch_ctx *ctx);
/* ch_ctx_open with nobody acting (see ch_ctx_new). */
int ch_ctx_open_anonymous(ch_ctx **out, const char *url);
/* Makes NAME the actor of CTX (NULL: nobody again), so that a server's
 * worker keeps one open context and acts for each request's user in turn.
 * CH_EDENIED when NAME is not a user or is disabled. */
int ch_ctx_act_as(ch_ctx *ctx, const char *name);
/* Makes a copy of U the actor of CTX without reading the database: U is a
 * user that ch_ctx_act_as loaded from the same database (ch_ctx_actor) while
 * the data had the version it has now, so loading it again would answer the
 * same. CH_EDENIED when U is disabled. */
int ch_ctx_act_as_user(ch_ctx *ctx, const ch_user *u);

ch_db *ch_ctx_db(ch_ctx *ctx);
const ch_user *ch_ctx_actor(const ch_ctx *ctx);
/* Whether the actor has given a second factor recently (docs/auth.md): the
 * command line is the trusted local console and leaves it so (1, the
 * default); the server says 0 for an API token and for a session whose
 * last one-time code is older than the re-authentication window. Core
 * rules that need a fresh factor (a token for a role that requires one)
 * read it. */
void ch_ctx_set_factor(ch_ctx *ctx, int fresh);
int ch_ctx_factor(const ch_ctx *ctx);

/* Transactions nest; only the outermost commits. ch_ctx_rollback keeps the
 * current error message. Every core write runs inside one of these, and
 * appends its audit entry inside the same one. */
int ch_ctx_begin(ch_ctx *ctx);
/* A read snapshot without the write lock (ch_db_begin_read), for the long
 * checking half of an import; ended with ch_ctx_commit or ch_ctx_rollback
 * before the short write transaction begins. */
int ch_ctx_begin_read(ch_ctx *ctx);
/* A read snapshot as ch_ctx_begin_read's, for a command that reads the
 * whole database (verify): its pages are read through the page cache,
 * not the memory mapping, whose pages would stay resident until the
 * command ended (ch_db_large_read). */
int ch_ctx_begin_large_read(ch_ctx *ctx);
int ch_ctx_commit(ch_ctx *ctx);
void ch_ctx_rollback(ch_ctx *ctx);
/* Ends the transaction a write began: commits when RC is 0 (returning the
 * commit's result), else rolls back and returns RC. */
int ch_ctx_end(ch_ctx *ctx, int rc);

/* Makes PATH (NULL or empty: none) the file of the secret key that signs
 * checkpoints of the audit chain, for every context over CTX's store: from
 * then on each transaction that appends to the log signs its new head
 * (audit.h). The key is read when a transaction commits; a file that cannot
 * be read, or whose key the database does not know, fails that write. */
void ch_ctx_set_audit_key_file(ch_ctx *ctx, const char *path);
/* The key file set for CTX's store, or NULL. */
const char *ch_ctx_audit_key_file(const ch_ctx *ctx);

/* Fails with CH_EDENIED unless the actor holds PERM for REGION_ID (0: for
 * the whole prefecture). The message names the user, role, scope and what
 * was refused. */
int ch_ctx_require(ch_ctx *ctx, enum ch_perm perm, int64_t region_id);
/* Fails with CH_EDENIED unless the actor's role grants PERM anywhere: for
 * operations whose results are filtered to the actor's scope. */
int ch_ctx_require_role(ch_ctx *ctx, enum ch_perm perm);

/*
 * Outside your scope (docs/architecture.md): an object asked for by a
 * region outside the actor's scope is refused with CH_EDENIED before
 * anything of it is read, so the answer is the same whether it exists and
 * whatever state it is in. The two checks below come before a lookup and
 * after it.
 */

/* The check before looking up an object of REGION_ID (a county named in
 * the request, a region filter) for PERM: CH_EDENIED, naming the region,
 * the permission and the scope, unless the actor's role grants PERM and
 * their scope holds the region or lies within it (a township operator may
 * ask for their county's households: each one found must then pass
 * ch_ctx_require for its own township). */
int ch_ctx_require_near(ch_ctx *ctx, enum ch_perm perm, int64_t region_id);
/* ch_ctx_require_near for the county named COUNTY (a name or code; NULL:
 * none asked for, 0): for a batch whose county is given before its file is
 * read, so that the file of a county outside the scope is refused before
 * any of it is. CH_ENOTFOUND, with the field "county", for no such county. */
int ch_ctx_require_county(ch_ctx *ctx, enum ch_perm perm, const char *county);
/* ch_ctx_require for an object found without naming its region in the
 * request (a household by ID number): the refusal names the permission and
 * the actor's scope but not where the object is. */
int ch_ctx_require_unnamed(ch_ctx *ctx, enum ch_perm perm, int64_t region_id);

#endif
