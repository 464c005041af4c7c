/*
 * test_register — the pieces of the household register: ID numbers
 * (GB 11643 check characters, 15 → 18 conversion, birth dates, Excel's
 * scientific notation) and phone numbers with their masks, the string map
 * the import caches in, the reference lists (technologies, measures) as
 * opening a database loads them, fixed-point area parsing, and the core
 * import driven row by row (ch_hh_import_begin / _row / _finish): all or
 * nothing, and an ID number found twice in one file after the first row had
 * updated (or matched) a registered household; walking the households at a
 * stage within the reader's scope; reading the register back: ID and phone
 * numbers masked unless revealed, a reveal audited once, and refused (with
 * nothing written) to a role that may not see them. Last, the column
 * headings the importers recognise (data/register/headings.csv).
 */
#include "testdb.h"

#include "core/ctx.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/reflist.h"
#include "core/user.h"
#include "core/workflow.h"
#include "db/db.h"
#include "io/csv.h"
#include "io/headings.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/text.h"

/* ---- ID numbers ---- */

static void expect_id(const char *in, const char *today, const char *want)
{
	char out[CH_ID_LEN + 1] = "";
	int rc = ch_idcard_normalize(in, today, out);
	if (rc != 0)
		fail_msg("'%s': %d %s", in, rc, ch_error_message());
	assert_string_equal(out, want);
}

static void expect_bad_id(const char *in, const char *today, const char *says)
{
	char out[CH_ID_LEN + 1] = "";
	int rc = ch_idcard_normalize(in, today, out);
	if (rc != CH_EINVALID)
		fail_msg("'%s' accepted as '%s' (rc %d)", in, out, rc);
	if (says && !strstr(ch_error_message(), says))
		fail_msg("'%s': message '%s' lacks '%s'", in, ch_error_message(), says);
}

static void test_idcard_valid(void **state)
{
	(void)state;
	expect_id("652301197801011234", NULL, "652301197801011234");
	expect_id("652301197801011234", "2025-06-01", "652301197801011234");
	expect_id("652323197512120029", NULL, "652323197512120029");
	assert_int_equal(ch_idcard_check_char("65230119780101123"), '4');
	/* typed with full-width digits and grouping spaces */
	expect_id("６５２３０１ １９７８０１０１ １２３４", NULL, "652301197801011234");
	expect_id("  652301 19780101 1234  ", NULL, "652301197801011234");
}

static void test_idcard_check_x(void **state)
{
	(void)state;
	assert_int_equal(ch_idcard_check_char("65230119850315408"), 'X');
	expect_id("65230119850315408X", NULL, "65230119850315408X");
	/* lower-case x is the same number */
	expect_id("65230119850315408x", NULL, "65230119850315408X");
	/* a wrong check character says which one is right */
	expect_bad_id("652301198503154080", NULL, "校验位");
	expect_bad_id("652301198503154080", NULL, "应为 X");
	expect_bad_id("652301197801011235", NULL, "应为 4");
	/* X only as the check character */
	expect_bad_id("6523011978010112X4", NULL, NULL);
}

static void test_idcard_15_to_18(void **state)
{
	(void)state;
	/* 652301 620505 222 → 652301 19620505 222 + X */
	expect_id("652301620505222", NULL, "65230119620505222X");
	expect_id("652301780101123", NULL, "652301197801011234");
	expect_id("652323751212002", NULL, "652323197512120029");
	/* a 15-digit number with a bad date is still refused */
	expect_bad_id("652301780230123", NULL, "出生日期");
}

static void test_idcard_bad_length(void **state)
{
	(void)state;
	expect_bad_id("65230119780101123", NULL, "18 位");   /* 17 */
	expect_bad_id("6523011978010112345", NULL, "18 位"); /* 19 */
	expect_bad_id("65230119780101", NULL, "18 位");      /* 14 */
	expect_bad_id("6523011978O101123X", NULL, "18 位");  /* a letter O */
	expect_bad_id("", NULL, NULL);
	expect_bad_id("   ", NULL, NULL);
}

static void test_idcard_bad_date(void **state)
{
	(void)state;
	char id[CH_ID_LEN + 1];
	/* 1990-02-30, with a correct check character so only the date is wrong */
	memcpy(id, "65230119900230456", 17);
	id[17] = ch_idcard_check_char(id);
	id[18] = '\0';
	expect_bad_id(id, NULL, "19900230");
	expect_bad_id(id, NULL, "出生日期");
	memcpy(id, "65230119781301123", 17); /* month 13 */
	id[17] = ch_idcard_check_char(id);
	expect_bad_id(id, NULL, "出生日期");
	memcpy(id, "65230119780229123", 17); /* 1978 is not a leap year */
	id[17] = ch_idcard_check_char(id);
	expect_bad_id(id, NULL, "出生日期");
	memcpy(id, "65230120000229123", 17); /* 2000 is */
	id[17] = ch_idcard_check_char(id);
	expect_id(id, NULL, id);
}

static void test_idcard_future_birth(void **state)
{
	(void)state;
	char id[CH_ID_LEN + 1];
	memcpy(id, "65230120250602123", 17); /* born 2025-06-02 */
	id[17] = ch_idcard_check_char(id);
	id[18] = '\0';
	expect_bad_id(id, "2025-06-01", "出生日期");
	expect_id(id, "2025-06-02", id); /* born today */
	expect_id(id, "2030-01-01", id);
}

static void test_idcard_scientific(void **state)
{
	(void)state;
	expect_bad_id("6.52323E+17", NULL, "科学计数法");
	expect_bad_id("6.52323e+17", NULL, "科学计数法");
	expect_bad_id("6.52301197801011E+17", NULL, "科学计数法");
	expect_bad_id("６.５２３２３Ｅ＋１７", NULL, "科学计数法");
}

static void test_idcard_mask(void **state)
{
	(void)state;
	char out[64];
	ch_idcard_mask("652301197801011234", out, sizeof out);
	assert_string_equal(out, "652301********1234");
	ch_idcard_mask("65230119850315408X", out, sizeof out);
	assert_string_equal(out, "652301********408X");
	ch_idcard_mask("123", out, sizeof out);
	assert_null(strstr(out, "123"));
	/* a small buffer is not overrun */
	char small[8];
	ch_idcard_mask("652301197801011234", small, sizeof small);
	assert_true(strlen(small) < sizeof small);
}

/* ---- phone numbers ---- */

static void expect_phone(const char *in, const char *want)
{
	char out[32] = "";
	int rc = ch_phone_normalize(in, out, sizeof out);
	if (rc != 0)
		fail_msg("'%s': %d %s", in, rc, ch_error_message());
	assert_string_equal(out, want);
}

