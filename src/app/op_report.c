/*
 * op_report — the progress dispatch and what follows from it: `report
 * dispatch` (周调度/月调度), `report remind` (notices to lagging counties),
 * `report freeze` (lock a period's figures), `report verify` (recompute the
 * aggregates from the events), `report county` (one county by township,
 * village, contractor or technology: 县市详情).
 *
 * The dispatch is a table for every format; given an output file, it is
 * written there instead, as the sheet offices circulate when the file is
 * .xlsx (io/dispatch_report.c). Which counties are reminded is core's rule
 * (ch_dispatch_reminders); the notice's wording is built here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/county_progress.h"
#include "core/dispatch.h"
#include "core/event.h"
#include "io/dispatch_report.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/text.h"

/* The dispatch on --as-of for --year, by --period. */
static int compute(ch_ctx *ctx, const ch_args *a, ch_dispatch *d)
{
	const char *period = ch_args_str(a, "period");
	return ch_dispatch_compute(ctx, (int)ch_args_int(a, "year", 0), ch_args_str(a, "as-of"),
	                           period && strcmp(period, "month") == 0, d);
}

/* The format of an output file by its extension: the office's sheet for
 * .xlsx, JSON for .json, else CSV. */
static enum ch_format format_of(const char *path)
{
	return ch_str_ends(path, ".xlsx")   ? CH_FMT_XLSX
	       : ch_str_ends(path, ".json") ? CH_FMT_JSON
	                                    : CH_FMT_CSV;
}

static int report_dispatch(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *out = ch_args_str(a, "output");
	ch_dispatch d;
	int rc = compute(ctx, a, &d);
	if (rc)
		return rc;
	if (!out || strcmp(out, "-") == 0) { /* "-": standard output, in the chosen format */
		ch_report *r = ch_dispatch_report(&d);
		if (!ch_args_flag(a, "wide")) /* a terminal table: the key figures */
			ch_dispatch_report_brief(r);
		ch_result_add_table(res, r);
	} else if ((rc = ch_dispatch_write(&d, format_of(out), out)) == 0)
		ch_result_add_file(res, "output", out);
	ch_dispatch_dispose(&d);
	return rc;
}

/* "12.3%" from tenths of a percent (truncated, as the dispatch shows it). */
static void fmt_pct(char *out, size_t n, int64_t tenths)
{
	snprintf(out, n, "%" PRId64 ".%d%%", tenths / 10, (int)(tenths % 10));
}

/* The notice to the county of reminder X: its figures against the
 * target less its withdrawn households, a deadline already passed as
 * missed (by how many households), one still ahead as at risk. */
