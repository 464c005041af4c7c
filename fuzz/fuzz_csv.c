/*
 * fuzz_csv — libFuzzer target for the CSV reader (src/io/csv.c).
 *
 * The input is a whole file in memory (ch_csv_open_mem): any encoding the
 * reader detects (UTF-8 with or without a BOM, GB18030, UTF-16LE), either
 * delimiter, CRLF or LF. Every record is read to the end or to the first
 * error, and each must hold: line numbers 1-based and non-decreasing, the
 * field array and every field non-NULL, valid UTF-8; the detected encoding
 * has a name; an error return is CH_EINVALID or CH_ERROR with a message.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "io/csv.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_csv *r = NULL;
	ch_csv_row row;
	size_t last = 0;
	int rc;

	ch_error_clear();
	FUZZ_CHECK(ch_csv_open_mem(&r, data, size) == 0);
	FUZZ_CHECK(r != NULL);
	while ((rc = ch_csv_next(r, &row)) == 1) {
		fuzz_check_row(&row);
		FUZZ_CHECK(row.line >= last);
		last = row.line;
	}
	FUZZ_CHECK(rc == 0 || rc == CH_EINVALID || rc == CH_ERROR);
	if (rc < 0)
		FUZZ_CHECK(ch_error_message()[0] != '\0');
	const char *enc = ch_csv_encoding_name(ch_csv_encoding(r));
	FUZZ_CHECK(enc != NULL && enc[0] != '\0');
	ch_csv_free(r);
	ch_error_clear();
	return 0;
}
