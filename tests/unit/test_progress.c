/*
 * test_progress — construction progress and the dispatch: the workflow
 * transition table (every pair of stages), stage names, ISO weeks and
 * period labels, the milestone calendar and its expected curve, and a
 * hand-built scenario through the core API (two counties, steps recorded
 * on chosen dates, a withdrawal after 已完工) whose dispatch figures are
 * computed here by hand: households per stage now and at the previous
 * period's end across week and month boundaries, energy-saving households
 * and area, expected shares, status colours, forecasts, the counties to
 * remind; then a frozen period, a correction inside it, ch_progress_verify
 * before and after tampering with progress_daily, and the roles that may
 * record and correct steps.
 */
#include "testdb.h"

#include "core/county_progress.h"
#include "core/ctx.h"
#include "core/dispatch.h"
#include "core/event.h"
#include "core/household.h"
#include "core/plan.h"
#include "core/problems.h"
#include "core/rules.h"
#include "core/seal.h"
#include "core/workflow.h"
#include "db/db.h"
#include "util/date.h"
#include "util/error.h"

/* ---- the transition table ---- */

/* Each stage to the next, withdrawal from every stage before the subsidy,
 * and the one step back (workflow.h): a failed review, 已申请复核 → 已调试. */
static int allowed(int from, int to)
{
	if (to == from + 1 && from >= CH_STAGE_REGISTERED && from < CH_STAGE_SUBSIDIZED)
		return 1;
	if (to == CH_STAGE_WITHDRAWN && from < CH_STAGE_SUBSIDIZED)
		return 1;
	if (from == CH_STAGE_REVIEW_REQUESTED && to == CH_STAGE_COMMISSIONED)
		return 1;
	return 0;
}

/* What ch_workflow_refusal must say for a refused FROM → TO. */
static const char *refusal_text(int from, int to)
{
	if (from == CH_STAGE_WITHDRAWN)
		return "已退出";
	if (from == CH_STAGE_SUBSIDIZED)
		return "补助已发放";
	if (to == from)
		return "已处于此环节";
	if (to == CH_STAGE_REGISTERED)
		return "不能退回到已登记";
	if (to < from)
		return "倒退";
	return "跳过";
}

/* The same fault on consecutive rows is one run (said once); another
 * value with the same reason stays in the run, another reason or a second
 * problem of the same row starts a new one. */
static void test_problem_runs(void **state)
{
	(void)state;
	ch_problems *p = ch_problems_new();
	ch_problem_run r;
	for (size_t line = 2; line <= 5; line++)
		ch_problems_add(p, line, 0, "县市", "昌吉市", 0,
		                "与导入时指定的县市「阜康市」不符");
	ch_problems_add(p, 6, 1, "户编号", "A1", 0, "不在管辖范围内");
	ch_problems_add(p, 8, 1, "户编号", "A3", 0, "不在管辖范围内");
	ch_problems_add(p, 8, 2, "日期", "x", 0, "不在管辖范围内");
	size_t i = ch_problems_run(p, 0, &r);
	assert_int_equal(i, 4);
	assert_int_equal(r.n, 4);
	assert_true(r.same_value);
	assert_int_equal(r.first->line, 2);
	assert_int_equal(r.last->line, 5);
	i = ch_problems_run(p, i, &r);
	assert_int_equal(r.n, 2);
	assert_false(r.same_value);
	assert_int_equal(r.last->line, 8);
	i = ch_problems_run(p, i, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.first->column, "日期");
	assert_int_equal(ch_problems_run(p, i, &r), i);
	assert_int_equal(r.n, 0);
	ch_problems_free(p);
}

/* The list keeps every problem as it was added, however many: past a
 * block of items, with a field's texts alternating (a text the same as
 * the last of its field is kept once), with a value longer than a chunk of
 * texts; a line is rejected by an error, not by a warning, and counted
 * once. */
/* The problem I of the lists test_problem_store* fill: two problems a
 * line, some warnings, values and reasons that repeat and that do not,
 * some without a value, and long values at LONG_AT. */
#define LONG_AT(i) ((i) == 1234 || (i) == 150000)
static void problem_texts(size_t i, char v[32], char why[64])
{
	snprintf(v, 32, "%s%zu", i % 3 == 0 ? "A" : "B", i % 7 ? (size_t)0 : i);
	snprintf(why, 64, "原因%s%zu", i % 2 ? "甲" : "乙", i % 5 ? (size_t)0 : i);
}

static void fill_problems(ch_problems *p, size_t n, const char *long_value)
{
	for (size_t i = 0; i < n; i++) {
		char v[32], why[64];
		problem_texts(i, v, why);
		size_t line = 2 + i / 2; /* two problems a line */
		int warning = line % 5 == 0;
		if (LONG_AT(i))
			ch_problems_add(p, line, (int)(i % 4) - 1, "列", long_value, warning,
			                "太长");
		else
			ch_problems_add(p, line, (int)(i % 4) - 1, "列", i % 11 ? v : NULL, warning,
			                "%s", why);
	}
}

static void check_problem(const ch_problems *p, size_t i, const char *long_value)
{
	const ch_problem *x = ch_problems_get(p, i);
	char v[32], why[64];
	problem_texts(i, v, why);
	size_t line = 2 + i / 2;
	assert_non_null(x);
	assert_int_equal(x->line, line);
	assert_int_equal(x->field, (int)(i % 4) - 1);
	assert_string_equal(x->column, "列");
	assert_int_equal(x->warning, line % 5 == 0);
	if (LONG_AT(i)) {
		assert_string_equal(x->value, long_value);
		assert_string_equal(x->reason, "太长");
	} else {
		if (i % 11)
			assert_string_equal(x->value, v);
		else
			assert_null(x->value);
		assert_string_equal(x->reason, why);
	}
}

/* Every problem of a list of N read back in order, the counts, and the
 * rejected lines. */
static void check_problems(const ch_problems *p, size_t n, const char *long_value)
{
	assert_int_equal(ch_problems_count(p), n);
	size_t rejected = 0, warnings = 0;
	for (size_t i = 0; i < n; i++) {
		check_problem(p, i, long_value);
		size_t line = 2 + i / 2;
		if (i % 2 == 0) {
			assert_int_equal(ch_problems_rejected(p, line), line % 5 != 0);
			rejected += line % 5 != 0;
		}
		warnings += line % 5 == 0;
	}
	assert_false(ch_problems_rejected(p, 1));
	assert_false(ch_problems_rejected(p, 2 + n / 2));
	assert_false(ch_problems_rejected(p, 10000000));
	assert_int_equal(ch_problems_nrejected(p), rejected);
	assert_int_equal(ch_problems_nwarnings(p), warnings);
	assert_null(ch_problems_get(p, n));
}

static char *long_text(void)
{
	char *s = malloc(100001);
	memset(s, 'x', 100000);
	s[100000] = '\0';
	return s;
}

static void test_problem_store(void **state)
{
	(void)state;
	ch_problems *p = ch_problems_new();
	char *long_value = long_text();
	fill_problems(p, 3000, long_value);
	check_problems(p, 3000, long_value);
	free(long_value);
	ch_problems_free(p);
}

/* Descriptors of this process open on an unlinked cleanheat-* file: the
 * problems' temporary file. */
static int spill_files(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++) {
		char link[64], target[4096];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t k = readlink(link, target, sizeof target - 1);
		if (k <= 0)
			continue;
		target[k] = '\0';
		n += strstr(target, "/cleanheat-") && strstr(target, "(deleted)");
	}
	return n;
}

/* A list past the memory a list keeps (4 MiB) goes to a temporary file and
 * reads back the same: in order, at random, and as runs that cross the
 * blocks read back; where no file can be made, it stays in memory. */
static void test_problem_store_spilled(void **state)
{
	(void)state;
	enum { N = 200000 };
	char *long_value = long_text();
	char *saved = test_tmpdir_save();
	for (int unwritable = 0; unwritable < 2; unwritable++) {
		if (unwritable)
			setenv("TMPDIR", TEST_TMPDIR_NOWHERE, 1);
		int before = spill_files();
		ch_problems *p = ch_problems_new();
		fill_problems(p, N, long_value);
		assert_int_equal(spill_files(), before + !unwritable);
		check_problems(p, N, long_value);
		/* at random: each read may load a block into either slot */
		uint64_t r = 88172645463325252u;
		for (int k = 0; k < 20000; k++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			check_problem(p, (size_t)(r % N), long_value);
		}
		/* in runs: each of one problem, as neighbours on different lines
		 * never say the same; the next run's first may be in the slot
		 * that held the last one's */
		ch_problem_run run;
		size_t i = 0, runs = 0;
		while ((i = ch_problems_run(p, i, &run), run.n)) {
			assert_int_equal(run.n, 1);
			assert_ptr_equal(run.first, run.last);
			assert_int_equal(run.first->line, 2 + (i - 1) / 2);
			runs++;
		}
		assert_int_equal(runs, N);
		ch_problems_free(p);
		assert_int_equal(spill_files(), before);

		/* one fault on 5,000 lines, then another on 3,000, among faults
		 * of their own: two runs across blocks that are in the file */
		p = ch_problems_new();
		size_t line = 2;
		for (size_t k = 0; k < 100000; k++, line++)
			ch_problems_add(p, line, 3, "联系电话", "12", 0, "不是手机号：%zu", k);
		for (size_t k = 0; k < 5000; k++, line++)
			ch_problems_add(p, line, 3, "联系电话", k % 2 ? "x" : "y", 0, "不是手机号");
		for (size_t k = 0; k < 3000; k++, line++)
			ch_problems_add(p, line, 4, "地址", NULL, 1, "太短");
		for (size_t k = 0; k < 100000; k++, line++)
			ch_problems_add(p, line, 3, "联系电话", "12", 0, "又一个：%zu", k);
		assert_int_equal(spill_files(), before + !unwritable);
		size_t at = ch_problems_run(p, 100000, &run);
		assert_int_equal(run.n, 5000);
		assert_int_equal(run.first->line, 100002);
		assert_int_equal(run.last->line, 105001);
		assert_string_equal(run.first->reason, "不是手机号");
		assert_string_equal(run.first->value, "y");
		assert_string_equal(run.last->value, "x");
		assert_false(run.same_value);
		at = ch_problems_run(p, at, &run);
		assert_int_equal(run.n, 3000);
		assert_int_equal(run.first->line, 105002);
		assert_int_equal(run.last->line, 108001);
		assert_true(run.same_value);
		assert_true(run.first->warning);
		assert_null(run.first->value);
		at = ch_problems_run(p, at, &run);
		assert_int_equal(run.n, 1);
		assert_string_equal(run.first->reason, "又一个：0");
		assert_int_equal(ch_problems_run(p, 208000, &run), 208000);
		assert_int_equal(run.n, 0);
		ch_problems_free(p);
	}
	test_tmpdir_restore(saved);
	free(long_value);
}

static void test_transitions_exhaustive(void **state)
{
	(void)state;
	int nallowed = 0;
	for (int from = 0; from < CH_STAGE_COUNT; from++) {
		for (int to = 0; to < CH_STAGE_COUNT; to++) {
			const struct ch_transition *t = ch_workflow_find(from, to);
			if (allowed(from, to)) {
				if (!t)
					fail_msg("%s → %s should be allowed", ch_stage_key(from),
					         ch_stage_key(to));
				assert_int_equal(t->from, from);
				assert_int_equal(t->to, to);
				assert_true(t->roles != 0);
				nallowed++;
				continue;
			}
			if (t)
				fail_msg("%s → %s should not be allowed", ch_stage_key(from),
				         ch_stage_key(to));
			const char *why = ch_workflow_refusal(from, to);
			assert_non_null(why);
			if (!strstr(why, refusal_text(from, to)))
				fail_msg("%s → %s: refusal '%s' lacks '%s'", ch_stage_key(from),
				         ch_stage_key(to), why, refusal_text(from, to));
		}
	}
	assert_int_equal(nallowed, 15);
	/* the table lists exactly these */
	int n = 0;
	for (const struct ch_transition *t = ch_workflow_table; t->roles; t++) {
		assert_true(allowed(t->from, t->to));
		n++;
	}
	assert_int_equal(n, 15);
}

