/*
 * subsidy — the checks every step of the subsidy makes on its arguments
 * (see subsidy.h; subsidy_int.h declares them for the module's files).
 *
 * The module, one file per step: entitlement.c (the policy and what it
 * entitles a household to), reserve.c (entitlements reserved out of the
 * county's accounts), payment.c (payment batches and the bank's file),
 * reconcile.c (the bank's return), appropriation.c (money into and out of
 * the county accounts), fund_audit.c and funds_report.c.
 */
#include <string.h>

#include "core/ctx.h"
#include "core/subsidy_int.h"
#include "util/date.h"
#include "util/error.h"

int ch_subsidy_check_day(const char *field, const char *what, const char *day)
{
	ch_date d;
	char canon[11];
	if (!day || ch_date_parse(day, &d) != 0)
		return ch_error_set_field(CH_EINVALID, field, "%s '%s' is not a date", what,
		                          day ? day : "");
	ch_date_format(&d, canon, sizeof canon);
	if (strcmp(canon, day) != 0)
		return ch_error_set_field(CH_EINVALID, field, "%s '%s': write it as %s", what, day,
		                          canon);
	return 0;
}

int ch_subsidy_county(ch_ctx *ctx, const char *county, ch_region *r)
{
	int rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, r);
	if (rc == 0 && r->obsolete) {
		ch_region_dispose(r);
		return ch_error_set(CH_EINVALID, "'%s' no longer exists", county);
	}
	return rc;
}

int ch_subsidy_funds_county(ch_ctx *ctx, const char *county, const char *day, ch_region *r)
{
	int rc = ch_subsidy_check_day("date", "日期", day);
	if (rc || (rc = ch_subsidy_county(ctx, county, r)) != 0)
		return rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, r->id)) != 0)
		ch_region_dispose(r);
	return rc;
}
