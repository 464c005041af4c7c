/*
 * notice_sheet — the public notice (公示) as the A4 sheet that hangs on the
 * village notice board: a title, the office that publishes it, the period,
 * where and how to object, the table of households (village, head of
 * household, ID number masked, technology, energy-saving measures and area,
 * subsidy), the total, and the office's seal line. XLSX through
 * libxlsxwriter, set to print on A4 landscape, one page wide, with the
 * column heads repeated on every page. The texts of the sheet (title,
 * office, period, column heads, cells, totals, seal lines) are made here
 * once for both the XLSX sheet and the PDF (notice_pdf.c).
 */
#ifndef CH_IO_NOTICE_SHEET_H
#define CH_IO_NOTICE_SHEET_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_ctx ch_ctx;
typedef struct ch_notice_head ch_notice_head;
typedef struct ch_notice_item ch_notice_item;

/* The table's columns: heads and relative widths (Excel character
 * widths, which the PDF scales to the page). */
#define CH_NOTICE_NCOLS 9
extern const char *const ch_notice_heads[CH_NOTICE_NCOLS];
extern const double ch_notice_widths[CH_NOTICE_NCOLS];
/* The seal lines under the table. */
#define CH_NOTICE_SEAL      "（公示单位盖章）"
#define CH_NOTICE_SEAL_DATE "　　　　年　　月　　日"

typedef struct ch_notice_texts {
	char title[300];   /* 昌吉市农村清洁取暖改造补助资金发放公示 */
	char office[600];  /* 公示编号：… 公示单位：… */
	char period[1200]; /* the paragraph: the period, where and how to object */
} ch_notice_texts;
/* The title block of notice H. */
void ch_notice_texts_of(const ch_notice_head *h, ch_notice_texts *t);

/* The cells of household I, SEQ its 序号, as the PDF prints them (amounts
 * and areas with thousands separators, "—" for none; a text longer than a
 * cell is cut on a whole character). */
typedef struct ch_notice_cells {
	char c[CH_NOTICE_NCOLS][256];
} ch_notice_cells;
void ch_notice_cells_of(const ch_notice_item *i, size_t seq, ch_notice_cells *out);

/* The total lines: COUNT "合计（共 N 户）", WORDS the amount in capitals and
 * in figures; AMOUNT the total in figures (42,400.00). */
void ch_notice_totals(size_t n, int64_t total_fen, char count[64], char words[400],
                      char amount[32]);

/* Writes notice NUMBER (公示-…, or its id) to PATH as XLSX; *N gets the
 * households listed (may be NULL). What ch_notice_items refuses, this
 * refuses. */
int ch_notice_sheet_write(ch_ctx *ctx, const char *number, const char *path, size_t *n);

/* Writes notice NUMBER to PATH as a PDF when PATH ends in .pdf
 * (notice_pdf.h), else as XLSX; *N as above. */
int ch_notice_write(ch_ctx *ctx, const char *number, const char *path, size_t *n);

#endif
