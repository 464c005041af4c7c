/*
 * rows — CSV or XLSX behind one reader (see rows.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/rows.h"
#include "io/xlsx.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/text.h"

struct ch_rows {
	ch_csv *csv;
	ch_xlsx *xlsx;
	char desc[256];
};

int ch_rows_open(ch_rows **out, const char *path, const char *sheet)
{
	unsigned char magic[2] = {0, 0};
	FILE *f = fopen(path, "rb");
	int rc;
	*out = NULL;
	if (!f)
		return ch_error_set(CH_ENOTFOUND, "无法打开 %s：%s", path, strerror(errno));
	size_t n = fread(magic, 1, 2, f);
	fclose(f);
	ch_rows *r = ch_calloc(1, sizeof *r);
	if (n == 2 && magic[0] == 'P' && magic[1] == 'K') {
		rc = ch_xlsx_open(&r->xlsx, path, sheet);
	} else if (sheet) {
		rc = ch_error_set_field(CH_EINVALID, "sheet",
		                        "%s 不是 Excel 工作簿，没有工作表可选", path);
	} else {
		rc = ch_csv_open(&r->csv, path);
	}
	if (rc) {
		ch_rows_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int ch_rows_next(ch_rows *r, ch_csv_row *row)
{
	if (r->xlsx)
		return ch_xlsx_next(r->xlsx, row);
	int rc = ch_csv_next(r->csv, row);
	/* '=... is how our CSV files (and Excel's users) mark a text that
	 * looks like a formula (ch_csv_put_field): the apostrophe is no part
	 * of the value */
	for (size_t c = 0; rc == 1 && c < row->nfields; c++) {
		char *f = row->fields[c];
		if (f[0] == '\'' && ch_text_formula_like(f + 1))
			memmove(f, f + 1, strlen(f));
	}
	return rc;
}

const char *ch_rows_describe(ch_rows *r)
{
	if (r->xlsx)
		snprintf(r->desc, sizeof r->desc, "XLSX 工作表「%s」",
		         ch_xlsx_current_sheet(r->xlsx));
	else
		snprintf(r->desc, sizeof r->desc, "CSV（%s）",
		         ch_csv_encoding_name(ch_csv_encoding(r->csv)));
	return r->desc;
}

int ch_rows_is_xlsx(const ch_rows *r)
{
	return r->xlsx != NULL;
}

void ch_rows_free(ch_rows *r)
{
	if (!r)
		return;
	ch_csv_free(r->csv);
	ch_xlsx_free(r->xlsx);
	free(r);
}

int ch_rows_none(size_t header_line)
{
	return ch_error_set(CH_EINVALID,
	                    "第 %zu 行表头之下没有数据行；文件中没有要导入的内容，"
	                    "什么也没有保存",
	                    header_line);
}
