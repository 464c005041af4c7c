/*
 * fuzz — what the libFuzzer targets in fuzz/ share: an invariant check that
 * aborts with the failed condition (a crash libFuzzer saves, and replay
 * reports), writing an input to a file, running an operation for a
 * target's set-up, and the checks every row handed out by a reader must
 * pass.
 */
#ifndef CH_FUZZ_FUZZ_H
#define CH_FUZZ_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ops.h"
#include "io/csv.h"
#include "util/error.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts, naming the broken invariant, when COND is false. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,       \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Writes SIZE bytes of DATA to a new file at PATH; aborts when it cannot:
 * a target that cannot set up its input finds nothing. */
static inline void fuzz_write_file(const char *path, const void *data, size_t size)
{
	FILE *fp = fopen(path, "wb");
	if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
		perror(path);
		abort();
	}
}

/* Runs operation GROUP VERB as the actor of CTX with NAME, VALUE pairs
 * (ended by NULL; a NULL value sets a flag), as a front end would; aborts
 * when it fails: a target's set-up must work. */
static inline void fuzz_op(ch_ctx *ctx, const char *group, const char *verb, const char *const *kv)
{
	const struct ch_op *op = ch_op_find(group, verb);
	FUZZ_CHECK(op != NULL);
	ch_args *a = ch_args_new(op);
	ch_result res;
	ch_result_init(&res);
	int rc = 0;
	for (size_t i = 0; kv[i] && rc == 0; i += 2)
		rc = ch_args_set(a, ch_op_param(op, kv[i]), kv[i + 1]);
	if (rc == 0)
		rc = ch_args_check(a);
	if (rc == 0)
		rc = op->run(ctx, a, &res);
	if (rc)
		fprintf(stderr, "fuzz: %s %s: %s\n", group, verb, ch_error_message());
	FUZZ_CHECK(rc == 0);
	ch_result_dispose(&res);
	ch_args_free(a);
}

/* A row from ch_csv_next or ch_xlsx_next: a 1-based line, a field array
 * when there are fields, and every field a NUL-terminated, valid UTF-8
 * string (the readers promise UTF-8; ch_text_normalize relies on it). */
static inline void fuzz_check_row(const ch_csv_row *row)
{
	FUZZ_CHECK(row->line >= 1);
	FUZZ_CHECK(row->nfields == 0 || row->fields != NULL);
	for (size_t i = 0; i < row->nfields; i++) {
		const char *f = row->fields[i];
		FUZZ_CHECK(f != NULL);
		size_t n = strlen(f);
		FUZZ_CHECK(ch_utf8_valid_prefix(f, n, NULL) == n);
	}
}

#endif
