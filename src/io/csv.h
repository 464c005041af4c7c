/*
 * csv — a streaming reader for CSV files as Chinese offices save them.
 *
 * Excel in China saves "CSV" as GB18030/GBK unless told otherwise, as UTF-8
 * with a BOM when told "CSV UTF-8", and "Unicode text" as UTF-16LE with tabs.
 * The reader detects the encoding from the first bytes (BOM, else UTF-8 if
 * the first block is valid UTF-8, else GB18030), converts to UTF-8 with
 * iconv, detects the delimiter (comma, or tab when the first record has tabs
 * and no commas), accepts CRLF or LF, and hands out one record at a time,
 * parsed by libcsv. Memory stays flat in the size of the file.
 *
 * Each record carries the physical line number it starts on, so that every
 * problem can be reported as "row N" the way the user sees the file in a
 * text editor or in Excel. Blank lines are skipped but counted.
 */
#ifndef CH_IO_CSV_H
#define CH_IO_CSV_H

#include <stdio.h>

#include "util/buf.h"
#include "util/hash.h"

typedef struct ch_csv ch_csv;

enum ch_csv_encoding {
	CH_CSV_UTF8 = 0,
	CH_CSV_UTF8_BOM = 1,
	CH_CSV_GB18030 = 2,
	CH_CSV_UTF16LE = 3,
};

/* One record. The strings are UTF-8, NUL-terminated, owned by the reader and
 * valid until the next ch_csv_next() or ch_csv_free(). Fields are returned as
 * read (not normalised; quotes removed, no trimming of quoted content). */
typedef struct ch_csv_row {
	char **fields;
	size_t nfields;
	size_t line; /* 1-based physical line the record starts on */
} ch_csv_row;

/* Opens PATH for reading. Returns 0, or CH_ENOTFOUND / CH_ERROR with a
 * message naming the file. *OUT is owned by the caller (ch_csv_free). */
int ch_csv_open(ch_csv **out, const char *path);
/* Reads from memory instead (LEN bytes at DATA, not copied: DATA must
 * outlive the reader). Used by tests and fuzzers. */
int ch_csv_open_mem(ch_csv **out, const void *data, size_t len);
/* Reads the next record into *ROW. Returns 1 for a record, 0 at the end of
 * the file, or a negative ch_err (CH_EINVALID for malformed input such as an
 * unterminated quote or bytes invalid in the detected encoding, with a
 * message naming the line; CH_ERROR for I/O errors). */
int ch_csv_next(ch_csv *r, ch_csv_row *row);
/* Makes R hash the bytes it reads from its file as it reads them
 * (BLAKE2b-256, as ch_hash_file), for ch_csv_hash: call before the first
 * ch_csv_next. */
void ch_csv_hash_begin(ch_csv *r);
/* The digest of R's file, from the bytes R read: 0 with OUT written when
 * hashing began before the first byte and R read the file to its end
 * without an error of the source, else 1. A file changed while R read it
 * gets the digest of the bytes its records came from. */
int ch_csv_hash(ch_csv *r, char out[CH_HASH_HEX_LEN + 1]);
/* The encoding detected (valid after the first ch_csv_next). */
enum ch_csv_encoding ch_csv_encoding(const ch_csv *r);
/* A short name for an encoding: "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE". */
const char *ch_csv_encoding_name(enum ch_csv_encoding e);
void ch_csv_free(ch_csv *r);

/* Appends S to B as one CSV field, for every CSV we write (reports, bank
 * files, rejects): quoted when it holds a comma, a quote or a line break.
 * A text a spreadsheet would run as a formula (one beginning with = + - @,
 * a tab or a carriage return that is not a plain number such as -12.50)
 * gets a leading apostrophe, which Excel and WPS take as "this is text"
 * and do not show; ch_rows_next drops it again when such a file comes
 * back. */
void ch_csv_put_field(ch_buf *b, const char *s);

#endif
