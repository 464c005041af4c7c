/*
 * usage — meter readings and the season's check (see usage.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/heatload.h"
#include "core/idcard.h"
#include "core/region.h"
#include "core/survey.h"
#include "core/usage.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/money.h"

int ch_usage_locate(ch_ctx *ctx, const char *meter, const char *id_number, const char *kind,
                    int64_t *household_id, const char **kind_out)
{
	int rc;
	*household_id = 0;
	*kind_out = NULL;
	if (meter && *meter) {
		ch_stmt *st;
		rc = ch_db_preparef(
		    ctx->db, &st,
		    "SELECT h.id, CASE WHEN s.meter_gas = ?1 THEN 'gas' ELSE 'electric' END"
		    " FROM survey_household s JOIN household h"
		    " ON h.county_id = s.county_id AND h.hh_no = s.hh_no"
		    " WHERE s.meter_gas = ?1 OR s.meter_electric = ?1",
		    "t", meter);
		if (rc)
			return rc;
		if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
			*household_id = ch_stmt_int64(st, 0);
			*kind_out = strcmp(ch_stmt_text(st, 1), "gas") == 0 ? "gas" : "electric";
			rc = ch_stmt_step(st) == CH_DB_ROW
			         ? ch_error_set(CH_EINVALID, "表号“%s”属于不止一户", meter)
			         : 0;
		} else if (rc == CH_DB_DONE) {
			rc = ch_error_set(CH_ENOTFOUND, "摸排表中没有表号“%s”（或该户未登记）",
			                  meter);
		}
		ch_stmt_finalize(st);
	} else if (id_number && *id_number) {
		char id[CH_ID_LEN + 1];
		if (ch_idcard_normalize(id_number, NULL, id) != 0)
			return ch_error_set(CH_EINVALID, "身份证号不正确");
		rc = ch_db_query_int64(
		    ctx->db, household_id,
		    "SELECT id FROM household WHERE id_number = ? AND withdrawn = 0", "t", id);
		if (rc == CH_ENOTFOUND)
			rc = ch_error_set(CH_ENOTFOUND, "台账中没有这个身份证号的农户");
	} else {
		return ch_error_set(CH_EINVALID, "没有表号，也没有身份证号");
	}
	if (rc)
		return rc;
	if (kind && *kind) {
		if (*kind_out && strcmp(kind, *kind_out) != 0)
			return ch_error_set(CH_EINVALID, "表号“%s”是%s表，与所写类别不符", meter,
			                    strcmp(*kind_out, "gas") == 0 ? "燃气" : "电");
		*kind_out = strcmp(kind, "gas") == 0 ? "gas" : "electric";
	}
	if (!*kind_out)
		return ch_error_set(CH_EINVALID, "按身份证号对应时要写类别（燃气或电）");
	return 0;
}

int ch_household_county(ch_ctx *ctx, int64_t household_id, int64_t *county_id)
{
	return ch_db_query_int64(ctx->db, county_id, "SELECT county_id FROM household WHERE id = ?",
	                         "i", household_id);
}

int ch_usage_put(ch_ctx *ctx, int64_t household_id, const char *kind, const char *month,
                 int64_t amount_milli, int64_t reading_milli)
{
	int64_t region = 0, county = 0;
	ch_stmt *st = NULL;
	int rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT coalesce(village_id, township_id), county_id FROM household WHERE id = ?", "i",
	    household_id);
	if (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		region = ch_stmt_int64(st, 0);
		county = ch_stmt_int64(st, 1);
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ENOTFOUND, "没有 id 为 %" PRId64 " 的农户", household_id);
	}
	ch_stmt_finalize(st);
	if (rc == 0)
		rc = ch_ctx_require_unnamed(ctx, CH_PERM_HOUSEHOLD_WRITE, region);
	/* the household's county: on PostgreSQL the key (household_id, county_id)
	 * refuses any other */
	if (rc == 0)
		rc = ch_db_run(ctx->db,
		               "INSERT INTO usage_reading(household_id, kind, month, amount_milli,"
		               " reading_milli, county_id) VALUES (?, ?, ?, ?, ?, ?)"
		               " ON CONFLICT(household_id, kind, month, county_id)"
		               " DO UPDATE SET amount_milli = excluded.amount_milli,"
		               " reading_milli = excluded.reading_milli",
		               "ittIIi", household_id, kind, month, amount_milli + 1,
		               reading_milli + 1, county);
	return rc;
}

struct uf {
	double first_month, last_month, idle, low, burden;
	double gas_kwh_m3, eff_gas, cop, solar_fraction, default_area;
	double gas_price, el_price, el_valley, valley_share;
};

