/*
 * household — importing and reading the register (see household.h).
 *
 * The import in outline, in two halves so that the write lock is held only
 * while writing. ch_hh_import_begin begins a read snapshot; each
 * ch_hh_import_row normalises and checks the row (check_row) and keeps a
 * valid one in hh_stage (a township or village to be added is kept by
 * name, PENDING, for only the write half may add it; the places to add and
 * the list_key prefixes the rows need are noted in hh_place and
 * hh_prefix). ch_hh_import_finish ends the snapshot, takes the write
 * lock, makes sure that the acting user, rules and regions the rows were
 * checked against are as they were (else the import is stale and runs
 * again), adds a row to household_import and writes the kept rows
 * (write_half): adds the places (resolve_places), inserts in one statement
 * every row that is a new household conflicting with nothing (insert_new),
 * and passes the rest to store_row one by one, which checks again what
 * another writer may have changed: the stored households each row meets.
 * Conflicts with rows written earlier by the same import (one ID number or
 * 户编号 twice in the file) reject both rows: the earlier one is deleted, or
 * restored from hh_before if it had updated a stored household. A stored
 * household a row names, changed or not, is claimed for the import: its
 * row in hh_before keeps the claiming line, and write_claims gives every
 * claimed household the import and its line in one statement at the end.
 * Updates are audited at the end, from hh_before and the final rows,
 * so that an update undone by a later conflict leaves no audit entry.
 * A load at least as large as the register builds the register's
 * non-unique indexes after the set-wise insert (defer_indexes), and for
 * rows out of order (note_order) the unique one of ID numbers too, where
 * no row can conflict on it, inserting the rows in the order of county
 * and 户编号.
 * Each row stored carries its place in the list's order
 * (household.list_key); the search index (household_search) follows at
 * the end, in two statements, from the same two sources (household_int.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"
#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/household.h"
#include "core/household_int.h"
#include "core/idcard.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/seal_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"
#include "util/strmap.h"
#include "util/strv.h"
#include "util/text.h"

static const struct {
	const char *name, *key;
} hfields[CH_HF_COUNT] = {
    {"县市", "county"},
    {"乡镇", "township"},
    {"村", "village"},
    {"户编号", "hh_no"},
    {"户主姓名", "head_name"},
    {"身份证号", "id_number"},
    {"联系电话", "phone"},
    {"地址", "address"},
    {"取暖面积", "heated_area"},
    {"房屋结构", "structure"},
    {"原取暖方式", "original_heating"},
    {"改造方式", "technology"},
    {"节能改造措施", "measures"},
    {"节能改造面积", "es_area"},
    {"年度", "plan_year"},
    {"批次", "batch"},
    {"施工单位", "contractor"},
    {"总投资", "cost"},
    {"备注", "note"},
    {"收款账号", "bank_account"},
};

const char *ch_hfield_name(enum ch_hfield f)
{
	return f < CH_HF_COUNT ? hfields[f].name : "?";
}

const char *ch_hfield_key(enum ch_hfield f)
{
	return f < CH_HF_COUNT ? hfields[f].key : "?";
}

/* The stored columns, in the order of struct hh_vals. */
#define HH_NCOLS 20
#define HH_COLS                                                                                    \
	"county_id, township_id, village_id, hh_no, head_name, id_number, phone, address,"         \
	" heated_area_centi, structure, original_heating, technology, es_measures,"                \
	" es_area_centi, plan_year, batch, contractor, cost_fen, note, bank_account"
#define HH_COLS_AS(p)                                                                              \
	p "county_id, " p "township_id, " p "village_id, " p "hh_no, " p "head_name, " p           \
	  "id_number, " p "phone, " p "address, " p "heated_area_centi, " p "structure, " p        \
	  "original_heating, " p "technology, " p "es_measures, " p "es_area_centi, " p            \
	  "plan_year, " p "batch, " p "contractor, " p "cost_fen, " p "note, " p "bank_account"
/* The place ids (county, township, village) are the first three of
 * HH_COLS. */
#define HH_NPLACE 3
/* The columns an update of a stored household sets: bit I for column I of
 * HH_COLS (from HH_NPLACE on: the place ids, HH_UPD_PLACE, are st_move's),
 * HH_UPD_KEY for list_key. */
#define HH_UPD_PLACE ((UINT32_C(1) << HH_NPLACE) - 1)
#define HH_UPD_KEY   (UINT32_C(1) << HH_NCOLS)
#define HH_UPD_ALL   (((UINT32_C(1) << HH_NCOLS) - 1 - HH_UPD_PLACE) | HH_UPD_KEY)
#define HH_UPD_CACHE 16

static const char *const hh_col_names[HH_NCOLS] = {
    "county_id",   "township_id",      "village_id",
    "hh_no",       "head_name",        "id_number",
    "phone",       "address",          "heated_area_centi",
    "structure",   "original_heating", "technology",
    "es_measures", "es_area_centi",    "plan_year",
    "batch",       "contractor",       "cost_fen",
    "note",        "bank_account"};
/* Which of them are integers (for JSON). */
static const char hh_col_int[HH_NCOLS] = {1, 1, 1, 0, 0, 0, 0, 0, 1, 0,
                                          0, 0, 0, 1, 1, 0, 0, 1, 0, 0};

/* One checked row: its column values as text (NULL: SQL NULL), the
 * integer columns written in decimal into nums. */
struct hh_vals {
	const char *s[HH_NCOLS];
	char nums[HH_NCOLS][24];
};

/* hh_stage's columns: the line, the household's columns, the ID number
 * as written, the names of a township and a village still to be added. */
#define STAGE_NCOLS (HH_NCOLS + 4)
/* ... by name, for the bulk load that keeps them (ch_db_load_begin: on a
 * server one COPY for many rows, not a round trip per row). */
static const char *const stage_cols[STAGE_NCOLS] = {
    "line", "v0",  "v1",  "v2",  "v3",  "v4",     "v5",       "v6",
    "v7",   "v8",  "v9",  "v10", "v11", "v12",    "v13",      "v14",
    "v15",  "v16", "v17", "v18", "v19", "id_raw", "township", "village"};

struct ch_hh_import {
	ch_ctx *ctx;
	ch_hh_import_opts opts;
	char county_name[128]; /* of opts.county_id, for messages */
	char today[11];
	int64_t import_id;
	int64_t last_id; /* the largest household id before this import */
	int in_tx, finished;
	int writing;                   /* the write half has begun: places may be added */
	int stale;                     /* users, rules or regions changed between the halves */
	int64_t seen[3];               /* what the checks read against (fingerprint) */
	ch_db_load *stage;             /* keeps the checked rows in hh_stage */
	int staging;                   /* hh_stage made: empty it when done */
	ch_stmt *st_place, *st_triple; /* notes a place to add, a list_key prefix to find */
	ch_strmap *noted;              /* the places and prefixes noted so far */
	int64_t nnoted;                /* how many: the order of noting (seq) */
	int64_t last_triple[3];        /* the prefix noted last (rows come in runs) */
	unsigned char *done;           /* per line: stored by the set-wise insert */
	size_t kept;                   /* rows in hh_stage */
	/* the order of the kept rows (note_order), for defer_indexes */
	int keys_unsorted;   /* not in the order of (county, 户编号) */
	int ids_unsorted;    /* ID numbers not each above the last */
	int64_t prev_county; /* the last kept row's county, 户编号, ID */
	ch_buf prev_no;
	ch_buf fields_text; /* the normalised fields of the row being checked (check_row) */
	char prev_id[CH_ID_LEN + 1];
	int by_key;   /* insert_new sorts the rows by the key */
	int all_done; /* the set-wise insert stored every kept row */
	ch_reflist *tech, *measures;
	int64_t area_min, area_max, es_min, es_max, cost_min, cost_max;
	int64_t text_max[CH_HF_COUNT]; /* most characters of a text field, 0: none */
	ch_strmap *regions;  /* "c|NAME" → county id, "t|PARENT|NAME" → id (negative: denied) */
	ch_strmap *seen_ids; /* ID numbers of this import found twice → 1 */
	ch_strmap *seen_keys; /* "COUNTY|户编号" found twice → 1 */
	ch_stmt *st_find, *st_holder, *st_insert, *st_move, *st_save, *st_keep, *st_delete,
	    *st_restore, *st_was_update, *st_prefix;
	/* the updates made so far, one for each set of columns changed
	 * (update_stmt); the first sets them all */
	struct {
		uint32_t cols;
		ch_stmt *st;
	} upd[HH_UPD_CACHE];
	int nupd;
	size_t nclaims;       /* rows written to hh_before (save_claim) */
	ch_strmap *prefix_of; /* "COUNTY|TOWNSHIP|VILLAGE" ids → index in prefixes */
	ch_strv prefixes;     /* the start of each list_key (household_int.h) */
	ch_problems *problems;
	ch_hh_import_summary sum;
	char now[32];  /* the import's time, written as each household's updated_at */
	size_t denied; /* rows outside the actor's scope */
	ch_buf added;  /* regions added, one per line */
};

/* ---- problems ---- */

#define add_problem(imp, line, field, value, warning, ...)                                         \
	ch_problems_add((imp)->problems, line, field, (field) >= 0 ? ch_hfield_name(field) : NULL, \
	                value, warning, __VA_ARGS__)

void ch_hh_import_add_problem(ch_hh_import *imp, size_t line, int field, const char *value,
                              int warning, const char *reason)
{
	add_problem(imp, line, field, value, warning, "%s", reason);
}

size_t ch_hh_import_nproblems(const ch_hh_import *imp)
{
	return ch_problems_count(imp->problems);
}

const ch_hh_problem *ch_hh_import_problem(const ch_hh_import *imp, size_t i)
{
	return ch_problems_get(imp->problems, i);
}

const ch_problems *ch_hh_import_problems(const ch_hh_import *imp)
{
	return imp->problems;
}

ch_problems *ch_hh_import_take_problems(ch_hh_import *imp)
{
	ch_problems *p = imp->problems;
	imp->problems = ch_problems_new();
	return p;
}

int ch_hh_import_rejected(const ch_hh_import *imp, size_t line)
{
	return ch_problems_rejected(imp->problems, line);
}

/* ---- begin ---- */

static int update_stmt(ch_hh_import *imp, uint32_t *cols, ch_stmt **out);

