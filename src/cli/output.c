/*
 * output — what several command handlers print or read the same way: the
 * problems of an import, and evidence files named on the command line.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/file.h"

/* Evidence files are photos and scans: 32 MiB each is plenty. */
#define MAX_EVIDENCE (32u << 20)

void cli_print_problems(const ch_problems *p, enum ch_format format)
{
	size_t n = ch_problems_count(p);
	if (format == CH_FMT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			const ch_problem *x = ch_problems_get(p, i);
			json_array_append_new(
			    a, json_pack("{s:I, s:s?, s:s?, s:s, s:s}", "row", (json_int_t)x->line,
			                 "column", x->column, "value", x->value, "reason",
			                 x->reason, "severity", x->warning ? "warning" : "error"));
		}
		char *s = json_dumps(a, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(a);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const ch_problem *x = ch_problems_get(p, i);
		printf("第%zu行%s%s%s%s%s：%s%s\n", x->line, x->column ? " " : "",
		       x->column ? x->column : "", x->value ? "「" : "", x->value ? x->value : "",
		       x->value ? "」" : "", x->warning ? "（提示）" : "", x->reason);
	}
}

int cli_read_evidence(const char *const *files, size_t n, ch_evidence *ev)
{
	int rc = 0;
	memset(ev, 0, n * sizeof *ev);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *base = strrchr(files[i], '/');
		ev[i].name = base ? base + 1 : files[i];
		rc =
		    ch_file_read(files[i], MAX_EVIDENCE, (unsigned char **)&ev[i].data, &ev[i].len);
	}
	return rc;
}

void cli_free_evidence(ch_evidence *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)ev[i].data);
}
