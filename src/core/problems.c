/*
 * problems — the per-import list of problems (see problems.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/problems.h"
#include "util/alloc.h"
#include "util/strmap.h"
#include "util/text.h"

struct ch_problems {
	ch_problem *items;
	size_t n, cap;
	ch_strmap *rejected; /* "line" → 1 */
	size_t nrejected, nwarnings;
};

ch_problems *ch_problems_new(void)
{
	ch_problems *p = ch_calloc(1, sizeof *p);
	p->rejected = ch_strmap_new();
	return p;
}

void ch_problems_free(ch_problems *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].value);
		free(p->items[i].reason);
	}
	free(p->items);
	ch_strmap_free(p->rejected);
	free(p);
}

void ch_problems_add(ch_problems *p, size_t line, int field, const char *column, const char *value,
                     int warning, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->items = ch_reallocarray(p->items, p->cap, sizeof *p->items);
	}
	p->items[p->n++] = (ch_problem){
	    .line = line,
	    .field = field,
	    .column = column,
	    .value = value && *value ? ch_strdup(value) : NULL,
	    .reason = ch_strdup(reason),
	    .warning = warning,
	};
	if (warning) {
		p->nwarnings++;
		return;
	}
	char num[24];
	const char *k = ch_text_i64(num, (int64_t)line);
	if (!ch_strmap_get(p->rejected, k, NULL)) {
		ch_strmap_put(p->rejected, k, 1);
		p->nrejected++;
	}
}

size_t ch_problems_count(const ch_problems *p)
{
	return p->n;
}

const ch_problem *ch_problems_get(const ch_problems *p, size_t i)
{
	return i < p->n ? &p->items[i] : NULL;
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

size_t ch_problems_run(const ch_problems *p, size_t i, ch_problem_run *run)
{
	memset(run, 0, sizeof *run);
	if (i >= p->n)
		return i;
	const ch_problem *x = &p->items[i];
	size_t j = i + 1;
	run->same_value = 1;
	while (j < p->n && p->items[j].line != p->items[j - 1].line &&
	       same_text(p->items[j].column, x->column) &&
	       same_text(p->items[j].reason, x->reason) && p->items[j].warning == x->warning) {
		run->same_value &= same_text(p->items[j].value, x->value);
		j++;
	}
	run->first = x;
	run->last = &p->items[j - 1];
	run->n = j - i;
	return j;
}

int ch_problems_rejected(const ch_problems *p, size_t line)
{
	char num[24];
	return ch_strmap_get(p->rejected, ch_text_i64(num, (int64_t)line), NULL);
}

size_t ch_problems_nrejected(const ch_problems *p)
{
	return p->nrejected;
}

size_t ch_problems_nwarnings(const ch_problems *p)
{
	return p->nwarnings;
}
