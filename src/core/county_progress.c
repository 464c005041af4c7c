/*
 * county_progress — computing one county's progress by township, village,
 * contractor or technology (see county_progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/county_progress.h"
#include "core/ctx_int.h"
#include "core/progress_int.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"

int ch_county_by_parse(const char *s)
{
	static const char *const names[] = {"township", "village", "contractor", "technology"};
	for (int i = 0; s && i < (int)(sizeof names / sizeof names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* The households (x.hid) counted, with the stage they count for (0: one
 * registered household of the plan year not withdrawn by the day) and +1
 * or -1, then summed per group and stage: first by the ids the group is
 * made of (TID a township, VID a village, TXT a text), then named. Binds
 * ?1-?3 the stages as CH_PROGRESS_CONTRIBUTIONS does, ?4 the county, ?5
 * the plan year, ?6 the day, ?7 the township (0: all). NAME names a group;
 * ORDER sorts the groups (before their key). */
#define COUNTED                                                                                    \
	"WITH x AS ("                                                                              \
	" SELECT h.id AS hid, 0 AS stage_no, 1 AS n FROM household h"                              \
	"  WHERE h.county_id = ?4 AND h.plan_year = ?5 AND NOT EXISTS (SELECT 1 FROM event w"      \
	"   WHERE w.household_id = h.id AND w.stage_no = ?3 AND w.superseded_by IS NULL"           \
	"   AND w.day <= ?6)"                                                                      \
	" UNION ALL"                                                                               \
	" SELECT c.household_id, c.stage_no, c.n FROM (" CH_PROGRESS_CONTRIBUTIONS(                \
	    " AND e.household_id IN (SELECT id FROM household WHERE county_id = ?4)") ") c"        \
	                                                                              "  WHERE "   \
	                                                                              "c.plan_"    \
	                                                                              "year = ?5 " \
	                                                                              "AND "       \
	                                                                              "c.county_"  \
	                                                                              "id = ?4 "   \
	                                                                              "AND c.day " \
	                                                                              "<= ?6)"
#define GROUPED(TID, VID, TXT, NAME, ORDER)                                                        \
	COUNTED " SELECT coalesce(CAST(g.tid AS TEXT), '') || '/' ||"                              \
	        " coalesce(CAST(g.vid AS TEXT), '') || '/' ||"                                     \
	        " coalesce(g.txt, ''), t.name, " NAME ", g.stage_no, g.n"                          \
	        " FROM (SELECT " TID " AS tid, " VID " AS vid, " TXT " AS txt, x.stage_no,"        \
	        "  sum(x.n) AS n FROM x JOIN household h ON h.id = x.hid"                          \
	        "  WHERE ?7 = 0 OR h.township_id = ?7 GROUP BY 1, 2, 3, 4) g"                      \
	        " LEFT JOIN region t ON t.id = g.tid LEFT JOIN region v ON v.id = g.vid"           \
	        " LEFT JOIN ref_item ri ON ri.list = 'technology' AND ri.key = g.txt"              \
	        " ORDER BY " ORDER "g.tid, g.vid, g.txt, g.stage_no"

/* A part a grouping does not use: NULL of the column's type, so that
 * PostgreSQL compares it with region ids and ref_item keys. */
#define NO_ID   "CAST(NULL AS INTEGER)"
#define NO_TEXT "CAST(NULL AS TEXT)"

static const char *const queries[] = {
    [CH_COUNTY_BY_TOWNSHIP] =
        GROUPED("h.township_id", NO_ID, NO_TEXT, "t.name", "t.code, t.name, "),
    [CH_COUNTY_BY_VILLAGE] = GROUPED("h.township_id", "h.village_id", NO_TEXT, "v.name",
                                     "t.code, t.name, g.tid, v.id IS NULL, v.code, v.name, "),
    [CH_COUNTY_BY_CONTRACTOR] = GROUPED(NO_ID, NO_ID, "nullif(h.contractor, '')", "g.txt", ""),
    [CH_COUNTY_BY_TECHNOLOGY] =
        GROUPED(NO_ID, NO_ID, "h.technology", "coalesce(ri.name, g.txt)", ""),
};

static void add_to(ch_county_row *r, int stage, int64_t n)
{
	if (stage == CH_STAGE_REGISTERED)
		r->registered += n;
	else if (stage > 0 && stage < CH_STAGE_COUNT)
		r->n[stage] += n;
}

/* Contractors and technologies: most registered households first, one not
 * recorded last, then by name. */
