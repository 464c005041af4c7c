/*
 * test_search — finding households in the register (ch_household_each with
 * a text, see household.h for the rule): names of one, two and three
 * characters and a long one, an ID number's last digits (x in either
 * case), a phone's first digits, an address's middle, 户编号 whole and by
 * its beginning; masked forms finding nothing; a household re-imported
 * with a new name and address found by the new ones only, and one restored
 * by a rejected row by its old one; a withdrawn household still found by
 * its ID number; the reader's scope and the filters; the list's order
 * (also after a region is renamed), offset and `after`; over 12,000
 * households, every page of several searches (some answered from the
 * candidates, some by walking the list) against the rule written out in
 * SQL over the whole table. Last, a database made before the search index
 * (schema version 8) gets it filled when opened.
 */
#include "testdb.h"

#include "core/ctx.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/user.h"
#include "db/db.h"
#include "util/buf.h"
#include "util/error.h"

struct fixture {
	char *dir;
	char url[640];
	ch_ctx *ctx; /* as "root", the bootstrap prefecture_admin */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	if (test_db_open(f->dir, "search.db", f->url, sizeof f->url, &f->ctx) != 0)
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

/* ---- rows ---- */

struct row {
	const char *f[CH_HF_COUNT];
	char id[CH_ID_LEN + 1];
};

/* A valid ID number of 652301 born in YEAR, sequence SEQ (0-999). */
static void make_id(char *out, int year, int seq)
{
	snprintf(out, CH_ID_LEN + 1, "652301%04d0101%03d", year, seq);
	out[17] = ch_idcard_check_char(out);
	out[18] = '\0';
}

static struct row make_row(const char *county, const char *township, const char *village,
                           const char *hh_no, const char *name, const char *id, const char *phone,
                           const char *address)
{
	struct row r;
	memset(&r, 0, sizeof r);
	r.f[CH_HF_COUNTY] = county;
	r.f[CH_HF_TOWNSHIP] = township;
	r.f[CH_HF_VILLAGE] = village;
	r.f[CH_HF_HH_NO] = hh_no;
	r.f[CH_HF_HEAD] = name;
	r.f[CH_HF_ID] = id;
	r.f[CH_HF_PHONE] = phone;
	r.f[CH_HF_ADDRESS] = address;
	r.f[CH_HF_HEATED_AREA] = "120.5";
	r.f[CH_HF_TECH] = "壁挂炉";
	r.f[CH_HF_YEAR] = "2023";
	r.f[CH_HF_BATCH] = "新建";
	return r;
}

static int import_rows(ch_ctx *ctx, const struct row *rows, size_t n, int skip_invalid)
{
	ch_hh_import_opts o = {.file = "unit.csv", .file_hash = "0", .skip_invalid = skip_invalid};
	ch_hh_import *imp = NULL;
	ch_hh_import_summary sum;
	int rc = ch_hh_import_begin(ctx, &o, &imp);
	if (rc != 0)
		fail_msg("ch_hh_import_begin: %d %s", rc, ch_error_message());
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ch_hh_import_row(imp, i + 2, rows[i].f), 0);
	rc = ch_hh_import_finish(imp, &sum);
	ch_hh_import_summary_dispose(&sum);
	ch_hh_import_free(imp);
	return rc;
}

#define ID_A "652301197801011234"
#define ID_B "65230119850315408X"
#define ID_C "652301199001010013"
#define ID_D "652301196505050015"
#define ID_E "652302198808080014"

/* Five households over two counties and three townships, one without a
 * village. */
static void register_five(ch_ctx *ctx)
{
	struct row rows[] = {
	    make_row("昌吉市", "大西渠镇", "大西渠村", "CJ001", "王芳", ID_A, "13812345678",
	             "大西渠村三组幸福路3号"),
	    make_row("昌吉市", "大西渠镇", "大西渠村", "CJ002", "李王芳", ID_B, "13987654321",
	             "大西渠村五组"),
	    make_row("昌吉市", "大西渠镇", "新渠村", "CJ003", "王芳华", ID_C, "0994-2345678",
	             "新渠村一组"),
	    make_row("昌吉市", "三工镇", NULL, "CJ010", "张伟", ID_D, NULL, NULL),
	    make_row("阜康市", "城关镇", "西沟村", "FK001", "欧阳娜娜", ID_E, "15099990000",
	             "西沟村二组"),
	};
	assert_int_equal(import_rows(ctx, rows, sizeof rows / sizeof rows[0], 0), 0);
}