static void expect_bad_phone(const char *in)
{
	char out[32] = "";
	int rc = ch_phone_normalize(in, out, sizeof out);
	if (rc != CH_EINVALID)
		fail_msg("'%s' accepted as '%s' (rc %d)", in, out, rc);
	assert_non_null(strstr(ch_error_message(), "联系电话"));
}

static void test_phone_mobile(void **state)
{
	(void)state;
	expect_phone("13812345678", "13812345678");
	expect_phone("138 1234 5678", "13812345678");
	expect_phone("138-1234-5678", "13812345678");
	expect_phone("+8613812345678", "13812345678");
	expect_phone("+86 138 1234 5678", "13812345678");
	expect_phone("8613812345678", "13812345678");
	expect_phone("１３８　１２３４　５６７８", "13812345678");
	expect_phone("19912345678", "19912345678");
}

static void test_phone_landline(void **state)
{
	(void)state;
	expect_phone("0994-2345678", "0994-2345678");
	expect_phone("09942345678", "0994-2345678");
	expect_phone("0994 2345678", "0994-2345678");
	expect_phone("0994-23456789", "0994-23456789");
	/* three-digit area codes: 010, 02X */
	expect_phone("010-12345678", "010-12345678");
	expect_phone("01012345678", "010-12345678");
	expect_phone("021-87654321", "021-87654321");
	expect_phone("02187654321", "021-87654321");
}

static void test_phone_bad(void **state)
{
	(void)state;
	expect_bad_phone("12345");
	expect_bad_phone("2345678");      /* no area code */
	expect_bad_phone("12812345678");  /* no such mobile prefix */
	expect_bad_phone("1381234567");   /* 10 digits */
	expect_bad_phone("138123456789"); /* 12 digits */
	expect_bad_phone("0994-23456");   /* local part too short */
	expect_bad_phone("1381234567a");
	expect_bad_phone("");
	expect_bad_phone("12345678901234567890123456789012345");
}

static void test_phone_mask(void **state)
{
	(void)state;
	char out[64];
	ch_phone_mask("13812345678", out, sizeof out);
	assert_string_equal(out, "138****5678");
	ch_phone_mask("0994-2345678", out, sizeof out);
	assert_string_equal(out, "0994-****678");
	ch_phone_mask("010-12345678", out, sizeof out);
	assert_string_equal(out, "010-****678");
	assert_null(strstr(out, "12345678"));
}

/* ---- string map ---- */

static void test_strmap(void **state)
{
	(void)state;
	ch_strmap *m = ch_strmap_new();
	int64_t v = 0;
	assert_int_equal(ch_strmap_count(m), 0);
	assert_false(ch_strmap_get(m, "昌吉市", &v));
	ch_strmap_put(m, "昌吉市", 2);
	ch_strmap_put(m, "", 7);
	assert_true(ch_strmap_get(m, "昌吉市", &v));
	assert_int_equal(v, 2);
	assert_true(ch_strmap_get(m, "", NULL));
	assert_true(ch_strmap_get(m, "昌吉市", NULL));
	ch_strmap_put(m, "昌吉市", -1); /* overwrite */
	assert_true(ch_strmap_get(m, "昌吉市", &v));
	assert_int_equal(v, -1);
	assert_int_equal(ch_strmap_count(m), 2);
	assert_false(ch_strmap_get(m, "昌吉", NULL));

	/* grow far past 10k keys */
	char key[64];
	for (int i = 0; i < 25000; i++) {
		snprintf(key, sizeof key, "c|%d|乡镇%d", i % 7, i);
		ch_strmap_put(m, key, i);
	}
	assert_int_equal(ch_strmap_count(m), 25002);
	for (int i = 0; i < 25000; i++) {
		snprintf(key, sizeof key, "c|%d|乡镇%d", i % 7, i);
		if (!ch_strmap_get(m, key, &v) || v != i)
			fail_msg("key %s lost after growing (got %lld)", key, (long long)v);
	}
	for (int i = 0; i < 25000; i += 3) {
		snprintf(key, sizeof key, "c|%d|乡镇%d", i % 7, i);
		ch_strmap_put(m, key, -i);
	}
	assert_int_equal(ch_strmap_count(m), 25002);
	assert_true(ch_strmap_get(m, "c|2|乡镇24999", &v)); /* 24999 % 3 == 0: overwritten */
	assert_int_equal(v, -24999);
	assert_true(ch_strmap_get(m, "c|0|乡镇24997", &v)); /* 24997 % 3 == 1: kept */
	assert_int_equal(v, 24997);
	assert_true(ch_strmap_get(m, "昌吉市", &v));
	assert_int_equal(v, -1);
	assert_false(ch_strmap_get(m, "c|0|乡镇25000", NULL));
	ch_strmap_free(m);
	ch_strmap_free(NULL);
}

/* ---- fixed-point areas ---- */

static void test_parse_fixed(void **state)
{
	(void)state;
	int64_t v = -1;
	assert_int_equal(ch_text_parse_fixed("120.5", 2, &v), CH_NUM_OK);
	assert_int_equal(v, 12050);
	assert_int_equal(ch_text_parse_fixed("120", 2, &v), CH_NUM_OK);
	assert_int_equal(v, 12000);
	assert_int_equal(ch_text_parse_fixed("88.25", 2, &v), CH_NUM_OK);
	assert_int_equal(v, 8825);
	assert_int_equal(ch_text_parse_fixed("1,200.25", 2, &v), CH_NUM_OK);
	assert_int_equal(v, 120025);
	assert_int_equal(ch_text_parse_fixed("１２０.５", 2, &v), CH_NUM_OK);
	assert_int_equal(v, 12050);
	assert_int_equal(ch_text_parse_fixed(" 0.5 ", 2, &v), CH_NUM_OK);
	assert_int_equal(v, 50);
	assert_int_equal(ch_text_parse_fixed("1.5", 6, &v), CH_NUM_OK); /* 万元 → fen */
	assert_int_equal(v, 1500000);
	assert_int_equal(ch_text_parse_fixed("1.234", 2, &v), CH_NUM_INVALID);
	assert_int_equal(ch_text_parse_fixed("abc", 2, &v), CH_NUM_INVALID);
	assert_int_equal(ch_text_parse_fixed("-5", 2, &v), CH_NUM_INVALID);
	assert_int_equal(ch_text_parse_fixed("12a", 2, &v), CH_NUM_INVALID);
	assert_int_equal(ch_text_parse_fixed("99999999999999999999", 2, &v), CH_NUM_INVALID);
	assert_int_equal(ch_text_parse_fixed("", 2, &v), CH_NUM_EMPTY);
	assert_int_equal(ch_text_parse_fixed("   ", 2, &v), CH_NUM_EMPTY);
}