static int prepare_all(ch_hh_import *imp)
{
	ch_db *db = imp->ctx->db;
	/* the households this import claims, with the line of the row that
	 * claims each (claim_line) and whether that row left it unchanged (a
	 * column, not a map in memory: a register of 1,000,000 sent again kept
	 * 80 MiB of such a map beside the page cache; docs/performance.md, "A
	 * register sent again"). A changed one is kept as it was before
	 * (st_save): to restore it if a later row rejects it, and to audit the
	 * change at the end. An unchanged one is kept by those three columns
	 * alone (st_keep): its row stays the household's own, and copying it
	 * was a third of the time of a register sent again unchanged. The
	 * claims are written to the register once every row is stored
	 * (write_claims); until then the two look-ups below read a
	 * household's import and line here */
	int rc = ch_db_exec_script(db, "CREATE TEMP TABLE IF NOT EXISTS hh_before AS"
	                               " SELECT *, CAST(NULL AS BIGINT) AS claim_line,"
	                               " CAST(NULL AS INTEGER) AS unchanged"
	                               " FROM household WHERE 1 = 0;"
	                               "CREATE UNIQUE INDEX IF NOT EXISTS hh_before_id"
	                               " ON hh_before(id);"
	                               "DELETE FROM hh_before;");
	if (rc == 0)
		rc = ch_db_prepare(
		    db, &imp->st_find,
		    "SELECT h.id, CASE WHEN c.id IS NULL THEN h.import_id ELSE ?3 END,"
		    " coalesce(c.claim_line, h.source_line), " HH_COLS_AS(
		        "h.") ","
		              " CASE WHEN h.withdrawn = 0 AND h.id_number = ?4 THEN 1 ELSE 0 END,"
		              " h.list_key FROM household h LEFT JOIN hh_before c ON c.id = h.id"
		              " WHERE h.county_id = ?1 AND h.hh_no = ?2");
	if (rc == 0)
		rc = ch_db_prepare(
		    db, &imp->st_holder,
		    "SELECT h.id, CASE WHEN c.id IS NULL THEN h.import_id ELSE ?2 END,"
		    " coalesce(c.claim_line, h.source_line), h.hh_no, r.name"
		    " FROM household h JOIN region r ON r.id = h.county_id"
		    " LEFT JOIN hh_before c ON c.id = h.id"
		    " WHERE h.id_number = ?1 AND h.withdrawn = 0");
	if (rc == 0)
		rc = ch_db_prepare(
		    db, &imp->st_insert,
		    "INSERT INTO household(" HH_COLS ", import_id, source_line,"
		    " updated_at, list_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		    " ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
	/* An update sets the columns the row changes that no foreign key
	 * constrains (update_stmt): SQLite writes a one-row UPDATE touching no
	 * foreign key without a statement journal. A household whose places
	 * changed is moved by a second statement (st_move); its claim for this
	 * import is the row hh_before keeps (st_save), written to the register
	 * at the end (write_claims). Written as one statement, every update
	 * wrote its changed pages to the statement journal, a file once any
	 * statement of the transaction had outgrown 64 KiB: a write call per
	 * page; the claims, written one UPDATE each, did the same for the
	 * household's page (docs/performance.md, "Updating a register"). */
	if (rc == 0) {
		uint32_t all = HH_UPD_ALL;
		ch_stmt *st;
		rc = update_stmt(imp, &all, &st);
	}
	if (rc == 0)
		rc = ch_db_prepare(
		    db, &imp->st_move,
		    "UPDATE household SET county_id = ?, township_id = ?, village_id = ?"
		    " WHERE id = ?");
	if (rc == 0)
		rc = ch_db_prepare(db, &imp->st_save,
		                   "INSERT INTO hh_before SELECT *, CAST(? AS BIGINT), 0"
		                   " FROM household WHERE id = ? ON CONFLICT DO NOTHING");
	if (rc == 0)
		rc = ch_db_prepare(db, &imp->st_keep,
		                   "INSERT INTO hh_before(id, claim_line, unchanged)"
		                   " VALUES (?, ?, 1) ON CONFLICT DO NOTHING");
	if (rc == 0)
		rc = ch_db_prepare(db, &imp->st_prefix, HH_LIST_PREFIX_SQL);
	if (rc == 0)
		rc = ch_db_prepare(db, &imp->st_delete, "DELETE FROM household WHERE id = ?");
	if (rc == 0)
		rc = ch_db_prepare(db, &imp->st_was_update,
		                   "SELECT count(*), coalesce(max(unchanged), 0) FROM hh_before"
		                   " WHERE id = ?");
	if (rc == 0)
		rc = ch_db_prepare(db, &imp->st_restore,
		                   "UPDATE household SET (" HH_COLS ", import_id, source_line,"
		                   " updated_at, list_key) = (SELECT " HH_COLS ", import_id,"
		                   " source_line, updated_at, list_key FROM hh_before b"
		                   " WHERE b.id = household.id)"
		                   " WHERE id = ?");
	return rc;
}

/* The free-text fields with a length in limits.csv (by their keys). */
static const int text_fields[] = {CH_HF_TOWNSHIP,   CH_HF_VILLAGE,   CH_HF_HEAD,
                                  CH_HF_ADDRESS,    CH_HF_STRUCTURE, CH_HF_ORIG_HEATING,
                                  CH_HF_CONTRACTOR, CH_HF_NOTE};

/* What the row checks depend on besides the households: the newest audit
 * entry (users, roles and rules are audited) and the regions. */
static int fingerprint(ch_hh_import *imp, int64_t out[3])
{
	ch_db *db = imp->ctx->db;
	int rc =
	    ch_db_query_int64(db, &out[0], "SELECT coalesce(max(seq), 0) FROM audit_log", NULL);
	if (rc == 0)
		rc = ch_db_query_int64(db, &out[1], "SELECT count(*) FROM region", NULL);
	if (rc == 0)
		rc =
		    ch_db_query_int64(db, &out[2], "SELECT coalesce(max(id), 0) FROM region", NULL);
	return rc;
}

/* Under the write lock: did anything the checks read change since? An
 * audit entry about the acting user, rules or reference data, or a region
 * added. Households, events, payments and other users written meanwhile do
 * not count: write_half checks the households again. */
static int check_fresh(ch_hh_import *imp)
{
	int64_t now[3], n = 0;
	int rc = fingerprint(imp, now);
	if (rc == 0 && now[0] != imp->seen[0])
		rc = ch_db_query_int64(imp->ctx->db, &n,
		                       "SELECT count(*) FROM audit_log WHERE seq > ? AND"
		                       " ((action LIKE 'user.%' AND object = 'user:' || ?)"
		                       " OR action LIKE 'rules.%' OR action LIKE 'reference.%'"
		                       " OR action LIKE 'region.%')",
		                       "it", imp->seen[0], imp->ctx->actor.name);
	if (rc)
		return rc;
	if (n || now[1] != imp->seen[1] || now[2] != imp->seen[2]) {
		imp->stale = 1;
		return ch_error_set(CH_ECONFLICT, "导入期间用户、规则或行政区划有变动，需重新检查");
	}
	return 0;
}

int ch_hh_import_begin(ch_ctx *ctx, const ch_hh_import_opts *opts, ch_hh_import **out)
{
	ch_hh_import *imp = ch_calloc(1, sizeof *imp);
	char now[32];
	int rc;

	*out = NULL;
	imp->ctx = ctx;
	imp->opts = *opts;
	imp->regions = ch_strmap_new();
	imp->seen_ids = ch_strmap_new();
	imp->seen_keys = ch_strmap_new();
	imp->problems = ch_problems_new();
	imp->prefix_of = ch_strmap_new();
	ch_strv_init(&imp->prefixes);
	ch_buf_init(&imp->added);
	ch_buf_init(&imp->prev_no);
	ch_buf_init(&imp->fields_text);
	ch_now_utc(now, sizeof now);
	memcpy(imp->now, now, sizeof imp->now);
	snprintf(imp->today, sizeof imp->today, "%.10s", opts->today ? opts->today : now);

	if ((rc = ch_ctx_require_role(ctx, CH_PERM_HOUSEHOLD_WRITE)) != 0)
		goto fail;
	/* the checked rows wait in a scratch table (ch_db_scratch_table): on
	 * disk, not in memory, and writing it takes no lock of the database.
	 * Made before the read transaction, so that a rollback does not take
	 * the tables away from under ch_hh_import_free (whose emptying them
	 * would then fail and replace the import's own error). Typed columns
	 * and the order of noting (seq) instead of a rowid, so that either
	 * dialect takes them; the columns v0 ... v19 take the household's
	 * columns in HH_COLS's order. */
	if ((rc = ch_db_scratch_table(
	         ctx->db, "hh_stage",
	         "line INTEGER PRIMARY KEY, v0 BIGINT, v1 BIGINT, v2 BIGINT, v3 TEXT, v4 TEXT,"
	         " v5 TEXT, v6 TEXT, v7 TEXT, v8 BIGINT, v9 TEXT, v10 TEXT, v11 TEXT, v12 TEXT,"
	         " v13 BIGINT, v14 BIGINT, v15 TEXT, v16 TEXT, v17 BIGINT, v18 TEXT, v19 TEXT,"
	         " id_raw TEXT, township TEXT, village TEXT")) != 0 ||
	    (rc = ch_db_scratch_table(ctx->db, "hh_place",
	                              "county BIGINT, township TEXT, village TEXT, seq BIGINT,"
	                              " tid BIGINT, vid BIGINT, PRIMARY KEY (county, township,"
	                              " village)")) != 0 ||
	    (rc = ch_db_scratch_table(ctx->db, "hh_prefix",
	                              "c BIGINT, t BIGINT, v BIGINT, seq BIGINT, prefix TEXT,"
	                              " PRIMARY KEY (c, t, v)")) != 0)
		goto fail;
	imp->staging = 1;
	/* one snapshot for every check; the write lock only when retrying */
	if ((rc = opts->check_under_lock ? ch_ctx_begin(ctx) : ch_ctx_begin_read(ctx)) != 0)
		goto fail;
	imp->in_tx = 1;
	if ((rc = fingerprint(imp, imp->seen)) != 0)
		goto fail;
	/* a --county outside the actor's scope (and not containing it) is refused
	 * outright; rows are checked one by one below */
	int64_t scope = ctx->actor.scope_region_id;
	if (opts->county_id && scope && !ch_region_within(ctx, opts->county_id, scope) &&
	    !ch_region_within(ctx, scope, opts->county_id)) {
		rc = ch_ctx_require(ctx, CH_PERM_HOUSEHOLD_WRITE, opts->county_id);
		goto fail;
	}
	if (opts->county_id) {
		ch_region c;
		if ((rc = ch_region_get(ctx, opts->county_id, &c)) != 0)
			goto fail;
		snprintf(imp->county_name, sizeof imp->county_name, "%s", c.name);
		ch_region_dispose(&c);
	}
	if ((rc = ch_reflist_load(ctx, "technology", &imp->tech)) != 0 ||
	    (rc = ch_reflist_load(ctx, "measure", &imp->measures)) != 0)
		goto fail;
	if ((rc = ch_ref_limit(ctx, "heated_area", &imp->area_min, &imp->area_max)) != 0 ||
	    (rc = ch_ref_limit(ctx, "es_area", &imp->es_min, &imp->es_max)) != 0 ||
	    (rc = ch_ref_limit(ctx, "cost", &imp->cost_min, &imp->cost_max)) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
		imp->text_max[text_fields[i]] = ch_ref_text_max(ctx, ch_hfield_key(text_fields[i]));
	rc = ch_db_load_begin(ctx->db, "hh_stage", stage_cols, STAGE_NCOLS, &imp->stage);
	if (rc == 0)
		rc = ch_db_prepare(ctx->db, &imp->st_place,
		                   "INSERT INTO hh_place(county, township, village, seq)"
		                   " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
	if (rc == 0)
		rc = ch_db_prepare(ctx->db, &imp->st_triple,
		                   "INSERT INTO hh_prefix(c, t, v, seq) VALUES (?, ?, ?, ?)"
		                   " ON CONFLICT DO NOTHING");
	imp->noted = ch_strmap_new();
	if (rc)
		goto fail;
	*out = imp;
	return 0;
fail:
	ch_hh_import_free(imp);
	return rc;
}

int ch_hh_import_stale(const ch_hh_import *imp)
{
	return imp && imp->stale;
}

/* ---- checking one row ---- */

struct hh_rec {
	int64_t county_id, township_id, village_id;
	/* normalised text, NULL when empty or absent; in the import's
	 * fields_text (check_row), or borrowed (write_kept) */
	char *v[CH_HF_COUNT];
	char id[CH_ID_LEN + 1];
	char phone[32];
	char bank[40];
	int64_t heated, es_area, cost; /* -1: none */
	const char *tech;
	char *measures; /* keys joined by '+' */
	int year;
	const char *batch;
};

static void rec_dispose(struct hh_rec *r)
{
	free(r->measures);
}

/* A key of a few numbers and texts joined by '|', put together without
 * snprintf (several a row of a million-row file): key_start, then
 * key_num and key_text in turn; the text is cut to the buffer as
 * snprintf would cut it, and always ends in a NUL. */
struct key {
	char *p, *end; /* end: the place of the last NUL */
	int any;
};

static void key_start(struct key *k, char *buf, size_t size)
{
	k->p = buf;
	k->end = buf + size - 1;
	k->any = 0;
	*k->p = '\0';
}

static void key_text(struct key *k, const char *s)
{
	size_t room = (size_t)(k->end - k->p);
	if (k->any++ && room) {
		*k->p++ = '|';
		room--;
	}
	size_t n = strlen(s);
	if (n > room)
		n = room;
	memcpy(k->p, s, n);
	k->p += n;
	*k->p = '\0';
}

static void key_num(struct key *k, int64_t v)
{
	char num[24];
	key_text(k, ch_text_i64(num, v));
}

/* Resolves a county by name or code (cached). Returns its id, 0 with a
 * problem recorded when unknown or obsolete. */
static int64_t county_of(ch_hh_import *imp, size_t line, const char *name)
{
	char key[300];
	int64_t id;
	ch_region r;
	struct key k;
	key_start(&k, key, sizeof key);
	key_text(&k, "c");
	key_text(&k, name);
	if (!ch_strmap_get(imp->regions, key, &id)) {
		int rc = ch_region_find(imp->ctx, name, CH_LEVEL_COUNTY, 0, &r);
		/* cached: the id, -1 unknown, -2 obsolete */
		id = rc ? -1 : r.obsolete ? -2 : r.id;
		if (rc == 0)
			ch_region_dispose(&r);
		ch_error_clear();
		ch_strmap_put(imp->regions, key, id);
	}
	if (id == -2 && ch_region_find(imp->ctx, name, CH_LEVEL_COUNTY, 0, &r) == 0) {
		add_problem(imp, line, CH_HF_COUNTY, name, 0, "「%s」（%s）已撤销：%s", name,
		            r.code, r.note ? r.note : "不再是本州的县（市）");
		ch_region_dispose(&r);
		return 0;
	}
	if (id < 0) {
		add_problem(imp, line, CH_HF_COUNTY, name, 0, "「%s」不是本州的县（市）", name);
		return 0;
	}
	return id;
}

/* 1 when PARENT had places under it before this import added any (cached
 * at its first sight, before the import adds to it). */
static int had_list(ch_hh_import *imp, int64_t parent)
{
	char key[40];
	int64_t had;
	struct key k;
	key_start(&k, key, sizeof key);
	key_text(&k, "n");
	key_num(&k, parent);
	if (!ch_strmap_get(imp->regions, key, &had)) {
		size_t n = 0;
		if (ch_region_closest_children(imp->ctx, parent, "", 0, &n, NULL, 0) != 0)
			ch_error_clear();
		had = n > 0;
		ch_strmap_put(imp->regions, key, had);
	}
	return (int)had;
}

/* A township or village that the write half will add (place_id). */
#define PENDING (-5)

/* Resolves a township (LEVEL 3) or village (4) named NAME under PARENT
 * (cached): its id, PENDING, or negative when the row may not use it.
 * A name not known there is added only while the parent has no list yet:
 * none loaded by region import and no places from earlier imports (the
 * first register of a county builds its list), or when the import was
 * asked to add new places; otherwise it is a problem naming the closest
 * known names, for a misspelling such as 样列镇02 must not create a
 * township and move households into it. Before the write half a place to
 * be added is PENDING: only the write half adds it, looking it up again. */
static int64_t place_id(ch_hh_import *imp, int64_t parent, int level, const char *name)
{
	char key[320];
	int64_t id;
	struct key k;
	key_start(&k, key, sizeof key);
	key_text(&k, level == CH_LEVEL_TOWNSHIP ? "t" : "v");
	key_num(&k, parent);
	key_text(&k, name);
	/* a place found to be added while checking is looked up again when
	 * writing: another import may have added it meanwhile */
	if (ch_strmap_get(imp->regions, key, &id) && !(id == PENDING && imp->writing))
		goto found;
	ch_region r, p;
	int rc = ch_region_find(imp->ctx, name, level, parent, &r);
	if (rc == 0) {
		id = r.id;
		ch_region_dispose(&r);
	} else if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		if ((rc = ch_region_get(imp->ctx, parent, &p)) != 0) {
			ch_error_clear();
			return -3;
		}
		if (p.children_loaded || (!imp->opts.new_places && had_list(imp, parent))) {
			id = -1;
		} else if (!imp->writing) {
			id = PENDING;
		} else {
			int added = 0;
			rc = ch_region_add_child(imp->ctx, parent, name, NULL, &id, &added);
			if (rc == 0 && added) {
				ch_buf_printf(&imp->added, "%s %s\n", p.name, name);
				if (level == CH_LEVEL_TOWNSHIP)
					imp->sum.townships_added++;
				else
					imp->sum.villages_added++;
			} else if (rc == CH_EDENIED) {
				id = -4;
			} else if (rc) {
				id = -2;
			}
			ch_error_clear();
		}
		ch_region_dispose(&p);
	} else {
		id = -3;
	}
	ch_strmap_put(imp->regions, key, id);
found:
	return id;
}

/* place_id, with a problem of row LINE recorded when NAME is no place the
 * row may use: returns the id, PENDING, or 0 with the problem recorded. */
static int64_t child_of(ch_hh_import *imp, size_t line, int64_t parent, int level, const char *name)
{
	int field = level == CH_LEVEL_TOWNSHIP ? CH_HF_TOWNSHIP : CH_HF_VILLAGE;
	int64_t id = place_id(imp, parent, level, name);
	if (id == PENDING)
		return PENDING;
	if (id == -1) {
		char near[512];
		size_t n = 0;
		if (ch_region_closest_children(imp->ctx, parent, name, 3, &n, near, sizeof near) !=
		    0)
			ch_error_clear();
		add_problem(imp, line, field, name, 0,
		            "「%s」不在已有的%s名单中%s%s%s（新的%s请先用 region import 补充，"
		            "或导入时允许新增地名）",
		            name, level == CH_LEVEL_TOWNSHIP ? "乡镇" : "村",
		            *near ? "，最接近的是" : "", near, *near ? "，是否写错" : "",
		            level == CH_LEVEL_TOWNSHIP ? "乡镇" : "村");
		return 0;
	}
	if (id == -4) {
		add_problem(imp, line, field, name, 0, "用户 %s 无权在此处新增%s「%s」",
		            imp->ctx->actor.name, level == CH_LEVEL_TOWNSHIP ? "乡镇" : "村", name);
		imp->denied++;
		return 0;
	}
	if (id < 0) {
		add_problem(imp, line, field, name, 0,
		            "「%s」无法加入行政区划（名称与已有区划冲突）", name);
		return 0;
	}
	return id;
}

/* 1 when the actor's scope holds COUNTY or lies within it (a township
 * operator's county: the township is checked row by row). */
static int county_in_scope(ch_hh_import *imp, int64_t county)
{
	char key[40];
	int64_t ok, scope = imp->ctx->actor.scope_region_id;
	if (!scope)
		return 1;
	struct key k;
	key_start(&k, key, sizeof key);
	key_text(&k, "cs");
	key_num(&k, county);
	if (!ch_strmap_get(imp->regions, key, &ok)) {
		ok = ch_region_within(imp->ctx, county, scope) ||
		     ch_region_within(imp->ctx, scope, county);
		ch_strmap_put(imp->regions, key, ok);
	}
	return (int)ok;
}

/* The actor may write households of REGION (cached per region). */
static int allowed(ch_hh_import *imp, int64_t region)
{
	char key[40];
	int64_t ok;
	struct key k;
	key_start(&k, key, sizeof key);
	key_text(&k, "p");
	key_num(&k, region);
	if (!ch_strmap_get(imp->regions, key, &ok)) {
		ok = ch_ctx_require(imp->ctx, CH_PERM_HOUSEHOLD_WRITE, region) == 0;
		ch_error_clear();
		ch_strmap_put(imp->regions, key, ok);
	}
	return (int)ok;
}

/* The actor may write households of TOWNSHIP (named NAME), else a problem
 * of row LINE. Returns 1 when allowed. */
static int township_allowed(ch_hh_import *imp, size_t line, int64_t township, const char *name)
{
	if (allowed(imp, township))
		return 1;
	add_problem(imp, line, CH_HF_TOWNSHIP, name, 0, "用户 %s 无权录入「%s」的农户",
	            imp->ctx->actor.name, name);
	imp->denied++;
	return 0;
}

static int check_area(ch_hh_import *imp, size_t line, int field, const char *s, int64_t lo,
                      int64_t hi, int64_t *out)
{
	*out = -1;
	if (!s)
		return 0;
	int64_t v;
	if (ch_text_parse_fixed(s, 2, &v) != CH_NUM_OK) {
		add_problem(imp, line, field, s, 0, "%s「%s」不是面积数值（平方米，最多两位小数）",
		            ch_hfield_name(field), s);
		return -1;
	}
	if (v < lo || v > hi) {
		add_problem(imp, line, field, s, 0,
		            "%s %s 平方米超出合理范围 %" PRId64 "–%" PRId64 " 平方米",
		            ch_hfield_name(field), s, lo / 100, hi / 100);
		return -1;
	}
	*out = v;
	return 0;
}

static const char *batch_of(const char *s)
{
	if (!s || strcmp(s, "新建") == 0 || strcmp(s, "新增") == 0 || strcmp(s, "本年") == 0 ||
	    strcmp(s, "new") == 0 || ch_str_contains(s, "年实施"))
		return "new";
	if (ch_str_contains(s, "续建") || strcmp(s, "continuing") == 0)
		return "continuing";
	return NULL;
}

static int split_measures(ch_hh_import *imp, size_t line, const char *s, char **out)
{
	static const char *const seps[] = {"、", "，", "；", ",", ";", "+", "/", " "};
	ch_buf b, keys;
	int bad = 0;
	*out = NULL;
	if (!s)
		return 0;
	/* turn every separator into '\n', then look each part up */
	ch_buf_init(&b);
	ch_buf_puts(&b, s);
	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
		char *p;
		size_t n = strlen(seps[i]);
		while ((p = strstr(b.ptr, seps[i])) != NULL) {
			*p = '\n';
			memmove(p + 1, p + n, strlen(p + n) + 1);
		}
	}
	ch_buf_init(&keys);
	char *save = NULL;
	for (char *part = strtok_r(b.ptr, "\n", &save); part; part = strtok_r(NULL, "\n", &save)) {
		const char *k = ch_reflist_find(imp->measures, part);
		if (!k) {
			char *names = ch_reflist_names(imp->measures);
			add_problem(imp, line, CH_HF_MEASURES, s, 0,
			            "节能改造措施「%s」不在名单中（%s）", part, names);
			free(names);
			bad = 1;
			break;
		}
		/* keep each measure once, in the order given */
		char probe[64];
		snprintf(probe, sizeof probe, "+%s+", k);
		char *have = ch_malloc(keys.len + 3);
		snprintf(have, keys.len + 3, "+%s+", keys.ptr);
		if (!strstr(have, probe))
			ch_buf_printf(&keys, "%s%s", keys.len ? "+" : "", k);
		free(have);
	}
	ch_buf_dispose(&b);
	if (bad || keys.len == 0) {
		ch_buf_dispose(&keys);
		return bad ? -1 : 0;
	}
	*out = ch_buf_detach(&keys);
	return 0;
}

/* Normalises and checks every field of a row into *R; returns 0 when the
 * row is valid (problems recorded otherwise). */
static int check_row(ch_hh_import *imp, size_t line, const char *const *fields, struct hh_rec *r)
{
	static const int required[] = {CH_HF_TOWNSHIP, CH_HF_HH_NO, CH_HF_HEAD,
	                               CH_HF_ID,       CH_HF_TECH,  CH_HF_YEAR};
	size_t before = ch_problems_nrejected(imp->problems);
	char **v = r->v;

	memset(r, 0, sizeof *r);
	/* the fields normalised into one buffer of the import, not one
	 * allocation each (twenty a row of a million-row file): the row's
	 * texts live until the next row is checked */
	size_t at[CH_HF_COUNT];
	ch_buf_clear(&imp->fields_text);
	for (int f = 0; f < CH_HF_COUNT; f++)
		at[f] = fields[f] ? ch_text_normalize_to(&imp->fields_text, fields[f]) : SIZE_MAX;
	for (int f = 0; f < CH_HF_COUNT; f++)
		if (at[f] != SIZE_MAX && imp->fields_text.ptr[at[f]])
			v[f] = imp->fields_text.ptr + at[f];
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!v[required[i]])
			add_problem(imp, line, required[i], NULL, 0, "缺少%s",
			            ch_hfield_name(required[i]));
	/* lengths: a text over its limit is not looked at further */
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		int f = text_fields[i];
		char why[256];
		if (ch_ref_text_over(ch_hfield_name(f), v[f], imp->text_max[f], why, sizeof why)) {
			char *start = ch_ref_text_start(v[f]);
			add_problem(imp, line, f, start, 0, "%s", why);
			free(start);
			v[f] = NULL;
		}
	}
	/* regions */
	if (v[CH_HF_COUNTY]) {
		r->county_id = county_of(imp, line, v[CH_HF_COUNTY]);
		if (r->county_id && imp->opts.county_id && r->county_id != imp->opts.county_id) {
			add_problem(imp, line, CH_HF_COUNTY, v[CH_HF_COUNTY], 0,
			            "与导入时指定的县市「%s」不符", imp->county_name);
			r->county_id = 0;
		} else if (r->county_id && !county_in_scope(imp, r->county_id)) {
			/* named once for the county, not as a township it may not add */
			add_problem(imp, line, CH_HF_COUNTY, v[CH_HF_COUNTY], 0,
			            "不在用户 %s 的管辖范围（%s）内", imp->ctx->actor.name,
			            imp->ctx->actor.scope_name ? imp->ctx->actor.scope_name : "");
			imp->denied++;
			r->county_id = 0;
		}
	} else if (imp->opts.county_id) {
		r->county_id = imp->opts.county_id;
	} else {
		add_problem(imp, line, CH_HF_COUNTY, NULL, 0, "缺少县市（或在导入时指定）");
	}
	if (r->county_id && v[CH_HF_TOWNSHIP])
		r->township_id =
		    child_of(imp, line, r->county_id, CH_LEVEL_TOWNSHIP, v[CH_HF_TOWNSHIP]);
	if (r->township_id == PENDING)
		r->village_id = v[CH_HF_VILLAGE] ? PENDING : 0;
	else if (r->township_id && v[CH_HF_VILLAGE])
		r->village_id =
		    child_of(imp, line, r->township_id, CH_LEVEL_VILLAGE, v[CH_HF_VILLAGE]);
	if (r->township_id > 0)
		township_allowed(imp, line, r->township_id, v[CH_HF_TOWNSHIP]);
	/* identity */
	if (v[CH_HF_HH_NO] && strlen(v[CH_HF_HH_NO]) > 64)
		add_problem(imp, line, CH_HF_HH_NO, v[CH_HF_HH_NO], 0,
		            "户编号过长（最多 64 个字符）");
	/* text a spreadsheet would run: kept as text, and said */
	static const int texts[] = {CH_HF_HEAD, CH_HF_ADDRESS, CH_HF_CONTRACTOR, CH_HF_NOTE};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (v[texts[i]] && ch_text_formula_like(v[texts[i]]))
			add_problem(imp, line, texts[i], v[texts[i]], 1,
			            "以 = + - @ 开头，电子表格会当作公式；已按文字保存，导出时加 ' "
			            "作为文字");
	if (v[CH_HF_ID] && ch_idcard_normalize(v[CH_HF_ID], imp->today, r->id) != 0)
		add_problem(imp, line, CH_HF_ID, v[CH_HF_ID], 0, "%s", ch_error_message());
	if (v[CH_HF_BANK]) {
		/* a bank card or 惠农一卡通 account: 12-25 digits, spaces and dashes ignored */
		size_t n = 0;
		int bad = 0;
		for (const char *p = v[CH_HF_BANK]; *p && !bad; p++) {
			if (*p >= '0' && *p <= '9' && n + 1 < sizeof r->bank)
				r->bank[n++] = *p;
			else if (*p != ' ' && *p != '-')
				bad = 1;
		}
		r->bank[n] = '\0';
		if (bad || n < 12 || n > 25) {
			add_problem(imp, line, CH_HF_BANK, v[CH_HF_BANK], 0,
			            "收款账号「%s」应为 12-25 位数字（银行卡或惠农一卡通）",
			            v[CH_HF_BANK]);
			r->bank[0] = '\0';
		}
	}
	if (v[CH_HF_PHONE] && ch_phone_normalize(v[CH_HF_PHONE], r->phone, sizeof r->phone) != 0)
		add_problem(imp, line, CH_HF_PHONE, v[CH_HF_PHONE], 0, "%s", ch_error_message());
	/* figures */
	check_area(imp, line, CH_HF_HEATED_AREA, v[CH_HF_HEATED_AREA], imp->area_min, imp->area_max,
	           &r->heated);
	check_area(imp, line, CH_HF_ES_AREA, v[CH_HF_ES_AREA], imp->es_min, imp->es_max,
	           &r->es_area);
	r->cost = -1;
	if (v[CH_HF_COST]) {
		int64_t fen;
		int ok = imp->opts.cost_in_10k
		             ? ch_text_parse_fixed(v[CH_HF_COST], 6, &fen) == CH_NUM_OK
		             : ch_money_parse(v[CH_HF_COST], &fen) == 0;
		if (!ok || fen < 0)
			add_problem(imp, line, CH_HF_COST, v[CH_HF_COST], 0, "总投资「%s」不是金额",
			            v[CH_HF_COST]);
		else if (fen < imp->cost_min || fen > imp->cost_max)
			add_problem(imp, line, CH_HF_COST, v[CH_HF_COST], 0,
			            "总投资 %s 超出合理范围 %" PRId64 "–%" PRId64
			            " 元（单位是否为万元？）",
			            v[CH_HF_COST], imp->cost_min / 100, imp->cost_max / 100);
		else
			r->cost = fen;
	}
	/* lists */
	if (v[CH_HF_TECH] && !(r->tech = ch_reflist_find(imp->tech, v[CH_HF_TECH]))) {
		char *names = ch_reflist_names(imp->tech);
		add_problem(imp, line, CH_HF_TECH, v[CH_HF_TECH], 0,
		            "改造方式「%s」不在名单中（%s）", v[CH_HF_TECH], names);
		free(names);
	}
	split_measures(imp, line, v[CH_HF_MEASURES], &r->measures);
	if (v[CH_HF_YEAR]) {
		int64_t y;
		char *t = ch_strdup(v[CH_HF_YEAR]);
		char *nian = strstr(t, "年");
		if (nian && strcmp(nian, "年") == 0)
			*nian = '\0';
		if (ch_text_parse_count(t, &y) != CH_NUM_OK || y < 2000 || y > 2100)
			add_problem(imp, line, CH_HF_YEAR, v[CH_HF_YEAR], 0, "年度「%s」不是年份",
			            v[CH_HF_YEAR]);
		else
			r->year = (int)y;
		free(t);
	}
	if (!(r->batch = batch_of(v[CH_HF_BATCH])))
		add_problem(imp, line, CH_HF_BATCH, v[CH_HF_BATCH], 0, "批次「%s」应为新建或续建",
		            v[CH_HF_BATCH]);
	return ch_problems_nrejected(imp->problems) > before || ch_hh_import_rejected(imp, line)
	           ? -1
	           : 0;
}

