/*
 * inspect_file — a county's self-inspections (自验) in one file: CSV or
 * XLSX with the columns 县市, 户编号 (or 身份证号), 结果 (合格/不合格), 日期,
 * 自验人员, 证明材料 (evidence file names, separated by 、 or ;, found in the
 * file's own folder), and one column per checklist item named as in the
 * checklist (原燃煤炉具已拆除 ...) holding 合格 or 不合格 (empty: 合格).
 *
 * Each row is one ch_inspect_record, with that call's checks, inside one
 * transaction for the whole file: all or nothing, or with skip_invalid the
 * valid rows stored and the others written to a rejects file as for the
 * other imports.
 */
#ifndef CH_IO_INSPECT_FILE_H
#define CH_IO_INSPECT_FILE_H

#include <stddef.h>

#include "core/problems.h"

typedef struct ch_ctx ch_ctx;

typedef struct ch_inspect_file_opts {
	const char *path, *sheet, *county, *rejects;
	int skip_invalid;
	const char *today;
} ch_inspect_file_opts;

typedef struct ch_inspect_file_summary {
	size_t rows;     /* data rows read */
	size_t passed;   /* inspections recorded as 合格 */
	size_t failed;   /* recorded as 不合格 (each opened a rectification order) */
	size_t rejected; /* rows refused */
} ch_inspect_file_summary;

/* Imports the file at OPTS->path. *PROBLEMS receives the row problems
 * (the caller frees them) once the header was read, even on error.
 * CH_EINVALID when a row is refused (and nothing is stored, unless
 * SKIP_INVALID), the file has no such header or no rows. */
int ch_inspect_import_file(ch_ctx *ctx, const ch_inspect_file_opts *opts,
                           ch_inspect_file_summary *sum, ch_problems **problems);

#endif
