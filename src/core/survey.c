/*
 * survey — storing the baseline survey and the village infrastructure, and
 * reading the factors they are computed with (see survey.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/region.h"
#include "core/survey.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/strv.h"

static const struct {
	const char *key, *name;
	const char *spellings[8];
} heatings[] = {
    [CH_HEAT_COAL_STOVE] = {"coal_stove",
                            "燃煤炉",
                            {"燃煤炉", "煤炉", "火炉", "炉子", "燃煤炉具", "煤炉子", "燃煤", NULL}},
    [CH_HEAT_TUNUANQI] = {"tunuanqi", "土暖气", {"土暖气", "燃煤土暖气", "小锅炉", NULL}},
    [CH_HEAT_KANG] = {"kang", "火炕", {"火炕", "炕", "火墙", NULL}},
    [CH_HEAT_ELECTRIC] = {"electric", "电取暖", {"电取暖", "电", "电暖器", "电采暖", NULL}},
    [CH_HEAT_NONE] = {"none", "无", {"无", "没有", NULL}},
};
#define NHEATINGS (int)(sizeof heatings / sizeof heatings[0])

int ch_heating_parse(const char *s)
{
	for (int i = 0; s && i < NHEATINGS; i++) {
		if (strcmp(s, heatings[i].key) == 0)
			return i;
		for (int k = 0; heatings[i].spellings[k]; k++)
			if (strcmp(s, heatings[i].spellings[k]) == 0)
				return i;
	}
	return -1;
}

const char *ch_heating_key(int h)
{
	return h >= 0 && h < NHEATINGS ? heatings[h].key : "";
}

const char *ch_heating_name(int h)
{
	return h >= 0 && h < NHEATINGS ? heatings[h].name : "";
}

int ch_survey_put(ch_ctx *ctx, const ch_survey_row *r, int *inserted)
{
	char now[32];
	int64_t id = 0;
	int rc = ch_ctx_require(ctx, CH_PERM_HOUSEHOLD_WRITE, r->village_id);
	if (rc)
		return rc;
	ch_now_utc(now, sizeof now);
	rc = ch_db_query_int64(ctx->db, &id,
	                       "SELECT id FROM survey_household WHERE county_id = ? AND hh_no = ?",
	                       "it", r->county_id, r->hh_no);
	if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		rc = 0;
	}
	if (rc)
		return rc;
	*inserted = id == 0;
	char coal[24], occ[24], inc[24], year[24];
	snprintf(coal, sizeof coal, "%lld", (long long)r->coal_kg);
	snprintf(occ, sizeof occ, "%d", r->occupants);
	snprintf(inc, sizeof inc, "%lld", (long long)r->income_fen);
	snprintf(year, sizeof year, "%d", r->year_built);
	return ch_db_run(
	    ctx->db,
	    "INSERT INTO survey_household(county_id, township_id, village_id, hh_no, head_name,"
	    " heating, coal_kg, area_centi, structure, year_built, wall_insulated, "
	    "window_efficient,"
	    " planned_measures, occupants, consent, income_fen, meter_gas, meter_electric, "
	    "updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT(county_id, hh_no) DO UPDATE SET township_id = excluded.township_id,"
	    " village_id = excluded.village_id, head_name = excluded.head_name,"
	    " heating = excluded.heating, coal_kg = excluded.coal_kg,"
	    " area_centi = excluded.area_centi, structure = excluded.structure,"
	    " year_built = excluded.year_built, wall_insulated = excluded.wall_insulated,"
	    " window_efficient = excluded.window_efficient,"
	    " planned_measures = excluded.planned_measures, occupants = excluded.occupants,"
	    " consent = excluded.consent, income_fen = excluded.income_fen,"
	    " meter_gas = excluded.meter_gas, meter_electric = excluded.meter_electric,"
	    " updated_at = excluded.updated_at",
	    "iiittttittiittitttt", r->county_id, r->township_id, r->village_id, r->hh_no,
	    r->head_name && *r->head_name ? r->head_name : NULL, ch_heating_key(r->heating),
	    r->coal_kg >= 0 ? coal : NULL, r->area_centi, ch_structure_key(r->structure),
	    r->year_built > 0 ? year : NULL, (int64_t) !!r->wall_insulated,
	    (int64_t) !!r->window_efficient,
	    r->planned_measures && *r->planned_measures ? r->planned_measures : NULL,
	    r->occupants >= 0 ? occ : NULL, (int64_t) !!r->consent, r->income_fen >= 0 ? inc : NULL,
	    r->meter_gas && *r->meter_gas ? r->meter_gas : NULL,
	    r->meter_electric && *r->meter_electric ? r->meter_electric : NULL, now);
}

#define LOAD_DEFER_MIN 5000

int ch_survey_load_begin(ch_ctx *ctx, size_t n, ch_strv *saved)
{
	int64_t before = 0;
	ch_strv names;
	if (n < LOAD_DEFER_MIN)
		return 0;
	int rc = ch_db_query_int64(ctx->db, &before,
	                           "SELECT coalesce(max(id), 0) FROM survey_household", NULL);
	if (rc || before > (int64_t)n)
		return rc;
	ch_strv_init(&names);
	rc = ch_db_deferrable_indexes(ctx->db, "survey_household", 0, &names, saved);
	if (rc == 0)
		rc = ch_db_indexes_drop(ctx->db, &names);
	ch_strv_dispose(&names);
	return rc;
}

int ch_survey_load_end(ch_ctx *ctx, ch_strv *saved)
{
	return ch_db_indexes_build(ctx->db, "survey_household", saved);
}

int ch_village_put(ch_ctx *ctx, const ch_village_row *r, int first)
{
	char now[32], gd[24], hd[24];
	int rc = ch_ctx_require(ctx, CH_PERM_HOUSEHOLD_WRITE, r->village_id);
	if (rc)
		return rc;
	ch_now_utc(now, sizeof now);
	snprintf(gd, sizeof gd, "%lld", (long long)r->gas_distance_m);
	snprintf(hd, sizeof hd, "%lld", (long long)r->heat_network_m);
	if (first) {
		const char *gas_d = r->gas_distance_m >= 0 ? gd : NULL,
		           *heat_d = r->heat_network_m >= 0 ? hd : NULL,
		           *works = r->works && *r->works ? r->works : NULL,
		           *works_date = r->works_date && *r->works_date ? r->works_date : NULL;
		/* updated, else added: not an upsert, as on SQLite village_id is the
		 * rowid and no conflict target can name it beside county_id, the
		 * key's other half on PostgreSQL */
		rc = ch_db_run(ctx->db,
		               "UPDATE village_infra SET gas_main = ?, gas_distance_m = ?,"
		               " heat_network_m = ?, works = ?, works_date = ?, updated_at = ?"
		               " WHERE village_id = ? AND county_id = ?",
		               "ittttt"
		               "ii",
		               (int64_t) !!r->gas_main, gas_d, heat_d, works, works_date, now,
		               r->village_id, r->county_id);
		if (rc == 0 && ch_db_changes(ctx->db) == 0)
			rc = ch_db_run(
			    ctx->db,
			    "INSERT INTO village_infra(village_id, county_id, gas_main,"
			    " gas_distance_m, heat_network_m, works, works_date, updated_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			    "iiittttt", r->village_id, r->county_id, (int64_t) !!r->gas_main, gas_d,
			    heat_d, works, works_date, now);
		if (rc == 0)
			rc = ch_db_run(
			    ctx->db,
			    "DELETE FROM transformer WHERE village_id = ? AND county_id = ?", "ii",
			    r->village_id, r->county_id);
	}
	if (rc == 0 && r->transformer && *r->transformer)
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO transformer(village_id, name, rated_kva, peak_kva, county_id)"
		    " VALUES (?, ?, ?, ?, ?) ON CONFLICT(village_id, name, county_id)"
		    " DO UPDATE SET rated_kva = excluded.rated_kva,"
		    " peak_kva = excluded.peak_kva",
		    "itiii", r->village_id, r->transformer, r->rated_kva, r->peak_kva,
		    r->county_id);
	return rc;
}

