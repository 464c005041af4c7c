/*
 * result — what an operation returns, in protocol-neutral parts (see ops.h).
 *
 * Like a Redis reply, a result says what was found or done without saying
 * how it is shown: the command line prints its parts in order, the HTTP
 * server turns them into JSON, CSV or XLSX. The result owns everything in it.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ops.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/text.h"

void ch_result_init(ch_result *res)
{
	memset(res, 0, sizeof *res);
}

void ch_result_dispose(ch_result *res)
{
	for (size_t i = 0; i < res->nparts; i++) {
		free(res->parts[i].text);
		ch_report_free(res->parts[i].table);
		ch_problems_free(res->parts[i].problems);
	}
	free(res->parts);
	for (size_t i = 0; i < res->ncounts; i++)
		free(res->counts[i].key);
	free(res->counts);
	for (size_t i = 0; i < res->nfiles; i++) {
		free(res->files[i].param);
		free(res->files[i].path);
		free(res->files[i].media_type);
	}
	free(res->files);
	json_decref(res->data);
	memset(res, 0, sizeof *res);
}

static struct ch_result_part *add_part(ch_result *res, enum ch_part_kind kind)
{
	res->parts = ch_realloc(res->parts, (res->nparts + 1) * sizeof *res->parts);
	struct ch_result_part *p = &res->parts[res->nparts++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	return p;
}

void ch_result_printf(ch_result *res, const char *fmt, ...)
{
	ch_buf b;
	va_list ap;
	struct ch_result_part *last = res->nparts ? &res->parts[res->nparts - 1] : NULL;
	ch_buf_init(&b);
	if (last && last->kind == CH_PART_TEXT)
		ch_buf_puts(&b, last->text);
	va_start(ap, fmt);
	char one[1024];
	int n = vsnprintf(one, sizeof one, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof one) { /* a long text: format it again, whole */
		char *big = ch_malloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		ch_buf_puts(&b, big);
		free(big);
	} else if (n > 0) {
		ch_buf_puts(&b, one);
	}
	if (last && last->kind == CH_PART_TEXT) {
		free(last->text);
		last->text = ch_buf_detach(&b);
	} else {
		add_part(res, CH_PART_TEXT)->text = ch_buf_detach(&b);
	}
	ch_buf_dispose(&b);
}

void ch_result_add_table(ch_result *res, ch_report *t)
{
	add_part(res, CH_PART_TABLE)->table = t;
}

void ch_result_add_problems(ch_result *res, ch_problems *p)
{
	if (p)
		add_part(res, CH_PART_PROBLEMS)->problems = p;
}

void ch_result_count(ch_result *res, const char *key, int64_t value)
{
	res->counts = ch_realloc(res->counts, (res->ncounts + 1) * sizeof *res->counts);
	res->counts[res->ncounts].key = ch_strdup(key);
	res->counts[res->ncounts].value = value;
	res->ncounts++;
}

void ch_result_set_data(ch_result *res, void *json)
{
	json_decref(res->data);
	res->data = json;
}

const char *ch_media_type_of(const char *path)
{
	return ch_str_ends(path, ".xlsx")
	           ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	       : ch_str_ends(path, ".pdf") ? "application/pdf"
	                                   : "text/csv; charset=utf-8";
}

void ch_result_add_file_as(ch_result *res, const char *param, const char *path,
                           const char *media_type)
{
	res->files = ch_realloc(res->files, (res->nfiles + 1) * sizeof *res->files);
	struct ch_result_file *f = &res->files[res->nfiles++];
	f->param = ch_strdup(param);
	f->path = ch_strdup(path);
	f->media_type = ch_strdup(media_type);
}

void ch_result_add_file(ch_result *res, const char *param, const char *path)
{
	ch_result_add_file_as(res, param, path, ch_media_type_of(path));
}

const ch_report *ch_result_table(const ch_result *res)
{
	for (size_t i = 0; i < res->nparts; i++)
		if (res->parts[i].kind == CH_PART_TABLE)
			return res->parts[i].table;
	return NULL;
}
