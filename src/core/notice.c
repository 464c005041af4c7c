/*
 * notice — public notices before payment (公示), objections, payment holds
 * and the pay gate that puts them together (see notice.h). Money moves
 * only in the ledger: an upheld objection reverses the household's
 * reservation transfer.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acceptance.h"
#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/ledger.h"
#include "core/notice.h"
#include "core/reflist.h"
#include "core/subsidy_int.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"

/* 1 when DAY is a working day: Monday to Friday unless a holiday, or a
 * weekend day worked instead. */
static int working_day(ch_ctx *ctx, const ch_date *d)
{
	char day[11], *kind = NULL;
	int work = ch_date_weekday(d) <= 5;
	ch_date_format(d, day, sizeof day);
	if (ch_db_query_text(ctx->db, &kind, "SELECT kind FROM holiday WHERE day = ?", "t", day) ==
	    0)
		work = strcmp(kind, "work") == 0;
	else
		ch_error_clear();
	free(kind);
	return work;
}

int ch_workdays_end(ch_ctx *ctx, const char *start, int64_t n, char out[11])
{
	ch_date d;
	int rc = ch_date_parse(start, &d);
	if (rc)
		return rc;
	long day = ch_date_days(&d);
	for (int64_t left = n; left > 0; day++) {
		ch_date_from_days(day, &d);
		if (working_day(ctx, &d) && --left == 0)
			break;
	}
	ch_date_from_days(day, &d);
	ch_date_format(&d, out, 11);
	return 0;
}

/* The households of a county (and village) that a notice would list:
 * review passed, money reserved and not sent, on no notice that still
 * stands for them (one whose objection against them was upheld does not). */
#define NOTICE_CANDIDATES                                                                          \
	"SELECT h.id, (SELECT sum(a.balance) FROM account a WHERE a.household_id = h.id"           \
	" AND a.kind = 'payable') FROM household h"                                                \
	" WHERE h.county_id = ?1 AND (?2 = 0 OR h.village_id = ?2) AND h.status = 'reviewed'"      \
	" AND EXISTS (SELECT 1 FROM account a WHERE a.household_id = h.id AND a.kind = 'payable'"  \
	" AND a.balance > 0)"                                                                      \
	" AND NOT EXISTS (SELECT 1 FROM notice_item i WHERE i.household_id = h.id"                 \
	" AND i.county_id = h.county_id"                                                           \
	" AND NOT EXISTS (SELECT 1 FROM objection o WHERE o.notice_id = i.notice_id"               \
	" AND o.household_id = h.id AND o.county_id = h.county_id AND o.status = 'upheld'))"       \
	" ORDER BY h.id"

