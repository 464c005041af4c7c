/*
 * inspection — self-inspections (自验) of commissioned households against
 * the checklist: a pass moves the household to 自验合格, a failed item opens
 * a rectification order (see acceptance.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acceptance_int.h"
#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/workflow.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"

int ch_acceptance_pass_evidence(const char *step, size_t nevidence)
{
	const struct ch_transition *tr =
	    ch_workflow_find(CH_STAGE_COMMISSIONED, CH_STAGE_SELF_INSPECTED);
	if (tr && tr->needs_evidence && nevidence == 0)
		return ch_error_set_field(CH_EINVALID, "evidence",
		                          "「%s」须附证明材料（验收表、照片等）", step);
	return 0;
}

char *ch_acceptance_problem(ch_ctx *ctx, const char *key)
{
	char *text = NULL, *name = NULL;
	if (ch_db_query_text(ctx->db, &text,
	                     "SELECT value FROM setting WHERE scope = 'checklist_problem'"
	                     " AND key = ?",
	                     "t", key) == 0 &&
	    text && *text)
		return text;
	free(text);
	ch_error_clear();
	if (ch_db_query_text(ctx->db, &name, "SELECT name FROM checklist_item WHERE key = ?", "t",
	                     key) != 0) {
		ch_error_clear();
		name = NULL;
	}
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "%s：不合格", name ? name : key);
	free(name);
	return b.ptr;
}

static int64_t open_orders(ch_ctx *ctx, int64_t household)
{
	int64_t n = 0;
	ch_db_query_int64(
	    ctx->db, &n,
	    "SELECT count(*) FROM rectification WHERE household_id = ? AND closed_day IS NULL", "i",
	    household);
	return n;
}

/* "pass" or "fail" for a checklist item's result as written (合格, 不合格,
 * pass, fail), else NULL. */
static const char *item_result(const char *v)
{
	if (strcmp(v, "pass") == 0 || strcmp(v, "合格") == 0)
		return "pass";
	if (strcmp(v, "fail") == 0 || strcmp(v, "不合格") == 0)
		return "fail";
	return NULL;
}

/* Turns NAME (KEYSZ bytes) from a checklist item's Chinese text into its
 * key; CH_EINVALID listing the items when there is none. */
static int item_by_name(ch_ctx *ctx, char *name, size_t keysz)
{
	char *key = NULL;
	if (ch_db_query_text(ctx->db, &key, "SELECT key FROM checklist_item WHERE name = ?", "t",
	                     name) == 0) {
		snprintf(name, keysz, "%s", key);
		free(key);
		return 0;
	}
	ch_error_clear();
	ch_buf known;
	ch_stmt *st;
	ch_buf_init(&known);
	if (ch_db_prepare(ctx->db, &st, "SELECT key, name FROM checklist_item ORDER BY ordinal") ==
	    0) {
		while (ch_stmt_step(st) == CH_DB_ROW)
			ch_buf_printf(&known, "%s%s（%s）", known.len ? "、" : "",
			              ch_stmt_text(st, 1), ch_stmt_text(st, 0));
		ch_stmt_finalize(st);
	}
	int rc = ch_error_set_field(CH_EINVALID, "item", "没有检查项「%s」；检查项有：%s", name,
	                            known.ptr ? known.ptr : "");
	ch_buf_dispose(&known);
	return rc;
}

