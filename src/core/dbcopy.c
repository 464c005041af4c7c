/*
 * dbcopy — copies every table of one database into another (see dbcopy.h).
 *
 * The tables are named here, in an order where each one's references come
 * before it; foreign keys are checked at the commit anyway (rows of event
 * refer forward to the events superseding them). A table of the source not
 * named here is refused by name, so a later migration cannot be silently
 * left behind. Columns are read from the source by name and written as
 * they are (text, numbers as text, blobs as blobs); account.balance is
 * written as 0 and transfer.sealed as 0, and the target's own triggers
 * then rebuild the balances from the postings and check each transfer as
 * it is sealed again, so the copy passes the ledger's rules in the target
 * database itself. The register's search index is not copied but made
 * again in the target from the copied households, in the same
 * transaction (ch_db_text_index: SQLite's FTS5 table is filled there;
 * PostgreSQL's index follows household by itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/dbcopy.h"
#include "core/household_int.h"
#include "core/ledger.h"
#include "core/store.h"
#include "core/store_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strv.h"

/* The tables in the order they are loaded. */
static const char *const tables[] = {
    "meta",
    "region",
    "region_alias",
    "app_user",
    "audit_log",
    "audit_head",
    "plan",
    "plan_target",
    "ref_item",
    "ref_alias",
    "ref_limit",
    "household_import",
    "household",
    "stage",
    "event_batch",
    "event",
    "evidence",
    "event_evidence",
    "progress_daily",
    "dispatch_freeze",
    "calendar",
    "setting",
    "checklist_item",
    "inspection",
    "rectification",
    "review_application",
    "review_item",
    "followup",
    "review_evidence",
    "fund_source",
    "subsidy_policy",
    "entitlement",
    "account",
    "transfer",
    "posting",
    "payment_batch",
    "payment",
    "auth_session",
    "api_token",
    "signin_failure",
    "user_totp",
    "totp_recovery",
    "rule_version",
    "seal",
    "audit_key",
    "audit_checkpoint",
    "survey_household",
    "village_infra",
    "transformer",
    "factor",
    "usage_reading",
    "usage_flag",
    "holiday",
    "notice",
    "notice_item",
    "objection",
    "payment_hold",
    "hh_snapshot",
    "recovery",
    "recovery_receipt",
};
#define NTABLES (sizeof tables / sizeof tables[0])

/* Tables that are not copied: the schema's own history (the target has
 * it, at the same version), SQLite's full-text index (made again from
 * the copied households, search_again) and PostgreSQL's person table
 * (schema 23), which the target's trigger fills again from the households
 * as they arrive. */
static const char *const not_copied[] = {"schema_version", "household_search", "person"};

static int known(const char *name)
{
	for (size_t i = 0; i < NTABLES; i++)
		if (strcmp(tables[i], name) == 0)
			return 1;
	for (size_t i = 0; i < sizeof not_copied / sizeof not_copied[0]; i++)
		if (strcmp(not_copied[i], name) == 0)
			return 1;
	return 0;
}

static int64_t count_rows(ch_db *db, const char *table)
{
	char sql[128];
	int64_t n = -1;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	if (ch_db_query_int64(db, &n, sql, NULL) != 0)
		return -1;
	return n;
}

/* Copies the rows of TABLE from SRC into DST; adds their number to *ROWS. */
/* An entitlement may fall below what was once reserved or paid (an approved
 * change cut it, money was recovered), while the target's triggers check
 * the postings, as they are copied in their old order, against the
 * entitlement as it is now (PostgreSQL at each posting, SQLite at each
 * transfer's seal, schema 25). So while the postings are copied each entitlement is
 * raised (with its cost, which bounds it) by the money ever put into the
 * household's accounts, and afterwards lowered by as much again (SIGN 1,
 * then -1): the rows end as in the source. */
