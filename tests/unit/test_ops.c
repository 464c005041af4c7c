/*
 * test_ops — the operation table against core: every operation as every role.
 *
 * The samples (ops_samples_*.h) are real invocations that take a fresh
 * database through the office's year: the plan, the register, progress,
 * acceptance, subsidy funds. They run in order, each as the prefecture
 * administrator when the table lets that role run it and otherwise as the
 * first role it does (finance moves money), and each must succeed. Before
 * each one runs, a copy of the database as it stands is handed to every
 * other role (on PostgreSQL, where a copy is a new database, only to a role
 * the table lets run an operation that writes; the others are given the
 * database itself, which a refused operation must leave as it was), and the
 * operation's function is called directly, past the front end's permission
 * gate: where the table refuses the role, core must refuse it too
 * (CH_EDENIED); where the table allows it, core must not refuse the role
 * (it may still refuse a region outside the user's scope). So the
 * permission column cannot drift from what core enforces, in either
 * direction, and an operation added without a sample fails here.
 *
 * Also checked from the table alone: every operation has a summary, every
 * parameter a help line, parameter names are unique, and a writing
 * operation never needs only the read permission. And a result's problems,
 * which the front ends write as JSON one at a time, come out as the bytes
 * jansson writes for the whole tree.
 */
#include "testdb.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>

#include "app/ops.h"
#include "core/user.h"
#include "util/buf.h"
#include "util/error.h"

struct sample {
	const char *op;
	const char *args;
};

static const struct sample samples[] = {
#define SAMPLE(op, args) {op, args},
#include "ops_samples_plan.h"
#include "ops_samples_region.h"
#include "ops_samples_user.h"
#include "ops_samples_household.h"
#include "ops_samples_event.h"
#include "ops_samples_report.h"
#include "ops_samples_acceptance.h"
#include "ops_samples_funds.h"
#include "ops_samples_demo.h"
#include "ops_samples_audit.h"
#include "ops_samples_db.h"
#include "ops_samples_history.h"
#include "ops_samples_rules.h"
#include "ops_samples_survey.h"
#undef SAMPLE
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

/* The users the samples run as, one per role, root first. */
static const struct {
	const char *name;
	const char *role;
	const char *scope;
} users[] = {
    {"root", "prefecture_admin", NULL},
    {"t_county", "county_operator", "昌吉市"},
    {"t_township", "township_operator", "大西渠镇"},
    {"t_reviewer", "reviewer", NULL},
    {"t_finance", "finance", NULL},
    {"t_auditor", "auditor", NULL},
};
#define NUSERS (sizeof users / sizeof users[0])

static char root_dir[PATH_MAX];
/* The URL of the database the samples run on: a sample's argument
 * "main.db" stands for it (on SQLite it is that file, in the folder the
 * samples run in). */
static char main_url[PATH_MAX + 16];

/* The operations that work on SQLite's file only (the database's own
 * backup and restore; PostgreSQL's are pg_dump and pg_restore): on
 * PostgreSQL their sample must be refused saying so, and is not run. */
static const char *const sqlite_file_ops[] = {"db.backup", "db.restore"};

static int sqlite_file_op(const char *name)
{
	for (size_t i = 0; i < sizeof sqlite_file_ops / sizeof sqlite_file_ops[0]; i++)
		if (strcmp(sqlite_file_ops[i], name) == 0)
			return 1;
	return 0;
}

static const struct ch_op *find(const char *name)
{
	char buf[128];
	for (const struct ch_op *op = ch_op_next(NULL); op; op = ch_op_next(op))
		if (strcmp(ch_op_name(op, buf, sizeof buf), name) == 0)
			return op;
	return NULL;
}

/* Parses the sample's arguments the way the command line does (words split
 * on spaces; --name VALUE, --flag, -o FILE, positionals in order), with
 * relative input files taken from the repository. --format and the CLI's
 * own -o are the renderer's and are skipped. */
static ch_args *parse_sample(const struct ch_op *op, const char *args)
{
	ch_args *a = ch_args_new(op);
	char *copy = strdup(args), *save = NULL, path[PATH_MAX * 2];
	const struct ch_param *pos = op->params;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		const struct ch_param *p;
		const char *value = NULL;
		if (strcmp(w, "--format") == 0 ||
		    (strcmp(w, "-o") == 0 && !ch_op_param(op, "output"))) {
			strtok_r(NULL, " ", &save);
			continue;
		}
		if (w[0] == '-') {
			p = ch_op_param(op, strcmp(w, "-o") == 0 ? "output" : w + 2);
			if (!p)
				fail_msg("%s: no parameter %s", ch_op_name(op, path, sizeof path),
				         w);
			if (p->type != CH_PT_FLAG)
				value = strtok_r(NULL, " ", &save);
		} else {
			while (pos && pos->name && !(pos->flags & CH_PF_POSITIONAL))
				pos++;
			if (!pos || !pos->name)
				fail_msg("%s: too many arguments at %s", op->group, w);
			p = pos;
			if (!(p->flags & CH_PF_REPEAT))
				pos++;
			value = w;
		}
		if (value && strcmp(value, "main.db") == 0)
			value = main_url;
		else if (value && p->type == CH_PT_FILE && value[0] != '/') {
			snprintf(path, sizeof path, "%s/%s", root_dir, value);
			value = path;
		}
		if (ch_args_set(a, p, value) != 0)
			fail_msg("%s %s: %s", op->group, args, ch_error_message());
	}
	free(copy);
	if (ch_args_check(a) != 0)
		fail_msg("%s %s: %s", op->group, args, ch_error_message());
	return a;
}

