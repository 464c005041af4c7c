/*
 * dispatch_report — rendering the dispatch (see dispatch_report.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/dispatch_report.h"
#include "io/xlsxw.h"
#include "util/alloc.h"
#include "util/error.h"

/* The stages shown, with their group heading. */
static const int shown[] = {CH_STAGE_STARTED, CH_STAGE_INSTALLED, CH_STAGE_COMMISSIONED,
                            CH_STAGE_SELF_INSPECTED, CH_STAGE_REVIEWED};
#define NSHOWN (sizeof shown / sizeof shown[0])

enum kind { K_INT, K_TEXT };

/* A cell value: what one column shows for one row (and stage). */
struct val {
	enum kind kind;
	int64_t i;
	char s[32];
};

typedef void (*getter)(const ch_dispatch *d, const ch_dispatch_row *r, int stage, struct val *v);

static void pct(int64_t tenths, struct val *v)
{
	v->kind = K_TEXT;
	snprintf(v->s, sizeof v->s, "%" PRId64 ".%d%%", tenths / 10, (int)llabs(tenths % 10));
}

static void g_target(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->target;
}
static void g_new(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->target_new;
}
static void g_cont(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->target_continuing;
}
static void g_goal(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->goal;
}
static void g_n(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d;
	v->i = r->n[s];
}
static void g_pct(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d;
	pct(r->goal > 0 ? r->n[s] * 1000 / r->goal : 0, v);
}
static void g_expected(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d;
	if (r->expected[s] < 0) {
		v->kind = K_TEXT;
		strcpy(v->s, "-");
	} else {
		pct(r->expected[s], v);
	}
}
static void g_gap(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d;
	v->kind = K_TEXT;
	if (r->expected[s] < 0)
		strcpy(v->s, "-");
	else
		snprintf(v->s, sizeof v->s, "%s%d.%d",
		         r->gap[s] > 0   ? "落后"
		         : r->gap[s] < 0 ? "超前"
		                         : "",
		         abs(r->gap[s]) / 10, abs(r->gap[s]) % 10);
}
static void g_change(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d;
	v->i = r->n[s] - r->prev[s];
}
static void g_forecast(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d;
	v->kind = K_TEXT;
	if (r->goal > 0 && r->n[s] >= r->goal)
		strcpy(v->s, "已完成");
	else if (r->beyond_year[s])
		strcpy(v->s, "年内无法完成");
	else if (r->stalled[s])
		strcpy(v->s, "停滞");
	else if (r->forecast[s].year == 0)
		strcpy(v->s, "-");
	else
		snprintf(v->s, sizeof v->s, "%04d-%02d-%02d%s", r->forecast[s].year,
		         r->forecast[s].month, r->forecast[s].day, r->late[s] ? "（逾期）" : "");
}
static void g_withdrawn(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->n[CH_STAGE_WITHDRAWN];
}
static void g_status(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->kind = K_TEXT;
	snprintf(v->s, sizeof v->s, "%s", ch_status_name(r->status));
}
static void g_es_target(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->target_es;
}
static void g_es_done(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->es_n[CH_STAGE_INSTALLED];
}
static void g_es_pct(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	pct(r->target_es > 0 ? r->es_n[CH_STAGE_INSTALLED] * 1000 / r->target_es : 0, v);
}
static void g_es_area(const ch_dispatch *d, const ch_dispatch_row *r, int s, struct val *v)
{
	(void)d, (void)s;
	v->i = r->es_area_centi[CH_STAGE_INSTALLED] / 100;
}

/* The column table: a group heading (NULL: the stage's name, repeated for
 * every stage shown), a heading, a JSON key, and what it shows. */
static const struct column {
	const char *group, *label, *key;
	int per_stage;
	getter get;
} columns[] = {
    {"计划任务(户)", "合计", "target", 0, g_target},
    {"计划任务(户)", "新建", "target_new", 0, g_new},
    {"计划任务(户)", "续建", "target_continuing", 0, g_cont},
    {"计划任务(户)", "扣除退出", "goal", 0, g_goal},
    {NULL, "户数", "n", 1, g_n},
    {NULL, "完成率", "pct", 1, g_pct},
    {NULL, "应完成", "expected", 1, g_expected},
    {NULL, "差距(百分点)", "gap", 1, g_gap},
    {NULL, "较上期", "change", 1, g_change},
    {NULL, "预计完成", "forecast", 1, g_forecast},
    {"已退出", "户数", "withdrawn", 0, g_withdrawn},
    {"状态", "", "status", 0, g_status},
    {"建筑节能改造", "计划户数", "es_target", 0, g_es_target},
    {"建筑节能改造", "已完工户数", "es_done", 0, g_es_done},
    {"建筑节能改造", "完成率", "es_pct", 0, g_es_pct},
    {"建筑节能改造", "已完工面积(㎡)", "es_area", 0, g_es_area},
};
#define NCOLS (sizeof columns / sizeof columns[0])

