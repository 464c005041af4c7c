/*
 * test_history — one household's history and its evidence files through
 * the core API (household_history.h), on a register built here: two
 * households of 昌吉市 and one of 阜康市, steps recorded with a photo, a
 * start whose date is corrected, a failed self-inspection whose order is
 * closed before the inspection that passes the same day, a follow-up visit
 * that opens an order, and a register update that changes the technology,
 * the phone and the bank account. Checked: registration first, the rest in
 * date order with same-day items in workflow order, the superseded start
 * and its correction with the photo on the original, the failed checklist
 * item by name, the update described with personal numbers unnamed; the
 * evidence file's bytes and media type for someone who may see the
 * household, and refusals for another county's operator, another
 * household's file and malformed or ambiguous hashes; the media types by
 * first bytes; bank accounts masked by household show unless revealed.
 */
#include "testdb.h"

#include "core/acceptance.h"
#include "core/ctx.h"
#include "core/event.h"
#include "core/household.h"
#include "core/household_history.h"
#include "core/idcard.h"
#include "core/user.h"
#include "db/db.h"
#include "util/error.h"
#include "util/hash.h"

#define TODAY "2023-12-31"

struct fixture {
	char *dir;
	char url[640];
	ch_ctx *ctx; /* root */
};

static const unsigned char png[] = "\x89PNG\r\n\x1a\n a photo of the start";
static const unsigned char jpeg[] = "\xff\xd8\xff\xe0 a photo of the inspection";

/* One register row of COUNTY (3-digit sequence SEQ for the ID number). */
static void import_row(ch_hh_import *imp, size_t line, const char *county, const char *no, int seq,
                       const char *tech, const char *phone, const char *account)
{
	char id[32];
	snprintf(id, sizeof id, "%s19700301%03d",
	         strcmp(county, "阜康市") == 0 ? "652302" : "652301", seq);
	id[17] = ch_idcard_check_char(id);
	id[18] = '\0';
	const char *fl[CH_HF_COUNT] = {0};
	fl[CH_HF_COUNTY] = county;
	fl[CH_HF_TOWNSHIP] = "样例镇";
	fl[CH_HF_VILLAGE] = "样例村";
	fl[CH_HF_HH_NO] = no;
	fl[CH_HF_HEAD] = "测试";
	fl[CH_HF_ID] = id;
	fl[CH_HF_PHONE] = phone;
	fl[CH_HF_HEATED_AREA] = "100";
	fl[CH_HF_STRUCTURE] = "砖混";
	fl[CH_HF_TECH] = tech;
	fl[CH_HF_YEAR] = "2023";
	fl[CH_HF_BATCH] = "新建";
	fl[CH_HF_BANK] = account;
	assert_int_equal(ch_hh_import_row(imp, line, fl), 0);
}

static void import_register(ch_ctx *ctx, const char *tech, const char *phone, const char *account)
{
	ch_hh_import_opts o = {.file = "/somewhere/台账.csv", .file_hash = "0"};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	assert_int_equal(ch_hh_import_begin(ctx, &o, &imp), 0);
	import_row(imp, 2, "昌吉市", "H001", 1, tech, phone, account);
	import_row(imp, 3, "昌吉市", "H002", 2, "燃气", NULL, NULL);
	import_row(imp, 4, "阜康市", "F001", 3, "燃气", NULL, NULL);
	if (ch_hh_import_finish(imp, &sum) != 0)
		fail_msg("household import: %s", ch_error_message());
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
}

static void step(ch_ctx *ctx, const char *county, const char *no, const char *stage,
                 const char *day, const ch_evidence *ev)
{
	ch_event_opts o = {.today = TODAY};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	assert_int_equal(ch_event_begin(ctx, &o, &b), 0);
	ch_event_in in = {.line = 1,
	                  .county = county,
	                  .household = no,
	                  .stage = stage,
	                  .day = day,
	                  .evidence = ev,
	                  .nevidence = ev ? 1 : 0};
	assert_int_equal(ch_event_add(b, &in), 0);
	if (ch_event_finish(b, &sum) != 0)
		fail_msg("%s %s %s: %s", no, stage, day, ch_error_message());
	ch_event_free(b);
}

