/*
 * region_file — importing township and village lists (see region_file.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx.h"
#include "core/region.h"
#include "io/csv.h"
#include "io/headings.h"
#include "io/region_file.h"
#include "io/rows.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/text.h"

/* ---- township and village lists ---- */

enum { I_COUNTY, I_TOWNSHIP, I_VILLAGE, I_TOWNSHIP_CODE, I_VILLAGE_CODE, I_COUNT };

/* The column a heading names, or -1. */
static int import_column(const char *h)
{
	static const char *const keys[I_COUNT] = {"county", "township", "village", "township_code",
	                                          "village_code"};
	return ch_headings_find("region", h, keys, I_COUNT);
}

/* Adds region ID to LOADED, the regions whose lists of children the file
 * gives (as decimal text; repeats are fine). */
static void push_id(ch_strv *loaded, int64_t id)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)id);
	ch_strv_push(loaded, s);
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int import_row(ch_ctx *ctx, const ch_csv_row *row, const int *idx,
                      ch_region_import_result *res, ch_strv *loaded)
{
	static const char *const col_names[I_COUNT] = {"县市", "乡镇", "村", "乡镇代码", "村代码"};
	char *v[I_COUNT] = {0};
	ch_region county = {0};
	int64_t township = 0, village = 0;
	int rc = 0, added_t = 0, added_v = 0;

	for (int k = 0; k < I_COUNT; k++)
		v[k] = ch_text_normalize(
		    idx[k] >= 0 && (size_t)idx[k] < row->nfields ? row->fields[idx[k]] : "");
	if (!*v[I_COUNTY] && !*v[I_TOWNSHIP] && !*v[I_VILLAGE])
		goto done; /* blank row */
	res->rows++;
	for (int k = 0; k < 2; k++)
		if (!*v[k]) {
			rc = ch_error_set(CH_EINVALID, "第%zu行：缺少%s", row->line, col_names[k]);
			goto done;
		}
	rc = ch_region_find(ctx, v[I_COUNTY], CH_LEVEL_COUNTY, 0, &county);
	if (rc == 0 && county.obsolete)
		rc = ch_error_set(CH_EINVALID, "“%s”（%s）已撤销：%s", v[I_COUNTY], county.code,
		                  county.note ? county.note : "");
	if (rc == CH_ENOTFOUND || rc == CH_ECONFLICT)
		rc = ch_error_set(CH_EINVALID, "不是本州的县市");
	if (rc) {
		ch_error_prefix("第%zu行，县市“%s”：", row->line, v[I_COUNTY]);
		goto done;
	}
	rc = ch_region_add_child(ctx, county.id, v[I_TOWNSHIP], v[I_TOWNSHIP_CODE], &township,
	                         &added_t);
	if (rc) {
		ch_error_prefix("第%zu行，乡镇“%s”：", row->line, v[I_TOWNSHIP]);
		goto done;
	}
	push_id(loaded, county.id);
	if (*v[I_VILLAGE]) {
		rc = ch_region_add_child(ctx, township, v[I_VILLAGE], v[I_VILLAGE_CODE], &village,
		                         &added_v);
		if (rc) {
			ch_error_prefix("第%zu行，村“%s”：", row->line, v[I_VILLAGE]);
			goto done;
		}
		push_id(loaded, township);
	}
	res->townships_added += (size_t)added_t;
	res->villages_added += (size_t)added_v;
	if (!added_t && !added_v)
		res->already_present++;
done:
	for (int k = 0; k < I_COUNT; k++)
		free(v[k]);
	ch_region_dispose(&county);
	return rc;
}

/* Marks each county and township in LOADED, once, as having its list of
 * children loaded. */
static int mark_loaded(ch_ctx *ctx, ch_strv *loaded)
{
	int rc = 0;
	if (loaded->len)
		qsort(loaded->items, loaded->len, sizeof loaded->items[0], cmp_text);
	for (size_t i = 0; i < loaded->len && rc == 0; i++)
		if (i == 0 || strcmp(loaded->items[i], loaded->items[i - 1]) != 0)
			rc = ch_region_mark_children_loaded(ctx,
			                                    strtoll(loaded->items[i], NULL, 10));
	return rc;
}

int ch_region_import_file(ch_ctx *ctx, const char *path, ch_region_import_result *res)
{
	ch_csv *csv = NULL;
	ch_csv_row row;
	ch_strv loaded;
	int idx[I_COUNT], rc, header = 1, in_tx = 0;
	size_t header_line = 0;

	memset(res, 0, sizeof *res);
	ch_strv_init(&loaded);
	if ((rc = ch_headings_load()) != 0 || (rc = ch_csv_open(&csv, path)) != 0)
		return rc;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	in_tx = 1;
	while ((rc = ch_csv_next(csv, &row)) == 1) {
		rc = 0;
		if (header) {
			int known = 0;
			for (int k = 0; k < I_COUNT; k++)
				idx[k] = -1;
			for (size_t c = 0; c < row.nfields; c++) {
				char *h = ch_text_normalize(row.fields[c]);
				int k = import_column(h);
				if (k >= 0)
					idx[k] = (int)c, known++;
				else if (*h && known) {
					rc = ch_error_set(
					    CH_EINVALID,
					    "第%zu行第%zu列：不认识的表头“%s”"
					    "（可用：县市、乡镇、村、乡镇代码、村代码）",
					    row.line, c + 1, h);
				}
				free(h);
				if (rc)
					goto done;
			}
			if (idx[I_COUNTY] < 0 || idx[I_TOWNSHIP] < 0) {
				if (row.line < 10)
					continue; /* a title row above the header */
				rc = ch_error_set(CH_EINVALID, "没有含县市和乡镇两列的表头行");
				goto done;
			}
			header = 0;
			header_line = row.line;
			continue;
		}
		if ((rc = import_row(ctx, &row, idx, res, &loaded)) != 0)
			goto done;
	}
	if (rc < 0)
		goto done;
	if (header) {
		rc = ch_error_set(CH_EINVALID, "没有含县市和乡镇两列的表头行");
		goto done;
	}
	if (res->rows == 0) {
		rc = ch_rows_none(header_line);
		goto done;
	}
	if ((rc = mark_loaded(ctx, &loaded)) != 0)
		goto done;
	if (res->townships_added + res->villages_added == 0) {
		in_tx = 0;
		rc = ch_ctx_commit(ctx); /* only the loaded marks can have changed */
		goto done;
	}
	json_t *a = json_pack("{s:s, s:I, s:I, s:I}", "file", path, "rows", (json_int_t)res->rows,
	                      "townships_added", (json_int_t)res->townships_added, "villages_added",
	                      (json_int_t)res->villages_added);
	char *after = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
	rc = ch_audit_append(ctx, "region.import", "region:import", NULL, after);
	free(after);
	json_decref(a);
	if (rc == 0) {
		in_tx = 0;
		rc = ch_ctx_commit(ctx);
	}
done:
	if (in_tx)
		ch_ctx_rollback(ctx);
	if (rc < 0)
		ch_error_prefix("%s: ", path);
	ch_csv_free(csv);
	ch_strv_dispose(&loaded);
	return rc < 0 ? rc : 0;
}
