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

/* Transactions nest; only the outermost commits. ch_ctx_rollback keeps the
 * current error message. Every core write runs inside one of these, and
 * appends its audit entry inside the same one. */
int ch_ctx_begin(ch_ctx *ctx);
/* A read snapshot without the write lock (ch_db_begin_read), for the long
 * checking half of an import; ended with ch_ctx_commit or ch_ctx_rollback
 * before the short write transaction begins. */
int ch_ctx_begin_read(ch_ctx *ctx);
int ch_ctx_commit(ch_ctx *ctx);
void ch_ctx_rollback(ch_ctx *ctx);
/* Ends the transaction a write began: commits when RC is 0 (returning the
 * commit's result), else rolls back and returns RC. */
int ch_ctx_end(ch_ctx *ctx, int rc);

/* Fails with CH_EDENIED unless the actor holds PERM for REGION_ID (0: for
 * the whole prefecture). The message names the user, role, scope and what
 * was refused. */
int ch_ctx_require(ch_ctx *ctx, enum ch_perm perm, int64_t region_id);
/* Fails with CH_EDENIED unless the actor's role grants PERM anywhere: for
 * operations whose results are filtered to the actor's scope. */
int ch_ctx_require_role(ch_ctx *ctx, enum ch_perm perm);

#endif
