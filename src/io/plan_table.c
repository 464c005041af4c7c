/*
 * plan_table — header recognition and row reading for plan tables
 * (see plan_table.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/rows.h"
#include "io/plan_table.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/text.h"

/* How far down the header may be, and how large a plan table may get. */
#define HEADER_SEARCH_ROWS 20
#define MAX_PLAN_ROWS      10000

enum col_role { ROLE_NONE = -1, ROLE_SEQ = -2, ROLE_COUNTY = -3, ROLE_REMARK = -4 };

static const char *cell(char ***rows, const size_t *ncells, size_t r, size_t c)
{
	return c < ncells[r] && rows[r][c] ? rows[r][c] : "";
}

static int is_county_heading(const char *s)
{
	return strcmp(s, "县(市)") == 0 || strcmp(s, "县市") == 0 || strcmp(s, "县(市、区)") == 0 ||
	       strcmp(s, "县(市区)") == 0 || strcmp(s, "县区") == 0 || strcmp(s, "县市区") == 0 ||
	       strcmp(s, "地区") == 0 || strcmp(s, "单位") == 0 || strcmp(s, "县(市)名称") == 0;
}

static int is_total_label(const char *s)
{
	return ch_str_contains(s, "总计") || strcmp(s, "合计") == 0 || strcmp(s, "全州") == 0;
}

/* What a column holds, from its heading (TOP: the upper heading, carried
 * across a merged cell; SUB: the lower one, or ""). */
static int classify(const char *top, const char *sub)
{
	const char *l = *sub ? sub : top;
	if (ch_str_contains(top, "序号") || strcmp(l, "序号") == 0)
		return ROLE_SEQ;
	if (ch_str_contains(l, "备注"))
		return ROLE_REMARK;
	if (ch_str_contains(l, "节能") || (!*sub && ch_str_contains(top, "节能")))
		return CH_PCOL_ES;
	if (ch_str_contains(l, "续建"))
		return CH_PCOL_CONTINUING;
	if (strcmp(l, "合计") == 0 || strcmp(l, "小计") == 0 || ch_str_contains(l, "合计") ||
	    ch_str_contains(l, "总户数"))
		return CH_PCOL_TOTAL;
	if (ch_str_contains(l, "实施") || ch_str_contains(l, "新建") ||
	    ch_str_contains(l, "新增") || ch_str_contains(l, "本年"))
		return CH_PCOL_NEW;
	return ROLE_NONE;
}

