/*
 * household_query — reading the register back: filtered lists, one
 * household, and the groups that share an ID number, phone or address
 * (see household.h). Every query is limited to the actor's scope, and
 * every household leaves here with its ID and phone numbers masked unless
 * the caller asked to reveal them, the actor may, and the audit entry for
 * it is committed.
 */
#include <inttypes.h>
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/household.h"
#include "core/household_int.h"
#include "core/idcard.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/workflow.h"
#include "util/text.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strv.h"

#define HH_FIELDS                                                                                  \
	"SELECT h.id, c.name, c.code, t.name, v.name, h.hh_no, h.head_name, h.id_number,"          \
	" h.phone, h.address, h.heated_area_centi, h.es_area_centi, h.cost_fen, h.structure,"      \
	" h.original_heating, h.technology, h.es_measures, h.plan_year, h.batch, h.contractor,"    \
	" h.note, h.status, h.updated_at, h.bank_account, coalesce(h.village_id, h.township_id)"
/* the column after the fields: the household's smallest region */
#define HH_REGION_COL 24
#define HH_FROM                                                                                    \
	" FROM household h JOIN region c ON c.id = h.county_id"                                    \
	" JOIN region t ON t.id = h.township_id LEFT JOIN region v ON v.id = h.village_id"
#define SELECT_HH HH_FIELDS HH_FROM
#define ORDER_HH  " ORDER BY c.code, t.name, v.name, h.hh_no"
/* The households with ID number V, active or withdrawn: each through its
 * partial index (an OR of the two would read the whole table). */
#define ID_LOOKUP(v)                                                                               \
	"(SELECT id FROM household WHERE id_number = " v " AND withdrawn = 0"                      \
	" UNION ALL SELECT id FROM household WHERE id_number = " v " AND withdrawn = 1)"
/* the actor's scope: ? is the scope region id, 0 for everything */
#define IN_SCOPE "(?9 = 0 OR h.county_id = ?9 OR h.township_id = ?9 OR h.village_id = ?9)"

static void read_hh(ch_stmt *st, ch_household *h)
{
	memset(h, 0, sizeof *h);
	h->id = ch_stmt_int64(st, 0);
	h->county = ch_strdup(ch_stmt_text(st, 1));
	h->county_code = ch_strdup(ch_stmt_text(st, 2));
	h->township = ch_strdup(ch_stmt_text(st, 3));
	h->village = ch_strdup(ch_stmt_text(st, 4));
	h->hh_no = ch_strdup(ch_stmt_text(st, 5));
	h->head_name = ch_strdup(ch_stmt_text(st, 6));
	h->id_number = ch_strdup(ch_stmt_text(st, 7));
	h->phone = ch_strdup(ch_stmt_text(st, 8));
	h->address = ch_strdup(ch_stmt_text(st, 9));
	h->heated_area_centi = ch_stmt_is_null(st, 10) ? -1 : ch_stmt_int64(st, 10);
	h->es_area_centi = ch_stmt_is_null(st, 11) ? -1 : ch_stmt_int64(st, 11);
	h->cost_fen = ch_stmt_is_null(st, 12) ? -1 : ch_stmt_int64(st, 12);
	h->structure = ch_strdup(ch_stmt_text(st, 13));
	h->original_heating = ch_strdup(ch_stmt_text(st, 14));
	h->technology = ch_strdup(ch_stmt_text(st, 15));
	h->measures = ch_strdup(ch_stmt_text(st, 16));
	h->plan_year = (int)ch_stmt_int64(st, 17);
	h->batch = ch_strdup(ch_stmt_text(st, 18));
	h->contractor = ch_strdup(ch_stmt_text(st, 19));
	h->note = ch_strdup(ch_stmt_text(st, 20));
	h->status = ch_strdup(ch_stmt_text(st, 21));
	h->updated_at = ch_strdup(ch_stmt_text(st, 22));
	h->bank_account = ch_strdup(ch_stmt_text(st, 23));
}

