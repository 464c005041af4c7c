/*
 * acceptance — what the acceptance records share (see acceptance.h;
 * acceptance_int.h declares it for the module's files): the settings of
 * data/acceptance/, the check of a day, and who may write the records.
 *
 * The module, one file per record: inspection.c (self-inspections),
 * rectification.c (orders), followup.c (visits), review.c (applications
 * and their samples) and acceptance_report.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/acceptance_int.h"
#include "core/ctx_int.h"
#include "util/date.h"
#include "util/error.h"

int ch_acceptance_setting(ch_ctx *ctx, const char *scope, const char *key, int def)
{
	char *v = NULL;
	int n = def;
	if (ch_db_query_text(ctx->db, &v, "SELECT value FROM setting WHERE scope = ? AND key = ?",
	                     "tt", scope, key) == 0)
		n = atoi(v);
	free(v);
	ch_error_clear();
	return n;
}

int ch_acceptance_check_day(const char *day_text, const char *today, char day[11])
{
	ch_date d;
	char t[11];
	if (!day_text || ch_date_parse(day_text, &d) != 0)
		return ch_error_set(CH_EINVALID, "日期「%s」无效（请写作 %s）",
		                    day_text ? day_text : "", CH_DATE_FORMATS);
	ch_date_format(&d, day, 11);
	ch_today_at_most(today, t, sizeof t);
	if (strcmp(day, t) > 0)
		return ch_error_set(CH_EINVALID, "日期 %s 在今天（%s）之后", day, t);
	return 0;
}

int ch_acceptance_may_write(ch_ctx *ctx, const ch_hh_ref *ref)
{
	return ch_ctx_require(ctx, CH_PERM_HOUSEHOLD_WRITE, ref->township_id);
}

int ch_acceptance_household(ch_ctx *ctx, unsigned perm, const char *county, const char *household,
                            const char *day_text, const char *today, ch_hh_ref *ref, char day[11])
{
	/* permission and scope first (ch_household_locate), then the day */
	int rc = ch_household_locate(ctx, perm, county, household, ref);
	if (rc == 0)
		rc = ch_acceptance_check_day(day_text, today, day);
	return rc;
}
