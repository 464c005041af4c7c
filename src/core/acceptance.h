/*
 * acceptance — self-inspection (自验), review applications with their
 * reproducible samples (复核), rectification orders (整改) and follow-up
 * visits (回访).
 *
 * The flow: a commissioned household is inspected against the checklist
 * (data/acceptance/checklist.csv); a pass moves it to 自验合格, a failed
 * item opens a rectification order, and it can be inspected again only once
 * the order is closed. A county bundles its self-inspected households into
 * a numbered review application (已申请复核). The prefecture assigns it to a
 * reviewing unit and a reviewer, recording a value the county cannot know
 * in advance (a lottery number, a logged random value); its hash seeds the
 * sample, drawn per township × technology × contractor stratum. The
 * reviewer records results; if too many sampled households fail, the
 * sample widens (then to everyone). When every sampled household has a
 * result, the failed ones go back to 已调试 with a rectification order and
 * all others pass (复核通过). Visits after commissioning may open orders too.
 *
 * inspection.c holds inspections, rectification.c the orders, followup.c
 * the visits, review.c the applications and samples, acceptance_report.c
 * the report.
 */
#ifndef CH_CORE_ACCEPTANCE_H
#define CH_CORE_ACCEPTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

typedef struct ch_ctx ch_ctx;

/* ---- self-inspection ---- */

typedef struct ch_inspect_in {
	const char *county;    /* name or code, NULL: HOUSEHOLD is an ID number */
	const char *household; /* 户编号 or ID number */
	const char *result;    /* "pass" or "fail" */
	const char *day;
	const char *inspector;    /* the inspector's name as on the form */
	const char *const *items; /* "KEY=pass|fail" overrides; unnamed items pass */
	size_t nitems;
	const ch_evidence *evidence;
	size_t nevidence;
	const char *today; /* NULL: today in Beijing */
} ch_inspect_in;

/* Records an inspection. CH_EINVALID with the reason for a household that
 * is not commissioned, has an open rectification order, an unknown item,
 * a result that contradicts the items, a pass without evidence. On a fail
 * *ORDER gets the rectification order opened (else 0). Audited.
 * CH_EDENIED unless the actor holds CH_PERM_INSPECT for the household. */
int ch_inspect_record(ch_ctx *ctx, const ch_inspect_in *in, int64_t *inspection_id, int64_t *order);

/* Calls FN with each checklist item's key and Chinese name, in the
 * checklist's order (data/acceptance/checklist.csv). */
int ch_checklist_each(ch_ctx *ctx, int (*fn)(const char *key, const char *name, void *arg),
                      void *arg);

/* ---- rectification orders ---- */

typedef struct ch_rectification {
	int64_t id;
	const char *county, *hh_no, *head_name;
	const char *source; /* inspection, review, followup */
	const char *issue, *opened_day, *deadline, *closed_day;
	int overdue; /* open past its deadline on the day asked */
} ch_rectification;

/* Calls FN for each order within the actor's scope: all, only open ones
 * (OPEN_ONLY), or only those open past their deadline on AS_OF (OVERDUE). */
int ch_rectification_each(ch_ctx *ctx, int open_only, int overdue, const char *as_of,
                          int (*fn)(const ch_rectification *r, void *arg), void *arg);
/* Opens an order for HOUSEHOLD, in the caller's transaction, with the
 * default deadline (data/acceptance/followup.csv). SOURCE is inspection,
 * review or followup; SOURCE_ID the record that found the issue. The
 * order takes the household's county; CH_ENOTFOUND when there is no such
 * household. */
int ch_rectification_open(ch_ctx *ctx, int64_t household, const char *source, int64_t source_id,
                          const char *issue, const char *day, int64_t *id);
/* Closes order ID on DAY with NOTE (what was done). Audited. */
int ch_rectification_close(ch_ctx *ctx, int64_t id, const char *day, const char *note,
                           const char *today);

/* ---- follow-up visits ---- */

typedef struct ch_followup_in {
	const char *county, *household;
	int visit; /* 1 or 2 */
	const char *day;
	int in_use;          /* the new system is in use */
	const char *comfort; /* good, fair, poor (好, 一般, 差) */
	int cost_complaint;
	int coal_burned; /* 返煤 */
	const char *fault;
	int satisfaction; /* 1-5, 0: not asked */
	const char *note, *visitor;
	const char *today;
} ch_followup_in;

