/*
 * followup — follow-up visits (回访) after commissioning: a visit recorded,
 * any problem found opening a rectification order, and the visits due
 * (see acceptance.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acceptance_int.h"
#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/reflist.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"

static int yes_comfort(const char *c, const char **key)
{
	if (!c)
		return 0;
	if (strcmp(c, "good") == 0 || strcmp(c, "好") == 0)
		*key = "good";
	else if (strcmp(c, "fair") == 0 || strcmp(c, "一般") == 0)
		*key = "fair";
	else if (strcmp(c, "poor") == 0 || strcmp(c, "差") == 0)
		*key = "poor";
	else
		return 0;
	return 1;
}

/* The heating start (MM-DD of the follow-up schedule) in YEAR, as
 * YYYY-MM-DD. */
static void heating_start(ch_ctx *ctx, const char *year, char out[11])
{
	char *mmdd = NULL;
	if (ch_db_query_text(
	        ctx->db, &mmdd,
	        "SELECT value FROM setting WHERE scope = 'followup' AND key = 'heating_start'",
	        NULL) != 0) {
		ch_error_clear();
		mmdd = NULL;
	}
	snprintf(out, 11, "%.4s-%.5s", year, mmdd ? mmdd : "10-15");
	free(mmdd);
}

/* Visit 2 of HOUSEHOLD on DAY: refused before the schedule's day for it
 * (second_visit_days after the heating start of the year it was
 * COMMISSIONED) or before the first visit is recorded. */
static int second_visit_allowed(ch_ctx *ctx, int64_t household, const char *commissioned,
                                const char *day)
{
	char heat[11], due[11], *first = NULL;
	ch_date d;
	int days = ch_acceptance_setting(ctx, "followup", "second_visit_days", 90);
	if (!commissioned || ch_date_parse(commissioned, &d) != 0)
		return 0; /* no commissioning to count from: the stage check said so */
	heating_start(ctx, commissioned, heat);
	if (ch_date_parse(heat, &d) != 0)
		return 0;
	ch_date_from_days(ch_date_days(&d) + days, &d);
	ch_date_format(&d, due, sizeof due);
	if (strcmp(day, due) < 0)
		return ch_error_set_field(CH_EINVALID, "date",
		                          "第2次回访日期 %s 过早：回访安排为供暖开始（%s）后%d天，"
		                          "即 %s 起",
		                          day, heat, days, due);
	if (ch_db_query_text(ctx->db, &first,
	                     "SELECT day FROM followup WHERE household_id = ? AND visit = 1", "i",
	                     household) != 0) {
		ch_error_clear();
		return ch_error_set_field(CH_EINVALID, "visit", "该户第1次回访尚未记录");
	}
	int rc = strcmp(day, first) <= 0
	             ? ch_error_set_field(CH_EINVALID, "date",
	                                  "第2次回访日期 %s 不晚于第1次回访（%s）", day, first)
	             : 0;
	free(first);
	return rc;
}

