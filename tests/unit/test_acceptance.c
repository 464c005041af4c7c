/*
 * test_acceptance — review samples through the core API (acceptance.h):
 * ch_review_apply / assign / result / verify on registers built here
 * (households imported, commissioned by an event batch and self-inspected
 * with ch_inspect_record). Checked: the size of every stratum's sample
 * (max(min_per_stratum, ceil(ratio × size)), a stratum of 100 at 10 %
 * gives 10), the round in which each household enters, the widening rule
 * (fails × 100 > threshold × sampled widens; exactly the threshold does
 * not), a round that adds nobody widening again, the third round taking
 * everyone, a contractor that failed before sampled at twice the ratio
 * (also when widened), the same sample from the same seed in a fresh
 * database and another from another seed, ch_review_verify after
 * tampering, completion (failed households back at 已调试 with an order from
 * the review, the others 复核通过), who may see and record what, applying
 * refusals, rectification orders overdue as of a day, follow-up visits due
 * and recorded twice, and the acceptance report's counts.
 */
#include "testdb.h"

#include "core/acceptance.h"
#include "core/ctx.h"
#include "core/event.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/plan.h"
#include "core/user.h"
#include "core/workflow.h"
#include "db/db.h"
#include "util/error.h"

#define TODAY "2023-12-31"

/* ---- the database ---- */

struct fixture {
	char *dir;
	char url[640];
	ch_ctx *ctx; /* root, the bootstrap prefecture_admin */
};

static int open_db(struct fixture *f, const char *name)
{
	return test_db_open(f->dir, name, f->url, sizeof f->url, &f->ctx);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	*state = f;
	return open_db(f, "acceptance.db");
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ch_ctx_free(f->ctx);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

/* Another connection to F's database acting as USER. */
static ch_ctx *open_as(struct fixture *f, const char *user)
{
	ch_ctx *c = NULL;
	if (ch_ctx_open(&c, f->url, user, "root") != 0)
		fail_msg("ch_ctx_open as %s: %s", user, ch_error_message());
	return c;
}

static int64_t q(ch_ctx *ctx, const char *sql)
{
	int64_t n = -1;
	if (ch_db_query_int64(ch_ctx_db(ctx), &n, sql, NULL) != 0)
		fail_msg("%s: %s", sql, ch_error_message());
	return n;
}

static int64_t q1(ch_ctx *ctx, const char *sql, const char *arg)
{
	int64_t n = -1;
	if (ch_db_query_int64(ch_ctx_db(ctx), &n, sql, "t", arg) != 0)
		fail_msg("%s (%s): %s", sql, arg, ch_error_message());
	return n;
}

static void expect_rc(int rc, int want, const char *what)
{
	if (rc != want)
		fail_msg("%s: rc %d, expected %d (%s)", what, rc, want, ch_error_message());
	ch_error_clear();
}

/* ---- the register ---- */

/* 2023: 昌吉市 900 households, 阜康市 100. */
static void import_plan(ch_ctx *ctx)
{
	static const test_plan_row rows[] = {{"昌吉市", "900", "900", "", ""},
	                                     {"阜康市", "100", "100", "", ""}};
	test_import_plan(ctx, "2023年度验收测试计划", rows, sizeof rows / sizeof rows[0]);
}

/* A group of households of one stratum: 户编号 PREFIX + FIRST .. FIRST+N-1
 * (3 digits; the number is also the ID number's sequence, so numbers must
 * not repeat within a county). */
struct group {
	const char *county, *township, *tech, *contractor, *prefix;
	int first, n;
};

static const char *county_code(const char *county)
{
	return strcmp(county, "阜康市") == 0 ? "652302" : "652301";
}

static void hh_no(const struct group *g, int k, char out[16])
{
	snprintf(out, 16, "%s%03d", g->prefix, g->first + k);
}

static void import_groups(ch_ctx *ctx, const struct group *g, size_t ng)
{
	ch_hh_import_opts o = {.file = "unit.csv", .file_hash = "0"};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	size_t line = 2, total = 0;
	assert_int_equal(ch_hh_import_begin(ctx, &o, &imp), 0);
	for (size_t i = 0; i < ng; i++) {
		for (int k = 0; k < g[i].n; k++) {
			char no[16], id[32], village[64];
			hh_no(&g[i], k, no);
			snprintf(id, sizeof id, "%s19700301%03d", county_code(g[i].county),
			         g[i].first + k);
			id[17] = ch_idcard_check_char(id);
			id[18] = '\0';
			snprintf(village, sizeof village, "%s一村", g[i].township);
			const char *fl[CH_HF_COUNT] = {0};
			fl[CH_HF_COUNTY] = g[i].county;
			fl[CH_HF_TOWNSHIP] = g[i].township;
			fl[CH_HF_VILLAGE] = village;
			fl[CH_HF_HH_NO] = no;
			fl[CH_HF_HEAD] = "测试";
			fl[CH_HF_ID] = id;
			fl[CH_HF_HEATED_AREA] = "100";
			fl[CH_HF_TECH] = g[i].tech;
			fl[CH_HF_YEAR] = "2023";
			fl[CH_HF_BATCH] = "新建";
			fl[CH_HF_CONTRACTOR] = g[i].contractor;
			assert_int_equal(ch_hh_import_row(imp, line++, fl), 0);
			total++;
		}
	}
	int rc = ch_hh_import_finish(imp, &sum);
	if (rc != 0)
		fail_msg("household import: %s", ch_error_message());
	assert_int_equal(sum.inserted, total);
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
}

/* 已开工 05-10, 已完工 07-20, 已调试 DAY for every household of G. */
static void commission_groups(ch_ctx *ctx, const struct group *g, size_t ng, const char *day)
{
	ch_event_opts o = {.today = TODAY};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	size_t line = 1;
	assert_int_equal(ch_event_begin(ctx, &o, &b), 0);
	for (size_t i = 0; i < ng; i++) {
		for (int k = 0; k < g[i].n; k++) {
			char no[16];
			hh_no(&g[i], k, no);
			static const char *const stages[3] = {"已开工", "已完工", "已调试"};
			const char *days[3] = {"2023-05-10", "2023-07-20", day};
			for (int s = 0; s < 3; s++) {
				ch_event_in in = {.line = line++,
				                  .county = g[i].county,
				                  .household = no,
				                  .stage = stages[s],
				                  .day = days[s]};
				assert_int_equal(ch_event_add(b, &in), 0);
			}
		}
	}
	int rc = ch_event_finish(b, &sum);
	if (rc != 0 || sum.rejected)
		fail_msg("commissioning: %d rejected: %s", (int)sum.rejected, ch_error_message());
	ch_event_free(b);
}

static const unsigned char photo[] = "JPEG 自验照片";
static const ch_evidence evidence = {"photo.jpg", photo, sizeof photo - 1};

/* A passing self-inspection of COUNTY's household NO on DAY. */
static int inspect_pass(ch_ctx *ctx, const char *county, const char *no, const char *day)
{
	ch_inspect_in in = {.county = county,
	                    .household = no,
	                    .result = "pass",
	                    .day = day,
	                    .inspector = "张三",
	                    .evidence = &evidence,
	                    .nevidence = 1,
	                    .today = TODAY};
	int64_t id, order;
	return ch_inspect_record(ctx, &in, &id, &order);
}

static void inspect_groups(ch_ctx *ctx, const struct group *g, size_t ng, const char *day)
{
	assert_int_equal(ch_ctx_begin(ctx), 0);
	for (size_t i = 0; i < ng; i++) {
		for (int k = 0; k < g[i].n; k++) {
			char no[16];
			hh_no(&g[i], k, no);
			if (inspect_pass(ctx, g[i].county, no, day) != 0)
				fail_msg("self-inspection of %s: %s", no, ch_error_message());
		}
	}
	assert_int_equal(ch_ctx_commit(ctx), 0);
}

/* Imports, commissions (08-01) and self-inspects (10-08) the groups. */
static void build(ch_ctx *ctx, const struct group *g, size_t ng)
{
	import_groups(ctx, g, ng);
	commission_groups(ctx, g, ng, "2023-08-01");
	inspect_groups(ctx, g, ng, "2023-10-08");
}

static char *apply_all(ch_ctx *ctx, const char *county, const char *day)
{
	char *num = NULL;
	int rc = ch_review_apply(ctx, county, 2023, NULL, 0, day, TODAY, &num);
	if (rc != 0)
		fail_msg("ch_review_apply %s: %s", county, ch_error_message());
	return num;
}

static void add_user(ch_ctx *ctx, const char *name, enum ch_role role, const char *scope)
{
	if (ch_user_add(ctx, name, role, scope) != 0)
		fail_msg("ch_user_add %s: %s", name, ch_error_message());
}

static void assign(ch_ctx *ctx, const char *num, const char *reviewer, const char *seed)
{
	if (ch_review_assign(ctx, num, "州住建局", reviewer, seed) != 0)
		fail_msg("ch_review_assign %s: %s", num, ch_error_message());
}

/* ---- the members of an application ---- */

struct mem {
	char hh[32], township[64], tech[32], contractor[64], stratum[192];
	int round;
	int result; /* 0 none, 1 pass, 2 fail */
};
struct members {
	struct mem m[1200];
	size_t n;
};

static int collect(const ch_review_member *m, void *arg)
{
	struct members *x = arg;
	assert_true(x->n < sizeof x->m / sizeof x->m[0]);
	struct mem *o = &x->m[x->n++];
	snprintf(o->hh, sizeof o->hh, "%s", m->hh_no);
	snprintf(o->township, sizeof o->township, "%s", m->township);
	snprintf(o->tech, sizeof o->tech, "%s", m->technology);
	snprintf(o->contractor, sizeof o->contractor, "%s", m->contractor);
	snprintf(o->stratum, sizeof o->stratum, "%s", m->stratum);
	o->round = m->sample_round;
	o->result = !m->result ? 0 : strcmp(m->result, "pass") == 0 ? 1 : 2;
	return 0;
}

static struct members *members(ch_ctx *ctx, const char *num)
{
	struct members *x = calloc(1, sizeof *x);
	if (ch_review_members(ctx, num, collect, x) != 0)
		fail_msg("ch_review_members %s: %s", num, ch_error_message());
	return x;
}

static const struct mem *find(const struct members *x, const char *hh)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->m[i].hh, hh) == 0)
			return &x->m[i];
	fail_msg("%s is not a member", hh);
	return NULL;
}

