/*
 * plan — plan tables in memory, and storing and loading annual plans
 * (see plan.h; the consistency check is in plancheck.c).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/plan.h"
#include "core/reflist.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"

static const struct {
	const char *name, *key;
} col_names[CH_PCOL_COUNT] = {
    {"合计", "total"},
    {"新建户数", "new"},
    {"续建户数", "continuing"},
    {"建筑节能改造户数", "energy_saving"},
};

const char *ch_plan_col_name(enum ch_plan_col col)
{
	return col < CH_PCOL_COUNT ? col_names[col].name : "?";
}

const char *ch_plan_col_key(enum ch_plan_col col)
{
	return col < CH_PCOL_COUNT ? col_names[col].key : "?";
}

void ch_plan_table_init(ch_plan_table *t)
{
	memset(t, 0, sizeof *t);
}

static void row_dispose(ch_plan_row *r)
{
	free(r->county);
	free(r->remark);
	free(r->region_code);
	free(r->region_name);
	for (int c = 0; c < CH_PCOL_COUNT; c++)
		free(r->cell[c].text);
	memset(r, 0, sizeof *r);
}

void ch_plan_table_dispose(ch_plan_table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		row_dispose(&t->rows[i]);
	row_dispose(&t->total);
	free(t->rows);
	free(t->title);
	free(t->source);
	for (int c = 0; c < CH_PCOL_COUNT; c++)
		free(t->label[c]);
	memset(t, 0, sizeof *t);
}

ch_plan_row *ch_plan_table_add_row(ch_plan_table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->rows = ch_reallocarray(t->rows, t->cap, sizeof *t->rows);
	}
	ch_plan_row *r = &t->rows[t->nrows++];
	memset(r, 0, sizeof *r);
	for (int c = 0; c < CH_PCOL_COUNT; c++)
		r->cell[c].status = CH_NUM_EMPTY;
	return r;
}

void ch_plan_cell_set(ch_plan_cell *c, const char *text)
{
	free(c->text);
	c->text = ch_strdup(text ? text : "");
	c->value = 0;
	c->status = ch_text_parse_count(c->text, &c->value);
	if (c->status == CH_NUM_EMPTY)
		c->value = 0;
	/* no plan counts households by the trillion: such a cell is a typing
	 * error, and keeping it out of the sums keeps them from overflowing */
	if (c->status == CH_NUM_OK &&
	    (c->value > CH_PLAN_MAX_COUNT || c->value < -CH_PLAN_MAX_COUNT))
		c->status = CH_NUM_INVALID;
}

/* ---- storing ---- */

/* The plan as JSON (targets in code order): what the audit log keeps and
 * what the content hash is computed over (without the provenance fields). */
static json_t *plan_json(const ch_plan_table *t, const ch_plan_import_opts *o, int with_meta)
{
	json_t *targets = json_array();
	/* rows in code order so that the same plan in another row order is the same */
	size_t n = t->nrows;
	const ch_plan_row **order = ch_calloc(n ? n : 1, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = &t->rows[i];
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 && strcmp(order[j - 1]->region_code, order[j]->region_code) > 0; j--) {
			const ch_plan_row *tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (size_t i = 0; i < n; i++) {
		const ch_plan_row *r = order[i];
		json_t *row =
		    json_pack("{s:s, s:s}", "code", r->region_code, "name", r->region_name);
		for (int c = 0; c < CH_PCOL_COUNT; c++)
			json_object_set_new(row, ch_plan_col_key(c),
			                    json_integer(r->cell[c].value));
		if (r->remark && *r->remark)
			json_object_set_new(row, "remark", json_string(r->remark));
		json_array_append_new(targets, row);
	}
	free(order);
	json_t *j = json_pack("{s:i, s:o}", "year", o->year, "targets", targets);
	if (t->has_total) {
		json_t *pub = json_object();
		for (int c = 0; c < CH_PCOL_COUNT; c++)
			json_object_set_new(pub, ch_plan_col_key(c),
			                    json_integer(t->total.cell[c].value));
		json_object_set_new(j, "published_total", pub);
	}
	if (o->es_area_total_centi)
		json_object_set_new(j, "es_area_total_centi", json_integer(o->es_area_total_centi));
	if (with_meta) {
		const char *title = o->title && *o->title ? o->title : t->title;
		if (title)
			json_object_set_new(j, "title", json_string(title));
		if (t->source)
			json_object_set_new(j, "source", json_string(t->source));
	}
	return j;
}

static json_t *findings_json(const ch_plan_check *c)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->nfindings; i++) {
		const ch_plan_finding *f = &c->findings[i];
		json_array_append_new(a, json_pack("{s:s, s:I, s:s}", "kind",
		                                   ch_plan_finding_kind_name(f->kind), "row",
		                                   (json_int_t)f->line, "message", f->message));
	}
	return a;
}