static const char *scope_file(const char *scope)
{
	if (strcmp(scope, "tariff") == 0)
		return "data/tariffs/tariffs.csv（cleanheat rules import tariffs）";
	if (strcmp(scope, "emission") == 0)
		return "data/emission/factors.csv（cleanheat rules import emission）";
	if (strcmp(scope, "climate") == 0)
		return "data/survey/climate.csv（cleanheat rules import climate）";
	return "data/survey/factors.csv（cleanheat rules import factors）";
}

int ch_factor_get(ch_ctx *ctx, const char *scope, const char *key, double *out)
{
	char *v = NULL;
	int rc = ch_db_query_text(
	    ctx->db, &v, "SELECT value FROM factor WHERE scope = ? AND key = ?", "tt", scope, key);
	if (rc == CH_ENOTFOUND)
		return ch_error_set(CH_ENOTFOUND, "缺少系数“%s”：请在 %s 中给出", key,
		                    scope_file(scope));
	if (rc)
		return rc;
	*out = strtod(v, NULL);
	free(v);
	return 0;
}

int ch_factor_load(ch_ctx *ctx, const ch_factor_ref *refs, size_t n, void *base)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = ch_factor_get(ctx, refs[i].scope, refs[i].key,
		                   (double *)(void *)((char *)base + refs[i].offset));
	return rc;
}

