/*
 * survey — the baseline survey (摸排): per household its current heating,
 * coal burned, house and consent; per village the gas main, the heat
 * network and the transformers; and the factors (climate, envelope,
 * tariffs, emission, thresholds) that the heat load, the advice, the impact
 * report and the usage check compute with.
 *
 * Households are keyed by county and 户编号, the register's key, so a
 * surveyed household that is registered and commissioned is the same
 * household. Writes check CH_PERM_HOUSEHOLD_WRITE for the row's village
 * and run inside the caller's transaction (ch_ctx_begin); the importer
 * (io/survey_file.c) begins it, writes every row and appends one audit
 * entry.
 */
#ifndef CH_CORE_SURVEY_H
#define CH_CORE_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "core/heatload.h"

typedef struct ch_ctx ch_ctx;
struct ch_strv;

/* Current heating, as the survey records it. */
enum ch_heating {
	CH_HEAT_COAL_STOVE,
	CH_HEAT_TUNUANQI,
	CH_HEAT_KANG,
	CH_HEAT_ELECTRIC,
	CH_HEAT_NONE
};
/* The heating named S (燃煤炉 土暖气 火炕 电 无 and usual spellings), or -1. */
int ch_heating_parse(const char *s);
const char *ch_heating_key(int h);
const char *ch_heating_name(int h);

typedef struct ch_survey_row {
	int64_t county_id, township_id, village_id;
	const char *hh_no, *head_name;
	int heating;        /* enum ch_heating */
	int64_t coal_kg;    /* -1: not surveyed */
	int64_t area_centi; /* 0.01 m² */
	int structure;      /* enum ch_structure */
	int year_built;     /* 0: unknown */
	int wall_insulated, window_efficient;
	const char *planned_measures; /* measure keys joined by '+', or NULL */
	int occupants;                /* -1: unknown */
	int consent;
	int64_t income_fen; /* -1: unknown */
	const char *meter_gas, *meter_electric;
} ch_survey_row;

/* Stores ROW (a new household, or the stored one of its county and 户编号
 * replaced); *INSERTED is 1 for a new one. Requires CH_PERM_HOUSEHOLD_WRITE
 * for the village. Inside the caller's transaction. */
int ch_survey_put(ch_ctx *ctx, const ch_survey_row *row, int *inserted);
/* Before N households are put in one transaction: when N is at least
 * 5,000 and at least the households surveyed before, the survey's
 * non-unique indexes are dropped, and *SAVED (initialised by the caller)
 * gets the statements that build them again, which ch_survey_load_end
 * runs before the commit: building an index from sorted keys costs far
 * less than growing it row by row (1,000,000 rows took 28–30 s with the
 * indexes kept, 11–14 s with them built after; docs/performance.md).
 * PostgreSQL keeps its indexes (ch_db_deferrable_indexes). */
int ch_survey_load_begin(ch_ctx *ctx, size_t n, struct ch_strv *saved);
int ch_survey_load_end(ch_ctx *ctx, struct ch_strv *saved);

typedef struct ch_village_row {
	int64_t county_id, village_id;
	int gas_main;
	int64_t gas_distance_m; /* -1: not given */
	int64_t heat_network_m; /* -1: no heat network */
	const char *works, *works_date;
	const char *transformer; /* NULL: none on this row */
	int64_t rated_kva, peak_kva;
} ch_village_row;

/* Stores a village's infrastructure; the first row of VILLAGE in an import
 * (FIRST) replaces its transformers, later rows add theirs. Requires
 * CH_PERM_HOUSEHOLD_WRITE for the village. Inside the caller's
 * transaction. */
int ch_village_put(ch_ctx *ctx, const ch_village_row *row, int first);

/* The number SCOPE.KEY of the factor table ("survey", "usage_factor"):
 * CH_ENOTFOUND naming the factor and the file that sets it when missing. */
int ch_factor_get(ch_ctx *ctx, const char *scope, const char *key, double *out);
/* One factor a computation reads into a field of its own struct. */
typedef struct ch_factor_ref {
	const char *scope, *key;
	size_t offset; /* of the double in the caller's struct */
} ch_factor_ref;
#define CH_FACTOR(scope, key, type, field)                                                         \
	{                                                                                          \
		(scope), (key), offsetof(type, field)                                              \
	}
/* Reads the N factors of REFS into the doubles of BASE, stopping at the
 * first missing one (ch_factor_get's error). */
int ch_factor_load(ch_ctx *ctx, const ch_factor_ref *refs, size_t n, void *base);
/* The heat model (envelope classes, room temperature, usage factor). */
int ch_heat_model_load(ch_ctx *ctx, ch_heat_model *m);
/* A register household's house as a query selects it (h: household, s: its
 * survey_household, LEFT JOINed): six columns, the survey's figures where
 * it has them, else the register's. */
#define CH_SURVEY_HOUSE_COLS                                                                       \
	" coalesce(s.area_centi, h.heated_area_centi, 0), coalesce(s.structure, h.structure, '')," \
	" coalesce(s.year_built, 0), coalesce(s.wall_insulated, 0),"                               \
	" coalesce(s.window_efficient, 0), coalesce(h.es_measures, s.planned_measures, '')"
typedef struct ch_stmt ch_stmt;
/* The season's heat demand (kWh) of the house whose CH_SURVEY_HOUSE_COLS
 * start at column COL of ST: no area gives DEFAULT_AREA m², an unknown
 * structure 砖木. */
double ch_survey_house_kwh(ch_stmt *st, int col, const ch_heat_model *m, const ch_climate *c,
                           double default_area);
/* The climate station of the county COUNTY_ID (data/survey/climate.csv):
 * CH_ENOTFOUND naming the county when the file gives it none. */
int ch_climate_of_county(ch_ctx *ctx, int64_t county_id, ch_climate *out);
/* The climate station named STATION. */
int ch_climate_of_station(ch_ctx *ctx, const char *station, ch_climate *out);

#endif
