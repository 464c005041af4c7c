/*
 * subsidy — entitlements, reservations, payment batches, the bank's
 * return, appropriations and the fund audit (see subsidy.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/event.h"
#include "core/household.h"
#include "core/ledger.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/subsidy.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"
#include "util/text.h"

/* Payments committed per transaction in a batch. */
#define PAY_CHUNK 500

static void yuan(int64_t fen, char *out, size_t n)
{
	ch_money_format(fen, out, n);
}

static int audit_json(ch_ctx *ctx, const char *action, const char *object, json_t *after)
{
	char *as = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = ch_audit_append(ctx, action, object, NULL, as);
	free(as);
	json_decref(after);
	return rc;
}

/* DAY must be a real date written YYYY-MM-DD (dates are compared as text). */
static int check_day(const char *field, const char *what, const char *day)
{
	ch_date d;
	char canon[11];
	if (!day || ch_date_parse(day, &d) != 0)
		return ch_error_set_field(CH_EINVALID, field, "%s '%s' is not a date", what,
		                          day ? day : "");
	ch_date_format(&d, canon, sizeof canon);
	if (strcmp(canon, day) != 0)
		return ch_error_set_field(CH_EINVALID, field, "%s '%s': write it as %s", what, day,
		                          canon);
	return 0;
}

/* ---- entitlement ---- */

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

static int compute(ch_ctx *ctx, int64_t household, ch_entitlement *e)
{
	ch_stmt *st;
	char *policy = NULL;
	int64_t es_area = 0, has_es = 0, cost_null = 1;
	char tech[32] = "";
	int rc;
	memset(e, 0, sizeof *e);
	e->household_id = household;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT h.hh_no, r.code, r.name, h.head_name, h.plan_year, h.cost_fen,"
	                    " h.technology, h.es_measures IS NOT NULL, coalesce(h.es_area_centi, 0)"
	                    " FROM household h JOIN region r ON r.id = h.county_id WHERE h.id = ?",
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
		rc = ch_error_set(CH_ENOTFOUND, "%d年没有补助标准（data/subsidy/%d.csv）",
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
	if (rc || (rc = ch_household_locate(ctx, county, household, &ref)) != 0)
		return rc;
	return compute(ctx, ref.id, out);
}

/* ---- reserving ---- */

static int county_of(ch_ctx *ctx, const char *county, ch_region *r)
{
	int rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, r);
	if (rc == 0 && r->obsolete) {
		ch_region_dispose(r);
		return ch_error_set(CH_EINVALID, "'%s' no longer exists", county);
	}
	return rc;
}

int ch_subsidy_reserve(ch_ctx *ctx, const char *county, const char *day, ch_reserve_summary *sum)
{
	ch_region c;
	ch_stmt *st;
	int64_t *ids = NULL;
	char **rdays = NULL;
	size_t n = 0, cap = 0;
	int rc;
	memset(sum, 0, sizeof *sum);
	if ((rc = check_day("date", "日期", day)) != 0)
		return rc;
	if ((rc = county_of(ctx, county, &c)) != 0)
		return rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, c.id)) != 0)
		goto done;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT h.id, (SELECT max(e.day) FROM event e WHERE e.household_id = h.id"
	    " AND e.stage_no = 6 AND e.superseded_by IS NULL) FROM household h"
	    " WHERE h.county_id = ? AND h.status = 'reviewed'"
	    " AND NOT EXISTS (SELECT 1 FROM entitlement x WHERE x.household_id = h.id)"
	    " ORDER BY h.id",
	    "i", c.id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = ch_reallocarray(ids, cap, sizeof *ids);
			rdays = ch_reallocarray(rdays, cap, sizeof *rdays);
		}
		ids[n] = ch_stmt_int64(st, 0);
		rdays[n] = ch_strdup(ch_stmt_text(st, 1) ? ch_stmt_text(st, 1) : day);
		n++;
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	if (rc)
		goto done;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	for (size_t i = 0; i < n && rc == 0; i++) {
		ch_entitlement e;
		char now[32], key[64], codes[CH_MAX_SOURCES][2][64];
		ch_posting p[2 * CH_MAX_SOURCES];
		size_t np = 0;
		int enough = 1, existed;
		int64_t tid;
		rc = compute(ctx, ids[i], &e);
		if (rc == CH_ENOTFOUND) { /* no policy for its year: it waits */
			ch_error_clear();
			rc = 0;
			sum->no_policy++;
			continue;
		}
		if (rc == CH_EINVALID) { /* no cost recorded: it waits */
			ch_error_clear();
			rc = 0;
			sum->no_cost++;
			continue;
		}
		if (rc)
			break;
		for (size_t k = 0; k < e.nsplit && enough; k++) {
			int64_t bal;
			if (!e.split[k].fen)
				continue;
			snprintf(codes[k][0], sizeof codes[k][0], "county:%s:%s", e.county_code,
			         e.split[k].source);
			snprintf(codes[k][1], sizeof codes[k][1], "payable:%" PRId64 ":%s", ids[i],
			         e.split[k].source);
			if ((rc = ch_ledger_balance(ctx, codes[k][0], &bal)) != 0)
				break;
			enough = bal >= e.split[k].fen;
			p[np++] = (ch_posting){codes[k][0], -e.split[k].fen};
			p[np++] = (ch_posting){codes[k][1], e.split[k].fen};
		}
		if (rc)
			break;
		if (!enough) {
			sum->short_of_funds++;
			continue;
		}
		json_t *d = json_object(), *lines = json_array(), *split = json_object();
		for (size_t k = 0; k < e.nlines; k++)
			json_array_append_new(lines, json_string(e.lines[k]));
		for (size_t k = 0; k < e.nsplit; k++)
			json_object_set_new(split, e.split[k].source, json_integer(e.split[k].fen));
		json_object_set_new(d, "lines", lines);
		json_object_set_new(d, "split", split);
		char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(d);
		ch_now_utc(now, sizeof now);
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO entitlement(household_id, policy_id, total_fen, cost_fen,"
		    " detail, reviewed_day, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "iiiittt", ids[i], e.policy_id, e.total_fen, e.cost_fen, ds, rdays[i], now);
		free(ds);
		if (rc == 0 && e.total_fen == 0) {
			sum->zero++;
			continue;
		}
		snprintf(key, sizeof key, "reserve:%" PRId64, ids[i]);
		if (rc == 0)
			rc = ch_ledger_transfer(ctx, key, "reserve", day, "补助资金预留", ids[i], 0,
			                        p, np, &tid, &existed);
		if (rc == 0) {
			sum->reserved++;
			sum->total_fen += e.total_fen;
		}
	}
	if (rc == 0) {
		char obj[64];
		snprintf(obj, sizeof obj, "funds:%s", c.code);
		rc = audit_json(ctx, "subsidy.reserve", obj,
		                json_pack("{s:s, s:I, s:I, s:I, s:I}", "day", day, "reserved",
		                          (json_int_t)sum->reserved, "short_of_funds",
		                          (json_int_t)sum->short_of_funds, "total_fen",
		                          (json_int_t)sum->total_fen, "no_cost",
		                          (json_int_t)sum->no_cost));
	}
	if (rc == 0)
		rc = ch_ctx_commit(ctx);
	else
		ch_ctx_rollback(ctx);
done:
	for (size_t i = 0; i < n; i++)
		free(rdays[i]);
	free(rdays);
	free(ids);
	ch_region_dispose(&c);
	return rc;
}