int ch_notice_create(ch_ctx *ctx, const char *county, const char *village, const char *day,
                     ch_notice_summary *out)
{
	ch_region c;
	struct ch_policy_days p = {0};
	int64_t village_id = 0, seq = 0;
	ch_stmt *st = NULL;
	char now[32], obj[96];
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = ch_subsidy_funds_county(ctx, county, day, &c)) != 0)
		return rc;
	if (village && *village &&
	    ch_db_query_int64(ctx->db, &village_id,
	                      "SELECT v.id FROM region v JOIN region t ON t.id = v.parent_id"
	                      " WHERE t.parent_id = ? AND v.name = ? ORDER BY v.id LIMIT 1",
	                      "it", c.id, village) != 0) {
		rc = ch_error_set_field(CH_EINVALID, "village", "%s 没有名为「%s」的村", c.name,
		                        village);
		goto done;
	}
	if ((rc = ch_subsidy_policy_days(ctx, day, &p)) != 0)
		goto done;
	json_decref(p.categories);
	out->days = p.notice_days;
	snprintf(out->start, sizeof out->start, "%.10s", day);
	if ((rc = ch_workdays_end(ctx, day, p.notice_days, out->end)) != 0)
		goto done;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	ch_db_query_int64(ctx->db, &seq,
	                  "SELECT count(*) FROM notice WHERE county_id = ?"
	                  " AND substr(start_day, 1, 4) = substr(?, 1, 4)",
	                  "it", c.id, day);
	snprintf(out->number, sizeof out->number, "公示-%s-%.4s-%03" PRId64, c.code, day, seq + 1);
	ch_now_utc(now, sizeof now);
	rc = ch_db_run(ctx->db,
	               "INSERT INTO notice(number, county_id, village_id, start_day, end_day,"
	               " working_days, created_at, created_by)"
	               " VALUES (?, ?, nullif(?, 0), ?, ?, ?, ?, ?)",
	               "tiittitt", out->number, c.id, village_id, out->start, out->end, out->days,
	               now, ctx->actor.name);
	if (rc == 0) {
		out->id = ch_db_last_id(ctx->db);
		rc = ch_db_preparef(ctx->db, &st, NOTICE_CANDIDATES, "ii", c.id, village_id);
		while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
			int64_t hh = ch_stmt_int64(st, 0), amount = ch_stmt_int64(st, 1);
			rc =
			    ch_db_run(ctx->db,
			              "INSERT INTO notice_item(notice_id, household_id, amount_fen,"
			              " county_id) VALUES (?, ?, ?, ?)",
			              "iiii", out->id, hh, amount, c.id);
			out->households++;
			out->total_fen += amount;
		}
		if (rc == CH_DB_DONE)
			rc = 0;
		ch_stmt_finalize(st);
	}
	if (rc == 0 && out->households == 0) { /* nothing to publicise: nothing written */
		ch_ctx_rollback(ctx);
		out->id = 0;
		out->number[0] = '\0';
		goto done;
	}
	snprintf(obj, sizeof obj, "notice:%s", out->number);
	if (rc == 0)
		rc = ch_audit_append_json(
		    ctx, "notice.create", obj,
		    json_pack("{s:s, s:s?, s:s, s:s, s:I, s:I, s:I}", "county", c.code, "village",
		              village_id ? village : NULL, "start", out->start, "end", out->end,
		              "working_days", (json_int_t)out->days, "households",
		              (json_int_t)out->households, "total_fen",
		              (json_int_t)out->total_fen));
	rc = ch_ctx_end(ctx, rc);
done:
	ch_region_dispose(&c);
	return rc;
}

/* The county named COUNTY (NULL: none) checked for PERM near it; *ID 0
 * when COUNTY is NULL. */
static int county_filter(ch_ctx *ctx, unsigned perm, const char *county, int64_t *id)
{
	ch_region c = {0};
	int rc;
	*id = 0;
	if (!county)
		return 0;
	if ((rc = ch_subsidy_county(ctx, county, &c)) != 0)
		return rc;
	rc = ch_ctx_require(ctx, perm, c.id);
	*id = c.id;
	ch_region_dispose(&c);
	return rc;
}

/* CH_EINVALID for the field "date" when day D (WHAT) comes before the day
 * SQL reads for ID (THAN), else 0. */
static int not_before(ch_ctx *ctx, const char *d, const char *what, const char *sql, int64_t id,
                      const char *than)
{
	char *earlier = NULL;
	int rc = 0;
	if (ch_db_query_text(ctx->db, &earlier, sql, "i", id) != 0)
		ch_error_clear();
	else if (strcmp(d, earlier) < 0)
		rc = ch_error_set_field(CH_EINVALID, "date", "%s %s 早于%s %s", what, d, than,
		                        earlier);
	free(earlier);
	return rc;
}