/* ---- writing one row ---- */

static void set_int(struct hh_vals *hv, int i, int64_t v, int null_if_negative)
{
	if (null_if_negative && v < 0) {
		hv->s[i] = NULL;
		return;
	}
	/* in decimal, without snprintf (several per row of a million-row file) */
	hv->s[i] = ch_text_i64(hv->nums[i], v);
}

static void rec_values(const struct hh_rec *r, struct hh_vals *hv)
{
	const char *const *v = (const char *const *)r->v;
	memset(hv, 0, sizeof *hv);
	set_int(hv, 0, r->county_id, 0);
	set_int(hv, 1, r->township_id, 0);
	set_int(hv, 2, r->village_id ? r->village_id : -1, 1);
	hv->s[3] = v[CH_HF_HH_NO];
	hv->s[4] = v[CH_HF_HEAD];
	hv->s[5] = r->id;
	hv->s[6] = r->phone[0] ? r->phone : NULL;
	hv->s[7] = v[CH_HF_ADDRESS];
	set_int(hv, 8, r->heated, 1);
	hv->s[9] = v[CH_HF_STRUCTURE];
	hv->s[10] = v[CH_HF_ORIG_HEATING];
	hv->s[11] = r->tech;
	hv->s[12] = r->measures;
	set_int(hv, 13, r->es_area, 1);
	set_int(hv, 14, r->year, 0);
	hv->s[15] = r->batch;
	hv->s[16] = v[CH_HF_CONTRACTOR];
	set_int(hv, 17, r->cost, 1);
	hv->s[18] = v[CH_HF_NOTE];
	hv->s[19] = r->bank[0] ? r->bank : NULL;
}