static int inspect(ch_ctx *ctx, const char *no, const char *result, const char *item,
                   const char *day, const ch_evidence *ev, int64_t *order)
{
	const char *items[1] = {item};
	ch_inspect_in in = {.county = "昌吉市",
	                    .household = no,
	                    .result = result,
	                    .day = day,
	                    .inspector = "张三",
	                    .items = items,
	                    .nitems = item ? 1 : 0,
	                    .evidence = ev,
	                    .nevidence = ev ? 1 : 0,
	                    .today = TODAY};
	int64_t id;
	return ch_inspect_record(ctx, &in, &id, order);
}

static int setup(void **state)
{
	static const test_plan_row rows[] = {{"昌吉市", "2", "2", "", ""},
	                                     {"阜康市", "1", "1", "", ""}};
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	*state = f;
	if (test_db_open(f->dir, "history.db", f->url, sizeof f->url, &f->ctx) != 0)
		return -1;
	ch_ctx *ctx = f->ctx;
	test_import_plan(ctx, "2023年度履历测试计划", rows, 2);
	import_register(ctx, "燃气", "13800001111", "6230000000000001");
	ch_evidence photo = {"开工.png", png, sizeof png - 1};
	ch_evidence form = {"自验.jpg", jpeg, sizeof jpeg - 1};
	step(ctx, "昌吉市", "H001", "已开工", "2023-05-02", &photo);
	if (ch_event_correct(ctx, "昌吉市", "H001", "已开工", "2023-05-10", "按施工日志更正",
	                     TODAY) != 0)
		fail_msg("correct: %s", ch_error_message());
	step(ctx, "昌吉市", "H001", "已完工", "2023-07-20", NULL);
	step(ctx, "昌吉市", "H001", "已调试", "2023-08-01", NULL);
	step(ctx, "昌吉市", "H002", "已开工", "2023-05-03", &photo);
	step(ctx, "阜康市", "F001", "已开工", "2023-05-04", &form);
	/* a failed inspection, its order closed, a pass the same day */
	int64_t order = 0, none = 0;
	assert_int_equal(
	    inspect(ctx, "H001", "fail", "stove_removed=fail", "2023-10-05", NULL, &order), 0);
	assert_true(order > 0);
	assert_int_equal(ch_rectification_close(ctx, order, "2023-10-08", "已拆除", TODAY), 0);
	assert_int_equal(inspect(ctx, "H001", "pass", NULL, "2023-10-08", &form, &none), 0);
	ch_followup_in v = {.county = "昌吉市",
	                    .household = "H001",
	                    .visit = 1,
	                    .day = "2023-11-20",
	                    .in_use = 1,
	                    .comfort = "poor",
	                    .coal_burned = 1,
	                    .visitor = "王五",
	                    .today = TODAY};
	if (ch_followup_record(ctx, &v, &order) != 0)
		fail_msg("followup: %s", ch_error_message());
	/* the ledger again, H001 changed: technology, phone, bank account */
	import_register(ctx, "空气能", "13900002222", "6230000000000009");
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

/* ---- the history as a list of copies ---- */

struct got {
	char kind[16], day[11], what[64], detail[512], actor[32], ev[128];
	int superseded;
};
struct hist {
	struct got *v;
	size_t n;
};

static int collect(const ch_hist_item *it, void *arg)
{
	struct hist *h = arg;
	h->v = realloc(h->v, (h->n + 1) * sizeof *h->v);
	struct got *g = &h->v[h->n++];
	memset(g, 0, sizeof *g);
	snprintf(g->kind, sizeof g->kind, "%s", ch_hist_kind_label(it->kind));
	snprintf(g->day, sizeof g->day, "%s", it->day);
	snprintf(g->what, sizeof g->what, "%s", it->what);
	snprintf(g->detail, sizeof g->detail, "%s", it->detail);
	snprintf(g->actor, sizeof g->actor, "%s", it->actor);
	if (it->nevidence)
		snprintf(g->ev, sizeof g->ev, "%s %.16s %lld", it->evidence[0].name,
		         it->evidence[0].hash, (long long)it->evidence[0].size);
	g->superseded = it->superseded;
	return 0;
}

/* The index of the first item whose 事项 is WHAT (and, if DAY, of that
 * day); fails the test when there is none. */
static size_t find(const struct hist *h, const char *what, const char *day)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].what, what) == 0 && (!day || strcmp(h->v[i].day, day) == 0))
			return i;
	for (size_t i = 0; i < h->n; i++)
		fprintf(stderr, "  %s %s %s | %s | %s | %s\n", h->v[i].day, h->v[i].kind,
		        h->v[i].what, h->v[i].detail, h->v[i].actor, h->v[i].ev);
	fail_msg("no item %s %s", what, day ? day : "");
	return 0;
}

