/*
 * snapshot — the facts of a subsidy frozen at review, changes after it
 * marked and approved with the entitlement's adjustment (see snapshot.h).
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
#include "core/notice.h"
#include "core/snapshot.h"
#include "core/subsidy_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"

int ch_snapshot_take(ch_ctx *ctx, int64_t household, const char *day)
{
	char now[32];
	ch_now_utc(now, sizeof now);
	/* an update, else an insert: SQLite cannot take the key (household_id,
	 * county_id) as an ON CONFLICT target, household_id being its rowid */
	int rc = ch_db_run(ctx->db,
	                   "UPDATE hh_snapshot SET (technology, es_measures, es_area_centi,"
	                   " heated_area_centi, cost_fen, bank_account, id_number, day, taken_at)"
	                   " = (SELECT technology, es_measures, es_area_centi, heated_area_centi,"
	                   " cost_fen, bank_account, id_number, ?, ? FROM household"
	                   " WHERE id = hh_snapshot.household_id) WHERE household_id = ?",
	                   "tti", day, now, household);
	if (rc == 0 && ch_db_changes(ctx->db) == 0)
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO hh_snapshot(household_id, technology, es_measures,"
		    " es_area_centi, heated_area_centi, cost_fen, bank_account, id_number,"
		    " day, taken_at, county_id) SELECT id, technology, es_measures,"
		    " es_area_centi, heated_area_centi, cost_fen, bank_account, id_number,"
		    " ?, ?, county_id FROM household WHERE id = ?",
		    "tti", day, now, household);
	return rc;
}

/* The fields compared, the register's column against the snapshot's, with
 * the names people know them by. */
static const struct {
	const char *col, *label;
} fields[] = {
    {"technology", "改造方式"},
    {"es_measures", "节能改造措施"},
    {"es_area_centi", "节能改造面积"},
    {"heated_area_centi", "取暖面积"},
    {"cost_fen", "总投资"},
    {"bank_account", "收款账号"},
    {"id_number", "身份证号"},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The SELECT list "h.X IS DISTINCT FROM s.X, ..." and the WHERE
 * "(... OR ...)", over the households FROM gives (the start of a FROM
 * clause naming them h, joined to their snapshots s). */
static void diff_sql(ch_buf *b, const char *from)
{
	ch_buf_printf(b, "SELECT h.id, h.hh_no");
	for (size_t i = 0; i < NFIELDS; i++)
		ch_buf_printf(b, ", h.%s IS DISTINCT FROM s.%s", fields[i].col, fields[i].col);
	ch_buf_printf(b, " FROM %s WHERE (", from);
	for (size_t i = 0; i < NFIELDS; i++)
		ch_buf_printf(b, "%sh.%s IS DISTINCT FROM s.%s", i ? " OR " : "", fields[i].col,
		              fields[i].col);
	ch_buf_printf(b, ")");
}

/* The names of the fields that differ in the current row of ST (columns 2
 * on) into OUT. */
static void changed_names(ch_stmt *st, char *out, size_t outsz)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < NFIELDS && len < outsz; i++)
		if (ch_stmt_int64(st, (int)i + 2))
			len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? "、" : "",
			                        fields[i].label);
}

int ch_snapshot_mark_changed(ch_ctx *ctx, const char *day, const char *among, size_t *n)
{
	ch_buf sql;
	ch_stmt *st = NULL;
	int64_t *ids = NULL;
	char **why = NULL;
	size_t cap = 0;
	int rc;
	*n = 0;
	ch_buf_init(&sql);
	/* driven by the households named, each found by its id, in their
	 * order: with the register first, SQLite read every household to
	 * have them in the order of the ids */
	char from[160] = "household h JOIN hh_snapshot s ON s.household_id = h.id";
	if (among)
		snprintf(from, sizeof from,
		         "%s m JOIN hh_snapshot s ON s.household_id = m.id"
		         " JOIN household h ON h.id = s.household_id",
		         among);
	diff_sql(&sql, from);
	ch_buf_printf(&sql,
	              " AND h.status IN ('reviewed', 'subsidized') AND NOT EXISTS"
	              " (SELECT 1 FROM payment_hold x WHERE x.household_id = h.id"
	              " AND x.county_id = h.county_id"
	              " AND x.kind = 'changed' AND x.released_day IS NULL) ORDER BY %s",
	              among ? "m.id" : "h.id");
	rc = ch_db_preparef(ctx->db, &st, sql.ptr, NULL);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		char names[200], reason[320];
		changed_names(st, names, sizeof names);
		snprintf(reason, sizeof reason, "复核通过后台账中的%s有变更，待州级审批", names);
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = ch_reallocarray(ids, cap, sizeof *ids);
			why = ch_reallocarray(why, cap, sizeof *why);
		}
		ids[*n] = ch_stmt_int64(st, 0);
		why[*n] = ch_strdup(reason);
		(*n)++;
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	for (size_t i = 0; i < *n && rc == 0; i++)
		rc = ch_db_run(ctx->db,
		               "INSERT INTO payment_hold(household_id, kind, reason, day, held_by,"
		               " county_id) SELECT h.id, 'changed', ?, ?, ?, h.county_id"
		               " FROM household h WHERE h.id = ?",
		               "ttti", why[i], day, ctx->actor.name, ids[i]);
	for (size_t i = 0; i < *n; i++)
		free(why[i]);
	free(why);
	free(ids);
	ch_buf_dispose(&sql);
	return rc;
}

