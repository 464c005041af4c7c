/*
 * notice — the public notice before payment (公示), objections to it (异议)
 * and holds on a household's payment.
 *
 * A subsidy is paid only after the list of its recipients has hung on the
 * village notice board for the policy's number of working days (the year's
 * policy, deadline notice_days, default 5; holidays and the weekend days
 * worked instead from data/calendar/holidays.csv) so that neighbours can
 * object. A notice lists the households of a county (or one village) whose
 * review passed and whose subsidy is reserved and not yet on a notice: the
 * village, the head of household, the ID number masked, the technology,
 * the energy-saving measures and area, and the amount.
 *
 * An objection names one household of a notice; it may be anonymous. While
 * it is open the household is not paid. Upheld, the household's reservation
 * goes back to the county's account and a rectification order is opened
 * (the household is reserved again once it is closed, and publicised
 * again); dismissed, nothing changes and the household may be paid.
 *
 * A pay run (payment.c) pays a household only when ch_notice_pay_gate
 * finds nothing against it: a notice whose period has ended, no open
 * objection, no open rectification order (a failed visit, 返煤 among them,
 * opens one: the hold is automatic) and no hold set by hand or by an edit
 * after approval. Every household skipped is listed with its reason.
 */
#ifndef CH_CORE_NOTICE_H
#define CH_CORE_NOTICE_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* The last day of a period of N working days starting on START (which
 * counts when it is a working day), as YYYY-MM-DD into OUT; N 0 gives
 * START. Working days: Monday to Friday, less the holidays, plus the
 * weekend days worked instead. */
int ch_workdays_end(ch_ctx *ctx, const char *start, int64_t n, char out[11]);

typedef struct ch_notice_summary {
	int64_t id;
	char number[64];         /* 公示-652301-2023-001 */
	char start[11], end[11]; /* the period, both days included */
	int64_t days;            /* working days */
	size_t households;
	int64_t total_fen;
} ch_notice_summary;
/* Publicises the households of COUNTY (or of its village VILLAGE, a name;
 * NULL: all) whose review passed and whose subsidy is reserved and on no
 * notice yet, from DAY for the policy's notice days. *OUT->id is 0 when
 * there was none to publicise (nothing written). Requires CH_PERM_FUNDS
 * for the county. Audited. */
int ch_notice_create(ch_ctx *ctx, const char *county, const char *village, const char *day,
                     ch_notice_summary *out);

typedef struct ch_notice_row {
	int64_t id;
	const char *number, *county, *village; /* village NULL: the whole county */
	const char *start, *end, *created_by;
	int64_t days, households, total_fen;
	int64_t open_objections, upheld, dismissed;
} ch_notice_row;
/* The notices of COUNTY (NULL: every county the actor may see), newest
 * first. Requires CH_PERM_READ. */
int ch_notice_each(ch_ctx *ctx, const char *county, int (*fn)(const ch_notice_row *n, void *arg),
                   void *arg);

typedef struct ch_notice_item {
	const char *village, *hh_no, *head_name;
	const char *id_masked;             /* 652323********1234 */
	const char *technology, *measures; /* Chinese names; measures "" when none */
	int64_t es_area_centi, amount_fen;
	const char *objection; /* "" or what became of objections: 异议待处理 … */
} ch_notice_item;
typedef struct ch_notice_head {
	const char *number, *county, *village, *start, *end;
	int64_t days;
} ch_notice_head;
/* Notice NUMBER (公示-…, or its id) and its households in village and 户编号
 * order, for the notice board: HEAD_FN once, then ITEM_FN per household.
 * ID numbers masked. Requires CH_PERM_READ within the notice's county. */
int ch_notice_items(ch_ctx *ctx, const char *number,
                    int (*head_fn)(const ch_notice_head *h, void *arg),
                    int (*item_fn)(const ch_notice_item *i, void *arg), void *arg);

/* Records an objection to household HOUSEHOLD (户编号 in the notice's
 * county) of notice NUMBER, received on DAY from FROM (NULL or "":
 * anonymous) for REASON. The household must be on the notice; DAY not
 * before the notice began. *ID gets the objection's number. Requires
 * CH_PERM_FUNDS within the county. Audited. */
int ch_objection_record(ch_ctx *ctx, const char *number, const char *household, const char *day,
                        const char *from, const char *reason, int64_t *id);
/* Settles objection ID on DAY: UPHELD withdraws the household's
 * reservation (back to the county's account; refused with CH_ECONFLICT
 * when its money has already been sent) and opens a rectification order
 * with the objection's reason, *ORDER its number; dismissed releases the
 * household. NOTE says why. Audited. */
int ch_objection_resolve(ch_ctx *ctx, int64_t id, int upheld, const char *day, const char *note,
                         int64_t *order);

typedef struct ch_objection_row {
	int64_t id;
	const char *notice, *county, *hh_no, *head_name, *day, *from, *reason, *status;
	const char *resolved_day, *note; /* NULL while open */
} ch_objection_row;
/* The objections of COUNTY (NULL: all the actor may see), OPEN_ONLY those
 * still open. Requires CH_PERM_READ. */
int ch_objection_each(ch_ctx *ctx, const char *county, int open_only,
                      int (*fn)(const ch_objection_row *o, void *arg), void *arg);

/* Holds the payment of household HOUSEHOLD (户编号 in COUNTY) from DAY for
 * REASON, *ID its number; CH_ECONFLICT when a hold set by hand is already
 * open. Requires CH_PERM_FUNDS within the county. Audited. */
int ch_hold_set(ch_ctx *ctx, const char *county, const char *household, const char *day,
                const char *reason, int64_t *id);
/* Releases the open hold set by hand on the household, on DAY, NOTE saying
 * why; CH_ENOTFOUND when there is none. Audited. */
int ch_hold_release(ch_ctx *ctx, const char *county, const char *household, const char *day,
                    const char *note);

/* Marks hold HOLD released on DAY by the actor, NOTE saying why. No
 * checks: for the callers above and the approval of a change (snapshot.c),
 * in their transaction. */
int ch_hold_release_row(ch_ctx *ctx, int64_t hold, const char *day, const char *note);

typedef struct ch_hold_row {
	const char *county, *hh_no, *head_name;
	const char *kind; /* 人工暂停, 核定后变更, 整改未销号, 异议待处理 */
	const char *reason, *since;
} ch_hold_row;
/* What holds the payments of COUNTY's households (NULL: all the actor may
 * see) now: holds set by hand or by a change after approval, open
 * rectification orders and open objections of households with money
 * reserved. Requires CH_PERM_READ. */
int ch_hold_each(ch_ctx *ctx, const char *county, int (*fn)(const ch_hold_row *h, void *arg),
                 void *arg);

/* Why household id HOUSEHOLD may not be paid on DAY, in Chinese into WHY
 * (returns 1), or 0 when nothing stands against it. NOTICE_DAYS is the
 * policy's (0: no notice needed). No permission check: for the pay run. */
int ch_notice_pay_gate(ch_ctx *ctx, int64_t household, const char *day, int64_t notice_days,
                       char *why, size_t whysz);

#endif
