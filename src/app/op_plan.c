/*
 * op_plan — the annual plan: `plan check`, `plan import`, `plan withdraw`,
 * `plan show`, `plan coverage`.
 *
 * The check's findings are text for people and, for machines, a document
 * (file, title, ok, counties, findings, suggestions) with stable keys.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/plan.h"
#include "core/region.h"
#include "io/plan_table.h"
#include "util/buf.h"
#include "util/error.h"

static const char *col_label(const ch_plan_table *t, int col)
{
	return col >= 0 && t->label[col] ? t->label[col] : col >= 0 ? ch_plan_col_name(col) : NULL;
}

static json_t *check_document(const ch_plan_table *t, const ch_plan_check *c)
{
	json_t *fa = json_array(), *sa = json_array();
	for (size_t i = 0; i < c->nfindings; i++) {
		const ch_plan_finding *f = &c->findings[i];
		json_t *o = json_pack("{s:s, s:s}", "kind", ch_plan_finding_kind_name(f->kind),
		                      "message", f->message);
		json_object_set_new(o, "row",
		                    f->line ? json_integer((json_int_t)f->line) : json_null());
		json_object_set_new(o, "county", f->county ? json_string(f->county) : json_null());
		json_object_set_new(
		    o, "column", f->col >= 0 ? json_string(ch_plan_col_key(f->col)) : json_null());
		json_object_set_new(o, "column_label",
		                    f->col >= 0 ? json_string(col_label(t, f->col)) : json_null());
		if (f->kind == CH_PF_ROW_SUM || f->kind == CH_PF_COLUMN_SUM) {
			json_object_set_new(o, "expected", json_integer(f->expected));
			json_object_set_new(o, "actual", json_integer(f->actual));
		}
		if (f->value)
			json_object_set_new(o, "value", json_string(f->value));
		json_array_append_new(fa, o);
	}
	for (size_t i = 0; i < c->nfixes; i++) {
		const ch_plan_fix *x = &c->fixes[i];
		json_array_append_new(sa,
		                      json_pack("{s:I, s:s?, s:s, s:s, s:I, s:I, s:s}", "row",
		                                (json_int_t)x->line, "county", x->county, "column",
		                                ch_plan_col_key(x->col), "column_label",
		                                col_label(t, x->col), "from", (json_int_t)x->from,
		                                "to", (json_int_t)x->to, "message", x->message));
	}
	return json_pack("{s:s?, s:s?, s:b, s:I, s:b, s:o, s:o}", "file", t->source, "title",
	                 t->title, "ok", c->nfindings == 0, "counties", (json_int_t)t->nrows,
	                 "has_total_row", t->has_total, "findings", fa, "suggestions", sa);
}

static void check_text(ch_result *res, const ch_plan_table *t, const ch_plan_check *c)
{
	if (c->nfindings == 0) {
		ch_result_printf(res, "%s：表格一致，%zu 个县（市）", t->source, t->nrows);
		if (t->has_total)
			ch_result_printf(res, "，合计 %" PRId64 " 户",
			                 t->total.cell[CH_PCOL_TOTAL].value);
		ch_result_printf(res, "%s\n", t->has_total ? "" : "（表中无总计行，未核对列合计）");
		return;
	}
	ch_result_printf(res, "%s：发现 %zu 处问题\n", t->source, c->nfindings);
	for (size_t i = 0; i < c->nfindings; i++)
		ch_result_printf(res, "  %zu. %s\n", i + 1, c->findings[i].message);
	for (size_t i = 0; i < c->nfixes; i++)
		ch_result_printf(res, "%s\n", c->fixes[i].message);
}

/* Reads and checks the file; the caller disposes T and C. */
static int read_and_check(ch_ctx *ctx, const ch_args *a, ch_plan_table *t, ch_plan_check *c)
{
	memset(c, 0, sizeof *c);
	int rc = ch_plan_table_read(ch_args_str(a, "file"), ch_args_str(a, "sheet"), t);
	if (rc)
		return rc;
	return ch_plan_check_table(ctx, t, c);
}

static int plan_check(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_plan_table t;
	ch_plan_check c;
	int rc = read_and_check(ctx, a, &t, &c);
	if (rc == 0) {
		check_text(res, &t, &c);
		ch_result_set_data(res, check_document(&t, &c));
		ch_result_count(res, "findings", (int64_t)c.nfindings);
		if (c.nfindings)
			rc = ch_error_set(CH_EINVALID, "%s：发现 %zu 处问题",
			                  ch_args_str(a, "file"), c.nfindings);
	}
	ch_plan_check_dispose(&c);
	ch_plan_table_dispose(&t);
	return rc;
}