static void notice(ch_buf *b, const ch_dispatch *d, const ch_reminder *x)
{
	const ch_dispatch_row *r = x->row;
	const char *pref = d->prefecture;
	ch_date a;
	ch_date_parse(d->as_of, &a);
	ch_buf_printf(b, "关于加快推进%s%d年农村清洁取暖改造进度的提醒\n\n", r->name, d->year);
	ch_buf_printf(b, "%s冬季清洁取暖工作领导小组办公室：\n\n", r->name);
	ch_buf_printf(b,
	              "    截至%d年%d月%d日，你县（市）%d年农村清洁取暖改造任务%" PRId64
	              "户（新建%" PRId64 "户、续建%" PRId64 "户）",
	              a.year, a.month, a.day, d->year, r->target, r->target_new,
	              r->target_continuing);
	if (r->n[CH_STAGE_WITHDRAWN])
		ch_buf_printf(b, "，已退出%" PRId64 "户，扣除后应完成%" PRId64 "户",
		              r->n[CH_STAGE_WITHDRAWN], r->goal);
	ch_buf_puts(b, "；");
	int first = 1;
	for (int k = 0; k < CH_DISPATCH_NSTAGES; k++) {
		int s = ch_dispatch_stages[k];
		if (r->expected[s] <= 0)
			continue;
		char act[32], exp[32];
		fmt_pct(act, sizeof act, r->goal > 0 ? r->n[s] * 1000 / r->goal : 0);
		fmt_pct(exp, sizeof exp, r->expected[s]);
		ch_buf_printf(b, "%s%s%" PRId64 "户（%s），按计划应达到%s", first ? "" : "；",
		              ch_stage_name(s), r->n[s], act, exp);
		if (r->gap[s] > 0)
			ch_buf_printf(b, "，落后%d.%d个百分点", r->gap[s] / 10, r->gap[s] % 10);
		first = 0;
	}
	ch_buf_puts(b, "。");
	for (int k = 0; k < CH_DISPATCH_NSTAGES; k++) {
		int s = ch_dispatch_stages[k];
		const ch_date *dl = &d->cal.deadline[s];
		if (r->expected[s] < 0 || !dl->year || r->n[s] >= r->goal)
			continue;
		if (r->missed[s])
			ch_buf_printf(
			    b, "%s应于%d月%d日前全部完成，该节点已过，仍有%" PRId64 "户未完成。",
			    ch_stage_name(s), dl->month, dl->day, r->goal - r->n[s]);
		else if (r->beyond_year[s])
			ch_buf_printf(b,
			              "按近%d周进度推算，%s年内无法全部完成，%d月%d日的节点要求"
			              "难以完成。",
			              d->cal.forecast_weeks, ch_stage_name(s), dl->month, dl->day);
		else if (r->late[s])
			ch_buf_printf(b,
			              "按近%d周进度推算，%s将于%d年%d月%d日才能全部完成，晚于%d月%"
			              "d日的节点要求。",
			              d->cal.forecast_weeks, ch_stage_name(s), r->forecast[s].year,
			              r->forecast[s].month, r->forecast[s].day, dl->month, dl->day);
		else if (r->stalled[s])
			ch_buf_printf(b, "近%d周%s没有进展，%d月%d日的节点要求难以完成。",
			              d->cal.forecast_weeks, ch_stage_name(s), dl->month, dl->day);
	}
	if (x->reason == CH_REMIND_YELLOW_TWICE)
		ch_buf_puts(b, "你县（市）已连续两期处于进度滞后（黄色）状态。");
	/* the plan document as the office recorded it with the year's plan */
	ch_buf_puts(b, "\n\n    根据");
	if (d->plan_title)
		ch_buf_printf(b, "《%s》", d->plan_title);
	else
		ch_buf_printf(b, "%d年度计划", d->year);
	ch_buf_printf(
	    b,
	    "确定的节点要求（%d月%d日前全面开工建设，%d月%d日前完成安装调试并达到"
	    "使用条件），请你县（市）高度重视，认真分析进度滞后原因，倒排工期、"
	    "压实责任，加快推进项目建设，确保按期完成年度任务。\n\n",
	    d->cal.deadline[CH_STAGE_STARTED].month, d->cal.deadline[CH_STAGE_STARTED].day,
	    d->cal.deadline[CH_STAGE_INSTALLED].month, d->cal.deadline[CH_STAGE_INSTALLED].day);
	ch_buf_printf(b, "%*s%s冬季清洁取暖工作领导小组办公室\n%*s%d年%d月%d日\n", 24, "", pref, 32,
	              "", a.year, a.month, a.day);
}

static int report_remind(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *out = ch_args_str(a, "output");
	ch_dispatch d;
	ch_reminder *x = NULL;
	size_t n = 0;
	ch_buf b;
	int rc = compute(ctx, a, &d);
	if (rc)
		return rc;
	if ((rc = ch_dispatch_reminders(ctx, &d, &x, &n)) != 0) {
		ch_dispatch_dispose(&d);
		return rc;
	}
	ch_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ch_buf_puts(&b, "\n\f\n"); /* a page break between notices */
		notice(&b, &d, &x[i]);
	}
	if (n == 0)
		ch_buf_printf(&b, "截至%s，没有需要提醒的县（市）（无红色，也无连续两期黄色）。\n",
		              d.as_of);
	ch_result_count(res, "notices", (int64_t)n);
	if (!out) {
		ch_result_printf(res, "%s", b.ptr);
	} else if ((rc = ch_file_write(out, b.ptr, b.len)) == 0) {
		ch_result_add_file(res, "output", out);
		ch_result_printf(res, "已生成 %zu 份提醒：%s\n", n, out);
	}
	ch_buf_dispose(&b);
	free(x);
	ch_dispatch_dispose(&d);
	return rc;
}

