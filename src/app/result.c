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

/* Passes S on to W's writer with W->spaces blanks after each newline: a
 * value dumped on its own, moved to where it sits in a document. */
struct indented {
	int (*write)(const char *s, size_t len, void *data);
	void *data;
	size_t spaces;
};

static int blanks(const struct indented *w, size_t n)
{
	static const char sp[] = "                                ";
	for (size_t k; n; n -= k) {
		k = n < sizeof sp - 1 ? n : sizeof sp - 1;
		if (w->write(sp, k, w->data))
			return -1;
	}
	return 0;
}

static int write_indented(const char *s, size_t len, void *data)
{
	const struct indented *w = data;
	const char *nl;
	while ((nl = memchr(s, '\n', len))) {
		size_t k = (size_t)(nl - s) + 1;
		if (w->write(s, k, w->data) || blanks(w, w->spaces))
			return -1;
		s += k;
		len -= k;
	}
	return len ? w->write(s, len, w->data) : 0;
}

/* What jansson writes before an array's element or its end (dump_indent in
 * its dump.c): a newline and DEPTH indents, or with no indent a blank
 * between elements unless compact. */
static int array_gap(const struct indented *w, size_t flags, size_t depth, int between)
{
	size_t indent = flags & JSON_MAX_INDENT;
	if (indent)
		return w->write("\n", 1, w->data) || blanks(w, depth * indent) ? -1 : 0;
	return between && !(flags & JSON_COMPACT) ? w->write(" ", 1, w->data) : 0;
}

int ch_problems_write_json(const ch_problems *const *lists, size_t n, size_t flags, size_t depth,
                           int (*write)(const char *s, size_t len, void *data), void *data)
{
	struct indented w = {write, data, (depth + 1) * (flags & JSON_MAX_INDENT)};
	size_t written = 0;
	if (write("[", 1, data))
		return -1;
	for (size_t l = 0; l < n; l++) {
		for (size_t i = 0; i < ch_problems_count(lists[l]); i++) {
			const ch_problem *x = ch_problems_get(lists[l], i);
			json_t *o =
			    json_pack("{s:I, s:s?, s:s?, s:s, s:s}", "row", (json_int_t)x->line,
			              "column", x->column, "value", x->value, "reason", x->reason,
			              "severity", x->warning ? "warning" : "error");
			if (!o)
				continue; /* not UTF-8: jansson refused it, as it did in a tree */
			int rc = (written && write(",", 1, data)) ||
			                 array_gap(&w, flags, depth + 1, written > 0) ||
			                 json_dump_callback(o, write_indented, &w, flags)
			             ? -1
			             : 0;
			json_decref(o);
			if (rc)
				return -1;
			written++;
		}
	}
	if (written && array_gap(&w, flags, depth, 0))
		return -1;
	return write("]", 1, data);
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
