/*
 * advise — the technology per household, village and county (see
 * advise.h). Households are read village by village; a village's are kept
 * in memory until its transformer headroom has been shared out, so memory
 * grows with the largest village, not with the prefecture.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/advise.h"
#include "core/ctx_int.h"
#include "core/heatload.h"
#include "core/region.h"
#include "core/survey.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/money.h"

static const char *const opt_keys[CH_OPT_COUNT] = {"gas", "electric", "heat_pump", "central",
                                                   "multi"};
static const char *const opt_names[CH_OPT_COUNT] = {"燃气壁挂炉", "直热式电采暖", "空气源热泵",
                                                    "集中供热", "太阳能+电"};

const char *ch_option_key(int k)
{
	return k >= 0 && k < CH_OPT_COUNT ? opt_keys[k] : "";
}

const char *ch_option_name(int k)
{
	return k >= 0 && k < CH_OPT_COUNT ? opt_names[k] : "无可行方案";
}

/* Every number advise computes with, read once. */
struct factors {
	ch_heat_model m;
	double gas_kwh_m3, eff_gas, cop, cop_design, solar_fraction, coal_default_t;
	double gas_max_km, heat_max_km, load_limit, simult, pf;
	double c_boiler, c_gas_conn, c_elec_kw, c_elec_conn, c_hp_kw, c_central, c_solar, c_trafo;
	double lifetime;
	double gas_price, el_price, el_valley, valley_share, central_price;
	double gas_sub, gas_sub_cap, el_sub, el_sub_cap;
};

static int load_factors(ch_ctx *ctx, struct factors *f)
{
	static const ch_factor_ref list[] = {
#define F(s, k, field) CH_FACTOR(s, k, struct factors, field)
	    F("survey", "gas_kwh_per_m3", gas_kwh_m3),
	    F("survey", "efficiency.gas", eff_gas),
	    F("survey", "cop.heat_pump", cop),
	    F("survey", "cop.heat_pump_design", cop_design),
	    F("survey", "solar_fraction", solar_fraction),
	    F("survey", "coal_per_household", coal_default_t),
	    F("survey", "gas_max_distance", gas_max_km),
	    F("survey", "heat_max_distance", heat_max_km),
	    F("survey", "transformer_load_limit", load_limit),
	    F("survey", "simultaneity", simult),
	    F("survey", "power_factor", pf),
	    F("survey", "cost.gas_boiler", c_boiler),
	    F("survey", "cost.gas_connection", c_gas_conn),
	    F("survey", "cost.electric", c_elec_kw),
	    F("survey", "cost.electric_connection", c_elec_conn),
	    F("survey", "cost.heat_pump", c_hp_kw),
	    F("survey", "cost.central", c_central),
	    F("survey", "cost.solar", c_solar),
	    F("survey", "cost.transformer", c_trafo),
	    F("survey", "lifetime", lifetime),
	    F("tariff", "gas.price", gas_price),
	    F("tariff", "electric.price", el_price),
	    F("tariff", "electric.valley_price", el_valley),
	    F("tariff", "electric.valley_share", valley_share),
	    F("tariff", "central.price", central_price),
	    F("tariff", "gas.subsidy", gas_sub),
	    F("tariff", "gas.subsidy_cap", gas_sub_cap),
	    F("tariff", "electric.subsidy", el_sub),
	    F("tariff", "electric.subsidy_cap", el_sub_cap),
#undef F
	};
	int rc = ch_heat_model_load(ctx, &f->m);
	if (rc == 0)
		rc = ch_factor_load(ctx, list, sizeof list / sizeof list[0], f);
	if (rc == 0 && (f->lifetime <= 0 || f->cop <= 0 || f->cop_design <= 0 || f->pf <= 0 ||
	                f->eff_gas <= 0 || f->gas_kwh_m3 <= 0))
		rc = ch_error_set(CH_EINVALID, "系数 lifetime、cop、power_factor、efficiency.gas、"
		                               "gas_kwh_per_m3 都要大于 0");
	return rc;
}

/* The year's subsidy rule of each option (the policy engine's JSON, as
 * core/entitlement.c reads it): fixed amount, or a share with a cap. */
struct policy {
	int found;
	int fixed[CH_OPT_COUNT];
	int64_t amount_fen[CH_OPT_COUNT], bp[CH_OPT_COUNT], cap_fen[CH_OPT_COUNT];
};

