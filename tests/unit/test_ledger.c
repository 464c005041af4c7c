/*
 * test_ledger — the double-entry ledger of subsidy funds (ledger.h) and the
 * entitlement arithmetic (subsidy.h), through the core API.
 *
 * Each test opens a fresh database, imports a small register (昌吉市 and
 * 阜康市, crafted technologies, costs and energy-saving areas), and brings
 * most of it to 复核通过 through the real flow (commissioning events,
 * self-inspections, a review application, its sample passed); one household
 * stays 已登记 and one withdraws after its review. A finance user does the
 * money; the prefecture admin (root) only builds the register.
 *
 * Checked:
 *  - ch_ledger_transfer: balanced transfers stored and balances moved;
 *    unbalanced ones refused (CH_EUNBALANCED); the same key with the same
 *    content found again (same id, nothing new), with other content refused
 *    (CH_ECONFLICT); an account driven below zero refused with nothing of
 *    the transfer left (no transfer, postings or accounts); origins may go
 *    negative; ch_ledger_reverse mirrors the postings and balances return.
 *  - the database's own rules, by raw SQL: postings and transfers can be
 *    neither changed nor deleted, sealed transfers take no posting, a
 *    transfer is sealed only when balanced and with two postings, reserve
 *    postings only for households whose review passed, within their
 *    entitlement, and no account but an origin below zero; a transfer
 *    written already sealed after its postings is refused when it does not
 *    add up, has one posting or reserves for a household not reviewed, and
 *    postings whose transfer never comes fail the commit.
 *  - account ids remembered within a transaction are forgotten when it
 *    rolls back (the next transaction's new accounts reuse their ids), or
 *    when a savepoint rolls back; a unit of work under a savepoint that
 *    fails, even by a nested rollback, is undone alone.
 *  - ch_ledger_verify passes after all that and names the broken rule after
 *    tampering (triggers dropped, checks ignored).
 *  - rules the API must keep beyond the triggers: no money into a
 *    household's accounts above its entitlement by any kind of transfer, a
 *    "reversal" must mirror what it reverses, and the error of a refused
 *    posting says which rule.
 *  - a property test: a seeded PRNG drives a few thousand random
 *    operations (appropriations, allocations, spending, reservations,
 *    payments, confirmations, reversals, adjustments after an approved
 *    change (county to payable and back, within the entitlement, only for
 *    eligible households), recoveries (paid back to the county), random
 *    transfers between random accounts, and invalid ones: overdrafts, unbalanced, zero postings,
 *    unknown accounts, reused keys with other content, ineligible or
 *    over-entitled households) against a model; after every one the ledger
 *    verifies, every balance equals the model's, and a refused operation
 *    changed nothing. CH_LEDGER_SEED and CH_LEDGER_OPS override the seed
 *    (printed on failure) and the number of operations.
 *  - entitlements: share with cap, fixed, per m² with cap, never above the
 *    cost, rounding down to the fen; the split among fund sources adds up
 *    to the total exactly by largest remainder (1, 3 and 999999 fen, and
 *    every household); ch_subsidy_reserve's counts (reserved, zero, no
 *    cost, short of funds) and who may reserve.
 */
#include "testdb.h"

#include <inttypes.h>

#include "core/acceptance.h"
#include "core/ctx.h"
#include "core/event.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/ledger.h"
#include "core/notice.h"
#include "core/plan.h"
#include "core/subsidy.h"
#include "core/user.h"
#include "core/workflow.h"
#include "db/db.h"
#include "util/buf.h"
#include "util/error.h"

#define TODAY "2023-12-31"
#define CJ    "652301" /* 昌吉市 */
#define FK    "652302" /* 阜康市 */

/* ---- the database ---- */

struct fixture {
	char *dir;
	char url[640];
	ch_ctx *root; /* the bootstrap prefecture_admin */
	ch_ctx *fin;  /* a finance user */
};

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

/* Runs SQL (one or more statements); returns the ch_err, error cleared. */
static int sql(ch_ctx *ctx, const char *s)
{
	int rc = ch_db_exec_script(ch_ctx_db(ctx), s);
	ch_error_clear();
	return rc;
}

static void sql_ok(ch_ctx *ctx, const char *s)
{
	if (ch_db_exec_script(ch_ctx_db(ctx), s) != 0)
		fail_msg("%s: %s", s, ch_error_message());
}

static int64_t balance(ch_ctx *ctx, const char *code)
{
	int64_t b = -1;
	if (ch_ledger_balance(ctx, code, &b) != 0)
		fail_msg("balance of %s: %s", code, ch_error_message());
	return b;
}

static void verify_ok(ch_ctx *ctx, const char *when)
{
	ch_ledger_report rep;
	if (ch_ledger_verify(ctx, &rep) != 0)
		fail_msg("%s: ledger verify failed: %s (%s)", when, rep.problem,
		         ch_error_message());
	ch_error_clear();
}

/* The ledger must fail verification naming WHAT. */
static void verify_fails(ch_ctx *ctx, const char *what, const char *when)
{
	ch_ledger_report rep;
	int rc = ch_ledger_verify(ctx, &rep);
	if (rc != CH_EINVALID)
		fail_msg("%s: ledger verify returned %d, expected CH_EINVALID naming '%s'", when,
		         rc, what);
	if (!strstr(rep.problem, what))
		fail_msg("%s: ledger verify named '%s', expected '%s'", when, rep.problem, what);
	ch_error_clear();
}

static void expect_rc(int rc, int want, const char *what)
{
	if (rc != want)
		fail_msg("%s: rc %d, expected %d (%s)", what, rc, want, ch_error_message());
	ch_error_clear();
}

/* ---- the register ---- */

struct hh {
	const char *county, *no, *tech, *measures, *es_area, *cost, *bank;
	int review; /* 0: stays 已登记; 1: 复核通过; 2: 复核通过, then 已退出 */
};

/* 昌吉市 L01-L15 (crafted for the entitlement rules), N01 (never reviewed),
 * W01 (withdrawn after its review); 阜康市 F01, F02. */
static const struct hh households[] = {
    {"昌吉市", "L01", "燃气", NULL, NULL, "3000", "6230000000000101", 1},
    {"昌吉市", "L02", "燃气", NULL, NULL, "10000", "6230000000000102", 1},
    {"昌吉市", "L03", "集中供热", NULL, NULL, "5000", "6230000000000103", 1},
    {"昌吉市", "L04", "集中供热", NULL, NULL, "3000", "6230000000000104", 1},
    {"昌吉市", "L05", "空气能", "外墙保温", "50", "10000", "6230000000000105", 1},
    {"昌吉市", "L06", "直热式电暖器", "门窗改造", "200", "20000", "6230000000000106", 1},
    {"昌吉市", "L07", "燃气", NULL, NULL, "3000.01", "6230000000000107", 1},
    {"昌吉市", "L08", "空气能", "屋面保温", "33.33", "20000", "6230000000000108", 1},
    {"昌吉市", "L09", "集中供热", NULL, NULL, "0.01", "6230000000000109", 1},
    {"昌吉市", "L10", "集中供热", NULL, NULL, "0.03", "6230000000000110", 1},
    {"昌吉市", "L11", "直热式电暖器", "外墙保温", "50", "9999.99", "6230000000000111", 1},
    {"昌吉市", "L12", "燃气", NULL, NULL, "0", "6230000000000112", 1},
    {"昌吉市", "L13", "燃气", NULL, NULL, NULL, "6230000000000113", 1},
    {"昌吉市", "L14", "太阳能", NULL, NULL, "1000", "6230000000000114", 1},
    {"昌吉市", "L15", "多能互补", NULL, NULL, "1000", "6230000000000115", 1},
    {"昌吉市", "N01", "燃气", NULL, NULL, "3000", "6230000000000116", 0},
    {"昌吉市", "W01", "燃气", NULL, NULL, "4000", "6230000000000117", 2},
    {"阜康市", "F01", "燃气", NULL, NULL, "3000", "6230000000000201", 1},
    {"阜康市", "F02", "空气能", NULL, NULL, "8000", "6230000000000202", 1},
};
#define NHH (sizeof households / sizeof households[0])

static const char *code_of(const char *county)
{
	return strcmp(county, "阜康市") == 0 ? FK : CJ;
}

static void import_plan(ch_ctx *ctx)
{
	static const test_plan_row rows[] = {{"昌吉市", "17", "17", "", ""},
	                                     {"阜康市", "2", "2", "", ""}};
	test_import_plan(ctx, "2023年度资金测试计划", rows, sizeof rows / sizeof rows[0]);
}

static void import_register(ch_ctx *ctx)
{
	ch_hh_import_opts o = {.file = "unit.csv", .file_hash = "0", .today = TODAY};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	assert_int_equal(ch_hh_import_begin(ctx, &o, &imp), 0);
	for (size_t i = 0; i < NHH; i++) {
		const struct hh *h = &households[i];
		char id[32];
		snprintf(id, sizeof id, "%s19800101%03d", code_of(h->county), (int)i + 1);
		id[17] = ch_idcard_check_char(id);
		id[18] = '\0';
		const char *fl[CH_HF_COUNT] = {0};
		fl[CH_HF_COUNTY] = h->county;
		fl[CH_HF_TOWNSHIP] = strcmp(h->county, "阜康市") == 0 ? "滋泥泉子镇" : "大西渠镇";
		fl[CH_HF_VILLAGE] = strcmp(h->county, "阜康市") == 0 ? "滋泥泉子村" : "大西渠村";
		fl[CH_HF_HH_NO] = h->no;
		fl[CH_HF_HEAD] = "资金测试";
		fl[CH_HF_ID] = id;
		fl[CH_HF_HEATED_AREA] = "100";
		fl[CH_HF_TECH] = h->tech;
		fl[CH_HF_MEASURES] = h->measures;
		fl[CH_HF_ES_AREA] = h->es_area;
		fl[CH_HF_YEAR] = "2023";
		fl[CH_HF_BATCH] = "新建";
		fl[CH_HF_CONTRACTOR] = "甲公司";
		fl[CH_HF_COST] = h->cost;
		fl[CH_HF_BANK] = h->bank;
		assert_int_equal(ch_hh_import_row(imp, i + 2, fl), 0);
	}
	int rc = ch_hh_import_finish(imp, &sum);
	if (rc != 0 || sum.inserted != NHH) {
		for (size_t i = 0; i < ch_hh_import_nproblems(imp); i++)
			fprintf(stderr, "line %zu: %s\n", ch_hh_import_problem(imp, i)->line,
			        ch_hh_import_problem(imp, i)->reason);
		fail_msg("household import: %s (%zu inserted)", ch_error_message(), sum.inserted);
	}
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
}

/* 已开工 05-10, 已完工 07-20, 已调试 08-01 for the households to review. */
static void commission(ch_ctx *ctx)
{
	ch_event_opts o = {.today = TODAY};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	size_t line = 1;
	assert_int_equal(ch_event_begin(ctx, &o, &b), 0);
	for (size_t i = 0; i < NHH; i++) {
		if (!households[i].review)
			continue;
		static const char *const stages[3] = {"已开工", "已完工", "已调试"};
		static const char *const days[3] = {"2023-05-10", "2023-07-20", "2023-08-01"};
		for (int s = 0; s < 3; s++) {
			ch_event_in in = {.line = line++,
			                  .county = households[i].county,
			                  .household = households[i].no,
			                  .stage = stages[s],
			                  .day = days[s]};
			assert_int_equal(ch_event_add(b, &in), 0);
		}
	}
	int rc = ch_event_finish(b, &sum);
	if (rc != 0 || sum.rejected)
		fail_msg("commissioning: %d rejected: %s", (int)sum.rejected, ch_error_message());
	ch_event_free(b);
}

static const unsigned char photo[] = "JPEG 自验照片";
static const ch_evidence evidence = {"photo.jpg", photo, sizeof photo - 1};

static void inspect(ch_ctx *ctx)
{
	for (size_t i = 0; i < NHH; i++) {
		if (!households[i].review)
			continue;
		ch_inspect_in in = {.county = households[i].county,
		                    .household = households[i].no,
		                    .result = "pass",
		                    .day = "2023-10-08",
		                    .inspector = "张三",
		                    .evidence = &evidence,
		                    .nevidence = 1,
		                    .today = TODAY};
		int64_t id, order;
		if (ch_inspect_record(ctx, &in, &id, &order) != 0)
			fail_msg("self-inspection of %s: %s", households[i].no, ch_error_message());
	}
}

struct pending {
	char hh[16][16];
	size_t n;
};

static int collect_pending(const ch_review_member *m, void *arg)
{
	struct pending *p = arg;
	if (m->sample_round > 0 && !m->result && p->n < 16)
		snprintf(p->hh[p->n++], sizeof p->hh[0], "%s", m->hh_no);
	return 0;
}

/* Applies for COUNTY, assigns, and passes every sampled household until the
 * application completes (everyone 复核通过 on 10-20). */
