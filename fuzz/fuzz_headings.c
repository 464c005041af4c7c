/*
 * fuzz_headings — libFuzzer target for the household header mapping and
 * the household rows behind it: ch_headings_find (src/io/headings.c) for
 * every cell of the first rows, under every kind of file, and the whole
 * ledger import (ch_household_import_file in src/io/household_file.c: the
 * header search below title rows, units in headings, 万元 costs, unknown
 * columns, then each row's normalisation and checks in core/household.c).
 *
 * The input is a county ledger, CSV in any encoding or XLSX (by its "PK"
 * signature). The mapping needs no database: each cell of the first 20
 * rows, normalised, is looked up under each kind, and must give -1 or a
 * key's index. The import runs as the fuzz user, with
 * --ignore-unknown-columns, --new-places, --skip-invalid and --rejects,
 * over the database of fuzz_db.h in a transaction rolled back after each
 * input. Every problem must name a row of the file and a reason; the
 * summary must add up (rows = inserted + updated + unchanged + rejected);
 * the rejects file, when written, must read back with the header and one
 * row per rejected row; an error must say what is wrong; and the per-day
 * progress aggregates, which count households and areas, must still match
 * the steps after households changed (ch_progress_verify).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/event.h"
#include "core/household.h"
#include "fuzz.h"
#include "fuzz_db.h"
#include "io/csv.h"
#include "io/headings.h"
#include "io/household_file.h"
#include "io/rows.h"
#include "util/error.h"
#include "util/text.h"

/* The heading lookups alone, for each cell of the first rows of PATH. */
static void map_headings(const char *path)
{
	static const char *const kinds[] = {"household", "event", "region", "bank_return", "none"};
	static const char *const keys[] = {"county",    "township",  "village",   "hh_no",
	                                   "head_name", "id_number", "household", "stage",
	                                   "day",       "payment",   "status",    "ignored"};
	const size_t nkeys = sizeof keys / sizeof keys[0];
	ch_rows *rows = NULL;
	ch_csv_row row;
	FUZZ_CHECK(ch_headings_load() == 0);
	if (ch_rows_open(&rows, path, NULL) != 0) {
		ch_error_clear();
		return;
	}
	for (int n = 0; n < 20 && ch_rows_next(rows, &row) == 1; n++) {
		fuzz_check_row(&row);
		for (size_t c = 0; c < row.nfields; c++) {
			char *h = ch_text_normalize(row.fields[c]);
			fuzz_check_text(h);
			for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
				int f = ch_headings_find(kinds[k], h, keys, nkeys);
				FUZZ_CHECK(f >= -1 && f < (int)nkeys);
				FUZZ_CHECK(ch_headings_find(kinds[k], h, keys, 0) == -1);
			}
			free(h);
		}
	}
	ch_rows_free(rows);
	ch_error_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300], rejects[300];
	fuzz_db_setup("headings");
	fuzz_db_path(path, sizeof path, "ledger.csv");
	fuzz_db_path(rejects, sizeof rejects, "rejects.csv");
	fuzz_write_file(path, data, size);
	unlink(rejects);
	int xlsx = size >= 2 && data[0] == 'P' && data[1] == 'K';
	/* rows and rejected rows are counted alike only when no two records share
	 * a line */
	int distinct = xlsx || fuzz_lines_distinct(data, size);

	map_headings(path);

	ch_hh_file_opts o = {.path = path,
	                     .rejects = rejects,
	                     .skip_invalid = 1,
	                     .ignore_unknown_columns = 1,
	                     .new_places = 1};
	ch_hh_import_summary sum;
	ch_hh_import *imp = NULL;
	fuzz_db_begin();
	ch_error_clear();
	int rc = ch_household_import_file(fuzz_db_ctx, &o, &sum, &imp);
	fuzz_trace("household import", rc, "%zu rows, %zu inserted, %zu updated, %zu rejected",
	           sum.rows, sum.inserted, sum.updated, sum.rejected);
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	if (imp) {
		const ch_problems *p = ch_hh_import_problems(imp);
		fuzz_trace_problems(p);
		fuzz_check_problems(p, xlsx ? 0 : fuzz_count_lines(data, size));
		if (rc == 0 && distinct) {
			FUZZ_CHECK(sum.rows ==
			           sum.inserted + sum.updated + sum.unchanged + sum.rejected);
			FUZZ_CHECK(sum.rejected == ch_problems_nrejected(p));
		}
		if (rc == 0 && distinct && sum.rejected)
			fuzz_check_rejects(rejects, sum.rejected);
		ch_hh_import_free(imp);
	}
	fuzz_check_progress();
	ch_hh_import_summary_dispose(&sum);
	fuzz_db_rollback();
	unlink(path);
	unlink(rejects);
	return 0;
}
