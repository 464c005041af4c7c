/*
 * reserve — reserving entitlements: for every household of a county whose
 * review passed, its entitlement moves from the county's special accounts
 * to the household's payable accounts, source by source, as far as the
 * county's accounts allow (see subsidy.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/ledger.h"
#include "core/subsidy_int.h"
#include "core/workflow.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"

int ch_subsidy_reserve(ch_ctx *ctx, const char *county, const char *day, ch_reserve_summary *sum)
{
	ch_region c;
	ch_stmt *st;
	int64_t *ids = NULL;
	char **rdays = NULL;
	size_t n = 0, cap = 0;
	int rc;
	memset(sum, 0, sizeof *sum);
	if ((rc = ch_subsidy_funds_county(ctx, county, day, &c)) != 0)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT h.id, (SELECT max(e.day) FROM event e WHERE e.household_id = h.id"
	    " AND e.stage_no = ? AND e.superseded_by IS NULL) FROM household h"
	    " WHERE h.county_id = ? AND h.status = 'reviewed'"
	    " AND (NOT EXISTS (SELECT 1 FROM entitlement x WHERE x.household_id = h.id)"
	    /* or reserved before, withdrawn on an upheld objection, order closed */
	    " OR (EXISTS (SELECT 1 FROM objection o WHERE o.household_id = h.id"
	    " AND o.county_id = h.county_id AND o.status = 'upheld') AND NOT EXISTS (SELECT 1 FROM "
	    "transfer t"
	    " WHERE t.household_id = h.id AND t.kind = 'reserve' AND NOT EXISTS"
	    " (SELECT 1 FROM transfer r WHERE r.reverses = t.id))"
	    " AND NOT EXISTS (SELECT 1 FROM rectification o WHERE o.household_id = h.id"
	    " AND o.closed_day IS NULL)))"
	    " ORDER BY h.id",
	    "ii", (int64_t)CH_STAGE_REVIEWED, c.id);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = ch_reallocarray(ids, cap, sizeof *ids);
			rdays = ch_reallocarray(rdays, cap, sizeof *rdays);
		}
		ids[n] = ch_stmt_int64(st, 0);
		rdays[n] = ch_strdup(ch_stmt_text(st, 1) ? ch_stmt_text(st, 1) : day);
		n++;
		rc = 0;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_finalize(st);
	if (rc)
		goto done;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	for (size_t i = 0; i < n && rc == 0; i++) {
		ch_entitlement e;
		char now[32], key[64], codes[CH_MAX_SOURCES][2][64];
		ch_posting p[2 * CH_MAX_SOURCES];
		size_t np = 0;
		int enough = 1, existed;
		int64_t tid;
		/* reviewed before snapshots were kept: frozen now */
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO hh_snapshot(household_id, technology, es_measures,"
		    " es_area_centi, heated_area_centi, cost_fen, bank_account, id_number,"
		    " day, taken_at, county_id) SELECT id, technology, es_measures, es_area_centi,"
		    " heated_area_centi, cost_fen, bank_account, id_number, ?, ?, county_id"
		    " FROM household WHERE id = ? AND NOT EXISTS"
		    " (SELECT 1 FROM hh_snapshot WHERE household_id = ?)",
		    "ttii", rdays[i], day, ids[i], ids[i]);
		if (rc == 0)
			rc = ch_subsidy_compute(ctx, ids[i], &e);
		if (rc == CH_ENOTFOUND) { /* no policy for its year: it waits */
			ch_error_clear();
			rc = 0;
			sum->no_policy++;
			continue;
		}
		if (rc == CH_EINVALID) { /* no cost recorded: it waits */
			ch_error_clear();
			rc = 0;
			sum->no_cost++;
			continue;
		}
		if (rc)
			break;
		for (size_t k = 0; k < e.nsplit && enough; k++) {
			int64_t bal;
			if (!e.split[k].fen)
				continue;
			snprintf(codes[k][0], sizeof codes[k][0], "county:%s:%s", e.county_code,
			         e.split[k].source);
			snprintf(codes[k][1], sizeof codes[k][1], "payable:%" PRId64 ":%s", ids[i],
			         e.split[k].source);
			if ((rc = ch_ledger_balance(ctx, codes[k][0], &bal)) != 0)
				break;
			enough = bal >= e.split[k].fen;
			p[np++] = (ch_posting){codes[k][0], -e.split[k].fen};
			p[np++] = (ch_posting){codes[k][1], e.split[k].fen};
		}
		if (rc)
			break;
		if (!enough) {
			sum->short_of_funds++;
			continue;
		}
		json_t *d = json_object(), *lines = json_array(), *split = json_object();
		for (size_t k = 0; k < e.nlines; k++)
			json_array_append_new(lines, json_string(e.lines[k]));
		for (size_t k = 0; k < e.nsplit; k++)
			json_object_set_new(split, e.split[k].source, json_integer(e.split[k].fen));
		json_object_set_new(d, "lines", lines);
		json_object_set_new(d, "split", split);
		char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(d);
		ch_now_utc(now, sizeof now);
		/* computed again (an objection upheld): the day its review passed
		 * stays. An update, else an insert: SQLite cannot take the key
		 * (household_id, county_id) as an ON CONFLICT target, household_id
		 * being its rowid. */
		rc = ch_db_run(ctx->db,
		               "UPDATE entitlement SET policy_id = ?, total_fen = ?, cost_fen = ?,"
		               " detail = ?, computed_at = ? WHERE household_id = ?",
		               "iiitti", e.policy_id, e.total_fen, e.cost_fen, ds, now, ids[i]);
		if (rc == 0 && ch_db_changes(ctx->db) == 0)
			rc =
			    ch_db_run(ctx->db,
			              "INSERT INTO entitlement(household_id, policy_id, total_fen,"
			              " cost_fen, detail, reviewed_day, computed_at, county_id)"
			              " SELECT h.id, ?, ?, ?, ?, ?, ?, h.county_id FROM household h"
			              " WHERE h.id = ?",
			              "iiittti", e.policy_id, e.total_fen, e.cost_fen, ds, rdays[i],
			              now, ids[i]);
		free(ds);
		if (rc == 0 && e.total_fen == 0) {
			sum->zero++;
			continue;
		}
		int64_t before = 0; /* reservations withdrawn on an upheld objection */
		if (rc == 0)
			rc =
			    ch_db_query_int64(ctx->db, &before,
			                      "SELECT count(*) FROM transfer WHERE household_id = ?"
			                      " AND kind = 'reserve'",
			                      "i", ids[i]);
		if (before)
			snprintf(key, sizeof key, "reserve:%" PRId64 ":%" PRId64, ids[i],
			         before + 1);
		else
			snprintf(key, sizeof key, "reserve:%" PRId64, ids[i]);
		if (rc == 0)
			rc = ch_ledger_transfer(ctx, key, "reserve", day, "补助资金预留", ids[i], 0,
			                        p, np, &tid, &existed);
		if (rc == 0) {
			sum->reserved++;
			sum->total_fen += e.total_fen;
		}
	}
	if (rc == 0) {
		char obj[64];
		snprintf(obj, sizeof obj, "funds:%s", c.code);
		rc = ch_audit_append_json(
		    ctx, "subsidy.reserve", obj,
		    json_pack("{s:s, s:I, s:I, s:I, s:I}", "day", day, "reserved",
		              (json_int_t)sum->reserved, "short_of_funds",
		              (json_int_t)sum->short_of_funds, "total_fen",
		              (json_int_t)sum->total_fen, "no_cost", (json_int_t)sum->no_cost));
	}
	rc = ch_ctx_end(ctx, rc);
done:
	for (size_t i = 0; i < n; i++)
		free(rdays[i]);
	free(rdays);
	free(ids);
	ch_region_dispose(&c);
	return rc;
}