void ch_household_dispose(ch_household *h)
{
	char **fields[] = {&h->county,   &h->county_code, &h->township,         &h->village,
	                   &h->hh_no,    &h->head_name,   &h->id_number,        &h->phone,
	                   &h->address,  &h->structure,   &h->original_heating, &h->technology,
	                   &h->measures, &h->batch,       &h->contractor,       &h->note,
	                   &h->status,   &h->updated_at,  &h->bank_account};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

/* Replaces the personal numbers of H (ID, phone, bank account) with their
 * masked forms. */
static void mask_hh(ch_household *h)
{
	char m[64];
	if (h->id_number) {
		ch_idcard_mask(h->id_number, m, sizeof m);
		free(h->id_number);
		h->id_number = ch_strdup(m);
	}
	if (h->phone) {
		ch_phone_mask(h->phone, m, sizeof m);
		free(h->phone);
		h->phone = ch_strdup(m);
	}
	if (h->bank_account) {
		ch_account_mask(h->bank_account, m, sizeof m);
		free(h->bank_account);
		h->bank_account = ch_strdup(m);
	}
}

/* Adds the filter KEY = VALUE (NULL: not given) to a reveal's audit entry:
 * to FILTERS as given, and to SUMMARY as people read it, LABEL first. A
 * value that may be an ID or phone number is kept masked. */
static void reveal_filter(json_t *filters, ch_buf *summary, const char *key, const char *label,
                          const char *value)
{
	char masked[64];
	size_t n;
	if (!value || !*value)
		return;
	n = strlen(value);
	if (n >= 15 && strspn(value, "0123456789xX") == n) {
		ch_idcard_mask(value, masked, sizeof masked);
		value = masked;
	} else if (n == 11 && value[0] == '1' && strspn(value, "0123456789") == n) {
		ch_phone_mask(value, masked, sizeof masked);
		value = masked;
	}
	json_object_set_new(filters, key, json_string(value));
	ch_buf_printf(summary, "%s%s %s", summary->len ? "，" : "", label, value);
}

/* Commits the audit entry of a reveal: the actor is about to see SHOWN
 * households (or groups of them) with their numbers unmasked, found by
 * FILTERS (a JSON object of what was asked, taken) described by SUMMARY.
 * The caller has checked that the actor may; a reveal that would show
 * nothing is not one, and writes nothing. */
static int audit_reveal(ch_ctx *ctx, json_t *filters, const char *summary, int64_t shown)
{
	int rc = 0;
	if (shown > 0) {
		json_t *a = json_pack("{s:o, s:s, s:I}", "filters", filters, "query", summary,
		                      "shown", (json_int_t)shown);
		char *as = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(a);
		if ((rc = ch_ctx_begin(ctx)) == 0) {
			rc = ch_audit_append(ctx, "household.reveal", "household:personal-data",
			                     NULL, as);
			rc = ch_ctx_end(ctx, rc);
		}
		free(as);
	} else {
		json_decref(filters);
	}
	return rc;
}

/* How many rows ST yields; leaves it reset, its bindings kept, to be
 * stepped again. */
static int count_rows(ch_stmt *st, int64_t *n)
{
	int rc;
	*n = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW)
		++*n;
	ch_stmt_reset(st);
	return rc == CH_DB_DONE ? 0 : rc;
}

/* Checks what reading households needs: CH_PERM_READ, and CH_PERM_REVEAL
 * to REVEAL. The queries return only households of the actor's scope,
 * which is where the role's CH_PERM_REVEAL applies, so the role's check
 * covers each household a list hands out. */
static int require_read(ch_ctx *ctx, int reveal)
{
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc == 0 && reveal)
		rc = ch_ctx_require_role(ctx, CH_PERM_REVEAL);
	return rc;
}

/* Resolves a filter's region (name or code) at LEVEL under PARENT. */
static int region_filter(ch_ctx *ctx, const char *text, int level, int64_t parent, int64_t *id)
{
	ch_region r;
	*id = 0;
	if (!text)
		return 0;
	int rc = ch_region_find(ctx, text, level, parent, &r);
	if (rc)
		return rc;
	*id = r.id;
	ch_region_dispose(&r);
	return 0;
}

/* ---- the list and the search ----
 *
 * The list's order (county code, township, village, 户编号) is the index
 * household_list over household.list_key (migration 0009), so a page is a
 * walk along that index from its first household: a region (a filter, the
 * actor's scope) is a range of it and `after` a household is where the
 * range starts. Offsets skip entries of the index, not rows.
 *
 * The rule a search text Q (normalised; n characters) follows:
 * - 户主姓名 contains Q (when n <= 2: within its first HH_GRAM_CHARS (4)
 *   characters);
 * - 地址 contains Q when n >= 3 (shorter text does not search addresses);
 * - 户编号, 身份证号 and 联系电话 begin with Q, and 身份证号 and 联系电话 also
 *   end with it when n >= 2 (an ID number's x in either case).
 * Masked forms are not searchable: the rule reads the stored numbers.
 *
 * The households that follow the rule are found one of two ways. First the
 * candidates are counted, at most SEARCH_CANDIDATES of them: the trigram
 * index household_search (Q's pieces in the name or address, a character
 * or pair of the name, the numbers' last ones) and the B-tree indexes on
 * 户编号, ID number and phone (their beginnings); a superset of the
 * households the rule finds. When there are no more than SEARCH_CANDIDATES,
 * those are checked against the rule, the filters and the scope, and sorted.
 * When there are more, the matches are common: the list is walked in its
 * order, each household checked against the rule, until the page is full.
 */
