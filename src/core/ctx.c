/*
 * ctx — opening a database for an actor; transactions; permission checks
 * (see ctx.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"

/* Creates the first prefecture_admin of a new database, audited. */
static int bootstrap_admin(ch_ctx *ctx, const char *name)
{
	char now[32], *after = NULL;
	json_t *j = NULL;
	int rc;
	ch_now_utc(now, sizeof now);
	/* the new admin is the actor of its own creation */
	ctx->actor.name = ch_strdup(name);
	ctx->actor.role = CH_ROLE_PREFECTURE_ADMIN;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_db_run(ctx->db, "INSERT INTO app_user(name, role, created_at) VALUES (?, ?, ?)",
	               "ttt", name, ch_role_name(CH_ROLE_PREFECTURE_ADMIN), now);
	if (rc == 0) {
		j = json_pack("{s:s, s:s, s:n}", "name", name, "role", "prefecture_admin", "scope");
		after = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		char obj[300];
		snprintf(obj, sizeof obj, "user:%s", name);
		rc = ch_audit_append(ctx, "user.bootstrap", obj, NULL, after);
	}
	free(after);
	json_decref(j);
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}

int ch_ctx_open(ch_ctx **out, const char *url, const char *actor_name, const char *bootstrap_name)
{
	int created = 0, rc;
	ch_ctx *ctx = ch_calloc(1, sizeof *ctx);
	*out = NULL;
	if ((rc = ch_db_open(&ctx->db, url, &created)) != 0)
		goto fail;
	if (created && bootstrap_name && (rc = bootstrap_admin(ctx, bootstrap_name)) != 0)
		goto fail;
	ch_user_dispose(&ctx->actor);
	rc = ch_user_load(ctx, actor_name, &ctx->actor);
	if (rc == CH_ENOTFOUND) {
		rc = ch_error_set(CH_EDENIED,
		                  "'%s' is not a user of this database (see 'cleanheat user list')",
		                  actor_name);
		goto fail;
	}
	if (rc)
		goto fail;
	if (ctx->actor.disabled) {
		rc = ch_error_set(CH_EDENIED, "user '%s' is disabled", actor_name);
		goto fail;
	}
	*out = ctx;
	return 0;
fail:
	ch_ctx_free(ctx);
	return rc;
}

int ch_ctx_open_anonymous(ch_ctx **out, const char *url)
{
	int created = 0, rc;
	ch_ctx *ctx = ch_calloc(1, sizeof *ctx);
	*out = NULL;
	if ((rc = ch_db_open(&ctx->db, url, &created)) != 0) {
		ch_ctx_free(ctx);
		return rc;
	}
	ctx->actor.name = ch_strdup("anonymous");
	ctx->actor.role = CH_ROLE_COUNT; /* no role: no permission */
	*out = ctx;
	return 0;
}

int ch_ctx_act_as(ch_ctx *ctx, const char *name)
{
	ch_user u;
	int rc;
	if (!name) {
		ch_user_dispose(&ctx->actor);
		ctx->actor.name = ch_strdup("anonymous");
		ctx->actor.role = CH_ROLE_COUNT;
		return 0;
	}
	if ((rc = ch_user_load(ctx, name, &u)) != 0)
		return rc == CH_ENOTFOUND ? ch_error_set(CH_EDENIED, "'%s' is not a user", name) : rc;
	if (u.disabled) {
		ch_user_dispose(&u);
		return ch_error_set(CH_EDENIED, "user '%s' is disabled", name);
	}
	ch_user_dispose(&ctx->actor);
	ctx->actor = u;
	return 0;
}

void ch_ctx_free(ch_ctx *ctx)
{
	if (!ctx)
		return;
	ch_user_dispose(&ctx->actor);
	ch_db_close(ctx->db);
	free(ctx);
}

ch_db *ch_ctx_db(ch_ctx *ctx)
{
	return ctx->db;
}

const ch_user *ch_ctx_actor(const ch_ctx *ctx)
{
	return &ctx->actor;
}

int ch_ctx_begin(ch_ctx *ctx)
{
	return ch_db_begin(ctx->db);
}

int ch_ctx_commit(ch_ctx *ctx)
{
	return ch_db_commit(ctx->db);
}

void ch_ctx_rollback(ch_ctx *ctx)
{
	ch_db_rollback(ctx->db);
}

int ch_ctx_require_role(ch_ctx *ctx, enum ch_perm perm)
{
	const ch_user *u = &ctx->actor;
	if (ch_role_allows(u->role, perm))
		return 0;
	return ch_error_set(CH_EDENIED, "user '%s' (%s, %s) may not %s", u->name,
	                    ch_role_name(u->role), u->scope_name ? u->scope_name : "全州",
	                    ch_perm_describe(perm));
}

int ch_ctx_require(ch_ctx *ctx, enum ch_perm perm, int64_t region_id)
{
	const ch_user *u = &ctx->actor;
	const char *scope = u->scope_name ? u->scope_name : "全州";
	int rc = ch_ctx_require_role(ctx, perm);
	if (rc || u->scope_region_id == 0)
		return rc;
	if (region_id == 0 || !ch_region_within(ctx, region_id, u->scope_region_id)) {
		ch_region r = {0};
		const char *where = "the whole prefecture";
		if (region_id && ch_region_get(ctx, region_id, &r) == 0)
			where = r.name;
		ch_error_set(CH_EDENIED,
		             "user '%s' (%s, %s) may not %s for %s: outside their scope", u->name,
		             ch_role_name(u->role), scope, ch_perm_describe(perm), where);
		ch_region_dispose(&r);
		return CH_EDENIED;
	}
	return 0;
}