/* Members of group G in round ROUND (0: outside the sample; -1: any round). */
static int count_in(const struct members *x, const struct group *g, int round)
{
	int n = 0;
	for (size_t i = 0; i < x->n; i++) {
		const struct mem *m = &x->m[i];
		if (strncmp(m->hh, g->prefix, strlen(g->prefix)) != 0)
			continue;
		int k = atoi(m->hh + strlen(g->prefix));
		if (k < g->first || k >= g->first + g->n)
			continue;
		if (round < 0 ? m->round > 0 : m->round == round)
			n++;
	}
	return n;
}

static int count_round(const struct members *x, int round)
{
	int n = 0;
	for (size_t i = 0; i < x->n; i++)
		if (round < 0 ? x->m[i].round > 0 : x->m[i].round == round)
			n++;
	return n;
}

/* The expected first-round sample of a stratum of SIZE at PCT percent. */
static int take(int size, int pct)
{
	int t = (size * pct + 99) / 100;
	if (t < 1)
		t = 1;
	return t > size ? size : t;
}

struct app_info {
	char status[32], outcome[32];
	int round;
	int64_t households, sampled, passed, failed;
	const char *want;
	int seen;
};

static int app_cb(const ch_review_app *a, void *arg)
{
	struct app_info *x = arg;
	if (strcmp(a->number, x->want) != 0)
		return 0;
	x->seen++;
	snprintf(x->status, sizeof x->status, "%s", a->status);
	snprintf(x->outcome, sizeof x->outcome, "%s", a->outcome ? a->outcome : "");
	x->round = a->round;
	x->households = a->households;
	x->sampled = a->sampled;
	x->passed = a->passed;
	x->failed = a->failed;
	return 0;
}

static struct app_info app(ch_ctx *ctx, const char *num)
{
	struct app_info x = {.want = num};
	if (ch_review_each(ctx, app_cb, &x) != 0)
		fail_msg("ch_review_each: %s", ch_error_message());
	if (x.seen != 1)
		fail_msg("%s listed %d times", num, x.seen);
	return x;
}

static void verify(ch_ctx *ctx, const char *num, size_t want_checked)
{
	size_t checked = 0;
	if (ch_review_verify(ctx, num, &checked) != 0)
		fail_msg("ch_review_verify %s: %s", num, ch_error_message());
	assert_int_equal(checked, want_checked);
}

/* Records RESULT for HH; checks the widening and completion flags. */
static void result(ch_ctx *ctx, const char *num, const char *hh, const char *res, const char *day,
                   int want_widened, int want_completed)
{
	int widened = -1, completed = -1;
	int rc =
	    ch_review_result(ctx, num, hh, res, day, strcmp(res, "fail") == 0 ? "炉具未拆除" : NULL,
	                     &evidence, 1, TODAY, &widened, &completed);
	if (rc != 0)
		fail_msg("ch_review_result %s %s: %s", hh, res, ch_error_message());
	if (widened != want_widened || completed != want_completed)
		fail_msg("result %s %s: widened %d completed %d, expected %d %d", hh, res, widened,
		         completed, want_widened, want_completed);
}

/* Records results for every sampled household without one: the first NFAIL
 * fail, the rest pass; only the last may widen or complete. */
static void results(ch_ctx *ctx, const char *num, int nfail, const char *day, int want_widened,
                    int want_completed)
{
	struct members *x = members(ctx, num);
	size_t pending[1200], np = 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->m[i].round && !x->m[i].result)
			pending[np++] = i;
	assert_true(np > 0);
	for (size_t k = 0; k < np; k++) {
		int last = k + 1 == np;
		result(ctx, num, x->m[pending[k]].hh, (int)k < nfail ? "fail" : "pass", day,
		       last ? want_widened : 0, last ? want_completed : 0);
	}
	free(x);
}

static int stage_of(ch_ctx *ctx, const char *hh)
{
	char *s = NULL;
	if (ch_db_query_text(ch_ctx_db(ctx), &s, "SELECT status FROM household WHERE hh_no = ?",
	                     "t", hh) != 0)
		fail_msg("no household %s", hh);
	int st = ch_stage_parse(s);
	free(s);
	return st;
}

/* ---- strata ---- */

/* Twelve strata (3 townships × 2 technologies × 2 contractors) of sizes
 * 1 to 100: each gets max(1, ceil(10 % × size)) in the first round; a
 * stratum of 100 gets 10. */
