/*
 * op_acceptance — acceptance: self-inspection (`inspect record`), review
 * applications and their samples (`review apply|assign|sample|result|list`),
 * rectification orders (`rectification list|close`), follow-up visits
 * (`followup due|record`) and the acceptance report (`report acceptance`).
 *
 * What a write did is text for people (the order it opened, the number of
 * a new application, a sample widened or an application completed) and a
 * count for scripts. Lists are tables that are added only once they are
 * complete, so a refused list shows nothing but the refusal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/acceptance.h"
#include "core/reflist.h"
#include "io/hh_list.h"
#include "io/inspect_file.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/text.h"

/* The values of the repeated parameter NAME as an array (caller frees). */
static const char **values_of(const ch_args *a, const char *name, size_t *n)
{
	*n = ch_args_count(a, name);
	const char **v = ch_calloc(*n ? *n : 1, sizeof *v);
	for (size_t i = 0; i < *n; i++)
		v[i] = ch_args_at(a, name, i);
	return v;
}

/* ---- self-inspection ---- */

static int inspect_record(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *hh = ch_args_str(a, "household");
	ch_inspect_in in = {
	    .county = ch_args_str(a, "county"),
	    .household = hh,
	    .result = ch_args_str(a, "result"),
	    .day = ch_args_str(a, "date"),
	    .inspector = ch_args_str(a, "inspector"),
	    .today = ch_args_str(a, "today"),
	};
	ch_evidence *ev;
	size_t nev;
	int64_t id, order;
	const char **items = values_of(a, "item", &in.nitems);
	int rc = app_read_evidence(a, "evidence", &ev, &nev);
	in.items = items;
	in.evidence = ev;
	in.nevidence = nev;
	if (rc == 0 && (rc = ch_inspect_record(ctx, &in, &id, &order)) == 0) {
		ch_result_count(res, "inspection", id);
		ch_result_count(res, "order", order);
		if (order)
			ch_result_printf(
			    res, "自验不合格，已下达整改单 %" PRId64 "（整改完成后重新自验）\n",
			    order);
		else
			ch_result_printf(res, "自验合格：%s（自验记录 %" PRId64 "）\n", hh, id);
	}
	app_free_evidence(ev, nev);
	free(items);
	return rc;
}

static int inspect_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_inspect_file_opts o = {.path = ch_args_str(a, "file"),
	                          .sheet = ch_args_str(a, "sheet"),
	                          .county = ch_args_str(a, "county"),
	                          .rejects = ch_args_str(a, "rejects"),
	                          .skip_invalid = ch_args_flag(a, "skip-invalid"),
	                          .today = ch_args_str(a, "today")};
	ch_inspect_file_summary sum;
	ch_problems *p = NULL;
	/* a county outside the scope: refused before the file is read */
	int rc = ch_ctx_require_county(ctx, CH_PERM_INSPECT, o.county);
	if (rc)
		return rc;
	rc = ch_inspect_import_file(ctx, &o, &sum, &p);
	if (p) {
		ch_result_add_problems(res, p); /* RES frees P */
		ch_result_count(res, "rows", (int64_t)sum.rows);
		ch_result_count(res, "passed", (int64_t)sum.passed);
		ch_result_count(res, "failed", (int64_t)sum.failed);
		ch_result_count(res, "rejected", (int64_t)sum.rejected);
		if (rc == 0 && o.rejects && sum.rejected)
			app_rejects_written(res, o.rejects);
		ch_result_printf(res,
		                 "%s：读入 %zu 行；自验合格 %zu 户，不合格 %zu 户（已下达整改单），"
		                 "拒收 %zu 行\n",
		                 o.path, sum.rows, sum.passed, sum.failed, sum.rejected);
	}
	return rc;
}

/* ---- rectification orders ---- */