static int insert_plan(ch_ctx *ctx, const ch_plan_table *t, const ch_plan_check *check,
                       const ch_plan_import_opts *o, const char *hash, int version)
{
	char now[32], *disc = NULL;
	int rc;
	int64_t plan_id;
	ch_now_utc(now, sizeof now);
	if (check->nfindings) {
		json_t *f = findings_json(check);
		disc = json_dumps(f, JSON_COMPACT);
		json_decref(f);
	}
	rc = ch_db_run(ctx->db,
	               "INSERT INTO plan(year, version, status, title, source_name, content_hash,"
	               " es_area_total_centi, discrepancies, reason, created_at, created_by)"
	               " VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?)",
	               "iitttItttt", (int64_t)o->year, (int64_t)version,
	               o->title && *o->title ? o->title : t->title, t->source, hash,
	               o->es_area_total_centi, disc, check->nfindings ? o->reason : NULL, now,
	               ctx->actor.name);
	free(disc);
	if (rc)
		return rc;
	plan_id = ch_db_last_id(ctx->db);
	if (t->has_total) {
		const ch_plan_cell *pub = t->total.cell;
		rc = ch_db_run(ctx->db,
		               "UPDATE plan SET published_total = ?, published_new = ?,"
		               " published_continuing = ?, published_es = ? WHERE id = ?",
		               "iiiii", pub[CH_PCOL_TOTAL].value, pub[CH_PCOL_NEW].value,
		               pub[CH_PCOL_CONTINUING].value, pub[CH_PCOL_ES].value, plan_id);
	}
	for (size_t i = 0; i < t->nrows && rc == 0; i++) {
		const ch_plan_row *r = &t->rows[i];
		rc = ch_db_run(ctx->db,
		               "INSERT INTO plan_target(plan_id, region_id, households_total,"
		               " households_new, households_continuing, es_households, remark)"
		               " VALUES (?, ?, ?, ?, ?, ?, ?)",
		               "iiiiiit", plan_id, r->region_id, r->cell[CH_PCOL_TOTAL].value,
		               r->cell[CH_PCOL_NEW].value, r->cell[CH_PCOL_CONTINUING].value,
		               r->cell[CH_PCOL_ES].value,
		               r->remark && *r->remark ? r->remark : NULL);
	}
	return rc;
}

/* The stored plan P as JSON, for the audit entry of a replacement. */
static json_t *stored_json(const ch_plan *p)
{
	json_t *targets = json_array();
	for (size_t i = 0; i < p->ntargets; i++) {
		const ch_plan_target *tg = &p->targets[i];
		json_t *row = json_pack("{s:s, s:s}", "code", tg->code, "name", tg->name);
		for (int c = 0; c < CH_PCOL_COUNT; c++)
			json_object_set_new(row, ch_plan_col_key(c), json_integer(tg->v[c]));
		if (tg->remark)
			json_object_set_new(row, "remark", json_string(tg->remark));
		json_array_append_new(targets, row);
	}
	json_t *j = json_pack("{s:i, s:i, s:o}", "year", p->year, "version", p->version, "targets",
	                      targets);
	if (p->title)
		json_object_set_new(j, "title", json_string(p->title));
	if (p->source)
		json_object_set_new(j, "source", json_string(p->source));
	if (p->discrepancies)
		json_object_set_new(j, "discrepancies", json_loads(p->discrepancies, 0, NULL));
	if (p->reason)
		json_object_set_new(j, "reason", json_string(p->reason));
	return j;
}

/* The highest version of YEAR's plan ever withdrawn (their audit entries
 * keep them), or 0. */
