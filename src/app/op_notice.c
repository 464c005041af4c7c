/*
 * op_notice — the public notice before payment: `notice create|list|show|
 * print|object|resolve|objections`, the holds on payments: `subsidy
 * hold|release|holds`, and the approval of a change after review: `subsidy
 * approve`.
 *
 * Core (core/notice.c) decides who is publicised, what an objection does
 * to the money and what holds a payment; these operations turn it into
 * text and tables in yuan and dates people read, and write the notice
 * board's A4 sheet (io/notice_sheet.c, XLSX; io/notice_pdf.c for a .pdf).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/notice.h"
#include "core/snapshot.h"
#include "io/notice_sheet.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"
#include "util/text.h"

#define YUAN(fen, buf) ch_money_format((fen), (buf), sizeof(buf))

/* The day given, or today in Beijing. */
static const char *day_or_today(const ch_args *a, char today[11])
{
	const char *d = ch_args_str(a, "date");
	if (d)
		return d;
	ch_today_beijing(today, 11);
	return today;
}

/* ---- notice create ---- */

static int notice_create(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_notice_summary s;
	const char *out = ch_args_str(a, "output");
	char y[40], from[24], to[24];
	int rc = ch_notice_create(ctx, ch_args_str(a, "county"), ch_args_str(a, "village"),
	                          ch_args_str(a, "date"), &s);
	if (rc)
		return rc;
	ch_result_count(res, "notice", s.id);
	ch_result_count(res, "households", (int64_t)s.households);
	ch_result_count(res, "total_fen", s.total_fen);
	if (!s.id) {
		ch_result_printf(res, "%s没有待公示的农户（复核合格、已预留补助且尚未公示）\n",
		                 ch_args_str(a, "county"));
		return 0;
	}
	ch_date_chinese(s.start, from, sizeof from);
	ch_date_chinese(s.end, to, sizeof to);
	ch_result_printf(res,
	                 "公示 %s：%zu 户，补助合计 %s 元；公示期 %" PRId64
	                 " 个工作日（%s至%s），期满且无未处理异议后方可发放\n",
	                 s.number, s.households, YUAN(s.total_fen, y), s.days, from, to);
	if (out) {
		if ((rc = ch_notice_write(ctx, s.number, out, NULL)) != 0)
			return ch_error_prefix(
			    "公示 %s 已建立，但公示表未能写出（可用 notice print "
			    "重新写出）：",
			    s.number);
		ch_result_add_file(res, "output", out);
		ch_result_printf(res, "公示表：%s\n", out);
	}
	return 0;
}

/* ---- notice list ---- */

enum {
	N_NUMBER,
	N_COUNTY,
	N_VILLAGE,
	N_START,
	N_END,
	N_DAYS,
	N_HH,
	N_AMOUNT,
	N_OPEN,
	N_UPHELD,
	N_DISMISSED,
	N_BY
};
static const struct app_col notice_cols[] = {
    [N_NUMBER] = {"number", "公示编号", CH_COL_TEXT},
    [N_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [N_VILLAGE] = {"village", "村", CH_COL_TEXT},
    [N_START] = {"start", "公示开始", CH_COL_TEXT},
    [N_END] = {"end", "公示截止", CH_COL_TEXT},
    [N_DAYS] = {"days", "工作日", CH_COL_INT},
    [N_HH] = {"households", "户数", CH_COL_INT},
    [N_AMOUNT] = {"amount", "补助金额(元)", CH_COL_TEXT},
    [N_OPEN] = {"open_objections", "待处理异议", CH_COL_INT},
    [N_UPHELD] = {"upheld", "异议成立", CH_COL_INT},
    [N_DISMISSED] = {"dismissed", "异议不成立", CH_COL_INT},
    [N_BY] = {"by", "经办人", CH_COL_TEXT},
};

static int add_notice(const ch_notice_row *n, void *arg)
{
	ch_report *r = arg;
	char y[40], s[24], e[24];
	ch_date_chinese(n->start, s, sizeof s);
	ch_date_chinese(n->end, e, sizeof e);
	ch_report_add_row(r, 0);
	ch_report_set_text(r, N_NUMBER, n->number);
	ch_report_set_text(r, N_COUNTY, n->county);
	ch_report_set_text(r, N_VILLAGE, n->village ? n->village : "全县（市）");
	ch_report_set_text(r, N_START, s);
	ch_report_set_text(r, N_END, e);
	ch_report_set_int(r, N_DAYS, n->days);
	ch_report_set_int(r, N_HH, n->households);
	ch_report_set_text(r, N_AMOUNT, YUAN(n->total_fen, y));
	ch_report_set_int(r, N_OPEN, n->open_objections);
	ch_report_set_int(r, N_UPHELD, n->upheld);
	ch_report_set_int(r, N_DISMISSED, n->dismissed);
	ch_report_set_text(r, N_BY, n->created_by);
	return 0;
}

static int notice_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("补助发放公示", notice_cols);
	return app_table_unless(res, r,
	                        ch_notice_each(ctx, ch_args_str(a, "county"), add_notice, r));
}

