/*
 * progress — what follows from recorded steps: corrections of their
 * dates, evidence used for more than one household, and the check that the
 * dispatch aggregates still equal what the events say (see event.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/event.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/seal_int.h"
#include "core/progress_int.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/workflow.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/text.h"

/* The contributions of every current event (progress_int.h), summed per
 * key as progress_daily keeps them. */
#define RECOMPUTED                                                                                 \
	"SELECT plan_year, county_id, stage_no, day, sum(n) AS n, sum(es) AS es,"                  \
	" sum(area) AS area FROM (" CH_PROGRESS_CONTRIBUTIONS(                                     \
	    "") ") AS c GROUP BY plan_year, county_id, stage_no, day"

int ch_progress_verify(ch_ctx *ctx, size_t *rows_checked)
{
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	*rows_checked = 0;
	if (rc)
		return rc;
	/* rows where stored and recomputed differ, zero rows on either side
	 * being the same as no row */
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "WITH r AS (" RECOMPUTED "),"
	    " p AS (SELECT plan_year, county_id, stage_no, day, households AS n,"
	    "  es_households AS es, es_area_centi AS area FROM progress_daily)"
	    " SELECT 'stored', p.plan_year, p.county_id, p.stage_no, p.day, p.n, p.es, p.area,"
	    "  coalesce(r.n, 0), coalesce(r.es, 0), coalesce(r.area, 0)"
	    " FROM p LEFT JOIN r USING (plan_year, county_id, stage_no, day)"
	    " WHERE p.n <> coalesce(r.n, 0) OR p.es <> coalesce(r.es, 0)"
	    "  OR p.area <> coalesce(r.area, 0)"
	    " UNION ALL"
	    " SELECT 'missing', r.plan_year, r.county_id, r.stage_no, r.day, 0, 0, 0, r.n, r.es, "
	    "r.area"
	    " FROM r LEFT JOIN p USING (plan_year, county_id, stage_no, day)"
	    " WHERE p.n IS NULL AND (r.n <> 0 OR r.es <> 0 OR r.area <> 0)"
	    " LIMIT 1",
	    "iii", (int64_t)CH_STAGE_STARTED, (int64_t)CH_STAGE_SUBSIDIZED,
	    (int64_t)CH_STAGE_WITHDRAWN);
	if (rc)
		return rc;
	/* the sums of every event: a sort as large as the events, in bounded
	 * runs rather than beside the whole page cache */
	if ((rc = ch_db_large_sort(ctx->db, 1)) != 0) {
		ch_stmt_finalize(st);
		return rc;
	}
	rc = ch_stmt_step(st);
	int rc2 = ch_db_large_sort(ctx->db, 0);
	if (rc2 && (rc == CH_DB_ROW || rc == CH_DB_DONE))
		rc = rc2;
	if (rc == CH_DB_ROW) {
		rc = ch_error_set(
		    CH_EINVALID,
		    "progress aggregates differ from the events: plan year %lld, county "
		    "%lld, stage %lld, %s: stored %lld households (%lld energy-saving, "
		    "%lld area), the events give %lld (%lld, %lld)",
		    (long long)ch_stmt_int64(st, 1), (long long)ch_stmt_int64(st, 2),
		    (long long)ch_stmt_int64(st, 3), ch_stmt_text(st, 4),
		    (long long)ch_stmt_int64(st, 5), (long long)ch_stmt_int64(st, 6),
		    (long long)ch_stmt_int64(st, 7), (long long)ch_stmt_int64(st, 8),
		    (long long)ch_stmt_int64(st, 9), (long long)ch_stmt_int64(st, 10));
	} else if (rc == CH_DB_DONE) {
		rc = 0;
	}
	ch_stmt_finalize(st);
	if (rc == 0) {
		int64_t n = 0;
		if (ch_db_query_int64(ctx->db, &n, "SELECT count(*) FROM progress_daily", NULL) ==
		    0)
			*rows_checked = (size_t)n;
	}
	return rc;
}

