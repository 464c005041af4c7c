/*
 * fund_audit — the fund audit as of a day: money held back in county
 * accounts (滞留), households past the payment deadline (截留), money paid
 * to households not eligible when it was sent (挪用), money paid to a
 * household that withdrew after its payment left (追回), recovery claims
 * not yet recovered in full and their age (待追回), spending outside
 * the policy's categories (挤占), one person or account paid twice
 * (重复发放), and what each source still holds (see subsidy.h).
 *
 * The SQL is the kind both database dialects accept: the day a period
 * began and a claim's age are reckoned in C, amounts are written as yuan
 * with integer arithmetic (YUAN), lists are joined by the driver's
 * aggregate (ch_db_group_concat) and every column outside an aggregate is
 * in the GROUP BY.
 */
#include <jansson.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/subsidy_int.h"
#include "core/workflow.h"
#include "util/buf.h"
#include "util/date.h"

/* X fen (a non-negative whole number) as yuan with two decimals, as
 * printf's %.2f writes it, in SQL either dialect runs (SUM gives a numeric
 * on PostgreSQL, hence the casts; SQLite's || binds tighter than / and
 * %, hence the parentheses) */
#define YUAN(x)                                                                                    \
	"((CAST(" x " AS BIGINT) / 100) || '.' || substr(CAST(100 + (CAST(" x                      \
	" AS BIGINT) % 100) AS TEXT), 2))"

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

/* The day N days before the ISO day AS_OF (a checked day), into OUT. */
static void days_before(const char *as_of, int64_t n, char *out, size_t outsz)
{
	ch_date d;
	ch_date_parse(as_of, &d);
	ch_date_from_days(ch_date_days(&d) - (long)n, &d);
	ch_date_format(&d, out, outsz);
}

/* The policy's spending categories (a JSON array of names) as one text
 * "|a|b|", which a category is looked up in with instr. */
static char *categories(const json_t *cats)
{
	ch_buf b;
	size_t i;
	json_t *v;
	ch_buf_init(&b);
	ch_buf_putc(&b, '|');
	json_array_foreach(cats, i, v)
	{
		ch_buf_puts(&b, json_string_value(v) ? json_string_value(v) : "");
		ch_buf_putc(&b, '|');
	}
	return ch_buf_detach(&b);
}

/* FEN (not negative) as yuan with two decimals */
static void yuan(int64_t fen, char *out, size_t outsz)
{
	snprintf(out, outsz, "%" PRId64 ".%02" PRId64, fen / 100, fen % 100);
}

/* 待追回: recovery claims recorded by AS_OF and not yet recovered in full
 * by it, with their age in days */