static int by_size(const void *a, const void *b)
{
	const ch_county_row *x = a, *y = b;
	if (!x->name != !y->name)
		return !x->name ? 1 : -1;
	if (x->registered != y->registered)
		return x->registered > y->registered ? -1 : 1;
	return x->name ? strcmp(x->name, y->name) : 0;
}

static int read_rows(ch_ctx *ctx, ch_county_progress *p, int64_t county_id, int64_t township_id)
{
	ch_stmt *st;
	char *key = NULL;
	int rc = ch_db_preparef(ctx->db, &st, queries[p->by], "iiiiiti", (int64_t)CH_STAGE_STARTED,
	                        (int64_t)CH_STAGE_SUBSIDIZED, (int64_t)CH_STAGE_WITHDRAWN,
	                        county_id, (int64_t)p->year, p->as_of, township_id);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *k = ch_stmt_text(st, 0) ? ch_stmt_text(st, 0) : "";
		if (!key || strcmp(key, k) != 0) {
			free(key);
			key = ch_strdup(k);
			p->rows = ch_reallocarray(p->rows, p->nrows + 1, sizeof *p->rows);
			ch_county_row *r = &p->rows[p->nrows++];
			memset(r, 0, sizeof *r);
			if (!ch_stmt_is_null(st, 1))
				r->township = ch_strdup(ch_stmt_text(st, 1));
			if (!ch_stmt_is_null(st, 2))
				r->name = ch_strdup(ch_stmt_text(st, 2));
		}
		int stage = (int)ch_stmt_int64(st, 3);
		int64_t n = ch_stmt_int64(st, 4);
		add_to(&p->rows[p->nrows - 1], stage, n);
		add_to(&p->total, stage, n);
	}
	free(key);
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_county_progress_compute(ch_ctx *ctx, int year, const char *county, const char *township,
                               const char *as_of, enum ch_county_by by, ch_county_progress *p)
{
	ch_region c = {0}, t = {0};
	ch_date day;
	int rc;
	memset(p, 0, sizeof *p);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0)
		return rc;
	if ((int)by < CH_COUNTY_BY_TOWNSHIP || by > CH_COUNTY_BY_TECHNOLOGY)
		return ch_error_set_field(CH_EINVALID, "by", "分组方式无效");
	if (ch_date_parse(as_of, &day) != 0) {
		ch_error_prefix("截至日期: ");
		return ch_error_mark_field("as-of");
	}
	if (!county || !*county)
		return ch_error_set_field(CH_EINVALID, "county", "没有指定县市");
	if ((rc = ch_region_find(ctx, county, CH_LEVEL_COUNTY, 0, &c)) != 0)
		return ch_error_mark_field("county");
	if (c.obsolete) {
		rc = ch_error_set_field(CH_EINVALID, "county", "县市「%s」的代码已废止：%s", c.name,
		                        c.note ? c.note : "");
		goto done;
	}
	if (township && *township &&
	    (rc = ch_region_find(ctx, township, CH_LEVEL_TOWNSHIP, c.id, &t)) != 0) {
		ch_error_mark_field("township");
		goto done;
	}
	if ((rc = ch_ctx_require(ctx, CH_PERM_READ, t.id ? t.id : c.id)) != 0) {
		ch_error_prefix("不能查看%s%s的进度（超出本账号的管辖范围）: ", c.name,
		                t.name ? t.name : "");
		goto done;
	}
	p->year = year;
	p->by = by;
	ch_date_format(&day, p->as_of, sizeof p->as_of);
	p->county = ch_strdup(c.name);
	p->county_code = ch_strdup(c.code ? c.code : "");
	p->township = t.name ? ch_strdup(t.name) : NULL;
	p->total.name = ch_strdup(c.name);
	if ((rc = read_rows(ctx, p, c.id, t.id)) != 0) {
		ch_county_progress_dispose(p);
		goto done;
	}
	if (by == CH_COUNTY_BY_CONTRACTOR || by == CH_COUNTY_BY_TECHNOLOGY)
		qsort(p->rows, p->nrows, sizeof *p->rows, by_size);
done:
	ch_region_dispose(&c);
	ch_region_dispose(&t);
	return rc;
}

void ch_county_progress_dispose(ch_county_progress *p)
{
	for (size_t i = 0; i < p->nrows; i++) {
		free(p->rows[i].township);
		free(p->rows[i].name);
	}
	free(p->rows);
	free(p->total.name);
	free(p->county);
	free(p->county_code);
	free(p->township);
	memset(p, 0, sizeof *p);
}