/* Parses an area in m² with up to two decimals into hundredths. */
static int parse_area(const char *arg, int64_t *centi)
{
	const char *p = arg;
	int64_t v = 0;
	int dec = -1;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9' && dec < 2 && v < INT64_MAX / 100) {
			v = v * 10 + (*p - '0');
			if (dec >= 0)
				dec++;
		} else if (*p == '.' && dec < 0) {
			dec = 0;
		} else {
			return ch_error_set_field(CH_EUSAGE, "es-area",
			                          "“%s”：应为平方米数，如 2462300", arg);
		}
	}
	for (int d = dec < 0 ? 0 : dec; d < 2; d++)
		v *= 10;
	*centi = v;
	return 0;
}

static int plan_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_plan_import_opts o = {0};
	ch_plan_table t;
	ch_plan_check c;
	enum ch_plan_outcome outcome = CH_PLAN_STORED;
	int rc, version = 0;

	o.year = (int)ch_args_int(a, "year", 0);
	o.accept_discrepancies = ch_args_flag(a, "accept-discrepancies");
	o.reason = ch_args_str(a, "reason");
	o.replace = ch_args_flag(a, "replace");
	o.title = ch_args_str(a, "title");
	if (o.accept_discrepancies && (!o.reason || !*o.reason))
		return ch_error_set_field(CH_EUSAGE, "reason", "接受不一致时必须给出");
	if (ch_args_has(a, "es-area") &&
	    (rc = parse_area(ch_args_str(a, "es-area"), &o.es_area_total_centi)) != 0)
		return rc;
	if ((rc = read_and_check(ctx, a, &t, &c)) == 0) {
		if (c.nfindings)
			check_text(res, &t, &c);
		rc = ch_plan_import(ctx, &t, &c, &o, &outcome, &version);
	}
	if (rc == 0) {
		ch_result_count(res, "version", version);
		if (outcome == CH_PLAN_UNCHANGED)
			ch_result_printf(res, "%d年计划与已存的第%d版相同，未作更改\n", o.year,
			                 version);
		else
			ch_result_printf(
			    res, "%d年计划已%s：第%d版，%zu 个县（市）%s\n", o.year,
			    outcome == CH_PLAN_REPLACED ? "替换" : "导入", version, t.nrows,
			    c.nfindings ? "（含已接受的不一致，原因已记入审计日志）" : "");
	}
	ch_plan_check_dispose(&c);
	ch_plan_table_dispose(&t);
	return rc;
}

static int plan_withdraw(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	long year = ch_args_int(a, "year", 0), version = ch_args_int(a, "version", 0);
	int active = 0;
	int rc = ch_plan_withdraw(ctx, (int)year, (int)version, ch_args_str(a, "reason"), &active);
	if (rc)
		return rc;
	ch_result_count(res, "active_version", active);
	ch_result_printf(res, "%ld年计划第%ld版已撤回（原因已记入审计日志）", year, version);
	if (active)
		ch_result_printf(res, "；现行计划为第%d版\n", active);
	else
		ch_result_printf(res, "；%ld年已没有计划\n", year);
	return 0;
}

static void add_plan_notes(ch_report *r, const ch_plan *p, const int64_t sum[CH_PCOL_COUNT])
{
	char note[512];
	if (p->es_area_total_centi) {
		int64_t m2 = p->es_area_total_centi / 100;
		snprintf(
		    note, sizeof note,
		    "建筑节能改造面积目标：%" PRId64 ".%02d 平方米（%" PRId64 ".%02d 万平方米）",
		    m2, (int)(p->es_area_total_centi % 100), m2 / 10000, (int)(m2 % 10000 / 100));
		ch_report_add_note(r, note);
	}
	for (int k = 0; k < CH_PCOL_COUNT && p->has_published; k++)
		if (p->published[k] != sum[k]) {
			snprintf(note, sizeof note,
			         "注意：原表总计行「%s」为 %" PRId64 "，与各县市之和 %" PRId64
			         " 不一致",
			         ch_plan_col_name(k), p->published[k], sum[k]);
			ch_report_add_note(r, note);
		}
	if (p->discrepancies) {
		snprintf(note, sizeof note,
		         "本版计划含已接受的不一致（原因：%s），详见 cleanheat audit log",
		         p->reason ? p->reason : "");
		ch_report_add_note(r, note);
	}
	if (p->title) {
		snprintf(note, sizeof note, "计划文件：%s", p->title);
		ch_report_add_note(r, note);
	}
	snprintf(note, sizeof note, "来源：%s；%s 由 %s 导入", p->source ? p->source : "-",
	         p->created_at, p->created_by);
	ch_report_add_note(r, note);
}