/* ---- on a database: reference lists and imports ---- */

struct fixture {
	char *dir;
	char url[640];
	ch_ctx *ctx; /* as "root", the bootstrap prefecture_admin */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	if (test_db_open(f->dir, "register.db", f->url, sizeof f->url, &f->ctx) != 0)
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

static void test_reflist_technology(void **state)
{
	struct fixture *f = *state;
	ch_reflist *l = NULL;
	assert_int_equal(ch_reflist_load(f->ctx, "technology", &l), 0);
	assert_non_null(l);
	assert_non_null(ch_reflist_find(l, "壁挂炉"));
	assert_string_equal(ch_reflist_find(l, "壁挂炉"), "gas");
	assert_string_equal(ch_reflist_find(l, "空气能"), "heat_pump");
	assert_string_equal(ch_reflist_find(l, "煤改电"), "electric");
	assert_string_equal(ch_reflist_find(l, "集中供暖"), "central");
	/* normalised first: ideographic spaces, full-width parentheses */
	assert_non_null(ch_reflist_find(l, "\u3000空气能\u3000"));
	assert_string_equal(ch_reflist_find(l, "\u3000空气能\u3000"), "heat_pump");
	assert_non_null(ch_reflist_find(l, "煤改电（空气源热泵）"));
	assert_string_equal(ch_reflist_find(l, "煤改电（空气源热泵）"), "heat_pump");
	assert_string_equal(ch_reflist_find(l, "　集中供热 "), "central");
	assert_null(ch_reflist_find(l, "烧柴"));
	assert_null(ch_reflist_find(l, ""));
	assert_non_null(strstr(ch_reflist_name(l, "gas"), "燃气壁挂炉"));
	assert_string_equal(ch_reflist_name(l, "no-such-key"), "no-such-key");
	char *names = ch_reflist_names(l);
	assert_non_null(strstr(names, "集中供热"));
	assert_non_null(strstr(names, "太阳能"));
	assert_non_null(strstr(names, "、"));
	free(names);
	ch_reflist_free(l);

	assert_int_equal(ch_reflist_load(f->ctx, "measure", &l), 0);
	assert_string_equal(ch_reflist_find(l, "门窗"), "window");
	assert_string_equal(ch_reflist_find(l, "屋顶"), "roof");
	assert_string_equal(ch_reflist_find(l, "外墙保温"), "wall");
	assert_null(ch_reflist_find(l, "刷漆"));
	ch_reflist_free(l);

	int64_t lo = 0, hi = 0;
	assert_int_equal(ch_ref_limit(f->ctx, "heated_area", &lo, &hi), 0);
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 80000);
	assert_int_equal(ch_ref_limit(f->ctx, "no_such_field", &lo, &hi), CH_ENOTFOUND);
}

/* A row of the register: county 昌吉市, township 大西渠镇, village 大西渠村. */
struct row {
	const char *f[CH_HF_COUNT];
};

static struct row make_row(const char *hh_no, const char *name, const char *id, const char *phone)
{
	struct row r;
	memset(&r, 0, sizeof r);
	r.f[CH_HF_COUNTY] = "昌吉市";
	r.f[CH_HF_TOWNSHIP] = "大西渠镇";
	r.f[CH_HF_VILLAGE] = "大西渠村";
	r.f[CH_HF_HH_NO] = hh_no;
	r.f[CH_HF_HEAD] = name;
	r.f[CH_HF_ID] = id;
	r.f[CH_HF_PHONE] = phone;
	r.f[CH_HF_HEATED_AREA] = "120.5";
	r.f[CH_HF_TECH] = "壁挂炉";
	r.f[CH_HF_YEAR] = "2023";
	r.f[CH_HF_BATCH] = "新建";
	return r;
}

static int64_t count_of(ch_ctx *ctx, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(ch_db_query_int64(ch_ctx_db(ctx), &n, sql, NULL), 0);
	return n;
}

/* Imports ROWS (lines 2, 3, ...) in one import; returns finish's result. */
static int import_rows(ch_ctx *ctx, int skip_invalid, const struct row *rows, size_t n,
                       ch_hh_import_summary *sum, ch_hh_import **out)
{
	ch_hh_import_opts o = {.file = "unit.csv", .file_hash = "0", .skip_invalid = skip_invalid};
	ch_hh_import *imp = NULL;
	int rc = ch_hh_import_begin(ctx, &o, &imp);
	if (rc != 0)
		fail_msg("ch_hh_import_begin: %d %s", rc, ch_error_message());
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ch_hh_import_row(imp, i + 2, rows[i].f), 0);
	rc = ch_hh_import_finish(imp, sum);
	if (out)
		*out = imp;
	else
		ch_hh_import_free(imp);
	return rc;
}

/* 1 when IMP has a problem on LINE whose reason contains TEXT. */
static int has_problem(const ch_hh_import *imp, size_t line, int field, const char *text)
{
	for (size_t i = 0; i < ch_hh_import_nproblems(imp); i++) {
		const ch_hh_problem *p = ch_hh_import_problem(imp, i);
		if (p->line == line && p->field == field && !p->warning && strstr(p->reason, text))
			return 1;
	}
	return 0;
}

#define ID_A "652301197801011234"
#define ID_B "65230119850315408X"

static void test_import_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct row rows[3] = {
	    make_row("CJ001", "张三", ID_A, "13812345678"),
	    make_row("CJ002", "李四", ID_B, NULL),
	    make_row("CJ003", "王五", "652301199001010013", NULL),
	};
	rows[2].f[CH_HF_HEATED_AREA] = "5000";
	ch_hh_import_summary sum;
	ch_hh_import *imp = NULL;
	int64_t audit = count_of(f->ctx, "SELECT count(*) FROM audit_log");
	assert_int_equal(import_rows(f->ctx, 0, rows, 3, &sum, &imp), CH_EINVALID);
	/* storing the valid rows alone is what skip-invalid is for */
	assert_string_equal(ch_error_field(), "skip-invalid");
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.rejected, 1);
	assert_int_equal(sum.inserted, 0);
	assert_true(ch_hh_import_rejected(imp, 4));
	assert_false(ch_hh_import_rejected(imp, 2));
	assert_true(has_problem(imp, 4, CH_HF_HEATED_AREA, "5000"));
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household"), 0);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household_import"), 0);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM audit_log"), audit);
	/* the township and village the good rows named were rolled back too */
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM region WHERE name = '大西渠镇'"),
	                 0);

	/* fixed, the same rows go in */
	rows[2].f[CH_HF_HEATED_AREA] = "120";
	assert_int_equal(import_rows(f->ctx, 0, rows, 3, &sum, NULL), 0);
	assert_int_equal(sum.inserted, 3);
	ch_hh_import_summary_dispose(&sum);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household"), 3);
}