/* The 户编号 of the households a search finds, in order, joined by ' '. */
static int add_no(const ch_household *h, void *arg)
{
	ch_buf *b = arg;
	ch_buf_printf(b, "%s%s", b->len ? " " : "", h->hh_no);
	return 0;
}

static char *found_by(ch_ctx *ctx, const ch_hh_filter *flt)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "");
	int rc = ch_household_each(ctx, flt, add_no, &b);
	if (rc != 0)
		fail_msg("ch_household_each: %d %s", rc, ch_error_message());
	return ch_buf_detach(&b);
}

static void expect_found(ch_ctx *ctx, const char *text, const char *want)
{
	ch_hh_filter flt = {.text = text};
	char *got = found_by(ctx, &flt);
	if (strcmp(got, want) != 0)
		fail_msg("search '%s': found [%s], want [%s]", text, got, want);
	free(got);
}

static int64_t count_of(ch_ctx *ctx, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(ch_db_query_int64(ch_ctx_db(ctx), &n, sql, NULL), 0);
	return n;
}

/* ---- the rule ---- */

static void test_search_names(void **state)
{
	struct fixture *f = *state;
	register_five(f->ctx);
	/* two characters: in any name that holds them */
	expect_found(f->ctx, "王芳", "CJ001 CJ002 CJ003");
	/* three: the one name */
	expect_found(f->ctx, "李王芳", "CJ002");
	expect_found(f->ctx, "王芳华", "CJ003");
	/* one: every name with it */
	expect_found(f->ctx, "芳", "CJ001 CJ002 CJ003");
	expect_found(f->ctx, "娜", "FK001");
	/* four, a compound surname */
	expect_found(f->ctx, "欧阳娜娜", "FK001");
	expect_found(f->ctx, "阳娜", "FK001");
	/* typed with spaces around: normalised first */
	expect_found(f->ctx, "\u3000张伟 ", "CJ010");
	expect_found(f->ctx, "赵六", "");
	/* quotes, and a text far longer than any name, are only text */
	expect_found(f->ctx, "\"王芳\"", "");
	expect_found(f->ctx, "\"", "");
	char longer[1200] = "";
	for (int i = 0; i < 300; i++)
		strcat(longer, "王");
	expect_found(f->ctx, longer, "");
	/* a long name: one or two characters within its first four, three or
	 * more anywhere */
	struct row more[] = {make_row("阜康市", "城关镇", "西沟村", "FK002", "阿依古丽·买买提",
	                              "652302199101010011", NULL, NULL)};
	more[0].f[CH_HF_ID] = NULL;
	make_id(more[0].id, 1991, 1);
	memcpy(more[0].id, "652302", 6);
	more[0].id[17] = ch_idcard_check_char(more[0].id);
	more[0].f[CH_HF_ID] = more[0].id;
	assert_int_equal(import_rows(f->ctx, more, 1, 0), 0);
	expect_found(f->ctx, "古丽", "FK002");
	expect_found(f->ctx, "买买", "");
	expect_found(f->ctx, "买买提", "FK002");
	expect_found(f->ctx, "丽·买", "FK002");
}

static void test_search_numbers(void **state)
{
	struct fixture *f = *state;
	register_five(f->ctx);
	/* an ID number whole, by its last four or six digits, by its beginning */
	expect_found(f->ctx, ID_A, "CJ001");
	expect_found(f->ctx, "1234", "CJ001");
	expect_found(f->ctx, "011234", "CJ001");
	expect_found(f->ctx, "6523011978", "CJ001");
	/* the check character x in either case */
	expect_found(f->ctx, "408x", "CJ002");
	expect_found(f->ctx, "315408X", "CJ002");
	/* the county part of the number: everyone of 652301 */
	expect_found(f->ctx, "652301", "CJ010 CJ001 CJ002 CJ003");
	/* the middle of a number (the birth date) is not searched */
	expect_found(f->ctx, "19780101", "");
	/* phones: whole, first digits, last digits, a landline */
	expect_found(f->ctx, "13812345678", "CJ001");
	expect_found(f->ctx, "1381234", "CJ001");
	expect_found(f->ctx, "4321", "CJ002");
	expect_found(f->ctx, "0994-2345678", "CJ003");
	expect_found(f->ctx, "0994", "CJ003");
	/* masked forms find nothing */
	expect_found(f->ctx, "652301********1234", "");
	expect_found(f->ctx, "138****5678", "");
	/* 户编号 whole and by its beginning */
	expect_found(f->ctx, "CJ002", "CJ002");
	expect_found(f->ctx, "CJ00", "CJ001 CJ002 CJ003");
	expect_found(f->ctx, "FK", "FK001");
	expect_found(f->ctx, "J001", "");
}