static void test_strata_minimums(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 100},
	    {"昌吉市", "大西渠镇", "空气能", "乙公司", "CJ", 101, 1},
	    {"昌吉市", "大西渠镇", "燃气", "甲公司", "CJ", 102, 2},
	    {"昌吉市", "大西渠镇", "燃气", "乙公司", "CJ", 104, 9},
	    {"昌吉市", "榆树沟镇", "空气能", "甲公司", "CJ", 113, 10},
	    {"昌吉市", "榆树沟镇", "空气能", "乙公司", "CJ", 123, 11},
	    {"昌吉市", "榆树沟镇", "燃气", "甲公司", "CJ", 134, 19},
	    {"昌吉市", "榆树沟镇", "燃气", "乙公司", "CJ", 153, 21},
	    {"昌吉市", "三工镇", "空气能", "甲公司", "CJ", 174, 3},
	    {"昌吉市", "三工镇", "空气能", "乙公司", "CJ", 177, 5},
	    {"昌吉市", "三工镇", "燃气", "甲公司", "CJ", 182, 50},
	    {"昌吉市", "三工镇", "燃气", "乙公司", "CJ", 232, 4},
	};
	const size_t ng = sizeof g / sizeof g[0];
	import_plan(f->ctx);
	build(f->ctx, g, ng);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assert_string_equal(num, "复核-652301-2023-001");
	assign(f->ctx, num, "rv", "摇号 2023-10-12 第0417号");

	struct members *x = members(f->ctx, num);
	assert_int_equal(x->n, 235);
	int total = 0;
	for (size_t i = 0; i < ng; i++) {
		int want = take(g[i].n, 10), got = count_in(x, &g[i], 1);
		if (got != want)
			fail_msg("stratum %s|%s|%s of %d: %d sampled, expected %d", g[i].township,
			         g[i].tech, g[i].contractor, g[i].n, got, want);
		assert_int_equal(count_in(x, &g[i], 0), g[i].n - want);
		total += want;
	}
	assert_int_equal(count_in(x, &g[0], 1), 10); /* 100 at 10 %: 10 */
	assert_int_equal(total, 29);
	assert_int_equal(count_round(x, -1), 29);
	assert_int_equal(count_round(x, 2) + count_round(x, 3), 0);
	/* the stratum is township|technology|contractor, the same within a group */
	for (size_t i = 0; i < x->n; i++) {
		char want[192];
		snprintf(want, sizeof want, "%s|%s|%s", x->m[i].township, x->m[i].tech,
		         x->m[i].contractor);
		assert_string_equal(x->m[i].stratum, want);
	}
	struct app_info a = app(f->ctx, num);
	assert_string_equal(a.status, "assigned");
	assert_int_equal(a.round, 1);
	assert_int_equal(a.households, 235);
	assert_int_equal(a.sampled, 29);
	verify(f->ctx, num, 235);
	/* every household moved to 已申请复核 */
	assert_int_equal(
	    q(f->ctx, "SELECT count(*) FROM household WHERE status = 'review_requested'"), 235);
	free(x);
	free(num);
}

/* ---- the widening rule ---- */

/* One stratum of 100: 10 sampled. 1 failed of 10 is exactly the 10 %
 * threshold: no widening, the application completes. */
static void test_threshold_not_exceeded(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {{"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 100}};
	import_plan(f->ctx);
	build(f->ctx, g, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-a");
	ch_ctx *rv = open_as(f, "rv");
	struct members *x = members(rv, num);
	assert_int_equal(count_round(x, 1), 10);
	char failed[32];
	size_t k = 0;
	while (!x->m[k].round)
		k++;
	snprintf(failed, sizeof failed, "%s", x->m[k].hh);
	free(x);
	result(rv, num, failed, "fail", "2023-10-20", 0, 0);
	results(rv, num, 0, "2023-10-20", 0, 1);

	struct app_info a = app(f->ctx, num);
	assert_string_equal(a.status, "completed");
	assert_string_equal(a.outcome, "partly_failed");
	assert_int_equal(a.round, 1);
	assert_int_equal(a.sampled, 10);
	assert_int_equal(a.passed, 9);
	assert_int_equal(a.failed, 1);
	/* the failed household: back at 已调试 with an order from the review */
	assert_int_equal(stage_of(f->ctx, failed), CH_STAGE_COMMISSIONED);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE status = 'reviewed'"), 99);
	assert_int_equal(q1(f->ctx,
	                    "SELECT count(*) FROM rectification o JOIN household h"
	                    " ON h.id = o.household_id WHERE h.hh_no = ? AND o.source = 'review'"
	                    " AND o.closed_day IS NULL AND o.opened_day = '2023-10-20'"
	                    " AND o.deadline = '2023-11-04'",
	                    failed),
	                 1);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM rectification"), 1);
	verify(f->ctx, num, 100);
	size_t rows = 0;
	if (ch_progress_verify(f->ctx, &rows) != 0)
		fail_msg("ch_progress_verify: %s", ch_error_message());
	/* it cannot be inspected again before the order is closed */
	expect_rc(inspect_pass(f->ctx, "昌吉市", failed, "2023-10-25"), CH_EINVALID,
	          "inspecting with an open review order");
	/* a completed application takes no more results */
	int w, c;
	expect_rc(ch_review_result(rv, num, failed, "pass", "2023-10-21", NULL, &evidence, 1, TODAY,
	                           &w, &c),
	          CH_ECONFLICT, "result after completion");
	ch_ctx_free(rv);
	free(num);
}

/* One stratum of 100: 2 of 10 fail (20 %) → widened to 25 (15 new, round
 * 2); all pass → 2 of 25 (8 %) → completed. */
static void test_widen_once(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {{"昌吉市", "大西渠镇", "空气能", "丙公司", "CJ", 1, 100}};
	import_plan(f->ctx);
	build(f->ctx, g, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-b");
	ch_ctx *rv = open_as(f, "rv");
	struct members *before = members(rv, num);
	results(rv, num, 2, "2023-10-20", 1, 0);
	struct members *x = members(rv, num);
	assert_int_equal(count_round(x, 1), 10);
	assert_int_equal(count_round(x, 2), 15);
	assert_int_equal(count_round(x, 0), 75);
	/* the first round is kept: a wider round is a superset */
	for (size_t i = 0; i < before->n; i++)
		if (before->m[i].round == 1)
			assert_int_equal(find(x, before->m[i].hh)->round, 1);
	struct app_info a = app(rv, num);
	assert_string_equal(a.status, "assigned");
	assert_int_equal(a.round, 2);
	assert_int_equal(a.sampled, 25);
	verify(rv, num, 100);
	results(rv, num, 0, "2023-10-21", 0, 1);
	a = app(rv, num);
	assert_string_equal(a.status, "completed");
	assert_int_equal(a.round, 2);
	assert_int_equal(a.failed, 2);
	assert_int_equal(a.passed, 23);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE status = 'reviewed'"), 98);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE status = 'commissioned'"),
	                 2);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM rectification WHERE source = 'review'"),
	                 2);
	verify(rv, num, 100);
	free(before);
	free(x);
	ch_ctx_free(rv);
	free(num);
}

/* Two strata of 5: 1 + 1 sampled; 1 fails → round 2 (2 + 2, 2 new); all pass
 * → 1 of 4 (25 %) → round 3, everyone (6 new); all pass → completed. */
static void test_widen_to_everyone(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {
	    {"昌吉市", "大西渠镇", "空气能", "丙公司", "CJ", 1, 5},
	    {"昌吉市", "榆树沟镇", "燃气", "丁公司", "CJ", 6, 5},
	};
	import_plan(f->ctx);
	build(f->ctx, g, 2);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-c");
	struct members *x = members(f->ctx, num);
	assert_int_equal(count_in(x, &g[0], 1), 1);
	assert_int_equal(count_in(x, &g[1], 1), 1);
	free(x);
	results(f->ctx, num, 1, "2023-10-20", 1, 0);
	x = members(f->ctx, num);
	assert_int_equal(count_in(x, &g[0], 2), 1);
	assert_int_equal(count_in(x, &g[1], 2), 1);
	assert_int_equal(count_round(x, 0), 6);
	free(x);
	assert_int_equal(app(f->ctx, num).round, 2);
	results(f->ctx, num, 0, "2023-10-21", 1, 0);
	x = members(f->ctx, num);
	assert_int_equal(count_round(x, 1), 2);
	assert_int_equal(count_round(x, 2), 2);
	assert_int_equal(count_round(x, 3), 6);
	assert_int_equal(count_round(x, 0), 0);
	free(x);
	assert_int_equal(app(f->ctx, num).round, 3);
	verify(f->ctx, num, 10);
	results(f->ctx, num, 0, "2023-10-22", 0, 1);
	struct app_info a = app(f->ctx, num);
	assert_string_equal(a.status, "completed");
	assert_int_equal(a.sampled, 10);
	assert_int_equal(a.failed, 1);
	verify(f->ctx, num, 10);
	free(num);
}

/* A stratum of 4: round 1 takes 1 and round 2 (25 %) also 1, adding nobody:
 * a failure widens straight to round 3; in round 3 more failures complete
 * the application (there is no wider round). */
static void test_widen_skips_empty_round(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {{"昌吉市", "大西渠镇", "空气能", "丙公司", "CJ", 1, 4}};
	import_plan(f->ctx);
	build(f->ctx, g, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-d");
	results(f->ctx, num, 1, "2023-10-20", 1, 0);
	struct members *x = members(f->ctx, num);
	assert_int_equal(count_round(x, 1), 1);
	assert_int_equal(count_round(x, 2), 0);
	assert_int_equal(count_round(x, 3), 3);
	free(x);
	assert_int_equal(app(f->ctx, num).round, 3);
	verify(f->ctx, num, 4);
	results(f->ctx, num, 2, "2023-10-21", 0, 1);
	struct app_info a = app(f->ctx, num);
	assert_string_equal(a.status, "completed");
	assert_int_equal(a.failed, 3);
	assert_int_equal(a.passed, 1);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE status = 'commissioned'"),
	                 3);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE status = 'reviewed'"), 1);
	free(num);
}

/* Below the threshold: 3 strata of 40 give 4 + 4 + 4 = 12 sampled; 1 of 12
 * failed (100 > 120 is false) completes. 2 of 12 (200 > 120) widens. */
static void test_widen_rule_table(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {
	    {"昌吉市", "大西渠镇", "空气能", "丙公司", "CJ", 1, 40},
	    {"昌吉市", "榆树沟镇", "燃气", "丁公司", "CJ", 41, 40},
	    {"昌吉市", "三工镇", "燃气", "戊公司", "CJ", 81, 40},
	};
	static const struct group g2[] = {
	    {"昌吉市", "大西渠镇", "空气能", "己公司", "CJ", 121, 40},
	    {"昌吉市", "榆树沟镇", "燃气", "庚公司", "CJ", 161, 40},
	    {"昌吉市", "三工镇", "燃气", "辛公司", "CJ", 201, 40},
	};
	import_plan(f->ctx);
	build(f->ctx, g, 3);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-e");
	assert_int_equal(app(f->ctx, num).sampled, 12);
	results(f->ctx, num, 1, "2023-10-20", 0, 1);
	struct app_info a = app(f->ctx, num);
	assert_string_equal(a.status, "completed");
	assert_int_equal(a.round, 1);
	free(num);

	/* new contractors (none failed before): 2 of 12 widen to 10 + 10 + 10 */
	build(f->ctx, g2, 3);
	num = apply_all(f->ctx, "昌吉市", "2023-10-25");
	assign(f->ctx, num, "rv", "seed-e2");
	assert_int_equal(app(f->ctx, num).sampled, 12);
	results(f->ctx, num, 2, "2023-10-30", 1, 0);
	struct members *x = members(f->ctx, num);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(count_in(x, &g2[i], 1), 4);
		assert_int_equal(count_in(x, &g2[i], 2), 6);
	}
	free(x);
	/* 2 of 30: 200 > 300 is false → completed */
	results(f->ctx, num, 0, "2023-10-31", 0, 1);
	assert_string_equal(app(f->ctx, num).status, "completed");
	free(num);
}