#define SEARCH_CANDIDATES 10000
#define LIST_END          "\xf4\x8f\xbf\xbf" /* U+10FFFF: after every key */

/* A search text, and the parts of it the queries need. */
struct hh_text {
	char *q;       /* normalised */
	char *id;      /* Q as an ID number is stored (x in upper case) */
	int64_t chars; /* characters in Q */
	char *alt[2];  /* what the search index is asked for (ch_db_text_match) */
	size_t nalt;   /* how many of them; 0: none */
};

/* Byte offset in S of its N-th character from the end (0 if fewer). */
static size_t last_chars(const char *s, size_t n)
{
	size_t i = strlen(s);
	while (i > 0 && n > 0) {
		i--;
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n--;
	}
	return i;
}

static void text_init(struct hh_text *t, const char *text)
{
	memset(t, 0, sizeof *t);
	t->q = ch_text_normalize(text);
	t->id = ch_strdup(t->q);
	if (strspn(t->q, "0123456789xX") == strlen(t->q))
		for (char *p = t->id; *p; p++)
			if (*p == 'x')
				*p = 'X';
	for (const char *p = t->q; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			t->chars++;
	if (t->chars == 0)
		return;
	ch_buf b;
	ch_buf_init(&b);
	if (t->chars >= 3) { /* in the name or the address */
		ch_buf_puts(&b, t->q);
	} else { /* in the name: the character, or the pair, with the markers */
		if (t->chars == 1)
			ch_buf_printf(&b, HH_GRAM_MARK "%s" HH_GRAM_MARK, t->q);
		else
			ch_buf_printf(&b, "%.*s" HH_GRAM_MARK "%s", (int)last_chars(t->q, 1), t->q,
			              t->q + last_chars(t->q, 1));
	}
	t->alt[t->nalt++] = ch_buf_detach(&b);
	if (t->chars >= 2) { /* the numbers' last characters, then the marker */
		ch_buf_printf(&b, "%s%s", t->id + last_chars(t->id, HH_TAIL_CHARS), HH_TAIL_MARK);
		t->alt[t->nalt++] = ch_buf_detach(&b);
	}
	ch_buf_dispose(&b);
}

static void text_dispose(struct hh_text *t)
{
	free(t->q);
	free(t->id);
	for (size_t i = 0; i < t->nalt; i++)
		free(t->alt[i]);
}

/* The rule, for a household h: ?11 the text, ?12 its characters, ?13 the
 * text as an ID number. Written once for both dialects: the position of a
 * text in another by ch_db_fn, a number's last characters counted from its
 * length (PostgreSQL's substr counts no negative start from the end), the
 * count cast to the integer substr takes. */
static void add_rule(ch_db *db, ch_buf *sql)
{
	const char *instr = ch_db_fn(db, CH_DB_FN_INSTR);
#define N "CAST(?12 AS INTEGER)"
	ch_buf_printf(
	    sql,
	    "((?12 >= 3 AND (%s(h.head_name, ?11) > 0 OR %s(coalesce(h.address, ''), ?11) > 0))"
	    " OR (?12 < 3 AND %s(substr(h.head_name, 1, " HH_GRAM_CHARS_SQL "), ?11) > 0)"
	    " OR substr(h.hh_no, 1, " N ") = ?11"
	    " OR substr(h.id_number, 1, " N ") = ?13"
	    " OR (?12 >= 2 AND length(h.id_number) >= ?12"
	    "  AND substr(h.id_number, length(h.id_number) - " N " + 1) = ?13)"
	    " OR substr(coalesce(h.phone, ''), 1, " N ") = ?11"
	    " OR (?12 >= 2 AND length(h.phone) >= ?12"
	    "  AND substr(h.phone, length(h.phone) - " N " + 1) = ?11))",
	    instr, instr, instr);
#undef N
}

/* The candidates (household ids, perhaps repeated) for the text T: ?11,
 * ?13 as above, ?17 and up what the search index is asked for (their
 * values appended to VALUES). */
static int add_candidates(ch_db *db, ch_buf *sql, const struct hh_text *t, ch_strv *values)
{
	if (t->nalt) {
		int rc = ch_db_text_match(db, "household_search", (const char *const *)t->alt,
		                          t->nalt, 17, sql, values);
		if (rc)
			return rc;
		ch_buf_puts(sql, " UNION ALL ");
	}
	ch_buf_printf(sql,
	              "SELECT h.id FROM region r JOIN household h ON h.county_id = r.id"
	              " WHERE r.level = %d AND h.hh_no >= ?11 AND h.hh_no < ?11 || '" LIST_END "'"
	              " UNION ALL SELECT id FROM household WHERE withdrawn = 0"
	              " AND id_number >= ?13 AND id_number < ?13 || '" LIST_END "'"
	              " UNION ALL SELECT id FROM household WHERE withdrawn = 1"
	              " AND id_number >= ?13 AND id_number < ?13 || '" LIST_END "'"
	              " UNION ALL SELECT id FROM household WHERE phone IS NOT NULL"
	              " AND phone >= ?11 AND phone < ?11 || '" LIST_END "'",
	              CH_LEVEL_COUNTY);
	return 0;
}

/* Binds VALUES (what the search index is asked for) to ?17 and up. */
static int bind_match(ch_stmt *st, const ch_strv *values)
{
	int rc = 0;
	for (size_t i = 0; i < values->len && rc == 0; i++)
		rc = ch_stmt_bind_text(st, 17 + (int)i, values->items[i]);
	return rc;
}

/* The start of the list keys of REGION's households into B (nothing for
 * the prefecture). */
static int region_prefix(ch_ctx *ctx, int64_t region, ch_buf *b)
{
	const char *parts[3] = {NULL, NULL, NULL};
	ch_region r[3];
	int n = 0, rc = 0;
	ch_buf_clear(b);
	while (region && n < 3) {
		if ((rc = ch_region_get(ctx, region, &r[n])) != 0)
			break;
		region = r[n].level > CH_LEVEL_COUNTY ? r[n].parent_id : 0;
		if (r[n].level < CH_LEVEL_COUNTY) {
			ch_region_dispose(&r[n]);
			break;
		}
		n++;
	}
	if (rc == 0 && n > 0 && r[n - 1].level == CH_LEVEL_COUNTY) {
		parts[0] = r[n - 1].code ? r[n - 1].code : "";
		for (int i = n - 2, j = 1; i >= 0; i--, j++)
			parts[j] = r[i].name;
		for (int j = 0; j < n; j++)
			ch_buf_printf(b, "%s" HH_LIST_SEP, parts[j]);
	}
	for (int i = 0; i < n; i++)
		ch_region_dispose(&r[i]);
	return rc;
}

/* The list key of the household "县市/户编号" AFTER, in the actor's scope. */
static int after_key(ch_ctx *ctx, const char *after, char **key)
{
	const char *slash = strchr(after, '/');
	int64_t county = 0;
	int rc;
	*key = NULL;
	if (!slash || slash == after || !slash[1])
		return ch_error_set_field(CH_EINVALID, "after",
		                          "「%s」应为 县市/户编号（上一页最后一户）", after);
	char *name = ch_strndup(after, (size_t)(slash - after));
	rc = region_filter(ctx, name, CH_LEVEL_COUNTY, 0, &county);
	free(name);
	if (rc == 0)
		rc = ch_ctx_require_near(ctx, CH_PERM_READ, county);
	if (rc)
		return rc;
	rc = ch_db_query_text(ctx->db, key,
	                      "SELECT h.list_key FROM household h WHERE h.county_id = ?"
	                      " AND h.hh_no = ? AND (?3 = 0 OR h.county_id = ?3"
	                      " OR h.township_id = ?3 OR h.village_id = ?3)",
	                      "iti", county, slash + 1, ctx->actor.scope_region_id);
	if (rc == CH_ENOTFOUND)
		rc = ch_error_set_field(CH_ENOTFOUND, "after", "no household %s in your scope",
		                        after);
	return rc;
}

/* The households' ids of one page, then the households: ?1-?10 the
 * filters, limit, scope and offset; ?11-?13 the text; ?14 and ?15 the range
 * of list keys; ?17 and up what the search index is asked for (into
 * VALUES). WHICH: 0 the list, 1 the candidates checked and sorted, 2 the
 * list walked and checked. */
static int page_sql(ch_db *db, ch_buf *sql, int which, const struct hh_text *t, ch_strv *values)
{
	const char *indexed_by = ch_db_indexed_by(db);
	ch_buf_puts(sql, HH_FIELDS " FROM (SELECT h.id, h.list_key FROM household h");
	if (which != 1 && indexed_by)
		ch_buf_printf(sql, "%shousehold_list", indexed_by);
	ch_buf_puts(sql, " WHERE (?1 = 0 OR h.county_id = ?1) AND (?2 = 0 OR h.township_id = ?2)"
	                 " AND (?3 = 0 OR h.village_id = ?3) AND (?4 IS NULL OR h.technology = ?4)"
	                 " AND (?5 IS NULL OR h.batch = ?5) AND (?6 = 0 OR h.plan_year = ?6)"
	                 " AND (?7 IS NULL OR h.status = ?7) AND " IN_SCOPE);
	if (which == 1) {
		/* || '': not by the index household_list (SQLite's unary + would
		 * do as much, PostgreSQL has none for text) */
		ch_buf_puts(sql, " AND h.list_key || '' > ?14 AND h.list_key || '' < ?15"
		                 " AND h.id IN (");
		int rc = add_candidates(db, sql, t, values);
		if (rc)
			return rc;
		ch_buf_puts(sql, ")");
	} else {
		ch_buf_puts(sql, " AND h.list_key > ?14 AND h.list_key < ?15");
	}
	if (which != 0) {
		ch_buf_puts(sql, " AND ");
		add_rule(db, sql);
	}
	ch_buf_puts(sql, " ORDER BY h.list_key LIMIT ?8 OFFSET ?10) p"
	                 " JOIN household h ON h.id = p.id JOIN region c ON c.id = h.county_id"
	                 " JOIN region t ON t.id = h.township_id"
	                 " LEFT JOIN region v ON v.id = h.village_id ORDER BY p.list_key");
	return 0;
}

/* How many candidates the text has, counting up to SEARCH_CANDIDATES + 1. */
static int count_candidates(ch_ctx *ctx, const struct hh_text *t, int64_t *n)
{
	ch_buf sql;
	ch_strv values;
	ch_stmt *st = NULL;
	ch_buf_init(&sql);
	ch_strv_init(&values);
	ch_buf_puts(&sql, "SELECT count(*) FROM (");
	int rc = add_candidates(ctx->db, &sql, t, &values);
	ch_buf_printf(&sql, " LIMIT %d) c", SEARCH_CANDIDATES + 1);
	if (rc == 0)
		rc = ch_db_prepare(ctx->db, &st, sql.ptr);
	ch_buf_dispose(&sql);
	if (rc == 0 && (rc = ch_stmt_bind_text(st, 11, t->q)) == 0 &&
	    (rc = ch_stmt_bind_text(st, 13, t->id)) == 0 && (rc = bind_match(st, &values)) == 0) {
		rc = ch_stmt_step(st);
		if (rc == CH_DB_ROW) {
			*n = ch_stmt_int64(st, 0);
			rc = 0;
		}
	}
	ch_stmt_finalize(st);
	ch_strv_dispose(&values);
	return rc;
}

int ch_household_each(ch_ctx *ctx, const ch_hh_filter *f,
                      int (*fn)(const ch_household *h, void *arg), void *arg)
{
	int64_t county = 0, township = 0, village = 0;
	const char *tech = NULL, *batch = NULL;
	ch_reflist *techs = NULL;
	ch_stmt *st = NULL;
	ch_buf sql, lo, hi;
	ch_strv match; /* what the search index is asked for, from page_sql */
	struct hh_text t;
	char *after = NULL;
	int rc, which = 0;

	ch_buf_init(&sql);
	ch_buf_init(&lo);
	ch_buf_init(&hi);
	ch_strv_init(&match);
	text_init(&t, f->text);
	if ((rc = require_read(ctx, f->reveal)) != 0)
		goto done;
	if ((rc = region_filter(ctx, f->county, CH_LEVEL_COUNTY, 0, &county)) != 0 ||
	    (rc = region_filter(ctx, f->township, CH_LEVEL_TOWNSHIP, county, &township)) != 0 ||
	    (rc = region_filter(ctx, f->village, CH_LEVEL_VILLAGE, township, &village)) != 0)
		goto done;
	/* a region asked for outside the scope is refused, not an empty list */
	if ((village || township || county) && (rc = ch_ctx_require_near(ctx, CH_PERM_READ,
	                                                                 village    ? village
	                                                                 : township ? township
	                                                                            : county)) != 0)
		goto done;
	if (f->technology) {
		if ((rc = ch_reflist_load(ctx, "technology", &techs)) != 0)
			goto done;
		tech = ch_reflist_find(techs, f->technology);
		if (!tech) {
			char *names = ch_reflist_names(techs);
			rc = ch_error_set_field(CH_ENOTFOUND, "technology",
			                        "没有改造方式“%s”；可用：%s", f->technology, names);
			free(names);
			goto done;
		}
	}
	if (f->batch) {
		batch = strcmp(f->batch, "新建") == 0 || strcmp(f->batch, "new") == 0 ? "new"
		        : strcmp(f->batch, "续建") == 0 || strcmp(f->batch, "continuing") == 0
		            ? "continuing"
		            : NULL;
		if (!batch) {
			rc = ch_error_set(CH_EINVALID,
			                  "批次“%s”：请写 新建 或 续建（new 或 continuing）",
			                  f->batch);
			goto done;
		}
	}
	const char *status = NULL;
	if (f->status) {
		int stage = ch_stage_parse(f->status);
		if (stage < 0) {
			ch_buf known;
			ch_buf_init(&known);
			for (int s = 0; s < CH_STAGE_COUNT; s++)
				ch_buf_printf(&known, "%s%s", s ? "、" : "",
				              ch_stage_name((enum ch_stage)s));
			rc = ch_error_set_field(CH_EINVALID, "status",
			                        "没有「%s」这一环节；可用：%s", f->status,
			                        known.ptr);
			ch_buf_dispose(&known);
			goto done;
		}
		status = ch_stage_key((enum ch_stage)stage);
	}
	/* the range of list keys: the narrowest region asked for, else the
	 * scope (the conditions on the regions' ids hold anyway), after AFTER */
	int64_t region = village ? village : township ? township : county;
	if ((rc = region_prefix(ctx, region ? region : ctx->actor.scope_region_id, &lo)) != 0)
		goto done;
	ch_buf_printf(&hi, "%s" LIST_END, lo.ptr ? lo.ptr : "");
	if (f->after && *f->after) {
		if ((rc = after_key(ctx, f->after, &after)) != 0)
			goto done;
		if (strcmp(after, lo.ptr ? lo.ptr : "") > 0) {
			ch_buf_clear(&lo);
			ch_buf_puts(&lo, after);
		}
	}
	if (t.chars > 0) {
		int64_t n = 0;
		if ((rc = count_candidates(ctx, &t, &n)) != 0)
			goto done;
		which = n <= SEARCH_CANDIDATES ? 1 : 2;
	}
	if ((rc = page_sql(ctx->db, &sql, which, &t, &match)) != 0)
		goto done;
	rc = ch_db_preparef(ctx->db, &st, sql.ptr, "iiittitiii", county, township, village, tech,
	                    batch, (int64_t)f->plan_year, status,
	                    f->limit > 0 ? f->limit : INT64_MAX, ctx->actor.scope_region_id,
	                    f->offset > 0 ? f->offset : (int64_t)0);
	if (rc == 0)
		rc = ch_stmt_bind_text(st, 14, lo.ptr ? lo.ptr : "");
	if (rc == 0)
		rc = ch_stmt_bind_text(st, 15, hi.ptr);
	if (rc == 0 && which) {
		if ((rc = ch_stmt_bind_text(st, 11, t.q)) == 0 &&
		    (rc = ch_stmt_bind_int64(st, 12, t.chars)) == 0)
			rc = ch_stmt_bind_text(st, 13, t.id);
		if (rc == 0)
			rc = bind_match(st, &match);
	}
	if (rc)
		goto done;
	if (f->reveal) {
		json_t *filters = json_object();
		ch_buf summary;
		char year[16] = "", limit[24] = "", offset[24] = "";
		int64_t shown = 0;
		if (f->plan_year)
			snprintf(year, sizeof year, "%d", f->plan_year);
		if (f->limit > 0)
			snprintf(limit, sizeof limit, "%" PRId64, f->limit);
		if (f->offset > 0)
			snprintf(offset, sizeof offset, "%" PRId64, f->offset);
		ch_buf_init(&summary);
		reveal_filter(filters, &summary, "text", "查找", f->text);
		reveal_filter(filters, &summary, "county", "县市", f->county);
		reveal_filter(filters, &summary, "township", "乡镇", f->township);
		reveal_filter(filters, &summary, "village", "村", f->village);
		reveal_filter(filters, &summary, "technology", "改造方式", f->technology);
		reveal_filter(filters, &summary, "batch", "批次", f->batch);
		reveal_filter(filters, &summary, "status", "环节", f->status);
		reveal_filter(filters, &summary, "year", "年度", year);
		reveal_filter(filters, &summary, "after", "接续", f->after);
		reveal_filter(filters, &summary, "limit", "每页", limit);
		reveal_filter(filters, &summary, "offset", "跳过", offset);
		if (!summary.len)
			ch_buf_puts(&summary, f->text ? "查找" : "全部台账");
		rc = count_rows(st, &shown);
		if (rc == 0)
			rc = audit_reveal(ctx, filters, summary.ptr, shown);
		else
			json_decref(filters);
		ch_buf_dispose(&summary);
		if (rc)
			goto done;
	}
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_household h;
		read_hh(st, &h);
		if (!f->reveal)
			mask_hh(&h);
		rc = fn(&h, arg);
		ch_household_dispose(&h);
		if (rc)
			break;
	}
done:
	ch_stmt_finalize(st);
	ch_reflist_free(techs);
	ch_buf_dispose(&sql);
	ch_buf_dispose(&lo);
	ch_buf_dispose(&hi);
	ch_strv_dispose(&match);
	text_dispose(&t);
	free(after);
	return rc < 0 ? rc : 0;
}