int ch_followup_record(ch_ctx *ctx, const ch_followup_in *in, int64_t *order)
{
	ch_hh_ref ref;
	char day[11], now[32], obj[96];
	const char *comfort = NULL;
	ch_buf issues;
	int rc;
	int64_t visit_id = 0, exists;
	*order = 0;
	if ((rc = ch_acceptance_household(ctx, CH_PERM_HOUSEHOLD_WRITE, in->county, in->household,
	                                  in->day, in->today, &ref, day)) != 0)
		return rc;
	int64_t flagged = 0;
	if (in->visit == 3 &&
	    ch_db_query_int64(
	        ctx->db, &flagged,
	        "SELECT count(*) FROM usage_flag WHERE household_id = ? AND visit = 1", "i",
	        ref.id) == 0 &&
	    flagged == 0)
		return ch_error_set_field(
		    CH_EINVALID, "visit",
		    "该户没有用量核对要求的回访（第3次回访只用于用量异常的农户）");
	if (in->visit < 1 || in->visit > 3)
		return ch_error_set_field(
		    CH_EINVALID, "visit",
		    "回访轮次应为 1（供暖首月）、2（供暖季中期）或 3（用量核查）");
	if ((rc = ch_ref_text_check(ctx, "acceptance_note", "备注", "note", in->note)) != 0)
		return rc;
	if (!yes_comfort(in->comfort, &comfort))
		return ch_error_set_field(CH_EINVALID, "comfort",
		                          "舒适度应为 好、一般 或 差（good、fair、poor）");
	if (in->satisfaction < 0 || in->satisfaction > 5)
		return ch_error_set_field(CH_EINVALID, "satisfaction", "满意度应为 1 至 5");
	if (!in->visitor || !*in->visitor)
		return ch_error_set_field(CH_EINVALID, "visitor", "缺少回访人员");
	if (ref.stage < CH_STAGE_COMMISSIONED || ref.stage == CH_STAGE_WITHDRAWN)
		return ch_error_set(CH_EINVALID, "该户当前为「%s」：回访在调试完成之后",
		                    ref.stage >= 0 ? ch_stage_name(ref.stage) : "?");
	char *commissioned = NULL;
	if (ch_db_query_text(ctx->db, &commissioned,
	                     "SELECT max(day) FROM event WHERE household_id = ? AND stage_no = ?"
	                     " AND from_stage_no = ? AND superseded_by IS NULL",
	                     "iii", ref.id, (int64_t)CH_STAGE_COMMISSIONED,
	                     (int64_t)CH_STAGE_INSTALLED) == 0 &&
	    strcmp(day, commissioned) < 0) {
		rc =
		    ch_error_set(CH_EINVALID, "回访日期 %s 早于调试完成日期 %s", day, commissioned);
		free(commissioned);
		return rc;
	}
	/* the second visit falls in mid-season: not before the day the
	 * follow-up schedule sets, and after the first */
	if (in->visit == 2 && (rc = second_visit_allowed(ctx, ref.id, commissioned, day)) != 0) {
		free(commissioned);
		return rc;
	}
	free(commissioned);
	ch_error_clear();
	if (ch_db_query_int64(ctx->db, &exists,
	                      "SELECT id FROM followup WHERE household_id = ? AND visit = ?", "ii",
	                      ref.id, (int64_t)in->visit) == 0)
		return ch_error_set(CH_EEXISTS, "该户第%d次回访已记录", in->visit);
	ch_error_clear();
	ch_buf_init(&issues);
	if (!in->in_use)
		ch_buf_puts(&issues, "新取暖设施未使用；");
	if (in->coal_burned)
		ch_buf_puts(&issues, "仍在烧煤（返煤）；");
	if (in->fault && *in->fault)
		ch_buf_printf(&issues, "设备故障：%s；", in->fault);
	if (in->cost_complaint)
		ch_buf_puts(&issues, "反映运行费用过高；");
	if (strcmp(comfort, "poor") == 0)
		ch_buf_puts(&issues, "室内温度不达标；");
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0) {
		ch_buf_dispose(&issues);
		return rc;
	}
	rc = ch_db_run(
	    ctx->db,
	    "INSERT INTO followup(household_id, visit, day, in_use, comfort, cost_complaint,"
	    " coal_burned, fault, satisfaction, note, visitor, actor, recorded_at, county_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "iititiitItttti", ref.id, (int64_t)in->visit, day, (int64_t)(in->in_use != 0), comfort,
	    (int64_t)(in->cost_complaint != 0), (int64_t)(in->coal_burned != 0),
	    in->fault && *in->fault ? in->fault : NULL, (int64_t)in->satisfaction, in->note,
	    in->visitor, ctx->actor.name, now, ref.county_id);
	if (rc == 0)
		visit_id = ch_db_last_id(ctx->db);
	if (rc == 0 && issues.len) {
		issues.ptr[issues.len - strlen("；")] = '\0';
		rc = ch_rectification_open(ctx, ref.id, "followup", visit_id, issues.ptr, day,
		                           order);
	}
	if (rc == 0) {
		snprintf(obj, sizeof obj, "household-id:%" PRId64, ref.id);
		rc = ch_audit_append_json(
		    ctx, "followup.record", obj,
		    json_pack("{s:i, s:s, s:b, s:s, s:b, s:b, s:I}", "visit", in->visit, "day", day,
		              "in_use", in->in_use, "comfort", comfort, "coal_burned",
		              in->coal_burned, "cost_complaint", in->cost_complaint, "order",
		              (json_int_t)*order));
	}
	ch_buf_dispose(&issues);
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}

/* A visit due, kept until all are read and sorted: the texts are copies. */
struct due {
	char *county, *township, *village, *hh_no, *head_name, *code, *reason;
	int visit;
	char day[11];
};

