/*
 * advise — 宜气则气、宜电则电: for each surveyed household and each
 * technology (gas wall boiler, direct electric, air-source heat pump,
 * central heating, solar + electric) whether it is feasible and why not,
 * its equipment and connection cost, the subsidy under the year's policy,
 * the household's own outlay, the season's running cost at data/tariffs/
 * and the coal it replaces; the recommendation (the feasible option of
 * least yearly cost: own outlay spread over the equipment's life plus the
 * running cost) with its reasons. Per village: the mix, the transformers'
 * headroom against the electric load the recommendations add (households
 * are given the headroom in 户编号 order; those beyond it wait on the
 * upgrade, unless another option is feasible), the gas connections and
 * the investment by source.
 *
 * Reads need CH_PERM_READ for the county or village asked for (checked
 * before anything is read), or cover the actor's scope when none is.
 * Every factor, price and threshold comes from the factor table
 * (core/survey.h).
 */
#ifndef CH_CORE_ADVISE_H
#define CH_CORE_ADVISE_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

enum ch_option_kind {
	CH_OPT_GAS,
	CH_OPT_ELECTRIC,
	CH_OPT_HEAT_PUMP,
	CH_OPT_CENTRAL,
	CH_OPT_SOLAR,
	CH_OPT_COUNT
};
/* The technology key (data/register/technologies.csv) and Chinese name. */
const char *ch_option_key(int k);
const char *ch_option_name(int k);

typedef struct ch_option {
	int feasible;
	char why[200]; /* why not, or what it takes */
	int64_t equipment_fen, connection_fen, subsidy_fen, own_fen;
	int64_t running_fen; /* a season, after any running subsidy */
	int64_t yearly_fen;  /* own outlay / lifetime + running */
	double energy;       /* a season: m³ of gas, kWh of electricity, or 0 */
	double kva;          /* load added on the village's transformers */
} ch_option;

typedef struct ch_advice {
	int64_t survey_id;
	char county[64], township[64], village[64], hh_no[72], structure[16], station[64];
	double area;                            /* m² */
	double h_before, kw_before, kwh_before; /* as the house is */
	double h_after, kw_after, kwh_after;    /* after the planned measures */
	double coal_t;                          /* raw coal a season it replaces */
	int consent;
	ch_option opt[CH_OPT_COUNT];
	int best;    /* enum ch_option_kind, -1: none */
	int waiting; /* best needs the transformer upgrade */
	char reason[1024];
} ch_advice;

typedef struct ch_advice_village {
	char county[64], township[64], village[64];
	int64_t households, by_option[CH_OPT_COUNT], none;
	int64_t transformers;
	double kva_rated, kva_peak, kva_headroom, kva_needed, kva_short;
	int64_t waiting;          /* households waiting on the transformer upgrade */
	const char *waiting_list; /* their 户编号, joined by 、 ("" when none; valid
	                             during the village_done call) */
	int64_t gas_connections;
	int64_t equipment_fen, subsidy_fen, own_fen, grid_fen; /* grid: the upgrade */
	double coal_t;
} ch_advice_village;

typedef struct ch_advise_opts {
	const char *county, *village; /* NULL: the actor's whole scope */
	int year;                     /* the subsidy policy's plan year; 0: the latest */
	int (*household)(const ch_advice *a, void *arg);
	int (*village_done)(const ch_advice_village *v, void *arg);
	void *arg;
	/* the policy's split of the subsidy by fund source, for the caller */
	char source[6][48];
	int64_t source_bp[6];
	int nsources;
	int policy_year;
} ch_advise_opts;

/* Calls O->household for each household (in village, then 户编号 order)
 * and O->village_done after each village's last household (either may be
 * NULL). */
int ch_advise(ch_ctx *ctx, ch_advise_opts *o);

#endif
