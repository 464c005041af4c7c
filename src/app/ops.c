/*
 * ops — the list of operation groups, in the order help shows them,
 * finding an operation by its words, and running one, again when its
 * transaction conflicted with another (see ops.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/ops.h"
#include "db/db.h"
#include "util/alloc.h"
#include "util/error.h"

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

/* Sleeps before try TRY (2, 3, ...): 20 ms doubled per earlier retry,
 * jittered to between half and all of it, so that the runs that collided
 * do not collide again in step. */
static void retry_backoff(int try, unsigned *seed)
{
	long full_us = 20000L << (try - 2);
	long us = full_us / 2 + (long)(rand_r(seed) % (unsigned)(full_us / 2 + 1));
	struct timespec ts = {us / 1000000L, (us % 1000000L) * 1000L};
	nanosleep(&ts, NULL);
}

int ch_op_call(const struct ch_op *op, ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_db *db = ch_ctx_db(ctx);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	unsigned seed = (unsigned)now.tv_nsec ^ (unsigned)getpid();
	for (int try = 1;; try++) {
		int64_t commits = ch_db_commits(db);
		int rc = op->run(ctx, a, res);
		/* again only when the run conflicted, left no transaction open
		 * and committed nothing before it failed: then it did nothing */
		if (rc != CH_EBUSY || !ch_db_conflicted(db) || ch_db_tx_depth(db) != 0 ||
		    ch_db_commits(db) != commits)
			return rc;
		if (try == CH_OP_TRIES) {
			char *msg = ch_strdup(ch_error_message());
			const char *why = strstr(msg, "(database: ");
			rc = ch_error_set(CH_EBUSY,
			                  "数据库写入与其他事务冲突（序列化失败或死锁），已尝试 %d "
			                  "次仍未成功，本次未作任何修改，请稍后重试%s%s",
			                  CH_OP_TRIES, why ? " " : "", why ? why : "");
			free(msg);
			return rc;
		}
		ch_error_clear();
		ch_result_dispose(res);
		ch_result_init(res);
		retry_backoff(try + 1, &seed);
	}
}
