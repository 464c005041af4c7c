/*
 * report — rendering a tabular result in four formats (see report.h).
 *
 * The rows are kept compactly, and past a budget in a temporary file: a
 * row being filled is an array of cells, and once the next row starts it
 * is written as one string into a ch_strtab (util/strtab.h; ROWS_MEMORY
 * bytes in memory, the rest in an unlinked temporary file), from which
 * the renderers read the rows back in order. Before, every cell was a
 * 24-byte struct and a string of its own, and a county's advice for every
 * household (142,000 rows of 37 columns) held 508 MiB
 * (docs/performance.md, "A large report's rows in a temporary file").
 * A row's string: 'T' for a total row or 'R', then each cell as '-'
 * (empty), or 't' (text) or 'n' (a number, its text the decimal) followed
 * by the text's length in decimal, ':' and the text. A cell's text has no
 * NUL, so neither has the string.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/csv.h"
#include "io/report.h"
#include "io/xlsxw.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/strtab.h"
#include "util/strv.h"
#include "util/text.h"

struct col {
	char *key, *label;
	enum ch_col_kind kind;
};

struct cellv {
	char *text; /* NULL: empty */
	int64_t num;
	int is_num;
};

/* Bytes of finished rows kept in memory before the temporary file. */
#define ROWS_MEMORY ((size_t)4 << 20)

/* A workbook of more cells than this is written a row at a time
 * (ch_xlsxw_new_streamed): libxlsxwriter otherwise keeps every cell in
 * memory until the file is closed, about 100 bytes a cell
 * (docs/performance.md, "A large report's workbook written a row at a
 * time"). Smaller ones keep their texts in a shared table. */
#define XLSX_STREAMED_CELLS ((size_t)50000)

/* Excel's last row, and libxlsxwriter's. */
#define XLSX_MAX_ROWS ((size_t)1048576)

/* The text rendered to a file is written out past this many bytes. */
#define WRITE_CHUNK ((size_t)1 << 20)

struct ch_report {
	char *title;
	struct col *cols;
	int ncols;
	size_t nrows;
	ch_strtab *done;    /* rows [0, nrows - 1) once a row has followed */
	struct cellv *last; /* row nrows - 1, being filled */
	int last_total;
	int failed; /* a row could not be kept: FAIL says why */
	char *fail;
	/* the row read back last (row_at): its cells point into VIEW_TEXT */
	size_t view_row;
	struct cellv *view;
	int view_total;
	ch_buf view_text;
	ch_buf enc; /* a row's string, as it is made */
	ch_strv notes;
	int record;           /* one record: printed as 项目/内容 lines in the table format */
	int *brief;           /* the columns the table format prints, or NULL for all */
	ch_strv brief_labels; /* their headings there */
	size_t nbrief;
};

int ch_format_parse(const char *s, enum ch_format *out)
{
	static const char *const names[] = {"table", "csv", "json", "xlsx"};
	for (int i = 0; i < 4; i++)
		if (s && strcmp(s, names[i]) == 0) {
			*out = (enum ch_format)i;
			return 0;
		}
	return ch_error_set_field(CH_EINVALID, "format", "“%s”：请用 table、csv、json 或 xlsx",
	                          s ? s : "");
}

ch_report *ch_report_new(const char *title)
{
	ch_report *r = ch_calloc(1, sizeof *r);
	r->title = ch_strdup(title);
	ch_buf_init(&r->view_text);
	ch_buf_init(&r->enc);
	ch_strv_init(&r->notes);
	ch_strv_init(&r->brief_labels);
	return r;
}

/* Frees the texts of the N cells at C and empties them. */
static void cells_clear(struct cellv *c, int n)
{
	for (int i = 0; i < n; i++) {
		free(c[i].text);
		c[i] = (struct cellv){NULL, 0, 0};
	}
}