/* ---- a contractor that failed before ---- */

static void test_weighted_contractor(void **state)
{
	struct fixture *f = *state;
	static const struct group first[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 10}};
	static const struct group later[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 11, 20},
	    {"昌吉市", "大西渠镇", "空气能", "乙公司", "CJ", 31, 20},
	};
	import_plan(f->ctx);
	build(f->ctx, first, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *n1 = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, n1, "rv", "seed-1");
	/* 1 of 1 fails → round 2 (ceil 2.5 = 3) → 2 new pass: 1 of 3 → round 3
	 * → everyone: 7 new pass → completed with 甲公司 failed */
	results(f->ctx, n1, 1, "2023-10-20", 1, 0);
	results(f->ctx, n1, 0, "2023-10-21", 1, 0);
	results(f->ctx, n1, 0, "2023-10-22", 0, 1);
	assert_string_equal(app(f->ctx, n1).outcome, "partly_failed");

	build(f->ctx, later, 2);
	char *n2 = apply_all(f->ctx, "昌吉市", "2023-10-25");
	assign(f->ctx, n2, "rv", "seed-2");
	/* 甲公司 at 20 %: 4 of 20; 乙公司 at 10 %: 2 of 20 */
	struct members *x = members(f->ctx, n2);
	assert_int_equal(count_in(x, &later[0], 1), 4);
	assert_int_equal(count_in(x, &later[1], 1), 2);
	free(x);
	char *policy = NULL;
	assert_int_equal(ch_db_query_text(ch_ctx_db(f->ctx), &policy,
	                                  "SELECT policy FROM review_application WHERE number = ?",
	                                  "t", n2),
	                 0);
	assert_non_null(strstr(policy, "\"weighted_contractors\":[\"甲公司\"]"));
	free(policy);
	verify(f->ctx, n2, 40);
	/* 1 of 6 fails (16 %) → widened: 甲公司 at 50 % (10), 乙公司 at 25 % (5) */
	results(f->ctx, n2, 1, "2023-10-30", 1, 0);
	x = members(f->ctx, n2);
	assert_int_equal(count_in(x, &later[0], -1), 10);
	assert_int_equal(count_in(x, &later[1], -1), 5);
	assert_int_equal(count_in(x, &later[0], 2), 6);
	assert_int_equal(count_in(x, &later[1], 2), 3);
	free(x);
	verify(f->ctx, n2, 40);
	free(n1);
	free(n2);
}

/* The register may change while an application is under review (a
 * re-imported ledger renames a contractor); the sample, fixed at
 * assignment from the application's strata, still verifies. */
static void test_verify_after_register_update(void **state)
{
	struct fixture *f = *state;
	static const struct group first[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 1}};
	static const struct group later[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 11, 20},
	    {"昌吉市", "大西渠镇", "空气能", "乙公司", "CJ", 31, 20},
	};
	static const struct group renamed[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲建设公司", "CJ", 11, 20}};
	import_plan(f->ctx);
	build(f->ctx, first, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *n1 = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, n1, "rv", "seed-1");
	results(f->ctx, n1, 1, "2023-10-20", 1, 1); /* 甲公司 failed */
	build(f->ctx, later, 2);
	char *n2 = apply_all(f->ctx, "昌吉市", "2023-10-25");
	assign(f->ctx, n2, "rv", "seed-2");
	struct members *x = members(f->ctx, n2);
	assert_int_equal(count_in(x, &later[0], 1), 4);
	free(x);
	verify(f->ctx, n2, 40);
	/* the ledger re-imported with the contractor renamed: 20 updated */
	ch_hh_import_opts o = {.file = "unit2.csv", .file_hash = "1"};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	assert_int_equal(ch_hh_import_begin(f->ctx, &o, &imp), 0);
	for (int k = 0; k < renamed[0].n; k++) {
		char no[16], id[32];
		hh_no(&renamed[0], k, no);
		snprintf(id, sizeof id, "65230119700301%03d", renamed[0].first + k);
		id[17] = ch_idcard_check_char(id);
		id[18] = '\0';
		const char *fl[CH_HF_COUNT] = {0};
		fl[CH_HF_COUNTY] = "昌吉市";
		fl[CH_HF_TOWNSHIP] = "大西渠镇";
		fl[CH_HF_VILLAGE] = "大西渠镇一村";
		fl[CH_HF_HH_NO] = no;
		fl[CH_HF_HEAD] = "测试";
		fl[CH_HF_ID] = id;
		fl[CH_HF_HEATED_AREA] = "100";
		fl[CH_HF_TECH] = "空气能";
		fl[CH_HF_YEAR] = "2023";
		fl[CH_HF_BATCH] = "新建";
		fl[CH_HF_CONTRACTOR] = "甲建设公司";
		assert_int_equal(ch_hh_import_row(imp, (size_t)k + 2, fl), 0);
	}
	if (ch_hh_import_finish(imp, &sum) != 0)
		fail_msg("re-import: %s", ch_error_message());
	assert_int_equal(sum.updated, 20);
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	size_t checked = 0;
	int rc = ch_review_verify(f->ctx, n2, &checked);
	free(n1);
	free(n2);
	if (rc != 0)
		fail_msg("verify after the contractor was renamed in the register: %s",
		         ch_error_message());
}