static void test_search_addresses(void **state)
{
	struct fixture *f = *state;
	register_five(f->ctx);
	/* three characters or more: anywhere in the address */
	expect_found(f->ctx, "幸福路3号", "CJ001");
	expect_found(f->ctx, "幸福路", "CJ001");
	expect_found(f->ctx, "大西渠村", "CJ001 CJ002");
	expect_found(f->ctx, "一组", ""); /* two characters do not search addresses */
	expect_found(f->ctx, "新渠村一组", "CJ003");
	expect_found(f->ctx, "新渠村二组", "");
}

/* Re-imported with a new name and address: found by the new ones only. A
 * later row rejecting that update restores the old ones, and the index. */
static void test_search_after_update(void **state)
{
	struct fixture *f = *state;
	register_five(f->ctx);
	struct row again[] = {
	    make_row("昌吉市", "大西渠镇", "大西渠村", "CJ001", "王芳", ID_A, "13812345678",
	             "大西渠村七组团结路8号"),
	    make_row("昌吉市", "大西渠镇", "大西渠村", "CJ002", "李文", ID_B, "13987654321",
	             "大西渠村五组"),
	};
	assert_int_equal(import_rows(f->ctx, again, 2, 0), 0);
	expect_found(f->ctx, "幸福路", "");
	expect_found(f->ctx, "团结路8号", "CJ001");
	expect_found(f->ctx, "李王芳", "");
	expect_found(f->ctx, "李文", "CJ002");
	expect_found(f->ctx, "王芳", "CJ001 CJ003");
	/* unchanged households are found as before */
	expect_found(f->ctx, "1234", "CJ001");

	/* CJ003 updated by one row, then the same 户编号 again: both rows are
	 * rejected, CJ003 is restored, and so is what finds it */
	struct row dup[] = {
	    make_row("昌吉市", "大西渠镇", "新渠村", "CJ003", "王芳华", ID_C, "0994-2345678",
	             "新渠村九组"),
	    make_row("昌吉市", "大西渠镇", "新渠村", "CJ003", "王芳华", ID_C, "0994-2345678",
	             "新渠村八组"),
	};
	assert_int_equal(import_rows(f->ctx, dup, 2, 1), 0);
	expect_found(f->ctx, "新渠村九组", "");
	expect_found(f->ctx, "新渠村八组", "");
	expect_found(f->ctx, "新渠村一组", "CJ003");

	/* an import that fails leaves the index as it was */
	struct row bad[] = {
	    make_row("昌吉市", "大西渠镇", "新渠村", "CJ020", "赵六", "652301199101010010", NULL,
	             "新渠村十组"),
	    make_row("昌吉市", "大西渠镇", "新渠村", "CJ021", "钱七", "123", NULL, NULL),
	};
	assert_int_equal(import_rows(f->ctx, bad, 2, 0), CH_EINVALID);
	expect_found(f->ctx, "赵六", "");
	expect_found(f->ctx, "新渠村十组", "");
	/* the index holds one entry per household, no more */
	assert_int_equal(count_of(f->ctx, test_pg_url()
	                                      /* a view of household: its text */
	                                      ? "SELECT count(*) FROM household_search"
	                                        " WHERE doc LIKE '%新渠村%'"
	                                      : "SELECT count(*) FROM household_search"
	                                        " WHERE household_search MATCH '\"新渠村\"'"),
	                 1);
}

static void test_search_withdrawn(void **state)
{
	struct fixture *f = *state;
	register_five(f->ctx);
	assert_int_equal(
	    ch_db_run(ch_ctx_db(f->ctx),
	              "UPDATE household SET status = 'withdrawn' WHERE hh_no = 'CJ002'", NULL),
	    0);
	expect_found(f->ctx, "65230119850315", "CJ002");
	expect_found(f->ctx, ID_B, "CJ002");
	expect_found(f->ctx, "李王芳", "CJ002");
}

