/*
 * rows — one way to read tabular files, whatever their format.
 *
 * Importers ask for rows and do not care whether the county sent CSV (in
 * any encoding ch_csv reads) or an Excel workbook: a file starting with the
 * zip signature "PK" is read as XLSX (the sheet given, or the first), any
 * other as CSV. Rows come with the line (CSV) or Excel row number that the
 * user sees, so every problem can name it.
 *
 * A file of a megabyte or more is parsed by a second thread while the
 * caller works on the rows before (rows.c); the caller sees the same rows,
 * and the same end or error after them, as if it read the file itself.
 * A reader is used by one thread at a time.
 */
#ifndef CH_IO_ROWS_H
#define CH_IO_ROWS_H

#include "io/csv.h"

typedef struct ch_rows ch_rows;

/* Opens PATH; SHEET selects a worksheet of an XLSX file (NULL: the first;
 * given for a CSV file it is an error). Errors as ch_csv_open and
 * ch_xlsx_open. */
int ch_rows_open(ch_rows **out, const char *path, const char *sheet);
/* As ch_rows_open, and the file's digest (ch_rows_hash) is taken from the
 * bytes of a CSV file as they are read, rather than by reading the file
 * again. */
int ch_rows_open_hashed(ch_rows **out, const char *path, const char *sheet);
/* As ch_csv_next: 1 with a row, 0 at the end, or a negative ch_err. */
int ch_rows_next(ch_rows *r, ch_csv_row *row);
/* The BLAKE2b-256 digest of R's file into OUT, as ch_hash_file gives it.
 * A CSV file opened with ch_rows_open_hashed and read to its end (by the
 * thread reading ahead, too) gives the digest of the very bytes its rows
 * came from, hashed as they were read; otherwise the file is read again
 * for it. Errors as ch_hash_file. */
int ch_rows_hash(ch_rows *r, char out[CH_HASH_HEX_LEN + 1]);
/* "CSV (GB18030)", "XLSX 工作表「Sheet1」" — for summaries. */
const char *ch_rows_describe(ch_rows *r);
/* 1 when the file is an XLSX workbook. */
int ch_rows_is_xlsx(const ch_rows *r);
void ch_rows_free(ch_rows *r);
/* The error for a file with a header and no data rows under it (at
 * HEADER_LINE): an import of it stores nothing and says so (the caller
 * prefixes the file's name). Returns CH_EINVALID. */
int ch_rows_none(size_t header_line);

#endif