static void test_import_problem_fields(void **state)
{
	struct fixture *f = *state;
	struct row rows[2] = {
	    make_row("CJ001", "张三", "652301197801011235", "12345"),
	    make_row("CJ002", "李四", ID_B, NULL),
	};
	rows[1].f[CH_HF_HEAD] = "  ";
	rows[1].f[CH_HF_TECH] = "烧柴";
	ch_hh_import_summary sum;
	ch_hh_import *imp = NULL;
	assert_int_equal(import_rows(f->ctx, 0, rows, 2, &sum, &imp), CH_EINVALID);
	assert_int_equal(sum.rejected, 2);
	assert_true(has_problem(imp, 2, CH_HF_ID, "应为 4"));
	assert_true(has_problem(imp, 2, CH_HF_PHONE, "12345"));
	assert_true(has_problem(imp, 3, CH_HF_HEAD, "缺少户主姓名"));
	assert_true(has_problem(imp, 3, CH_HF_TECH, "烧柴"));
	/* the value as written is kept with the problem */
	int seen = 0;
	for (size_t i = 0; i < ch_hh_import_nproblems(imp); i++) {
		const ch_hh_problem *p = ch_hh_import_problem(imp, i);
		if (p->line == 2 && p->field == CH_HF_ID) {
			assert_non_null(p->value);
			assert_string_equal(p->value, "652301197801011235");
			seen = 1;
		}
	}
	assert_true(seen);
	/* handed over whole: the caller's list has every problem, the import
	 * none */
	size_t n = ch_hh_import_nproblems(imp);
	assert_true(n >= 4);
	ch_problems *taken = ch_hh_import_take_problems(imp);
	assert_int_equal(ch_problems_count(taken), n);
	assert_int_equal(ch_problems_nrejected(taken), 2);
	assert_int_equal(ch_hh_import_nproblems(imp), 0);
	ch_problems_free(taken);
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
}

static void test_import_future_birth(void **state)
{
	struct fixture *f = *state;
	char id[CH_ID_LEN + 1];
	memcpy(id, "65230120250602123", 17);
	id[17] = ch_idcard_check_char(id);
	id[18] = '\0';
	struct row r = make_row("CJ009", "未生", id, NULL);
	ch_hh_import_opts o = {.file = "unit.csv", .file_hash = "0", .today = "2025-06-01"};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	assert_int_equal(ch_hh_import_begin(f->ctx, &o, &imp), 0);
	assert_int_equal(ch_hh_import_row(imp, 2, r.f), 0);
	assert_int_equal(ch_hh_import_finish(imp, &sum), CH_EINVALID);
	assert_true(has_problem(imp, 2, CH_HF_ID, "出生日期"));
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
}

/* Row 2 updates a registered household, row 3 (a new 户编号) repeats its ID
 * number: with skip_invalid both rows are rejected, and the registered
 * household is restored to what it was (not deleted), with no update
 * audited. */
static void test_import_dup_after_update(void **state)
{
	struct fixture *f = *state;
	struct row first = make_row("CJ001", "张三", ID_A, "13812345678");
	ch_hh_import_summary sum;
	assert_int_equal(import_rows(f->ctx, 0, &first, 1, &sum, NULL), 0);
	assert_int_equal(sum.inserted, 1);
	ch_hh_import_summary_dispose(&sum);

	struct row rows[2] = {
	    make_row("CJ001", "张三", ID_A, "13800000001"), /* new phone: an update */
	    make_row("CJ002", "张三", ID_A, NULL),          /* the same person again */
	};
	rows[0].f[CH_HF_HEATED_AREA] = "99";
	ch_hh_import *imp = NULL;
	assert_int_equal(import_rows(f->ctx, 1, rows, 2, &sum, &imp), 0);
	assert_int_equal(sum.rows, 2);
	assert_int_equal(sum.rejected, 2);
	assert_int_equal(sum.inserted, 0);
	assert_int_equal(sum.updated, 0);
	assert_true(ch_hh_import_rejected(imp, 2));
	assert_true(ch_hh_import_rejected(imp, 3));
	assert_true(has_problem(imp, 2, CH_HF_ID, "第3行"));
	assert_true(has_problem(imp, 3, CH_HF_ID, "第2行"));
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);

	ch_household h;
	assert_int_equal(ch_household_get(f->ctx, "昌吉市", "CJ001", 1, &h), 0);
	assert_string_equal(h.id_number, ID_A);
	assert_non_null(h.phone);
	assert_string_equal(h.phone, "13812345678");
	assert_int_equal(h.heated_area_centi, 12050);
	ch_household_dispose(&h);
	assert_int_equal(ch_household_get(f->ctx, "昌吉市", "CJ002", 1, &h), CH_ENOTFOUND);
	ch_household_dispose(&h);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household"), 1);
	assert_int_equal(
	    count_of(f->ctx, "SELECT count(*) FROM audit_log WHERE action = 'household.update'"),
	    0);

	/* a plain update afterwards is audited with before and after */
	assert_int_equal(import_rows(f->ctx, 0, rows, 1, &sum, NULL), 0);
	assert_int_equal(sum.updated, 1);
	ch_hh_import_summary_dispose(&sum);
	assert_int_equal(count_of(f->ctx,
	                          "SELECT count(*) FROM audit_log WHERE action = 'household.update'"
	                          " AND object = 'household:652301/CJ001' AND before IS NOT NULL"
	                          " AND after IS NOT NULL"),
	                 1);
	assert_int_equal(ch_household_get(f->ctx, NULL, ID_A, 1, &h), 0);
	assert_string_equal(h.phone, "13800000001");
	ch_household_dispose(&h);
}

/* An import checks its rows without the write lock and writes them after:
 * what another writer stored in between is checked again when writing (an
 * ID number taken meanwhile blocks the row), and a change to what the
 * checks read (a region added) makes the import stale, storing nothing. */