/* ---- paying ---- */

/* indexed by enum ch_pay_method */
static const ch_label methods[] = {
    {"card", "银行卡"}, {"yikatong", "惠农一卡通"}, {"meter", "表计充值"}, {NULL, NULL}};

const char *ch_pay_method_label(const char *key)
{
	return ch_label_of(methods, key);
}

struct payable {
	int64_t household;
	char account[40], hh_no[72];
	int has_account;
};

int ch_subsidy_pay(ch_ctx *ctx, const char *county, const char *day, enum ch_pay_method method,
                   int64_t *batch, size_t *n_out, int64_t *total_fen, ch_problems *problems)
{
	ch_region c;
	ch_stmt *st;
	struct payable *list = NULL;
	size_t n = 0, cap = 0;
	char now[32];
	int rc;
	*batch = 0;
	*n_out = 0;
	*total_fen = 0;
	if ((rc = check_day("date", "日期", day)) != 0)
		return rc;
	if ((rc = county_of(ctx, county, &c)) != 0)
		return rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, c.id)) != 0)
		goto done;
	/* households with money payable, in a stable order */
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT h.id, coalesce(h.bank_account, ''), h.hh_no FROM household h"
	                    " WHERE h.county_id = ? AND h.status IN ('reviewed', 'subsidized')"
	                    " AND EXISTS (SELECT 1 FROM account a"
	                    " WHERE a.household_id = h.id AND a.kind = 'payable' AND a.balance > 0)"
	                    " ORDER BY h.id",
	                    "i", c.id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			list = ch_reallocarray(list, cap, sizeof *list);
		}
		list[n].household = ch_stmt_int64(st, 0);
		snprintf(list[n].account, sizeof list[n].account, "%s", ch_stmt_text(st, 1));
		snprintf(list[n].hh_no, sizeof list[n].hh_no, "%s", ch_stmt_text(st, 2));
		list[n].has_account = list[n].account[0] != '\0';
		n++;
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	if (rc || n == 0)
		goto done;
	ch_now_utc(now, sizeof now);
	/* a run killed before its first chunk committed left an empty batch */
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_db_run(ctx->db,
	               "DELETE FROM payment_batch WHERE county_id = ? AND NOT EXISTS"
	               " (SELECT 1 FROM payment p WHERE p.batch_id = payment_batch.id)",
	               "i", c.id);
	if (rc == 0)
		rc = ch_db_run(ctx->db,
		               "INSERT INTO payment_batch(county_id, day, method, created_at,"
		               " created_by) VALUES (?, ?, ?, ?, ?)",
		               "ittt"
		               "t",
		               c.id, day, methods[method].key, now, ctx->actor.name);
	if (rc == 0)
		*batch = ch_db_last_id(ctx->db);
	if (rc == 0)
		rc = ch_ctx_commit(ctx);
	else
		ch_ctx_rollback(ctx);
	if (rc)
		goto done;
	for (size_t start = 0; start < n && rc == 0; start += PAY_CHUNK) {
		if ((rc = ch_ctx_begin(ctx)) != 0)
			break;
		for (size_t i = start; i < n && i < start + PAY_CHUNK && rc == 0; i++) {
			struct payable *h = &list[i];
			ch_posting p[2 * CH_MAX_SOURCES];
			char codes[CH_MAX_SOURCES][2][64], key[64];
			size_t np = 0;
			int64_t amount = 0, tid, k = 0;
			int existed;
			if (!h->has_account && method != CH_PAY_METER) {
				if (problems)
					ch_problems_add(problems, 0, -1, "收款账号", h->hh_no, 0,
					                "户编号 %s 没有收款账号，未列入本批",
					                h->hh_no);
				continue;
			}
			if ((rc = ch_db_preparef(
			         ctx->db, &st,
			         "SELECT source, balance FROM account WHERE household_id = ?"
			         " AND kind = 'payable' AND balance > 0 ORDER BY source",
			         "i", h->household)) != 0)
				break;
			while (np < 2 * CH_MAX_SOURCES && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
				size_t s = np / 2;
				int64_t bal = ch_stmt_int64(st, 1);
				snprintf(codes[s][0], sizeof codes[s][0], "payable:%" PRId64 ":%s",
				         h->household, ch_stmt_text(st, 0));
				snprintf(codes[s][1], sizeof codes[s][1], "transit:%" PRId64 ":%s",
				         h->household, ch_stmt_text(st, 0));
				p[np++] = (ch_posting){codes[s][0], -bal};
				p[np++] = (ch_posting){codes[s][1], bal};
				amount += bal;
			}
			ch_stmt_finalize(st);
			rc = rc < 0 ? rc : 0;
			if (rc || np == 0)
				continue;
			ch_db_query_int64(
			    ctx->db, &k,
			    "SELECT count(*) FROM transfer WHERE household_id = ? AND kind = 'pay'",
			    "i", h->household);
			snprintf(key, sizeof key, "pay:%" PRId64 ":%" PRId64, h->household, k + 1);
			rc = ch_ledger_transfer(ctx, key, "pay", day, "补助资金发放", h->household,
			                        0, p, np, &tid, &existed);
			if (rc == 0)
				rc = ch_db_run(ctx->db,
				               "INSERT INTO payment(batch_id, household_id, "
				               "transfer_id, amount,"
				               " account, status) VALUES (?, ?, ?, ?, ?, 'sent')",
				               "iiiit", *batch, h->household, tid, amount,
				               h->has_account ? h->account : NULL);
			if (rc == 0) {
				(*n_out)++;
				*total_fen += amount;
			}
		}
		if (rc == 0)
			rc = ch_ctx_commit(ctx);
		else
			ch_ctx_rollback(ctx);
	}
	if (rc == 0 && *n_out == 0) {
		ch_db_run(ctx->db, "DELETE FROM payment_batch WHERE id = ?", "i", *batch);
		*batch = 0;
	} else if (rc == 0) {
		char obj[64];
		if ((rc = ch_ctx_begin(ctx)) == 0) {
			snprintf(obj, sizeof obj, "payment-batch:%" PRId64, *batch);
			rc = audit_json(ctx, "subsidy.pay", obj,
			                json_pack("{s:s, s:s, s:I, s:I}", "county", c.code,
			                          "method", methods[method].key, "payments",
			                          (json_int_t)*n_out, "total_fen",
			                          (json_int_t)*total_fen));
			if (rc == 0)
				rc = ch_ctx_commit(ctx);
			else
				ch_ctx_rollback(ctx);
		}
	}