int ch_plan_table_parse(ch_plan_table *t, char ***rows, const size_t *ncells, const size_t *lines,
                        size_t nrows)
{
	size_t hdr = nrows, county_col = 0, width = 0, first_data;
	int *role = NULL, rc = 0, has_sub = 0;

	for (size_t r = 0; r < nrows && r < HEADER_SEARCH_ROWS && hdr == nrows; r++)
		for (size_t c = 0; c < ncells[r]; c++)
			if (is_county_heading(cell(rows, ncells, r, c))) {
				hdr = r;
				county_col = c;
				break;
			}
	if (hdr == nrows)
		return ch_error_set(CH_EINVALID, "找不到表头行：前 %d 行都没有“县(市)”列",
		                    HEADER_SEARCH_ROWS);
	/* the title: the first non-empty cell above the header */
	for (size_t r = 0; r < hdr && !t->title; r++)
		for (size_t c = 0; c < ncells[r]; c++)
			if (*cell(rows, ncells, r, c)) {
				t->title = ch_strdup(cell(rows, ncells, r, c));
				t->title_line = lines[r];
				break;
			}
	/* a second header row: nothing under 县(市), headings elsewhere */
	if (hdr + 1 < nrows && !*cell(rows, ncells, hdr + 1, county_col)) {
		for (size_t c = 0; c < ncells[hdr + 1]; c++) {
			int k = classify("", cell(rows, ncells, hdr + 1, c));
			if (k >= 0 || k == ROLE_REMARK)
				has_sub = 1;
		}
	}
	first_data = hdr + 1 + (size_t)has_sub;
	width = ncells[hdr];
	if (has_sub && ncells[hdr + 1] > width)
		width = ncells[hdr + 1];
	role = ch_malloc((width ? width : 1) * sizeof *role);

	const char *carried = "";
	for (size_t c = 0; c < width; c++) {
		const char *top = cell(rows, ncells, hdr, c);
		const char *sub = has_sub ? cell(rows, ncells, hdr + 1, c) : "";
		if (*top)
			carried = top;
		else if (*sub)
			top = carried; /* under a heading merged across columns */
		if (c == county_col) {
			role[c] = ROLE_COUNTY;
			continue;
		}
		if (!*top && !*sub) {
			role[c] = ROLE_NONE;
			continue;
		}
		role[c] = classify(top, sub);
		const char *shown = *sub ? sub : top;
		if (role[c] == ROLE_NONE) {
			rc = ch_error_set(CH_EINVALID,
			                  "第%zu行第%zu列：表头“%s”不是计划表的列"
			                  "（可用：序号、县(市)、合计、2023年实施户数/新建、续建、"
			                  "建筑节能改造户数、备注）",
			                  lines[hdr + (size_t)(*sub ? 1 : 0)], c + 1, shown);
			goto done;
		}
		if (role[c] >= 0) {
			if (t->label[role[c]]) {
				rc = ch_error_set(CH_EINVALID, "第%zu行第%zu列：表头“%s”与“%s”重复",
				                  lines[hdr], c + 1, shown, t->label[role[c]]);
				goto done;
			}
			t->label[role[c]] = ch_strdup(shown);
			t->label_line[role[c]] = lines[hdr + (size_t)(*sub ? 1 : 0)];
		}
	}
	if (!t->label[CH_PCOL_TOTAL] && !t->label[CH_PCOL_NEW]) {
		rc = ch_error_set(CH_EINVALID, "第%zu行：表头中没有户数列（合计或2023年实施户数）",
		                  lines[hdr]);
		goto done;
	}

	for (size_t r = first_data; r < nrows; r++) {
		int any_number = 0, any_text = 0, total_row = 0;
		for (size_t c = 0; c < ncells[r]; c++) {
			const char *s = cell(rows, ncells, r, c);
			if (!*s)
				continue;
			any_text = 1;
			if (c < width && role[c] >= 0)
				any_number = 1;
			if (c < width && (role[c] == ROLE_SEQ || role[c] == ROLE_COUNTY) &&
			    is_total_label(s))
				total_row = 1;
		}
		if (!any_text || (!any_number && !*cell(rows, ncells, r, county_col)))
			continue; /* blank, or a note under the table */
		if (t->nrows >= MAX_PLAN_ROWS) {
			rc = ch_error_set(CH_EINVALID, "第%zu行：超过 %d 行，不是计划表", lines[r],
			                  MAX_PLAN_ROWS);
			goto done;
		}
		ch_plan_row *row;
		if (total_row) {
			if (t->has_total) {
				rc = ch_error_set(CH_EINVALID,
				                  "第%zu行：又一个合计行（第一个在第%zu行）",
				                  lines[r], t->total.line);
				goto done;
			}
			t->has_total = 1;
			row = &t->total;
			for (int k = 0; k < CH_PCOL_COUNT; k++)
				row->cell[k].status = CH_NUM_EMPTY;
		} else {
			row = ch_plan_table_add_row(t);
		}
		row->line = lines[r];
		for (size_t c = 0; c < width; c++) {
			const char *s = cell(rows, ncells, r, c);
			if (role[c] >= 0)
				ch_plan_cell_set(&row->cell[role[c]], s);
			else if (role[c] == ROLE_REMARK && *s && !row->remark)
				row->remark = ch_strdup(s);
			else if (role[c] == ROLE_REMARK && *s) {
				/* a second 备注 column: keep both */
				char *both = ch_malloc(strlen(row->remark) + strlen(s) + 8);
				sprintf(both, "%s；%s", row->remark, s);
				free(row->remark);
				row->remark = both;
			} else if ((role[c] == ROLE_COUNTY ||
			            (total_row && role[c] == ROLE_SEQ && is_total_label(s))) &&
			           *s && !row->county)
				row->county = ch_strdup(s);
		}
		if (!row->county)
			row->county = ch_strdup("");
		if (total_row && !*row->county) {
			free(row->county);
			row->county = ch_strdup("总计");
		}
	}
	if (t->nrows == 0)
		rc = ch_error_set(CH_EINVALID, "表头（第%zu行）以下没有县市行",
		                  lines[hdr + (size_t)has_sub]);
done:
	free(role);
	return rc;
}

int ch_plan_table_read(const char *path, const char *sheet, ch_plan_table *t)
{
	ch_rows *src = NULL;
	ch_csv_row row;
	char ***rows = NULL;
	size_t *ncells = NULL, *lines = NULL, n = 0, cap = 0;
	int rc;

	ch_plan_table_init(t);
	if ((rc = ch_rows_open(&src, path, sheet)) != 0)
		return rc;
	while ((rc = ch_rows_next(src, &row)) == 1) {
		if (n == MAX_PLAN_ROWS + HEADER_SEARCH_ROWS) {
			rc = ch_error_set(CH_EINVALID, "%s：超过 %d 行，不是计划表", path,
			                  MAX_PLAN_ROWS);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			rows = ch_reallocarray(rows, cap, sizeof *rows);
			ncells = ch_reallocarray(ncells, cap, sizeof *ncells);
			lines = ch_reallocarray(lines, cap, sizeof *lines);
		}
		rows[n] = ch_calloc(row.nfields ? row.nfields : 1, sizeof(char *));
		for (size_t c = 0; c < row.nfields; c++)
			rows[n][c] = ch_text_normalize(row.fields[c]);
		ncells[n] = row.nfields;
		lines[n] = row.line;
		n++;
	}
	ch_rows_free(src);
	if (rc == 0) {
		const char *base = strrchr(path, '/');
		t->source = ch_strdup(base ? base + 1 : path);
		rc = ch_plan_table_parse(t, rows, ncells, lines, n);
	}
	if (rc < 0)
		ch_error_prefix("%s: ", path);
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncells[i]; c++)
			free(rows[i][c]);
		free(rows[i]);
	}
	free(rows);
	free(ncells);
	free(lines);
	if (rc < 0)
		ch_plan_table_dispose(t);
	return rc < 0 ? rc : 0;
}