static void test_transition_kinds(void **state)
{
	(void)state;
	/* skipped stages and steps after withdrawal say which */
	assert_non_null(
	    strstr(ch_workflow_refusal(CH_STAGE_REGISTERED, CH_STAGE_INSTALLED), "跳过"));
	assert_non_null(
	    strstr(ch_workflow_refusal(CH_STAGE_STARTED, CH_STAGE_SELF_INSPECTED), "跳过"));
	assert_non_null(
	    strstr(ch_workflow_refusal(CH_STAGE_COMMISSIONED, CH_STAGE_STARTED), "倒退"));
	assert_non_null(
	    strstr(ch_workflow_refusal(CH_STAGE_WITHDRAWN, CH_STAGE_STARTED), "已退出"));
	assert_non_null(
	    strstr(ch_workflow_refusal(CH_STAGE_WITHDRAWN, CH_STAGE_WITHDRAWN), "已退出"));
	assert_non_null(
	    strstr(ch_workflow_refusal(CH_STAGE_SUBSIDIZED, CH_STAGE_WITHDRAWN), "补助已发放"));
	assert_non_null(strstr(ch_workflow_refusal(CH_STAGE_STARTED, CH_STAGE_STARTED), "已处于"));

	/* the flags of the allowed steps */
	for (int from = 0; from < CH_STAGE_SUBSIDIZED; from++) {
		const struct ch_transition *w = ch_workflow_find(from, CH_STAGE_WITHDRAWN);
		assert_non_null(w);
		assert_true(w->needs_note);
		assert_false(w->needs_evidence);
		assert_true(w->via_import);
	}
	for (int from = 0; from < CH_STAGE_SUBSIDIZED; from++) {
		const struct ch_transition *t = ch_workflow_find(from, from + 1);
		int to = from + 1;
		assert_non_null(t);
		assert_false(t->needs_note);
		if (to == CH_STAGE_SELF_INSPECTED)
			assert_true(t->needs_evidence);
		if (to <= CH_STAGE_COMMISSIONED)
			assert_false(t->needs_evidence);
		assert_int_equal(t->via_import, to == CH_STAGE_STARTED ||
		                                    to == CH_STAGE_INSTALLED ||
		                                    to == CH_STAGE_COMMISSIONED);
	}
	/* field steps for township operators, acceptance for the county, review
	 * for reviewers, payment for finance */
	const unsigned twp = 1u << CH_ROLE_TOWNSHIP_OPERATOR, cty = 1u << CH_ROLE_COUNTY_OPERATOR;
	assert_true(ch_workflow_find(CH_STAGE_REGISTERED, CH_STAGE_STARTED)->roles & twp);
	assert_false(ch_workflow_find(CH_STAGE_COMMISSIONED, CH_STAGE_SELF_INSPECTED)->roles & twp);
	assert_true(ch_workflow_find(CH_STAGE_COMMISSIONED, CH_STAGE_SELF_INSPECTED)->roles & cty);
	assert_true(ch_workflow_find(CH_STAGE_REVIEW_REQUESTED, CH_STAGE_REVIEWED)->roles &
	            (1u << CH_ROLE_REVIEWER));
	assert_false(ch_workflow_find(CH_STAGE_REVIEW_REQUESTED, CH_STAGE_REVIEWED)->roles & cty);
	assert_true(ch_workflow_find(CH_STAGE_REVIEWED, CH_STAGE_SUBSIDIZED)->roles &
	            (1u << CH_ROLE_FINANCE));
	assert_false(ch_workflow_find(CH_STAGE_STARTED, CH_STAGE_WITHDRAWN)->roles & twp);
	/* the failed review: by a reviewer, with the reason, never in a weekly import */
	const struct ch_transition *back =
	    ch_workflow_find(CH_STAGE_REVIEW_REQUESTED, CH_STAGE_COMMISSIONED);
	assert_non_null(back);
	assert_true(back->needs_note);
	assert_false(back->via_import);
	assert_true(back->roles & (1u << CH_ROLE_REVIEWER));
	assert_false(back->roles & cty);
	/* no other step back */
	assert_null(ch_workflow_find(CH_STAGE_REVIEWED, CH_STAGE_COMMISSIONED));
	assert_null(ch_workflow_find(CH_STAGE_SELF_INSPECTED, CH_STAGE_COMMISSIONED));
	assert_null(ch_workflow_find(CH_STAGE_REVIEW_REQUESTED, CH_STAGE_SELF_INSPECTED));
}

static void test_stage_parse(void **state)
{
	(void)state;
	for (int s = 0; s < CH_STAGE_COUNT; s++) {
		assert_int_equal(ch_stage_parse(ch_stage_key(s)), s);
		assert_int_equal(ch_stage_parse(ch_stage_name(s)), s);
	}
	assert_string_equal(ch_stage_name(CH_STAGE_STARTED), "已开工");
	assert_string_equal(ch_stage_key(CH_STAGE_WITHDRAWN), "withdrawn");
	assert_int_equal(ch_stage_parse("开工"), CH_STAGE_STARTED);
	assert_int_equal(ch_stage_parse("完工"), CH_STAGE_INSTALLED);
	assert_int_equal(ch_stage_parse("调试完成"), CH_STAGE_COMMISSIONED);
	assert_int_equal(ch_stage_parse("退出"), CH_STAGE_WITHDRAWN);
	assert_int_equal(ch_stage_parse("登记"), CH_STAGE_REGISTERED);
	assert_int_equal(ch_stage_parse("已安装"), CH_STAGE_INSTALLED);
	assert_int_equal(ch_stage_parse("自验"), CH_STAGE_SELF_INSPECTED);
	assert_int_equal(ch_stage_parse("已发放补助"), CH_STAGE_SUBSIDIZED);
	/* surrounding and ideographic spaces do not matter */
	assert_int_equal(ch_stage_parse("  已完工 "), CH_STAGE_INSTALLED);
	assert_int_equal(ch_stage_parse("\u3000已开工\u3000"), CH_STAGE_STARTED);
	assert_int_equal(ch_stage_parse(""), -1);
	assert_int_equal(ch_stage_parse("已竣工"), -1);
	assert_int_equal(ch_stage_parse("started2"), -1);
	assert_int_equal(ch_stage_parse(NULL), -1);
	assert_string_equal(ch_stage_key(CH_STAGE_COUNT), "?");
}

/* The full name of 已调试 as the implementation plan writes it, with its
 * full-width comma: listed as a variant in workflow.c. */
static void test_stage_parse_full_name(void **state)
{
	(void)state;
	assert_int_equal(ch_stage_parse("具备使用条件"), CH_STAGE_COMMISSIONED);
	int s = ch_stage_parse("已调试，具备使用条件");
	if (s != CH_STAGE_COMMISSIONED)
		fail_msg(
		    "ch_stage_parse(\"已调试，具备使用条件\") = %d, expected %d (commissioned)", s,
		    CH_STAGE_COMMISSIONED);
}

/* ---- dates and periods ---- */

static ch_date D(int y, int m, int d)
{
	return (ch_date){y, m, d};
}

static void expect_week(ch_date d, int wy, int ww, int wday)
{
	int y = 0, w = 0;
	ch_date_iso_week(&d, &y, &w);
	if (y != wy || w != ww || ch_date_weekday(&d) != wday)
		fail_msg("%04d-%02d-%02d: %d-W%02d weekday %d, expected %d-W%02d weekday %d",
		         d.year, d.month, d.day, y, w, ch_date_weekday(&d), wy, ww, wday);
}

static void expect_date(const ch_date *got, int y, int m, int d)
{
	if (got->year != y || got->month != m || got->day != d)
		fail_msg("got %04d-%02d-%02d, expected %04d-%02d-%02d", got->year, got->month,
		         got->day, y, m, d);
}

static void test_iso_weeks(void **state)
{
	(void)state;
	ch_date e;
	expect_week(D(2023, 7, 16), 2023, 28, 7);
	expect_week(D(2023, 7, 10), 2023, 28, 1);
	expect_week(D(2023, 7, 17), 2023, 29, 1);
	expect_week(D(2023, 1, 1), 2022, 52, 7);
	expect_week(D(2023, 1, 2), 2023, 1, 1);
	expect_week(D(2020, 12, 31), 2020, 53, 4);
	expect_week(D(2021, 1, 3), 2020, 53, 7);
	expect_week(D(2021, 1, 4), 2021, 1, 1);
	expect_week(D(2024, 12, 30), 2025, 1, 1);
	expect_week(D(2023, 12, 31), 2023, 52, 7);
	expect_week(D(1970, 1, 1), 1970, 1, 4);
	expect_week(D(2024, 2, 29), 2024, 9, 4);

	ch_date_iso_week_end(2023, 28, &e);
	expect_date(&e, 2023, 7, 16);
	ch_date_iso_week_end(2022, 52, &e);
	expect_date(&e, 2023, 1, 1);
	ch_date_iso_week_end(2020, 53, &e);
	expect_date(&e, 2021, 1, 3);
	ch_date_iso_week_end(2023, 1, &e);
	expect_date(&e, 2023, 1, 8);
	ch_date_iso_week_end(2025, 1, &e);
	expect_date(&e, 2025, 1, 5);

	ch_date z = D(1970, 1, 1);
	assert_int_equal(ch_date_days(&z), 0);
	ch_date_from_days(0, &e);
	expect_date(&e, 1970, 1, 1);
	ch_date_from_days(-1, &e);
	expect_date(&e, 1969, 12, 31);
	ch_date x = D(2023, 7, 16);
	assert_int_equal(ch_date_days(&x), 19554);
	ch_date_from_days(19554 + 16, &e);
	expect_date(&e, 2023, 8, 1);
}

/* Every day from 1999 to 2031: from_days ∘ days is the identity, the days
 * follow each other in the calendar, the weekday cycles, and each day's ISO
 * week ends on the Sunday 0-6 days after it. */
static void test_date_round_trip(void **state)
{
	(void)state;
	ch_date d = D(1999, 1, 1), e;
	long first = ch_date_days(&d);
	int wd = ch_date_weekday(&d);
	assert_int_equal(wd, 5); /* 1999-01-01 was a Friday */
	for (long n = first; n < first + 33 * 366; n++) {
		ch_date_from_days(n, &e);
		if (e.year != d.year || e.month != d.month || e.day != d.day)
			fail_msg("day %ld: %04d-%02d-%02d, expected %04d-%02d-%02d", n, e.year,
			         e.month, e.day, d.year, d.month, d.day);
		assert_int_equal(ch_date_days(&d), n);
		assert_int_equal(ch_date_weekday(&d), wd);
		int y, w;
		ch_date_iso_week(&d, &y, &w);
		assert_true(w >= 1 && w <= 53);
		ch_date end;
		ch_date_iso_week_end(y, w, &end);
		long gap = ch_date_days(&end) - n;
		if (gap != 7 - wd)
			fail_msg("%04d-%02d-%02d (%d-W%02d) ends its week on %04d-%02d-%02d",
			         d.year, d.month, d.day, y, w, end.year, end.month, end.day);
		/* next day */
		wd = wd % 7 + 1;
		if (ch_date_valid(d.year, d.month, d.day + 1))
			d.day++;
		else if (d.month < 12)
			d = D(d.year, d.month + 1, 1);
		else
			d = D(d.year + 1, 1, 1);
	}
}

static void expect_period(const char *label, int y, int m, int d, int monthly)
{
	ch_date e = {0, 0, 0};
	int mo = -1;
	int rc = ch_period_end(label, &e, &mo);
	if (rc != 0)
		fail_msg("period '%s': %d %s", label, rc, ch_error_message());
	expect_date(&e, y, m, d);
	assert_int_equal(mo, monthly);
}

static void expect_bad_period(const char *label)
{
	ch_date e = {0, 0, 0};
	int mo = -1;
	int rc = ch_period_end(label, &e, &mo);
	ch_error_clear();
	if (rc != CH_EINVALID)
		fail_msg("period '%s' accepted (rc %d, end %04d-%02d-%02d)", label, rc, e.year,
		         e.month, e.day);
}