static ch_ctx *open_as(struct fixture *f, const char *name, enum ch_role role, const char *scope)
{
	ch_ctx *c = NULL;
	if (ch_user_add(f->ctx, name, role, scope) != 0)
		fail_msg("ch_user_add %s: %s", name, ch_error_message());
	if (ch_ctx_open(&c, f->url, name, "root") != 0)
		fail_msg("ch_ctx_open as %s: %s", name, ch_error_message());
	return c;
}

static void test_search_scope_and_filters(void **state)
{
	struct fixture *f = *state;
	register_five(f->ctx);
	ch_ctx *fk = open_as(f, "fk", CH_ROLE_COUNTY_OPERATOR, "阜康市");
	ch_ctx *tw = open_as(f, "tw", CH_ROLE_TOWNSHIP_OPERATOR, "三工镇");
	expect_found(fk, "娜", "FK001");
	expect_found(fk, "王芳", "");
	expect_found(fk, "6523", "FK001");
	expect_found(tw, "6523", "CJ010");
	expect_found(tw, "张伟", "CJ010");
	expect_found(tw, "王芳", "");
	/* a filter outside the scope is refused, not an empty answer */
	ch_hh_filter out = {.text = "王芳", .county = "昌吉市"};
	ch_buf b;
	ch_buf_init(&b);
	assert_int_equal(ch_household_each(fk, &out, add_no, &b), CH_EDENIED);
	assert_non_null(strstr(ch_error_message(), "超出其管辖范围（阜康市）"));
	assert_int_equal(b.len, 0);
	ch_buf_dispose(&b);
	/* a township operator asking for a household of their county: another
	 * township's is refused, one that does not exist is not found */
	ch_household hh;
	assert_int_equal(ch_household_get(tw, "昌吉市", "CJ010", 0, &hh), 0);
	ch_household_dispose(&hh);
	assert_int_equal(ch_household_get(tw, "昌吉市", "CJ001", 0, &hh), CH_EDENIED);
	assert_non_null(strstr(ch_error_message(), "超出其管辖范围（三工镇）"));
	ch_household_dispose(&hh);
	assert_int_equal(ch_household_get(tw, "昌吉市", "CJ999", 0, &hh), CH_ENOTFOUND);
	ch_household_dispose(&hh);
	assert_int_equal(ch_household_get(fk, "昌吉市", "CJ999", 0, &hh), CH_EDENIED);
	ch_household_dispose(&hh);
	/* the township operator's own county narrows to their township */
	ch_hh_filter own = {.text = "6523", .county = "昌吉市"};
	char *got = found_by(tw, &own);
	assert_string_equal(got, "CJ010");
	free(got);
	ch_ctx_free(fk);
	ch_ctx_free(tw);

	struct {
		ch_hh_filter flt;
		const char *want;
	} cases[] = {
	    {{.text = "6523", .county = "昌吉市"}, "CJ010 CJ001 CJ002 CJ003"},
	    {{.text = "6523", .county = "652302"}, "FK001"},
	    {{.text = "6523", .county = "昌吉市", .township = "大西渠镇"}, "CJ001 CJ002 CJ003"},
	    {{.text = "6523", .county = "昌吉市", .township = "大西渠镇", .village = "新渠村"},
	     "CJ003"},
	    {{.text = "王芳", .batch = "续建"}, ""},
	    {{.text = "王芳", .batch = "新建"}, "CJ001 CJ002 CJ003"},
	    {{.text = "王芳", .plan_year = 2024}, ""},
	    {{.text = "王芳", .plan_year = 2023}, "CJ001 CJ002 CJ003"},
	    {{.text = "王芳", .technology = "空气能"}, ""},
	    {{.text = "王芳", .technology = "燃气壁挂炉"}, "CJ001 CJ002 CJ003"},
	    {{.text = "芳", .limit = 2}, "CJ001 CJ002"},
	    {{.text = "芳", .limit = 2, .offset = 2}, "CJ003"},
	    {{.text = "芳", .after = "昌吉市/CJ001"}, "CJ002 CJ003"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = found_by(f->ctx, &cases[i].flt);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: found [%s], want [%s]", i, got, cases[i].want);
		free(got);
	}
}

static void test_list_order_and_paging(void **state)
{
	struct fixture *f = *state;
	register_five(f->ctx);
	/* county code, then township name, then village (none first), 户编号 */
	ch_hh_filter all = {0};
	char *got = found_by(f->ctx, &all);
	assert_string_equal(got, "CJ010 CJ001 CJ002 CJ003 FK001");
	free(got);
	ch_hh_filter page = {.limit = 2, .offset = 1};
	got = found_by(f->ctx, &page);
	assert_string_equal(got, "CJ001 CJ002");
	free(got);
	/* after a household: the next ones, also across counties */
	ch_hh_filter next = {.limit = 2, .after = "昌吉市/CJ002"};
	got = found_by(f->ctx, &next);
	assert_string_equal(got, "CJ003 FK001");
	free(got);
	ch_hh_filter by_code = {.after = "652301/CJ003"};
	got = found_by(f->ctx, &by_code);
	assert_string_equal(got, "FK001");
	free(got);
	ch_hh_filter in_county = {.county = "昌吉市", .after = "昌吉市/CJ001"};
	got = found_by(f->ctx, &in_county);
	assert_string_equal(got, "CJ002 CJ003");
	free(got);
	/* a region renamed moves its households in the order */
	assert_int_equal(ch_db_run(ch_ctx_db(f->ctx),
	                           "UPDATE region SET name = '新工镇' WHERE name = '三工镇'", NULL),
	                 0);
	got = found_by(f->ctx, &all);
	assert_string_equal(got, "CJ001 CJ002 CJ003 CJ010 FK001");
	free(got);
	/* an unknown household, or no 户编号 */
	assert_int_equal(
	    ch_household_each(f->ctx, &(ch_hh_filter){.after = "昌吉市/CJ999"}, add_no, NULL),
	    CH_ENOTFOUND);
	assert_string_equal(ch_error_field(), "after");
	assert_int_equal(ch_household_each(f->ctx, &(ch_hh_filter){.after = "CJ001"}, add_no, NULL),
	                 CH_EINVALID);
}

/* ---- at scale: the answer against the rule over the whole table ---- */

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄"};
static const char *const given[] = {"芳", "伟", "秀英", "娜", "敏", "静", "丽娟", "强",
                                    "磊", "军", "洋",   "勇", "艳", "杰", "娟",   "涛"};

#define SCALE_ROWS 12000

static void register_many(ch_ctx *ctx)
{
	struct row *rows = calloc(SCALE_ROWS, sizeof *rows);
	char(*text)[4][64] = calloc(SCALE_ROWS, sizeof *text);
	static const char *const townships[] = {"样例镇01", "样例镇02", "样例镇03"};
	static const char *const villages[] = {"一村", "二村", NULL};
	for (int i = 0; i < SCALE_ROWS; i++) {
		char *no = text[i][0], *name = text[i][1], *phone = text[i][2], *addr = text[i][3];
		snprintf(no, 64, "652301-%06d", i + 1);
		snprintf(name, 64, "%s%s", surnames[(i * 7) % 8], given[(i * 13) % 16]);
		snprintf(phone, 64, "13%09d", (i * 7919) % 1000000000);
		snprintf(addr, 64, "幸福村%d组%d号", i % 9 + 1, i + 1);
		rows[i] = make_row("昌吉市", townships[i % 3], villages[(i / 3) % 3], no, name,
		                   NULL, phone, addr);
		make_id(rows[i].id, 1950 + i % 50, (i / 50) % 1000);
		rows[i].f[CH_HF_ID] = rows[i].id;
	}
	assert_int_equal(import_rows(ctx, rows, SCALE_ROWS, 0), 0);
	free(rows);
	free(text);
}

/* The households the rule finds, in the list's order, straight from the
 * table. */
static char *by_rule(ch_ctx *ctx, const char *q, int64_t limit, int64_t offset)
{
	const char *instr = ch_db_fn(ch_ctx_db(ctx), CH_DB_FN_INSTR);
	ch_stmt *st;
	ch_buf b, sql;
	ch_buf_init(&b);
	ch_buf_puts(&b, "");
	ch_buf_init(&sql);
	/* a village's name as '' when there is none, as the list's key has it
	 * (PostgreSQL sorts NULL last); no limit (and no offset) when LIMIT is
	 * not above 0 */
	ch_buf_printf(
	    &sql,
	    "SELECT h.hh_no FROM household h JOIN region c ON c.id = h.county_id"
	    " JOIN region t ON t.id = h.township_id LEFT JOIN region v ON v.id = h.village_id"
	    " WHERE (length(?1) >= 3 AND (%s(h.head_name, ?1) > 0 OR %s(h.address, ?1) > 0))"
	    " OR (length(?1) < 3 AND %s(substr(h.head_name, 1, 4), ?1) > 0)"
	    " OR h.hh_no LIKE ?1 || '%%' OR h.id_number LIKE ?1 || '%%' OR h.phone LIKE ?1 || '%%'"
	    " OR (length(?1) >= 2 AND (h.id_number LIKE '%%' || ?1 OR h.phone LIKE '%%' || ?1))"
	    " ORDER BY c.code, t.name, coalesce(v.name, ''), h.hh_no",
	    instr, instr, instr);
	if (limit > 0)
		ch_buf_printf(&sql, " LIMIT %lld OFFSET %lld", (long long)limit, (long long)offset);
	else
		assert_int_equal(offset, 0);
	assert_int_equal(ch_db_preparef(ch_ctx_db(ctx), &st, sql.ptr, "t", q), 0);
	int rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW)
		ch_buf_printf(&b, "%s%s", b.len ? " " : "", ch_stmt_text(st, 0));
	if (rc < 0)
		fail_msg("the rule's query: %s", ch_error_message());
	ch_stmt_finalize(st);
	ch_buf_dispose(&sql);
	return ch_buf_detach(&b);
}

