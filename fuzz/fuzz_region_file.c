/*
 * fuzz_region_file — libFuzzer target for the township and village lists
 * counties keep (ch_region_import_file in src/io/region_file.c, and
 * ch_region_add_child behind it).
 *
 * The input is the list, CSV in any encoding the reader detects, saved to
 * a temporary file and imported as the fuzz user over the database of
 * fuzz_db.h, in a transaction rolled back after each input. An import
 * either stores the whole list (0, with counts that add up) or nothing
 * (CH_EINVALID or another error, with a message; once a data row was read,
 * one that names the row: "第N行", or the CSV reader's "第 N 行").
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_db.h"
#include "io/region_file.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300];
	fuzz_db_setup("region");
	fuzz_db_path(path, sizeof path, "townships.csv");
	fuzz_write_file(path, data, size);

	ch_region_import_result res;
	fuzz_db_begin();
	ch_error_clear();
	int rc = ch_region_import_file(fuzz_db_ctx, path, &res);
	fuzz_trace("region import", rc, "%zu rows, %zu townships, %zu villages added", res.rows,
	           res.townships_added, res.villages_added);
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	if (rc == 0) {
		FUZZ_CHECK(res.rows >= 1);
		FUZZ_CHECK(res.already_present <= res.rows);
		FUZZ_CHECK(res.townships_added <= res.rows && res.villages_added <= res.rows);
	} else if (rc == CH_EINVALID && res.rows > 0) {
		/* the CSV reader's own errors say "第 N 行" too */
		int named = strstr(ch_error_message(), "第") != NULL;
		if (!named)
			fprintf(stderr, "fuzz_region_file: %s\n", ch_error_message());
		FUZZ_CHECK(named);
	}
	fuzz_db_rollback();
	unlink(path);
	return 0;
}