/* The list_key of R (household_int.h) into B; the start of it is looked
 * up once for each county, township and village. */
static int list_key(ch_hh_import *imp, const struct hh_rec *r, ch_buf *b)
{
	char key[80];
	int64_t i;
	struct key k;
	key_start(&k, key, sizeof key);
	key_num(&k, r->county_id);
	key_num(&k, r->township_id);
	key_num(&k, r->village_id);
	if (!ch_strmap_get(imp->prefix_of, key, &i)) {
		ch_stmt *st = imp->st_prefix;
		int rc = ch_stmt_bind_int64(st, 1, r->county_id);
		if (rc == 0)
			rc = ch_stmt_bind_int64(st, 2, r->township_id);
		if (rc == 0)
			rc = r->village_id ? ch_stmt_bind_int64(st, 3, r->village_id)
			                   : ch_stmt_bind_null(st, 3);
		if (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
			ch_strv_push(&imp->prefixes, ch_stmt_text(st, 0));
			rc = 0;
		} else if (rc == CH_DB_DONE) {
			rc = ch_error_set(CH_ERROR, "no region %s", key);
		}
		ch_stmt_reset(st);
		if (rc)
			return rc;
		i = (int64_t)imp->prefixes.len - 1;
		ch_strmap_put(imp->prefix_of, key, i);
	}
	ch_buf_clear(b);
	ch_buf_puts(b, imp->prefixes.items[i]);
	ch_buf_puts(b, r->v[CH_HF_HH_NO]);
	ch_buf_puts(b, HH_LIST_SEP);
	return 0;
}

static int bind_values(ch_hh_import *imp, ch_stmt *st, const struct hh_vals *hv, size_t line,
                       const char *key)
{
	int rc = 0;
	for (int i = 0; i < HH_NCOLS && rc == 0; i++)
		rc = ch_stmt_bind_text(st, i + 1, hv->s[i]);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, HH_NCOLS + 1, imp->import_id);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, HH_NCOLS + 2, (int64_t)line);
	if (rc == 0)
		rc = ch_stmt_bind_text(st, HH_NCOLS + 3, imp->now);
	if (rc == 0)
		rc = ch_stmt_bind_text(st, HH_NCOLS + 4, key);
	return rc;
}

/* Runs ST (bound) to completion and resets it. */
static int run_stmt(ch_stmt *st)
{
	int rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW)
		;
	ch_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

/* The update that sets the columns COLS (HH_UPD_*) of a household, its
 * updated_at, and list_key when COLS has HH_UPD_KEY; its parameters are
 * those values in that order, then the household's id. SQLite rewrites an
 * index entry for each index on a column an UPDATE sets, changed or not:
 * one statement for every column wrote all seven of the register's
 * indexes for a row that changed a phone (docs/performance.md, "An update
 * sets the columns it changes"). The statements are kept for the import,
 * one per set of columns, up to HH_UPD_CACHE; past that an update sets
 * every column (the first kept, HH_UPD_ALL). Stores the statement in *OUT
 * and changes *COLS to the columns it sets. */
static int update_stmt(ch_hh_import *imp, uint32_t *cols, ch_stmt **out)
{
	if (imp->nupd == HH_UPD_CACHE)
		*cols = HH_UPD_ALL;
	for (int i = 0; i < imp->nupd; i++)
		if (imp->upd[i].cols == *cols) {
			*out = imp->upd[i].st;
			return 0;
		}
	ch_buf sql;
	ch_buf_init(&sql);
	ch_buf_puts(&sql, "UPDATE household SET ");
	for (int i = 0; i < HH_NCOLS; i++)
		if (*cols & (UINT32_C(1) << i))
			ch_buf_printf(&sql, "%s = ?, ", hh_col_names[i]);
	ch_buf_puts(&sql, (*cols & HH_UPD_KEY) ? "updated_at = ?, list_key = ? WHERE id = ?"
	                                       : "updated_at = ? WHERE id = ?");
	int rc = ch_db_prepare(imp->ctx->db, &imp->upd[imp->nupd].st, sql.ptr);
	ch_buf_dispose(&sql);
	if (rc)
		return rc;
	imp->upd[imp->nupd].cols = *cols;
	*out = imp->upd[imp->nupd++].st;
	return 0;
}

/* Sets the columns COLS (HH_UPD_*) of household ID to HV's values, its
 * updated_at to the import's time, and its list_key to KEY. */
static int update_row(ch_hh_import *imp, uint32_t cols, const struct hh_vals *hv, const char *key,
                      int64_t id)
{
	ch_stmt *st = NULL;
	int rc = update_stmt(imp, &cols, &st);
	int k = 1;
	for (int i = HH_NPLACE; i < HH_NCOLS && rc == 0; i++)
		if (cols & (UINT32_C(1) << i))
			rc = ch_stmt_bind_text(st, k++, hv->s[i]);
	if (rc == 0)
		rc = ch_stmt_bind_text(st, k++, imp->now);
	if (rc == 0 && (cols & HH_UPD_KEY))
		rc = ch_stmt_bind_text(st, k++, key);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, k, id);
	return rc ? rc : run_stmt(st);
}

/* The columns of HV (bit I for column I of HH_COLS) that differ from ST's
 * from FIRST_COL on. */
static uint32_t changed_cols(ch_stmt *st, int first_col, const struct hh_vals *hv)
{
	uint32_t cols = 0;
	for (int i = 0; i < HH_NCOLS; i++) {
		const char *a = ch_stmt_text(st, first_col + i), *b = hv->s[i];
		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
			cols |= UINT32_C(1) << i;
	}
	return cols;
}

/* Claims stored household ID for this import at LINE in hh_before: as
 * it was, or by its id alone when the row leaves it UNCHANGED (see
 * prepare_all). */