/* What household HH holds (payable + transit + paid) of SOURCE, and of it
 * what is still payable. */
static int held(ch_ctx *ctx, int64_t hh, const char *source, int64_t *all, int64_t *payable)
{
	int rc = ch_db_query_int64(ctx->db, all,
	                           "SELECT coalesce(sum(balance), 0) FROM account"
	                           " WHERE household_id = ? AND source = ?"
	                           " AND kind IN ('payable', 'transit', 'paid')",
	                           "it", hh, source);
	if (rc == 0)
		rc =
		    ch_db_query_int64(ctx->db, payable,
		                      "SELECT coalesce(sum(balance), 0) FROM account"
		                      " WHERE household_id = ? AND source = ? AND kind = 'payable'",
		                      "it", hh, source);
	return rc;
}

/* Posts the adjustment of household HH to entitlement E (see snapshot.h),
 * the N-th approval, into OUT. */
static int adjust(ch_ctx *ctx, int64_t hh, const ch_entitlement *e, int64_t n, const char *day,
                  ch_change_approval *out)
{
	ch_posting up[2 * CH_MAX_SOURCES], down[2 * CH_MAX_SOURCES];
	char codes[CH_MAX_SOURCES][2][64], key[64];
	size_t nup = 0, ndown = 0;
	int64_t tid, raise = 0;
	int existed, rc = 0;
	for (size_t k = 0; k < e->nsplit && rc == 0; k++) {
		int64_t all = 0, payable = 0, diff;
		if ((rc = held(ctx, hh, e->split[k].source, &all, &payable)) != 0)
			break;
		diff = e->split[k].fen - all;
		snprintf(codes[k][0], sizeof codes[k][0], "county:%s:%s", e->county_code,
		         e->split[k].source);
		snprintf(codes[k][1], sizeof codes[k][1], "payable:%" PRId64 ":%s", hh,
		         e->split[k].source);
		if (diff > 0) {
			up[nup++] = (ch_posting){codes[k][0], -diff};
			up[nup++] = (ch_posting){codes[k][1], diff};
			raise += diff;
		} else if (diff < 0) {
			int64_t back = -diff < payable ? -diff : payable;
			if (back > 0) {
				down[ndown++] = (ch_posting){codes[k][1], -back};
				down[ndown++] = (ch_posting){codes[k][0], back};
			}
			out->adjusted_fen -= back;
			out->recovery_fen += -diff - back;
		}
	}
	if (rc)
		return rc;
	out->adjusted_fen += raise;
	/* the entitlement first: a rise may not pass it; money paid beyond the
	 * new one stays counted in it until it is recovered */
	int64_t total = e->total_fen + out->recovery_fen;
	rc = ch_db_run(ctx->db,
	               "UPDATE entitlement SET policy_id = ?, total_fen = ?, cost_fen = ?"
	               " WHERE household_id = ?",
	               "iiii", e->policy_id, total, e->cost_fen > total ? e->cost_fen : total, hh);
	if (rc == 0 && nup) {
		snprintf(key, sizeof key, "adjust:%" PRId64 ":%" PRId64 ":up", hh, n);
		rc = ch_ledger_transfer(ctx, key, "adjust", day, "核定后变更：补助调增", hh, 0, up,
		                        nup, &tid, &existed);
	}
	if (rc == 0 && ndown) {
		snprintf(key, sizeof key, "adjust:%" PRId64 ":%" PRId64 ":down", hh, n);
		rc = ch_ledger_transfer(ctx, key, "adjust", day,
		                        "核定后变更：补助调减，退回县级专户", hh, 0, down, ndown,
		                        &tid, &existed);
	}
	if (rc == 0 && out->recovery_fen > 0) {
		char y[32], reason[200];
		snprintf(reason, sizeof reason, "核定后变更：已发出 %s 元超过新核定补助",
		         ch_money_format(out->recovery_fen, y, sizeof y));
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO recovery(household_id, amount_fen, reason, day, created_by)"
		    " VALUES (?, ?, ?, ?, ?)",
		    "iittt", hh, out->recovery_fen, reason, day, ctx->actor.name);
		if (rc == 0)
			out->recovery_id = ch_db_last_id(ctx->db);
	}
	return rc;
}

