/*
 * inspection — self-inspections, rectification orders and follow-up visits
 * (see acceptance.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acceptance.h"
#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/household.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/text.h"

/* A setting from data/acceptance/, or DEF. */
static int setting_int(ch_ctx *ctx, const char *scope, const char *key, int def)
{
	char *v = NULL;
	int n = def;
	if (ch_db_query_text(ctx->db, &v, "SELECT value FROM setting WHERE scope = ? AND key = ?",
	                     "tt", scope, key) == 0)
		n = atoi(v);
	free(v);
	ch_error_clear();
	return n;
}

/* DAY plus N days, as YYYY-MM-DD. */
static void add_days(const char *day, int n, char out[11])
{
	ch_date d;
	ch_date_parse(day, &d);
	ch_date_from_days(ch_date_days(&d) + n, &d);
	ch_date_format(&d, out, 11);
}

/* Parses DAY_TEXT into DAY (YYYY-MM-DD) and checks it is not after TODAY. */
static int check_day(const char *day_text, const char *today, char day[11])
{
	ch_date d;
	char t[11];
	if (!day_text || ch_date_parse(day_text, &d) != 0)
		return ch_error_set(CH_EINVALID, "日期「%s」无效（应为 YYYY-MM-DD）",
		                    day_text ? day_text : "");
	ch_date_format(&d, day, 11);
	ch_today_at_most(today, t, sizeof t);
	if (strcmp(day, t) > 0)
		return ch_error_set(CH_EINVALID, "日期 %s 在今天（%s）之后", day, t);
	return 0;
}

static int64_t open_orders(ch_ctx *ctx, int64_t household)
{
	int64_t n = 0;
	ch_db_query_int64(
	    ctx->db, &n,
	    "SELECT count(*) FROM rectification WHERE household_id = ? AND closed_day IS NULL", "i",
	    household);
	return n;
}

int ch_rectification_open(ch_ctx *ctx, int64_t household, const char *source, int64_t source_id,
                          const char *issue, const char *day, int64_t *id)
{
	char deadline[11];
	add_days(day, setting_int(ctx, "followup", "rectification_days", 15), deadline);
	int rc = ch_db_run(ctx->db,
	                   "INSERT INTO rectification(household_id, source, source_id, issue,"
	                   " opened_day, deadline) VALUES (?, ?, ?, ?, ?, ?)",
	                   "itittt", household, source, source_id, issue, day, deadline);
	if (rc == 0)
		*id = ch_db_last_id(ctx->db);
	return rc;
}

/* The write permission for acceptance records of household REF: the
 * household-writing roles within their scope. */
static int may_write(ch_ctx *ctx, const ch_hh_ref *ref)
{
	return ch_ctx_require(ctx, CH_PERM_HOUSEHOLD_WRITE, ref->township_id);
}

static int audit_json(ch_ctx *ctx, const char *action, const char *object, json_t *after)
{
	char *as = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = ch_audit_append(ctx, action, object, NULL, as);
	free(as);
	json_decref(after);
	return rc;
}

