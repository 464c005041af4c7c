/*
 * dispatch_report — the dispatch table as offices circulate it.
 *
 * One column table drives every format: table, CSV and JSON go through the
 * generic report (headings "已开工·户数"), XLSX is written here as the sheet
 * an office sends round: a Chinese title with the date and period, two-level
 * headers merged over each stage, a totals row, status fills (green, yellow,
 * red), a frozen header and A4 landscape print set-up.
 */
#ifndef CH_IO_DISPATCH_REPORT_H
#define CH_IO_DISPATCH_REPORT_H

#include "core/dispatch.h"
#include "io/report.h"

/* The report's title: 2023年昌吉州农村清洁取暖改造进度周调度表（截至…，第N周）,
 * with the prefecture's name from D. */
void ch_dispatch_title(const ch_dispatch *d, char *out, size_t outsz);
/* D as a generic report: the county, then per stage "已开工·户数" (key
 * "started_n") and the other columns, the total row last, the notes under
 * it. The caller frees it. */
ch_report *ch_dispatch_report(const ch_dispatch *d);
/* Marks R, made by ch_dispatch_report, to print as one line per county
 * with the key figures in the table format (the target, the withdrawn, per
 * construction stage the households and %, the acceptance stages' %, the
 * status); the other formats keep every column. */
void ch_dispatch_report_brief(ch_report *r);
/* Writes D to PATH in FORMAT: XLSX as the office's sheet (PATH required),
 * the other formats as ch_dispatch_report (NULL PATH: standard output). */
int ch_dispatch_write(const ch_dispatch *d, enum ch_format format, const char *path);

#endif
