/*
 * op_user — the user operations: `user add`, `user list`.
 */
#include "app/app.h"
#include "core/user.h"

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

enum { C_NAME, C_ROLE, C_LABEL, C_SCOPE };
static const struct app_col user_cols[] = {
    [C_NAME] = {"name", "用户名", CH_COL_TEXT},
    [C_ROLE] = {"role", "角色", CH_COL_TEXT},
    [C_LABEL] = {"role_label", "角色名称", CH_COL_TEXT},
    [C_SCOPE] = {"scope", "范围", CH_COL_TEXT},
};

static int add_user_row(const ch_user *u, void *arg)
{
	ch_report *r = arg;
	ch_report_add_row(r, 0);
	ch_report_set_text(r, C_NAME, u->name);
	ch_report_set_text(r, C_ROLE, ch_role_name(u->role));
	ch_report_set_text(r, C_LABEL, ch_role_label(u->role));
	ch_report_set_text(r, C_SCOPE, u->scope_name ? u->scope_name : "全州");
	return 0;
}

static int user_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	(void)a;
	ch_report *r = APP_REPORT("用户", user_cols);
	ch_result_add_table(res, r);
	return ch_user_each(ctx, add_user_row, r);
}

#define ROLES "prefecture_admin|county_operator|township_operator|reviewer|finance|auditor"

static const struct ch_param add_params[] = {
    {"name", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "NAME", NULL, 0, 0,
     "the user's sign-in name"},
    {"role", CH_PT_ENUM, CH_PF_REQUIRED, "ROLE", ROLES, 0, 0, "what the user may do"},
    {"scope", CH_PT_STRING, 0, "REGION", NULL, 0, 0,
     "the county or township the user works in (name or code); none: the whole prefecture"},
    {0},
};

const struct ch_op ch_ops_user[] = {
    {"user", "add", "add a user with a role and a region scope", CH_PERM_USER_ADMIN, CH_OP_WRITES,
     CH_RF_TEXT, add_params, user_add},
    {"user", "list", "list users, roles and scopes", CH_PERM_READ, 0, CH_RF_ALL, NULL, user_list},
    {0},
};