static void review(ch_ctx *root, ch_ctx *rv, const char *county)
{
	char *num = NULL;
	if (ch_review_apply(root, county, 2023, NULL, 0, "2023-10-10", TODAY, &num) != 0)
		fail_msg("ch_review_apply %s: %s", county, ch_error_message());
	if (ch_review_assign(root, num, "州住建局", "rv", "funds-unit-seed") != 0)
		fail_msg("ch_review_assign %s: %s", num, ch_error_message());
	int completed = 0;
	for (int round = 0; round < 4 && !completed; round++) {
		struct pending p = {.n = 0};
		if (ch_review_members(rv, num, collect_pending, &p) != 0)
			fail_msg("ch_review_members: %s", ch_error_message());
		assert_true(p.n > 0);
		for (size_t i = 0; i < p.n; i++) {
			int widened = 0;
			if (ch_review_result(rv, num, p.hh[i], "pass", "2023-10-20", NULL,
			                     &evidence, 1, TODAY, &widened, &completed) != 0)
				fail_msg("ch_review_result %s: %s", p.hh[i], ch_error_message());
		}
	}
	assert_true(completed);
	free(num);
}

static int64_t hh_id(ch_ctx *ctx, const char *no)
{
	return q1(ctx, "SELECT id FROM household WHERE hh_no = ?", no);
}

static const char *status_of(ch_ctx *ctx, const char *no)
{
	static char s[32];
	char *v = NULL;
	if (ch_db_query_text(ch_ctx_db(ctx), &v, "SELECT status FROM household WHERE hh_no = ?",
	                     "t", no) != 0)
		fail_msg("status of %s: %s", no, ch_error_message());
	snprintf(s, sizeof s, "%s", v);
	free(v);
	return s;
}

