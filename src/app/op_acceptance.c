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

/* Adds R to RES when RC is 0, else frees it; returns RC. */
static int add_table_if(ch_result *res, ch_report *r, int rc)
{
	if (rc == 0)
		ch_result_add_table(res, r);
	else
		ch_report_free(r);
	return rc;
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
	int rc = ch_inspect_import_file(ctx, &o, &sum, &p);
	if (p) {
		ch_result_add_problems(res, p);
		ch_result_count(res, "rows", (int64_t)sum.rows);
		ch_result_count(res, "passed", (int64_t)sum.passed);
		ch_result_count(res, "failed", (int64_t)sum.failed);
		ch_result_count(res, "rejected", (int64_t)sum.rejected);
		if (rc == 0 && o.rejects && sum.rejected) {
			ch_result_add_file(res, "rejects", o.rejects);
			ch_result_printf(res,
			                 "拒收的行已写入 %s（含“错误原因”列），改正后可重新导入\n",
			                 o.rejects);
		}
		ch_result_printf(res,
		                 "%s：读入 %zu 行；自验合格 %zu 户，不合格 %zu 户（已下达整改单），"
		                 "拒收 %zu 行\n",
		                 o.path, sum.rows, sum.passed, sum.failed, sum.rejected);
		ch_problems_free(p);
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
	static const ch_label sources[] = {
	    {"inspection", "自验"}, {"review", "复核"}, {"followup", "回访"}, {NULL, NULL}};
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
	return add_table_if(res, r, rc);
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

enum { D_COUNTY, D_TOWNSHIP, D_VILLAGE, D_HH, D_HEAD, D_VISIT, D_DUE, D_STATE };
static const struct app_col due_cols[] = {
    [D_COUNTY] = {"county", "县市", CH_COL_TEXT},  [D_TOWNSHIP] = {"township", "乡镇", CH_COL_TEXT},
    [D_VILLAGE] = {"village", "村", CH_COL_TEXT},  [D_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [D_HEAD] = {"head_name", "户主", CH_COL_TEXT}, [D_VISIT] = {"visit", "回访", CH_COL_TEXT},
    [D_DUE] = {"due", "应回访日期", CH_COL_TEXT},  [D_STATE] = {"state", "状态", CH_COL_TEXT},
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
	ch_report_set_text(r, D_VISIT, d->visit == 1 ? "首次（采暖首月）" : "第二次（采暖中期）");
	ch_report_set_text(r, D_DUE, d->due);
	ch_report_set_text(r, D_STATE, d->overdue ? "已逾期" : "到期");
	return 0;
}

static int followup_due(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("待回访农户", due_cols);
	return add_table_if(res, r, ch_followup_each_due(ctx, ch_args_str(a, "as-of"), add_due, r));
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
		return ch_error_set_field(CH_EUSAGE, "households", "or --all-passed is required");
	if (file && all)
		return ch_error_set_field(CH_EUSAGE, "all-passed",
		                          "cannot be combined with --households");
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
	if (add_table_if(res, x.r, rc) != 0)
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
	return add_table_if(res, r, ch_review_each(ctx, add_app, r));
}

/* ---- the table ---- */

#define P_HOUSEHOLD                                                                                \
	{                                                                                          \
		"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL,   \
		    0, 0, "the household: 户编号 with --county, or its ID number"               \
	}
#define P_APPLICATION                                                                              \
	{                                                                                          \
		"application", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "APPLICATION",     \
		    NULL, 0, 0, "the application's number (复核-652301-2023-001)"                \
	}
#define P_EVIDENCE(what)                                                                           \
	{                                                                                          \
		"evidence", CH_PT_FILE, CH_PF_REPEAT, "FILE", NULL, 0, 0, what                     \
	}
#define PASS_FAIL "pass|fail"

static const struct ch_param inspect_params[] = {
    P_HOUSEHOLD,
    {"result", CH_PT_ENUM, CH_PF_REQUIRED, PASS_FAIL, PASS_FAIL, 0, 0,
     "the inspection's result (合格 or 不合格)"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "the day of the inspection"},
    {"inspector", CH_PT_STRING, CH_PF_REQUIRED, "NAME", NULL, 0, 0,
     "the inspector's name as on the form"},
    APP_P_COUNTY(0, "the household's county (name or code); without it HOUSEHOLD is an ID number"),
    {"item", CH_PT_STRING, CH_PF_REPEAT, "ITEM=合格|不合格", NULL, 0, 0,
     "a checklist item's result, the item by its Chinese text or key "
     "(data/acceptance/checklist.csv; KEY=pass|fail too); items not named pass"},
    P_EVIDENCE("a photo or scan of the inspection (a pass needs at least one)"),
    APP_P_TODAY,
    {0},
};

static const struct ch_param inspect_import_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "the inspections: columns 县市, 户编号, 结果, 日期, 自验人员, 证明材料 and one per "
     "checklist item (CSV or XLSX; evidence files in the same folder)"},
    APP_P_COUNTY(0, "every row is of this county (name or code)"),
    APP_P_SHEET,
    {"skip-invalid", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "store the valid rows even if others are refused"},
    {"rejects", CH_PT_OUTFILE, 0, "OUT", NULL, 0, 0,
     "write the refused rows with their reasons here (CSV or XLSX)"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param apply_params[] = {
    {"county", CH_PT_STRING, CH_PF_REQUIRED, "C", NULL, 0, 0, "the county applying (name or code)"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "the day of the application"},
    {"households", CH_PT_FILE, 0, "FILE", NULL, 0, 0,
     "the households to apply for: a list with a column 户编号 (CSV or XLSX)"},
    {"all-passed", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "apply for every self-inspected household of the year not yet applied for"},
    APP_P_YEAR(0, "the households' plan year (default 2023)"),
    APP_P_TODAY,
    {0},
};

static const struct ch_param assign_params[] = {
    P_APPLICATION,
    {"unit", CH_PT_STRING, CH_PF_REQUIRED, "UNIT", NULL, 0, 0, "the reviewing unit"},
    {"reviewer", CH_PT_STRING, CH_PF_REQUIRED, "USER", NULL, 0, 0,
     "the user (with the reviewer role) who records the results"},
    {"seed", CH_PT_STRING, CH_PF_REQUIRED, "VALUE", NULL, 0, 0,
     "a value recorded now that the county cannot know in advance (a lottery number); it "
     "fixes the sample"},
    {0},
};

static const struct ch_param sample_params[] = {
    P_APPLICATION,
    {"verify", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "derive the sample again from the stored seed and compare it with the stored one"},
    {0},
};

static const struct ch_param result_params[] = {
    P_APPLICATION,
    {"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL, 0, 0,
     "the sampled household's 户编号"},
    {"result", CH_PT_ENUM, CH_PF_REQUIRED, PASS_FAIL, PASS_FAIL, 0, 0,
     "the review's result (合格 or 不合格)"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "the day of the review"},
    {"note", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "what was found (needed for a fail)"},
    P_EVIDENCE("a photo or scan of the review"),
    APP_P_TODAY,
    {0},
};

static const struct ch_param order_list_params[] = {
    {"open", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "only orders not closed"},
    {"overdue", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "only orders open past their deadline"},
    {"as-of", CH_PT_DATE, 0, "D", NULL, 0, 0, "as things stood on D (default today)"},
    {0},
};

static const struct ch_param close_params[] = {
    {"order", CH_PT_INT, CH_PF_POSITIONAL | CH_PF_REQUIRED, "ORDER", NULL, 1, 2000000000,
     "the order's number (整改单号)"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "the day the rectification was done"},
    {"note", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0, "what was done"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param due_params[] = {
    {"as-of", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "visits due by D and not yet made"},
    {0},
};

static const struct ch_param visit_params[] = {
    P_HOUSEHOLD,
    {"visit", CH_PT_INT, CH_PF_REQUIRED, "1|2", NULL, 1, 2,
     "the first visit (first heating month) or the second (mid-season)"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "the day of the visit"},
    {"in-use", CH_PT_ENUM, CH_PF_REQUIRED, "yes|no", YES_NO, 0, 0, "the new heating is in use"},
    {"comfort", CH_PT_ENUM, CH_PF_REQUIRED, "good|fair|poor", "good|fair|poor|好|一般|差", 0, 0,
     "how warm the rooms are; poor opens an order"},
    {"visitor", CH_PT_STRING, CH_PF_REQUIRED, "NAME", NULL, 0, 0,
     "the visitor's name as on the form"},
    APP_P_COUNTY(0, "the household's county (name or code); without it HOUSEHOLD is an ID number"),
    {"cost-complaint", CH_PT_ENUM, 0, "yes|no", YES_NO, 0, 0,
     "the household complains of the running cost"},
    {"coal", CH_PT_ENUM, 0, "yes|no", YES_NO, 0, 0, "coal is burned again (返煤)"},
    {"fault", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "a fault of the equipment"},
    {"satisfaction", CH_PT_INT, 0, "N", NULL, 1, 5, "the household's satisfaction"},
    {"note", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "anything else"},
    APP_P_TODAY,
    {0},
};

static const struct ch_param report_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "the plan year"),
    {"as-of", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "the figures as they stood on D"},
    {0},
};

const struct ch_op ch_ops_acceptance[] = {
    {"inspect", "record",
     "self-inspection (自验) of a commissioned household against the checklist", CH_PERM_INSPECT,
     CH_OP_WRITES, CH_RF_TEXT, inspect_params, inspect_record},
    {"inspect", "import",
     "a county's self-inspections in one file (CSV or XLSX); every row checked, all or nothing",
     CH_PERM_INSPECT, CH_OP_WRITES, CH_RF_TEXT, inspect_import_params, inspect_import},
    {"review", "apply", "bundle self-inspected households into a review application (复核申请)",
     CH_PERM_INSPECT, CH_OP_WRITES, CH_RF_TEXT, apply_params, review_apply},
    {"review", "assign", "assign an application to a reviewing unit; the seed fixes the sample",
     CH_PERM_PLAN_WRITE, CH_OP_WRITES, CH_RF_TEXT, assign_params, review_assign},
    {"review", "sample",
     "the application's households and sample; --verify derives the sample again", CH_PERM_READ, 0,
     CH_RF_ALL, sample_params, review_sample},
    {"review", "result", "record the review of a sampled household", CH_PERM_REVIEW, CH_OP_WRITES,
     CH_RF_TEXT, result_params, review_result},
    {"review", "list", "review applications you may see", CH_PERM_READ, 0, CH_RF_ALL, NULL,
     review_list},
    {"rectification", "list", "rectification orders (整改单)", CH_PERM_READ, 0, CH_RF_ALL,
     order_list_params, rectification_list},
    {"rectification", "close", "close a rectification order", CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES,
     CH_RF_TEXT, close_params, rectification_close},
    {"followup", "due", "follow-up visits (回访) due and not made", CH_PERM_READ, 0, CH_RF_ALL,
     due_params, followup_due},
    {"followup", "record", "record a follow-up visit; problems open a rectification order",
     CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_TEXT, visit_params, followup_record},
    {"report", "acceptance",
     "per county: self-inspected, applied, sampled, passed, failed, rectification, risk",
     CH_PERM_READ, 0, CH_RF_ALL, report_params, report_acceptance},
    {0},
};
