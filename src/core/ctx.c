/*
 * ctx — a request's actor over a store; transactions; permission checks
 * (see ctx.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/region.h"
#include "core/seal_int.h"
#include "util/alloc.h"
#include "util/error.h"

void ch_ctx_init_system(ch_ctx *ctx, ch_store *store)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->store = store;
	ctx->db = store->db;
	ctx->actor.role = CH_ROLE_PREFECTURE_ADMIN; /* no name: audited as "cleanheat" */
}

int ch_ctx_new(ch_ctx **out, ch_store *store, const char *actor_name)
{
	ch_ctx *ctx = ch_calloc(1, sizeof *ctx);
	int rc;
	*out = NULL;
	ctx->store = store;
	ctx->db = store->db;
	if (!actor_name) { /* nobody yet: for signing in */
		ctx->actor.name = ch_strdup("anonymous");
		ctx->actor.role = CH_ROLE_COUNT; /* no role: no permission */
		*out = ctx;
		return 0;
	}
	rc = ch_user_load(ctx, actor_name, &ctx->actor);
	if (rc == CH_ENOTFOUND)
		rc = ch_error_set(CH_EDENIED, "“%s”不是本数据库的用户（见 cleanheat user list）",
		                  actor_name);
	else if (rc == 0 && ctx->actor.disabled)
		rc = ch_error_set(CH_EDENIED, "用户 %s 已停用", actor_name);
	if (rc) {
		ch_ctx_free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int ch_ctx_new_as(ch_ctx **out, ch_store *store, const char *actor_name, const char *real_name)
{
	ch_ctx *real = NULL;
	int rc;
	*out = NULL;
	if (!actor_name || !real_name || strcmp(actor_name, real_name) == 0)
		return ch_ctx_new(out, store, actor_name);
	if ((rc = ch_ctx_new(&real, store, real_name)) != 0) {
		ch_error_set(CH_EDENIED,
		             "只有州级管理员可以代他人操作（--as）；%s 不是本数据库的用户",
		             real_name);
		return CH_EDENIED;
	}
	if (real->actor.role != CH_ROLE_PREFECTURE_ADMIN) {
		rc = ch_error_set(CH_EDENIED, "只有州级管理员可以代他人操作（--as）；%s 是%s",
		                  real_name, ch_role_label(real->actor.role));
		ch_ctx_free(real);
		return rc;
	}
	ch_ctx_free(real);
	if ((rc = ch_ctx_new(out, store, actor_name)) != 0)
		return rc;
	(*out)->delegate = ch_strdup(real_name);
	return 0;
}

int ch_ctx_open(ch_ctx **out, const char *url, const char *actor_name, const char *bootstrap_name)
{
	ch_store *store = NULL;
	int rc;
	*out = NULL;
	if ((rc = ch_store_open(&store, url, bootstrap_name)) != 0)
		return rc;
	if ((rc = ch_ctx_new(out, store, actor_name)) != 0) {
		ch_store_free(store);
		return rc;
	}
	(*out)->owns_store = 1;
	return 0;
}

int ch_ctx_open_anonymous(ch_ctx **out, const char *url)
{
	return ch_ctx_open(out, url, NULL, NULL);
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
		return rc == CH_ENOTFOUND ? ch_error_set(CH_EDENIED, "“%s”不是本数据库的用户", name)
		                          : rc;
	if (u.disabled) {
		ch_user_dispose(&u);
		return ch_error_set(CH_EDENIED, "用户 %s 已停用", name);
	}
	ch_user_dispose(&ctx->actor);
	ctx->actor = u;
	return 0;
}

int ch_ctx_act_as_user(ch_ctx *ctx, const ch_user *u)
{
	if (u->disabled)
		return ch_error_set(CH_EDENIED, "用户 %s 已停用", u->name);
	ch_user_dispose(&ctx->actor);
	ch_user_copy(&ctx->actor, u);
	return 0;
}

void ch_ctx_free(ch_ctx *ctx)
{
	if (!ctx)
		return;
	ch_user_dispose(&ctx->actor);
	free(ctx->delegate);
	if (ctx->owns_store)
		ch_store_free(ctx->store);
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

void ch_ctx_set_factor(ch_ctx *ctx, int fresh)
{
	ctx->factor_old = !fresh;
}

int ch_ctx_factor(const ch_ctx *ctx)
{
	return !ctx->factor_old;
}

int ch_ctx_begin(ch_ctx *ctx)
{
	/* rows changed outside a transaction stay noted: the next commit seals
	 * them. The commit's temporary table is made before the outermost
	 * write transaction, outside it (a rollback would take it away). */
	if (ch_db_tx_depth(ctx->db) == 0) {
		int rc = ch_seal_prepare(ctx->store);
		if (rc)
			return rc;
	}
	return ch_db_begin(ctx->db);
}

int ch_ctx_begin_read(ch_ctx *ctx)
{
	return ch_db_begin_read(ctx->db);
}

int ch_ctx_begin_large_read(ch_ctx *ctx)
{
	int rc = ch_db_begin_read(ctx->db);
	if (rc == 0 && (rc = ch_db_large_read(ctx->db)) != 0)
		ch_ctx_rollback(ctx);
	return rc;
}

int ch_ctx_commit(ch_ctx *ctx)
{
	/* the outermost commit seals what the transaction changed and signs
	 * the new head, inside it */
	if (ch_db_tx_depth(ctx->db) == 1) {
		int rc = ch_seal_commit(ctx);
		if (rc == 0)
			rc = ch_audit_head_sync(ctx);
		if (rc) {
			ch_ctx_rollback(ctx);
			return rc;
		}
		ch_audit_head_forget(ctx->store);
	}
	return ch_db_commit(ctx->db);
}

void ch_ctx_set_audit_key_file(ch_ctx *ctx, const char *path)
{
	free(ctx->store->audit_key_file);
	ctx->store->audit_key_file = path && *path ? ch_strdup(path) : NULL;
	ctx->store->signed_seq = 0;
}

const char *ch_ctx_audit_key_file(const ch_ctx *ctx)
{
	return ctx->store->audit_key_file;
}

void ch_ctx_rollback(ch_ctx *ctx)
{
	if (ch_db_tx_depth(ctx->db) == 1) {
		ch_seal_forget(ctx->store);
		ch_audit_head_forget(ctx->store);
	}
	ch_db_rollback(ctx->db);
}

int ch_ctx_end(ch_ctx *ctx, int rc)
{
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}

int ch_ctx_require_role(ch_ctx *ctx, enum ch_perm perm)
{
	const ch_user *u = &ctx->actor;
	if (ch_role_allows(u->role, perm))
		return 0;
	return ch_error_set(CH_EDENIED, "用户 %s（%s，%s）无权%s", u->name, ch_role_label(u->role),
	                    u->scope_name ? u->scope_name : "全州", ch_perm_describe(perm));
}

/* 1 when the actor's scope holds REGION_ID; 0 for the whole prefecture
 * (REGION_ID 0) unless the scope is the prefecture too. */
static int in_scope(ch_ctx *ctx, int64_t region_id)
{
	int64_t scope = ctx->actor.scope_region_id;
	return scope == 0 || (region_id != 0 && ch_region_within(ctx, region_id, scope));
}

/* Refuses PERM for REGION_ID (0: the whole prefecture), outside the
 * actor's scope; the region is named when NAMED. */
static int refuse_outside(ch_ctx *ctx, enum ch_perm perm, int64_t region_id, int named)
{
	const ch_user *u = &ctx->actor;
	const char *scope = u->scope_name ? u->scope_name : "全州";
	ch_region r = {0};
	const char *where = "全州";
	if (!named)
		return ch_error_set(CH_EDENIED,
		                    "用户 %s（%s）无权%s：所指的对象不在其管辖范围（%s）内",
		                    u->name, ch_role_label(u->role), ch_perm_describe(perm), scope);
	if (region_id && ch_region_get(ctx, region_id, &r) == 0)
		where = r.name;
	ch_error_set(CH_EDENIED, "用户 %s（%s）无权为%s%s：超出其管辖范围（%s）", u->name,
	             ch_role_label(u->role), where, ch_perm_describe(perm), scope);
	ch_region_dispose(&r);
	return CH_EDENIED;
}

int ch_ctx_require(ch_ctx *ctx, enum ch_perm perm, int64_t region_id)
{
	int rc = ch_ctx_require_role(ctx, perm);
	if (rc || in_scope(ctx, region_id))
		return rc;
	return refuse_outside(ctx, perm, region_id, 1);
}

int ch_ctx_require_unnamed(ch_ctx *ctx, enum ch_perm perm, int64_t region_id)
{
	int rc = ch_ctx_require_role(ctx, perm);
	if (rc || in_scope(ctx, region_id))
		return rc;
	return refuse_outside(ctx, perm, region_id, 0);
}

int ch_ctx_require_county(ch_ctx *ctx, enum ch_perm perm, const char *county)
{
	ch_region c;
	int rc = ch_ctx_require_role(ctx, perm);
	if (rc || !county)
		return rc;
	if ((rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, &c)) != 0)
		return ch_error_mark_field("county");
	rc = ch_ctx_require_near(ctx, perm, c.id);
	ch_region_dispose(&c);
	return rc;
}

int ch_ctx_require_near(ch_ctx *ctx, enum ch_perm perm, int64_t region_id)
{
	int rc = ch_ctx_require_role(ctx, perm);
	if (rc || in_scope(ctx, region_id) ||
	    (region_id && ch_region_within(ctx, ctx->actor.scope_region_id, region_id)))
		return rc;
	return refuse_outside(ctx, perm, region_id, 1);
}