int ch_heat_model_load(ch_ctx *ctx, ch_heat_model *m)
{
	static const char *const base[CH_STRUCT_COUNT] = {"envelope.tu", "envelope.zhuanmu",
	                                                  "envelope.zhuanhun", "envelope.kuangjia"};
	int rc = ch_factor_get(ctx, "survey", "indoor_temp", &m->indoor_temp);
	if (rc == 0)
		rc = ch_factor_get(ctx, "survey", "usage_factor", &m->usage_factor);
	for (int i = 0; i < CH_STRUCT_COUNT && rc == 0; i++)
		rc = ch_factor_get(ctx, "survey", base[i], &m->base_h[i]);
	if (rc == 0)
		rc = ch_factor_get(ctx, "survey", "envelope.newer_year", &m->newer_year);
	if (rc == 0)
		rc = ch_factor_get(ctx, "survey", "envelope.newer_factor", &m->newer_factor);
	if (rc == 0)
		rc = ch_factor_get(ctx, "survey", "reduction.wall", &m->red_wall);
	if (rc == 0)
		rc = ch_factor_get(ctx, "survey", "reduction.roof", &m->red_roof);
	if (rc == 0)
		rc = ch_factor_get(ctx, "survey", "reduction.window", &m->red_window);
	if (rc == 0)
		rc = ch_factor_get(ctx, "survey", "reduction.floor", &m->red_floor);
	return rc;
}

double ch_survey_house_kwh(ch_stmt *st, int col, const ch_heat_model *m, const ch_climate *c,
                           double default_area)
{
	double area = (double)ch_stmt_int64(st, col) / 100.0;
	int s = ch_structure_parse(ch_stmt_text(st, col + 1));
	ch_envelope env = {.structure = s < 0 ? CH_STRUCT_ZHUANMU : s,
	                   .year_built = (int)ch_stmt_int64(st, col + 2),
	                   .wall_insulated = (int)ch_stmt_int64(st, col + 3),
	                   .window_efficient = (int)ch_stmt_int64(st, col + 4)};
	return ch_heat_season_kwh(m, c, ch_heat_h(m, &env, ch_stmt_text(st, col + 5)),
	                          area > 0 ? area : default_area);
}

int ch_climate_of_station(ch_ctx *ctx, const char *station, ch_climate *out)
{
	char key[128];
	int rc;
	snprintf(out->station, sizeof out->station, "%s", station);
	snprintf(key, sizeof key, "%s.design_temp", station);
	rc = ch_factor_get(ctx, "climate", key, &out->design_temp);
	snprintf(key, sizeof key, "%s.heating_days", station);
	if (rc == 0)
		rc = ch_factor_get(ctx, "climate", key, &out->heating_days);
	snprintf(key, sizeof key, "%s.mean_temp", station);
	if (rc == 0)
		rc = ch_factor_get(ctx, "climate", key, &out->mean_temp);
	return rc;
}

int ch_climate_of_county(ch_ctx *ctx, int64_t county_id, ch_climate *out)
{
	ch_region county = {0};
	char key[160], *station = NULL;
	int rc = ch_region_get(ctx, county_id, &county);
	if (rc)
		return rc;
	/* the county by its name, its code or a short name (木垒县) */
	char *names[8] = {0};
	int n = ch_region_short_names(county.name, names, 6);
	names[n++] = ch_strdup(county.name);
	if (county.code)
		names[n++] = ch_strdup(county.code);
	rc = CH_ENOTFOUND;
	for (int i = n - 1; i >= 0; i--) {
		snprintf(key, sizeof key, "county.%s", names[i]);
		if (rc == CH_ENOTFOUND) {
			rc = ch_db_query_text(
			    ctx->db, &station,
			    "SELECT value FROM factor WHERE scope = 'climate' AND key = ?", "t",
			    key);
			if (rc == CH_ENOTFOUND)
				ch_error_clear();
		}
		free(names[i]);
	}
	if (rc == CH_ENOTFOUND)
		rc =
		    ch_error_set(CH_ENOTFOUND, "%s没有对应的气候站点：请在 %s 的 counties 列中给出",
		                 county.name, scope_file("climate"));
	if (rc == 0)
		rc = ch_climate_of_station(ctx, station, out);
	free(station);
	ch_region_dispose(&county);
	return rc;
}
