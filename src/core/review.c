/*
 * review — review applications and their samples (see acceptance.h).
 *
 * The sample: every household of an application belongs to a stratum
 * (township | technology | contractor). Its place in the stratum is the
 * BLAKE2b hash of the application's seed, number and household id, so the
 * order is fixed by the seed and unknowable before it. Round r takes, in
 * each stratum, the first max(min_per_stratum, ceil(p_r × size)) households,
 * where p_1 is the sampling ratio, p_2 the widened ratio and p_3 everyone;
 * a contractor that failed in earlier reviews has its ratio multiplied by
 * the weight. A wider round is a superset of a narrower one. The policy,
 * including the contractors weighted at assignment, is stored with the
 * application, so `review sample --verify` can derive the same sample.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"
#include "core/acceptance.h"
#include "core/acceptance_int.h"
#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/household.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/seal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

struct app {
	int64_t id, county_id;
	int year, round;
	char *number, *status, *reviewer, *seed, *policy;
};

static void app_dispose(struct app *a)
{
	free(a->number);
	free(a->status);
	free(a->reviewer);
	free(a->seed);
	free(a->policy);
	memset(a, 0, sizeof *a);
}

/* Outside your scope: an actor with a region scope asking for an
 * application numbered for a county outside it (复核-CODE-...) is refused
 * before it is looked up. */
static int number_in_scope(ch_ctx *ctx, const char *n)
{
	static const char prefix[] = "复核-";
	char code[16];
	ch_region c;
	const char *dash;
	int rc;
	if (!ctx->actor.scope_region_id || strncmp(n, prefix, sizeof prefix - 1) != 0 ||
	    !(dash = strchr(n + sizeof prefix - 1, '-')) ||
	    (size_t)(dash - n) - (sizeof prefix - 1) >= sizeof code)
		return 0;
	snprintf(code, sizeof code, "%.*s", (int)(dash - n - (sizeof prefix - 1)),
	         n + sizeof prefix - 1);
	if (ch_region_find(ctx, code, CH_LEVEL_COUNTY, 0, &c) != 0) {
		ch_error_clear();
		return 0;
	}
	rc = ch_ctx_require_near(ctx, CH_PERM_READ, c.id);
	ch_region_dispose(&c);
	return rc;
}

static int load_app(ch_ctx *ctx, const char *number, struct app *a)
{
	ch_stmt *st;
	char *n = ch_text_normalize(number);
	memset(a, 0, sizeof *a);
	int rc = number_in_scope(ctx, n);
	if (rc) {
		free(n);
		return rc;
	}
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT id, county_id, plan_year, round, number, status, reviewer,"
	                    " seed, policy FROM review_application WHERE number = ?",
	                    "t", n);
	if (rc == 0) {
		rc = ch_stmt_step(st);
		if (rc == CH_DB_ROW) {
			a->id = ch_stmt_int64(st, 0);
			a->county_id = ch_stmt_int64(st, 1);
			a->year = (int)ch_stmt_int64(st, 2);
			a->round = (int)ch_stmt_int64(st, 3);
			a->number = ch_strdup(ch_stmt_text(st, 4));
			a->status = ch_strdup(ch_stmt_text(st, 5));
			a->reviewer = ch_strdup(ch_stmt_text(st, 6));
			a->seed = ch_strdup(ch_stmt_text(st, 7));
			a->policy = ch_strdup(ch_stmt_text(st, 8));
			rc = 0;
		} else if (rc == CH_DB_DONE) {
			rc = ch_error_set(CH_ENOTFOUND, "没有复核申请“%s”", n);
		}
		ch_stmt_finalize(st);
	}
	free(n);
	return rc;
}

/* May the actor see application A? Reviewers: only their own. */
static int may_see(ch_ctx *ctx, const struct app *a)
{
	if (ctx->actor.role == CH_ROLE_REVIEWER)
		return a->reviewer && strcmp(a->reviewer, ctx->actor.name) == 0;
	return ctx->actor.scope_region_id == 0 ||
	       ch_region_within(ctx, a->county_id, ctx->actor.scope_region_id) ||
	       ch_region_within(ctx, ctx->actor.scope_region_id, a->county_id);
}

/* The refusal for an application A the actor may not see (may_see). */
static int refuse_app(ch_ctx *ctx, const struct app *a)
{
	if (ctx->actor.role == CH_ROLE_REVIEWER)
		return ch_error_set(CH_EDENIED,
		                    "用户 %s（复核人员）无权查看复核申请 %s：它未分派给您",
		                    ctx->actor.name, a->number);
	return ch_ctx_require_near(ctx, CH_PERM_READ, a->county_id);
}