int ch_inspect_record(ch_ctx *ctx, const ch_inspect_in *in, int64_t *inspection_id, int64_t *order)
{
	ch_hh_ref ref;
	char day[11], now[32], obj[96];
	ch_buf failed;
	json_t *items = json_object();
	int rc, any_fail = 0, pass;
	ch_stmt *st = NULL;

	*inspection_id = *order = 0;
	ch_buf_init(&failed);
	if ((rc = ch_household_locate(ctx, in->county, in->household, &ref)) != 0)
		goto done;
	if ((rc = may_write(ctx, &ref)) != 0)
		goto done;
	if ((rc = check_day(in->day, in->today, day)) != 0)
		goto done;
	if (!in->result || (strcmp(in->result, "pass") != 0 && strcmp(in->result, "fail") != 0)) {
		rc = ch_error_set_field(CH_EINVALID, "result", "自验结果 is pass or fail");
		goto done;
	}
	pass = strcmp(in->result, "pass") == 0;
	if (!in->inspector || !*in->inspector) {
		rc = ch_error_set_field(CH_EINVALID, "inspector", "缺少自验人员");
		goto done;
	}
	if (ref.stage != CH_STAGE_COMMISSIONED) {
		rc = ch_error_set(CH_EINVALID, "该户当前为「%s」：只有「已调试」的农户可以自验",
		                  ref.stage >= 0 ? ch_stage_name(ref.stage) : "?");
		goto done;
	}
	if (open_orders(ctx, ref.id)) {
		rc = ch_error_set(
		    CH_EINVALID,
		    "该户有未完成的整改单：整改完成（rectification close）后方可重新自验");
		goto done;
	}
	if (strcmp(day, ref.stage_day) < 0) {
		rc = ch_error_set(CH_EINVALID, "自验日期 %s 早于调试日期 %s", day, ref.stage_day);
		goto done;
	}
	/* the checklist: every item passes unless named as failed */
	if ((rc = ch_db_prepare(ctx->db, &st,
	                        "SELECT key, name FROM checklist_item ORDER BY ordinal")) != 0)
		goto done;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW)
		json_object_set_new(items, ch_stmt_text(st, 0), json_string("pass"));
	ch_stmt_finalize(st);
	st = NULL;
	if (rc < 0)
		goto done;
	for (size_t i = 0; i < in->nitems; i++) {
		const char *eq = strchr(in->items[i], '=');
		char key[64];
		if (!eq || (size_t)(eq - in->items[i]) >= sizeof key ||
		    (strcmp(eq + 1, "pass") != 0 && strcmp(eq + 1, "fail") != 0)) {
			rc = ch_error_set_field(CH_EINVALID, "item",
			                        "检查项 '%s': use KEY=pass or KEY=fail",
			                        in->items[i]);
			goto done;
		}
		snprintf(key, sizeof key, "%.*s", (int)(eq - in->items[i]), in->items[i]);
		if (!json_object_get(items, key)) {
			rc = ch_error_set_field(CH_EINVALID, "item",
			                        "检查项 '%s': no checklist item '%s'", in->items[i],
			                        key);
			goto done;
		}
		json_object_set_new(items, key, json_string(eq + 1));
		if (strcmp(eq + 1, "fail") == 0) {
			char *name = NULL;
			ch_db_query_text(ctx->db, &name,
			                 "SELECT name FROM checklist_item WHERE key = ?", "t", key);
			ch_buf_printf(&failed, "%s%s", failed.len ? "；" : "", name ? name : key);
			free(name);
			any_fail = 1;
		}
	}
	if (pass && any_fail) {
		rc = ch_error_set(CH_EINVALID, "结果为合格，但有检查项不合格（%s）", failed.ptr);
		goto done;
	}
	if (!pass && !any_fail)
		ch_buf_puts(&failed, "自验不合格（未注明检查项）");
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	char *items_s = json_dumps(items, JSON_COMPACT | JSON_SORT_KEYS);
	rc = ch_db_run(ctx->db,
	               "INSERT INTO inspection(household_id, day, inspector, result, items, actor,"
	               " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	               "ittttt"
	               "t",
	               ref.id, day, in->inspector, in->result, items_s, ctx->actor.name, now);
	free(items_s);
	if (rc == 0)
		*inspection_id = ch_db_last_id(ctx->db);
	if (rc == 0 && pass)
		rc = ch_event_step(ctx, ref.id, CH_STAGE_SELF_INSPECTED, day, NULL, in->evidence,
		                   in->nevidence, in->today);
	if (rc == 0 && !pass)
		rc = ch_rectification_open(ctx, ref.id, "inspection", *inspection_id, failed.ptr,
		                           day, order);
	if (rc == 0) {
		snprintf(obj, sizeof obj, "household-id:%" PRId64, ref.id);
		rc = audit_json(ctx, "inspection.record", obj,
		                json_pack("{s:I, s:s, s:s, s:s, s:O, s:I}", "inspection",
		                          (json_int_t)*inspection_id, "day", day, "inspector",
		                          in->inspector, "result", in->result, "items", items,
		                          "order", (json_int_t)*order));
	}
	if (rc == 0)
		rc = ch_ctx_commit(ctx);
	else
		ch_ctx_rollback(ctx);
done:
	ch_stmt_finalize(st);
	json_decref(items);
	ch_buf_dispose(&failed);
	return rc;
}

/* ---- rectification orders ---- */

