/*
 * household_query — reading the register back: filtered lists, one
 * household, and the groups that share an ID number, phone or address
 * (see household.h). Every query is limited to the actor's scope, and
 * every household leaves here with its ID and phone numbers masked unless
 * the caller asked to reveal them, the actor may, and the audit entry for
 * it is committed.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/household.h"
#include "core/idcard.h"
#include "core/reflist.h"
#include "core/region.h"
#include "core/workflow.h"
#include "util/text.h"
#include "util/alloc.h"
#include "util/error.h"

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

/* Commits the audit entry of a reveal: the actor is about to see unmasked
 * ID and phone numbers (WHAT: the query). The caller has checked that the
 * actor may. */
static int audit_reveal(ch_ctx *ctx, const char *what)
{
	/* the query itself may be an ID number: keep it masked in the log */
	char masked[64];
	const char *q = what ? what : "";
	int rc;
	if (strlen(q) >= 15 && strspn(q, "0123456789xX") == strlen(q)) {
		ch_idcard_mask(q, masked, sizeof masked);
		q = masked;
	}
	json_t *a = json_pack("{s:s}", "query", q);
	char *as = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if ((rc = ch_ctx_begin(ctx)) == 0) {
		rc = ch_audit_append(ctx, "household.reveal", "household:personal-data", NULL, as);
		rc = ch_ctx_end(ctx, rc);
	}
	free(as);
	return rc;
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

int ch_household_each(ch_ctx *ctx, const ch_hh_filter *f,
                      int (*fn)(const ch_household *h, void *arg), void *arg)
{
	int64_t county = 0, township = 0, village = 0;
	const char *tech = NULL, *batch = NULL;
	ch_reflist *techs = NULL;
	ch_stmt *st = NULL;
	int rc;

	if ((rc = require_read(ctx, f->reveal)) != 0)
		return rc;
	if ((rc = region_filter(ctx, f->county, CH_LEVEL_COUNTY, 0, &county)) != 0 ||
	    (rc = region_filter(ctx, f->township, CH_LEVEL_TOWNSHIP, county, &township)) != 0 ||
	    (rc = region_filter(ctx, f->village, CH_LEVEL_VILLAGE, township, &village)) != 0)
		return rc;
	if (f->technology) {
		if ((rc = ch_reflist_load(ctx, "technology", &techs)) != 0)
			return rc;
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
	rc = ch_db_preparef(
	    ctx->db, &st,
	    SELECT_HH " WHERE (?1 = 0 OR h.county_id = ?1) AND (?2 = 0 OR h.township_id = ?2)"
	              " AND (?3 = 0 OR h.village_id = ?3) AND (?4 IS NULL OR h.technology = ?4)"
	              " AND (?5 IS NULL OR h.batch = ?5) AND (?6 = 0 OR h.plan_year = ?6)"
	              " AND (?7 IS NULL OR instr(h.head_name, ?7) OR instr(h.hh_no, ?7)"
	              " OR instr(h.id_number, ?7) OR instr(coalesce(h.phone, ''), ?7)"
	              " OR instr(coalesce(h.address, ''), ?7))"
	              " AND " IN_SCOPE ORDER_HH " LIMIT ?8 OFFSET ?10",
	    "iiittitiii", county, township, village, tech, batch, (int64_t)f->plan_year, f->text,
	    f->limit > 0 ? f->limit : (int64_t)-1, ctx->actor.scope_region_id,
	    f->offset > 0 ? f->offset : (int64_t)0);
	if (rc)
		goto done;
	if (f->reveal && (rc = audit_reveal(ctx, f->text ? f->text : "list")) != 0)
		goto done;
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
	int64_t county_id = 0, region_id = 0;
	ch_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = require_read(ctx, reveal)) != 0)
		return rc;
	if ((rc = region_filter(ctx, county, CH_LEVEL_COUNTY, 0, &county_id)) != 0)
		return rc;
	/* ?3..?8 are unused: IN_SCOPE is ?9 in every query of this file */
	rc = ch_db_prepare(ctx->db, &st,
	                   SELECT_HH " WHERE ((?1 <> 0 AND h.county_id = ?1 AND h.hh_no = ?2)"
	                             " OR (?1 = 0 AND h.id_number = upper(?2))) AND " IN_SCOPE
	                             " ORDER BY h.status = 'withdrawn'");
	if (rc)
		return rc;
	if ((rc = ch_stmt_bind_int64(st, 1, county_id)) != 0 ||
	    (rc = ch_stmt_bind_text(st, 2, key)) != 0 ||
	    (rc = ch_stmt_bind_int64(st, 9, ctx->actor.scope_region_id)) != 0) {
		ch_stmt_finalize(st);
		return rc;
	}
	rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		read_hh(st, out);
		region_id = ch_stmt_int64(st, HH_REGION_COL);
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ENOTFOUND, "在您的管辖范围内没有农户 %s%s%s",
		                  county ? county : "", county ? " " : "", key);
	}
	ch_stmt_finalize(st);
	if (rc == 0 && reveal) {
		if ((rc = ch_ctx_require(ctx, CH_PERM_REVEAL, region_id)) == 0)
			rc = audit_reveal(ctx, key);
		if (rc)
			ch_household_dispose(out);
	} else if (rc == 0) {
		mask_hh(out);
	}
	return rc;
}