static const char *setting(ch_ctx *ctx, const char *key, char *buf, size_t n, const char *def)
{
	char *v = NULL;
	if (ch_db_query_text(ctx->db, &v,
	                     "SELECT value FROM setting WHERE scope = 'sampling' AND key = ?", "t",
	                     key) == 0) {
		snprintf(buf, n, "%s", v);
		free(v);
		return buf;
	}
	ch_error_clear();
	snprintf(buf, n, "%s", def);
	return buf;
}

/* ---- applying ---- */

int ch_review_apply(ch_ctx *ctx, const char *county, int year, const char *const *hh_nos, size_t n,
                    const char *day_text, const char *today, char **number)
{
	ch_region c = {0};
	ch_date d;
	char day[11], now[32], num[96];
	int64_t seq = 0, app_id, count = 0;
	int rc, in_tx = 0;
	ch_stmt *st = NULL;

	*number = NULL;
	if ((rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, &c)) != 0)
		return rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_INSPECT, c.id)) != 0)
		goto done;
	if (ch_date_parse(day_text, &d) != 0) {
		rc = ch_error_mark_field("date");
		goto done;
	}
	ch_date_format(&d, day, sizeof day);
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	in_tx = 1;
	/* a county's every self-inspected household, or a long list, is a
	 * large write: the pages its households' steps read would otherwise
	 * stay mapped until the commit (229 MiB for 95,000 households) */
	if ((!hh_nos || n > CH_DB_LARGE_ROWS) && (rc = ch_db_large_write(ctx->db)) != 0)
		goto done;
	ch_db_query_int64(ctx->db, &seq,
	                  "SELECT count(*) FROM review_application WHERE county_id = ?", "i", c.id);
	snprintf(num, sizeof num, "复核-%s-%d-%03" PRId64, c.code, year, seq + 1);
	rc = ch_db_run(ctx->db,
	               "INSERT INTO review_application(number, county_id, plan_year, applied_at,"
	               " applied_by, status) VALUES (?, ?, ?, ?, ?, 'applied')",
	               "tiitt", num, c.id, (int64_t)year, day, ctx->actor.name);
	if (rc)
		goto done;
	app_id = ch_db_last_id(ctx->db);
	/* the households: those named, or every self-inspected one not applied for */
	if (hh_nos) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			ch_hh_ref ref;
			char code[16];
			snprintf(code, sizeof code, "%s", c.code);
			if ((rc = ch_household_locate(ctx, CH_PERM_INSPECT, code, hh_nos[i],
			                              &ref)) != 0)
				break;
			if (ref.stage != CH_STAGE_SELF_INSPECTED || ref.plan_year != year) {
				rc = ch_error_set(CH_EINVALID,
				                  "户编号 "
				                  "%s：当前为「%s」（%"
				                  "d年度），只有本年度自验合格的农户可以申请复核",
				                  ref.hh_no, ch_stage_name(ref.stage),
				                  ref.plan_year);
				break;
			}
			rc = ch_db_run(
			    ctx->db,
			    "INSERT INTO review_item(application_id, household_id, stratum,"
			    " county_id) SELECT ?, h.id, t.name || '|' || h.technology || '|' ||"
			    " coalesce(h.contractor, '（未填）'), h.county_id FROM household h"
			    " JOIN region t ON t.id = h.township_id WHERE h.id = ?",
			    "ii", app_id, ref.id);
			if (rc == CH_ECONFLICT)
				rc = ch_error_set(CH_EINVALID, "户编号 %s 在申请中出现两次",
				                  ref.hh_no);
		}
	} else {
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO review_item(application_id, household_id, stratum, county_id)"
		    " SELECT ?, h.id, t.name || '|' || h.technology || '|' ||"
		    " coalesce(h.contractor, '（未填）'), h.county_id FROM household h"
		    " JOIN region t ON t.id = h.township_id"
		    " WHERE h.county_id = ? AND h.plan_year = ? AND h.status = 'self_inspected'"
		    " AND NOT EXISTS (SELECT 1 FROM review_item i JOIN review_application a"
		    "  ON a.id = i.application_id WHERE i.household_id = h.id"
		    "  AND a.status <> 'completed')",
		    "iii", app_id, c.id, (int64_t)year);
	}
	if (rc)
		goto done;
	ch_db_query_int64(ctx->db, &count,
	                  "SELECT count(*) FROM review_item WHERE application_id = ?", "i", app_id);
	if (count == 0) {
		rc = ch_error_set(CH_EINVALID, "%s 没有可申请复核的农户（须为本年度自验合格）",
		                  c.name);
		goto done;
	}
	/* every household moves to 已申请复核 */
	if ((rc = ch_db_preparef(ctx->db, &st,
	                         "SELECT household_id FROM review_item WHERE application_id = ?",
	                         "i", app_id)) != 0)
		goto done;
	int64_t *ids = ch_calloc((size_t)count, sizeof *ids);
	size_t k = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW && k < (size_t)count)
		ids[k++] = ch_stmt_int64(st, 0);
	ch_stmt_finalize(st);
	st = NULL;
	rc = rc < 0 ? rc : 0;
	for (size_t i = 0; i < k && rc == 0; i++)
		rc = ch_event_step(ctx, ids[i], CH_STAGE_REVIEW_REQUESTED, day, NULL, NULL, 0,
		                   today);
	free(ids);
	if (rc)
		goto done;
	json_t *a = json_pack("{s:s, s:s, s:i, s:I}", "number", num, "county", c.name, "year", year,
	                      "households", (json_int_t)count);
	char *as = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
	char obj[128];
	snprintf(obj, sizeof obj, "review:%s", num);
	rc = ch_audit_append(ctx, "review.apply", obj, NULL, as);
	free(as);
	json_decref(a);
	if (rc == 0) {
		in_tx = 0;
		rc = ch_ctx_commit(ctx);
	}
	if (rc == 0)
		*number = ch_strdup(num);