/* One output column: a column of the table, for one stage (or -1). */
struct outcol {
	const struct column *c;
	int stage;
};
#define MAX_OUT (NCOLS * NSHOWN)

/* The columns in output order: the per-stage columns grouped by stage. */
static size_t out_columns(struct outcol *out)
{
	size_t n = 0;
	for (size_t i = 0; i < NCOLS; i++) {
		if (!columns[i].per_stage) {
			out[n++] = (struct outcol){&columns[i], -1};
		} else if (i == 0 || !columns[i - 1].per_stage) {
			for (size_t k = 0; k < NSHOWN; k++)
				for (size_t j = i; j < NCOLS && columns[j].per_stage; j++)
					out[n++] = (struct outcol){&columns[j], shown[k]};
		}
	}
	return n;
}

/* The key of output column O, as the report's column and the brief name
 * it: the stage's key and the column's, or the column's alone. */
static void col_key(const struct outcol *o, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%s%s", o->stage >= 0 ? ch_stage_key(o->stage) : "",
	         o->stage >= 0 ? "_" : "", o->c->key);
}

static void value_of(const ch_dispatch *d, const ch_dispatch_row *r, const struct outcol *oc,
                     struct val *v)
{
	memset(v, 0, sizeof *v);
	oc->c->get(d, r, oc->stage < 0 ? 0 : oc->stage, v);
}

void ch_dispatch_title(const ch_dispatch *d, char *out, size_t outsz)
{
	const char *prefecture = d->prefecture ? d->prefecture : "";
	ch_date a;
	ch_date_parse(d->as_of, &a);
	const char *w = strchr(d->period, 'W');
	if (d->monthly)
		snprintf(out, outsz, "%d年%s农村清洁取暖改造进度月调度表（截至%d年%d月%d日）",
		         d->year, prefecture, a.year, a.month, a.day);
	else
		snprintf(out, outsz,
		         "%d年%s农村清洁取暖改造进度周调度表（截至%d年%d月%d日，第%d周）", d->year,
		         prefecture, a.year, a.month, a.day, w ? atoi(w + 1) : 0);
}

#define NNOTES 4

static void notes(const ch_dispatch *d, char lines[NNOTES][256])
{
	snprintf(lines[0], 256,
	         "应完成：按实施方案节点（%d年%d月%d日全面开工，%d月%d日前完成安装调试）线性推算；"
	         "落后不超过%d个百分点为绿，不超过%d个为黄，超过为红",
	         d->cal.impl_start.year, d->cal.deadline[CH_STAGE_STARTED].month,
	         d->cal.deadline[CH_STAGE_STARTED].day, d->cal.deadline[CH_STAGE_INSTALLED].month,
	         d->cal.deadline[CH_STAGE_INSTALLED].day, d->cal.green_gap, d->cal.yellow_gap);
	snprintf(lines[1], 256, "较上期：与%s（%s）相比%s；预计完成按最近%d周的进度推算",
	         d->prev_period, d->prev_as_of, d->prev_frozen ? "（该期已冻结，按冻结数）" : "",
	         d->cal.forecast_weeks);
	snprintf(lines[2], 256,
	         "完成率：户数 ÷ 计划任务扣除已退出户数（已退出的农户不计入任何环节）；"
	         "预计完成晚于节点为逾期，晚于%d年底为年内无法完成",
	         d->year);
	lines[3][0] = '\0';
	if (d->prev_frozen) {
		int64_t corr = 0;
		for (int s = 0; s < CH_STAGE_COUNT; s++)
			corr += llabs(d->rows[d->nrows - 1].corrected[s]);
		if (corr)
			snprintf(lines[3], 256,
			         "冻结后对冻结期内事件的更正已计入本期“较上期”（涉及 %" PRId64
			         " 户次）",
			         corr);
	}
}

