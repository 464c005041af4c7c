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

/* A problem that rejects its row: the row, and the problem's place in the
 * list (its text is read again when the row is written: a problem read
 * from the list is good until the next is read). */
struct line_reason {
	size_t line;
	size_t order;
};

static int cmp_line(const void *a, const void *b)
{
	const struct line_reason *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The problems that reject their rows, in the order of the rows (and of the
 * list within a row): read from the list as it is when the list is in that
 * order already, as an import's mostly is, else from LR, sorted. */
struct rejecting {
	const ch_problems *p;
	struct line_reason *lr; /* NULL: the list's own order */
	size_t n, k;            /* in LR: its length, the next */
	size_t i;               /* in the list: the next to look at */
};

static int next_rejecting(struct rejecting *w, struct line_reason *out)
{
	if (w->lr) {
		if (w->k == w->n)
			return 0;
		*out = w->lr[w->k++];
		return 1;
	}
	for (size_t np = ch_problems_count(w->p); w->i < np;) {
		const ch_problem *x = ch_problems_get(w->p, w->i);
		*out = (struct line_reason){x->line, w->i++};
		if (!x->warning && ch_problems_rejected(w->p, x->line))
			return 1;
	}
	return 0;
}

/* Sets W up over P: an index only when P is out of row order. */
static void rejecting_init(struct rejecting *w, const ch_problems *p)
{
	size_t np = ch_problems_count(p), last = 0;
	struct line_reason r;
	*w = (struct rejecting){.p = p};
	int sorted = 1;
	while (sorted && next_rejecting(w, &r)) {
		sorted = r.line >= last;
		last = r.line;
	}
	w->i = 0;
	if (sorted)
		return;
	w->lr = ch_calloc(np ? np : 1, sizeof *w->lr);
	for (size_t i = 0; i < np; i++) {
		const ch_problem *x = ch_problems_get(p, i);
		if (!x->warning && ch_problems_rejected(p, x->line))
			w->lr[w->n++] = (struct line_reason){x->line, i};
	}
	qsort(w->lr, w->n, sizeof *w->lr, cmp_line);
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
	struct rejecting w;
	struct line_reason cur;
	struct rejects_out o = {0};
	ch_rows *rows = NULL;
	ch_csv_row row;
	ch_buf reason;
	int rc = 0;

	rejecting_init(&w, problems);
	int have = next_rejecting(&w, &cur);
	ch_buf_init(&reason);
	if (ch_str_ends(out, ".xlsx")) {
		/* in the file's order, a row at a time: memory flat in the rows */
		o.wb = ch_xlsxw_new_streamed(out);
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
	size_t width = header->len;
	if (rc == 0)
		out_row(&o, header->items, header->len, width, "错误原因");
	while (rc == 0 && have && (rc = ch_rows_next(rows, &row)) == 1) {
		rc = 0;
		if (row.line <= header_line || row.line < cur.line)
			continue;
		while (have && cur.line < row.line) /* a line the reader merged away */
			have = next_rejecting(&w, &cur);
		if (!have || cur.line != row.line)
			continue;
		ch_buf_clear(&reason);
		for (; have && cur.line == row.line; have = next_rejecting(&w, &cur))
			ch_buf_printf(&reason, "%s%s", reason.len ? "；" : "",
			              ch_problems_get(problems, cur.order)->reason);
		out_row(&o, row.fields, row.nfields, width, reason.ptr);
	}
	rc = rc < 0 ? rc : 0;
	if (o.csv && fclose(o.csv) != 0 && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", out);
	if (o.wb && workbook_close(o.wb) != LXW_NO_ERROR && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", out);
	ch_rows_free(rows);
	ch_buf_dispose(&reason);
	free(w.lr);
	return rc;
}