done:
	ch_stmt_finalize(st);
	if (in_tx)
		ch_ctx_rollback(ctx);
	ch_region_dispose(&c);
	return rc;
}

/* ---- sampling ---- */

struct member {
	int64_t household;
	char *stratum, *contractor;
	char key[CH_HASH_HEX_LEN + 1];
	int round;  /* computed */
	int stored; /* as stored (0: none) */
};

static int cmp_member(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	int c = strcmp(a->stratum, b->stratum);
	return c ? c : strcmp(a->key, b->key);
}

struct policy {
	int ratio, min, weight, threshold, widen;
	json_t *weighted; /* array of contractor names */
};

static int parse_policy(const char *text, struct policy *p)
{
	json_t *j = json_loads(text ? text : "", 0, NULL);
	if (!j)
		return ch_error_set(CH_ERROR, "the application's sampling policy is not JSON");
	p->ratio = (int)json_integer_value(json_object_get(j, "ratio_percent"));
	p->min = (int)json_integer_value(json_object_get(j, "min_per_stratum"));
	p->weight = (int)json_integer_value(json_object_get(j, "failed_contractor_weight"));
	p->threshold = (int)json_integer_value(json_object_get(j, "fail_threshold_percent"));
	p->widen = (int)json_integer_value(json_object_get(j, "widen_percent"));
	p->weighted = json_incref(json_object_get(j, "weighted_contractors"));
	json_decref(j);
	return 0;
}

static int weighted(const struct policy *p, const char *contractor)
{
	size_t i;
	json_t *v;
	json_array_foreach(p->weighted, i,
	                   v) if (strcmp(json_string_value(v), contractor) == 0) return 1;
	return 0;
}

/* Loads the members of application A and computes the round in which each
 * enters the sample, for rounds 1..ROUNDS. */
