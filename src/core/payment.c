/*
 * payment — payment batches: what is payable moves to the bank (transit),
 * one transfer and one payment row per household, committed in chunks;
 * the batches listed, and one batch's payments for the bank's file (see
 * subsidy.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/ledger.h"
#include "core/notice.h"
#include "core/seal.h"
#include "core/subsidy_int.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/money.h"
#include "util/text.h"

/* Payments committed per transaction in a batch. */
#define PAY_CHUNK 500

/* indexed by enum ch_pay_method */
static const ch_label methods[] = {
    {"card", "银行卡"}, {"yikatong", "惠农一卡通"}, {"meter", "表计充值"}, {NULL, NULL}};

const char *ch_pay_method_label(const char *key)
{
	return ch_label_of(methods, key);
}

struct payable {
	int64_t household;
	char account[40], hh_no[72];
	int has_account;
};

int ch_subsidy_pay(ch_ctx *ctx, const char *county, const char *day, enum ch_pay_method method,
                   int64_t *batch, size_t *n_out, int64_t *total_fen, ch_problems *problems)
{
	ch_region c;
	ch_stmt *st;
	struct payable *list = NULL;
	size_t n = 0, cap = 0;
	char now[32];
	int rc;
	*batch = 0;
	*n_out = 0;
	*total_fen = 0;
	if ((rc = ch_subsidy_funds_county(ctx, county, day, &c)) != 0)
		return rc;
	/* households with money payable, in a stable order */
	rc = ch_db_preparef(ctx->db, &st,
	                    /* the account frozen when the review passed, when there is one */
	                    "SELECT h.id, coalesce(CASE WHEN s.household_id IS NULL"
	                    " THEN h.bank_account ELSE s.bank_account END, ''), h.hh_no"
	                    " FROM household h LEFT JOIN hh_snapshot s ON s.household_id = h.id"
	                    " WHERE h.county_id = ? AND h.status IN ('reviewed', 'subsidized')"
	                    " AND EXISTS (SELECT 1 FROM account a"
	                    " WHERE a.household_id = h.id AND a.kind = 'payable' AND a.balance > 0)"
	                    " ORDER BY h.id",
	                    "i", c.id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			list = ch_reallocarray(list, cap, sizeof *list);
		}
		list[n].household = ch_stmt_int64(st, 0);
		snprintf(list[n].account, sizeof list[n].account, "%s", ch_stmt_text(st, 1));
		snprintf(list[n].hh_no, sizeof list[n].hh_no, "%s", ch_stmt_text(st, 2));
		list[n].has_account = list[n].account[0] != '\0';
		n++;
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	if (rc || n == 0)
		goto done;
	/* the gate: notice period over, no open objection, order or hold */
	{
		struct ch_policy_days pd = {0};
		size_t kept = 0;
		if ((rc = ch_subsidy_policy_days(ctx, day, &pd)) != 0)
			goto done;
		json_decref(pd.categories);
		for (size_t i = 0; i < n; i++) {
			char why[512];
			if (!ch_notice_pay_gate(ctx, list[i].household, day, pd.notice_days, why,
			                        sizeof why)) {
				list[kept++] = list[i];
				continue;
			}
			if (problems)
				ch_problems_add(problems, 0, -1, "发放条件", list[i].hh_no, 0,
				                "户编号 %s 未列入本批：%s", list[i].hh_no, why);
		}
		n = kept;
		if (n == 0)
			goto done;
	}
	/* what the bank is told must be what the audit log recorded */
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = ch_seal_check_household(ctx, list[i].household);
	if (rc)
		goto done;
	ch_now_utc(now, sizeof now);
	/* a run killed before its first chunk committed left an empty batch */
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_db_run(ctx->db,
	               "DELETE FROM payment_batch WHERE county_id = ? AND NOT EXISTS"
	               " (SELECT 1 FROM payment p WHERE p.batch_id = payment_batch.id)",
	               "i", c.id);
	/* the number follows the highest one left, also after that empty batch
	 * was removed, on both drivers (a PostgreSQL identity would not give a
	 * removed number again, SQLite's row id does); the write lock keeps two
	 * runs from taking the same one */
	if (rc == 0)
		rc = ch_db_run(ctx->db,
		               "INSERT INTO payment_batch(id, county_id, day, method, created_at,"
		               " created_by) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM"
		               " payment_batch), ?, ?, ?, ?, ?)",
		               "ittt"
		               "t",
		               c.id, day, methods[method].key, now, ctx->actor.name);
	if (rc == 0)
		*batch = ch_db_last_id(ctx->db);
	rc = ch_ctx_end(ctx, rc);
	if (rc)
		goto done;
	for (size_t start = 0; start < n && rc == 0; start += PAY_CHUNK) {
		if ((rc = ch_ctx_begin(ctx)) != 0)
			break;
		for (size_t i = start; i < n && i < start + PAY_CHUNK && rc == 0; i++) {
			struct payable *h = &list[i];
			ch_posting p[2 * CH_MAX_SOURCES];
			char codes[CH_MAX_SOURCES][2][64], key[64];
			size_t np = 0;
			int64_t amount = 0, tid, k = 0;
			int existed;
			if (!h->has_account && method != CH_PAY_METER) {
				if (problems)
					ch_problems_add(problems, 0, -1, "收款账号", h->hh_no, 0,
					                "户编号 %s 没有收款账号，未列入本批",
					                h->hh_no);
				continue;
			}
			if ((rc = ch_db_preparef(
			         ctx->db, &st,
			         "SELECT source, balance FROM account WHERE household_id = ?"
			         " AND kind = 'payable' AND balance > 0 ORDER BY source",
			         "i", h->household)) != 0)
				break;
			while (np < 2 * CH_MAX_SOURCES && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
				size_t s = np / 2;
				int64_t bal = ch_stmt_int64(st, 1);
				snprintf(codes[s][0], sizeof codes[s][0], "payable:%" PRId64 ":%s",
				         h->household, ch_stmt_text(st, 0));
				snprintf(codes[s][1], sizeof codes[s][1], "transit:%" PRId64 ":%s",
				         h->household, ch_stmt_text(st, 0));
				p[np++] = (ch_posting){codes[s][0], -bal};
				p[np++] = (ch_posting){codes[s][1], bal};
				amount += bal;
			}
			ch_stmt_finalize(st);
			rc = rc < 0 ? rc : 0;
			if (rc || np == 0)
				continue;
			ch_db_query_int64(
			    ctx->db, &k,
			    "SELECT count(*) FROM transfer WHERE household_id = ? AND kind = 'pay'",
			    "i", h->household);
			snprintf(key, sizeof key, "pay:%" PRId64 ":%" PRId64, h->household, k + 1);
			rc = ch_ledger_transfer(ctx, key, "pay", day, "补助资金发放", h->household,
			                        0, p, np, &tid, &existed);
			if (rc == 0)
				rc = ch_db_run(ctx->db,
				               "INSERT INTO payment(batch_id, household_id, "
				               "transfer_id, amount,"
				               " account, status) VALUES (?, ?, ?, ?, ?, 'sent')",
				               "iiiit", *batch, h->household, tid, amount,
				               h->has_account ? h->account : NULL);
			if (rc == 0) {
				(*n_out)++;
				*total_fen += amount;
			}
		}
		rc = ch_ctx_end(ctx, rc);
	}
	if (rc == 0 && *n_out == 0) {
		ch_db_run(ctx->db, "DELETE FROM payment_batch WHERE id = ?", "i", *batch);
		*batch = 0;
	} else if (rc == 0) {
		char obj[64];
		if ((rc = ch_ctx_begin(ctx)) == 0) {
			snprintf(obj, sizeof obj, "payment-batch:%" PRId64, *batch);
			rc = ch_audit_append_json(ctx, "subsidy.pay", obj,
			                          json_pack("{s:s, s:s, s:I, s:I}", "county",
			                                    c.code, "method", methods[method].key,
			                                    "payments", (json_int_t)*n_out,
			                                    "total_fen", (json_int_t)*total_fen));
			rc = ch_ctx_end(ctx, rc);
		}
	}
done:
	free(list);
	ch_region_dispose(&c);
	return rc;
}

