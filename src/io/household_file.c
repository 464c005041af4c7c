/*
 * household_file — header mapping, the import driver and the rejects file
 * (see household_file.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reflist.h"
#include "core/region.h"
#include "io/headings.h"
#include "io/household_file.h"
#include "io/rejects.h"
#include "io/rows.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/strv.h"
#include "util/text.h"

#define HEADER_SEARCH_ROWS 20
#define COL_IGNORED        (-2) /* 序号: known, not stored */
#define MAX_LISTED         20   /* unknown headings named in the message */

const char *ch_household_heading(enum ch_hfield f)
{
	return ch_hfield_name(f);
}

/* Splits heading H (normalised) into its name and a unit in parentheses
 * at the end: "取暖面积(㎡)" → "取暖面积", "㎡". Writes into NAME / UNIT. */
static void split_unit(const char *h, char *name, size_t nsz, char *unit, size_t usz)
{
	snprintf(name, nsz, "%s", h);
	unit[0] = '\0';
	size_t n = strlen(name);
	if (n && name[n - 1] == ')') {
		char *open = strrchr(name, '(');
		if (open && open != name) {
			snprintf(unit, usz, "%.*s", (int)(name + n - 1 - open - 1), open + 1);
			*open = '\0';
		}
	}
	/* "取暖面积㎡" without parentheses */
	static const char *const units[] = {"(㎡)",     "㎡",   "(m²)",  "m²",
	                                    "(平方米)", "(元)", "(万元)"};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (ch_str_ends(name, units[i]) && strlen(name) > strlen(units[i]) &&
		    strlen(units[i]) < usz) {
			memcpy(unit, units[i], strlen(units[i]) + 1);
			name[strlen(name) - strlen(units[i])] = '\0';
		}
}

/* The field a heading names, COL_IGNORED, or -1. */
static int field_of(const char *heading, int *in_10k)
{
	char name[256], unit[64];
	split_unit(heading, name, sizeof name, unit, sizeof unit);
	*in_10k = ch_str_contains(unit, "万元") || ch_str_ends(name, "万元");
	if (*in_10k && ch_str_ends(name, "万元"))
		name[strlen(name) - strlen("万元")] = '\0';
	/* the register's field keys, then the columns known but not stored */
	const char *keys[CH_HF_COUNT + 1];
	for (int f = 0; f < CH_HF_COUNT; f++)
		keys[f] = ch_hfield_key((enum ch_hfield)f);
	keys[CH_HF_COUNT] = "ignored";
	int f = ch_headings_find("household", name, keys, CH_HF_COUNT + 1);
	return f == CH_HF_COUNT ? COL_IGNORED : f;
}

struct mapping {
	int *field_of_col; /* per column: field, COL_IGNORED or -1 */
	size_t ncols;
	int col_of_field[CH_HF_COUNT]; /* -1: absent */
	int cost_in_10k;
	size_t header_line;
	ch_strv header; /* the header cells as written */
};

/* Is ROW the header? It is when it names a household's identity. */
static int looks_like_header(const ch_csv_row *row)
{
	int known = 0, identity = 0, dummy;
	for (size_t c = 0; c < row->nfields; c++) {
		char *h = ch_text_normalize(row->fields[c]);
		int f = field_of(h, &dummy);
		free(h);
		known += f >= 0;
		identity += f == CH_HF_HEAD || f == CH_HF_ID || f == CH_HF_HH_NO;
	}
	return known >= 3 && identity >= 1;
}

static int build_mapping(const ch_csv_row *row, struct mapping *m, ch_strv *unknown)
{
	for (int f = 0; f < CH_HF_COUNT; f++)
		m->col_of_field[f] = -1;
	m->ncols = row->nfields;
	m->field_of_col = ch_calloc(m->ncols ? m->ncols : 1, sizeof *m->field_of_col);
	m->header_line = row->line;
	for (size_t c = 0; c < row->nfields; c++) {
		char *h = ch_text_normalize(row->fields[c]);
		int in_10k = 0, f = field_of(h, &in_10k);
		ch_strv_push(&m->header, row->fields[c]);
		m->field_of_col[c] = f;
		if (f >= 0 && m->col_of_field[f] >= 0) {
			ch_error_set(CH_EINVALID, "第%zu行：第 %d 列和第 %zu 列都是%s", row->line,
			             m->col_of_field[f] + 1, c + 1, ch_hfield_name(f));
			free(h);
			return CH_EINVALID;
		}
		if (f >= 0) {
			m->col_of_field[f] = (int)c;
			if (f == CH_HF_COST)
				m->cost_in_10k = in_10k;
		} else if (f == -1 && *h) {
			ch_strv_push_owned(unknown, h);
			h = NULL;
		}
		free(h);
	}
	return 0;
}

static int county_id_of(ch_ctx *ctx, const char *county, int64_t *id)
{
	ch_region r;
	int rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, &r);
	if (rc)
		return ch_error_set_field(rc == CH_ENOTFOUND ? CH_EINVALID : rc, "county",
		                          "县市“%s”不是本州的县市", county);
	if (r.obsolete)
		rc = ch_error_set_field(CH_EINVALID, "county", "县市“%s”（%s）已撤销：%s", county,
		                        r.code, r.note ? r.note : "");
	*id = r.id;
	ch_region_dispose(&r);
	return rc;
}

/* ---- the import ---- */

/* One pass over the file: every row checked (under the write lock too when
 * UNDER_LOCK), then the valid ones written. */
