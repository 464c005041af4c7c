/*
 * entitlement — what a household is entitled to under its plan year's
 * policy, explained line by line, and the deadlines the latest policy sets
 * (see subsidy.h).
 *
 * Each technology's subsidy is a fixed amount, or a share of the
 * household's cost with a cap; energy-saving measures add an amount per m²
 * with a cap; the total never exceeds the cost, and is split between the
 * fund sources by the policy's shares, to the fen.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/household.h"
#include "core/reflist.h"
#include "core/subsidy_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/money.h"

static void yuan(int64_t fen, char *out, size_t n)
{
	ch_money_format(fen, out, n);
}

/* Splits TOTAL by the policy's shares (hundredths of a percent), largest
 * remainder first, so that the parts add up to TOTAL exactly. */
static void split_total(json_t *split, int64_t total, ch_entitlement *e)
{
	const char *k;
	json_t *v;
	int64_t given = 0, rem[CH_MAX_SOURCES];
	e->nsplit = 0;
	json_object_foreach(split, k, v)
	{
		if (e->nsplit == CH_MAX_SOURCES)
			break;
		int64_t bp = json_integer_value(v);
		snprintf(e->split[e->nsplit].source, sizeof e->split[0].source, "%s", k);
		e->split[e->nsplit].fen = total * bp / 10000;
		rem[e->nsplit] = total * bp % 10000;
		given += e->split[e->nsplit].fen;
		e->nsplit++;
	}
	while (given < total && e->nsplit) {
		size_t best = 0;
		for (size_t i = 1; i < e->nsplit; i++)
			if (rem[i] > rem[best])
				best = i;
		e->split[best].fen++;
		rem[best] = -1;
		given++;
	}
}

