/*
 * seal — sealing the audited objects at each commit, and checking the rows
 * against their seals and the payments against the ledger (see seal.h).
 *
 * The kinds below say, for each audited table, its key, the business fields
 * of its canonical form (a compact JSON array of their values, as SQLite's
 * json_array builds it, in the order listed; the driver spells the JSON
 * functions so that PostgreSQL builds the same bytes, ch_db_json_sql) with
 * the Chinese name of each,
 * and how an object is named in a message. The order is a stored format:
 * changing a kind's fields would make every stored seal of it differ, so a
 * kind's form is changed by a kind of a new name, the old one kept for
 * checking the objects its seals still cover (the review's two forms,
 * below). The seal digest of an audit.seal entry is BLAKE2b-256 over the
 * entry's seals in (kind, object) order, each as three length-prefixed
 * fields (kind, object in decimal, fields; "-" for NULL), as audit.c hashes
 * an entry. A transaction whose only writes to households moved their
 * stages (ch_seal_stage_writes) seals each from its newest seal with the
 * new stage put in, the same bytes when the row agreed with that seal.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/seal_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/money.h"
#include "util/text.h"

struct seal_col {
	const char *name;  /* the column (with EXPR: what the value is called) */
	const char *label; /* its name in messages */
	/* SQL over the row "x"; NULL: the column NAME. With ROWS: the values of
	 * one of the object's rows "i", and ROWS is the SQL that gives those
	 * rows in order: the value is the JSON array of their arrays. */
	const char *expr;
	const char *rows;
};

struct seal_kind {
	const char *kind, *label, *table, *key;
	const char *name_sql; /* the object's name from row x */
	const struct seal_col *cols;
	/* tables whose rows belong to an object of this kind: table and the
	 * column naming the object */
	const char *child_table, *child_key;
	/* verify checks only the rows for which SCOPE (SQL over row x) holds,
	 * and reports as deleted only the objects whose seal s LOST_SCOPE
	 * passes; NULL: all (the review's two forms below) */
	const char *scope, *lost_scope;
};