int ch_rectification_each(ch_ctx *ctx, int open_only, int overdue, const char *as_of,
                          int (*fn)(const ch_rectification *r, void *arg), void *arg)
{
	ch_stmt *st;
	char today[11];
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc)
		return rc;
	if (as_of)
		snprintf(today, sizeof today, "%.10s", as_of);
	else
		ch_today_beijing(today, sizeof today);
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT o.id, c.name, h.hh_no, h.head_name, o.source, o.issue, o.opened_day, "
	    "o.deadline,"
	    " CASE WHEN o.closed_day > ?1 THEN NULL ELSE o.closed_day END,"
	    " (o.closed_day IS NULL OR o.closed_day > ?1) AND o.deadline < ?1"
	    " FROM rectification o JOIN household h ON h.id = o.household_id"
	    " JOIN region c ON c.id = h.county_id"
	    " WHERE o.opened_day <= ?1 AND (?2 = 0 OR o.closed_day IS NULL OR o.closed_day > ?1)"
	    " AND (?3 = 0 OR ((o.closed_day IS NULL OR o.closed_day > ?1) AND o.deadline < ?1))"
	    " AND (?4 = 0 OR h.county_id = ?4 OR h.township_id = ?4 OR h.village_id = ?4)"
	    " ORDER BY o.deadline, o.id",
	    "tiii", today, (int64_t)open_only, (int64_t)overdue, ctx->actor.scope_region_id);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_rectification r = {ch_stmt_int64(st, 0), ch_stmt_text(st, 1),
		                      ch_stmt_text(st, 2),  ch_stmt_text(st, 3),
		                      ch_stmt_text(st, 4),  ch_stmt_text(st, 5),
		                      ch_stmt_text(st, 6),  ch_stmt_text(st, 7),
		                      ch_stmt_text(st, 8),  (int)ch_stmt_int64(st, 9)};
		if ((rc = fn(&r, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_rectification_close(ch_ctx *ctx, int64_t id, const char *day_text, const char *note,
                           const char *today)
{
	ch_hh_ref ref = {0};
	char day[11], *opened = NULL, *closed = NULL, obj[64];
	int64_t hh = 0, township = 0;
	int rc;
	if (ch_db_query_int64(ctx->db, &hh, "SELECT household_id FROM rectification WHERE id = ?",
	                      "i", id) != 0)
		return ch_error_set(CH_ENOTFOUND, "no rectification order %" PRId64, id);
	if ((rc = ch_db_query_int64(ctx->db, &township,
	                            "SELECT township_id FROM household WHERE id = ?", "i", hh)) !=
	    0)
		return rc;
	ref.township_id = township;
	if ((rc = may_write(ctx, &ref)) != 0)
		return rc;
	if (ch_db_query_text(ctx->db, &closed, "SELECT closed_day FROM rectification WHERE id = ?",
	                     "i", id) == 0) {
		rc = ch_error_set(CH_ECONFLICT, "order %" PRId64 " was closed on %s", id, closed);
		free(closed);
		return rc;
	}
	ch_error_clear();
	if ((rc = check_day(day_text, today, day)) != 0)
		return rc;
	if (!note || !*note)
		return ch_error_set_field(CH_EINVALID, "note", "请在备注中写明整改情况");
	ch_db_query_text(ctx->db, &opened, "SELECT opened_day FROM rectification WHERE id = ?", "i",
	                 id);
	if (opened && strcmp(day, opened) < 0) {
		rc = ch_error_set(CH_EINVALID, "整改完成日期 %s 早于下达日期 %s", day, opened);
		free(opened);
		return rc;
	}
	free(opened);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_db_run(ctx->db,
	               "UPDATE rectification SET closed_day = ?, closed_by = ?, closing_note = ?"
	               " WHERE id = ?",
	               "ttti", day, ctx->actor.name, note, id);
	snprintf(obj, sizeof obj, "rectification:%" PRId64, id);
	if (rc == 0)
		rc = audit_json(ctx, "rectification.close", obj,
		                json_pack("{s:s, s:s}", "closed_day", day, "note", note));
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}

/* ---- follow-up visits ---- */

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

int ch_followup_record(ch_ctx *ctx, const ch_followup_in *in, int64_t *order)
{
	ch_hh_ref ref;
	char day[11], now[32], obj[96];
	const char *comfort = NULL;
	ch_buf issues;
	int rc;
	int64_t visit_id = 0, exists;
	*order = 0;
	if ((rc = ch_household_locate(ctx, in->county, in->household, &ref)) != 0)
		return rc;
	if ((rc = may_write(ctx, &ref)) != 0)
		return rc;
	if ((rc = check_day(in->day, in->today, day)) != 0)
		return rc;
	if (in->visit != 1 && in->visit != 2)
		return ch_error_set_field(CH_EINVALID, "visit",
		                          "回访轮次 is 1 (first heating month) or 2 (mid-season)");
	if (!yes_comfort(in->comfort, &comfort))
		return ch_error_set_field(CH_EINVALID, "comfort",
		                          "舒适度 is good, fair or poor (好、一般、差)");
	if (in->satisfaction < 0 || in->satisfaction > 5)
		return ch_error_set_field(CH_EINVALID, "satisfaction", "满意度 is 1 to 5");
	if (!in->visitor || !*in->visitor)
		return ch_error_set_field(CH_EINVALID, "visitor", "缺少回访人员");
	if (ref.stage < CH_STAGE_COMMISSIONED || ref.stage == CH_STAGE_WITHDRAWN)
		return ch_error_set(CH_EINVALID, "该户当前为「%s」：回访在调试完成之后",
		                    ref.stage >= 0 ? ch_stage_name(ref.stage) : "?");
	char *commissioned = NULL;
	if (ch_db_query_text(ctx->db, &commissioned,
	                     "SELECT max(day) FROM event WHERE household_id = ? AND stage_no = 3"
	                     " AND from_stage_no = 2 AND superseded_by IS NULL",
	                     "i", ref.id) == 0 &&
	    strcmp(day, commissioned) < 0) {
		rc =
		    ch_error_set(CH_EINVALID, "回访日期 %s 早于调试完成日期 %s", day, commissioned);
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
	    " coal_burned, fault, satisfaction, note, visitor, actor, recorded_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "iititiitItttt", ref.id, (int64_t)in->visit, day, (int64_t)(in->in_use != 0), comfort,
	    (int64_t)(in->cost_complaint != 0), (int64_t)(in->coal_burned != 0),
	    in->fault && *in->fault ? in->fault : NULL, (int64_t)in->satisfaction, in->note,
	    in->visitor, ctx->actor.name, now);
	if (rc == 0)
		visit_id = ch_db_last_id(ctx->db);
	if (rc == 0 && issues.len) {
		issues.ptr[issues.len - strlen("；")] = '\0';
		rc = ch_rectification_open(ctx, ref.id, "followup", visit_id, issues.ptr, day,
		                           order);
	}
	if (rc == 0) {
		snprintf(obj, sizeof obj, "household-id:%" PRId64, ref.id);
		rc = audit_json(ctx, "followup.record", obj,
		                json_pack("{s:i, s:s, s:b, s:s, s:b, s:b, s:I}", "visit", in->visit,
		                          "day", day, "in_use", in->in_use, "comfort", comfort,
		                          "coal_burned", in->coal_burned, "cost_complaint",
		                          in->cost_complaint, "order", (json_int_t)*order));
	}
	ch_buf_dispose(&issues);
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}

int ch_followup_each_due(ch_ctx *ctx, const char *as_of,
                         int (*fn)(const ch_followup_due *d, void *arg), void *arg)
{
	ch_stmt *st;
	ch_date d;
	char *heating = NULL;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ), first, second;
	if (rc)
		return rc;
	if ((rc = ch_date_parse(as_of, &d)) != 0) {
		ch_error_prefix("截至日期: ");
		return ch_error_mark_field("as-of");
	}
	first = setting_int(ctx, "followup", "first_visit_days", 30);
	second = setting_int(ctx, "followup", "second_visit_days", 90);
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
	    "WITH c AS (SELECT h.id, h.county_id, h.township_id, h.village_id, h.hh_no, "
	    "h.head_name,"
	    "  (SELECT max(e.day) FROM event e WHERE e.household_id = h.id AND e.stage_no = 3"
	    "   AND e.superseded_by IS NULL AND e.from_stage_no = 2) AS commissioned"
	    "  FROM household h WHERE h.status NOT IN ('registered', 'started', 'installed', "
	    "'withdrawn')"
	    "  AND (?4 = 0 OR h.county_id = ?4 OR h.township_id = ?4 OR h.village_id = ?4)),"
	    " s AS (SELECT c.*, substr(commissioned, 1, 4) || '-' || ?1 AS heat FROM c"
	    "  WHERE commissioned IS NOT NULL),"
	    " v AS (SELECT s.*, 1 AS visit, date(max(heat, commissioned), '+' || ?2 || ' days') AS "
	    "due"
	    "  FROM s UNION ALL SELECT s.*, 2, date(heat, '+' || ?3 || ' days') FROM s)"
	    " SELECT r.name, t.name, vl.name, v.hh_no, v.head_name, v.visit, v.due, v.due < ?5"
	    " FROM v JOIN region r ON r.id = v.county_id JOIN region t ON t.id = v.township_id"
	    " LEFT JOIN region vl ON vl.id = v.village_id"
	    " WHERE v.due <= ?5 AND NOT EXISTS (SELECT 1 FROM followup f WHERE f.household_id = "
	    "v.id"
	    "  AND f.visit = v.visit)"
	    " ORDER BY v.due, r.code, v.hh_no",
	    "tiiit", heating, (int64_t)first, (int64_t)second, ctx->actor.scope_region_id, as_of);
	free(heating);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_followup_due x = {ch_stmt_text(st, 0), ch_stmt_text(st, 1),
		                     ch_stmt_text(st, 2), ch_stmt_text(st, 3),
		                     ch_stmt_text(st, 4), (int)ch_stmt_int64(st, 5),
		                     ch_stmt_text(st, 6), (int)ch_stmt_int64(st, 7)};
		if ((rc = fn(&x, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}