int ch_household_each_at_stage(ch_ctx *ctx, int plan_year, int stage,
                               int (*fn)(const ch_hh_key *k, void *arg), void *arg)
{
	ch_stmt *st = NULL;
	int rc;
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0)
		return rc;
	if (stage < 0 || stage >= CH_STAGE_COUNT)
		return ch_error_set(CH_ERROR, "no stage %d", stage);
	/* ?3..?8 are unused: IN_SCOPE is ?9 in every query of this file */
	rc = ch_db_prepare(ctx->db, &st,
	                   "SELECT c.code, c.name, h.hh_no FROM household h"
	                   " JOIN region c ON c.id = h.county_id"
	                   " WHERE h.plan_year = ?1 AND h.status = ?2 AND " IN_SCOPE
	                   " ORDER BY h.id");
	if (rc)
		return rc;
	if ((rc = ch_stmt_bind_int64(st, 1, plan_year)) != 0 ||
	    (rc = ch_stmt_bind_text(st, 2, ch_stage_key((enum ch_stage)stage))) != 0 ||
	    (rc = ch_stmt_bind_int64(st, 9, ctx->actor.scope_region_id)) != 0)
		goto done;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_hh_key k = {ch_stmt_text(st, 0), ch_stmt_text(st, 1), ch_stmt_text(st, 2)};
		if ((rc = fn(&k, arg)) != 0)
			break;
	}
