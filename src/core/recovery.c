/*
 * recovery — claims against households paid what they should not keep
 * (追回: equipment removed, found ineligible, paid twice) and the money
 * coming back, through the ledger, into the county account it left, source
 * by source (see subsidy.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/household.h"
#include "core/ledger.h"
#include "core/reflist.h"
#include "core/subsidy_int.h"
#include "util/error.h"
#include "util/money.h"

/* What claim ID still asks for: its amount less what came back. Its own
 * alias (oc), so that ID may name an outer query's claim c. */
#define OUTSTANDING(id)                                                                            \
	"(SELECT oc.amount_fen - coalesce((SELECT sum(x.amount_fen) FROM recovery_receipt x"       \
	" WHERE x.recovery_id = oc.id), 0) FROM recovery oc WHERE oc.id = " id ")"

int ch_recovery_claim(ch_ctx *ctx, const char *county, const char *household, int64_t amount_fen,
                      const char *reason, const char *day, int64_t *id)
{
	ch_hh_ref ref;
	int64_t paid = 0, claimed = 0;
	char obj[64], d[11], a[32], b[32];
	int rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	if (rc || (rc = ch_household_locate(ctx, CH_PERM_FUNDS, county, household, &ref)) != 0)
		return rc;
	if ((rc = ch_subsidy_check_day("date", "追回登记日期", day)) != 0 ||
	    (rc = ch_ref_text_check(ctx, "acceptance_note", "追回原因", "reason", reason)) != 0)
		return rc;
	if (!reason || !*reason)
		return ch_error_set_field(CH_EINVALID, "reason", "请写明追回原因");
	if (amount_fen <= 0)
		return ch_error_set_field(CH_EINVALID, "amount", "追回金额应大于 0");
	snprintf(d, sizeof d, "%.10s", day);
	ch_db_query_int64(ctx->db, &paid,
	                  "SELECT coalesce(sum(balance), 0) FROM account WHERE household_id = ?"
	                  " AND kind = 'paid'",
	                  "i", ref.id);
	ch_db_query_int64(ctx->db, &claimed,
	                  "SELECT coalesce(sum(" OUTSTANDING("r.id") "), 0) FROM recovery r"
	                                                             " WHERE r.household_id = ?",
	                  "i", ref.id);
	if (amount_fen > paid - claimed)
		return ch_error_set_field(
		    CH_EINVALID, "amount",
		    "户编号 %s 已到账补助 %s 元，其中 %s 元已登记追回，不能再追回 %s 元", ref.hh_no,
		    ch_money_format(paid, a, sizeof a), ch_money_format(claimed, b, sizeof b),
		    ch_money_format(amount_fen, obj, sizeof obj));
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO recovery(household_id, amount_fen, reason, day, created_by)"
	               " VALUES (?, ?, ?, ?, ?)",
	               "iittt", ref.id, amount_fen, reason, d, ctx->actor.name);
	if (rc == 0) {
		*id = ch_db_last_id(ctx->db);
		snprintf(obj, sizeof obj, "recovery:%" PRId64, *id);
		rc = ch_audit_append_json(ctx, "subsidy.recover", obj,
		                          json_pack("{s:s, s:I, s:s, s:s}", "household", ref.hh_no,
		                                    "amount_fen", (json_int_t)amount_fen, "reason",
		                                    reason, "day", d));
	}
	return ch_ctx_end(ctx, rc);
}