static void test_import_between_halves(void **state)
{
	struct fixture *f = *state;
	struct row first = make_row("CJ000", "赵一", "652301199001010013", NULL);
	ch_hh_import_summary sum;
	assert_int_equal(import_rows(f->ctx, 0, &first, 1, &sum, NULL), 0);
	ch_hh_import_summary_dispose(&sum);

	ch_ctx *other = NULL;
	assert_int_equal(ch_ctx_open(&other, f->url, "root", "root"), 0);
	struct row rows[2] = {
	    make_row("CJ001", "张三", ID_A, NULL),
	    make_row("CJ002", "李四", ID_B, NULL),
	};
	ch_hh_import_opts o = {.file = "unit.csv", .file_hash = "0", .skip_invalid = 1};
	ch_hh_import *imp = NULL;
	assert_int_equal(ch_hh_import_begin(f->ctx, &o, &imp), 0);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(ch_hh_import_row(imp, i + 2, rows[i].f), 0);
	/* checked, not yet written: another writer is not held up, and takes
	 * ID_B for a household of its own */
	struct row theirs = make_row("CJ009", "李四", ID_B, NULL);
	assert_int_equal(import_rows(other, 0, &theirs, 1, &sum, NULL), 0);
	assert_int_equal(sum.inserted, 1);
	ch_hh_import_summary_dispose(&sum);
	assert_int_equal(ch_hh_import_finish(imp, &sum), 0);
	assert_int_equal(sum.inserted, 1);
	assert_int_equal(sum.rejected, 1);
	assert_true(has_problem(imp, 3, CH_HF_ID, "身份证号已在册"));
	assert_false(ch_hh_import_stale(imp));
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household"), 3);

	/* a township added in between: the import is stale and stores nothing */
	struct row later = make_row("CJ003", "王五", "652301198001010019", NULL);
	assert_int_equal(ch_hh_import_begin(f->ctx, &o, &imp), 0);
	assert_int_equal(ch_hh_import_row(imp, 2, later.f), 0);
	struct row place = make_row("CJ010", "钱七", "652301197001010014", NULL);
	place.f[CH_HF_TOWNSHIP] = "三工镇";
	place.f[CH_HF_VILLAGE] = NULL;
	ch_hh_import_opts po = {.file = "unit.csv", .file_hash = "0", .new_places = 1};
	ch_hh_import *pimp = NULL;
	assert_int_equal(ch_hh_import_begin(other, &po, &pimp), 0);
	assert_int_equal(ch_hh_import_row(pimp, 2, place.f), 0);
	assert_int_equal(ch_hh_import_finish(pimp, &sum), 0);
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(pimp);
	assert_int_equal(ch_hh_import_finish(imp, &sum), CH_ECONFLICT);
	assert_true(ch_hh_import_stale(imp));
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ003'"),
	                 0);
	/* run again (as the file import does), it goes in */
	assert_int_equal(import_rows(f->ctx, 0, &later, 1, &sum, NULL), 0);
	assert_int_equal(sum.inserted, 1);
	ch_hh_import_summary_dispose(&sum);
	ch_ctx_free(other);
}

/* The same, when row 2 is identical to the registered household (so it is
 * "unchanged", not an update): the registered household must survive. */
static void test_import_dup_after_unchanged(void **state)
{
	struct fixture *f = *state;
	struct row first = make_row("CJ001", "张三", ID_A, "13812345678");
	ch_hh_import_summary sum;
	assert_int_equal(import_rows(f->ctx, 0, &first, 1, &sum, NULL), 0);
	ch_hh_import_summary_dispose(&sum);

	struct row rows[2] = {
	    make_row("CJ001", "张三", ID_A, "13812345678"), /* unchanged */
	    make_row("CJ002", "张三", ID_A, NULL),          /* the same person again */
	};
	ch_hh_import *imp = NULL;
	assert_int_equal(import_rows(f->ctx, 1, rows, 2, &sum, &imp), 0);
	assert_int_equal(sum.rejected, 2);
	assert_true(ch_hh_import_rejected(imp, 2));
	assert_true(ch_hh_import_rejected(imp, 3));
	size_t inserted = sum.inserted, updated = sum.updated;
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);

	ch_household h;
	int rc = ch_household_get(f->ctx, "昌吉市", "CJ001", 1, &h);
	if (rc != 0)
		fail_msg("the registered household CJ001 is gone after a rejected duplicate: %s",
		         ch_error_message());
	assert_string_equal(h.phone, "13812345678");
	ch_household_dispose(&h);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household"), 1);
	assert_int_equal(inserted, 0); /* not (size_t)-1 */
	assert_int_equal(updated, 0);
}

/* Two rows with one 户编号 after the stored household: both rejected, the
 * stored one stays. */
static void test_import_dup_hhno_after_unchanged(void **state)
{
	struct fixture *f = *state;
	struct row first = make_row("CJ001", "张三", ID_A, NULL);
	ch_hh_import_summary sum;
	assert_int_equal(import_rows(f->ctx, 0, &first, 1, &sum, NULL), 0);
	ch_hh_import_summary_dispose(&sum);

	struct row rows[2] = {
	    make_row("CJ001", "张三", ID_A, NULL),
	    make_row("CJ001", "张三丰", ID_B, NULL),
	};
	assert_int_equal(import_rows(f->ctx, 1, rows, 2, &sum, NULL), 0);
	assert_int_equal(sum.rejected, 2);
	size_t inserted = sum.inserted;
	ch_hh_import_summary_dispose(&sum);
	if (count_of(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ001'"
	                     " AND head_name = '张三'") != 1)
		fail_msg("the registered household CJ001 is gone after a rejected duplicate");
	assert_int_equal(inserted, 0); /* not (size_t)-1 */
}

/* Two new rows with one ID number: both rejected, the other rows stored. */
/* The keys ch_household_each_at_stage hands out, as "code name hh_no". */
struct seen_keys {
	size_t n;
	char key[4][96];
	int stop_after; /* 0: never stop */
};

static int keep_key(const ch_hh_key *k, void *arg)
{
	struct seen_keys *s = arg;
	if (s->n < 4)
		snprintf(s->key[s->n], sizeof s->key[0], "%s %s %s", k->county_code, k->county,
		         k->hh_no);
	s->n++;
	return s->stop_after && s->n == (size_t)s->stop_after ? 7 : 0;
}