static int derive(ch_ctx *ctx, const struct app *a, int rounds, struct member **out, size_t *n)
{
	struct policy p = {0};
	ch_stmt *st;
	size_t cap = 0;
	int rc = parse_policy(a->policy, &p);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT i.household_id, i.stratum, coalesce(h.contractor, '（未填）'),"
	                    " coalesce(i.sample_round, 0) FROM review_item i"
	                    " JOIN household h ON h.id = i.household_id WHERE i.application_id = ?",
	                    "i", a->id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = ch_reallocarray(*out, cap, sizeof **out);
		}
		struct member *m = &(*out)[(*n)++];
		char buf[64];
		m->household = ch_stmt_int64(st, 0);
		m->stratum = ch_strdup(ch_stmt_text(st, 1));
		/* the contractor as frozen in the stratum when the application was
		 * made, not as the register says now */
		const char *bar = strrchr(m->stratum, '|');
		m->contractor = ch_strdup(bar ? bar + 1 : ch_stmt_text(st, 2));
		m->stored = (int)ch_stmt_int64(st, 3);
		m->round = 0;
		snprintf(buf, sizeof buf, "|%" PRId64, m->household);
		ch_hash h;
		ch_hash_init(&h);
		ch_hash_update(&h, a->seed, strlen(a->seed));
		ch_hash_update(&h, "|", 1);
		ch_hash_update(&h, a->number, strlen(a->number));
		ch_hash_update(&h, buf, strlen(buf));
		ch_hash_final(&h, m->key);
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	if (rc == 0 && *n)
		qsort(*out, *n, sizeof **out, cmp_member);
	for (size_t s = 0; rc == 0 && s < *n;) {
		size_t e = s;
		while (e < *n && strcmp((*out)[e].stratum, (*out)[s].stratum) == 0)
			e++;
		size_t size = e - s;
		for (int r = 1; r <= rounds; r++) {
			int pct = r == 1 ? p.ratio : r == 2 ? p.widen : 100;
			if (weighted(&p, (*out)[s].contractor))
				pct *= p.weight > 1 ? p.weight : 1;
			if (pct > 100)
				pct = 100;
			size_t take = (size * (size_t)pct + 99) / 100;
			if (take < (size_t)p.min)
				take = (size_t)p.min;
			if (take > size)
				take = size;
			for (size_t k = 0; k < take; k++)
				if (!(*out)[s + k].round)
					(*out)[s + k].round = r;
		}
		s = e;
	}
	json_decref(p.weighted);
	return rc;
}

static void free_members(struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].stratum);
		free(m[i].contractor);
	}
	free(m);
}

/* Draws round ROUND: marks the members that enter the sample in it. */
static int draw(ch_ctx *ctx, struct app *a, int round)
{
	struct member *m;
	size_t n;
	int rc = derive(ctx, a, round, &m, &n);
	for (size_t i = 0; i < n && rc == 0; i++)
		if (m[i].round == round && !m[i].stored)
			rc = ch_db_run(
			    ctx->db,
			    "UPDATE review_item SET sample_round = ? WHERE application_id = ?"
			    " AND household_id = ?",
			    "iii", (int64_t)round, a->id, m[i].household);
	if (rc == 0)
		rc = ch_db_run(ctx->db, "UPDATE review_application SET round = ? WHERE id = ?",
		               "ii", (int64_t)round, a->id);
	a->round = round;
	free_members(m, n);
	return rc;
}