static void test_search_at_scale(void **state)
{
	struct fixture *f = *state;
	register_many(f->ctx);
	/* some common (more candidates than are sorted: the list is walked),
	 * some rare; each at the first page, a deep one, and whole */
	static const char *const queries[] = {"幸福村", "王",    "王芳",      "芳",         "丽娟",
	                                      "李丽娟", "3组12", "652301-00", "6523011960", "1379",
	                                      "13",     "4号",   "7",         "秀英"};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		const int64_t pages[][2] = {{51, 0}, {51, 2000}, {-1, 0}};
		for (size_t p = 0; p < 3; p++) {
			ch_hh_filter flt = {.text = queries[i],
			                    .limit = pages[p][0] > 0 ? pages[p][0] : 0,
			                    .offset = pages[p][1]};
			char *got = found_by(f->ctx, &flt);
			char *want = by_rule(f->ctx, queries[i], pages[p][0], pages[p][1]);
			if (strcmp(got, want) != 0)
				fail_msg("'%s' limit %lld offset %lld: got %.200s…, want %.200s…",
				         queries[i], (long long)pages[p][0], (long long)pages[p][1],
				         got, want);
			free(got);
			free(want);
		}
	}
	/* the list paged with `after` is the list */
	char *whole = by_rule(f->ctx, "652301-", -1, 0);
	ch_buf paged;
	ch_buf_init(&paged);
	ch_buf_puts(&paged, "");
	char after[80] = "";
	for (;;) {
		ch_hh_filter flt = {.limit = 997, .after = after[0] ? after : NULL};
		char *page = found_by(f->ctx, &flt);
		if (!*page) {
			free(page);
			break;
		}
		ch_buf_printf(&paged, "%s%s", paged.len ? " " : "", page);
		snprintf(after, sizeof after, "昌吉市/%s",
		         strrchr(page, ' ') ? strrchr(page, ' ') + 1 : page);
		free(page);
	}
	assert_string_equal(paged.ptr, whole);
	ch_buf_dispose(&paged);
	free(whole);
}

