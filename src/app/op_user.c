/*
 * op_user — users and how they sign in: `user add|list|passwd|disable|
 * enable`, `user totp enroll|reset` (the second factor, docs/auth.md),
 * `token create|list|revoke`.
 *
 * A password is a secret parameter: the command line reads it from the
 * terminal or standard input, never from its arguments. A new API token is
 * shown once, in the result, and stored only as a hash. Enrolling a second
 * factor shows the secret once (a QR code, as text on the terminal or as
 * an SVG image for the web page) and asks for a code to confirm it: the
 * command line asks on its terminal; over HTTP the first call answers the
 * secret (nothing is stored yet) and a second call with `code` and that
 * `secret` enrols.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/app.h"
#include "core/auth.h"
#include "core/user.h"
#include "io/qr.h"
#include "util/buf.h"
#include "util/error.h"

static int user_add(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *name = ch_args_str(a, "name"), *scope = ch_args_str(a, "scope");
	int role = ch_role_parse(ch_args_str(a, "role")), rc;
	if ((rc = ch_user_add(ctx, name, (enum ch_role)role, scope)) != 0)
		return rc;
	ch_result_printf(res, "已添加用户 %s（%s%s%s）\n", name, ch_role_label((enum ch_role)role),
	                 scope ? "，" : "", scope ? scope : "");
	return 0;
}

enum { C_NAME, C_ROLE, C_LABEL, C_SCOPE, C_TOTP };
static const struct app_col user_cols[] = {
    [C_NAME] = {"name", "用户名", CH_COL_TEXT},          [C_ROLE] = {"role", "角色", CH_COL_TEXT},
    [C_LABEL] = {"role_label", "角色名称", CH_COL_TEXT}, [C_SCOPE] = {"scope", "范围", CH_COL_TEXT},
    [C_TOTP] = {"totp", "二次验证", CH_COL_TEXT},
};

struct user_rows {
	ch_ctx *ctx;
	ch_report *r;
};

static int add_user_row(const ch_user *u, void *arg)
{
	struct user_rows *ur = arg;
	int enrolled = 0, rc = ch_totp_state(ur->ctx, u->id, &enrolled, NULL);
	if (rc)
		return rc;
	ch_report_add_row(ur->r, 0);
	ch_report_set_text(ur->r, C_NAME, u->name);
	ch_report_set_text(ur->r, C_ROLE, ch_role_name(u->role));
	ch_report_set_text(ur->r, C_LABEL, ch_role_label(u->role));
	ch_report_set_text(ur->r, C_SCOPE, u->scope_name ? u->scope_name : "全州");
	ch_report_set_text(ur->r, C_TOTP,
	                   enrolled                         ? "已绑定"
	                   : ch_role_requires_totp(u->role) ? "未绑定（登录后须先绑定）"
	                                                    : "未绑定（可选）");
	return 0;
}

static int user_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	(void)a;
	struct user_rows ur = {ctx, APP_REPORT("用户", user_cols)};
	ch_result_add_table(res, ur.r);
	return ch_user_each(ctx, add_user_row, &ur);
}

static int user_passwd(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *name = ch_args_str(a, "name");
	int rc = ch_user_set_password(ctx, name, ch_args_str(a, "password"));
	if (rc == 0)
		ch_result_printf(res, "已设置用户 %s 的密码\n", name);
	return rc;
}

static int set_disabled(ch_ctx *ctx, const ch_args *a, ch_result *res, int disabled)
{
	const char *name = ch_args_str(a, "name");
	int rc = ch_user_set_disabled(ctx, name, disabled);
	if (rc == 0)
		ch_result_printf(
		    res, disabled ? "已停用用户 %s，其登录会话和令牌均已失效\n" : "已启用用户 %s\n",
		    name);
	return rc;
}

static int user_role(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *name = ch_args_str(a, "name"), *scope = ch_args_str(a, "scope");
	int role = ch_role_parse(ch_args_str(a, "role")), rc;
	if ((rc = ch_user_set_role(ctx, name, (enum ch_role)role, scope)) != 0)
		return rc;
	ch_result_printf(res, "用户 %s 现为%s（%s）\n", name, ch_role_label((enum ch_role)role),
	                 scope ? scope : "全州");
	return 0;
}

static int user_disable(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return set_disabled(ctx, a, res, 1);
}

static int user_enable(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return set_disabled(ctx, a, res, 0);
}

static int token_create(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	char token[sizeof CH_TOKEN_PREFIX + CH_SECRET_HEX];
	int64_t id = 0;
	const char *name = ch_args_str(a, "name");
	int days = (int)ch_args_int(a, "expires", 0);
	int rc = ch_token_create(ctx, name, days, token, &id);
	if (rc)
		return rc;
	ch_result_count(res, "id", id);
	ch_result_printf(res, "%s\n", token);
	if (days)
		ch_result_printf(res, "（用户 %s 的第 %lld 号令牌，%d 天内有效；只显示这一次）\n",
		                 name, (long long)id, days);
	else
		ch_result_printf(res,
		                 "（用户 %s 的第 %lld 号令牌，吊销前一直有效；只显示这一次）\n",
		                 name, (long long)id);
	return 0;
}

/* Why ch_qr_text or ch_qr_svg gave no QR code (its error), into WHY of N
 * bytes; clears the error, which stops nothing: the secret is shown as
 * text. Returns WHY. */