static void test_periods(void **state)
{
	(void)state;
	expect_period("2023-W28", 2023, 7, 16, 0);
	expect_period("2023-W01", 2023, 1, 8, 0);
	expect_period("2022-W52", 2023, 1, 1, 0);
	expect_period("2020-W53", 2021, 1, 3, 0);
	expect_period("2023-07", 2023, 7, 31, 1);
	expect_period("2023-02", 2023, 2, 28, 1);
	expect_period("2024-02", 2024, 2, 29, 1);
	expect_period("2023-12", 2023, 12, 31, 1);
	expect_period("2023-01", 2023, 1, 31, 1);
	expect_bad_period("");
	expect_bad_period("2023");
	expect_bad_period("2023-13");
	expect_bad_period("2023-00");
	expect_bad_period("2023-W00");
	expect_bad_period("2023-W54");
	expect_bad_period("2023-W28x");
	expect_bad_period("2023-07-01");
	expect_bad_period("2023-07x");
	expect_bad_period("W28");
	expect_bad_period("week 28");

	char out[16];
	ch_date d = D(2023, 7, 16);
	ch_period_label(&d, 0, out, sizeof out);
	assert_string_equal(out, "2023-W28");
	ch_period_label(&d, 1, out, sizeof out);
	assert_string_equal(out, "2023-07");
	d = D(2023, 1, 1);
	ch_period_label(&d, 0, out, sizeof out);
	assert_string_equal(out, "2022-W52");
	ch_period_label(&d, 1, out, sizeof out);
	assert_string_equal(out, "2023-01");
}

/* 2023 has 52 ISO weeks (it starts on a Sunday): 2023-W53 names no week;
 * taking it as the week after W52 would freeze 2024-W01 under that name. */
static void test_period_nonexistent_week(void **state)
{
	(void)state;
	expect_bad_period("2023-W53");
	expect_bad_period("2022-W53");
}

/* ---- on a database ---- */

struct fixture {
	char *dir;
	char url[640];
	ch_ctx *ctx; /* root, the bootstrap prefecture_admin */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	if (test_db_open(f->dir, "progress.db", f->url, sizeof f->url, &f->ctx) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ch_ctx_free(f->ctx);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static void test_calendar(void **state)
{
	struct fixture *f = *state;
	ch_calendar c;
	assert_int_equal(ch_calendar_load(f->ctx, 2023, &c), 0);
	expect_date(&c.impl_start, 2023, 4, 1);
	expect_date(&c.acceptance_start, 2023, 10, 1);
	expect_date(&c.deadline[CH_STAGE_STARTED], 2023, 5, 31);
	expect_date(&c.deadline[CH_STAGE_INSTALLED], 2023, 9, 30);
	expect_date(&c.deadline[CH_STAGE_COMMISSIONED], 2023, 9, 30);
	expect_date(&c.deadline[CH_STAGE_SELF_INSPECTED], 2023, 10, 30);
	expect_date(&c.deadline[CH_STAGE_REVIEWED], 2023, 10, 31);
	assert_int_equal(c.deadline[CH_STAGE_REVIEW_REQUESTED].year, 0);
	assert_int_equal(c.deadline[CH_STAGE_REGISTERED].year, 0);
	assert_int_equal(c.deadline[CH_STAGE_WITHDRAWN].year, 0);
	assert_int_equal(c.green_gap, 5);
	assert_int_equal(c.yellow_gap, 15);
	assert_int_equal(c.forecast_weeks, 4);

	/* started: 2023-04-01 → 2023-05-31, 60 days */
	ch_date d = D(2023, 4, 1);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_STARTED, &d), 0);
	d = D(2023, 3, 15);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_STARTED, &d), 0);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_INSTALLED, &d), 0);
	d = D(2023, 5, 1);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_STARTED, &d), 500);
	d = D(2023, 4, 16);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_STARTED, &d), 250);
	d = D(2023, 5, 31);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_STARTED, &d), 1000);
	d = D(2023, 5, 30);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_STARTED, &d), 983);
	d = D(2023, 8, 1);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_STARTED, &d), 1000);
	/* installed, commissioned: 2023-04-01 → 2023-09-30, 182 days */
	d = D(2023, 7, 16);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_INSTALLED, &d), 582);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_COMMISSIONED, &d), 582);
	d = D(2023, 6, 30);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_INSTALLED, &d), 494);
	d = D(2023, 9, 30);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_INSTALLED, &d), 1000);
	d = D(2024, 1, 1);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_COMMISSIONED, &d), 1000);
	/* acceptance: from 2023-10-01; nothing expected before */
	d = D(2023, 9, 30);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_SELF_INSPECTED, &d), 0);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_REVIEWED, &d), 0);
	d = D(2023, 10, 16);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_SELF_INSPECTED, &d), 517);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_REVIEWED, &d), 500);
	d = D(2023, 10, 31);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_REVIEWED, &d), 1000);
	/* stages without a deadline */
	d = D(2023, 7, 16);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_REGISTERED, &d), -1);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_REVIEW_REQUESTED, &d), -1);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_SUBSIDIZED, &d), -1);
	assert_int_equal(ch_calendar_expected(&c, CH_STAGE_WITHDRAWN, &d), -1);

	/* 2024 has no calendar: refused, naming what to load, never 2023's
	 * dates moved a year on; then the office loads its own */
	ch_calendar c4;
	assert_int_equal(ch_calendar_load(f->ctx, 2024, &c4), CH_ENOTFOUND);
	assert_non_null(strstr(ch_error_message(), "rules import calendar FILE --year 2024"));
	ch_error_clear();
	static const char cal2024[] = "key,value\n"
	                              "implementation_start,2024-04-01\n"
	                              "started_deadline,2024-05-31\n"
	                              "installed_deadline,2024-09-30\n"
	                              "commissioned_deadline,2024-09-30\n"
	                              "acceptance_start,2024-10-01\n"
	                              "self_inspected_deadline,2024-10-30\n"
	                              "reviewed_deadline,2024-10-31\n"
	                              "green_gap,5\nyellow_gap,15\nforecast_weeks,4\n";
	int64_t version = 0;
	assert_int_equal(ch_rules_import(f->ctx, "calendar", 2024, "2024年日历.csv", cal2024,
	                                 sizeof cal2024 - 1, &version),
	                 0);
	assert_int_equal(version, 1);
	assert_int_equal(ch_calendar_load(f->ctx, 2024, &c4), 0);
	expect_date(&c4.impl_start, 2024, 4, 1);
	expect_date(&c4.acceptance_start, 2024, 10, 1);
	expect_date(&c4.deadline[CH_STAGE_STARTED], 2024, 5, 31);
	expect_date(&c4.deadline[CH_STAGE_INSTALLED], 2024, 9, 30);
	expect_date(&c4.deadline[CH_STAGE_COMMISSIONED], 2024, 9, 30);
	expect_date(&c4.deadline[CH_STAGE_SELF_INSPECTED], 2024, 10, 30);
	expect_date(&c4.deadline[CH_STAGE_REVIEWED], 2024, 10, 31);
	assert_int_equal(c4.deadline[CH_STAGE_REVIEW_REQUESTED].year, 0);
	assert_int_equal(c4.green_gap, 5);
	assert_int_equal(c4.yellow_gap, 15);
	assert_int_equal(c4.forecast_weeks, 4);
	d = D(2024, 5, 1);
	assert_int_equal(ch_calendar_expected(&c4, CH_STAGE_STARTED, &d), 500);
	d = D(2023, 5, 1); /* a year early */
	assert_int_equal(ch_calendar_expected(&c4, CH_STAGE_STARTED, &d), 0);
}

/* ---- the scenario ---- */

/* A plan with small targets: 昌吉市 4 (3 new, 1 continuing, 2 energy-saving),
 * 阜康市 2 (2 new, 1 energy-saving). */
static void import_plan(ch_ctx *ctx)
{
	static const test_plan_row rows[] = {{"昌吉市", "4", "3", "1", "2"},
	                                     {"阜康市", "2", "2", "", "1"}};
	test_import_plan(ctx, "2023年度测试计划", rows, sizeof rows / sizeof rows[0]);
}

static void import_households(ch_ctx *ctx)
{
	static const struct {
		const char *county, *township, *village, *hh, *id, *batch, *measures, *es_area;
	} hh[] = {
	    {"昌吉市", "大西渠镇", "大西渠村", "CJ001", "652301197003010018", "新建", "外墙保温",
	     "100"},
	    {"昌吉市", "大西渠镇", "大西渠村", "CJ002", "652301197003010026", "新建", "门窗", "50"},
	    {"昌吉市", "大西渠镇", "大西渠村", "CJ003", "652301197003010034", "新建", NULL, NULL},
	    {"昌吉市", "大西渠镇", "大西渠村", "CJ004", "652301197003010042", "续建", NULL, NULL},
	    {"阜康市", "滋泥泉子镇", "滋泥泉子村", "FK001", "652302197003010014", "新建", "屋顶",
	     "80"},
	    {"阜康市", "滋泥泉子镇", "滋泥泉子村", "FK002", "652302197003010022", "新建", NULL,
	     NULL},
	};
	ch_hh_import_opts o = {.file = "unit.csv", .file_hash = "0"};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	assert_int_equal(ch_hh_import_begin(ctx, &o, &imp), 0);
	for (size_t i = 0; i < sizeof hh / sizeof hh[0]; i++) {
		const char *fl[CH_HF_COUNT] = {0};
		fl[CH_HF_COUNTY] = hh[i].county;
		fl[CH_HF_TOWNSHIP] = hh[i].township;
		fl[CH_HF_VILLAGE] = hh[i].village;
		fl[CH_HF_HH_NO] = hh[i].hh;
		fl[CH_HF_HEAD] = "测试";
		fl[CH_HF_ID] = hh[i].id;
		fl[CH_HF_HEATED_AREA] = "120";
		fl[CH_HF_TECH] = "空气能";
		fl[CH_HF_MEASURES] = hh[i].measures;
		fl[CH_HF_ES_AREA] = hh[i].es_area;
		fl[CH_HF_YEAR] = "2023";
		fl[CH_HF_BATCH] = hh[i].batch;
		assert_int_equal(ch_hh_import_row(imp, i + 2, fl), 0);
	}
	int rc = ch_hh_import_finish(imp, &sum);
	if (rc != 0)
		fail_msg("household import: %s", ch_error_message());
	assert_int_equal(sum.inserted, 6);
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
}

struct step {
	const char *county, *hh, *stage, *day, *note;
};

/* Records STEPS in one batch; returns ch_event_finish's result and the
 * number of rejected rows in *REJECTED. */
static int record(ch_ctx *ctx, const struct step *steps, size_t n, size_t *rejected,
                  const char *want_problem)
{
	ch_event_opts o = {.today = "2023-12-31"};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	assert_int_equal(ch_event_begin(ctx, &o, &b), 0);
	for (size_t i = 0; i < n; i++) {
		ch_event_in in = {.line = i + 1,
		                  .county = steps[i].county,
		                  .household = steps[i].hh,
		                  .stage = steps[i].stage,
		                  .day = steps[i].day,
		                  .note = steps[i].note};
		assert_int_equal(ch_event_add(b, &in), 0);
	}
	int rc = ch_event_finish(b, &sum);
	if (rejected)
		*rejected = sum.rejected;
	if (want_problem) {
		const ch_problems *p = ch_event_problems(b);
		int seen = 0;
		for (size_t i = 0; i < ch_problems_count(p); i++)
			if (strstr(ch_problems_get(p, i)->reason, want_problem))
				seen = 1;
		if (!seen)
			fail_msg("no problem saying '%s'", want_problem);
	}
	ch_event_free(b);
	return rc;
}

static int64_t q(ch_ctx *ctx, const char *sql)
{
	int64_t n = -1;
	if (ch_db_query_int64(ch_ctx_db(ctx), &n, sql, NULL) != 0)
		fail_msg("%s: %s", sql, ch_error_message());
	return n;
}

static void verify_ok(ch_ctx *ctx)
{
	size_t rows = 0;
	int rc = ch_progress_verify(ctx, &rows);
	if (rc != 0)
		fail_msg("ch_progress_verify: %d %s", rc, ch_error_message());
	assert_true(rows > 0);
}