void ch_report_free(ch_report *r)
{
	if (!r)
		return;
	if (r->last)
		cells_clear(r->last, r->ncols);
	free(r->last);
	ch_strtab_free(r->done);
	free(r->view);
	ch_buf_dispose(&r->view_text);
	ch_buf_dispose(&r->enc);
	free(r->fail);
	for (int c = 0; c < r->ncols; c++) {
		free(r->cols[c].key);
		free(r->cols[c].label);
	}
	free(r->cols);
	free(r->title);
	free(r->brief);
	ch_strv_dispose(&r->brief_labels);
	ch_strv_dispose(&r->notes);
	free(r);
}

int ch_report_add_col(ch_report *r, const char *key, const char *label, enum ch_col_kind kind)
{
	r->cols = ch_reallocarray(r->cols, (size_t)r->ncols + 1, sizeof *r->cols);
	r->cols[r->ncols] = (struct col){ch_strdup(key), ch_strdup(label), kind};
	free(r->view); /* a view of the old width */
	r->view = NULL;
	r->view_row = 0;
	if (r->last) { /* the row being filled gains the column, empty */
		r->last = ch_reallocarray(r->last, (size_t)r->ncols + 1, sizeof *r->last);
		r->last[r->ncols] = (struct cellv){NULL, 0, 0};
	}
	return r->ncols++;
}

/* The row being filled, as one string (the format at the top) into B. */
static void encode_row(const ch_report *r, ch_buf *b)
{
	ch_buf_putc(b, r->last_total ? 'T' : 'R');
	for (int c = 0; c < r->ncols; c++) {
		const struct cellv *v = &r->last[c];
		if (!v->text) {
			ch_buf_putc(b, '-');
			continue;
		}
		char num[24];
		size_t n = strlen(v->text);
		ch_buf_putc(b, v->is_num ? 'n' : 't');
		ch_buf_puts(b, ch_text_i64(num, (int64_t)n));
		ch_buf_putc(b, ':');
		ch_buf_put(b, v->text, n);
	}
}

/* Keeps the row being filled with the finished ones. */
static void keep_last(ch_report *r)
{
	if (!r->done)
		r->done = ch_strtab_new(ROWS_MEMORY);
	ch_buf_clear(&r->enc);
	encode_row(r, &r->enc);
	if (!r->failed && ch_strtab_add(r->done, r->enc.ptr ? r->enc.ptr : "", r->enc.len) != 0) {
		r->failed = 1;
		r->fail = ch_strdup(ch_error_message());
	}
	cells_clear(r->last, r->ncols);
}

void ch_report_add_row(ch_report *r, int is_total)
{
	if (r->last)
		keep_last(r);
	else
		r->last = ch_calloc((size_t)r->ncols ? (size_t)r->ncols : 1, sizeof *r->last);
	r->last_total = is_total;
	r->nrows++;
}

void ch_report_set_text(ch_report *r, int col, const char *text)
{
	struct cellv *c = &r->last[col];
	free(c->text);
	c->text = ch_strdup(text);
	c->is_num = 0;
}

void ch_report_set_int(ch_report *r, int col, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	ch_report_set_text(r, col, buf);
	r->last[col].num = v;
	r->last[col].is_num = 1;
}

/* Parses the row string S of N bytes into R's view: 0, or -1 when it is
 * not one this file wrote. The view's texts, each with its NUL, take at
 * most N + ncols bytes, made room for first, so that the cells can point
 * into them as they are copied. */
static int decode_row(ch_report *r, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	ch_buf_clear(&r->view_text);
	ch_buf_grow(&r->view_text, n + (size_t)r->ncols);
	if (p == end || (*p != 'T' && *p != 'R'))
		return -1;
	r->view_total = *p++ == 'T';
	for (int c = 0; c < r->ncols; c++) {
		struct cellv *v = &r->view[c];
		*v = (struct cellv){NULL, 0, 0};
		if (p == end)
			continue; /* a column added after the row */
		char kind = *p++;
		if (kind == '-')
			continue;
		char *colon;
		unsigned long long len = strtoull(p, &colon, 10);
		if ((kind != 't' && kind != 'n') || colon == p || colon >= end || *colon != ':' ||
		    len > (unsigned long long)(end - colon - 1))
			return -1;
		v->text = r->view_text.ptr + r->view_text.len;
		ch_buf_put(&r->view_text, colon + 1, (size_t)len);
		ch_buf_putc(&r->view_text, '\0');
		if ((v->is_num = kind == 'n'))
			v->num = strtoll(v->text, NULL, 10);
		p = colon + 1 + len;
	}
	return 0;
}