int ch_household_locate(ch_ctx *ctx, const char *county, const char *key, ch_hh_ref *out)
{
	int64_t county_id = 0;
	ch_stmt *st;
	char id[CH_ID_LEN + 1] = "";
	char *k = ch_text_normalize(key);
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = region_filter(ctx, county, CH_LEVEL_COUNTY, 0, &county_id)) != 0)
		goto done;
	if (!county && ch_idcard_normalize(k, NULL, id) != 0) {
		rc = ch_error_set_field(CH_EINVALID, "county",
		                        "“%s”不是身份证号：按户编号查找须同时指定县市", k);
		goto done;
	}
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT h.id, h.county_id, h.township_id, h.plan_year, h.status,"
	    " coalesce(h.stage_day, ''), h.hh_no FROM household h"
	    " WHERE ((?1 <> 0 AND h.county_id = ?1 AND h.hh_no = ?2)"
	    " OR (?1 = 0 AND h.id_number = ?3))"
	    " AND (?4 = 0 OR h.county_id = ?4 OR h.township_id = ?4 OR h.village_id = ?4)"
	    " ORDER BY h.status = 'withdrawn' LIMIT 1",
	    "itti", county_id, k, id, ctx->actor.scope_region_id);
	if (rc)
		goto done;
	rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		out->id = ch_stmt_int64(st, 0);
		out->county_id = ch_stmt_int64(st, 1);
		out->township_id = ch_stmt_int64(st, 2);
		out->plan_year = (int)ch_stmt_int64(st, 3);
		out->stage = ch_stage_parse(ch_stmt_text(st, 4));
		snprintf(out->stage_day, sizeof out->stage_day, "%s", ch_stmt_text(st, 5));
		snprintf(out->hh_no, sizeof out->hh_no, "%s", ch_stmt_text(st, 6));
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ENOTFOUND, "在您的管辖范围内没有农户 %s%s%s",
		                  county ? county : "", county ? " " : "", k);
	}
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
	    {"id_number", "id_number", "1", ch_idcard_mask},
	    {"phone", "phone", "h.status <> 'withdrawn'", ch_phone_mask},
	    {"address", "address", "h.status <> 'withdrawn'", NULL},
	};
	int rc = require_read(ctx, reveal);
	if (rc == 0 && reveal)
		rc = audit_reveal(ctx, "duplicates");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && rc == 0; k++) {
		char sql[2048];
		ch_stmt *st;
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
		rc = ch_db_prepare(ctx->db, &st, sql);
		if (rc)
			break;
		if ((rc = ch_stmt_bind_int64(st, 9, ctx->actor.scope_region_id)) != 0) {
			ch_stmt_finalize(st);
			break;
		}
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
		ch_stmt_finalize(st);
	}
	return rc;
}
