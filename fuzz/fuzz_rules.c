/*
 * fuzz_rules — libFuzzer target for the rules files an office imports
 * (`rules import`: ch_rules_import in src/core/rules.c, checked and loaded
 * by the reference loaders of src/core/reference.c): the milestone
 * calendar, the subsidy standard, the self-inspection checklist, the
 * follow-up schedule, the sampling rates, the technology and measure
 * lists and the plausibility limits.
 *
 * The input's first line is "KIND YEAR" (a kind's key or label, e.g.
 * "calendar 2024"; a missing or bad year is 2023); the rest is the CSV
 * file, imported as the fuzz user over the database of fuzz_db.h in a
 * transaction rolled back after each input. An import gives a version
 * that reads back as exactly the text imported, or an error with a
 * message: CH_EINVALID for what is wrong in the file (CH_EUSAGE for the
 * kind or year), never an internal error.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules.h"
#include "fuzz.h"
#include "fuzz_db.h"
#include "util/alloc.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size;
	char *head = ch_strndup((const char *)data, hlen);
	const char *body = nl ? (const char *)nl + 1 : "";
	size_t blen = nl ? size - hlen - 1 : 0;
	char *sp = strchr(head, ' ');
	int year = 2023;
	if (sp) {
		*sp = '\0';
		char *end;
		long y = strtol(sp + 1, &end, 10);
		if (end != sp + 1 && !*end && y > -100000 && y < 100000)
			year = (int)y;
	}

	fuzz_db_setup("rules");
	int64_t version = -1;
	fuzz_db_begin();
	ch_error_clear();
	int rc = ch_rules_import(fuzz_db_ctx, head, year, "fuzz.csv", body, blen, &version);
	fuzz_trace("rules import", rc, "%s %d: version %lld", head, year, (long long)version);
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	/* what is wrong with the office's file is its own fault, said as such:
	 * never an internal error (exit 70, HTTP 500) or a database's message */
	if (rc != 0 && rc != CH_EINVALID && rc != CH_EUSAGE)
		fprintf(stderr, "fuzz_rules: %d: %s\n", rc, ch_error_message());
	FUZZ_CHECK(rc == 0 || rc == CH_EINVALID || rc == CH_EUSAGE);
	if (rc == 0) {
		FUZZ_CHECK(version >= 1);
		const ch_rule_kind *k = ch_rule_kind_find(head);
		FUZZ_CHECK(k != NULL);
		char *content = NULL;
		FUZZ_CHECK(ch_rules_get(fuzz_db_ctx, k->kind, year, version, &content) == 0);
		FUZZ_CHECK(strlen(content) == blen && memcmp(content, body, blen) == 0);
		free(content);
	}
	fuzz_db_rollback();
	free(head);
	return 0;
}