/* ---- reproducibility ---- */

/* 200 households in two strata; the sample's 户编号 and rounds as text */
static char *sample_text(struct fixture *f, const char *dbname, const char *seed)
{
	static const struct group g[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 100},
	    {"昌吉市", "榆树沟镇", "燃气", "乙公司", "CJ", 101, 100},
	};
	ch_ctx_free(f->ctx);
	f->ctx = NULL;
	if (open_db(f, dbname) != 0)
		fail_msg("opening %s", dbname);
	import_plan(f->ctx);
	build(f->ctx, g, 2);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", seed);
	struct members *x = members(f->ctx, num);
	assert_int_equal(x->n, 200);
	assert_int_equal(count_in(x, &g[0], 1), 10);
	assert_int_equal(count_in(x, &g[1], 1), 10);
	char *out = calloc(1, 8192);
	for (size_t i = 0; i < x->n; i++)
		if (x->m[i].round) {
			char line[64];
			snprintf(line, sizeof line, "%s:%d\n", x->m[i].hh, x->m[i].round);
			strcat(out, line);
		}
	free(x);
	free(num);
	return out;
}

static void test_reproducible(void **state)
{
	struct fixture *f = *state;
	char *a = sample_text(f, "a.db", "摇号 0417");
	char *b = sample_text(f, "b.db", "摇号 0417");
	char *c = sample_text(f, "c.db", "摇号 0418");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static void test_verify_tampered(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {{"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 30}};
	import_plan(f->ctx);
	build(f->ctx, g, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	size_t checked = 99;
	expect_rc(ch_review_verify(f->ctx, num, &checked), CH_EINVALID, "verify before assignment");
	assign(f->ctx, num, "rv", "seed-t");
	verify(f->ctx, num, 30);
	struct members *x = members(f->ctx, num);
	const char *in = NULL, *out = NULL;
	for (size_t i = 0; i < x->n; i++) {
		if (x->m[i].round && !in)
			in = x->m[i].hh;
		if (!x->m[i].round && !out)
			out = x->m[i].hh;
	}
	assert_non_null(in);
	assert_non_null(out);
	ch_db *db = ch_ctx_db(f->ctx);
#define UPD(v)                                                                                     \
	"UPDATE review_item SET sample_round = " v " WHERE household_id ="                         \
	" (SELECT id FROM household WHERE hh_no = ?)"
	assert_int_equal(ch_db_run(db, UPD("NULL"), "t", in), 0);
	assert_int_equal(ch_review_verify(f->ctx, num, &checked), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), in));
	ch_error_clear();
	assert_int_equal(ch_db_run(db, UPD("1"), "t", in), 0);
	verify(f->ctx, num, 30);

	assert_int_equal(ch_db_run(db, UPD("1"), "t", out), 0);
	assert_int_equal(ch_review_verify(f->ctx, num, &checked), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), out));
	ch_error_clear();
	assert_int_equal(ch_db_run(db, UPD("NULL"), "t", out), 0);
	verify(f->ctx, num, 30);

	/* a changed policy derives another sample */
	assert_int_equal(
	    ch_db_run(db,
	              "UPDATE review_application SET policy ="
	              " replace(policy, '\"ratio_percent\":10', '\"ratio_percent\":20')",
	              NULL),
	    0);
	expect_rc(ch_review_verify(f->ctx, num, &checked), CH_EINVALID, "verify, changed policy");
	free(x);
	free(num);
}

/* ---- refusals and who sees what ---- */

static void test_apply_refusals(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 5},
	    {"阜康市", "滋泥泉子镇", "空气能", "丙公司", "FK", 1, 3},
	};
	import_plan(f->ctx);
	import_groups(f->ctx, g, 2);
	commission_groups(f->ctx, g, 2, "2023-08-01");
	/* CJ005 only commissioned */
	for (int k = 1; k <= 4; k++) {
		char no[16];
		snprintf(no, sizeof no, "CJ%03d", k);
		assert_int_equal(inspect_pass(f->ctx, "昌吉市", no, "2023-10-08"), 0);
	}
	for (int k = 1; k <= 3; k++) {
		char no[16];
		snprintf(no, sizeof no, "FK%03d", k);
		assert_int_equal(inspect_pass(f->ctx, "阜康市", no, "2023-10-08"), 0);
	}
	add_user(f->ctx, "fk", CH_ROLE_COUNTY_OPERATOR, "阜康市");
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = NULL;
	const char *bad[] = {"CJ001", "CJ005"};
	expect_rc(ch_review_apply(f->ctx, "昌吉市", 2023, bad, 2, "2023-10-10", TODAY, &num),
	          CH_EINVALID, "apply with a household only commissioned");
	assert_null(num);
	const char *twice[] = {"CJ001", "CJ001"};
	expect_rc(ch_review_apply(f->ctx, "昌吉市", 2023, twice, 2, "2023-10-10", TODAY, &num),
	          CH_EINVALID, "apply with a household twice");
	const char *other[] = {"FK001"};
	int rc = ch_review_apply(f->ctx, "昌吉市", 2023, other, 1, "2023-10-10", TODAY, &num);
	assert_true(rc == CH_ENOTFOUND || rc == CH_EINVALID);
	ch_error_clear();
	expect_rc(ch_review_apply(f->ctx, "昌吉市", 2024, NULL, 0, "2023-10-10", TODAY, &num),
	          CH_EINVALID, "apply for a year without self-inspected households");
	expect_rc(ch_review_apply(f->ctx, "昌吉市", 2023, NULL, 0, "2023-13-10", TODAY, &num),
	          CH_EINVALID, "apply on an impossible date");
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM review_application"), 0);
	assert_int_equal(
	    q(f->ctx, "SELECT count(*) FROM household WHERE status = 'self_inspected'"), 7);

	ch_ctx *fk = open_as(f, "fk");
	expect_rc(ch_review_apply(fk, "昌吉市", 2023, NULL, 0, "2023-10-10", TODAY, &num),
	          CH_EDENIED, "阜康市 operator applies for 昌吉市");
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM review_application"), 0);
	assert_int_equal(ch_review_apply(fk, "阜康市", 2023, NULL, 0, "2023-10-10", TODAY, &num),
	                 0);
	assert_string_equal(num, "复核-652302-2023-001");
	free(num);
	const char *two[] = {"CJ001", "CJ002"};
	assert_int_equal(ch_review_apply(f->ctx, "昌吉市", 2023, two, 2, "2023-10-10", TODAY, &num),
	                 0);
	assert_string_equal(num, "复核-652301-2023-001");
	free(num);
	assert_int_equal(
	    ch_review_apply(f->ctx, "昌吉市", 2023, NULL, 0, "2023-10-11", TODAY, &num), 0);
	assert_string_equal(num, "复核-652301-2023-002");
	assert_int_equal(app(f->ctx, num).households, 2); /* CJ003, CJ004 */
	free(num);
	expect_rc(ch_review_apply(f->ctx, "昌吉市", 2023, NULL, 0, "2023-10-11", TODAY, &num),
	          CH_EINVALID, "apply with none left");
	/* the county operator sees only its county's applications */
	struct app_info a = {.want = "复核-652301-2023-001"};
	assert_int_equal(ch_review_each(fk, app_cb, &a), 0);
	assert_int_equal(a.seen, 0);
	a = app(fk, "复核-652302-2023-001");
	assert_int_equal(a.households, 3);
	struct members x;
	x.n = 0;
	expect_rc(ch_review_members(fk, "复核-652301-2023-001", collect, &x), CH_EDENIED,
	          "阜康市 operator reads a 昌吉市 application");
	expect_rc(ch_review_assign(fk, "复核-652302-2023-001", "州住建局", "rv", "1"), CH_EDENIED,
	          "county operator assigns");
	assert_string_equal(app(f->ctx, "复核-652302-2023-001").status, "applied");
	ch_ctx_free(fk);
}