static int save_claim(ch_hh_import *imp, int64_t id, size_t line, int unchanged)
{
	ch_stmt *st = unchanged ? imp->st_keep : imp->st_save;
	int rc = ch_stmt_bind_int64(st, unchanged ? 2 : 1, (int64_t)line);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, unchanged ? 1 : 2, id);
	if (rc == 0)
		rc = run_stmt(st);
	/* each row's look-ups read hh_before by its key: at 1,024 claims and
	 * each doubling after, its statistics are brought up to date, which
	 * PostgreSQL needs to plan them so (ch_db_table_grew) */
	size_t n = ++imp->nclaims;
	if (rc == 0 && n >= 1024 && (n & (n - 1)) == 0)
		rc = ch_db_table_grew(imp->ctx->db, "hh_before");
	return rc;
}

/* Moves household ID to the places of HV (its claim, which gives it the
 * import, is in hh_before already). */
static int move(ch_hh_import *imp, int64_t id, const struct hh_vals *hv)
{
	int rc = 0;
	ch_stmt *st = imp->st_move;
	int k = 1;
	for (int i = 0; i < HH_NPLACE && rc == 0; i++)
		rc = ch_stmt_bind_text(st, k++, hv->s[i]);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, k, id);
	return rc ? rc : run_stmt(st);
}

/* Undoes what this import wrote for household ID (an earlier row of the
 * same file): restores it if it was an update, deletes it if new; a claim
 * that changed nothing has nothing to restore. */
static int undo_earlier(ch_hh_import *imp, int64_t id)
{
	int64_t was_update = 0, unchanged = 0;
	int rc = ch_stmt_bind_int64(imp->st_was_update, 1, id);
	if (rc == 0 && (rc = ch_stmt_step(imp->st_was_update)) == CH_DB_ROW) {
		was_update = ch_stmt_int64(imp->st_was_update, 0);
		unchanged = ch_stmt_int64(imp->st_was_update, 1);
		rc = 0;
	}
	ch_stmt_reset(imp->st_was_update);
	if (rc < 0)
		return rc;
	ch_stmt *st = NULL;
	if (!was_update)
		st = imp->st_delete;
	else if (!unchanged)
		st = imp->st_restore;
	if (st && ((rc = ch_stmt_bind_int64(st, 1, id)) != 0 || (rc = run_stmt(st)) != 0))
		return rc;
	if (was_update) {
		if (unchanged)
			imp->sum.unchanged--;
		else
			imp->sum.updated--;
		return ch_db_run(imp->ctx->db, "DELETE FROM hh_before WHERE id = ?", "i", id);
	}
	imp->sum.inserted--;
	return 0;
}

/* Rejects row LINE and the earlier row EARLIER_LINE (household EARLIER_ID)
 * of this file that share VALUE in FIELD. */
static int reject_pair(ch_hh_import *imp, size_t line, size_t earlier_line, int64_t earlier_id,
                       int field, const char *value)
{
	int rc = 0;
	if (!ch_hh_import_rejected(imp, earlier_line)) {
		rc = undo_earlier(imp, earlier_id);
		add_problem(imp, earlier_line, field, value, 0, "%s与第%zu行重复（两行均未导入）",
		            ch_hfield_name(field), line);
	}
	add_problem(imp, line, field, value, 0, "%s与第%zu行重复（两行均未导入）",
	            ch_hfield_name(field), earlier_line);
	return rc;
}

/* Who else holds ID (active)? Fills *HOLDER (0: nobody). */
static int find_holder(ch_hh_import *imp, const char *id, int64_t *holder, int64_t *holder_import,
                       size_t *holder_line, char *where, size_t wsz)
{
	int rc = ch_stmt_bind_text(imp->st_holder, 1, id);
	if (rc == 0)
		rc = ch_stmt_bind_int64(imp->st_holder, 2, imp->import_id);
	*holder = 0;
	if (rc == 0 && (rc = ch_stmt_step(imp->st_holder)) == CH_DB_ROW) {
		*holder = ch_stmt_int64(imp->st_holder, 0);
		*holder_import =
		    ch_stmt_is_null(imp->st_holder, 1) ? 0 : ch_stmt_int64(imp->st_holder, 1);
		*holder_line = (size_t)ch_stmt_int64(imp->st_holder, 2);
		snprintf(where, wsz, "%s 户编号 %s", ch_stmt_text(imp->st_holder, 4),
		         ch_stmt_text(imp->st_holder, 3));
		rc = 0;
	}
	ch_stmt_reset(imp->st_holder);
	return rc < 0 ? rc : 0;
}

/* Stores R (whose column values are HV), whose list_key is LKEY. */
static int store_row(ch_hh_import *imp, size_t line, const struct hh_rec *r,
                     const struct hh_vals *hv, const char *lkey)
{
	char key[160], where[256];
	int64_t existing = 0, ex_import = 0, holder = 0, holder_import = 0;
	size_t ex_line = 0, holder_line = 0;
	int rc, holds_id = 0;
	uint32_t changed = 0; /* HH_UPD_* and the place ids' bits */

	/* an ID number or 户编号 already found twice in this file */
	struct key k;
	key_start(&k, key, sizeof key);
	key_num(&k, r->county_id);
	key_text(&k, r->v[CH_HF_HH_NO]);
	if (ch_strmap_get(imp->seen_ids, r->id, NULL)) {
		add_problem(imp, line, CH_HF_ID, r->v[CH_HF_ID], 0, "身份证号在本文件中出现多次");
		return 0;
	}
	if (ch_strmap_get(imp->seen_keys, key, NULL)) {
		add_problem(imp, line, CH_HF_HH_NO, r->v[CH_HF_HH_NO], 0,
		            "户编号在本文件中出现多次");
		return 0;
	}
	/* the stored household with this county and 户编号, and whether it is
	 * the active holder of the row's ID number (then no other is). The
	 * rows that come here are mostly such (the new households went in
	 * set-wise, insert_new); a row that meets one would only meet its key
	 * in the insert below, which is tried for the others */
	if ((rc = ch_stmt_bind_int64(imp->st_find, 1, r->county_id)) != 0 ||
	    (rc = ch_stmt_bind_text(imp->st_find, 2, r->v[CH_HF_HH_NO])) != 0 ||
	    (rc = ch_stmt_bind_int64(imp->st_find, 3, imp->import_id)) != 0 ||
	    (rc = ch_stmt_bind_text(imp->st_find, 4, r->id)) != 0)
		return rc;
	if ((rc = ch_stmt_step(imp->st_find)) == CH_DB_ROW) {
		existing = ch_stmt_int64(imp->st_find, 0);
		ex_import = ch_stmt_is_null(imp->st_find, 1) ? 0 : ch_stmt_int64(imp->st_find, 1);
		ex_line = (size_t)ch_stmt_int64(imp->st_find, 2);
		changed = changed_cols(imp->st_find, 3, hv);
		const char *stored_key = ch_stmt_text(imp->st_find, 4 + HH_NCOLS);
		if (!stored_key || strcmp(stored_key, lkey) != 0)
			changed |= HH_UPD_KEY;
		holds_id = ch_stmt_int64(imp->st_find, 3 + HH_NCOLS) != 0;
		rc = 0;
	}
	ch_stmt_reset(imp->st_find);
	if (rc < 0)
		return rc;
	if (!existing) {
		/* a new household, stored unless another holds its ID number */
		if ((rc = bind_values(imp, imp->st_insert, hv, line, lkey)) != 0)
			return rc;
		rc = run_stmt(imp->st_insert);
		if (rc == 0 && ch_db_changes(imp->ctx->db) == 1) {
			imp->sum.inserted++;
			return 0;
		}
		/* conflicting on a unique key skips the row; an ID number active
		 * in another county is refused instead where the rule is a
		 * table's (PostgreSQL, schema 23): either way the holder is
		 * found below */
		if (rc == CH_ECONFLICT)
			ch_error_clear();
		else if (rc)
			return rc;
	}
	if (existing && ex_import == imp->import_id) {
		ch_strmap_put(imp->seen_keys, key, 1);
		return reject_pair(imp, line, ex_line, existing, CH_HF_HH_NO, r->v[CH_HF_HH_NO]);
	}
	/* the ID number held by another active household */
	if (!holds_id && (rc = find_holder(imp, r->id, &holder, &holder_import, &holder_line, where,
	                                   sizeof where)) != 0)
		return rc;
	if (holder && holder != existing) {
		if (holder_import == imp->import_id) {
			ch_strmap_put(imp->seen_ids, r->id, 1);
			return reject_pair(imp, line, holder_line, holder, CH_HF_ID,
			                   r->v[CH_HF_ID]);
		}
		add_problem(imp, line, CH_HF_ID, r->v[CH_HF_ID], 0,
		            "身份证号已在册（%s）；如原记录已退出，请先办理退出", where);
		return 0;
	}
	if (!existing) /* the insert met a conflict that is neither: a bug */
		return ch_error_set(CH_ERROR, "row %zu: household could not be stored", line);
	if ((changed & ~HH_UPD_KEY) == 0) {
		imp->sum.unchanged++;
		/* claim it for this import so that a later duplicate row is caught
		 * (by its id alone: rejecting this row has nothing to restore) */
		return save_claim(imp, existing, line, 1);
	}
	int moved = (changed & HH_UPD_PLACE) != 0;
	if ((rc = save_claim(imp, existing, line, 0)) != 0 ||
	    (rc = update_row(imp, changed & HH_UPD_ALL, hv, lkey, existing)) != 0 ||
	    (moved && (rc = move(imp, existing, hv)) != 0))
		return rc;
	imp->sum.updated++;
	return 0;
}

/* Notes once, in the temporary table ST stands for, the three values A, B,
 * C (B and C text when TEXT, else numbers; NULL, "" or 0 for none), and
 * the order of noting. */
static int note_once(ch_hh_import *imp, ch_stmt *st, int text, int64_t a, const char *b,
                     const char *c)
{
	char key[400];
	struct key k;
	key_start(&k, key, sizeof key);
	key_num(&k, (int64_t)(uintptr_t)st);
	key_num(&k, a);
	key_text(&k, b ? b : "");
	key_text(&k, c ? c : "");
	if (ch_strmap_get(imp->noted, key, NULL))
		return 0;
	ch_strmap_put(imp->noted, key, 1);
	int rc = ch_stmt_bind_int64(st, 1, a);
	if (rc == 0)
		rc = text ? ch_stmt_bind_text(st, 2, b)
		          : ch_stmt_bind_int64(st, 2, strtoll(b, NULL, 10));
	if (rc == 0)
		rc = text ? ch_stmt_bind_text(st, 3, c ? c : "")
		          : ch_stmt_bind_int64(st, 3, c ? strtoll(c, NULL, 10) : 0);
	if (rc == 0)
		rc = ch_stmt_bind_int64(st, 4, ++imp->nnoted);
	return rc ? rc : run_stmt(st);
}

/* Keeps checked row R (its values HV) in hh_stage, with the ID number as
 * written and the names of places still to be added. */
static int stage_row(ch_hh_import *imp, size_t line, const struct hh_rec *r,
                     const struct hh_vals *hv)
{
	char num[24];
	const char *vals[STAGE_NCOLS];
	int pending = r->township_id == PENDING || r->village_id == PENDING;
	vals[0] = ch_text_i64(num, (int64_t)line);
	for (int i = 0; i < HH_NCOLS; i++)
		vals[i + 1] = hv->s[i]; /* the integers in decimal too */
	vals[HH_NCOLS + 1] = r->v[CH_HF_ID];
	vals[HH_NCOLS + 2] = pending ? r->v[CH_HF_TOWNSHIP] : NULL;
	vals[HH_NCOLS + 3] = r->village_id == PENDING ? r->v[CH_HF_VILLAGE] : NULL;
	return ch_db_load_row(imp->stage, vals);
}

/* Notes whether the rows kept so far, R the last, come in the order of the
 * register's key (county, 户编号) and with rising ID numbers (none twice):
 * defer_indexes then needs no sort to know either. */
static void note_order(ch_hh_import *imp, const struct hh_rec *r)
{
	const char *no = r->v[CH_HF_HH_NO] ? r->v[CH_HF_HH_NO] : "";
	if (imp->kept) {
		int c = r->county_id < imp->prev_county   ? -1
		        : r->county_id > imp->prev_county ? 1
		                                          : strcmp(no, imp->prev_no.ptr);
		if (c <= 0)
			imp->keys_unsorted = 1;
		if (strcmp(r->id, imp->prev_id) <= 0)
			imp->ids_unsorted = 1;
	}
	imp->prev_county = r->county_id;
	ch_buf_clear(&imp->prev_no);
	ch_buf_puts(&imp->prev_no, no);
	memcpy(imp->prev_id, r->id, sizeof imp->prev_id);
}

