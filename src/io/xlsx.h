/*
 * xlsx — a streaming reader for Excel .xlsx workbooks.
 *
 * Counties keep their registers in Excel. An .xlsx file is a zip of XML
 * parts; this reader opens it with minizip, reads the workbook's sheet list
 * and the shared strings (which every sheet refers to by index, so they are
 * held in memory, compactly), and then streams one worksheet through expat,
 * handing out one row at a time, so memory stays flat in the number of
 * rows. Handled: shared strings (rich text runs joined, phonetic runs left
 * out), inline strings, numbers (integers without ".0"), numbers stored as
 * text, booleans, error values, cached formula results, and dates stored as
 * serial numbers in a date format (given as YYYY-MM-DD). Cells missing from
 * a row come back as empty strings; row numbers are Excel's own.
 */
#ifndef CH_IO_XLSX_H
#define CH_IO_XLSX_H

#include <stddef.h>

#include "io/csv.h"

typedef struct ch_xlsx ch_xlsx;

/* Opens PATH and selects worksheet SHEET by name (NULL: the first sheet in
 * the workbook's order). CH_ENOTFOUND for a missing file or sheet (the
 * message lists the sheets there are), CH_EINVALID for a file that is not
 * an xlsx workbook. *OUT is the caller's (ch_xlsx_free). */
int ch_xlsx_open(ch_xlsx **out, const char *path, const char *sheet);
/* Reads the next row that has at least one non-empty cell into *ROW
 * (ROW->line is the Excel row number; fields as in ch_csv_row, UTF-8, valid
 * until the next call). Returns 1, 0 at the end of the sheet, or a
 * negative ch_err (CH_EINVALID for malformed XML, naming the row). */
int ch_xlsx_next(ch_xlsx *x, ch_csv_row *row);
/* The number of worksheets and the name of the I-th (workbook order). */
size_t ch_xlsx_sheet_count(const ch_xlsx *x);
const char *ch_xlsx_sheet_name(const ch_xlsx *x, size_t i);
/* The selected sheet's name. */
const char *ch_xlsx_current_sheet(const ch_xlsx *x);
void ch_xlsx_free(ch_xlsx *x);

#endif