done:
	ch_stmt_finalize(st);
	return rc == CH_DB_DONE ? 0 : rc;
}

int ch_household_get(ch_ctx *ctx, const char *county, const char *key, int reveal,
                     ch_household *out)
{
	ch_hh_ref ref;
	ch_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	/* permission and scope before anything is read; then the household */
	if ((rc = require_read(ctx, reveal)) != 0 ||
	    (rc = ch_household_locate(ctx, reveal ? CH_PERM_REVEAL : CH_PERM_READ, county, key,
	                              &ref)) != 0)
		return rc;
	if ((rc = ch_db_preparef(ctx->db, &st, SELECT_HH " WHERE h.id = ?", "i", ref.id)) != 0)
		return rc;
	rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		read_hh(st, out);
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ERROR, "household %" PRId64 " vanished", ref.id);
	}
	ch_stmt_finalize(st);
	if (rc == 0 && reveal) {
		json_t *filters = json_object();
		ch_buf summary;
		ch_buf_init(&summary);
		reveal_filter(filters, &summary, "county", "县市", county);
		reveal_filter(filters, &summary, "household", county ? "户编号" : "身份证号", key);
		rc = audit_reveal(ctx, filters, summary.ptr, 1);
		ch_buf_dispose(&summary);
		if (rc)
			ch_household_dispose(out);
	} else if (rc == 0) {
		mask_hh(out);
	}
	return rc;
}