enum { S_CODE, S_COUNTY, S_TOTAL, S_NEW, S_CONT, S_ES, S_REMARK };

static int plan_show(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	long year = ch_args_int(a, "year", 0);
	ch_plan p;
	ch_region pref = {0};
	char title[256], l_new[64], l_cont[64];
	int rc;
	if ((rc = ch_plan_load(ctx, (int)year, (int)ch_args_int(a, "version", 0), &p)) != 0)
		return rc;
	if (ch_region_root(ctx, &pref) != 0)
		ch_error_clear(); /* a title without the prefecture's name */
	snprintf(title, sizeof title, "%ld年度%s农村清洁取暖改造计划（第%d版）", year,
	         pref.name ? pref.name : "", p.version);
	snprintf(l_new, sizeof l_new, "%ld年实施户数", year);
	snprintf(l_cont, sizeof l_cont, "续建%ld年户数", year - 1);
	const struct app_col cols[] = {
	    [S_CODE] = {"code", "区划代码", CH_COL_TEXT},
	    [S_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
	    [S_TOTAL] = {"total", "清洁取暖改造合计(户)", CH_COL_INT},
	    [S_NEW] = {"new", l_new, CH_COL_INT},
	    [S_CONT] = {"continuing", l_cont, CH_COL_INT},
	    [S_ES] = {"energy_saving", "建筑节能改造户数", CH_COL_INT},
	    [S_REMARK] = {"remark", "备注", CH_COL_TEXT},
	};
	/* the plan's value columns, in CH_PCOL_* order */
	int vcol[CH_PCOL_COUNT];
	vcol[CH_PCOL_TOTAL] = S_TOTAL;
	vcol[CH_PCOL_NEW] = S_NEW;
	vcol[CH_PCOL_CONTINUING] = S_CONT;
	vcol[CH_PCOL_ES] = S_ES;
	ch_report *r = APP_REPORT(title, cols);
	ch_result_add_table(res, r);
	int64_t sum[CH_PCOL_COUNT] = {0};
	for (size_t i = 0; i < p.ntargets; i++) {
		const ch_plan_target *tg = &p.targets[i];
		ch_report_add_row(r, 0);
		ch_report_set_text(r, S_CODE, tg->code);
		ch_report_set_text(r, S_COUNTY, tg->name);
		for (int k = 0; k < CH_PCOL_COUNT; k++) {
			ch_report_set_int(r, vcol[k], tg->v[k]);
			sum[k] += tg->v[k];
		}
		ch_report_set_text(r, S_REMARK, tg->remark);
	}
	ch_report_add_row(r, 1);
	ch_report_set_text(r, S_CODE, pref.code);
	ch_report_set_text(r, S_COUNTY, "全州合计");
	for (int k = 0; k < CH_PCOL_COUNT; k++)
		ch_report_set_int(r, vcol[k], sum[k]);
	add_plan_notes(r, &p, sum);
	ch_region_dispose(&pref);
	ch_plan_dispose(&p);
	return 0;
}

enum { V_COUNTY, V_PT, V_RT, V_PCT, V_PN, V_RN, V_PC, V_RC, V_PE, V_RE, V_EA };
static const struct app_col coverage_cols[] = {
    [V_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [V_PT] = {"plan_total", "计划户数", CH_COL_INT},
    [V_RT] = {"registered", "已登记", CH_COL_INT},
    [V_PCT] = {"registered_pct", "登记率", CH_COL_TEXT},
    [V_PN] = {"plan_new", "计划新建", CH_COL_INT},
    [V_RN] = {"registered_new", "已登记新建", CH_COL_INT},
    [V_PC] = {"plan_continuing", "计划续建", CH_COL_INT},
    [V_RC] = {"registered_continuing", "已登记续建", CH_COL_INT},
    [V_PE] = {"plan_es", "计划节能户数", CH_COL_INT},
    [V_RE] = {"registered_es", "已登记节能户数", CH_COL_INT},
    [V_EA] = {"registered_es_area", "已登记节能面积(㎡)", CH_COL_INT},
};

static void add_coverage_row(ch_report *r, const ch_coverage_row *c, const char *name, int total)
{
	char pct[32];
	ch_report_add_row(r, total);
	ch_report_set_text(r, V_COUNTY, name);
	ch_report_set_int(r, V_PT, c->plan[CH_PCOL_TOTAL]);
	ch_report_set_int(r, V_RT, c->registered);
	app_pct(pct, sizeof pct, c->registered, c->plan[CH_PCOL_TOTAL]);
	ch_report_set_text(r, V_PCT, pct);
	ch_report_set_int(r, V_PN, c->plan[CH_PCOL_NEW]);
	ch_report_set_int(r, V_RN, c->reg_new);
	ch_report_set_int(r, V_PC, c->plan[CH_PCOL_CONTINUING]);
	ch_report_set_int(r, V_RC, c->reg_continuing);
	ch_report_set_int(r, V_PE, c->plan[CH_PCOL_ES]);
	ch_report_set_int(r, V_RE, c->reg_es);
	ch_report_set_int(r, V_EA, c->reg_es_area_centi / 100);
}

static int plan_coverage(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_coverage_row *rows = NULL, tot = {0};
	size_t n = 0;
	long year = ch_args_int(a, "year", 0);
	int64_t area_target = 0;
	char title[128], pct[32];
	int rc;
	if ((rc = ch_plan_coverage(ctx, (int)year, &rows, &n, &area_target)) != 0)
		return rc;
	snprintf(title, sizeof title, "%ld年农户登记进度（对照年度计划）", year);
	ch_report *r = APP_REPORT(title, coverage_cols);
	ch_result_add_table(res, r);
	for (size_t i = 0; i < n; i++) {
		const ch_coverage_row *c = &rows[i];
		add_coverage_row(r, c, c->name, 0);
		for (int k = 0; k < CH_PCOL_COUNT; k++)
			tot.plan[k] += c->plan[k];
		tot.registered += c->registered;
		tot.reg_new += c->reg_new;
		tot.reg_continuing += c->reg_continuing;
		tot.reg_es += c->reg_es;
		tot.reg_es_area_centi += c->reg_es_area_centi;
	}
	add_coverage_row(r, &tot, "全州合计", 1);
	if (area_target) {
		ch_buf b;
		ch_buf_init(&b);
		app_pct(pct, sizeof pct, tot.reg_es_area_centi, area_target);
		ch_buf_printf(&b, "节能改造面积：已登记 %" PRId64 " ㎡，计划 %" PRId64 " ㎡（%s）",
		              tot.reg_es_area_centi / 100, area_target / 100, pct);
		ch_report_add_note(r, b.ptr);
		ch_buf_dispose(&b);
	}
	ch_coverage_free(rows, n);
	return 0;
}

static const struct ch_param check_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "下达的计划表（UTF-8 或 GB18030 编码的 CSV，或 XLSX）"},
    APP_P_SHEET,
    {0},
};