/* ---- notice show, print ---- */

enum { I_VILLAGE, I_HH, I_HEAD, I_ID, I_TECH, I_MEASURES, I_AREA, I_AMOUNT, I_NOTE };
static const struct app_col item_cols[] = {
    [I_VILLAGE] = {"village", "村", CH_COL_TEXT},
    [I_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [I_HEAD] = {"head_name", "户主姓名", CH_COL_TEXT},
    [I_ID] = {"id_number", "身份证号", CH_COL_TEXT},
    [I_TECH] = {"technology", "改造方式", CH_COL_TEXT},
    [I_MEASURES] = {"measures", "节能改造措施", CH_COL_TEXT},
    [I_AREA] = {"es_area", "节能改造面积(㎡)", CH_COL_TEXT},
    [I_AMOUNT] = {"amount", "补助金额(元)", CH_COL_TEXT},
    [I_NOTE] = {"note", "备注", CH_COL_TEXT},
};

struct show {
	ch_report *r;
	ch_result *res;
};

static int show_head(const ch_notice_head *h, void *arg)
{
	struct show *s = arg;
	char a[24], b[24];
	ch_date_chinese(h->start, a, sizeof a);
	ch_date_chinese(h->end, b, sizeof b);
	ch_result_printf(s->res, "公示 %s：%s%s，公示期 %" PRId64 " 个工作日（%s至%s）\n",
	                 h->number, h->county, h->village ? h->village : "", h->days, a, b);
	return 0;
}

static int show_item(const ch_notice_item *i, void *arg)
{
	struct show *s = arg;
	char y[40], area[40];
	ch_report_add_row(s->r, 0);
	ch_report_set_text(s->r, I_VILLAGE, i->village);
	ch_report_set_text(s->r, I_HH, i->hh_no);
	ch_report_set_text(s->r, I_HEAD, i->head_name);
	ch_report_set_text(s->r, I_ID, i->id_masked);
	ch_report_set_text(s->r, I_TECH, i->technology);
	ch_report_set_text(s->r, I_MEASURES, i->measures);
	ch_report_set_text(s->r, I_AREA, i->es_area_centi ? YUAN(i->es_area_centi, area) : "");
	ch_report_set_text(s->r, I_AMOUNT, YUAN(i->amount_fen, y));
	ch_report_set_text(s->r, I_NOTE, i->objection);
	return 0;
}

static int notice_show(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	struct show s = {APP_REPORT("公示名单", item_cols), res};
	return app_table_unless(
	    res, s.r, ch_notice_items(ctx, ch_args_str(a, "notice"), show_head, show_item, &s));
}

static int notice_print(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *out = ch_args_str(a, "output");
	size_t n = 0;
	int rc = ch_notice_write(ctx, ch_args_str(a, "notice"), out, &n);
	if (rc)
		return rc;
	ch_result_add_file(res, "output", out);
	ch_result_count(res, "households", (int64_t)n);
	ch_result_printf(res, "公示表（%zu 户）：%s\n", n, out);
	return 0;
}

/* ---- objections ---- */

static int notice_object(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int64_t id;
	int rc = ch_objection_record(ctx, ch_args_str(a, "notice"), ch_args_str(a, "household"),
	                             ch_args_str(a, "date"), ch_args_str(a, "from"),
	                             ch_args_str(a, "reason"), &id);
	if (rc)
		return rc;
	ch_result_count(res, "objection", id);
	ch_result_printf(res, "已登记异议 %" PRId64 "（户编号 %s），处理前该户暂停发放\n", id,
	                 ch_args_str(a, "household"));
	return 0;
}

static int notice_resolve(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int upheld = ch_args_flag(a, "upheld"), dismissed = ch_args_flag(a, "dismissed");
	int64_t id = ch_args_int(a, "objection", 0), order;
	char today[11];
	if (upheld == dismissed)
		return ch_error_set_field(
		    CH_EUSAGE, "upheld",
		    "请给出 --upheld（异议成立）或 --dismissed（异议不成立）之一");
	int rc = ch_objection_resolve(ctx, id, upheld, day_or_today(a, today),
	                              ch_args_str(a, "note"), &order);
	if (rc)
		return rc;
	ch_result_count(res, "rectification", order);
	if (upheld)
		ch_result_printf(res,
		                 "异议 %" PRId64
		                 " 成立：该户补助预留已退回县级专户，已下达整改单 %" PRId64
		                 "；整改销号后重新预留、重新公示\n",
		                 id, order);
	else
		ch_result_printf(res, "异议 %" PRId64 " 不成立：该户公示期满后可发放\n", id);
	return 0;
}

enum {
	O_ID,
	O_NOTICE,
	O_COUNTY,
	O_HH,
	O_HEAD,
	O_DAY,
	O_FROM,
	O_REASON,
	O_STATUS,
	O_RESOLVED,
	O_NOTE
};
static const struct app_col objection_cols[] = {
    [O_ID] = {"objection", "异议编号", CH_COL_INT},
    [O_NOTICE] = {"notice", "公示编号", CH_COL_TEXT},
    [O_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [O_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [O_HEAD] = {"head_name", "户主姓名", CH_COL_TEXT},
    [O_DAY] = {"day", "收到日期", CH_COL_TEXT},
    [O_FROM] = {"from", "异议人", CH_COL_TEXT},
    [O_REASON] = {"reason", "异议理由", CH_COL_TEXT},
    [O_STATUS] = {"status", "处理结果", CH_COL_TEXT},
    [O_RESOLVED] = {"resolved", "处理日期", CH_COL_TEXT},
    [O_NOTE] = {"note", "处理意见", CH_COL_TEXT},
};

static int add_objection(const ch_objection_row *o, void *arg)
{
	static const ch_label status[] = {
	    {"open", "待处理"}, {"upheld", "异议成立"}, {"dismissed", "异议不成立"}, {NULL, NULL}};
	ch_report *r = arg;
	char d[24], rd[24];
	ch_date_chinese(o->day, d, sizeof d);
	ch_date_chinese(o->resolved_day, rd, sizeof rd);
	ch_report_add_row(r, 0);
	ch_report_set_int(r, O_ID, o->id);
	ch_report_set_text(r, O_NOTICE, o->notice);
	ch_report_set_text(r, O_COUNTY, o->county);
	ch_report_set_text(r, O_HH, o->hh_no);
	ch_report_set_text(r, O_HEAD, o->head_name);
	ch_report_set_text(r, O_DAY, d);
	ch_report_set_text(r, O_FROM, *o->from ? o->from : "匿名");
	ch_report_set_text(r, O_REASON, o->reason);
	ch_report_set_text(r, O_STATUS, ch_label_of(status, o->status));
	ch_report_set_text(r, O_RESOLVED, rd);
	ch_report_set_text(r, O_NOTE, o->note ? o->note : "");
	return 0;
}

static int notice_objections(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("公示异议", objection_cols);
	return app_table_unless(res, r,
	                        ch_objection_each(ctx, ch_args_str(a, "county"),
	                                          ch_args_flag(a, "open"), add_objection, r));
}

/* ---- holds ---- */

static int subsidy_hold(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int64_t id;
	char today[11];
	int rc = ch_hold_set(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"),
	                     day_or_today(a, today), ch_args_str(a, "reason"), &id);
	if (rc)
		return rc;
	ch_result_count(res, "hold", id);
	ch_result_printf(res, "户编号 %s 已暂停发放（%s）\n", ch_args_str(a, "household"),
	                 ch_args_str(a, "reason"));
	return 0;
}

static int subsidy_release(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	char today[11];
	int rc = ch_hold_release(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"),
	                         day_or_today(a, today), ch_args_str(a, "note"));
	if (rc == 0)
		ch_result_printf(res, "户编号 %s 已解除人工暂停发放\n",
		                 ch_args_str(a, "household"));
	return rc;
}

enum { H_COUNTY, H_HH, H_HEAD, H_KIND, H_REASON, H_SINCE };
static const struct app_col hold_cols[] = {
    [H_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [H_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [H_HEAD] = {"head_name", "户主姓名", CH_COL_TEXT},
    [H_KIND] = {"kind", "暂停类别", CH_COL_TEXT},
    [H_REASON] = {"reason", "原因", CH_COL_TEXT},
    [H_SINCE] = {"since", "起始日期", CH_COL_TEXT},
};

static int add_hold(const ch_hold_row *h, void *arg)
{
	ch_report *r = arg;
	char d[24];
	ch_date_chinese(h->since, d, sizeof d);
	ch_report_add_row(r, 0);
	ch_report_set_text(r, H_COUNTY, h->county);
	ch_report_set_text(r, H_HH, h->hh_no);
	ch_report_set_text(r, H_HEAD, h->head_name);
	ch_report_set_text(r, H_KIND, h->kind);
	ch_report_set_text(r, H_REASON, h->reason);
	ch_report_set_text(r, H_SINCE, d);
	return 0;
}

static int subsidy_holds(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("暂停发放的农户", hold_cols);
	return app_table_unless(res, r, ch_hold_each(ctx, ch_args_str(a, "county"), add_hold, r));
}

/* ---- a change after review, approved ---- */

static int subsidy_approve(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_change_approval x;
	char today[11], o[40], n[40], d[40];
	int rc = ch_snapshot_approve(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"),
	                             day_or_today(a, today), ch_args_str(a, "note"), &x);
	if (rc)
		return rc;
	ch_result_count(res, "old_fen", x.old_fen);
	ch_result_count(res, "new_fen", x.new_fen);
	ch_result_count(res, "adjusted_fen", x.adjusted_fen);
	ch_result_count(res, "recovery_fen", x.recovery_fen);
	ch_result_printf(res, "户编号 %s 的变更（%s）已审批，恢复发放\n",
	                 ch_args_str(a, "household"), *x.fields ? x.fields : "—");
	if (x.old_fen || x.new_fen)
		ch_result_printf(res, "重新核定补助：%s 元 → %s 元；调整 %s%s 元\n",
		                 YUAN(x.old_fen, o), YUAN(x.new_fen, n),
		                 x.adjusted_fen > 0 ? "+" : "", YUAN(x.adjusted_fen, d));
	if (x.recovery_fen)
		ch_result_printf(res, "已发出部分超过新核定补助 %s 元，已登记追回 %" PRId64 "\n",
		                 YUAN(x.recovery_fen, d), x.recovery_id);
	return 0;
}

/* ---- the table ---- */

#define P_NOTICE                                                                                   \
	{                                                                                          \
		"notice", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "NOTICE", NULL, 0, 0,   \
		    "公示编号（如 公示-652301-2023-001）"                                 \
	}
#define P_HOUSEHOLD(help)                                                                          \
	{                                                                                          \
		"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL,   \
		    0, 0, (help)                                                                   \
	}

static const struct ch_param create_params[] = {
    APP_P_COUNTY(CH_PF_REQUIRED, "公示哪个县市的农户（名称或代码）"),
    {"village", CH_PT_STRING, 0, "V", NULL, 0, 0, "只公示该村的农户（村名）"},
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "公示开始日期（当天为工作日时计入）"},
    {"output", CH_PT_OUTFILE, 0, "FILE", NULL, 0, 0,
     "同时写出张贴用的 A4 公示表（.xlsx 或 .pdf，按文件名）"},
    {0},
};
static const struct ch_param list_params[] = {
    APP_P_COUNTY(0, "只列该县市的公示（名称或代码）"),
    {0},
};
static const struct ch_param show_params[] = {
    P_NOTICE,
    {0},
};
static const struct ch_param print_params[] = {
    P_NOTICE,
    {"output", CH_PT_OUTFILE, CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "张贴用的 A4 公示表（.xlsx 或 .pdf，按文件名；身份证号已隐去中间位）"},
    {0},
};
static const struct ch_param object_params[] = {
    P_NOTICE,
    P_HOUSEHOLD("被提出异议的农户的户编号"),
    {"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "收到异议的日期"},
    {"from", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "异议人（可不写：匿名）"},
    {"reason", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0, "异议理由"},
    {0},
};
static const struct ch_param resolve_params[] = {
    {"objection", CH_PT_INT, CH_PF_POSITIONAL | CH_PF_REQUIRED, "OBJECTION", NULL, 1, 2000000000L,
     "异议编号（见 notice objections）"},
    {"upheld", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "异议成立：撤回该户补助预留并下达整改单"},
    {"dismissed", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "异议不成立：该户照常发放"},
    {"note", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0, "核实情况与处理意见"},
    {"date", CH_PT_DATE, 0, "D", NULL, 0, 0, "处理日期（默认今天）"},
    {0},
};
static const struct ch_param objections_params[] = {
    APP_P_COUNTY(0, "只列该县市的异议（名称或代码）"),
    {"open", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "只列待处理的异议"},
    {0},
};
static const struct ch_param hold_params[] = {
    P_HOUSEHOLD("户编号（配合 --county）或身份证号"),
    APP_P_COUNTY(0, "户编号所在县市（名称或代码）"),
    {"reason", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0, "暂停发放的原因"},
    {"date", CH_PT_DATE, 0, "D", NULL, 0, 0, "暂停日期（默认今天）"},
    {0},
};
static const struct ch_param release_params[] = {
    P_HOUSEHOLD("户编号（配合 --county）或身份证号"),
    APP_P_COUNTY(0, "户编号所在县市（名称或代码）"),
    {"note", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "解除的理由"},
    {"date", CH_PT_DATE, 0, "D", NULL, 0, 0, "解除日期（默认今天）"},
    {0},
};
static const struct ch_param approve_params[] = {
    P_HOUSEHOLD("户编号（配合 --county）或身份证号"),
    APP_P_COUNTY(0, "户编号所在县市（名称或代码）"),
    {"note", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0, "审批意见"},
    {"date", CH_PT_DATE, 0, "D", NULL, 0, 0, "审批日期（默认今天）"},
    {0},
};
static const struct ch_param holds_params[] = {
    APP_P_COUNTY(0, "只列该县市的农户（名称或代码）"),
    {0},
};

const struct ch_op ch_ops_notice[] = {
    {"notice", "create", "公示复核合格且已预留补助的农户（公示期按工作日计），可写出 A4 公示表",
     CH_PERM_FUNDS, CH_OP_WRITES, CH_RF_TEXT, create_params, notice_create},
    {"notice", "list", "补助发放公示：公示期、户数、金额和异议", CH_PERM_READ, 0, CH_RF_ALL,
     list_params, notice_list},
    {"notice", "show", "一次公示的农户名单（身份证号隐去中间位）", CH_PERM_READ, 0, CH_RF_ALL,
     show_params, notice_show},
    {"notice", "print", "写出张贴用的 A4 公示表（XLSX 或 PDF）", CH_PERM_READ, 0, CH_RF_TEXT,
     print_params, notice_print},
    {"notice", "object", "登记对公示农户的异议（可匿名），处理前该户暂停发放", CH_PERM_FUNDS,
     CH_OP_WRITES, CH_RF_TEXT, object_params, notice_object},
    {"notice", "resolve", "处理异议：成立则撤回预留并下达整改单，不成立则照常发放", CH_PERM_FUNDS,
     CH_OP_WRITES, CH_RF_TEXT, resolve_params, notice_resolve},
    {"notice", "objections", "公示异议及其处理结果", CH_PERM_READ, 0, CH_RF_ALL, objections_params,
     notice_objections},
    {"subsidy", "hold", "暂停一户的补助发放", CH_PERM_FUNDS, CH_OP_WRITES, CH_RF_TEXT, hold_params,
     subsidy_hold},
    {"subsidy", "release", "解除一户的人工暂停发放", CH_PERM_FUNDS, CH_OP_WRITES, CH_RF_TEXT,
     release_params, subsidy_release},
    {"subsidy", "approve", "审批复核通过后补助依据的变更：恢复发放，重新核定补助并记入调整（州级）",
     CH_PERM_APPROVE_CHANGE, CH_OP_WRITES | CH_OP_REAUTH, CH_RF_TEXT, approve_params,
     subsidy_approve},
    {"subsidy", "holds", "暂停发放的农户：人工暂停、核定后变更待审批、整改未销号、异议待处理",
     CH_PERM_READ, 0, CH_RF_ALL, holds_params, subsidy_holds},
    {0},
};