static void due_clear(struct due *x)
{
	free(x->county);
	free(x->township);
	free(x->village);
	free(x->hh_no);
	free(x->head_name);
	free(x->code);
	free(x->reason);
}

static void due_dispose(struct due *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		due_clear(&v[i]);
	free(v);
}

/* By the day due, then the county's code and the household's number. */
static int due_cmp(const void *a, const void *b)
{
	const struct due *x = a, *y = b;
	int c = strcmp(x->day, y->day);
	if (c == 0)
		c = strcmp(x->code ? x->code : "", y->code ? y->code : "");
	if (c == 0)
		c = strcmp(x->hh_no, y->hh_no);
	return c ? c : x->visit - y->visit;
}

static char *dup_col(ch_stmt *st, int col)
{
	return ch_stmt_is_null(st, col) ? NULL : ch_strdup(ch_stmt_text(st, col));
}

/* DAY (YYYY-MM-DD) plus N days into OUT; 0 when DAY is no date. */
static int add_days(const char *day, int n, char out[11])
{
	ch_date d;
	if (!day || ch_date_parse(day, &d) != 0) {
		ch_error_clear();
		return 0;
	}
	ch_date_from_days(ch_date_days(&d) + n, &d);
	ch_date_format(&d, out, 11);
	return 1;
}

/* Adds the visit of the row at ST (columns 0-5 as the queries below give
 * them) due on DAY to *V. */
static void due_add(struct due **v, size_t *n, ch_stmt *st, int visit, const char *day,
                    char *reason)
{
	*v = ch_reallocarray(*v, *n + 1, sizeof **v);
	struct due *x = &(*v)[(*n)++];
	x->county = dup_col(st, 0);
	x->township = dup_col(st, 1);
	x->village = dup_col(st, 2);
	x->hh_no = ch_strdup(ch_stmt_text(st, 3));
	x->head_name = dup_col(st, 4);
	x->code = dup_col(st, 5);
	x->reason = reason;
	x->visit = visit;
	snprintf(x->day, sizeof x->day, "%s", day);
}

/* Calls FN for each of V's N visits, sorted. */
static int due_each(struct due *v, size_t n, const char *as_of,
                    int (*fn)(const ch_followup_due *d, void *arg), void *arg)
{
	int rc = 0;
	if (n > 1)
		qsort(v, n, sizeof *v, due_cmp);
	for (size_t i = 0; i < n && rc == 0; i++) {
		ch_followup_due x = {
		    v[i].county,    v[i].township, v[i].village, v[i].hh_no,
		    v[i].head_name, v[i].visit,    v[i].day,     strcmp(v[i].day, as_of) < 0,
		    v[i].reason};
		rc = fn(&x, arg);
	}
	return rc;
}

/* The days due are reckoned in C, the same on both drivers (the dialects
 * add days to a date differently). */
