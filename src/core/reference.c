/*
 * reference — loading embedded reference files into a database
 * (see reference.h).
 *
 * The files are our own, compiled in: UTF-8 CSV with a heading row, read
 * from memory with libcsv (the office-file reader in io/ with its encoding
 * detection is not needed, and core does not use io). One loader per file
 * kind, chosen by path; each reads the CSV's columns by heading (a column
 * added to a file later does not break older loaders).
 */
#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/reference.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/rules_int.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/strv.h"
#include "util/text.h"

/* (":2" since versions of the rules are kept: a database loaded before
 * gets them recorded once) */
#define FINGERPRINT_KEY "reference:fingerprint:2"
#define MAX_COLS        16

/* An embedded CSV read whole: ncols named columns per row, normalised. */
struct ref_table {
	ch_strv cells; /* row-major, ncols per row */
	size_t ncols, nrows;
};

/* What libcsv's callbacks fill while reading one file. */
struct ref_reader {
	const struct ch_embedded_file *f;
	const char *const *cols; /* the columns asked for, by heading */
	size_t required;         /* the first REQUIRED of them must be present */
	int idx[MAX_COLS];       /* their positions, -1 when absent */
	int header_done;
	ch_strv row; /* the fields of the record being read */
	struct ref_table *t;
	int rc;
};

static void on_field(void *s, size_t len, void *data)
{
	struct ref_reader *r = data;
	char *v = ch_malloc(len + 1);
	if (len)
		memcpy(v, s, len);
	v[len] = '\0';
	ch_strv_push_owned(&r->row, v);
}

static void on_record(int c, void *data)
{
	struct ref_reader *r = data;
	struct ref_table *t = r->t;
	(void)c;
	for (size_t k = 0; k < t->ncols && r->rc == 0; k++) {
		if (!r->header_done) {
			r->idx[k] = -1;
			for (size_t i = 0; i < r->row.len; i++)
				if (strcmp(r->row.items[i], r->cols[k]) == 0)
					r->idx[k] = (int)i;
			if (r->idx[k] < 0 && k < r->required)
				r->rc = ch_error_set(CH_EINVALID, "%s：没有“%s”列", r->f->path,
				                     r->cols[k]);
			continue;
		}
		const char *v =
		    r->idx[k] >= 0 && (size_t)r->idx[k] < r->row.len ? r->row.items[r->idx[k]] : "";
		/* notes are prose: keep their full-width punctuation */
		ch_strv_push_owned(&t->cells, strcmp(r->cols[k], "note") == 0
		                                  ? ch_strdup(v)
		                                  : ch_text_normalize(v));
	}
	if (r->header_done && r->rc == 0)
		t->nrows++;
	r->header_done = 1;
	ch_strv_dispose(&r->row);
	ch_strv_init(&r->row);
}

/* Reads F, picking the columns named in COLS[0..NCOLS); a column in the
 * first REQUIRED is required. */
static int read_ref(const struct ch_embedded_file *f, const char *const *cols, size_t ncols,
                    size_t required, struct ref_table *t)
{
	struct ref_reader r = {.f = f, .cols = cols, .required = required, .t = t};
	struct csv_parser p;
	const char *data = (const char *)f->data;
	size_t len = f->len;
	ch_strv_init(&t->cells);
	ch_strv_init(&r.row);
	t->ncols = ncols;
	t->nrows = 0;
	if (ncols > MAX_COLS)
		return ch_error_set(CH_ERROR, "%s: too many columns asked for", f->path);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) { /* a BOM */
		data += 3;
		len -= 3;
	}
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return ch_error_set(CH_ERROR, "%s: cannot start the CSV parser", f->path);
	if (csv_parse(&p, data, len, on_field, on_record, &r) != len && r.rc == 0)
		r.rc = ch_error_set(CH_EINVALID, "%s: %s", f->path, csv_strerror(csv_error(&p)));
	if (csv_fini(&p, on_field, on_record, &r) != 0 && r.rc == 0)
		r.rc = ch_error_set(CH_EINVALID, "%s: %s", f->path, csv_strerror(csv_error(&p)));
	csv_free(&p);
	ch_strv_dispose(&r.row);
	if (r.rc)
		ch_strv_dispose(&t->cells);
	return r.rc;
}