int ch_inspect_record(ch_ctx *ctx, const ch_inspect_in *in, int64_t *inspection_id, int64_t *order)
{
	ch_hh_ref ref;
	char day[11], now[32], obj[160];
	ch_buf failed;
	json_t *items = json_object();
	int rc, any_fail = 0, pass;
	ch_stmt *st = NULL;

	*inspection_id = *order = 0;
	ch_buf_init(&failed);
	if ((rc = ch_acceptance_household(ctx, CH_PERM_INSPECT, in->county, in->household, in->day,
	                                  in->today, &ref, day)) != 0)
		goto done;
	if (!in->result || (strcmp(in->result, "pass") != 0 && strcmp(in->result, "fail") != 0)) {
		rc = ch_error_set_field(CH_EINVALID, "result",
		                        "自验结果应为 合格 或 不合格（pass 或 fail）");
		goto done;
	}
	pass = strcmp(in->result, "pass") == 0;
	if (!in->inspector || !*in->inspector) {
		rc = ch_error_set_field(CH_EINVALID, "inspector", "缺少自验人员");
		goto done;
	}
	if (ref.stage != CH_STAGE_COMMISSIONED) {
		rc = ch_error_set(CH_EINVALID, "该户当前为「%s」：只有「已调试」的农户可以自验",
		                  ref.stage >= 0 ? ch_stage_name(ref.stage) : "?");
		goto done;
	}
	if (open_orders(ctx, ref.id)) {
		rc = ch_error_set(
		    CH_EINVALID,
		    "该户有未完成的整改单：整改完成（rectification close）后方可重新自验");
		goto done;
	}
	if (strcmp(day, ref.stage_day) < 0) {
		rc = ch_error_set(CH_EINVALID, "自验日期 %s 早于调试日期 %s", day, ref.stage_day);
		goto done;
	}
	/* the checklist: every item passes unless named as failed (its
	 * statement from the connection's cache: a file asks for every row) */
	if ((rc = ch_db_preparef(
	         ctx->db, &st, "SELECT key, name FROM checklist_item ORDER BY ordinal", NULL)) != 0)
		goto done;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW)
		json_object_set_new(items, ch_stmt_text(st, 0), json_string("pass"));
	ch_stmt_finalize(st);
	st = NULL;
	if (rc < 0)
		goto done;
	for (size_t i = 0; i < in->nitems; i++) {
		const char *eq = strchr(in->items[i], '=');
		char key[256];
		const char *res = eq ? item_result(eq + 1) : NULL;
		if (!eq || (size_t)(eq - in->items[i]) >= sizeof key || !res) {
			rc = ch_error_set_field(CH_EINVALID, "item",
			                        "检查项「%s」应写作 检查项=合格 或 检查项=不合格"
			                        "（也可写 KEY=pass 或 KEY=fail）",
			                        in->items[i]);
			goto done;
		}
		snprintf(key, sizeof key, "%.*s", (int)(eq - in->items[i]), in->items[i]);
		/* an item by its key or by its Chinese text */
		if (!json_object_get(items, key) && (rc = item_by_name(ctx, key, sizeof key)) != 0)
			goto done;
		json_object_set_new(items, key, json_string(res));
		if (strcmp(res, "fail") == 0) {
			/* the order states the problem found, not the passing wording */
			char *problem = ch_acceptance_problem(ctx, key);
			ch_buf_printf(&failed, "%s%s", failed.len ? "；" : "", problem);
			free(problem);
			any_fail = 1;
		}
	}
	if (pass && any_fail) {
		rc = ch_error_set(CH_EINVALID, "结果为合格，但有检查项不合格（%s）", failed.ptr);
		goto done;
	}
	if (!pass && !any_fail)
		ch_buf_puts(&failed, "自验不合格（未注明检查项）");
	if (pass && (rc = ch_acceptance_pass_evidence("自验合格", in->nevidence)) != 0)
		goto done;
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	char *items_s = json_dumps(items, JSON_COMPACT | JSON_SORT_KEYS);
	rc = ch_db_run(ctx->db,
	               "INSERT INTO inspection(household_id, day, inspector, result, items, actor,"
	               " recorded_at, county_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	               "ittttt"
	               "ti",
	               ref.id, day, in->inspector, in->result, items_s, ctx->actor.name, now,
	               ref.county_id);
	free(items_s);
	if (rc == 0)
		*inspection_id = ch_db_last_id(ctx->db);
	if (rc == 0 && pass)
		rc = ch_event_step(ctx, ref.id, CH_STAGE_SELF_INSPECTED, day, NULL, in->evidence,
		                   in->nevidence, in->today);
	if (rc == 0 && !pass)
		rc = ch_rectification_open(ctx, ref.id, "inspection", *inspection_id, failed.ptr,
		                           day, order);
	if (rc == 0) {
		ch_audit_household_object(ctx, ref.id, obj, sizeof obj);
		rc = ch_audit_append_json(
		    ctx, "inspection.record", obj,
		    json_pack("{s:I, s:s, s:s, s:s, s:O, s:I}", "inspection",
		              (json_int_t)*inspection_id, "day", day, "inspector", in->inspector,
		              "result", in->result, "items", items, "order", (json_int_t)*order));
	}
	rc = ch_ctx_end(ctx, rc);
done:
	ch_stmt_finalize(st);
	json_decref(items);
	ch_buf_dispose(&failed);
	return rc;
}

int ch_checklist_each(ch_ctx *ctx, int (*fn)(const char *key, const char *name, void *arg),
                      void *arg)
{
	ch_stmt *st;
	int rc =
	    ch_db_prepare(ctx->db, &st, "SELECT key, name FROM checklist_item ORDER BY ordinal");
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW)
		if ((rc = fn(ch_stmt_text(st, 0), ch_stmt_text(st, 1), arg)) != 0)
			break;
	ch_stmt_finalize(st);
	return rc < 0 ? rc : rc == CH_DB_DONE ? 0 : rc;
}
