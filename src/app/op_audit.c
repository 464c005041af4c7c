/*
 * op_audit — the audit log: `audit verify`, `audit log`.
 */
#include "app/app.h"
#include "core/audit.h"

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

enum { C_SEQ, C_AT, C_ACTOR, C_ACTION, C_OBJECT, C_BEFORE, C_AFTER };
static const struct app_col log_cols[] = {
    [C_SEQ] = {"seq", "序号", CH_COL_INT},        [C_AT] = {"at", "时间(UTC)", CH_COL_TEXT},
    [C_ACTOR] = {"actor", "操作人", CH_COL_TEXT}, [C_ACTION] = {"action", "操作", CH_COL_TEXT},
    [C_OBJECT] = {"object", "对象", CH_COL_TEXT}, [C_BEFORE] = {"before", "修改前", CH_COL_TEXT},
    [C_AFTER] = {"after", "修改后", CH_COL_TEXT},
};

static int add_entry(const ch_audit_entry *e, void *arg)
{
	ch_report *r = arg;
	ch_report_add_row(r, 0);
	ch_report_set_int(r, C_SEQ, e->seq);
	ch_report_set_text(r, C_AT, e->at);
	ch_report_set_text(r, C_ACTOR, e->actor);
	ch_report_set_text(r, C_ACTION, e->action);
	ch_report_set_text(r, C_OBJECT, e->object);
	ch_report_set_text(r, C_BEFORE, e->before);
	ch_report_set_text(r, C_AFTER, e->after);
	return 0;
}

static int audit_log(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("审计日志", log_cols);
	ch_result_add_table(res, r);
	return ch_audit_each(ctx, ch_args_str(a, "object"), ch_args_int(a, "limit", 50), add_entry,
	                     r);
}

static const struct ch_param log_params[] = {
    {"object", CH_PT_STRING, 0, "PREFIX", NULL, 0, 0,
     "only entries about objects whose name starts with PREFIX (household:, user:, plan:)"},
    {"limit", CH_PT_INT, 0, "N", NULL, 0, 100000000,
     "at most N entries, newest first (default 50; 0: all)"},
    {0},
};

const struct ch_op ch_ops_audit[] = {
    {"audit", "verify", "check the audit log's hash chain; name the first bad entry", CH_PERM_AUDIT,
     0, CH_RF_TEXT, NULL, audit_verify},
    {"audit", "log", "list audit entries, newest first", CH_PERM_AUDIT, 0, CH_RF_ALL, log_params,
     audit_log},
    {0},
};