done:
	free(list);
	ch_region_dispose(&c);
	return rc;
}

int ch_subsidy_batches(ch_ctx *ctx, const char *county, int (*fn)(const ch_batch_row *b, void *arg),
                       void *arg)
{
	ch_region c = {0};
	ch_stmt *st = NULL;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc)
		return rc;
	if (county && (rc = county_of(ctx, county, &c)) != 0)
		return rc;
	if (county && (rc = ch_ctx_require(ctx, CH_PERM_READ, c.id)) != 0)
		goto done;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT b.id, r.name, b.day, b.method, b.created_at, b.created_by, count(p.id),"
	    " coalesce(sum(p.amount), 0), count(p.id) FILTER (WHERE p.status = 'sent'),"
	    " count(p.id) FILTER (WHERE p.status = 'paid'),"
	    " count(p.id) FILTER (WHERE p.status = 'failed')"
	    " FROM payment_batch b JOIN region r ON r.id = b.county_id"
	    " LEFT JOIN payment p ON p.batch_id = b.id"
	    " WHERE (?1 = 0 OR b.county_id = ?1) AND (?2 = 0 OR b.county_id = ?2)"
	    " GROUP BY b.id ORDER BY b.id DESC",
	    "ii", c.id, ctx->actor.scope_region_id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_batch_row b = {.id = ch_stmt_int64(st, 0),
		                  .county = ch_stmt_text(st, 1),
		                  .day = ch_stmt_text(st, 2),
		                  .method = ch_stmt_text(st, 3),
		                  .created_at = ch_stmt_text(st, 4),
		                  .created_by = ch_stmt_text(st, 5),
		                  .n = ch_stmt_int64(st, 6),
		                  .total_fen = ch_stmt_int64(st, 7),
		                  .sent = ch_stmt_int64(st, 8),
		                  .paid = ch_stmt_int64(st, 9),
		                  .failed = ch_stmt_int64(st, 10)};
		rc = fn(&b, arg);
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
done:
	ch_region_dispose(&c);
	return rc;
}