int ch_household_locate(ch_ctx *ctx, unsigned perm, const char *county, const char *key,
                        ch_hh_ref *out)
{
	int64_t county_id = 0;
	ch_stmt *st;
	char id[CH_ID_LEN + 1] = "";
	char *k = ch_text_normalize(key);
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = ch_ctx_require_role(ctx, (enum ch_perm)perm)) != 0 ||
	    (rc = region_filter(ctx, county, CH_LEVEL_COUNTY, 0, &county_id)) != 0)
		goto done;
	/* a county outside the scope: refused before the household is looked up */
	if (county_id && (rc = ch_ctx_require_near(ctx, (enum ch_perm)perm, county_id)) != 0)
		goto done;
	if (!county && ch_idcard_normalize(k, NULL, id) != 0) {
		rc = ch_error_set_field(CH_EINVALID, "county",
		                        "“%s”不是身份证号：按户编号查找须同时指定县市", k);
		goto done;
	}
	/* by ID number: a household of the scope first, an active one first */
	rc = ch_db_preparef(
	    ctx->db, &st,
	    county_id
	        ? "SELECT h.id, h.county_id, h.township_id, h.plan_year, h.status,"
	          " coalesce(h.stage_day, ''), h.hh_no, coalesce(h.village_id, h.township_id)"
	          " FROM household h"
	          " WHERE h.county_id = ?1 AND h.hh_no = ?2 AND ?3 IS NOT NULL AND ?4 IS NOT NULL"
	        : "SELECT h.id, h.county_id, h.township_id, h.plan_year, h.status,"
	          " coalesce(h.stage_day, ''), h.hh_no, coalesce(h.village_id, h.township_id)"
	          " FROM household h"
	          " WHERE ?1 = 0 AND ?2 IS NOT NULL AND h.id IN " ID_LOOKUP(
	              "?3") " ORDER BY (?4 = 0 OR h.county_id = ?4 OR h.township_id = ?4"
	                    " OR h.village_id = ?4) DESC, h.status = 'withdrawn' LIMIT 1",
	    "itti", county_id, k, id, ctx->actor.scope_region_id);
	if (rc)
		goto done;
	rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		int64_t region = ch_stmt_int64(st, 7);
		out->id = ch_stmt_int64(st, 0);
		out->county_id = ch_stmt_int64(st, 1);
		out->township_id = ch_stmt_int64(st, 2);
		out->plan_year = (int)ch_stmt_int64(st, 3);
		out->stage = ch_stage_parse(ch_stmt_text(st, 4));
		snprintf(out->stage_day, sizeof out->stage_day, "%s", ch_stmt_text(st, 5));
		snprintf(out->hh_no, sizeof out->hh_no, "%s", ch_stmt_text(st, 6));
		ch_stmt_finalize(st);
		rc = county_id ? ch_ctx_require(ctx, (enum ch_perm)perm, region)
		               : ch_ctx_require_unnamed(ctx, (enum ch_perm)perm, region);
		if (rc)
			memset(out, 0, sizeof *out);
		goto done;
	}
	if (rc == CH_DB_DONE)
		rc = ch_error_set(CH_ENOTFOUND, "没有农户 %s%s%s", county ? county : "",
		                  county ? " " : "", k);
	ch_stmt_finalize(st);