static int import_once(ch_ctx *ctx, const ch_hh_file_opts *opts, int under_lock,
                       ch_hh_import_summary *sum, ch_hh_import **out)
{
	struct mapping m = {0};
	ch_strv unknown;
	ch_rows *rows = NULL;
	ch_csv_row row;
	ch_hh_import *imp = NULL;
	ch_hh_import_opts io = {0};
	char hash[CH_HASH_HEX_LEN + 1];
	const char *fields[CH_HF_COUNT];
	int rc, have_header = 0;
	size_t data_rows = 0;

	*out = NULL;
	memset(sum, 0, sizeof *sum);
	ch_strv_init(&unknown);
	ch_strv_init(&m.header);
	if ((rc = ch_headings_load()) != 0)
		return rc;
	if (opts->county && (rc = county_id_of(ctx, opts->county, &io.county_id)) != 0)
		return rc;
	if ((rc = ch_rows_open_hashed(&rows, opts->path, opts->sheet)) != 0)
		return rc;
	/* the header: within the first rows, below any title rows */
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		if (looks_like_header(&row)) {
			have_header = 1;
			break;
		}
		if (row.line > HEADER_SEARCH_ROWS)
			break;
	}
	if (rc < 0)
		goto done;
	if (!have_header) {
		rc = ch_error_set(
		    CH_EINVALID,
		    "前 %d 行中找不到表头行（应有户编号、户主姓名、身份证号、改造方式等表头）",
		    HEADER_SEARCH_ROWS);
		goto done;
	}
	if ((rc = build_mapping(&row, &m, &unknown)) != 0)
		goto done;
	if (unknown.len && !opts->ignore_unknown_columns) {
		ch_buf names;
		ch_buf_init(&names);
		for (size_t i = 0; i < unknown.len && i < MAX_LISTED; i++) {
			char *start = ch_ref_text_start(unknown.items[i]);
			ch_buf_printf(&names, "%s「%s」", i ? "、" : "", start);
			free(start);
		}
		if (unknown.len > MAX_LISTED)
			ch_buf_printf(&names, " 等 %zu 列", unknown.len);
		rc = ch_error_set_field(CH_EINVALID, "ignore-unknown-columns",
		                        "第%zu行：不认识的列 %s，什么也没有保存。"
		                        "请改为标准表头（见 docs/register.md）、删除这些列，"
		                        "或忽略不认识的列再导入",
		                        m.header_line, names.ptr);
		ch_buf_dispose(&names);
		goto done;
	}
	io.file = opts->path;
	io.file_hash = hash;
	io.skip_invalid = opts->skip_invalid;
	io.cost_in_10k = m.cost_in_10k;
	io.new_places = opts->new_places;
	io.today = opts->today;
	io.check_under_lock = under_lock;
	if ((rc = ch_hh_import_begin(ctx, &io, &imp)) != 0)
		goto done;
	for (size_t i = 0; i < unknown.len; i++) {
		char msg[512];
		snprintf(msg, sizeof msg, "未知列「%s」，已忽略", unknown.items[i]);
		ch_hh_import_add_problem(imp, m.header_line, -1, unknown.items[i], 1, msg);
	}
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		int any = 0;
		for (int f = 0; f < CH_HF_COUNT; f++) {
			int c = m.col_of_field[f];
			fields[f] = c < 0 ? NULL : (size_t)c < row.nfields ? row.fields[c] : "";
		}
		for (size_t c = 0; c < row.nfields && !any; c++)
			any = row.fields[c][0] != '\0' &&
			      (c >= m.ncols || m.field_of_col[c] != COL_IGNORED);
		if (!any)
			continue;
		if (row.nfields > m.ncols) {
			for (size_t c = m.ncols; c < row.nfields; c++)
				if (row.fields[c][0]) {
					ch_hh_import_add_problem(imp, row.line, -1, row.fields[c],
					                         0, "该行的单元格多于表头列数");
					break;
				}
		}
		data_rows++;
		if ((rc = ch_hh_import_row(imp, row.line, fields)) != 0)
			goto done;
	}
	if (rc < 0)
		goto done;
	if (data_rows == 0) {
		/* nothing to store: no import record, no audit entry */
		ch_hh_import_free(imp);
		imp = NULL;
		rc = ch_rows_none(m.header_line);
		ch_error_prefix("%s：", opts->path);
		goto done;
	}
	/* the file's digest, recorded when the rows are written: of the bytes
	 * the rows came from, hashed as they were read */
	if ((rc = ch_rows_hash(rows, hash)) != 0)
		goto done;
	rc = ch_hh_import_finish(imp, sum);
	if (ch_hh_import_stale(imp))
		goto done; /* the caller runs it again: no rejects file yet */
	if (opts->rejects && sum->rejected) {
		int wrc = ch_rejects_write(opts->rejects, opts->path, opts->sheet, &m.header,
		                           m.header_line, ch_hh_import_problems(imp));
		if (wrc && (rc == 0 || rc == CH_EINVALID))
			rc = wrc;
	}
done:
	if (rc < 0 && rc != CH_EINVALID && rc != CH_EDENIED)
		ch_error_prefix("%s: ", opts->path);
	ch_rows_free(rows);
	ch_strv_dispose(&unknown);
	ch_strv_dispose(&m.header);
	free(m.field_of_col);
	*out = imp;
	return rc;
}

int ch_household_import_file(ch_ctx *ctx, const ch_hh_file_opts *opts, ch_hh_import_summary *sum,
                             ch_hh_import **out)
{
	/* the acting user, rules or regions changed while the rows were
	 * checked: once more, and the third time checking under the write lock */
	for (int attempt = 0;; attempt++) {
		int rc = import_once(ctx, opts, attempt >= 2, sum, out);
		if (!rc || !ch_hh_import_stale(*out))
			return rc;
		ch_hh_import_free(*out);
		*out = NULL;
		ch_hh_import_summary_dispose(sum);
		ch_error_clear();
	}
}
