/*
 * reconcile — the bank's return file applied: each confirmed payment moves
 * from transit to paid (and a household paid in full reaches 补助已发放),
 * each failed one is reversed to payable for the next batch, or, for a
 * household that has withdrawn since, back to the county's account (see
 * subsidy.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/event.h"
#include "core/ledger.h"
#include "core/subsidy_int.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"

static int status_of(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "成功") == 0 || strcmp(s, "success") == 0 || strcmp(s, "已入账") == 0 ||
	    strcmp(s, "paid") == 0)
		return 1;
	if (strcmp(s, "失败") == 0 || strcmp(s, "failed") == 0 || strcmp(s, "fail") == 0 ||
	    strcmp(s, "退票") == 0)
		return 0;
	return -1;
}

/* A failed payment of a household that has withdrawn since it was sent:
 * its money, back in the household's payable accounts, returns to the
 * county's account by reversing the household's reservation, when those
 * accounts hold exactly what was reserved (nothing of it paid). Otherwise
 * it stays payable (and is never paid: the household has withdrawn).
 * *RELEASED is set when it was returned. */
static int release_withdrawn(ch_ctx *ctx, int64_t household, const char *day, int *released)
{
	int64_t withdrawn = 0, reserve = 0, whole = 0, nid;
	char key[64];
	*released = 0;
	ch_db_query_int64(ctx->db, &withdrawn,
	                  "SELECT status = 'withdrawn' FROM household WHERE id = ?", "i",
	                  household);
	if (ch_db_query_int64(ctx->db, &reserve,
	                      "SELECT t.id FROM transfer t WHERE t.kind = 'reserve'"
	                      " AND t.household_id = ? AND NOT EXISTS (SELECT 1 FROM transfer r"
	                      " WHERE r.reverses = t.id)",
	                      "i", household) != 0) {
		ch_error_clear();
		return 0;
	}
	ch_db_query_int64(ctx->db, &whole,
	                  "SELECT NOT EXISTS (SELECT 1 FROM posting p JOIN account a"
	                  " ON a.id = p.account_id WHERE p.transfer_id = ?1 AND a.kind = 'payable'"
	                  " AND a.balance <> p.amount)",
	                  "i", reserve);
	ch_error_clear();
	if (!withdrawn || !whole)
		return 0;
	snprintf(key, sizeof key, "release:%" PRId64, reserve);
	int rc = ch_ledger_reverse(ctx, reserve, key, day, "农户已退出，发放失败的补助退回县级专户",
	                           &nid);
	*released = rc == 0;
	return rc;
}