int ch_hh_import_row(ch_hh_import *imp, size_t line, const char *const *fields)
{
	struct hh_rec r;
	struct hh_vals hv;
	int rc = 0;
	imp->sum.rows++;
	if (check_row(imp, line, fields, &r) == 0) {
		/* kept for the write half, with the names of places to be added */
		int pending = r.township_id == PENDING || r.village_id == PENDING;
		rec_values(&r, &hv);
		rc = stage_row(imp, line, &r, &hv);
		note_order(imp, &r);
		imp->kept++;
		/* the places to add and the list_key prefixes to look up, once each */
		if (rc == 0 && pending)
			rc = note_once(imp, imp->st_place, 1, r.county_id, r.v[CH_HF_TOWNSHIP],
			               r.village_id == PENDING ? r.v[CH_HF_VILLAGE] : NULL);
		else if (rc == 0 && (r.county_id != imp->last_triple[0] ||
		                     r.township_id != imp->last_triple[1] ||
		                     r.village_id != imp->last_triple[2])) {
			rc = note_once(imp, imp->st_triple, 0, r.county_id, hv.s[1], hv.s[2]);
			imp->last_triple[0] = r.county_id;
			imp->last_triple[1] = r.township_id;
			imp->last_triple[2] = r.village_id;
		}
	}
	rec_dispose(&r);
	return rc;
}

/* Writes the kept row that ST (over hh_stage) is on: adds the places
 * it names that were still to be added, then stores it. */
static int write_kept(ch_hh_import *imp, ch_stmt *st, ch_buf *lkey)
{
	struct hh_rec r;
	struct hh_vals hv;
	size_t line = (size_t)ch_stmt_int64(st, 0);
	memset(&r, 0, sizeof r);
	memset(&hv, 0, sizeof hv);
	for (int i = 0; i < HH_NCOLS; i++)
		hv.s[i] = ch_stmt_text(st, i + 1);
	const char *township = ch_stmt_text(st, HH_NCOLS + 2);
	const char *village = ch_stmt_text(st, HH_NCOLS + 3);
	r.county_id = ch_stmt_int64(st, 1);
	r.township_id = ch_stmt_int64(st, 2);
	r.village_id = hv.s[2] ? ch_stmt_int64(st, 3) : 0;
	if (township && r.township_id == PENDING) {
		r.township_id = child_of(imp, line, r.county_id, CH_LEVEL_TOWNSHIP, township);
		if (r.township_id <= 0 || !township_allowed(imp, line, r.township_id, township))
			return 0;
		set_int(&hv, 1, r.township_id, 0);
	}
	if (village) {
		r.village_id = child_of(imp, line, r.township_id, CH_LEVEL_VILLAGE, village);
		if (r.village_id <= 0)
			return 0;
		set_int(&hv, 2, r.village_id, 0);
	}
	/* the few fields store_row and list_key read from the row itself */
	r.v[CH_HF_HH_NO] = (char *)hv.s[3];
	r.v[CH_HF_ID] = (char *)ch_stmt_text(st, HH_NCOLS + 1);
	snprintf(r.id, sizeof r.id, "%s", hv.s[5] ? hv.s[5] : "");
	int rc = list_key(imp, &r, lkey);
	return rc ? rc : store_row(imp, line, &r, &hv, lkey->ptr);
}

/* Adds the places the kept rows name that were still to be added (in the
 * order the file first names them) and notes their ids in hh_place,
 * where the actor may use them; then finds the list_key prefix of every
 * county, township and village the rows use (hh_prefix). */
static int resolve_places(ch_hh_import *imp)
{
	ch_db *db = imp->ctx->db;
	ch_stmt *st;
	int rc = ch_db_prepare(db, &st,
	                       "SELECT seq, county, township, village FROM hh_place"
	                       " ORDER BY seq");
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t county = ch_stmt_int64(st, 1), vid = 0;
		const char *vname = ch_stmt_text(st, 3);
		int64_t tid = place_id(imp, county, CH_LEVEL_TOWNSHIP, ch_stmt_text(st, 2));
		if (tid > 0 && !allowed(imp, tid))
			tid = 0;
		if (tid > 0 && vname && *vname)
			vid = place_id(imp, tid, CH_LEVEL_VILLAGE, vname);
		rc = ch_db_run(db,
		               "UPDATE hh_place SET tid = ?, vid = ? WHERE county = ?"
		               " AND township = ? AND village = ?",
		               "iiitt", tid, vid, county, ch_stmt_text(st, 2), vname ? vname : "");
		if (rc == 0 && tid > 0 && vid >= 0)
			rc = ch_db_run(db,
			               "INSERT INTO hh_prefix(c, t, v, seq) VALUES (?, ?, ?, ?)"
			               " ON CONFLICT DO NOTHING",
			               "iiii", county, tid, vid, ++imp->nnoted);
	}
	ch_stmt_finalize(st);
	if (rc < 0)
		return rc;
	rc = ch_db_prepare(db, &st, "SELECT seq, c, t, v FROM hh_prefix ORDER BY seq");
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_stmt *px = imp->st_prefix;
		int64_t v = ch_stmt_int64(st, 3);
		rc = ch_stmt_bind_int64(px, 1, ch_stmt_int64(st, 1));
		if (rc == 0)
			rc = ch_stmt_bind_int64(px, 2, ch_stmt_int64(st, 2));
		if (rc == 0)
			rc = v ? ch_stmt_bind_int64(px, 3, v) : ch_stmt_bind_null(px, 3);
		if (rc == 0 && (rc = ch_stmt_step(px)) == CH_DB_ROW)
			rc = ch_db_run(
			    db, "UPDATE hh_prefix SET prefix = ? WHERE c = ? AND t = ? AND v = ?",
			    "tiii", ch_stmt_text(px, 0), ch_stmt_int64(st, 1), ch_stmt_int64(st, 2),
			    v);
		else if (rc == CH_DB_DONE)
			rc = 0; /* no such region: the row goes the slow way and says so */
		ch_stmt_reset(px);
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Building an index from its sorted keys costs far less than inserting the
 * same keys one at a time in the file's order once the index outgrows the
 * page cache (a million shuffled rows into an empty register: 56 s with
 * every index in place, 28 s with the non-unique ones built afterwards;
 * docs/performance.md). So a load of at least DEFER_MIN new households
 * that is at least as large as the register already is (a county's first
 * register, a new database) drops the register's non-unique indexes before the
 * set-wise insert and creates them again from their stored definitions
 * after it, in the same transaction: no other connection ever sees the
 * register without them, and a rollback restores them. The unique indexes
 * stay (the insert relies on them to skip a conflicting row), but for the
 * one of ID numbers where no row can conflict on it (below). Which indexes
 * may go is the driver's answer (ch_db_deferrable_indexes: SQLite's
 * catalogue; PostgreSQL keeps every index in place). */
#define DEFER_MIN 5000

/* Indexes no new household enters: the ID numbers of withdrawn households
 * (a household is registered active; it is withdrawn by a step later).
 * Such an index stays in place through a large load, which adds nothing
 * to it, rather than being built again by a scan of the whole register
 * (0.19 s at 1,000,000 households; docs/performance.md). */
static const char *const never_entered[] = {"household_id_withdrawn"};

/* Takes the indexes of never_entered out of NAMES and their definitions
 * out of DEFS (in the same order). */
static void keep_never_entered(ch_strv *names, ch_strv *defs)
{
	ch_strv n, d;
	ch_strv_init(&n);
	ch_strv_init(&d);
	for (size_t i = 0; i < names->len; i++) {
		int keep = 0;
		for (size_t k = 0; k < sizeof never_entered / sizeof never_entered[0]; k++)
			keep |= strcmp(names->items[i], never_entered[k]) == 0;
		if (!keep) {
			ch_strv_push(&n, names->items[i]);
			ch_strv_push(&d, defs->items[i]);
		}
	}
	ch_strv_dispose(names);
	ch_strv_dispose(defs);
	*names = n;
	*defs = d;
}

static int defer_indexes(ch_hh_import *imp, ch_strv *saved)
{
	ch_db *db = imp->ctx->db;
	ch_strv names;
	if (imp->kept < DEFER_MIN || (int64_t)imp->kept < imp->last_id)
		return 0;
	ch_strv_init(&names);
	int rc = ch_db_deferrable_indexes(db, "household", 0, &names, saved);
	/* only the rows that are new households count: a row that meets a
	 * stored one is written by store_row, after the indexes are back, so
	 * a register sent again would have them built again for nothing */
	if (rc == 0 && names.len && imp->last_id > 0) {
		int64_t met = 0;
		rc = ch_db_query_int64(
		    db, &met,
		    "SELECT count(*) FROM hh_stage s WHERE EXISTS (SELECT 1"
		    " FROM household h WHERE h.county_id = s.v0 AND h.hh_no = s.v3)",
		    NULL);
		int64_t fresh = (int64_t)imp->kept - met;
		if (rc == 0 && (fresh < DEFER_MIN || fresh < imp->last_id)) {
			ch_strv_dispose(&names);
			ch_strv_dispose(saved);
			ch_strv_init(&names);
			ch_strv_init(saved);
		}
	}
	/* Rows out of order take the unique indexes' keys at random, which
	 * once those outgrow the page cache cost as much as the rest of the
	 * insert (3,000,000 shuffled rows took 1.3–1.7 times as long as
	 * sorted ones; docs/performance.md).
	 * Where no row's ID number can meet another's, the unique index of ID
	 * numbers goes with the others, and the insert takes the rows in the
	 * order of the one that stays, (county, 户编号): which of two rows
	 * with one ID number is stored and which refused would otherwise
	 * depend on that order (the first line wins, as in insert_set), and
	 * which of two with one key still does not (the line breaks the tie).
	 * Each check is made only for rows out of order: rising ID numbers
	 * hold none twice. */
	int64_t clash = 0;
	if (rc == 0 && names.len && (imp->ids_unsorted || imp->keys_unsorted)) {
		if (imp->ids_unsorted && (rc = ch_db_large_sort(db, 1)) == 0) {
			rc = ch_db_query_int64(db, &clash,
			                       "SELECT EXISTS (SELECT 1 FROM hh_stage"
			                       " GROUP BY v5 HAVING count(*) > 1)",
			                       NULL);
			int rc2 = ch_db_large_sort(db, 0);
			rc = rc ? rc : rc2;
		}
		if (rc == 0 && !clash && imp->last_id > 0)
			rc = ch_db_query_int64(db, &clash,
			                       "SELECT EXISTS (SELECT 1 FROM hh_stage s"
			                       " JOIN household h ON h.id_number = s.v5"
			                       " AND h.withdrawn = 0)",
			                       NULL);
		imp->by_key = rc == 0 && !clash && imp->keys_unsorted;
		if (rc == 0 && !clash && imp->ids_unsorted) {
			ch_strv_dispose(&names);
			ch_strv_dispose(saved);
			ch_strv_init(&names);
			ch_strv_init(saved);
			rc = ch_db_deferrable_indexes(db, "household", 1, &names, saved);
		}
	}
	if (rc == 0)
		keep_never_entered(&names, saved);
	if (rc == 0)
		rc = ch_db_indexes_drop(db, &names);
	ch_strv_dispose(&names);
	return rc < 0 ? rc : 0;
}

/* Creates again the indexes defer_indexes dropped. */
static int restore_indexes(ch_hh_import *imp, ch_strv *saved)
{
	return ch_db_indexes_build(imp->ctx->db, "household", saved);
}

/* The set-wise insert of insert_new: every kept row whose places are known,
 * in line order (BY_KEY: in the order of county and 户编号, then line),
 * skipping (ON CONFLICT DO NOTHING) a row that meets a stored
 * household on a unique key. With ALONE, also the rows whose ID number an
 * active household holds or another row of the file has: a conflict the
 * unique indexes of a county cannot see (schema 23). */
