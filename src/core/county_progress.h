/*
 * county_progress — one county's progress below the dispatch (县市详情):
 * per township, per village, per contractor or per technology, the
 * registered households of the plan year and how many of them had reached
 * each stage by a day.
 *
 * The figures are the dispatch's own (see progress_int.h): a step counts
 * from its day when it is current (not superseded by a correction), a
 * withdrawal or a failed review takes back the stages left, so the totals
 * over a county equal the county's row of the dispatch for the same day,
 * stage by stage. The plan has no per-village targets; the denominator is
 * the households registered for the plan year less those withdrawn by the
 * day. Figures are computed from the events of the county's households
 * (the dispatch reads its per-day aggregates instead), which is one
 * county's events at most.
 */
#ifndef CH_CORE_COUNTY_PROGRESS_H
#define CH_CORE_COUNTY_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/workflow.h"

typedef struct ch_ctx ch_ctx;

/* What the rows are. */
enum ch_county_by {
	CH_COUNTY_BY_TOWNSHIP,
	CH_COUNTY_BY_VILLAGE,
	CH_COUNTY_BY_CONTRACTOR,
	CH_COUNTY_BY_TECHNOLOGY,
};

/* "township", "village", "contractor", "technology" → the enum; -1 for
 * anything else. */
int ch_county_by_parse(const char *s);

typedef struct ch_county_row {
	char *township;            /* the township, by township and by village; else NULL */
	char *name;                /* the township, the village (NULL: none recorded), the
	                              contractor (NULL: none recorded) or the technology's
	                              Chinese name; the county for the total */
	int64_t registered;        /* households of the plan year not withdrawn by the day */
	int64_t n[CH_STAGE_COUNT]; /* households that had reached each stage by the day
	                              (n[CH_STAGE_WITHDRAWN]: withdrawn by then) */
} ch_county_row;

typedef struct ch_county_progress {
	int year;
	char as_of[11];
	enum ch_county_by by;
	char *county, *county_code; /* the county's official name and code */
	char *township;             /* the township the rows were limited to, or NULL */
	ch_county_row *rows;        /* townships and villages in code order; contractors and
	                               technologies by registered households, most first,
	                               one not recorded last */
	size_t nrows;
	ch_county_row total; /* the sum of the rows */
} ch_county_progress;

/* Computes COUNTY's progress (a code, name or alias) in plan year YEAR as
 * things stood on AS_OF (YYYY-MM-DD), one row per BY, limited to TOWNSHIP
 * (a township of the county; NULL: all). Requires CH_PERM_READ for the
 * county (for TOWNSHIP when given): a user scoped to another county or to
 * a township of it is refused (CH_EDENIED). CH_EINVALID (field "as-of")
 * for a day that is not a date; CH_ENOTFOUND (field "county" or
 * "township") for a region that is not one. The caller disposes *OUT with
 * ch_county_progress_dispose. */
int ch_county_progress_compute(ch_ctx *ctx, int year, const char *county, const char *township,
                               const char *as_of, enum ch_county_by by, ch_county_progress *out);
void ch_county_progress_dispose(ch_county_progress *p);

#endif