static const char *cellv(const struct ref_table *t, size_t r, size_t c)
{
	return t->cells.items[r * t->ncols + c];
}

/* CH_EINVALID naming the first row of T whose key (column 0, headed HEAD)
 * is empty or repeats an earlier row's, else 0: each key is stored once,
 * and a second one would only meet the database's constraint. */
static int check_keys(const struct ch_embedded_file *f, const struct ref_table *t, const char *head)
{
	for (size_t r = 0; r < t->nrows; r++) {
		const char *k = cellv(t, r, 0);
		if (!*k)
			return ch_error_set(CH_EINVALID, "%s 第%zu行：%s 列为空", f->path, r + 2,
			                    head);
		for (size_t q = 0; q < r; q++)
			if (strcmp(cellv(t, q, 0), k) == 0)
				return ch_error_set(CH_EINVALID, "%s 第%zu行：%s“%s”与第%zu行重复",
				                    f->path, r + 2, head, k, q + 2);
	}
	return 0;
}

static enum ch_region_level level_of(const char *s)
{
	static const char *const names[] = {"", "prefecture", "county", "township", "village"};
	for (int i = 1; i <= 4; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum ch_region_level)i;
	return 0;
}

static int load_regions(ch_ctx *ctx, const struct ch_embedded_file *f)
{
	static const char *const cols[] = {"code",   "name",    "level", "parent",
	                                   "status", "aliases", "note"};
	struct ref_table t;
	int rc = read_ref(f, cols, 7, 3, &t);
	if (rc)
		return rc;
	ch_region_ref *refs = ch_calloc(t.nrows ? t.nrows : 1, sizeof *refs);
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		refs[r] = (ch_region_ref){.code = cellv(&t, r, 0),
		                          .name = cellv(&t, r, 1),
		                          .level = level_of(cellv(&t, r, 2)),
		                          .parent_code = cellv(&t, r, 3),
		                          .status = cellv(&t, r, 4),
		                          .aliases = cellv(&t, r, 5),
		                          .note = cellv(&t, r, 6)};
		if (!refs[r].level || !*refs[r].code || !*refs[r].name)
			rc = ch_error_set(CH_ERROR, "%s row %zu: bad reference region", f->path,
			                  r + 2);
	}
	if (rc == 0)
		rc = ch_region_load_reference(ctx, refs, (int)t.nrows);
	free(refs);
	ch_strv_dispose(&t.cells);
	return rc;
}

static int load_list(ch_ctx *ctx, const struct ch_embedded_file *f, const char *list)
{
	static const char *const cols[] = {"key", "name", "aliases"};
	struct ref_table t;
	int rc = read_ref(f, cols, 3, 2, &t);
	if (rc)
		return rc;
	if ((rc = check_keys(f, &t, "key")) != 0) {
		ch_strv_dispose(&t.cells);
		return rc;
	}
	ch_ref_item *items = ch_calloc(t.nrows ? t.nrows : 1, sizeof *items);
	for (size_t r = 0; r < t.nrows; r++)
		items[r] = (ch_ref_item){cellv(&t, r, 0), cellv(&t, r, 1), cellv(&t, r, 2)};
	rc = ch_ref_store_list(ctx, list, items, t.nrows);
	free(items);
	ch_strv_dispose(&t.cells);
	return rc;
}

/* data/subsidy/sources.csv: the fund sources' Chinese names (the keys are
 * the schema's) and the spellings accepted for them. */
static int load_sources(ch_ctx *ctx, const struct ch_embedded_file *f)
{
	int rc = load_list(ctx, f, "fund_source");
	if (rc == 0)
		rc =
		    ch_db_run(ctx->db,
		              "UPDATE fund_source SET name = (SELECT name FROM ref_item i"
		              " WHERE i.list = 'fund_source' AND i.key = fund_source.key)"
		              " WHERE key IN (SELECT key FROM ref_item WHERE list = 'fund_source')",
		              NULL);
	return rc;
}