int ch_review_assign(ch_ctx *ctx, const char *number, const char *unit, const char *reviewer,
                     const char *seed_source)
{
	struct app a;
	ch_user u = {0};
	char now[32], seed[CH_HASH_HEX_LEN + 1], buf[64], obj[128];
	int rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_REVIEW_ASSIGN, 0)) != 0)
		return ch_error_prefix("复核分派由州级办公室办理：");
	if ((rc = load_app(ctx, number, &a)) != 0)
		return rc;
	if (strcmp(a.status, "applied") != 0) {
		rc = ch_error_set(CH_ECONFLICT, "%s 已分派过，不能再分派", a.number);
		goto done;
	}
	if (!unit || !*unit || !seed_source || !*seed_source) {
		rc = ch_error_set_field(CH_EINVALID, !unit || !*unit ? "unit" : "seed",
		                        "须给出复核单位和随机种子："
		                        "种子是办公室当场记录的数值（如摇号号码、留档的随机数），"
		                        "使县市无法预知抽样");
		goto done;
	}
	if ((rc = ch_user_load(ctx, reviewer, &u)) != 0)
		goto done;
	if (u.role != CH_ROLE_REVIEWER) {
		rc = ch_error_set(CH_EINVALID, "“%s”是%s，不是复核人员", reviewer,
		                  ch_role_name(u.role));
		goto done;
	}
	ch_hash_hex(seed_source, strlen(seed_source), seed);
	/* the policy in force now, with the contractors that failed before */
	json_t *pol = json_object();
	static const struct {
		const char *key, *def;
	} keys[] = {{"ratio_percent", "10"},
	            {"min_per_stratum", "1"},
	            {"failed_contractor_weight", "2"},
	            {"fail_threshold_percent", "10"},
	            {"widen_percent", "25"}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_object_set_new(
		    pol, keys[i].key,
		    json_integer(atoi(setting(ctx, keys[i].key, buf, sizeof buf, keys[i].def))));
	json_t *wc = json_array();
	ch_stmt *st;
	const char *instr = ch_db_fn(ctx->db, CH_DB_FN_INSTR);
	char q[320];
	/* the contractor as frozen in each failed stratum */
	snprintf(q, sizeof q,
	         "SELECT DISTINCT substr(rest, %s(rest, '|') + 1) FROM"
	         " (SELECT substr(stratum, %s(stratum, '|') + 1) AS rest"
	         "  FROM review_item WHERE result = 'fail') r ORDER BY 1",
	         instr, instr);
	if ((rc = ch_db_prepare(ctx->db, &st, q)) == 0) {
		while (ch_stmt_step(st) == CH_DB_ROW)
			json_array_append_new(wc, json_string(ch_stmt_text(st, 0)));
		ch_stmt_finalize(st);
	}
	json_object_set_new(pol, "weighted_contractors", wc);
	char *pol_s = json_dumps(pol, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(pol);
	const char *alg = setting(ctx, "algorithm", buf, sizeof buf, "blake2b-keyed-order-v1");
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) == 0) {
		rc = ch_seal_check_review(ctx, a.id);
		if (rc == 0)
			rc = ch_db_run(
			    ctx->db,
			    "UPDATE review_application SET status = 'assigned', unit = ?,"
			    " reviewer = ?, assigned_at = ?, assigned_by = ?, seed_source = ?,"
			    " seed = ?, algorithm = ?, policy = ? WHERE id = ?",
			    "tttttttti", unit, u.name, now, ctx->actor.name, seed_source, seed, alg,
			    pol_s, a.id);
		free(a.seed);
		a.seed = ch_strdup(seed);
		free(a.policy);
		a.policy = ch_strdup(pol_s);
		if (rc == 0)
			rc = draw(ctx, &a, 1);
		if (rc == 0) {
			json_t *j =
			    json_pack("{s:s, s:s, s:s, s:s, s:s}", "unit", unit, "reviewer", u.name,
			              "seed_source", seed_source, "seed", seed, "algorithm", alg);
			char *js = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
			snprintf(obj, sizeof obj, "review:%s", a.number);
			rc = ch_audit_append(ctx, "review.assign", obj, NULL, js);
			free(js);
			json_decref(j);
		}
		rc = ch_ctx_end(ctx, rc);
	}
	free(pol_s);
done:
	ch_user_dispose(&u);
	app_dispose(&a);
	return rc;
}

int ch_review_verify(ch_ctx *ctx, const char *number, size_t *checked)
{
	struct app a;
	struct member *m = NULL;
	size_t n = 0;
	int rc;
	*checked = 0;
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0)
		return rc;
	if ((rc = load_app(ctx, number, &a)) != 0)
		return rc;
	if (!may_see(ctx, &a)) {
		rc = refuse_app(ctx, &a);
		goto done;
	}
	if (!a.seed) {
		rc = ch_error_set(CH_EINVALID, "%s 尚未分派，还没有抽样", a.number);
		goto done;
	}
	char *source = NULL, seed[CH_HASH_HEX_LEN + 1];
	if (ch_db_query_text(ctx->db, &source,
	                     "SELECT seed_source FROM review_application WHERE id = ?", "i",
	                     a.id) == 0) {
		ch_hash_hex(source, strlen(source), seed);
		int same = strcmp(seed, a.seed) == 0;
		free(source);
		if (!same) {
			rc = ch_error_set(
			    CH_EINVALID,
			    "%s：保存的种子与分派时记录的数值的哈希不符：其中之一被改动过",
			    a.number);
			goto done;
		}
	}
	ch_error_clear();
	if ((rc = derive(ctx, &a, a.round, &m, &n)) != 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (m[i].round != m[i].stored) {
			char *hh = NULL;
			ch_db_query_text(ctx->db, &hh, "SELECT hh_no FROM household WHERE id = ?",
			                 "i", m[i].household);
			rc = ch_error_set(
			    CH_EINVALID,
			    "%s: the stored sample differs from the one its seed gives: "
			    "household %s is stored in round %d, derived in round %d (0: not "
			    "sampled)",
			    a.number, hh ? hh : "?", m[i].stored, m[i].round);
			free(hh);
			goto done;
		}
		(*checked)++;
	}
done:
	free_members(m, n);
	app_dispose(&a);
	return rc;
}

/* ---- results ---- */

/* Ends application A on DAY: failed households go back to 已调试 with a
 * rectification order, all others pass. */