int ch_followup_each_due(ch_ctx *ctx, const char *as_of,
                         int (*fn)(const ch_followup_due *d, void *arg), void *arg)
{
	ch_stmt *st;
	ch_date d;
	char *heating = NULL;
	struct due *v = NULL;
	size_t n = 0;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ), first, second;
	if (rc)
		return rc;
	if ((rc = ch_date_parse(as_of, &d)) != 0) {
		ch_error_prefix("截至日期: ");
		return ch_error_mark_field("as-of");
	}
	first = ch_acceptance_setting(ctx, "followup", "first_visit_days", 30);
	second = ch_acceptance_setting(ctx, "followup", "second_visit_days", 90);
	if (ch_db_query_text(
	        ctx->db, &heating,
	        "SELECT value FROM setting WHERE scope = 'followup' AND key = 'heating_start'",
	        NULL) != 0) {
		ch_error_clear();
		heating = ch_strdup("10-15");
	}
	/* heating starts on MM-DD of the year the household was commissioned;
	 * visit 1 is due FIRST days after the later of that and commissioning,
	 * visit 2 SECOND days after the heating start */
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "WITH c AS (SELECT h.id, h.county_id, h.township_id, h.village_id, h.hh_no,"
	    "  h.head_name,"
	    "  (SELECT max(e.day) FROM event e WHERE e.household_id = h.id AND e.stage_no = ?1"
	    "   AND e.superseded_by IS NULL AND e.from_stage_no = ?2) AS commissioned"
	    "  FROM household h WHERE h.status NOT IN ('registered', 'started', 'installed',"
	    "  'withdrawn')"
	    "  AND (?3 = 0 OR h.county_id = ?3 OR h.township_id = ?3 OR h.village_id = ?3))"
	    " SELECT r.name, t.name, vl.name, c.hh_no, c.head_name, r.code, c.commissioned,"
	    "  EXISTS (SELECT 1 FROM followup f WHERE f.household_id = c.id AND f.visit = 1),"
	    "  EXISTS (SELECT 1 FROM followup f WHERE f.household_id = c.id AND f.visit = 2)"
	    " FROM c JOIN region r ON r.id = c.county_id JOIN region t ON t.id = c.township_id"
	    " LEFT JOIN region vl ON vl.id = c.village_id WHERE c.commissioned IS NOT NULL",
	    "iii", (int64_t)CH_STAGE_COMMISSIONED, (int64_t)CH_STAGE_INSTALLED,
	    ctx->actor.scope_region_id);
	if (rc) {
		free(heating);
		return rc;
	}
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *commissioned = ch_stmt_text(st, 6);
		char heat[32], due[11];
		snprintf(heat, sizeof heat, "%.4s-%s", commissioned, heating);
		if (!ch_stmt_int64(st, 7) &&
		    add_days(strcmp(heat, commissioned) > 0 ? heat : commissioned, first, due) &&
		    strcmp(due, as_of) <= 0)
			due_add(&v, &n, st, 1, due, NULL);
		if (!ch_stmt_int64(st, 8) && add_days(heat, second, due) && strcmp(due, as_of) <= 0)
			due_add(&v, &n, st, 2, due, NULL);
	}
	ch_stmt_finalize(st);
	free(heating);
	if (rc >= 0)
		rc = due_each(v, n, as_of, fn, arg);
	due_dispose(v, n);
	if (rc)
		return rc;
	/* visit 3: asked for by the usage check (core/usage.c), due FIRST days
	 * after the household's first flag, with the flags' reasons */
	v = NULL;
	n = 0;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT r.name, t.name, vl.name, h.hh_no, h.head_name, r.code, h.id, f.day, f.reason"
	    " FROM usage_flag f JOIN household h ON h.id = f.household_id"
	    " AND h.county_id = f.county_id"
	    " JOIN region r ON r.id = h.county_id JOIN region t ON t.id = h.township_id"
	    " LEFT JOIN region vl ON vl.id = h.village_id"
	    " WHERE f.visit = 1 AND f.day <= ?1 AND h.status <> 'withdrawn'"
	    " AND (?2 = 0 OR h.county_id = ?2 OR h.township_id = ?2 OR h.village_id = ?2)"
	    " AND NOT EXISTS (SELECT 1 FROM followup x WHERE x.household_id = h.id AND x.visit = 3)"
	    " ORDER BY h.id, f.season, f.flag",
	    "ti", as_of, ctx->actor.scope_region_id);
	if (rc)
		return rc;
	int64_t last = 0;
	char earliest[11] = "";
	ch_buf reasons;
	ch_buf_init(&reasons);
	for (;;) {
		rc = ch_stmt_step(st);
		int64_t id = rc == CH_DB_ROW ? ch_stmt_int64(st, 6) : 0;
		if (last && id != last) { /* the previous household's flags are all read */
			struct due *x = &v[n - 1];
			x->reason = ch_strdup(reasons.ptr ? reasons.ptr : "");
			if (!add_days(earliest, first, x->day)) {
				due_clear(x);
				n--;
			}
			ch_buf_clear(&reasons);
			earliest[0] = '\0';
		}
		if (rc != CH_DB_ROW)
			break;
		if (id != last) /* a household's first flag: its names */
			due_add(&v, &n, st, 3, "", NULL);
		last = id;
		const char *day = ch_stmt_text(st, 7), *why = ch_stmt_text(st, 8);
		if (day && (!earliest[0] || strcmp(day, earliest) < 0))
			snprintf(earliest, sizeof earliest, "%s", day);
		if (why)
			ch_buf_printf(&reasons, "%s%s", reasons.len ? "；" : "", why);
	}
	ch_buf_dispose(&reasons);
	ch_stmt_finalize(st);
	if (rc >= 0)
		rc = due_each(v, n, as_of, fn, arg);
	due_dispose(v, n);
	return rc;
}