done:
	free(k);
	return rc;
}

int ch_household_duplicates(ch_ctx *ctx, int reveal, int (*fn)(const ch_hh_dup *d, void *arg),
                            void *arg)
{
	static const struct {
		const char *kind, *col, *where;
		void (*mask)(const char *value, char *out, size_t outsz); /* NULL: not personal */
	} kinds[] = {
	    {"id_number", "id_number", "1 = 1", ch_idcard_mask},
	    {"phone", "phone", "h.status <> 'withdrawn'", ch_phone_mask},
	    {"address", "address", "h.status <> 'withdrawn'", NULL},
	};
	enum { NKINDS = sizeof kinds / sizeof kinds[0] };
	ch_stmt *sts[NKINDS] = {NULL};
	int rc = require_read(ctx, reveal);
	for (size_t k = 0; k < NKINDS && rc == 0; k++) {
		char sql[2048];
		/* members of groups, ordered so that each group is consecutive */
		snprintf(sql, sizeof sql,
		         HH_FIELDS ", h.%s AS dupval" HH_FROM
		                   " WHERE h.%s IN (SELECT h.%s FROM household h"
		                   " WHERE h.%s IS NOT NULL AND %s AND " IN_SCOPE
		                   " GROUP BY h.%s HAVING count(*) > 1) AND %s AND " IN_SCOPE
		                   " ORDER BY dupval, c.code, h.hh_no",
		         kinds[k].col, kinds[k].col, kinds[k].col, kinds[k].col, kinds[k].where,
		         kinds[k].col, kinds[k].where);
		/* IN_SCOPE names ?9: bind it, and leave 1-8 unused */
		if ((rc = ch_db_prepare(ctx->db, &sts[k], sql)) == 0)
			rc = ch_stmt_bind_int64(sts[k], 9, ctx->actor.scope_region_id);
	}
	if (rc == 0 && reveal) {
		/* the entry counts the households the groups show */
		int64_t shown = 0, n;
		for (size_t k = 0; k < NKINDS && rc == 0; k++)
			if ((rc = count_rows(sts[k], &n)) == 0)
				shown += n;
		if (rc == 0)
			rc = audit_reveal(ctx, json_pack("{s:s}", "kind", "duplicates"), "重复信息",
			                  shown);
	}
	for (size_t k = 0; k < NKINDS && rc == 0; k++) {
		ch_stmt *st = sts[k];
		ch_household *group = NULL;
		size_t n = 0, cap = 0;
		char *value = NULL;
		for (;;) {
			int step = ch_stmt_step(st);
			/* dupval, the column after the fields */
			const char *v =
			    step == CH_DB_ROW ? ch_stmt_text(st, HH_REGION_COL + 1) : NULL;
			if (n && (step != CH_DB_ROW || strcmp(v, value) != 0)) {
				ch_hh_dup d = {kinds[k].kind, value, group, n};
				char m[64];
				if (!reveal && kinds[k].mask) {
					kinds[k].mask(value, m, sizeof m);
					d.value = m;
				}
				rc = fn(&d, arg);
				for (size_t i = 0; i < n; i++)
					ch_household_dispose(&group[i]);
				n = 0;
			}
			if (step != CH_DB_ROW || rc) {
				if (step < 0)
					rc = step;
				break;
			}
			if (n == 0) {
				free(value);
				value = ch_strdup(v);
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 4;
				group = ch_reallocarray(group, cap, sizeof *group);
			}
			read_hh(st, &group[n]);
			if (!reveal)
				mask_hh(&group[n]);
			n++;
		}
		for (size_t i = 0; i < n; i++)
			ch_household_dispose(&group[i]);
		free(group);
		free(value);
	}
	for (size_t k = 0; k < NKINDS; k++)
		ch_stmt_finalize(sts[k]);
	return rc;
}