static int load_limits(ch_ctx *ctx, const struct ch_embedded_file *f)
{
	static const char *const cols[] = {"field", "min", "max", "unit"};
	struct ref_table t;
	int rc = read_ref(f, cols, 4, 4, &t);
	if (rc == 0)
		rc = check_keys(f, &t, "field");
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		const char *unit = cellv(&t, r, 3);
		int decimals = 2; /* m² → 0.01 m², yuan → fen: both hundredths */
		int64_t lo, hi;
		if (strcmp(unit, "字符") == 0) /* the length of a text: whole characters */
			decimals = 0;
		else if (strcmp(unit, "m²") != 0 && strcmp(unit, "yuan") != 0) {
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：不认识的单位“%s”", f->path,
			                  r + 2, unit);
			break;
		}
		if (ch_text_parse_fixed(cellv(&t, r, 1), decimals, &lo) != CH_NUM_OK ||
		    ch_text_parse_fixed(cellv(&t, r, 2), decimals, &hi) != CH_NUM_OK) {
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：上下限不正确", f->path, r + 2);
			break;
		}
		if (lo < 0 || lo > hi) {
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：下限“%s”%s", f->path, r + 2,
			                  cellv(&t, r, 1),
			                  lo < 0 ? "是负数" : "大于上限，没有值能通过");
			break;
		}
		rc = ch_ref_store_limit(ctx, cellv(&t, r, 0), lo, hi);
	}
	ch_strv_dispose(&t.cells);
	return rc;
}

static int load_calendar(ch_ctx *ctx, const struct ch_embedded_file *f)
{
	static const char *const cols[] = {"key", "value"};
	const char *base = strrchr(f->path, '/') + 1;
	int year = atoi(base);
	struct ref_table t;
	if (year < 2000 || year > 2100)
		return ch_error_set(CH_ERROR, "%s: the file name must be the plan year", f->path);
	/* the keys the dispatch reads (core/dispatch.c): dates of the year,
	 * and three whole numbers; every date key is needed */
	static const char *const dates[] = {"implementation_start", "started_deadline",
	                                    "installed_deadline",   "commissioned_deadline",
	                                    "acceptance_start",     "self_inspected_deadline",
	                                    "reviewed_deadline"};
	static const char *const numbers[] = {"green_gap", "yellow_gap", "forecast_weeks"};
	int rc = read_ref(f, cols, 2, 2, &t);
	if (rc == 0)
		rc = check_keys(f, &t, "key");
	unsigned seen = 0;
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		const char *k = cellv(&t, r, 0), *v = cellv(&t, r, 1);
		int known = 0;
		for (size_t i = 0; i < sizeof dates / sizeof dates[0] && !known; i++) {
			ch_date d;
			if (strcmp(k, dates[i]) != 0)
				continue;
			known = 1;
			seen |= 1u << i;
			if (ch_date_parse(v, &d) != 0 || d.year < year - 1 || d.year > year + 1)
				rc = ch_error_set(CH_EINVALID,
				                  "第 %zu 行 %s：「%s」不是 %d 年前后的日期", r + 2,
				                  k, v, year);
		}
		for (size_t i = 0; i < sizeof numbers / sizeof numbers[0] && !known; i++) {
			char *end;
			if (strcmp(k, numbers[i]) != 0)
				continue;
			known = 1;
			long n = strtol(v, &end, 10);
			if (!*v || *end || n < 0 || n > 100)
				rc = ch_error_set(CH_EINVALID,
				                  "第 %zu 行 %s：「%s」应为 0–100 的整数", r + 2, k,
				                  v);
		}
		if (!known && rc == 0)
			rc = ch_error_set(CH_EINVALID, "第 %zu 行：未知的键「%s」", r + 2, k);
	}
	for (size_t i = 0; i < sizeof dates / sizeof dates[0] && rc == 0; i++)
		if (!(seen & (1u << i)))
			rc = ch_error_set(CH_EINVALID, "缺少 %s（每个节点日期都要写）", dates[i]);
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM calendar WHERE plan_year = ?", "i",
		               (int64_t)year);
	for (size_t r = 0; r < t.nrows && rc == 0; r++)
		rc = ch_db_run(ctx->db,
		               "INSERT INTO calendar(plan_year, key, value) VALUES (?, ?, ?)",
		               "itt", (int64_t)year, cellv(&t, r, 0), cellv(&t, r, 1));
	ch_strv_dispose(&t.cells);
	return rc;
}

