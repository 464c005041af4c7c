/*
 * rejects — writing the rows an import rejected back out, so that the
 * county can fix just those and import them again (see rejects.h).
 *
 * The source file is read a second time, with the same reader, and each
 * rejected row is copied as it was, in the order of the file, with all its
 * reasons joined in the added 错误原因 column.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/rejects.h"
#include "io/rows.h"
#include "io/xlsxw.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/text.h"

struct line_reason {
	size_t line;
	size_t order;
	const char *text;
};

static int cmp_line(const void *a, const void *b)
{
	const struct line_reason *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct rejects_out {
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t xrow;
};

static void csv_cell(FILE *f, const char *s)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_csv_put_field(&b, s);
	if (b.len)
		fwrite(b.ptr, 1, b.len, f);
	ch_buf_dispose(&b);
}

static void out_row(struct rejects_out *o, char **cells, size_t n, size_t width, const char *reason)
{
	for (size_t c = 0; c < width; c++) {
		const char *s = c < n && cells[c] ? cells[c] : "";
		if (o->csv) {
			if (c)
				fputc(',', o->csv);
			csv_cell(o->csv, s);
		} else if (*s) {
			worksheet_write_string(o->ws, o->xrow, (lxw_col_t)c, s, NULL);
		}
	}
	if (o->csv) {
		fputc(',', o->csv);
		csv_cell(o->csv, reason);
		fputs("\r\n", o->csv);
	} else {
		worksheet_write_string(o->ws, o->xrow, (lxw_col_t)width, reason, NULL);
		o->xrow++;
	}
}

int ch_rejects_write(const char *out, const char *path, const char *sheet, const ch_strv *header,
                     size_t header_line, const ch_problems *problems)
{
	size_t np = ch_problems_count(problems), n = 0;
	struct line_reason *lr = ch_calloc(np ? np : 1, sizeof *lr);
	struct rejects_out o = {0};
	ch_rows *rows = NULL;
	ch_csv_row row;
	ch_buf reason;
	int rc = 0;

	for (size_t i = 0; i < np; i++) {
		const ch_problem *p = ch_problems_get(problems, i);
		if (!p->warning && ch_problems_rejected(problems, p->line))
			lr[n++] = (struct line_reason){p->line, i, p->reason};
	}
	qsort(lr, n, sizeof *lr, cmp_line);
	ch_buf_init(&reason);
	if (ch_str_ends(out, ".xlsx")) {
		o.wb = workbook_new(out);
		if (!o.wb)
			rc = ch_error_code();
		else if (!(o.ws = workbook_add_worksheet(o.wb, NULL)))
			rc = ch_error_set(CH_ERROR, "无法创建 %s", out);
	} else {
		o.csv = fopen(out, "wb");
		if (!o.csv)
			rc = ch_error_set(CH_ERROR, "无法创建 %s：%s", out, strerror(errno));
		else
			fputs("\xEF\xBB\xBF", o.csv);
	}
	if (rc == 0)
		rc = ch_rows_open(&rows, path, sheet);
	size_t width = header->len, k = 0;
	if (rc == 0)
		out_row(&o, header->items, header->len, width, "错误原因");
	while (rc == 0 && k < n && (rc = ch_rows_next(rows, &row)) == 1) {
		rc = 0;
		if (row.line <= header_line || row.line < lr[k].line)
			continue;
		while (k < n && lr[k].line < row.line)
			k++; /* a line the reader merged away: nothing to copy */
		if (k == n || lr[k].line != row.line)
			continue;
		ch_buf_clear(&reason);
		for (; k < n && lr[k].line == row.line; k++)
			ch_buf_printf(&reason, "%s%s", reason.len ? "；" : "", lr[k].text);
		out_row(&o, row.fields, row.nfields, width, reason.ptr);
	}
	rc = rc < 0 ? rc : 0;
	if (o.csv && fclose(o.csv) != 0 && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", out);
	if (o.wb && workbook_close(o.wb) != LXW_NO_ERROR && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", out);
	ch_rows_free(rows);
	ch_buf_dispose(&reason);
	free(lr);
	return rc;
}
