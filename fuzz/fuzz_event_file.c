/*
 * fuzz_event_file — libFuzzer target for the weekly progress file
 * (ch_event_import_file in src/io/event_file.c) and, behind it, the
 * checks every step goes through (core/event.c: household look-up,
 * 环节 names, dates, the workflow).
 *
 * The input is the file a county sends, CSV in any encoding or XLSX (by
 * its "PK" signature), saved to a temporary file and imported as the fuzz
 * user with --skip-invalid and --rejects, over the database of fuzz_db.h
 * (six households, four already started), in a transaction rolled back
 * after each input. Every problem must name a row of the file and a
 * reason; the summary must add up (rows = stored + rejected); the rejects
 * file, when written, must read back as CSV with the header and one row
 * per rejected row; an error must say what is wrong; and the per-day
 * aggregates must still match the steps (ch_progress_verify).
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "core/event.h"
#include "fuzz.h"
#include "fuzz_db.h"
#include "io/csv.h"
#include "io/event_file.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300], rejects[300];
	fuzz_db_setup("event");
	fuzz_db_path(path, sizeof path, "week.csv");
	fuzz_db_path(rejects, sizeof rejects, "rejects.csv");
	fuzz_write_file(path, data, size);
	unlink(rejects);
	int xlsx = size >= 2 && data[0] == 'P' && data[1] == 'K';
	/* rows and rejected rows are counted alike only when no two records share
	 * a line */
	int distinct = xlsx || fuzz_lines_distinct(data, size);

	ch_event_file_opts o = {.path = path, .rejects = rejects, .skip_invalid = 1};
	ch_event_summary sum;
	ch_event_batch *b = NULL;
	fuzz_db_begin();
	ch_error_clear();
	int rc = ch_event_import_file(fuzz_db_ctx, &o, &sum, &b);
	fuzz_trace("event import", rc, "%zu rows, %zu stored, %zu rejected", sum.rows, sum.stored,
	           sum.rejected);
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	if (b) {
		fuzz_trace_problems(ch_event_problems(b));
		fuzz_check_problems(ch_event_problems(b), xlsx ? 0 : fuzz_count_lines(data, size));
		if (rc == 0 && distinct) {
			FUZZ_CHECK(sum.rows == sum.stored + sum.rejected);
			FUZZ_CHECK(sum.rejected == ch_problems_nrejected(ch_event_problems(b)));
		}
		if (rc == 0 && distinct && sum.rejected)
			fuzz_check_rejects(rejects, sum.rejected);
		ch_event_free(b);
	}
	fuzz_check_progress();
	fuzz_db_rollback();
	unlink(path);
	unlink(rejects);
	return 0;
}