int ch_subsidy_batches(ch_ctx *ctx, const char *county, int (*fn)(const ch_batch_row *b, void *arg),
                       void *arg)
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
	    "SELECT b.id, r.name, b.day, b.method, b.created_at, b.created_by, count(p.id),"
	    " coalesce(sum(p.amount), 0), count(p.id) FILTER (WHERE p.status = 'sent'),"
	    " count(p.id) FILTER (WHERE p.status = 'paid'),"
	    " count(p.id) FILTER (WHERE p.status = 'failed')"
	    " FROM payment_batch b JOIN region r ON r.id = b.county_id"
	    " LEFT JOIN payment p ON p.batch_id = b.id"
	    " WHERE (?1 = 0 OR b.county_id = ?1) AND (?2 = 0 OR b.county_id = ?2)"
	    " GROUP BY b.id, r.name ORDER BY b.id DESC",
	    "ii", c.id, ctx->actor.scope_region_id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_batch_row b = {.id = ch_stmt_int64(st, 0),
		                  .county = ch_stmt_text(st, 1),
		                  .day = ch_stmt_text(st, 2),
		                  .method = ch_stmt_text(st, 3),
		                  .created_at = ch_stmt_text(st, 4),
		                  .created_by = ch_stmt_text(st, 5),
		                  .n = ch_stmt_int64(st, 6),
		                  .total_fen = ch_stmt_int64(st, 7),
		                  .sent = ch_stmt_int64(st, 8),
		                  .paid = ch_stmt_int64(st, 9),
		                  .failed = ch_stmt_int64(st, 10)};
		rc = fn(&b, arg);
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
done:
	ch_region_dispose(&c);
	return rc;
}

