/*
 * funds_report — the funds reports: by county and source, what was
 * received, reserved for households, spent otherwise, paid and is left; and by county, the
 * payment status of the households whose review passed (see subsidy.h).
 */
#include <jansson.h>

#include "core/ctx_int.h"
#include "core/subsidy_int.h"
#include "core/workflow.h"
#include "util/date.h"

int ch_funds_report(ch_ctx *ctx, int year, const char *as_of,
                    int (*fn)(const ch_funds_row *r, void *arg), void *arg)
{
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0)
		rc = ch_subsidy_check_day("as-of", "截至日期", as_of);
	if (rc)
		return rc;
	/* the county accounts whole, so that 到位 = 预留 + 其他支出 + 结余: what
	 * came in; what went to this year's households (net of reservations
	 * reversed); everything else that went out (other categories, other
	 * years' households); and the balance. Paid: this year's households. */
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT r.name, s.name,"
	    " sum(CASE WHEN a.kind = 'county' AND t.kind IN ('appropriate', 'allocate')"
	    "  THEN p.amount ELSE 0 END),"
	    " sum(CASE WHEN a.kind = 'county'"
	    "  AND t.kind IN ('reserve', 'reverse', 'adjust', 'recover')"
	    "  AND th.plan_year = ?2 THEN -p.amount ELSE 0 END),"
	    " sum(CASE WHEN a.kind = 'paid' AND h.plan_year = ?2 THEN p.amount ELSE 0 END),"
	    " sum(CASE WHEN a.kind = 'county' THEN p.amount ELSE 0 END),"
	    " sum(CASE WHEN a.kind = 'county' AND t.kind NOT IN ('appropriate', 'allocate')"
	    "  AND NOT (t.kind IN ('reserve', 'reverse', 'adjust', 'recover')"
	    "  AND th.plan_year IS NOT DISTINCT FROM ?2)"
	    "  THEN -p.amount ELSE 0 END),"
	    /* of the reservations reversed: money recovered from households paid */
	    " sum(CASE WHEN a.kind = 'county' AND t.kind = 'recover' AND th.plan_year = ?2"
	    "  THEN p.amount ELSE 0 END)"
	    " FROM account a JOIN posting p ON p.account_id = a.id"
	    " JOIN transfer t ON t.id = p.transfer_id JOIN region r ON r.id = a.region_id"
	    " JOIN fund_source s ON s.key = a.source LEFT JOIN household h ON h.id = a.household_id"
	    " LEFT JOIN household th ON th.id = t.household_id"
	    " WHERE t.day <= ?1 AND a.kind IN ('county', 'paid') AND r.level = 2"
	    " AND (?3 = 0 OR a.region_id = ?3)"
	    " GROUP BY r.id, s.key ORDER BY r.code, s.ordinal",
	    "tii", as_of, (int64_t)year, ctx->actor.scope_region_id);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_funds_row x = {ch_stmt_text(st, 0),  ch_stmt_text(st, 1),  ch_stmt_int64(st, 2),
		                  ch_stmt_int64(st, 3), ch_stmt_int64(st, 4), ch_stmt_int64(st, 5),
		                  ch_stmt_int64(st, 6), ch_stmt_int64(st, 7)};
		if ((rc = fn(&x, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* How many rows COND holds for, in SQL both engines count the same way. */
#define COUNT_IF(cond) "sum(CASE WHEN " cond " THEN 1 ELSE 0 END)"

int ch_funds_households(ch_ctx *ctx, int year, const char *as_of,
                        int (*fn)(const ch_funds_hh_row *r, void *arg), void *arg)
{
	struct ch_policy_days p = {0};
	ch_stmt *st;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0)
		rc = ch_subsidy_check_day("as-of", "截至日期", as_of);
	if (rc || (rc = ch_subsidy_policy_days(ctx, as_of, &p)) != 0)
		return rc;
	json_decref(p.categories);
	/* a review passed before DUE is overdue unpaid on AS_OF */
	ch_date d;
	char due[16];
	if ((rc = ch_date_parse(as_of, &d)) != 0)
		return rc;
	ch_date_from_days(ch_date_days(&d) - (long)p.payment_days, &d);
	ch_date_format(&d, due, sizeof due);
	/* clang-format off */
	rc = ch_db_preparef(ctx->db, &st,
	    "WITH hh AS (SELECT h.county_id AS c, coalesce(x.total_fen, 0) AS ent,"
	    "  x.household_id IS NOT NULL AS has_x, e.day AS rday,"
	    "  " HH_MONEY("payable") " AS pay, " HH_MONEY("transit") " AS tr,"
	    "  " HH_MONEY("paid") " AS pd"
	    " FROM household h JOIN event e ON e.household_id = h.id AND e.stage_no = ?5"
	    "  AND e.superseded_by IS NULL AND e.day <= ?1"
	    " LEFT JOIN entitlement x ON x.household_id = h.id"
	    " WHERE h.plan_year = ?2 AND (?3 = 0 OR h.county_id = ?3)"
	    " AND NOT EXISTS (SELECT 1 FROM event w WHERE w.household_id = h.id"
	    "  AND w.stage_no = ?6 AND w.superseded_by IS NULL AND w.day <= ?1))"
	    " SELECT r.name, count(*), sum(ent), " COUNT_IF("has_x AND pd >= ent") ","
	    " " COUNT_IF("tr > 0") ", " COUNT_IF("pay > 0") ","
	    " " COUNT_IF("NOT has_x OR (pay = 0 AND tr = 0 AND pd < ent)") ","
	    " " COUNT_IF("rday < ?4 AND (NOT has_x OR pd < ent)") ","
	    " sum(CASE WHEN ent > pd THEN ent - pd ELSE 0 END)"
	    " FROM hh JOIN region r ON r.id = hh.c GROUP BY r.id ORDER BY r.code",
	    "tiitii", as_of, (int64_t)year, ctx->actor.scope_region_id, due,
	    (int64_t)CH_STAGE_REVIEWED, (int64_t)CH_STAGE_WITHDRAWN);
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