int ch_notice_each(ch_ctx *ctx, const char *county, int (*fn)(const ch_notice_row *n, void *arg),
                   void *arg)
{
	ch_stmt *st = NULL;
	int64_t cid;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc || (rc = county_filter(ctx, CH_PERM_READ, county, &cid)) != 0)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT n.id, n.number, c.name, v.name, n.start_day, n.end_day, n.created_by,"
	    " n.working_days, (SELECT count(*) FROM notice_item i WHERE i.notice_id = n.id"
	    "  AND i.county_id = n.county_id),"
	    " (SELECT coalesce(sum(amount_fen), 0) FROM notice_item i WHERE i.notice_id = n.id"
	    "  AND i.county_id = n.county_id),"
	    " (SELECT count(*) FROM objection o WHERE o.notice_id = n.id"
	    "  AND o.county_id = n.county_id AND o.status = 'open'),"
	    " (SELECT count(*) FROM objection o WHERE o.notice_id = n.id"
	    "  AND o.county_id = n.county_id AND o.status = 'upheld'),"
	    " (SELECT count(*) FROM objection o WHERE o.notice_id = n.id"
	    "  AND o.county_id = n.county_id AND o.status = 'dismissed')"
	    " FROM notice n JOIN region c ON c.id = n.county_id"
	    " LEFT JOIN region v ON v.id = n.village_id"
	    " WHERE (?1 = 0 OR n.county_id = ?1) AND (?2 = 0 OR n.county_id = ?2)"
	    " ORDER BY n.id DESC",
	    "ii", cid, ctx->actor.scope_region_id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_notice_row r = {.id = ch_stmt_int64(st, 0),
		                   .number = ch_stmt_text(st, 1),
		                   .county = ch_stmt_text(st, 2),
		                   .village = ch_stmt_text(st, 3),
		                   .start = ch_stmt_text(st, 4),
		                   .end = ch_stmt_text(st, 5),
		                   .created_by = ch_stmt_text(st, 6),
		                   .days = ch_stmt_int64(st, 7),
		                   .households = ch_stmt_int64(st, 8),
		                   .total_fen = ch_stmt_int64(st, 9),
		                   .open_objections = ch_stmt_int64(st, 10),
		                   .upheld = ch_stmt_int64(st, 11),
		                   .dismissed = ch_stmt_int64(st, 12)};
		rc = fn(&r, arg);
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	return rc;
}

/* Notice NUMBER (or its id as digits) into *ID and its county into
 * *COUNTY: CH_ENOTFOUND when there is none, CH_EDENIED outside the scope
 * for PERM. */
static int notice_find(ch_ctx *ctx, unsigned perm, const char *number, int64_t *id, int64_t *county)
{
	if (ch_db_query_int64(ctx->db, id,
	                      "SELECT id FROM notice WHERE number = ?1 OR CAST(id AS TEXT) = ?1",
	                      "t", number) != 0)
		return ch_error_set(CH_ENOTFOUND, "没有公示 %s", number);
	ch_db_query_int64(ctx->db, county, "SELECT county_id FROM notice WHERE id = ?", "i", *id);
	return ch_ctx_require_unnamed(ctx, perm, *county);
}

/* Chinese names of the '+'-joined keys of list LIST, into a new string. */
static char *names_of(const ch_reflist *l, const char *keys)
{
	char *copy = ch_strdup(keys ? keys : ""), *save = NULL, *out;
	size_t cap = strlen(copy) * 4 + 8, len = 0;
	out = ch_calloc(1, cap);
	for (char *k = strtok_r(copy, "+", &save); k; k = strtok_r(NULL, "+", &save)) {
		const char *n = l ? ch_reflist_name(l, k) : NULL;
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "、" : "", n ? n : k);
		if (len >= cap)
			break;
	}
	free(copy);
	return out;
}