/* Runs OP with ARGS on URL as USER; returns its code, the message in MSG. */
static int run_as(const char *url, const char *user, const struct ch_op *op, const char *args,
                  char *msg, size_t msgsz)
{
	ch_ctx *ctx = NULL;
	ch_result res;
	ch_args *a = parse_sample(op, args);
	ch_result_init(&res);
	int rc = ch_ctx_open(&ctx, url, user, NULL);
	if (rc == 0)
		rc = op->run(ctx, a, &res);
	snprintf(msg, msgsz, "%s", ch_error_message());
	ch_error_clear();
	ch_result_dispose(&res);
	ch_args_free(a);
	ch_ctx_free(ctx);
	return rc;
}

/* Adds the users of the other roles whose scope exists by now. */
static void add_users(const char *url, int *added)
{
	ch_ctx *ctx;
	assert_int_equal(ch_ctx_open(&ctx, url, "root", NULL), 0);
	for (size_t i = 0; i < NUSERS; i++) {
		if (added[i])
			continue;
		if (ch_user_add(ctx, users[i].name, (enum ch_role)ch_role_parse(users[i].role),
		                users[i].scope) == 0)
			added[i] = 1;
		ch_error_clear();
	}
	ch_ctx_free(ctx);
}

static void test_every_role(void **state)
{
	(void)state;
	char *dir = test_tmpdir(), url[PATH_MAX + 16], copy_url[PATH_MAX + 16];
	char msg[2048], name[128];
	int added[NUSERS] = {1}, failures = 0; /* root made the database */
	ch_ctx *ctx;
	assert_non_null(getcwd(root_dir, sizeof root_dir));
	assert_int_equal(test_db_url(dir, "main.db", url, sizeof url), 0);
	snprintf(main_url, sizeof main_url, "%s", url);
	assert_int_equal(ch_ctx_open(&ctx, url, "root", "root"), 0);
	ch_ctx_free(ctx);
	/* output files of the samples go to the test's directory */
	assert_int_equal(chdir(dir), 0);

	for (size_t s = 0; s < NSAMPLES; s++) {
		const struct ch_op *op = find(samples[s].op);
		if (!op)
			fail_msg("sample %zu names no operation: %s", s, samples[s].op);
		add_users(url, added);
		size_t runner = 0;
		while (runner < NUSERS &&
		       !ch_role_allows((enum ch_role)ch_role_parse(users[runner].role),
		                       (enum ch_perm)op->perm))
			runner++;
		if (runner == NUSERS)
			fail_msg("no role may run %s", samples[s].op);
		for (size_t u = 0; u < NUSERS; u++) {
			if (!added[u] || u == runner)
				continue;
			int role = ch_role_parse(users[u].role);
			int allowed = ch_role_allows((enum ch_role)role, (enum ch_perm)op->perm);
			/* on PostgreSQL a copy takes a third of a second: only an
			 * operation that may write gets one (a refused one must
			 * not write, or the test fails anyway) */
			const char *on = url;
			if (!test_pg_url() || (allowed && (op->flags & CH_OP_WRITES))) {
				test_db_copy(dir, url, "copy.db", copy_url, sizeof copy_url);
				on = copy_url;
			}
			int rc = run_as(on, users[u].name, op, samples[s].args, msg, sizeof msg);
			int scope = strstr(msg, "outside their scope") != NULL ||
			            strstr(msg, "管辖范围") != NULL;
			if (!allowed && rc != CH_EDENIED) {
				fprintf(stderr,
				        "%s %s as %s: the table refuses the role, core answered %d "
				        "(%s)\n",
				        samples[s].op, samples[s].args, users[u].role, rc, msg);
				failures++;
			} else if (allowed && rc == CH_EDENIED && !scope) {
				fprintf(
				    stderr,
				    "%s %s as %s: the table allows the role, core refused it: %s\n",
				    samples[s].op, samples[s].args, users[u].role, msg);
				failures++;
			}
		}
		int rc = run_as(url, users[runner].name, op, samples[s].args, msg, sizeof msg);
		if (test_pg_url() && sqlite_file_op(samples[s].op)) {
			if (rc == 0 || !strstr(msg, "pg_dump")) {
				fprintf(
				    stderr,
				    "sample %s %s on PostgreSQL: %d %s, expected a refusal naming "
				    "pg_dump\n",
				    samples[s].op, samples[s].args, rc, msg);
				failures++;
			}
		} else if (rc != 0) {
			fprintf(stderr, "sample %s %s failed as %s: %d %s\n", samples[s].op,
			        samples[s].args, users[runner].role, rc, msg);
			failures++;
		}
	}
	for (size_t u = 0; u < NUSERS; u++)
		if (!added[u]) {
			fprintf(stderr, "user %s was never added (scope %s)\n", users[u].name,
			        users[u].scope);
			failures++;
		}
	/* every operation has a sample */
	for (const struct ch_op *op = ch_op_next(NULL); op; op = ch_op_next(op)) {
		int found = 0;
		ch_op_name(op, name, sizeof name);
		for (size_t s = 0; s < NSAMPLES && !found; s++)
			found = strcmp(samples[s].op, name) == 0;
		if (!found) {
			fprintf(stderr, "%s has no sample in tests/unit/ops_samples_*.h\n", name);
			failures++;
		}
	}
	assert_int_equal(chdir(root_dir), 0);
	test_rmdir(dir);
	assert_int_equal(failures, 0);
}

