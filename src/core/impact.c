/*
 * impact — coal and emissions avoided (see impact.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/heatload.h"
#include "core/impact.h"
#include "core/region.h"
#include "core/survey.h"
#include "util/alloc.h"
#include "util/error.h"

struct ef {
	double coal_tce, el_tce, gas_tce, heat_tce, coal_co2, gas_co2, el_co2, heat_co2;
	double so2, nox, pm25;
	double coal_default, default_area, gas_kwh_m3, eff_gas, cop, solar_fraction;
};

static int load_ef(ch_ctx *ctx, struct ef *e)
{
	static const ch_factor_ref list[] = {
#define F(s, k, field) CH_FACTOR(s, k, struct ef, field)
	    F("emission", "coal.tce", coal_tce),
	    F("emission", "electric.tce", el_tce),
	    F("emission", "gas.tce", gas_tce),
	    F("emission", "heat.tce", heat_tce),
	    F("emission", "coal.co2", coal_co2),
	    F("emission", "gas.co2", gas_co2),
	    F("emission", "electric.co2", el_co2),
	    F("emission", "heat.co2", heat_co2),
	    F("emission", "coal.so2", so2),
	    F("emission", "coal.nox", nox),
	    F("emission", "coal.pm25", pm25),
	    F("survey", "coal_per_household", coal_default),
	    F("survey", "default_area", default_area),
	    F("survey", "gas_kwh_per_m3", gas_kwh_m3),
	    F("survey", "efficiency.gas", eff_gas),
	    F("survey", "cop.heat_pump", cop),
	    F("survey", "solar_fraction", solar_fraction),
#undef F
	};
	int rc = ch_factor_load(ctx, list, sizeof list / sizeof list[0], e);
	if (rc == 0 && (e->gas_kwh_m3 <= 0 || e->eff_gas <= 0 || e->cop <= 0))
		rc = ch_error_set(CH_EINVALID,
		                  "系数 gas_kwh_per_m3、efficiency.gas、cop.heat_pump 都要大于 0");
	return rc;
}

struct county_acc {
	ch_impact_row r;
	ch_climate clim;
	int have_clim;
};

static struct county_acc *county_of(ch_ctx *ctx, struct county_acc **list, size_t *n, int64_t id,
                                    int *rc)
{
	for (size_t i = 0; i < *n; i++)
		if ((*list)[i].r.county_id == id)
			return &(*list)[i];
	*list = ch_reallocarray(*list, *n + 1, sizeof **list);
	struct county_acc *c = &(*list)[(*n)++];
	memset(c, 0, sizeof *c);
	c->r.county_id = id;
	ch_region reg = {0};
	if ((*rc = ch_region_get(ctx, id, &reg)) == 0)
		snprintf(c->r.county, sizeof c->r.county, "%s", reg.name);
	ch_region_dispose(&reg);
	return c;
}

/* Adds one household: COAL_T of raw coal, and the new fuel for KWH of heat
 * by technology TECH. */
static void add_household(const struct ef *e, ch_impact_figures *f, double coal_t, double kwh,
                          const char *tech, int surveyed)
{
	double tce = coal_t * e->coal_tce, co2 = coal_t * e->coal_co2;
	if (strcmp(tech, "gas") == 0) {
		double km3 = kwh / (e->gas_kwh_m3 * e->eff_gas) / 1000.0;
		tce -= km3 * e->gas_tce, co2 -= km3 * e->gas_co2;
	} else if (strcmp(tech, "central") == 0) {
		tce -= kwh / 1000.0 * e->heat_tce, co2 -= kwh / 1000.0 * e->heat_co2;
	} else {
		double mwh = kwh / 1000.0;
		if (strcmp(tech, "heat_pump") == 0)
			mwh /= e->cop;
		else if (strcmp(tech, "solar") == 0 || strcmp(tech, "multi") == 0)
			mwh *= 1 - e->solar_fraction;
		tce -= mwh * e->el_tce, co2 -= mwh * e->el_co2;
	}
	f->households += 1;
	f->surveyed += surveyed;
	f->coal_t += coal_t;
	f->tce += tce;
	f->co2_t += co2;
	f->so2_t += coal_t * e->so2 / 1000.0;
	f->nox_t += coal_t * e->nox / 1000.0;
	f->pm25_t += coal_t * e->pm25 / 1000.0;
}

static void scale(ch_impact_figures *out, const ch_impact_figures *per, double n)
{
	double k = per->households > 0 ? n / per->households : 0;
	out->households = n;
	out->coal_t = per->coal_t * k, out->tce = per->tce * k, out->co2_t = per->co2_t * k;
	out->so2_t = per->so2_t * k, out->nox_t = per->nox_t * k, out->pm25_t = per->pm25_t * k;
	out->surveyed = 0;
}

static void add_figures(ch_impact_figures *a, const ch_impact_figures *b)
{
	a->households += b->households, a->surveyed += b->surveyed, a->coal_t += b->coal_t;
	a->tce += b->tce, a->co2_t += b->co2_t, a->so2_t += b->so2_t;
	a->nox_t += b->nox_t, a->pm25_t += b->pm25_t;
}