/* The steps of the scenario:
 *   昌吉市 CJ001 (节能 100 m²): 已开工 04-03, 已完工 07-16 (Sun), 已调试 07-31
 *   昌吉市 CJ002 (节能 50 m²):  已开工 04-20, 已完工 07-17 (Mon), 已退出 08-01
 *   昌吉市 CJ003:               已开工 05-31, 已完工 07-10
 *   昌吉市 CJ004:               nothing
 *   阜康市 FK001 (节能 80 m²):  已开工 06-20
 *   阜康市 FK002:               已开工 07-17 */
static void build_scenario(ch_ctx *ctx)
{
	import_plan(ctx);
	import_households(ctx);
	static const struct step steps[] = {
	    {"昌吉市", "CJ001", "已开工", "2023-04-03", NULL},
	    {"昌吉市", "CJ002", "开工", "2023-04-20", NULL},
	    {"昌吉市", "CJ003", "started", "2023-05-31", NULL},
	    {"阜康市", "FK001", "已开工", "2023-06-20", NULL},
	    {"昌吉市", "CJ003", "已完工", "2023-07-10", NULL},
	    {"昌吉市", "CJ001", "完工", "2023/7/16", NULL},
	    {"昌吉市", "CJ002", "已完工", "2023-07-17", NULL},
	    {"阜康市", "FK002", "已开工", "2023-07-17", NULL},
	    {"昌吉市", "CJ001", "已调试", "2023年7月31日", NULL},
	    {"昌吉市", "CJ002", "已退出", "2023-08-01", "农户自愿退出"},
	};
	size_t rejected = 99;
	int rc = record(ctx, steps, sizeof steps / sizeof steps[0], &rejected, NULL);
	if (rc != 0)
		fail_msg("recording the scenario: %s", ch_error_message());
	assert_int_equal(rejected, 0);
	assert_int_equal(q(ctx, "SELECT count(*) FROM event"), 10);
}

static const ch_dispatch_row *row_of(const ch_dispatch *d, const char *name)
{
	for (size_t i = 0; i < d->nrows; i++)
		if (strcmp(d->rows[i].name, name) == 0)
			return &d->rows[i];
	fail_msg("no dispatch row %s", name);
	return NULL;
}

static ch_dispatch compute(ch_ctx *ctx, const char *as_of, int monthly)
{
	ch_dispatch d;
	int rc = ch_dispatch_compute(ctx, 2023, as_of, monthly, &d);
	if (rc != 0)
		fail_msg("ch_dispatch_compute %s: %d %s", as_of, rc, ch_error_message());
	return d;
}

/* n[] for started, installed, commissioned, withdrawn */
static void expect_n(const ch_dispatch_row *r, int64_t st, int64_t in, int64_t co, int64_t wd)
{
	if (r->n[CH_STAGE_STARTED] != st || r->n[CH_STAGE_INSTALLED] != in ||
	    r->n[CH_STAGE_COMMISSIONED] != co || r->n[CH_STAGE_WITHDRAWN] != wd)
		fail_msg(
		    "%s: n = %lld/%lld/%lld withdrawn %lld, expected %lld/%lld/%lld/%lld", r->name,
		    (long long)r->n[CH_STAGE_STARTED], (long long)r->n[CH_STAGE_INSTALLED],
		    (long long)r->n[CH_STAGE_COMMISSIONED], (long long)r->n[CH_STAGE_WITHDRAWN],
		    (long long)st, (long long)in, (long long)co, (long long)wd);
	assert_int_equal(r->n[CH_STAGE_SELF_INSPECTED], 0);
	assert_int_equal(r->n[CH_STAGE_REVIEWED], 0);
}

static void expect_prev(const ch_dispatch_row *r, int64_t st, int64_t in, int64_t co, int64_t wd)
{
	if (r->prev[CH_STAGE_STARTED] != st || r->prev[CH_STAGE_INSTALLED] != in ||
	    r->prev[CH_STAGE_COMMISSIONED] != co || r->prev[CH_STAGE_WITHDRAWN] != wd)
		fail_msg("%s: prev = %lld/%lld/%lld withdrawn %lld, expected %lld/%lld/%lld/%lld",
		         r->name, (long long)r->prev[CH_STAGE_STARTED],
		         (long long)r->prev[CH_STAGE_INSTALLED],
		         (long long)r->prev[CH_STAGE_COMMISSIONED],
		         (long long)r->prev[CH_STAGE_WITHDRAWN], (long long)st, (long long)in,
		         (long long)co, (long long)wd);
}

static void test_scenario_dispatch(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	verify_ok(f->ctx);

	/* 2023-04-09, a Sunday: started expected 8/60 = 13.3 %, installed 8/182
	 * = 4.3 %. 昌吉市 1/4 started (ahead), 0 installed (4.3 behind): green;
	 * 阜康市 0 started, 13.3 behind: yellow; the prefecture 1/6 = 16.6 %:
	 * green. */
	ch_dispatch d = compute(f->ctx, "2023-04-09", 0);
	assert_int_equal(d.nrows, 3);
	assert_string_equal(d.period, "2023-W14");
	assert_string_equal(d.prev_as_of, "2023-04-02");
	assert_string_equal(d.prev_period, "2023-W13");
	const ch_dispatch_row *cj = row_of(&d, "昌吉市"), *fk = row_of(&d, "阜康市");
	const ch_dispatch_row *tot = row_of(&d, "全州合计");
	assert_ptr_equal(tot, &d.rows[2]);
	assert_string_equal(cj->code, "652301");
	assert_string_equal(fk->code, "652302");
	assert_string_equal(tot->code, "652300");
	assert_int_equal(cj->target, 4);
	assert_int_equal(cj->target_new, 3);
	assert_int_equal(cj->target_continuing, 1);
	assert_int_equal(cj->target_es, 2);
	assert_int_equal(tot->target, 6);
	assert_int_equal(tot->target_es, 3);
	expect_n(cj, 1, 0, 0, 0);
	expect_n(fk, 0, 0, 0, 0);
	expect_n(tot, 1, 0, 0, 0);
	expect_prev(cj, 0, 0, 0, 0);
	assert_int_equal(cj->expected[CH_STAGE_STARTED], 133);
	assert_int_equal(cj->expected[CH_STAGE_INSTALLED], 43);
	assert_int_equal(cj->expected[CH_STAGE_SELF_INSPECTED], 0);
	assert_int_equal(cj->expected[CH_STAGE_REVIEW_REQUESTED], -1);
	assert_int_equal(cj->gap[CH_STAGE_STARTED], 133 - 250);
	assert_int_equal(fk->gap[CH_STAGE_STARTED], 133);
	assert_int_equal(tot->gap[CH_STAGE_STARTED], 133 - 166);
	assert_int_equal(cj->status, CH_STATUS_GREEN);
	assert_int_equal(fk->status, CH_STATUS_YELLOW);
	assert_int_equal(tot->status, CH_STATUS_GREEN);
	assert_string_equal(ch_status_name(cj->status), "绿");
	assert_string_equal(ch_status_name(fk->status), "黄");
	/* forecast: 昌吉市 3 to go at 1 in the 8 days since implementation
	 * began (not in 4 weeks: the phase is younger): 24 days → 2023-05-03,
	 * before 05-31; 阜康市 has had no progress: stalled */
	assert_int_equal(cj->recent[CH_STAGE_STARTED], 1);
	expect_date(&cj->forecast[CH_STAGE_STARTED], 2023, 5, 3);
	assert_false(cj->late[CH_STAGE_STARTED]);
	assert_true(fk->stalled[CH_STAGE_STARTED]);
	assert_int_equal(fk->forecast[CH_STAGE_STARTED].year, 0);
	ch_dispatch_dispose(&d);

	/* 2023-04-16: started 25.0 %, installed 8.2 %: 昌吉市 0 installed, 8.2
	 * behind: yellow; 阜康市 25 behind: red */
	d = compute(f->ctx, "2023-04-16", 0);
	cj = row_of(&d, "昌吉市"), fk = row_of(&d, "阜康市"), tot = row_of(&d, "全州合计");
	assert_int_equal(cj->expected[CH_STAGE_STARTED], 250);
	assert_int_equal(cj->expected[CH_STAGE_INSTALLED], 82);
	assert_int_equal(cj->status, CH_STATUS_YELLOW);
	assert_int_equal(fk->status, CH_STATUS_RED);
	assert_int_equal(tot->status, CH_STATUS_YELLOW);
	assert_string_equal(ch_status_name(fk->status), "红");
	ch_dispatch_dispose(&d);

	/* 2023-07-16, Sunday of W28, against Sunday 07-09 */
	d = compute(f->ctx, "2023-07-16", 0);
	assert_string_equal(d.as_of, "2023-07-16");
	assert_string_equal(d.period, "2023-W28");
	assert_string_equal(d.prev_as_of, "2023-07-09");
	assert_string_equal(d.prev_period, "2023-W27");
	assert_false(d.prev_frozen);
	cj = row_of(&d, "昌吉市"), fk = row_of(&d, "阜康市"), tot = row_of(&d, "全州合计");
	expect_n(cj, 3, 2, 0, 0);
	expect_prev(cj, 3, 0, 0, 0);
	expect_n(fk, 1, 0, 0, 0);
	expect_prev(fk, 1, 0, 0, 0);
	expect_n(tot, 4, 2, 0, 0);
	expect_prev(tot, 4, 0, 0, 0);
	for (int s = 0; s < CH_STAGE_COUNT; s++)
		assert_int_equal(tot->corrected[s], 0);
	/* energy-saving: CJ001 and CJ002 started (150 m²), CJ001 installed */
	assert_int_equal(cj->es_n[CH_STAGE_STARTED], 2);
	assert_int_equal(cj->es_area_centi[CH_STAGE_STARTED], 15000);
	assert_int_equal(cj->es_n[CH_STAGE_INSTALLED], 1);
	assert_int_equal(cj->es_area_centi[CH_STAGE_INSTALLED], 10000);
	assert_int_equal(fk->es_n[CH_STAGE_STARTED], 1);
	assert_int_equal(fk->es_area_centi[CH_STAGE_STARTED], 8000);
	assert_int_equal(tot->es_n[CH_STAGE_STARTED], 3);
	assert_int_equal(tot->es_area_centi[CH_STAGE_STARTED], 23000);
	/* expected: started 100 %, installed 106/182 = 58.2 % */
	assert_int_equal(cj->expected[CH_STAGE_STARTED], 1000);
	assert_int_equal(cj->expected[CH_STAGE_INSTALLED], 582);
	assert_int_equal(cj->expected[CH_STAGE_COMMISSIONED], 582);
	assert_int_equal(cj->gap[CH_STAGE_STARTED], 250);
	assert_int_equal(cj->gap[CH_STAGE_INSTALLED], 582 - 500);
	assert_int_equal(cj->status, CH_STATUS_RED);
	assert_int_equal(fk->status, CH_STATUS_RED);
	/* recent (since 06-18): 昌吉市 started 0 (stalled), installed 2: 2 to go,
	 * ceil(2*4/2) = 4 weeks → 08-13, before 09-30; 阜康市 started 1 (06-20): 1
	 * to go, 4 weeks → 08-13, after 05-31; the prefecture: started 1 → 8
	 * weeks → 09-10 (late), installed 2 of 4 to go → 8 weeks → 09-10 */
	assert_int_equal(cj->recent[CH_STAGE_STARTED], 0);
	assert_true(cj->stalled[CH_STAGE_STARTED]);
	assert_int_equal(cj->recent[CH_STAGE_INSTALLED], 2);
	expect_date(&cj->forecast[CH_STAGE_INSTALLED], 2023, 8, 13);
	assert_false(cj->late[CH_STAGE_INSTALLED]);
	assert_true(cj->stalled[CH_STAGE_COMMISSIONED]);
	assert_false(cj->stalled[CH_STAGE_SELF_INSPECTED]); /* nothing expected yet */
	assert_int_equal(cj->forecast[CH_STAGE_SELF_INSPECTED].year, 0);
	assert_int_equal(fk->recent[CH_STAGE_STARTED], 1);
	expect_date(&fk->forecast[CH_STAGE_STARTED], 2023, 8, 13);
	assert_true(fk->late[CH_STAGE_STARTED]);
	assert_int_equal(tot->recent[CH_STAGE_STARTED], 1);
	expect_date(&tot->forecast[CH_STAGE_STARTED], 2023, 9, 10);
	assert_true(tot->late[CH_STAGE_STARTED]);
	assert_int_equal(tot->recent[CH_STAGE_INSTALLED], 2);
	expect_date(&tot->forecast[CH_STAGE_INSTALLED], 2023, 9, 10);
	assert_false(tot->late[CH_STAGE_INSTALLED]);
	ch_dispatch_dispose(&d);

	/* the next day, Monday 07-17 (W29), against Monday 07-10 */
	d = compute(f->ctx, "2023-07-17", 0);
	assert_string_equal(d.period, "2023-W29");
	assert_string_equal(d.prev_as_of, "2023-07-10");
	assert_string_equal(d.prev_period, "2023-W28");
	cj = row_of(&d, "昌吉市"), fk = row_of(&d, "阜康市"), tot = row_of(&d, "全州合计");
	expect_n(cj, 3, 3, 0, 0);
	expect_prev(cj, 3, 1, 0, 0);
	expect_n(fk, 2, 0, 0, 0);
	expect_prev(fk, 1, 0, 0, 0);
	expect_n(tot, 5, 3, 0, 0);
	expect_prev(tot, 4, 1, 0, 0);
	assert_int_equal(cj->expected[CH_STAGE_INSTALLED], 587);
	assert_int_equal(cj->es_n[CH_STAGE_INSTALLED], 2);
	assert_int_equal(cj->es_area_centi[CH_STAGE_INSTALLED], 15000);
	ch_dispatch_dispose(&d);

	/* months: Monday 07-31, the last day of July, against 06-30 */
	d = compute(f->ctx, "2023-07-31", 1);
	assert_int_equal(d.monthly, 1);
	assert_string_equal(d.period, "2023-07");
	assert_string_equal(d.prev_as_of, "2023-06-30");
	assert_string_equal(d.prev_period, "2023-06");
	cj = row_of(&d, "昌吉市"), fk = row_of(&d, "阜康市"), tot = row_of(&d, "全州合计");
	expect_n(cj, 3, 3, 1, 0);
	expect_prev(cj, 3, 0, 0, 0);
	expect_n(fk, 2, 0, 0, 0);
	expect_prev(fk, 1, 0, 0, 0);
	expect_n(tot, 5, 3, 1, 0);
	ch_dispatch_dispose(&d);

	/* 08-01 against 07-31: CJ002 withdrew after 已完工, so it leaves 已开工
	 * and 已完工 (and its 50 m²) and counts as 已退出 */
	d = compute(f->ctx, "2023-08-01", 1);
	assert_string_equal(d.period, "2023-08");
	assert_string_equal(d.prev_as_of, "2023-07-31");
	assert_string_equal(d.prev_period, "2023-07");
	cj = row_of(&d, "昌吉市"), fk = row_of(&d, "阜康市"), tot = row_of(&d, "全州合计");
	expect_n(cj, 2, 2, 1, 1);
	expect_prev(cj, 3, 3, 1, 0);
	expect_n(tot, 4, 2, 1, 1);
	expect_prev(tot, 5, 3, 1, 0);
	assert_int_equal(cj->es_n[CH_STAGE_STARTED], 1);
	assert_int_equal(cj->es_area_centi[CH_STAGE_STARTED], 10000);
	assert_int_equal(cj->es_n[CH_STAGE_INSTALLED], 1);
	assert_int_equal(cj->es_area_centi[CH_STAGE_INSTALLED], 10000);
	assert_int_equal(cj->es_n[CH_STAGE_WITHDRAWN], 1);
	assert_int_equal(cj->es_area_centi[CH_STAGE_WITHDRAWN], 5000);
	assert_int_equal(cj->expected[CH_STAGE_INSTALLED], 670);
	/* against the target less the withdrawn household: 2 of 3 started,
	 * 66.6 %, 33.4 behind */
	assert_int_equal(cj->target, 4);
	assert_int_equal(cj->goal, 3);
	assert_int_equal(tot->goal, 5);
	assert_int_equal(cj->gap[CH_STAGE_STARTED], 334);
	assert_int_equal(cj->status, CH_STATUS_RED);
	ch_dispatch_dispose(&d);

	/* the same as a week: Tuesday 08-01 against 07-25 */
	d = compute(f->ctx, "2023-08-01", 0);
	assert_string_equal(d.prev_as_of, "2023-07-25");
	assert_string_equal(d.period, "2023-W31");
	assert_string_equal(d.prev_period, "2023-W30");
	cj = row_of(&d, "昌吉市");
	expect_n(cj, 2, 2, 1, 1);
	expect_prev(cj, 3, 3, 0, 0);
	ch_dispatch_dispose(&d);

	/* household stages as recorded */
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ002'"
	                           " AND status = 'withdrawn' AND stage_day = '2023-08-01'"),
	                 1);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ001'"
	                           " AND status = 'commissioned' AND stage_day = '2023-07-31'"),
	                 1);
	verify_ok(f->ctx);

	/* no plan for 2022: not found */
	ch_dispatch none;
	assert_int_equal(ch_dispatch_compute(f->ctx, 2022, "2022-07-16", 0, &none), CH_ENOTFOUND);
	ch_error_clear();
	assert_int_equal(ch_dispatch_compute(f->ctx, 2023, "2023-02-30", 0, &none), CH_EINVALID);
	ch_error_clear();
}