static void test_table_is_complete(void **state)
{
	(void)state;
	char name[128];
	size_t n = 0;
	for (const struct ch_op *op = ch_op_next(NULL); op; op = ch_op_next(op), n++) {
		ch_op_name(op, name, sizeof name);
		if (!op->summary || !*op->summary)
			fail_msg("%s has no summary", name);
		if (!op->perm || !op->run)
			fail_msg("%s has no permission or function", name);
		/* enrolling one's own second factor is every user's: core checks
		 * that the actor is the user or an administrator */
		if ((op->flags & CH_OP_WRITES) && op->perm == CH_PERM_READ &&
		    !(op->flags & CH_OP_ENROL))
			fail_msg("%s writes but needs only the read permission", name);
		assert_ptr_equal(ch_op_find(op->group, op->verb), op);
		for (const struct ch_param *p = op->params; p && p->name; p++) {
			if (!p->help || !*p->help)
				fail_msg("%s --%s has no help", name, p->name);
			if (ch_op_param(op, p->name) != p)
				fail_msg("%s declares %s twice", name, p->name);
			if (strcmp(p->name, "format") == 0 || strcmp(p->name, "help") == 0)
				fail_msg("%s declares --%s, which the front ends own", name,
				         p->name);
			if (p->type == CH_PT_ENUM && (!p->choices || !*p->choices))
				fail_msg("%s --%s has no choices", name, p->name);
		}
	}
	assert_true(n > 0);
}

