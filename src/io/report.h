/*
 * report — one tabular result written as a console table, CSV, JSON or XLSX.
 *
 * Every command that prints data builds a ch_report (a title, columns with a
 * key, a Chinese label and a kind, rows of cells, notes) and hands it to
 * ch_report_write with the user's --format and -o. The columns are the one
 * table that drives all four outputs, so a column added to a report shows
 * up everywhere at once.
 *
 * Table: aligned by display width (Chinese characters are two columns
 * wide), numbers right-aligned. CSV: RFC 4180, UTF-8, with a BOM when
 * written to a file so that Excel opens it correctly. JSON: an object with
 * title, columns, rows (objects keyed by column key; numbers as numbers)
 * and notes. XLSX: a sheet with a merged title row, a bold frozen header,
 * numbers as numbers, total rows in bold, set up for A4 landscape printing.
 *
 * A report keeps its finished rows compactly, past a few megabytes in a
 * temporary file, and the table, CSV and JSON are written to their file
 * in pieces as they are rendered: a report of a whole county's households
 * is not held in memory whole. A workbook of more than 50,000 cells is
 * written a row at a time, its texts in the cells (io/xlsxw.h,
 * ch_xlsxw_new_streamed); a smaller one keeps them in a shared table, as
 * Excel does. ch_report_to_json (a document built whole) still takes
 * memory with the size of the report. The render and write calls fail,
 * naming the report, when a row cannot be read back, and a file that
 * cannot be written whole is removed.
 */
#ifndef CH_IO_REPORT_H
#define CH_IO_REPORT_H

#include <stdint.h>

#include "util/buf.h"

typedef struct ch_report ch_report;

enum ch_format { CH_FMT_TABLE, CH_FMT_CSV, CH_FMT_JSON, CH_FMT_XLSX };

/* Parses "table", "csv", "json" or "xlsx"; returns 0 or CH_EINVALID. */
int ch_format_parse(const char *s, enum ch_format *out);

enum ch_col_kind { CH_COL_TEXT, CH_COL_INT };

ch_report *ch_report_new(const char *title);
void ch_report_free(ch_report *r);
/* Adds a column; returns its index. KEY is the JSON key, LABEL the heading. */
int ch_report_add_col(ch_report *r, const char *key, const char *label, enum ch_col_kind kind);
/* Starts a new row (all cells empty); IS_TOTAL marks a totals row. */
void ch_report_add_row(ch_report *r, int is_total);
/* Sets a cell of the last row. NULL text leaves it empty (JSON null). */
void ch_report_set_text(ch_report *r, int col, const char *text);
void ch_report_set_int(ch_report *r, int col, int64_t v);
/* The text of cell (ROW, COL), or NULL when empty (or when the row cannot
 * be read back from the report's temporary file). Good until a cell of
 * another row is asked for, or the report changes: rows past a budget
 * are kept in a temporary file and read back one at a time. */
const char *ch_report_cell(const ch_report *r, size_t row, int col);
/* A line printed under the table (and kept in JSON as "notes"). */
void ch_report_add_note(ch_report *r, const char *note);
/* Marks R as one record: the table format prints it as 项目/内容 lines, one
 * per column, which read better than one wide row; the other formats keep
 * the columns. A report with more or fewer rows prints as usual. */
void ch_report_set_record(ch_report *r);
/* Marks R as wide: the table format (for a terminal) prints only the N
 * columns COLS, in that order, headed LABELS[k] (NULL: their own labels)
 * and right-aligned but for the first, then a line saying how many columns
 * it left out; the other formats keep every column. */
void ch_report_set_brief(ch_report *r, const int *cols, const char *const *labels, size_t n);
/* Writes R in FORMAT to PATH (NULL or "-": standard output; XLSX needs a
 * file). Returns 0, or CH_ERROR / CH_EINVALID with a message. */
int ch_report_write(const ch_report *r, enum ch_format format, const char *path);
/* R as a JSON value (a jansson json_t *, the caller's reference): title,
 * columns (key, label), rows keyed by column key, notes. */
void *ch_report_to_json(const ch_report *r);
/* The title of R. */
const char *ch_report_title(const ch_report *r);
/* Appends R in FORMAT to B (CSV with a UTF-8 BOM, as a download should
 * have; XLSX through a private temporary file). Returns 0 or CH_ERROR. */
int ch_report_render(const ch_report *r, enum ch_format format, ch_buf *b);
/* R written in FORMAT, as ch_report_write writes a file, to a new file in
 * ch_tmpdir() (util/file.h) that is unlinked at once: *FD, open for
 * reading at its start, is the caller's to close. For a download as large
 * as the report, without holding it in memory. Returns 0, or an error of
 * ch_report_write's (*FD then -1). */
int ch_report_tmpfile(const ch_report *r, enum ch_format format, int *fd);

/* ---- print set-up of a worksheet, shared by the XLSX writers ---- */

struct lxw_worksheet;
struct lxw_format;

/* Sets up WS, a table of NCOLS columns of WIDTHS (Excel's character units)
 * whose headings are rows HEAD_FIRST..HEAD_LAST and whose last row is
 * LAST_ROW, to print legibly: landscape with the print area set and the
 * headings repeated on every page. A table that fits across an A4 page at
 * 85 % or more is fitted to one A4 page wide (height as it comes), else to
 * one A3 page wide if that keeps 85 %; a wider one is printed on A3 at 85 %
 * and split across pages between columns where MAY_BREAK[c] is set (NULL:
 * anywhere; a break comes before column c), the first column repeated on
 * each page, never shrunk to fit. Returns the number of columns on the
 * first page (NCOLS when it is not split). */
int ch_xlsx_print_setup(struct lxw_worksheet *ws, const double *widths, int ncols,
                        const unsigned char *may_break, unsigned head_first, unsigned head_last,
                        unsigned last_row);
/* Writes TEXT on row ROW merged across columns FIRST..SPAN-1 of WIDTHS in
 * format F (which should wrap), with the row tall enough for the wrapped
 * lines, so that a note is never clipped. (FIRST 1 keeps a note out of a
 * first column repeated on every printed page.) */
void ch_xlsx_note(struct lxw_worksheet *ws, unsigned row, const double *widths, int first, int span,
                  const char *text, struct lxw_format *f);

#endif