static const char *qr_failed(char *why, size_t n)
{
	snprintf(why, n, "%s", ch_error_message());
	ch_error_clear();
	return why;
}

static int user_totp_enroll(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *name = ch_args_str(a, "name"), *code = ch_args_str(a, "code");
	const char *given = ch_args_str(a, "secret");
	if (!name)
		name = ch_ctx_actor(ctx)->name;
	char secret[CH_TOTP_B32_LEN] = "", answer[64], why[512];
	char recovery[CH_RECOVERY_CODES][CH_RECOVERY_LEN + 1];
	char *uri = NULL;
	int rc;
	if (code && !given)
		return ch_error_set_field(CH_EUSAGE, "secret",
		                          "确认绑定须同时给出开始绑定时的密钥");
	if (!code) {
		if ((rc = ch_totp_begin(ctx, name, secret, &uri)) != 0)
			return rc;
		char *qr = ch_qr_text(uri);
		ch_buf show;
		ch_buf_init(&show);
		if (qr)
			ch_buf_printf(
			    &show, "用手机上的验证器应用扫描下面的二维码，或手动输入密钥：\n\n%s\n",
			    qr);
		else
			ch_buf_printf(&show,
			              "无法显示二维码（%s）。\n"
			              "请在手机上的验证器应用中手动输入下面的密钥：\n\n",
			              qr_failed(why, sizeof why));
		ch_buf_printf(&show, "密钥：%s\n链接：%s\n（密钥只显示这一次）\n", secret, uri);
		rc = ch_args_ask(a, show.ptr, "输入验证器显示的 6 位动态码以确认", answer,
		                 sizeof answer);
		ch_buf_dispose(&show);
		free(qr);
		if (rc == CH_ENOTFOUND) { /* nobody to ask: the client confirms with code */
			char *svg = ch_qr_svg(uri);
			const char *qr_error = svg ? NULL : qr_failed(why, sizeof why);
			if (svg)
				ch_result_printf(res, "请用验证器扫描二维码（或输入密钥），");
			else
				ch_result_printf(res,
				                 "无法显示二维码（%s）。请在验证器中手动输入密钥，",
				                 qr_error);
			ch_result_printf(res, "再提交验证器显示的 6 位动态码以完成绑定\n");
			ch_result_set_data(res, json_pack("{s:b, s:s, s:s, s:s?, s:s?}", "pending",
			                                  1, "secret", secret, "otpauth_uri", uri,
			                                  "qr_svg", svg, "qr_error", qr_error));
			free(svg);
			free(uri);
			return 0;
		}
		free(uri);
		if (rc)
			return rc;
		code = answer;
	}
	rc = ch_totp_confirm(ctx, name, given ? given : secret, code, recovery);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(answer, sizeof answer);
	if (rc)
		return rc;
	json_t *codes = json_array();
	ch_result_printf(
	    res,
	    "已为用户 %s 绑定动态验证码。以下 %d 个恢复码在手机丢失时各可代替动态验证码"
	    "登录一次，只显示这一次，请抄下后妥善保管：\n",
	    name, CH_RECOVERY_CODES);
	for (int i = 0; i < CH_RECOVERY_CODES; i++) {
		ch_result_printf(res, "  %s\n", recovery[i]);
		json_array_append_new(codes, json_string(recovery[i]));
	}
	ch_result_set_data(res, json_pack("{s:b, s:o}", "enrolled", 1, "recovery_codes", codes));
	return 0;
}