/* The cells of row I (below nrows), into *TOTAL whether it is a total
 * row: good until the next call. NULL when the row cannot be read back
 * (R->fail says why). The view is a cache: R is not changed otherwise. */
static const struct cellv *row_at(const ch_report *cr, size_t i, int *total)
{
	ch_report *r = (ch_report *)cr;
	if (i + 1 == r->nrows) {
		*total = r->last_total;
		return r->last;
	}
	if (r->failed)
		return NULL;
	if (!r->view)
		r->view = ch_calloc((size_t)r->ncols ? (size_t)r->ncols : 1, sizeof *r->view);
	else if (r->view_row == i + 1) { /* VIEW_ROW: the row held, plus one */
		*total = r->view_total;
		return r->view;
	}
	size_t len = 0;
	const char *s = ch_strtab_get(r->done, i, &len);
	if (!s || decode_row(r, s, len) != 0) {
		r->failed = 1;
		r->fail = ch_strdup(s ? "报表的行无法读回" : ch_error_message());
		return NULL;
	}
	r->view_row = i + 1;
	*total = r->view_total;
	return r->view;
}

const char *ch_report_title(const ch_report *r)
{
	return r->title;
}

const char *ch_report_cell(const ch_report *r, size_t row, int col)
{
	int total;
	const struct cellv *v =
	    row < r->nrows && col >= 0 && col < r->ncols ? row_at(r, row, &total) : NULL;
	return v ? v[col].text : NULL;
}

void ch_report_add_note(ch_report *r, const char *note)
{
	ch_strv_push(&r->notes, note);
}

void ch_report_set_record(ch_report *r)
{
	r->record = 1;
}

void ch_report_set_brief(ch_report *r, const int *cols, const char *const *labels, size_t n)
{
	free(r->brief);
	ch_strv_dispose(&r->brief_labels);
	r->brief = ch_calloc(n ? n : 1, sizeof *r->brief);
	memcpy(r->brief, cols, n * sizeof *cols);
	r->nbrief = n;
	for (size_t k = 0; k < n; k++)
		ch_strv_push(&r->brief_labels, labels ? labels[k] : r->cols[cols[k]].label);
}

/* ---- console table ---- */

static void pad(ch_buf *b, size_t n)
{
	while (n--)
		ch_buf_putc(b, ' ');
}

/* Ends a line of the table, dropping the padding of empty last cells. */
static void end_line(ch_buf *b)
{
	while (b->len && b->ptr[b->len - 1] == ' ')
		b->ptr[--b->len] = '\0';
	ch_buf_putc(b, '\n');
}

/* Writes what B holds to F and empties it, once it holds WRITE_CHUNK
 * bytes: a large table reaches its file in pieces, not whole in memory.
 * F NULL: B is the whole output. A failed write shows in ferror(F). */
static void write_some(ch_buf *b, FILE *f)
{
	if (f && b->len >= WRITE_CHUNK) {
		size_t n = fwrite(b->ptr, 1, b->len, f); /* short: ferror(F) says so */
		(void)n;
		ch_buf_clear(b);
	}
}

static void render_table(const ch_report *r, ch_buf *b, FILE *f);

/* One record as a table of 项目/内容 rows, one per column of R. */
static void render_record(const ch_report *r, ch_buf *b)
{
	ch_report *kv = ch_report_new(r->title);
	int ck = ch_report_add_col(kv, "field", "项目", CH_COL_TEXT);
	int cv = ch_report_add_col(kv, "value", "内容", CH_COL_TEXT);
	int total;
	const struct cellv *row = row_at(r, 0, &total);
	for (int c = 0; c < r->ncols; c++) {
		ch_report_add_row(kv, 0);
		ch_report_set_text(kv, ck, r->cols[c].label);
		ch_report_set_text(kv, cv, row[c].text);
	}
	for (size_t i = 0; i < r->notes.len; i++)
		ch_report_add_note(kv, r->notes.items[i]);
	render_table(kv, b, NULL);
	ch_report_free(kv);
}