/* The days that are not what their weekday says (holidays.csv): a date,
 * off or work, and the holiday's name. */
static int load_holidays(ch_ctx *ctx, const struct ch_embedded_file *f)
{
	static const char *const cols[] = {"day", "kind", "name"};
	struct ref_table t;
	int rc = read_ref(f, cols, 3, 3, &t);
	if (rc)
		return rc;
	rc = check_keys(f, &t, "day");
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		ch_date d;
		const char *k = cellv(&t, r, 1);
		if (ch_date_parse(cellv(&t, r, 0), &d) != 0)
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：「%s」不是日期", f->path, r + 2,
			                  cellv(&t, r, 0));
		else if (strcmp(k, "off") != 0 && strcmp(k, "work") != 0)
			rc = ch_error_set(CH_EINVALID,
			                  "%s 第%zu行：「%s」应为 off（放假）或 work（调休上班）",
			                  f->path, r + 2, k);
	}
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM holiday", NULL);
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		ch_date d;
		char day[11];
		ch_date_parse(cellv(&t, r, 0), &d);
		ch_date_format(&d, day, sizeof day);
		rc = ch_db_run(ctx->db, "INSERT INTO holiday(day, kind, name) VALUES (?, ?, ?)",
		               "ttt", day, cellv(&t, r, 1), cellv(&t, r, 2));
	}
	ch_strv_dispose(&t.cells);
	return rc;
}

/* key,value settings of one scope (data/acceptance/sampling.csv ...). */
/* The settings an office may set, with the values that make sense: a
 * sampling ratio of 0 % would review nobody, a deadline of 0 days is
 * already over. Whole numbers in [min, max]; max 0: a text checked by the
 * setting's own reader (the heating start's MM-DD, the sampling algorithm). */
static const struct setting_rule {
	const char *scope, *key;
	int64_t min, max;
} setting_rules[] = {
    {"sampling", "ratio_percent", 1, 100},
    {"sampling", "min_per_stratum", 0, 1000},
    {"sampling", "failed_contractor_weight", 1, 100},
    {"sampling", "fail_threshold_percent", 0, 100},
    {"sampling", "widen_percent", 0, 100},
    {"sampling", "algorithm", 0, 0},
    {"followup", "heating_start", 0, 0},
    {"followup", "first_visit_days", 1, 366},
    {"followup", "second_visit_days", 1, 366},
    {"followup", "rectification_days", 1, 366},
};

/* Checks row R's KEY = VALUE against setting_rules. */
static int check_setting(const struct ch_embedded_file *f, size_t r, const char *scope,
                         const char *key, const char *value)
{
	for (size_t i = 0; i < sizeof setting_rules / sizeof setting_rules[0]; i++) {
		const struct setting_rule *s = &setting_rules[i];
		if (strcmp(s->scope, scope) != 0 || strcmp(s->key, key) != 0)
			continue;
		int64_t v;
		if (s->max == 0 ||
		    (ch_text_parse_fixed(value, 0, &v) == CH_NUM_OK && v >= s->min && v <= s->max))
			return 0;
		return ch_error_set(
		    CH_EINVALID, "%s 第%zu行：%s 的值“%s”不对，应为 %lld 到 %lld 之间的整数",
		    f->path, r + 2, key, value, (long long)s->min, (long long)s->max);
	}
	return ch_error_set(CH_EINVALID, "%s 第%zu行：不认识的设置项“%s”", f->path, r + 2, key);
}

static int load_settings(ch_ctx *ctx, const struct ch_embedded_file *f, const char *scope)
{
	static const char *const cols[] = {"key", "value"};
	struct ref_table t;
	int rc = read_ref(f, cols, 2, 2, &t);
	if (rc == 0)
		rc = check_keys(f, &t, "key");
	for (size_t r = 0; r < t.nrows && rc == 0; r++)
		rc = check_setting(f, r, scope, cellv(&t, r, 0), cellv(&t, r, 1));
	for (size_t r = 0; r < t.nrows && rc == 0; r++)
		rc = ch_db_run(ctx->db,
		               "INSERT INTO setting(scope, key, value) VALUES (?, ?, ?)"
		               " ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value",
		               "ttt", scope, cellv(&t, r, 0), cellv(&t, r, 1));
	ch_strv_dispose(&t.cells);
	return rc;
}