/* Refusals through the core API: each rejected, nothing stored. */
static void test_scenario_refusals(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	int64_t events = q(f->ctx, "SELECT count(*) FROM event");
	int64_t agg = q(f->ctx, "SELECT sum(households) FROM progress_daily");
	static const struct {
		struct step s;
		const char *says;
	} bad[] = {
	    {{"昌吉市", "CJ004", "已完工", "2023-08-01", NULL}, "跳过"},
	    {{"昌吉市", "CJ001", "已开工", "2023-08-01", NULL}, "倒退"},
	    {{"昌吉市", "CJ003", "已调试", "2023-07-09", NULL}, "早于"},
	    {{"昌吉市", "CJ003", "已调试", "2024-01-02", NULL}, "之后"},
	    {{"昌吉市", "CJ002", "已开工", "2023-09-01", NULL}, "已退出"},
	    {{"昌吉市", "CJ004", "已退出", "2023-09-01", NULL}, "原因"},
	    {{"昌吉市", "CJ004", "已退出", "2023-09-01", "  "}, "原因"},
	    {{"昌吉市", "CJ001", "自验合格", "2023-10-05", NULL}, "证明材料"},
	    {{"昌吉市", "CJ999", "已开工", "2023-09-01", NULL}, "没有这一户"},
	    {{"乌鲁木齐市", "CJ004", "已开工", "2023-09-01", NULL}, "不是本州"},
	    {{"昌吉市", "CJ004", "已竣工", "2023-09-01", NULL}, "环节"},
	    {{"昌吉市", "CJ004", "已开工", "2023-02-30", NULL}, "无效"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t rejected = 0;
		int rc = record(f->ctx, &bad[i].s, 1, &rejected, bad[i].says);
		if (rc != CH_EINVALID)
			fail_msg("case %zu (%s %s %s): rc %d", i, bad[i].s.hh, bad[i].s.stage,
			         bad[i].s.day, rc);
		ch_error_clear();
		assert_int_equal(rejected, 1);
	}
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM event"), events);
	assert_int_equal(q(f->ctx, "SELECT sum(households) FROM progress_daily"), agg);
	verify_ok(f->ctx);

	/* all or nothing: one good and one bad row store nothing; with
	 * skip_invalid the good one goes in */
	static const struct step two[] = {
	    {"昌吉市", "CJ004", "已开工", "2023-08-10", NULL},
	    {"昌吉市", "CJ003", "已开工", "2023-08-10", NULL},
	};
	size_t rej = 0;
	assert_int_equal(record(f->ctx, two, 2, &rej, "倒退"), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM event"), events);
	ch_event_opts o = {.today = "2023-12-31", .skip_invalid = 1};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	assert_int_equal(ch_event_begin(f->ctx, &o, &b), 0);
	for (size_t i = 0; i < 2; i++) {
		ch_event_in in = {.line = i + 2,
		                  .county = two[i].county,
		                  .household = two[i].hh,
		                  .stage = two[i].stage,
		                  .day = two[i].day};
		assert_int_equal(ch_event_add(b, &in), 0);
	}
	assert_int_equal(ch_event_finish(b, &sum), 0);
	assert_int_equal(sum.rows, 2);
	assert_int_equal(sum.stored, 1);
	assert_int_equal(sum.rejected, 1);
	ch_event_free(b);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM event"), events + 1);
	verify_ok(f->ctx);

	/* a weekly import may not carry acceptance stages */
	ch_event_opts io = {
	    .today = "2023-12-31", .from_import = 1, .file = "w.csv", .file_hash = "0"};
	assert_int_equal(ch_event_begin(f->ctx, &io, &b), 0);
	ch_event_in in = {.line = 2,
	                  .county = "昌吉市",
	                  .household = "CJ001",
	                  .stage = "自验合格",
	                  .day = "2023-10-05"};
	assert_int_equal(ch_event_add(b, &in), 0);
	assert_int_equal(ch_event_finish(b, &sum), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(sum.rejected, 1);
	assert_non_null(strstr(ch_problems_get(ch_event_problems(b), 0)->reason, "周报"));
	/* handed over whole: the caller's list has the problem, the batch none */
	size_t n = ch_problems_count(ch_event_problems(b));
	ch_problems *taken = ch_event_take_problems(b);
	assert_int_equal(ch_problems_count(taken), n);
	assert_int_equal(ch_problems_nrejected(taken), 1);
	assert_int_equal(ch_problems_count(ch_event_problems(b)), 0);
	ch_problems_free(taken);
	ch_event_free(b);
}

/* The household by its ID number when no county is given. */
static void test_scenario_by_id_number(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	static const struct step s = {NULL, "652301197003010042", "已开工", "2023-08-02", NULL};
	size_t rej = 9;
	assert_int_equal(record(f->ctx, &s, 1, &rej, NULL), 0);
	assert_int_equal(rej, 0);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ004'"
	                           " AND status = 'started'"),
	                 1);
	verify_ok(f->ctx);
}

/* The counties to remind on DAY: "名称:RED" or "名称:YELLOW_TWICE", joined by
 * spaces, into OUT. */
static void reminders(ch_ctx *ctx, const char *day, char *out, size_t outsz)
{
	ch_dispatch d = compute(ctx, day, 0);
	ch_reminder *x = NULL;
	size_t n = 99;
	int rc = ch_dispatch_reminders(ctx, &d, &x, &n);
	if (rc != 0)
		fail_msg("ch_dispatch_reminders %s: %s", day, ch_error_message());
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s:%s", i ? " " : "",
		         x[i].row->name, x[i].reason == CH_REMIND_RED ? "RED" : "YELLOW_TWICE");
	free(x);
	ch_dispatch_dispose(&d);
}

/* Red counties are reminded at once, yellow ones the second period
 * running; never the prefecture total. */
static void test_reminders(void **state)
{
	struct fixture *f = *state;
	char got[256];
	build_scenario(f->ctx);
	/* 04-09: 阜康市 yellow for the first time */
	reminders(f->ctx, "2023-04-09", got, sizeof got);
	assert_string_equal(got, "");
	/* 04-16: 昌吉市 yellow for the first time, 阜康市 red */
	reminders(f->ctx, "2023-04-16", got, sizeof got);
	assert_string_equal(got, "阜康市:RED");
	/* 04-23: 昌吉市 yellow again (and the total, which is no county) */
	reminders(f->ctx, "2023-04-23", got, sizeof got);
	assert_string_equal(got, "昌吉市:YELLOW_TWICE 阜康市:RED");
	/* the prefecture's name, for the notices' titles and signatures */
	ch_dispatch d = compute(f->ctx, "2023-04-23", 0);
	assert_string_equal(d.prefecture, "昌吉回族自治州");
	ch_dispatch_dispose(&d);
}

/* Steps are recorded and corrected only by roles that may change the
 * register, whatever the workflow table allows them for acceptance. */