int ch_subsidy_payments(ch_ctx *ctx, int64_t batch, int (*fn)(const ch_payment_row *p, void *arg),
                        void *arg)
{
	ch_stmt *st;
	int64_t county = 0;
	int rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	if (rc)
		return rc;
	if (ch_db_query_int64(ctx->db, &county, "SELECT county_id FROM payment_batch WHERE id = ?",
	                      "i", batch) != 0)
		return ch_error_set(CH_ENOTFOUND, "no payment batch %" PRId64, batch);
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, county)) != 0)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT p.id, p.batch_id, r.name, h.hh_no, h.head_name, h.id_number,"
	    " coalesce(p.account, ''), b.method, p.status, p.amount"
	    " FROM payment p JOIN payment_batch b ON b.id = p.batch_id"
	    " JOIN household h ON h.id = p.household_id"
	    " JOIN region r ON r.id = h.county_id WHERE p.batch_id = ? ORDER BY p.id",
	    "i", batch);
	if (rc)
		return rc;
	int any = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_payment_row x = {ch_stmt_int64(st, 0), ch_stmt_int64(st, 1), ch_stmt_text(st, 2),
		                    ch_stmt_text(st, 3),  ch_stmt_text(st, 4),  ch_stmt_text(st, 5),
		                    ch_stmt_text(st, 6),  ch_stmt_text(st, 7),  ch_stmt_text(st, 8),
		                    ch_stmt_int64(st, 9)};
		any = 1;
		if ((rc = fn(&x, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	if (rc == CH_DB_DONE && !any)
		return ch_error_set(CH_ENOTFOUND, "no payment batch %" PRId64, batch);
	return rc < 0 ? rc : 0;
}

/* ---- the bank's return ---- */

static int status_of(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "成功") == 0 || strcmp(s, "success") == 0 || strcmp(s, "已入账") == 0 ||
	    strcmp(s, "paid") == 0)
		return 1;
	if (strcmp(s, "失败") == 0 || strcmp(s, "failed") == 0 || strcmp(s, "fail") == 0 ||
	    strcmp(s, "退票") == 0)
		return 0;
	return -1;
}