/* The brief columns of R as a report of their own. */
static void render_brief(const ch_report *r, ch_buf *b, FILE *f)
{
	char note[128];
	ch_report *br = ch_report_new(r->title);
	for (size_t k = 0; k < r->nbrief; k++) {
		const struct col *c = &r->cols[r->brief[k]];
		ch_report_add_col(br, c->key, r->brief_labels.items[k],
		                  k ? CH_COL_INT : CH_COL_TEXT);
	}
	for (size_t i = 0; i < r->nrows; i++) {
		int total;
		const struct cellv *row = row_at(r, i, &total);
		if (!row)
			break;
		ch_report_add_row(br, total);
		for (size_t k = 0; k < r->nbrief; k++)
			ch_report_set_text(br, (int)k, row[r->brief[k]].text);
	}
	for (size_t i = 0; i < r->notes.len; i++)
		ch_report_add_note(br, r->notes.items[i]);
	snprintf(note, sizeof note, "（简表：另有 %d 列未列出）", r->ncols - (int)r->nbrief);
	ch_report_add_note(br, note);
	render_table(br, b, f);
	ch_report_free(br);
}

/* The display width of each column of R (its heading's or its widest
 * cell's) into W, R->ncols of them: one pass over the rows. */
static void col_widths(const ch_report *r, size_t *w)
{
	for (int c = 0; c < r->ncols; c++)
		w[c] = ch_text_width(r->cols[c].label);
	for (size_t i = 0; i < r->nrows; i++) {
		int is_total;
		const struct cellv *row = row_at(r, i, &is_total);
		if (!row)
			break;
		for (int c = 0; c < r->ncols; c++) {
			size_t tw = row[c].text ? ch_text_width(row[c].text) : 0;
			if (tw > w[c])
				w[c] = tw;
		}
	}
}

static void render_table(const ch_report *r, ch_buf *b, FILE *f)
{
	if (r->record && r->nrows == 1) {
		render_record(r, b);
		return;
	}
	if (r->brief) {
		render_brief(r, b, f);
		return;
	}
	size_t *w = ch_calloc((size_t)r->ncols ? (size_t)r->ncols : 1, sizeof *w);
	size_t total = 0;
	col_widths(r, w);
	for (int c = 0; c < r->ncols; c++)
		total += w[c] + (c ? 2 : 0);
	if (r->title)
		ch_buf_printf(b, "%s\n", r->title);
	for (int c = 0; c < r->ncols; c++) {
		const char *l = r->cols[c].label;
		size_t gap = w[c] - ch_text_width(l);
		if (c)
			pad(b, 2);
		if (r->cols[c].kind == CH_COL_INT)
			pad(b, gap);
		ch_buf_puts(b, l);
		if (r->cols[c].kind != CH_COL_INT && c + 1 < r->ncols)
			pad(b, gap);
	}
	end_line(b);
	for (size_t i = 0; i < total; i++)
		ch_buf_putc(b, '-');
	ch_buf_putc(b, '\n');
	for (size_t i = 0; i < r->nrows; i++) {
		int is_total;
		const struct cellv *row = row_at(r, i, &is_total);
		if (!row)
			break;
		for (int c = 0; c < r->ncols; c++) {
			const char *t = row[c].text ? row[c].text : "";
			size_t gap = w[c] - ch_text_width(t);
			if (c)
				pad(b, 2);
			if (r->cols[c].kind == CH_COL_INT)
				pad(b, gap);
			ch_buf_puts(b, t);
			if (r->cols[c].kind != CH_COL_INT && c + 1 < r->ncols)
				pad(b, gap);
		}
		end_line(b);
		write_some(b, f);
	}
	for (size_t i = 0; i < r->notes.len; i++)
		ch_buf_printf(b, "%s\n", r->notes.items[i]);
	free(w);
}

