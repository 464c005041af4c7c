/*
 * render — printing an operation's result on the terminal or into -o FILE.
 *
 * Parts are printed in the order the operation produced them. Text is for
 * people and appears only in the table format; tables go through
 * ch_report_write in the chosen format; an import's problems are one line
 * each ("第3行 身份证号「…」：…"), or a JSON array in the JSON format.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

static int write_stdout(const char *s, size_t len, void *data)
{
	return fwrite(s, 1, len, data) == len ? 0 : -1;
}

static void print_problems(const ch_problems *p, enum ch_format format)
{
	if (format == CH_FMT_JSON) {
		ch_problems_write_json(&p, 1, JSON_INDENT(2), 0, write_stdout, stdout);
		putchar('\n');
		return;
	}
	/* the same fault on many rows (a wrong county for the whole file) is
	 * said once, with the rows it covers */
	ch_problem_run run;
	for (size_t i = 0; (i = ch_problems_run(p, i, &run), run.n);) {
		const ch_problem *x = run.first;
		const char *value = run.same_value ? x->value : NULL;
		if (run.n == 1)
			printf("第%zu行", x->line);
		else if (run.last->line - x->line + 1 == run.n)
			printf("第%zu–%zu行（共 %zu 行）", x->line, run.last->line, run.n);
		else
			printf("第%zu行至第%zu行中的 %zu 行", x->line, run.last->line, run.n);
		printf("%s%s%s%s%s：%s%s", x->column && run.n == 1 ? " " : "",
		       x->column ? x->column : "", value ? "「" : "", value ? value : "",
		       value ? "」" : "", x->warning ? "（提示）" : "", x->reason);
		if (run.n > 1 && !run.same_value && x->value)
			printf("（如「%s」「%s」）", x->value,
			       run.last->value ? run.last->value : "");
		putchar('\n');
	}
}

int cli_render(const ch_result *res, enum ch_format format, const char *output)
{
	int rc = 0;
	for (size_t i = 0; i < res->nparts && rc == 0; i++) {
		const struct ch_result_part *p = &res->parts[i];
		switch (p->kind) {
		case CH_PART_TEXT:
			if (format == CH_FMT_TABLE)
				fputs(p->text, stdout);
			break;
		case CH_PART_PROBLEMS:
			print_problems(p->problems, format);
			break;
		case CH_PART_TABLE:
			if (format == CH_FMT_JSON && res->data)
				break; /* the document says it for machines */
			rc = ch_report_write(p->table, format, output);
			break;
		}
	}
	if (rc == 0 && format == CH_FMT_JSON && res->data) {
		char *s = json_dumps(res->data, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
	}
	fflush(stdout);
	return rc;
}