ch_report *ch_dispatch_report(const ch_dispatch *d)
{
	char title[256], label[96], key[64], nl[NNOTES][256];
	struct outcol oc[MAX_OUT];
	size_t n = out_columns(oc);
	ch_dispatch_title(d, title, sizeof title);
	ch_report *r = ch_report_new(title);
	ch_report_add_col(r, "county", "县(市)", CH_COL_TEXT);
	for (size_t k = 0; k < n; k++) {
		int s = oc[k].stage;
		struct val probe;
		snprintf(label, sizeof label, "%s%s%s", s >= 0 ? ch_stage_name(s) : oc[k].c->group,
		         *oc[k].c->label ? "·" : "", oc[k].c->label);
		col_key(&oc[k], key, sizeof key);
		value_of(d, &d->rows[0], &oc[k], &probe);
		ch_report_add_col(r, key, label, probe.kind == K_INT ? CH_COL_INT : CH_COL_TEXT);
	}
	for (size_t i = 0; i < d->nrows; i++) {
		ch_report_add_row(r, i + 1 == d->nrows);
		ch_report_set_text(r, 0, d->rows[i].name);
		for (size_t k = 0; k < n; k++) {
			struct val v;
			value_of(d, &d->rows[i], &oc[k], &v);
			if (v.kind == K_INT)
				ch_report_set_int(r, (int)k + 1, v.i);
			else
				ch_report_set_text(r, (int)k + 1, v.s);
		}
	}
	notes(d, nl);
	for (int k = 0; k < NNOTES; k++)
		if (nl[k][0])
			ch_report_add_note(r, nl[k]);
	return r;
}

void ch_dispatch_report_brief(ch_report *r)
{
	/* the column keys of ch_dispatch_report, in the order printed */
	static const struct {
		const char *key, *label;
	} keys[] = {
	    {"target", "任务"},
	    {"withdrawn", "退出"},
	    {"started_n", "开工"},
	    {"started_pct", "开工率"},
	    {"installed_n", "完工"},
	    {"installed_pct", "完工率"},
	    {"commissioned_n", "调试"},
	    {"commissioned_pct", "调试率"},
	    {"self_inspected_pct", "自验率"},
	    {"reviewed_pct", "复核率"},
	    {"status", "状态"},
	};
	struct outcol oc[MAX_OUT];
	size_t n = out_columns(oc);
	int cols[1 + sizeof keys / sizeof keys[0]], nb = 0;
	const char *labels[1 + sizeof keys / sizeof keys[0]];
	char key[MAX_OUT][64]; /* each column's, put together once */
	for (size_t k = 0; k < n; k++)
		col_key(&oc[k], key[k], sizeof key[k]);
	labels[nb] = "县(市)";
	cols[nb++] = 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		for (size_t k = 0; k < n; k++) {
			if (strcmp(key[k], keys[i].key) == 0) {
				labels[nb] = keys[i].label;
				cols[nb++] = (int)k + 1;
			}
		}
	ch_report_set_brief(r, cols, labels, (size_t)nb);
}