static int insert_set(ch_hh_import *imp, int alone, int by_key)
{
#define TID "CASE WHEN s.township IS NULL THEN s.v1 ELSE p.tid END"
#define VID "CASE WHEN s.village IS NULL THEN s.v2 ELSE p.vid END"
#define SET_INSERT(also, order)                                                                    \
	"INSERT INTO household(" HH_COLS ", import_id, source_line, updated_at, list_key)"         \
	" SELECT s.v0, " TID ", " VID ", s.v3, s.v4, s.v5, s.v6, s.v7, s.v8, s.v9, s.v10,"         \
	" s.v11, s.v12, s.v13, s.v14, s.v15, s.v16, s.v17, s.v18, s.v19, ?, s.line, ?,"            \
	" x.prefix || s.v3 || '" HH_LIST_SEP "'"                                                   \
	" FROM hh_stage s"                                                                         \
	" LEFT JOIN hh_place p ON s.township IS NOT NULL AND p.county = s.v0"                      \
	"  AND p.township = s.township AND p.village = coalesce(s.village, '')"                    \
	" JOIN hh_prefix x ON x.c = s.v0 AND x.t = " TID " AND x.v = coalesce(" VID ", 0)"         \
	" WHERE x.prefix IS NOT NULL AND (s.township IS NULL OR (p.tid > 0 AND"                    \
	"  (s.village IS NULL OR p.vid > 0)))" also " ORDER BY " order " ON CONFLICT DO NOTHING"
	if (by_key) {
		/* rows out of key order (defer_indexes): all of them sorted by
		 * the key before the insert, in bounded runs */
		int rc = ch_db_large_sort(imp->ctx->db, 1);
		if (rc == 0)
			rc = ch_db_run(imp->ctx->db, SET_INSERT("", "s.v0, s.v3, s.line"), "it",
			               imp->import_id, imp->now);
		int rc2 = ch_db_large_sort(imp->ctx->db, 0);
		return rc ? rc : rc2;
	}
	return ch_db_run(imp->ctx->db,
	                 alone ? SET_INSERT(" AND NOT EXISTS (SELECT 1 FROM household h"
	                                    "  WHERE h.id_number = s.v5 AND h.withdrawn = 0)"
	                                    " AND s.v5 NOT IN (SELECT v5 FROM hh_stage"
	                                    "  GROUP BY v5 HAVING count(*) > 1)",
	                                    "s.line")
	                       : SET_INSERT("", "s.line"),
	                 "it", imp->import_id, imp->now);
#undef SET_INSERT
#undef TID
#undef VID
}

/* Stores at once every kept row that is a new household conflicting with
 * nothing (most rows of most imports), in line order, and marks their lines
 * done. The rest go through store_row one by one. */
static int insert_new(ch_hh_import *imp)
{
	ch_db *db = imp->ctx->db;
	int64_t max_line = 0;
	ch_strv deferred;
	int rc =
	    ch_db_query_int64(db, &max_line, "SELECT coalesce(max(line), 0) FROM hh_stage", NULL);
	if (rc)
		return rc;
	ch_strv_init(&deferred);
	if ((rc = defer_indexes(imp, &deferred)) != 0) {
		ch_strv_dispose(&deferred);
		return rc;
	}
	imp->done = ch_calloc((size_t)max_line / 8 + 1, 1);
	rc = insert_set(imp, 0, imp->by_key);
	if (rc == CH_ECONFLICT) {
		/* an ID number active in another county, which only PostgreSQL's
		 * person table (schema 23) refuses here: the statement stored
		 * nothing, so store again leaving out each row whose ID number
		 * is active already or twice in the file; store_row takes those
		 * and names the holder */
		ch_error_clear();
		rc = insert_set(imp, 1, 0);
	}
	size_t n = rc ? 0 : (size_t)ch_db_changes(db);
	if (rc == 0)
		rc = restore_indexes(imp, &deferred);
	ch_strv_dispose(&deferred);
	if (rc)
		return rc;
	imp->sum.inserted += n;
	if (n == imp->kept) {
		imp->all_done = 1; /* the common case: nothing left for store_row */
		return 0;
	}
	ch_stmt *st;
	if ((rc = ch_db_preparef(db, &st, "SELECT source_line FROM household WHERE id > ?", "i",
	                         imp->last_id)) != 0)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t line = ch_stmt_int64(st, 0);
		if (line >= 0 && line <= max_line)
			imp->done[line / 8] |= (unsigned char)(1u << (line % 8));
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The write half: ends the snapshot, takes the write lock, makes sure the
 * checks still hold, opens the import's record and writes every kept row. */
static int write_half(ch_hh_import *imp)
{
	ch_ctx *ctx = imp->ctx;
	ch_stmt *st = NULL;
	/* the last rows checked, in the snapshot */
	int rc = ch_db_load_end(imp->stage);
	imp->stage = NULL;
	if (rc)
		return rc;
	if (!imp->opts.check_under_lock) {
		imp->in_tx = 0;
		if ((rc = ch_ctx_commit(ctx)) != 0 || (rc = ch_ctx_begin(ctx)) != 0)
			return rc;
		imp->in_tx = 1;
		if ((rc = check_fresh(imp)) != 0)
			return rc;
	}
	imp->writing = 1;
	/* thousands of rows: a large transaction (the driver reads its pages
	 * the way that costs least then; ch_db_large_write) */
	if (imp->kept >= DEFER_MIN && (rc = ch_db_large_write(ctx->db)) != 0)
		return rc;
	rc = ch_db_run(
	    ctx->db, "INSERT INTO household_import(file, file_hash, at, actor) VALUES (?, ?, ?, ?)",
	    "tttt", imp->opts.file ? imp->opts.file : "-",
	    imp->opts.file_hash ? imp->opts.file_hash : "", imp->now, ctx->actor.name);
	if (rc)
		return rc;
	imp->import_id = ch_db_last_id(ctx->db);
	if ((rc = ch_db_query_int64(ctx->db, &imp->last_id,
	                            "SELECT coalesce(max(id), 0) FROM household", NULL)) != 0 ||
	    (rc = prepare_all(imp)) != 0 || (rc = resolve_places(imp)) != 0 ||
	    (rc = insert_new(imp)) != 0)
		return rc;
	if (imp->all_done)
		return 0;
	if ((rc = ch_db_prepare(ctx->db, &st, "SELECT * FROM hh_stage ORDER BY line")) != 0)
		return rc;
	ch_buf lkey;
	ch_buf_init(&lkey);
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t line = ch_stmt_int64(st, 0);
		if (imp->done[line / 8] & (1u << (line % 8)))
			continue;
		/* one row at a time: the seal's notes of changed households
		 * move to their temporary table as they add up */
		if ((rc = write_kept(imp, st, &lkey)) != 0 || (rc = ch_seal_spill(ctx)) != 0)
			break;
	}
	ch_buf_dispose(&lkey);
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0; /* ch_hh_import_free empties the temporary tables */
}

/* Writes the claims kept in hh_before into the register in one statement,
 * which sets no sealed column (ch_seal_unsealed_writes): a household only
 * claimed is not sealed again at the commit.
 * A failure rolls the whole import back, so SQLite keeps no statement
 * journal for it but the one its foreign key asks for: each page once,
 * not once per household. */
static int write_claims(ch_hh_import *imp)
{
	ch_db *db = imp->ctx->db;
	char sql[256];
	snprintf(
	    sql, sizeof sql,
	    "%s household SET (import_id, source_line) = (SELECT %" PRId64 ", c.claim_line"
	    " FROM hh_before c WHERE c.id = household.id) WHERE id IN (SELECT id FROM hh_before)",
	    ch_db_bulk_verb(db, CH_DB_BULK_UPDATE), imp->import_id);
	ch_seal_unsealed_writes(imp->ctx, 1);
	int rc = ch_db_run(db, sql, NULL);
	ch_seal_unsealed_writes(imp->ctx, 0);
	return rc;
}

/* ---- finishing ---- */

/* Same phone (anywhere) or address (in the same county) as another
 * household: warnings, not errors. For most imports the shared values are
 * found by one ordered pass over each index, which costs far less than
 * probing the index once per imported row. The import's own rows are told
 * apart here, not by the statement: PostgreSQL's statistics, taken before
 * the import, know none of its rows, so with `h.import_id = ?` in the
 * statement it planned one row of h and joined it to the grouped values by
 * reading them all again for each of the rows there are (6,000 rows: 1.7 s
 * a statement; 100,000 would take about 8 minutes at that rate;
 * docs/performance.md, "PostgreSQL: the audit head and the shared
 * values"). On SQLite (own_rows_first) an import of at most
 * 1/PROBE_SHARE as many households as the register held does probe: from
 * its own rows (ids above last_id, and the claims in hh_before), each
 * value looked up in the index, so that a township's few hundred
 * households do not pay for a pass over a million (docs/performance.md,
 * "A small import into a large register"). */
#define PROBE_SHARE 100

/* Whether a statement driven by the import's own rows is planned so: on
 * SQLite, whose plans follow the indexes. PostgreSQL plans from its
 * statistics: while they were those of before a large import, it read the
 * whole register for the look-ups, under its JIT, and 1,000 new households
 * into 100,000 took 2.3 s against 1.7 s with the passes; with statistics
 * taken after it, 0.33 s against 0.47 s. It keeps the passes, whose cost
 * does not hang on the statistics (docs/performance.md, "A small import
 * into a large register"). */
static int own_rows_first(ch_db *db)
{
	return strcmp(ch_db_dialect(db), "sqlite") == 0;
}

static int warn_shared(ch_hh_import *imp)
{
#define SHARED_SELECT(col)                                                                         \
	"SELECT h.source_line, h." col ", r.name, o.hh_no, o.head_name, h.import_id FROM"
#define SHARED_MINE                                                                                \
	" (SELECT id FROM household WHERE id > ?1 UNION ALL SELECT id FROM hh_before) m"           \
	" JOIN household h ON h.id = m.id"
#define SHARED_END " JOIN region r ON r.id = o.county_id ORDER BY h.source_line, o.id"
	static const struct {
		const char *all, *mine;
		int field;
		const char *what;
	} checks[] = {
	    {SHARED_SELECT(
	         "phone") " (SELECT phone FROM household WHERE phone IS NOT NULL"
	                  "  GROUP BY phone HAVING count(*) > 1) d"
	                  " JOIN household h ON h.phone = d.phone"
	                  " JOIN household o ON o.phone = h.phone AND o.id <> h.id" SHARED_END,
	     SHARED_SELECT("phone") SHARED_MINE
	     " JOIN household o ON o.phone = h.phone"
	     "  AND o.phone IS NOT NULL AND o.id <> h.id" SHARED_END,
	     CH_HF_PHONE, "联系电话"},
	    {SHARED_SELECT("address") " (SELECT county_id, address FROM household"
	                              "  WHERE address IS NOT NULL"
	                              "  GROUP BY county_id, address HAVING count(*) > 1) d"
	                              " JOIN household h ON h.county_id = d.county_id"
	                              "  AND h.address = d.address"
	                              " JOIN household o ON o.county_id = h.county_id"
	                              "  AND o.address = h.address AND o.id <> h.id" SHARED_END,
	     SHARED_SELECT("address") SHARED_MINE
	     " JOIN household o ON o.county_id = h.county_id"
	     "  AND o.address = h.address"
	     "  AND o.address IS NOT NULL AND o.id <> h.id" SHARED_END,
	     CH_HF_ADDRESS, "地址"},
	};
#undef SHARED_SELECT
#undef SHARED_MINE
#undef SHARED_END
	int probe =
	    own_rows_first(imp->ctx->db) && (int64_t)imp->kept * PROBE_SHARE <= imp->last_id;
	/* the rows found are sorted by line, in bounded runs: they are as many
	 * as the households that share a value (88,900 in an update of
	 * 3,000,000, which SQLite sorted in about 10 MiB beside the full
	 * page cache) */
	int large = imp->kept >= DEFER_MIN;
	for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++) {
		ch_stmt *st;
		int rc = large ? ch_db_large_sort(imp->ctx->db, 1) : 0;
		if (rc == 0)
			rc = probe ? ch_db_preparef(imp->ctx->db, &st, checks[k].mine, "i",
			                            imp->last_id)
			           : ch_db_preparef(imp->ctx->db, &st, checks[k].all, NULL);
		if (rc) {
			if (large)
				(void)ch_db_large_sort(imp->ctx->db, 0);
			return rc;
		}
		size_t last = 0;
		while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
			size_t line = (size_t)ch_stmt_int64(st, 0);
			if (ch_stmt_int64(st, 5) != imp->import_id || line == last)
				continue; /* another import's row; one warning per row */
			last = line;
			add_problem(imp, line, checks[k].field, ch_stmt_text(st, 1), 1,
			            "%s与其他农户相同（%s 户编号 %s %s）", checks[k].what,
			            ch_stmt_text(st, 2), ch_stmt_text(st, 3), ch_stmt_text(st, 4));
		}
		ch_stmt_finalize(st);
		int rc2 = large ? ch_db_large_sort(imp->ctx->db, 0) : 0;
		if (rc < 0)
			return rc;
		if (rc2)
			return rc2;
	}
	return 0;
}