/* The checklist: its items, and the problem each states when it fails
 * (kept as settings of scope checklist_problem, for rectification orders). */
static int load_checklist(ch_ctx *ctx, const struct ch_embedded_file *f)
{
	static const char *const cols[] = {"key", "name", "problem"};
	struct ref_table t;
	int rc = read_ref(f, cols, 3, 2, &t);
	if (rc == 0)
		rc = check_keys(f, &t, "key");
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM checklist_item", NULL);
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM setting WHERE scope = 'checklist_problem'",
		               NULL);
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		rc = ch_db_run(ctx->db,
		               "INSERT INTO checklist_item(key, name, ordinal) VALUES (?, ?, ?)",
		               "tti", cellv(&t, r, 0), cellv(&t, r, 1), (int64_t)r);
		const char *problem = cellv(&t, r, 2);
		if (rc == 0 && problem && *problem)
			rc = ch_db_run(ctx->db,
			               "INSERT INTO setting(scope, key, value)"
			               " VALUES ('checklist_problem', ?, ?)",
			               "tt", cellv(&t, r, 0), problem);
	}
	ch_strv_dispose(&t.cells);
	return rc;
}

/* Parses the policy's number in column NAME of row R: empty is 0, anything
 * else must be a number of yuan (or percent) with at most two decimals, not
 * negative. */
static int policy_number(const struct ch_embedded_file *f, size_t r, const char *name,
                         const char *v, int64_t *out)
{
	*out = 0;
	if (!v || !*v)
		return 0;
	if (ch_text_parse_fixed(v, 2, out) != CH_NUM_OK || *out < 0)
		return ch_error_set(CH_EINVALID,
		                    "%s 第%zu行：%s“%s”不是不小于 0 的数（最多两位小数）", f->path,
		                    r + 2, name, v);
	return 0;
}

/* data/subsidy/YYYY.csv → a new version of the year's subsidy policy (JSON):
 * amounts in fen, percents in hundredths of a percent. */