/* ---- CSV ---- */

static void render_csv(const ch_report *r, ch_buf *b, int bom, FILE *f)
{
	if (bom)
		ch_buf_puts(b, "\xEF\xBB\xBF");
	for (int c = 0; c < r->ncols; c++) {
		if (c)
			ch_buf_putc(b, ',');
		ch_csv_put_field(b, r->cols[c].label);
	}
	ch_buf_puts(b, "\r\n");
	for (size_t i = 0; i < r->nrows; i++) {
		int is_total;
		const struct cellv *row = row_at(r, i, &is_total);
		if (!row)
			break;
		for (int c = 0; c < r->ncols; c++) {
			if (c)
				ch_buf_putc(b, ',');
			ch_csv_put_field(b, row[c].text);
		}
		ch_buf_puts(b, "\r\n");
		write_some(b, f);
	}
}

/* ---- JSON ---- */

/* Row ROW (TOTAL: a total row) as a JSON object keyed by R's columns. */
static json_t *row_json(const ch_report *r, const struct cellv *row, int total)
{
	json_t *o = json_object();
	for (int c = 0; c < r->ncols; c++) {
		const struct cellv *v = &row[c];
		json_object_set_new(o, r->cols[c].key,
		                    v->is_num ? json_integer(v->num)
		                    : v->text ? json_string(v->text)
		                              : json_null());
	}
	if (total)
		json_object_set_new(o, "is_total", json_true());
	return o;
}

static json_t *columns_json(const ch_report *r)
{
	json_t *cols = json_array();
	for (int c = 0; c < r->ncols; c++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", r->cols[c].key, "label",
		                                      r->cols[c].label));
	return cols;
}

static json_t *notes_json(const ch_report *r)
{
	json_t *notes = json_array();
	for (size_t i = 0; i < r->notes.len; i++)
		json_array_append_new(notes, json_string(r->notes.items[i]));
	return notes;
}

void *ch_report_to_json(const ch_report *r)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < r->nrows; i++) {
		int is_total;
		const struct cellv *row = row_at(r, i, &is_total);
		if (!row)
			break;
		json_array_append_new(rows, row_json(r, row, is_total));
	}
	/* rows that could not be read back (the temporary file): said so */
	return json_pack("{s:s?, s:o, s:o, s:o, s:s*}", "title", r->title, "columns",
	                 columns_json(r), "rows", rows, "notes", notes_json(r), "error",
	                 r->failed ? r->fail : NULL);
}

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* J dumped as JSON_FLAGS write it, each of its lines after the first
 * indented by INDENT spaces more (a value that stands that deep in the
 * document), into B; takes J. */
static void put_json(ch_buf *b, json_t *j, int indent)
{
	char *s = json_dumps(j, JSON_FLAGS | JSON_ENCODE_ANY);
	for (const char *p = s; p && *p; p++) {
		ch_buf_putc(b, *p);
		if (*p == '\n')
			pad(b, (size_t)indent);
	}
	free(s);
	json_decref(j);
}

/* The document ch_report_to_json makes, written as json_dumps writes it
 * with JSON_FLAGS, byte for byte, but a row at a time, so that F (when
 * given) receives it in pieces: the whole document of a large report
 * took several times the report's own memory. */
static void render_json(const ch_report *r, ch_buf *b, FILE *f)
{
	size_t shown = 0;
	ch_buf_puts(b, "{\n  \"title\": ");
	put_json(b, r->title ? json_string(r->title) : json_null(), 2);
	ch_buf_puts(b, ",\n  \"columns\": ");
	put_json(b, columns_json(r), 2);
	ch_buf_puts(b, ",\n  \"rows\": [");
	for (size_t i = 0; i < r->nrows; i++) {
		int is_total;
		const struct cellv *row = row_at(r, i, &is_total);
		if (!row)
			break;
		ch_buf_puts(b, shown++ ? ",\n    " : "\n    ");
		put_json(b, row_json(r, row, is_total), 4);
		write_some(b, f);
	}
	ch_buf_puts(b, shown ? "\n  ]" : "]");
	ch_buf_puts(b, ",\n  \"notes\": ");
	put_json(b, notes_json(r), 2);
	if (r->failed) {
		ch_buf_puts(b, ",\n  \"error\": ");
		put_json(b, json_string(r->fail ? r->fail : ""), 2);
	}
	ch_buf_puts(b, "\n}\n");
}

