/*
 * fund_audit — the fund audit as of a day: money held back in county
 * accounts (滞留), households past the payment deadline (截留), money paid
 * to households not eligible when it was sent (挪用), money paid to a
 * household that withdrew after its payment left (追回), recovery claims
 * not yet recovered in full and their age (待追回), spending outside
 * the policy's categories (挤占), one person or account paid twice
 * (重复发放), and what each source still holds (see subsidy.h).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>

#include "core/ctx_int.h"
#include "core/subsidy_int.h"
#include "core/workflow.h"

static int each_finding(ch_ctx *ctx, const char *sql, const char *types, const char *kind,
                        int (*fn)(const ch_funds_finding *f, void *arg), void *arg, ...)
{
	/* SQL binds TYPES from the arguments (t text, i int64_t); rows: where,
	 * what, amount */
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

int ch_funds_audit(ch_ctx *ctx, const char *as_of, int (*fn)(const ch_funds_finding *f, void *arg),
                   void *arg)
{
	struct ch_policy_days p = {0};
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0)
		rc = ch_subsidy_check_day("as-of", "截至日期", as_of);
	if (rc || (rc = ch_subsidy_policy_days(ctx, as_of, &p)) != 0)
		return rc;
	char *cats = json_dumps(p.categories, JSON_COMPACT);
	int64_t scope = ctx->actor.scope_region_id;
	int64_t reviewed = CH_STAGE_REVIEWED, withdrawn = CH_STAGE_WITHDRAWN;
	int64_t subsidized = CH_STAGE_SUBSIDIZED;
	/* clang-format off */
	/* 滞留: a county holds money while households passed review long ago */
	rc = each_finding(ctx,
	    "WITH waiting AS (SELECT h.county_id, count(*) AS n FROM household h"
	    "  JOIN event e ON e.household_id = h.id AND e.stage_no = ?4 AND e.superseded_by IS NULL"
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
	    "tiii", "滞留", fn, arg, as_of, p.idle_days, scope, reviewed);
	/* 截留: households past the payment deadline, unpaid or paid short */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    " '复核通过于 ' || e.day || '，超过 ' || ?2 || ' 天期限；已发放 '"
		    " || printf('%.2f', " HH_MONEY("paid") " / 100.0) || ' 元，应发 '"
		    " || CASE WHEN x.total_fen IS NULL THEN '（未核定）'"
		    "  ELSE printf('%.2f', x.total_fen / 100.0) || ' 元' END,"
		    " coalesce(x.total_fen, 0) - " HH_MONEY("paid")
		    " FROM household h JOIN event e ON e.household_id = h.id AND e.stage_no = ?4"
		    "  AND e.superseded_by IS NULL"
		    " JOIN region r ON r.id = h.county_id LEFT JOIN entitlement x ON x.household_id = h.id"
		    " WHERE h.status IN ('reviewed', 'subsidized') AND e.day < date(?1, '-' || ?2 || ' days')"
		    " AND (x.household_id IS NULL OR " HH_MONEY("paid") " < x.total_fen)"
		    " AND (?3 = 0 OR h.county_id = ?3) ORDER BY r.code, h.hh_no",
		    "tiii", "截留", fn, arg, as_of, p.payment_days, scope, reviewed);
	/* 挪用: money sent to a household that was not eligible when it was
	 * sent (its last step recorded before the payment left was neither
	 * 复核通过 nor 补助已发放), and not returned failed by the day. A
	 * household that withdraws after its payment left was eligible then:
	 * that is no 挪用 (see 追回 below). */
	if (rc == 0)
		rc = each_finding(ctx,
		    "WITH sent AS (SELECT p.household_id, p.amount, p.status, p.returned_at,"
		    "  t.day, t.at FROM payment p JOIN transfer t ON t.id = p.transfer_id"
		    "  WHERE t.day <= ?1 AND NOT (p.status = 'failed' AND p.returned_at <= ?1)),"
		    " judged AS (SELECT s.*, coalesce((SELECT e.stage_no FROM event e"
		    "  WHERE e.household_id = s.household_id AND e.superseded_by IS NULL"
		    "  AND (e.day < s.day OR (e.day = s.day AND e.recorded_at <= s.at))"
		    "  ORDER BY e.day DESC, e.id DESC LIMIT 1), 0) AS stage_then FROM sent s)"
		    " SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    "  group_concat(DISTINCT j.day) || ' 发出补助时该户为「' || st.name"
		    "  || '」，不应领取补助', sum(j.amount)"
		    " FROM judged j JOIN household h ON h.id = j.household_id"
		    " JOIN region r ON r.id = h.county_id JOIN stage st ON st.no = j.stage_then"
		    " WHERE j.stage_then NOT IN (?3, ?4) AND (?2 = 0 OR h.county_id = ?2)"
		    " GROUP BY h.id, st.no ORDER BY r.code, h.hh_no",
		    "tiii", "挪用", fn, arg, as_of, scope, reviewed, subsidized);
	/* 追回: a household that withdrew after its payment left, which the
	 * bank then confirmed paid: the money is in its account and must be
	 * recovered (a failed one went back to the county's account) */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    " '该户于 ' || w.day || ' 退出；此前发出的补助已于 '"
		    " || group_concat(DISTINCT p.returned_at) || ' 入账，应依规追回', sum(p.amount)"
		    " FROM payment p JOIN transfer t ON t.id = p.transfer_id"
		    " JOIN household h ON h.id = p.household_id JOIN region r ON r.id = h.county_id"
		    " JOIN event w ON w.household_id = h.id AND w.stage_no = ?3"
		    "  AND w.superseded_by IS NULL AND w.day <= ?1"
		    " WHERE p.status = 'paid' AND p.returned_at <= ?1"
		    " AND (t.day < w.day OR (t.day = w.day AND t.at < w.recorded_at))"
		    " AND (?2 = 0 OR h.county_id = ?2)"
		    " GROUP BY h.id ORDER BY r.code, h.hh_no",
		    "tii", "追回", fn, arg, as_of, scope, withdrawn);
	/* 待追回: recovery claims recorded by the day and not yet recovered in
	 * full by it, with their age */
	if (rc == 0)
		rc = each_finding(ctx,
		    "WITH c AS (SELECT v.*, v.amount_fen - coalesce((SELECT sum(x.amount_fen)"
		    "  FROM recovery_receipt x WHERE x.recovery_id = v.id AND x.day <= ?1), 0) AS owed"
		    "  FROM recovery v WHERE v.day <= ?1)"
		    " SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    " '追回 ' || c.id || '（' || c.reason || '）于 ' || c.day || ' 登记，已 '"
		    " || CAST(julianday(?1) - julianday(c.day) AS INTEGER) || ' 天，应追回 '"
		    " || printf('%.2f', c.amount_fen / 100.0) || ' 元，尚未追回 '"
		    " || printf('%.2f', c.owed / 100.0) || ' 元', c.owed"
		    " FROM c JOIN household h ON h.id = c.household_id JOIN region r ON r.id = h.county_id"
		    " WHERE c.owed > 0 AND (?2 = 0 OR h.county_id = ?2) ORDER BY c.day, c.id",
		    "ti", "待追回", fn, arg, as_of, scope);
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
