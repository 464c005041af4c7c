/*
 * subsidy_int — what the files of the subsidy module share, for src/core/
 * only: the checks of a day and a county, the entitlement computation
 * (reserving repeats it), the deadlines of the policy, and the money a
 * household has received, as SQL.
 */
#ifndef CH_CORE_SUBSIDY_INT_H
#define CH_CORE_SUBSIDY_INT_H

#include <jansson.h>
#include <stdint.h>

#include "core/region.h"
#include "core/subsidy.h"

/* DAY must be a real date written YYYY-MM-DD (dates are compared as text);
 * WHAT names it in the message, FIELD is the error's field. */
int ch_subsidy_check_day(const char *field, const char *what, const char *day);
/* Finds COUNTY into *R (the caller disposes of it); CH_EINVALID for a
 * county that no longer exists. */
int ch_subsidy_county(ch_ctx *ctx, const char *county, ch_region *r);
/* The opening checks of a step on COUNTY's funds on DAY: the day as above,
 * the county into *R (the caller disposes of it when 0 is returned), and
 * CH_PERM_FUNDS within it. */
int ch_subsidy_funds_county(ch_ctx *ctx, const char *county, const char *day, ch_region *r);

/* The entitlement of household id HOUSEHOLD, as ch_subsidy_entitlement
 * without its permission check: CH_EINVALID when no cost is recorded,
 * CH_ENOTFOUND when its plan year has no policy. */
int ch_subsidy_compute(ch_ctx *ctx, int64_t household, ch_entitlement *e);

struct ch_policy_days {
	int64_t payment_days, idle_days;
	int64_t notice_days; /* working days of the public notice; 5 when the policy is silent */
	json_t *categories;  /* the spending categories allowed; the caller decrefs it */
};
/* The deadlines of the latest policy of a year up to AS_OF's. */
int ch_subsidy_policy_days(ch_ctx *ctx, const char *as_of, struct ch_policy_days *p);

/* Money a household received, by account kind, up to the day ?1. */
#define HH_MONEY(kind)                                                                             \
	"(SELECT coalesce(sum(p.amount), 0) FROM account a JOIN posting p ON p.account_id = a.id"  \
	" JOIN transfer t ON t.id = p.transfer_id WHERE a.household_id = h.id AND a.kind = '" kind \
	"' AND t.day <= ?1)"

#endif