static void test_event_write_permission(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	assert_int_equal(ch_user_add(f->ctx, "rv", CH_ROLE_REVIEWER, NULL), 0);
	assert_int_equal(ch_user_add(f->ctx, "au", CH_ROLE_AUDITOR, NULL), 0);
	const char *users[] = {"rv", "au"};
	for (size_t i = 0; i < 2; i++) {
		ch_ctx *c = NULL;
		ch_event_opts o = {.today = "2023-12-31"};
		ch_event_batch *b = NULL;
		assert_int_equal(ch_ctx_open(&c, f->url, users[i], "root"), 0);
		assert_int_equal(ch_event_begin(c, &o, &b), CH_EDENIED);
		assert_null(b);
		assert_int_equal(ch_event_correct(c, "昌吉市", "CJ001", "已开工", "2023-04-04",
		                                  NULL, "2023-12-31"),
		                 CH_EDENIED);
		ch_error_clear();
		ch_ctx_free(c);
	}
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ001", "已开工", "2023-04-04", NULL, "2023-12-31"),
	    0);
	verify_ok(f->ctx);
}

/* 1 if any stage of any row has a non-zero corrected[] */
static int any_corrected(const ch_dispatch *d)
{
	for (size_t i = 0; i < d->nrows; i++)
		for (int s = 0; s < CH_STAGE_COUNT; s++)
			if (d->rows[i].corrected[s])
				return 1;
	return 0;
}

static void test_freeze_and_correct(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);

	/* W28 (07-10 .. 07-16) can be frozen from 07-17 on */
	assert_int_equal(ch_dispatch_freeze(f->ctx, 2023, "2023-W28", "2023-07-16"), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_dispatch_freeze(f->ctx, 2023, "2023-W28", "2023-07-10"), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_dispatch_freeze(f->ctx, 2023, "2023-W2x", "2023-08-02"), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM dispatch_freeze"), 0);
	int rc = ch_dispatch_freeze(f->ctx, 2023, "2023-W28", "2023-08-02");
	if (rc != 0)
		fail_msg("freeze 2023-W28: %d %s", rc, ch_error_message());
	assert_int_equal(ch_dispatch_freeze(f->ctx, 2023, "2023-W28", "2023-08-02"), CH_EEXISTS);
	ch_error_clear();
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM dispatch_freeze WHERE period = '2023-W28'"
	                           " AND as_of = '2023-07-16' AND plan_year = 2023"),
	                 1);
	assert_int_equal(
	    q(f->ctx, "SELECT count(*) FROM audit_log WHERE action = 'dispatch.freeze'"), 1);

	/* the next week against the frozen one, nothing corrected yet */
	ch_dispatch d = compute(f->ctx, "2023-07-23", 0);
	assert_true(d.prev_frozen);
	assert_string_equal(d.prev_period, "2023-W28");
	const ch_dispatch_row *cj = row_of(&d, "昌吉市"), *tot = row_of(&d, "全州合计");
	expect_prev(cj, 3, 2, 0, 0);
	expect_n(cj, 3, 3, 0, 0);
	assert_false(any_corrected(&d));
	ch_dispatch_dispose(&d);

	/* CJ001's 已完工 (07-16, inside W28) was really on 07-18 */
	assert_int_equal(ch_event_correct(f->ctx, "昌吉市", "CJ001", "已完工", "2023-07-18",
	                                  "施工队补报", "2023-08-02"),
	                 0);
	verify_ok(f->ctx);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM event WHERE superseded_by IS NOT NULL"),
	                 1);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM event e JOIN event o ON o.id = e.corrects"
	                           " WHERE e.day = '2023-07-18' AND o.day = '2023-07-16'"
	                           " AND o.superseded_by = e.id"),
	                 1);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM audit_log WHERE action = 'event.correct'"),
	                 1);
	/* not the current stage (已调试 07-31 is): stage_day unchanged */
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ001'"
	                           " AND stage_day = '2023-07-31'"),
	                 1);

	/* the frozen figures stay in the next report's prev[]; the change shows
	 * in corrected[] (now 1 installed at 07-16, frozen 2) */
	d = compute(f->ctx, "2023-07-23", 0);
	assert_true(d.prev_frozen);
	cj = row_of(&d, "昌吉市"), tot = row_of(&d, "全州合计");
	expect_prev(cj, 3, 2, 0, 0);
	expect_n(cj, 3, 3, 0, 0);
	assert_int_equal(cj->corrected[CH_STAGE_INSTALLED], -1);
	assert_int_equal(cj->corrected[CH_STAGE_STARTED], 0);
	assert_int_equal(tot->corrected[CH_STAGE_INSTALLED], -1);
	assert_int_equal(row_of(&d, "阜康市")->corrected[CH_STAGE_STARTED], 0);
	expect_prev(tot, 4, 2, 0, 0);
	ch_dispatch_dispose(&d);

	/* W28 itself now reads live: 1 installed */
	d = compute(f->ctx, "2023-07-16", 0);
	expect_n(row_of(&d, "昌吉市"), 3, 1, 0, 0);
	ch_dispatch_dispose(&d);

	/* a correction outside the neighbours' dates, to the same date, or in
	 * the future is refused */
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ001", "已完工", "2023-08-05", NULL, "2023-08-10"),
	    CH_EINVALID); /* after 已调试 07-31 */
	ch_error_clear();
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ001", "已完工", "2023-04-02", NULL, "2023-08-10"),
	    CH_EINVALID); /* before 已开工 04-03 */
	ch_error_clear();
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ001", "已完工", "2023-07-18", NULL, "2023-08-10"),
	    CH_ECONFLICT);
	ch_error_clear();
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ001", "已完工", "2023-07-20", NULL, "2023-07-19"),
	    CH_EINVALID);
	ch_error_clear();
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ004", "已开工", "2023-07-20", NULL, "2023-08-10"),
	    CH_ENOTFOUND);
	ch_error_clear();

	/* correcting a withdrawal moves all its contributions */
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ002", "已退出", "2023-08-03", "", "2023-08-10"),
	    0);
	verify_ok(f->ctx);
	d = compute(f->ctx, "2023-08-02", 1);
	expect_n(row_of(&d, "昌吉市"), 3, 3, 1, 0);
	ch_dispatch_dispose(&d);
	d = compute(f->ctx, "2023-08-03", 1);
	expect_n(row_of(&d, "昌吉市"), 2, 2, 1, 1);
	ch_dispatch_dispose(&d);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ002'"
	                           " AND stage_day = '2023-08-03'"),
	                 1);

	/* a month frozen after the events, then corrected */
	assert_int_equal(ch_dispatch_freeze(f->ctx, 2023, "2023-07", "2023-07-31"), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_dispatch_freeze(f->ctx, 2023, "2023-07", "2023-08-01"), 0);
	assert_int_equal(
	    ch_event_correct(f->ctx, "阜康市", "FK002", "已开工", "2023-08-02", NULL, "2023-08-10"),
	    0);
	d = compute(f->ctx, "2023-08-20", 1);
	assert_true(d.prev_frozen);
	const ch_dispatch_row *fk = row_of(&d, "阜康市");
	expect_prev(fk, 2, 0, 0, 0);
	assert_int_equal(fk->corrected[CH_STAGE_STARTED], -1);
	expect_n(fk, 2, 0, 0, 0);
	ch_dispatch_dispose(&d);
	verify_ok(f->ctx);
}

/* With W28 frozen and nothing corrected, a report dated in the middle of
 * the next week must not show corrections: corrected[] is "frozen figures
 * changed since by corrections". */
static void test_frozen_prev_midweek(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	assert_int_equal(ch_dispatch_freeze(f->ctx, 2023, "2023-W28", "2023-08-02"), 0);
	ch_dispatch d = compute(f->ctx, "2023-07-19", 0); /* Wednesday of W29 */
	assert_string_equal(d.prev_period, "2023-W28");
	const ch_dispatch_row *cj = row_of(&d, "昌吉市");
	char msg[300] = "";
	if (any_corrected(&d))
		snprintf(msg, sizeof msg,
		         "as of 2023-07-19 (prev_as_of %s, frozen %s as of 2023-07-16) with no "
		         "correction: 昌吉市 corrected[installed] = %lld, prev[installed] = %lld",
		         d.prev_as_of, d.prev_period, (long long)cj->corrected[CH_STAGE_INSTALLED],
		         (long long)cj->prev[CH_STAGE_INSTALLED]);
	ch_dispatch_dispose(&d);
	if (msg[0])
		fail_msg("%s", msg);
}

/* Records one step with an evidence file. */
static void record_with_evidence(ch_ctx *ctx, const char *hh, const char *stage, const char *day)
{
	static const unsigned char photo[] = "inspection photo";
	ch_evidence ev = {.name = "photo.jpg", .data = photo, .len = sizeof photo - 1};
	ch_event_opts o = {.today = "2023-12-31"};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	assert_int_equal(ch_event_begin(ctx, &o, &b), 0);
	ch_event_in in = {.line = 1,
	                  .county = "昌吉市",
	                  .household = hh,
	                  .stage = stage,
	                  .day = day,
	                  .evidence = &ev,
	                  .nevidence = 1};
	assert_int_equal(ch_event_add(b, &in), 0);
	int rc = ch_event_finish(b, &sum);
	if (rc != 0)
		fail_msg("%s %s %s: %s", hh, stage, day, ch_error_message());
	ch_event_free(b);
}

/* The one step back (a failed review, 已申请复核 → 已调试): the household
 * leaves 自验合格 and 已申请复核 in the aggregates, comes back on
 * re-inspection, and corrections and ch_progress_verify agree throughout. */
static void test_step_back_after_failed_review(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	record_with_evidence(f->ctx, "CJ001", "自验合格", "2023-10-05");
	static const struct step req = {"昌吉市", "CJ001", "已申请复核", "2023-10-08", NULL};
	assert_int_equal(record(f->ctx, &req, 1, NULL, NULL), 0);
	static const struct step nonote = {"昌吉市", "CJ001", "已调试", "2023-10-20", NULL};
	assert_int_equal(record(f->ctx, &nonote, 1, NULL, "原因"), CH_EINVALID);
	ch_error_clear();
	static const struct step back = {"昌吉市", "CJ001", "已调试", "2023-10-20", "复核不合格"};
	assert_int_equal(record(f->ctx, &back, 1, NULL, NULL), 0);
	verify_ok(f->ctx);

	ch_dispatch d = compute(f->ctx, "2023-10-10", 1);
	const ch_dispatch_row *cj = row_of(&d, "昌吉市");
	assert_int_equal(cj->n[CH_STAGE_SELF_INSPECTED], 1);
	assert_int_equal(cj->n[CH_STAGE_REVIEW_REQUESTED], 1);
	assert_int_equal(cj->n[CH_STAGE_COMMISSIONED], 1);
	ch_dispatch_dispose(&d);
	d = compute(f->ctx, "2023-10-31", 1);
	cj = row_of(&d, "昌吉市");
	assert_int_equal(cj->n[CH_STAGE_SELF_INSPECTED], 0);
	assert_int_equal(cj->n[CH_STAGE_REVIEW_REQUESTED], 0);
	assert_int_equal(cj->n[CH_STAGE_COMMISSIONED], 1);
	assert_int_equal(cj->n[CH_STAGE_INSTALLED], 2);
	assert_int_equal(cj->es_n[CH_STAGE_SELF_INSPECTED], 0);
	assert_int_equal(cj->es_area_centi[CH_STAGE_SELF_INSPECTED], 0);
	ch_dispatch_dispose(&d);
	assert_int_equal(q(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ001'"
	                           " AND status = 'commissioned' AND stage_day = '2023-10-20'"),
	                 1);

	/* inspected again after rectification */
	record_with_evidence(f->ctx, "CJ001", "自验合格", "2023-10-25");
	verify_ok(f->ctx);
	d = compute(f->ctx, "2023-10-31", 1);
	assert_int_equal(row_of(&d, "昌吉市")->n[CH_STAGE_SELF_INSPECTED], 1);
	ch_dispatch_dispose(&d);

	/* the second 自验合格 corrected: not before the step back */
	assert_int_equal(ch_event_correct(f->ctx, "昌吉市", "CJ001", "自验合格", "2023-10-19", NULL,
	                                  "2023-11-01"),
	                 CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_event_correct(f->ctx, "昌吉市", "CJ001", "自验合格", "2023-10-26", NULL,
	                                  "2023-11-01"),
	                 0);
	verify_ok(f->ctx);
	d = compute(f->ctx, "2023-10-25", 1);
	assert_int_equal(row_of(&d, "昌吉市")->n[CH_STAGE_SELF_INSPECTED], 0);
	ch_dispatch_dispose(&d);
	d = compute(f->ctx, "2023-10-26", 1);
	assert_int_equal(row_of(&d, "昌吉市")->n[CH_STAGE_SELF_INSPECTED], 1);
	ch_dispatch_dispose(&d);
	/* the first 已调试 (07-31) can still be corrected, up to the first 自验合格 */
	assert_int_equal(
	    ch_event_correct(f->ctx, "昌吉市", "CJ001", "已调试", "2023-08-02", NULL, "2023-11-01"),
	    0);
	verify_ok(f->ctx);
}