static int complete(ch_ctx *ctx, struct app *a, const char *day, const char *today, int *failed_n)
{
	ch_stmt *st;
	struct res {
		int64_t id;
		int fail;
		char *note;
	} *list = NULL;
	size_t n = 0, cap = 0;
	/* households that withdrew meanwhile stay withdrawn */
	int rc =
	    ch_db_preparef(ctx->db, &st,
	                   "SELECT i.household_id, i.result = 'fail', i.note FROM review_item i"
	                   " JOIN household h ON h.id = i.household_id"
	                   " WHERE i.application_id = ? AND h.status = 'review_requested'",
	                   "i", a->id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			list = ch_reallocarray(list, cap, sizeof *list);
		}
		list[n].id = ch_stmt_int64(st, 0);
		list[n].fail = !ch_stmt_is_null(st, 1) && ch_stmt_int64(st, 1);
		list[n].note = ch_strdup(ch_stmt_text(st, 2));
		n++;
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	*failed_n = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (list[i].fail) {
			char issue[512];
			int64_t order;
			snprintf(issue, sizeof issue, "复核未通过：%s",
			         list[i].note ? list[i].note : "");
			rc = ch_event_step(ctx, list[i].id, CH_STAGE_COMMISSIONED, day, issue, NULL,
			                   0, today);
			if (rc == 0)
				rc = ch_rectification_open(ctx, list[i].id, "review", a->id, issue,
				                           day, &order);
			(*failed_n)++;
		} else {
			rc = ch_event_step(ctx, list[i].id, CH_STAGE_REVIEWED, day, NULL, NULL, 0,
			                   today);
			/* the facts its subsidy rests on, frozen */
			if (rc == 0)
				rc = ch_snapshot_take(ctx, list[i].id, day);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(list[i].note);
	free(list);
	if (rc == 0)
		rc = ch_db_run(ctx->db,
		               "UPDATE review_application SET status = 'completed', outcome = ?,"
		               " completed_at = ? WHERE id = ?",
		               "tti", *failed_n ? "partly_failed" : "passed", day, a->id);
	return rc;
}

int ch_review_result(ch_ctx *ctx, const char *number, const char *household, const char *result,
                     const char *day_text, const char *note, const ch_evidence *evidence,
                     size_t nevidence, const char *today, int *widened, int *completed)
{
	struct app a;
	ch_hh_ref ref;
	ch_date d;
	char day[11], tday[11], obj[160], *prev = NULL;
	int64_t round = 0, pending = 0, sampled = 0, fails = 0;
	int rc, in_tx = 0, failed_n = 0;
	*widened = *completed = 0;

	if ((rc = ch_ctx_require_role(ctx, CH_PERM_REVIEW)) != 0)
		return rc;
	if ((rc = load_app(ctx, number, &a)) != 0)
		return rc;
	if (ctx->actor.role == CH_ROLE_REVIEWER && !may_see(ctx, &a)) {
		rc = ch_error_set(CH_EDENIED,
		                  "用户 %s（复核人员）无权录入复核申请 %s 的结果：它已分派给其他人",
		                  ctx->actor.name, a.number);
		goto done;
	}
	if (strcmp(a.status, "assigned") != 0) {
		rc = ch_error_set(CH_ECONFLICT, "%s %s：只有复核中的申请才能录入结果", a.number,
		                  strcmp(a.status, "applied") == 0 ? "尚未分派" : "已完成");
		goto done;
	}
	if (!result || (strcmp(result, "pass") != 0 && strcmp(result, "fail") != 0)) {
		rc = ch_error_set_field(CH_EINVALID, "result",
		                        "复核结果应为 合格 或 不合格（pass 或 fail）");
		goto done;
	}
	if (strcmp(result, "fail") == 0 && (!note || !*note)) {
		rc = ch_error_set_field(CH_EINVALID, "note", "复核不合格须在备注中写明问题");
		goto done;
	}
	if ((rc = ch_ref_text_check(ctx, "acceptance_note", "备注", "note", note)) != 0)
		goto done;
	/* a pass needs evidence, as a self-inspection's does */
	if (strcmp(result, "pass") == 0 &&
	    (rc = ch_acceptance_pass_evidence("复核通过", nevidence)) != 0)
		goto done;
	if (ch_date_parse(day_text, &d) != 0) {
		rc = ch_error_mark_field("date");
		goto done;
	}
	ch_date_format(&d, day, sizeof day);
	ch_today_at_most(today, tday, sizeof tday);
	if (strcmp(day, tday) > 0) {
		rc = ch_error_set(CH_EINVALID, "日期 %s 在今天（%s）之后", day, tday);
		goto done;
	}
	char *applied = NULL;
	if (ch_db_query_text(ctx->db, &applied,
	                     "SELECT applied_at FROM review_application WHERE id = ?", "i",
	                     a.id) == 0 &&
	    strcmp(day, applied) < 0) {
		rc = ch_error_set(CH_EINVALID, "复核日期 %s 早于申请日期 %s", day, applied);
		free(applied);
		goto done;
	}
	free(applied);
	char code[16] = "";
	char *cc = NULL;
	ch_db_query_text(ctx->db, &cc, "SELECT code FROM region WHERE id = ?", "i", a.county_id);
	snprintf(code, sizeof code, "%s", cc ? cc : "");
	free(cc);
	/* the reviewer sees households of any county: locate as the prefecture */
	int64_t scope = ctx->actor.scope_region_id;
	ctx->actor.scope_region_id = 0;
	rc = ch_household_locate(ctx, CH_PERM_REVIEW, code, household, &ref);
	ctx->actor.scope_region_id = scope;
	if (rc)
		goto done;
	rc = ch_db_query_int64(ctx->db, &round,
	                       "SELECT coalesce(sample_round, 0) FROM review_item"
	                       " WHERE application_id = ? AND household_id = ?",
	                       "ii", a.id, ref.id);
	if (rc == CH_ENOTFOUND) {
		rc = ch_error_set(CH_EINVALID, "户编号 %s 不在复核申请 %s 中", ref.hh_no, a.number);
		goto done;
	}
	if (rc)
		goto done;
	if (!round) {
		rc = ch_error_set(CH_EINVALID, "户编号 %s 未被抽中：只记录抽样农户的复核结果",
		                  ref.hh_no);
		goto done;
	}
	if (ch_db_query_text(
	        ctx->db, &prev,
	        "SELECT result FROM review_item WHERE application_id = ? AND household_id = ?",
	        "ii", a.id, ref.id) == 0) {
		rc =
		    ch_error_set(CH_ECONFLICT, "户编号 %s 的复核结果已记录（%s）", ref.hh_no, prev);
		free(prev);
		goto done;
	}
	ch_error_clear();
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	in_tx = 1;
	rc = ch_seal_check_review(ctx, a.id);
	if (rc == 0)
		rc = ch_db_run(
		    ctx->db,
		    "UPDATE review_item SET result = ?, result_day = ?, reviewer = ?, note = ?"
		    " WHERE application_id = ? AND household_id = ?",
		    "ttttii", result, day, ctx->actor.name, note, a.id, ref.id);
	for (size_t i = 0; i < nevidence && rc == 0; i++) {
		char hash[CH_HASH_HEX_LEN + 1];
		/* in the application's county, which is the household's */
		if ((rc = ch_evidence_store(ctx, a.county_id, &evidence[i], hash)) == 0)
			rc = ch_db_run(
			    ctx->db,
			    "INSERT INTO review_evidence(application_id, household_id, hash,"
			    " county_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			    "iiti", a.id, ref.id, hash, a.county_id);
	}
	if (rc == 0)
		rc = ch_db_query_int64(ctx->db, &pending,
		                       "SELECT count(*) FROM review_item WHERE application_id = ?"
		                       " AND sample_round IS NOT NULL AND result IS NULL",
		                       "i", a.id);
	if (rc == 0 && pending == 0) {
		ch_db_query_int64(ctx->db, &sampled,
		                  "SELECT count(*) FROM review_item WHERE application_id = ?"
		                  " AND sample_round IS NOT NULL",
		                  "i", a.id);
		ch_db_query_int64(ctx->db, &fails,
		                  "SELECT count(*) FROM review_item WHERE application_id = ?"
		                  " AND result = 'fail'",
		                  "i", a.id);
		struct policy p = {0};
		if ((rc = parse_policy(a.policy, &p)) == 0) {
			json_decref(p.weighted);
			if (fails * 100 > (int64_t)p.threshold * sampled && a.round < 3) {
				/* widen; a round that adds nobody (small strata) widens
				 * again, and after everyone the application completes */
				int64_t again = 0;
				while (rc == 0 && again == 0 && a.round < 3) {
					rc = draw(ctx, &a, a.round + 1);
					*widened = 1;
					ch_db_query_int64(
					    ctx->db, &again,
					    "SELECT count(*) FROM review_item WHERE"
					    " application_id = ? AND sample_round IS NOT NULL"
					    " AND result IS NULL",
					    "i", a.id);
				}
				if (rc == 0 && again == 0) {
					rc = complete(ctx, &a, day, today, &failed_n);
					*completed = 1;
				}
			} else {
				rc = complete(ctx, &a, day, today, &failed_n);
				*completed = 1;
			}
		}
	}
	if (rc == 0) {
		char *county_code = NULL;
		if (ch_db_query_text(ctx->db, &county_code, "SELECT code FROM region WHERE id = ?",
		                     "i", a.county_id) != 0)
			ch_error_clear();
		json_t *j =
		    json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:b, s:b}", "household", ref.hh_no,
		              "county", county_code, "result", result, "day", day, "note", note,
		              "widened", *widened, "completed", *completed);
		free(county_code);
		char *js = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(obj, sizeof obj, "review:%s", a.number);
		rc = ch_audit_append(ctx, "review.result", obj, NULL, js);
		free(js);
		json_decref(j);
	}
	if (rc == 0) {
		in_tx = 0;
		rc = ch_ctx_commit(ctx);
	}
done:
	if (in_tx)
		ch_ctx_rollback(ctx);
	app_dispose(&a);
	return rc;
}