/* ---- XLSX ---- */

/* What a column of WIDTH character units takes on paper, in pixels at 96
 * dpi: Excel gives a unit 7 pixels of its default font and 5 of padding,
 * but a viewer without that font (LibreOffice substituting one) takes
 * nearer 10, so a page is filled as if it were 10. */
static double col_px(double width)
{
	return width * 10 + 5;
}

/* The printable width of a landscape page in pixels at 96 dpi, with the
 * margins set below (0.4 inch left and right). */
#define PX_A4_LANDSCAPE ((11.69 - 0.8) * 96)
#define PX_A3_LANDSCAPE ((16.54 - 0.8) * 96)
#define PAPER_A3        8
#define PAPER_A4        9

int ch_xlsx_print_setup(struct lxw_worksheet *ws, const double *widths, int ncols,
                        const unsigned char *may_break, unsigned head_first, unsigned head_last,
                        unsigned last_row)
{
	double total = 0;
	int first_page = ncols;
	for (int c = 0; c < ncols; c++)
		total += col_px(widths[c]);
	worksheet_set_landscape(ws);
	worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.5);
	worksheet_print_area(ws, 0, 0, last_row, (lxw_col_t)(ncols > 0 ? ncols - 1 : 0));
	worksheet_repeat_rows(ws, head_first, head_last);
	if (total * 0.85 <= PX_A4_LANDSCAPE || total * 0.85 <= PX_A3_LANDSCAPE) {
		worksheet_set_paper(ws, total * 0.85 <= PX_A4_LANDSCAPE ? PAPER_A4 : PAPER_A3);
		worksheet_fit_to_pages(ws, 1, 0);
		return first_page;
	}
	/* too wide for one page at a legible size: A3 pages side by side, the
	 * first column on each, breaking where the caller allows */
	const int scale = 85;
	const double room = PX_A3_LANDSCAPE * 100 / scale;
	lxw_col_t *breaks = ch_calloc((size_t)ncols + 1, sizeof *breaks);
	size_t nb = 0;
	double used = col_px(widths[0]);
	int last_ok = -1; /* the last column a page may start at, on this page */
	for (int c = 1; c < ncols; c++) {
		if (!may_break || may_break[c])
			last_ok = c;
		used += col_px(widths[c]);
		if (used > room && last_ok > 0 && (nb == 0 || (int)breaks[nb - 1] < last_ok)) {
			breaks[nb++] = (lxw_col_t)last_ok;
			if (nb == 1)
				first_page = last_ok;
			used = col_px(widths[0]);
			for (int k = last_ok; k <= c; k++)
				used += col_px(widths[k]);
		}
	}
	worksheet_set_paper(ws, PAPER_A3);
	worksheet_set_print_scale(ws, scale);
	worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
	worksheet_repeat_columns(ws, 0, 0);
	if (nb)
		worksheet_set_v_pagebreaks(ws, breaks);
	free(breaks);
	return first_page;
}

void ch_xlsx_note(struct lxw_worksheet *ws, unsigned row, const double *widths, int first, int span,
                  const char *text, struct lxw_format *f)
{
	double room = 0;
	for (int c = first; c < span; c++)
		room += widths[c];
	/* a CJK character is about two units of the default font wide; leave
	 * a little over for the font a viewer substitutes */
	double need = (double)ch_text_width(text) * 1.15;
	int lines = room > 0 ? (int)(need / room) + 1 : 1;
	if (span - first > 1)
		worksheet_merge_range(ws, row, (lxw_col_t)first, row, (lxw_col_t)(span - 1), text,
		                      f);
	else
		worksheet_write_string(ws, row, (lxw_col_t)first, text, f);
	worksheet_set_row(ws, row, 15.0 * lines + 3, NULL);
}

