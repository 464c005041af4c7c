/*
 * test_survey — the heat load against hand-computed cases and the published
 * benchmark, and the shipped factors as a new database loads them.
 *
 * The benchmark (DOMAIN.md, M–H): direct electric heating in South Xinjiang
 * is designed at 4 kW for a 50 m² house and uses about 3,800 kWh a winter.
 * The usage factor (0.45) and the 砖木 envelope (2.8 W/(m²·K)) are
 * engineering assumptions chosen to meet it (data/survey/factors.csv says
 * so), so the first case checks that the shipped numbers do meet it; the
 * Changji cases then follow from the climate alone. Then one household's
 * five options priced by hand.
 */
#include "testutil.h"

#include "core/advise.h"
#include "core/ctx.h"
#include "core/heatload.h"
#include "core/region.h"
#include "core/survey.h"
#include "testdb.h"

/* The shipped model, written out. */
static const ch_heat_model model = {
    .indoor_temp = 18,
    .usage_factor = 0.45,
    .base_h = {3.0, 2.8, 2.5, 2.2},
    .newer_year = 2010,
    .newer_factor = 0.85,
    .red_wall = 0.30,
    .red_roof = 0.20,
    .red_window = 0.10,
    .red_floor = 0.05,
};
/* GB 50736-2012 appendix A (Kashgar as transcribed, see climate.csv). */
static const ch_climate kashgar = {"喀什", -10.9, 121, -2.7};
static const ch_climate urumqi = {"乌鲁木齐", -19.7, 158, -7.1};
static const ch_climate qitai = {"奇台", -24.0, 164, -9.5};

static void test_benchmark_south_xinjiang(void **state)
{
	(void)state;
	ch_envelope e = {.structure = CH_STRUCT_ZHUANMU, .year_built = 1995};
	double h = ch_heat_h(&model, &e, NULL);
	assert_float_equal(h, 2.8, 1e-9);
	/* degree-days: 121 d × (18 − (−2.7)) = 121 × 20.7 = 2,504.7 ℃·d */
	assert_float_equal(ch_heat_degree_days(&kashgar, 18), 2504.7, 1e-9);
	/* design: 2.8 × 50 × (18 − (−10.9)) / 1000 = 140 × 28.9 / 1000 = 4.046 kW */
	double kw = ch_heat_design_kw(&model, &kashgar, h, 50);
	assert_float_equal(kw, 4.046, 1e-9);
	/* season: 2.8 × 50 × 24 × 2,504.7 × 0.45 / 1000 = 3,360 × 2,504.7 × 0.45 / 1000
	 * = 3,787.1064 kWh: within 5% of the benchmark's 3,800 */
	double kwh = ch_heat_season_kwh(&model, &kashgar, h, 50);
	assert_float_equal(kwh, 3787.1064, 1e-6);
	assert_true(kwh > 3800 * 0.95 && kwh < 3800 * 1.05);
	assert_true(kw > 4 * 0.95 && kw < 4 * 1.05);
}

static void test_changji_needs_more(void **state)
{
	(void)state;
	ch_envelope e = {.structure = CH_STRUCT_ZHUANMU, .year_built = 1995};
	double h = ch_heat_h(&model, &e, NULL);
	double south = ch_heat_season_kwh(&model, &kashgar, h, 50);
	/* Urumqi station (昌吉市 阜康市 呼图壁县 玛纳斯县): 158 d × (18 + 7.1) = 3,965.8 ℃·d;
	 * 3,360 × 3,965.8 × 0.45 / 1000 = 5,996.2896 kWh, 3,965.8 / 2,504.7 = 1.583
	 * times South Xinjiang's: 58% more, all of it from the longer, colder
	 * season (the same house, the same habits) */
	double cj = ch_heat_season_kwh(&model, &urumqi, h, 50);
	assert_float_equal(cj, 5996.2896, 1e-6);
	assert_float_equal(cj / south, 3965.8 / 2504.7, 1e-9);
	assert_true(cj / south > 1.58 && cj / south < 1.59);
	/* Qitai station (奇台县 吉木萨尔县 木垒县): 164 × (18 + 9.5) = 4,510 ℃·d →
	 * 3,360 × 4,510 × 0.45 / 1000 = 6,819.12 kWh, 80% more */
	double qt = ch_heat_season_kwh(&model, &qitai, h, 50);
	assert_float_equal(qt, 6819.12, 1e-6);
	assert_true(qt / south > 1.80 && qt / south < 1.81);
	/* the design load grows with the design temperature difference:
	 * 140 × 37.7 / 1000 = 5.278 kW in Urumqi (37.7 / 28.9 = 1.30 times) and
	 * 140 × 42 / 1000 = 5.88 kW in Qitai */
	assert_float_equal(ch_heat_design_kw(&model, &urumqi, h, 50), 5.278, 1e-9);
	assert_float_equal(ch_heat_design_kw(&model, &qitai, h, 50), 5.88, 1e-9);
}