static int write_xlsx(const ch_dispatch *d, const char *path)
{
	char title[256], nl[NNOTES][256];
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return ch_error_code();
	lxw_worksheet *ws = workbook_add_worksheet(wb, "调度表");
	lxw_format *ft = workbook_add_format(wb), *fh = workbook_add_format(wb);
	lxw_format *fb = workbook_add_format(wb), *ftot = workbook_add_format(wb);
	lxw_format *fill[3], *fnote = workbook_add_format(wb);
	static const uint32_t colours[3] = {0xC6EFCE, 0xFFEB9C, 0xFFC7CE};
	format_set_bold(ft);
	format_set_font_size(ft, 14);
	format_set_align(ft, LXW_ALIGN_CENTER);
	format_set_bold(fh);
	format_set_border(fh, LXW_BORDER_THIN);
	format_set_align(fh, LXW_ALIGN_CENTER);
	format_set_align(fh, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(fh);
	format_set_bg_color(fh, 0xDDEBF7);
	format_set_border(fb, LXW_BORDER_THIN);
	format_set_border(ftot, LXW_BORDER_THIN);
	format_set_bold(ftot);
	for (int k = 0; k < 3; k++) {
		fill[k] = workbook_add_format(wb);
		format_set_border(fill[k], LXW_BORDER_THIN);
		format_set_bg_color(fill[k], colours[k]);
		format_set_align(fill[k], LXW_ALIGN_CENTER);
	}
	struct outcol oc[MAX_OUT];
	size_t n = out_columns(oc);
	double widths[MAX_OUT + 1];
	unsigned char may_break[MAX_OUT + 1] = {0};
	ch_dispatch_title(d, title, sizeof title);
	worksheet_set_row(ws, 0, 26, NULL);
	/* two header rows: each group merged over its columns, then headings */
	worksheet_merge_range(ws, 1, 0, 2, 0, "县(市)", fh);
	widths[0] = 18;
	for (size_t k = 0; k < n;) {
		const char *g = oc[k].stage >= 0 ? ch_stage_name(oc[k].stage) : oc[k].c->group;
		size_t e = k;
		while (e + 1 < n && strcmp(oc[e + 1].stage >= 0 ? ch_stage_name(oc[e + 1].stage)
		                                                : oc[e + 1].c->group,
		                           g) == 0)
			e++;
		may_break[k + 1] = 1; /* a printed page may begin with a group */
		if (e > k)
			worksheet_merge_range(ws, 1, (lxw_col_t)(k + 1), 1, (lxw_col_t)(e + 1), g,
			                      fh);
		else if (*oc[k].c->label)
			worksheet_write_string(ws, 1, (lxw_col_t)(k + 1), g, fh);
		else /* a group of one column without a heading: span both rows */
			worksheet_merge_range(ws, 1, (lxw_col_t)(k + 1), 2, (lxw_col_t)(k + 1), g,
			                      fh);
		for (size_t j = k; j <= e; j++) {
			if (*oc[j].c->label || e > k)
				worksheet_write_string(ws, 2, (lxw_col_t)(j + 1), oc[j].c->label,
				                       fh);
			widths[j + 1] = oc[j].c->get == g_forecast                     ? 16
			                : oc[j].c->get == g_gap || !oc[j].c->per_stage ? 9
			                                                               : 8;
			worksheet_set_column(ws, (lxw_col_t)(j + 1), (lxw_col_t)(j + 1),
			                     widths[j + 1], NULL);
		}
		k = e + 1;
	}
	worksheet_set_column(ws, 0, 0, widths[0], NULL);
	worksheet_set_row(ws, 2, 30, NULL);
	for (size_t i = 0; i < d->nrows; i++) {
		const ch_dispatch_row *row = &d->rows[i];
		lxw_row_t xr = (lxw_row_t)(3 + i);
		lxw_format *f = i + 1 == d->nrows ? ftot : fb;
		worksheet_write_string(ws, xr, 0, row->name, f);
		for (size_t k = 0; k < n; k++) {
			struct val v;
			value_of(d, row, &oc[k], &v);
			lxw_format *cf = oc[k].c->get == g_status ? fill[row->status] : f;
			if (v.kind == K_INT)
				worksheet_write_number(ws, xr, (lxw_col_t)(k + 1), (double)v.i, cf);
			else
				worksheet_write_string(ws, xr, (lxw_col_t)(k + 1), v.s, cf);
		}
	}
	notes(d, nl);
	format_set_text_wrap(fnote);
	format_set_align(fnote, LXW_ALIGN_VERTICAL_TOP);
	lxw_row_t last = (lxw_row_t)(3 + d->nrows);
	int nnotes = 0;
	for (int k = 0; k < NNOTES; k++)
		nnotes += nl[k][0] != '\0';
	worksheet_freeze_panes(ws, 3, 1);
	int span =
	    ch_xlsx_print_setup(ws, widths, (int)n + 1, may_break, 1, 2, last + (lxw_row_t)nnotes);
	/* the title and the notes over the first printed page, the notes never
	 * clipped */
	worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(span - 1), title, ft);
	for (int k = 0; k < NNOTES; k++)
		if (nl[k][0])
			ch_xlsx_note(ws, ++last, widths, span < (int)n + 1 ? 1 : 0, span, nl[k],
			             fnote);
	lxw_error err = workbook_close(wb);
	if (err != LXW_NO_ERROR)
		return ch_error_set(CH_ERROR, "写入 %s 失败：%s", path, lxw_strerror(err));
	return 0;
}

int ch_dispatch_write(const ch_dispatch *d, enum ch_format format, const char *path)
{
	if (format == CH_FMT_XLSX)
		return path ? write_xlsx(d, path)
		            : ch_error_set(CH_EINVALID, "XLSX 报表须指定输出文件");
	ch_report *r = ch_dispatch_report(d);
	int rc = ch_report_write(r, format, path);
	ch_report_free(r);
	return rc;
}
