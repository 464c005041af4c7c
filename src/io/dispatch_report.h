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

/* The report's title: 2023年昌吉州农村清洁取暖改造进度调度表（截至…，第N周）. */
void ch_dispatch_title(const ch_dispatch *d, const char *prefecture, char *out, size_t outsz);
int ch_dispatch_write(const ch_dispatch *d, const char *prefecture, enum ch_format format,
                      const char *path);

#endif
