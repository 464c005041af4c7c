/*
 * op_rules — the yearly rules an office sets itself: `rules list`,
 * `rules show KIND --year Y`, `rules import KIND FILE --year Y` (see
 * core/rules.h). A file to import may be CSV in any encoding the importers
 * read, or XLSX; it is turned into UTF-8 CSV text here, which core checks
 * with the shipped file's loader and keeps as the new version.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/rules.h"
#include "io/csv.h"
#include "io/rows.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"

enum { L_KIND, L_LABEL, L_YEAR, L_VERSION, L_ACTIVE, L_SOURCE, L_ROWS, L_BY, L_AT, L_FILE };
static const struct app_col list_cols[] = {
    [L_KIND] = {"kind", "类别", CH_COL_TEXT},
    [L_LABEL] = {"label", "名称", CH_COL_TEXT},
    [L_YEAR] = {"year", "年度", CH_COL_TEXT},
    [L_VERSION] = {"version", "版本", CH_COL_INT},
    [L_ACTIVE] = {"active", "状态", CH_COL_TEXT},
    [L_SOURCE] = {"source", "来源", CH_COL_TEXT},
    [L_ROWS] = {"rows", "行数", CH_COL_INT},
    [L_BY] = {"loaded_by", "载入人", CH_COL_TEXT},
    [L_AT] = {"loaded_at", "载入时间(北京时间)", CH_COL_TEXT},
    [L_FILE] = {"file", "文件", CH_COL_TEXT},
};

static int add_version(const ch_rule_version *v, void *arg)
{
	ch_report *r = arg;
	char year[16], at[32];
	snprintf(year, sizeof year, "%d", v->plan_year);
	ch_utc_to_beijing(v->loaded_at, at, sizeof at);
	ch_report_add_row(r, 0);
	ch_report_set_text(r, L_KIND, v->kind);
	ch_report_set_text(r, L_LABEL, v->label);
	ch_report_set_text(r, L_YEAR, v->plan_year ? year : "通用");
	ch_report_set_int(r, L_VERSION, v->version);
	ch_report_set_text(r, L_ACTIVE, v->active ? "在用" : "已替换");
	ch_report_set_text(r, L_SOURCE,
	                   strcmp(v->source, "builtin") == 0 ? "内置默认" : "本单位导入");
	ch_report_set_int(r, L_ROWS, v->rows);
	ch_report_set_text(r, L_BY, v->loaded_by);
	ch_report_set_text(r, L_AT, at);
	ch_report_set_text(r, L_FILE, v->file);
	return 0;
}

static int rules_list(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("规则", list_cols);
	ch_result_add_table(res, r);
	ch_report_add_note(r, "里程碑日历和补助标准按年度区分；其余各类为一套通用规则，"
	                      "导入后从此替换，旧版本保留");
	return ch_rules_each(ctx, ch_args_flag(a, "all"), add_version, r);
}

/* The CSV text CONTENT as a table with its own columns. */
static int csv_table(const char *title, const char *content, ch_report **out)
{
	ch_csv *csv = NULL;
	ch_csv_row row;
	ch_report *r = ch_report_new(title);
	size_t ncols = 0;
	int rc = ch_csv_open_mem(&csv, content, strlen(content));
	while (rc == 0 && (rc = ch_csv_next(csv, &row)) == 1) {
		rc = 0;
		if (!ncols) {
			for (size_t c = 0; c < row.nfields; c++)
				ch_report_add_col(r, row.fields[c], row.fields[c], CH_COL_TEXT);
			ncols = row.nfields;
			continue;
		}
		ch_report_add_row(r, 0);
		for (size_t c = 0; c < row.nfields && c < ncols; c++)
			ch_report_set_text(r, (int)c, row.fields[c]);
	}
	ch_csv_free(csv);
	if (rc < 0) {
		ch_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static int rules_show(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *kind = ch_args_str(a, "kind");
	int year = (int)ch_args_int(a, "year", 0);
	char *content = NULL, title[128];
	ch_report *r = NULL;
	int rc = ch_rules_get(ctx, kind, year, ch_args_int(a, "version", 0), &content);
	if (rc)
		return rc;
	const ch_rule_kind *k = ch_rule_kind_find(kind);
	if (k->per_year)
		snprintf(title, sizeof title, "%d年%s", year, k->label);
	else
		snprintf(title, sizeof title, "%s（通用）", k->label);
	if ((rc = csv_table(title, content, &r)) == 0)
		ch_result_add_table(res, r);
	free(content);
	return rc;
}

/* The file at PATH (CSV in any encoding the readers know, or XLSX) as
 * UTF-8 CSV text in *B, blank rows dropped. */
static int read_as_csv(const char *path, const char *sheet, ch_buf *b)
{
	ch_rows *rows = NULL;
	ch_csv_row row;
	int rc = ch_rows_open(&rows, path, sheet);
	while (rc == 0 && (rc = ch_rows_next(rows, &row)) == 1) {
		int any = 0;
		rc = 0;
		for (size_t c = 0; c < row.nfields; c++)
			any |= row.fields[c][0] != '\0';
		if (!any)
			continue;
		for (size_t c = 0; c < row.nfields; c++) {
			if (c)
				ch_buf_putc(b, ',');
			ch_csv_put_field(b, row.fields[c]);
		}
		ch_buf_putc(b, '\n');
	}
	ch_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static int rules_import(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *kind = ch_args_str(a, "kind"), *file = ch_args_str(a, "file");
	int year = (int)ch_args_int(a, "year", 0);
	const char *base = strrchr(file, '/');
	int64_t version = 0;
	ch_buf b;
	ch_buf_init(&b);
	int rc = read_as_csv(file, ch_args_str(a, "sheet"), &b);
	if (rc == 0)
		rc = ch_rules_import(ctx, kind, year, base ? base + 1 : file, b.ptr ? b.ptr : "",
		                     b.len, &version);
	ch_buf_dispose(&b);
	if (rc)
		return rc;
	const ch_rule_kind *k = ch_rule_kind_find(kind);
	ch_result_count(res, "version", version);
	if (k->per_year)
		ch_result_printf(res,
		                 "已载入 %d 年%s第 %" PRId64
		                 " 版（旧版本保留，可用 rules list --all 查看）\n",
		                 year, k->label, version);
	else
		ch_result_printf(
		    res, "已载入%s第 %" PRId64 " 版，%d 年起使用（此类为通用规则；旧版本保留）\n",
		    k->label, version, year);
	return 0;
}

#define KINDS "calendar|subsidy|checklist|followup|sampling|technologies|measures|limits"

static const struct ch_param list_params[] = {
    {"all", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "列出全部版本，包括已被替换的"},
    {0},
};

static const struct ch_param show_params[] = {
    {"kind", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "KIND", NULL, 0, 0,
     "规则种类：" KINDS "（或其中文名称）"},
    APP_P_YEAR(0, "计划年度（calendar 和 subsidy 逐年不同）"),
    {"version", CH_PT_INT, 0, "N", NULL, 1, 100000, "指定版本，而非当前使用的版本"},
    {0},
};

static const struct ch_param import_params[] = {
    {"kind", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "KIND", NULL, 0, 0,
     "规则种类：" KINDS "（或其中文名称）"},
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "规则文件（CSV 或 XLSX），列与随程序附带的同类文件相同（见 data/）"},
    APP_P_YEAR(CH_PF_REQUIRED, "适用的计划年度"),
    APP_P_SHEET,
    {0},
};

const struct ch_op ch_ops_rules[] = {
    {"rules", "list", "当前使用的年度规则（时间节点、补助标准、自验清单等）及其版本", CH_PERM_READ,
     0, CH_RF_ALL, list_params, rules_list},
    {"rules", "show", "某年度一项规则的已保存内容", CH_PERM_READ, 0, CH_RF_ALL, show_params,
     rules_show},
    {"rules", "import", "导入本单位某年度的规则（经核验，留存版本，记入审计）", CH_PERM_PLAN_WRITE,
     CH_OP_WRITES, CH_RF_TEXT, import_params, rules_import},
    {0},
};