static void test_each_at_stage_scope(void **state)
{
	struct fixture *f = *state;
	struct row rows[3] = {
	    make_row("CJ001", "张三", ID_A, NULL),
	    make_row("CJ002", "李四", ID_B, NULL),
	    make_row("FK001", "王五", "652302198001011237", NULL),
	};
	rows[2].f[CH_HF_COUNTY] = "阜康市";
	rows[2].f[CH_HF_TOWNSHIP] = "城关镇";
	rows[2].f[CH_HF_VILLAGE] = "城关村";
	ch_hh_import_summary sum;
	assert_int_equal(import_rows(f->ctx, 0, rows, 3, &sum, NULL), 0);
	ch_hh_import_summary_dispose(&sum);

	/* the prefecture sees all, in the order registered */
	struct seen_keys s = {0};
	assert_int_equal(
	    ch_household_each_at_stage(f->ctx, 2023, CH_STAGE_REGISTERED, keep_key, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.key[0], "652301 昌吉市 CJ001");
	assert_string_equal(s.key[1], "652301 昌吉市 CJ002");
	assert_string_equal(s.key[2], "652302 阜康市 FK001");
	/* another stage or year: none */
	memset(&s, 0, sizeof s);
	assert_int_equal(ch_household_each_at_stage(f->ctx, 2023, CH_STAGE_STARTED, keep_key, &s),
	                 0);
	assert_int_equal(
	    ch_household_each_at_stage(f->ctx, 2024, CH_STAGE_REGISTERED, keep_key, &s), 0);
	assert_int_equal(s.n, 0);
	/* the callback stops the walk */
	s.stop_after = 1;
	assert_int_equal(
	    ch_household_each_at_stage(f->ctx, 2023, CH_STAGE_REGISTERED, keep_key, &s), 7);
	assert_int_equal(s.n, 1);

	/* a county operator sees their county only */
	ch_ctx *op = NULL;
	assert_int_equal(ch_user_add(f->ctx, "fk", CH_ROLE_COUNTY_OPERATOR, "阜康市"), 0);
	assert_int_equal(ch_ctx_open(&op, f->url, "fk", NULL), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(ch_household_each_at_stage(op, 2023, CH_STAGE_REGISTERED, keep_key, &s),
	                 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.key[0], "652302 阜康市 FK001");
	ch_ctx_free(op);
}

static void test_import_dup_new_rows(void **state)
{
	struct fixture *f = *state;
	struct row rows[3] = {
	    make_row("CJ001", "甲", ID_A, NULL),
	    make_row("CJ002", "乙", ID_B, NULL),
	    make_row("CJ003", "丙", ID_A, NULL),
	};
	ch_hh_import_summary sum;
	ch_hh_import *imp = NULL;
	assert_int_equal(import_rows(f->ctx, 1, rows, 3, &sum, &imp), 0);
	assert_int_equal(sum.inserted, 1);
	assert_int_equal(sum.rejected, 2);
	assert_true(ch_hh_import_rejected(imp, 2));
	assert_false(ch_hh_import_rejected(imp, 3));
	assert_true(ch_hh_import_rejected(imp, 4));
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household"), 1);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household WHERE hh_no = 'CJ002'"),
	                 1);
}

/* ---- the headings importers recognise ---- */

/* The field keys each reader asks for, as the readers in src/io/ do. */
static const char *const event_keys[] = {"county", "household", "stage", "day", "note", "ignored"};
static const char *const region_keys[] = {"county", "township", "village", "township_code",
                                          "village_code"};
static const char *const bank_keys[] = {"payment", "amount", "status", "day", "reason"};
static const char *const inspect_keys[] = {"county",    "household", "result", "day",
                                           "inspector", "evidence",  "note"};
static const char *const survey_keys[] = {
    "county",  "township",  "village",   "hh_no",          "head",   "heating",  "coal",
    "area",    "structure", "year",      "wall",           "window", "measures", "occupants",
    "consent", "income",    "meter_gas", "meter_electric", "ignored"};
static const char *const village_keys[] = {
    "county",      "township", "village", "gas_main", "gas_distance", "heat_distance",
    "transformer", "rated",    "peak",    "works",    "works_date",   "ignored"};
static const char *const usage_keys[] = {"meter",  "id_number", "kind",   "month",
                                         "amount", "reading",   "ignored"};

static void household_keys(const char *keys[CH_HF_COUNT + 1])
{
	for (int f = 0; f < CH_HF_COUNT; f++)
		keys[f] = ch_hfield_key((enum ch_hfield)f);
	keys[CH_HF_COUNT] = "ignored";
}

/* Every row of the file names a kind and a field its reader asks for (a
 * misspelt one would never match), and no heading stands twice in a kind:
 * each row is the one its heading finds. */
static void test_headings_file(void **state)
{
	(void)state;
	const char *hkeys[CH_HF_COUNT + 1];
	household_keys(hkeys);
	const struct {
		const char *kind;
		const char *const *keys;
		size_t n;
	} readers[] = {{"household", hkeys, CH_HF_COUNT + 1},
	               {"event", event_keys, sizeof event_keys / sizeof event_keys[0]},
	               {"region", region_keys, sizeof region_keys / sizeof region_keys[0]},
	               {"bank_return", bank_keys, sizeof bank_keys / sizeof bank_keys[0]},
	               {"inspect", inspect_keys, sizeof inspect_keys / sizeof inspect_keys[0]},
	               {"survey", survey_keys, sizeof survey_keys / sizeof survey_keys[0]},
	               {"village", village_keys, sizeof village_keys / sizeof village_keys[0]},
	               {"usage", usage_keys, sizeof usage_keys / sizeof usage_keys[0]}};
	const struct ch_embedded_file *file = ch_embedded_find(CH_HEADINGS_FILE);
	ch_csv *csv = NULL;
	ch_csv_row row;
	size_t rows = 0;
	int rc;
	assert_int_equal(ch_headings_load(), 0);
	assert_non_null(file);
	assert_int_equal(ch_csv_open_mem(&csv, file->data, file->len), 0);
	assert_int_equal(ch_csv_next(csv, &row), 1);
	assert_int_equal(row.nfields, 3);
	assert_string_equal(row.fields[0], "kind");
	assert_string_equal(row.fields[1], "field");
	assert_string_equal(row.fields[2], "heading");
	while ((rc = ch_csv_next(csv, &row)) == 1) {
		const char *kind = row.fields[0], *field = row.fields[1], *h = row.fields[2];
		int found = 0;
		assert_int_equal(row.nfields, 3);
		for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
			if (strcmp(kind, readers[i].kind) != 0)
				continue;
			int at = ch_headings_find(kind, h, readers[i].keys, readers[i].n);
			found = at >= 0 && strcmp(readers[i].keys[at], field) == 0;
		}
		if (!found)
			fail_msg("line %zu: %s heading '%s' for '%s': no reader asks for that, "
			         "or an earlier row has the heading",
			         row.line, kind, h, field);
		rows++;
	}
	assert_int_equal(rc, 0);
	ch_csv_free(csv);
	assert_true(rows > 100);
}

