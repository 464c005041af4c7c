/*
 * limits — every bound the file readers keep, in one place.
 *
 * Imported files come from anyone who can sign in, so the CSV and XLSX
 * readers treat them as hostile: a line, a field, a row, a cell, an XML
 * token, a zip part, the shared strings and the time one read may take are
 * all bounded, and a file past a bound fails at once with a message that
 * names the row and the bound rather than running for minutes or growing
 * without end. The values and why each was chosen are in docs/limits.md;
 * the defaults are Excel's own limits where Excel has one.
 *
 * The time bound can be set for a run with the environment variable
 * CLEANHEAT_READ_TIMEOUT (seconds, fractions allowed); tests lower the
 * others with ch_read_limits_set to reach them with small inputs.
 */
#ifndef CH_IO_LIMITS_H
#define CH_IO_LIMITS_H

#include <stddef.h>

struct ch_read_limits {
	size_t line_bytes;  /* one CSV line (a quoted record across lines included) or
	                     * the text of one worksheet row, in UTF-8 bytes: 1 MiB */
	size_t cell_chars;  /* one CSV field or XLSX cell, in characters: 32,767 */
	size_t columns;     /* fields of a CSV record, cells of a worksheet row: 16,384 */
	size_t rows;        /* worksheet rows (and Excel's highest row number): 1,048,576 */
	size_t xml_pending; /* XML bytes given to the parser with no event reported
	                     * (one comment, attribute or name being collected): 1 MiB */
	size_t part_bytes;  /* inflated size of the workbook, relationships, styles */
	size_t sheet_bytes; /* inflated size of the worksheet and the shared strings */
	size_t ratio;       /* inflated : compressed of one part ... */
	size_t ratio_from;  /* ... checked once the part has inflated past this */
	size_t sst_count;   /* shared strings held */
	size_t sst_bytes;   /* their text, in bytes */
	size_t entries;     /* sheets, relationships, number formats, cell formats */
	double seconds;     /* one read of one file, from opening to the last row
	                     * (not of text in memory: compiled-in files, tests) */
};

/* The limits in force (the defaults, with CLEANHEAT_READ_TIMEOUT applied). */
const struct ch_read_limits *ch_read_limits(void);
/* Replaces them (NULL: back to the defaults). For tests: not to be called
 * while another thread reads a file. */
void ch_read_limits_set(const struct ch_read_limits *l);

/* A point in time for a read's deadline: seconds on a monotonic clock. */
double ch_read_clock(void);

/* A size as messages write it: "1 MiB", "64 KiB", "100 字节". */
const char *ch_read_limit_bytes(size_t n, char *buf, size_t bufsz);
/* A count with thousands separators: "32,767", "1,048,576". */
const char *ch_read_limit_count(size_t n, char *buf, size_t bufsz);

#endif