static int load_policy(ch_ctx *ctx, const struct ch_embedded_file *f, const char *hash)
{
	static const char *const cols[] = {"item",        "key",     "rule",
	                                   "amount_yuan", "percent", "cap_yuan"};
	const char *base = strrchr(f->path, '/') + 1;
	int year = atoi(base), rc;
	struct ref_table t;
	if (year < 2000 || year > 2100)
		return ch_error_set(CH_ERROR, "%s: the file name must be the plan year", f->path);
	if ((rc = read_ref(f, cols, 6, 2, &t)) != 0)
		return rc;
	json_t *j = json_object(), *tech = json_object(), *split = json_object(),
	       *cats = json_array();
	int64_t split_total = 0;
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		const char *item = cellv(&t, r, 0), *key = cellv(&t, r, 1), *rule = cellv(&t, r, 2);
		int64_t amount = 0, pct = 0, cap = 0;
		if ((rc = policy_number(f, r, "amount_yuan", cellv(&t, r, 3), &amount)) != 0 ||
		    (rc = policy_number(f, r, "percent", cellv(&t, r, 4), &pct)) != 0 ||
		    (rc = policy_number(f, r, "cap_yuan", cellv(&t, r, 5), &cap)) != 0)
			break;
		if (pct > 10000) {
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：比例 %s%% 超过 100%%", f->path,
			                  r + 2, cellv(&t, r, 4));
			break;
		}
		if (strcmp(item, "technology") == 0 && strcmp(rule, "share") != 0 &&
		    strcmp(rule, "fixed") != 0) {
			rc = ch_error_set(
			    CH_EINVALID,
			    "%s 第%zu行：补助方式“%s”不认识（share 按比例、fixed 定额）", f->path,
			    r + 2, rule);
			break;
		}
		if (strcmp(item, "technology") == 0 &&
		    (strcmp(rule, "share") == 0 ? pct == 0 : amount == 0)) {
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：改造方式 %s 的%s为空或为 0",
			                  f->path, r + 2, key,
			                  strcmp(rule, "share") == 0 ? "补助比例" : "定额");
			break;
		}
		if (strcmp(item, "label") == 0) {
			json_object_set_new(j, "example",
			                    json_boolean(strcmp(key, "example") == 0));
		} else if (strcmp(item, "technology") == 0) {
			json_object_set_new(tech, key,
			                    json_pack("{s:s, s:I, s:I, s:I}", "rule", rule,
			                              "amount_fen", (json_int_t)amount,
			                              "percent_bp", (json_int_t)pct, "cap_fen",
			                              (json_int_t)cap));
		} else if (strcmp(item, "energy_saving") == 0) {
			json_object_set_new(j, "energy_saving",
			                    json_pack("{s:I, s:I}", "per_m2_fen",
			                              (json_int_t)amount, "cap_fen",
			                              (json_int_t)cap));
		} else if (strcmp(item, "split") == 0) {
			json_object_set_new(split, key, json_integer(pct));
			split_total += pct;
		} else if (strcmp(item, "deadline") == 0) {
			json_object_set_new(j, key, json_integer(amount / 100));
		} else if (strcmp(item, "category") == 0) {
			json_array_append_new(cats, json_string(key));
		} else {
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：不认识的项目“%s”", f->path,
			                  r + 2, item);
		}
	}
	if (rc == 0 && split_total != 10000)
		rc = ch_error_set(CH_EINVALID, "%s：分担比例合计为 %lld.%02lld%%，不是 100%%",
		                  f->path, (long long)split_total / 100,
		                  (long long)split_total % 100);
	json_object_set_new(j, "technology", tech);
	json_object_set_new(j, "split", split);
	json_object_set_new(j, "categories", cats);
	char *content = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS), now[32];
	json_decref(j);
	ch_now_utc(now, sizeof now);
	int64_t version = 0;
	if (rc == 0) {
		ch_db_query_int64(
		    ctx->db, &version,
		    "SELECT coalesce(max(version), 0) FROM subsidy_policy WHERE plan_year = ?", "i",
		    (int64_t)year);
		rc = ch_db_run(
		    ctx->db,
		    "UPDATE subsidy_policy SET active = 0 WHERE plan_year = ? AND active = 1", "i",
		    (int64_t)year);
	}
	if (rc == 0)
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO subsidy_policy(plan_year, version, content, content_hash,"
		    " label, loaded_at, active) VALUES (?, ?, ?, ?, ?, ?, 1)",
		    "iittt"
		    "t",
		    (int64_t)year, version + 1, content, hash, f->path, now);
	free(content);
	ch_strv_dispose(&t.cells);
	return rc;
}

/* Numeric factors with their unit and source (data/survey/factors.csv,
 * data/tariffs/, data/emission/): the scope's set is replaced whole. Every
 * value must be a number and every row name its source. */
static int load_factors(ch_ctx *ctx, const struct ch_embedded_file *f, const char *scope)
{
	static const char *const cols[] = {"key", "value", "unit", "source"};
	struct ref_table t;
	int rc = read_ref(f, cols, 4, 4, &t);
	if (rc)
		return rc;
	rc = check_keys(f, &t, "key");
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		const char *v = cellv(&t, r, 1);
		char *end = NULL;
		(void)strtod(v, &end);
		if (!*v || *end)
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：%s 的值“%s”不是数", f->path,
			                  r + 2, cellv(&t, r, 0), v);
		else if (!*cellv(&t, r, 3))
			rc = ch_error_set(CH_EINVALID, "%s 第%zu行：%s 没有写来源", f->path, r + 2,
			                  cellv(&t, r, 0));
	}
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM factor WHERE scope = ?", "t", scope);
	for (size_t r = 0; r < t.nrows && rc == 0; r++)
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO factor(scope, key, value, unit, source) VALUES (?, ?, ?, ?, ?)",
		    "ttttt", scope, cellv(&t, r, 0), cellv(&t, r, 1), cellv(&t, r, 2),
		    cellv(&t, r, 3));
	ch_strv_dispose(&t.cells);
	return rc;
}

/* data/survey/climate.csv: per station the design temperature, heating
 * days and their mean temperature, and the counties that use it; stored as
 * factors of scope climate ("乌鲁木齐.design_temp", "county.昌吉市"). */