static int withdrawn_max(ch_ctx *ctx, int year)
{
	char obj[32];
	ch_stmt *st;
	int maxv = 0;
	snprintf(obj, sizeof obj, "plan:%d", year);
	if (ch_db_preparef(ctx->db, &st,
	                   "SELECT before FROM audit_log WHERE action = 'plan.withdraw'"
	                   " AND object = ?",
	                   "t", obj) != 0) {
		ch_error_clear();
		return 0;
	}
	while (ch_stmt_step(st) == CH_DB_ROW) {
		json_t *j = json_loads(ch_stmt_text(st, 0), 0, NULL);
		int v = j ? (int)json_integer_value(json_object_get(j, "version")) : 0;
		json_decref(j);
		if (v > maxv)
			maxv = v;
	}
	ch_stmt_finalize(st);
	ch_error_clear();
	return maxv;
}

/* The number of YEAR's next plan version: past every stored one and every
 * withdrawn one, so that a number always names one plan. */
static int next_version(ch_ctx *ctx, int year)
{
	int64_t maxv = 0;
	if (ch_db_query_int64(ctx->db, &maxv,
	                      "SELECT coalesce(max(version), 0) FROM plan WHERE year = ?", "i",
	                      (int64_t)year) != 0) {
		ch_error_clear();
		maxv = 0;
	}
	int w = withdrawn_max(ctx, year);
	return (int)(maxv > w ? maxv : w) + 1;
}

static int refuse_findings(const ch_plan_check *check, const ch_plan_import_opts *o)
{
	const char *first = check->findings[0].message;
	if (!ch_plan_check_acceptable(check))
		return ch_error_set(CH_EINVALID,
		                    "计划表有 %zu 处问题，即使注明原因也不能保存"
		                    "（县市不认识、已停用或重复，或单元格不是户数）；"
		                    "第一处：%s",
		                    check->nfindings, first);
	if (!o->accept_discrepancies)
		return ch_error_set_field(CH_EINVALID, "accept-discrepancies",
		                          "计划表有 %zu 处不一致，什么也没有保存。第一处：%s。"
		                          "请改正表格，或写明原因接受这些不一致，"
		                          "按下达的原样保存",
		                          check->nfindings, first);
	if (!o->reason || !*o->reason)
		return ch_error_set_field(CH_EINVALID, "reason", "接受不一致须写明原因");
	return 0;
}

int ch_plan_import(ch_ctx *ctx, const ch_plan_table *t, const ch_plan_check *check,
                   const ch_plan_import_opts *o, enum ch_plan_outcome *outcome, int *version)
{
	char hash[CH_HASH_HEX_LEN + 1], obj[32], *content = NULL, *before = NULL, *after = NULL;
	json_t *cj = NULL, *aj = NULL;
	ch_plan old = {0};
	int rc, in_tx = 0, have_old = 0;

	if ((rc = ch_ctx_require(ctx, CH_PERM_PLAN_WRITE, 0)) != 0)
		return rc;
	if (o->year < 2000 || o->year > 2100)
		return ch_error_set_field(CH_EINVALID, "year", "%d 不是计划年度", o->year);
	if (t->nrows == 0)
		return ch_error_set(CH_EINVALID, "计划表中没有县市行");
	if (check->nfindings &&
	    ((rc = refuse_findings(check, o)) != 0 ||
	     (rc = ch_ref_text_check(ctx, "reason", "原因", "reason", o->reason)) != 0))
		return rc;
	if ((rc = ch_plan_check_year(t, o->year)) != 0)
		return rc;

	cj = plan_json(t, o, 0);
	content = json_dumps(cj, JSON_COMPACT | JSON_SORT_KEYS);
	ch_hash_hex(content, strlen(content), hash);
	snprintf(obj, sizeof obj, "plan:%d", o->year);

	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	in_tx = 1;
	rc = ch_plan_load(ctx, o->year, 0, &old);
	if (rc == 0) {
		char *old_hash = NULL;
		have_old = 1;
		rc = ch_db_query_text(
		    ctx->db, &old_hash,
		    "SELECT content_hash FROM plan WHERE year = ? AND status = 'active'", "i",
		    (int64_t)o->year);
		int same = rc == 0 && strcmp(old_hash, hash) == 0;
		free(old_hash);
		if (rc)
			goto done;
		if (same) {
			*outcome = CH_PLAN_UNCHANGED;
			*version = old.version;
			goto done; /* rolled back below: nothing was written */
		}
		if (!o->replace) {
			rc = ch_error_set_field(CH_ECONFLICT, "replace",
			                        "%d年已有不同的计划（第 %d 版，%s 由 %s 导入），"
			                        "什么也没有保存。替换后本表即为 %d 年的计划"
			                        "（审计日志两版都保留）",
			                        o->year, old.version, old.created_at,
			                        old.created_by, o->year);
			goto done;
		}
		rc = ch_db_run(
		    ctx->db,
		    "UPDATE plan SET status = 'superseded' WHERE year = ? AND status = 'active'",
		    "i", (int64_t)o->year);
		if (rc)
			goto done;
		json_t *bj = stored_json(&old);
		before = json_dumps(bj, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(bj);
		*version = next_version(ctx, o->year);
	} else if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		*version = next_version(ctx, o->year);
	} else {
		goto done;
	}
	if ((rc = insert_plan(ctx, t, check, o, hash, *version)) != 0)
		goto done;
	aj = plan_json(t, o, 1);
	json_object_set_new(aj, "version", json_integer(*version));
	if (check->nfindings) {
		json_object_set_new(aj, "discrepancies", findings_json(check));
		json_object_set_new(aj, "reason", json_string(o->reason));
	}
	after = json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS);
	rc = ch_audit_append(ctx, have_old ? "plan.replace" : "plan.import", obj, before, after);
	if (rc == 0) {
		in_tx = 0;
		rc = ch_ctx_commit(ctx);
		*outcome = have_old ? CH_PLAN_REPLACED : CH_PLAN_STORED;
	}