static void test_envelope_classes(void **state)
{
	(void)state;
	/* 砖混 built 2012, walls already insulated, planned roof and windows:
	 * 2.5 × 0.85 (newer) × 0.7 (wall) × 0.9 (window) × 0.8 (roof) = 1.071 */
	ch_envelope e = {.structure = CH_STRUCT_ZHUANHUN, .year_built = 2012, .wall_insulated = 1};
	assert_float_equal(ch_heat_h(&model, &e, "roof+window"), 1.071, 1e-9);
	/* before the measures: 2.5 × 0.85 × 0.7 = 1.4875 */
	assert_float_equal(ch_heat_h(&model, &e, NULL), 1.4875, 1e-9);
	/* a planned wall insulation on an insulated wall counts once */
	assert_float_equal(ch_heat_h(&model, &e, "wall"), 1.4875, 1e-9);
	/* 土木 of unknown year with every measure: 3.0 × 0.7 × 0.8 × 0.9 × 0.95 = 1.4364 */
	ch_envelope t = {.structure = CH_STRUCT_TU};
	assert_float_equal(ch_heat_h(&model, &t, "wall+roof+window+floor"), 1.4364, 1e-9);
	/* 101 m² (the 2023 average) 土木 in Qitai, before: 3.0 × 101 × 42 / 1000 = 12.726 kW */
	assert_float_equal(ch_heat_design_kw(&model, &qitai, ch_heat_h(&model, &t, NULL), 101),
	                   12.726, 1e-9);
	assert_int_equal(ch_structure_parse("砖木结构"), CH_STRUCT_ZHUANMU);
	assert_int_equal(ch_structure_parse("土坯"), CH_STRUCT_TU);
	assert_int_equal(ch_structure_parse("kuangjia"), CH_STRUCT_KUANGJIA);
	assert_int_equal(ch_structure_parse("窑洞"), -1);
	assert_int_equal(ch_heating_parse("土暖气"), CH_HEAT_TUNUANQI);
	assert_int_equal(ch_heating_parse("煤炉"), CH_HEAT_COAL_STOVE);
	assert_int_equal(ch_heating_parse("地暖"), -1);
}

/* The shipped files, loaded into a new database, give the model above and
 * each county its station. */
static void test_shipped_factors(void **state)
{
	(void)state;
	char *dir = test_tmpdir(), url[600];
	ch_ctx *ctx;
	ch_heat_model m;
	ch_climate c;
	ch_region county = {0};
	assert_int_equal(test_db_open(dir, "f.db", url, sizeof url, &ctx), 0);
	assert_int_equal(ch_heat_model_load(ctx, &m), 0);
	assert_memory_equal(&m, &model, sizeof m);
	assert_int_equal(ch_region_find(ctx, "奇台县", CH_LEVEL_COUNTY, 0, &county), 0);
	assert_int_equal(ch_climate_of_county(ctx, county.id, &c), 0);
	assert_string_equal(c.station, "奇台");
	assert_float_equal(c.design_temp, -24.0, 1e-9);
	ch_region_dispose(&county);
	assert_int_equal(ch_region_find(ctx, "昌吉市", CH_LEVEL_COUNTY, 0, &county), 0);
	assert_int_equal(ch_climate_of_county(ctx, county.id, &c), 0);
	assert_string_equal(c.station, "乌鲁木齐");
	assert_float_equal(c.heating_days, 158, 1e-9);
	ch_region_dispose(&county);
	assert_int_equal(ch_climate_of_station(ctx, "喀什", &c), 0);
	assert_float_equal(c.mean_temp, -2.7, 1e-9);
	double v;
	assert_int_equal(ch_factor_get(ctx, "emission", "coal.tce", &v), 0);
	assert_float_equal(v, 0.7143, 1e-12);
	assert_int_equal(ch_factor_get(ctx, "survey", "no_such_factor", &v), CH_ENOTFOUND);
	ch_ctx_free(ctx);
	test_rmdir(dir);
}

/* ---- the costs of each option, by hand ---- */

static int keep_advice(const ch_advice *a, void *arg)
{
	memcpy(arg, a, sizeof *a);
	return 0;
}

/* One 砖木 house of 80 m² built 1995 in 昌吉市 (station 乌鲁木齐), in a village
 * with a gas main 0.5 km away and a 400 kVA transformer at a 200 kVA peak,
 * priced with the shipped factors, tariffs and the example 2023 subsidy
 * standard. */