static int load_climate(ch_ctx *ctx, const struct ch_embedded_file *f)
{
	static const char *const cols[] = {"station",   "design_temp", "heating_days",
	                                   "mean_temp", "counties",    "source"};
	static const char *const num[] = {"design_temp", "heating_days", "mean_temp"};
	struct ref_table t;
	int rc = read_ref(f, cols, 6, 6, &t);
	if (rc)
		return rc;
	rc = check_keys(f, &t, "station");
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM factor WHERE scope = 'climate'", NULL);
	for (size_t r = 0; r < t.nrows && rc == 0; r++) {
		const char *st = cellv(&t, r, 0), *src = cellv(&t, r, 5);
		char key[256];
		for (size_t c = 0; c < 3 && rc == 0; c++) {
			const char *v = cellv(&t, r, c + 1);
			char *end = NULL;
			double d = strtod(v, &end);
			if (!*v || *end || (c == 1 && (d < 1 || d > 366)))
				rc = ch_error_set(CH_EINVALID, "%s 第%zu行：%s 的%s“%s”不对",
				                  f->path, r + 2, st, num[c], v);
			snprintf(key, sizeof key, "%s.%s", st, num[c]);
			if (rc == 0)
				rc = ch_db_run(ctx->db,
				               "INSERT INTO factor(scope, key, value, unit, source)"
				               " VALUES ('climate', ?, ?, ?, ?)",
				               "tttt", key, v, c == 1 ? "天" : "℃", src);
		}
		for (const char *p = cellv(&t, r, 4); *p && rc == 0;) {
			size_t n = strcspn(p, "|");
			if (n) {
				snprintf(key, sizeof key, "county.%.*s", (int)n, p);
				rc = ch_db_run(
				    ctx->db,
				    "INSERT INTO factor(scope, key, value, unit, source)"
				    " VALUES ('climate', ?, ?, NULL, ?)"
				    " ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value",
				    "ttt", key, st, src);
			}
			p += n + (p[n] == '|');
		}
	}
	ch_strv_dispose(&t.cells);
	return rc;
}

/* The loader for one embedded file (or an office's file of a rule kind),
 * by its data/ path. */
int ch_reference_load_file(ch_ctx *ctx, const struct ch_embedded_file *f, const char *hash)
{
	if (strcmp(f->path, "data/subsidy/sources.csv") == 0)
		return load_sources(ctx, f);
	if (strcmp(f->path, "data/subsidy/categories.csv") == 0)
		return load_list(ctx, f, "category");
	if (ch_str_starts(f->path, "data/subsidy/"))
		return load_policy(ctx, f, hash);
	if (ch_str_starts(f->path, "data/regions/"))
		return load_regions(ctx, f);
	if (strcmp(f->path, "data/register/technologies.csv") == 0)
		return load_list(ctx, f, "technology");
	if (strcmp(f->path, "data/register/measures.csv") == 0)
		return load_list(ctx, f, "measure");
	if (strcmp(f->path, "data/register/limits.csv") == 0)
		return load_limits(ctx, f);
	if (strcmp(f->path, "data/calendar/holidays.csv") == 0)
		return load_holidays(ctx, f);
	if (ch_str_starts(f->path, "data/calendar/"))
		return load_calendar(ctx, f);
	if (strcmp(f->path, "data/acceptance/checklist.csv") == 0)
		return load_checklist(ctx, f);
	if (strcmp(f->path, "data/acceptance/sampling.csv") == 0)
		return load_settings(ctx, f, "sampling");
	if (strcmp(f->path, "data/acceptance/followup.csv") == 0)
		return load_settings(ctx, f, "followup");
	if (strcmp(f->path, "data/survey/climate.csv") == 0)
		return load_climate(ctx, f);
	if (strcmp(f->path, "data/survey/factors.csv") == 0)
		return load_factors(ctx, f, "survey");
	if (strcmp(f->path, "data/tariffs/tariffs.csv") == 0)
		return load_factors(ctx, f, "tariff");
	if (strcmp(f->path, "data/emission/factors.csv") == 0)
		return load_factors(ctx, f, "emission");
	return ch_error_set(CH_ERROR, "no loader for reference file %s", f->path);
}