static int report_freeze(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	long year = ch_args_int(a, "year", 0);
	const char *period = ch_args_str(a, "period");
	int rc = ch_dispatch_freeze(ctx, (int)year, period, ch_args_str(a, "today"));
	if (rc == 0)
		ch_result_printf(
		    res, "%ld年 %s 的调度数据已冻结；此后对该期内事件的更正将作为变化显示\n", year,
		    period);
	return rc;
}

static int report_verify(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	size_t n = 0;
	(void)a;
	int rc = ch_progress_verify(ctx, &n);
	ch_result_count(res, "rows", (int64_t)n);
	if (rc == 0)
		ch_result_printf(res, "进度汇总与事件一致（%zu 行）\n", n);
	return rc;
}

/* The day is checked by core (exit 1 for a day that cannot be). */
#define P_AS_OF                                                                                    \
	{                                                                                          \
		"as-of", CH_PT_STRING, CH_PF_REQUIRED, "D", NULL, 0, 0,                            \
		    "统计截至日期（YYYY-MM-DD）"                                           \
	}
#define P_PERIOD                                                                                          \
	{                                                                                                 \
		"period", CH_PT_ENUM, 0, NULL, "week|month", 0, 0, "与上周（默认）或上月比较" \
	}

static const struct ch_param dispatch_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    P_AS_OF,
    P_PERIOD,
    {"output", CH_PT_OUTFILE, 0, "FILE", NULL, 0, 0,
     "把调度表写入 FILE：.xlsx 为调度报表，.json 为 JSON，其他为 CSV"},
    {"wide", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "表格格式显示全部列（默认每县市一行，只列主要数字；CSV、JSON、XLSX 总含全部列）"},
    {0},
};

static const struct ch_param remind_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    P_AS_OF,
    P_PERIOD,
    {"output", CH_PT_OUTFILE, 0, "FILE", NULL, 0, 0, "把提醒函写入 FILE（文本，每份之间分页）"},
    {0},
};

static const struct ch_param freeze_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    {"period", CH_PT_STRING, CH_PF_REQUIRED, "YYYY-Www|YYYY-MM", NULL, 0, 0,
     "要锁定的周或月（须已结束）"},
    APP_P_TODAY,
    {0},
};

/* ---- one county below the dispatch (县市详情) ---- */

/* The stages a county's detail shows, as "已开工·户数" and "已开工·占登记". */
static const int county_stages[] = {CH_STAGE_STARTED,      CH_STAGE_INSTALLED,
                                    CH_STAGE_COMMISSIONED, CH_STAGE_SELF_INSPECTED,
                                    CH_STAGE_REVIEWED,     CH_STAGE_SUBSIDIZED};
#define COUNTY_NSTAGES (sizeof county_stages / sizeof county_stages[0])

/* The columns naming a row, by --by: key, heading, what a row without one
 * says. */
static const struct {
	const char *key, *label, *none, *by;
} county_groups[] = {
    [CH_COUNTY_BY_TOWNSHIP] = {"township", "乡镇", "", "按乡镇"},
    [CH_COUNTY_BY_VILLAGE] = {"village", "村", "（未填写村）", "按村"},
    [CH_COUNTY_BY_CONTRACTOR] = {"contractor", "施工单位", "（未填写施工单位）", "按施工单位"},
    [CH_COUNTY_BY_TECHNOLOGY] = {"technology", "技术路线", "", "按技术路线"},
};

static void county_row(ch_report *r, const ch_county_progress *p, const ch_county_row *row,
                       int is_total)
{
	int c = 0;
	char label[256], pct[32];
	ch_report_add_row(r, is_total);
	if (is_total) {
		snprintf(label, sizeof label, "%s合计", p->township ? p->township : p->county);
		ch_report_set_text(r, c++, label);
		if (p->by == CH_COUNTY_BY_VILLAGE)
			c++;
	} else {
		if (p->by == CH_COUNTY_BY_VILLAGE)
			ch_report_set_text(r, c++, row->township);
		ch_report_set_text(r, c++, row->name ? row->name : county_groups[p->by].none);
	}
	ch_report_set_int(r, c++, row->registered);
	for (size_t k = 0; k < COUNTY_NSTAGES; k++) {
		int s = county_stages[k];
		ch_report_set_int(r, c++, row->n[s]);
		app_pct(pct, sizeof pct, row->n[s], row->registered);
		ch_report_set_text(r, c++, pct);
	}
	ch_report_set_int(r, c, row->n[CH_STAGE_WITHDRAWN]);
}