/* Imports the register row FL alone (it may bring a township of its own);
 * returns how many households it inserted. */
static size_t import_one(ch_ctx *ctx, const char **fl)
{
	ch_hh_import_opts o = {.file = "one.csv", .file_hash = "1", .new_places = 1};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	assert_int_equal(ch_hh_import_begin(ctx, &o, &imp), 0);
	assert_int_equal(ch_hh_import_row(imp, 2, fl), 0);
	if (ch_hh_import_finish(imp, &sum) != 0)
		fail_msg("importing %s: %s", fl[CH_HF_HH_NO], ch_error_message());
	assert_int_equal(sum.inserted + sum.updated, 1);
	size_t inserted = sum.inserted;
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	return inserted;
}

/* Re-imports CJ001 with MEASURES and ES_AREA (a register correction). */
static void update_cj001(ch_ctx *ctx, const char *measures, const char *es_area)
{
	const char *fl[CH_HF_COUNT] = {0};
	fl[CH_HF_COUNTY] = "昌吉市";
	fl[CH_HF_TOWNSHIP] = "大西渠镇";
	fl[CH_HF_VILLAGE] = "大西渠村";
	fl[CH_HF_HH_NO] = "CJ001";
	fl[CH_HF_HEAD] = "测试";
	fl[CH_HF_ID] = "652301197003010018";
	fl[CH_HF_HEATED_AREA] = "120";
	fl[CH_HF_TECH] = "空气能";
	fl[CH_HF_MEASURES] = measures;
	fl[CH_HF_ES_AREA] = es_area;
	fl[CH_HF_YEAR] = "2023";
	fl[CH_HF_BATCH] = "新建";
	assert_int_equal(import_one(ctx, fl), 0); /* 0 inserted: updated */
}

/* CJ001 reached 已调试 with 100 m² of energy-saving work; the register then
 * says 120 m² (or no measures at all), and CJ001 withdraws. The withdrawal
 * must take away what CJ001 had added to the aggregates (100 m², one
 * household), not what the register says now. */
static void withdraw_after_es_change(struct fixture *f, const char *measures, const char *area)
{
	build_scenario(f->ctx);
	ch_dispatch d = compute(f->ctx, "2023-08-01", 1);
	const ch_dispatch_row *cj = row_of(&d, "昌吉市");
	assert_int_equal(cj->es_n[CH_STAGE_INSTALLED], 1);
	assert_int_equal(cj->es_area_centi[CH_STAGE_INSTALLED], 10000);
	ch_dispatch_dispose(&d);
	update_cj001(f->ctx, measures, area);
	static const struct step w = {"昌吉市", "CJ001", "已退出", "2023-08-05", "农户退出"};
	assert_int_equal(record(f->ctx, &w, 1, NULL, NULL), 0);
	verify_ok(f->ctx);
	d = compute(f->ctx, "2023-08-31", 1);
	cj = row_of(&d, "昌吉市");
	expect_n(cj, 1, 1, 0, 2);
	char msg[300] = "";
	for (int s = CH_STAGE_COMMISSIONED; s >= CH_STAGE_STARTED; s--)
		if (cj->es_n[s] != 0 || cj->es_area_centi[s] != 0)
			snprintf(
			    msg, sizeof msg,
			    "昌吉市 %s: %lld energy-saving households, %lld centi-m² left after "
			    "both withdrew; expected 0, 0",
			    ch_stage_name(s), (long long)cj->es_n[s],
			    (long long)cj->es_area_centi[s]);
	ch_dispatch_dispose(&d);
	if (msg[0])
		fail_msg("%s", msg);
}

/* A withdrawn household leaves the goal every stage counts against, so the
 * county can still reach 100 %; a deadline already passed is missed, by
 * the households still short, never forecast. */
static void test_goal_less_withdrawn(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	/* 08-01: 昌吉市 started 2 of 3 (CJ002 withdrew): 05-31 missed by 1 */
	ch_dispatch d = compute(f->ctx, "2023-08-01", 0);
	const ch_dispatch_row *cj = row_of(&d, "昌吉市");
	assert_int_equal(cj->goal, 3);
	assert_true(cj->missed[CH_STAGE_STARTED]);
	assert_false(cj->missed[CH_STAGE_INSTALLED]); /* 09-30 is ahead */
	ch_dispatch_dispose(&d);
	static const struct step last[] = {{"昌吉市", "CJ004", "已开工", "2023-08-02", NULL}};
	size_t rejected = 99;
	assert_int_equal(record(f->ctx, last, 1, &rejected, NULL), 0);
	d = compute(f->ctx, "2023-08-06", 0);
	cj = row_of(&d, "昌吉市");
	assert_int_equal(cj->n[CH_STAGE_STARTED], 3);
	assert_int_equal(cj->expected[CH_STAGE_STARTED], 1000);
	assert_int_equal(cj->gap[CH_STAGE_STARTED], 0); /* 100 %, not 75 % */
	assert_false(cj->missed[CH_STAGE_STARTED]);
	assert_false(cj->late[CH_STAGE_STARTED]);
	assert_false(cj->stalled[CH_STAGE_STARTED]);
	ch_dispatch_dispose(&d);
	verify_ok(f->ctx);
}

static void test_withdraw_after_es_area_change(void **state)
{
	withdraw_after_es_change(*state, "外墙保温", "120");
}

static void test_withdraw_after_es_removed(void **state)
{
	withdraw_after_es_change(*state, NULL, NULL);
}

/* Every row agrees with its seal, and one newest seal of a household has
 * PHONE and then STAGE and DAY. */
static void expect_sealed(ch_ctx *ctx, const char *phone, const char *stage, const char *day)
{
	int64_t checked = 0, problems = 0;
	char sql[256];
	assert_int_equal(ch_seal_verify(ctx, NULL, NULL, &checked, &problems), 0);
	assert_int_equal(problems, 0);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM seal WHERE kind = 'household'"
	         " AND fields LIKE '%%\"%s\"%%\"%s\",\"%s\"%%'",
	         phone, stage, day);
	assert_int_equal(q(ctx, sql), 1);
}

/* Steps recorded in the same transaction as another write to a household,
 * before it and after it: the commit seals the households from their whole
 * rows (core/seal.c, ch_seal_stage_writes), so the other write is sealed
 * too and every row agrees with its seal. Sealed from the newest seals
 * instead, the phone would be missing from them and verify would fail. */
static void test_stage_seals_mixed(void **state)
{
	struct fixture *f = *state;
	ch_db *db = ch_ctx_db(f->ctx);
	static const struct step s1[] = {{"昌吉市", "CJ003", "已开工", "2023-05-31", NULL}};
	static const struct step s2[] = {{"昌吉市", "CJ004", "已开工", "2023-06-01", NULL}};
	static const struct step s3[] = {{"昌吉市", "CJ004", "已完工", "2023-07-01", NULL}};
	import_plan(f->ctx);
	import_households(f->ctx);

	/* the register's write first, then the step */
	assert_int_equal(ch_ctx_begin(f->ctx), 0);
	assert_int_equal(
	    ch_db_run(db, "UPDATE household SET phone = '13800000003' WHERE hh_no = 'CJ003'", NULL),
	    0);
	assert_int_equal(record(f->ctx, s1, 1, NULL, NULL), 0);
	assert_int_equal(ch_ctx_commit(f->ctx), 0);
	expect_sealed(f->ctx, "13800000003", "started", "2023-05-31");

	/* the step first, then the register's write */
	assert_int_equal(ch_ctx_begin(f->ctx), 0);
	assert_int_equal(record(f->ctx, s2, 1, NULL, NULL), 0);
	assert_int_equal(
	    ch_db_run(db, "UPDATE household SET phone = '13800000004' WHERE hh_no = 'CJ004'", NULL),
	    0);
	assert_int_equal(ch_ctx_commit(f->ctx), 0);
	expect_sealed(f->ctx, "13800000004", "started", "2023-06-01");

	/* a step alone: sealed from the newest seal, which has the phone */
	assert_int_equal(record(f->ctx, s3, 1, NULL, NULL), 0);
	expect_sealed(f->ctx, "13800000004", "installed", "2023-07-01");
}

static void test_verify_tampered(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	verify_ok(f->ctx);
	ch_db *db = ch_ctx_db(f->ctx);
	size_t n = 0;

	/* one household more on a day */
	assert_int_equal(ch_db_run(db,
	                           "UPDATE progress_daily SET households = households + 1"
	                           " WHERE stage_no = 1 AND day = '2023-04-03'",
	                           NULL),
	                 0);
	assert_int_equal(ch_progress_verify(f->ctx, &n), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), "2023-04-03"));
	ch_error_clear();
	assert_int_equal(ch_db_run(db,
	                           "UPDATE progress_daily SET households = households - 1"
	                           " WHERE stage_no = 1 AND day = '2023-04-03'",
	                           NULL),
	                 0);
	verify_ok(f->ctx);

	/* the energy-saving area only */
	assert_int_equal(ch_db_run(db,
	                           "UPDATE progress_daily SET es_area_centi = es_area_centi + 1"
	                           " WHERE stage_no = 2 AND day = '2023-07-16'",
	                           NULL),
	                 0);
	assert_int_equal(ch_progress_verify(f->ctx, &n), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_db_run(db,
	                           "UPDATE progress_daily SET es_area_centi = es_area_centi - 1"
	                           " WHERE stage_no = 2 AND day = '2023-07-16'",
	                           NULL),
	                 0);
	verify_ok(f->ctx);

	/* a row missing */
	assert_int_equal(ch_db_run(db,
	                           "DELETE FROM progress_daily WHERE stage_no = 8"
	                           " AND day = '2023-08-01'",
	                           NULL),
	                 0);
	assert_int_equal(ch_progress_verify(f->ctx, &n), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_db_run(db,
	                           "INSERT INTO progress_daily VALUES (2023, (SELECT id FROM region"
	                           " WHERE code = '652301'), 8, '2023-08-01', 1, 1, 5000)",
	                           NULL),
	                 0);
	verify_ok(f->ctx);

	/* a row no event explains; a row of zeros is the same as none */
	assert_int_equal(ch_db_run(db,
	                           "INSERT INTO progress_daily VALUES (2023, (SELECT id FROM region"
	                           " WHERE code = '652302'), 3, '2023-09-01', 0, 0, 0)",
	                           NULL),
	                 0);
	verify_ok(f->ctx);
	assert_int_equal(ch_db_run(db,
	                           "UPDATE progress_daily SET households = 1 WHERE day = "
	                           "'2023-09-01'",
	                           NULL),
	                 0);
	assert_int_equal(ch_progress_verify(f->ctx, &n), CH_EINVALID);
	ch_error_clear();
}

/* ---- one county's detail (county_progress.h) ---- */

/* CJ005 of 昌吉市, in 三工镇 without a village, built by 甲建设公司 with
 * solar heating, started on 06-01. */
static void add_cj005(ch_ctx *ctx)
{
	const char *fl[CH_HF_COUNT] = {0};
	fl[CH_HF_COUNTY] = "昌吉市";
	fl[CH_HF_TOWNSHIP] = "三工镇";
	fl[CH_HF_HH_NO] = "CJ005";
	fl[CH_HF_HEAD] = "测试";
	fl[CH_HF_ID] = "652301197003010050";
	fl[CH_HF_HEATED_AREA] = "90";
	fl[CH_HF_TECH] = "太阳能";
	fl[CH_HF_YEAR] = "2023";
	fl[CH_HF_BATCH] = "新建";
	fl[CH_HF_CONTRACTOR] = "甲建设公司";
	assert_int_equal(import_one(ctx, fl), 1);
	static const struct step st = {"昌吉市", "CJ005", "已开工", "2023-06-01", NULL};
	assert_int_equal(record(ctx, &st, 1, NULL, NULL), 0);
}