int ch_subsidy_reconcile(ch_ctx *ctx, const ch_return_row *rows, size_t n, const char *file_hash,
                         ch_problems *problems, ch_reconcile_summary *sum)
{
	int rc;
	memset(sum, 0, sizeof *sum);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS)) != 0)
		return rc;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const ch_return_row *r = &rows[i];
		char *end = NULL, *status = NULL, key[64], day[11];
		long long pid = r->payment ? strtoll(r->payment, &end, 10) : 0;
		int64_t household = 0, amount = 0, tid = 0, fen = 0;
		int ok = status_of(r->status), existed;
		ch_date d;
		if (!r->payment || !*r->payment || *end || pid <= 0) {
			ch_problems_add(problems, r->line, -1, "流水号", r->payment, 0,
			                "流水号无效");
			sum->unknown++;
			continue;
		}
		if (ok < 0) {
			ch_problems_add(problems, r->line, -1, "状态", r->status, 0,
			                "状态应为 成功 或 失败");
			continue;
		}
		if (!r->day || ch_date_parse(r->day, &d) != 0) {
			ch_error_clear();
			ch_problems_add(problems, r->line, -1, "日期", r->day, 0, "日期无效");
			continue;
		}
		ch_date_format(&d, day, sizeof day);
		if (ch_db_query_text(ctx->db, &status, "SELECT status FROM payment WHERE id = ?",
		                     "i", (int64_t)pid) != 0) {
			ch_error_clear();
			ch_problems_add(problems, r->line, -1, "流水号", r->payment, 0,
			                "没有这笔发放（流水号 %lld）", pid);
			sum->unknown++;
			continue;
		}
		ch_db_query_int64(ctx->db, &household,
		                  "SELECT household_id FROM payment WHERE id = ?", "i",
		                  (int64_t)pid);
		ch_db_query_int64(ctx->db, &amount, "SELECT amount FROM payment WHERE id = ?", "i",
		                  (int64_t)pid);
		ch_db_query_int64(ctx->db, &tid, "SELECT transfer_id FROM payment WHERE id = ?",
		                  "i", (int64_t)pid);
		if (r->amount && *r->amount &&
		    (ch_money_parse(r->amount, &fen) != 0 || fen != amount)) {
			ch_error_clear();
			ch_problems_add(problems, r->line, -1, "金额", r->amount, 0,
			                "金额与发放记录（%lld.%02lld 元）不符",
			                (long long)amount / 100, (long long)amount % 100);
			free(status);
			continue;
		}
		if (strcmp(status, "sent") != 0) {
			if ((strcmp(status, "paid") == 0) == (ok == 1))
				sum->repeated++;
			else
				ch_problems_add(problems, r->line, -1, "状态", r->status, 0,
				                "这笔发放已按「%s」对账，回单与之矛盾",
				                strcmp(status, "paid") == 0 ? "成功" : "失败");
			free(status);
			continue;
		}
		free(status);
		if (ok) {
			/* confirmed: transit → paid, source by source */
			ch_stmt *st;
			ch_posting p[2 * CH_MAX_SOURCES];
			char codes[CH_MAX_SOURCES][2][64];
			size_t np = 0;
			rc = ch_db_preparef(
			    ctx->db, &st,
			    "SELECT a.code, a.source, -p.amount FROM posting p JOIN account a"
			    " ON a.id = p.account_id WHERE p.transfer_id = ? AND p.amount < 0",
			    "i", tid);
			while (rc == 0 && np < 2 * CH_MAX_SOURCES &&
			       (rc = ch_stmt_step(st)) == CH_DB_ROW) {
				size_t s = np / 2;
				int64_t a = ch_stmt_int64(st, 2);
				snprintf(codes[s][0], sizeof codes[s][0], "transit:%" PRId64 ":%s",
				         household, ch_stmt_text(st, 1));
				snprintf(codes[s][1], sizeof codes[s][1], "paid:%" PRId64 ":%s",
				         household, ch_stmt_text(st, 1));
				p[np++] = (ch_posting){codes[s][0], -a};
				p[np++] = (ch_posting){codes[s][1], a};
				rc = 0;
			}
			if (rc == CH_DB_DONE)
				rc = 0;
			ch_stmt_finalize(st);
			snprintf(key, sizeof key, "confirm:%lld", pid);
			int64_t cid;
			if (rc == 0)
				rc = ch_ledger_transfer(ctx, key, "confirm", day,
				                        "银行回单：入账成功", household, 0, p, np,
				                        &cid, &existed);
			if (rc == 0)
				rc = ch_db_run(ctx->db,
				               "UPDATE payment SET status = 'paid', returned_at = "
				               "? WHERE id = ?",
				               "ti", day, (int64_t)pid);
			sum->confirmed += rc == 0;
			/* paid in full: the household's last stage */
			int64_t paid = 0, entitled = 0, stage_ok = 0;
			if (rc == 0) {
				ch_db_query_int64(
				    ctx->db, &paid,
				    "SELECT coalesce(sum(balance), 0) FROM account WHERE"
				    " household_id = ? AND kind = 'paid'",
				    "i", household);
				ch_db_query_int64(
				    ctx->db, &entitled,
				    "SELECT total_fen FROM entitlement WHERE household_id = ?", "i",
				    household);
				ch_db_query_int64(
				    ctx->db, &stage_ok,
				    "SELECT status = 'reviewed' FROM household WHERE id = ?", "i",
				    household);
				ch_error_clear();
				if (paid == entitled && stage_ok) {
					rc = ch_event_step(ctx, household, CH_STAGE_SUBSIDIZED, day,
					                   NULL, NULL, 0, day);
					sum->subsidized += rc == 0;
				}
			}
		} else {
			int64_t nid;
			snprintf(key, sizeof key, "fail:%lld", pid);
			rc = ch_ledger_reverse(ctx, tid, key, day,
			                       r->reason ? r->reason : "银行回单：发放失败", &nid);
			if (rc == 0)
				rc = ch_db_run(ctx->db,
				               "UPDATE payment SET status = 'failed', returned_at "
				               "= ?, reason = ?"
				               " WHERE id = ?",
				               "tti", day, r->reason, (int64_t)pid);
			sum->failed += rc == 0;
		}
	}
	if (rc == 0)
		rc = audit_json(ctx, "subsidy.reconcile", "funds:bank-return",
		                json_pack("{s:s?, s:I, s:I, s:I, s:I}", "file", file_hash,
		                          "confirmed", (json_int_t)sum->confirmed, "failed",
		                          (json_int_t)sum->failed, "repeated",
		                          (json_int_t)sum->repeated, "unknown",
		                          (json_int_t)sum->unknown));
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}

/* ---- appropriations and spending ---- */

int ch_funds_appropriate(ch_ctx *ctx, const char *source, const char *to, int direct,
                         int64_t amount_fen, const char *day, const char *key, const char *memo,
                         int *found)
{
	char from_code[64], to_code[64], obj[96];
	ch_region c = {0};
	int64_t tid;
	int existed, rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, 0)) != 0)
		return ch_error_prefix("appropriations are the prefecture's: ");
	if (amount_fen <= 0)
		return ch_error_set_field(CH_EINVALID, "amount", "金额 must be positive");
	if ((rc = check_day("date", "日期", day)) != 0)
		return rc;
	if (to && (rc = county_of(ctx, to, &c)) != 0)
		return rc;
	if (!to) {
		snprintf(from_code, sizeof from_code, "origin:%s", source);
		snprintf(to_code, sizeof to_code, "pref:%s", source);
	} else {
		snprintf(from_code, sizeof from_code, "%s:%s", direct ? "origin" : "pref", source);
		snprintf(to_code, sizeof to_code, "county:%s:%s", c.code, source);
	}
	ch_posting p[2] = {{from_code, -amount_fen}, {to_code, amount_fen}};
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_ledger_transfer(ctx, key, to && !direct ? "allocate" : "appropriate", day, memo, 0,
	                        0, p, 2, &tid, &existed);
	if (found)
		*found = rc == 0 && existed;
	snprintf(obj, sizeof obj, "transfer:%s", key);
	if (rc == 0 && !existed)
		rc = audit_json(ctx, to ? "funds.allocate" : "funds.appropriate", obj,
		                json_pack("{s:s, s:s, s:s, s:I, s:s}", "from", from_code, "to",
		                          to_code, "day", day, "amount_fen", (json_int_t)amount_fen,
		                          "key", key));
	if (rc == 0)
		rc = ch_ctx_commit(ctx);
	else
		ch_ctx_rollback(ctx);