static int load_uf(ch_ctx *ctx, struct uf *f)
{
	static const ch_factor_ref list[] = {
#define F(s, k, field) CH_FACTOR(s, k, struct uf, field)
	    F("survey", "usage.first_month", first_month),
	    F("survey", "usage.last_month", last_month),
	    F("survey", "usage.idle_share", idle),
	    F("survey", "usage.low_share", low),
	    F("survey", "usage.burden_share", burden),
	    F("survey", "gas_kwh_per_m3", gas_kwh_m3),
	    F("survey", "efficiency.gas", eff_gas),
	    F("survey", "cop.heat_pump", cop),
	    F("survey", "solar_fraction", solar_fraction),
	    F("survey", "default_area", default_area),
	    F("tariff", "gas.price", gas_price),
	    F("tariff", "electric.price", el_price),
	    F("tariff", "electric.valley_price", el_valley),
	    F("tariff", "electric.valley_share", valley_share),
#undef F
	};
	int rc = ch_factor_load(ctx, list, sizeof list / sizeof list[0], f);
	if (rc == 0 && (f->first_month < 1 || f->first_month > 12 || f->last_month < 1 ||
	                f->last_month > 12 || f->gas_kwh_m3 <= 0 || f->eff_gas <= 0 || f->cop <= 0))
		rc = ch_error_set(CH_EINVALID,
		                  "用量核对的月份或系数不对（data/survey/factors.csv）");
	return rc;
}

/* V rounded to a whole number with thousands separators ("5,776"), in OUT. */
static const char *grouped(double v, char out[40])
{
	ch_money_format((int64_t)(v + 0.5) * 100, out, 40);
	out[strlen(out) - 3] = '\0'; /* no decimals */
	return out;
}

/* The month N months after "YYYY-MM" FROM (N may be -1), into OUT. */
static void month_add(const char *from, int n, char out[16])
{
	int y = atoi(from), m = atoi(from + 5);
	unsigned k = (unsigned)(y * 12 + (m - 1) + n) % 120000u; /* the year stays 4 digits */
	snprintf(out, 16, "%04u-%02u", k / 12, k % 12 + 1);
}

/* The use of the KIND meter of household HH (of county COUNTY) in the NMONTHS
 * months from FROM:
 * each month's use as the utility gave it, else the difference of its
 * cumulative reading from the month before's. *ROWS: readings stored for
 * those months (and the one before); *HAVE: months whose use is known;
 * *USED: their sum. */
static int season_use(ch_ctx *ctx, int64_t hh, int64_t county, const char *kind, const char *from,
                      int nmonths, int *rows, int *have, double *used)
{
	int64_t amount[14], reading[14];
	int has_amount[14] = {0}, has_reading[14] = {0};
	char before[16], to[16];
	ch_stmt *st;
	month_add(from, -1, before);
	month_add(from, nmonths - 1, to);
	int rc = ch_db_preparef(ctx->db, &st,
	                        "SELECT month, amount_milli, reading_milli FROM usage_reading"
	                        " WHERE household_id = ? AND county_id = ? AND kind = ?"
	                        " AND month BETWEEN ? AND ?",
	                        "iittt", hh, county, kind, before, to);
	if (rc)
		return rc;
	*rows = *have = 0;
	*used = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *mo = ch_stmt_text(st, 0);
		int i =
		    (atoi(mo) * 12 + atoi(mo + 5) - 1) - (atoi(before) * 12 + atoi(before + 5) - 1);
		if (i < 0 || i > nmonths)
			continue;
		*rows += i > 0;
		if (!ch_stmt_is_null(st, 1))
			amount[i] = ch_stmt_int64(st, 1), has_amount[i] = 1;
		if (!ch_stmt_is_null(st, 2))
			reading[i] = ch_stmt_int64(st, 2), has_reading[i] = 1;
	}
	ch_stmt_finalize(st);
	if (rc != CH_DB_DONE)
		return rc;
	for (int i = 1; i <= nmonths; i++) {
		if (has_amount[i]) {
			*used += (double)amount[i] / 1000.0, (*have)++;
		} else if (has_reading[i] && has_reading[i - 1] && reading[i] >= reading[i - 1]) {
			*used += (double)(reading[i] - reading[i - 1]) / 1000.0, (*have)++;
		}
	}
	return 0;
}

struct flag_out {
	ch_ctx *ctx;
	const char *season, *day;
	int64_t county_id; /* the county of the household being checked */
	int visits;
	int (*fn)(const ch_usage_flag *f, void *arg);
	void *arg;
	ch_usage_check_summary *sum;
};

