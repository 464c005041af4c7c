/*
 * plancheck — finding every inconsistency in a plan table, and the
 * single-cell corrections that would resolve them (see plan.h).
 *
 * Two relations must hold in a plan table: on every row (the total row
 * included) 合计 = 新建 + 续建, and down every numeric column the county rows
 * add up to the 总计 row. Cells that are not whole numbers, or negative, are
 * reported and left out of both. Counties are resolved against the region
 * table: unknown, obsolete and repeated ones are reported.
 *
 * Corrections are found by trying, for each cell of a row that does not add
 * up and of the total row, the value that would make its row hold and the
 * value that would make its column hold, and keeping those after which no
 * sum relation fails anywhere. (A county row that adds up is not searched:
 * when only a column is off, any of its cells could be "the" fix, and only
 * the total row's cell is worth naming.) The tables are small
 * (a prefecture has tens of counties), so trying every cell is cheap and
 * leaves no case unconsidered.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/plan.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

static const char *const kind_names[CH_PF_KIND_COUNT] = {
    "row_sum",          "column_sum", "unknown_county", "obsolete_county",
    "duplicate_county", "negative",   "not_number",
};

const char *ch_plan_finding_kind_name(enum ch_plan_finding_kind kind)
{
	return kind < CH_PF_KIND_COUNT ? kind_names[kind] : "?";
}

static char *vformat(const char *fmt, va_list ap)
{
	ch_buf b;
	char tmp[1024];
	ch_buf_init(&b);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	ch_buf_puts(&b, tmp);
	return ch_buf_detach(&b);
}

static ch_plan_finding *add_finding(ch_plan_check *c, enum ch_plan_finding_kind kind,
                                    const ch_plan_row *row, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static ch_plan_finding *add_finding(ch_plan_check *c, enum ch_plan_finding_kind kind,
                                    const ch_plan_row *row, int col, const char *fmt, ...)
{
	va_list ap;
	c->findings = ch_reallocarray(c->findings, c->nfindings + 1, sizeof *c->findings);
	ch_plan_finding *f = &c->findings[c->nfindings++];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->line = row ? row->line : 0;
	f->county = row ? ch_strdup(row->county) : NULL;
	f->col = col;
	va_start(ap, fmt);
	f->message = vformat(fmt, ap);
	va_end(ap);
	return f;
}

/* The heading to name a column by: the file's own, else the usual one. */
static const char *label(const ch_plan_table *t, int col)
{
	return t->label[col] ? t->label[col] : ch_plan_col_name(col);
}

/* 1 when a cell can take part in sums: present or absent column, a whole
 * number or empty (0), not negative. */
static int usable(const ch_plan_cell *c)
{
	return c->status == CH_NUM_EMPTY || (c->status == CH_NUM_OK && c->value >= 0);
}

static const char *row_name(const ch_plan_row *r)
{
	return r->county && *r->county ? r->county : "（无县市名）";
}

/* Checks the row relation 合计 = 新建 + 续建 on ROW; reports into C when not
 * NULL. Returns 1 when it fails. */
static int check_row(const ch_plan_table *t, const ch_plan_row *r, ch_plan_check *c)
{
	const ch_plan_cell *tot = &r->cell[CH_PCOL_TOTAL], *nw = &r->cell[CH_PCOL_NEW],
	                   *co = &r->cell[CH_PCOL_CONTINUING];
	if (!t->label[CH_PCOL_TOTAL] || !t->label[CH_PCOL_NEW])
		return 0;
	if (!usable(tot) || !usable(nw) || !usable(co))
		return 0;
	int64_t sum = nw->value + co->value;
	if (sum == tot->value)
		return 0;
	if (c) {
		ch_plan_finding *f =
		    add_finding(c, CH_PF_ROW_SUM, r, CH_PCOL_TOTAL,
		                "第%zu行 %s：「%s」%" PRId64 " ≠ 「%s」%" PRId64 " + 「%s」%" PRId64
		                " = %" PRId64 "（相差 %+" PRId64 "）",
		                r->line, row_name(r), label(t, CH_PCOL_TOTAL), tot->value,
		                label(t, CH_PCOL_NEW), nw->value, label(t, CH_PCOL_CONTINUING),
		                co->value, sum, tot->value - sum);
		f->expected = sum;
		f->actual = tot->value;
	}
	return 1;
}

/* Checks that column COL adds up to the total row. Returns 1 when not. */
static int check_column(const ch_plan_table *t, int col, ch_plan_check *c)
{
	if (!t->has_total || !t->label[col] || !usable(&t->total.cell[col]))
		return 0;
	int64_t sum = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		if (!usable(&t->rows[i].cell[col]))
			return 0;
		sum += t->rows[i].cell[col].value;
	}
	int64_t printed = t->total.cell[col].value;
	if (sum == printed)
		return 0;
	if (c) {
		ch_plan_finding *f = add_finding(
		    c, CH_PF_COLUMN_SUM, NULL, col,
		    "「%s」列：各县市之和 %" PRId64 " ≠ %s行（第%zu行）的 %" PRId64
		    "（相差 %+" PRId64 "）",
		    label(t, col), sum, row_name(&t->total), t->total.line, printed, printed - sum);
		f->expected = sum;
		f->actual = printed;
	}
	return 1;
}