static int load_policy(ch_ctx *ctx, ch_advise_opts *o, struct policy *p)
{
	char *text = NULL;
	ch_stmt *st;
	int rc;
	memset(p, 0, sizeof *p);
	o->nsources = 0;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT plan_year, content FROM subsidy_policy WHERE active = 1"
	                    " AND (?1 = 0 OR plan_year = ?1) ORDER BY plan_year DESC LIMIT 1",
	                    "i", (int64_t)o->year);
	if (rc)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		o->policy_year = (int)ch_stmt_int64(st, 0);
		text = ch_strdup(ch_stmt_text(st, 1));
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set_field(
		    CH_ENOTFOUND, "year",
		    "%d年没有补助标准：请用 cleanheat rules import subsidy FILE --year %d 载入",
		    o->year, o->year);
	}
	ch_stmt_finalize(st);
	if (rc)
		return rc;
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	if (!j)
		return ch_error_set(CH_ERROR, "the subsidy policy is not JSON");
	for (int k = 0; k < CH_OPT_COUNT; k++) {
		json_t *t = json_object_get(json_object_get(j, "technology"), opt_keys[k]);
		const char *rule = t ? json_string_value(json_object_get(t, "rule")) : NULL;
		if (!rule)
			continue;
		p->fixed[k] = strcmp(rule, "fixed") == 0;
		p->amount_fen[k] = json_integer_value(json_object_get(t, "amount_fen"));
		p->bp[k] = json_integer_value(json_object_get(t, "percent_bp"));
		p->cap_fen[k] = json_integer_value(json_object_get(t, "cap_fen"));
	}
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(j, "split"), key, v)
	{
		if (o->nsources == 6)
			break;
		char *name = NULL;
		if (ch_db_query_text(ctx->db, &name, "SELECT name FROM fund_source WHERE key = ?",
		                     "t", key) != 0)
			ch_error_clear();
		snprintf(o->source[o->nsources], sizeof o->source[0], "%s", name ? name : key);
		free(name);
		o->source_bp[o->nsources++] = json_integer_value(v);
	}
	p->found = 1;
	json_decref(j);
	return 0;
}

static int64_t subsidy_of(const struct policy *p, int k, int64_t cost)
{
	int64_t s;
	if (p->fixed[k])
		s = p->amount_fen[k];
	else {
		s = cost * p->bp[k] / 10000;
		if (p->cap_fen[k] > 0 && s > p->cap_fen[k])
			s = p->cap_fen[k];
	}
	return s > cost ? cost : s;
}

static int64_t fen(double yuan)
{
	double f = yuan * 100.0;
	return (int64_t)(f + (f >= 0 ? 0.5 : -0.5));
}

/* One household as read, before the village's headroom is shared. */
struct village_state {
	int64_t village_id;
	char county[64], township[64], village[64];
	int has_infra, gas_main;
	double gas_km, heat_km; /* < 0: none */
	double rated, peak;
	char works[120];           /* grid or gas works planned, with their date: "" when none */
	int gas_works, grid_works; /* the works name gas (气), the grid (电 变 配) */
	int64_t transformers;
	ch_advice *hh;
	size_t n, cap;
};

/* Sets O's why (truncated to fit: it is for people) when TEXT: a run
 * that lists no households reads no reasons. */
