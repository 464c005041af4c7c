/*
 * user — the role table and user records (see user.h).
 *
 * The table below is the whole permission policy: what each role may do.
 * Where it may do it is the user's scope, checked by ch_ctx_require.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"

#define ALL_READ (CH_PERM_READ)

static const struct {
	enum ch_role role;
	const char *name;
	const char *label;
	unsigned perms;
	int scope_level; /* the region level its scope must be; 0 = any or none */
	int totp;        /* 1: signing in needs a second factor (docs/auth.md) */
} role_table[CH_ROLE_COUNT] = {
    {CH_ROLE_PREFECTURE_ADMIN, "prefecture_admin", "州级管理员",
     CH_PERM_READ | CH_PERM_PLAN_WRITE | CH_PERM_REGION_WRITE | CH_PERM_USER_ADMIN | CH_PERM_AUDIT |
         CH_PERM_REVEAL | CH_PERM_HOUSEHOLD_WRITE | CH_PERM_REVIEW | CH_PERM_INSPECT |
         CH_PERM_REVIEW_ASSIGN | CH_PERM_FREEZE | CH_PERM_APPROVE_CHANGE,
     0, 1},
    {CH_ROLE_COUNTY_OPERATOR, "county_operator", "县市操作员",
     CH_PERM_READ | CH_PERM_REGION_WRITE | CH_PERM_HOUSEHOLD_WRITE | CH_PERM_REVEAL |
         CH_PERM_INSPECT,
     CH_LEVEL_COUNTY, 0},
    {CH_ROLE_TOWNSHIP_OPERATOR, "township_operator", "乡镇录入员",
     CH_PERM_READ | CH_PERM_HOUSEHOLD_WRITE, CH_LEVEL_TOWNSHIP, 0},
    {CH_ROLE_REVIEWER, "reviewer", "复核人员", CH_PERM_READ | CH_PERM_REVIEW, 0, 0},
    {CH_ROLE_FINANCE, "finance", "财务人员", CH_PERM_READ | CH_PERM_FUNDS | CH_PERM_REVEAL, 0, 1},
    {CH_ROLE_AUDITOR, "auditor", "审计人员（只读）", CH_PERM_READ | CH_PERM_AUDIT, 0, 0},
};

static const struct {
	enum ch_perm perm;
	const char *what;
} perm_names[] = {
    {CH_PERM_READ, "查看数据"},
    {CH_PERM_PLAN_WRITE, "导入计划、设置年度规则"},
    {CH_PERM_REGION_WRITE, "添加乡镇和村"},
    {CH_PERM_USER_ADMIN, "管理用户"},
    {CH_PERM_AUDIT, "查看审计日志"},
    {CH_PERM_REVEAL, "查看完整身份证号、电话和账号"},
    {CH_PERM_HOUSEHOLD_WRITE, "修改农户台账"},
    {CH_PERM_REVIEW, "录入复核结果"},
    {CH_PERM_FUNDS, "办理补助资金"},
    {CH_PERM_INSPECT, "录入自验、申请复核"},
    {CH_PERM_REVIEW_ASSIGN, "分派复核申请"},
    {CH_PERM_FREEZE, "锁定调度数据"},
    {CH_PERM_APPROVE_CHANGE, "审批核定后补助依据的变更"},
};

const char *ch_role_name(enum ch_role role)
{
	return role >= 0 && role < CH_ROLE_COUNT ? role_table[role].name : "?";
}

const char *ch_role_label(enum ch_role role)
{
	return role >= 0 && role < CH_ROLE_COUNT ? role_table[role].label : "?";
}

int ch_role_parse(const char *name)
{
	for (int i = 0; i < CH_ROLE_COUNT && name; i++) {
		const char *label = role_table[i].label, *paren = strstr(label, "（");
		if (strcmp(name, role_table[i].name) == 0 || strcmp(name, label) == 0 ||
		    (paren && strlen(name) == (size_t)(paren - label) &&
		     strncmp(name, label, (size_t)(paren - label)) == 0))
			return i;
	}
	return -1;
}

