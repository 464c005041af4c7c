/*
 * hh_list — reading a list of 户编号 from a file (see hh_list.h).
 */
#include <stdlib.h>

#include "io/hh_list.h"
#include "io/rows.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/text.h"

/* The column of ROW headed 户编号 (or a synonym), or -1. */
static int header_column(const ch_csv_row *row)
{
	int col = -1;
	for (size_t c = 0; c < row->nfields && col < 0; c++) {
		char *h = ch_text_normalize(row->fields[c]);
		if (ch_str_in_list(h, "户编号|农户编号|编号"))
			col = (int)c;
		free(h);
	}
	return col;
}

static int blank_row(const ch_csv_row *row)
{
	for (size_t c = 0; c < row->nfields; c++) {
		char *v = ch_text_normalize(row->fields[c]);
		int empty = !*v;
		free(v);
		if (!empty)
			return 0;
	}
	return 1;
}

int ch_hh_list_read(const char *path, ch_strv *out)
{
	ch_rows *rows;
	ch_csv_row row;
	ch_strmap *seen;
	size_t n = 0;
	int rc, col = -1, first = 1;
	if ((rc = ch_rows_open(&rows, path, NULL)) != 0)
		return rc;
	seen = ch_strmap_new();
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		rc = 0;
		if (first) {
			first = 0;
			if ((col = header_column(&row)) >= 0)
				continue;
			col = 0; /* no header: the first column, from this row on */
		}
		if (blank_row(&row))
			continue;
		char *hh = ch_text_normalize((size_t)col < row.nfields ? row.fields[col] : "");
		int64_t line = 0;
		if (!*hh)
			rc = ch_error_set(CH_EINVALID, "第%zu行：没有户编号", row.line);
		else if (ch_strmap_get(seen, hh, &line))
			rc = ch_error_set(CH_EINVALID, "第%zu行：户编号 %s 重复（首次在第%lld行）",
			                  row.line, hh, (long long)line);
		if (rc) {
			free(hh);
			break;
		}
		ch_strmap_put(seen, hh, (int64_t)row.line);
		ch_strv_push_owned(out, hh);
		n++;
	}
	ch_rows_free(rows);
	ch_strmap_free(seen);
	if (rc == 0 && n == 0)
		rc = ch_error_set(CH_EINVALID, "%s 中没有户编号", path);
	return rc < 0 ? rc : 0;
}
