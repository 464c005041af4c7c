/*
 * op_survey — the baseline survey and what is computed from it: `survey
 * import` (households), `village import` (gas main, heat network,
 * transformers), `survey heatload` (design load and season's demand before
 * and after the planned energy-saving measures), `advise` (the technology
 * per household, village and county), `report impact` (coal and
 * emissions avoided; its row sits here beside the survey it reads, under
 * the report group) and `usage import|check|followup` (meter readings
 * against the predicted demand; follow-up visits for households that may
 * be back on coal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/advise.h"
#include "core/impact.h"
#include "core/survey.h"
#include "core/usage.h"
#include "io/survey_file.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"

static int import_file(ch_ctx *ctx, const ch_args *a, ch_result *res, enum ch_survey_kind kind)
{
	ch_survey_file_opts o = {.kind = kind,
	                         .path = ch_args_str(a, "file"),
	                         .sheet = ch_args_str(a, "sheet"),
	                         .skip_invalid = ch_args_flag(a, "skip-invalid"),
	                         .rejects = ch_args_str(a, "rejects"),
	                         .county = ch_args_str(a, "county")};
	ch_survey_file_result r;
	ch_problems *p = NULL;
	/* a county outside the scope: refused before the file is read */
	int rc = ch_ctx_require_county(ctx, CH_PERM_HOUSEHOLD_WRITE, o.county);
	if (rc)
		return rc;
	rc = ch_survey_import_file(ctx, &o, &r, &p);
	if (p && ch_problems_count(p)) {
		ch_result_add_problems(res, p); /* RES frees P */
		p = NULL;
	}
	ch_problems_free(p);
	if (o.rejects && r.rejected && (rc == 0 || rc == CH_EINVALID))
		app_rejects_written(res, o.rejects);
	if (rc)
		return rc;
	if (kind == CH_SURVEY_HOUSEHOLDS)
		ch_result_printf(res, "%s：读入 %zu 行；保存 %zu 户（新增 %zu 户），拒收 %zu 行\n",
		                 o.path, r.rows, r.stored, r.inserted, r.rejected);
	else
		ch_result_printf(res, "%s：读入 %zu 行；保存 %zu 行，拒收 %zu 行\n", o.path, r.rows,
		                 r.stored, r.rejected);
	ch_result_count(res, "rows", (int64_t)r.rows);
	ch_result_count(res, "stored", (int64_t)r.stored);
	ch_result_count(res, "inserted", (int64_t)r.inserted);
	ch_result_count(res, "rejected", (int64_t)r.rejected);
	return 0;
}

static int survey_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return import_file(ctx, a, res, CH_SURVEY_HOUSEHOLDS);
}

static int village_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return import_file(ctx, a, res, CH_SURVEY_VILLAGES);
}

static int usage_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return import_file(ctx, a, res, CH_SURVEY_USAGE);
}

/* ---- usage check ---- */

enum { U_COUNTY, U_VILLAGE, U_HHNO, U_HEAD, U_FLAG, U_NEW, U_REASON };
static const struct app_col usage_cols[] = {
    [U_COUNTY] = {"county", "县市", CH_COL_TEXT}, [U_VILLAGE] = {"village", "村", CH_COL_TEXT},
    [U_HHNO] = {"hh_no", "户编号", CH_COL_TEXT},  [U_HEAD] = {"head_name", "户主", CH_COL_TEXT},
    [U_FLAG] = {"flag", "提示", CH_COL_TEXT},     [U_NEW] = {"new", "本次新发现", CH_COL_TEXT},
    [U_REASON] = {"reason", "原因", CH_COL_TEXT},
};

static int usage_row(const ch_usage_flag *f, void *arg)
{
	static const char *const keys[] = {"idle", "low", "burden", "gap"};
	static const char *const names[] = {"基本未用（疑似返煤）", "用量偏低", "费用负担重",
	                                    "读数缺月"};
	ch_report *r = arg;
	const char *name = f->flag;
	for (size_t i = 0; i < 4; i++)
		if (strcmp(f->flag, keys[i]) == 0)
			name = names[i];
	ch_report_add_row(r, 0);
	ch_report_set_text(r, U_COUNTY, f->county);
	ch_report_set_text(r, U_VILLAGE, f->village);
	ch_report_set_text(r, U_HHNO, f->hh_no);
	ch_report_set_text(r, U_HEAD, f->head_name);
	ch_report_set_text(r, U_FLAG, name);
	ch_report_set_text(r, U_NEW, f->is_new ? "是" : "");
	ch_report_set_text(r, U_REASON, f->reason);
	return 0;
}