/* R as a workbook at PATH. Written in row order throughout, as a streamed
 * workbook must be: the title, the heading, the rows, then the notes. */
static int render_xlsx(const ch_report *r, const char *path)
{
	/* past Excel's last row libxlsxwriter drops cells without a word */
	size_t sheet_rows = (r->title ? 1 : 0) + 1 + r->nrows + r->notes.len;
	if (sheet_rows > XLSX_MAX_ROWS)
		return ch_error_set_field(
		    CH_EINVALID, "format",
		    "报表「%s」共 %zu 行，超过 Excel 工作表 %zu 行的上限，请用 CSV",
		    r->title ? r->title : "", sheet_rows, XLSX_MAX_ROWS);
	int streamed = r->nrows * (size_t)(r->ncols ? r->ncols : 1) > XLSX_STREAMED_CELLS;
	lxw_workbook *wb = streamed ? ch_xlsxw_new_streamed(path) : workbook_new(path);
	if (!wb)
		return ch_error_code();
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	if (!ws) {
		workbook_close(wb);
		unlink(path);
		return ch_error_set(CH_ERROR, "写入 %s 失败：无法建立工作表（临时目录 %s）", path,
		                    ch_tmpdir());
	}
	lxw_format *title = workbook_add_format(wb), *head = workbook_add_format(wb);
	lxw_format *tot = workbook_add_format(wb), *body = workbook_add_format(wb);
	lxw_format *notef = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 14);
	format_set_align(title, LXW_ALIGN_CENTER);
	format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
	format_set_bold(head);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_align(head, LXW_ALIGN_CENTER);
	format_set_text_wrap(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_border(body, LXW_BORDER_THIN);
	format_set_border(tot, LXW_BORDER_THIN);
	format_set_bold(tot);
	format_set_text_wrap(notef);
	format_set_align(notef, LXW_ALIGN_VERTICAL_TOP);

	lxw_row_t row = 0;
	lxw_col_t last = (lxw_col_t)(r->ncols ? r->ncols - 1 : 0);
	if (r->title) {
		if (last > 0)
			worksheet_merge_range(ws, 0, 0, 0, last, r->title, title);
		else
			worksheet_write_string(ws, 0, 0, r->title, title);
		worksheet_set_row(ws, 0, 24, NULL);
		row++;
	}
	lxw_row_t head_row = row;
	double *widths = ch_calloc(r->ncols ? (size_t)r->ncols : 1, sizeof *widths);
	size_t *w = ch_calloc(r->ncols ? (size_t)r->ncols : 1, sizeof *w);
	col_widths(r, w);
	for (int c = 0; c < r->ncols; c++) {
		worksheet_write_string(ws, row, (lxw_col_t)c, r->cols[c].label, head);
		widths[c] = (double)(w[c] < 6 ? 6 : w[c]) + 2;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	}
	free(w);
	row++;
	for (size_t i = 0; i < r->nrows; i++, row++) {
		int is_total;
		const struct cellv *cells = row_at(r, i, &is_total);
		if (!cells)
			break;
		lxw_format *f = is_total ? tot : body;
		for (int c = 0; c < r->ncols; c++) {
			const struct cellv *v = &cells[c];
			if (v->is_num)
				worksheet_write_number(ws, row, (lxw_col_t)c, (double)v->num, f);
			else if (v->text)
				worksheet_write_string(ws, row, (lxw_col_t)c, v->text, f);
			else
				worksheet_write_blank(ws, row, (lxw_col_t)c, f);
		}
	}
	worksheet_freeze_panes(ws, head_row + 1, 0);
	lxw_row_t last_row = r->notes.len ? row + (lxw_row_t)r->notes.len : row - 1;
	int span = ch_xlsx_print_setup(ws, widths, r->ncols, NULL, head_row, head_row, last_row);
	/* notes under the table: merged across the first page's columns, tall
	 * enough for their wrapped lines */
	for (size_t i = 0; i < r->notes.len; i++)
		ch_xlsx_note(ws, ++row, widths, span < r->ncols ? 1 : 0, span, r->notes.items[i],
		             notef);
	free(widths);
	lxw_error err = workbook_close(wb);
	if (err != LXW_NO_ERROR) {
		unlink(path);
		return ch_error_set(CH_ERROR, "写入 %s 失败：%s", path, lxw_strerror(err));
	}
	return 0;
}

