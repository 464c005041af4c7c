/*
 * fuzz_plan_table — libFuzzer target for the plan-table parser
 * (ch_plan_table_parse in src/io/plan_table.c).
 *
 * The input is read as CSV from memory (ch_csv_open_mem) and split into rows
 * of cells normalised with ch_text_normalize, exactly as
 * ch_plan_table_read prepares them, then handed to ch_plan_table_parse
 * (header search, column classification, county, 总计 and number cells).
 * Input the CSV reader rejects, or with too many rows, is not parsed. A
 * parse that succeeds must give at least one county row, each with a
 * 1-based line and a county (so must the 总计 row when there is one); one
 * that fails must say why. The table is always disposed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/plan.h"
#include "fuzz.h"
#include "io/csv.h"
#include "io/plan_table.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/text.h"

/* As plan_table.c: at most 20 header-search rows and 10000 plan rows. */
#define MAX_ROWS (10000 + 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_csv *r = NULL;
	ch_csv_row row;
	char ***rows = NULL;
	size_t *ncells = NULL, *lines = NULL, n = 0, cap = 0;
	int rc;

	ch_error_clear();
	FUZZ_CHECK(ch_csv_open_mem(&r, data, size) == 0);
	while ((rc = ch_csv_next(r, &row)) == 1) {
		if (n == MAX_ROWS) {
			rc = CH_EINVALID; /* "more than 10000 rows: not a plan table" */
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			rows = ch_reallocarray(rows, cap, sizeof *rows);
			ncells = ch_reallocarray(ncells, cap, sizeof *ncells);
			lines = ch_reallocarray(lines, cap, sizeof *lines);
		}
		rows[n] = ch_calloc(row.nfields ? row.nfields : 1, sizeof(char *));
		for (size_t c = 0; c < row.nfields; c++)
			rows[n][c] = ch_text_normalize(row.fields[c]);
		ncells[n] = row.nfields;
		lines[n] = row.line;
		n++;
	}
	ch_csv_free(r);

	if (rc >= 0) {
		ch_plan_table t;
		ch_plan_table_init(&t);
		t.source = ch_strdup("fuzz.csv");
		ch_error_clear();
		rc = ch_plan_table_parse(&t, rows, ncells, lines, n);
		if (rc == 0) {
			FUZZ_CHECK(t.nrows >= 1);
			for (size_t i = 0; i < t.nrows; i++)
				FUZZ_CHECK(t.rows[i].line >= 1 && t.rows[i].county != NULL);
			if (t.has_total)
				FUZZ_CHECK(t.total.line >= 1 && t.total.county != NULL);
		} else {
			FUZZ_CHECK(rc < 0);
			FUZZ_CHECK(ch_error_message()[0] != '\0');
		}
		ch_plan_table_dispose(&t);
	}

	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncells[i]; c++)
			free(rows[i][c]);
		free(rows[i]);
	}
	free(rows);
	free(ncells);
	free(lines);
	ch_error_clear();
	return 0;
}
