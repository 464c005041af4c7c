/*
 * ops — the list of operation groups, in the order help shows them, and
 * finding an operation by its words (see ops.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ops.h"

static const struct ch_op *const groups[] = {
    ch_ops_plan,  ch_ops_household, ch_ops_event, ch_ops_report, ch_ops_acceptance,
    ch_ops_funds, ch_ops_notice,    ch_ops_demo,  ch_ops_region, ch_ops_user,
    ch_ops_audit, ch_ops_rules,     ch_ops_db,    ch_ops_survey,
};
#define NGROUPS (sizeof groups / sizeof groups[0])

const struct ch_op *ch_op_next(const struct ch_op *prev)
{
	size_t g = 0;
	const struct ch_op *next;
	if (!prev) {
		next = groups[0];
	} else {
		for (g = 0; g < NGROUPS; g++) {
			const struct ch_op *o = groups[g];
			while (o->group && o != prev)
				o++;
			if (o == prev)
				break;
		}
		if (g == NGROUPS)
			return NULL;
		next = prev + 1;
	}
	while (!next->group) {
		if (++g >= NGROUPS)
			return NULL;
		next = groups[g];
	}
	return next;
}

const struct ch_op *ch_op_find(const char *group, const char *verb)
{
	for (const struct ch_op *op = ch_op_next(NULL); op; op = ch_op_next(op)) {
		if (strcmp(op->group, group) != 0)
			continue;
		if (!op->verb ? !verb : verb && strcmp(op->verb, verb) == 0)
			return op;
	}
	return NULL;
}

const char *ch_op_name(const struct ch_op *op, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%s%s", op->group, op->verb ? "." : "", op->verb ? op->verb : "");
	return out;
}

void ch_op_prepare(ch_ctx *ctx)
{
	const char *key = getenv("CLEANHEAT_AUDIT_KEY");
	if (key && *key)
		ch_ctx_set_audit_key_file(ctx, key);
}
