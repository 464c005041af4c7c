/*
 * appropriation — money into and out of the county accounts: a source's
 * money appropriated to the prefecture (下达) and allocated to a county
 * (拨付), and a county's spending of it (see subsidy.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/ledger.h"
#include "core/subsidy_int.h"
#include "util/error.h"

/* Records the transfer P of KIND under KEY in a transaction of its own,
 * audited as ACTION with AFTER (taken) unless KEY was recorded already with
 * this content: then *FOUND (if not NULL) is set and nothing is new. */
static int transfer(ch_ctx *ctx, const char *key, const char *kind, const char *day,
                    const char *memo, ch_posting p[2], const char *action, json_t *after,
                    int *found)
{
	char obj[96];
	int64_t tid;
	int existed, rc;
	if ((rc = ch_ctx_begin(ctx)) != 0) {
		json_decref(after);
		return rc;
	}
	rc = ch_ledger_transfer(ctx, key, kind, day, memo, 0, 0, p, 2, &tid, &existed);
	if (found)
		*found = rc == 0 && existed;
	snprintf(obj, sizeof obj, "transfer:%s", key);
	if (rc == 0 && !existed)
		rc = ch_audit_append_json(ctx, action, obj, after);
	else
		json_decref(after);
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	return rc;
}

int ch_funds_appropriate(ch_ctx *ctx, const char *source_text, const char *to, int direct,
                         int64_t amount_fen, const char *day, const char *key, const char *memo,
                         int *found)
{
	char from_code[64], to_code[64], source[16];
	ch_region c = {0};
	int rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_FUNDS, 0)) != 0)
		return ch_error_prefix("资金下达和拨付由州级办理：");
	if (amount_fen <= 0)
		return ch_error_set_field(CH_EINVALID, "amount", "金额须大于零");
	if ((rc = ch_subsidy_check_day("date", "日期", day)) != 0 ||
	    (rc = ch_funds_source(ctx, source_text, source, NULL)) != 0)
		return rc;
	if (to && (rc = ch_subsidy_county(ctx, to, &c)) != 0)
		return rc;
	if (!to) {
		snprintf(from_code, sizeof from_code, "origin:%s", source);
		snprintf(to_code, sizeof to_code, "pref:%s", source);
	} else {
		snprintf(from_code, sizeof from_code, "%s:%s", direct ? "origin" : "pref", source);
		snprintf(to_code, sizeof to_code, "county:%s:%s", c.code, source);
	}
	ch_posting p[2] = {{from_code, -amount_fen}, {to_code, amount_fen}};
	rc = transfer(ctx, key, to && !direct ? "allocate" : "appropriate", day, memo, p,
	              to ? "funds.allocate" : "funds.appropriate",
	              json_pack("{s:s, s:s, s:s, s:I, s:s}", "from", from_code, "to", to_code,
	                        "day", day, "amount_fen", (json_int_t)amount_fen, "key", key),
	              found);
	ch_region_dispose(&c);
	return rc;
}

int ch_funds_spend(ch_ctx *ctx, const char *county, const char *source_text,
                   const char *category_text, int64_t amount_fen, const char *day, const char *key,
                   const char *memo, int *found)
{
	ch_region c;
	char from_code[64], to_code[160], source[16];
	char *category = NULL;
	int rc;
	if ((rc = ch_subsidy_funds_county(ctx, county, day, &c)) != 0)
		return rc;
	if ((rc = ch_funds_source(ctx, source_text, source, NULL)) != 0)
		goto done;
	category = ch_funds_category(ctx, category_text, 0);
	if (amount_fen <= 0 || !category || !*category || strchr(category, ':')) {
		rc = ch_error_set_field(CH_EINVALID, amount_fen <= 0 ? "amount" : "category",
		                        "金额须大于零，支出类别须为不含“:”的名称");
		goto done;
	}
	snprintf(from_code, sizeof from_code, "county:%s:%s", c.code, source);
	snprintf(to_code, sizeof to_code, "spent:%s:%s:%s", c.code, source, category);
	ch_posting p[2] = {{from_code, -amount_fen}, {to_code, amount_fen}};
	rc = transfer(ctx, key, "spend", day, memo, p, "funds.spend",
	              json_pack("{s:s, s:s, s:I, s:s}", "from", from_code, "category", category,
	                        "amount_fen", (json_int_t)amount_fen, "day", day),
	              found);
done:
	free(category);
	ch_region_dispose(&c);
	return rc;
}