static void test_costs_by_hand(void **state)
{
	(void)state;
	char *dir = test_tmpdir(), url[600];
	ch_ctx *ctx;
	ch_region county = {0};
	int64_t town, village;
	int added, ins;
	static ch_advice a;
	assert_int_equal(test_db_open(dir, "c.db", url, sizeof url, &ctx), 0);
	assert_int_equal(ch_region_find(ctx, "昌吉市", CH_LEVEL_COUNTY, 0, &county), 0);
	assert_int_equal(ch_region_add_child(ctx, county.id, "样例镇", NULL, &town, &added), 0);
	assert_int_equal(ch_region_add_child(ctx, town, "气村", NULL, &village, &added), 0);
	assert_int_equal(ch_ctx_begin(ctx), 0);
	ch_village_row v = {.county_id = county.id,
	                    .village_id = village,
	                    .gas_main = 1,
	                    .gas_distance_m = 500,
	                    .heat_network_m = -1,
	                    .transformer = "T1",
	                    .rated_kva = 400,
	                    .peak_kva = 200};
	assert_int_equal(ch_village_put(ctx, &v, 1), 0);
	ch_survey_row r = {.county_id = county.id,
	                   .township_id = town,
	                   .village_id = village,
	                   .hh_no = "Q001",
	                   .heating = CH_HEAT_COAL_STOVE,
	                   .coal_kg = 9000,
	                   .area_centi = 8000,
	                   .structure = CH_STRUCT_ZHUANMU,
	                   .year_built = 1995,
	                   .occupants = 3,
	                   .consent = 1,
	                   .income_fen = -1};
	assert_int_equal(ch_survey_put(ctx, &r, &ins), 0);
	assert_int_equal(ch_ctx_commit(ctx), 0);
	ch_advise_opts o = {.county = "昌吉市", .household = keep_advice, .arg = &a};
	assert_int_equal(ch_advise(ctx, &o), 0);
	/* design 2.8 × 80 × 37.7 / 1000 = 8.4448 kW; season 2.8 × 80 × 24 × 3,965.8 × 0.45
	 * / 1000 = 9,594.06 kWh */
	assert_float_equal(a.kw_after, 8.4448, 1e-9);
	assert_float_equal(a.kwh_after, 9594.06336, 1e-5);
	assert_float_equal(a.coal_t, 9.0, 1e-9);
	/* gas: 4,500 + 2,500 = 7,000 元; 70% = 4,900 capped at 2,700; own 4,300;
	 * 9,594.06336 / (9.7 × 0.9) = 1,098.9763 m³ × 1.67 = 1,835.29 元 */
	const ch_option *g = &a.opt[CH_OPT_GAS];
	assert_true(g->feasible);
	assert_int_equal(g->equipment_fen, 450000);
	assert_int_equal(g->connection_fen, 250000);
	assert_int_equal(g->subsidy_fen, 270000);
	assert_int_equal(g->own_fen, 430000);
	assert_float_equal(g->energy, 1098.9763, 1e-4);
	assert_int_equal(g->running_fen, 183529);
	/* yearly: 4,300 / 10 + 1,835.29 = 2,265.29 */
	assert_int_equal(g->yearly_fen, 226529);
	/* direct electric: 500 × 8.4448 = 4,222.40 + 1,500; 85% of 5,722.40 = 4,864.04
	 * (under the 7,400 cap); own 858.36; 9,594.06 kWh × (0.6 × 0.20 + 0.4 × 0.39 =
	 * 0.276) = 2,647.96; load 8.4448 × 0.9 / 0.95 = 8.0003 kVA */
	const ch_option *e = &a.opt[CH_OPT_ELECTRIC];
	assert_int_equal(e->equipment_fen, 422240);
	assert_int_equal(e->subsidy_fen, 486404);
	assert_int_equal(e->own_fen, 85836);
	assert_int_equal(e->running_fen, 264796);
	assert_float_equal(e->kva, 8.0003368, 1e-6);
	/* heat pump: 3,000 × 8.4448 = 25,334.40 + 1,500; capped at 7,400; own 19,434.40;
	 * 9,594.06 / 2.0 × 0.276 = 1,323.98 */
	const ch_option *h = &a.opt[CH_OPT_HEAT_PUMP];
	assert_int_equal(h->own_fen, 1943440);
	assert_int_equal(h->running_fen, 132398);
	/* no heat network: central heating is not feasible, and says why */
	assert_false(a.opt[CH_OPT_CENTRAL].feasible);
	assert_non_null(strstr(a.opt[CH_OPT_CENTRAL].why, "热网"));
	assert_int_equal(a.best, CH_OPT_GAS);
	assert_false(a.waiting);
	ch_region_dispose(&county);
	ch_ctx_free(ctx);
	test_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_benchmark_south_xinjiang),
	    cmocka_unit_test(test_changji_needs_more),
	    cmocka_unit_test(test_envelope_classes),
	    cmocka_unit_test(test_shipped_factors),
	    cmocka_unit_test(test_costs_by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
