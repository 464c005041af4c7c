/*
 * op_audit — the audit log: `audit verify`, `audit log`.
 */
#include "app/app.h"
#include "core/audit.h"
#include "util/date.h"
#include "util/error.h"

static int audit_verify(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_audit_report rep;
	(void)a;
	int rc = ch_audit_verify(ctx, &rep);
	ch_result_count(res, "entries", rep.entries);
	if (rc == 0)
		ch_result_printf(res, "审计日志完整：%lld 条记录，哈希链无断裂\n",
		                 (long long)rep.entries);
	else if (rep.bad_seq)
		ch_result_printf(res, "审计日志被篡改：第 %lld 条起哈希链断裂（%s）\n",
		                 (long long)rep.bad_seq, rep.problem);
	return rc;
}

enum { C_SEQ, C_AT, C_ACTOR, C_SUMMARY, C_ACTION, C_OBJECT, C_BEFORE, C_AFTER, C_UTC };
static const struct app_col log_cols[] = {
    [C_SEQ] = {"seq", "序号", CH_COL_INT},
    [C_AT] = {"at_beijing", "时间(北京时间)", CH_COL_TEXT},
    [C_ACTOR] = {"actor", "操作人", CH_COL_TEXT},
    [C_SUMMARY] = {"summary", "摘要", CH_COL_TEXT},
    [C_ACTION] = {"action", "操作", CH_COL_TEXT},
    [C_OBJECT] = {"object", "对象", CH_COL_TEXT},
    [C_BEFORE] = {"before", "修改前", CH_COL_TEXT},
    [C_AFTER] = {"after", "修改后", CH_COL_TEXT},
    [C_UTC] = {"at", "时间(UTC)", CH_COL_TEXT},
};

struct log_walk {
	ch_ctx *ctx;
	ch_report *r;
};

static int add_entry(const ch_audit_entry *e, void *arg)
{
	struct log_walk *w = arg;
	ch_report *r = w->r;
	char at[32], summary[1024];
	ch_utc_to_beijing(e->at, at, sizeof at);
	ch_audit_summary(w->ctx, e, summary, sizeof summary);
	ch_report_add_row(r, 0);
	ch_report_set_int(r, C_SEQ, e->seq);
	ch_report_set_text(r, C_AT, at);
	ch_report_set_text(r, C_SUMMARY, summary);
	ch_report_set_text(r, C_UTC, e->at);
	ch_report_set_text(r, C_ACTOR, e->actor);
	ch_report_set_text(r, C_ACTION, e->action);
	ch_report_set_text(r, C_OBJECT, e->object);
	ch_report_set_text(r, C_BEFORE, e->before);
	ch_report_set_text(r, C_AFTER, e->after);
	return 0;
}

static int audit_log(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	if (ch_args_has(a, "household") && !ch_args_has(a, "county"))
		return ch_error_set_field(CH_EUSAGE, "county", "按户编号查找时须同时指定县市");
	ch_report *r = APP_REPORT("审计日志", log_cols);
	struct log_walk w = {ctx, r};
	ch_audit_filter f = {.object_prefix = ch_args_str(a, "object"),
	                     .county = ch_args_str(a, "county"),
	                     .household = ch_args_str(a, "household"),
	                     .limit = ch_args_int(a, "limit", 50)};
	ch_result_add_table(res, r);
	return ch_audit_each_about(ctx, &f, add_entry, &w);
}

static const struct ch_param log_params[] = {
    {"object", CH_PT_STRING, 0, "PREFIX", NULL, 0, 0,
     "只列对象名以 PREFIX 开头的记录（household:、user:、plan:）"},
    {"county", CH_PT_STRING, 0, "C", NULL, 0, 0, "只列该县市农户的记录或提到该县市的记录"},
    {"household", CH_PT_STRING, 0, "户编号", NULL, 0, 0, "只列该户的记录（配合 --county）"},
    {"limit", CH_PT_INT, 0, "N", NULL, 0, 100000000, "最多 N 条，最新的在前（默认 50；0 为全部）"},
    {0},
};

const struct ch_op ch_ops_audit[] = {
    {"audit", "verify", "校验审计日志的哈希链，指出第一条有问题的记录", CH_PERM_AUDIT, 0,
     CH_RF_TEXT, NULL, audit_verify},
    {"audit", "log", "列出审计日志，最新的在前", CH_PERM_AUDIT, 0, CH_RF_ALL, log_params,
     audit_log},
    {0},
};