done:
	ch_region_dispose(&c);
	return rc;
}

int ch_funds_spend(ch_ctx *ctx, const char *county, const char *source, const char *category,
                   int64_t amount_fen, const char *day, const char *key, const char *memo,
                   int *found)
{
	ch_region c;
	char from_code[64], to_code[160], obj[96];
	int64_t tid;
	int existed, rc;
	if ((rc = check_day("date", "日期", day)) != 0)
		return rc;
	if ((rc = county_of(ctx, county, &c)) != 0)
		return rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, c.id)) != 0)
		goto done;
	if (amount_fen <= 0 || !category || !*category || strchr(category, ':')) {
		rc = ch_error_set_field(CH_EINVALID, amount_fen <= 0 ? "amount" : "category",
		                        "金额 must be positive and 支出类别 a name without ':'");
		goto done;
	}
	snprintf(from_code, sizeof from_code, "county:%s:%s", c.code, source);
	snprintf(to_code, sizeof to_code, "spent:%s:%s:%s", c.code, source, category);
	ch_posting p[2] = {{from_code, -amount_fen}, {to_code, amount_fen}};
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_ledger_transfer(ctx, key, "spend", day, memo, 0, 0, p, 2, &tid, &existed);
	if (found)
		*found = rc == 0 && existed;
	snprintf(obj, sizeof obj, "transfer:%s", key);
	if (rc == 0 && !existed)
		rc = audit_json(ctx, "funds.spend", obj,
		                json_pack("{s:s, s:s, s:I, s:s}", "from", from_code, "category",
		                          category, "amount_fen", (json_int_t)amount_fen, "day",
		                          day));
	if (rc == 0)
		rc = ch_ctx_commit(ctx);
	else
		ch_ctx_rollback(ctx);
done:
	ch_region_dispose(&c);
	return rc;
}

/* ---- the fund audit ---- */

struct policy_days {
	int64_t payment_days, idle_days;
	json_t *categories;
};

/* The deadlines of the latest policy of a year up to AS_OF's. */
static int policy_days(ch_ctx *ctx, const char *as_of, struct policy_days *p)
{
	char *content = NULL;
	int rc = ch_db_query_text(ctx->db, &content,
	                          "SELECT content FROM subsidy_policy WHERE active = 1"
	                          " AND plan_year <= CAST(substr(?, 1, 4) AS INTEGER)"
	                          " ORDER BY plan_year DESC LIMIT 1",
	                          "t", as_of);
	if (rc == CH_ENOTFOUND)
		return ch_error_set(CH_ENOTFOUND, "no subsidy policy for %.4s or earlier", as_of);
	if (rc)
		return rc;
	json_t *j = json_loads(content, 0, NULL);
	free(content);
	if (!j)
		return ch_error_set(CH_ERROR, "the subsidy policy is not JSON");
	p->payment_days = json_integer_value(json_object_get(j, "payment_days"));
	p->idle_days = json_integer_value(json_object_get(j, "idle_days"));
	p->categories = json_incref(json_object_get(j, "categories"));
	json_decref(j);
	return 0;
}