static void test_history_of_a_household(void **state)
{
	struct fixture *f = *state;
	struct hist h = {0};
	char *which = NULL;
	assert_int_equal(ch_household_history(f->ctx, "昌吉市", "H001", collect, &h, &which), 0);
	assert_string_equal(which, "昌吉市 H001");
	free(which);

	/* registration first, then updates and the rest in date order */
	assert_string_equal(h.v[0].kind, "登记");
	assert_string_equal(h.v[0].what, "登记入册");
	assert_non_null(strstr(h.v[0].detail, "首次登记的日期未单独记录"));
	for (size_t i = 2; i < h.n; i++)
		if (strcmp(h.v[i - 1].day, h.v[i].day) > 0)
			fail_msg("item %zu (%s) before %s", i, h.v[i].day, h.v[i - 1].day);

	/* the superseded start keeps its photo; the correction says what it corrects */
	size_t old = find(&h, "已开工（已更正）", "2023-05-02");
	assert_true(h.v[old].superseded);
	assert_string_equal(h.v[old].kind, "进度");
	assert_non_null(strstr(h.v[old].detail, "日期改为 2023-05-10"));
	char want[128];
	char hex[65];
	ch_hash_hex(png, sizeof png - 1, hex);
	snprintf(want, sizeof want, "开工.png %.16s %zu", hex, sizeof png - 1);
	assert_string_equal(h.v[old].ev, want);
	size_t fix = find(&h, "已开工（更正）", "2023-05-10");
	assert_false(h.v[fix].superseded);
	assert_non_null(strstr(h.v[fix].detail, "更正原记录的日期 2023-05-02"));
	assert_non_null(strstr(h.v[fix].detail, "按施工日志更正"));
	assert_string_equal(h.v[fix].actor, "root");

	/* inspection, order, close, inspection: the failed item by name, same-day order */
	size_t fail = find(&h, "自验不合格", "2023-10-05");
	assert_string_equal(h.v[fail].kind, "自验");
	assert_non_null(strstr(h.v[fail].detail, "不合格项：原燃煤炉具已拆除"));
	size_t opened = find(&h, "整改单开具", "2023-10-05");
	assert_true(opened > fail);
	assert_non_null(strstr(h.v[opened].detail, "整改期限 2023-10-20"));
	size_t closed = find(&h, "整改完成", "2023-10-08");
	size_t pass = find(&h, "自验合格", "2023-10-08");
	assert_string_equal(h.v[pass].kind, "自验");
	assert_true(closed < pass);
	size_t stage = pass + 1; /* the step the pass made, with the form's photo */
	assert_string_equal(h.v[stage].kind, "进度");
	assert_string_equal(h.v[stage].what, "自验合格");
	assert_non_null(strstr(h.v[stage].ev, "自验.jpg"));

	/* the visit and the order it opened, after it */
	size_t visit = find(&h, "第 1 次回访", "2023-11-20");
	assert_string_equal(h.v[visit].kind, "回访");
	assert_string_equal(h.v[visit].actor, "王五");
	assert_non_null(strstr(h.v[visit].detail, "仍在烧煤（返煤）"));
	assert_non_null(strstr(h.v[visit].detail, "室内舒适度：差"));
	size_t vorder = find(&h, "整改单开具", "2023-11-20");
	assert_true(vorder > visit);
	assert_non_null(strstr(h.v[vorder].detail, "来源：回访"));

	/* the update: the technology by value, personal numbers only named */
	size_t upd = find(&h, "档案更新", NULL);
	assert_string_equal(h.v[upd].kind, "登记");
	assert_non_null(
	    strstr(h.v[upd].detail, "改造方式 煤改气(燃气壁挂炉) → 煤改电(空气源热泵)"));
	assert_null(strstr(h.v[upd].detail, "gas"));
	assert_non_null(strstr(h.v[upd].detail, "联系电话（已变更）"));
	assert_non_null(strstr(h.v[upd].detail, "收款账号（已变更）"));
	for (size_t i = 0; i < h.n; i++) {
		assert_null(strstr(h.v[i].detail, "13900002222"));
		assert_null(strstr(h.v[i].detail, "6230000000000009"));
	}
	free(h.v);

	/* a household never updated: registration dated, its ledger and row named */
	struct hist h2 = {0};
	assert_int_equal(ch_household_history(f->ctx, "昌吉市", "H002", collect, &h2, NULL), 0);
	assert_string_equal(h2.v[0].what, "登记入册");
	assert_int_equal(strlen(h2.v[0].day), 10);
	/* the row's line is named when the import that set the household's
	 * time is the one its record names now: the unchanged re-import moved
	 * the record to itself, and only if both imports fall in one second
	 * (the time's precision) is the dated import that re-import */
	int64_t seconds = 0;
	assert_int_equal(ch_db_query_int64(ch_ctx_db(f->ctx), &seconds,
	                                   "SELECT count(DISTINCT at) FROM household_import", NULL),
	                 0);
	assert_string_equal(h2.v[0].detail,
	                    seconds == 1 ? "导入台账 台账.csv 第 3 行" : "导入台账 台账.csv");
	assert_int_equal(h2.n, 2); /* registration and its start: the unchanged re-import is none */
	free(h2.v);
}