static int usage_run(ch_ctx *ctx, const ch_args *a, ch_result *res, int visits)
{
	ch_usage_check_summary sum;
	char today[16];
	const char *day = ch_args_str(a, "today");
	ch_report *r = APP_REPORT("采暖季用量核对", usage_cols);
	ch_result_add_table(res, r);
	ch_today_at_most(day, today, sizeof today);
	int rc = ch_usage_check(ctx, ch_args_str(a, "season"), ch_args_str(a, "county"), today,
	                        visits, usage_row, r, &sum);
	if (rc)
		return rc;
	ch_result_printf(
	    res,
	    "%s采暖季：核对 %lld 户（另有 %lld 户没有任何读数），提示 %lld 条（本次新发现 %lld "
	    "条）%s%lld 户\n",
	    ch_args_str(a, "season"), (long long)sum.checked, (long long)sum.no_readings,
	    (long long)sum.flagged, (long long)sum.new_flags,
	    visits ? "；新增待回访 " : "；未安排回访（用 usage followup 安排）",
	    visits ? (long long)sum.visits : 0LL);
	ch_result_count(res, "checked", sum.checked);
	ch_result_count(res, "flagged", sum.flagged);
	ch_result_count(res, "new_flags", sum.new_flags);
	ch_result_count(res, "visits", sum.visits);
	ch_result_count(res, "no_readings", sum.no_readings);
	return 0;
}

static int usage_check(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return usage_run(ctx, a, res, 0);
}

static int usage_followup(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return usage_run(ctx, a, res, 1);
}

/* ---- heat load ---- */