/* Renders the text formats into B (into F as it goes when F is given,
 * B then holding the rest); BOM: start CSV with a UTF-8 BOM. */
static void render_text(const ch_report *r, enum ch_format format, ch_buf *b, int bom, FILE *f)
{
	if (format == CH_FMT_TABLE)
		render_table(r, b, f);
	else if (format == CH_FMT_CSV)
		render_csv(r, b, bom, f);
	else
		render_json(r, b, f);
}

/* R's rows could not all be read back: the error, or 0. */
static int rows_failed(const ch_report *r)
{
	return r->failed ? ch_error_set(CH_ERROR, "报表「%s」：%s", r->title ? r->title : "",
	                                r->fail ? r->fail : "")
	                 : 0;
}

int ch_report_render(const ch_report *r, enum ch_format format, ch_buf *b)
{
	if (format != CH_FMT_XLSX) {
		render_text(r, format, b, 1, NULL);
		return rows_failed(r);
	}
	/* libxlsxwriter writes files only: through a private temporary one */
	int fd, rc = ch_report_tmpfile(r, format, &fd);
	if (rc)
		return rc;
	struct stat st;
	if (fstat(fd, &st) != 0 || ch_fd_append(b, fd, (size_t)st.st_size) != 0)
		rc = ch_error_set(CH_ERROR, "cannot read a temporary file: %s", strerror(errno));
	close(fd);
	return rc;
}

int ch_report_tmpfile(const ch_report *r, enum ch_format format, int *fd)
{
	char path[4096];
	*fd = -1;
	if (snprintf(path, sizeof path, "%s/cleanheat-report-XXXXXX", ch_tmpdir()) >=
	    (int)sizeof path)
		return ch_error_set(CH_ERROR,
		                    "cannot create a temporary file: the name of %s is too long",
		                    ch_tmpdir());
	int t = mkstemp(path);
	if (t < 0)
		return ch_error_set(CH_ERROR, "cannot create a temporary file in %s: %s",
		                    ch_tmpdir(), strerror(errno));
	close(t);
	int rc = ch_report_write(r, format, path);
	/* opened again: the workbook writer makes its file anew */
	if (rc == 0 && (*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		rc = ch_error_set(CH_ERROR, "cannot read a temporary file: %s", strerror(errno));
	unlink(path);
	return rc;
}

int ch_report_write(const ch_report *r, enum ch_format format, const char *path)
{
	int to_stdout = !path || strcmp(path, "-") == 0;
	ch_buf b;
	if (format == CH_FMT_XLSX) {
		if (to_stdout)
			return ch_error_set_field(CH_EINVALID, "output", "xlsx 格式须指定输出文件");
		int rc = render_xlsx(r, path);
		return rc ? rc : rows_failed(r);
	}
	FILE *f = to_stdout ? stdout : fopen(path, "wb");
	if (!f)
		return ch_error_set(CH_ERROR, "无法写入 %s", path);
	ch_buf_init(&b);
	render_text(r, format, &b, !to_stdout, f);
	int rc = rows_failed(r);
	if (b.len && fwrite(b.ptr, 1, b.len, f) != b.len && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", to_stdout ? "output" : path);
	if (ferror(f) && rc == 0)
		rc = ch_error_set(CH_ERROR, "写入 %s 失败", to_stdout ? "output" : path);
	if (!to_stdout && fclose(f) != 0 && rc == 0)
		rc = ch_error_set(CH_ERROR, "关闭 %s 失败", path);
	if (to_stdout)
		fflush(stdout);
	else if (rc)
		unlink(path); /* not half a report */
	ch_buf_dispose(&b);
	return rc;
}