static void test_headings_find(void **state)
{
	(void)state;
	const char *hkeys[CH_HF_COUNT + 1];
	household_keys(hkeys);
	assert_int_equal(ch_headings_find("household", "户主", hkeys, CH_HF_COUNT + 1), CH_HF_HEAD);
	assert_int_equal(ch_headings_find("household", "县(市、区)", hkeys, CH_HF_COUNT + 1),
	                 CH_HF_COUNTY);
	assert_int_equal(ch_headings_find("household", "惠农一卡通", hkeys, CH_HF_COUNT + 1),
	                 CH_HF_BANK);
	assert_int_equal(ch_headings_find("household", "No.", hkeys, CH_HF_COUNT + 1), CH_HF_COUNT);
	assert_int_equal(ch_headings_find("household", "流水号", hkeys, CH_HF_COUNT + 1), -1);
	assert_int_equal(ch_headings_find("event", "退出原因", event_keys, 6), 4);
	assert_int_equal(ch_headings_find("event", "乡镇", event_keys, 6), 5);
	assert_int_equal(ch_headings_find("event", "县", event_keys, 6), -1);
	assert_int_equal(ch_headings_find("region", "村(社区)代码", region_keys, 5), 4);
	assert_int_equal(ch_headings_find("region", "户编号", region_keys, 5), -1);
	assert_int_equal(ch_headings_find("bank_return", "金额(元)", bank_keys, 5), 1);
	assert_int_equal(ch_headings_find("bank_return", "payment", bank_keys, 5), 0);
	/* a field the caller does not ask for is no match */
	assert_int_equal(ch_headings_find("bank_return", "原因", bank_keys, 4), -1);
}

/* ---- personal data: masked unless revealed by a role that may ---- */

#define PHONE      "13812345678"
#define ID_A_MASK  "652301********1234"
#define PHONE_MASK "138****5678"

/* Registers CJ001 (ID_A) and CJ002 (ID_B), who share PHONE. */
static void register_two(ch_ctx *ctx)
{
	struct row rows[2] = {
	    make_row("CJ001", "张三", ID_A, PHONE),
	    make_row("CJ002", "李四", ID_B, PHONE),
	};
	ch_hh_import_summary sum;
	assert_int_equal(import_rows(ctx, 0, rows, 2, &sum, NULL), 0);
	assert_int_equal(sum.inserted, 2);
	ch_hh_import_summary_dispose(&sum);
}

static int64_t reveals(ch_ctx *ctx)
{
	return count_of(ctx, "SELECT count(*) FROM audit_log WHERE action = 'household.reveal'"
	                     " AND object = 'household:personal-data'");
}

/* What a list handed out: how many households, and whether any number came whole. */
struct seen {
	size_t n;
	int whole; /* an ID or phone number unmasked */
	int masked;
};

static int see_hh(const ch_household *h, void *arg)
{
	struct seen *s = arg;
	s->n++;
	if (strcmp(h->id_number, ID_A) == 0 || strcmp(h->id_number, ID_B) == 0 ||
	    (h->phone && strcmp(h->phone, PHONE) == 0))
		s->whole = 1;
	if (strstr(h->id_number, "********") && h->phone && strcmp(h->phone, PHONE_MASK) == 0)
		s->masked++;
	return 0;
}

static int see_dup(const ch_hh_dup *d, void *arg)
{
	struct seen *s = arg;
	if (strcmp(d->kind, "phone") != 0)
		return 0;
	if (strcmp(d->value, PHONE) == 0)
		s->whole = 1;
	for (size_t i = 0; i < d->n; i++)
		see_hh(&d->members[i], arg);
	return 0;
}

static void test_personal_data_masked(void **state)
{
	struct fixture *f = *state;
	register_two(f->ctx);
	int64_t audit = count_of(f->ctx, "SELECT count(*) FROM audit_log");

	ch_household h;
	assert_int_equal(ch_household_get(f->ctx, "昌吉市", "CJ001", 0, &h), 0);
	assert_string_equal(h.id_number, ID_A_MASK);
	assert_string_equal(h.phone, PHONE_MASK);
	assert_string_equal(h.head_name, "张三");
	ch_household_dispose(&h);
	/* found by the whole ID number, still handed out masked */
	assert_int_equal(ch_household_get(f->ctx, NULL, ID_A, 0, &h), 0);
	assert_string_equal(h.id_number, ID_A_MASK);
	ch_household_dispose(&h);

	struct seen s = {0};
	ch_hh_filter flt = {0};
	assert_int_equal(ch_household_each(f->ctx, &flt, see_hh, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.masked, 2);
	assert_false(s.whole);
	/* a search by the whole phone finds both, masked */
	memset(&s, 0, sizeof s);
	flt.text = PHONE;
	assert_int_equal(ch_household_each(f->ctx, &flt, see_hh, &s), 0);
	assert_int_equal(s.n, 2);
	assert_false(s.whole);

	memset(&s, 0, sizeof s);
	assert_int_equal(ch_household_duplicates(f->ctx, 0, see_dup, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.masked, 2);
	assert_false(s.whole);

	/* nothing was revealed, so nothing was audited */
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM audit_log"), audit);
}

static void test_personal_data_reveal(void **state)
{
	struct fixture *f = *state;
	register_two(f->ctx);
	ch_household h;
	int64_t r0 = reveals(f->ctx), audit = count_of(f->ctx, "SELECT count(*) FROM audit_log");

	assert_int_equal(ch_household_get(f->ctx, "昌吉市", "CJ001", 1, &h), 0);
	assert_string_equal(h.id_number, ID_A);
	assert_string_equal(h.phone, PHONE);
	ch_household_dispose(&h);
	assert_int_equal(reveals(f->ctx), r0 + 1);
	/* the query, an ID number, is logged masked */
	assert_int_equal(ch_household_get(f->ctx, NULL, ID_A, 1, &h), 0);
	assert_string_equal(h.id_number, ID_A);
	ch_household_dispose(&h);
	assert_int_equal(reveals(f->ctx), r0 + 2);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM audit_log"
	                                  " WHERE after LIKE '%" ID_A "%'"),
	                 0);

	struct seen s = {0};
	ch_hh_filter flt = {.reveal = 1};
	assert_int_equal(ch_household_each(f->ctx, &flt, see_hh, &s), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.whole);
	assert_int_equal(s.masked, 0);
	assert_int_equal(reveals(f->ctx), r0 + 3);

	memset(&s, 0, sizeof s);
	assert_int_equal(ch_household_duplicates(f->ctx, 1, see_dup, &s), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.whole);
	assert_int_equal(reveals(f->ctx), r0 + 4);
	/* one entry per reveal, and nothing else */
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM audit_log"), audit + 4);
}

/* The SQL of the text at PATH ("a.b") of an audit entry's after (its
 * JSON), in CTX's dialect; written into OUT (64 bytes). */
static const char *after_text(ch_ctx *ctx, const char *path, char out[64])
{
	if (strcmp(ch_db_dialect(ch_ctx_db(ctx)), "pg") == 0) {
		char p[40];
		snprintf(p, sizeof p, "%s", path);
		for (char *d = strchr(p, '.'); d; d = strchr(d, '.'))
			*d = ',';
		snprintf(out, 64, "(after::jsonb #>> '{%s}')", p);
	} else {
		snprintf(out, 64, "CAST(json_extract(after, '$.%s') AS TEXT)", path);
	}
	return out;
}

/* The entry of a reveal says what was asked (the filters, an ID number or
 * a phone among them masked) and how many households it showed. A reveal
 * that shows nothing writes nothing. */
