/*
 * heatload — design heat load and season's demand by degree-days (see
 * heatload.h). Pure arithmetic; unit-tested against hand-computed cases.
 */
#include <string.h>

#include "core/heatload.h"

static const struct {
	const char *key, *name;
	const char *spellings[6];
} structures[CH_STRUCT_COUNT] = {
    [CH_STRUCT_TU] = {"tu", "土木", {"土木", "土坯", "土房", "土木结构", "土坯房", NULL}},
    [CH_STRUCT_ZHUANMU] = {"zhuanmu", "砖木", {"砖木", "砖木结构", "砖木房", NULL}},
    [CH_STRUCT_ZHUANHUN] = {"zhuanhun", "砖混", {"砖混", "砖混结构", "砖混房", NULL}},
    [CH_STRUCT_KUANGJIA] = {"kuangjia", "框架", {"框架", "框架结构", "钢混", "钢筋混凝土", NULL}},
};

int ch_structure_parse(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < CH_STRUCT_COUNT; i++) {
		if (strcmp(s, structures[i].key) == 0)
			return i;
		for (int k = 0; structures[i].spellings[k]; k++)
			if (strcmp(s, structures[i].spellings[k]) == 0)
				return i;
	}
	return -1;
}

const char *ch_structure_key(int s)
{
	return s >= 0 && s < CH_STRUCT_COUNT ? structures[s].key : "";
}

const char *ch_structure_name(int s)
{
	return s >= 0 && s < CH_STRUCT_COUNT ? structures[s].name : "";
}

/* 1 when the '+'-joined list MEASURES holds KEY. */
static int has_measure(const char *measures, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = measures; p && *p;) {
		size_t len = strcspn(p, "+");
		if (len == n && strncmp(p, key, n) == 0)
			return 1;
		p += len + (p[len] == '+');
	}
	return 0;
}

double ch_heat_h(const ch_heat_model *m, const ch_envelope *e, const char *measures)
{
	int s = e->structure >= 0 && e->structure < CH_STRUCT_COUNT ? e->structure : CH_STRUCT_TU;
	double h = m->base_h[s];
	if (e->year_built > 0 && e->year_built >= (int)m->newer_year)
		h *= m->newer_factor;
	if (e->wall_insulated || has_measure(measures, "wall"))
		h *= 1 - m->red_wall;
	if (e->window_efficient || has_measure(measures, "window"))
		h *= 1 - m->red_window;
	if (has_measure(measures, "roof"))
		h *= 1 - m->red_roof;
	if (has_measure(measures, "floor"))
		h *= 1 - m->red_floor;
	return h;
}

double ch_heat_degree_days(const ch_climate *c, double indoor)
{
	return c->heating_days * (indoor - c->mean_temp);
}

double ch_heat_design_kw(const ch_heat_model *m, const ch_climate *c, double h, double area)
{
	return h * area * (m->indoor_temp - c->design_temp) / 1000.0;
}

double ch_heat_season_kwh(const ch_heat_model *m, const ch_climate *c, double h, double area)
{
	return h * area * 24.0 * ch_heat_degree_days(c, m->indoor_temp) * m->usage_factor / 1000.0;
}