static void test_args_check_types(void **state)
{
	(void)state;
	const struct ch_op *op = ch_op_find("plan", "show");
	assert_non_null(op);
	ch_args *a = ch_args_new(op);
	const struct ch_param *year = ch_op_param(op, "year");
	assert_int_equal(ch_args_check(a), CH_EUSAGE);
	assert_string_equal(ch_error_field(), "year");
	assert_int_equal(ch_args_set(a, year, "abc"), CH_EUSAGE);
	assert_int_equal(ch_args_set(a, year, "1999"), CH_EUSAGE);
	assert_int_equal(ch_args_set(a, year, "2023"), 0);
	assert_int_equal(ch_args_set(a, year, "2024"), CH_EUSAGE); /* given twice */
	assert_int_equal(ch_args_check(a), 0);
	assert_int_equal(ch_args_int(a, "year", 0), 2023);
	assert_int_equal(ch_args_int(a, "version", 7), 7);
	assert_null(ch_args_str(a, "version"));
	assert_non_null(ch_op_param(op, "year"));
	ch_args_free(a);
	ch_error_clear();
}

/* Appends what ch_problems_write_json writes to the ch_buf DATA. */
static int into_buf(const char *s, size_t len, void *data)
{
	ch_buf_put(data, s, len);
	return 0;
}

/* The problems written one at a time are the bytes jansson writes for the
 * whole tree, in every layout and at every depth the front ends use: the
 * command line's JSON_INDENT(2) at the top, the HTTP answer's
 * JSON_INDENT(1) at depths 1 and 2, and compact and unindented forms. */
static void test_problems_json_layout(void **state)
{
	(void)state;
	ch_problems *a = ch_problems_new(), *none = ch_problems_new(), *b = ch_problems_new();
	ch_problems_add(a, 2, 3, "联系电话", "12", 0, "联系电话「%s」不是手机号", "12");
	ch_problems_add(a, 3, -1, NULL, NULL, 1, "整行：\"引号\"\\与\n换行\t");
	ch_problems_add(b, 9, 5, "身份证号", "6523\"01", 0, "重复");
	const ch_problems *lists[] = {a, none, b};
	const size_t layouts[] = {JSON_INDENT(2), JSON_INDENT(1) | JSON_PRESERVE_ORDER, 0,
	                          JSON_COMPACT, JSON_INDENT(3) | JSON_COMPACT};
	for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
		for (size_t depth = 0; depth < 3; depth++) {
			for (size_t nlists = 0; nlists <= 3; nlists++) {
				/* the tree the front ends built before: the array at DEPTH */
				json_t *arr = json_array();
				for (size_t k = 0; k < nlists; k++)
					for (size_t i = 0; i < ch_problems_count(lists[k]); i++) {
						const ch_problem *x = ch_problems_get(lists[k], i);
						json_array_append_new(
						    arr,
						    json_pack("{s:I, s:s?, s:s?, s:s, s:s}", "row",
						              (json_int_t)x->line, "column",
						              x->column, "value", x->value,
						              "reason", x->reason, "severity",
						              x->warning ? "warning" : "error"));
					}
				json_t *doc = arr;
				for (size_t d = 0; d < depth; d++)
					doc = json_pack("{s:i, s:o, s:i}", "before", 1, "x", doc,
					                "after", 2);
				char *want = json_dumps(doc, layouts[l]);
				json_decref(doc);
				ch_buf got;
				ch_buf_init(&got);
				assert_int_equal(ch_problems_write_json(lists, nlists, layouts[l],
				                                        depth, into_buf, &got),
				                 0);
				/* the array is the text after the innermost "x" key */
				const char *at = want;
				for (size_t d = 0; d < depth; d++) {
					at = strstr(at, "\"x\":");
					assert_non_null(at);
					at += 4;
					at += *at == ' ';
				}
				if (strncmp(at, got.ptr, got.len) != 0)
					fail_msg(
					    "layout %zu, depth %zu, %zu lists:\n%s\nwritten:\n%s",
					    l, depth, nlists, at, got.ptr);
				/* and nothing of it is left over: the document goes on */
				assert_int_equal(at[got.len], depth ? ',' : '\0');
				ch_buf_dispose(&got);
				free(want);
			}
		}
	}
	ch_problems_free(a);
	ch_problems_free(none);
	ch_problems_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_is_complete),
	    cmocka_unit_test(test_args_check_types),
	    cmocka_unit_test(test_every_role),
	    cmocka_unit_test(test_problems_json_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
