/*
 * heatload — a household's design heat load and its season's heat demand,
 * by the degree-day method, with no database: every figure comes in.
 *
 * A house loses H watts per m² of heated area and per kelvin between the
 * room and outside (H, W/(m²·K), from its envelope class). Its design load
 * is H × A × (t_room − t_design); its season's demand is H × A × 24 h ×
 * degree-days × the usage factor (intermittent heating, rooms left cold,
 * gains from people and sun), where degree-days = heating days × (t_room −
 * mean outdoor temperature of those days). The climate of a county is its
 * GB 50736 station's; H comes from the structure, the year built and the
 * insulation before and after the planned energy-saving measures. Every
 * coefficient is data (data/survey/factors.csv, data/survey/climate.csv),
 * read into a ch_heat_model by core/survey.c.
 */
#ifndef CH_CORE_HEATLOAD_H
#define CH_CORE_HEATLOAD_H

/* One GB 50736 climate station. */
typedef struct ch_climate {
	char station[64];
	double design_temp;  /* ℃, heating design outdoor temperature */
	double heating_days; /* days with a daily mean ≤ +5 ℃ */
	double mean_temp;    /* ℃, mean outdoor temperature of those days */
} ch_climate;

/* The house structures the envelope classes know. */
enum ch_structure {
	CH_STRUCT_TU,       /* 土木、土坯 */
	CH_STRUCT_ZHUANMU,  /* 砖木 */
	CH_STRUCT_ZHUANHUN, /* 砖混 */
	CH_STRUCT_KUANGJIA, /* 框架 */
	CH_STRUCT_COUNT
};

/* The coefficients of the envelope classes (factors envelope.*, reduction.*). */
typedef struct ch_heat_model {
	double indoor_temp;              /* ℃ */
	double usage_factor;             /* share of continuous whole-house demand */
	double base_h[CH_STRUCT_COUNT];  /* W/(m²·K), uninsulated, older */
	double newer_year, newer_factor; /* built in or after newer_year: × newer_factor */
	double red_wall, red_roof, red_window, red_floor; /* share of the loss each removes */
} ch_heat_model;

/* The structure named S (土木 土坯 砖木 砖混 框架 and their usual spellings,
 * or the keys tu zhuanmu zhuanhun kuangjia), or -1. */
int ch_structure_parse(const char *s);
/* "tu", "zhuanmu" ...; and the Chinese name. */
const char *ch_structure_key(int s);
const char *ch_structure_name(int s);

/* What a house has or will have: insulated walls, efficient windows, and
 * the measures (ref keys wall roof window floor joined by '+', or NULL). */
typedef struct ch_envelope {
	int structure;  /* enum ch_structure */
	int year_built; /* 0: unknown, taken as older */
	int wall_insulated, window_efficient;
} ch_envelope;

/* H in W/(m²·K) of house E, after the measures MEASURES ("wall+window",
 * NULL or "" for none) on top of what it already has (a measure it already
 * has counts once). */
double ch_heat_h(const ch_heat_model *m, const ch_envelope *e, const char *measures);
/* Heating degree-days (℃·d) of climate C for room temperature INDOOR. */
double ch_heat_degree_days(const ch_climate *c, double indoor);
/* Design heat load in kW of AREA m² with loss H. */
double ch_heat_design_kw(const ch_heat_model *m, const ch_climate *c, double h, double area);
/* The season's heat demand in kWh of AREA m² with loss H. */
double ch_heat_season_kwh(const ch_heat_model *m, const ch_climate *c, double h, double area);

#endif