enum { R_ID, R_COUNTY, R_HH, R_HEAD, R_SOURCE, R_ISSUE, R_OPENED, R_DEADLINE, R_STATE };
static const struct app_col order_cols[] = {
    [R_ID] = {"id", "整改单号", CH_COL_INT},
    [R_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [R_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [R_HEAD] = {"head_name", "户主", CH_COL_TEXT},
    [R_SOURCE] = {"source", "来源", CH_COL_TEXT},
    [R_ISSUE] = {"issue", "问题", CH_COL_TEXT},
    [R_OPENED] = {"opened", "下达日期", CH_COL_TEXT},
    [R_DEADLINE] = {"deadline", "整改期限", CH_COL_TEXT},
    [R_STATE] = {"state", "状态", CH_COL_TEXT},
};

static int add_order(const ch_rectification *o, void *arg)
{
	static const ch_label sources[] = {{"inspection", "自验"},
	                                   {"review", "复核"},
	                                   {"followup", "回访"},
	                                   {"objection", "公示异议"},
	                                   {NULL, NULL}};
	ch_report *r = arg;
	ch_report_add_row(r, 0);
	ch_report_set_int(r, R_ID, o->id);
	ch_report_set_text(r, R_COUNTY, o->county);
	ch_report_set_text(r, R_HH, o->hh_no);
	ch_report_set_text(r, R_HEAD, o->head_name);
	ch_report_set_text(r, R_SOURCE, ch_label_of(sources, o->source));
	ch_report_set_text(r, R_ISSUE, o->issue);
	ch_report_set_text(r, R_OPENED, o->opened_day);
	ch_report_set_text(r, R_DEADLINE, o->deadline);
	ch_report_set_text(r, R_STATE,
	                   o->closed_day ? o->closed_day
	                   : o->overdue  ? "逾期未完成"
	                                 : "整改中");
	return 0;
}

static int rectification_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int overdue = ch_args_flag(a, "overdue");
	ch_report *r = APP_REPORT(overdue ? "逾期整改单" : "整改单", order_cols);
	int rc = ch_rectification_each(ctx, ch_args_flag(a, "open"), overdue,
	                               ch_args_str(a, "as-of"), add_order, r);
	return app_table_unless(res, r, rc);
}

static int rectification_close(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	long id = ch_args_int(a, "order", 0);
	const char *date = ch_args_str(a, "date");
	int rc =
	    ch_rectification_close(ctx, id, date, ch_args_str(a, "note"), ch_args_str(a, "today"));
	if (rc == 0)
		ch_result_printf(res, "整改单 %ld 已完成（%s）\n", id, date);
	return rc;
}

/* ---- follow-up visits ---- */

#define YES_NO "yes|no|是|否|1|0"

static int yes(const ch_args *a, const char *name)
{
	const char *v = ch_args_str(a, name);
	return v && ch_str_in_list(v, "yes|是|1");
}

static int followup_record(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *hh = ch_args_str(a, "household");
	ch_followup_in in = {
	    .county = ch_args_str(a, "county"),
	    .household = hh,
	    .visit = (int)ch_args_int(a, "visit", 0),
	    .day = ch_args_str(a, "date"),
	    .in_use = yes(a, "in-use"),
	    .comfort = ch_args_str(a, "comfort"),
	    .cost_complaint = yes(a, "cost-complaint"),
	    .coal_burned = yes(a, "coal"),
	    .fault = ch_args_str(a, "fault"),
	    .satisfaction = (int)ch_args_int(a, "satisfaction", 0),
	    .note = ch_args_str(a, "note"),
	    .visitor = ch_args_str(a, "visitor"),
	    .today = ch_args_str(a, "today"),
	};
	int64_t order;
	int rc = ch_followup_record(ctx, &in, &order);
	if (rc)
		return rc;
	ch_result_count(res, "order", order);
	if (order)
		ch_result_printf(res, "已记录回访；发现问题，已下达整改单 %" PRId64 "\n", order);
	else
		ch_result_printf(res, "已记录回访：%s 第%d次，未发现问题\n", hh, in.visit);
	return 0;
}

enum { D_COUNTY, D_TOWNSHIP, D_VILLAGE, D_HH, D_HEAD, D_VISIT, D_DUE, D_STATE, D_REASON };
static const struct app_col due_cols[] = {
    [D_COUNTY] = {"county", "县市", CH_COL_TEXT},  [D_TOWNSHIP] = {"township", "乡镇", CH_COL_TEXT},
    [D_VILLAGE] = {"village", "村", CH_COL_TEXT},  [D_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [D_HEAD] = {"head_name", "户主", CH_COL_TEXT}, [D_VISIT] = {"visit", "回访", CH_COL_TEXT},
    [D_DUE] = {"due", "应回访日期", CH_COL_TEXT},  [D_STATE] = {"state", "状态", CH_COL_TEXT},
    [D_REASON] = {"reason", "原因", CH_COL_TEXT},
};

static int add_due(const ch_followup_due *d, void *arg)
{
	ch_report *r = arg;
	ch_report_add_row(r, 0);
	ch_report_set_text(r, D_COUNTY, d->county);
	ch_report_set_text(r, D_TOWNSHIP, d->township);
	ch_report_set_text(r, D_VILLAGE, d->village);
	ch_report_set_text(r, D_HH, d->hh_no);
	ch_report_set_text(r, D_HEAD, d->head_name);
	ch_report_set_text(r, D_VISIT,
	                   d->visit == 1   ? "首次（采暖首月）"
	                   : d->visit == 2 ? "第二次（采暖中期）"
	                                   : "用量核查（查看是否返煤）");
	ch_report_set_text(r, D_REASON, d->reason ? d->reason : "");
	ch_report_set_text(r, D_DUE, d->due);
	ch_report_set_text(r, D_STATE, d->overdue ? "已逾期" : "到期");
	return 0;
}

static int followup_due(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("待回访农户", due_cols);
	return app_table_unless(res, r,
	                        ch_followup_each_due(ctx, ch_args_str(a, "as-of"), add_due, r));
}

/* ---- the acceptance report ---- */

enum {
	A_COUNTY,
	A_TARGET,
	A_COMMISSIONED,
	A_SELF,
	A_APPLIED,
	A_SAMPLED,
	A_PASSED,
	A_FAILED,
	A_REVIEWED,
	A_OPEN,
	A_OVERDUE,
	A_EXPECTED,
	A_STATUS
};
static const struct app_col acceptance_cols[] = {
    [A_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [A_TARGET] = {"target", "计划户数", CH_COL_INT},
    [A_COMMISSIONED] = {"commissioned", "已调试", CH_COL_INT},
    [A_SELF] = {"self_inspected", "自验合格", CH_COL_INT},
    [A_APPLIED] = {"applied", "已申请复核", CH_COL_INT},
    [A_SAMPLED] = {"sampled", "抽样户数", CH_COL_INT},
    [A_PASSED] = {"passed", "复核合格", CH_COL_INT},
    [A_FAILED] = {"failed", "复核不合格", CH_COL_INT},
    [A_REVIEWED] = {"reviewed", "复核通过", CH_COL_INT},
    [A_OPEN] = {"open_orders", "整改中", CH_COL_INT},
    [A_OVERDUE] = {"overdue_orders", "逾期整改", CH_COL_INT},
    [A_EXPECTED] = {"expected_review", "应完成复核", CH_COL_TEXT},
    [A_STATUS] = {"status", "10月底完成风险", CH_COL_TEXT},
};

static int report_acceptance(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	static const char *const risk[] = {"低（绿）", "中（黄）", "高（红）"};
	long year = ch_args_int(a, "year", 0);
	const char *as_of = ch_args_str(a, "as-of");
	ch_acceptance_row *rows;
	size_t n;
	char title[160], pct[32];
	int rc = ch_acceptance_report(ctx, (int)year, as_of, &rows, &n);
	if (rc)
		return rc;
	snprintf(title, sizeof title, "%ld年农村清洁取暖改造验收复核进度（截至%s）", year, as_of);
	ch_report *r = APP_REPORT(title, acceptance_cols);
	for (size_t i = 0; i < n; i++) {
		const ch_acceptance_row *x = &rows[i];
		ch_report_add_row(r, i + 1 == n);
		ch_report_set_text(r, A_COUNTY, x->name);
		ch_report_set_int(r, A_TARGET, x->target);
		ch_report_set_int(r, A_COMMISSIONED, x->commissioned);
		ch_report_set_int(r, A_SELF, x->self_inspected);
		ch_report_set_int(r, A_APPLIED, x->applied);
		ch_report_set_int(r, A_SAMPLED, x->sampled);
		ch_report_set_int(r, A_PASSED, x->passed);
		ch_report_set_int(r, A_FAILED, x->failed);
		ch_report_set_int(r, A_REVIEWED, x->reviewed);
		ch_report_set_int(r, A_OPEN, x->open_orders);
		ch_report_set_int(r, A_OVERDUE, x->overdue_orders);
		/* expected_review is in tenths of a percent; negative: no target */
		if (x->expected_review < 0)
			snprintf(pct, sizeof pct, "-");
		else
			app_pct(pct, sizeof pct, x->expected_review, 1000);
		ch_report_set_text(r, A_EXPECTED, pct);
		ch_report_set_text(r, A_STATUS, risk[x->status]);
	}
	ch_report_add_note(r, "风险：自验合格与复核通过户数落后于按节点（10月1日至10月30日自验、10"
	                      "月31日前复核完毕）线性推算的应完成比例的程度");
	ch_result_add_table(res, r);
	ch_acceptance_free(rows, n);
	return 0;
}

/* ---- review applications ---- */

static int review_apply(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *file = ch_args_str(a, "households");
	int all = ch_args_flag(a, "all-passed"), rc = 0;
	char *number = NULL;
	ch_strv hh;
	if (!file && !all)
		return ch_error_set_field(CH_EUSAGE, "households", "与 --all-passed 须给出其一");
	if (file && all)
		return ch_error_set_field(CH_EUSAGE, "all-passed", "不能与 --households 同时使用");
	ch_strv_init(&hh);
	if (file)
		rc = ch_hh_list_read(file, &hh);
	if (rc == 0)
		rc = ch_review_apply(ctx, ch_args_str(a, "county"),
		                     (int)ch_args_int(a, "year", 2023),
		                     file ? (const char *const *)hh.items : NULL, hh.len,
		                     ch_args_str(a, "date"), ch_args_str(a, "today"), &number);
	if (rc == 0)
		ch_result_printf(res, "已提交复核申请：%s\n", number);
	free(number);
	ch_strv_dispose(&hh);
	return rc;
}

static int review_assign(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *app = ch_args_str(a, "application"), *unit = ch_args_str(a, "unit");
	const char *reviewer = ch_args_str(a, "reviewer");
	int rc = ch_review_assign(ctx, app, unit, reviewer, ch_args_str(a, "seed"));
	if (rc == 0)
		ch_result_printf(
		    res, "%s 已交%s（复核人 %s）复核，已按种子抽样（review sample %s 查看）\n", app,
		    unit, reviewer, app);
	return rc;
}

enum { M_HH, M_HEAD, M_TOWNSHIP, M_TECH, M_CONTRACTOR, M_SAMPLE, M_RESULT };
static const struct app_col member_cols[] = {
    [M_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [M_HEAD] = {"head_name", "户主", CH_COL_TEXT},
    [M_TOWNSHIP] = {"township", "乡镇", CH_COL_TEXT},
    [M_TECH] = {"technology", "改造方式", CH_COL_TEXT},
    [M_CONTRACTOR] = {"contractor", "施工单位", CH_COL_TEXT},
    [M_SAMPLE] = {"sample", "抽样", CH_COL_TEXT},
    [M_RESULT] = {"result", "复核结果", CH_COL_TEXT},
};

struct member_out {
	ch_report *r;
	ch_reflist *tech; /* technology names; NULL: show the keys */
	size_t sampled;
};

static int add_member(const ch_review_member *m, void *arg)
{
	struct member_out *x = arg;
	char round[16];
	ch_report_add_row(x->r, 0);
	ch_report_set_text(x->r, M_HH, m->hh_no);
	ch_report_set_text(x->r, M_HEAD, m->head_name);
	ch_report_set_text(x->r, M_TOWNSHIP, m->township);
	ch_report_set_text(x->r, M_TECH,
	                   x->tech ? ch_reflist_name(x->tech, m->technology) : m->technology);
	ch_report_set_text(x->r, M_CONTRACTOR, m->contractor);
	if (m->sample_round)
		snprintf(round, sizeof round, "第%d轮", m->sample_round);
	ch_report_set_text(x->r, M_SAMPLE, m->sample_round ? round : "未抽中");
	ch_report_set_text(x->r, M_RESULT,
	                   !m->result                       ? ""
	                   : strcmp(m->result, "pass") == 0 ? "合格"
	                                                    : "不合格");
	x->sampled += m->sample_round != 0;
	return 0;
}

static int review_sample(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *app = ch_args_str(a, "application");
	struct member_out x = {0};
	char title[160];
	int rc;
	if (ch_args_flag(a, "verify")) {
		size_t n = 0;
		if ((rc = ch_review_verify(ctx, app, &n)) != 0)
			return rc;
		ch_result_count(res, "checked", (int64_t)n);
		ch_result_printf(
		    res, "%s：按记录的种子与规则重新抽样，%zu 户结果与存储的样本一致\n", app, n);
		return 0;
	}
	snprintf(title, sizeof title, "复核申请 %s 的农户与抽样", app);
	x.r = APP_REPORT(title, member_cols);
	if (ch_reflist_load(ctx, "technology", &x.tech) != 0)
		ch_error_clear(); /* keys instead of names */
	rc = ch_review_members(ctx, app, add_member, &x);
	ch_reflist_free(x.tech);
	if (app_table_unless(res, x.r, rc) != 0)
		return rc;
	ch_result_count(res, "sampled", (int64_t)x.sampled);
	ch_result_printf(res, "抽中 %zu 户\n", x.sampled);
	return 0;
}

static int review_result(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *app = ch_args_str(a, "application"), *hh = ch_args_str(a, "household");
	const char *result = ch_args_str(a, "result");
	ch_evidence *ev;
	size_t nev;
	int widened = 0, completed = 0;
	int rc = app_read_evidence(a, "evidence", &ev, &nev);
	if (rc == 0)
		rc = ch_review_result(ctx, app, hh, result, ch_args_str(a, "date"),
		                      ch_args_str(a, "note"), ev, nev, ch_args_str(a, "today"),
		                      &widened, &completed);
	app_free_evidence(ev, nev);
	if (rc)
		return rc;
	ch_result_count(res, "widened", widened);
	ch_result_count(res, "completed", completed);
	ch_result_printf(res, "已记录：%s %s %s\n", app, hh,
	                 strcmp(result, "pass") == 0 ? "合格" : "不合格");
	if (widened)
		ch_result_printf(
		    res, "样本不合格率超过阈值，已扩大抽样（review sample %s 查看新增农户）\n",
		    app);
	if (completed)
		ch_result_printf(res, "复核申请 %s 已完成：不合格户退回整改，其余农户复核通过\n",
		                 app);
	return 0;
}

enum {
	L_NUMBER,
	L_COUNTY,
	L_STATUS,
	L_UNIT,
	L_REVIEWER,
	L_HOUSEHOLDS,
	L_SAMPLED,
	L_PASSED,
	L_FAILED,
	L_OUTCOME
};
static const struct app_col app_cols[] = {
    [L_NUMBER] = {"number", "申请编号", CH_COL_TEXT},
    [L_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [L_STATUS] = {"status", "状态", CH_COL_TEXT},
    [L_UNIT] = {"unit", "复核单位", CH_COL_TEXT},
    [L_REVIEWER] = {"reviewer", "复核人", CH_COL_TEXT},
    [L_HOUSEHOLDS] = {"households", "户数", CH_COL_INT},
    [L_SAMPLED] = {"sampled", "抽样", CH_COL_INT},
    [L_PASSED] = {"passed", "合格", CH_COL_INT},
    [L_FAILED] = {"failed", "不合格", CH_COL_INT},
    [L_OUTCOME] = {"outcome", "结果", CH_COL_TEXT},
};

static int add_app(const ch_review_app *x, void *arg)
{
	static const ch_label statuses[] = {
	    {"applied", "待分配"}, {"assigned", "复核中"}, {"completed", "已完成"}, {NULL, NULL}};
	ch_report *r = arg;
	ch_report_add_row(r, 0);
	ch_report_set_text(r, L_NUMBER, x->number);
	ch_report_set_text(r, L_COUNTY, x->county);
	ch_report_set_text(r, L_STATUS, ch_label_of(statuses, x->status));
	ch_report_set_text(r, L_UNIT, x->unit);
	ch_report_set_text(r, L_REVIEWER, x->reviewer);
	ch_report_set_int(r, L_HOUSEHOLDS, x->households);
	ch_report_set_int(r, L_SAMPLED, x->sampled);
	ch_report_set_int(r, L_PASSED, x->passed);
	ch_report_set_int(r, L_FAILED, x->failed);
	ch_report_set_text(r, L_OUTCOME,
	                   !x->outcome                         ? ""
	                   : strcmp(x->outcome, "passed") == 0 ? "全部通过"
	                                                       : "部分不合格");
	return 0;
}

static int review_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	(void)a;
	ch_report *r = APP_REPORT("复核申请", app_cols);
	return app_table_unless(res, r, ch_review_each(ctx, add_app, r));
}

/* ---- the table ---- */

#define P_HOUSEHOLD                                                                                \
	{                                                                                          \
		"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL,   \
		    0, 0, "农户：户编号（配合 --county）或身份证号"                 \
	}
#define P_APPLICATION                                                                              \
	{                                                                                          \
		"application", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "APPLICATION",     \
		    NULL, 0, 0, "复核申请编号（如 复核-652301-2023-001）"               \
	}
#define P_EVIDENCE(what)                                                                           \
	{                                                                                          \
		"evidence", CH_PT_FILE, CH_PF_REPEAT, "FILE", NULL, 0, 0, what                     \
	}
#define PASS_FAIL "pass|fail"

static const struct ch_param inspect_params[] = {
    P_HOUSEHOLD,
    {"result", CH_PT_ENUM, CH_PF_REQUIRED, PASS_FAIL, PASS_FAIL, 0, 0,
     "自验结果（pass 合格，fail 不合格）"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "自验日期"},
    {"inspector", CH_PT_STRING, CH_PF_REQUIRED, "NAME", NULL, 0, 0, "自验人员姓名（与自验表一致）"},
    APP_P_COUNTY(0, "农户所在县市（名称或代码）；不给时 HOUSEHOLD 为身份证号"),
    {"item", CH_PT_STRING, CH_PF_REPEAT, "ITEM=合格|不合格", NULL, 0, 0,
     "一个自验项的结果，自验项写中文或代码"
     "（见 data/acceptance/checklist.csv；也可写 KEY=pass|fail）；"
     "未列出的项视为合格"},
    P_EVIDENCE("自验照片或扫描件（合格须至少一份）"),
    APP_P_TODAY,
    {0},
};

static const struct ch_param inspect_import_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "自验记录表：列为县市、户编号、结果、日期、自验人员、证明材料，"
     "每个自验项一列（CSV 或 XLSX；证明材料放在同一文件夹）"},
    APP_P_COUNTY(0, "所有行都属于该县市（名称或代码）"),
    APP_P_SHEET,
    {"skip-invalid", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "即使有行被拒收，也保存无误的行"},
    {"rejects", CH_PT_OUTFILE, 0, "OUT", NULL, 0, 0, "把拒收的行连同原因写入 OUT（CSV 或 XLSX）"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param apply_params[] = {
    {"county", CH_PT_STRING, CH_PF_REQUIRED, "C", NULL, 0, 0, "申请的县市（名称或代码）"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "申请日期"},
    {"households", CH_PT_FILE, 0, "FILE", NULL, 0, 0,
     "申请复核的农户名单，含“户编号”列（CSV 或 XLSX）"},
    {"all-passed", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "为本年度所有自验合格、尚未申请的农户申请"},
    APP_P_YEAR(0, "农户所属计划年度（默认 2023）"),
    APP_P_TODAY,
    {0},
};

static const struct ch_param assign_params[] = {
    P_APPLICATION,
    {"unit", CH_PT_STRING, CH_PF_REQUIRED, "UNIT", NULL, 0, 0, "复核单位"},
    {"reviewer", CH_PT_STRING, CH_PF_REQUIRED, "USER", NULL, 0, 0,
     "录入复核结果的用户（须为复核人员）"},
    {"seed", CH_PT_STRING, CH_PF_REQUIRED, "VALUE", NULL, 0, 0,
     "当场记录、县市无法预知的数值（如摇号号码），据此确定抽样"},
    {0},
};

static const struct ch_param sample_params[] = {
    P_APPLICATION,
    {"verify", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "用保存的种子重新抽样，与保存的抽样结果比对"},
    {0},
};

static const struct ch_param result_params[] = {
    P_APPLICATION,
    {"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL, 0, 0,
     "抽中农户的户编号"},
    {"result", CH_PT_ENUM, CH_PF_REQUIRED, PASS_FAIL, PASS_FAIL, 0, 0,
     "复核结果（pass 合格，fail 不合格）"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "复核日期"},
    {"note", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "发现的问题（不合格时必填）"},
    P_EVIDENCE("复核照片或扫描件"),
    APP_P_TODAY,
    {0},
};

static const struct ch_param order_list_params[] = {
    {"open", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "只列未销号的整改单"},
    {"overdue", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "只列超期未销号的整改单"},
    {"as-of", CH_PT_DATE, 0, "D", NULL, 0, 0, "按 D 日的情况（默认今天）"},
    {0},
};

static const struct ch_param close_params[] = {
    {"order", CH_PT_INT, CH_PF_POSITIONAL | CH_PF_REQUIRED, "ORDER", NULL, 1, 2000000000,
     "整改单号"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "整改完成日期"},
    {"note", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0, "整改情况"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param due_params[] = {
    {"as-of", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "截至 D 日应回访而未回访的"},
    {0},
};

static const struct ch_param visit_params[] = {
    P_HOUSEHOLD,
    {"visit", CH_PT_INT, CH_PF_REQUIRED, "1|2|3", NULL, 1, 3,
     "第几次回访：1 为供暖首月，2 为供暖季中期，3 为用量核查（usage check 要求的）"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "回访日期"},
    {"in-use", CH_PT_ENUM, CH_PF_REQUIRED, "yes|no", YES_NO, 0, 0, "新取暖设施是否在用"},
    {"comfort", CH_PT_ENUM, CH_PF_REQUIRED, "good|fair|poor", "good|fair|poor|好|一般|差", 0, 0,
     "室内温暖程度；差（poor）即生成整改单"},
    {"visitor", CH_PT_STRING, CH_PF_REQUIRED, "NAME", NULL, 0, 0, "回访人员姓名（与回访表一致）"},
    APP_P_COUNTY(0, "农户所在县市（名称或代码）；不给时 HOUSEHOLD 为身份证号"),
    {"cost-complaint", CH_PT_ENUM, 0, "yes|no", YES_NO, 0, 0, "农户是否反映运行费用高"},
    {"coal", CH_PT_ENUM, 0, "yes|no", YES_NO, 0, 0, "是否返煤"},
    {"fault", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "设备故障"},
    {"satisfaction", CH_PT_INT, 0, "N", NULL, 1, 5, "农户满意度"},
    {"note", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "其他情况"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param report_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    {"as-of", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "统计截至 D 日"},
    {0},
};

const struct ch_op ch_ops_acceptance[] = {
    {"inspect", "record", "按自验清单录入已调试农户的自验结果", CH_PERM_INSPECT, CH_OP_WRITES,
     CH_RF_TEXT, inspect_params, inspect_record},
    {"inspect", "import", "导入县市的自验记录（CSV 或 XLSX）；逐行核验，全部无误才保存",
     CH_PERM_INSPECT, CH_OP_WRITES, CH_RF_TEXT, inspect_import_params, inspect_import},
    {"review", "apply", "把自验合格的农户汇总为复核申请", CH_PERM_INSPECT, CH_OP_WRITES, CH_RF_TEXT,
     apply_params, review_apply},
    {"review", "assign", "把复核申请分派给复核单位；种子确定抽样", CH_PERM_REVIEW_ASSIGN,
     CH_OP_WRITES, CH_RF_TEXT, assign_params, review_assign},
    {"review", "sample", "复核申请的农户和抽样；--verify 重新抽样核对", CH_PERM_READ, 0, CH_RF_ALL,
     sample_params, review_sample},
    {"review", "result", "录入抽中农户的复核结果", CH_PERM_REVIEW, CH_OP_WRITES, CH_RF_TEXT,
     result_params, review_result},
    {"review", "list", "列出有权查看的复核申请", CH_PERM_READ, 0, CH_RF_ALL, NULL, review_list},
    {"rectification", "list", "列出整改单", CH_PERM_READ, 0, CH_RF_ALL, order_list_params,
     rectification_list},
    {"rectification", "close", "整改单销号", CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_TEXT,
     close_params, rectification_close},
    {"followup", "due", "应回访而未回访的农户", CH_PERM_READ, 0, CH_RF_ALL, due_params,
     followup_due},
    {"followup", "record", "录入回访；发现问题即生成整改单", CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES,
     CH_RF_TEXT, visit_params, followup_record},
    {"report", "acceptance", "分县市统计：自验、申请、抽样、合格、不合格、整改、风险", CH_PERM_READ,
     0, CH_RF_ALL, report_params, report_acceptance},
    {0},
};