static int each_finding(ch_ctx *ctx, const char *sql, const char *types, const char *kind,
                        int (*fn)(const ch_funds_finding *f, void *arg), void *arg, ...)
{
	/* SQL binds: as_of (t), then days (i); rows: where, what, amount */
	ch_stmt *st;
	va_list ap;
	int rc = ch_db_prepare(ctx->db, &st, sql);
	if (rc)
		return rc;
	va_start(ap, arg);
	for (int i = 0; types[i] && rc == 0; i++)
		rc = types[i] == 'i' ? ch_stmt_bind_int64(st, i + 1, va_arg(ap, int64_t))
		                     : ch_stmt_bind_text(st, i + 1, va_arg(ap, const char *));
	va_end(ap);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_funds_finding f = {kind, ch_stmt_text(st, 0), ch_stmt_text(st, 1),
		                      ch_stmt_int64(st, 2)};
		rc = fn(&f, arg);
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Money a household received, by account kind, up to the day ?1. */
#define HH_MONEY(kind)                                                                             \
	"(SELECT coalesce(sum(p.amount), 0) FROM account a JOIN posting p ON p.account_id = a.id"  \
	" JOIN transfer t ON t.id = p.transfer_id WHERE a.household_id = h.id AND a.kind = '" kind \
	"' AND t.day <= ?1)"

int ch_funds_audit(ch_ctx *ctx, const char *as_of, int (*fn)(const ch_funds_finding *f, void *arg),
                   void *arg)
{
	struct policy_days p = {0};
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0)
		rc = check_day("as-of", "截至日期", as_of);
	if (rc || (rc = policy_days(ctx, as_of, &p)) != 0)
		return rc;
	char *cats = json_dumps(p.categories, JSON_COMPACT);
	int64_t scope = ctx->actor.scope_region_id;
	/* clang-format off */
	/* 滞留: a county holds money while households passed review long ago */
	rc = each_finding(ctx,
	    "WITH waiting AS (SELECT h.county_id, count(*) AS n FROM household h"
	    "  JOIN event e ON e.household_id = h.id AND e.stage_no = 6 AND e.superseded_by IS NULL"
	    "  WHERE h.status IN ('reviewed', 'subsidized')"
	    "  AND e.day < date(?1, '-' || ?2 || ' days') AND (?3 = 0 OR h.county_id = ?3)"
	    "  AND " HH_MONEY("paid") " < coalesce((SELECT total_fen FROM entitlement x"
	    "   WHERE x.household_id = h.id), 1)"
	    "  GROUP BY h.county_id),"
	    " held AS (SELECT a.region_id, sum(p.amount) AS bal FROM account a"
	    "  JOIN posting p ON p.account_id = a.id JOIN transfer t ON t.id = p.transfer_id"
	    "  WHERE a.kind = 'county' AND t.day <= ?1 GROUP BY a.region_id)"
	    " SELECT r.name, w.n || ' 户复核通过已超过 ' || ?2 || ' 天仍未足额发放，县级专户结余资金未拨付到户',"
	    "  held.bal FROM waiting w JOIN held ON held.region_id = w.county_id"
	    " JOIN region r ON r.id = w.county_id WHERE held.bal > 0 ORDER BY r.code",
	    "tii", "滞留", fn, arg, as_of, p.idle_days, scope);
	/* 截留: households past the payment deadline, unpaid or paid short */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    " '复核通过于 ' || e.day || '，超过 ' || ?2 || ' 天期限；已发放 '"
		    " || printf('%.2f', " HH_MONEY("paid") " / 100.0) || ' 元，应发 '"
		    " || CASE WHEN x.total_fen IS NULL THEN '（未核定）'"
		    "  ELSE printf('%.2f', x.total_fen / 100.0) || ' 元' END,"
		    " coalesce(x.total_fen, 0) - " HH_MONEY("paid")
		    " FROM household h JOIN event e ON e.household_id = h.id AND e.stage_no = 6"
		    "  AND e.superseded_by IS NULL"
		    " JOIN region r ON r.id = h.county_id LEFT JOIN entitlement x ON x.household_id = h.id"
		    " WHERE h.status IN ('reviewed', 'subsidized') AND e.day < date(?1, '-' || ?2 || ' days')"
		    " AND (x.household_id IS NULL OR " HH_MONEY("paid") " < x.total_fen)"
		    " AND (?3 = 0 OR h.county_id = ?3) ORDER BY r.code, h.hh_no",
		    "tii", "截留", fn, arg, as_of, p.payment_days, scope);
	/* 挪用: money sent to households that were not eligible on the day */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    " '该户当时为「' || s.name || '」，不应领取补助',"
		    " " HH_MONEY("transit") " + " HH_MONEY("paid")
		    " FROM household h JOIN region r ON r.id = h.county_id"
		    " JOIN stage s ON s.key = CASE"
		    "  WHEN EXISTS (SELECT 1 FROM event w WHERE w.household_id = h.id AND w.stage_no = 8"
		    "   AND w.superseded_by IS NULL AND w.day <= ?1) THEN 'withdrawn'"
		    "  WHEN EXISTS (SELECT 1 FROM event v WHERE v.household_id = h.id AND v.stage_no = 6"
		    "   AND v.superseded_by IS NULL AND v.day <= ?1) THEN 'reviewed'"
		    "  ELSE h.status END"
		    " WHERE s.key NOT IN ('reviewed', 'subsidized')"
		    " AND " HH_MONEY("transit") " + " HH_MONEY("paid") " > 0"
		    " AND (?2 = 0 OR h.county_id = ?2)",
		    "ti", "挪用", fn, arg, as_of, scope);
	/* 挤占: spending out of county accounts on anything else */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT r.name, '资金用于「' || a.category || '」，不属于本项目支出范围',"
		    " sum(p.amount) FROM account a JOIN posting p ON p.account_id = a.id"
		    " JOIN transfer t ON t.id = p.transfer_id"
		    " JOIN region r ON r.id = a.region_id WHERE a.kind = 'spent' AND t.day <= ?1"
		    " AND a.category NOT IN (SELECT value FROM json_each(?2))"
		    " AND (?3 = 0 OR a.region_id = ?3)"
		    " GROUP BY a.id HAVING sum(p.amount) > 0",
		    "tti", "挤占", fn, arg, as_of, cats, scope);
	/* one ID number or one account paid for two households, by the day */
	if (rc == 0)
		rc = each_finding(ctx,
		    "WITH paid AS (SELECT h.id, h.id_number, h.bank_account, h.hh_no,"
		    "  r.name AS county, h.plan_year, " HH_MONEY("paid") " AS amt"
		    "  FROM household h JOIN region r ON r.id = h.county_id"
		    "  WHERE " HH_MONEY("paid") " > 0 AND (?2 = 0 OR h.county_id = ?2))"
		    " SELECT group_concat(county || ' ' || hh_no || '（' || plan_year || '年）', '、'),"
		    "  '同一身份证号 ' || substr(id_number, 1, 6) || '********' || substr(id_number, 15)"
		    "  || ' 领取了 ' || count(*) || ' 份补助', sum(amt)"
		    " FROM paid GROUP BY id_number HAVING count(*) > 1"
		    " UNION ALL"
		    " SELECT group_concat(county || ' ' || hh_no || '（' || plan_year || '年）', '、'),"
		    "  '同一收款账号 ' || substr(bank_account, 1, 4) || '****' || substr(bank_account, -4)"
		    "  || ' 收到 ' || count(*) || ' 户的补助', sum(amt)"
		    " FROM paid WHERE bank_account IS NOT NULL GROUP BY bank_account HAVING count(*) > 1",
		    "ti", "重复发放", fn, arg, as_of, scope);
	/* what each source still holds, unspent */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT s.name, '州级与各县市专户结余（未发放到户）', sum(p.amount)"
		    " FROM account a JOIN posting p ON p.account_id = a.id"
		    " JOIN transfer t ON t.id = p.transfer_id JOIN fund_source s ON s.key = a.source"
		    " WHERE a.kind IN ('prefecture', 'county') AND t.day <= ?1"
		    " AND (?2 = 0 OR a.region_id = ?2)"
		    " GROUP BY a.source HAVING sum(p.amount) <> 0 ORDER BY s.ordinal",
		    "ti", "结余", fn, arg, as_of, scope);
	/* clang-format on */
	free(cats);
	json_decref(p.categories);
	return rc;
}