static int recoveries_owed(ch_ctx *ctx, const char *as_of, int64_t scope,
                           int (*fn)(const ch_funds_finding *f, void *arg), void *arg)
{
	ch_stmt *st;
	ch_date today, day;
	ch_date_parse(as_of, &today);
	int rc = ch_db_prepare(
	    ctx->db, &st,
	    "WITH c AS (SELECT v.*, v.amount_fen - coalesce((SELECT sum(x.amount_fen)"
	    "  FROM recovery_receipt x WHERE x.recovery_id = v.id AND x.day <= ?1), 0) AS owed"
	    "  FROM recovery v WHERE v.day <= ?1)"
	    " SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name, c.id, c.reason, c.day,"
	    " c.amount_fen, c.owed"
	    " FROM c JOIN household h ON h.id = c.household_id JOIN region r ON r.id = h.county_id"
	    " WHERE c.owed > 0 AND (?2 = 0 OR h.county_id = ?2) ORDER BY c.day, c.id");
	if (rc)
		return rc;
	if ((rc = ch_stmt_bind_text(st, 1, as_of)) == 0)
		rc = ch_stmt_bind_int64(st, 2, scope);
	ch_buf what;
	ch_buf_init(&what);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		char amount[32], owed[32];
		const char *on = ch_stmt_text(st, 3);
		int64_t fen = ch_stmt_int64(st, 4), left = ch_stmt_int64(st, 5);
		long age =
		    ch_date_parse(on, &day) == 0 ? ch_date_days(&today) - ch_date_days(&day) : 0;
		yuan(fen, amount, sizeof amount);
		yuan(left, owed, sizeof owed);
		ch_buf_clear(&what);
		ch_buf_printf(&what,
		              "追回 %" PRId64
		              "（%s）于 %s 登记，已 %ld 天，应追回 %s 元，尚未追回 %s 元",
		              ch_stmt_int64(st, 1), ch_stmt_text(st, 2), on, age, amount, owed);
		ch_funds_finding f = {"待追回", ch_stmt_text(st, 0), what.ptr, left};
		rc = fn(&f, arg);
	}
	ch_stmt_finalize(st);
	ch_buf_dispose(&what);
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
	char idle_before[16], pay_before[16], *cats = categories(p.categories);
	days_before(as_of, p.idle_days, idle_before, sizeof idle_before);
	days_before(as_of, p.payment_days, pay_before, sizeof pay_before);
	const char *instr = ch_db_fn(ctx->db, CH_DB_FN_INSTR);
	const char *concat = ch_db_fn(ctx->db, CH_DB_FN_GROUP_CONCAT);
	ch_buf sql;
	ch_buf_init(&sql);
	int64_t scope = ctx->actor.scope_region_id;
	int64_t reviewed = CH_STAGE_REVIEWED, withdrawn = CH_STAGE_WITHDRAWN;
	int64_t subsidized = CH_STAGE_SUBSIDIZED;
	/* clang-format off */
	/* 滞留: a county holds money while households passed review long ago */
	rc = each_finding(ctx,
	    "WITH waiting AS (SELECT h.county_id, count(*) AS n FROM household h"
	    "  JOIN event e ON e.household_id = h.id AND e.stage_no = ?4 AND e.superseded_by IS NULL"
	    "  WHERE h.status IN ('reviewed', 'subsidized')"
	    "  AND e.day < ?5 AND (?3 = 0 OR h.county_id = ?3)"
	    "  AND " HH_MONEY("paid") " < coalesce((SELECT total_fen FROM entitlement x"
	    "   WHERE x.household_id = h.id), 1)"
	    "  GROUP BY h.county_id),"
	    " held AS (SELECT a.region_id, sum(p.amount) AS bal FROM account a"
	    "  JOIN posting p ON p.account_id = a.id JOIN transfer t ON t.id = p.transfer_id"
	    "  WHERE a.kind = 'county' AND t.day <= ?1 GROUP BY a.region_id)"
	    " SELECT r.name, w.n || ' 户复核通过已超过 ' || ?2 || ' 天仍未足额发放，县级专户结余资金未拨付到户',"
	    "  held.bal FROM waiting w JOIN held ON held.region_id = w.county_id"
	    " JOIN region r ON r.id = w.county_id WHERE held.bal > 0 ORDER BY r.code",
	    "tiiit", "滞留", fn, arg, as_of, p.idle_days, scope, reviewed, idle_before);
	/* 截留: households past the payment deadline, unpaid or paid short */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    " '复核通过于 ' || e.day || '，超过 ' || ?2 || ' 天期限；已发放 '"
		    " || " YUAN(HH_MONEY("paid")) " || ' 元，应发 '"
		    " || CASE WHEN x.total_fen IS NULL THEN '（未核定）'"
		    "  ELSE " YUAN("x.total_fen") " || ' 元' END,"
		    " coalesce(x.total_fen, 0) - " HH_MONEY("paid")
		    " FROM household h JOIN event e ON e.household_id = h.id AND e.stage_no = ?4"
		    "  AND e.superseded_by IS NULL"
		    " JOIN region r ON r.id = h.county_id LEFT JOIN entitlement x ON x.household_id = h.id"
		    " WHERE h.status IN ('reviewed', 'subsidized') AND e.day < ?5"
		    " AND (x.household_id IS NULL OR " HH_MONEY("paid") " < x.total_fen)"
		    " AND (?3 = 0 OR h.county_id = ?3) ORDER BY r.code, h.hh_no",
		    "tiiit", "截留", fn, arg, as_of, p.payment_days, scope, reviewed, pay_before);
	/* 挪用: money sent to a household that was not eligible when it was
	 * sent (its last step recorded before the payment left was neither
	 * 复核通过 nor 补助已发放), and not returned failed by the day. A
	 * household that withdraws after its payment left was eligible then:
	 * that is no 挪用 (see 追回 below). */
	ch_buf_printf(&sql,
	    "WITH sent AS (SELECT p.household_id, p.amount, p.status, p.returned_at,"
		    "  t.day, t.at FROM payment p JOIN transfer t ON t.id = p.transfer_id"
		    "  WHERE t.day <= ?1 AND NOT (p.status = 'failed' AND p.returned_at <= ?1)),"
		    " judged AS (SELECT s.*, coalesce((SELECT e.stage_no FROM event e"
		    "  WHERE e.household_id = s.household_id AND e.superseded_by IS NULL"
		    "  AND (e.day < s.day OR (e.day = s.day AND e.recorded_at <= s.at))"
		    "  ORDER BY e.day DESC, e.id DESC LIMIT 1), 0) AS stage_then FROM sent s)"
		    " SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
		    "  (SELECT %s(q.day, ',') FROM (SELECT DISTINCT k.day FROM judged k"
		    "   WHERE k.household_id = h.id AND k.stage_then = st.no ORDER BY k.day) q)"
		    "  || ' 发出补助时该户为「' || st.name || '」，不应领取补助', sum(j.amount)"
		    " FROM judged j JOIN household h ON h.id = j.household_id"
		    " JOIN region r ON r.id = h.county_id JOIN stage st ON st.no = j.stage_then"
		    " WHERE j.stage_then NOT IN (?3, ?4) AND (?2 = 0 OR h.county_id = ?2)"
		    " GROUP BY h.id, st.no, r.code, r.name, h.hh_no, h.head_name, st.name"
		    " ORDER BY r.code, h.hh_no", concat);
	if (rc == 0)
		rc = each_finding(ctx, sql.ptr, "tiii", "挪用", fn, arg, as_of, scope, reviewed,
		                  subsidized);
	/* 追回: a household that withdrew after its payment left, which the
	 * bank then confirmed paid: the money is in its account and must be
	 * recovered (a failed one went back to the county's account) */
	ch_buf_clear(&sql);
	ch_buf_printf(&sql,
	    "WITH back AS (SELECT h.id, w.day AS wday, p.returned_at, p.amount"
	    " FROM payment p JOIN transfer t ON t.id = p.transfer_id"
	    " JOIN household h ON h.id = p.household_id"
	    " JOIN event w ON w.household_id = h.id AND w.stage_no = ?3"
	    "  AND w.superseded_by IS NULL AND w.day <= ?1"
	    " WHERE p.status = 'paid' AND p.returned_at <= ?1"
	    " AND (t.day < w.day OR (t.day = w.day AND t.at < w.recorded_at))"
	    " AND (?2 = 0 OR h.county_id = ?2))"
	    " SELECT r.name || ' ' || h.hh_no || ' ' || h.head_name,"
	    " '该户于 ' || b.wday || ' 退出；此前发出的补助已于 '"
	    " || (SELECT %s(q.returned_at, ',') FROM (SELECT DISTINCT k.returned_at FROM back k"
	    "  WHERE k.id = h.id AND k.wday = b.wday ORDER BY k.returned_at) q)"
	    " || ' 入账，应依规追回', sum(b.amount)"
	    " FROM back b JOIN household h ON h.id = b.id JOIN region r ON r.id = h.county_id"
	    " GROUP BY h.id, b.wday, r.code, r.name, h.hh_no, h.head_name ORDER BY r.code, h.hh_no",
	    concat);
	if (rc == 0)
		rc = each_finding(ctx, sql.ptr, "tii", "追回", fn, arg, as_of, scope, withdrawn);
	/* 待追回: recovery claims recorded by the day and not yet recovered in
	 * full by it, with their age */
	if (rc == 0)
		rc = recoveries_owed(ctx, as_of, scope, fn, arg);
	/* 挤占: spending out of county accounts on anything else */
	ch_buf_clear(&sql);
	ch_buf_printf(&sql,
		    "SELECT r.name, '资金用于「' || a.category || '」，不属于本项目支出范围',"
		    " sum(p.amount) FROM account a JOIN posting p ON p.account_id = a.id"
		    " JOIN transfer t ON t.id = p.transfer_id"
		    " JOIN region r ON r.id = a.region_id WHERE a.kind = 'spent' AND t.day <= ?1"
		    " AND %s(?2, '|' || a.category || '|') = 0"
		    " AND (?3 = 0 OR a.region_id = ?3)"
		    " GROUP BY a.id, r.name HAVING sum(p.amount) > 0", instr);
	if (rc == 0)
		rc = each_finding(ctx, sql.ptr, "tti", "挤占", fn, arg, as_of, cats, scope);
	/* one ID number or one account paid for two households, by the day */
	ch_buf_clear(&sql);
	ch_buf_printf(&sql,
		    "WITH paid AS (SELECT h.id, h.id_number, h.bank_account, h.hh_no,"
		    "  r.name AS county, h.plan_year, " HH_MONEY("paid") " AS amt"
		    "  FROM household h JOIN region r ON r.id = h.county_id"
		    "  WHERE " HH_MONEY("paid") " > 0 AND (?2 = 0 OR h.county_id = ?2))"
		    " SELECT (SELECT %s(q.county || ' ' || q.hh_no || '（' || q.plan_year || '年）', '、')"
		    "  FROM (SELECT * FROM paid k WHERE k.id_number = g.id_number ORDER BY k.id) q),"
		    "  '同一身份证号 ' || substr(id_number, 1, 6) || '********' || substr(id_number, 15)"
		    "  || ' 领取了 ' || count(*) || ' 份补助', sum(amt)"
		    " FROM paid g GROUP BY id_number HAVING count(*) > 1"
		    " UNION ALL"
		    " SELECT (SELECT %s(q.county || ' ' || q.hh_no || '（' || q.plan_year || '年）', '、')"
		    "  FROM (SELECT * FROM paid k WHERE k.bank_account = g.bank_account ORDER BY k.id) q),"
		    "  '同一收款账号 ' || substr(bank_account, 1, 4) || '****'"
		    "  || substr(bank_account, length(bank_account) - 3)"
		    "  || ' 收到 ' || count(*) || ' 户的补助', sum(amt)"
		    " FROM paid g WHERE bank_account IS NOT NULL GROUP BY bank_account"
		    " HAVING count(*) > 1", concat, concat);
	if (rc == 0)
		rc = each_finding(ctx, sql.ptr, "ti", "重复发放", fn, arg, as_of, scope);
	/* what each source still holds, unspent */
	if (rc == 0)
		rc = each_finding(ctx,
		    "SELECT s.name, '州级与各县市专户结余（未发放到户）', sum(p.amount)"
		    " FROM account a JOIN posting p ON p.account_id = a.id"
		    " JOIN transfer t ON t.id = p.transfer_id JOIN fund_source s ON s.key = a.source"
		    " WHERE a.kind IN ('prefecture', 'county') AND t.day <= ?1"
		    " AND (?2 = 0 OR a.region_id = ?2)"
		    " GROUP BY a.source, s.name, s.ordinal HAVING sum(p.amount) <> 0 ORDER BY s.ordinal",
		    "ti", "结余", fn, arg, as_of, scope);
	/* clang-format on */
	ch_buf_dispose(&sql);
	free(cats);
	json_decref(p.categories);
	return rc;
}