int ch_notice_items(ch_ctx *ctx, const char *number,
                    int (*head_fn)(const ch_notice_head *h, void *arg),
                    int (*item_fn)(const ch_notice_item *i, void *arg), void *arg)
{
	ch_stmt *st = NULL;
	ch_reflist *tech = NULL, *meas = NULL;
	int64_t id, county;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc || (rc = notice_find(ctx, CH_PERM_READ, number, &id, &county)) != 0)
		return rc;
	rc =
	    ch_db_preparef(ctx->db, &st,
	                   "SELECT n.number, c.name, v.name, n.start_day, n.end_day, n.working_days"
	                   " FROM notice n JOIN region c ON c.id = n.county_id"
	                   " LEFT JOIN region v ON v.id = n.village_id WHERE n.id = ?",
	                   "i", id);
	if (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_notice_head h = {ch_stmt_text(st, 0), ch_stmt_text(st, 1), ch_stmt_text(st, 2),
		                    ch_stmt_text(st, 3), ch_stmt_text(st, 4), ch_stmt_int64(st, 5)};
		rc = head_fn ? head_fn(&h, arg) : 0;
	} else if (rc >= 0) {
		rc = ch_error_set(CH_ENOTFOUND, "没有公示 %s", number);
	}
	ch_stmt_finalize(st);
	st = NULL;
	if (rc)
		return rc;
	if ((rc = ch_reflist_load(ctx, "technology", &tech)) != 0 ||
	    (rc = ch_reflist_load(ctx, "measure", &meas)) != 0)
		goto done;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT coalesce(v.name, ''), h.hh_no, h.head_name, h.id_number, h.technology,"
	    " coalesce(h.es_measures, ''), coalesce(h.es_area_centi, 0), i.amount_fen,"
	    " (SELECT CASE WHEN sum(CASE WHEN o.status = 'open' THEN 1 ELSE 0 END) > 0"
	    "  THEN '异议待处理'"
	    "  WHEN sum(CASE WHEN o.status = 'upheld' THEN 1 ELSE 0 END) > 0"
	    "  THEN '异议成立，暂不发放'"
	    "  WHEN count(*) > 0 THEN '异议不成立' ELSE '' END"
	    "  FROM objection o WHERE o.notice_id = i.notice_id AND o.household_id = h.id"
	    "  AND o.county_id = i.county_id)"
	    " FROM notice_item i JOIN household h ON h.id = i.household_id"
	    " AND h.county_id = i.county_id"
	    " LEFT JOIN region v ON v.id = h.village_id WHERE i.notice_id = ? AND i.county_id = ?"
	    " ORDER BY v.name, h.hh_no",
	    "ii", id, county);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		char masked[32];
		ch_idcard_mask(ch_stmt_text(st, 3), masked, sizeof masked);
		const char *tk = ch_stmt_text(st, 4), *tn = ch_reflist_name(tech, tk);
		char *mn = names_of(meas, ch_stmt_text(st, 5));
		ch_notice_item it = {ch_stmt_text(st, 0),  ch_stmt_text(st, 1),
		                     ch_stmt_text(st, 2),  masked,
		                     tn ? tn : tk,         mn,
		                     ch_stmt_int64(st, 6), ch_stmt_int64(st, 7),
		                     ch_stmt_text(st, 8)};
		rc = item_fn ? item_fn(&it, arg) : 0;
		free(mn);
	}
	if (rc == CH_DB_DONE)
		rc = 0;
done:
	ch_stmt_finalize(st);
	ch_reflist_free(tech);
	ch_reflist_free(meas);
	return rc;
}