int ch_impact(ch_ctx *ctx, int year, const char *as_of, const char *county,
              int (*fn)(const ch_impact_row *r, void *arg), void *arg)
{
	struct ef e;
	ch_heat_model m;
	struct county_acc *list = NULL;
	size_t n = 0;
	ch_stmt *st = NULL;
	int64_t region = ch_ctx_actor(ctx)->scope_region_id;
	int rc;

	if (county) {
		ch_region c = {0};
		if ((rc = ch_ctx_require_county(ctx, CH_PERM_READ, county)) != 0 ||
		    (rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, &c)) != 0)
			return rc;
		region = c.id;
		ch_region_dispose(&c);
	} else if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0) {
		return rc;
	}
	if ((rc = load_ef(ctx, &e)) != 0 || (rc = ch_heat_model_load(ctx, &m)) != 0)
		return rc;
	/* the plan's counties first, so a county with nothing done is listed */
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT t.region_id, t.households_total FROM plan_target t"
	                    " JOIN plan p ON p.id = t.plan_id JOIN region r ON r.id = t.region_id"
	                    " WHERE p.year = ?1 AND p.status = 'active' AND r.level = 2"
	                    " AND (?2 = 0 OR t.region_id = ?2) ORDER BY r.code",
	                    "ii", (int64_t)year, region);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		rc = 0;
		struct county_acc *c = county_of(ctx, &list, &n, ch_stmt_int64(st, 0), &rc);
		c->r.plan_households = ch_stmt_int64(st, 1);
	}
	ch_stmt_finalize(st);
	if (rc == CH_DB_DONE)
		rc = 0;
	if (rc == 0)
		rc = ch_db_preparef(
		    ctx->db, &st,
		    "SELECT h.county_id, h.technology," CH_SURVEY_HOUSE_COLS ","
		    " s.id IS NOT NULL, s.heating,"
		    " s.coal_kg"
		    " FROM household h LEFT JOIN survey_household s"
		    " ON s.county_id = h.county_id AND s.hh_no = h.hh_no"
		    " WHERE h.plan_year = ?1 AND h.status <> 'withdrawn'"
		    " AND (?3 = 0 OR h.county_id = ?3 OR h.township_id = ?3 OR h.village_id = ?3)"
		    " AND EXISTS (SELECT 1 FROM event e WHERE e.household_id = h.id AND e.stage_no "
		    "= 3"
		    " AND e.superseded_by IS NULL AND e.day <= ?2)",
		    "iti", (int64_t)year, as_of, region);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		rc = 0;
		struct county_acc *c = county_of(ctx, &list, &n, ch_stmt_int64(st, 0), &rc);
		if (rc == 0 && !c->have_clim) {
			rc = ch_climate_of_county(ctx, c->r.county_id, &c->clim);
			c->have_clim = rc == 0;
		}
		if (rc)
			break;
		double kwh = ch_survey_house_kwh(st, 2, &m, &c->clim, e.default_area);
		int surveyed = (int)ch_stmt_int64(st, 8) && !ch_stmt_is_null(st, 10);
		double coal = surveyed ? (double)ch_stmt_int64(st, 10) / 1000.0 : e.coal_default;
		if (ch_stmt_int64(st, 8)) {
			int heating = ch_heating_parse(ch_stmt_text(st, 9));
			if (heating == CH_HEAT_ELECTRIC || heating == CH_HEAT_NONE)
				coal = 0, surveyed = 1;
		}
		add_household(&e, &c->r.done, coal, kwh, ch_stmt_text(st, 1), surveyed);
	}
	ch_stmt_finalize(st);
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_impact_row total;
	memset(&total, 0, sizeof total);
	snprintf(total.county, sizeof total.county, "合计");
	total.total = 1;
	for (size_t i = 0; i < n; i++)
		add_figures(&total.done, &list[i].r.done);
	for (size_t i = 0; i < n && rc == 0; i++) {
		ch_impact_row *r = &list[i].r;
		scale(&r->plan, r->done.households > 0 ? &r->done : &total.done,
		      (double)r->plan_households);
		total.plan_households += r->plan_households;
		add_figures(&total.plan, &r->plan);
		rc = fn(r, arg);
	}
	if (rc == 0)
		rc = fn(&total, arg);
	free(list);
	return rc;
}

int ch_factor_each(ch_ctx *ctx, const char *scope,
                   int (*fn)(const char *key, const char *value, const char *unit,
                             const char *source, void *arg),
                   void *arg)
{
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0)
		rc = ch_db_preparef(ctx->db, &st,
		                    "SELECT key, value, coalesce(unit, ''), source FROM factor"
		                    " WHERE scope = ? ORDER BY key",
		                    "t", scope);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if ((rc = fn(ch_stmt_text(st, 0), ch_stmt_text(st, 1), ch_stmt_text(st, 2),
		             ch_stmt_text(st, 3), arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc == CH_DB_DONE ? 0 : rc;
}