int ch_subsidy_payments(ch_ctx *ctx, int64_t batch, int (*fn)(const ch_payment_row *p, void *arg),
                        void *arg)
{
	ch_stmt *st;
	int64_t county = 0;
	int rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS);
	if (rc)
		return rc;
	if (ch_db_query_int64(ctx->db, &county, "SELECT county_id FROM payment_batch WHERE id = ?",
	                      "i", batch) != 0)
		return ch_error_set(CH_ENOTFOUND, "没有发放批次 %" PRId64, batch);
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, county)) != 0)
		return rc;
	/* a file for the bank only from payments the ledger and the audit log agree with */
	if ((rc = ch_seal_check_batch(ctx, batch)) != 0)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT p.id, p.batch_id, r.name, h.hh_no, h.head_name, h.id_number,"
	    " coalesce(p.account, ''), b.method, p.status, p.amount"
	    " FROM payment p JOIN payment_batch b ON b.id = p.batch_id"
	    " JOIN household h ON h.id = p.household_id"
	    " JOIN region r ON r.id = h.county_id WHERE p.batch_id = ? ORDER BY p.id",
	    "i", batch);
	if (rc)
		return rc;
	int any = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_payment_row x = {ch_stmt_int64(st, 0), ch_stmt_int64(st, 1), ch_stmt_text(st, 2),
		                    ch_stmt_text(st, 3),  ch_stmt_text(st, 4),  ch_stmt_text(st, 5),
		                    ch_stmt_text(st, 6),  ch_stmt_text(st, 7),  ch_stmt_text(st, 8),
		                    ch_stmt_int64(st, 9)};
		any = 1;
		if ((rc = fn(&x, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	if (rc == CH_DB_DONE && !any)
		return ch_error_set(CH_ENOTFOUND, "没有发放批次 %" PRId64, batch);
	return rc < 0 ? rc : 0;
}

int ch_subsidy_withdrawal_note(ch_ctx *ctx, int64_t household, char **note)
{
	int64_t at_bank = 0, reserved = 0, paid = 0;
	char a[32], r[32], *batches = NULL;
	ch_buf b;
	*note = NULL;
	int rc = ch_db_query_int64(ctx->db, &at_bank,
	                           "SELECT coalesce(sum(amount), 0) FROM payment"
	                           " WHERE household_id = ? AND status = 'sent'",
	                           "i", household);
	if (rc == 0)
		rc = ch_db_query_int64(ctx->db, &reserved,
		                       "SELECT coalesce(sum(balance), 0) FROM account"
		                       " WHERE household_id = ? AND kind = 'payable'",
		                       "i", household);
	if (rc == 0)
		rc = ch_db_query_int64(ctx->db, &paid,
		                       "SELECT coalesce(sum(balance), 0) FROM account"
		                       " WHERE household_id = ? AND kind = 'paid'",
		                       "i", household);
	if (rc)
		return rc;
	if (at_bank == 0 && reserved == 0)
		return 0;
	ch_buf_init(&b);
	if (at_bank) {
		/* the batches in order, joined as either dialect can */
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT (SELECT %s(CAST(q.batch_id AS TEXT), ',') FROM (SELECT DISTINCT "
		         "batch_id"
		         " FROM payment WHERE household_id = ? AND status = 'sent' ORDER BY "
		         "batch_id) q)",
		         ch_db_fn(ctx->db, CH_DB_FN_GROUP_CONCAT));
		if (ch_db_query_text(ctx->db, &batches, sql, "i", household) != 0)
			ch_error_clear();
		/* what reconcile does with a failed return (release_withdrawn):
		 * the reservation reversed, back to the county, when nothing of
		 * it was paid */
		ch_buf_printf(&b,
		              "该户有 %s 元补助已随第 %s 批发往银行、尚未回单：这笔发放不会撤回；"
		              "银行回单为失败时，款项%s；回单为成功时，款项已入该户账户，"
		              "须依规追回（资金审计列为「追回」）",
		              ch_money_format(at_bank, a, sizeof a), batches ? batches : "?",
		              paid       ? "退回该户待发放账户，不再发放"
		              : reserved ? "连同该户已预留未发出的部分退回县级专户"
		                         : "退回县级专户");
		free(batches);
	}
	if (reserved && (paid || !at_bank))
		ch_buf_printf(&b, "%s已预留、尚未发出的 %s 元留在该户待发放账户，不再发放",
		              at_bank ? "；" : "该户", ch_money_format(reserved, r, sizeof r));
	*note = ch_buf_detach(&b);
	return 0;
}