static void test_assign_and_result_refusals(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {{"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 20}};
	import_plan(f->ctx);
	build(f->ctx, g, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	add_user(f->ctx, "rv2", CH_ROLE_REVIEWER, NULL);
	add_user(f->ctx, "cj", CH_ROLE_COUNTY_OPERATOR, "昌吉市");
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	ch_ctx *rv = open_as(f, "rv"), *rv2 = open_as(f, "rv2"), *cj = open_as(f, "cj");
	int w, c;
	expect_rc(ch_review_result(rv, num, "CJ001", "pass", "2023-10-20", NULL, &evidence, 1,
	                           TODAY, &w, &c),
	          CH_EDENIED, "result before assignment, by a reviewer not assigned");
	expect_rc(ch_review_result(f->ctx, num, "CJ001", "pass", "2023-10-20", NULL, &evidence, 1,
	                           TODAY, &w, &c),
	          CH_ECONFLICT, "result before assignment");
	expect_rc(ch_review_assign(f->ctx, num, "州住建局", "cj", "1"), CH_EINVALID,
	          "assign to a county operator");
	expect_rc(ch_review_assign(f->ctx, num, "州住建局", "nobody", "1"), CH_ENOTFOUND,
	          "assign to an unknown user");
	expect_rc(ch_review_assign(f->ctx, num, "州住建局", "rv", NULL), CH_EINVALID,
	          "assign without a seed");
	expect_rc(ch_review_assign(f->ctx, num, "", "rv", "1"), CH_EINVALID,
	          "assign without a unit");
	expect_rc(ch_review_assign(cj, num, "州住建局", "rv", "1"), CH_EDENIED,
	          "county operator assigns");
	expect_rc(ch_review_assign(rv, num, "州住建局", "rv", "1"), CH_EDENIED, "reviewer assigns");
	expect_rc(ch_review_assign(f->ctx, "复核-652301-2023-009", "州住建局", "rv", "1"),
	          CH_ENOTFOUND, "assign an unknown application");
	assert_string_equal(app(f->ctx, num).status, "applied");
	assert_int_equal(q(f->ctx, "SELECT count(sample_round) FROM review_item"), 0);
	assign(f->ctx, num, "rv", "seed-r");
	expect_rc(ch_review_assign(f->ctx, num, "州住建局", "rv2", "2"), CH_ECONFLICT,
	          "assign twice");

	struct members *x = members(rv, num);
	const char *in = NULL, *out = NULL;
	for (size_t i = 0; i < x->n; i++) {
		if (x->m[i].round && !in)
			in = x->m[i].hh;
		if (!x->m[i].round && !out)
			out = x->m[i].hh;
	}
	assert_int_equal(count_round(x, 1), 2);
	/* who sees it */
	struct app_info a = {.want = num};
	assert_int_equal(ch_review_each(rv2, app_cb, &a), 0);
	assert_int_equal(a.seen, 0);
	a = app(rv, num);
	a = app(cj, num);
	struct members y;
	y.n = 0;
	expect_rc(ch_review_members(rv2, num, collect, &y), CH_EDENIED,
	          "another reviewer's sample");
	size_t checked;
	expect_rc(ch_review_verify(rv2, num, &checked), CH_EDENIED, "another reviewer's verify");
	expect_rc(
	    ch_review_result(rv2, num, in, "pass", "2023-10-20", NULL, &evidence, 1, TODAY, &w, &c),
	    CH_EDENIED, "another reviewer's result");
	expect_rc(
	    ch_review_result(cj, num, in, "pass", "2023-10-20", NULL, &evidence, 1, TODAY, &w, &c),
	    CH_EDENIED, "county operator's result");
	expect_rc(
	    ch_review_result(rv, num, out, "pass", "2023-10-20", NULL, &evidence, 1, TODAY, &w, &c),
	    CH_EINVALID, "result for a household not sampled");
	expect_rc(ch_review_result(rv, num, "CJ099", "pass", "2023-10-20", NULL, &evidence, 1,
	                           TODAY, &w, &c),
	          CH_ENOTFOUND, "result for an unknown household");
	expect_rc(
	    ch_review_result(rv, num, in, "fail", "2023-10-20", NULL, &evidence, 1, TODAY, &w, &c),
	    CH_EINVALID, "fail without a note");
	expect_rc(
	    ch_review_result(rv, num, in, "fail", "2023-10-20", "", &evidence, 1, TODAY, &w, &c),
	    CH_EINVALID, "fail with an empty note");
	/* a pass needs evidence, as a self-inspection's does */
	assert_int_equal(
	    ch_review_result(rv, num, in, "pass", "2023-10-20", NULL, NULL, 0, TODAY, &w, &c),
	    CH_EINVALID);
	assert_string_equal(ch_error_field(), "evidence");
	assert_non_null(strstr(ch_error_message(), "「复核通过」须附证明材料"));
	ch_error_clear();
	expect_rc(
	    ch_review_result(rv, num, in, "ok", "2023-10-20", NULL, &evidence, 1, TODAY, &w, &c),
	    CH_EINVALID, "result neither pass nor fail");
	expect_rc(ch_review_result(rv, num, in, "pass", "2023-10-20", NULL, &evidence, 1,
	                           "2023-10-19", &w, &c),
	          CH_EINVALID, "result dated after today");
	assert_int_equal(q(f->ctx, "SELECT count(result) FROM review_item"), 0);
	result(rv, num, in, "pass", "2023-10-20", 0, 0);
	expect_rc(
	    ch_review_result(rv, num, in, "fail", "2023-10-20", "x", &evidence, 1, TODAY, &w, &c),
	    CH_ECONFLICT, "result twice");
	assert_int_equal(q(f->ctx, "SELECT count(result) FROM review_item"), 1);
	free(x);
	ch_ctx_free(rv);
	ch_ctx_free(rv2);
	ch_ctx_free(cj);
	free(num);
}

/* Results and visits cannot be dated before what they follow: a review
 * result before the application was made, a follow-up visit before the
 * household was commissioned. */
static void test_result_before_application(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {{"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 20}};
	import_plan(f->ctx);
	build(f->ctx, g, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-dates");
	struct members *x = members(f->ctx, num);
	char first[32];
	snprintf(first, sizeof first, "%s", x->m[0].hh);
	assert_true(x->m[0].round > 0);
	free(x);
	int w, c;
	int rc = ch_review_result(f->ctx, num, first, "pass", "2023-10-09", NULL, &evidence, 1,
	                          TODAY, &w, &c);
	ch_error_clear();
	int64_t stored = q(f->ctx, "SELECT count(result) FROM review_item");
	free(num);
	if (rc != CH_EINVALID || stored != 0)
		fail_msg(
		    "result dated 2023-10-09 for an application of 2023-10-10: rc %d, %lld stored",
		    rc, (long long)stored);
}

static void test_visit_before_commissioning(void **state)
{
	struct fixture *f = *state;
	static const struct group late[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 21, 1}};
	import_plan(f->ctx);
	import_groups(f->ctx, late, 1);
	commission_groups(f->ctx, late, 1, "2023-10-25");
	ch_followup_in v = {.county = "昌吉市",
	                    .household = "CJ021",
	                    .visit = 1,
	                    .day = "2023-10-20",
	                    .in_use = 1,
	                    .comfort = "good",
	                    .visitor = "王五",
	                    .today = TODAY};
	int64_t ov = 0;
	expect_rc(ch_followup_record(f->ctx, &v, &ov), CH_EINVALID,
	          "visit dated 10-20 to a household commissioned 10-25");
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM followup"), 0);
}

/* A household of an application under review is withdrawn (已申请复核 →
 * 已退出 is allowed): the application must still complete. */
static void test_withdrawn_member(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {{"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 10}};
	import_plan(f->ctx);
	build(f->ctx, g, 1);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-w");
	struct members *x = members(f->ctx, num);
	const char *out = NULL;
	for (size_t i = 0; i < x->n && !out; i++)
		if (!x->m[i].round)
			out = x->m[i].hh;
	ch_event_opts o = {.today = TODAY};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	assert_int_equal(ch_event_begin(f->ctx, &o, &b), 0);
	ch_event_in in = {.line = 1,
	                  .county = "昌吉市",
	                  .household = out,
	                  .stage = "已退出",
	                  .day = "2023-10-15",
	                  .note = "农户搬迁"};
	assert_int_equal(ch_event_add(b, &in), 0);
	ch_event_finish(b, &sum); /* refused or not: the application must complete */
	ch_event_free(b);
	ch_error_clear();
	int w = -1, c = -1, rc = 0;
	char msg[512] = "";
	for (size_t i = 0; i < x->n && rc == 0; i++)
		if (x->m[i].round) {
			rc = ch_review_result(f->ctx, num, x->m[i].hh, "pass", "2023-10-20", NULL,
			                      &evidence, 1, TODAY, &w, &c);
			if (rc != 0)
				snprintf(msg, sizeof msg, "result %s with %s withdrawn: %s",
				         x->m[i].hh, out, ch_error_message());
		}
	struct app_info a = app(f->ctx, num);
	free(x);
	free(num);
	if (rc != 0)
		fail_msg("%s", msg);
	assert_int_equal(c, 1);
	assert_string_equal(a.status, "completed");
}

/* ---- rectification orders and follow-up visits ---- */

struct ord {
	int64_t ids[16];
	int overdue[16];
	size_t n;
};
static int ord_cb(const ch_rectification *r, void *arg)
{
	struct ord *o = arg;
	assert_true(o->n < 16);
	o->overdue[o->n] = r->overdue;
	o->ids[o->n++] = r->id;
	return 0;
}
static struct ord orders(ch_ctx *ctx, int open_only, int overdue, const char *as_of)
{
	struct ord o = {0};
	if (ch_rectification_each(ctx, open_only, overdue, as_of, ord_cb, &o) != 0)
		fail_msg("ch_rectification_each: %s", ch_error_message());
	return o;
}

struct due {
	char hh[8][16], day[8][11];
	int visit[8], overdue[8];
	size_t n;
};
static int due_cb(const ch_followup_due *d, void *arg)
{
	struct due *x = arg;
	assert_true(x->n < 8);
	snprintf(x->hh[x->n], 16, "%s", d->hh_no);
	snprintf(x->day[x->n], 11, "%s", d->due);
	x->visit[x->n] = d->visit;
	x->overdue[x->n++] = d->overdue;
	return 0;
}
static struct due due(ch_ctx *ctx, const char *as_of)
{
	struct due x = {0};
	if (ch_followup_each_due(ctx, as_of, due_cb, &x) != 0)
		fail_msg("ch_followup_each_due: %s", ch_error_message());
	return x;
}

static void test_rectification_and_followup(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {
	    {"阜康市", "滋泥泉子镇", "空气能", "丙公司", "FK", 1, 1},
	    {"阜康市", "滋泥泉子镇", "空气能", "丙公司", "FK", 2, 1},
	    {"阜康市", "滋泥泉子镇", "空气能", "丙公司", "FK", 3, 1},
	};
	import_plan(f->ctx);
	import_groups(f->ctx, g, 3);
	commission_groups(f->ctx, &g[0], 1, "2023-08-01");
	commission_groups(f->ctx, &g[1], 1, "2023-10-21");
	commission_groups(f->ctx, &g[2], 1, "2023-10-25");

	/* a failed inspection: an order, deadline + 15 days */
	const char *items[] = {"stove_removed=fail", "photos=fail"};
	ch_inspect_in in = {.county = "阜康市",
	                    .household = "FK001",
	                    .result = "fail",
	                    .day = "2023-10-05",
	                    .inspector = "李四",
	                    .items = items,
	                    .nitems = 2,
	                    .today = TODAY};
	int64_t id, o1, o2;
	assert_int_equal(ch_inspect_record(f->ctx, &in, &id, &o1), 0);
	assert_true(o1 > 0);
	assert_int_equal(stage_of(f->ctx, "FK001"), CH_STAGE_COMMISSIONED);
	expect_rc(inspect_pass(f->ctx, "阜康市", "FK001", "2023-10-06"), CH_EINVALID,
	          "inspection with the order open");
	in.household = "FK002";
	in.day = "2023-10-26";
	in.nitems = 0;
	assert_int_equal(ch_inspect_record(f->ctx, &in, &id, &o2), 0); /* fail, no item named */
	assert_true(o2 > o1);
	/* o1 deadline 10-20, o2 deadline 11-10 */
	struct ord o = orders(f->ctx, 0, 1, "2023-10-20");
	assert_int_equal(o.n, 0);
	o = orders(f->ctx, 0, 1, "2023-10-21");
	assert_int_equal(o.n, 1);
	assert_int_equal(o.ids[0], o1);
	assert_int_equal(o.overdue[0], 1);
	o = orders(f->ctx, 0, 1, "2023-11-11");
	assert_int_equal(o.n, 2);
	o = orders(f->ctx, 1, 0, "2023-10-27");
	assert_int_equal(o.n, 2);
	assert_int_equal(o.overdue[0], 1);
	assert_int_equal(o.overdue[1], 0);
	expect_rc(ch_rectification_close(f->ctx, o1, "2023-10-04", "x", TODAY), CH_EINVALID,
	          "closed before opened");
	expect_rc(ch_rectification_close(f->ctx, o1, "2023-10-07", NULL, TODAY), CH_EINVALID,
	          "closed without a note");
	expect_rc(ch_rectification_close(f->ctx, 999, "2023-10-07", "x", TODAY), CH_ENOTFOUND,
	          "an unknown order");
	assert_int_equal(ch_rectification_close(f->ctx, o1, "2023-10-07", "已拆除", TODAY), 0);
	expect_rc(ch_rectification_close(f->ctx, o1, "2023-10-08", "again", TODAY), CH_ECONFLICT,
	          "closed twice");
	o = orders(f->ctx, 0, 1, "2023-11-11");
	assert_int_equal(o.n, 1);
	assert_int_equal(o.ids[0], o2);
	o = orders(f->ctx, 1, 0, NULL);
	assert_int_equal(o.n, 1);
	o = orders(f->ctx, 0, 0, NULL);
	assert_int_equal(o.n, 2);
	assert_int_equal(inspect_pass(f->ctx, "阜康市", "FK001", "2023-10-08"), 0);

	/* follow-up: FK001 (commissioned 08-01) due 11-14, FK002 (10-21) 11-20,
	 * FK003 (10-25) 11-24; second visits 2024-01-13 */
	struct due d = due(f->ctx, "2023-11-13");
	assert_int_equal(d.n, 0);
	d = due(f->ctx, "2023-11-20");
	assert_int_equal(d.n, 2);
	assert_string_equal(d.hh[0], "FK001");
	assert_string_equal(d.day[0], "2023-11-14");
	assert_int_equal(d.overdue[0], 1);
	assert_int_equal(d.visit[0], 1);
	assert_string_equal(d.hh[1], "FK002");
	assert_string_equal(d.day[1], "2023-11-20");
	assert_int_equal(d.overdue[1], 0);
	ch_followup_in v = {.county = "阜康市",
	                    .household = "FK001",
	                    .visit = 1,
	                    .day = "2023-11-16",
	                    .in_use = 0,
	                    .comfort = "一般",
	                    .coal_burned = 1,
	                    .visitor = "王五",
	                    .today = TODAY};
	int64_t ov = 0;
	assert_int_equal(ch_followup_record(f->ctx, &v, &ov), 0);
	assert_true(ov > o2);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM rectification WHERE source = 'followup'"),
	                 1);
	v.in_use = 1;
	v.coal_burned = 0;
	v.comfort = "good";
	v.satisfaction = 5;
	v.household = "FK002";
	v.day = "2023-11-20";
	assert_int_equal(ch_followup_record(f->ctx, &v, &ov), 0);
	assert_int_equal(ov, 0);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM rectification"), 3);
	expect_rc(ch_followup_record(f->ctx, &v, &ov), CH_EEXISTS, "the same visit twice");
	v.visit = 2;
	v.day = "2023-11-21";
	v.fault = "外机异响";
	/* the second visit is mid-season: not the day after the first, but
	 * from 90 days after the heating start (10-15), 2024-01-13 */
	assert_int_equal(ch_followup_record(f->ctx, &v, &ov), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), "2024-01-13"));
	ch_error_clear();
	v.day = "2024-01-12";
	v.today = "2024-01-31";
	expect_rc(ch_followup_record(f->ctx, &v, &ov), CH_EINVALID, "visit 2 a day early");
	v.household = "FK003"; /* commissioned, no first visit yet */
	v.day = "2024-01-13";
	assert_int_equal(ch_followup_record(f->ctx, &v, &ov), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), "第1次回访尚未记录"));
	ch_error_clear();
	v.household = "FK002";
	assert_int_equal(ch_followup_record(f->ctx, &v, &ov), 0);
	assert_true(ov > 0); /* a fault opens an order */
	v.today = TODAY;
	v.visit = 3;
	expect_rc(ch_followup_record(f->ctx, &v, &ov), CH_EINVALID, "visit 3");
	d = due(f->ctx, "2023-11-20");
	assert_int_equal(d.n, 0);
	d = due(f->ctx, "2024-01-13");
	/* FK003's first (11-24), then the second visits of FK001 and FK003;
	 * FK002 made both */
	assert_int_equal(d.n, 3);
	assert_string_equal(d.hh[0], "FK003");
	assert_int_equal(d.visit[0], 1);
	assert_string_equal(d.day[0], "2023-11-24");
	assert_string_equal(d.hh[1], "FK001");
	assert_int_equal(d.visit[1], 2);
	assert_string_equal(d.day[1], "2024-01-13");
	assert_int_equal(d.overdue[1], 0);
	assert_string_equal(d.hh[2], "FK003");
	assert_int_equal(d.visit[2], 2);
}

/* ---- the acceptance report ---- */

static const ch_acceptance_row *row_of(const ch_acceptance_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	fail_msg("no row %s", name);
	return NULL;
}

static void test_report(void **state)
{
	struct fixture *f = *state;
	static const struct group g[] = {
	    {"昌吉市", "大西渠镇", "空气能", "甲公司", "CJ", 1, 20},
	    {"阜康市", "滋泥泉子镇", "空气能", "丙公司", "FK", 1, 4},
	};
	import_plan(f->ctx);
	build(f->ctx, g, 2);
	add_user(f->ctx, "rv", CH_ROLE_REVIEWER, NULL);
	char *num = apply_all(f->ctx, "昌吉市", "2023-10-10");
	assign(f->ctx, num, "rv", "seed-report");
	/* 2 sampled: 1 fails (round 2: 5, 3 new pass; 1 of 5 → round 3: 15 new) */
	results(f->ctx, num, 1, "2023-10-20", 1, 0);
	results(f->ctx, num, 0, "2023-10-21", 1, 0);
	results(f->ctx, num, 0, "2023-10-22", 0, 1);

	ch_acceptance_row *rows;
	size_t n;
	assert_int_equal(ch_acceptance_report(f->ctx, 2023, "2023-10-31", &rows, &n), 0);
	assert_int_equal(n, 3);
	const ch_acceptance_row *cj = row_of(rows, n, "昌吉市"), *fk = row_of(rows, n, "阜康市"),
	                        *tot = &rows[n - 1];
	assert_int_equal(cj->target, 900);
	assert_int_equal(cj->commissioned, 20);
	assert_int_equal(cj->self_inspected, 19);
	assert_int_equal(cj->applied, 19);
	assert_int_equal(cj->sampled, 20);
	assert_int_equal(cj->passed, 19);
	assert_int_equal(cj->failed, 1);
	assert_int_equal(cj->reviewed, 19);
	assert_int_equal(cj->open_orders, 1);
	assert_int_equal(cj->overdue_orders, 0);
	assert_int_equal(fk->self_inspected, 4);
	assert_int_equal(fk->applied, 0);
	assert_int_equal(fk->sampled, 0);
	assert_int_equal(tot->target, 1000);
	assert_int_equal(tot->self_inspected, 23);
	assert_int_equal(tot->sampled, 20);
	assert_int_equal(tot->failed, 1);
	assert_int_equal(tot->open_orders, 1);
	ch_acceptance_free(rows, n);

	/* on 11-07 the review order (opened 10-22, deadline 11-06) is overdue */
	assert_int_equal(ch_acceptance_report(f->ctx, 2023, "2023-11-07", &rows, &n), 0);
	assert_int_equal(row_of(rows, n, "昌吉市")->overdue_orders, 1);
	assert_int_equal(rows[n - 1].overdue_orders, 1);
	ch_acceptance_free(rows, n);
	/* on 10-20: the first results (1 failed, 1 passed), nothing reviewed */
	assert_int_equal(ch_acceptance_report(f->ctx, 2023, "2023-10-20", &rows, &n), 0);
	cj = row_of(rows, n, "昌吉市");
	assert_int_equal(cj->passed, 1);
	assert_int_equal(cj->failed, 1);
	assert_int_equal(cj->reviewed, 0);
	assert_int_equal(cj->self_inspected, 20);
	ch_acceptance_free(rows, n);
	/* on 10-09, before the application: nothing applied for, nothing sampled */
	assert_int_equal(ch_acceptance_report(f->ctx, 2023, "2023-10-09", &rows, &n), 0);
	cj = row_of(rows, n, "昌吉市");
	int64_t applied = cj->applied, sampled = cj->sampled;
	ch_acceptance_free(rows, n);
	free(num);
	assert_int_equal(applied, 0);
	if (sampled != 0)
		fail_msg("report as of 2023-10-09 (before the application of 10-10): %lld sampled",
		         (long long)sampled);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_strata_minimums),
	    T(test_threshold_not_exceeded),
	    T(test_widen_once),
	    T(test_widen_to_everyone),
	    T(test_widen_skips_empty_round),
	    T(test_widen_rule_table),
	    T(test_weighted_contractor),
	    T(test_verify_after_register_update),
	    T(test_reproducible),
	    T(test_verify_tampered),
	    T(test_apply_refusals),
	    T(test_assign_and_result_refusals),
	    T(test_withdrawn_member),
	    T(test_result_before_application),
	    T(test_visit_before_commissioning),
	    T(test_rectification_and_followup),
	    T(test_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
