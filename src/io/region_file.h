/*
 * region_file — the township and village lists that counties keep
 * (`cleanheat region import`), with the columns 县市, 乡镇, 村 and optionally
 * 乡镇代码, 村代码. (The prefecture and its counties come from the reference
 * data compiled in: core/reference.c.)
 */
#ifndef CH_IO_REGION_FILE_H
#define CH_IO_REGION_FILE_H

#include <stddef.h>

typedef struct ch_ctx ch_ctx;

typedef struct ch_region_import_result {
	size_t rows; /* data rows read */
	size_t townships_added;
	size_t villages_added;
	size_t already_present; /* rows naming only places already known */
} ch_region_import_result;

/* Imports a township/village list from PATH in one audited transaction:
 * every row is checked (county known and current, township present), and a
 * single bad row stores nothing (CH_EINVALID naming the row, column and
 * value). Each county (township) whose townships (villages) the file lists
 * is marked as loaded. */
int ch_region_import_file(ch_ctx *ctx, const char *path, ch_region_import_result *res);

#endif
