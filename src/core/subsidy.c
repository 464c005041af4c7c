/*
 * subsidy — the checks every step of the subsidy makes on its arguments
 * (see subsidy.h; subsidy_int.h declares them for the module's files), and
 * the names of fund sources and spending categories (data/subsidy/).
 *
 * The module, one file per step: entitlement.c (the policy and what it
 * entitles a household to), reserve.c (entitlements reserved out of the
 * county's accounts), payment.c (payment batches and the bank's file),
 * reconcile.c (the bank's return), appropriation.c (money into and out of
 * the county accounts), fund_audit.c and funds_report.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/subsidy_int.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/text.h"

int ch_subsidy_check_day(const char *field, const char *what, const char *day)
{
	ch_date d;
	char canon[11];
	if (!day || ch_date_parse(day, &d) != 0)
		return ch_error_set_field(CH_EINVALID, field, "%s“%s”不是日期", what,
		                          day ? day : "");
	ch_date_format(&d, canon, sizeof canon);
	if (strcmp(canon, day) != 0)
		return ch_error_set_field(CH_EINVALID, field, "%s“%s”：请写作 %s", what, day,
		                          canon);
	return 0;
}

int ch_subsidy_county(ch_ctx *ctx, const char *county, ch_region *r)
{
	int rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, r);
	if (rc == 0 && r->obsolete) {
		ch_region_dispose(r);
		return ch_error_set(CH_EINVALID, "“%s”已撤销", county);
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

int ch_funds_source(ch_ctx *ctx, const char *text, char key[16], char name[64])
{
	char *norm = ch_text_normalize(text ? text : ""), *k = NULL, *n = NULL, *all = NULL;
	int rc = ch_db_query_text(ctx->db, &k,
	                          "SELECT coalesce((SELECT key FROM ref_alias WHERE"
	                          " list = 'fund_source' AND alias = ?1),"
	                          " (SELECT key FROM fund_source WHERE key = ?1 OR name = ?1))",
	                          "t", norm);
	if (rc == 0)
		rc = ch_db_query_text(ctx->db, &n, "SELECT name FROM fund_source WHERE key = ?",
		                      "t", k);
	if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		ch_buf q;
		ch_buf_init(&q);
		ch_buf_printf(&q,
		              "SELECT %s(name, '、') FROM (SELECT name FROM fund_source"
		              " ORDER BY ordinal) s",
		              ch_db_fn(ctx->db, CH_DB_FN_GROUP_CONCAT));
		ch_db_query_text(ctx->db, &all, q.ptr, NULL);
		ch_buf_dispose(&q);
		ch_error_clear();
		rc = ch_error_set_field(
		    CH_EINVALID, "source",
		    "资金来源「%s」不认识；可填：%s（也可用简称，如 中央、自治区、"
		    "州级、县级）",
		    norm, all ? all : "");
	}
	if (rc == 0) {
		if (key)
			snprintf(key, 16, "%s", k);
		if (name)
			snprintf(name, 64, "%s", n);
	}
	free(all);
	free(k);
	free(n);
	free(norm);
	return rc;
}

char *ch_funds_category(ch_ctx *ctx, const char *text, int want_name)
{
	char *norm = ch_text_normalize(text ? text : ""), *out = NULL;
	if (ch_db_query_text(ctx->db, &out,
	                     want_name ? "SELECT i.name FROM ref_alias a JOIN ref_item i"
	                                 " ON i.list = a.list AND i.key = a.key"
	                                 " WHERE a.list = 'category' AND a.alias = ?"
	                               : "SELECT key FROM ref_alias WHERE list = 'category'"
	                                 " AND alias = ?",
	                     "t", norm) == 0) {
		free(norm);
		return out;
	}
	ch_error_clear();
	return norm;
}