static int user_totp_reset(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *name = ch_args_str(a, "name");
	int removed = 0, rc = ch_totp_reset(ctx, name, &removed);
	if (rc == 0 && removed)
		ch_result_printf(
		    res, "已清除用户 %s 的动态验证码和恢复码；其下次登录时须重新绑定\n", name);
	else if (rc == 0)
		ch_result_printf(res, "用户 %s 没有绑定动态验证码，无需清除\n", name);
	return rc;
}

enum { T_ID, T_USER, T_ROLE, T_FACTOR, T_CREATED, T_EXPIRES, T_STATUS };
static const struct app_col token_cols[] = {
    [T_ID] = {"id", "编号", CH_COL_INT},
    [T_USER] = {"user", "用户名", CH_COL_TEXT},
    [T_ROLE] = {"role", "角色", CH_COL_TEXT},
    [T_FACTOR] = {"role_requires_totp", "角色须二次验证", CH_COL_TEXT},
    [T_CREATED] = {"created_at", "创建时间(UTC)", CH_COL_TEXT},
    [T_EXPIRES] = {"expires_at", "到期时间(UTC)", CH_COL_TEXT},
    [T_STATUS] = {"status", "状态", CH_COL_TEXT},
};

static int add_token_row(const ch_token_info *t, void *arg)
{
	ch_report *r = arg;
	char exp[32] = "";
	if (t->expires_at) {
		time_t e = (time_t)t->expires_at;
		struct tm tm;
		gmtime_r(&e, &tm);
		strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	ch_report_add_row(r, 0);
	ch_report_set_int(r, T_ID, t->id);
	ch_report_set_text(r, T_USER, t->user);
	ch_report_set_text(r, T_ROLE, ch_role_label((enum ch_role)t->role));
	ch_report_set_text(r, T_FACTOR, ch_role_requires_totp((enum ch_role)t->role) ? "是" : "否");
	ch_report_set_text(r, T_CREATED, t->created_at);
	ch_report_set_text(r, T_EXPIRES, t->expires_at ? exp : "长期");
	ch_report_set_text(r, T_STATUS,
	                   t->revoked_at                                           ? "已吊销"
	                   : t->expires_at && t->expires_at <= (int64_t)time(NULL) ? "已过期"
	                                                                           : "有效");
	return 0;
}

static int token_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("API 令牌", token_cols);
	ch_result_add_table(res, r);
	return ch_token_each(ctx, ch_args_str(a, "name"), add_token_row, r);
}

static int token_revoke(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	long id = ch_args_int(a, "id", 0);
	int rc = ch_token_revoke(ctx, id);
	if (rc == 0)
		ch_result_printf(res, "已吊销第 %ld 号令牌\n", id);
	return rc;
}

/* each role by its key or its Chinese name (core/user.c's ch_role_parse) */
#define ROLES                                                                                          \
	"prefecture_admin|county_operator|township_operator|reviewer|finance|auditor|州级管理员|" \
	"县市操作员|乡镇录入员|复核人员|财务人员|审计人员|审计人员（只读）"

static const struct ch_param add_params[] = {
    {"name", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "NAME", NULL, 0, 0, "用户的登录名"},
    {"role", CH_PT_ENUM, CH_PF_REQUIRED, "ROLE", ROLES, 0, 0, "用户角色（决定能做什么）"},
    {"scope", CH_PT_STRING, 0, "REGION", NULL, 0, 0,
     "用户负责的县市或乡镇（名称或代码）；不给则为全州"},
    {0},
};

#define P_NAME(help)                                                                               \
	{                                                                                          \
		"name", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "NAME", NULL, 0, 0,       \
		    (help)                                                                         \
	}

static const struct ch_param passwd_params[] = {
    P_NAME("用户"),
    {"password", CH_PT_SECRET, CH_PF_REQUIRED, NULL, NULL, 0, 0, "新密码（至少 10 个字符）"},
    {0},
};

