/*
 * args — the parsed parameters of one operation (see ops.h).
 *
 * A front end hands each value it read (an argv word, a query field, a JSON
 * member) to ch_args_set with the parameter's spec; the checks that follow
 * from the spec alone (type, range, allowed values, a single value given
 * twice, a required one missing) are made here once for every front end,
 * so an operation reads values that are already known to be well-formed.
 * Values are looked up by the parameter's name; asking for a name the
 * operation does not declare is a programming mistake and asserts.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "app/ops.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/text.h"

struct ch_args {
	const struct ch_op *op;
	size_t nparams;
	ch_strv *values; /* one vector per parameter, in the op's order */
	int *given;      /* flags given (a flag has no value) */
	ch_ask_fn ask;   /* the front end's way to ask the user mid-run, or NULL */
	void *ask_arg;
};

/* '-' and '_' are the same in a parameter's name. */
static int name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return 0;
	return *a == *b;
}

const struct ch_param *ch_op_param(const struct ch_op *op, const char *name)
{
	for (const struct ch_param *p = op->params; p && p->name; p++)
		if (name_eq(p->name, name))
			return p;
	return NULL;
}

void ch_args_set_ask(ch_args *a, ch_ask_fn fn, void *arg)
{
	a->ask = fn;
	a->ask_arg = arg;
}

int ch_args_ask(const ch_args *a, const char *show, const char *question, char *out, size_t n)
{
	if (!a->ask)
		return CH_ENOTFOUND;
	return a->ask(a->ask_arg, show, question, out, n);
}

ch_args *ch_args_new(const struct ch_op *op)
{
	ch_args *a = ch_calloc(1, sizeof *a);
	a->op = op;
	for (const struct ch_param *p = op->params; p && p->name; p++)
		a->nparams++;
	a->values = ch_calloc(a->nparams ? a->nparams : 1, sizeof *a->values);
	a->given = ch_calloc(a->nparams ? a->nparams : 1, sizeof *a->given);
	for (size_t i = 0; i < a->nparams; i++)
		ch_strv_init(&a->values[i]);
	return a;
}

void ch_args_free(ch_args *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nparams; i++)
		ch_strv_dispose(&a->values[i]);
	free(a->values);
	free(a->given);
	free(a);
}

static size_t index_of(const ch_args *a, const struct ch_param *p)
{
	size_t i = (size_t)(p - a->op->params);
	assert(i < a->nparams);
	return i;
}

static size_t index_by_name(const ch_args *a, const char *name)
{
	const struct ch_param *p = ch_op_param(a->op, name);
	assert(p && "an operation asked for a parameter it does not declare");
	return index_of(a, p);
}

/* Checks VALUE against P's type; a message names the value, the field P. */
static int check_value(const struct ch_param *p, const char *value)
{
	switch (p->type) {
	case CH_PT_INT: {
		char *end;
		long v = strtol(value, &end, 10);
		if (!*value || *end || v < p->min || v > p->max)
			return ch_error_set_field(CH_EUSAGE, p->name,
			                          "“%s”：应为 %ld 到 %ld 之间的整数", value, p->min,
			                          p->max);
		return 0;
	}
	case CH_PT_DATE: {
		ch_date d;
		if (ch_date_parse(value, &d) != 0) {
			ch_error_clear();
			return ch_error_set_field(CH_EUSAGE, p->name, "'%s' 不是日期：请写作 %s",
			                          value, CH_DATE_FORMATS);
		}
		return 0;
	}
	case CH_PT_ENUM:
		if (!ch_str_in_list(value, p->choices))
			return ch_error_set_field(CH_EUSAGE, p->name, "“%s”：请用以下之一：%s",
			                          value, p->choices);
		return 0;
	case CH_PT_FILE:
	case CH_PT_OUTFILE:
		if (!*value)
			return ch_error_set_field(CH_EUSAGE, p->name, "文件名为空");
		return 0;
	default:
		return 0;
	}
}

int ch_args_set(ch_args *a, const struct ch_param *p, const char *value)
{
	size_t i = index_of(a, p);
	if (!(p->flags & CH_PF_REPEAT) && (a->given[i] || a->values[i].len))
		return ch_error_set_field(CH_EUSAGE, p->name, "重复给出");
	if (p->type == CH_PT_FLAG) {
		a->given[i] = 1;
		return 0;
	}
	if (!value)
		return ch_error_set_field(CH_EUSAGE, p->name, "缺少取值");
	int rc = check_value(p, value);
	if (rc == 0 && p->type == CH_PT_DATE) {
		/* operations see one spelling of a date: 20230720 is 2023-07-20 */
		ch_date d;
		char canon[11];
		ch_date_parse(value, &d);
		ch_date_format(&d, canon, sizeof canon);
		ch_strv_push(&a->values[i], canon);
	} else if (rc == 0) {
		ch_strv_push(&a->values[i], value);
	}
	return rc;
}

int ch_args_check(const ch_args *a)
{
	for (size_t i = 0; i < a->nparams; i++) {
		const struct ch_param *p = &a->op->params[i];
		if ((p->flags & CH_PF_REQUIRED) && !a->given[i] && a->values[i].len == 0)
			return ch_error_set_field(CH_EUSAGE, p->name, "必须给出");
	}
	return 0;
}

int ch_args_has(const ch_args *a, const char *name)
{
	size_t i = index_by_name(a, name);
	return a->given[i] || a->values[i].len > 0;
}

const char *ch_args_str(const ch_args *a, const char *name)
{
	size_t i = index_by_name(a, name);
	return a->values[i].len ? a->values[i].items[0] : NULL;
}

long ch_args_int(const ch_args *a, const char *name, long dflt)
{
	const char *s = ch_args_str(a, name);
	return s ? strtol(s, NULL, 10) : dflt;
}

int ch_args_flag(const ch_args *a, const char *name)
{
	return a->given[index_by_name(a, name)];
}

size_t ch_args_count(const ch_args *a, const char *name)
{
	return a->values[index_by_name(a, name)].len;
}

const char *ch_args_at(const ch_args *a, const char *name, size_t i)
{
	size_t k = index_by_name(a, name);
	return i < a->values[k].len ? a->values[k].items[i] : NULL;
}