static int entitlement_headroom(ch_db *src, ch_db *dst, int sign)
{
	ch_stmt *st;
	int rc = ch_db_prepare(src, &st,
	                       "SELECT a.household_id, sum(p.amount) FROM account a"
	                       " JOIN posting p ON p.account_id = a.id"
	                       " WHERE a.household_id IS NOT NULL AND p.amount > 0"
	                       " GROUP BY a.household_id");
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t add = sign * ch_stmt_int64(st, 1);
		rc = ch_db_run(dst,
		               "UPDATE entitlement SET total_fen = total_fen + ?,"
		               " cost_fen = cost_fen + ? WHERE household_id = ?",
		               "iii", add, add, ch_stmt_int64(st, 0));
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static int copy_table(ch_db *src, ch_db *dst, const char *table, int64_t *rows)
{
	ch_stmt *in = NULL, *out = NULL;
	ch_buf b;
	int rc, ncols = 0;
	ch_buf_init(&b);
	ch_buf_printf(&b, "SELECT * FROM %s", table);
	rc = ch_db_prepare(src, &in, b.ptr);
	while (rc == 0 && (rc = ch_stmt_step(in)) == CH_DB_ROW) {
		rc = 0;
		if (!out) {
			ncols = ch_stmt_column_count(in);
			ch_buf_clear(&b);
			ch_buf_printf(&b, "INSERT INTO %s(", table);
			for (int c = 0; c < ncols; c++)
				ch_buf_printf(&b, "%s%s", c ? ", " : "",
				              ch_stmt_column_name(in, c));
			ch_buf_puts(&b, ") VALUES (");
			for (int c = 0; c < ncols; c++)
				ch_buf_puts(&b, c ? ", ?" : "?");
			ch_buf_puts(&b, ")");
			if ((rc = ch_db_prepare(dst, &out, b.ptr)) != 0)
				break;
		}
		for (int c = 0; c < ncols && rc == 0; c++) {
			const char *name = ch_stmt_column_name(in, c);
			size_t len = 0;
			const void *blob = ch_stmt_blob(in, c, &len);
			if ((strcmp(table, "account") == 0 && strcmp(name, "balance") == 0) ||
			    (strcmp(table, "transfer") == 0 && strcmp(name, "sealed") == 0))
				rc = ch_stmt_bind_int64(out, c + 1, 0); /* rebuilt by the target */
			else if (blob)
				rc = ch_stmt_bind_blob(out, c + 1, blob, len);
			else
				rc = ch_stmt_bind_text(out, c + 1, ch_stmt_text(in, c));
		}
		if (rc == 0 && (rc = ch_stmt_step(out)) >= 0) {
			rc = 0;
			ch_stmt_reset(out);
			(*rows)++;
		}
	}
	if (rc == 0)
		rc = ch_db_reset_ids(dst, table);
	if (rc)
		ch_error_prefix("复制表 %s：", table);
	ch_stmt_finalize(out);
	ch_stmt_finalize(in);
	ch_buf_dispose(&b);
	return rc < 0 ? rc : 0;
}

/* Seals again the transfers the source has sealed, and checks that every
 * account's balance rebuilt from its postings is the source's. */
static int ledger_again(ch_db *src, ch_db *dst)
{
	ch_stmt *st = NULL;
	int rc = ch_db_prepare(src, &st, "SELECT id FROM transfer WHERE sealed <> 0 ORDER BY id");
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW)
		rc = ch_db_run(dst, "UPDATE transfer SET sealed = 1 WHERE id = ?", "i",
		               ch_stmt_int64(st, 0));
	ch_stmt_finalize(st);
	if (rc < 0)
		return ch_error_prefix("复制后重新封存转账：");
	rc = ch_db_prepare(src, &st, "SELECT id, code, balance FROM account ORDER BY id");
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t there = 0;
		rc = ch_db_query_int64(dst, &there, "SELECT balance FROM account WHERE id = ?", "i",
		                       ch_stmt_int64(st, 0));
		if (rc == 0 && there != ch_stmt_int64(st, 2))
			rc = ch_error_set(
			    CH_EINVALID,
			    "复制后账户 %s 的余额为 %lld 分，与原数据库的 %lld 分不一致",
			    ch_stmt_text(st, 1), (long long)there, (long long)ch_stmt_int64(st, 2));
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The register's search index in the target, made from its households as
 * an import writes it (household.c): the target is new, so its index
 * holds nothing yet. */
static int search_again(ch_db *dst)
{
	if (ch_db_text_index(dst, "household_search", HH_SEARCH_COLS, NULL,
	                     "SELECT id, " HH_SEARCH_VALS " FROM household") != 0)
		return ch_error_prefix("复制后重建户主检索索引：");
	return 0;
}

/* The audit chain and the ledger, verified in the target. */
static int verify_target(ch_db *dst, ch_dbcopy_report *rep)
{
	ch_store bare = {.db = dst};
	ch_ctx sys;
	ch_audit_report arep;
	ch_ledger_report lrep;
	ch_ctx_init_system(&sys, &bare);
	int rc = ch_audit_verify(&sys, &arep);
	if (rc)
		return ch_error_prefix("复制后的数据库审计日志校验失败：");
	rep->audit_entries = arep.entries;
	memset(&lrep, 0, sizeof lrep);
	rc = ch_ledger_verify(&sys, &lrep);
	if (rc)
		return ch_error_prefix("复制后的数据库资金账校验失败：");
	rep->transfers = lrep.transfers;
	return 0;
}

/* The copy from the source CTX works on. */
static int copy_from(ch_ctx *ctx, const char *to_url, ch_dbcopy_report *rep)
{
	ch_db *dst = NULL;
	ch_strv have;
	int rc;
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_USER_ADMIN)) != 0)
		return rc;
	ch_strv_init(&have);
	if ((rc = ch_db_tables(ctx->db, &have)) != 0)
		goto done;
	for (size_t i = 0; i < have.len; i++)
		if (!known(have.items[i])) {
			rc = ch_error_set(CH_EINVALID,
			                  "原数据库有本程序不会复制的表「%s」，未复制任何内容",
			                  have.items[i]);
			goto done;
		}
	if ((rc = ch_db_open(&dst, to_url, NULL)) != 0) {
		ch_error_prefix("目标数据库：");
		goto done;
	}
	if (count_rows(dst, "audit_log") != 0 || count_rows(dst, "app_user") != 0) {
		rc = ch_error_set(CH_ECONFLICT,
		                  "目标数据库「%s」不是空的（已有用户或审计记录）：db copy "
		                  "只复制到新建的空数据库",
		                  to_url);
		goto done;
	}
	/* one transaction of each: the source as one snapshot, the target all
	 * or nothing */
	if ((rc = ch_db_begin_read(ctx->db)) != 0)
		goto done;
	if ((rc = ch_db_begin(dst)) == 0 && (rc = ch_db_defer_checks(dst)) == 0) {
		/* the rows the migrations put in (stages, fund sources) come from
		 * the source like the rest */
		char sql[96];
		for (size_t i = NTABLES; i-- > 0 && rc == 0;) {
			snprintf(sql, sizeof sql, "DELETE FROM %s", tables[i]);
			rc = ch_db_run(dst, sql, NULL);
		}
		for (size_t i = 0; i < NTABLES && rc == 0; i++) {
			int present = 0;
			for (size_t j = 0; j < have.len && !present; j++)
				present = strcmp(have.items[j], tables[i]) == 0;
			if (!present)
				continue;
			rc = copy_table(ctx->db, dst, tables[i], &rep->rows);
			if (rc == 0 && count_rows(dst, tables[i]) != count_rows(ctx->db, tables[i]))
				rc = ch_error_set(CH_EINVALID, "复制后表 %s 的行数与原数据库不一致",
				                  tables[i]);
			rep->tables += rc == 0;
			if (rc == 0 && strcmp(tables[i], "entitlement") == 0)
				rc = entitlement_headroom(ctx->db, dst, 1);
		}
		if (rc == 0)
			rc = entitlement_headroom(ctx->db, dst, -1);
		if (rc == 0)
			rc = ledger_again(ctx->db, dst);
		if (rc == 0)
			rc = search_again(dst);
		if (rc == 0)
			rc = verify_target(dst, rep);
		if (rc == 0)
			rc = ch_db_commit(dst);
		else
			ch_db_rollback(dst);
	}
	ch_db_commit(ctx->db);
done:
	ch_db_close(dst);
	ch_strv_dispose(&have);
	return rc;
}

int ch_dbcopy(ch_ctx *ctx, const char *from_url, const char *to_url, ch_dbcopy_report *rep)
{
	ch_store *store = NULL;
	ch_ctx *src = NULL;
	memset(rep, 0, sizeof *rep);
	int rc = ch_ctx_require_role(ctx, CH_PERM_USER_ADMIN);
	if (rc || !from_url)
		return rc ? rc : copy_from(ctx, to_url, rep);
	/* the same person, by name, in the source database */
	if ((rc = ch_store_open_existing(&store, from_url)) != 0)
		return ch_error_prefix("原数据库：");
	rc = ch_ctx_new(&src, store, ch_ctx_actor(ctx)->name);
	if (rc == 0)
		rc = copy_from(src, to_url, rep);
	ch_ctx_free(src);
	ch_store_free(store);
	return rc;
}
