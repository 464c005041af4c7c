/*
 * fuzz_rules — libFuzzer target for the rules files an office imports
 * (`rules import`: the operation in src/app/op_rules.c, which reads the
 * file as CSV in any encoding or XLSX and hands it on as UTF-8 CSV, then
 * ch_rules_import in src/core/rules.c, checked and loaded by the reference
 * loaders of src/core/reference.c): the milestone calendar, the subsidy
 * standard, the self-inspection checklist, the follow-up schedule, the
 * sampling rates, the technology and measure lists and the plausibility
 * limits.
 *
 * The input's first line is "KIND YEAR" (a kind's key or label, e.g.
 * "calendar 2024"; without a year, 2023), as given on the command line
 * (valid UTF-8, else the input is skipped); the rest is the file, saved to
 * a temporary file and imported by the operation as the fuzz user over
 * the database of fuzz_db.h, in a transaction rolled back after each
 * input. An import gives an active version whose text is valid UTF-8 and
 * which, imported again, is recognised as unchanged (the same version);
 * or an error with a message: CH_EINVALID for what is wrong in the file,
 * CH_EUSAGE for the kind or the year, never an internal error.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/ops.h"
#include "core/rules.h"
#include "fuzz.h"
#include "fuzz_db.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size;
	if (memchr(data, '\0', hlen) ||
	    ch_utf8_valid_prefix((const char *)data, hlen, NULL) != hlen)
		return 0;
	char *head = ch_strndup((const char *)data, hlen), path[300];
	const char *year = "2023", *sp = strchr(head, ' ');
	if (sp) {
		head[sp - head] = '\0';
		year = sp + 1;
	}
	fuzz_db_setup("rules");
	fuzz_db_path(path, sizeof path, "rules.csv");
	fuzz_write_file(path, nl ? nl + 1 : data + size, nl ? size - hlen - 1 : 0);

	const struct ch_op *op = ch_op_find("rules", "import");
	FUZZ_CHECK(op != NULL);
	ch_args *a = ch_args_new(op);
	ch_result res;
	ch_result_init(&res);
	fuzz_db_begin();
	ch_error_clear();
	int rc = ch_args_set(a, ch_op_param(op, "kind"), head);
	if (rc == 0)
		rc = ch_args_set(a, ch_op_param(op, "file"), path);
	if (rc == 0)
		rc = ch_args_set(a, ch_op_param(op, "year"), year);
	if (rc == 0)
		rc = ch_args_check(a);
	if (rc == 0)
		rc = op->run(fuzz_db_ctx, a, &res);
	fuzz_trace("rules import", rc, "%s %s", head, year);
	FUZZ_CHECK(rc <= 0);
	fuzz_check_error(rc);
	/* what is wrong with the office's file is its own fault, said as such:
	 * never an internal error (exit 70, HTTP 500) or a database's message */
	if (rc != 0 && rc != CH_EINVALID && rc != CH_EUSAGE)
		fprintf(stderr, "fuzz_rules: %d: %s\n", rc, ch_error_message());
	FUZZ_CHECK(rc == 0 || rc == CH_EINVALID || rc == CH_EUSAGE);
	if (rc == 0) {
		const ch_rule_kind *k = ch_rule_kind_find(head);
		char *content = NULL;
		int64_t active = 0, again = 0;
		FUZZ_CHECK(k != NULL);
		FUZZ_CHECK(ch_rules_get(fuzz_db_ctx, k->kind, atoi(year), 0, &content) == 0);
		fuzz_check_text(content);
		FUZZ_CHECK(ch_db_query_int64(ch_ctx_db(fuzz_db_ctx), &active,
		                             "SELECT version FROM rule_version WHERE kind = ?"
		                             " AND plan_year = ? AND active = 1",
		                             "ti", k->kind,
		                             (int64_t)(k->per_year ? atoi(year) : 0)) == 0);
		FUZZ_CHECK(ch_rules_import(fuzz_db_ctx, k->kind, atoi(year), "again.csv", content,
		                           strlen(content), &again) == 0);
		FUZZ_CHECK(again == active);
		free(content);
	}
	fuzz_db_rollback();
	ch_result_dispose(&res);
	ch_args_free(a);
	unlink(path);
	free(head);
	return 0;
}