static ch_county_progress county(ch_ctx *ctx, const char *township, const char *as_of,
                                 enum ch_county_by by)
{
	ch_county_progress p;
	int rc = ch_county_progress_compute(ctx, 2023, "昌吉市", township, as_of, by, &p);
	if (rc != 0)
		fail_msg("ch_county_progress_compute %s: %d %s", as_of, rc, ch_error_message());
	return p;
}

static const ch_county_row *county_row(const ch_county_progress *p, const char *township,
                                       const char *name)
{
	for (size_t i = 0; i < p->nrows; i++) {
		const ch_county_row *r = &p->rows[i];
		if ((!township || (r->township && strcmp(r->township, township) == 0)) &&
		    (name ? r->name && strcmp(r->name, name) == 0 : !r->name))
			return r;
	}
	fail_msg("no row %s %s", township ? township : "-", name ? name : "(none)");
	return NULL;
}

/* registered, then started, installed, commissioned, withdrawn */
static void expect_county(const ch_county_row *r, int64_t reg, int64_t st, int64_t in, int64_t co,
                          int64_t wd)
{
	if (r->registered != reg || r->n[CH_STAGE_STARTED] != st ||
	    r->n[CH_STAGE_INSTALLED] != in || r->n[CH_STAGE_COMMISSIONED] != co ||
	    r->n[CH_STAGE_WITHDRAWN] != wd)
		fail_msg("%s: %lld registered, %lld/%lld/%lld withdrawn %lld; expected "
		         "%lld, %lld/%lld/%lld, %lld",
		         r->name ? r->name : "(none)", (long long)r->registered,
		         (long long)r->n[CH_STAGE_STARTED], (long long)r->n[CH_STAGE_INSTALLED],
		         (long long)r->n[CH_STAGE_COMMISSIONED],
		         (long long)r->n[CH_STAGE_WITHDRAWN], (long long)reg, (long long)st,
		         (long long)in, (long long)co, (long long)wd);
}

/* Every grouping's total equals the county's dispatch row, stage by stage
 * (a withdrawal and a failed review's step back included), on days before
 * and after each; the rows of a grouping add up to its total. */
static void test_county_totals_match_dispatch(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	add_cj005(f->ctx);
	record_with_evidence(f->ctx, "CJ001", "自验合格", "2023-10-05");
	static const struct step more[] = {
	    {"昌吉市", "CJ001", "已申请复核", "2023-10-08", NULL},
	    {"昌吉市", "CJ001", "已调试", "2023-10-20", "复核不合格"},
	};
	assert_int_equal(record(f->ctx, more, 2, NULL, NULL), 0);
	verify_ok(f->ctx);
	static const char *const days[] = {"2023-04-02", "2023-04-09", "2023-06-01",
	                                   "2023-07-16", "2023-07-31", "2023-08-01",
	                                   "2023-08-13", "2023-10-10", "2023-10-31"};
	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
		ch_dispatch d = compute(f->ctx, days[i], 0);
		const ch_dispatch_row *cj = row_of(&d, "昌吉市");
		for (int by = CH_COUNTY_BY_TOWNSHIP; by <= CH_COUNTY_BY_TECHNOLOGY; by++) {
			ch_county_progress p = county(f->ctx, NULL, days[i], (enum ch_county_by)by);
			assert_string_equal(p.county, "昌吉市");
			assert_string_equal(p.county_code, "652301");
			ch_county_row sum = {0};
			for (size_t k = 0; k < p.nrows; k++) {
				sum.registered += p.rows[k].registered;
				for (int s = 0; s < CH_STAGE_COUNT; s++)
					sum.n[s] += p.rows[k].n[s];
			}
			assert_int_equal(sum.registered, p.total.registered);
			assert_int_equal(p.total.registered,
			                 strcmp(days[i], "2023-08-01") < 0 ? 5 : 4);
			for (int s = CH_STAGE_STARTED; s < CH_STAGE_COUNT; s++) {
				assert_int_equal(sum.n[s], p.total.n[s]);
				if (p.total.n[s] != cj->n[s])
					fail_msg("%s by %d, %s: %lld, the dispatch says %lld",
					         days[i], by, ch_stage_key(s),
					         (long long)p.total.n[s], (long long)cj->n[s]);
			}
			ch_county_progress_dispose(&p);
		}
		ch_dispatch_dispose(&d);
	}
	/* the step back shows: CJ001 self-inspected on 10-10, not on 10-31 */
	ch_county_progress p = county(f->ctx, NULL, "2023-10-10", CH_COUNTY_BY_TOWNSHIP);
	assert_int_equal(county_row(&p, "大西渠镇", "大西渠镇")->n[CH_STAGE_SELF_INSPECTED], 1);
	ch_county_progress_dispose(&p);
	p = county(f->ctx, NULL, "2023-10-31", CH_COUNTY_BY_TOWNSHIP);
	assert_int_equal(county_row(&p, "大西渠镇", "大西渠镇")->n[CH_STAGE_SELF_INSPECTED], 0);
	assert_int_equal(county_row(&p, "大西渠镇", "大西渠镇")->n[CH_STAGE_COMMISSIONED], 1);
	ch_county_progress_dispose(&p);
}

/* The rows of each grouping on 08-13, after CJ002's withdrawal on 08-01:
 * it counts in no stage and in no denominator, only as withdrawn. */
static void test_county_rows(void **state)
{
	struct fixture *f = *state;
	build_scenario(f->ctx);
	add_cj005(f->ctx);
	ch_county_progress p = county(f->ctx, NULL, "2023-08-13", CH_COUNTY_BY_TOWNSHIP);
	assert_int_equal(p.nrows, 2);
	expect_county(county_row(&p, "大西渠镇", "大西渠镇"), 3, 2, 2, 1, 1);
	expect_county(county_row(&p, "三工镇", "三工镇"), 1, 1, 0, 0, 0);
	expect_county(&p.total, 4, 3, 2, 1, 1);
	ch_county_progress_dispose(&p);
	/* before the withdrawal CJ002 counts as started and installed */
	p = county(f->ctx, NULL, "2023-07-31", CH_COUNTY_BY_TOWNSHIP);
	expect_county(county_row(&p, "大西渠镇", "大西渠镇"), 4, 3, 3, 1, 0);
	ch_county_progress_dispose(&p);

	p = county(f->ctx, NULL, "2023-08-13", CH_COUNTY_BY_VILLAGE);
	assert_int_equal(p.nrows, 2);
	expect_county(county_row(&p, "大西渠镇", "大西渠村"), 3, 2, 2, 1, 1);
	expect_county(county_row(&p, "三工镇", NULL), 1, 1, 0, 0, 0);
	ch_county_progress_dispose(&p);

	/* contractors: the most households first, none recorded last */
	p = county(f->ctx, NULL, "2023-08-13", CH_COUNTY_BY_CONTRACTOR);
	assert_int_equal(p.nrows, 2);
	assert_string_equal(p.rows[0].name, "甲建设公司");
	assert_null(p.rows[1].name);
	expect_county(&p.rows[1], 3, 2, 2, 1, 1);
	assert_null(p.rows[0].township);
	ch_county_progress_dispose(&p);

	/* technologies by their Chinese names, most households first */
	p = county(f->ctx, NULL, "2023-08-13", CH_COUNTY_BY_TECHNOLOGY);
	assert_int_equal(p.nrows, 2);
	expect_county(&p.rows[0], 3, 2, 2, 1, 1);
	expect_county(&p.rows[1], 1, 1, 0, 0, 0);
	assert_non_null(strstr(p.rows[1].name, "太阳能"));
	assert_non_null(strstr(p.rows[0].name, "热泵"));
	ch_county_progress_dispose(&p);

	/* one township's villages */
	p = county(f->ctx, "大西渠镇", "2023-08-13", CH_COUNTY_BY_VILLAGE);
	assert_string_equal(p.township, "大西渠镇");
	assert_int_equal(p.nrows, 1);
	expect_county(&p.total, 3, 2, 2, 1, 1);
	ch_county_progress_dispose(&p);
}

/* A county operator sees her county only, a township operator her
 * township only; unknown places and days are named. */
static void test_county_scope(void **state)
{
	struct fixture *f = *state;
	ch_county_progress p;
	build_scenario(f->ctx);
	assert_int_equal(ch_user_add(f->ctx, "fk", CH_ROLE_COUNTY_OPERATOR, "阜康市"), 0);
	assert_int_equal(ch_user_add(f->ctx, "cj", CH_ROLE_COUNTY_OPERATOR, "昌吉市"), 0);
	assert_int_equal(ch_user_add(f->ctx, "dxq", CH_ROLE_TOWNSHIP_OPERATOR, "大西渠镇"), 0);

	assert_int_equal(ch_ctx_act_as(f->ctx, "fk"), 0);
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "昌吉市", NULL, "2023-08-13",
	                                            CH_COUNTY_BY_TOWNSHIP, &p),
	                 CH_EDENIED);
	assert_non_null(strstr(ch_error_message(), "不能查看昌吉市的进度"));
	assert_null(p.rows);
	ch_error_clear();
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "阜康市", NULL, "2023-08-13",
	                                            CH_COUNTY_BY_TOWNSHIP, &p),
	                 0);
	expect_county(&p.total, 2, 2, 0, 0, 0);
	ch_county_progress_dispose(&p);

	assert_int_equal(ch_ctx_act_as(f->ctx, "cj"), 0);
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "652301", NULL, "2023-08-13",
	                                            CH_COUNTY_BY_VILLAGE, &p),
	                 0);
	ch_county_progress_dispose(&p);

	assert_int_equal(ch_ctx_act_as(f->ctx, "dxq"), 0);
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "昌吉市", NULL, "2023-08-13",
	                                            CH_COUNTY_BY_VILLAGE, &p),
	                 CH_EDENIED);
	ch_error_clear();
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "昌吉市", "大西渠镇",
	                                            "2023-08-13", CH_COUNTY_BY_VILLAGE, &p),
	                 0);
	ch_county_progress_dispose(&p);

	assert_int_equal(ch_ctx_act_as(f->ctx, "root"), 0);
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "北京市", NULL, "2023-08-13",
	                                            CH_COUNTY_BY_TOWNSHIP, &p),
	                 CH_ENOTFOUND);
	assert_string_equal(ch_error_field(), "county");
	ch_error_clear();
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "昌吉市", "滋泥泉子镇",
	                                            "2023-08-13", CH_COUNTY_BY_TOWNSHIP, &p),
	                 CH_ENOTFOUND);
	assert_string_equal(ch_error_field(), "township");
	ch_error_clear();
	assert_int_equal(ch_county_progress_compute(f->ctx, 2023, "昌吉市", NULL, "2023-02-30",
	                                            CH_COUNTY_BY_TOWNSHIP, &p),
	                 CH_EINVALID);
	assert_string_equal(ch_error_field(), "as-of");
	ch_error_clear();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_problem_runs),
	    cmocka_unit_test(test_problem_store),
	    cmocka_unit_test(test_problem_store_spilled),
	    cmocka_unit_test(test_transitions_exhaustive),
	    cmocka_unit_test(test_transition_kinds),
	    cmocka_unit_test(test_stage_parse),
	    cmocka_unit_test(test_stage_parse_full_name),
	    cmocka_unit_test(test_iso_weeks),
	    cmocka_unit_test(test_date_round_trip),
	    cmocka_unit_test(test_periods),
	    cmocka_unit_test(test_period_nonexistent_week),
	    T(test_calendar),
	    T(test_scenario_dispatch),
	    T(test_scenario_refusals),
	    T(test_scenario_by_id_number),
	    T(test_freeze_and_correct),
	    T(test_frozen_prev_midweek),
	    T(test_step_back_after_failed_review),
	    T(test_goal_less_withdrawn),
	    T(test_withdraw_after_es_area_change),
	    T(test_withdraw_after_es_removed),
	    T(test_verify_tampered),
	    T(test_stage_seals_mixed),
	    T(test_reminders),
	    T(test_event_write_permission),
	    T(test_county_totals_match_dispatch),
	    T(test_county_rows),
	    T(test_county_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