done:
	if (in_tx)
		ch_ctx_rollback(ctx);
	ch_plan_dispose(&old);
	json_decref(cj);
	json_decref(aj);
	free(content);
	free(before);
	free(after);
	return rc;
}

/* ---- withdrawing ---- */

/* What depends on YEAR's plan, as one line ("" when nothing). */
static int plan_dependents(ch_ctx *ctx, int year, ch_buf *b)
{
	static const struct {
		const char *sql, *what;
	} deps[] = {
	    {"SELECT count(*) FROM household WHERE plan_year = ?",
	     "%" PRId64 " 户农户登记在该年度"},
	    {"SELECT count(*) FROM dispatch_freeze WHERE plan_year = ?",
	     "%" PRId64 " 个调度期的数据已冻结"},
	    {"SELECT count(*) FROM review_application WHERE plan_year = ?",
	     "%" PRId64 " 份复核申请"},
	};
	for (size_t i = 0; i < sizeof deps / sizeof deps[0]; i++) {
		int64_t n = 0;
		int rc = ch_db_query_int64(ctx->db, &n, deps[i].sql, "i", (int64_t)year);
		if (rc)
			return rc;
		if (n) {
			if (b->len)
				ch_buf_puts(b, "、");
			ch_buf_printf(b, deps[i].what, n);
		}
	}
	return 0;
}