int ch_event_evidence_reuse(ch_ctx *ctx, int (*fn)(const ch_evidence_reuse *r, void *arg),
                            void *arg)
{
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc)
		return rc;
	/* each household once per file (the UNION), listed by county code and
	 * household number: the driver's group_concat fed from an ordered
	 * subquery, as both dialects take it. A file is stored once per county
	 * (named as it was first named there): each use meets its county's
	 * copy inside the subquery, and a file reused across counties is one
	 * finding, under the least of its names */
	ch_buf q;
	ch_buf_init(&q);
	ch_buf_printf(
	    &q,
	    "SELECT d.hash, min(d.name), count(*), %s(d.who, ',')"
	    " FROM (SELECT u.hash, v.name, r.name || ' ' || h.hh_no AS who"
	    "  FROM (SELECT ee.hash, e.household_id, ee.county_id FROM event_evidence ee"
	    "   JOIN event e ON e.id = ee.event_id AND e.county_id = ee.county_id"
	    "   UNION SELECT hash, household_id, county_id FROM review_evidence) u"
	    "  JOIN evidence v ON v.hash = u.hash AND v.county_id = u.county_id"
	    "  JOIN household h ON h.id = u.household_id JOIN region r ON r.id = h.county_id"
	    "  WHERE (? = 0 OR h.county_id = ? OR h.township_id = ?)"
	    "  ORDER BY r.code, h.hh_no) d"
	    " GROUP BY d.hash HAVING count(*) > 1 ORDER BY 2, 1",
	    ch_db_fn(ctx->db, CH_DB_FN_GROUP_CONCAT));
	rc = ch_db_preparef(ctx->db, &st, q.ptr, "iii", ctx->actor.scope_region_id,
	                    ctx->actor.scope_region_id, ctx->actor.scope_region_id);
	ch_buf_dispose(&q);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_evidence_reuse r = {ch_stmt_text(st, 0), ch_stmt_text(st, 1),
		                       (size_t)ch_stmt_int64(st, 2), ch_stmt_text(st, 3)};
		if ((rc = fn(&r, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- corrections ---- */

struct old_event {
	int64_t id, household, plan_year, county, township, es, area;
	int stage, from;
	char day[11], prev_day[11], next_day[11];
	int is_current;
};

/* The days of the steps just before and after O in the household's
 * history. A correction takes the place of the step it corrects, so steps
 * are ordered by the first event of their correction chain. */
static int neighbours(ch_ctx *ctx, struct old_event *o)
{
	ch_stmt *st;
	int rc = ch_db_preparef(
	    ctx->db, &st,
	    "WITH RECURSIVE chain(id, root) AS ("
	    "  SELECT id, id FROM event WHERE household_id = ?1 AND corrects IS NULL"
	    "  UNION ALL SELECT e.id, c.root FROM event e JOIN chain c ON e.corrects = c.id),"
	    " cur AS (SELECT e.day, c.root FROM event e JOIN chain c ON c.id = e.id"
	    "  WHERE e.superseded_by IS NULL),"
	    " me AS (SELECT root FROM chain WHERE id = ?2)"
	    " SELECT (SELECT max(day) FROM cur WHERE root < (SELECT root FROM me)),"
	    "  (SELECT min(day) FROM cur WHERE root > (SELECT root FROM me))",
	    "ii", o->household, o->id);
	if (rc)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		snprintf(o->prev_day, sizeof o->prev_day, "%s",
		         ch_stmt_text(st, 0) ? ch_stmt_text(st, 0) : "");
		snprintf(o->next_day, sizeof o->next_day, "%s",
		         ch_stmt_text(st, 1) ? ch_stmt_text(st, 1) : "");
		rc = 0;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static int load_old(ch_ctx *ctx, const char *county, const char *household, int stage,
                    struct old_event *o)
{
	ch_hh_ref ref;
	ch_stmt *st;
	char *hh = ch_text_normalize(household);
	int rc = 0;
	memset(o, 0, sizeof *o);
	/* permission and scope first, then the household and its step */
	if ((rc = ch_household_locate(ctx, CH_PERM_HOUSEHOLD_WRITE, county, household, &ref)) != 0)
		goto done;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT e.id, h.id, e.plan_year, e.county_id, h.township_id, e.es, e.es_area_centi,"
	    " e.from_stage_no, e.day, h.status, NULL, NULL"
	    " FROM household h JOIN event e ON e.household_id = h.id"
	    " WHERE h.id = ? AND e.stage_no = ? AND e.superseded_by IS NULL"
	    " AND (e.stage_no > e.from_stage_no OR e.stage_no = ?) ORDER BY e.id DESC LIMIT 1",
	    "iii", ref.id, (int64_t)stage, (int64_t)CH_STAGE_WITHDRAWN);
	if (rc)
		goto done;
	rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		o->id = ch_stmt_int64(st, 0);
		o->household = ch_stmt_int64(st, 1);
		o->plan_year = ch_stmt_int64(st, 2);
		o->county = ch_stmt_int64(st, 3);
		o->township = ch_stmt_int64(st, 4);
		o->es = ch_stmt_int64(st, 5);
		o->area = ch_stmt_int64(st, 6);
		o->from = (int)ch_stmt_int64(st, 7);
		o->stage = stage;
		snprintf(o->day, sizeof o->day, "%s", ch_stmt_text(st, 8));
		o->is_current = ch_stage_parse(ch_stmt_text(st, 9)) == stage;
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ENOTFOUND, "农户 %s 没有可更正的“%s”记录", hh,
		                  ch_stage_name(stage));
	}
	ch_stmt_finalize(st);
	if (rc == 0)
		rc = neighbours(ctx, o);
done:
	free(hh);
	return rc;
}

int ch_event_correct(ch_ctx *ctx, const char *county, const char *household, const char *stage_text,
                     const char *day_text, const char *note, const char *today)
{
	struct old_event o;
	ch_date d;
	char day[16], now[32], obj[160], tday[11];
	int stage = ch_stage_parse(stage_text), rc, in_tx = 0;
	ch_stmt *agg = NULL;

	if ((rc = ch_ctx_require_role(ctx, CH_PERM_HOUSEHOLD_WRITE)) != 0 ||
	    (rc = ch_ref_text_check(ctx, "event_note", "更正原因", "note", note)) != 0)
		return rc;
	if (stage <= CH_STAGE_REGISTERED) {
		ch_buf names;
		ch_buf_init(&names);
		for (int s = CH_STAGE_REGISTERED + 1; s < CH_STAGE_COUNT; s++)
			ch_buf_printf(&names, "%s%s", names.len ? "、" : "", ch_stage_name(s));
		rc =
		    ch_error_set_field(CH_EINVALID, "stage", "环节「%s」不能更正；可更正的环节：%s",
		                       stage_text ? stage_text : "", names.ptr);
		ch_buf_dispose(&names);
		return rc;
	}
	if (ch_date_parse(day_text, &d) != 0)
		return CH_EINVALID;
	ch_date_format(&d, day, sizeof day);
	ch_today_at_most(today, tday, sizeof tday);
	if (strcmp(day, tday) > 0)
		return ch_error_set(CH_EINVALID, "日期 %s 在今天（%s）之后", day, tday);
	if ((rc = load_old(ctx, county, household, stage, &o)) != 0)
		return rc;
	const struct ch_transition *tr = ch_workflow_find(o.from, stage);
	if (!tr || !(tr->roles & (1u << ctx->actor.role)))
		return ch_error_set(CH_EDENIED, "用户 %s（%s）无权更正“%s”", ctx->actor.name,
		                    ch_role_label(ctx->actor.role), ch_stage_name(stage));
	if (strcmp(day, o.day) == 0)
		return ch_error_set(CH_ECONFLICT, "该环节的日期已是 %s", day);
	if ((o.prev_day[0] && strcmp(day, o.prev_day) < 0) ||
	    (o.next_day[0] && strcmp(day, o.next_day) > 0))
		return ch_error_set(CH_EINVALID, "日期 %s 须在前一环节（%s）与后一环节（%s）之间",
		                    day, o.prev_day[0] ? o.prev_day : "-",
		                    o.next_day[0] ? o.next_day : "-");
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	in_tx = 1;
	char *n = note ? ch_text_normalize(note) : NULL;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO event(household_id, stage_no, from_stage_no, day, note, es,"
	               " es_area_centi, plan_year, county_id, actor, recorded_at, corrects)"
	               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               "iiittiiiitti", o.household, (int64_t)stage, (int64_t)o.from, day,
	               n && *n ? n : NULL, o.es, o.area, o.plan_year, o.county, ctx->actor.name,
	               now, o.id);
	free(n);
	int64_t new_id = ch_db_last_id(ctx->db);
	if (rc == 0)
		/* with the county, the event's key: one shard on a cluster */
		rc = ch_db_run(ctx->db,
		               "UPDATE event SET superseded_by = ? WHERE id = ? AND county_id = ?",
		               "iii", new_id, o.id, o.county);
	if (rc == 0 && o.is_current) {
		ch_seal_stage_writes(ctx, 1);
		rc = ch_db_run(ctx->db, "UPDATE household SET stage_day = ? WHERE id = ?", "ti",
		               day, o.household);
		ch_seal_stage_writes(ctx, 0);
	}
	if (rc == 0)
		rc = ch_db_prepare(
		    ctx->db, &agg,
		    "INSERT INTO progress_daily(plan_year, county_id, stage_no, day,"
		    " households, es_households, es_area_centi) VALUES (?, ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT(plan_year, county_id, stage_no, day) DO UPDATE SET"
		    " households = progress_daily.households + excluded.households,"
		    " es_households = progress_daily.es_households + excluded.es_households,"
		    " es_area_centi = progress_daily.es_area_centi + excluded.es_area_centi");
	/* the event's contribution moves from the old day to the new one */
	if (rc == 0)
		rc = ch_event_contribute(ctx, agg, o.id, o.household, o.plan_year, o.county, stage,
		                         o.from, o.day, o.es, o.es * o.area, -1);
	if (rc == 0)
		rc = ch_event_contribute(ctx, agg, new_id, o.household, o.plan_year, o.county,
		                         stage, o.from, day, o.es, o.es * o.area, 1);
	ch_stmt_finalize(agg);
	if (rc == 0) {
		json_t *b = json_pack("{s:s, s:s}", "stage", ch_stage_key(stage), "day", o.day);
		json_t *a = json_pack("{s:s, s:s}", "stage", ch_stage_key(stage), "day", day);
		char *bs = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
		char *as = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		ch_audit_household_object(ctx, o.household, obj, sizeof obj);
		rc = ch_audit_append(ctx, "event.correct", obj, bs, as);
		free(bs);
		free(as);
		json_decref(a);
		json_decref(b);
	}
	if (rc == 0) {
		in_tx = 0;
		rc = ch_ctx_commit(ctx);
	}
	if (in_tx)
		ch_ctx_rollback(ctx);
	return rc;
}