static size_t sum_problems(const ch_plan_table *t, ch_plan_check *c)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nrows; i++)
		n += (size_t)check_row(t, &t->rows[i], c);
	if (t->has_total)
		n += (size_t)check_row(t, &t->total, c);
	for (int col = 0; col < CH_PCOL_COUNT; col++)
		n += (size_t)check_column(t, col, c);
	return n;
}

static void check_cells(const ch_plan_table *t, const ch_plan_row *r, ch_plan_check *c)
{
	for (int col = 0; col < CH_PCOL_COUNT; col++) {
		const ch_plan_cell *cell = &r->cell[col];
		if (!t->label[col])
			continue;
		if (cell->status == CH_NUM_INVALID) {
			ch_plan_finding *f =
			    add_finding(c, CH_PF_NOT_NUMBER, r, col,
			                "第%zu行 %s「%s」：「%s」不是有效的户数（应为整数）",
			                r->line, row_name(r), label(t, col), cell->text);
			f->value = ch_strdup(cell->text);
		} else if (cell->status == CH_NUM_OK && cell->value < 0) {
			ch_plan_finding *f = add_finding(
			    c, CH_PF_NEGATIVE, r, col, "第%zu行 %s「%s」：%" PRId64 " 是负数",
			    r->line, row_name(r), label(t, col), cell->value);
			f->value = ch_strdup(cell->text);
		}
	}
}

static int resolve_counties(ch_ctx *ctx, ch_plan_table *t, ch_plan_check *c)
{
	for (size_t i = 0; i < t->nrows; i++) {
		ch_plan_row *r = &t->rows[i];
		ch_region reg;
		free(r->region_code);
		free(r->region_name);
		r->region_code = r->region_name = NULL;
		r->region_id = 0;
		int rc = ch_region_find(ctx, r->county ? r->county : "", CH_LEVEL_COUNTY, 0, &reg);
		if (rc == CH_ENOTFOUND || rc == CH_ECONFLICT) {
			ch_error_clear();
			add_finding(c, CH_PF_UNKNOWN_COUNTY, r, -1,
			            "第%zu行：「%s」不是本州的县（市）", r->line, row_name(r));
			continue;
		}
		if (rc)
			return rc;
		if (reg.obsolete) {
			add_finding(c, CH_PF_OBSOLETE_COUNTY, r, -1,
			            "第%zu行：「%s」（%s）已不是本州的县（市）：%s", r->line,
			            row_name(r), reg.code,
			            reg.note ? reg.note : "该区划代码已撤销");
			ch_region_dispose(&reg);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (t->rows[j].region_id == reg.id) {
				add_finding(c, CH_PF_DUPLICATE_COUNTY, r, -1,
				            "第%zu行：%s 重复列出（第%zu行已列出「%s」）", r->line,
				            reg.name, t->rows[j].line, row_name(&t->rows[j]));
				ch_region_dispose(&reg);
				reg.id = 0;
				break;
			}
		}
		if (reg.id == 0)
			continue;
		r->region_id = reg.id;
		r->region_code = reg.code;
		r->region_name = reg.name;
		reg.code = reg.name = NULL;
		ch_region_dispose(&reg);
	}
	return 0;
}

static void add_fix(ch_plan_check *c, const ch_plan_table *t, const ch_plan_row *r, int col,
                    int64_t from, int64_t to, int row_was_broken)
{
	for (size_t i = 0; i < c->nfixes; i++)
		if (c->fixes[i].line == r->line && c->fixes[i].col == col && c->fixes[i].to == to)
			return;
	c->fixes = ch_reallocarray(c->fixes, c->nfixes + 1, sizeof *c->fixes);
	ch_plan_fix *f = &c->fixes[c->nfixes++];
	char msg[512];
	snprintf(msg, sizeof msg, "建议：将第%zu行 %s 的「%s」由 %" PRId64 " 改为 %" PRId64 "，%s",
	         r->line, row_name(r), label(t, col), from, to,
	         row_was_broken ? "该行与该列即同时平衡" : "该列即与各县市之和相符");
	f->line = r->line;
	f->county = ch_strdup(r->county);
	f->col = col;
	f->from = from;
	f->to = to;
	f->message = ch_strdup(msg);
}

/* Tries value TO in cell COL of row R; keeps it as a fix if then every sum
 * relation holds. */
static void try_fix(ch_plan_table *t, ch_plan_row *r, int col, int64_t to, ch_plan_check *c)
{
	ch_plan_cell *cell = &r->cell[col];
	int64_t from = cell->value;
	enum ch_num_status st = cell->status;
	int row_broken = check_row(t, r, NULL);
	if (to < 0 || to == from)
		return;
	cell->value = to;
	cell->status = CH_NUM_OK;
	if (sum_problems(t, NULL) == 0)
		add_fix(c, t, r, col, from, to, row_broken);
	cell->value = from;
	cell->status = st;
}