void ch_reference_fingerprint(char out[CH_HASH_HEX_LEN + 1])
{
	ch_hash h;
	char n[24];
	ch_hash_init(&h);
	for (const struct ch_embedded_file *f = ch_embedded; f->path; f++) {
		if (!ch_str_starts(f->path, "data/") || !ch_str_ends(f->path, ".csv"))
			continue;
		/* length-prefixed, so that no two sets of files hash alike */
		ch_hash_update(&h, n, (size_t)snprintf(n, sizeof n, "%zu:", strlen(f->path)));
		ch_hash_update(&h, f->path, strlen(f->path));
		ch_hash_update(&h, n, (size_t)snprintf(n, sizeof n, "%zu:", f->len));
		ch_hash_update(&h, f->data, f->len);
	}
	ch_hash_final(&h, out);
}

/* 1 when KEY holds VALUE in the meta table. */
static int meta_is(ch_db *db, const char *key, const char *value)
{
	char *stored = NULL;
	int same =
	    ch_db_query_text(db, &stored, "SELECT value FROM meta WHERE key = ?", "t", key) == 0 &&
	    strcmp(stored, value) == 0;
	free(stored);
	ch_error_clear(); /* no row yet is not an error */
	return same;
}

static int meta_set(ch_db *db, const char *key, const char *value)
{
	return ch_db_run(db,
	                 "INSERT INTO meta(key, value) VALUES (?, ?)"
	                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	                 "tt", key, value);
}

int ch_reference_sync(ch_store *store, int *nloaded)
{
	char fingerprint[CH_HASH_HEX_LEN + 1];
	json_t *loaded = NULL;
	ch_ctx ctx;
	int rc;

	if (nloaded)
		*nloaded = 0;
	ch_reference_fingerprint(fingerprint);
	if (meta_is(store->db, FINGERPRINT_KEY, fingerprint))
		return 0;
	ch_ctx_init_system(&ctx, store);
	if ((rc = ch_ctx_begin(&ctx)) != 0)
		return rc;
	/* another process may have loaded it while we looked */
	if (meta_is(store->db, FINGERPRINT_KEY, fingerprint))
		goto done;
	loaded = json_array();
	for (const struct ch_embedded_file *f = ch_embedded; f->path && rc == 0; f++) {
		char hash[CH_HASH_HEX_LEN + 1], key[256];
		/* the column headings are read by the importers from the binary
		 * itself (io/headings.c), never loaded into the database */
		if (!ch_str_starts(f->path, "data/") || !ch_str_ends(f->path, ".csv") ||
		    strcmp(f->path, "data/register/headings.csv") == 0)
			continue;
		ch_hash_hex(f->data, f->len, hash);
		snprintf(key, sizeof key, "ref:%s", f->path);
		if (meta_is(store->db, key, hash)) {
			rc = ch_rules_record_builtin(&ctx, f, hash, 1);
			continue;
		}
		/* an office's own version of a rule stays: the shipped file is
		 * only a default (core/rules.c) */
		if (ch_rules_office_owns(&ctx, f->path)) {
			rc = meta_set(store->db, key, hash);
			continue;
		}
		rc = ch_reference_load_file(&ctx, f, hash);
		if (rc == 0)
			rc = ch_rules_record_builtin(&ctx, f, hash, 0);
		if (rc == 0)
			rc = meta_set(store->db, key, hash);
		if (rc == 0)
			json_array_append_new(
			    loaded, json_pack("{s:s, s:s}", "file", f->path, "hash", hash));
	}
	if (rc == 0 && json_array_size(loaded)) {
		json_t *a = json_pack("{s:O}", "files", loaded);
		char *after = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		rc = ch_audit_append(&ctx, "reference.load", "reference", NULL, after);
		free(after);
		json_decref(a);
	}
	if (rc == 0)
		rc = meta_set(store->db, FINGERPRINT_KEY, fingerprint);
	if (rc == 0 && nloaded)
		*nloaded = (int)json_array_size(loaded);
done:
	if (rc == 0)
		rc = ch_ctx_commit(&ctx);
	else
		ch_ctx_rollback(&ctx);
	json_decref(loaded);
	return rc;
}