int ch_subsidy_compute(ch_ctx *ctx, int64_t household, ch_entitlement *e)
{
	ch_stmt *st;
	char *policy = NULL;
	int64_t es_area = 0, has_es = 0, cost_null = 1;
	char tech[32] = "";
	int rc;
	memset(e, 0, sizeof *e);
	e->household_id = household;
	rc = ch_db_preparef(ctx->db, &st,
	                    /* the facts frozen when the review passed, when there are */
	                    "SELECT h.hh_no, r.code, r.name, h.head_name, h.plan_year,"
	                    " CASE WHEN s.household_id IS NULL THEN h.cost_fen ELSE s.cost_fen END,"
	                    " coalesce(s.technology, h.technology),"
	                    " CASE WHEN s.household_id IS NULL THEN h.es_measures IS NOT NULL"
	                    " ELSE s.es_measures IS NOT NULL END,"
	                    " coalesce(CASE WHEN s.household_id IS NULL THEN h.es_area_centi"
	                    " ELSE s.es_area_centi END, 0)"
	                    " FROM household h JOIN region r ON r.id = h.county_id"
	                    " LEFT JOIN hh_snapshot s ON s.household_id = h.id WHERE h.id = ?",
	                    "i", household);
	if (rc)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		snprintf(e->hh_no, sizeof e->hh_no, "%s", ch_stmt_text(st, 0));
		snprintf(e->county_code, sizeof e->county_code, "%s", ch_stmt_text(st, 1));
		snprintf(e->county, sizeof e->county, "%s", ch_stmt_text(st, 2));
		snprintf(e->head_name, sizeof e->head_name, "%s", ch_stmt_text(st, 3));
		e->plan_year = (int)ch_stmt_int64(st, 4);
		cost_null = ch_stmt_is_null(st, 5);
		e->cost_fen = ch_stmt_int64(st, 5);
		snprintf(tech, sizeof tech, "%s", ch_stmt_text(st, 6));
		has_es = ch_stmt_int64(st, 7);
		es_area = ch_stmt_int64(st, 8);
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ENOTFOUND, "no household %" PRId64, household);
	}
	ch_stmt_finalize(st);
	if (rc)
		return rc;
	if (cost_null)
		return ch_error_set(CH_EINVALID,
		                    "户编号 %s 没有总投资，无法核定补助（补助不超过实际投资）",
		                    e->hh_no);
	if ((rc = ch_db_preparef(ctx->db, &st,
	                         "SELECT id, version, content FROM subsidy_policy"
	                         " WHERE plan_year = ? AND active = 1",
	                         "i", (int64_t)e->plan_year)) != 0)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		e->policy_id = ch_stmt_int64(st, 0);
		e->policy_version = (int)ch_stmt_int64(st, 1);
		policy = ch_strdup(ch_stmt_text(st, 2));
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(
		    CH_ENOTFOUND,
		    "%d年没有补助标准：请用 cleanheat rules import subsidy FILE --year %d "
		    "载入（格式同 data/subsidy/2023.csv）",
		    e->plan_year, e->plan_year);
	}
	ch_stmt_finalize(st);
	if (rc)
		return rc;
	json_t *j = json_loads(policy, 0, NULL);
	free(policy);
	if (!j)
		return ch_error_set(CH_ERROR, "subsidy policy %" PRId64 " is not JSON",
		                    e->policy_id);
	e->example = json_is_true(json_object_get(j, "example"));
	e->payment_days = json_integer_value(json_object_get(j, "payment_days"));
	e->idle_days = json_integer_value(json_object_get(j, "idle_days"));
	char a[40], b[40], c[40];
	json_t *t = json_object_get(json_object_get(j, "technology"), tech);
	ch_reflist *names = NULL;
	const char *tname = tech;
	if (ch_reflist_load(ctx, "technology", &names) == 0)
		tname = ch_reflist_name(names, tech);
	ch_error_clear();
	if (!t) {
		snprintf(e->lines[e->nlines++], sizeof e->lines[0],
		         "改造方式 %s：补助标准未列入，补助 0 元", tname);
	} else if (strcmp(json_string_value(json_object_get(t, "rule")), "fixed") == 0) {
		e->tech_fen = json_integer_value(json_object_get(t, "amount_fen"));
		yuan(e->tech_fen, a, sizeof a);
		snprintf(e->lines[e->nlines++], sizeof e->lines[0], "改造方式 %s：定额 %s 元",
		         tname, a);
	} else {
		int64_t bp = json_integer_value(json_object_get(t, "percent_bp"));
		int64_t cap = json_integer_value(json_object_get(t, "cap_fen"));
		int64_t share = e->cost_fen * bp / 10000;
		e->tech_fen = cap > 0 && share > cap ? cap : share;
		yuan(e->cost_fen, a, sizeof a);
		yuan(share, b, sizeof b);
		yuan(cap, c, sizeof c);
		snprintf(e->lines[e->nlines++], sizeof e->lines[0],
		         "改造方式 %s：总投资 %s 元 × %" PRId64 ".%02" PRId64
		         "%% = %s 元，上限 %s 元 → %s",
		         tname, a, bp / 100, bp % 100, b, c,
		         share > cap && cap > 0 ? "按上限" : "按比例");
	}
	ch_reflist_free(names);
	json_t *es = json_object_get(j, "energy_saving");
	if (has_es && es) {
		int64_t rate = json_integer_value(json_object_get(es, "per_m2_fen"));
		int64_t cap = json_integer_value(json_object_get(es, "cap_fen"));
		int64_t v = es_area * rate / 100;
		e->es_fen = cap > 0 && v > cap ? cap : v;
		yuan(rate, a, sizeof a);
		yuan(e->es_fen, b, sizeof b);
		snprintf(e->lines[e->nlines++], sizeof e->lines[0],
		         "建筑节能改造：%" PRId64 ".%02d 平方米 × %s 元 = %s 元%s", es_area / 100,
		         (int)(es_area % 100), a, b, cap > 0 && v > cap ? "（按上限）" : "");
	}
	e->total_fen = e->tech_fen + e->es_fen;
	if (e->total_fen > e->cost_fen) {
		yuan(e->cost_fen, a, sizeof a);
		snprintf(e->lines[e->nlines++], sizeof e->lines[0],
		         "合计超过总投资，按总投资 %s 元核定", a);
		e->total_fen = e->cost_fen;
	}
	split_total(json_object_get(j, "split"), e->total_fen, e);
	json_decref(j);
	return 0;
}

int ch_subsidy_entitlement(ch_ctx *ctx, const char *county, const char *household,
                           ch_entitlement *out)
{
	ch_hh_ref ref;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc || (rc = ch_household_locate(ctx, CH_PERM_READ, county, household, &ref)) != 0)
		return rc;
	return ch_subsidy_compute(ctx, ref.id, out);
}

int ch_subsidy_policy_days(ch_ctx *ctx, const char *as_of, struct ch_policy_days *p)
{
	char *content = NULL;
	int rc = ch_db_query_text(ctx->db, &content,
	                          "SELECT content FROM subsidy_policy WHERE active = 1"
	                          " AND plan_year <= CAST(substr(?, 1, 4) AS INTEGER)"
	                          " ORDER BY plan_year DESC LIMIT 1",
	                          "t", as_of);
	if (rc == CH_ENOTFOUND)
		return ch_error_set(CH_ENOTFOUND, "%.4s 年及以前没有补助标准", as_of);
	if (rc)
		return rc;
	json_t *j = json_loads(content, 0, NULL);
	free(content);
	if (!j)
		return ch_error_set(CH_ERROR, "the subsidy policy is not JSON");
	p->payment_days = json_integer_value(json_object_get(j, "payment_days"));
	p->idle_days = json_integer_value(json_object_get(j, "idle_days"));
	p->notice_days = json_object_get(j, "notice_days")
	                     ? json_integer_value(json_object_get(j, "notice_days"))
	                     : 5;
	p->categories = json_incref(json_object_get(j, "categories"));
	json_decref(j);
	return 0;
}