int ch_role_allows(enum ch_role role, enum ch_perm perm)
{
	return role >= 0 && role < CH_ROLE_COUNT && (role_table[role].perms & perm) == perm;
}

int ch_role_requires_totp(enum ch_role role)
{
	return role >= 0 && role < CH_ROLE_COUNT && role_table[role].totp;
}

const char *ch_perm_describe(enum ch_perm perm)
{
	for (size_t i = 0; i < sizeof perm_names / sizeof perm_names[0]; i++)
		if (perm_names[i].perm == perm)
			return perm_names[i].what;
	return "执行此操作";
}

void ch_user_dispose(ch_user *u)
{
	free(u->name);
	free(u->scope_name);
	memset(u, 0, sizeof *u);
}

void ch_user_copy(ch_user *dst, const ch_user *src)
{
	*dst = *src;
	dst->name = src->name ? ch_strdup(src->name) : NULL;
	dst->scope_name = src->scope_name ? ch_strdup(src->scope_name) : NULL;
}

static void read_user(ch_stmt *st, ch_user *u)
{
	u->id = ch_stmt_int64(st, 0);
	u->name = ch_strdup(ch_stmt_text(st, 1));
	u->role = ch_role_parse(ch_stmt_text(st, 2));
	u->scope_region_id = ch_stmt_is_null(st, 3) ? 0 : ch_stmt_int64(st, 3);
	u->scope_name = ch_strdup(ch_stmt_text(st, 4));
	u->disabled = !ch_stmt_is_null(st, 5);
}

#define USER_SELECT                                                                                \
	"SELECT u.id, u.name, u.role, u.scope_region_id, r.name, u.disabled_at FROM app_user u"    \
	" LEFT JOIN region r ON r.id = u.scope_region_id"

int ch_user_load(ch_ctx *ctx, const char *name, ch_user *out)
{
	ch_stmt *st;
	memset(out, 0, sizeof *out);
	int rc = ch_db_preparef(ctx->db, &st, USER_SELECT " WHERE u.name = ?", "t", name);
	if (rc)
		return rc;
	rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		read_user(st, out);
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ENOTFOUND, "没有名为“%s”的用户", name);
	}
	ch_stmt_finalize(st);
	return rc;
}

int ch_user_each(ch_ctx *ctx, int (*fn)(const ch_user *u, void *arg), void *arg)
{
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc || (rc = ch_db_prepare(ctx->db, &st, USER_SELECT " ORDER BY u.name")) != 0)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_user u;
		read_user(st, &u);
		rc = fn(&u, arg);
		ch_user_dispose(&u);
		if (rc)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Finds SCOPE (may be NULL) into *R and checks that it suits ROLE. */
static int role_scope(ch_ctx *ctx, enum ch_role role, const char *scope, ch_region *r)
{
	int rc, want;
	memset(r, 0, sizeof *r);
	if (role < 0 || role >= CH_ROLE_COUNT)
		return ch_error_set(CH_EINVALID, "unknown role %d", (int)role);
	want = role_table[role].scope_level;
	if (scope && (rc = ch_region_find(ctx, scope, 0, 0, r)) != 0) {
		ch_error_prefix("管辖范围: ");
		return ch_error_mark_field("scope");
	}
	if (r->obsolete)
		return ch_error_set(CH_EINVALID, "管辖范围 %s（%s）的代码已停用：%s", r->name,
		                    r->code, r->note ? r->note : "");
	if (want && (!scope || (int)r->level != want))
		return ch_error_set_field(CH_EINVALID, "scope", "%s需要一个%s作为管辖范围",
		                          role_table[role].label,
		                          want == CH_LEVEL_COUNTY ? "县（市）" : "乡镇");
	return 0;
}