static ch_ctx *open_as(struct fixture *f, const char *user)
{
	ch_ctx *c = NULL;
	if (ch_ctx_open(&c, f->url, user, "root") != 0)
		fail_msg("ch_ctx_open as %s: %s", user, ch_error_message());
	return c;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	*state = f;
	if (test_db_open(f->dir, "ledger.db", f->url, sizeof f->url, &f->root) != 0)
		return -1;
	import_plan(f->root);
	import_register(f->root);
	commission(f->root);
	inspect(f->root);
	if (ch_user_add(f->root, "rv", CH_ROLE_REVIEWER, NULL) != 0 ||
	    ch_user_add(f->root, "fin", CH_ROLE_FINANCE, NULL) != 0 ||
	    ch_user_add(f->root, "cj", CH_ROLE_COUNTY_OPERATOR, "昌吉市") != 0) {
		fprintf(stderr, "ch_user_add: %s\n", ch_error_message());
		return -1;
	}
	ch_ctx *rv = open_as(f, "rv");
	review(f->root, rv, "昌吉市");
	review(f->root, rv, "阜康市");
	ch_ctx_free(rv);
	/* W01 withdraws after its review */
	if (ch_event_step(f->root, hh_id(f->root, "W01"), CH_STAGE_WITHDRAWN, "2023-10-22",
	                  "农户搬迁", NULL, 0, TODAY) != 0) {
		fprintf(stderr, "withdrawing W01: %s\n", ch_error_message());
		return -1;
	}
	f->fin = open_as(f, "fin");
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ch_ctx_free(f->fin);
	ch_ctx_free(f->root);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- helpers for transfers ---- */

static int xfer(ch_ctx *ctx, const char *key, const char *kind, const char *day, int64_t household,
                const ch_posting *p, size_t n, int64_t *id, int *existed)
{
	int64_t tid = 0;
	int ex = 0;
	int rc = ch_ledger_transfer(ctx, key, kind, day, "unit", household, 0, p, n, &tid, &ex);
	if (id)
		*id = tid;
	if (existed)
		*existed = ex;
	return rc;
}

static void xfer_ok(ch_ctx *ctx, const char *key, const char *kind, int64_t household,
                    const ch_posting *p, size_t n)
{
	int64_t id;
	int existed;
	if (xfer(ctx, key, kind, "2023-06-01", household, p, n, &id, &existed) != 0)
		fail_msg("transfer %s: %s", key, ch_error_message());
	assert_true(id > 0);
	assert_int_equal(existed, 0);
}

/* Money for 昌吉市 and 阜康市: AMOUNT fen of each of the four sources. */
static void fund(ch_ctx *ctx, const char *county_code, int64_t amount, const char *tag)
{
	static const char *const src[4] = {"central", "region", "prefecture", "county"};
	for (int s = 0; s < 4; s++) {
		char from[64], to[64], key[96];
		snprintf(from, sizeof from, "origin:%s", src[s]);
		snprintf(to, sizeof to, "county:%s:%s", county_code, src[s]);
		snprintf(key, sizeof key, "fund:%s:%s:%s", tag, county_code, src[s]);
		ch_posting p[2] = {{from, -amount}, {to, amount}};
		xfer_ok(ctx, key, "appropriate", 0, p, 2);
	}
}

struct counts {
	int64_t transfers, postings, accounts, entitlements, payments;
};

static struct counts counts(ch_ctx *ctx)
{
	struct counts c = {
	    q(ctx, "SELECT count(*) FROM transfer"), q(ctx, "SELECT count(*) FROM posting"),
	    q(ctx, "SELECT count(*) FROM account"), q(ctx, "SELECT count(*) FROM entitlement"),
	    q(ctx, "SELECT count(*) FROM payment")};
	return c;
}

static void same_counts(struct counts a, struct counts b, const char *when)
{
	if (a.transfers != b.transfers || a.postings != b.postings || a.accounts != b.accounts ||
	    a.entitlements != b.entitlements || a.payments != b.payments)
		fail_msg("%s changed the ledger: transfers %" PRId64 "→%" PRId64
		         ", postings %" PRId64 "→%" PRId64 ", accounts %" PRId64 "→%" PRId64,
		         when, a.transfers, b.transfers, a.postings, b.postings, a.accounts,
		         b.accounts);
}

/* ---- entitlements ---- */

static ch_entitlement ent(ch_ctx *ctx, const char *no)
{
	ch_entitlement e;
	const char *county = no[0] == 'F' ? "阜康市" : "昌吉市";
	if (ch_subsidy_entitlement(ctx, county, no, &e) != 0)
		fail_msg("entitlement of %s: %s", no, ch_error_message());
	return e;
}

static int has_line(const ch_entitlement *e, const char *text)
{
	for (size_t i = 0; i < e->nlines; i++)
		if (strstr(e->lines[i], text))
			return 1;
	return 0;
}

static int64_t part(const ch_entitlement *e, const char *source)
{
	for (size_t i = 0; i < e->nsplit; i++)
		if (strcmp(e->split[i].source, source) == 0)
			return e->split[i].fen;
	fail_msg("%s: no part for %s", e->hh_no, source);
	return -1;
}

/* The policy's shares (hundredths of a percent): 37.5 / 37.5 / 10 / 15. */
static const struct {
	const char *source;
	int64_t bp;
} shares[4] = {{"central", 3750}, {"region", 3750}, {"prefecture", 1000}, {"county", 1500}};

/* The split of E is the largest-remainder split of its total: every part is
 * its exact share rounded down or up, the parts add up to the total, and a
 * part rounded up never has a smaller remainder than one rounded down. */
static void check_split(const ch_entitlement *e)
{
	int64_t sum = 0, min_up = 10000, max_down = -1;
	assert_int_equal(e->nsplit, 4);
	for (int s = 0; s < 4; s++) {
		int64_t fen = part(e, shares[s].source);
		int64_t floor_ = e->total_fen * shares[s].bp / 10000;
		int64_t rem = e->total_fen * shares[s].bp % 10000;
		if (fen != floor_ && fen != floor_ + 1)
			fail_msg("%s (%" PRId64 " fen): %s gets %" PRId64 ", its share is %" PRId64
			         ".%04" PRId64,
			         e->hh_no, e->total_fen, shares[s].source, fen, floor_, rem);
		if (fen == floor_ + 1 && rem < min_up)
			min_up = rem;
		if (fen == floor_ && rem > max_down)
			max_down = rem;
		if (fen == floor_ + 1 && rem == 0)
			fail_msg("%s: %s rounded up an exact share", e->hh_no, shares[s].source);
		sum += fen;
	}
	if (sum != e->total_fen)
		fail_msg("%s: the parts add up to %" PRId64 ", the total is %" PRId64, e->hh_no,
		         sum, e->total_fen);
	if (max_down > min_up)
		fail_msg("%s: a part with remainder %" PRId64
		         " rounded down while one with %" PRId64 " was rounded up",
		         e->hh_no, max_down, min_up);
}

static void test_entitlement_rules(void **state)
{
	struct fixture *f = *state;
	ch_entitlement e;
	/* gas: 70 % of the cost, capped at 2,700 yuan */
	e = ent(f->fin, "L01");
	assert_int_equal(e.tech_fen, 210000);
	assert_int_equal(e.es_fen, 0);
	assert_int_equal(e.total_fen, 210000);
	assert_int_equal(e.cost_fen, 300000);
	assert_true(has_line(&e, "按比例"));
	assert_int_equal(e.plan_year, 2023);
	assert_true(e.example);
	assert_int_equal(e.payment_days, 30);
	assert_int_equal(e.idle_days, 60);
	e = ent(f->fin, "L02");
	assert_int_equal(e.total_fen, 270000);
	assert_true(has_line(&e, "按上限"));
	/* a share is rounded down to the fen: 300001 × 70 % = 210000.7 */
	e = ent(f->fin, "L07");
	assert_int_equal(e.total_fen, 210000);
	/* fixed amount (集中供热 3,600 yuan), never above the cost */
	e = ent(f->fin, "L03");
	assert_int_equal(e.tech_fen, 360000);
	assert_int_equal(e.total_fen, 360000);
	assert_true(has_line(&e, "定额"));
	e = ent(f->fin, "L04");
	assert_int_equal(e.tech_fen, 360000);
	assert_int_equal(e.total_fen, 300000);
	assert_true(has_line(&e, "合计超过总投资"));
	/* heat pump 85 % capped at 7,400 + 50 m² × 55 = 2,750 > cost 10,000 */
	e = ent(f->fin, "L05");
	assert_int_equal(e.tech_fen, 740000);
	assert_int_equal(e.es_fen, 275000);
	assert_int_equal(e.total_fen, 1000000);
	/* energy saving capped at 8,000: 200 m² × 55 = 11,000 */
	e = ent(f->fin, "L06");
	assert_int_equal(e.tech_fen, 740000);
	assert_int_equal(e.es_fen, 800000);
	assert_int_equal(e.total_fen, 1540000);
	assert_true(has_line(&e, "按上限"));
	/* 33.33 m² × 55 = 1,833.15 */
	e = ent(f->fin, "L08");
	assert_int_equal(e.es_fen, 183315);
	assert_int_equal(e.total_fen, 740000 + 183315);
	/* solar and multi: 70 % / 85 % */
	e = ent(f->fin, "L14");
	assert_int_equal(e.total_fen, 70000);
	e = ent(f->fin, "L15");
	assert_int_equal(e.total_fen, 85000);
	/* cost 0: nothing; no cost: refused (the subsidy may not exceed it) */
	e = ent(f->fin, "L12");
	assert_int_equal(e.total_fen, 0);
	ch_entitlement x;
	expect_rc(ch_subsidy_entitlement(f->fin, "昌吉市", "L13", &x), CH_EINVALID,
	          "entitlement without a cost");
	/* never above the cost, for everyone with a cost */
	for (size_t i = 0; i < NHH; i++) {
		if (!households[i].cost)
			continue;
		e = ent(f->fin, households[i].no);
		int64_t want =
		    e.tech_fen + e.es_fen < e.cost_fen ? e.tech_fen + e.es_fen : e.cost_fen;
		if (e.total_fen != want)
			fail_msg("%s: total %" PRId64 ", parts %" PRId64 " + %" PRId64
			         ", cost %" PRId64,
			         e.hh_no, e.total_fen, e.tech_fen, e.es_fen, e.cost_fen);
	}
	/* a county operator sees its own county's households only: another
	 * county's is refused (outside the scope), not reported missing */
	ch_ctx *cj = open_as(f, "cj");
	e = ent(cj, "L01");
	assert_int_equal(e.total_fen, 210000);
	expect_rc(ch_subsidy_entitlement(cj, "阜康市", "F01", &x), CH_EDENIED,
	          "昌吉市 operator asks for a 阜康市 household");
	ch_ctx_free(cj);
}

static void test_split(void **state)
{
	struct fixture *f = *state;
	ch_entitlement e;
	/* 1 fen: it goes to a source with the largest remainder (central or region) */
	e = ent(f->fin, "L09");
	assert_int_equal(e.total_fen, 1);
	check_split(&e);
	assert_int_equal(part(&e, "prefecture"), 0);
	assert_int_equal(part(&e, "county"), 0);
	assert_int_equal(part(&e, "central") + part(&e, "region"), 1);
	/* 3 fen: 1.125 + 1.125 + 0.3 + 0.45 → 1, 1, 0, 1 */
	e = ent(f->fin, "L10");
	assert_int_equal(e.total_fen, 3);
	check_split(&e);
	assert_int_equal(part(&e, "central"), 1);
	assert_int_equal(part(&e, "region"), 1);
	assert_int_equal(part(&e, "prefecture"), 0);
	assert_int_equal(part(&e, "county"), 1);
	/* 999999 fen (capped at a cost of 9,999.99): 374999.625 ×2, 99999.9,
	 * 149999.85 → prefecture and county round up, then one of the two
	 * .625s */
	e = ent(f->fin, "L11");
	assert_int_equal(e.total_fen, 999999);
	check_split(&e);
	assert_int_equal(part(&e, "prefecture"), 100000);
	assert_int_equal(part(&e, "county"), 150000);
	assert_int_equal(part(&e, "central") + part(&e, "region"), 749999);
	/* 0 fen: all parts zero */
	e = ent(f->fin, "L12");
	check_split(&e);
	for (size_t i = 0; i < NHH; i++)
		if (households[i].cost) {
			e = ent(f->fin, households[i].no);
			check_split(&e);
		}
}

/* ---- reserving ---- */

static void test_reserve(void **state)
{
	struct fixture *f = *state;
	ch_reserve_summary sum;
	/* the prefecture admin and a county operator may not */
	fund(f->fin, CJ, 10000000, "a");
	struct counts c1 = counts(f->root);
	expect_rc(ch_subsidy_reserve(f->root, "昌吉市", "2023-10-25", &sum), CH_EDENIED,
	          "root reserves");
	ch_ctx *cj = open_as(f, "cj");
	expect_rc(ch_subsidy_reserve(cj, "昌吉市", "2023-10-25", &sum), CH_EDENIED,
	          "a county operator reserves");
	ch_ctx_free(cj);
	same_counts(c1, counts(f->root), "refused reservations");
	if (ch_subsidy_reserve(f->fin, "昌吉市", "2023-10-25", &sum) != 0)
		fail_msg("reserve: %s", ch_error_message());
	/* L01-L15 passed review: L12 is entitled to nothing, L13 has no cost;
	 * W01 withdrew, N01 was never reviewed */
	assert_int_equal(sum.reserved, 13);
	assert_int_equal(sum.zero, 1);
	assert_int_equal(sum.no_cost, 1);
	assert_int_equal(sum.short_of_funds, 0);
	int64_t total = 0;
	for (size_t i = 0; i < NHH; i++) {
		const struct hh *h = &households[i];
		if (strcmp(h->county, "昌吉市") != 0 || !h->cost || h->review != 1)
			continue;
		ch_entitlement e = ent(f->fin, h->no);
		total += e.total_fen;
		/* the household's payable accounts hold its split */
		for (int s = 0; s < 4; s++) {
			char code[64];
			snprintf(code, sizeof code, "payable:%" PRId64 ":%s", hh_id(f->fin, h->no),
			         shares[s].source);
			assert_int_equal(balance(f->fin, code), part(&e, shares[s].source));
		}
	}
	assert_int_equal(sum.total_fen, total);
	assert_int_equal(q(f->fin, "SELECT count(*) FROM entitlement"), 14);
	assert_int_equal(q(f->fin, "SELECT count(*) FROM account a JOIN household h ON"
	                           " h.id = a.household_id WHERE h.hh_no IN ('W01', 'N01',"
	                           " 'L12', 'L13')"),
	                 0);
	/* the county's accounts gave exactly that */
	int64_t left = 0;
	for (int s = 0; s < 4; s++) {
		char code[64];
		snprintf(code, sizeof code, "county:%s:%s", CJ, shares[s].source);
		left += balance(f->fin, code);
	}
	assert_int_equal(left, 4 * 10000000 - total);
	verify_ok(f->fin, "after reserving");
	/* again: nothing more */
	struct counts c2 = counts(f->fin);
	if (ch_subsidy_reserve(f->fin, "昌吉市", "2023-10-26", &sum) != 0)
		fail_msg("reserve again: %s", ch_error_message());
	assert_int_equal(sum.reserved, 0);
	assert_int_equal(sum.total_fen, 0);
	same_counts(c2, counts(f->fin), "reserving again");

	/* 阜康市: money for F01 (2,100 yuan) but not for F02 (6,800) */
	static const int64_t f01[4] = {78750, 78750, 21000, 31500};
	for (int s = 0; s < 4; s++) {
		char from[64], to[64], key[64];
		snprintf(from, sizeof from, "origin:%s", shares[s].source);
		snprintf(to, sizeof to, "county:%s:%s", FK, shares[s].source);
		snprintf(key, sizeof key, "fk:%s", shares[s].source);
		ch_posting p[2] = {{from, -f01[s]}, {to, f01[s]}};
		xfer_ok(f->fin, key, "appropriate", 0, p, 2);
	}
	if (ch_subsidy_reserve(f->fin, "阜康市", "2023-10-25", &sum) != 0)
		fail_msg("reserve 阜康市: %s", ch_error_message());
	assert_int_equal(sum.reserved, 1);
	assert_int_equal(sum.short_of_funds, 1);
	assert_int_equal(sum.total_fen, 210000);
	assert_int_equal(q1(f->fin,
	                    "SELECT count(*) FROM entitlement e JOIN household h"
	                    " ON h.id = e.household_id WHERE h.hh_no = ?",
	                    "F02"),
	                 0);
	char code[64];
	snprintf(code, sizeof code, "payable:%" PRId64 ":central", hh_id(f->fin, "F02"));
	assert_int_equal(balance(f->fin, code), 0);
	snprintf(code, sizeof code, "county:%s:central", FK);
	assert_int_equal(balance(f->fin, code), 0);
	verify_ok(f->fin, "after reserving 阜康市");
}

/* ---- ch_ledger_transfer ---- */

static void test_transfer(void **state)
{
	struct fixture *f = *state;
	int64_t id, id2;
	int existed;
	char c[64];
	snprintf(c, sizeof c, "county:%s:central", CJ);
	/* balanced: stored, balances moved, sealed */
	ch_posting a[2] = {{"origin:central", -100000}, {"pref:central", 100000}};
	struct counts c0 = counts(f->fin);
	assert_int_equal(xfer(f->fin, "t1", "appropriate", "2023-06-01", 0, a, 2, &id, &existed),
	                 0);
	assert_true(id > 0);
	assert_int_equal(existed, 0);
	assert_int_equal(balance(f->fin, "pref:central"), 100000);
	assert_int_equal(balance(f->fin, "origin:central"), -100000); /* origins go negative */
	struct counts c1 = counts(f->fin);
	assert_int_equal(c1.transfers, c0.transfers + 1);
	assert_int_equal(c1.postings, c0.postings + 2);
	assert_int_equal(q1(f->fin, "SELECT sealed FROM transfer WHERE idem_key = ?", "t1"), 1);
	assert_int_equal(q1(f->fin,
	                    "SELECT count(*) FROM transfer WHERE idem_key = ?"
	                    " AND kind = 'appropriate' AND day = '2023-06-01'"
	                    " AND actor = 'fin' AND memo = 'unit'",
	                    "t1"),
	                 1);
	/* the same key and content (postings in another order): found, not made */
	ch_posting a2[2] = {{"pref:central", 100000}, {"origin:central", -100000}};
	assert_int_equal(xfer(f->fin, "t1", "appropriate", "2023-06-01", 0, a2, 2, &id2, &existed),
	                 0);
	assert_int_equal(existed, 1);
	assert_int_equal(id2, id);
	same_counts(c1, counts(f->fin), "the same transfer again");
	assert_int_equal(balance(f->fin, "pref:central"), 100000);
	/* the same key with other content: amount, day, kind, memo */
	ch_posting a3[2] = {{"origin:central", -100001}, {"pref:central", 100001}};
	expect_rc(xfer(f->fin, "t1", "appropriate", "2023-06-01", 0, a3, 2, &id2, &existed),
	          CH_ECONFLICT, "same key, other amount");
	expect_rc(xfer(f->fin, "t1", "appropriate", "2023-06-02", 0, a, 2, &id2, &existed),
	          CH_ECONFLICT, "same key, other day");
	expect_rc(xfer(f->fin, "t1", "allocate", "2023-06-01", 0, a, 2, &id2, &existed),
	          CH_ECONFLICT, "same key, other kind");
	expect_rc(ch_ledger_transfer(f->fin, "t1", "appropriate", "2023-06-01", "other memo", 0, 0,
	                             a, 2, &id2, &existed),
	          CH_ECONFLICT, "same key, other memo");
	same_counts(c1, counts(f->fin), "reused keys");
	/* unbalanced, or fewer than two postings, or a zero posting */
	ch_posting u[2] = {{"pref:central", -100}, {c, 99}};
	expect_rc(xfer(f->fin, "t2", "allocate", "2023-06-05", 0, u, 2, &id2, &existed),
	          CH_EUNBALANCED, "unbalanced");
	assert_int_equal(id2, 0);
	expect_rc(xfer(f->fin, "t2", "allocate", "2023-06-05", 0, u, 1, &id2, &existed),
	          CH_EUNBALANCED, "one posting");
	ch_posting z[3] = {{"pref:central", -100}, {c, 100}, {"county:" CJ ":region", 0}};
	expect_rc(xfer(f->fin, "t2", "allocate", "2023-06-05", 0, z, 3, &id2, &existed),
	          CH_EINVALID, "a zero posting");
	same_counts(c1, counts(f->fin), "refused transfers");
	/* the key of a refused transfer is still free */
	ch_posting b[2] = {{"pref:central", -60000}, {c, 60000}};
	assert_int_equal(xfer(f->fin, "t2", "allocate", "2023-06-05", 0, b, 2, &id2, &existed), 0);
	assert_int_equal(existed, 0);
	assert_int_equal(balance(f->fin, "pref:central"), 40000);
	assert_int_equal(balance(f->fin, c), 60000);
	/* a county account below zero: refused, the whole transfer absent, also
	 * the accounts its earlier postings would have created */
	struct counts c2 = counts(f->fin);
	ch_posting o[3] = {{"spent:" CJ ":central:subsidy", 30000},
	                   {"spent:" CJ ":central:办公经费", 30001},
	                   {c, -60001}};
	expect_rc(xfer(f->fin, "t3", "spend", "2023-06-06", 0, o, 3, &id2, &existed), CH_EINVALID,
	          "a county account below zero");
	assert_int_equal(id2, 0);
	same_counts(c2, counts(f->fin), "an overdraft");
	assert_int_equal(q1(f->fin, "SELECT count(*) FROM transfer WHERE idem_key = ?", "t3"), 0);
	assert_int_equal(balance(f->fin, c), 60000);
	assert_int_equal(q(f->fin, "SELECT count(*) FROM account WHERE kind = 'spent'"), 0);
	/* the prefecture's account below zero */
	ch_posting o2[2] = {{"pref:central", -40001}, {"county:" FK ":central", 40001}};
	expect_rc(xfer(f->fin, "t3", "allocate", "2023-06-06", 0, o2, 2, &id2, &existed),
	          CH_EINVALID, "the prefecture's account below zero");
	same_counts(c2, counts(f->fin), "a prefecture overdraft");
	/* unknown accounts: nothing stored */
	static const char *const bad[] = {
	    "bogus:central", "county:999999:central", "payable:999999:central", "origin:nosuch",
	    "county:" CJ,    "pref:central:x:y"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ch_posting p[2] = {{"origin:central", -5}, {bad[i], 5}};
		int rc = xfer(f->fin, "t4", "appropriate", "2023-06-06", 0, p, 2, &id2, &existed);
		if (rc != CH_EINVALID)
			fail_msg("account '%s': rc %d, expected CH_EINVALID", bad[i], rc);
		ch_error_clear();
	}
	/* one account twice in a transfer */
	ch_posting d[3] = {{"origin:central", -5}, {"pref:central", 3}, {"pref:central", 2}};
	assert_true(xfer(f->fin, "t4", "appropriate", "2023-06-06", 0, d, 3, &id2, &existed) != 0);
	ch_error_clear();
	same_counts(c2, counts(f->fin), "unknown accounts");
	/* exactly to zero is fine */
	ch_posting e[2] = {{c, -60000}, {"spent:" CJ ":central:subsidy", 60000}};
	assert_int_equal(xfer(f->fin, "t5", "spend", "2023-06-07", 0, e, 2, &id2, &existed), 0);
	assert_int_equal(balance(f->fin, c), 0);
	verify_ok(f->fin, "after the transfers");
}

static void test_reverse(void **state)
{
	struct fixture *f = *state;
	int64_t id, rid, rid2;
	int existed;
	ch_posting a[3] = {
	    {"origin:region", -50000}, {"pref:region", 20000}, {"county:" CJ ":region", 30000}};
	assert_int_equal(xfer(f->fin, "r1", "appropriate", "2023-06-01", 0, a, 3, &id, &existed),
	                 0);
	struct counts c0 = counts(f->fin);
	if (ch_ledger_reverse(f->fin, id, "r1-back", "2023-06-03", "撤回", &rid) != 0)
		fail_msg("reverse: %s", ch_error_message());
	assert_true(rid > id);
	/* the mirror: the same accounts, opposite amounts */
	assert_int_equal(q1(f->fin,
	                    "SELECT count(*) FROM posting p JOIN posting o ON o.account_id ="
	                    " p.account_id AND o.amount = -p.amount AND o.transfer_id = (SELECT id"
	                    " FROM transfer WHERE idem_key = 'r1')"
	                    " WHERE p.transfer_id = (SELECT id FROM transfer WHERE idem_key = ?)",
	                    "r1-back"),
	                 3);
	assert_int_equal(q1(f->fin,
	                    "SELECT count(*) FROM posting WHERE transfer_id ="
	                    " (SELECT id FROM transfer WHERE idem_key = ?)",
	                    "r1-back"),
	                 3);
	assert_int_equal(q1(f->fin, "SELECT reverses FROM transfer WHERE idem_key = ?", "r1-back"),
	                 id);
	assert_int_equal(
	    q1(f->fin, "SELECT kind = 'reverse' FROM transfer WHERE idem_key = ?", "r1-back"), 1);
	assert_int_equal(balance(f->fin, "origin:region"), 0);
	assert_int_equal(balance(f->fin, "pref:region"), 0);
	assert_int_equal(balance(f->fin, "county:" CJ ":region"), 0);
	struct counts c1 = counts(f->fin);
	assert_int_equal(c1.transfers, c0.transfers + 1);
	/* the same reversal again: found */
	assert_int_equal(ch_ledger_reverse(f->fin, id, "r1-back", "2023-06-03", "撤回", &rid2), 0);
	assert_int_equal(rid2, rid);
	same_counts(c1, counts(f->fin), "the same reversal again");
	/* its key used for another reversal: refused */
	ch_posting b[2] = {{"origin:region", -10}, {"pref:region", 10}};
	int64_t id2;
	assert_int_equal(xfer(f->fin, "r2", "appropriate", "2023-06-01", 0, b, 2, &id2, &existed),
	                 0);
	struct counts c2 = counts(f->fin);
	expect_rc(ch_ledger_reverse(f->fin, id2, "r1-back", "2023-06-03", "撤回", &rid2),
	          CH_ECONFLICT, "a reversal's key reused");
	/* reversing what is no longer there: the county spent it */
	ch_posting s[2] = {{"pref:region", -10}, {"spent:" CJ ":region:subsidy", 10}};
	assert_int_equal(xfer(f->fin, "r3", "spend", "2023-06-04", 0, s, 2, &id2, &existed), 0);
	c2 = counts(f->fin);
	expect_rc(ch_ledger_reverse(f->fin,
	                            q1(f->fin, "SELECT id FROM transfer WHERE idem_key = ?", "r2"),
	                            "r2-back", "2023-06-05", NULL, &rid2),
	          CH_EINVALID, "reversing money already spent");
	same_counts(c2, counts(f->fin), "a refused reversal");
	expect_rc(ch_ledger_reverse(f->fin, 999999, "r9-back", "2023-06-05", NULL, &rid2),
	          CH_ENOTFOUND, "reversing no transfer");
	same_counts(c2, counts(f->fin), "reversing no transfer");
	verify_ok(f->fin, "after the reversals");
}

/* ---- the database's own rules ---- */

/* One sealed appropriation, one allocation to 昌吉市, and L01's
 * reservation, for the raw SQL to work on. Returns L01's id. */
static int64_t ledger_with_reserve(struct fixture *f)
{
	ch_reserve_summary sum;
	fund(f->fin, CJ, 10000000, "db");
	if (ch_subsidy_reserve(f->fin, "昌吉市", "2023-10-25", &sum) != 0)
		fail_msg("reserve: %s", ch_error_message());
	return hh_id(f->fin, "L01");
}

static void refused(ch_ctx *ctx, const char *s, const char *what)
{
	struct counts c0 = counts(ctx);
	int rc = ch_db_exec_script(ch_ctx_db(ctx), s);
	if (rc == 0)
		fail_msg("%s: the database accepted: %s", what, s);
	ch_error_clear();
	same_counts(c0, counts(ctx), what);
}

static void refused_saying(ch_ctx *ctx, const char *s, const char *why);

static void test_db_rules(void **state)
{
	struct fixture *f = *state;
	int64_t l01 = ledger_with_reserve(f);
	int64_t n01 = hh_id(f->fin, "N01"), w01 = hh_id(f->fin, "W01");
	int64_t county = q(f->fin, "SELECT id FROM region WHERE code = '" CJ "'");
	char s[1024];
	verify_ok(f->fin, "before");
	int64_t b0 = balance(f->fin, "county:" CJ ":central");

	refused(f->fin, "UPDATE posting SET amount = amount + 1", "UPDATE posting");
	refused(f->fin,
	        "UPDATE posting SET account_id = (SELECT id FROM account WHERE code ="
	        " 'origin:region') WHERE amount < 0",
	        "UPDATE posting account");
	refused(f->fin, "DELETE FROM posting", "DELETE posting");
	refused(f->fin, "DELETE FROM transfer", "DELETE transfer");
	refused(f->fin, "DELETE FROM transfer WHERE kind = 'reserve'", "DELETE a reserve transfer");
	refused(f->fin, "UPDATE transfer SET memo = 'changed'", "UPDATE a sealed transfer's memo");
	refused(f->fin, "UPDATE transfer SET day = '2023-01-01'", "UPDATE a sealed transfer's day");
	refused(f->fin, "UPDATE transfer SET actor = 'someone'",
	        "UPDATE a sealed transfer's actor");
	refused(f->fin, "UPDATE transfer SET sealed = 0", "unsealing a transfer");
	refused(f->fin, "UPDATE transfer SET idem_key = idem_key || 'x'",
	        "UPDATE a sealed transfer's key");
	refused(f->fin, "UPDATE transfer SET household_id = NULL WHERE kind = 'reserve'",
	        "UPDATE a sealed transfer's household");
	/* a posting into a sealed transfer */
	snprintf(s, sizeof s,
	         "INSERT INTO posting(transfer_id, account_id, amount) VALUES ((SELECT min(id) FROM"
	         " transfer), (SELECT id FROM account WHERE code = 'pref:central'), 5)");
	refused(f->fin, s, "a posting into a sealed transfer");
	if (!test_pg_url()) { /* and with SQLite's foreign keys off, to an account that is not */
		sql_ok(f->fin, "PRAGMA foreign_keys = OFF");
		refused_saying(
		    f->fin,
		    "INSERT INTO posting(transfer_id, account_id, amount) VALUES ((SELECT"
		    " min(id) FROM transfer), 999999, 5)",
		    "the transfer is sealed");
		sql_ok(f->fin, "PRAGMA foreign_keys = ON");
	}
	/* an account below zero */
	refused(f->fin, "UPDATE account SET balance = -1 WHERE code = 'county:" CJ ":central'",
	        "a county account set below zero");

	/* an open transfer whose postings do not add up may not be sealed; nor
	 * one with fewer than two postings. (Each in a transaction rolled back.) */
	sql_ok(f->fin, "BEGIN");
	sql_ok(f->fin, "INSERT INTO transfer(idem_key, kind, content_hash, day, at, actor)"
	               " VALUES ('raw1', 'allocate', 'x', '2023-07-01', 'now', 'fin')");
	snprintf(s, sizeof s,
	         "INSERT INTO posting(transfer_id, account_id, amount) VALUES"
	         " ((SELECT id FROM transfer WHERE idem_key = 'raw1'), (SELECT id FROM account"
	         " WHERE code = 'county:" CJ ":central'), -100),"
	         " ((SELECT id FROM transfer WHERE idem_key = 'raw1'), (SELECT id FROM account"
	         " WHERE code = 'county:" CJ ":region'), 99)");
	sql_ok(f->fin, s);
	if (sql(f->fin, "UPDATE transfer SET sealed = 1 WHERE idem_key = 'raw1'") == 0)
		fail_msg("the database sealed a transfer off by 1 fen");
	sql_ok(f->fin, "ROLLBACK");
	sql_ok(f->fin, "BEGIN");
	sql_ok(f->fin, "INSERT INTO transfer(idem_key, kind, content_hash, day, at, actor)"
	               " VALUES ('raw2', 'allocate', 'x', '2023-07-01', 'now', 'fin')");
	if (sql(f->fin, "UPDATE transfer SET sealed = 1 WHERE idem_key = 'raw2'") == 0)
		fail_msg("the database sealed a transfer without postings");
	sql_ok(f->fin, "ROLLBACK");

	/* 'reserve' postings into the payable account of a household whose
	 * review has not passed (N01), or who withdrew (W01) */
	int64_t who[2] = {n01, w01};
	for (int k = 0; k < 2; k++) {
		sql_ok(f->fin, "BEGIN");
		snprintf(
		    s, sizeof s,
		    "INSERT INTO account(code, kind, source, region_id, household_id)"
		    " VALUES ('payable:%" PRId64 ":central', 'payable', 'central', %" PRId64
		    ", %" PRId64 ");"
		    "INSERT INTO entitlement(household_id, county_id, policy_id, total_fen,"
		    " cost_fen, detail, reviewed_day, computed_at) SELECT id, county_id, (SELECT"
		    " id FROM subsidy_policy WHERE active = 1), 100000, 300000, '{}',"
		    " '2023-10-20', 'now' FROM household WHERE id = %" PRId64 ";"
		    "INSERT INTO transfer(idem_key, kind, content_hash, day, at, actor,"
		    " household_id) VALUES ('raw3', 'reserve', 'x', '2023-10-25', 'now', 'fin',"
		    " %" PRId64 ");"
		    "INSERT INTO posting(transfer_id, account_id, amount) VALUES"
		    " ((SELECT id FROM transfer WHERE idem_key = 'raw3'), (SELECT id FROM account"
		    " WHERE code = 'county:" CJ ":central'), -100)",
		    who[k], county, who[k], who[k], who[k]);
		sql_ok(f->fin, s);
		snprintf(
		    s, sizeof s,
		    "INSERT INTO posting(transfer_id, account_id, amount) VALUES"
		    " ((SELECT id FROM transfer WHERE idem_key = 'raw3'), (SELECT id FROM account"
		    " WHERE code = 'payable:%" PRId64 ":central'), 100)",
		    who[k]);
		/* SQLite counts an open transfer's postings at its seal, and
		 * refuses there; PostgreSQL refuses the posting */
		if (sql(f->fin, s) == 0 &&
		    (test_pg_url() || balance(f->fin, "county:" CJ ":central") != b0 ||
		     sql(f->fin, "UPDATE transfer SET sealed = 1 WHERE idem_key = 'raw3'") == 0))
			fail_msg("the database took a reserve posting for %s (%s)",
			         k ? "W01" : "N01", k ? "withdrawn" : "not reviewed");
		sql_ok(f->fin, "ROLLBACK");
	}
	/* reserving more than the entitlement (L01 holds all of its 2,100) */
	sql_ok(f->fin, "BEGIN");
	sql_ok(f->fin, "INSERT INTO transfer(idem_key, kind, content_hash, day, at, actor,"
	               " household_id) VALUES ('raw4', 'reserve', 'x', '2023-10-25', 'now',"
	               " 'fin', NULL)");
	snprintf(s, sizeof s,
	         "INSERT INTO posting(transfer_id, account_id, amount) VALUES"
	         " ((SELECT id FROM transfer WHERE idem_key = 'raw4'), (SELECT id FROM account"
	         " WHERE code = 'county:" CJ ":central'), -1)");
	sql_ok(f->fin, s);
	snprintf(s, sizeof s,
	         "INSERT INTO posting(transfer_id, account_id, amount) VALUES"
	         " ((SELECT id FROM transfer WHERE idem_key = 'raw4'), (SELECT id FROM account"
	         " WHERE code = 'payable:%" PRId64 ":central'), 1)",
	         l01);
	if (sql(f->fin, s) == 0 &&
	    (test_pg_url() || balance(f->fin, "county:" CJ ":central") != b0 ||
	     sql(f->fin, "UPDATE transfer SET sealed = 1 WHERE idem_key = 'raw4'") == 0))
		fail_msg("the database reserved 1 fen more than L01's entitlement");
	sql_ok(f->fin, "ROLLBACK");
	/* the same through the API */
	char pay[64];
	snprintf(pay, sizeof pay, "payable:%" PRId64 ":central", l01);
	ch_posting p[2] = {{"county:" CJ ":central", -1}, {pay, 1}};
	struct counts c0 = counts(f->fin);
	expect_rc(xfer(f->fin, "more", "reserve", "2023-10-26", l01, p, 2, NULL, NULL), CH_EINVALID,
	          "reserving 1 fen more than the entitlement");
	same_counts(c0, counts(f->fin), "reserving more than the entitlement");

	assert_int_equal(balance(f->fin, "county:" CJ ":central"), b0);
	assert_int_equal(q(f->fin, "SELECT count(*) FROM transfer WHERE idem_key LIKE 'raw%'"), 0);
	verify_ok(f->fin, "after the refused edits");
}

/* S (SQL) must fail with a message that contains WHY. */
static void refused_saying(ch_ctx *ctx, const char *s, const char *why)
{
	if (ch_db_exec_script(ch_ctx_db(ctx), s) == 0)
		fail_msg("the database accepted: %s", s);
	if (!strstr(ch_error_message(), why))
		fail_msg("%s: refused with '%s', expected '%s'", s, ch_error_message(), why);
	ch_error_clear();
}

/* A transfer written already sealed, after its postings (migration 0016):
 * the database still refuses one that does not add up, one with a single
 * posting, one that reserves money for a household whose review has not
 * passed, and postings whose transfer never comes (at the commit). */
static void test_sealed_insert(void **state)
{
	struct fixture *f = *state;
	int64_t n01 = hh_id(f->fin, "N01");
	char s[2048];
	ledger_with_reserve(f);
	struct counts c0 = counts(f->fin);
#define POSTINGS_OFF_BY_ONE                                                                        \
	"INSERT INTO posting(transfer_id, account_id, amount) VALUES"                              \
	" (900001, (SELECT id FROM account WHERE code = 'county:" CJ ":central'), -100),"          \
	" (900001, (SELECT id FROM account WHERE code = 'county:" CJ ":region'), 99)"
#define POSTINGS_BALANCED                                                                          \
	"INSERT INTO posting(transfer_id, account_id, amount) VALUES"                              \
	" (900001, (SELECT id FROM account WHERE code = 'county:" CJ ":central'), -100),"          \
	" (900001, (SELECT id FROM account WHERE code = 'county:" CJ ":region'), 100)"
#define SEALED(kind, hh)                                                                           \
	"INSERT INTO transfer(id, idem_key, kind, content_hash, day, at, actor, household_id,"     \
	" sealed) VALUES (900001, 'raw9', '" kind "', 'x', '2023-07-01', 'now', 'fin', " hh ", 1)"
	/* off by 1 fen */
	sql_ok(f->fin, "BEGIN");
	sql_ok(f->fin, POSTINGS_OFF_BY_ONE);
	refused_saying(f->fin, SEALED("allocate", "NULL"), "debits do not equal credits");
	sql_ok(f->fin, "ROLLBACK");
	/* one posting */
	sql_ok(f->fin, "BEGIN");
	sql_ok(f->fin, "INSERT INTO transfer(idem_key, kind, content_hash, day, at, actor, sealed)"
	               " VALUES ('raw8', 'allocate', 'x', '2023-07-01', 'now', 'fin', 0)");
	refused_saying(f->fin,
	               "INSERT INTO transfer(id, idem_key, kind, content_hash, day, at, actor,"
	               " sealed) VALUES (900002, 'raw10', 'allocate', 'x', '2023-07-01', 'now',"
	               " 'fin', 1)",
	               "two postings at least");
	sql_ok(f->fin, "ROLLBACK");
	/* balanced, but reserving for N01, whose review has not passed (given
	 * an entitlement, so that only the review stands in the way) */
	snprintf(s, sizeof s,
	         "BEGIN;"
	         "INSERT INTO account(code, kind, source, household_id) VALUES"
	         " ('payable:%" PRId64 ":central', 'payable', 'central', %" PRId64 ");"
	         "INSERT INTO entitlement(household_id, county_id, policy_id, total_fen, cost_fen,"
	         " detail, reviewed_day, computed_at) SELECT id, county_id, (SELECT id FROM"
	         " subsidy_policy WHERE active = 1), 100000, 300000, '{}', '2023-10-20', 'now'"
	         " FROM household WHERE id = %" PRId64 ";"
	         "INSERT INTO posting(transfer_id, account_id, amount) VALUES"
	         " (900001, (SELECT id FROM account WHERE code = 'county:" CJ ":central'), -100),"
	         " (900001, (SELECT id FROM account WHERE code = 'payable:%" PRId64
	         ":central'), 100)",
	         n01, n01, n01, n01);
	sql_ok(f->fin, s);
	snprintf(s, sizeof s, SEALED("reserve", "%" PRId64), n01);
	refused_saying(f->fin, s, "review has not passed");
	sql_ok(f->fin, "ROLLBACK");
	/* postings whose transfer never comes: the commit fails */
	sql_ok(f->fin, "BEGIN");
	sql_ok(f->fin, POSTINGS_BALANCED);
	refused_saying(f->fin, "COMMIT", "FOREIGN KEY");
	sql_ok(f->fin, "ROLLBACK");
	/* and a balanced one goes in, its postings counted */
	int64_t central = balance(f->fin, "county:" CJ ":central");
	sql_ok(f->fin, "BEGIN");
	sql_ok(f->fin, POSTINGS_BALANCED);
	sql_ok(f->fin, SEALED("allocate", "NULL"));
	assert_int_equal(balance(f->fin, "county:" CJ ":central"), central - 100);
	sql_ok(f->fin, "ROLLBACK");
	if (!test_pg_url()) {
		/* SQLite (0025): postings that counted already may not be
		 * given an open transfer, whose seal would count them again */
		sql_ok(f->fin, "BEGIN");
		sql_ok(f->fin, POSTINGS_BALANCED);
		refused_saying(f->fin,
		               "INSERT INTO transfer(id, idem_key, kind, content_hash, day, at,"
		               " actor) VALUES (900001, 'raw11', 'allocate', 'x', '2023-07-01',"
		               " 'now', 'fin')",
		               "an open transfer must come before its postings");
		sql_ok(f->fin, "ROLLBACK");
		/* an open transfer's postings count at its seal, not before */
		sql_ok(f->fin, "BEGIN");
		sql_ok(f->fin, "INSERT INTO transfer(id, idem_key, kind, content_hash, day, at,"
		               " actor) VALUES (900001, 'raw12', 'allocate', 'x', '2023-07-01',"
		               " 'now', 'fin')");
		sql_ok(f->fin, POSTINGS_BALANCED);
		assert_int_equal(balance(f->fin, "county:" CJ ":central"), central);
		sql_ok(f->fin, "UPDATE transfer SET sealed = 1 WHERE id = 900001");
		assert_int_equal(balance(f->fin, "county:" CJ ":central"), central - 100);
		assert_int_equal(balance(f->fin, "county:" CJ ":region"),
		                 q(f->fin, "SELECT sum(amount) FROM posting p JOIN account a"
		                           " ON a.id = p.account_id WHERE a.code = 'county:" CJ
		                           ":region'"));
		sql_ok(f->fin, "ROLLBACK");
	}
#undef POSTINGS_OFF_BY_ONE
#undef POSTINGS_BALANCED
#undef SEALED
	same_counts(c0, counts(f->fin), "the refused sealed inserts");
	verify_ok(f->fin, "after the refused sealed inserts");
}

/* Account ids are remembered within a write transaction only: accounts
 * made by a transaction rolled back are not used after it, even when the
 * next transaction's new accounts get their ids. */
static void test_account_ids_after_rollback(void **state)
{
	struct fixture *f = *state;
	ch_posting other[2] = {{"origin:other", -5}, {"pref:other", 5}};
	ch_posting social[2] = {{"origin:social", -7}, {"pref:social", 7}};
	int64_t before = q(f->fin, "SELECT coalesce(max(id), 0) FROM account");
	assert_int_equal(ch_ctx_begin(f->fin), 0);
	xfer_ok(f->fin, "cache1", "appropriate", 0, other, 2);
	assert_int_equal(q(f->fin, "SELECT coalesce(max(id), 0) FROM account"), before + 2);
	ch_ctx_rollback(f->fin);
	assert_int_equal(q(f->fin, "SELECT coalesce(max(id), 0) FROM account"), before);
	assert_int_equal(ch_ctx_begin(f->fin), 0);
	xfer_ok(f->fin, "cache2", "appropriate", 0, social, 2); /* takes the ids back */
	xfer_ok(f->fin, "cache3", "appropriate", 0, other, 2);
	assert_int_equal(ch_ctx_commit(f->fin), 0);
	assert_int_equal(balance(f->fin, "pref:social"), 7);
	assert_int_equal(balance(f->fin, "pref:other"), 5);
	assert_int_equal(balance(f->fin, "origin:other"), -5);
	assert_int_equal(q(f->fin, "SELECT count(*) FROM transfer WHERE idem_key = 'cache1'"), 0);
	verify_ok(f->fin, "after a rolled-back transaction made accounts");
}

/* Units of work under savepoints in one transaction (as the HTTP server's
 * group commit runs them): a unit that fails after writing, even through
 * a nested rollback, is undone alone; the others commit; accounts the
 * undone unit made are not remembered after it. */
static void test_savepoint_units(void **state)
{
	struct fixture *f = *state;
	ch_db *db = ch_ctx_db(f->fin);
	ch_db_savepoint sp;
	ch_posting a[2] = {{"origin:other", -5}, {"pref:other", 5}};
	ch_posting b[2] = {{"origin:social", -7}, {"pref:social", 7}};
	ch_posting c[2] = {{"origin:county", -9}, {"pref:county", 9}};
	int64_t accounts = q(f->fin, "SELECT count(*) FROM account");
	assert_int_equal(ch_ctx_begin(f->fin), 0);
	assert_int_equal(ch_db_savepoint_set(db, &sp), 0);
	xfer_ok(f->fin, "unit1", "appropriate", 0, a, 2);
	assert_int_equal(ch_db_savepoint_end(db, &sp, 0), 0);
	/* a unit that writes, then fails inside a nested transaction */
	assert_int_equal(ch_db_savepoint_set(db, &sp), 0);
	assert_int_equal(ch_ctx_begin(f->fin), 0);
	xfer_ok(f->fin, "unit2", "appropriate", 0, b, 2);
	ch_error_set(CH_EINVALID, "unit 2 fails");
	ch_ctx_rollback(f->fin);
	assert_int_equal(ch_db_savepoint_end(db, &sp, 1), 0);
	assert_string_equal(ch_error_message(), "unit 2 fails"); /* its error kept */
	ch_error_clear();
	/* the next unit makes accounts that take the undone one's ids */
	assert_int_equal(ch_db_savepoint_set(db, &sp), 0);
	xfer_ok(f->fin, "unit3", "appropriate", 0, c, 2);
	xfer_ok(f->fin, "unit3b", "appropriate", 0, b, 2);
	assert_int_equal(ch_db_savepoint_end(db, &sp, 0), 0);
	assert_int_equal(ch_ctx_commit(f->fin), 0);
	assert_int_equal(q(f->fin, "SELECT count(*) FROM transfer WHERE idem_key = 'unit2'"), 0);
	assert_int_equal(balance(f->fin, "pref:other"), 5);
	assert_int_equal(balance(f->fin, "pref:county"), 9);
	assert_int_equal(balance(f->fin, "pref:social"), 7);
	assert_int_equal(q(f->fin, "SELECT count(*) FROM account"), accounts + 6);
	verify_ok(f->fin, "after a unit undone under its savepoint");
}

/* The content hash a transfer is stored with is what a replay of its key
 * is compared with, so it must come out the same from version to version:
 * this one was computed by the version that wrote it with snprintf. */
static void test_content_hash_stable(void **state)
{
	struct fixture *f = *state;
	ch_posting p[3] = {{"pref:other", 12345}, {"origin:other", -12346}, {"pref:social", 1}};
	char *hash = NULL;
	xfer_ok(f->fin, "hash1", "appropriate", 0, p, 3);
	if (ch_db_query_text(ch_ctx_db(f->fin), &hash,
	                     "SELECT content_hash FROM transfer WHERE idem_key = 'hash1'",
	                     NULL) != 0)
		fail_msg("the transfer's hash: %s", ch_error_message());
	assert_string_equal(hash,
	                    "d6ebf0467a7176fabd854a10759cb19c77e90c61037226f82cdb78ced871adda");
	free(hash);
	/* two postings given out of order, and the largest amounts (BLAKE2b-256
	 * of "appropriate|2023-06-01|unit|0|0|origin:social=-7;pref:social=7;"
	 * and of the same with the county source and ±9223372036854775807) */
	ch_posting two[2] = {{"pref:social", 7}, {"origin:social", -7}};
	ch_posting big[2] = {{"pref:county", INT64_MAX}, {"origin:county", -INT64_MAX}};
	xfer_ok(f->fin, "hash2", "appropriate", 0, two, 2);
	xfer_ok(f->fin, "hash3", "appropriate", 0, big, 2);
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT %s(content_hash, ' ') FROM (SELECT content_hash FROM"
	         " transfer WHERE idem_key IN ('hash2', 'hash3') ORDER BY idem_key) t",
	         ch_db_fn(ch_ctx_db(f->fin), CH_DB_FN_GROUP_CONCAT));
	if (ch_db_query_text(ch_ctx_db(f->fin), &hash, sql, NULL) != 0)
		fail_msg("the transfers' hashes: %s", ch_error_message());
	assert_string_equal(hash,
	                    "6202a46667a2a0cc420261e8ef73fbb3c761b08b7b43f9a39049bddd37ec38b5 "
	                    "6fd0d9f709fb780921eb61fc0886abee6d2eeb97e434706603a47855d8986cdd");
	free(hash);
}

/* ---- verify after tampering ---- */

/* TAMPER_SQL in PostgreSQL's words: a trigger is dropped ON its table, and
 * SQLite's PRAGMA ignore_check_constraints becomes dropping the CHECKs the
 * tampering breaks (inside the transaction tamper rolls back). The
 * statements themselves are the same. */
static char *tamper_pg(const char *tamper_sql)
{
	static const char *const map[][2] = {
	    {"DROP TRIGGER posting_immutable;", "DROP TRIGGER posting_immutable ON posting;"},
	    {"DROP TRIGGER posting_keep;", "DROP TRIGGER posting_keep ON posting;"},
	    {"DROP TRIGGER transfer_seal;", "DROP TRIGGER transfer_seal ON transfer;"},
	    {"DROP TRIGGER posting_only_open;", "DROP TRIGGER posting_only_open ON posting;"},
	    {"PRAGMA ignore_check_constraints = 1;",
	     "ALTER TABLE entitlement DROP CONSTRAINT entitlement_check;"
	     " ALTER TABLE account DROP CONSTRAINT account_check;"},
	    {"; PRAGMA ignore_check_constraints = 0", ""},
	    {" PRAGMA ignore_check_constraints = 0", ""},
	};
	ch_buf b;
	ch_buf_init(&b);
	for (const char *p = tamper_sql; *p;) {
		size_t i = 0, n = sizeof map / sizeof map[0];
		while (i < n && strncmp(p, map[i][0], strlen(map[i][0])) != 0)
			i++;
		if (i < n) {
			ch_buf_puts(&b, map[i][1]);
			p += strlen(map[i][0]);
		} else {
			ch_buf_printf(&b, "%c", *p++);
		}
	}
	return ch_buf_detach(&b);
}

/* Runs TAMPER in a transaction, checks that verify names WHAT, rolls back. */
static void tamper(ch_ctx *ctx, const char *tamper_sql, const char *what)
{
	char *pg = test_pg_url() ? tamper_pg(tamper_sql) : NULL;
	if (pg)
		tamper_sql = pg;
	sql_ok(ctx, "BEGIN");
	if (ch_db_exec_script(ch_ctx_db(ctx), tamper_sql) != 0)
		fail_msg("tampering (%s): %s", tamper_sql, ch_error_message());
	verify_fails(ctx, what, tamper_sql);
	sql_ok(ctx, "ROLLBACK");
	verify_ok(ctx, "after rolling the tampering back");
	free(pg);
}

static void test_verify_tampered(void **state)
{
	struct fixture *f = *state;
	int64_t l01 = ledger_with_reserve(f);
	char s[1024];
	verify_ok(f->fin, "before tampering");
	/* a posting changed: its transfer no longer adds up */
	tamper(f->fin,
	       "DROP TRIGGER posting_immutable;"
	       " UPDATE posting SET amount = amount + 1 WHERE transfer_id = (SELECT min(id) FROM"
	       " transfer) AND amount > 0",
	       "do not add up to zero");
	/* both sides changed alike: balanced, but the balances are not the sums */
	tamper(f->fin,
	       "DROP TRIGGER posting_immutable;"
	       " UPDATE posting SET amount = amount * 2 WHERE transfer_id = (SELECT min(id) FROM"
	       " transfer)",
	       "not the sum of its postings");
	/* a balance edited */
	tamper(f->fin,
	       "UPDATE account SET balance = balance + 100 WHERE code = 'county:" CJ ":central'",
	       "not the sum of its postings");
	/* a posting deleted (with its counterpart: still balanced) */
	tamper(f->fin,
	       "DROP TRIGGER posting_keep;"
	       " DELETE FROM posting WHERE transfer_id = (SELECT min(id) FROM transfer)",
	       "not the sum of its postings");
	/* a transfer opened again */
	tamper(f->fin,
	       "DROP TRIGGER transfer_seal;"
	       " UPDATE transfer SET sealed = 0 WHERE id = (SELECT max(id) FROM transfer)",
	       "left open");
	/* the household above its entitlement */
	snprintf(s, sizeof s,
	         "UPDATE entitlement SET total_fen = total_fen - 1 WHERE household_id = %" PRId64,
	         l01);
	tamper(f->fin, s, "more than its entitlement");
	/* a balanced pair of postings slipped into L01's sealed reservation,
	 * past the triggers: 5 fen more than its entitlement */
	/* (PostgreSQL checks the entitlement in the trigger that keeps the
	 * balances, SQLite keeps them in the trigger that refuses a posting
	 * into a sealed transfer: the triggers go, and the balances are kept
	 * by hand) */
	snprintf(s, sizeof s, "%s",
	         test_pg_url() ? "DROP TRIGGER posting_only_open ON posting;"
	                         " DROP TRIGGER posting_balance ON posting;"
	                       : "DROP TRIGGER posting_only_open;");
	snprintf(s + strlen(s), sizeof s - strlen(s),
	         " INSERT INTO account(code, kind, source, household_id) VALUES"
	         " ('payable:%" PRId64 ":other', 'payable', 'other', %" PRId64 "),"
	         " ('origin:other', 'origin', 'other', NULL);"
	         " INSERT INTO posting(transfer_id, account_id, amount) VALUES"
	         " ((SELECT id FROM transfer WHERE kind = 'reserve' AND household_id = %" PRId64
	         "), (SELECT id FROM account WHERE code = 'payable:%" PRId64 ":other'), 5),"
	         " ((SELECT id FROM transfer WHERE kind = 'reserve' AND household_id = %" PRId64
	         "), (SELECT id FROM account WHERE code = 'origin:other'), -5)",
	         l01, l01, l01, l01, l01);
	snprintf(s + strlen(s), sizeof s - strlen(s),
	         "; UPDATE account SET balance = balance + 5 WHERE code = 'payable:%" PRId64
	         ":other'; UPDATE account SET balance = balance - 5 WHERE code = 'origin:other'",
	         l01);
	tamper(f->fin, s, "more than its entitlement");
	/* an entitlement above the cost (its CHECK ignored) */
	snprintf(s, sizeof s,
	         "PRAGMA ignore_check_constraints = 1;"
	         " UPDATE entitlement SET total_fen = cost_fen + 1 WHERE household_id = %" PRId64
	         "; PRAGMA ignore_check_constraints = 0",
	         l01);
	tamper(f->fin, s, "above the household's cost");
	/* an account below zero whose postings say so (checks ignored, a pair
	 * of postings slipped into a sealed transfer) */
	/* (SQLite moves the balances in the trigger dropped: here by hand) */
	tamper(f->fin,
	       test_pg_url()
	           ? "PRAGMA ignore_check_constraints = 1; DROP TRIGGER posting_only_open;"
	             " INSERT INTO posting(transfer_id, account_id, amount) VALUES"
	             " ((SELECT min(id) FROM transfer), (SELECT id FROM account WHERE code = "
	             "'county:" CJ ":region'), -99999999999),"
	             " ((SELECT min(id) FROM transfer), (SELECT id FROM account WHERE code ="
	             " 'county:" CJ ":prefecture'), 99999999999);"
	             " PRAGMA ignore_check_constraints = 0"
	           : "PRAGMA ignore_check_constraints = 1; DROP TRIGGER posting_only_open;"
	             " INSERT INTO posting(transfer_id, account_id, amount) VALUES"
	             " ((SELECT min(id) FROM transfer), (SELECT id FROM account WHERE code = "
	             "'county:" CJ ":region'), -99999999999),"
	             " ((SELECT min(id) FROM transfer), (SELECT id FROM account WHERE code ="
	             " 'county:" CJ ":prefecture'), 99999999999);"
	             " UPDATE account SET balance = balance - 99999999999 WHERE code = 'county:" CJ
	             ":region';"
	             " UPDATE account SET balance = balance + 99999999999 WHERE code = 'county:" CJ
	             ":prefecture';"
	             " PRAGMA ignore_check_constraints = 0",
	       "below zero");
	/* a reversal pointed at another transfer */
	ch_posting a[2] = {{"origin:other", -10}, {"pref:other", 10}};
	int64_t id, rid;
	int existed;
	assert_int_equal(xfer(f->fin, "tv1", "appropriate", "2023-06-01", 0, a, 2, &id, &existed),
	                 0);
	assert_int_equal(ch_ledger_reverse(f->fin, id, "tv1-back", "2023-06-02", NULL, &rid), 0);
	verify_ok(f->fin, "after a true reversal");
	tamper(f->fin,
	       "DROP TRIGGER transfer_seal;"
	       " UPDATE transfer SET reverses = (SELECT min(id) FROM transfer)"
	       " WHERE idem_key = 'tv1-back'",
	       "does not mirror");
}

/* ---- rules the API must keep beyond the triggers ---- */

/* Money reaches a household's accounts only within its entitlement and
 * only if its review passed, whatever the transfer is called: the
 * triggers look at 'reserve' transfers only, ledger verify at all. */
static void test_household_money_any_kind(void **state)
{
	struct fixture *f = *state;
	int64_t l01 = ledger_with_reserve(f), n01 = hh_id(f->fin, "N01"), id;
	char pay[64], npay[64], bad[2048] = "";
	size_t nbad = 0;
	snprintf(pay, sizeof pay, "payable:%" PRId64 ":central", l01);
	snprintf(npay, sizeof npay, "payable:%" PRId64 ":central", n01);
	struct counts c0 = counts(f->fin);
	/* each case in a transaction rolled back afterwards, so that one
	 * accepted does not spoil the next */
	static const char *const kinds[] = {"allocate", "appropriate", "pay", "confirm", "spend"};
	for (size_t k = 0; k < 2 * (sizeof kinds / sizeof kinds[0]); k++) {
		const char *kind = kinds[k / 2];
		int n = k % 2; /* 0: L01 above its entitlement; 1: N01, not reviewed */
		char key[64];
		snprintf(key, sizeof key, "extra-%s-%d", kind, n);
		ch_posting p[2] = {{"county:" CJ ":central", -100}, {n ? npay : pay, 100}};
		assert_int_equal(ch_ctx_begin(f->fin), 0);
		int rc = xfer(f->fin, key, kind, "2023-10-26", n ? n01 : l01, p, 2, &id, NULL);
		ch_ledger_report rep;
		int vrc = ch_ledger_verify(f->fin, &rep);
		ch_error_clear();
		ch_ctx_rollback(f->fin);
		if (rc == 0) {
			size_t len = strlen(bad);
			snprintf(bad + len, sizeof bad - len,
			         "\n    a '%s' transfer of 100 fen into %s (%s)", kind,
			         n ? "N01's payable account, review not passed"
			           : "L01's payable account, above its entitlement",
			         vrc ? rep.problem : "ledger verify passes");
			nbad++;
		}
	}
	same_counts(c0, counts(f->fin), "the cases rolled back");
	/* a reversal reversed: the money would come back a second time */
	int64_t rid, rrid;
	char key[64];
	snprintf(key, sizeof key, "reserve:%" PRId64, l01);
	int64_t reserve_id = q1(f->fin, "SELECT id FROM transfer WHERE idem_key = ?", key);
	if (ch_ledger_reverse(f->fin, reserve_id, "unreserve", "2023-10-27", NULL, &rid) != 0)
		fail_msg("reversing L01's reservation: %s", ch_error_message());
	/* reserve again, within the entitlement */
	ch_posting p[2] = {{"county:" CJ ":central", -78750}, {pay, 78750}};
	if (xfer(f->fin, "rereserve", "reserve", "2023-10-27", l01, p, 2, &id, NULL) != 0)
		fail_msg("reserving again: %s", ch_error_message());
	verify_ok(f->fin, "reserved again");
	c0 = counts(f->fin);
	int rc = ch_ledger_reverse(f->fin, rid, "unreserve-back", "2023-10-28", NULL, &rrid);
	ch_ledger_report rep;
	int vrc = ch_ledger_verify(f->fin, &rep);
	ch_error_clear();
	if (rc == 0) {
		size_t len = strlen(bad);
		snprintf(
		    bad + len, sizeof bad - len,
		    "\n    reversing the reversal of L01's reservation after it reserved again: "
		    "payable central %" PRId64 " fen (%s)",
		    balance(f->fin, pay), vrc ? rep.problem : "ledger verify passes");
		nbad++;
	} else {
		same_counts(c0, counts(f->fin), "reversing a reversal past the entitlement");
	}
	if (nbad) {
		fprintf(stderr, "accepted:%s\n", bad);
		fail_msg(
		    "%zu transfer(s) that put money into a household's accounts beyond what the "
		    "rules allow were accepted (listed above)",
		    nbad);
	}
}

/* A transfer recorded as reversing another must mirror it. */
static void test_reversal_must_mirror(void **state)
{
	struct fixture *f = *state;
	int64_t id, id2;
	int existed;
	ch_posting a[2] = {{"origin:other", -1000}, {"pref:other", 1000}};
	assert_int_equal(xfer(f->fin, "m1", "appropriate", "2023-06-01", 0, a, 2, &id, &existed),
	                 0);
	struct counts c0 = counts(f->fin);
	ch_posting half[2] = {{"pref:other", -500}, {"origin:other", 500}};
	int rc = ch_ledger_transfer(f->fin, "m1-back", "reverse", "2023-06-02", NULL, 0, id, half,
	                            2, &id2, &existed);
	ch_ledger_report rep;
	int vrc = ch_ledger_verify(f->fin, &rep);
	ch_error_clear();
	if (rc == 0)
		fail_msg("a 'reversal' of transfer m1 that moves half of it back was accepted "
		         "(ledger verify then: %s)",
		         vrc ? rep.problem : "passes");
	same_counts(c0, counts(f->fin), "a reversal that does not mirror");
}

/* A refused posting's error says which rule (CH_EINVALID, "the message
 * says which"). */
static void test_refusal_names_rule(void **state)
{
	struct fixture *f = *state;
	int64_t l01 = ledger_with_reserve(f), n01 = hh_id(f->fin, "N01");
	char code[64];
	const char *msg;
	/* not reviewed */
	snprintf(code, sizeof code, "payable:%" PRId64 ":central", n01);
	ch_posting p[2] = {{"county:" CJ ":central", -100}, {code, 100}};
	int rc = xfer(f->fin, "why1", "reserve", "2023-10-26", n01, p, 2, NULL, NULL);
	assert_int_equal(rc, CH_EINVALID);
	msg = ch_error_message();
	if (!strstr(msg, "review has not passed") || !strstr(msg, code))
		fail_msg(
		    "refusing a reservation for N01 (not reviewed), the message should name the "
		    "account and the rule \"the household's review has not passed\"; it is: %s",
		    msg);
	ch_error_clear();
	/* above the entitlement */
	snprintf(code, sizeof code, "payable:%" PRId64 ":central", l01);
	ch_posting e[2] = {{"county:" CJ ":central", -100}, {code, 100}};
	rc = xfer(f->fin, "why2", "reserve", "2023-10-26", l01, e, 2, NULL, NULL);
	assert_int_equal(rc, CH_EINVALID);
	msg = ch_error_message();
	if (!strstr(msg, "entitlement"))
		fail_msg("refusing a reservation above L01's entitlement, the message should say "
		         "\"more than the household's entitlement\"; it is: %s",
		         msg);
	ch_error_clear();
	/* below zero */
	ch_posting z[2] = {{"pref:region", -100}, {"county:" CJ ":region", 100}};
	rc = xfer(f->fin, "why3", "allocate", "2023-10-26", 0, z, 2, NULL, NULL);
	assert_int_equal(rc, CH_EINVALID);
	msg = ch_error_message();
	if (!strstr(msg, "州级 自治区资金 账户余额") || !strstr(msg, "不足以转出 1.00 元") ||
	    strstr(msg, "CHECK"))
		fail_msg(
		    "refusing an overdraft of pref:region, the message should name the account "
		    "in words, its balance and the amount asked (not the database's CHECK); "
		    "it is: %s",
		    msg);
	ch_error_clear();
}

/* ---- the property test ---- */

#define MAX_ACC   512
#define MAX_XFER  8192
#define MAX_POST  6
#define N_SOURCES 3

static const char *const psrc[N_SOURCES] = {"central", "region", "other"};
static const char *const pcounty[2] = {CJ, FK};

struct macc {
	char code[64];
	int64_t bal;
	int origin;
	int64_t household; /* 0: none */
};

struct mxfer {
	char key[32], kind[16], day[11];
	const char *memo;
	int64_t household, reverses, id;
	ch_posting p[MAX_POST];
	char codes[MAX_POST][64];
	size_t n;
};

struct mhh {
	int64_t id, entitled;
	int eligible;
};

struct model {
	struct macc acc[MAX_ACC];
	size_t nacc;
	struct mxfer *x; /* successful transfers */
	size_t nx;
	int64_t postings;
	struct mhh hh[8];
	size_t nhh;
	uint64_t rng, seed;
	long op, accepted, refused, found;
	char what[256];
};

static uint64_t rnd(struct model *m)
{
	/* splitmix64 */
	uint64_t z = (m->rng += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int64_t between(struct model *m, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd(m) % (uint64_t)(hi - lo + 1));
}

static struct macc *macc_find(struct model *m, const char *code)
{
	for (size_t i = 0; i < m->nacc; i++)
		if (strcmp(m->acc[i].code, code) == 0)
			return &m->acc[i];
	return NULL;
}

static int64_t mbal(struct model *m, const char *code)
{
	struct macc *a = macc_find(m, code);
	return a ? a->bal : 0;
}

static struct mhh *mhh_of(struct model *m, const char *code)
{
	int64_t id = 0;
	if (strncmp(code, "payable:", 8) == 0 || strncmp(code, "transit:", 8) == 0)
		id = strtoll(code + 8, NULL, 10);
	else if (strncmp(code, "paid:", 5) == 0)
		id = strtoll(code + 5, NULL, 10);
	for (size_t i = 0; id && i < m->nhh; i++)
		if (m->hh[i].id == id)
			return &m->hh[i];
	return NULL;
}

/* The money in household H's accounts. */
static int64_t mhh_total(struct model *m, int64_t h)
{
	int64_t t = 0;
	for (size_t i = 0; i < m->nacc; i++)
		if (m->acc[i].household == h)
			t += m->acc[i].bal;
	return t;
}

#define PFAIL(m, ...)                                                                              \
	do {                                                                                       \
		fprintf(stderr,                                                                    \
		        "property test: seed %" PRIu64 " (CH_LEDGER_SEED=%" PRIu64                 \
		        "), operation %ld: %s\n",                                                  \
		        (m)->seed, (m)->seed, (m)->op, (m)->what);                                 \
		fail_msg(__VA_ARGS__);                                                             \
	} while (0)

/* The expected result of transfer X (not yet applied): 0, or the error. */
static int predict(struct model *m, const struct mxfer *x)
{
	int64_t sum = 0;
	if (x->n < 2)
		return CH_EUNBALANCED;
	for (size_t i = 0; i < x->n; i++) {
		if (x->p[i].amount == 0)
			return CH_EINVALID;
		sum += x->p[i].amount;
	}
	if (sum != 0)
		return CH_EUNBALANCED;
	for (size_t i = 0; i < m->nx; i++)
		if (strcmp(m->x[i].key, x->key) == 0)
			return -100; /* the key exists: decided by the caller */
	/* the flow: payable only by reserve (or an adjustment), transit by pay,
	 * paid by confirm */
	for (size_t i = 0; i < x->n; i++) {
		const char *c = x->p[i].account, *by = NULL;
		if (strncmp(c, "payable:", 8) == 0)
			by = strcmp(x->kind, "adjust") == 0 ? "adjust" : "reserve";
		else if (strncmp(c, "transit:", 8) == 0)
			by = "pay";
		else if (strncmp(c, "paid:", 5) == 0)
			by = "confirm";
		if (by && x->p[i].amount > 0 && strcmp(x->kind, by) != 0 &&
		    strcmp(x->kind, "reverse") != 0)
			return CH_EINVALID;
	}
	for (size_t i = 0; i < x->n; i++)
		for (size_t j = i + 1; j < x->n; j++)
			if (strcmp(x->p[i].account, x->p[j].account) == 0)
				return CH_EINVALID;
	for (size_t i = 0; i < x->n; i++) {
		const char *c = x->p[i].account;
		if (strncmp(c, "bogus", 5) == 0 || strstr(c, ":999999") || strstr(c, ":nosuch"))
			return CH_EINVALID;
		int64_t after = mbal(m, c) + x->p[i].amount;
		if (strncmp(c, "origin:", 7) != 0 && after < 0)
			return CH_EINVALID;
	}
	/* households: eligibility and entitlement of reserve postings */
	for (size_t i = 0; i < x->n; i++) {
		struct mhh *h = mhh_of(m, x->p[i].account);
		if (!h)
			continue;
		int64_t add = 0;
		for (size_t j = 0; j < x->n; j++)
			if (mhh_of(m, x->p[j].account) == h)
				add += x->p[j].amount;
		if ((strcmp(x->kind, "reserve") == 0 || strcmp(x->kind, "adjust") == 0) &&
		    x->p[i].amount > 0 && strncmp(x->p[i].account, "payable:", 8) == 0 &&
		    !h->eligible)
			return CH_EINVALID;
		if (mhh_total(m, h->id) + add > h->entitled && add > 0)
			return CH_EINVALID;
	}
	return 0;
}

static void apply_model(struct model *m, struct mxfer *x, int64_t id)
{
	for (size_t i = 0; i < x->n; i++) {
		struct macc *a = macc_find(m, x->p[i].account);
		if (!a) {
			assert_true(m->nacc < MAX_ACC);
			a = &m->acc[m->nacc++];
			snprintf(a->code, sizeof a->code, "%s", x->p[i].account);
			a->bal = 0;
			a->origin = strncmp(a->code, "origin:", 7) == 0;
			struct mhh *h = mhh_of(m, a->code);
			a->household = h ? h->id : 0;
		}
		a->bal += x->p[i].amount;
	}
	m->postings += (int64_t)x->n;
	x->id = id;
	assert_true(m->nx < MAX_XFER);
	m->x[m->nx] = *x;
	/* the postings point at this copy's codes */
	for (size_t i = 0; i < x->n; i++)
		m->x[m->nx].p[i].account = m->x[m->nx].codes[i];
	m->nx++;
}

/* The database must hold exactly the model. */
static void check_model(ch_ctx *ctx, struct model *m)
{
	ch_ledger_report rep;
	if (ch_ledger_verify(ctx, &rep) != 0)
		PFAIL(m, "ledger verify fails: %s (%s)", rep.problem, ch_error_message());
	int64_t nt = q(ctx, "SELECT count(*) FROM transfer"),
	        np = q(ctx, "SELECT count(*) FROM posting"),
	        na = q(ctx, "SELECT count(*) FROM account");
	if (nt != (int64_t)m->nx || np != m->postings || na != (int64_t)m->nacc)
		PFAIL(m,
		      "the database holds %" PRId64 " transfers, %" PRId64 " postings, %" PRId64
		      " accounts; the model %zu, %" PRId64 ", %zu",
		      nt, np, na, m->nx, m->postings, m->nacc);
	ch_stmt *st;
	assert_int_equal(ch_db_prepare(ch_ctx_db(ctx), &st, "SELECT code, balance FROM account"),
	                 0);
	while (ch_stmt_step(st) == CH_DB_ROW) {
		const char *code = ch_stmt_text(st, 0);
		int64_t b = ch_stmt_int64(st, 1);
		struct macc *a = macc_find(m, code);
		if (!a || a->bal != b) {
			char c[64];
			snprintf(c, sizeof c, "%s", code);
			ch_stmt_finalize(st);
			PFAIL(m, "account %s: the database says %" PRId64 ", the model %s%" PRId64,
			      c, b, a ? "" : "(none) ", a ? a->bal : 0);
		}
	}
	ch_stmt_finalize(st);
}

static void set_posting(struct mxfer *x, const char *code, int64_t amount)
{
	assert_true(x->n < MAX_POST);
	snprintf(x->codes[x->n], sizeof x->codes[0], "%s", code);
	x->p[x->n].account = x->codes[x->n];
	x->p[x->n].amount = amount;
	x->n++;
}

/* A random account of the non-household pool. */
static void pool_account(struct model *m, char *out, size_t n)
{
	const char *s = psrc[between(m, 0, N_SOURCES - 1)];
	const char *c = pcounty[between(m, 0, 1)];
	switch (between(m, 0, 4)) {
	case 0:
		snprintf(out, n, "origin:%s", s);
		break;
	case 1:
		snprintf(out, n, "pref:%s", s);
		break;
	case 2:
	case 3:
		snprintf(out, n, "county:%s:%s", c, s);
		break;
	default:
		snprintf(out, n, "spent:%s:%s:%s", c, s, between(m, 0, 1) ? "subsidy" : "办公经费");
		break;
	}
}

static int64_t amount(struct model *m)
{
	switch (between(m, 0, 3)) {
	case 0:
		return between(m, 1, 100);
	case 1:
		return between(m, 1, 100000);
	case 2:
		return between(m, 1, 10000000);
	default:
		return between(m, 1, 1000) * 100;
	}
}

static void run_property(ch_ctx *ctx, struct model *m, long nops)
{
	static const char *const xkinds[] = {"appropriate", "allocate", "spend"};
	check_model(ctx, m);
	for (m->op = 1; m->op <= nops; m->op++) {
		struct mxfer x;
		memset(&x, 0, sizeof x);
		snprintf(x.key, sizeof x.key, "p%ld", m->op);
		snprintf(x.day, sizeof x.day, "2023-%02d-%02d", (int)between(m, 1, 12),
		         (int)between(m, 1, 28));
		int op = (int)between(m, 0, 99), expect = 0, reuse = -1;
		int64_t hh = 0;
		char a[64], b[64];
		const char *s = psrc[between(m, 0, N_SOURCES - 1)];
		const char *c = pcounty[between(m, 0, 1)];
		if (op < 10) { /* 下达 */
			snprintf(x.kind, sizeof x.kind, "appropriate");
			snprintf(a, sizeof a, "origin:%s", s);
			snprintf(b, sizeof b, "pref:%s", s);
			int64_t v = amount(m);
			set_posting(&x, a, -v);
			set_posting(&x, b, v);
		} else if (op < 22) { /* 拨付, or straight from the origin */
			snprintf(x.kind, sizeof x.kind, op < 18 ? "allocate" : "appropriate");
			snprintf(a, sizeof a, op < 18 ? "pref:%s" : "origin:%s", s);
			snprintf(b, sizeof b, "county:%s:%s", c, s);
			int64_t v = between(m, 0, 2) ? amount(m) : mbal(m, a);
			if (v <= 0)
				v = amount(m);
			set_posting(&x, a, -v);
			set_posting(&x, b, v);
		} else if (op < 30) { /* spending */
			snprintf(x.kind, sizeof x.kind, "spend");
			snprintf(a, sizeof a, "county:%s:%s", c, s);
			snprintf(b, sizeof b, "spent:%s:%s:%s", c, s,
			         between(m, 0, 1) ? "subsidy" : "办公经费");
			int64_t v = between(m, 0, 1) ? amount(m) : mbal(m, a) + between(m, -1, 1);
			if (v <= 0)
				v = 1;
			set_posting(&x, a, -v);
			set_posting(&x, b, v);
		} else if (op < 45) { /* a reservation, one to three sources */
			struct mhh *h = &m->hh[between(m, 0, (int64_t)m->nhh - 1)];
			hh = h->id;
			snprintf(x.kind, sizeof x.kind, "reserve");
			int ns = (int)between(m, 1, N_SOURCES);
			int64_t room = h->entitled - mhh_total(m, h->id);
			for (int k = 0; k < ns; k++) {
				const char *src = psrc[(k + between(m, 0, 2)) % N_SOURCES];
				char cc[64], pc[64];
				snprintf(cc, sizeof cc, "county:%s:%s", CJ,
				         src); /* all of 昌吉市 */
				snprintf(pc, sizeof pc, "payable:%" PRId64 ":%s", h->id, src);
				int dup = 0;
				for (size_t j = 0; j < x.n; j++)
					dup |= strcmp(x.codes[j], pc) == 0;
				if (dup)
					continue;
				int64_t v = between(m, 0, 3)
				                ? between(m, 1, room > 3 ? room / 2 : 3)
				                : amount(m);
				set_posting(&x, cc, -v);
				set_posting(&x, pc, v);
			}
		} else if (op < 55) { /* pay: payable → transit; confirm: transit → paid */
			struct mhh *h = &m->hh[between(m, 0, (int64_t)m->nhh - 1)];
			int confirm = (int)between(m, 0, 1);
			hh = h->id;
			snprintf(x.kind, sizeof x.kind, confirm ? "confirm" : "pay");
			snprintf(a, sizeof a, "%s:%" PRId64 ":%s", confirm ? "transit" : "payable",
			         h->id, s);
			snprintf(b, sizeof b, "%s:%" PRId64 ":%s", confirm ? "paid" : "transit",
			         h->id, s);
			int64_t v = mbal(m, a);
			v = v > 0 && between(m, 0, 4) ? between(m, 1, v) : v + 1;
			set_posting(&x, a, -v);
			set_posting(&x, b, v);
		} else if (op < 60) { /* an adjustment after an approved change, either way */
			struct mhh *h = &m->hh[between(m, 0, (int64_t)m->nhh - 1)];
			int down = (int)between(m, 0, 1);
			hh = h->id;
			snprintf(x.kind, sizeof x.kind, "adjust");
			snprintf(a, sizeof a, "county:%s:%s", CJ, s);
			snprintf(b, sizeof b, "payable:%" PRId64 ":%s", h->id, s);
			int64_t room = h->entitled - mhh_total(m, h->id), have = mbal(m, b);
			int64_t v =
			    down ? (have > 0 && between(m, 0, 4) ? between(m, 1, have) : have + 1)
			         : (room > 0 && between(m, 0, 4) ? between(m, 1, room) : room + 1);
			if (v <= 0)
				v = 1;
			set_posting(&x, a, down ? v : -v);
			set_posting(&x, b, down ? -v : v);
		} else if (op < 64) { /* a recovery: paid money back to the county */
			struct mhh *h = &m->hh[between(m, 0, (int64_t)m->nhh - 1)];
			hh = h->id;
			snprintf(x.kind, sizeof x.kind, "recover");
			snprintf(a, sizeof a, "paid:%" PRId64 ":%s", h->id, s);
			snprintf(b, sizeof b, "county:%s:%s", CJ, s);
			int64_t v = mbal(m, a);
			v = v > 0 && between(m, 0, 4) ? between(m, 1, v) : v + 1;
			set_posting(&x, a, -v);
			set_posting(&x, b, v);
		} else if (op < 70) { /* a random transfer between random accounts */
			snprintf(x.kind, sizeof x.kind, "%s", xkinds[between(m, 0, 2)]);
			int n = (int)between(m, 2, 4);
			int64_t sum = 0;
			for (int k = 0; k < n; k++) {
				char code[64];
				pool_account(m, code, sizeof code);
				if (k == n - 1) {
					/* the last one balances it (never with zero) */
					if (sum == 0) {
						int64_t d = x.p[0].amount == -1 ? 2 : 1;
						x.p[0].amount += d;
						sum += d;
					}
					set_posting(&x, code, -sum);
					break;
				}
				int64_t v = amount(m) * (between(m, 0, 1) ? 1 : -1);
				/* an account with money gives some of it */
				int64_t have = mbal(m, code);
				if (have > 0 && between(m, 0, 1))
					v = -between(m, 1, have);
				sum += v;
				set_posting(&x, code, v);
			}
		} else if (op < 76) { /* unbalanced */
			snprintf(x.kind, sizeof x.kind, "allocate");
			pool_account(m, a, sizeof a);
			pool_account(m, b, sizeof b);
			int64_t v = amount(m);
			set_posting(&x, a, -v);
			int64_t d = between(m, 1, 100), w = v + (between(m, 0, 1) ? d : -d);
			set_posting(&x, b, w ? w : v + d); /* off, but not by a zero posting */
			expect = CH_EUNBALANCED;
		} else if (op < 79) { /* a zero posting, a single posting, an unknown account */
			snprintf(x.kind, sizeof x.kind, "appropriate");
			int which = (int)between(m, 0, 4);
			static const char *const bad[] = {"bogus:central", "county:999999:central",
			                                  "payable:999999:central",
			                                  "origin:nosuch"};
			snprintf(a, sizeof a, "origin:%s", s);
			snprintf(b, sizeof b, "pref:%s", s);
			set_posting(&x, a, -5);
			if (which == 4) {
				set_posting(&x, b, 5);
				set_posting(&x, "county:" CJ ":central", 0);
			} else {
				set_posting(&x, bad[which], 5);
			}
		} else if (op < 82) { /* one posting */
			snprintf(x.kind, sizeof x.kind, "appropriate");
			snprintf(a, sizeof a, "origin:%s", s);
			set_posting(&x, a, 0 - amount(m));
		} else if (op < 90 && m->nx > 0) { /* a key used again */
			reuse = (int)between(m, 0, (int64_t)m->nx - 1);
			const struct mxfer *o = &m->x[reuse];
			x = *o;
			for (size_t i = 0; i < x.n; i++)
				x.p[i].account = x.codes[i];
			if (between(m, 0, 1)) {
				/* the same content, postings in another order */
				for (size_t i = 0; i + 1 < x.n; i += 2) {
					ch_posting t = x.p[i];
					x.p[i] = x.p[i + 1];
					x.p[i + 1] = t;
				}
			} else {
				/* other content */
				switch (between(m, 0, 2)) {
				case 0:
					do {
						x.p[0].amount -= 1;
						x.p[1].amount += 1;
					} while (x.p[0].amount == 0 || x.p[1].amount == 0);
					break;
				case 1:
					snprintf(x.day, sizeof x.day, "%s",
					         strcmp(o->day, "2024-01-01") ? "2024-01-01"
					                                      : "2024-01-02");
					break;
				default:
					snprintf(x.kind, sizeof x.kind, "%s",
					         strcmp(o->kind, "spend") ? "spend" : "allocate");
					break;
				}
				reuse = -2 - reuse;
			}
		} else if (m->nx > 0) { /* a reversal of an earlier (non-reversal) transfer */
			const struct mxfer *o = &m->x[between(m, 0, (int64_t)m->nx - 1)];
			if (strcmp(o->kind, "reverse") == 0)
				continue;
			snprintf(x.kind, sizeof x.kind, "reverse");
			x.household = o->household;
			x.reverses = o->id;
			for (size_t i = 0; i < o->n; i++)
				set_posting(&x, o->codes[i], -o->p[i].amount);
			int want = predict(m, &x);
			for (size_t i = 0; i < m->nx; i++)
				if (m->x[i].reverses == o->id)
					want = CH_EINVALID; /* undone once already */
			snprintf(m->what, sizeof m->what,
			         "reverse transfer %s (id %" PRId64 ") as %s", o->key, o->id,
			         x.key);
			int64_t nid = 0;
			x.memo = NULL;
			int rc = ch_ledger_reverse(ctx, o->id, x.key, x.day, NULL, &nid);
			if (rc != want)
				PFAIL(m, "%s: rc %d, expected %d (%s)", m->what, rc, want,
				      ch_error_message());
			ch_error_clear();
			if (rc == 0)
				apply_model(m, &x, nid);
			m->accepted += rc == 0;
			m->refused += rc != 0;
			check_model(ctx, m);
			continue;
		} else {
			continue;
		}
		if (reuse == -1) {
			x.household = hh;
			x.memo = "prop";
		}
		int want = expect ? expect : predict(m, &x);
		if (reuse >= 0)
			want = 0;
		else if (reuse <= -2)
			want = CH_ECONFLICT;
		else if (want == -100)
			want = CH_ECONFLICT;
		/* describe it */
		int len = snprintf(m->what, sizeof m->what, "%s %s %s hh %" PRId64 ":", x.key,
		                   x.kind, x.day, x.household);
		for (size_t i = 0; i < x.n && len > 0 && (size_t)len < sizeof m->what; i++)
			len += snprintf(m->what + len, sizeof m->what - (size_t)len, " %s%+" PRId64,
			                x.p[i].account, x.p[i].amount);
		int64_t id = 0;
		int existed = 0;
		int rc = ch_ledger_transfer(ctx, x.key, x.kind, x.day, x.memo, x.household,
		                            x.reverses, x.p, x.n, &id, &existed);
		if (rc != want)
			PFAIL(m, "%s: rc %d, expected %d (%s)", m->what, rc, want,
			      ch_error_message());
		ch_error_clear();
		m->accepted += rc == 0 && reuse < 0;
		m->refused += rc != 0;
		m->found += reuse >= 0;
		if (reuse >= 0) {
			if (!existed || id != m->x[reuse].id)
				PFAIL(m,
				      "%s: the same content again should find transfer %" PRId64
				      " (existed %d, id %" PRId64 ")",
				      m->what, m->x[reuse].id, existed, id);
		} else if (rc == 0) {
			if (existed)
				PFAIL(m, "%s: a new key reported as existing", m->what);
			apply_model(m, &x, id);
		} else if (id != 0) {
			PFAIL(m, "%s: refused but *id = %" PRId64, m->what, id);
		}
		check_model(ctx, m);
	}
}

static void test_property(void **state)
{
	struct fixture *f = *state;
	struct model *m = calloc(1, sizeof *m);
	m->x = calloc(MAX_XFER, sizeof *m->x);
	const char *es = getenv("CH_LEDGER_SEED"), *eo = getenv("CH_LEDGER_OPS");
	m->seed = es && *es ? strtoull(es, NULL, 10) : 20231020ULL;
	m->rng = m->seed;
	long nops = eo && *eo ? strtol(eo, NULL, 10) : 3000;
	if (nops > MAX_XFER - 16)
		nops = MAX_XFER - 16;
	/* households: entitlements written as reserve would (random totals
	 * within the cost); N01 and W01 get one too, so that only their
	 * status refuses them */
	static const char *const nos[] = {"L01", "L02", "L03", "L05", "L06", "L08", "N01", "W01"};
	for (size_t i = 0; i < sizeof nos / sizeof nos[0]; i++) {
		struct mhh *h = &m->hh[m->nhh++];
		h->id = hh_id(f->fin, nos[i]);
		int64_t cost = q1(f->fin, "SELECT cost_fen FROM household WHERE hh_no = ?", nos[i]);
		h->entitled = between(m, 1, cost);
		h->eligible = nos[i][0] == 'L';
		char s[512];
		snprintf(
		    s, sizeof s,
		    "INSERT INTO entitlement(household_id, county_id, policy_id, total_fen,"
		    " cost_fen, detail, reviewed_day, computed_at) SELECT id, county_id, (SELECT"
		    " id FROM subsidy_policy WHERE active = 1), %" PRId64 ", %" PRId64
		    ", '{}', '2023-10-20', 'now' FROM household WHERE id = %" PRId64,
		    h->entitled, cost, h->id);
		sql_ok(f->fin, s);
	}
	assert_string_equal(status_of(f->fin, "W01"), "withdrawn");
	assert_string_equal(status_of(f->fin, "N01"), "registered");
	run_property(f->fin, m, nops);
	printf("property test: seed %" PRIu64 ", %ld operations: %ld transfers made, %ld found "
	       "again by key, %ld refused\n",
	       m->seed, nops, m->accepted, m->found, m->refused);
	/* it did a bit of everything */
	int64_t kinds = q(f->fin, "SELECT count(DISTINCT kind) FROM transfer");
	int64_t negative_origins = q(f->fin, "SELECT count(*) FROM account WHERE kind = 'origin'"
	                                     " AND balance < 0");
	int64_t paid =
	    q(f->fin, "SELECT count(*) FROM account WHERE kind = 'paid' AND balance > 0");
	int64_t recovered = q(f->fin, "SELECT count(*) FROM transfer WHERE kind = 'recover'");
	int64_t adjusted = q(f->fin, "SELECT count(*) FROM transfer WHERE kind = 'adjust'");
	if (kinds < 9 || negative_origins == 0 || paid == 0 || !recovered || !adjusted)
		fail_msg("seed %" PRIu64 ": the run did too little (%" PRId64 " kinds, %" PRId64
		         " negative origins, %" PRId64 " paid accounts)",
		         m->seed, kinds, negative_origins, paid);
	free(m->x);
	free(m);
}

/* The notice period in working days: weekends, the holidays of
 * data/calendar/holidays.csv and the weekend days worked instead. */
static void test_workdays(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *start;
		int64_t n;
		const char *end;
	} cases[] = {
	    {"2023-10-25", 5, "2023-10-31"}, /* Wednesday: over the weekend */
	    {"2023-10-28", 5, "2023-11-03"}, /* a Saturday does not count */
	    /* 29 September to 6 October off, 7 and 8 October worked */
	    {"2023-09-27", 5, "2023-10-09"},
	    {"2023-09-28", 1, "2023-09-28"},
	    {"2023-09-29", 1, "2023-10-07"},
	    {"2024-02-08", 3, "2024-02-18"}, /* the Spring Festival of 2024 */
	    {"2023-10-25", 0, "2023-10-25"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char end[11];
		assert_int_equal(ch_workdays_end(f->fin, cases[i].start, cases[i].n, end), 0);
		if (strcmp(end, cases[i].end) != 0)
			fail_msg("%s + %" PRId64 " working days: %s, expected %s", cases[i].start,
			         cases[i].n, end, cases[i].end);
	}
	char end[11];
	assert_int_equal(ch_workdays_end(f->fin, "2023-02-30", 5, end), CH_EINVALID);
	ch_error_clear();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_entitlement_rules),
	    T(test_split),
	    T(test_reserve),
	    T(test_transfer),
	    T(test_reverse),
	    T(test_db_rules),
	    T(test_sealed_insert),
	    T(test_account_ids_after_rollback),
	    T(test_savepoint_units),
	    T(test_content_hash_stable),
	    T(test_verify_tampered),
	    T(test_household_money_any_kind),
	    T(test_reversal_must_mirror),
	    T(test_refusal_names_rule),
	    T(test_property),
	    T(test_workdays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
