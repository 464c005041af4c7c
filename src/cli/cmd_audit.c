/*
 * cmd_audit — `cleanheat audit verify|log`.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "core/audit.h"

int cmd_audit_verify(struct cli *cli, int argc, char **argv)
{
	ch_audit_report rep;
	(void)argv;
	if (argc > 1)
		return cli_usage(cli, "audit verify takes no arguments");
	int rc = ch_audit_verify(cli->ctx, &rep);
	if (rc == 0)
		printf("审计日志完整：%lld 条记录，哈希链无断裂\n", (long long)rep.entries);
	else if (rep.bad_seq)
		printf("审计日志被篡改：第 %lld 条起哈希链断裂（%s）\n", (long long)rep.bad_seq,
		       rep.problem);
	return rc;
}

struct log_rows {
	ch_report *r;
	int c_seq, c_at, c_actor, c_action, c_object, c_before, c_after;
};

static int add_entry(const ch_audit_entry *e, void *arg)
{
	struct log_rows *s = arg;
	ch_report_add_row(s->r, 0);
	ch_report_set_int(s->r, s->c_seq, e->seq);
	ch_report_set_text(s->r, s->c_at, e->at);
	ch_report_set_text(s->r, s->c_actor, e->actor);
	ch_report_set_text(s->r, s->c_action, e->action);
	ch_report_set_text(s->r, s->c_object, e->object);
	ch_report_set_text(s->r, s->c_before, e->before);
	ch_report_set_text(s->r, s->c_after, e->after);
	return 0;
}

int cmd_audit_log(struct cli *cli, int argc, char **argv)
{
	enum { O_OBJECT = 1, O_LIMIT };
	static const struct option opts[] = {{"object", required_argument, 0, O_OBJECT},
	                                     {"limit", required_argument, 0, O_LIMIT},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	const char *object = NULL;
	long limit = 50;
	int opt, rc;
	struct log_rows s;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_OBJECT) {
			object = optarg;
			rc = 0;
		} else if (opt == O_LIMIT)
			rc = cli_parse_int(cli, "--limit", optarg, 0, 100000000, &limit);
		else
			rc = cli_common_option(cli, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind != argc)
		return cli_usage(cli, "audit log takes no arguments");
	s.r = ch_report_new("审计日志");
	s.c_seq = ch_report_add_col(s.r, "seq", "序号", CH_COL_INT);
	s.c_at = ch_report_add_col(s.r, "at", "时间(UTC)", CH_COL_TEXT);
	s.c_actor = ch_report_add_col(s.r, "actor", "操作人", CH_COL_TEXT);
	s.c_action = ch_report_add_col(s.r, "action", "操作", CH_COL_TEXT);
	s.c_object = ch_report_add_col(s.r, "object", "对象", CH_COL_TEXT);
	s.c_before = ch_report_add_col(s.r, "before", "修改前", CH_COL_TEXT);
	s.c_after = ch_report_add_col(s.r, "after", "修改后", CH_COL_TEXT);
	rc = ch_audit_each(cli->ctx, object, limit, add_entry, &s);
	if (rc == 0)
		rc = cli_write_report(cli, s.r);
	ch_report_free(s.r);
	return rc;
}