int ch_recovery_receive(ch_ctx *ctx, int64_t claim, int64_t amount_fen, const char *day,
                        int64_t *transfer)
{
	int64_t hh = 0, county = 0, left = 0, paid_total = 0, n = 0, tid = 0;
	char code[16] = "", *cc = NULL, d[11], key[64], obj[64], a[32], b[32];
	ch_posting p[2 * CH_MAX_SOURCES];
	char codes[CH_MAX_SOURCES][2][64];
	struct {
		char source[16];
		int64_t paid, take;
	} src[CH_MAX_SOURCES];
	size_t ns = 0, np = 0;
	ch_stmt *st = NULL;
	int existed, rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	if (rc)
		return rc;
	if (ch_db_query_int64(ctx->db, &hh, "SELECT household_id FROM recovery WHERE id = ?", "i",
	                      claim) != 0)
		return ch_error_set(CH_ENOTFOUND, "没有追回登记 %" PRId64, claim);
	ch_db_query_int64(ctx->db, &county, "SELECT county_id FROM household WHERE id = ?", "i",
	                  hh);
	if ((rc = ch_ctx_require_unnamed(ctx, CH_PERM_FUNDS, county)) != 0)
		return rc;
	if ((rc = ch_subsidy_check_day("date", "追回到账日期", day)) != 0)
		return rc;
	if (amount_fen <= 0)
		return ch_error_set_field(CH_EINVALID, "amount", "追回金额应大于 0");
	snprintf(d, sizeof d, "%.10s", day);
	ch_db_query_int64(ctx->db, &left, "SELECT " OUTSTANDING("?"), "i", claim);
	if (amount_fen > left)
		return ch_error_set_field(CH_EINVALID, "amount",
		                          "追回登记 %" PRId64 " 尚待追回 %s 元，不能收回 %s 元",
		                          claim, ch_money_format(left, a, sizeof a),
		                          ch_money_format(amount_fen, b, sizeof b));
	if (ch_db_query_text(ctx->db, &cc, "SELECT code FROM region WHERE id = ?", "i", county) ==
	    0)
		snprintf(code, sizeof code, "%s", cc);
	free(cc);
	/* the money goes back source by source, in proportion to what was paid
	 * of each, the remainders to the largest shares first */
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT source, balance FROM account WHERE household_id = ?"
	                    " AND kind = 'paid' AND balance > 0 ORDER BY balance DESC, source",
	                    "i", hh);
	while (rc == 0 && ns < CH_MAX_SOURCES && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		snprintf(src[ns].source, sizeof src[ns].source, "%s", ch_stmt_text(st, 0));
		src[ns].paid = ch_stmt_int64(st, 1);
		paid_total += src[ns].paid;
		ns++;
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	if (rc)
		return rc;
	if (amount_fen > paid_total)
		return ch_error_set_field(CH_EINVALID, "amount",
		                          "该户账户中已到账补助只有 %s 元，不能收回 %s 元",
		                          ch_money_format(paid_total, a, sizeof a),
		                          ch_money_format(amount_fen, b, sizeof b));
	int64_t given = 0;
	for (size_t i = 0; i < ns; i++) {
		src[i].take = amount_fen * src[i].paid / paid_total;
		given += src[i].take;
	}
	for (size_t i = 0; given < amount_fen; i = (i + 1) % ns)
		if (src[i].take < src[i].paid) {
			src[i].take++;
			given++;
		}
	for (size_t i = 0; i < ns; i++) {
		if (!src[i].take)
			continue;
		snprintf(codes[i][0], sizeof codes[i][0], "paid:%" PRId64 ":%.15s", hh,
		         src[i].source);
		snprintf(codes[i][1], sizeof codes[i][1], "county:%.15s:%.15s", code,
		         src[i].source);
		p[np++] = (ch_posting){codes[i][0], -src[i].take};
		p[np++] = (ch_posting){codes[i][1], src[i].take};
	}
	ch_db_query_int64(
	    ctx->db, &n, "SELECT count(*) FROM recovery_receipt WHERE recovery_id = ?", "i", claim);
	snprintf(key, sizeof key, "recover:%" PRId64 ":%" PRId64, claim, n + 1);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_ledger_transfer(ctx, key, "recover", d, "追回补助，退回县级专户", hh, 0, p, np,
	                        &tid, &existed);
	if (rc == 0)
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO recovery_receipt(recovery_id, transfer_id, amount_fen, day)"
		    " VALUES (?, ?, ?, ?)",
		    "iiit", claim, tid, amount_fen, d);
	/* what the household is due is less by what it gave back */
	if (rc == 0)
		rc = ch_db_run(
		    ctx->db,
		    "UPDATE entitlement SET total_fen = total_fen - ? WHERE household_id = ?", "ii",
		    amount_fen, hh);
	snprintf(obj, sizeof obj, "recovery:%" PRId64, claim);
	if (rc == 0)
		rc = ch_audit_append_json(ctx, "subsidy.recovered", obj,
		                          json_pack("{s:I, s:s, s:I}", "amount_fen",
		                                    (json_int_t)amount_fen, "day", d, "transfer",
		                                    (json_int_t)tid));
	if (rc == 0)
		*transfer = tid;
	return ch_ctx_end(ctx, rc);
}

int ch_recovery_each(ch_ctx *ctx, const char *county,
                     int (*fn)(const ch_recovery_row *r, void *arg), void *arg)
{
	ch_region c = {0};
	ch_stmt *st = NULL;
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc)
		return rc;
	if (county && (rc = ch_subsidy_county(ctx, county, &c)) != 0)
		return rc;
	if (county && (rc = ch_ctx_require(ctx, CH_PERM_READ, c.id)) != 0)
		goto done;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT c.id, r.name, h.hh_no, h.head_name, c.reason, c.day, c.amount_fen,"
	    " c.amount_fen - " OUTSTANDING(
	        "c.id") " FROM recovery c"
	                " JOIN household h ON h.id = c.household_id JOIN region r ON r.id = "
	                "h.county_id"
	                " WHERE (?1 = 0 OR h.county_id = ?1) AND (?2 = 0 OR h.county_id = ?2"
	                " OR h.township_id = ?2 OR h.village_id = ?2) ORDER BY c.id",
	    "ii", c.id, ctx->actor.scope_region_id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_recovery_row x = {ch_stmt_int64(st, 0), ch_stmt_text(st, 1), ch_stmt_text(st, 2),
		                     ch_stmt_text(st, 3),  ch_stmt_text(st, 4), ch_stmt_text(st, 5),
		                     ch_stmt_int64(st, 6), ch_stmt_int64(st, 7)};
		rc = fn(&x, arg);
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
done:
	ch_region_dispose(&c);
	return rc;
}