static json_t *row_json(ch_stmt *st, int first)
{
	json_t *o = json_object();
	for (int i = 0; i < HH_NCOLS; i++) {
		json_t *v = ch_stmt_is_null(st, first + i) ? json_null()
		            : hh_col_int[i] ? json_integer(ch_stmt_int64(st, first + i))
		                            : json_string(ch_stmt_text(st, first + i));
		json_object_set_new(o, hh_col_names[i], v);
	}
	return o;
}

/* The columns in the order of their names (strcmp), the order jansson
 * writes an object's keys in with JSON_SORT_KEYS. */
static const unsigned char hh_col_sorted[HH_NCOLS] = {7, 19, 15, 16, 17, 0,  13, 12, 4, 8,
                                                      3, 5,  18, 10, 6,  14, 9,  11, 1, 2};

/* The row of columns FIRST.. of ST into B as JSON, the bytes row_json
 * and json_dumps(JSON_COMPACT | JSON_SORT_KEYS) give, written directly:
 * building and sorting jansson's objects for the before and after of
 * every updated household was a quarter of a re-import's instructions
 * (docs/performance.md, "Updating a register"). -1 when a text is not
 * UTF-8: the caller asks jansson, which leaves such a value out. */
static int put_row_json(ch_stmt *st, int first, ch_buf *b)
{
	char num[24];
	ch_buf_clear(b);
	ch_buf_putc(b, '{');
	for (int k = 0; k < HH_NCOLS; k++) {
		int i = hh_col_sorted[k], col = first + i;
		if (k)
			ch_buf_putc(b, ',');
		ch_buf_putc(b, '"');
		ch_buf_puts(b, hh_col_names[i]);
		ch_buf_puts(b, "\":");
		if (ch_stmt_is_null(st, col))
			ch_buf_puts(b, "null");
		else if (hh_col_int[i])
			ch_buf_puts(b, ch_text_i64(num, ch_stmt_int64(st, col)));
		else if (ch_text_put_json(b, ch_stmt_text(st, col)) != 0)
			return -1;
	}
	ch_buf_putc(b, '}');
	return 0;
}

/* The JSON of the row of columns FIRST.. of ST, in B or (returned, for the
 * caller to free) from jansson; see put_row_json. */
static const char *row_text(ch_stmt *st, int first, ch_buf *b, char **dumped)
{
	*dumped = NULL;
	if (put_row_json(st, first, b) == 0)
		return b->ptr;
	json_t *o = row_json(st, first);
	*dumped = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return *dumped;
}

/* Brings the search index in step with what this import stored, in two
 * statements (FTS5 writes a segment per statement): the entries of the
 * households it changed, as they were, out; those of every household it
 * wrote (new ones have ids above LAST_ID; changed ones are in hh_before,
 * all at or below it) in. The two kinds are two SELECTs joined by UNION
 * ALL, not one WHERE with OR: SQLite answers the OR of two indexes by
 * keeping every rowid it returned in memory (24 bytes a row), which at
 * 1,000,000 new households was 24 MiB beside the page cache
 * (docs/performance.md, "Memory"). The rows come in the same order.
 * A claimed household whose search values are what they were (every
 * household of a register sent again unchanged, and most of one sent with
 * a few changes) keeps its entry: it goes neither out nor in, where both
 * statements once rewrote every entry of the register
 * (docs/performance.md, "A register sent again"). A claim that left its
 * household unchanged (hh_before.unchanged) has them so; the others are
 * compared. */
static int index_search(ch_hh_import *imp)
{
	ch_buf in, out;
	ch_buf_init(&in);
	ch_buf_init(&out);
	ch_buf_printf(
	    &in,
	    "SELECT id, " HH_SEARCH_VALS " FROM household"
	    " WHERE id > %" PRId64 " AND import_id = %" PRId64 " UNION ALL"
	    " SELECT id, " HH_SEARCH_VALS " FROM household"
	    " WHERE id IN (SELECT id FROM hh_before WHERE unchanged = 0) AND id <= %" PRId64
	    " AND import_id = %" PRId64 " AND NOT EXISTS (SELECT 1 FROM hh_before b"
	    " WHERE b.id = household.id AND " HH_SEARCH_SAME("b", "household") ")",
	    imp->last_id, imp->import_id, imp->last_id, imp->import_id);
	ch_buf_printf(
	    &out,
	    "SELECT id, " HH_SEARCH_VALS " FROM hh_before WHERE unchanged = 0 AND NOT EXISTS"
	    " (SELECT 1 FROM household h WHERE h.id = hh_before.id AND h.import_id = %" PRId64
	    " AND " HH_SEARCH_SAME("h", "hh_before") ")",
	    imp->import_id);
	int rc =
	    ch_db_text_index(imp->ctx->db, "household_search", HH_SEARCH_COLS, out.ptr, in.ptr);
	ch_buf_dispose(&in);
	ch_buf_dispose(&out);
	return rc;
}

/* How many audit entries are appended between two calls that give the
 * page cache's memory back (ch_db_large_append). */
#define APPEND_GIVE_BACK 65536

/* One audit entry per household this import updated, before and after.
 * hh_before also holds the households a row left unchanged (claimed so
 * that a later duplicate row is caught): a row that changes nothing writes
 * nothing, so a weekly re-import of an unchanged ledger costs one summary
 * entry, not one per household; such claims are not read here at all.
 * From here to the commit a large import only appends (the entries, then
 * the seals), while SQLite's index of the transaction's WAL grows with
 * them: the page cache makes room for it (ch_db_large_append). */
static int audit_updates(ch_hh_import *imp)
{
	size_t appended = 0;
	ch_stmt *st;
	int rc = ch_db_large_append(imp->ctx->db);
	if (rc)
		return rc;
	rc = ch_db_prepare(
	    imp->ctx->db, &st,
	    "SELECT b.id, r.code, b.hh_no, " HH_COLS_AS("b.") ", " HH_COLS_AS(
	        "h.") " FROM hh_before b JOIN household h ON h.id = b.id"
	              " JOIN region r ON r.id = b.county_id WHERE b.unchanged = 0 ORDER BY b.id");
	if (rc)
		return rc;
	ch_buf bb, ab;
	ch_buf_init(&bb);
	ch_buf_init(&ab);
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		char obj[200], *bd, *ad;
		const char *bs = row_text(st, 3, &bb, &bd),
		           *as = row_text(st, 3 + HH_NCOLS, &ab, &ad);
		snprintf(obj, sizeof obj, "household:%s/%s", ch_stmt_text(st, 1),
		         ch_stmt_text(st, 2));
		rc = strcmp(bs, as) == 0
		         ? 0
		         : ch_audit_append(imp->ctx, "household.update", obj, bs, as);
		free(bd);
		free(ad);
		if (rc == 0 && ++appended % APPEND_GIVE_BACK == 0)
			rc = ch_db_large_append(imp->ctx->db);
		if (rc)
			break;
	}
	ch_buf_dispose(&bb);
	ch_buf_dispose(&ab);
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_hh_import_finish(ch_hh_import *imp, ch_hh_import_summary *sum)
{
	int rc = write_half(imp);
	if (rc == 0 && imp->writing)
		rc = write_claims(imp);
	if (rc == 0)
		rc = warn_shared(imp);
	imp->sum.rejected = ch_problems_nrejected(imp->problems);
	imp->sum.warnings = ch_problems_nwarnings(imp->problems);
	size_t errors = imp->sum.rejected;
	memset(sum, 0, sizeof *sum);
	imp->finished = 1;
	if (rc == 0 && imp->denied) {
		ch_ctx_rollback(imp->ctx);
		imp->in_tx = 0;
		rc = ch_error_set(CH_EDENIED,
		                  "文件中有 %zu 行不在用户 %s 的管辖范围（%s）内；什么也没有保存",
		                  imp->denied, imp->ctx->actor.name,
		                  imp->ctx->actor.scope_name ? imp->ctx->actor.scope_name : "全州");
		goto reset;
	}
	if (rc == 0 && errors && !imp->opts.skip_invalid) {
		ch_ctx_rollback(imp->ctx);
		imp->in_tx = 0;
		rc = ch_error_set_field(CH_EINVALID, "skip-invalid",
		                        "%zu 行有错误，什么也没有保存（改正后重新导入；或只保存"
		                        "正确的行，把有错误的行写入拒收文件）",
		                        errors);
	reset:
		imp->sum.inserted = imp->sum.updated = imp->sum.unchanged = 0;
		imp->sum.townships_added = imp->sum.villages_added = 0;
		ch_buf_clear(&imp->added);
		goto done;
	}
	if (rc == 0)
		rc = index_search(imp);
	if (rc == 0)
		rc = audit_updates(imp);
	if (rc == 0 && imp->sum.updated) { /* facts of a subsidy edited after review */
		char today[11];
		ch_today_beijing(today, sizeof today);
		rc = ch_snapshot_mark_changed(imp->ctx, today,
		                              own_rows_first(imp->ctx->db) ? "hh_before" : NULL,
		                              &imp->sum.changed_after_review);
	}
	if (rc == 0)
		rc = ch_db_run(
		    imp->ctx->db,
		    "UPDATE household_import SET rows_read = ?, inserted = ?, updated = ?,"
		    " unchanged = ?, rejected = ? WHERE id = ?",
		    "iiiiii", (int64_t)imp->sum.rows, (int64_t)imp->sum.inserted,
		    (int64_t)imp->sum.updated, (int64_t)imp->sum.unchanged,
		    (int64_t)imp->sum.rejected, imp->import_id);
	if (rc == 0) {
		char obj[64];
		json_t *a = json_pack(
		    "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s}", "file",
		    imp->opts.file ? imp->opts.file : "-", "hash",
		    imp->opts.file_hash ? imp->opts.file_hash : "", "rows",
		    (json_int_t)imp->sum.rows, "inserted", (json_int_t)imp->sum.inserted, "updated",
		    (json_int_t)imp->sum.updated, "unchanged", (json_int_t)imp->sum.unchanged,
		    "rejected", (json_int_t)imp->sum.rejected, "regions_added",
		    (json_int_t)(imp->sum.townships_added + imp->sum.villages_added), "added",
		    imp->added.ptr ? imp->added.ptr : "");
		char *as = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(obj, sizeof obj, "household-import:%" PRId64, imp->import_id);
		rc = ch_audit_append(imp->ctx, "household.import", obj, NULL, as);
		free(as);
		json_decref(a);
	}
	if (rc == 0) {
		imp->in_tx = 0;
		rc = ch_ctx_commit(imp->ctx);
	}
done:
	*sum = imp->sum;
	sum->import_id = imp->import_id;
	sum->added_regions = imp->added.ptr && imp->added.len ? ch_strdup(imp->added.ptr) : NULL;
	return rc;
}

void ch_hh_import_summary_dispose(ch_hh_import_summary *sum)
{
	free(sum->added_regions);
	sum->added_regions = NULL;
}

void ch_hh_import_free(ch_hh_import *imp)
{
	if (!imp)
		return;
	ch_stmt *sts[] = {imp->st_find,       imp->st_holder, imp->st_insert, imp->st_move,
	                  imp->st_save,       imp->st_keep,   imp->st_delete, imp->st_restore,
	                  imp->st_was_update, imp->st_prefix, imp->st_place,  imp->st_triple};
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		ch_stmt_finalize(sts[i]);
	for (int i = 0; i < imp->nupd; i++)
		ch_stmt_finalize(imp->upd[i].st);
	ch_db_load_cancel(imp->stage);
	if (imp->in_tx)
		ch_ctx_rollback(imp->ctx);
	/* rows kept by an import that did not finish take no room afterwards (a
	 * failure here would only leave them to the next import, which empties
	 * the table first) */
	if (imp->staging) {
		static const char *const scratch[] = {"hh_stage", "hh_place", "hh_prefix"};
		(void)ch_db_scratch_clear(imp->ctx->db, scratch, 3);
	}
	ch_problems_free(imp->problems);
	ch_reflist_free(imp->tech);
	ch_reflist_free(imp->measures);
	ch_strmap_free(imp->regions);
	ch_strmap_free(imp->seen_ids);
	ch_strmap_free(imp->seen_keys);
	ch_strmap_free(imp->prefix_of);
	ch_strmap_free(imp->noted);
	free(imp->done);
	ch_strv_dispose(&imp->prefixes);
	ch_buf_dispose(&imp->added);
	ch_buf_dispose(&imp->prev_no);
	ch_buf_dispose(&imp->fields_text);
	free(imp);
}