static const struct seal_col household_cols[] = {
    {"county_id", "县市", NULL, NULL},
    {"township_id", "乡镇", NULL, NULL},
    {"village_id", "村", NULL, NULL},
    {"hh_no", "户编号", NULL, NULL},
    {"head_name", "户主姓名", NULL, NULL},
    {"id_number", "身份证号", NULL, NULL},
    {"phone", "联系电话", NULL, NULL},
    {"address", "住址", NULL, NULL},
    {"heated_area_centi", "取暖面积", NULL, NULL},
    {"structure", "房屋结构", NULL, NULL},
    {"original_heating", "原取暖方式", NULL, NULL},
    {"technology", "改造技术", NULL, NULL},
    {"es_measures", "节能措施", NULL, NULL},
    {"es_area_centi", "节能改造面积", NULL, NULL},
    {"plan_year", "计划年度", NULL, NULL},
    {"batch", "新建/续建", NULL, NULL},
    {"contractor", "施工单位", NULL, NULL},
    {"cost_fen", "总投资", NULL, NULL},
    {"note", "备注", NULL, NULL},
    {"status", "状态", NULL, NULL},
    {"stage_day", "环节日期", NULL, NULL},
    {"bank_account", "收款账号", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static const struct seal_col user_cols[] = {
    {"name", "用户名", NULL, NULL},
    {"role", "角色", NULL, NULL},
    {"scope_region_id", "管辖范围", NULL, NULL},
    {"password_hash", "密码", NULL, NULL},
    {"disabled_at", "停用时间", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static const struct seal_col payment_cols[] = {
    {"batch_id", "发放批次", NULL, NULL},
    {"household_id", "农户", NULL, NULL},
    {"transfer_id", "资金转账", NULL, NULL},
    {"amount", "金额", NULL, NULL},
    {"account", "收款账号", NULL, NULL},
    {"status", "状态", NULL, NULL},
    {"returned_at", "回单时间", NULL, NULL},
    {"reason", "失败原因", NULL, NULL},
    {"method", "发放方式", "(SELECT b.method FROM payment_batch b WHERE b.id = x.batch_id)", NULL},
    {NULL, NULL, NULL, NULL},
};

static const struct seal_col entitlement_cols[] = {
    {"policy_id", "补助政策版本", NULL, NULL},    {"total_fen", "核定补助", NULL, NULL},
    {"cost_fen", "总投资", NULL, NULL},           {"detail", "计算明细", NULL, NULL},
    {"reviewed_day", "复核通过日期", NULL, NULL}, {NULL, NULL, NULL, NULL},
};

/* A review application's own columns (kind review_application, from
 * schema 29); its items are objects of their own (review_item_cols). */
static const struct seal_col review_cols[] = {
    {"number", "复核编号", NULL, NULL},
    {"county_id", "县市", NULL, NULL},
    {"plan_year", "计划年度", NULL, NULL},
    {"status", "状态", NULL, NULL},
    {"unit", "复核单位", NULL, NULL},
    {"reviewer", "复核人", NULL, NULL},
    {"seed_source", "抽样种子来源", NULL, NULL},
    {"seed", "抽样种子", NULL, NULL},
    {"algorithm", "抽样算法", NULL, NULL},
    {"policy", "抽样设置", NULL, NULL},
    {"round", "抽样轮次", NULL, NULL},
    {"outcome", "复核结论", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static const struct seal_col review_item_cols[] = {
    {"application_id", "复核申请", NULL, NULL},
    {"household_id", "农户", NULL, NULL},
    {"county_id", "县市", NULL, NULL},
    {"stratum", "抽样分层", NULL, NULL},
    {"sample_round", "抽中轮次", NULL, NULL},
    {"result", "复核结果", NULL, NULL},
    {"result_day", "复核日期", NULL, NULL},
    {"reviewer", "复核人", NULL, NULL},
    {"note", "说明", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

/* The form of kind review, sealed until schema 29: the application's
 * columns and then all of its items, so that each result recorded sealed
 * the whole application again. Its seals stay, and an application is
 * checked against them until its next change (review_whole below), so
 * this form is spelt out here once and for all, not shared with
 * review_cols, which may change under a new kind's name. The
 * items' columns are those they had when seals began (version 11), not *:
 * county_id, added in version 20, is not part of this form. */
static const struct seal_col review_whole_cols[] = {
    {"number", "复核编号", NULL, NULL},
    {"county_id", "县市", NULL, NULL},
    {"plan_year", "计划年度", NULL, NULL},
    {"status", "状态", NULL, NULL},
    {"unit", "复核单位", NULL, NULL},
    {"reviewer", "复核人", NULL, NULL},
    {"seed_source", "抽样种子来源", NULL, NULL},
    {"seed", "抽样种子", NULL, NULL},
    {"algorithm", "抽样算法", NULL, NULL},
    {"policy", "抽样设置", NULL, NULL},
    {"round", "抽样轮次", NULL, NULL},
    {"outcome", "复核结论", NULL, NULL},
    {"items", "复核结果",
     "i.household_id, i.stratum, i.sample_round, i.result, i.result_day, i.reviewer, i.note",
     "(SELECT application_id, household_id, stratum, sample_round, result, result_day,"
     " reviewer, note FROM review_item WHERE application_id = x.id ORDER BY household_id)"},
    {NULL, NULL, NULL, NULL},
};

static const struct seal_col plan_cols[] = {
    {"year", "年度", NULL, NULL},
    {"version", "版本", NULL, NULL},
    {"status", "状态", NULL, NULL},
    {"title", "标题", NULL, NULL},
    {"content_hash", "内容摘要", NULL, NULL},
    {"published_total", "公布总数", NULL, NULL},
    {"published_new", "公布新建数", NULL, NULL},
    {"published_continuing", "公布续建数", NULL, NULL},
    {"published_es", "公布节能改造数", NULL, NULL},
    {"es_area_total_centi", "节能改造面积目标", NULL, NULL},
    {"discrepancies", "接受的差异", NULL, NULL},
    {"reason", "接受差异的理由", NULL, NULL},
    {"targets", "分县目标",
     "i.region_id, i.households_total, i.households_new, i.households_continuing,"
     " i.es_households, i.es_area_centi, i.remark",
     "(SELECT * FROM plan_target WHERE plan_id = x.id ORDER BY region_id)"},
    {NULL, NULL, NULL, NULL},
};

/* The review's two forms. An application sealed whole (kind review,
 * review_whole_cols) before schema 29 and not changed since is checked
 * against that seal, its items with it; once it changes, its commit seals
 * it (kind review_application) and every one of its items (kind
 * review_item) under the forms of now (ch_seal_commit), and from then on
 * each result seals its one item. REVIEW_WHOLE(A): the application whose
 * id is A still has only its whole seal. */
#define REVIEW_WHOLE(a)                                                                            \
	"(EXISTS (SELECT 1 FROM seal WHERE kind = 'review' AND object = " a ")"                    \
	" AND NOT EXISTS (SELECT 1 FROM seal WHERE kind = 'review_application'"                    \
	" AND object = " a "))"
/* The ids of the applications REVIEW_WHOLE holds for, as a set: verify's
 * scopes test each item against it, which the database computes once,
 * where REVIEW_WHOLE looked up two seals for every item. */
#define REVIEW_WHOLE_IDS                                                                           \
	"(SELECT w.object FROM seal w WHERE w.kind = 'review' AND NOT EXISTS"                      \
	" (SELECT 1 FROM seal n WHERE n.kind = 'review_application' AND n.object = w.object))"

static const struct seal_kind review_whole = {
    "review",
    "复核申请",
    "review_application",
    "id",
    "x.number",
    review_whole_cols,
    NULL,
    NULL,
    "x.id IN " REVIEW_WHOLE_IDS,
    "NOT EXISTS (SELECT 1 FROM seal n WHERE n.kind = 'review_application'"
    " AND n.object = s.object)"};

static const struct seal_kind kinds[] = {
    {"household", "农户", "household", "id",
     "(SELECT r.code FROM region r WHERE r.id = x.county_id) || '/' || x.hh_no", household_cols,
     NULL, NULL, NULL, NULL},
    {"user", "用户", "app_user", "id", "x.name", user_cols, NULL, NULL, NULL, NULL},
    {"payment", "付款", "payment", "id",
     "'#' || x.id || '（第 ' || x.batch_id || ' 批，户 ' || coalesce((SELECT r.code || '/' ||"
     " h.hh_no FROM household h JOIN region r ON r.id = h.county_id"
     " WHERE h.id = x.household_id), '?') || '）'",
     payment_cols, NULL, NULL, NULL, NULL},
    {"entitlement", "补助核定", "entitlement", "household_id",
     "'户 ' || coalesce((SELECT r.code || '/' || h.hh_no FROM household h JOIN region r"
     " ON r.id = h.county_id WHERE h.id = x.household_id), '?')",
     entitlement_cols, NULL, NULL, NULL, NULL},
    {"review_application", "复核申请", "review_application", "id", "x.number", review_cols, NULL,
     NULL, "x.id NOT IN " REVIEW_WHOLE_IDS, NULL},
    {"review_item", "复核结果", "review_item", "id",
     "(SELECT a.number FROM review_application a WHERE a.id = x.application_id) || ' 户 ' ||"
     " coalesce((SELECT r.code || '/' || h.hh_no FROM household h JOIN region r"
     " ON r.id = h.county_id WHERE h.id = x.household_id), '?')",
     review_item_cols, NULL, NULL, "x.application_id NOT IN " REVIEW_WHOLE_IDS, NULL},
    {"plan", "年度计划", "plan", "id", "x.year || '年第 ' || x.version || ' 版'", plan_cols,
     "plan_target", "plan_id", NULL, NULL},
};
#define NKINDS         (sizeof kinds / sizeof kinds[0])
#define KIND_HOUSEHOLD 0 /* kinds[0] */

/* json_array(x.a, x.b, ...) of the columns COLS, into B, spelt as DB's
 * driver builds the same JSON: with a kind's columns, its canonical form
 * (their names are in the table above, not in every seal). A form with a
 * column of rows (a review's items, a plan's targets) is one SELECT over
 * those rows, in which the object's own columns are constants: its
 * json_array takes the rows' json_group_array as the JSON it is. Given
 * the array from a subquery of its own, SQLite had to parse it again
 * (json(), a node for every value), which for a review of 95,000
 * households took its memory to 65.5 MB to build a form of 5.5 MB, and
 * 39.4 MB so (docs/performance.md, "A review result seals the whole
 * application"). The bytes are the same either way. A second column of
 * rows, which no kind has, would be embedded as before. */
static void canon_cols(ch_db *db, const struct seal_col *cols, ch_buf *b)
{
#define J(what, close) ch_db_json_sql(db, CH_DB_JSON_##what, close)
	const struct seal_col *rows = NULL;
	for (const struct seal_col *c = cols; c->name && !rows; c++)
		if (c->rows)
			rows = c;
	if (rows)
		ch_buf_puts(b, "(SELECT ");
	ch_buf_puts(b, J(ARRAY, 0));
	for (const struct seal_col *c = cols; c->name; c++) {
		ch_buf_puts(b, c == cols ? "" : ", ");
		if (c == rows)
			ch_buf_printf(b, "%s%s%s%s%s", J(GROUP_ARRAY, 0), J(INNER_ARRAY, 0),
			              c->expr, J(INNER_ARRAY, 1), J(GROUP_ARRAY, 1));
		else if (c->rows)
			ch_buf_printf(b, "%s(SELECT %s%s%s%s%s FROM %s i)%s", J(EMBED, 0),
			              J(GROUP_ARRAY, 0), J(INNER_ARRAY, 0), c->expr,
			              J(INNER_ARRAY, 1), J(GROUP_ARRAY, 1), c->rows, J(EMBED, 1));
		else if (c->expr)
			ch_buf_puts(b, c->expr);
		else
			ch_buf_printf(b, "x.%s", c->name);
	}
	ch_buf_puts(b, J(ARRAY, 1));
	if (rows)
		ch_buf_printf(b, " FROM %s i)", rows->rows);
#undef J
}

/* What a stage move sets (ch_seal_stage_writes): two columns of the
 * household's form, side by side in household_cols from stage_at(). */
static const struct seal_col stage_cols[] = {
    {"status", "状态", NULL, NULL},
    {"stage_day", "环节日期", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};
#define STAGE_N (sizeof stage_cols / sizeof stage_cols[0] - 1)

/* Where stage_cols lie in household_cols; -1 if they do not lie there side
 * by side (then every household is sealed from its whole row). */
static int stage_at(void)
{
	for (int i = 0; household_cols[i].name; i++)
		if (strcmp(household_cols[i].name, stage_cols[0].name) == 0)
			return household_cols[i + 1].name &&
			               strcmp(household_cols[i + 1].name, stage_cols[1].name) == 0
			           ? i
			           : -1;
	return -1;
}

/* The closing quote of the JSON string whose text starts at P (after its
 * opening quote), or NULL: the next quote not escaped by an odd number of
 * backslashes before it. strchr runs over the string's bytes many at a
 * time; a household's seal is mostly text. */
static const char *string_end(const char *p)
{
	for (const char *q = strchr(p, '"'); q; q = strchr(q + 1, '"')) {
		size_t bs = 0;
		while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			return q;
	}
	return NULL;
}

/* Into OUT: the JSON array SEALED (compact, as the drivers' json_array
 * write it) with its elements AT .. AT + N - 1 replaced by the elements
 * of the array PART, which has N of them. A form's values are strings,
 * numbers, null or arrays of them; a string's commas and brackets are
 * skipped. Returns 0, or -1 (OUT as it was) when SEALED has fewer than
 * AT + N elements or either is not such an array. */
static int splice_elements(const char *sealed, size_t at, size_t n, const char *part, ch_buf *out)
{
	size_t plen = strlen(part), e = 0;
	const char *from = at == 0 ? sealed + 1 : NULL, *to = NULL;
	int depth = 0;
	if (n == 0 || sealed[0] != '[' || plen < 2 || part[0] != '[' || part[plen - 1] != ']')
		return -1;
	for (const char *p = sealed + 1; *p && !to; p++) {
		char c = *p;
		if (c == '"') {
			if (!(p = string_end(p + 1)))
				return -1;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if (depth > 0 && (c == ']' || c == '}')) {
			depth--;
		} else if (depth == 0 && (c == ',' || c == ']')) {
			if (e == at + n - 1)
				to = p; /* the end of the last element replaced */
			else if (c == ']')
				break; /* too few elements */
			else if (++e == at)
				from = p + 1;
		}
	}
	if (!from || !to)
		return -1;
	ch_buf_put(out, sealed, (size_t)(from - sealed));
	ch_buf_put(out, part + 1, plen - 2);
	ch_buf_puts(out, to);
	return 0;
}

/* Which sealed table (2 * kind) or child table (2 * kind + 1) TABLE is; -1
 * for none. */
static int table_index(const char *table)
{
	for (size_t i = 0; i < NKINDS; i++) {
		if (strcmp(table, kinds[i].table) == 0)
			return (int)(2 * i);
		if (kinds[i].child_table && strcmp(table, kinds[i].child_table) == 0)
			return (int)(2 * i + 1);
	}
	return -1;
}

/* The change hook: remembers each changed row of a sealed table (a child
 * table's deletions are noted by a trigger, which can still read the row's
 * parent). A row next to the last one noted of the same table extends its
 * run, and a row inside it is there already: the rows of a set-wise insert
 * (ids one after another) take one note, not 16 bytes each (a million
 * households imported noted 16 MiB, and sorting them took as much again;
 * docs/performance.md, "Memory"). */
static void heard(void *arg, enum ch_db_change op, const char *table, int64_t rowid)
{
	ch_store *store = arg;
	int t = table_index(table);
	if (t < 0 || (t % 2 == 1 && op == CH_DB_DELETE))
		return;
	if (t == 2 * KIND_HOUSEHOLD && op == CH_DB_UPDATE && store->seal_unsealed)
		return;
	if (t == 2 * KIND_HOUSEHOLD && !(store->seal_stage && op == CH_DB_UPDATE))
		store->seal_hh_whole = 1;
	if (store->seal_n) {
		struct ch_seal_note *last = &store->seal_notes[store->seal_n - 1];
		int64_t end = last->rowid + last->more;
		if (last->table == t && rowid == end + 1 && last->more < UINT32_MAX) {
			last->more++;
			return;
		}
		if (last->table == t && rowid >= last->rowid && rowid <= end)
			return;
	}
	if (store->seal_n == store->seal_cap) {
		store->seal_cap = store->seal_cap ? 2 * store->seal_cap : 1024;
		store->seal_notes =
		    ch_reallocarray(store->seal_notes, store->seal_cap, sizeof *store->seal_notes);
	}
	store->seal_notes[store->seal_n++] = (struct ch_seal_note){t, 0, rowid};
}

void ch_seal_forget(ch_store *store)
{
	store->seal_n = 0;
	store->seal_hh_whole = 0;
}

void ch_seal_stage_writes(ch_ctx *ctx, int on)
{
	ctx->store->seal_stage = on;
}

void ch_seal_unsealed_writes(ch_ctx *ctx, int on)
{
	ctx->store->seal_unsealed = on;
}

int ch_seal_install(ch_store *store)
{
	ch_db_set_change_hook(store->db, heard, store);
	return 0;
}

int ch_seal_prepare(ch_store *store)
{
	int rc;
	if (store->seal_ready)
		return 0;
	/* the objects a transaction changed, by kind (the index in kinds[]);
	 * a temporary table, whose cache the driver keeps small (SQLite: 4 MiB,
	 * the rest in the temporary file; a million-row import notes about
	 * 16 MB). Made on the first write: a command that only reads spares
	 * the temporary database, its table and triggers (docs/performance.md,
	 * "A command that only reads") */
	rc = ch_db_temp_table(store->db, "seal_dirty",
	                      "kind INTEGER NOT NULL, object INTEGER NOT NULL,"
	                      " PRIMARY KEY (kind, object)");
	for (size_t i = 0; i < NKINDS && rc == 0; i++)
		if (kinds[i].child_table)
			rc = ch_db_note_deletes(store->db, kinds[i].child_table, kinds[i].child_key,
			                        "seal_dirty", (int)i);
	if (rc == 0)
		store->seal_ready = 1;
	return rc;
}

static int note_cmp(const void *a, const void *b)
{
	const struct ch_seal_note *x = a, *y = b;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

/* Rows of a sealed table noted by one INSERT into temp.seal_dirty. */
#define NOTES_PER_INSERT 64

/* Inserts the objects X[0..N) (rows of sealed tables, sorted, without
 * repeats) into temp.seal_dirty, N at most NOTES_PER_INSERT; *ST is the
 * statement for NOTES_PER_INSERT rows, prepared the first time. */
static int note_objects(ch_ctx *ctx, const struct ch_seal_note *x, size_t n, ch_stmt **st)
{
	ch_stmt *one = NULL, *use;
	int rc = 0;
	if (n == NOTES_PER_INSERT && !*st) {
		ch_buf b;
		ch_buf_init(&b);
		ch_buf_puts(&b, "INSERT INTO seal_dirty VALUES (?, ?)");
		for (size_t i = 1; i < NOTES_PER_INSERT; i++)
			ch_buf_puts(&b, ", (?, ?)");
		ch_buf_puts(&b, " ON CONFLICT DO NOTHING");
		rc = ch_db_prepare(ctx->db, st, b.ptr);
		ch_buf_dispose(&b);
		if (rc)
			return rc;
	}
	if (n == NOTES_PER_INSERT) {
		use = *st;
	} else {
		if ((rc = ch_db_prepare(ctx->db, &one,
		                        "INSERT INTO seal_dirty VALUES (?, ?)"
		                        " ON CONFLICT DO NOTHING")) != 0)
			return rc;
		use = one;
	}
	for (size_t done = 0; done < n && rc == 0; done += use == one ? 1 : n) {
		size_t k = use == one ? 1 : n;
		for (size_t i = 0; i < k && rc == 0; i++) {
			rc = ch_stmt_bind_int64(use, (int)(2 * i + 1), x[done + i].table / 2);
			if (rc == 0)
				rc = ch_stmt_bind_int64(use, (int)(2 * i + 2), x[done + i].rowid);
		}
		if (rc == 0) {
			rc = ch_stmt_step(use);
			rc = rc == CH_DB_DONE ? 0 : rc < 0 ? rc : 0;
		}
		ch_stmt_reset(use);
	}
	ch_stmt_finalize(one);
	return rc;
}

/* Moves the rows the change hook heard into temp.seal_dirty as objects:
 * the rows of sealed tables sorted and each once, NOTES_PER_INSERT to an
 * INSERT (a weekly batch of steps notes each household it changes, and
 * one INSERT each cost more than the rows themselves); a child table's
 * row as its parent. */
static int note_dirty(ch_ctx *ctx)
{
	ch_store *store = ctx->store;
	ch_stmt *many = NULL;
	struct ch_seal_note run[NOTES_PER_INSERT];
	ch_buf b;
	int rc = 0;
	size_t n = 0, k = 0;
	ch_buf_init(&b);
	/* the parents' runs, sorted by their first row, at the front */
	for (size_t i = 0; i < store->seal_n; i++)
		if (store->seal_notes[i].table % 2 == 0) {
			struct ch_seal_note t = store->seal_notes[i];
			store->seal_notes[i] = store->seal_notes[n];
			store->seal_notes[n++] = t;
		}
	if (n > 1)
		qsort(store->seal_notes, n, sizeof *store->seal_notes, note_cmp);
	/* each row of them once, in order, NOTES_PER_INSERT at a time: a run
	 * overlapping the one before starts after the rows that one had */
	int64_t next = 0; /* the first row of the last table not yet passed */
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct ch_seal_note *x = &store->seal_notes[i];
		int64_t from = x->rowid, to = x->rowid + x->more;
		if (i > 0 && x->table == store->seal_notes[i - 1].table && from < next)
			from = next;
		for (int64_t r = from; r <= to && rc == 0; r++) {
			run[k++] = (struct ch_seal_note){x->table, 0, r};
			if (k == NOTES_PER_INSERT) {
				rc = note_objects(ctx, run, k, &many);
				k = 0;
			}
		}
		if (i == 0 || x->table != store->seal_notes[i - 1].table || to + 1 > next)
			next = to + 1;
	}
	if (rc == 0 && k)
		rc = note_objects(ctx, run, k, &many);
	ch_stmt_finalize(many);
	for (size_t i = n; i < store->seal_n && rc == 0; i++) {
		const struct ch_seal_note *x = &store->seal_notes[i];
		const struct seal_kind *kd = &kinds[x->table / 2];
		ch_buf_clear(&b); /* a child row: its parent */
		ch_buf_printf(&b,
		              "INSERT INTO seal_dirty SELECT %d, %s FROM %s WHERE rowid = ?"
		              " ON CONFLICT DO NOTHING",
		              x->table / 2, kd->child_key, kd->child_table);
		for (int64_t r = x->rowid; r <= x->rowid + x->more && rc == 0; r++)
			rc = ch_db_run(ctx->db, b.ptr, "i", r);
	}
	ch_buf_dispose(&b);
	store->seal_n = 0;
	return rc < 0 ? rc : 0;
}

/* Sorts STORE's notes and joins those of one table that touch or overlap
 * into one run: rows changed in random order that together cover a range
 * (a re-import of every household) shrink to a few notes. */
static void compact_notes(ch_store *store)
{
	struct ch_seal_note *x = store->seal_notes;
	size_t n = 0;
	qsort(x, store->seal_n, sizeof *x, note_cmp);
	for (size_t i = 0; i < store->seal_n; i++) {
		if (n > 0 && x[i].table == x[n - 1].table &&
		    x[i].rowid <= x[n - 1].rowid + (int64_t)x[n - 1].more + 1) {
			int64_t end = x[i].rowid + x[i].more;
			int64_t more = end - x[n - 1].rowid;
			if (more > (int64_t)x[n - 1].more) {
				if (more >
				    (int64_t)UINT32_MAX) { /* a run as long as a note holds */
					x[n++] = x[i];
					continue;
				}
				x[n - 1].more = (uint32_t)more;
			}
			continue;
		}
		x[n++] = x[i];
	}
	store->seal_n = n;
}

int ch_seal_spill(ch_ctx *ctx)
{
	ch_store *store = ctx->store;
	if (store->seal_n < store->seal_spill)
		return 0;
	/* in memory while joining runs halves them at least; written to the
	 * temporary table otherwise (each of those writes costs more than
	 * the rows' notes, docs/performance.md, "Updating a register") */
	compact_notes(store);
	return store->seal_n >= store->seal_spill / 2 ? note_dirty(ctx) : 0;
}

void ch_seal_spill_limit(ch_ctx *ctx, size_t n)
{
	ctx->store->seal_spill = n;
}

/* Whole kinds' objects (verify) and an entry's seals are read READ_PAGE
 * rows at a time, in the order of their keys: PostgreSQL's driver takes a
 * statement's whole result from the server before its first row, which for
 * the households of a register of 1,000,000 held 680 MiB of the client's
 * memory (docs/performance.md, "verify a page at a time"). verify reads
 * one snapshot, so the pages are of one state. */
#define READ_PAGE 10000

/* The digest of the seals recorded with SEQ (kind, object and fields, in
 * the order of kind and object) into OUT, their number into *N. */
static int seals_digest(ch_db *db, int64_t seq, char out[CH_HASH_HEX_LEN + 1], int64_t *n)
{
	ch_stmt *st;
	ch_hash h;
	char *kind = ch_strdup(""); /* the last row's (a copy when it changes) */
	int64_t object = INT64_MIN, rows = READ_PAGE;
	*n = 0;
	ch_hash_init(&h);
	int rc = ch_db_preparef(db, &st,
	                        "SELECT kind, object, fields FROM seal WHERE seq = ?1"
	                        " AND (kind, object) > (?2, ?3) ORDER BY kind, object LIMIT ?4",
	                        "itii", seq, kind, object, (int64_t)READ_PAGE);
	while (rc == 0 && rows == READ_PAGE) {
		rows = 0;
		while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
			char num[24];
			const char *k = ch_stmt_text(st, 0);
			object = ch_stmt_int64(st, 1);
			if (strcmp(k, kind) != 0) {
				free(kind);
				kind = ch_strdup(k);
			}
			ch_audit_hash_field(&h, kind);
			ch_audit_hash_field(&h, ch_text_i64(num, object));
			ch_audit_hash_field(&h, ch_stmt_text(st, 2));
			rows++;
		}
		rc = rc == CH_DB_DONE ? 0 : rc;
		*n += rows;
		if (rc == 0 && rows == READ_PAGE && (rc = ch_stmt_reset(st)) == 0 &&
		    (rc = ch_stmt_bind_text(st, 2, kind)) == 0)
			rc = ch_stmt_bind_int64(st, 3, object);
	}
	ch_stmt_finalize(st);
	ch_hash_final(&h, out);
	free(kind);
	return rc;
}

/* The objects of one kind ch_seal_commit reads at a time (their new
 * state held in memory until they are written). */
#define SEAL_CHUNK 1024

/* The seals one commit writes, as it writes them: each goes to the seal
 * table through LOAD and into the digest H, in (kind, object) order. */
struct sealing {
	ch_db *db;
	ch_db_load *load;
	ch_hash h;
	char seq[24];
	int64_t n;
	int stage; /* the households' writes moved their stages alone */
};

/* The kinds in the order of their names: the order of the digest, and of
 * the rows written (verify reads an entry's seals by seal_seq, in this
 * order). */
static void kinds_by_name(size_t order[NKINDS])
{
	for (size_t i = 0; i < NKINDS; i++) {
		size_t j = i;
		for (; j > 0 && strcmp(kinds[order[j - 1]].kind, kinds[i].kind) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* The query that reads a chunk of kind K's changed objects: each object,
 * the form of COLS over its row (K's columns, or stage_cols) and its
 * newest seal, after the object bound third. */
static int chunk_query(ch_db *db, const struct seal_kind *k, const struct seal_col *cols,
                       ch_stmt **st)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "SELECT d.object, (SELECT ");
	canon_cols(db, cols, &b);
	ch_buf_printf(&b,
	              " FROM %s x WHERE x.%s = d.object), (SELECT s.fields FROM seal s"
	              " WHERE s.kind = ?1 AND s.object = d.object ORDER BY s.seq DESC LIMIT 1)"
	              " FROM seal_dirty d WHERE d.kind = ?2 AND d.object > ?3"
	              " ORDER BY d.object LIMIT %d",
	              k->table, k->key, SEAL_CHUNK);
	int rc = ch_db_prepare(db, st, b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

/* Reads with ST (chunk_query's) the changed objects of kind KINDS[I] after
 * *LAST, SEAL_CHUNK at most (*ROWS of them; *LAST the last): those whose
 * state differs from their newest seal, *N of them, into OBJECTS, with
 * their states in TEXT at AT. SPLICED >= 0: ST gives each household's
 * stage, and its state is its newest seal with the stage put in at element
 * SPLICED; *UNSEALED 1 (nothing kept) when a household has no seal or no
 * row to start from. */
static int read_chunk(size_t i, ch_stmt *st, int spliced, int64_t *last, int64_t *objects,
                      size_t *at, ch_buf *text, size_t *n, int *rows, int *unsealed)
{
	int rc = ch_stmt_bind_text_ref(st, 1, kinds[i].kind);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, 2, (int64_t)i);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, 3, *last);
	*n = 0;
	*rows = 0;
	*unsealed = 0;
	ch_buf_clear(text);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		rc = 0;
		(*rows)++;
		*last = ch_stmt_int64(st, 0);
		const char *fields = ch_stmt_text(st, 1), *sealed = ch_stmt_text(st, 2);
		size_t from = text->len;
		if (spliced >= 0) {
			if (!fields || !sealed ||
			    splice_elements(sealed, (size_t)spliced, STAGE_N, fields, text) != 0) {
				*unsealed = 1;
				*n = 0;
				break;
			}
			ch_buf_put(text, "", 1);
			if (strcmp(text->ptr + from, sealed) == 0) {
				text->len = from;
				continue; /* its seal has it */
			}
		} else {
			if (ch_stmt_is_null(st, 2) ? ch_stmt_is_null(st, 1)
			                           : fields && strcmp(fields, sealed) == 0)
				continue; /* its seal has it */
			if (fields)
				ch_buf_put(text, fields, strlen(fields) + 1);
		}
		objects[*n] = *last;
		at[*n] = fields ? from : SIZE_MAX;
		(*n)++;
	}
	if (rc == CH_DB_DONE)
		rc = 0;
	ch_stmt_reset(st);
	return rc;
}

/* Seals the objects of kind KINDS[I] noted in temp.seal_dirty whose state
 * differs from their newest seal (NULL: deleted; an import's unchanged rows
 * get a new import_id, nothing else, and are not sealed again), SEAL_CHUNK
 * objects a query. Each object's canonical form is built once, read beside
 * its newest seal and compared with it here (a comparison in SQL needed the
 * form twice, so the query took it from a subquery whose rows SQLite then
 * sorted again; both are scalar subqueries, since PostgreSQL joined the
 * table from its first row for every chunk: docs/performance.md, "The
 * seals compared in C"), and the seals written are neither kept
 * in a table first nor read back for the digest: after a large transaction
 * the pages of such a table are no longer in the page cache, and each pass
 * over them read or wrote a million rows again (docs/performance.md, "The
 * seals written as they are read"). A chunk is read whole before its seals
 * are written, so no query reads the seal table while it grows: PostgreSQL,
 * whose statistics may have seen the seals few (a database filled by
 * copying, then analyzed), scanned them in full for each object in a
 * statement that added to them (100,000 households imported: stopped after
 * 31 minutes). */
static int seal_kind(struct sealing *s, size_t i)
{
	const struct seal_kind *k = &kinds[i];
	int64_t objects[SEAL_CHUNK], last = INT64_MIN;
	size_t at[SEAL_CHUNK]; /* offset of the fields in text; SIZE_MAX: NULL */
	ch_stmt *st = NULL, *whole = NULL;
	ch_buf text;
	/* the households from their newest seals, when every write to them
	 * moved their stages alone (ch_seal_stage_writes) */
	int spliced = i == KIND_HOUSEHOLD && s->stage ? stage_at() : -1;
	int rc = chunk_query(s->db, k, spliced >= 0 ? stage_cols : k->cols, &st);

	ch_buf_init(&text);
	for (int rows = SEAL_CHUNK; rc == 0 && rows == SEAL_CHUNK;) {
		int64_t first = last;
		int unsealed = 0;
		size_t n = 0;
		rc = read_chunk(i, st, spliced, &last, objects, at, &text, &n, &rows, &unsealed);
		if (rc == 0 && unsealed) {
			/* a household with no seal to start from (or none left):
			 * this chunk again, from the rows */
			last = first;
			if (!whole)
				rc = chunk_query(s->db, k, k->cols, &whole);
			if (rc == 0)
				rc = read_chunk(i, whole, -1, &last, objects, at, &text, &n, &rows,
				                &unsealed);
		}
		for (size_t j = 0; j < n && rc == 0; j++) {
			char num[24];
			const char *fields = at[j] == SIZE_MAX ? NULL : text.ptr + at[j];
			const char *obj = ch_text_i64(num, objects[j]);
			const char *vals[4] = {k->kind, obj, s->seq, fields};
			ch_audit_hash_field(&s->h, k->kind);
			ch_audit_hash_field(&s->h, obj);
			ch_audit_hash_field(&s->h, fields);
			rc = ch_db_load_row(s->load, vals);
			s->n++;
		}
	}
	ch_stmt_finalize(st);
	ch_stmt_finalize(whole);
	ch_buf_dispose(&text);
	return rc;
}

/* The kind named NAME (one of this file's). */
static const struct seal_kind *kind_of(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].kind, name) == 0)
			return &kinds[i];
	return NULL;
}

/* *LEFT: whether any review application is still sealed whole. Nothing
 * writes a whole seal any more, so once none is left the connection does
 * not ask again. */
static int whole_review_left(ch_store *store, int *left)
{
	int64_t whole = 0;
	*left = 0;
	if (store->seal_no_whole_review)
		return 0;
	int rc = ch_db_query_int64(
	    store->db, &whole, "SELECT EXISTS (SELECT 1 FROM seal WHERE kind = 'review')", NULL);
	if (rc == 0 && !whole)
		store->seal_no_whole_review = 1;
	*left = whole != 0;
	return rc;
}

/* An application sealed whole (review_whole) that this transaction
 * changed, or one of whose items it changed, is sealed now under the
 * forms of now, with all of its items: noted in temp.seal_dirty, the
 * application with each changed item's, and then every item with each
 * such application. Once it has its own seal, REVIEW_WHOLE no longer
 * holds for it, and verify checks it and its items against their own. A
 * database with no whole seal (made at schema 29 or later) skips this:
 * the test would otherwise run for each item a commit wrote. Nothing
 * writes a whole seal any more, so the connection asks that once: asked
 * at every commit, it cost a single transfer about 3,000 instructions of
 * its 180,000 (docs/performance.md, "A review result seals its one
 * item"). */
static int note_review_whole(ch_store *store)
{
	ch_db *db = store->db;
	int whole = 0;
	int64_t app = kind_of("review_application") - kinds, item = kind_of("review_item") - kinds;
	int rc = whole_review_left(store, &whole);
	if (rc || !whole)
		return rc;
	rc = ch_db_run(
	    db,
	    "INSERT INTO seal_dirty SELECT DISTINCT ?1, i.application_id"
	    " FROM seal_dirty d JOIN review_item i ON i.id = d.object"
	    " WHERE d.kind = ?2 AND " REVIEW_WHOLE("i.application_id") " ON CONFLICT DO NOTHING",
	    "ii", app, item);
	if (rc == 0)
		rc = ch_db_run(
		    db,
		    "INSERT INTO seal_dirty SELECT ?2, i.id FROM seal_dirty d"
		    " JOIN review_item i ON i.application_id = d.object"
		    " WHERE d.kind = ?1 AND " REVIEW_WHOLE("d.object") " ON CONFLICT DO NOTHING",
		    "ii", app, item);
	return rc;
}

int ch_seal_commit(ch_ctx *ctx)
{
	int64_t baseline = 0, dirty = 0, head = 0;
	struct sealing s = {.db = ctx->db};
	char digest[CH_HASH_HEX_LEN + 1];
	int rc;
	ch_buf b;

	/* the end of a read snapshot on a connection that has not begun a
	 * write transaction, so has no table of changed objects
	 * (ch_seal_prepare): nothing to seal here; rows noted outside a
	 * transaction wait for the first write's commit */
	if (!ctx->store->seal_ready && ch_db_tx_serial(ctx->db) == 0)
		return 0;
	/* nothing sealed yet: a new database, or one made before sealing */
	rc = ch_db_query_int64(ctx->db, &baseline, "SELECT NOT EXISTS (SELECT 1 FROM seal)", NULL);
	if (rc)
		return rc;
	ch_buf_init(&b);
	if (baseline) { /* everything stored before sealing began */
		for (size_t i = 0; i < NKINDS && rc == 0; i++) {
			ch_buf_clear(&b);
			ch_buf_printf(&b,
			              "INSERT INTO seal_dirty SELECT %zu, %s FROM %s WHERE true"
			              " ON CONFLICT DO NOTHING",
			              i, kinds[i].key, kinds[i].table);
			rc = ch_db_run(ctx->db, b.ptr, NULL);
		}
	}
	ch_buf_dispose(&b);
	if (rc == 0)
		rc = note_dirty(ctx);
	if (rc == 0 && !baseline)
		rc = note_review_whole(ctx->store);
	if (rc == 0)
		rc = ch_db_query_int64(ctx->db, &dirty, "SELECT count(*) FROM seal_dirty", NULL);
	if (rc == 0 && dirty > 0) {
		static const char *const cols[] = {"kind", "object", "seq", "fields"};
		size_t order[NKINDS];
		kinds_by_name(order);
		rc = ch_audit_version(ctx, &head);
		snprintf(s.seq, sizeof s.seq, "%" PRId64, head + 1);
		ch_hash_init(&s.h);
		s.stage = !baseline && !ctx->store->seal_hh_whole;
		if (rc == 0)
			rc = ch_db_load_begin(ctx->db, "seal", cols, 4, &s.load);
		for (size_t i = 0; i < NKINDS && rc == 0; i++)
			rc = seal_kind(&s, order[i]);
		if (rc == 0) {
			rc = ch_db_load_end(s.load);
			s.load = NULL;
		}
		ch_db_load_cancel(s.load);
		ch_hash_final(&s.h, digest);
		if (rc == 0)
			rc = ch_db_run(ctx->db, "DELETE FROM seal_dirty", NULL);
	}
	if (rc == 0 && s.n > 0) {
		int64_t seq = 0;
		rc = ch_audit_append_json(ctx, "audit.seal", "seal",
		                          json_pack("{s:I, s:s, s:b}", "objects", (json_int_t)s.n,
		                                    "digest", digest, "baseline", (int)baseline));
		if (rc == 0 && (rc = ch_audit_version(ctx, &seq)) == 0 && seq != head + 1)
			rc = ch_error_set(CH_ERROR,
			                  "seal: expected audit entry %" PRId64 ", got %" PRId64,
			                  head + 1, seq);
	}
	if (rc == 0)
		rc = ch_audit_sign_head(ctx);
	ctx->store->seal_hh_whole = 0;
	return rc;
}

/* ---- checking ---- */

struct check {
	ch_ctx *ctx;
	ch_seal_problem_fn fn;
	void *arg;
	int64_t checked, problems;
	char first[768];
};

static int report(struct check *c, const struct seal_kind *k, const char *object, const char *field,
                  int64_t seq, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int report(struct check *c, const struct seal_kind *k, const char *object, const char *field,
                  int64_t seq, const char *fmt, ...)
{
	ch_seal_problem p = {.kind = k ? k->kind : "payment",
	                     .kind_label = k ? k->label : "付款",
	                     .field = field,
	                     .seq = seq};
	va_list ap;
	snprintf(p.object, sizeof p.object, "%s", object ? object : "?");
	va_start(ap, fmt);
	vsnprintf(p.message, sizeof p.message, fmt, ap);
	va_end(ap);
	if (c->problems++ == 0)
		snprintf(c->first, sizeof c->first, "%s", p.message);
	return c->fn ? c->fn(&p, c->arg) : 0;
}

/* The labels of the fields whose values differ between the JSON texts
 * RECORDED and CURRENT, joined by "、", into B; the first into *FIRST. */
static void diff_fields(const struct seal_kind *k, const char *recorded, const char *current,
                        ch_buf *b, const char **first)
{
	json_t *r = json_loads(recorded, JSON_DECODE_ANY, NULL);
	json_t *n = json_loads(current, JSON_DECODE_ANY, NULL);
	*first = NULL;
	for (const struct seal_col *c = k->cols; c->name; c++) {
		size_t i = (size_t)(c - k->cols);
		json_t *a = json_array_get(r, i), *v = json_array_get(n, i);
		if (json_equal(a, v) || (!a && !v))
			continue;
		ch_buf_printf(b, "%s「%s」", *first ? "、" : "", c->label);
		if (!*first)
			*first = c->label;
	}
	if (!*first) /* a field this version does not know: name the whole object */
		ch_buf_printf(b, "内容");
	json_decref(r);
	json_decref(n);
}

/* Checks the row ST stands on (its object's key, name, canonical form, and
 * newest seal's number and form) against that seal. */
static int check_row(struct check *c, const struct seal_kind *k, ch_stmt *st)
{
	const char *name = ch_stmt_text(st, 1), *cur = ch_stmt_text(st, 2);
	const char *rec = ch_stmt_text(st, 4);
	int64_t seq = ch_stmt_is_null(st, 3) ? 0 : ch_stmt_int64(st, 3);
	char id[32];
	snprintf(id, sizeof id, "#%" PRId64, ch_stmt_int64(st, 0));
	if (!name)
		name = id;
	c->checked++;
	if (seq == 0)
		return report(c, k, name, NULL, 0,
		              "%s %s 不见于审计记录：该行是在本程序之外写入数据库的", k->label,
		              name);
	if (!rec)
		return report(c, k, name, NULL, seq,
		              "%s %s 在审计记录（第 %" PRId64 " 条）中已删除，数据库里却仍有该行",
		              k->label, name, seq);
	if (cur && strcmp(cur, rec) == 0)
		return 0;
	ch_buf d;
	const char *first;
	ch_buf_init(&d);
	diff_fields(k, rec, cur, &d, &first);
	int rc = report(c, k, name, first, seq,
	                "%s %s 的%s与审计记录（第 %" PRId64
	                " 条记下的状态）不符：该行在本程序之外被修改",
	                k->label, name, d.ptr, seq);
	ch_buf_dispose(&d);
	return rc;
}

/* Checks the objects of kind K that FILTER (SQL over row x, with one '?'
 * bound to ARG; NULL: all of K's scope, and then the objects its seals
 * have and its table lost) selects against their newest seals. */
static int check_kind(struct check *c, const struct seal_kind *k, const char *filter, int64_t arg)
{
	ch_buf b;
	ch_stmt *st;
	int rc;
	const char *where = filter ? filter : k->scope;
	ch_buf_init(&b);
	ch_buf_printf(&b, "SELECT x.%s, %s, ", k->key, k->name_sql);
	canon_cols(c->ctx->db, k->cols, &b);
	ch_buf_printf(&b,
	              ", s.seq, s.fields FROM %s x LEFT JOIN seal s ON s.kind = '%s'"
	              " AND s.object = x.%s AND s.seq = (SELECT max(seq) FROM seal"
	              " WHERE kind = '%s' AND object = x.%s)",
	              k->table, k->kind, k->key, k->kind, k->key);
	if (filter)
		ch_buf_printf(&b, " WHERE %s ORDER BY x.%s", filter, k->key);
	else
		ch_buf_printf(&b, " WHERE %s%s%sx.%s > ? ORDER BY x.%s LIMIT %d", where ? "(" : "",
		              where ? where : "", where ? ") AND " : "", k->key, k->key, READ_PAGE);
	/* filtered: one statement; whole: a page after the last key read */
	int64_t last = INT64_MIN, rows = READ_PAGE;
	rc = ch_db_preparef(c->ctx->db, &st, b.ptr, "i", filter ? arg : last);
	while (rc == 0 && rows == READ_PAGE) {
		rows = 0;
		while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
			last = ch_stmt_int64(st, 0);
			rows++;
			rc = check_row(c, k, st);
		}
		if (rc == CH_DB_DONE)
			rc = 0;
		if (filter)
			break;
		if (rc == 0 && rows == READ_PAGE && (rc = ch_stmt_reset(st)) == 0)
			rc = ch_stmt_bind_int64(st, 1, last);
	}
	ch_stmt_finalize(st);
	if (rc || filter)
		goto done;
	/* objects the audit log has and the table lost */
	ch_buf_clear(&b);
	ch_buf_printf(&b,
	              "SELECT s.object, s.seq FROM seal s WHERE s.kind = ? AND s.fields IS NOT NULL"
	              " AND s.seq = (SELECT max(seq) FROM seal WHERE kind = s.kind"
	              " AND object = s.object) AND NOT EXISTS (SELECT 1 FROM %s x"
	              " WHERE x.%s = s.object)%s%s ORDER BY s.object",
	              k->table, k->key, k->lost_scope ? " AND " : "",
	              k->lost_scope ? k->lost_scope : "");
	rc = ch_db_preparef(c->ctx->db, &st, b.ptr, "t", k->kind);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		char id[32];
		snprintf(id, sizeof id, "#%" PRId64, ch_stmt_int64(st, 0));
		rc = report(c, k, id, NULL, ch_stmt_int64(st, 1),
		            "%s %s 在审计记录（第 %" PRId64
		            " 条）中存在，数据库里却没有了：该行被删除",
		            k->label, id, ch_stmt_int64(st, 1));
	}
	ch_stmt_finalize(st);
	if (rc == CH_DB_DONE)
		rc = 0;
done:
	ch_buf_dispose(&b);
	return rc;
}

/* Every audit.seal entry's digest against its seals; no seal without its
 * entry; one baseline at most. */
static int check_digests(struct check *c)
{
	ch_stmt *st;
	int64_t baselines = 0;
	int rc = ch_db_preparef(c->ctx->db, &st,
	                        "SELECT seq, after FROM audit_log WHERE action = 'audit.seal'"
	                        " ORDER BY seq",
	                        NULL);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t seq = ch_stmt_int64(st, 0), n = 0;
		json_t *j = json_loads(ch_stmt_text(st, 1) ? ch_stmt_text(st, 1) : "", 0, NULL);
		const char *want = json_string_value(json_object_get(j, "digest"));
		int64_t want_n = json_integer_value(json_object_get(j, "objects"));
		char digest[CH_HASH_HEX_LEN + 1];
		rc = seals_digest(c->ctx->db, seq, digest, &n);
		if (json_is_true(json_object_get(j, "baseline")))
			baselines++;
		if (rc == 0 && (!want || strcmp(want, digest) != 0 || n != want_n))
			rc = report(c, NULL, "seal", NULL, seq,
			            "审计记录第 %" PRId64 " 条封存的 %" PRId64
			            " 个对象的状态被改动（现有 %" PRId64 " 个，摘要不符）",
			            seq, want_n, n);
		json_decref(j);
	}
	ch_stmt_finalize(st);
	if (rc == CH_DB_DONE)
		rc = 0;
	if (rc == 0 && baselines > 1)
		rc = report(c, NULL, "seal", NULL, 0,
		            "审计记录中有 %" PRId64
		            " 次全量封存：首次之后的全量封存是有人重置了封存标记",
		            baselines);
	if (rc)
		return rc;
	rc = ch_db_preparef(c->ctx->db, &st,
	                    "SELECT s.seq, count(*) FROM seal s WHERE NOT EXISTS (SELECT 1"
	                    " FROM audit_log a WHERE a.seq = s.seq AND a.action = 'audit.seal')"
	                    " GROUP BY s.seq ORDER BY s.seq",
	                    NULL);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW)
		rc = report(c, NULL, "seal", NULL, ch_stmt_int64(st, 0),
		            "有 %" PRId64 " 个封存记录指向第 %" PRId64
		            " 条审计记录，但该条不是封存记录：封存被伪造",
		            ch_stmt_int64(st, 1), ch_stmt_int64(st, 0));
	ch_stmt_finalize(st);
	return rc == CH_DB_DONE ? 0 : rc;
}

/* Each payment of BATCH (0: all) against the transfer it came from and its
 * batch. */
static int check_payments(struct check *c, int64_t batch)
{
	ch_stmt *st;
	int rc = ch_db_preparef(
	    c->ctx->db, &st,
	    "SELECT p.id, p.batch_id, p.household_id, p.amount, t.id, t.kind, t.household_id,"
	    " (SELECT coalesce(sum(po.amount), 0) FROM posting po JOIN account a"
	    "  ON a.id = po.account_id WHERE po.transfer_id = p.transfer_id"
	    "  AND a.kind = 'transit' AND a.household_id = p.household_id),"
	    " b.id, b.county_id, h.county_id,"
	    " coalesce(r.code || '/' || h.hh_no, '?')"
	    " FROM payment p LEFT JOIN transfer t ON t.id = p.transfer_id"
	    " LEFT JOIN payment_batch b ON b.id = p.batch_id"
	    " LEFT JOIN household h ON h.id = p.household_id"
	    " LEFT JOIN region r ON r.id = h.county_id"
	    " WHERE ?1 = 0 OR p.batch_id = ?1 ORDER BY p.id",
	    "i", batch);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t id = ch_stmt_int64(st, 0), bid = ch_stmt_int64(st, 1);
		int64_t amount = ch_stmt_int64(st, 3), moved = ch_stmt_int64(st, 7);
		const char *kind = ch_stmt_text(st, 5), *hh = ch_stmt_text(st, 11);
		char name[200], a[40], m[40];
		snprintf(name, sizeof name, "#%" PRId64 "（第 %" PRId64 " 批，户 %s）", id, bid,
		         hh);
		rc = 0;
		if (ch_stmt_is_null(st, 4))
			rc = report(c, NULL, name, "资金转账", 0,
			            "付款 %s 没有对应的资金转账：账簿中无此笔发放", name);
		else if (!kind || strcmp(kind, "pay") != 0 ||
		         ch_stmt_int64(st, 6) != ch_stmt_int64(st, 2))
			rc = report(c, NULL, name, "农户", 0,
			            "付款 %s 与其资金转账 %" PRId64
			            " 不符：转账不是发给该户的补助发放",
			            name, ch_stmt_int64(st, 4));
		else if (amount != moved)
			rc = report(c, NULL, name, "金额", 0,
			            "付款 %s 的金额 %s 元与账簿中其转账 %" PRId64
			            " 发往银行的 %s 元不符",
			            name, ch_money_format(amount, a, sizeof a),
			            ch_stmt_int64(st, 4), ch_money_format(moved, m, sizeof m));
		else if (ch_stmt_is_null(st, 8) || ch_stmt_int64(st, 9) != ch_stmt_int64(st, 10))
			rc = report(c, NULL, name, "发放批次", 0,
			            "付款 %s 的发放批次不存在或不属于该户所在县市", name);
		c->checked++;
	}
	ch_stmt_finalize(st);
	return rc == CH_DB_DONE ? 0 : rc;
}

int ch_seal_started(ch_ctx *ctx, int *started)
{
	int64_t n = 0;
	int rc =
	    ch_db_query_int64(ctx->db, &n,
	                      "SELECT EXISTS (SELECT 1 FROM seal)"
	                      " OR EXISTS (SELECT 1 FROM audit_log WHERE action = 'audit.seal')",
	                      NULL);
	*started = n != 0;
	return rc;
}

int ch_seal_verify(ch_ctx *ctx, ch_seal_problem_fn fn, void *arg, int64_t *checked,
                   int64_t *problems)
{
	struct check c = {.ctx = ctx, .fn = fn, .arg = arg};
	int rc = ch_ctx_require_role(ctx, CH_PERM_AUDIT);
	*checked = *problems = 0;
	if (rc)
		return rc;
	int started = 0;
	rc = ch_seal_started(ctx, &started);
	if (rc == 0)
		rc = check_digests(&c);
	for (size_t i = 0; i < NKINDS && rc == 0 && started; i++)
		rc = check_kind(&c, &kinds[i], NULL, 0);
	if (rc == 0 && started)
		rc = check_kind(&c, &review_whole, NULL, 0);
	if (rc == 0)
		rc = check_payments(&c, 0);
	*checked = c.checked;
	*problems = c.problems;
	if (rc)
		return rc;
	if (c.problems)
		return ch_error_set(CH_EINVALID, "%s", c.first);
	return 0;
}

/* CH_ECONFLICT for the first problem C found, saying the bank file is not
 * written. */
static int refuse(struct check *c, const char *what)
{
	if (!c->problems)
		return 0;
	return ch_error_set(CH_ECONFLICT, "%s：%s%s", what, c->first,
	                    c->problems > 1 ? "（另有问题，见 cleanheat verify）" : "");
}

int ch_seal_check_batch(ch_ctx *ctx, int64_t batch)
{
	struct check c = {.ctx = ctx};
	int rc = check_payments(&c, batch);
	if (rc == 0)
		rc = check_kind(&c, kind_of("payment"), "x.batch_id = ?", batch);
	if (rc == 0)
		rc = check_kind(&c, kind_of("household"),
		                "x.id IN (SELECT household_id FROM payment WHERE batch_id = ?)",
		                batch);
	if (rc == 0)
		rc = check_kind(&c, kind_of("entitlement"),
		                "x.household_id IN (SELECT household_id FROM payment"
		                " WHERE batch_id = ?)",
		                batch);
	return rc ? rc : refuse(&c, "发放批次的数据与账簿和审计记录不符，拒绝写出银行发放文件");
}

int ch_seal_check_household(ch_ctx *ctx, int64_t id)
{
	struct check c = {.ctx = ctx};
	int rc = check_kind(&c, kind_of("household"), "x.id = ?", id);
	if (rc == 0)
		rc = check_kind(&c, kind_of("entitlement"), "x.household_id = ?", id);
	return rc ? rc : refuse(&c, "待发放农户的数据与账簿和审计记录不符，拒绝写出银行发放文件");
}

int ch_seal_check_review(ch_ctx *ctx, int64_t app)
{
	struct check c = {.ctx = ctx};
	int whole = 0;
	int rc = whole_review_left(ctx->store, &whole);
	if (rc == 0 && whole)
		rc = check_kind(&c, &review_whole, "x.id = ? AND " REVIEW_WHOLE("x.id"), app);
	return rc ? rc
	          : refuse(&c, "复核申请在升级前整份封存，这次写入将连同全部复核结果重新"
	                       "封存，须先与原封存一致，拒绝写入");
}