int ch_user_set_role(ch_ctx *ctx, const char *name, enum ch_role role, const char *scope)
{
	ch_region r = {0};
	ch_user before = {0};
	json_t *jb = NULL, *ja = NULL;
	char *b = NULL, *a = NULL, obj[300];
	int rc;

	if ((rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0)) != 0)
		return rc;
	if ((rc = ch_user_load(ctx, name, &before)) != 0)
		return rc;
	if ((rc = role_scope(ctx, role, scope, &r)) != 0)
		goto done;
	if (before.role == role && before.scope_region_id == (scope ? r.id : 0))
		goto done; /* nothing changes, nothing is written */
	if (strcmp(name, ctx->actor.name) == 0 && role != CH_ROLE_PREFECTURE_ADMIN &&
	    before.role == CH_ROLE_PREFECTURE_ADMIN) {
		rc = ch_error_set(CH_ECONFLICT,
		                  "不能取消自己的州级管理员角色（请由另一位州级管理员操作）");
		goto done;
	}
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = scope
	         ? ch_db_run(ctx->db,
	                     "UPDATE app_user SET role = ?, scope_region_id = ? WHERE name = ?",
	                     "tit", ch_role_name(role), r.id, name)
	         : ch_db_run(ctx->db,
	                     "UPDATE app_user SET role = ?, scope_region_id = NULL WHERE name = ?",
	                     "tt", ch_role_name(role), name);
	if (rc == 0) {
		jb = json_pack("{s:s, s:s?}", "role", ch_role_name(before.role), "scope",
		               before.scope_name);
		ja = json_pack("{s:s, s:s?, s:s?}", "role", ch_role_name(role), "scope", r.name,
		               "scope_code", r.code);
		b = json_dumps(jb, JSON_COMPACT | JSON_SORT_KEYS);
		a = json_dumps(ja, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(obj, sizeof obj, "user:%s", name);
		rc = ch_audit_append(ctx, "user.role", obj, b, a);
	}
	rc = ch_ctx_end(ctx, rc);
done:
	free(a);
	free(b);
	json_decref(ja);
	json_decref(jb);
	ch_user_dispose(&before);
	ch_region_dispose(&r);
	return rc;
}

int ch_user_add(ch_ctx *ctx, const char *name, enum ch_role role, const char *scope)
{
	ch_region r = {0};
	json_t *j = NULL;
	char *after = NULL, now[32], obj[300];
	int64_t exists;
	int rc;

	if ((rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0)) != 0)
		return rc;
	if (!name || !*name || strlen(name) > 64 || strpbrk(name, " \t\r\n:"))
		return ch_error_set(CH_EINVALID, "用户名“%s”应为 1 至 64 个字符，不含空格和“:”",
		                    name ? name : "");
	if ((rc = role_scope(ctx, role, scope, &r)) != 0)
		goto done;
	if (ch_db_query_int64(ctx->db, &exists, "SELECT id FROM app_user WHERE name = ?", "t",
	                      name) == 0) {
		rc = ch_error_set(CH_EEXISTS, "用户 %s 已存在", name);
		goto done;
	}
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = scope ? ch_db_run(ctx->db,
	                       "INSERT INTO app_user(name, role, scope_region_id, created_at)"
	                       " VALUES (?, ?, ?, ?)",
	                       "ttit", name, ch_role_name(role), r.id, now)
	           : ch_db_run(ctx->db,
	                       "INSERT INTO app_user(name, role, created_at) VALUES (?, ?, ?)",
	                       "ttt", name, ch_role_name(role), now);
	if (rc == 0) {
		j = json_pack("{s:s, s:s, s:s?, s:s?}", "name", name, "role", ch_role_name(role),
		              "scope", r.name, "scope_code", r.code);
		after = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(obj, sizeof obj, "user:%s", name);
		rc = ch_audit_append(ctx, "user.add", obj, NULL, after);
	}
	rc = ch_ctx_end(ctx, rc);
done:
	free(after);
	json_decref(j);
	ch_region_dispose(&r);
	return rc;
}