static void test_personal_data_reveal_entry(void **state)
{
	struct fixture *f = *state;
	register_two(f->ctx);
	int64_t r0 = reveals(f->ctx);
	struct seen s = {0};

	ch_hh_filter flt = {.reveal = 1, .county = "昌吉市", .text = "CJ00", .limit = 1};
	assert_int_equal(ch_household_each(f->ctx, &flt, see_hh, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(reveals(f->ctx), r0 + 1);
	char sql[600], c[64], t[64], l[64], n[64];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM audit_log WHERE action = 'household.reveal'"
	         " AND %s = '昌吉市' AND %s = 'CJ00' AND %s = '1' AND %s = '1'",
	         after_text(f->ctx, "filters.county", c), after_text(f->ctx, "filters.text", t),
	         after_text(f->ctx, "filters.limit", l), after_text(f->ctx, "shown", n));
	assert_int_equal(count_of(f->ctx, sql), 1);

	memset(&s, 0, sizeof s);
	ch_hh_filter by_phone = {.reveal = 1, .text = PHONE};
	assert_int_equal(ch_household_each(f->ctx, &by_phone, see_hh, &s), 0);
	assert_int_equal(s.n, 2);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM audit_log WHERE %s = '" PHONE_MASK "' AND %s = '2'",
	         after_text(f->ctx, "filters.text", t), after_text(f->ctx, "shown", n));
	assert_int_equal(count_of(f->ctx, sql), 1);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM audit_log"
	                                  " WHERE after LIKE '%" PHONE "%'"),
	                 0);

	/* a reveal that finds nobody, and one of no household: nothing written */
	int64_t r1 = reveals(f->ctx);
	memset(&s, 0, sizeof s);
	ch_hh_filter none = {.reveal = 1, .text = "没有这个人"};
	assert_int_equal(ch_household_each(f->ctx, &none, see_hh, &s), 0);
	assert_int_equal(s.n, 0);
	ch_household h;
	assert_int_equal(ch_household_get(f->ctx, "昌吉市", "CJ999", 1, &h), CH_ENOTFOUND);
	ch_household_dispose(&h);
	assert_int_equal(reveals(f->ctx), r1);
}

/* Opens the database as NAME, a user added by root. */
static ch_ctx *open_as(struct fixture *f, const char *name, enum ch_role role, const char *scope)
{
	ch_ctx *c = NULL;
	if (ch_user_add(f->ctx, name, role, scope) != 0)
		fail_msg("ch_user_add %s: %s", name, ch_error_message());
	if (ch_ctx_open(&c, f->url, name, "root") != 0)
		fail_msg("ch_ctx_open as %s: %s", name, ch_error_message());
	return c;
}

static void test_personal_data_reveal_denied(void **state)
{
	struct fixture *f = *state;
	register_two(f->ctx);
	ch_ctx *rv = open_as(f, "rv", CH_ROLE_REVIEWER, NULL);
	ch_ctx *tw = open_as(f, "tw", CH_ROLE_TOWNSHIP_OPERATOR, "大西渠镇");
	ch_ctx *fk = open_as(f, "fk", CH_ROLE_COUNTY_OPERATOR, "阜康市");
	int64_t audit = count_of(f->ctx, "SELECT count(*) FROM audit_log");
	ch_ctx *no_reveal[] = {rv, tw};

	for (size_t i = 0; i < 2; i++) {
		ch_ctx *c = no_reveal[i];
		ch_household h;
		assert_int_equal(ch_household_get(c, "昌吉市", "CJ001", 1, &h), CH_EDENIED);
		assert_null(h.id_number);
		assert_null(h.phone);
		ch_household_dispose(&h);

		struct seen s = {0};
		ch_hh_filter flt = {.reveal = 1};
		assert_int_equal(ch_household_each(c, &flt, see_hh, &s), CH_EDENIED);
		assert_int_equal(s.n, 0);
		assert_int_equal(ch_household_duplicates(c, 1, see_dup, &s), CH_EDENIED);
		assert_int_equal(s.n, 0);

		/* masked, the same reader sees the households */
		assert_int_equal(ch_household_get(c, "昌吉市", "CJ001", 0, &h), 0);
		assert_string_equal(h.id_number, ID_A_MASK);
		ch_household_dispose(&h);
	}

	/* a county operator may reveal, but only in their county: 昌吉市's
	 * household is outside their scope, refused before it is read, and
	 * found by ID number without saying where it is */
	ch_household h;
	assert_int_equal(ch_household_get(fk, "昌吉市", "CJ001", 1, &h), CH_EDENIED);
	assert_null(h.id_number);
	assert_non_null(strstr(ch_error_message(), "昌吉市"));
	ch_household_dispose(&h);
	assert_int_equal(ch_household_get(fk, NULL, ID_A, 1, &h), CH_EDENIED);
	assert_null(strstr(ch_error_message(), "昌吉市"));
	ch_household_dispose(&h);
	/* not found: refused as such, and nothing written either */
	assert_int_equal(ch_household_get(fk, "阜康市", "NOPE", 1, &h), CH_ENOTFOUND);
	ch_household_dispose(&h);

	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM audit_log"), audit);
	ch_ctx_free(rv);
	ch_ctx_free(tw);
	ch_ctx_free(fk);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idcard_valid),
	    cmocka_unit_test(test_idcard_check_x),
	    cmocka_unit_test(test_idcard_15_to_18),
	    cmocka_unit_test(test_idcard_bad_length),
	    cmocka_unit_test(test_idcard_bad_date),
	    cmocka_unit_test(test_idcard_future_birth),
	    cmocka_unit_test(test_idcard_scientific),
	    cmocka_unit_test(test_idcard_mask),
	    cmocka_unit_test(test_phone_mobile),
	    cmocka_unit_test(test_phone_landline),
	    cmocka_unit_test(test_phone_bad),
	    cmocka_unit_test(test_phone_mask),
	    cmocka_unit_test(test_strmap),
	    cmocka_unit_test(test_parse_fixed),
	    T(test_reflist_technology),
	    T(test_import_all_or_nothing),
	    T(test_import_problem_fields),
	    T(test_import_future_birth),
	    T(test_import_dup_after_update),
	    T(test_import_between_halves),
	    T(test_import_dup_after_unchanged),
	    T(test_import_dup_hhno_after_unchanged),
	    T(test_import_dup_new_rows),
	    cmocka_unit_test(test_headings_file),
	    cmocka_unit_test(test_headings_find),
	    T(test_personal_data_masked),
	    T(test_personal_data_reveal),
	    T(test_personal_data_reveal_entry),
	    T(test_personal_data_reveal_denied),
	    T(test_each_at_stage_scope),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