static void set_why(int text, ch_option *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_why(int text, ch_option *o, const char *fmt, ...)
{
	va_list ap;
	if (!text)
		return;
	va_start(ap, fmt);
	vsnprintf(o->why, sizeof o->why, fmt, ap);
	va_end(ap);
}

static void price_options(int text, const struct factors *f, const struct policy *p,
                          const struct village_state *vs, ch_advice *a)
{
	double kw = a->kw_after, kwh = a->kwh_after;
	double el_price = f->valley_share * f->el_valley + (1 - f->valley_share) * f->el_price;
	for (int k = 0; k < CH_OPT_COUNT; k++) {
		ch_option *o = &a->opt[k];
		double running = 0, equip = 0, conn = 0;
		memset(o, 0, sizeof *o);
		o->feasible = 1;
		switch (k) {
		case CH_OPT_GAS:
			equip = f->c_boiler, conn = f->c_gas_conn;
			o->energy = kwh / (f->gas_kwh_m3 * f->eff_gas);
			running =
			    o->energy * f->gas_price -
			    (o->energy < f->gas_sub_cap ? o->energy : f->gas_sub_cap) * f->gas_sub;
			if (!vs->has_infra)
				o->feasible = 0, set_why(text, o, "本村没有基础设施摸排数据");
			else if (!vs->gas_main)
				o->feasible = 0,
				set_why(text, o, "本村没有燃气主管网%s%s%s",
				        vs->gas_works ? "（计划工程：" : "",
				        vs->gas_works ? vs->works : "", vs->gas_works ? "）" : "");
			else if (vs->gas_km > f->gas_max_km)
				o->feasible = 0, snprintf(o->why, sizeof o->why,
				                          "距燃气主管网 %.1f km，超过 %.1f km",
				                          vs->gas_km, f->gas_max_km);
			break;
		case CH_OPT_ELECTRIC:
		case CH_OPT_SOLAR:
			equip = f->c_elec_kw * kw + (k == CH_OPT_SOLAR ? f->c_solar : 0);
			conn = f->c_elec_conn;
			o->energy = kwh * (k == CH_OPT_SOLAR ? 1 - f->solar_fraction : 1);
			o->kva = kw * f->simult / f->pf;
			break;
		case CH_OPT_HEAT_PUMP:
			equip = f->c_hp_kw * kw, conn = f->c_elec_conn;
			o->energy = kwh / f->cop;
			o->kva = kw / f->cop_design * f->simult / f->pf;
			break;
		case CH_OPT_CENTRAL:
			conn = f->c_central;
			running = f->central_price * a->area;
			if (!vs->has_infra || vs->heat_km < 0)
				o->feasible = 0, set_why(text, o, "附近没有热网");
			else if (vs->heat_km > f->heat_max_km)
				o->feasible = 0, set_why(text, o, "距热网 %.1f km，超过 %.1f km",
				                         vs->heat_km, f->heat_max_km);
			break;
		}
		if (o->kva > 0) {
			running =
			    o->energy * el_price -
			    (o->energy < f->el_sub_cap ? o->energy : f->el_sub_cap) * f->el_sub;
			if (!vs->has_infra || vs->transformers == 0)
				o->feasible = 0, set_why(text, o, "本村没有变压器摸排数据");
		}
		o->equipment_fen = fen(equip);
		o->connection_fen = fen(conn);
		o->subsidy_fen =
		    p->found ? subsidy_of(p, k, o->equipment_fen + o->connection_fen) : 0;
		o->own_fen = o->equipment_fen + o->connection_fen - o->subsidy_fen;
		o->running_fen = fen(running < 0 ? 0 : running);
		o->yearly_fen = fen((double)o->own_fen / 100.0 / f->lifetime) + o->running_fen;
	}
}

static void yuan_text(int64_t f, char *out, size_t n)
{
	ch_money_format((f + 50) / 100 * 100, out, n);
	char *dot = strchr(out, '.');
	if (dot)
		*dot = '\0';
}

/* Chooses each household's option, sharing the village's transformer
 * headroom in 户编号 order, then reports the households and the village. */
static int finish_village(ch_ctx *ctx, const struct factors *f, ch_advise_opts *o,
                          struct village_state *vs)
{
	ch_advice_village v;
	ch_buf waiting;
	int rc = 0;
	(void)ctx;
	memset(&v, 0, sizeof v);
	ch_buf_init(&waiting);
	snprintf(v.county, sizeof v.county, "%s", vs->county);
	snprintf(v.township, sizeof v.township, "%s", vs->township);
	snprintf(v.village, sizeof v.village, "%s", vs->village);
	v.transformers = vs->transformers;
	v.kva_rated = vs->rated, v.kva_peak = vs->peak;
	v.kva_headroom = vs->rated * f->load_limit - vs->peak;
	if (v.kva_headroom < 0)
		v.kva_headroom = 0;
	double left = v.kva_headroom;
	for (size_t i = 0; i < vs->n; i++) {
		ch_advice *a = &vs->hh[i];
		int order[CH_OPT_COUNT], n = 0;
		for (int k = 0; k < CH_OPT_COUNT; k++)
			order[n++] = k;
		for (int x = 1; x < n; x++) /* by yearly cost; ties keep the listed order */
			for (int y = x;
			     y > 0 && a->opt[order[y]].yearly_fen < a->opt[order[y - 1]].yearly_fen;
			     y--) {
				int t = order[y];
				order[y] = order[y - 1], order[y - 1] = t;
			}
		a->best = -1;
		int waiting_for = -1;
		for (int x = 0; x < n && a->best < 0; x++) {
			ch_option *op = &a->opt[order[x]];
			if (!op->feasible)
				continue;
			if (op->kva > 0 && op->kva > left + 1e-9) {
				if (waiting_for < 0)
					waiting_for = order[x];
				continue;
			}
			a->best = order[x];
		}
		/* electric options the headroom cannot carry: say by how much */
		for (int k = 0; k < CH_OPT_COUNT; k++) {
			ch_option *op = &a->opt[k];
			if (op->feasible && op->kva > 0 && k != a->best && op->kva > left + 1e-9)
				set_why(
				    o->household != NULL, op,
				    "变压器余量不足：需 %.1f kVA，余 %.1f kVA，缺 %.1f kVA%s%s%s",
				    op->kva, left, op->kva - left,
				    vs->grid_works ? "（计划工程：" : "",
				    vs->grid_works ? vs->works : "", vs->grid_works ? "）" : "");
		}
		if (a->best < 0 && waiting_for >= 0) {
			a->best = waiting_for;
			a->waiting = 1;
		}
		char y1[32], own[32], run[32];
		if (a->best >= 0) {
			ch_option *b = &a->opt[a->best];
			int len = 0;
			if (!o->household)
				goto tally; /* nobody reads the reasons */
			yuan_text(b->yearly_fen, y1, sizeof y1);
			yuan_text(b->own_fen, own, sizeof own);
			yuan_text(b->running_fen, run, sizeof run);
			len = snprintf(a->reason, sizeof a->reason,
			               "%s：每年折合 %s 元（自付 %s 元按 %.0f 年摊销，运行 %s 元）",
			               opt_names[a->best], y1, own, f->lifetime, run);
			if (a->waiting)
				len += snprintf(a->reason + len, sizeof a->reason - (size_t)len,
				                "，待变压器增容（缺 %.1f kVA）",
				                b->kva - (left > 0 ? left : 0));
			for (int x = 0; x < n && len < (int)sizeof a->reason - 80; x++) {
				int k = order[x];
				if (k == a->best)
					continue;
				if (a->opt[k].feasible && !(a->opt[k].kva > left + 1e-9)) {
					yuan_text(a->opt[k].yearly_fen, y1, sizeof y1);
					len += snprintf(a->reason + len,
					                sizeof a->reason - (size_t)len,
					                "；%s %s 元", opt_names[k], y1);
				} else {
					len += snprintf(
					    a->reason + len, sizeof a->reason - (size_t)len,
					    "；%s不可行（%s）", opt_names[k], a->opt[k].why);
				}
			}
		tally:
			if (a->opt[a->best].kva > 0) {
				if (a->waiting)
					v.kva_short += a->opt[a->best].kva - (left > 0 ? left : 0),
					    left = 0;
				else
					left -= a->opt[a->best].kva;
				v.kva_needed += a->opt[a->best].kva;
			}
			v.by_option[a->best]++;
			v.waiting += a->waiting;
			if (a->waiting)
				ch_buf_printf(&waiting, "%s%s", waiting.len ? "、" : "", a->hh_no);
			v.gas_connections += a->best == CH_OPT_GAS;
			v.equipment_fen += b->equipment_fen + b->connection_fen;
			v.subsidy_fen += b->subsidy_fen;
			v.own_fen += b->own_fen;
		} else {
			snprintf(a->reason, sizeof a->reason,
			         "没有可行方案：燃气（%s）；电（%s）；集中供热（%s）",
			         a->opt[CH_OPT_GAS].why, a->opt[CH_OPT_ELECTRIC].why,
			         a->opt[CH_OPT_CENTRAL].why);
			v.none++;
		}
		v.households++;
		v.coal_t += a->coal_t;
		if (o->household && (rc = o->household(a, o->arg)) != 0)
			break;
	}
	int64_t short_kva = (int64_t)v.kva_short;
	if ((double)short_kva < v.kva_short - 1e-9)
		short_kva++; /* whole kVA */
	v.grid_fen = fen((double)short_kva * f->c_trafo);
	v.waiting_list = waiting.len ? waiting.ptr : "";
	if (rc == 0 && o->village_done && vs->n)
		rc = o->village_done(&v, o->arg);
	ch_buf_dispose(&waiting);
	vs->n = 0;
	return rc;
}

/* The region the request names, checked before anything of it is read; 0
 * (the actor's scope) when none. */
static int find_region(ch_ctx *ctx, const ch_advise_opts *o, int64_t *id)
{
	ch_region county = {0}, village = {0};
	int rc = 0;
	*id = ch_ctx_actor(ctx)->scope_region_id;
	if (o->county) {
		if ((rc = ch_ctx_require_county(ctx, CH_PERM_READ, o->county)) != 0)
			return rc;
		if ((rc = ch_region_find(ctx, o->county, CH_LEVEL_COUNTY, 0, &county)) != 0)
			return rc;
		*id = county.id;
	}
	if (rc == 0 && o->village) {
		rc = ch_region_find(ctx, o->village, CH_LEVEL_VILLAGE, 0, &village);
		if (rc == 0 && county.id && !ch_region_within(ctx, village.id, county.id))
			rc = ch_error_set_field(CH_ENOTFOUND, "village", "%s没有村“%s”",
			                        county.name, o->village);
		if (rc == 0)
			rc = county.id ? ch_ctx_require(ctx, CH_PERM_READ, village.id)
			               : ch_ctx_require_unnamed(ctx, CH_PERM_READ, village.id);
		*id = village.id;
	}
	if (rc == 0 && !o->county && !o->village)
		rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	ch_region_dispose(&county);
	ch_region_dispose(&village);
	return rc;
}

int ch_advise(ch_ctx *ctx, ch_advise_opts *o)
{
	struct factors f;
	struct policy pol;
	struct village_state vs;
	ch_climate clim[16];
	int64_t clim_county[16];
	int nclim = 0;
	int64_t region = 0;
	ch_stmt *st = NULL;
	int rc;

	memset(&vs, 0, sizeof vs);
	if ((rc = find_region(ctx, o, &region)) != 0)
		return rc;
	if ((rc = load_factors(ctx, &f)) != 0 || (rc = load_policy(ctx, o, &pol)) != 0)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT s.id, c.name, t.name, v.name, s.hh_no, s.coal_kg, s.area_centi, s.structure,"
	    " coalesce(s.year_built, 0), s.wall_insulated, s.window_efficient,"
	    " coalesce(s.planned_measures, ''), s.consent, s.county_id, s.village_id,"
	    " i.village_id IS NOT NULL, coalesce(i.gas_main, 0), coalesce(i.gas_distance_m, 0),"
	    " coalesce(i.heat_network_m, -1), coalesce(tr.rated, 0), coalesce(tr.peak, 0),"
	    " coalesce(tr.n, 0), s.heating, coalesce(i.works, ''), coalesce(i.works_date, '')"
	    " FROM survey_household s JOIN region c ON c.id = s.county_id"
	    " JOIN region t ON t.id = s.township_id JOIN region v ON v.id = s.village_id"
	    " LEFT JOIN village_infra i ON i.village_id = s.village_id AND i.county_id = "
	    "s.county_id"
	    " LEFT JOIN (SELECT village_id, county_id, sum(rated_kva) AS rated,"
	    " sum(peak_kva) AS peak, count(*) AS n FROM transformer GROUP BY village_id, county_id)"
	    " tr ON tr.village_id = s.village_id AND tr.county_id = s.county_id"
	    " WHERE ?1 = 0 OR s.county_id = ?1 OR s.township_id = ?1 OR s.village_id = ?1"
	    " ORDER BY s.village_id, s.hh_no",
	    "i", region);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t village_id = ch_stmt_int64(st, 14), county_id = ch_stmt_int64(st, 13);
		rc = 0;
		if (village_id != vs.village_id) {
			if ((rc = finish_village(ctx, &f, o, &vs)) != 0)
				break;
			vs.village_id = village_id;
			snprintf(vs.county, sizeof vs.county, "%s", ch_stmt_text(st, 1));
			snprintf(vs.township, sizeof vs.township, "%s", ch_stmt_text(st, 2));
			snprintf(vs.village, sizeof vs.village, "%s", ch_stmt_text(st, 3));
			vs.has_infra = (int)ch_stmt_int64(st, 15);
			vs.gas_main = (int)ch_stmt_int64(st, 16);
			vs.gas_km = (double)ch_stmt_int64(st, 17) / 1000.0;
			int64_t hm = ch_stmt_int64(st, 18);
			vs.heat_km = hm < 0 ? -1 : (double)hm / 1000.0;
			vs.rated = (double)ch_stmt_int64(st, 19);
			vs.peak = (double)ch_stmt_int64(st, 20);
			vs.transformers = ch_stmt_int64(st, 21);
			snprintf(vs.works, sizeof vs.works, "%.80s%s%s", ch_stmt_text(st, 23),
			         *ch_stmt_text(st, 24) ? "，" : "", ch_stmt_text(st, 24));
			vs.gas_works = strstr(ch_stmt_text(st, 23), "气") != NULL;
			vs.grid_works = strstr(ch_stmt_text(st, 23), "电") ||
			                strstr(ch_stmt_text(st, 23), "变") ||
			                strstr(ch_stmt_text(st, 23), "配");
		}
		int ci = 0;
		while (ci < nclim && clim_county[ci] != county_id)
			ci++;
		if (ci == nclim) {
			if (nclim == 16) {
				rc = ch_error_set(CH_ERROR, "more than 16 counties");
				break;
			}
			if ((rc = ch_climate_of_county(ctx, county_id, &clim[ci])) != 0)
				break;
			clim_county[nclim++] = county_id;
		}
		if (vs.n == vs.cap) {
			vs.cap = vs.cap ? vs.cap * 2 : 64;
			vs.hh = ch_reallocarray(vs.hh, vs.cap, sizeof *vs.hh);
		}
		ch_advice *a = &vs.hh[vs.n++];
		memset(a, 0, sizeof *a);
		a->survey_id = ch_stmt_int64(st, 0);
		memcpy(a->county, vs.county, sizeof a->county);
		memcpy(a->township, vs.township, sizeof a->township);
		memcpy(a->village, vs.village, sizeof a->village);
		const char *no = ch_stmt_text(st, 4);
		size_t nl = strlen(no) < sizeof a->hh_no - 1 ? strlen(no) : sizeof a->hh_no - 1;
		memcpy(a->hh_no, no, nl);
		a->hh_no[nl] = '\0';
		memcpy(a->station, clim[ci].station, sizeof a->station);
		ch_envelope e = {.structure = ch_structure_parse(ch_stmt_text(st, 7)),
		                 .year_built = (int)ch_stmt_int64(st, 8),
		                 .wall_insulated = (int)ch_stmt_int64(st, 9),
		                 .window_efficient = (int)ch_stmt_int64(st, 10)};
		memcpy(a->structure, ch_structure_name(e.structure),
		       strlen(ch_structure_name(e.structure)) + 1); /* at most 7 bytes */
		a->area = (double)ch_stmt_int64(st, 6) / 100.0;
		a->h_before = ch_heat_h(&f.m, &e, NULL);
		a->h_after = ch_heat_h(&f.m, &e, ch_stmt_text(st, 11));
		a->kw_before = ch_heat_design_kw(&f.m, &clim[ci], a->h_before, a->area);
		a->kw_after = ch_heat_design_kw(&f.m, &clim[ci], a->h_after, a->area);
		a->kwh_before = ch_heat_season_kwh(&f.m, &clim[ci], a->h_before, a->area);
		a->kwh_after = ch_heat_season_kwh(&f.m, &clim[ci], a->h_after, a->area);
		a->consent = (int)ch_stmt_int64(st, 12);
		int heating = ch_heating_parse(ch_stmt_text(st, 22));
		if (heating == CH_HEAT_ELECTRIC || heating == CH_HEAT_NONE)
			a->coal_t = 0;
		else
			a->coal_t = ch_stmt_is_null(st, 5) ? f.coal_default_t
			                                   : (double)ch_stmt_int64(st, 5) / 1000.0;
		price_options(o->household != NULL, &f, &pol, &vs, a);
	}
	ch_stmt_finalize(st);
	if (rc == 0)
		rc = finish_village(ctx, &f, o, &vs);
	free(vs.hh);
	return rc;
}
