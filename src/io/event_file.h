/*
 * event_file — the weekly progress batch a county sends: CSV or XLSX with
 * the columns 县市, 户编号, 环节, 日期, 备注 (环节 one of 已开工, 已完工, 已调试,
 * 已退出). Each row goes through core/event.c; with --rejects the rejected
 * rows come back out as for register imports.
 */
#ifndef CH_IO_EVENT_FILE_H
#define CH_IO_EVENT_FILE_H

#include "core/event.h"

typedef struct ch_event_file_opts {
	const char *path, *sheet, *county, *rejects;
	int skip_invalid;
	const char *today;
} ch_event_file_opts;

/* Imports the batch at OPTS->path. *B receives the finished batch (for its
 * problems; the caller frees it) once rows were read, even on error. */
int ch_event_import_file(ch_ctx *ctx, const ch_event_file_opts *opts, ch_event_summary *sum,
                         ch_event_batch **b);

#endif
