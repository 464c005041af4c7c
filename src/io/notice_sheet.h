/*
 * notice_sheet — the public notice (公示) as the A4 sheet that hangs on the
 * village notice board: a title, the office that publishes it, the period,
 * where and how to object, the table of households (village, head of
 * household, ID number masked, technology, energy-saving measures and area,
 * subsidy), the total, and the office's seal line. XLSX through
 * libxlsxwriter, set to print on A4 landscape, one page wide, with the
 * column heads repeated on every page.
 */
#ifndef CH_IO_NOTICE_SHEET_H
#define CH_IO_NOTICE_SHEET_H

#include <stddef.h>

typedef struct ch_ctx ch_ctx;

/* Writes notice NUMBER (公示-…, or its id) to PATH as XLSX; *N gets the
 * households listed (may be NULL). What ch_notice_items refuses, this
 * refuses. */
int ch_notice_sheet_write(ch_ctx *ctx, const char *number, const char *path, size_t *n);

#endif
