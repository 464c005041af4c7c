/*
 * rules — the yearly rules an office sets itself (see rules.h).
 *
 * A kind is found by its data/ path; an office's file is loaded by the
 * shipped file's loader under that path (so it is checked exactly as the
 * shipped one is), after which rule_version keeps its text.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/rules.h"
#include "core/rules_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

static const ch_rule_kind kinds[] = {
    {"calendar", "里程碑日历", 1, "data/calendar/%d.csv"},
    {"subsidy", "补助标准", 1, "data/subsidy/%d.csv"},
    {"checklist", "自验检查项", 0, "data/acceptance/checklist.csv"},
    {"followup", "回访安排与整改期限", 0, "data/acceptance/followup.csv"},
    {"sampling", "复核抽样比例", 0, "data/acceptance/sampling.csv"},
    {"technologies", "改造方式", 0, "data/register/technologies.csv"},
    {"measures", "节能改造措施", 0, "data/register/measures.csv"},
    {"limits", "合理性范围", 0, "data/register/limits.csv"},
    {"climate", "气候参数", 0, "data/survey/climate.csv"},
    {"factors", "摸排测算系数", 0, "data/survey/factors.csv"},
    {"tariffs", "能源价格", 0, "data/tariffs/tariffs.csv"},
    {"emission", "排放因子", 0, "data/emission/factors.csv"},
    {"holidays", "节假日与调休", 0, "data/calendar/holidays.csv"},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

const ch_rule_kind *ch_rule_kinds(size_t *n)
{
	*n = NKINDS;
	return kinds;
}

const ch_rule_kind *ch_rule_kind_find(const char *kind)
{
	for (size_t i = 0; kind && i < NKINDS; i++)
		if (strcmp(kind, kinds[i].kind) == 0 || strcmp(kind, kinds[i].label) == 0)
			return &kinds[i];
	return NULL;
}

static int unknown_kind(const char *kind)
{
	ch_buf b;
	ch_buf_init(&b);
	for (size_t i = 0; i < NKINDS; i++)
		ch_buf_printf(&b, "%s%s（%s）", i ? "、" : "", kinds[i].kind, kinds[i].label);
	int rc = ch_error_set_field(CH_EINVALID, "kind", "没有「%s」这类规则；可用：%s",
	                            kind ? kind : "", b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

/* The kind whose file PATH is, and its year (0 for a current set). */
static const ch_rule_kind *kind_of_path(const char *path, int *year)
{
	*year = 0;
	for (size_t i = 0; i < NKINDS; i++) {
		const ch_rule_kind *k = &kinds[i];
		if (!k->per_year) {
			if (strcmp(path, k->path) == 0)
				return k;
			continue;
		}
		const char *pct = strstr(k->path, "%d");
		size_t pre = (size_t)(pct - k->path);
		if (strncmp(path, k->path, pre) == 0 && strcmp(path + pre + 4, ".csv") == 0 &&
		    strlen(path) == pre + 8) {
			*year = atoi(path + pre);
			return k;
		}
	}
	return NULL;
}

int ch_rules_office_owns(ch_ctx *ctx, const char *path)
{
	int year;
	int64_t n = 0;
	const ch_rule_kind *k = kind_of_path(path, &year);
	if (!k)
		return 0;
	if (ch_db_query_int64(ctx->db, &n,
	                      "SELECT count(*) FROM rule_version WHERE kind = ? AND plan_year = ?"
	                      " AND active = 1 AND source = 'import'",
	                      "ti", k->kind, (int64_t)year) != 0) {
		ch_error_clear();
		return 0;
	}
	return n > 0;
}

/* Stores DATA as the active version of K for YEAR. */
static int record(ch_ctx *ctx, const ch_rule_kind *k, int year, const char *source,
                  const char *file, const char *data, size_t len, const char *hash,
                  int64_t *version)
{
	char now[32];
	int64_t v = 0;
	int rc;
	ch_now_utc(now, sizeof now);
	if ((rc = ch_db_query_int64(ctx->db, &v,
	                            "SELECT coalesce(max(version), 0) FROM rule_version"
	                            " WHERE kind = ? AND plan_year = ?",
	                            "ti", k->kind, (int64_t)year)) != 0)
		return rc;
	if ((rc = ch_db_run(ctx->db,
	                    "UPDATE rule_version SET active = 0 WHERE kind = ? AND plan_year = ?"
	                    " AND active = 1",
	                    "ti", k->kind, (int64_t)year)) != 0)
		return rc;
	char *text = ch_strndup(data, len);
	rc = ch_db_run(ctx->db,
	               "INSERT INTO rule_version(kind, plan_year, version, source, file, content,"
	               " content_hash, loaded_by, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               "tiittttt"
	               "t",
	               k->kind, (int64_t)year, v + 1, source, file, text, hash,
	               ctx->actor.name ? ctx->actor.name : "cleanheat", now);
	free(text);
	if (version)
		*version = v + 1;
	return rc;
}

int ch_rules_record_builtin(ch_ctx *ctx, const struct ch_embedded_file *f, const char *hash,
                            int if_none)
{
	int year;
	int64_t n = 0;
	const ch_rule_kind *k = kind_of_path(f->path, &year);
	if (!k)
		return 0;
	if (if_none) {
		int rc = ch_db_query_int64(ctx->db, &n,
		                           "SELECT count(*) FROM rule_version WHERE kind = ?"
		                           " AND plan_year = ?",
		                           "ti", k->kind, (int64_t)year);
		if (rc || n)
			return rc;
	}
	return record(ctx, k, year, "builtin", f->path, f->data, f->len, hash, NULL);
}

static int64_t count_rows(const char *csv)
{
	int64_t n = -1; /* the header is not a row */
	for (const char *p = csv; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && !(len == 1 && *p == '\r'))
			n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n < 0 ? 0 : n;
}