int ch_subsidy_reconcile(ch_ctx *ctx, ch_return_next_fn next, void *data, const char *file_hash,
                         ch_problems *problems, ch_reconcile_summary *sum)
{
	ch_return_row row;
	int rc;
	memset(sum, 0, sizeof *sum);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_FUNDS)) != 0)
		return rc;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	while (rc == 0 && (rc = next(data, &row)) == 1) {
		const ch_return_row *r = &row;
		rc = 0;
		char *end = NULL, *status = NULL, key[64], day[11];
		errno = 0;
		long long pid = r->payment ? strtoll(r->payment, &end, 10) : 0;
		int too_big = errno == ERANGE; /* never quoted back clamped */
		int64_t household = 0, amount = 0, tid = 0, fen = 0;
		int ok = status_of(r->status), existed;
		ch_date d;
		if (!r->payment || !*r->payment || *end || pid <= 0 || too_big) {
			ch_problems_add(problems, r->line, -1, "流水号", r->payment, 0,
			                "流水号无效");
			sum->unknown++;
			continue;
		}
		if (ok < 0) {
			ch_problems_add(problems, r->line, -1, "状态", r->status, 0,
			                "状态应为 成功 或 失败");
			continue;
		}
		if (!r->day || ch_date_parse(r->day, &d) != 0) {
			ch_error_clear();
			ch_problems_add(problems, r->line, -1, "日期", r->day, 0,
			                "日期无效（请写作 " CH_DATE_FORMATS "）");
			continue;
		}
		ch_date_format(&d, day, sizeof day);
		if (ch_db_query_text(ctx->db, &status, "SELECT status FROM payment WHERE id = ?",
		                     "i", (int64_t)pid) != 0) {
			ch_error_clear();
			ch_problems_add(problems, r->line, -1, "流水号", r->payment, 0,
			                "没有这笔发放（流水号 %lld）", pid);
			sum->unknown++;
			continue;
		}
		ch_db_query_int64(ctx->db, &household,
		                  "SELECT household_id FROM payment WHERE id = ?", "i",
		                  (int64_t)pid);
		/* only payments of counties the actor handles; refused, nothing changes */
		int64_t county = 0;
		ch_db_query_int64(ctx->db, &county, "SELECT county_id FROM household WHERE id = ?",
		                  "i", household);
		if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, county)) != 0) {
			free(status);
			break;
		}
		ch_db_query_int64(ctx->db, &amount, "SELECT amount FROM payment WHERE id = ?", "i",
		                  (int64_t)pid);
		ch_db_query_int64(ctx->db, &tid, "SELECT transfer_id FROM payment WHERE id = ?",
		                  "i", (int64_t)pid);
		if (r->amount && *r->amount &&
		    (ch_money_parse(r->amount, &fen) != 0 || fen != amount)) {
			ch_error_clear();
			ch_problems_add(problems, r->line, -1, "金额", r->amount, 0,
			                "金额与发放记录（%lld.%02lld 元）不符",
			                (long long)amount / 100, (long long)amount % 100);
			free(status);
			continue;
		}
		/* the bank cannot answer for a payment before it was sent */
		char *sent_day = NULL;
		ch_db_query_text(
		    ctx->db, &sent_day,
		    "SELECT b.day FROM payment p JOIN payment_batch b ON b.id = p.batch_id"
		    " WHERE p.id = ?",
		    "i", (int64_t)pid);
		ch_error_clear();
		if (sent_day && strcmp(day, sent_day) < 0) {
			ch_problems_add(problems, r->line, -1, "日期", r->day, 0,
			                "回单日期 %s 早于这笔发放的发放日期 %s", day, sent_day);
			free(sent_day);
			free(status);
			continue;
		}
		free(sent_day);
		if (strcmp(status, "sent") != 0) {
			if ((strcmp(status, "paid") == 0) == (ok == 1))
				sum->repeated++;
			else
				ch_problems_add(problems, r->line, -1, "状态", r->status, 0,
				                "这笔发放已按「%s」对账，回单与之矛盾",
				                strcmp(status, "paid") == 0 ? "成功" : "失败");
			free(status);
			continue;
		}
		free(status);
		if (ok) {
			/* confirmed: transit → paid, source by source */
			ch_stmt *st;
			ch_posting p[2 * CH_MAX_SOURCES];
			char codes[CH_MAX_SOURCES][2][64];
			size_t np = 0;
			rc = ch_db_preparef(
			    ctx->db, &st,
			    "SELECT a.code, a.source, -p.amount FROM posting p JOIN account a"
			    " ON a.id = p.account_id WHERE p.transfer_id = ? AND p.amount < 0",
			    "i", tid);
			while (rc == 0 && np < 2 * CH_MAX_SOURCES &&
			       (rc = ch_stmt_step(st)) == CH_DB_ROW) {
				size_t s = np / 2;
				int64_t a = ch_stmt_int64(st, 2);
				snprintf(codes[s][0], sizeof codes[s][0], "transit:%" PRId64 ":%s",
				         household, ch_stmt_text(st, 1));
				snprintf(codes[s][1], sizeof codes[s][1], "paid:%" PRId64 ":%s",
				         household, ch_stmt_text(st, 1));
				p[np++] = (ch_posting){codes[s][0], -a};
				p[np++] = (ch_posting){codes[s][1], a};
				rc = 0;
			}
			if (rc == CH_DB_DONE)
				rc = 0;
			ch_stmt_finalize(st);
			snprintf(key, sizeof key, "confirm:%lld", pid);
			int64_t cid;
			if (rc == 0)
				rc = ch_ledger_transfer(ctx, key, "confirm", day,
				                        "银行回单：入账成功", household, 0, p, np,
				                        &cid, &existed);
			if (rc == 0)
				rc = ch_db_run(ctx->db,
				               "UPDATE payment SET status = 'paid', returned_at = "
				               "? WHERE id = ?",
				               "ti", day, (int64_t)pid);
			sum->confirmed += rc == 0;
			/* paid in full: the household's last stage */
			int64_t paid = 0, entitled = 0, stage_ok = 0;
			if (rc == 0) {
				ch_db_query_int64(
				    ctx->db, &paid,
				    "SELECT coalesce(sum(balance), 0) FROM account WHERE"
				    " household_id = ? AND kind = 'paid'",
				    "i", household);
				ch_db_query_int64(
				    ctx->db, &entitled,
				    "SELECT total_fen FROM entitlement WHERE household_id = ?", "i",
				    household);
				ch_db_query_int64(
				    ctx->db, &stage_ok,
				    "SELECT status = 'reviewed' FROM household WHERE id = ?", "i",
				    household);
				ch_error_clear();
				if (paid == entitled && stage_ok) {
					rc = ch_event_step(ctx, household, CH_STAGE_SUBSIDIZED, day,
					                   NULL, NULL, 0, day);
					sum->subsidized += rc == 0;
				}
			}
		} else {
			int64_t nid;
			snprintf(key, sizeof key, "fail:%lld", pid);
			rc = ch_ledger_reverse(ctx, tid, key, day,
			                       r->reason ? r->reason : "银行回单：发放失败", &nid);
			if (rc == 0)
				rc = ch_db_run(ctx->db,
				               "UPDATE payment SET status = 'failed', returned_at "
				               "= ?, reason = ?"
				               " WHERE id = ?",
				               "tti", day, r->reason, (int64_t)pid);
			int released = 0;
			if (rc == 0)
				rc = release_withdrawn(ctx, household, day, &released);
			sum->failed += rc == 0;
			sum->released += rc == 0 && released;
		}
		/* a row that stops the whole file says which it is */
		if (rc == CH_EINVALID)
			ch_error_prefix("第%zu行（流水号 %lld）：", r->line, pid);
	}
	if (rc == 0)
		rc = ch_audit_append_json(ctx, "subsidy.reconcile", "funds:bank-return",
		                          json_pack("{s:s?, s:I, s:I, s:I, s:I}", "file", file_hash,
		                                    "confirmed", (json_int_t)sum->confirmed,
		                                    "failed", (json_int_t)sum->failed, "repeated",
		                                    (json_int_t)sum->repeated, "unknown",
		                                    (json_int_t)sum->unknown));
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}