int ch_plan_withdraw(ch_ctx *ctx, int year, int version, const char *reason, int *active)
{
	ch_plan p;
	ch_buf deps;
	char *status = NULL, *before = NULL, *after = NULL, obj[32];
	int64_t plan_id = 0, next = 0;
	int rc;
	*active = 0;
	if ((rc = ch_ctx_require(ctx, CH_PERM_PLAN_WRITE, 0)) != 0)
		return rc;
	if (!reason || !*reason)
		return ch_error_set_field(CH_EINVALID, "reason",
		                          "撤回计划须写明原因（记入审计日志）");
	if ((rc = ch_ref_text_check(ctx, "reason", "原因", "reason", reason)) != 0)
		return rc;
	if ((rc = ch_plan_load(ctx, year, version, &p)) != 0)
		return rc;
	ch_buf_init(&deps);
	if ((rc = ch_db_query_text(ctx->db, &status,
	                           "SELECT status FROM plan WHERE year = ? AND version = ?", "ii",
	                           (int64_t)year, (int64_t)version)) != 0 ||
	    (rc = ch_db_query_int64(ctx->db, &plan_id,
	                            "SELECT id FROM plan WHERE year = ? AND version = ?", "ii",
	                            (int64_t)year, (int64_t)version)) != 0)
		goto done;
	int was_active = strcmp(status, "active") == 0;
	if (was_active) {
		if ((rc = plan_dependents(ctx, year, &deps)) != 0)
			goto done;
		if (deps.len) {
			rc = ch_error_set(CH_ECONFLICT,
			                  "%d年计划第%d版是该年度的现行计划，已有数据依赖它：%s；"
			                  "不能撤回（如需更改任务，请导入新版本替换）",
			                  year, version, deps.ptr);
			goto done;
		}
	}
	json_t *bj = stored_json(&p);
	before = json_dumps(bj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(bj);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_db_run(ctx->db, "DELETE FROM plan_target WHERE plan_id = ?", "i", plan_id);
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM plan WHERE id = ?", "i", plan_id);
	if (rc == 0 && was_active) {
		rc = ch_db_query_int64(ctx->db, &next,
		                       "SELECT coalesce(max(version), 0) FROM plan WHERE year = ?",
		                       "i", (int64_t)year);
		if (rc == 0 && next)
			rc = ch_db_run(
			    ctx->db,
			    "UPDATE plan SET status = 'active' WHERE year = ? AND version = ?",
			    "ii", (int64_t)year, next);
	} else if (rc == 0) {
		rc = ch_db_query_int64(
		    ctx->db, &next, "SELECT version FROM plan WHERE year = ? AND status = 'active'",
		    "i", (int64_t)year);
	}
	if (rc == 0) {
		json_t *aj = json_pack("{s:i, s:i, s:s, s:b}", "year", year, "withdrawn_version",
		                       version, "reason", reason, "was_active", was_active);
		json_object_set_new(aj, "active_version",
		                    next ? json_integer((json_int_t)next) : json_null());
		after = json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(aj);
		snprintf(obj, sizeof obj, "plan:%d", year);
		rc = ch_audit_append(ctx, "plan.withdraw", obj, before, after);
	}
	rc = ch_ctx_end(ctx, rc);
	if (rc == 0)
		*active = (int)next;
done:
	ch_buf_dispose(&deps);
	free(status);
	free(before);
	free(after);
	ch_plan_dispose(&p);
	return rc;
}

/* ---- loading ---- */

void ch_plan_dispose(ch_plan *p)
{
	for (size_t i = 0; i < p->ntargets; i++) {
		free(p->targets[i].code);
		free(p->targets[i].name);
		free(p->targets[i].remark);
	}
	free(p->targets);
	free(p->title);
	free(p->source);
	free(p->created_at);
	free(p->created_by);
	free(p->discrepancies);
	free(p->reason);
	memset(p, 0, sizeof *p);
}

int ch_plan_load(ch_ctx *ctx, int year, int version, ch_plan *p)
{
	ch_stmt *st = NULL;
	int64_t plan_id = 0;
	int rc;
	memset(p, 0, sizeof *p);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0)
		return rc;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT id, version, title, source_name, created_at, created_by,"
	                    " discrepancies, reason, published_total, published_new,"
	                    " published_continuing, published_es, es_area_total_centi"
	                    " FROM plan WHERE year = ? AND (CASE WHEN ? = 0 THEN status = 'active'"
	                    " ELSE version = ? END)",
	                    "iii", (int64_t)year, (int64_t)version, (int64_t)version);
	if (rc)
		return rc;
	rc = ch_stmt_step(st);
	if (rc == CH_DB_DONE) {
		rc = version ? ch_error_set(CH_ENOTFOUND, "没有第 %d 版计划（%d年）", version, year)
		             : ch_error_set(CH_ENOTFOUND,
		                            "没有 %d 年的计划（请用 cleanheat plan import 导入）",
		                            year);
		goto done;
	}
	if (rc < 0)
		goto done;
	plan_id = ch_stmt_int64(st, 0);
	p->year = year;
	p->version = (int)ch_stmt_int64(st, 1);
	p->title = ch_strdup(ch_stmt_text(st, 2));
	p->source = ch_strdup(ch_stmt_text(st, 3));
	p->created_at = ch_strdup(ch_stmt_text(st, 4));
	p->created_by = ch_strdup(ch_stmt_text(st, 5));
	p->discrepancies = ch_strdup(ch_stmt_text(st, 6));
	p->reason = ch_strdup(ch_stmt_text(st, 7));
	p->has_published = !ch_stmt_is_null(st, 8);
	for (int c = 0; c < CH_PCOL_COUNT; c++)
		p->published[c] = ch_stmt_int64(st, 8 + c);
	p->es_area_total_centi = ch_stmt_int64(st, 12);
	ch_stmt_finalize(st);
	st = NULL;

	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT r.code, r.name, t.households_total, t.households_new,"
	                    " t.households_continuing, t.es_households, t.remark"
	                    " FROM plan_target t JOIN region r ON r.id = t.region_id"
	                    " WHERE t.plan_id = ? ORDER BY r.code",
	                    "i", plan_id);
	if (rc)
		goto done;
	size_t cap = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (p->ntargets == cap) {
			cap = cap ? cap * 2 : 8;
			p->targets = ch_reallocarray(p->targets, cap, sizeof *p->targets);
		}
		ch_plan_target *tg = &p->targets[p->ntargets++];
		tg->code = ch_strdup(ch_stmt_text(st, 0));
		tg->name = ch_strdup(ch_stmt_text(st, 1));
		for (int c = 0; c < CH_PCOL_COUNT; c++)
			tg->v[c] = ch_stmt_int64(st, 2 + c);
		tg->remark = ch_strdup(ch_stmt_text(st, 6));
	}
	rc = rc < 0 ? rc : 0;