int ch_rules_each(ch_ctx *ctx, int all, int (*fn)(const ch_rule_version *v, void *arg), void *arg)
{
	int rc;
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0)
		return rc;
	/* in the kinds' order, not the alphabet's */
	for (size_t i = 0; i < NKINDS && rc == 0; i++) {
		ch_stmt *st;
		rc = ch_db_preparef(
		    ctx->db, &st,
		    "SELECT plan_year, version, source, file, content_hash,"
		    " loaded_by, loaded_at, active, content FROM rule_version"
		    " WHERE kind = ? AND (? <> 0 OR active = 1) ORDER BY plan_year, version",
		    "ti", kinds[i].kind, (int64_t)(all != 0));
		if (rc)
			return rc;
		while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
			ch_rule_version v = {.kind = kinds[i].kind,
			                     .label = kinds[i].label,
			                     .plan_year = (int)ch_stmt_int64(st, 0),
			                     .version = ch_stmt_int64(st, 1),
			                     .source = ch_stmt_text(st, 2),
			                     .file = ch_stmt_text(st, 3),
			                     .content_hash = ch_stmt_text(st, 4),
			                     .loaded_by = ch_stmt_text(st, 5),
			                     .loaded_at = ch_stmt_text(st, 6),
			                     .active = (int)ch_stmt_int64(st, 7),
			                     .rows = count_rows(ch_stmt_text(st, 8))};
			if ((rc = fn(&v, arg)) != 0)
				break;
		}
		ch_stmt_finalize(st);
		if (rc == CH_DB_DONE)
			rc = 0;
	}
	return rc;
}

int ch_rules_get(ch_ctx *ctx, const char *kind, int year, int64_t version, char **content)
{
	const ch_rule_kind *k = ch_rule_kind_find(kind);
	int rc;
	*content = NULL;
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0)
		return rc;
	if (!k)
		return unknown_kind(kind);
	int y = k->per_year ? year : 0;
	if (k->per_year && !year)
		return ch_error_set_field(CH_EUSAGE, "year", "%s按年度区分：请指定年度", k->label);
	rc = version ? ch_db_query_text(ctx->db, content,
	                                "SELECT content FROM rule_version WHERE kind = ?"
	                                " AND plan_year = ? AND version = ?",
	                                "tii", k->kind, (int64_t)y, version)
	             : ch_db_query_text(ctx->db, content,
	                                "SELECT content FROM rule_version WHERE kind = ?"
	                                " AND plan_year = ? AND active = 1",
	                                "ti", k->kind, (int64_t)y);
	if (rc == CH_ENOTFOUND) {
		if (version)
			return ch_error_set(CH_ENOTFOUND, "%s没有第 %" PRId64 " 版", k->label,
			                    version);
		return ch_error_set(
		    CH_ENOTFOUND,
		    "没有 %d 年的%s：请用 cleanheat rules import %s FILE --year %d 载入"
		    "（格式见 data/ 下同类文件及其说明）",
		    year, k->label, k->kind, year);
	}
	return rc;
}

int ch_rules_import(ch_ctx *ctx, const char *kind, int year, const char *file, const char *data,
                    size_t len, int64_t *version)
{
	const ch_rule_kind *k = ch_rule_kind_find(kind);
	char hash[CH_HASH_HEX_LEN + 1], path[64], *active = NULL;
	int rc;
	*version = 0;
	if ((rc = ch_ctx_require(ctx, CH_PERM_PLAN_WRITE, 0)) != 0)
		return rc;
	if (!k)
		return unknown_kind(kind);
	if (year < 2000 || year > 2100)
		return ch_error_set_field(CH_EUSAGE, "year", "年度 %d 不在 2000–2100 之间", year);
	if (len == 0 || memchr(data, '\0', len))
		return ch_error_set(CH_EINVALID, "%s：不是 CSV 文本文件", file);
	int y = k->per_year ? year : 0;
	if (k->per_year)
		snprintf(path, sizeof path, k->path, year);
	else
		snprintf(path, sizeof path, "%s", k->path);
	ch_hash_hex(data, len, hash);
	/* the same text as the active version: nothing to do */
	if (ch_db_query_text(
	        ctx->db, &active,
	        "SELECT content_hash FROM rule_version WHERE kind = ? AND plan_year = ?"
	        " AND active = 1",
	        "ti", k->kind, (int64_t)y) == 0 &&
	    strcmp(active, hash) == 0) {
		free(active);
		return ch_db_query_int64(ctx->db, version,
		                         "SELECT version FROM rule_version WHERE kind = ?"
		                         " AND plan_year = ? AND active = 1",
		                         "ti", k->kind, (int64_t)y);
	}
	free(active);
	ch_error_clear();
	/* checked and applied by the shipped file's loader, under its path */
	char *text = ch_strndup(data, len);
	struct ch_embedded_file f = {path, text, len};
	if ((rc = ch_ctx_begin(ctx)) != 0) {
		free(text);
		return rc;
	}
	rc = ch_reference_load_file(ctx, &f, hash);
	if (rc)
		ch_error_prefix("%s：", file);
	if (rc == 0)
		rc = record(ctx, k, y, "import", file, text, len, hash, version);
	if (rc == 0) {
		char obj[80];
		snprintf(obj, sizeof obj, "rules:%s/%d", k->kind, year);
		rc = ch_audit_append_json(ctx, "rules.import", obj,
		                          json_pack("{s:s, s:i, s:I, s:s, s:s}", "kind", k->kind,
		                                    "year", year, "version", (json_int_t)*version,
		                                    "file", file, "hash", hash));
	}
	free(text);
	return ch_ctx_end(ctx, rc);
}
