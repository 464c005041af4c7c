/*
 * impact — coal not burned and emissions avoided by the households
 * commissioned (已调试) by a day: per county, raw coal no longer burned
 * (the survey's figure, else data/survey/factors.csv coal_per_household),
 * standard coal net of the new fuel's energy, CO2 net of the new fuel's,
 * and SO2, NOx and PM2.5 of the coal (the new fuels emit none of these at
 * the household). The new fuel is the season's heat demand (core/heatload)
 * of the house (survey, else register area and structure, else the
 * defaults) converted by the household's technology. Beside it the same
 * for the whole plan when complete: the county's plan households times its
 * average per commissioned household (the prefecture's where the county
 * has none). Every factor is data (data/emission/factors.csv).
 */
#ifndef CH_CORE_IMPACT_H
#define CH_CORE_IMPACT_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

typedef struct ch_impact_figures {
	double households;
	double coal_t, tce, co2_t, so2_t, nox_t, pm25_t;
	double surveyed; /* households whose coal the survey gives */
} ch_impact_figures;

typedef struct ch_impact_row {
	int64_t county_id;
	char county[64];
	int64_t plan_households; /* the plan's target (0: none) */
	ch_impact_figures done;  /* commissioned by the day */
	ch_impact_figures plan;  /* the whole plan when complete */
	int total;               /* the prefecture's (the scope's) total row */
} ch_impact_row;

/* Calls FN per county (in code order) then once for the total, for the
 * plan of YEAR and the day AS_OF. COUNTY (NULL: the actor's scope) limits
 * it, checked before anything is read. Requires CH_PERM_READ. */
int ch_impact(ch_ctx *ctx, int year, const char *as_of, const char *county,
              int (*fn)(const ch_impact_row *r, void *arg), void *arg);

/* Calls FN for every factor of SCOPE ("emission"), in key order. */
int ch_factor_each(ch_ctx *ctx, const char *scope,
                   int (*fn)(const char *key, const char *value, const char *unit,
                             const char *source, void *arg),
                   void *arg);

#endif