enum {
	H_COUNTY,
	H_VILLAGE,
	H_HHNO,
	H_AREA,
	H_STRUCT,
	H_STATION,
	H_H0,
	H_KW0,
	H_KWH0,
	H_H1,
	H_KW1,
	H_KWH1
};
static const struct app_col heat_cols[] = {
    [H_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [H_VILLAGE] = {"village", "村", CH_COL_TEXT},
    [H_HHNO] = {"hh_no", "户编号", CH_COL_TEXT},
    [H_AREA] = {"area", "取暖面积(m²)", CH_COL_TEXT},
    [H_STRUCT] = {"structure", "房屋结构", CH_COL_TEXT},
    [H_STATION] = {"station", "气候站点", CH_COL_TEXT},
    [H_H0] = {"h_before", "改造前热损失(W/m²·K)", CH_COL_TEXT},
    [H_KW0] = {"design_kw_before", "改造前设计热负荷(kW)", CH_COL_TEXT},
    [H_KWH0] = {"season_kwh_before", "改造前采暖季需热(kWh)", CH_COL_INT},
    [H_H1] = {"h_after", "改造后热损失(W/m²·K)", CH_COL_TEXT},
    [H_KW1] = {"design_kw_after", "改造后设计热负荷(kW)", CH_COL_TEXT},
    [H_KWH1] = {"season_kwh_after", "改造后采暖季需热(kWh)", CH_COL_INT},
};

static void set_fixed(ch_report *r, int col, double v, int places)
{
	char s[48];
	snprintf(s, sizeof s, "%.*f", places, v);
	ch_report_set_text(r, col, s);
}

static int heat_row(const ch_advice *h, void *arg)
{
	ch_report *r = arg;
	ch_report_add_row(r, 0);
	ch_report_set_text(r, H_COUNTY, h->county);
	ch_report_set_text(r, H_VILLAGE, h->village);
	ch_report_set_text(r, H_HHNO, h->hh_no);
	set_fixed(r, H_AREA, h->area, 2);
	ch_report_set_text(r, H_STRUCT, h->structure);
	ch_report_set_text(r, H_STATION, h->station);
	set_fixed(r, H_H0, h->h_before, 2);
	set_fixed(r, H_KW0, h->kw_before, 1);
	ch_report_set_int(r, H_KWH0, (int64_t)(h->kwh_before + 0.5));
	set_fixed(r, H_H1, h->h_after, 2);
	set_fixed(r, H_KW1, h->kw_after, 1);
	ch_report_set_int(r, H_KWH1, (int64_t)(h->kwh_after + 0.5));
	return 0;
}

static int survey_heatload(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("农户热负荷", heat_cols);
	ch_result_add_table(res, r);
	ch_advise_opts o = {.county = ch_args_str(a, "county"),
	                    .village = ch_args_str(a, "village"),
	                    .household = heat_row,
	                    .arg = r};
	return ch_advise(ctx, &o);
}

/* ---- advise ---- */

/* A count with thousands separators ("1,000,000") in OUT. */
static const char *count_text(int64_t n, char out[32])
{
	ch_money_format(n * 100, out, 32);
	out[strlen(out) - 3] = '\0'; /* no decimals */
	return out;
}

enum {
	A_COUNTY,
	A_TOWNSHIP,
	A_VILLAGE,
	A_HHNO,
	A_AREA,
	A_KW,
	A_KWH,
	A_COAL,
	A_CONSENT,
	A_BEST,
	A_WAITING,
	A_EQUIP,
	A_CONN,
	A_SUBSIDY,
	A_OWN,
	A_RUNNING,
	A_REASON,
	A_OPTS
};
static const struct app_col advice_cols[] = {
    [A_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [A_TOWNSHIP] = {"township", "乡镇", CH_COL_TEXT},
    [A_VILLAGE] = {"village", "村", CH_COL_TEXT},
    [A_HHNO] = {"hh_no", "户编号", CH_COL_TEXT},
    [A_AREA] = {"area", "取暖面积(m²)", CH_COL_TEXT},
    [A_KW] = {"design_kw", "设计热负荷(kW)", CH_COL_TEXT},
    [A_KWH] = {"season_kwh", "采暖季需热(kWh)", CH_COL_INT},
    [A_COAL] = {"coal_t", "替代原煤(t)", CH_COL_TEXT},
    [A_CONSENT] = {"consent", "同意改造", CH_COL_TEXT},
    [A_BEST] = {"recommended", "推荐", CH_COL_TEXT},
    [A_WAITING] = {"waiting_upgrade", "待变压器增容", CH_COL_TEXT},
    [A_EQUIP] = {"equipment_yuan", "设备(元)", CH_COL_INT},
    [A_CONN] = {"connection_yuan", "入户(元)", CH_COL_INT},
    [A_SUBSIDY] = {"subsidy_yuan", "补助(元)", CH_COL_INT},
    [A_OWN] = {"own_yuan", "农户自付(元)", CH_COL_INT},
    [A_RUNNING] = {"running_yuan", "年运行费(元)", CH_COL_INT},
    [A_REASON] = {"reason", "理由", CH_COL_TEXT},
};

static int64_t yuan(int64_t fen)
{
	return (fen + (fen >= 0 ? 50 : -50)) / 100;
}

enum {
	V_COUNTY,
	V_TOWNSHIP,
	V_VILLAGE,
	V_HH,
	V_GAS,
	V_ELEC,
	V_HP,
	V_CENTRAL,
	V_SOLAR,
	V_NONE,
	V_TRAFOS,
	V_RATED,
	V_PEAK,
	V_HEADROOM,
	V_NEEDED,
	V_SHORT,
	V_WAITING,
	V_WAITLIST,
	V_GASCONN,
	V_INVEST,
	V_SUBSIDY,
	V_OWN,
	V_GRID,
	V_COAL
};
static const struct app_col village_cols[] = {
    [V_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [V_TOWNSHIP] = {"township", "乡镇", CH_COL_TEXT},
    [V_VILLAGE] = {"village", "村", CH_COL_TEXT},
    [V_HH] = {"households", "摸排户数", CH_COL_INT},
    [V_GAS] = {"gas", "宜气(户)", CH_COL_INT},
    [V_ELEC] = {"electric", "直热电(户)", CH_COL_INT},
    [V_HP] = {"heat_pump", "热泵(户)", CH_COL_INT},
    [V_CENTRAL] = {"central", "集中供热(户)", CH_COL_INT},
    [V_SOLAR] = {"solar", "太阳能+电(户)", CH_COL_INT},
    [V_NONE] = {"none", "无可行方案(户)", CH_COL_INT},
    [V_TRAFOS] = {"transformers", "变压器(台)", CH_COL_INT},
    [V_RATED] = {"rated_kva", "额定容量(kVA)", CH_COL_INT},
    [V_PEAK] = {"peak_kva", "冬季最大负荷(kVA)", CH_COL_INT},
    [V_HEADROOM] = {"headroom_kva", "可用余量(kVA)", CH_COL_TEXT},
    [V_NEEDED] = {"needed_kva", "新增电负荷(kVA)", CH_COL_TEXT},
    [V_SHORT] = {"short_kva", "缺口(kVA)", CH_COL_TEXT},
    [V_WAITING] = {"waiting", "待增容户数", CH_COL_INT},
    [V_WAITLIST] = {"waiting_households", "待增容农户", CH_COL_TEXT},
    [V_GASCONN] = {"gas_connections", "燃气入户(户)", CH_COL_INT},
    [V_INVEST] = {"investment_yuan", "设备及入户投资(元)", CH_COL_INT},
    [V_SUBSIDY] = {"subsidy_yuan", "补助(元)", CH_COL_INT},
    [V_OWN] = {"own_yuan", "农户自筹(元)", CH_COL_INT},
    [V_GRID] = {"grid_yuan", "配变增容投资(元)", CH_COL_INT},
    [V_COAL] = {"coal_t", "替代原煤(t)", CH_COL_TEXT},
};

struct advise_state {
	ch_report *hh, *villages, *counties, *upgrades;
	int opt_col[CH_OPT_COUNT][4]; /* feasible, own, running, why */
	ch_advice_village county, total;
	int have_county;
};

static int advice_row(const ch_advice *a, void *arg)
{
	struct advise_state *s = arg;
	ch_report *r = s->hh;
	char t[32];
	if (!r)
		return 0;
	ch_report_add_row(r, 0);
	ch_report_set_text(r, A_COUNTY, a->county);
	ch_report_set_text(r, A_TOWNSHIP, a->township);
	ch_report_set_text(r, A_VILLAGE, a->village);
	ch_report_set_text(r, A_HHNO, a->hh_no);
	set_fixed(r, A_AREA, a->area, 2);
	set_fixed(r, A_KW, a->kw_after, 1);
	ch_report_set_int(r, A_KWH, (int64_t)(a->kwh_after + 0.5));
	set_fixed(r, A_COAL, a->coal_t, 1);
	ch_report_set_text(r, A_CONSENT, a->consent ? "是" : "否");
	ch_report_set_text(r, A_BEST, ch_option_name(a->best));
	ch_report_set_text(r, A_WAITING, a->waiting ? "是" : "");
	if (a->best >= 0) {
		ch_report_set_int(r, A_EQUIP, yuan(a->opt[a->best].equipment_fen));
		ch_report_set_int(r, A_CONN, yuan(a->opt[a->best].connection_fen));
		ch_report_set_int(r, A_SUBSIDY, yuan(a->opt[a->best].subsidy_fen));
		ch_report_set_int(r, A_OWN, yuan(a->opt[a->best].own_fen));
		ch_report_set_int(r, A_RUNNING, yuan(a->opt[a->best].running_fen));
	}
	ch_report_set_text(r, A_REASON, a->reason);
	for (int k = 0; k < CH_OPT_COUNT; k++) {
		const ch_option *o = &a->opt[k];
		ch_report_set_text(r, s->opt_col[k][0],
		                   !o->feasible ? "不可行"
		                   : *o->why    ? "需增容"
		                                : "可行");
		ch_report_set_int(r, s->opt_col[k][1], yuan(o->own_fen));
		ch_report_set_int(r, s->opt_col[k][2], yuan(o->running_fen));
		ch_report_set_text(r, s->opt_col[k][3], o->why);
	}
	(void)t;
	return 0;
}

static void add_up(ch_advice_village *sum, const ch_advice_village *v)
{
	sum->households += v->households;
	for (int k = 0; k < CH_OPT_COUNT; k++)
		sum->by_option[k] += v->by_option[k];
	sum->none += v->none;
	sum->transformers += v->transformers;
	sum->kva_rated += v->kva_rated, sum->kva_peak += v->kva_peak;
	sum->kva_headroom += v->kva_headroom, sum->kva_needed += v->kva_needed;
	sum->kva_short += v->kva_short;
	sum->waiting += v->waiting, sum->gas_connections += v->gas_connections;
	sum->equipment_fen += v->equipment_fen, sum->subsidy_fen += v->subsidy_fen;
	sum->own_fen += v->own_fen, sum->grid_fen += v->grid_fen;
	sum->coal_t += v->coal_t;
}

static void village_row(ch_report *r, const ch_advice_village *v, int total)
{
	ch_report_add_row(r, total);
	ch_report_set_text(r, V_COUNTY, v->county);
	ch_report_set_text(r, V_TOWNSHIP, v->township);
	ch_report_set_text(r, V_VILLAGE, v->village);
	ch_report_set_int(r, V_HH, v->households);
	ch_report_set_int(r, V_GAS, v->by_option[CH_OPT_GAS]);
	ch_report_set_int(r, V_ELEC, v->by_option[CH_OPT_ELECTRIC]);
	ch_report_set_int(r, V_HP, v->by_option[CH_OPT_HEAT_PUMP]);
	ch_report_set_int(r, V_CENTRAL, v->by_option[CH_OPT_CENTRAL]);
	ch_report_set_int(r, V_SOLAR, v->by_option[CH_OPT_SOLAR]);
	ch_report_set_int(r, V_NONE, v->none);
	ch_report_set_int(r, V_TRAFOS, v->transformers);
	ch_report_set_int(r, V_RATED, (int64_t)v->kva_rated);
	ch_report_set_int(r, V_PEAK, (int64_t)v->kva_peak);
	set_fixed(r, V_HEADROOM, v->kva_headroom, 1);
	set_fixed(r, V_NEEDED, v->kva_needed, 1);
	set_fixed(r, V_SHORT, v->kva_short, 1);
	ch_report_set_int(r, V_WAITING, v->waiting);
	ch_report_set_text(r, V_WAITLIST, v->waiting_list ? v->waiting_list : "");
	ch_report_set_int(r, V_GASCONN, v->gas_connections);
	ch_report_set_int(r, V_INVEST, yuan(v->equipment_fen));
	ch_report_set_int(r, V_SUBSIDY, yuan(v->subsidy_fen));
	ch_report_set_int(r, V_OWN, yuan(v->own_fen));
	ch_report_set_int(r, V_GRID, yuan(v->grid_fen));
	set_fixed(r, V_COAL, v->coal_t, 1);
}

static void flush_county(struct advise_state *s)
{
	if (!s->have_county)
		return;
	s->county.township[0] = s->county.village[0] = '\0';
	village_row(s->counties, &s->county, 0);
	add_up(&s->total, &s->county);
	memset(&s->county, 0, sizeof s->county);
	s->have_county = 0;
}

static int advice_village(const ch_advice_village *v, void *arg)
{
	struct advise_state *s = arg;
	if (s->villages)
		village_row(s->villages, v, 0);
	if (v->kva_short > 0)
		village_row(s->upgrades, v, 0);
	if (s->have_county && strcmp(s->county.county, v->county) != 0)
		flush_county(s);
	if (!s->have_county) {
		snprintf(s->county.county, sizeof s->county.county, "%s", v->county);
		s->have_county = 1;
	}
	add_up(&s->county, v);
	return 0;
}

static int advise_run(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	struct advise_state s;
	const char *by = ch_args_str(a, "by");
	/* one table, so that -o FILE holds it: households, villages, the
	 * villages whose transformers need upgrading, or counties */
	int level = !by || strcmp(by, "household") == 0 ? 0
	            : strcmp(by, "village") == 0        ? 1
	            : strcmp(by, "upgrade") == 0        ? 2
	                                                : 3;
	memset(&s, 0, sizeof s);
	s.upgrades = APP_REPORT("需增容的变压器（按村）", village_cols);
	s.counties = APP_REPORT("技术路线（按县市）", village_cols);
	if (level == 0) {
		s.hh = APP_REPORT("技术路线建议（按户）", advice_cols);
		for (int k = 0; k < CH_OPT_COUNT; k++) {
			static const char *const what[4] = {"可行", "自付(元)", "年运行费(元)",
			                                    "说明"};
			static const char *const keys[4] = {"feasible", "own_yuan", "running_yuan",
			                                    "why"};
			for (int c = 0; c < 4; c++) {
				char key[64], label[96];
				snprintf(key, sizeof key, "%s_%s", ch_option_key(k), keys[c]);
				snprintf(label, sizeof label, "%s%s", ch_option_name(k), what[c]);
				s.opt_col[k][c] = ch_report_add_col(
				    s.hh, key, label, c == 1 || c == 2 ? CH_COL_INT : CH_COL_TEXT);
			}
		}
		ch_result_add_table(res, s.hh);
	} else if (level == 1) {
		s.villages = APP_REPORT("技术路线（按村）", village_cols);
		ch_result_add_table(res, s.villages);
	} else if (level == 2) {
		ch_result_add_table(res, s.upgrades);
	} else {
		ch_result_add_table(res, s.counties);
	}
	ch_advise_opts o = {.county = ch_args_str(a, "county"),
	                    .village = ch_args_str(a, "village"),
	                    .year = (int)ch_args_int(a, "year", 0),
	                    .household = advice_row,
	                    .village_done = advice_village,
	                    .arg = &s};
	int rc = ch_advise(ctx, &o);
	flush_county(&s);
	snprintf(s.total.county, sizeof s.total.county, "合计");
	village_row(s.counties, &s.total, 1);
	if (level != 2)
		ch_report_free(s.upgrades);
	if (level != 3)
		ch_report_free(s.counties);
	if (rc)
		return rc;
	ch_buf b;
	char m1[40], m2[40], m3[40], m4[40], c[9][32];
	ch_buf_init(&b);
	for (int i = 0; i < o.nsources; i++) {
		int64_t part = s.total.subsidy_fen * o.source_bp[i] / 10000;
		ch_buf_printf(&b, "%s%s %s 元（%lld.%02lld%%）", i ? "、" : "", o.source[i],
		              ch_money_format(part, m1, sizeof m1),
		              (long long)(o.source_bp[i] / 100), (long long)(o.source_bp[i] % 100));
	}
	ch_result_printf(
	    res,
	    "%s 户：宜气 %s、直热电 %s、热泵 %s、集中供热 %s、太阳能+电 %s、"
	    "无可行方案 %s；待变压器增容 %s 户（缺 %.1f kVA）；燃气入户 %s 户\n"
	    "投资 %s 元 = 补助 %s 元（%d年标准；%s）+ 农户自筹 %s 元；另配变增容 %s 元\n",
	    count_text(s.total.households, c[0]), count_text(s.total.by_option[CH_OPT_GAS], c[1]),
	    count_text(s.total.by_option[CH_OPT_ELECTRIC], c[2]),
	    count_text(s.total.by_option[CH_OPT_HEAT_PUMP], c[3]),
	    count_text(s.total.by_option[CH_OPT_CENTRAL], c[4]),
	    count_text(s.total.by_option[CH_OPT_SOLAR], c[5]), count_text(s.total.none, c[6]),
	    count_text(s.total.waiting, c[7]), s.total.kva_short,
	    count_text(s.total.gas_connections, c[8]),
	    ch_money_format(s.total.equipment_fen, m1, sizeof m1),
	    ch_money_format(s.total.subsidy_fen, m2, sizeof m2), o.policy_year, b.ptr ? b.ptr : "",
	    ch_money_format(s.total.own_fen, m3, sizeof m3),
	    ch_money_format(s.total.grid_fen, m4, sizeof m4));
	ch_buf_dispose(&b);
	ch_result_count(res, "households", s.total.households);
	ch_result_count(res, "gas", s.total.by_option[CH_OPT_GAS]);
	ch_result_count(res, "electric", s.total.by_option[CH_OPT_ELECTRIC]);
	ch_result_count(res, "heat_pump", s.total.by_option[CH_OPT_HEAT_PUMP]);
	ch_result_count(res, "central", s.total.by_option[CH_OPT_CENTRAL]);
	ch_result_count(res, "solar", s.total.by_option[CH_OPT_SOLAR]);
	ch_result_count(res, "none", s.total.none);
	ch_result_count(res, "waiting_upgrade", s.total.waiting);
	ch_result_count(res, "gas_connections", s.total.gas_connections);
	return 0;
}

/* ---- report impact ---- */

enum {
	I_COUNTY,
	I_PLAN,
	I_DONE,
	I_SURVEYED,
	I_COAL,
	I_TCE,
	I_CO2,
	I_SO2,
	I_NOX,
	I_PM25,
	I_PCOAL,
	I_PTCE,
	I_PCO2,
	I_PSO2,
	I_PNOX,
	I_PPM25
};
static const struct app_col impact_cols[] = {
    [I_COUNTY] = {"county", "县市", CH_COL_TEXT},
    [I_PLAN] = {"plan_households", "计划户数", CH_COL_INT},
    [I_DONE] = {"commissioned", "已调试户数", CH_COL_INT},
    [I_SURVEYED] = {"surveyed", "其中有摸排用煤量", CH_COL_INT},
    [I_COAL] = {"coal_t", "不再燃用原煤(t)", CH_COL_INT},
    [I_TCE] = {"tce", "节约标准煤(tce，扣除新能源)", CH_COL_INT},
    [I_CO2] = {"co2_t", "减排CO2(t)", CH_COL_INT},
    [I_SO2] = {"so2_t", "减排SO2(t)", CH_COL_TEXT},
    [I_NOX] = {"nox_t", "减排NOx(t)", CH_COL_TEXT},
    [I_PM25] = {"pm25_t", "减排PM2.5(t)", CH_COL_TEXT},
    [I_PCOAL] = {"plan_coal_t", "全部完成：原煤(t)", CH_COL_INT},
    [I_PTCE] = {"plan_tce", "全部完成：标准煤(tce)", CH_COL_INT},
    [I_PCO2] = {"plan_co2_t", "全部完成：CO2(t)", CH_COL_INT},
    [I_PSO2] = {"plan_so2_t", "全部完成：SO2(t)", CH_COL_TEXT},
    [I_PNOX] = {"plan_nox_t", "全部完成：NOx(t)", CH_COL_TEXT},
    [I_PPM25] = {"plan_pm25_t", "全部完成：PM2.5(t)", CH_COL_TEXT},
};

static int64_t whole(double v)
{
	return (int64_t)(v + (v >= 0 ? 0.5 : -0.5));
}

static int impact_row(const ch_impact_row *r, void *arg)
{
	ch_result *res = arg;
	ch_report *t = (ch_report *)ch_result_table(res);
	ch_report_add_row(t, r->total);
	ch_report_set_text(t, I_COUNTY, r->county);
	ch_report_set_int(t, I_PLAN, r->plan_households);
	ch_report_set_int(t, I_DONE, whole(r->done.households));
	ch_report_set_int(t, I_SURVEYED, whole(r->done.surveyed));
	ch_report_set_int(t, I_COAL, whole(r->done.coal_t));
	ch_report_set_int(t, I_TCE, whole(r->done.tce));
	ch_report_set_int(t, I_CO2, whole(r->done.co2_t));
	set_fixed(t, I_SO2, r->done.so2_t, 2);
	set_fixed(t, I_NOX, r->done.nox_t, 2);
	set_fixed(t, I_PM25, r->done.pm25_t, 2);
	ch_report_set_int(t, I_PCOAL, whole(r->plan.coal_t));
	ch_report_set_int(t, I_PTCE, whole(r->plan.tce));
	ch_report_set_int(t, I_PCO2, whole(r->plan.co2_t));
	set_fixed(t, I_PSO2, r->plan.so2_t, 2);
	set_fixed(t, I_PNOX, r->plan.nox_t, 2);
	set_fixed(t, I_PPM25, r->plan.pm25_t, 2);
	if (r->total) {
		ch_result_count(res, "commissioned", whole(r->done.households));
		ch_result_count(res, "coal_t", whole(r->done.coal_t));
		ch_result_count(res, "tce", whole(r->done.tce));
		ch_result_count(res, "co2_t", whole(r->done.co2_t));
		ch_result_count(res, "plan_households", r->plan_households);
		ch_result_count(res, "plan_coal_t", whole(r->plan.coal_t));
		ch_result_count(res, "plan_tce", whole(r->plan.tce));
	}
	return 0;
}

enum { F_KEY, F_VALUE, F_UNIT, F_SOURCE };
static const struct app_col factor_cols[] = {
    [F_KEY] = {"key", "因子", CH_COL_TEXT},
    [F_VALUE] = {"value", "取值", CH_COL_TEXT},
    [F_UNIT] = {"unit", "单位", CH_COL_TEXT},
    [F_SOURCE] = {"source", "来源", CH_COL_TEXT},
};

static int factor_row(const char *key, const char *value, const char *unit, const char *source,
                      void *arg)
{
	ch_report *t = arg;
	ch_report_add_row(t, 0);
	ch_report_set_text(t, F_KEY, key);
	ch_report_set_text(t, F_VALUE, value);
	ch_report_set_text(t, F_UNIT, unit);
	ch_report_set_text(t, F_SOURCE, source);
	return 0;
}

static int report_impact(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int year = (int)ch_args_int(a, "year", 0);
	const char *as_of = ch_args_str(a, "as-of");
	char title[96];
	snprintf(title, sizeof title, "%d年清洁取暖改造减煤减排（截至%s已调试）", year, as_of);
	ch_result_add_table(res, APP_REPORT(title, impact_cols));
	int rc = ch_impact(ctx, year, as_of, ch_args_str(a, "county"), impact_row, res);
	if (rc)
		return rc;
	ch_report *f = APP_REPORT("所用因子及来源", factor_cols);
	ch_result_add_table(res, f);
	rc = ch_factor_each(ctx, "emission", factor_row, f);
	return rc;
}

/* ---- the rows ---- */

#define P_IMPORT(what)                                                                             \
	{"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0, what},         \
	    APP_P_SHEET,                                                                           \
	    {"skip-invalid", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "即使有行被拒收，也保存无误的行"},   \
	    APP_P_COUNTY(0, "所有行都属于该县市（名称或代码）：先核对权限，再读文件"),             \
	{                                                                                          \
		"rejects", CH_PT_OUTFILE, 0, "OUT", NULL, 0, 0,                                    \
		    "把拒收的行连同“错误原因”写入 OUT（.csv 或 .xlsx）"        \
	}

static const struct ch_param survey_import_params[] = {
    P_IMPORT("摸排表：每户一行（县市、乡镇、村、户编号、现取暖方式、年用煤量、取暖面积、房屋结构、"
             "建成年份、墙体、窗户、常住人口、同意改造 ……；CSV 或 XLSX）"),
    {0},
};

static const struct ch_param village_import_params[] = {
    P_IMPORT("村基础设施表：每台变压器一行（县市、乡镇、村、燃气主管网、距燃气主管网(km)、"
             "距热网(km)、变压器编号、额定容量(kVA)、冬季最大负荷(kVA)、计划工程、计划完成日期）"),
    {0},
};

#define P_WHERE                                                                                                 \
	APP_P_COUNTY(0, "只看该县市（名称或代码）"),                                                            \
	{                                                                                                       \
		"village", CH_PT_STRING, 0, "V", NULL, 0, 0, "只看该村（同名村请同时给出县市）" \
	}

static const struct ch_param heatload_params[] = {
    P_WHERE,
    {0},
};

static const struct ch_param advise_params[] = {
    P_WHERE,
    APP_P_YEAR(0, "按该年的补助标准（默认：最近一年）"),
    {"by", CH_PT_ENUM, 0, "LEVEL", "household|village|upgrade|county", 0, 0,
     "列出哪一张表：household 每户各方案（默认）、village 每村的组合与投资、upgrade "
     "需增容变压器的村、county 每县市的组合"},
    {0},
};

static const struct ch_param usage_import_params[] = {
    P_IMPORT("燃气、供电企业的月度用量（表号或身份证号、类别、月份、用量；CSV 或 XLSX）"),
    {0},
};

static const struct ch_param usage_check_params[] = {
    {"season", CH_PT_STRING, CH_PF_REQUIRED, "Y1-Y2", NULL, 0, 0, "采暖季，如 2023-2024"},
    APP_P_COUNTY(0, "只核对该县市（名称或代码）"),
    APP_P_TODAY,
    {0},
};

static const struct ch_param impact_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    {"as-of", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, "统计到该日已调试的农户"},
    APP_P_COUNTY(0, "只看该县市（名称或代码）"),
    {0},
};

const struct ch_op ch_ops_survey[] = {
    {"survey", "import", "导入摸排表：每户现取暖方式、用煤量、房屋和改造意愿",
     CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_TEXT, survey_import_params, survey_import},
    {"survey", "heatload", "每户设计热负荷和采暖季需热量（节能改造前后）", CH_PERM_READ, 0,
     CH_RF_ALL, heatload_params, survey_heatload},
    {"village", "import", "导入村基础设施：燃气主管网、热网、变压器容量和冬季负荷",
     CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_TEXT, village_import_params, village_import},
    {"advise", NULL, "宜气则气、宜电则电：每户、每村、每县市的技术路线建议", CH_PERM_READ, 0,
     CH_RF_ALL, advise_params, advise_run},
    {"usage", "import", "导入燃气、供电企业的月度用量", CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES,
     CH_RF_TEXT, usage_import_params, usage_import},
    {"usage", "check", "采暖季用量与热负荷预测对比：基本未用（疑似返煤）、偏低、负担重、缺月",
     CH_PERM_READ, 0, CH_RF_ALL, usage_check_params, usage_check},
    {"usage", "followup",
     "核对并记下提示，为基本未用、用量偏低、费用负担重的农户安排回访（重复运行不重复安排）",
     CH_PERM_HOUSEHOLD_WRITE, CH_OP_WRITES, CH_RF_ALL, usage_check_params, usage_followup},
    {"report", "impact", "已调试农户不再燃用的原煤、节约的标准煤和减少的排放（附全部完成时）",
     CH_PERM_READ, 0, CH_RF_ALL, impact_params, report_impact},
    {0},
};