done:
	ch_stmt_finalize(st);
	if (rc)
		ch_plan_dispose(p);
	return rc;
}

/* ---- coverage ---- */

int ch_plan_coverage(ch_ctx *ctx, int year, ch_coverage_row **rows, size_t *n,
                     int64_t *es_area_target_centi)
{
	ch_plan p;
	ch_stmt *st;
	size_t cap = 0;
	int rc;
	*rows = NULL;
	*n = 0;
	if ((rc = ch_plan_load(ctx, year, 0, &p)) != 0)
		return rc;
	*es_area_target_centi = p.es_area_total_centi;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT r.code, r.name, coalesce(a.n, 0), coalesce(a.n_new, 0),"
	    " coalesce(a.n_cont, 0), coalesce(a.n_es, 0), coalesce(a.es_area, 0)"
	    " FROM region r LEFT JOIN (SELECT county_id, count(*) AS n,"
	    "  count(CASE WHEN batch = 'new' THEN 1 END) AS n_new,"
	    "  count(CASE WHEN batch = 'continuing' THEN 1 END) AS n_cont,"
	    "  count(es_measures) AS n_es, sum(coalesce(es_area_centi, 0)) AS es_area"
	    "  FROM household WHERE plan_year = ? AND status <> 'withdrawn' GROUP BY county_id) a"
	    " ON a.county_id = r.id"
	    " WHERE r.level = 2 AND (r.status = 'active' OR a.n > 0) ORDER BY r.code",
	    "i", (int64_t)year);
	if (rc)
		goto done;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*rows = ch_reallocarray(*rows, cap, sizeof **rows);
		}
		ch_coverage_row *c = &(*rows)[(*n)++];
		memset(c, 0, sizeof *c);
		c->code = ch_strdup(ch_stmt_text(st, 0));
		c->name = ch_strdup(ch_stmt_text(st, 1));
		c->registered = ch_stmt_int64(st, 2);
		c->reg_new = ch_stmt_int64(st, 3);
		c->reg_continuing = ch_stmt_int64(st, 4);
		c->reg_es = ch_stmt_int64(st, 5);
		c->reg_es_area_centi = ch_stmt_int64(st, 6);
		for (size_t i = 0; i < p.ntargets; i++)
			if (strcmp(p.targets[i].code, c->code) == 0)
				memcpy(c->plan, p.targets[i].v, sizeof c->plan);
	}
	ch_stmt_finalize(st);
	rc = rc < 0 ? rc : 0;
done:
	if (rc) {
		ch_coverage_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	ch_plan_dispose(&p);
	return rc;
}

void ch_coverage_free(ch_coverage_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].code);
		free(rows[i].name);
	}
	free(rows);
}