static void find_fixes(ch_plan_table *t, ch_plan_check *c)
{
	size_t n = t->nrows + (t->has_total ? 1 : 0);
	for (size_t i = 0; i < n; i++) {
		ch_plan_row *r = i < t->nrows ? &t->rows[i] : &t->total;
		int is_total = i == t->nrows;
		const ch_plan_cell *cl = r->cell;
		/* a county row that adds up is not where a column's error lies:
		 * suggesting each of its cells would be noise */
		if (!is_total && !check_row(t, r, NULL))
			continue;
		for (int col = 0; col < CH_PCOL_COUNT; col++) {
			if (!t->label[col] || !usable(&cl[col]))
				continue;
			/* the value that makes the row hold */
			if (usable(&cl[CH_PCOL_TOTAL]) && usable(&cl[CH_PCOL_NEW]) &&
			    usable(&cl[CH_PCOL_CONTINUING])) {
				int64_t tot = cl[CH_PCOL_TOTAL].value, nw = cl[CH_PCOL_NEW].value,
				        co = cl[CH_PCOL_CONTINUING].value;
				if (col == CH_PCOL_TOTAL)
					try_fix(t, r, col, nw + co, c);
				else if (col == CH_PCOL_NEW)
					try_fix(t, r, col, tot - co, c);
				else if (col == CH_PCOL_CONTINUING)
					try_fix(t, r, col, tot - nw, c);
			}
			/* the value that makes the column hold */
			if (!t->has_total || !usable(&t->total.cell[col]))
				continue;
			int64_t sum = 0;
			int ok = 1;
			for (size_t k = 0; k < t->nrows; k++) {
				ok &= usable(&t->rows[k].cell[col]);
				sum += t->rows[k].cell[col].value;
			}
			if (!ok)
				continue;
			if (is_total)
				try_fix(t, r, col, sum, c);
			else
				try_fix(t, r, col, t->total.cell[col].value - (sum - cl[col].value),
				        c);
		}
	}
}

int ch_plan_check_table(ch_ctx *ctx, ch_plan_table *t, ch_plan_check *out)
{
	memset(out, 0, sizeof *out);
	int rc = resolve_counties(ctx, t, out);
	if (rc)
		return rc;
	for (size_t i = 0; i < t->nrows; i++)
		check_cells(t, &t->rows[i], out);
	if (t->has_total)
		check_cells(t, &t->total, out);
	if (sum_problems(t, out) > 0)
		find_fixes(t, out);
	return 0;
}

void ch_plan_check_dispose(ch_plan_check *c)
{
	for (size_t i = 0; i < c->nfindings; i++) {
		free(c->findings[i].county);
		free(c->findings[i].value);
		free(c->findings[i].message);
	}
	for (size_t i = 0; i < c->nfixes; i++) {
		free(c->fixes[i].county);
		free(c->fixes[i].message);
	}
	free(c->findings);
	free(c->fixes);
	memset(c, 0, sizeof *c);
}

int ch_plan_check_acceptable(const ch_plan_check *c)
{
	for (size_t i = 0; i < c->nfindings; i++)
		if (c->findings[i].kind != CH_PF_ROW_SUM && c->findings[i].kind != CH_PF_COLUMN_SUM)
			return 0;
	return 1;
}

/* ---- the year ---- */

/* The first year (2000-2099) S names as "2023年" after position *FROM, or 0;
 * *FROM moves past it. Digits are ASCII here: the reader normalised them. */
static int next_year(const char *s, size_t *from)
{
	for (size_t i = *from; s[i]; i++) {
		if (s[i] == '2' && s[i + 1] == '0' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
		    s[i + 3] >= '0' && s[i + 3] <= '9' && strncmp(s + i + 4, "年", 3) == 0 &&
		    (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')) {
			*from = i + 4;
			return atoi(s + i);
		}
	}
	return 0;
}

int ch_plan_check_year(const ch_plan_table *t, int year)
{
	size_t at = 0;
	int y, named = 0, first = 0;
	if (t->title) {
		while ((y = next_year(t->title, &at)) != 0) {
			named |= y == year;
			if (!first)
				first = y;
		}
		if (first && !named)
			return ch_error_set_field(
			    CH_EINVALID, "year",
			    "第%zu行标题「%s」写的是%d年，与导入的年度%d不符；请确认年度或文件",
			    t->title_line, t->title, first, year);
	}
	for (int c = 0; c < CH_PCOL_COUNT; c++) {
		const char *l = t->label[c];
		int want = c == CH_PCOL_CONTINUING ? year - 1 : year;
		at = 0;
		while (l && (y = next_year(l, &at)) != 0)
			if (y != want)
				return ch_error_set_field(
				    CH_EINVALID, "year",
				    "第%zu行表头「%s」写的是%d年，%d年度的计划此处应为%d年；请确认"
				    "年度或文件",
				    t->label_line[c], l, y, year, want);
	}
	return 0;
}