/* A database of schema version 8 (made before the search index, the
 * rules' versions, household.withdrawn and the county_id of the acceptance
 * records) is given the index and the list's keys when opened, and its
 * meter readings and payment holds their household's county. */
static void test_migration_fills(void **state)
{
	struct fixture *f = *state;
	test_skip_unless_sqlite("test_migration_fills",
	                        "rebuilds SQLite's schema of version 8 (its FTS5 index, triggers"
	                        " and columns) by hand");
	register_five(f->ctx);
	/* 0021: no county on readings and holds, some of each written */
	assert_int_equal(ch_db_exec_script(ch_ctx_db(f->ctx),
	                                   "DROP INDEX transformer_county;"
	                                   "DROP INDEX usage_reading_county;"
	                                   "ALTER TABLE transformer DROP COLUMN county_id;"
	                                   "ALTER TABLE usage_reading DROP COLUMN county_id;"
	                                   "ALTER TABLE usage_flag DROP COLUMN county_id;"
	                                   "ALTER TABLE notice_item DROP COLUMN county_id;"
	                                   "ALTER TABLE objection DROP COLUMN county_id;"
	                                   "ALTER TABLE payment_hold DROP COLUMN county_id;"
	                                   "INSERT INTO usage_reading(household_id, kind, month,"
	                                   " amount_milli) SELECT id, 'gas', '2023-11', 1000"
	                                   " FROM household;"
	                                   "INSERT INTO payment_hold(household_id, kind, reason,"
	                                   " day, held_by) SELECT id, 'manual', '核实',"
	                                   " '2023-10-30', 'root' FROM household;"),
	                 0);
	assert_int_equal(ch_db_exec_script(ch_ctx_db(f->ctx),
	                                   "DROP TABLE household_search;"
	                                   "DROP TRIGGER household_list_region;"
	                                   "DROP INDEX household_list;"
	                                   "DROP INDEX household_id_withdrawn;"
	                                   "DROP TRIGGER household_withdrawn_update;"
	                                   "DROP INDEX household_id_active;"
	                                   "ALTER TABLE household DROP COLUMN withdrawn;"
	                                   "CREATE UNIQUE INDEX household_id_active ON"
	                                   " household(id_number) WHERE status <> 'withdrawn';"
	                                   "ALTER TABLE household DROP COLUMN list_key;"
	                                   "DROP TABLE rule_version;"
	                                   "DROP TABLE user_totp;"
	                                   "DROP TABLE totp_recovery;"
	                                   "ALTER TABLE auth_session DROP COLUMN totp_at;"
	                                   "ALTER TABLE auth_session DROP COLUMN enrol_only;"
	                                   "ALTER TABLE inspection DROP COLUMN county_id;"
	                                   "ALTER TABLE rectification DROP COLUMN county_id;"
	                                   "ALTER TABLE followup DROP COLUMN county_id;"
	                                   "ALTER TABLE review_item DROP COLUMN county_id;"
	                                   "ALTER TABLE entitlement DROP COLUMN county_id;"
	                                   "ALTER TABLE hh_snapshot DROP COLUMN county_id;"
	                                   "DELETE FROM schema_version WHERE version >= 9;"),
	                 0);
	assert_int_equal(count_of(f->ctx, "SELECT max(version) FROM schema_version"), 8);
	ch_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(ch_ctx_open(&f->ctx, f->url, "root", "root"), 0);
	assert_int_equal(count_of(f->ctx, "SELECT max(version) FROM schema_version"),
	                 ch_db_schema_latest());
	/* 0012: withdrawn follows status, and the ID-number indexes use it */
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household WHERE withdrawn"
	                                  " IS NOT (status = 'withdrawn')"),
	                 0);
	assert_int_equal(count_of(f->ctx, "SELECT count(*) FROM household WHERE list_key IS NULL"),
	                 0);
	/* 0021: rows written before it carry their household's county */
	assert_int_equal(count_of(f->ctx,
	                          "SELECT count(*) FROM usage_reading r JOIN household h"
	                          " ON h.id = r.household_id AND h.county_id = r.county_id"),
	                 5);
	assert_int_equal(count_of(f->ctx,
	                          "SELECT count(*) FROM payment_hold p JOIN household h"
	                          " ON h.id = p.household_id AND h.county_id = p.county_id"),
	                 5);
	assert_int_equal(count_of(f->ctx, "SELECT count(DISTINCT county_id) FROM payment_hold"), 2);
	expect_found(f->ctx, "王芳", "CJ001 CJ002 CJ003");
	expect_found(f->ctx, "幸福路", "CJ001");
	expect_found(f->ctx, "1234", "CJ001");
	ch_hh_filter all = {0};
	char *got = found_by(f->ctx, &all);
	assert_string_equal(got, "CJ010 CJ001 CJ002 CJ003 FK001");
	free(got);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_search_names),          T(test_search_numbers),
	    T(test_search_addresses),      T(test_search_after_update),
	    T(test_search_withdrawn),      T(test_search_scope_and_filters),
	    T(test_list_order_and_paging), T(test_search_at_scale),
	    T(test_migration_fills),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