static int raise_flag(struct flag_out *o, int64_t hh, const char *county, const char *village,
                      const char *hh_no, const char *head, const char *flag, const char *reason)
{
	int rc = 0, is_new;
	int64_t x;
	if (o->visits) {
		rc = ch_db_run(
		    o->ctx->db,
		    "INSERT INTO usage_flag(household_id, season, flag, reason, day, visit,"
		    " county_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		    "ittttii", hh, o->season, flag, reason, o->day,
		    (int64_t)(strcmp(flag, "gap") != 0), o->county_id);
		if (rc)
			return rc;
		is_new = ch_db_changes(o->ctx->db) > 0;
		o->sum->visits += is_new && strcmp(flag, "gap") != 0;
	} else {
		is_new = ch_db_query_int64(
		             o->ctx->db, &x,
		             "SELECT 1 FROM usage_flag WHERE household_id = ? AND season = ?"
		             " AND flag = ? AND county_id = ?",
		             "itti", hh, o->season, flag, o->county_id) != 0;
		ch_error_clear();
	}
	o->sum->flagged++;
	o->sum->new_flags += is_new;
	ch_usage_flag f = {county, village, hh_no, head, flag, reason, is_new};
	return o->fn ? o->fn(&f, o->arg) : 0;
}

int ch_usage_check(ch_ctx *ctx, const char *season, const char *county, const char *day, int visits,
                   int (*fn)(const ch_usage_flag *f, void *arg), void *arg,
                   ch_usage_check_summary *sum)
{
	struct uf f;
	ch_heat_model m;
	int y1 = 0, y2 = 0, in_tx = 0;
	int64_t region = ch_ctx_actor(ctx)->scope_region_id;
	char from[32], to[32], season_start[40];
	ch_stmt *st = NULL;
	int rc;

	memset(sum, 0, sizeof *sum);
	if (county) {
		ch_region c = {0};
		if ((rc = ch_ctx_require_county(
		         ctx, visits ? CH_PERM_HOUSEHOLD_WRITE : CH_PERM_READ, county)) != 0 ||
		    (rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, &c)) != 0)
			return rc;
		region = c.id;
		ch_region_dispose(&c);
	} else if ((rc = ch_ctx_require_role(ctx, visits ? CH_PERM_HOUSEHOLD_WRITE
	                                                 : CH_PERM_READ)) != 0) {
		return rc;
	}
	if (sscanf(season, "%4d-%4d", &y1, &y2) != 2 || y2 != y1 + 1 || y1 < 2000 || y1 > 2100)
		return ch_error_set_field(CH_EUSAGE, "season",
		                          "采暖季应写作 2023-2024（相连的两年）");
	if ((rc = load_uf(ctx, &f)) != 0 || (rc = ch_heat_model_load(ctx, &m)) != 0)
		return rc;
	int fm = (int)f.first_month, lm = (int)f.last_month;
	snprintf(from, sizeof from, "%04d-%02d", fm >= 7 ? y1 : y2, fm);
	snprintf(to, sizeof to, "%04d-%02d", lm >= 7 ? y1 : y2, lm);
	snprintf(season_start, sizeof season_start, "%s-01", from);
	int nmonths = (lm >= 7 ? y1 : y2) * 12 + lm - ((fm >= 7 ? y1 : y2) * 12 + fm) + 1;
	if (nmonths < 1 || nmonths > 12)
		return ch_error_set(CH_EINVALID, "用量核对的首月、末月不对");
	struct flag_out o = {ctx, season, day, 0, visits, fn, arg, sum};
	if (visits) {
		if ((rc = ch_ctx_begin(ctx)) != 0)
			return rc;
		in_tx = 1;
	}
	/* commissioned before the season, metered technologies */
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT h.id, c.name, coalesce(v.name, ''), h.hh_no, h.head_name, h.technology,"
	    " h.county_id," CH_SURVEY_HOUSE_COLS ", s.income_fen"
	    " FROM household h JOIN region c ON c.id = h.county_id"
	    " LEFT JOIN region v ON v.id = h.village_id"
	    " LEFT JOIN survey_household s ON s.county_id = h.county_id AND s.hh_no = h.hh_no"
	    " WHERE h.status NOT IN ('registered', 'started', 'installed', 'withdrawn')"
	    " AND h.technology <> 'central'"
	    " AND (?1 = 0 OR h.county_id = ?1 OR h.township_id = ?1 OR h.village_id = ?1)"
	    " AND EXISTS (SELECT 1 FROM event e WHERE e.household_id = h.id AND e.stage_no = 3"
	    "  AND e.superseded_by IS NULL AND e.day < ?2)"
	    " ORDER BY c.code, h.hh_no",
	    "it", region, season_start);
	int64_t clim_county = 0;
	ch_climate clim;
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		rc = 0;
		int64_t hh = ch_stmt_int64(st, 0);
		const char *cn = ch_stmt_text(st, 1), *vn = ch_stmt_text(st, 2),
		           *no = ch_stmt_text(st, 3), *head = ch_stmt_text(st, 4),
		           *tech = ch_stmt_text(st, 5);
		o.county_id = ch_stmt_int64(st, 6);
		if (ch_stmt_int64(st, 6) != clim_county) {
			if ((rc = ch_climate_of_county(ctx, ch_stmt_int64(st, 6), &clim)) != 0)
				break;
			clim_county = ch_stmt_int64(st, 6);
		}
		double kwh = ch_survey_house_kwh(st, 7, &m, &clim, f.default_area);
		double share = nmonths * 30.44 / clim.heating_days;
		kwh *= share > 1 ? 1 : share;
		int gas = strcmp(tech, "gas") == 0;
		double predicted = gas ? kwh / (f.gas_kwh_m3 * f.eff_gas)
		                   : strcmp(tech, "heat_pump") == 0 ? kwh / f.cop
		                   : strcmp(tech, "solar") == 0 || strcmp(tech, "multi") == 0
		                       ? kwh * (1 - f.solar_fraction)
		                       : kwh;
		const char *unit = gas ? "m³" : "kWh";
		int have = 0, rows = 0;
		double used = 0;
		if ((rc = season_use(ctx, hh, o.county_id, gas ? "gas" : "electric", from, nmonths,
		                     &rows, &have, &used)) != 0)
			break;
		char reason[400], a1[40], a2[40];
		if (rows == 0) { /* the utilities sent nothing for it: not a gap of a meter */
			sum->no_readings++;
			continue;
		}
		sum->checked++;
		if (have < nmonths) {
			snprintf(reason, sizeof reason,
			         "%s至%s应有 %d 个月的%s表读数，只有 %lld 个", from, to, nmonths,
			         gas ? "燃气" : "电", (long long)have);
			rc = raise_flag(&o, hh, cn, vn, no, head, "gap", reason);
			continue;
		}
		double ratio = predicted > 0 ? used / predicted : 1;
		if (ratio < f.idle) {
			snprintf(reason, sizeof reason,
			         "%s至%s用量 %s %s，仅为按热负荷预测的 %s %s 的 %.0f%%（低于 "
			         "%.0f%%）："
			         "基本未用，疑似返煤，回访时查看是否仍有燃煤炉具",
			         from, to, grouped(used, a1), unit, grouped(predicted, a2), unit,
			         ratio * 100, f.idle * 100);
			rc = raise_flag(&o, hh, cn, vn, no, head, "idle", reason);
		} else if (ratio < f.low) {
			snprintf(reason, sizeof reason,
			         "%s至%s用量 %s %s，为按热负荷预测的 %s %s 的 %.0f%%（低于 "
			         "%.0f%%）："
			         "用量偏低，回访时查看是否兼烧燃煤",
			         from, to, grouped(used, a1), unit, grouped(predicted, a2), unit,
			         ratio * 100, f.low * 100);
			rc = raise_flag(&o, hh, cn, vn, no, head, "low", reason);
		}
		if (rc == 0 && !ch_stmt_is_null(st, 13) && ch_stmt_int64(st, 13) > 0) {
			double income = (double)ch_stmt_int64(st, 13) / 100.0;
			double price =
			    gas ? f.gas_price
			        : f.valley_share * f.el_valley + (1 - f.valley_share) * f.el_price;
			double cost = used * price;
			if (cost > income * f.burden) {
				snprintf(reason, sizeof reason,
				         "%s至%s取暖费用约 %s 元，占家庭年收入 %s 元的 "
				         "%.1f%%（超过 %.0f%%）",
				         from, to, grouped(cost, a1), grouped(income, a2),
				         cost / income * 100, f.burden * 100);
				rc = raise_flag(&o, hh, cn, vn, no, head, "burden", reason);
			}
		}
	}
	ch_stmt_finalize(st);
	if (rc == CH_DB_DONE)
		rc = 0;
	if (rc == 0 && visits && sum->new_flags) {
		json_t *a = json_pack(
		    "{s:s, s:I, s:I, s:I}", "season", season, "checked", (json_int_t)sum->checked,
		    "new_flags", (json_int_t)sum->new_flags, "visits", (json_int_t)sum->visits);
		char *after = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		rc = ch_audit_append(ctx, "usage.check", "usage:check", NULL, after);
		free(after);
		json_decref(a);
	}
	if (in_tx)
		rc = ch_ctx_end(ctx, rc);
	return rc;
}