static void test_history_scope(void **state)
{
	struct fixture *f = *state;
	struct hist h = {0};
	assert_int_equal(ch_user_add(f->ctx, "fk", CH_ROLE_COUNTY_OPERATOR, "阜康市"), 0);
	assert_int_equal(ch_user_add(f->ctx, "aud", CH_ROLE_AUDITOR, NULL), 0);
	ch_ctx *fk = NULL, *aud = NULL;
	assert_int_equal(ch_ctx_open(&fk, f->url, "fk", NULL), 0);
	assert_int_equal(ch_ctx_open(&aud, f->url, "aud", NULL), 0);
	assert_int_equal(ch_household_history(fk, "昌吉市", "H001", collect, &h, NULL), CH_EDENIED);
	ch_error_clear();
	assert_int_equal(h.n, 0);
	assert_int_equal(ch_household_history(fk, "阜康市", "F001", collect, &h, NULL), 0);
	assert_true(h.n >= 2);
	free(h.v);
	h = (struct hist){0};
	assert_int_equal(ch_household_history(aud, "昌吉市", "H001", collect, &h, NULL), 0);
	free(h.v);
	ch_ctx_free(fk);
	ch_ctx_free(aud);
}

static void test_evidence_file(void **state)
{
	struct fixture *f = *state;
	ch_evidence_file e;
	char hex[65], other[65];
	ch_hash_hex(png, sizeof png - 1, hex);
	ch_hash_hex(jpeg, sizeof jpeg - 1, other);

	/* by the 16 digits the history shows, in upper case too */
	char prefix[17];
	snprintf(prefix, sizeof prefix, "%.16s", hex);
	for (char *p = prefix; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(ch_household_evidence(f->ctx, "昌吉市", "H001", prefix, &e), 0);
	assert_string_equal(e.hash, hex);
	assert_string_equal(e.name, "开工.png");
	assert_string_equal(e.media_type, "image/png");
	assert_int_equal(e.len, sizeof png - 1);
	assert_memory_equal(e.data, png, e.len);
	ch_evidence_file_dispose(&e);

	/* the same file serves each household it is attached to */
	assert_int_equal(ch_household_evidence(f->ctx, "昌吉市", "H002", hex, &e), 0);
	ch_evidence_file_dispose(&e);
	/* F001's photo is not H002's */
	assert_int_equal(ch_household_evidence(f->ctx, "昌吉市", "H002", other, &e), CH_ENOTFOUND);
	assert_non_null(strstr(ch_error_message(), "昌吉市 H002 没有文件指纹为"));
	ch_error_clear();
	ch_evidence_file_dispose(&e);
	assert_int_equal(ch_household_evidence(f->ctx, "昌吉市", "H001", other, &e), 0);
	assert_string_equal(e.media_type, "image/jpeg");
	ch_evidence_file_dispose(&e);

	/* malformed: too short, not hex */
	assert_int_equal(ch_household_evidence(f->ctx, "昌吉市", "H001", "abc", &e), CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_household_evidence(f->ctx, "昌吉市", "H001", "zzzzzzzzzz", &e),
	                 CH_EINVALID);
	ch_error_clear();
	assert_int_equal(ch_household_evidence(f->ctx, "昌吉市", "H001", NULL, &e), CH_EINVALID);
	ch_error_clear();

	/* another county's operator gets nothing */
	assert_int_equal(ch_user_add(f->ctx, "fk2", CH_ROLE_COUNTY_OPERATOR, "阜康市"), 0);
	ch_ctx *fk = NULL;
	assert_int_equal(ch_ctx_open(&fk, f->url, "fk2", NULL), 0);
	assert_int_equal(ch_household_evidence(fk, "昌吉市", "H001", hex, &e), CH_EDENIED);
	ch_error_clear();
	assert_null(e.data);
	ch_evidence_file_dispose(&e);
	assert_int_equal(ch_household_evidence(fk, "阜康市", "F001", other, &e), 0);
	ch_evidence_file_dispose(&e);
	ch_ctx_free(fk);
}

static void test_media_types(void **state)
{
	(void)state;
	assert_string_equal(ch_evidence_media_type((const unsigned char *)"\xff\xd8\xff\xdb", 4),
	                    "image/jpeg");
	assert_string_equal(ch_evidence_media_type(png, sizeof png - 1), "image/png");
	assert_string_equal(ch_evidence_media_type((const unsigned char *)"GIF89a..", 8),
	                    "image/gif");
	assert_string_equal(
	    ch_evidence_media_type((const unsigned char *)"RIFF\0\0\0\0WEBPVP8 ", 16),
	    "image/webp");
	assert_string_equal(ch_evidence_media_type((const unsigned char *)"%PDF-1.7", 8),
	                    "application/pdf");
	/* markup is never an image: it would run in the page's origin */
	assert_string_equal(ch_evidence_media_type((const unsigned char *)"<svg onload=x>", 14),
	                    "application/octet-stream");
	assert_string_equal(ch_evidence_media_type((const unsigned char *)"\xff\xd8", 2),
	                    "application/octet-stream");
	assert_string_equal(ch_evidence_media_type(NULL, 0), "application/octet-stream");
}

static void test_bank_account_masked(void **state)
{
	struct fixture *f = *state;
	char m[64];
	ch_account_mask("6230000000000009", m, sizeof m);
	assert_string_equal(m, "6230********0009");
	ch_account_mask("12345", m, sizeof m);
	assert_string_equal(m, "****");
	ch_household h;
	assert_int_equal(ch_household_get(f->ctx, "昌吉市", "H001", 0, &h), 0);
	assert_string_equal(h.bank_account, "6230********0009");
	assert_string_equal(h.structure, "砖混");
	ch_household_dispose(&h);
	assert_int_equal(ch_household_get(f->ctx, "昌吉市", "H001", 1, &h), 0);
	assert_string_equal(h.bank_account, "6230000000000009");
	ch_household_dispose(&h);
	assert_int_equal(ch_user_add(f->ctx, "aud2", CH_ROLE_AUDITOR, NULL), 0);
	ch_ctx *aud = NULL;
	assert_int_equal(ch_ctx_open(&aud, f->url, "aud2", NULL), 0);
	assert_int_equal(ch_household_get(aud, "昌吉市", "H001", 1, &h), CH_EDENIED);
	ch_error_clear();
	ch_household_dispose(&h);
	ch_ctx_free(aud);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_history_of_a_household, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history_scope, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_evidence_file, setup, teardown),
	    cmocka_unit_test(test_media_types),
	    cmocka_unit_test_setup_teardown(test_bank_account_masked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
