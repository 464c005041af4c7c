/*
 * fuzz_bank_return — libFuzzer target for the bank's return file
 * (ch_bank_return_read in src/io/bank_file.c) and its reconciliation
 * (ch_subsidy_reconcile in src/core/reconcile.c: 流水号, 状态, 日期 and
 * 金额 of each row against the payments).
 *
 * The input is the return file, CSV in any encoding or XLSX (by its "PK"
 * signature), saved to a temporary file. Reading needs no database: it
 * gives rows with increasing row numbers below the header and every cell a valid
 * UTF-8 string, or an error with a message and no rows. The rows are then
 * reconciled as the finance user of the database of fuzz_db.h (which has
 * no payments: every well-formed row is an unknown 流水号) in a
 * transaction rolled back after each input. Every problem must name a row
 * the reader gave, and a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "core/subsidy.h"
#include "fuzz.h"
#include "fuzz_db.h"
#include "io/bank_file.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300], hash[CH_HASH_HEX_LEN + 1];
	ch_return_row *rows = NULL;
	size_t n = 0;
	ch_strv cells;
	fuzz_db_setup("bank");
	fuzz_db_path(path, sizeof path, "return.csv");
	fuzz_write_file(path, data, size);
	int xlsx = size >= 2 && data[0] == 'P' && data[1] == 'K';
	int distinct = xlsx || fuzz_lines_distinct(data, size);

	ch_strv_init(&cells);
	ch_error_clear();
	int rc = ch_bank_return_read(path, &rows, &n, &cells);
	fuzz_trace("return read", rc, "%zu rows", n);
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	if (rc < 0)
		FUZZ_CHECK(rows == NULL && n == 0);
	size_t max_line = xlsx ? 0 : fuzz_count_lines(data, size);
	for (size_t i = 0; i < n; i++) {
		const ch_return_row *r = &rows[i];
		FUZZ_CHECK(r->line >= 1 && (!max_line || r->line <= max_line));
		FUZZ_CHECK(i == 0 || r->line >= rows[i - 1].line);
		/* below the header, one row to a line, unless a bare CR ends a
		 * record within a line (see fuzz_lines_distinct) */
		if (distinct)
			FUZZ_CHECK(r->line >= 2 && (i == 0 || r->line > rows[i - 1].line));
		fuzz_check_text(r->payment);
		fuzz_check_text(r->amount);
		fuzz_check_text(r->status);
		fuzz_check_text(r->day);
		fuzz_check_text(r->reason);
	}

	if (rc == 0) {
		ch_problems *p = ch_problems_new();
		ch_reconcile_summary sum;
		ch_hash_hex(data, size, hash);
		fuzz_db_begin();
		ch_error_clear();
		rc = ch_subsidy_reconcile(fuzz_db_fin, rows, n, hash, p, &sum);
		fuzz_trace("reconcile", rc, "%zu problems, %zu unknown", ch_problems_count(p),
		           sum.unknown);
		FUZZ_CHECK(rc <= 0);
		fuzz_check_error(rc);
		fuzz_trace_problems(p);
		fuzz_check_problems(p, max_line);
		for (size_t i = 0; i < ch_problems_count(p); i++) {
			size_t line = ch_problems_get(p, i)->line, j = 0;
			while (j < n && rows[j].line != line)
				j++;
			FUZZ_CHECK(j < n);
		}
		/* no payments: nothing confirmed, failed or repeated */
		FUZZ_CHECK(sum.confirmed == 0 && sum.failed == 0 && sum.repeated == 0);
		ch_problems_free(p);
		fuzz_db_rollback();
	}
	free(rows);
	ch_strv_dispose(&cells);
	unlink(path);
	return 0;
}