static const struct ch_param import_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "计划表（CSV 或 XLSX）"},
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    APP_P_SHEET,
    {"replace", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "用不同的计划替换已保存的计划"},
    {"accept-discrepancies", CH_PT_FLAG, 0, NULL, NULL, 0, 0,
     "保存合计对不上的表（须加 --reason）"},
    {"reason", CH_PT_STRING, 0, "TEXT", NULL, 0, 0, "接受不一致的原因（记入审计）"},
    {"es-area", CH_PT_STRING, 0, "M2", NULL, 0, 0, "全州节能改造面积任务（m²）"},
    {"title", CH_PT_STRING, 0, "TEXT", NULL, 0, 0,
     "计划文件标题，提醒函中引用（默认取表格的标题行）"},
    {0},
};

static const struct ch_param withdraw_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    {"version", CH_PT_INT, CH_PF_REQUIRED, "N", NULL, 1, 1000000, "要撤回的版本"},
    {"reason", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0, "撤回原因（记入审计）"},
    {0},
};

static const struct ch_param show_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    {"version", CH_PT_INT, 0, "N", NULL, 1, 1000000, "已保存的某一版本（默认最新版本）"},
    {0},
};

static const struct ch_param coverage_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    {0},
};

const struct ch_op ch_ops_plan[] = {
    {"plan", "check", "核对下达的计划表：行列合计、县市；给出更正建议", CH_PERM_READ,
     CH_OP_REFERENCE, CH_RF_TABLE_JSON, check_params, plan_check},
    {"plan", "import", "保存某年度计划（不一致即拒收，除非注明原因接受）", CH_PERM_PLAN_WRITE,
     CH_OP_WRITES, CH_RF_TEXT, import_params, plan_import},
    {"plan", "withdraw", "撤回误存的计划版本（已有数据依赖它时拒绝）", CH_PERM_PLAN_WRITE,
     CH_OP_WRITES, CH_RF_TEXT, withdraw_params, plan_withdraw},
    {"plan", "show", "显示各县市计划任务和全州合计", CH_PERM_READ, 0, CH_RF_ALL, show_params,
     plan_show},
    {"plan", "coverage", "各县市新建、续建登记户数与计划任务对比", CH_PERM_READ, 0, CH_RF_ALL,
     coverage_params, plan_coverage},
    {0},
};