static int report_county(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_county_progress p;
	char title[512], key[64], label[96];
	ch_date d;
	int by = ch_county_by_parse(ch_args_str(a, "by") ? ch_args_str(a, "by") : "township");
	int rc = ch_county_progress_compute(ctx, (int)ch_args_int(a, "year", 0),
	                                    ch_args_str(a, "county"), ch_args_str(a, "township"),
	                                    ch_args_str(a, "as-of"), (enum ch_county_by)by, &p);
	if (rc)
		return rc;
	ch_date_parse(p.as_of, &d);
	snprintf(title, sizeof title, "%d年%s%s农村清洁取暖改造进度（%s，截至%d年%d月%d日）",
	         p.year, p.county, p.township ? p.township : "", county_groups[p.by].by, d.year,
	         d.month, d.day);
	ch_report *r = ch_report_new(title);
	if (p.by == CH_COUNTY_BY_VILLAGE)
		ch_report_add_col(r, "township", "乡镇", CH_COL_TEXT);
	ch_report_add_col(r, county_groups[p.by].key, county_groups[p.by].label, CH_COL_TEXT);
	ch_report_add_col(r, "registered", "登记户数", CH_COL_INT);
	for (size_t k = 0; k < COUNTY_NSTAGES; k++) {
		int s = county_stages[k];
		snprintf(key, sizeof key, "%s_n", ch_stage_key(s));
		snprintf(label, sizeof label, "%s·户数", ch_stage_name(s));
		ch_report_add_col(r, key, label, CH_COL_INT);
		snprintf(key, sizeof key, "%s_pct", ch_stage_key(s));
		snprintf(label, sizeof label, "%s·占登记", ch_stage_name(s));
		ch_report_add_col(r, key, label, CH_COL_TEXT);
	}
	ch_report_add_col(r, "withdrawn", "已退出·户数", CH_COL_INT);
	for (size_t i = 0; i < p.nrows; i++)
		county_row(r, &p, &p.rows[i], 0);
	county_row(r, &p, &p.total, 1);
	ch_report_add_note(
	    r, "登记户数：该年度登记的农户，不含截至当日已退出的；占登记 = 户数 ÷ 登记户数"
	       "（计划未分解到乡镇和村）");
	ch_report_add_note(
	    r, "各环节户数与调度表同一口径：截至当日已达到该环节的农户（以未被更正的记录"
	       "为准，已退出的不计），合计行与调度表中该县市的户数一致");
	ch_result_count(res, "rows", (int64_t)p.nrows);
	ch_result_add_table(res, r);
	ch_county_progress_dispose(&p);
	return 0;
}

static const struct ch_param county_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    APP_P_COUNTY(CH_PF_REQUIRED, "县市（代码、名称或简称，如木垒县）"),
    P_AS_OF,
    {"by", CH_PT_ENUM, 0, NULL, "township|village|contractor|technology", 0, 0,
     "每行一个乡镇（默认）、村、施工单位或改造方式"},
    {"township", CH_PT_STRING, 0, "T", NULL, 0, 0, "只统计该乡镇的农户"},
    {0},
};

const struct ch_op ch_ops_report[] = {
    {"report", "dispatch", "各县市各环节进度与任务、时间节点对比（周调度／月调度）", CH_PERM_READ,
     0, CH_RF_ALL, dispatch_params, report_dispatch},
    {"report", "remind", "为红色或连续两期黄色的县市生成提醒函", CH_PERM_READ, 0, CH_RF_TEXT,
     remind_params, report_remind},
    {"report", "freeze", "锁定某一期的调度数字", CH_PERM_FREEZE, CH_OP_WRITES, CH_RF_TEXT,
     freeze_params, report_freeze},
    {"report", "verify", "根据环节记录重算进度汇总并比对", CH_PERM_READ, 0, CH_RF_TEXT, NULL,
     report_verify},
    {"report", "county", "一个县市按乡镇、村、施工单位或改造方式的进度（县市详情）", CH_PERM_READ,
     0, CH_RF_ALL, county_params, report_county},
    {0},
};