int ch_funds_report(ch_ctx *ctx, int year, const char *as_of,
                    int (*fn)(const ch_funds_row *r, void *arg), void *arg)
{
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0)
		rc = check_day("as-of", "截至日期", as_of);
	if (rc)
		return rc;
	/* households of plan year YEAR for reserved and paid; county accounts whole */
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT r.name, s.name,"
	    " sum(CASE WHEN a.kind = 'county' AND t.kind IN ('appropriate', 'allocate')"
	    "  AND p.amount > 0 THEN p.amount ELSE 0 END),"
	    " sum(CASE WHEN a.kind = 'payable' AND t.kind = 'reserve' AND h.plan_year = ?2"
	    "  THEN p.amount ELSE 0 END),"
	    " sum(CASE WHEN a.kind = 'paid' AND h.plan_year = ?2 THEN p.amount ELSE 0 END),"
	    " sum(CASE WHEN a.kind = 'county' THEN p.amount ELSE 0 END)"
	    " FROM account a JOIN posting p ON p.account_id = a.id"
	    " JOIN transfer t ON t.id = p.transfer_id JOIN region r ON r.id = a.region_id"
	    " JOIN fund_source s ON s.key = a.source LEFT JOIN household h ON h.id = a.household_id"
	    " WHERE t.day <= ?1 AND a.kind IN ('county', 'payable', 'paid') AND r.level = 2"
	    " AND (?3 = 0 OR a.region_id = ?3)"
	    " GROUP BY r.id, s.key ORDER BY r.code, s.ordinal",
	    "tii", as_of, (int64_t)year, ctx->actor.scope_region_id);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_funds_row x = {ch_stmt_text(st, 0),  ch_stmt_text(st, 1),  ch_stmt_int64(st, 2),
		                  ch_stmt_int64(st, 3), ch_stmt_int64(st, 4), ch_stmt_int64(st, 5)};
		if ((rc = fn(&x, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_funds_households(ch_ctx *ctx, int year, const char *as_of,
                        int (*fn)(const ch_funds_hh_row *r, void *arg), void *arg)
{
	struct policy_days p = {0};
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0)
		rc = check_day("as-of", "截至日期", as_of);
	if (rc || (rc = policy_days(ctx, as_of, &p)) != 0)
		return rc;
	json_decref(p.categories);
	/* clang-format off */
	rc = ch_db_preparef(ctx->db, &st,
	    "WITH hh AS (SELECT h.county_id AS c, coalesce(x.total_fen, 0) AS ent,"
	    "  x.household_id IS NOT NULL AS has_x, e.day AS rday,"
	    "  " HH_MONEY("payable") " AS pay, " HH_MONEY("transit") " AS tr,"
	    "  " HH_MONEY("paid") " AS pd"
	    " FROM household h JOIN event e ON e.household_id = h.id AND e.stage_no = 6"
	    "  AND e.superseded_by IS NULL AND e.day <= ?1"
	    " LEFT JOIN entitlement x ON x.household_id = h.id"
	    " WHERE h.plan_year = ?2 AND (?3 = 0 OR h.county_id = ?3)"
	    " AND NOT EXISTS (SELECT 1 FROM event w WHERE w.household_id = h.id"
	    "  AND w.stage_no = 8 AND w.superseded_by IS NULL AND w.day <= ?1))"
	    " SELECT r.name, count(*), sum(ent), sum(has_x AND pd >= ent), sum(tr > 0),"
	    " sum(pay > 0), sum(NOT has_x OR (pay = 0 AND tr = 0 AND pd < ent)),"
	    " sum(rday < date(?1, '-' || ?4 || ' days') AND (NOT has_x OR pd < ent)),"
	    " sum(max(ent - pd, 0))"
	    " FROM hh JOIN region r ON r.id = hh.c GROUP BY r.id ORDER BY r.code",
	    "tiii", as_of, (int64_t)year, ctx->actor.scope_region_id, p.payment_days);
	/* clang-format on */
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_funds_hh_row x = {.county = ch_stmt_text(st, 0),
		                     .passed = ch_stmt_int64(st, 1),
		                     .entitled_fen = ch_stmt_int64(st, 2),
		                     .paid_full = ch_stmt_int64(st, 3),
		                     .at_bank = ch_stmt_int64(st, 4),
		                     .to_pay = ch_stmt_int64(st, 5),
		                     .unreserved = ch_stmt_int64(st, 6),
		                     .overdue = ch_stmt_int64(st, 7),
		                     .outstanding_fen = ch_stmt_int64(st, 8)};
		if ((rc = fn(&x, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}