static const struct ch_param role_params[] = {
    {"name", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "NAME", NULL, 0, 0, "用户"},
    {"role", CH_PT_ENUM, CH_PF_POSITIONAL | CH_PF_REQUIRED, "ROLE", ROLES, 0, 0,
     "新角色（代码或中文名，如县市操作员）"},
    {"scope", CH_PT_STRING, 0, "REGION", NULL, 0, 0,
     "用户负责的县市或乡镇（名称或代码）；不给则为全州"},
    {0},
};

static const struct ch_param name_params[] = {
    P_NAME("用户"),
    {0},
};

static const struct ch_param totp_enroll_params[] = {
    {"name", CH_PT_STRING, CH_PF_POSITIONAL, "NAME", NULL, 0, 0,
     "用户（默认本人；州级管理员可代为绑定）"},
    {"code", CH_PT_STRING, 0, "CODE", NULL, 0, 0,
     "验证器显示的 6 位动态码，确认绑定（命令行会在显示二维码后询问）"},
    {"secret", CH_PT_STRING, 0, "KEY", NULL, 0, 0,
     "与 --code 一起：开始绑定时给出的密钥（网页和脚本分两步绑定时用）"},
    {0},
};

static const struct ch_param token_create_params[] = {
    P_NAME("令牌代表的用户"),
    {"expires", CH_PT_INT, 0, "DAYS", NULL, 0, 3650, "有效天数（默认 0：直到吊销）"},
    {0},
};

static const struct ch_param token_list_params[] = {
    {"name", CH_PT_STRING, CH_PF_POSITIONAL, "NAME", NULL, 0, 0, "只列该用户的令牌"},
    {0},
};

static const struct ch_param token_revoke_params[] = {
    {"id", CH_PT_INT, CH_PF_POSITIONAL | CH_PF_REQUIRED, "ID", NULL, 1, INT32_MAX,
     "令牌编号（见 token list）"},
    {0},
};

const struct ch_op ch_ops_user[] = {
    {"user", "add", "添加用户，指定角色和管辖范围", CH_PERM_USER_ADMIN, CH_OP_WRITES, CH_RF_TEXT,
     add_params, user_add},
    {"user", "list", "列出用户、角色、管辖范围和是否已绑定动态验证码", CH_PERM_READ, 0, CH_RF_ALL,
     NULL, user_list},
    {"user", "passwd", "设置用户登录服务器的密码（从终端读入，或取标准输入的第一行）",
     CH_PERM_USER_ADMIN, CH_OP_WRITES, CH_RF_TEXT, passwd_params, user_passwd},
    {"user", "role", "更改用户的角色和管辖范围（记入审计）", CH_PERM_USER_ADMIN,
     CH_OP_WRITES | CH_OP_REAUTH, CH_RF_TEXT, role_params, user_role},
    {"user", "totp-enroll",
     "绑定登录用的动态验证码（手机验证器扫码，输入一个动态码确认），给出 10 个恢复码", CH_PERM_READ,
     CH_OP_WRITES | CH_OP_ENROL, CH_RF_TEXT, totp_enroll_params, user_totp_enroll},
    {"user", "totp-reset", "清除用户的动态验证码和恢复码（手机丢失时；记入审计）",
     CH_PERM_USER_ADMIN, CH_OP_WRITES, CH_RF_TEXT, name_params, user_totp_reset},
    {"user", "disable", "停用用户：不能再操作和登录，其会话和令牌随即失效", CH_PERM_USER_ADMIN,
     CH_OP_WRITES, CH_RF_TEXT, name_params, user_disable},
    {"user", "enable", "重新启用已停用的用户", CH_PERM_USER_ADMIN, CH_OP_WRITES, CH_RF_TEXT,
     name_params, user_enable},
    {"token", "create", "为脚本创建 API 令牌（只显示一次，只保存哈希）", CH_PERM_USER_ADMIN,
     CH_OP_WRITES | CH_OP_REAUTH, CH_RF_TEXT, token_create_params, token_create},
    {"token", "list", "列出 API 令牌：用户、角色（是否须二次验证）、创建时间、有效期、是否已吊销",
     CH_PERM_USER_ADMIN, 0, CH_RF_ALL, token_list_params, token_list},
    {"token", "revoke", "立即吊销 API 令牌", CH_PERM_USER_ADMIN, CH_OP_WRITES, CH_RF_TEXT,
     token_revoke_params, token_revoke},
    {0},
};
