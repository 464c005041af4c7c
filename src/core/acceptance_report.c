/*
 * acceptance_report — the acceptance report: per county, the households
 * commissioned, self-inspected, applied for and reviewed against the
 * calendar's curve, with the samples, their results and the open and
 * overdue rectification orders as of a day (see acceptance.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/acceptance.h"
#include "core/ctx_int.h"
#include "core/dispatch.h"
#include "util/alloc.h"

int ch_acceptance_report(ch_ctx *ctx, int year, const char *as_of, ch_acceptance_row **rows,
                         size_t *n)
{
	ch_dispatch d;
	ch_stmt *st;
	int rc;
	*rows = NULL;
	*n = 0;
	if ((rc = ch_dispatch_compute(ctx, year, as_of, 0, &d)) != 0)
		return rc;
	*n = d.nrows;
	*rows = ch_calloc(d.nrows, sizeof **rows);
	for (size_t i = 0; i < d.nrows; i++) {
		ch_acceptance_row *r = &(*rows)[i];
		const ch_dispatch_row *x = &d.rows[i];
		r->code = ch_strdup(x->code);
		r->name = ch_strdup(x->name);
		r->target = x->target;
		r->commissioned = x->n[CH_STAGE_COMMISSIONED];
		r->self_inspected = x->n[CH_STAGE_SELF_INSPECTED];
		r->applied = x->n[CH_STAGE_REVIEW_REQUESTED];
		r->reviewed = x->n[CH_STAGE_REVIEWED];
		r->expected_self = x->expected[CH_STAGE_SELF_INSPECTED];
		r->expected_review = x->expected[CH_STAGE_REVIEWED];
		int worst = 0;
		int stages[2] = {CH_STAGE_SELF_INSPECTED, CH_STAGE_REVIEWED};
		for (int k = 0; k < 2; k++) {
			int s = stages[k];
			if (x->expected[s] > 0 && x->target > 0) {
				int st2 = x->gap[s] <= d.cal.green_gap * 10    ? 0
				          : x->gap[s] <= d.cal.yellow_gap * 10 ? 1
				                                               : 2;
				if (st2 > worst)
					worst = st2;
			}
		}
		r->status = worst;
	}
	ch_dispatch_dispose(&d);
	/* samples, results and orders per county, as of the day */
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT r.code,"
	    " (SELECT count(*) FROM review_item i JOIN review_application a ON a.id = "
	    "i.application_id"
	    "  JOIN household h ON h.id = i.household_id WHERE h.county_id = r.id AND a.plan_year "
	    "= ?1"
	    "  AND i.sample_round IS NOT NULL AND a.applied_at <= ?2),"
	    " (SELECT count(*) FROM review_item i JOIN review_application a ON a.id = "
	    "i.application_id"
	    "  JOIN household h ON h.id = i.household_id WHERE h.county_id = r.id AND a.plan_year "
	    "= ?1"
	    "  AND i.result = 'pass' AND i.result_day <= ?2),"
	    " (SELECT count(*) FROM review_item i JOIN review_application a ON a.id = "
	    "i.application_id"
	    "  JOIN household h ON h.id = i.household_id WHERE h.county_id = r.id AND a.plan_year "
	    "= ?1"
	    "  AND i.result = 'fail' AND i.result_day <= ?2),"
	    " (SELECT count(*) FROM rectification o JOIN household h ON h.id = o.household_id"
	    "  WHERE h.county_id = r.id AND h.plan_year = ?1 AND o.opened_day <= ?2"
	    "  AND (o.closed_day IS NULL OR o.closed_day > ?2)),"
	    " (SELECT count(*) FROM rectification o JOIN household h ON h.id = o.household_id"
	    "  WHERE h.county_id = r.id AND h.plan_year = ?1 AND o.opened_day <= ?2"
	    "  AND (o.closed_day IS NULL OR o.closed_day > ?2) AND o.deadline < ?2)"
	    " FROM region r WHERE r.level = 2",
	    "it", (int64_t)year, as_of);
	if (rc) {
		ch_acceptance_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return rc;
	}
	ch_acceptance_row *tot = &(*rows)[*n - 1];
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		for (size_t i = 0; i + 1 < *n; i++) {
			ch_acceptance_row *r = &(*rows)[i];
			if (strcmp(r->code, ch_stmt_text(st, 0)) != 0)
				continue;
			r->sampled = ch_stmt_int64(st, 1);
			r->passed = ch_stmt_int64(st, 2);
			r->failed = ch_stmt_int64(st, 3);
			r->open_orders = ch_stmt_int64(st, 4);
			r->overdue_orders = ch_stmt_int64(st, 5);
			tot->sampled += r->sampled;
			tot->passed += r->passed;
			tot->failed += r->failed;
			tot->open_orders += r->open_orders;
			tot->overdue_orders += r->overdue_orders;
		}
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

void ch_acceptance_free(ch_acceptance_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].code);
		free(rows[i].name);
	}
	free(rows);
}