/* Records a visit; any problem (not in use, coal burned, a fault, a cost
 * complaint, poor comfort) opens a rectification order (*ORDER). */
int ch_followup_record(ch_ctx *ctx, const ch_followup_in *in, int64_t *order);

typedef struct ch_followup_due {
	const char *county, *township, *village, *hh_no, *head_name;
	int visit;
	const char *due;    /* YYYY-MM-DD */
	int overdue;        /* due before AS_OF */
	const char *reason; /* visit 3: the usage check's flags (core/usage.h); else NULL */
} ch_followup_due;
/* Visits due by AS_OF and not yet made, for commissioned (or later)
 * households in the actor's scope: visits 1 and 2 by the schedule, and
 * visit 3 where the season's usage check asked for one (first_visit_days
 * after the flag), with its reason. */
int ch_followup_each_due(ch_ctx *ctx, const char *as_of,
                         int (*fn)(const ch_followup_due *d, void *arg), void *arg);

/* ---- review applications ---- */

/* Bundles HH_NOS (户编号 of COUNTY; NULL: every self-inspected household of
 * the county's plan year YEAR not yet applied for) into a new application,
 * moving them to 已申请复核. *NUMBER receives its number (caller frees).
 * CH_EDENIED unless the actor holds CH_PERM_INSPECT for COUNTY. */
int ch_review_apply(ch_ctx *ctx, const char *county, int year, const char *const *hh_nos, size_t n,
                    const char *day, const char *today, char **number);
/* Assigns application NUMBER to UNIT and reviewer REVIEWER (a user with the
 * reviewer role), fixing the sample's seed from SEED_SOURCE, and draws the
 * first sample. CH_EDENIED without CH_PERM_REVIEW_ASSIGN (the prefecture's). */
int ch_review_assign(ch_ctx *ctx, const char *number, const char *unit, const char *reviewer,
                     const char *seed_source);
/* Records the review of one household of NUMBER (in the sample). When the
 * last sampled result is in, the sample widens or the application
 * completes (see the file comment). *WIDENED / *COMPLETED say which. */
int ch_review_result(ch_ctx *ctx, const char *number, const char *household, const char *result,
                     const char *day, const char *note, const ch_evidence *evidence,
                     size_t nevidence, const char *today, int *widened, int *completed);
/* Derives the sample of NUMBER again from its stored seed and policy and
 * compares: 0 when identical, CH_EINVALID naming the first difference. */
int ch_review_verify(ch_ctx *ctx, const char *number, size_t *checked);

typedef struct ch_review_app {
	const char *number, *county, *status, *unit, *reviewer, *applied_at, *seed_source, *outcome;
	int year, round;
	int64_t households, sampled, passed, failed;
} ch_review_app;
/* Applications the actor may see: reviewers only those assigned to them,
 * county users only their county's. */
int ch_review_each(ch_ctx *ctx, int (*fn)(const ch_review_app *a, void *arg), void *arg);

typedef struct ch_review_member {
	const char *hh_no, *head_name, *township, *technology, *contractor, *stratum, *result;
	int sample_round; /* 0: not in the sample */
} ch_review_member;
/* The households of application NUMBER (visible as for ch_review_each). */
int ch_review_members(ch_ctx *ctx, const char *number,
                      int (*fn)(const ch_review_member *m, void *arg), void *arg);

/* ---- the acceptance report ---- */

typedef struct ch_acceptance_row {
	char *code, *name;
	int64_t target, commissioned, self_inspected, applied, sampled, passed, failed, reviewed;
	int64_t open_orders, overdue_orders;
	int expected_self, expected_review; /* tenths of a percent on the calendar's curve */
	int status;                         /* enum ch_status */
} ch_acceptance_row;
int ch_acceptance_report(ch_ctx *ctx, int year, const char *as_of, ch_acceptance_row **rows,
                         size_t *n);
void ch_acceptance_free(ch_acceptance_row *rows, size_t n);

#endif
