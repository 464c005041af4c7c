/*
 * notice_pdf — the public notice (公示) as an A4 landscape PDF for the
 * village notice board: the same title, office, period, table (column
 * heads repeated on every page), totals and seal lines as the XLSX sheet
 * (notice_sheet.h, which makes the texts), set in a CJK font (Noto Sans
 * CJK SC) through cairo and pango, with 第 N 页，共 M 页 under each page.
 */
#ifndef CH_IO_NOTICE_PDF_H
#define CH_IO_NOTICE_PDF_H

#include <stddef.h>

typedef struct ch_ctx ch_ctx;

/* Writes notice NUMBER (公示-…, or its id) to PATH as PDF; *N gets the
 * households listed (may be NULL). What ch_notice_items refuses, this
 * refuses (and no file is left behind). */
int ch_notice_pdf_write(ch_ctx *ctx, const char *number, const char *path, size_t *n);

#endif