/* ---- listing ---- */

int ch_review_each(ch_ctx *ctx, int (*fn)(const ch_review_app *a, void *arg), void *arg)
{
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT a.number, r.name, a.status, a.unit, a.reviewer, a.applied_at, a.seed_source,"
	    " a.outcome, a.plan_year, a.round, count(i.household_id), count(i.sample_round),"
	    " count(CASE WHEN i.result = 'pass' THEN 1 END),"
	    " count(CASE WHEN i.result = 'fail' THEN 1 END)"
	    " FROM review_application a JOIN region r ON r.id = a.county_id"
	    " LEFT JOIN review_item i ON i.application_id = a.id AND i.county_id = a.county_id"
	    " WHERE (?1 = 0 OR a.reviewer = ?2)"
	    " AND (?3 = 0 OR a.county_id = ?3 OR ?1 = 1)"
	    /* every column named: the application's key is (id, county_id) on
	     * PostgreSQL, a unique key it does not take the others from */
	    " GROUP BY a.id, a.number, r.name, a.status, a.unit, a.reviewer, a.applied_at,"
	    " a.seed_source, a.outcome, a.plan_year, a.round ORDER BY a.id",
	    "iti", (int64_t)(ctx->actor.role == CH_ROLE_REVIEWER), ctx->actor.name,
	    ctx->actor.role == CH_ROLE_REVIEWER ? 0 : ctx->actor.scope_region_id);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_review_app x = {
		    ch_stmt_text(st, 0),       ch_stmt_text(st, 1),   ch_stmt_text(st, 2),
		    ch_stmt_text(st, 3),       ch_stmt_text(st, 4),   ch_stmt_text(st, 5),
		    ch_stmt_text(st, 6),       ch_stmt_text(st, 7),   (int)ch_stmt_int64(st, 8),
		    (int)ch_stmt_int64(st, 9), ch_stmt_int64(st, 10), ch_stmt_int64(st, 11),
		    ch_stmt_int64(st, 12),     ch_stmt_int64(st, 13)};
		if ((rc = fn(&x, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_review_members(ch_ctx *ctx, const char *number,
                      int (*fn)(const ch_review_member *m, void *arg), void *arg)
{
	struct app a;
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc || (rc = load_app(ctx, number, &a)) != 0)
		return rc;
	if (!may_see(ctx, &a)) {
		rc = refuse_app(ctx, &a);
		app_dispose(&a);
		return rc;
	}
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT h.hh_no, h.head_name, t.name, h.technology,"
	                    " coalesce(h.contractor, ''), i.stratum, i.result,"
	                    " coalesce(i.sample_round, 0)"
	                    " FROM review_item i JOIN household h ON h.id = i.household_id"
	                    " JOIN region t ON t.id = h.township_id WHERE i.application_id = ?"
	                    " ORDER BY i.sample_round IS NULL, i.stratum, h.hh_no",
	                    "i", a.id);
	app_dispose(&a);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_review_member m = {ch_stmt_text(st, 0), ch_stmt_text(st, 1),
		                      ch_stmt_text(st, 2), ch_stmt_text(st, 3),
		                      ch_stmt_text(st, 4), ch_stmt_text(st, 5),
		                      ch_stmt_text(st, 6), (int)ch_stmt_int64(st, 7)};
		if ((rc = fn(&m, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}