int ch_snapshot_approve(ch_ctx *ctx, const char *county, const char *household, const char *day,
                        const char *note, ch_change_approval *out)
{
	ch_hh_ref ref;
	ch_stmt *st = NULL;
	ch_buf sql;
	int64_t hold = 0, n = 0, has_ent = 0;
	char d[11], obj[64];
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = ch_ctx_require(ctx, CH_PERM_APPROVE_CHANGE, 0)) != 0 ||
	    (rc = ch_household_locate(ctx, CH_PERM_APPROVE_CHANGE, county, household, &ref)) != 0)
		return rc;
	if ((rc = ch_subsidy_check_day("date", "审批日期", day)) != 0)
		return rc;
	if (!note || !*note)
		return ch_error_set_field(CH_EINVALID, "note", "请写明审批意见");
	snprintf(d, sizeof d, "%.10s", day);
	if (ch_db_query_int64(ctx->db, &hold,
	                      "SELECT id FROM payment_hold WHERE household_id = ?"
	                      " AND county_id = ? AND kind = 'changed' AND released_day IS NULL",
	                      "ii", ref.id, ref.county_id) != 0)
		return ch_error_set(CH_ENOTFOUND, "户编号 %s 没有待审批的核定后变更", ref.hh_no);
	/* what changed, said before the snapshot is replaced */
	ch_buf_init(&sql);
	diff_sql(&sql, "household h JOIN hh_snapshot s ON s.household_id = h.id");
	ch_buf_printf(&sql, " AND h.id = ?");
	if (ch_db_preparef(ctx->db, &st, sql.ptr, "i", ref.id) == 0 &&
	    ch_stmt_step(st) == CH_DB_ROW)
		changed_names(st, out->fields, sizeof out->fields);
	ch_stmt_finalize(st);
	ch_buf_dispose(&sql);
	ch_error_clear();
	ch_db_query_int64(ctx->db, &out->old_fen,
	                  "SELECT total_fen FROM entitlement WHERE household_id = ?", "i", ref.id);
	ch_db_query_int64(ctx->db, &has_ent,
	                  "SELECT count(*) FROM entitlement WHERE household_id = ?", "i", ref.id);
	ch_db_query_int64(ctx->db, &n,
	                  "SELECT count(*) FROM payment_hold WHERE household_id = ?"
	                  " AND county_id = ? AND kind = 'changed'",
	                  "ii", ref.id, ref.county_id);
	ch_error_clear();
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	rc = ch_hold_release_row(ctx, hold, d, note);
	if (rc == 0)
		rc = ch_snapshot_take(ctx, ref.id, d);
	if (rc == 0 && has_ent) {
		ch_entitlement e;
		rc = ch_subsidy_compute(ctx, ref.id, &e);
		if (rc == 0) {
			out->new_fen = e.total_fen;
			rc = adjust(ctx, ref.id, &e, n, d, out);
		}
	}
	snprintf(obj, sizeof obj, "household:%" PRId64, ref.id);
	if (rc == 0)
		rc = ch_audit_append_json(
		    ctx, "subsidy.approve_change", obj,
		    json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "household", ref.hh_no,
		              "day", d, "fields", out->fields, "note", note, "old_fen",
		              (json_int_t)out->old_fen, "new_fen", (json_int_t)out->new_fen,
		              "adjusted_fen", (json_int_t)out->adjusted_fen, "recovery_fen",
		              (json_int_t)out->recovery_fen));
	return ch_ctx_end(ctx, rc);
}
