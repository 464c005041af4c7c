/*
 * ctx — an open cleanheat database and the user acting on it.
 *
 * Every core operation takes a ch_ctx: the connection it works in and the
 * actor whose permissions it checks and whose name goes into the audit log.
 * The CLI opens one per run with `--as USER`; the HTTP server (later) one
 * per request. A new database gets one prefecture_admin named after the
 * operating-system user who created it (DESIGN.md §3).
 */
#ifndef CH_CORE_CTX_H
#define CH_CORE_CTX_H

#include <stdint.h>

#include "core/user.h"
#include "db/db.h"

typedef struct ch_ctx ch_ctx;

/* Opens the database at URL (creating and migrating it), and makes
 * ACTOR_NAME the actor. A database created now gets its first user,
 * BOOTSTRAP_ADMIN, as prefecture_admin (pass the OS user's name).
 * Returns CH_EDENIED when ACTOR_NAME is not a user of the database.
 * The caller frees *OUT with ch_ctx_free. */
int ch_ctx_open(ch_ctx **out, const char *url, const char *actor_name, const char *bootstrap_admin);
void ch_ctx_free(ch_ctx *ctx);
/* Opens URL with no actor: for signing in, when nobody is yet. Such a
 * context holds no permission; what it writes is audited as "anonymous". */
int ch_ctx_open_anonymous(ch_ctx **out, const char *url);
/* Makes NAME the actor of CTX (NULL: nobody again), so that a server's
 * worker keeps one open context and acts for each request's user in turn.
 * CH_EDENIED when NAME is not a user or is disabled. */
int ch_ctx_act_as(ch_ctx *ctx, const char *name);

ch_db *ch_ctx_db(ch_ctx *ctx);
const ch_user *ch_ctx_actor(const ch_ctx *ctx);

/* Transactions nest; only the outermost commits. ch_ctx_rollback keeps the
 * current error message. Every core write runs inside one of these, and
 * appends its audit entry inside the same one. */
int ch_ctx_begin(ch_ctx *ctx);
int ch_ctx_commit(ch_ctx *ctx);
void ch_ctx_rollback(ch_ctx *ctx);

/* Fails with CH_EDENIED unless the actor holds PERM for REGION_ID (0: for
 * the whole prefecture). The message names the user, role, scope and what
 * was refused. */
int ch_ctx_require(ch_ctx *ctx, enum ch_perm perm, int64_t region_id);
/* Fails with CH_EDENIED unless the actor's role grants PERM anywhere: for
 * operations whose results are filtered to the actor's scope. */
int ch_ctx_require_role(ch_ctx *ctx, enum ch_perm perm);

#endif
