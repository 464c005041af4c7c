/*
 * household_file — county ledgers (项目清单 / 农户台账) in and out.
 *
 * Reading: the header row is found below any title rows, and each heading
 * is mapped to a register field by the names counties use (户主, 身份证号码,
 * 联系方式, 取暖面积（㎡）, 总投资（万元）...). A heading that matches no field
 * is reported, never guessed. Each data row then goes through the core
 * import (core/household.c), which checks and stores it.
 *
 * Rejects: with --rejects OUT every rejected row is written unchanged, with
 * an added 错误原因 column, as CSV (UTF-8 with BOM) or XLSX by OUT's
 * extension, so that the county fixes and re-imports just those rows.
 */
#ifndef CH_IO_HOUSEHOLD_FILE_H
#define CH_IO_HOUSEHOLD_FILE_H

#include "core/household.h"

typedef struct ch_hh_file_opts {
	const char *path;
	const char *sheet;   /* XLSX worksheet, NULL: the first */
	const char *county;  /* --county NAME|CODE, or NULL */
	const char *rejects; /* --rejects OUT, or NULL */
	int skip_invalid;
	int ignore_unknown_columns; /* report unknown headings as warnings only */
	int new_places;             /* add townships and villages not yet known */
	const char *today;          /* for tests: the date birth dates are checked against */
} ch_hh_file_opts;

/* Imports the ledger at OPTS->path: reads and checks every row without the
 * database's write lock, then writes the valid ones in one short
 * transaction (core/household.h); if users, rules or regions changed in
 * between, reads the file once more with every check under the lock.
 * *IMP receives the finished import (for its problems; the caller frees it
 * with ch_hh_import_free) whenever the import got as far as reading rows,
 * even when it returns an error. */
int ch_household_import_file(ch_ctx *ctx, const ch_hh_file_opts *opts, ch_hh_import_summary *sum,
                             ch_hh_import **imp);

/* The heading users write for field F that the register's own exports use. */
const char *ch_household_heading(enum ch_hfield f);

#endif