int ch_objection_record(ch_ctx *ctx, const char *number, const char *household, const char *day,
                        const char *from, const char *reason, int64_t *id)
{
	int64_t nid, county, on = 0;
	ch_hh_ref ref;
	ch_region c = {0};
	char obj[64], d[11];
	int rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	if (rc || (rc = notice_find(ctx, CH_PERM_FUNDS, number, &nid, &county)) != 0)
		return rc;
	if ((rc = ch_region_get(ctx, county, &c)) != 0)
		return rc;
	rc = ch_household_locate(ctx, CH_PERM_FUNDS, c.code, household, &ref);
	ch_region_dispose(&c);
	if (rc)
		return rc;
	if ((rc = ch_subsidy_check_day("date", "异议日期", day)) != 0 ||
	    (rc = ch_ref_text_check(ctx, "acceptance_note", "异议理由", "reason", reason)) != 0 ||
	    (from && (rc = ch_ref_text_check(ctx, "acceptance_note", "异议人", "from", from)) != 0))
		return rc;
	if (!reason || !*reason)
		return ch_error_set_field(CH_EINVALID, "reason", "请写明异议理由");
	snprintf(d, sizeof d, "%.10s", day);
	ch_db_query_int64(
	    ctx->db, &on,
	    "SELECT count(*) FROM notice_item WHERE notice_id = ? AND household_id = ?"
	    " AND county_id = ?",
	    "iii", nid, ref.id, county);
	if (!on)
		return ch_error_set_field(CH_EINVALID, "household", "户编号 %s 不在公示 %s 中",
		                          ref.hh_no, number);
	if ((rc = not_before(ctx, d, "异议日期", "SELECT start_day FROM notice WHERE id = ?", nid,
	                     "公示开始日期")) != 0 ||
	    (rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO objection(notice_id, household_id, day, from_text, reason,"
	               " recorded_by, county_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
	               "iittt"
	               "ti",
	               nid, ref.id, d, from ? from : "", reason, ctx->actor.name, county);
	if (rc == 0) {
		*id = ch_db_last_id(ctx->db);
		snprintf(obj, sizeof obj, "objection:%" PRId64, *id);
		rc = ch_audit_append_json(ctx, "notice.object", obj,
		                          json_pack("{s:s, s:s, s:s, s:s, s:s}", "notice", number,
		                                    "household", ref.hh_no, "day", d, "from",
		                                    from ? from : "", "reason", reason));
	}
	return ch_ctx_end(ctx, rc);
}

/* Reverses household HH's reservation (the reserve transfers not yet
 * reversed), back to the county's account, under keys naming objection
 * OID. CH_ECONFLICT when part of it has left the payable accounts. */
static int withdraw_reservation(ch_ctx *ctx, int64_t hh, int64_t oid, const char *day)
{
	int64_t sent = 0, tid = 0;
	char key[64];
	int rc = ch_db_query_int64(ctx->db, &sent,
	                           "SELECT coalesce(sum(balance), 0) FROM account"
	                           " WHERE household_id = ? AND kind IN ('transit', 'paid')",
	                           "i", hh);
	if (rc)
		return rc;
	if (sent > 0) {
		char y[32];
		return ch_error_set(CH_ECONFLICT,
		                    "该户已有 %s 元补助发出，不能撤回预留；请按追回处理",
		                    ch_money_format(sent, y, sizeof y));
	}
	rc = ch_db_query_int64(ctx->db, &tid,
	                       "SELECT t.id FROM transfer t WHERE t.household_id = ?"
	                       " AND t.kind = 'reserve' AND NOT EXISTS"
	                       " (SELECT 1 FROM transfer r WHERE r.reverses = t.id)"
	                       " ORDER BY t.id DESC LIMIT 1",
	                       "i", hh);
	if (rc == CH_ENOTFOUND) { /* nothing reserved now */
		ch_error_clear();
		return 0;
	}
	if (rc)
		return rc;
	snprintf(key, sizeof key, "objection:%" PRId64, oid);
	return ch_ledger_reverse(ctx, tid, key, day, "公示异议成立，撤回补助预留", &tid);
}

int ch_objection_resolve(ch_ctx *ctx, int64_t id, int upheld, const char *day, const char *note,
                         int64_t *order)
{
	int64_t hh = 0, county = 0;
	char *status = NULL, *reason = NULL, obj[64], d[11];
	int rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	*order = 0;
	if (rc)
		return rc;
	if (ch_db_query_int64(ctx->db, &hh, "SELECT household_id FROM objection WHERE id = ?", "i",
	                      id) != 0)
		return ch_error_set(CH_ENOTFOUND, "没有异议 %" PRId64, id);
	ch_db_query_int64(ctx->db, &county, "SELECT county_id FROM household WHERE id = ?", "i",
	                  hh);
	if ((rc = ch_ctx_require_unnamed(ctx, CH_PERM_FUNDS, county)) != 0)
		return rc;
	if ((rc = ch_subsidy_check_day("date", "处理日期", day)) != 0 ||
	    (rc = ch_ref_text_check(ctx, "acceptance_note", "处理意见", "note", note)) != 0)
		return rc;
	if (!note || !*note)
		return ch_error_set_field(CH_EINVALID, "note", "请写明处理意见");
	snprintf(d, sizeof d, "%.10s", day);
	ch_db_query_text(ctx->db, &status, "SELECT status FROM objection WHERE id = ?", "i", id);
	ch_db_query_text(ctx->db, &reason, "SELECT reason FROM objection WHERE id = ?", "i", id);
	if (status && strcmp(status, "open") != 0) {
		rc = ch_error_set(CH_ECONFLICT, "异议 %" PRId64 " 已处理（%s）", id,
		                  strcmp(status, "upheld") == 0 ? "异议成立" : "异议不成立");
		goto done;
	}
	if ((rc = not_before(ctx, d, "处理日期", "SELECT day FROM objection WHERE id = ?", id,
	                     "收到异议的日期")) != 0 ||
	    (rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc =
	    ch_db_run(ctx->db,
	              "UPDATE objection SET status = ?, resolved_day = ?, resolved_by = ?, note = ?"
	              " WHERE id = ?",
	              "ttt"
	              "ti",
	              upheld ? "upheld" : "dismissed", d, ctx->actor.name, note, id);
	if (rc == 0 && upheld)
		rc = withdraw_reservation(ctx, hh, id, d);
	if (rc == 0 && upheld) {
		char issue[600];
		snprintf(issue, sizeof issue, "公示异议成立：%s", reason ? reason : "");
		rc = ch_rectification_open(ctx, hh, "objection", id, issue, d, order);
	}
	snprintf(obj, sizeof obj, "objection:%" PRId64, id);
	if (rc == 0)
		rc = ch_audit_append_json(
		    ctx, "notice.resolve", obj,
		    json_pack("{s:s, s:s, s:s, s:I}", "status", upheld ? "upheld" : "dismissed",
		              "day", d, "note", note, "rectification", (json_int_t)*order));
	rc = ch_ctx_end(ctx, rc);
done:
	free(status);
	free(reason);
	return rc;
}

int ch_objection_each(ch_ctx *ctx, const char *county, int open_only,
                      int (*fn)(const ch_objection_row *o, void *arg), void *arg)
{
	ch_stmt *st = NULL;
	int64_t cid;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc || (rc = county_filter(ctx, CH_PERM_READ, county, &cid)) != 0)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT o.id, n.number, c.name, h.hh_no, h.head_name, o.day, o.from_text, o.reason,"
	    " o.status, o.resolved_day, o.note FROM objection o"
	    " JOIN notice n ON n.id = o.notice_id AND n.county_id = o.county_id"
	    " JOIN household h ON h.id = o.household_id AND h.county_id = o.county_id"
	    " JOIN region c ON c.id = h.county_id"
	    " WHERE (?1 = 0 OR h.county_id = ?1) AND (?2 = 0 OR h.county_id = ?2"
	    " OR h.township_id = ?2 OR h.village_id = ?2) AND (?3 = 0 OR o.status = 'open')"
	    " ORDER BY o.id",
	    "iii", cid, ctx->actor.scope_region_id, (int64_t)open_only);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_objection_row r = {
		    ch_stmt_int64(st, 0), ch_stmt_text(st, 1), ch_stmt_text(st, 2),
		    ch_stmt_text(st, 3),  ch_stmt_text(st, 4), ch_stmt_text(st, 5),
		    ch_stmt_text(st, 6),  ch_stmt_text(st, 7), ch_stmt_text(st, 8),
		    ch_stmt_text(st, 9),  ch_stmt_text(st, 10)};
		rc = fn(&r, arg);
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	return rc;
}

int ch_hold_set(ch_ctx *ctx, const char *county, const char *household, const char *day,
                const char *reason, int64_t *id)
{
	ch_hh_ref ref;
	int64_t open = 0;
	char obj[64], d[11];
	int rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	if (rc || (rc = ch_household_locate(ctx, CH_PERM_FUNDS, county, household, &ref)) != 0)
		return rc;
	if ((rc = ch_subsidy_check_day("date", "暂停日期", day)) != 0 ||
	    (rc = ch_ref_text_check(ctx, "acceptance_note", "暂停原因", "reason", reason)) != 0)
		return rc;
	if (!reason || !*reason)
		return ch_error_set_field(CH_EINVALID, "reason", "请写明暂停发放的原因");
	snprintf(d, sizeof d, "%.10s", day);
	ch_db_query_int64(ctx->db, &open,
	                  "SELECT count(*) FROM payment_hold WHERE household_id = ?"
	                  " AND county_id = ? AND kind = 'manual' AND released_day IS NULL",
	                  "ii", ref.id, ref.county_id);
	if (open)
		return ch_error_set(CH_ECONFLICT, "户编号 %s 已暂停发放", ref.hh_no);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO payment_hold(household_id, kind, reason, day, held_by,"
	               " county_id) VALUES (?, 'manual', ?, ?, ?, ?)",
	               "ittti", ref.id, reason, d, ctx->actor.name, ref.county_id);
	if (rc == 0) {
		*id = ch_db_last_id(ctx->db);
		snprintf(obj, sizeof obj, "household:%" PRId64, ref.id);
		rc = ch_audit_append_json(ctx, "subsidy.hold", obj,
		                          json_pack("{s:s, s:s, s:s}", "household", ref.hh_no,
		                                    "day", d, "reason", reason));
	}
	return ch_ctx_end(ctx, rc);
}

int ch_hold_release(ch_ctx *ctx, const char *county, const char *household, const char *day,
                    const char *note)
{
	ch_hh_ref ref;
	int64_t hid = 0;
	char obj[64], d[11];
	int rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	if (rc || (rc = ch_household_locate(ctx, CH_PERM_FUNDS, county, household, &ref)) != 0)
		return rc;
	if ((rc = ch_subsidy_check_day("date", "解除日期", day)) != 0 ||
	    (rc = ch_ref_text_check(ctx, "acceptance_note", "解除说明", "note", note)) != 0)
		return rc;
	snprintf(d, sizeof d, "%.10s", day);
	if (ch_db_query_int64(ctx->db, &hid,
	                      "SELECT id FROM payment_hold WHERE household_id = ?"
	                      " AND county_id = ? AND kind = 'manual' AND released_day IS NULL",
	                      "ii", ref.id, ref.county_id) != 0)
		return ch_error_set(CH_ENOTFOUND, "户编号 %s 没有人工暂停发放", ref.hh_no);
	if ((rc = not_before(ctx, d, "解除日期", "SELECT day FROM payment_hold WHERE id = ?", hid,
	                     "暂停日期")) != 0 ||
	    (rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_hold_release_row(ctx, hid, d, note);
	snprintf(obj, sizeof obj, "household:%" PRId64, ref.id);
	if (rc == 0)
		rc = ch_audit_append_json(ctx, "subsidy.release", obj,
		                          json_pack("{s:s, s:s, s:s}", "household", ref.hh_no,
		                                    "day", d, "note", note ? note : ""));
	return ch_ctx_end(ctx, rc);
}

/* Money reserved for household o.household_id and not yet sent. */
#define WAITING                                                                                    \
	"EXISTS (SELECT 1 FROM account a WHERE a.household_id = o.household_id"                    \
	" AND a.kind = 'payable' AND a.balance > 0)"

int ch_hold_release_row(ch_ctx *ctx, int64_t hold, const char *day, const char *note)
{
	return ch_db_run(
	    ctx->db,
	    "UPDATE payment_hold SET released_day = ?, released_by = ?, release_note = ?"
	    " WHERE id = ?",
	    "ttti", day, ctx->actor.name, note ? note : "", hold);
}

int ch_hold_each(ch_ctx *ctx, const char *county, int (*fn)(const ch_hold_row *h, void *arg),
                 void *arg)
{
	ch_stmt *st = NULL;
	int64_t cid;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc || (rc = county_filter(ctx, CH_PERM_READ, county, &cid)) != 0)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    /* holds whatever the money; orders and objections where money waits */
	    "SELECT c.name, h.hh_no, h.head_name, x.kind, x.reason, x.since FROM ("
	    " SELECT household_id hh, CASE kind WHEN 'manual' THEN '人工暂停'"
	    "  ELSE '核定后变更待审批' END kind, reason, day since FROM payment_hold"
	    "  WHERE released_day IS NULL"
	    " UNION ALL SELECT household_id, '整改未销号', '整改单 ' || id || '：' || issue,"
	    "  opened_day FROM rectification o WHERE closed_day IS NULL AND " WAITING
	    " UNION ALL SELECT household_id, '异议待处理', '异议 ' || id || '：' || reason, day"
	    "  FROM objection o WHERE status = 'open' AND " WAITING ") x"
	    " JOIN household h ON h.id = x.hh JOIN region c ON c.id = h.county_id"
	    " WHERE (?1 = 0 OR h.county_id = ?1) AND (?2 = 0 OR h.county_id = ?2"
	    " OR h.township_id = ?2 OR h.village_id = ?2)"
	    " ORDER BY c.name, h.hh_no, x.since",
	    "ii", cid, ctx->actor.scope_region_id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_hold_row r = {ch_stmt_text(st, 0), ch_stmt_text(st, 1), ch_stmt_text(st, 2),
		                 ch_stmt_text(st, 3), ch_stmt_text(st, 4), ch_stmt_text(st, 5)};
		rc = fn(&r, arg);
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	return rc;
}

int ch_notice_pay_gate(ch_ctx *ctx, int64_t household, const char *day, int64_t notice_days,
                       char *why, size_t whysz)
{
	ch_stmt *st = NULL;
	int blocked = 0;
	/* holds first: by hand, then a change after approval */
	if (ch_db_preparef(ctx->db, &st,
	                   "SELECT kind, reason, day FROM payment_hold WHERE household_id = ?"
	                   " AND released_day IS NULL ORDER BY id LIMIT 1",
	                   "i", household) == 0 &&
	    ch_stmt_step(st) == CH_DB_ROW) {
		char since[24];
		ch_date_chinese(ch_stmt_text(st, 2), since, sizeof since);
		snprintf(why, whysz, "%s（%s起）：%s",
		         strcmp(ch_stmt_text(st, 0), "manual") == 0 ? "暂停发放"
		                                                    : "核定后信息变更，待州级审批",
		         since, ch_stmt_text(st, 1));
		blocked = 1;
	}
	ch_stmt_finalize(st);
	st = NULL;
	if (!blocked &&
	    ch_db_preparef(
	        ctx->db, &st,
	        /* an order opened after the pay day does not stop a payment of that day */
	        "SELECT id, issue FROM rectification WHERE household_id = ?"
	        " AND closed_day IS NULL AND opened_day <= ? ORDER BY id LIMIT 1",
	        "it", household, day) == 0 &&
	    ch_stmt_step(st) == CH_DB_ROW) {
		snprintf(why, whysz, "整改单 %" PRId64 " 未销号（%s），暂停发放",
		         ch_stmt_int64(st, 0), ch_stmt_text(st, 1));
		blocked = 1;
	}
	ch_stmt_finalize(st);
	st = NULL;
	if (!blocked &&
	    ch_db_preparef(ctx->db, &st,
	                   "SELECT o.id, n.number FROM objection o"
	                   " JOIN notice n ON n.id = o.notice_id AND n.county_id = o.county_id"
	                   " WHERE o.household_id = ? AND o.status = 'open' AND o.day <= ?"
	                   " ORDER BY o.id LIMIT 1",
	                   "it", household, day) == 0 &&
	    ch_stmt_step(st) == CH_DB_ROW) {
		snprintf(why, whysz, "公示 %s 有未处理的异议（异议 %" PRId64 "）",
		         ch_stmt_text(st, 1), ch_stmt_int64(st, 0));
		blocked = 1;
	}
	ch_stmt_finalize(st);
	st = NULL;
	if (blocked || notice_days == 0)
		return blocked;
	/* the notice that stands for it: the latest without an upheld objection */
	if (ch_db_preparef(ctx->db, &st,
	                   "SELECT n.number, n.start_day, n.end_day FROM notice_item i"
	                   " JOIN notice n ON n.id = i.notice_id AND n.county_id = i.county_id"
	                   " WHERE i.household_id = ?1"
	                   " AND NOT EXISTS (SELECT 1 FROM objection o WHERE o.notice_id = n.id"
	                   " AND o.county_id = n.county_id"
	                   " AND o.household_id = ?1 AND o.status = 'upheld')"
	                   " ORDER BY n.end_day DESC LIMIT 1",
	                   "i", household) == 0 &&
	    ch_stmt_step(st) == CH_DB_ROW) {
		if (strcmp(ch_stmt_text(st, 2), day) >= 0) {
			char s[24], e[24];
			ch_date_chinese(ch_stmt_text(st, 1), s, sizeof s);
			ch_date_chinese(ch_stmt_text(st, 2), e, sizeof e);
			snprintf(why, whysz, "公示 %s 的公示期（%s至%s）未满", ch_stmt_text(st, 0),
			         s, e);
			blocked = 1;
		}
	} else {
		snprintf(why, whysz, "尚未公示");
		blocked = 1;
	}
	ch_stmt_finalize(st);
	ch_error_clear();
	return blocked;
}
