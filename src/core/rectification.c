/*
 * rectification — rectification orders (整改): opened by a failed
 * inspection, review or visit with the default deadline, listed (open,
 * overdue) and closed with what was done (see acceptance.h).
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
#include "util/date.h"
#include "util/error.h"

/* DAY plus N days, as YYYY-MM-DD. */
static void add_days(const char *day, int n, char out[11])
{
	ch_date d;
	ch_date_parse(day, &d);
	ch_date_from_days(ch_date_days(&d) + n, &d);
	ch_date_format(&d, out, 11);
}

int ch_rectification_open(ch_ctx *ctx, int64_t household, const char *source, int64_t source_id,
                          const char *issue, const char *day, int64_t *id)
{
	char deadline[11];
	add_days(day, ch_acceptance_setting(ctx, "followup", "rectification_days", 15), deadline);
	int rc = ch_db_run(ctx->db,
	                   "INSERT INTO rectification(household_id, source, source_id, issue,"
	                   " opened_day, deadline, county_id) SELECT h.id, ?, ?, ?, ?, ?,"
	                   " h.county_id FROM household h WHERE h.id = ?",
	                   "tittti", source, source_id, issue, day, deadline, household);
	if (rc == 0 && ch_db_changes(ctx->db) != 1) /* the county comes from the household */
		rc = ch_error_set(CH_ENOTFOUND, "农户 %" PRId64 " 不存在，不能下达整改单",
		                  household);
	if (rc == 0)
		*id = ch_db_last_id(ctx->db);
	return rc;
}

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
	/* the role, then the order, then its household's scope, then its state */
	int rc = ch_ctx_require_role(ctx, CH_PERM_HOUSEHOLD_WRITE);
	if (rc)
		return rc;
	if (ch_db_query_int64(ctx->db, &hh, "SELECT household_id FROM rectification WHERE id = ?",
	                      "i", id) != 0)
		return ch_error_set(CH_ENOTFOUND, "没有整改单 %" PRId64, id);
	if ((rc = ch_db_query_int64(ctx->db, &township,
	                            "SELECT township_id FROM household WHERE id = ?", "i", hh)) !=
	    0)
		return rc;
	ref.township_id = township;
	if ((rc = ch_acceptance_may_write(ctx, &ref)) != 0 ||
	    (rc = ch_ref_text_check(ctx, "acceptance_note", "整改情况", "note", note)) != 0)
		return rc;
	if (ch_db_query_text(ctx->db, &closed, "SELECT closed_day FROM rectification WHERE id = ?",
	                     "i", id) == 0) {
		rc = ch_error_set(CH_ECONFLICT, "整改单 %" PRId64 " 已于 %s 销号", id, closed);
		free(closed);
		return rc;
	}
	ch_error_clear();
	if ((rc = ch_acceptance_check_day(day_text, today, day)) != 0)
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
		rc = ch_audit_append_json(ctx, "rectification.close", obj,
		                          json_pack("{s:s, s:s}", "closed_day", day, "note", note));
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}
