/*
 * cmd_user — `cleanheat user add|list`.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "core/user.h"

int cmd_user_add(struct cli *cli, int argc, char **argv)
{
	enum { O_ROLE = 1, O_SCOPE };
	static const struct option opts[] = {{"role", required_argument, 0, O_ROLE},
	                                     {"scope", required_argument, 0, O_SCOPE},
	                                     {0, 0, 0, 0}};
	const char *role_name = NULL, *scope = NULL;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_ROLE)
			role_name = optarg;
		else if (opt == O_SCOPE)
			scope = optarg;
		else
			return cli_usage(cli, "unknown or incomplete option");
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "user add takes one NAME");
	int role = ch_role_parse(role_name);
	if (role < 0)
		return cli_usage(cli,
		                 "--role '%s': use prefecture_admin, county_operator, "
		                 "township_operator, reviewer, finance or auditor",
		                 role_name ? role_name : "");
	if ((rc = ch_user_add(cli->ctx, argv[optind], (enum ch_role)role, scope)) != 0)
		return rc;
	printf("已添加用户 %s（%s%s%s）\n", argv[optind], ch_role_label((enum ch_role)role),
	       scope ? "，" : "", scope ? scope : "");
	return 0;
}

struct user_rows {
	ch_report *r;
	int c_name, c_role, c_label, c_scope;
};

static int add_user_row(const ch_user *u, void *arg)
{
	struct user_rows *s = arg;
	ch_report_add_row(s->r, 0);
	ch_report_set_text(s->r, s->c_name, u->name);
	ch_report_set_text(s->r, s->c_role, ch_role_name(u->role));
	ch_report_set_text(s->r, s->c_label, ch_role_label(u->role));
	ch_report_set_text(s->r, s->c_scope, u->scope_name ? u->scope_name : "全州");
	return 0;
}

int cmd_user_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct user_rows s;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	if (optind != argc)
		return cli_usage(cli, "user list takes no arguments");
	s.r = ch_report_new("用户");
	s.c_name = ch_report_add_col(s.r, "name", "用户名", CH_COL_TEXT);
	s.c_role = ch_report_add_col(s.r, "role", "角色", CH_COL_TEXT);
	s.c_label = ch_report_add_col(s.r, "role_label", "角色名称", CH_COL_TEXT);
	s.c_scope = ch_report_add_col(s.r, "scope", "范围", CH_COL_TEXT);
	rc = ch_user_each(cli->ctx, add_user_row, &s);
	if (rc == 0)
		rc = cli_write_report(cli, s.r);
	ch_report_free(s.r);
	return rc;
}
