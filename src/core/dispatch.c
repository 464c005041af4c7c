/*
 * dispatch — computing the dispatch figures, the counties to remind,
 * freezing periods (see dispatch.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/dispatch.h"
#include "core/plan.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/error.h"

const int ch_dispatch_stages[CH_DISPATCH_NSTAGES] = {
    CH_STAGE_STARTED,        CH_STAGE_INSTALLED,        CH_STAGE_COMMISSIONED,
    CH_STAGE_SELF_INSPECTED, CH_STAGE_REVIEW_REQUESTED, CH_STAGE_REVIEWED};

const char *ch_status_name(enum ch_status s)
{
	static const char *const names[] = {"绿", "黄", "红"};
	return s <= CH_STATUS_RED ? names[s] : "?";
}

/* ---- calendar ---- */

static const struct {
	const char *key;
	int stage; /* -1: a phase start */
} cal_keys[] = {
    {"started_deadline", CH_STAGE_STARTED},
    {"installed_deadline", CH_STAGE_INSTALLED},
    {"commissioned_deadline", CH_STAGE_COMMISSIONED},
    {"self_inspected_deadline", CH_STAGE_SELF_INSPECTED},
    {"reviewed_deadline", CH_STAGE_REVIEWED},
};

static int read_calendar(ch_ctx *ctx, int year, ch_calendar *cal)
{
	ch_stmt *st;
	int n = 0;
	int rc = ch_db_preparef(ctx->db, &st, "SELECT key, value FROM calendar WHERE plan_year = ?",
	                        "i", (int64_t)year);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *k = ch_stmt_text(st, 0), *v = ch_stmt_text(st, 1);
		ch_date d = {0, 0, 0};
		n++;
		if (strcmp(k, "green_gap") == 0) {
			cal->green_gap = atoi(v);
			continue;
		}
		if (strcmp(k, "yellow_gap") == 0) {
			cal->yellow_gap = atoi(v);
			continue;
		}
		if (strcmp(k, "forecast_weeks") == 0) {
			cal->forecast_weeks = atoi(v);
			continue;
		}
		if (ch_date_parse(v, &d) != 0)
			continue;
		if (strcmp(k, "implementation_start") == 0)
			cal->impl_start = d;
		else if (strcmp(k, "acceptance_start") == 0)
			cal->acceptance_start = d;
		for (size_t i = 0; i < sizeof cal_keys / sizeof cal_keys[0]; i++)
			if (strcmp(k, cal_keys[i].key) == 0)
				cal->deadline[cal_keys[i].stage] = d;
	}
	ch_stmt_finalize(st);
	ch_error_clear();
	return rc < 0 ? rc : n;
}

int ch_calendar_load(ch_ctx *ctx, int year, ch_calendar *cal)
{
	memset(cal, 0, sizeof *cal);
	cal->green_gap = 5;
	cal->yellow_gap = 15;
	cal->forecast_weeks = 4;
	/* a year without its own calendar is not given another year's dates:
	 * the office loads one (core/rules.h) */
	int n = read_calendar(ctx, year, cal);
	if (n < 0)
		return n;
	if (n == 0 || cal->impl_start.year == 0)
		return ch_error_set(
		    CH_ENOTFOUND,
		    "没有 %d 年的里程碑日历：请用 cleanheat rules import calendar FILE "
		    "--year %d 载入（格式同 data/calendar/2023.csv）",
		    year, year);
	if (cal->forecast_weeks < 1)
		cal->forecast_weeks = 1;
	return 0;
}

int ch_calendar_expected(const ch_calendar *cal, int stage, const ch_date *d)
{
	const ch_date *end = &cal->deadline[stage];
	const ch_date *start =
	    stage >= CH_STAGE_SELF_INSPECTED ? &cal->acceptance_start : &cal->impl_start;
	if (stage <= CH_STAGE_REGISTERED || stage >= CH_STAGE_SUBSIDIZED || end->year == 0 ||
	    start->year == 0)
		return -1;
	long a = ch_date_days(start), b = ch_date_days(end), x = ch_date_days(d);
	if (x < a)
		return 0;
	if (x >= b || b <= a)
		return 1000;
	return (int)((x - a) * 1000 / (b - a));
}

/* ---- periods ---- */

void ch_period_label(const ch_date *day, int monthly, char *out, size_t outsz)
{
	if (monthly) {
		snprintf(out, outsz, "%04d-%02d", day->year, day->month);
	} else {
		int y, w;
		ch_date_iso_week(day, &y, &w);
		snprintf(out, outsz, "%04d-W%02d", y, w);
	}
}

int ch_period_end(const char *period, ch_date *end, int *monthly)
{
	int y, w, m;
	char extra;
	if (sscanf(period, "%4d-W%2d%c", &y, &w, &extra) == 2 && w >= 1 && w <= 53) {
		/* a year has 53 ISO weeks when 28 December falls in week 53 */
		ch_date dec28 = {y, 12, 28};
		int wy, last;
		ch_date_iso_week(&dec28, &wy, &last);
		if (w > last)
			return ch_error_set(CH_EINVALID, "期次“%s”：%d年只有 %d 周", period, y,
			                    last);
		ch_date_iso_week_end(y, w, end);
		*monthly = 0;
		return 0;
	}
	if (sscanf(period, "%4d-%2d%c", &y, &m, &extra) == 2 && m >= 1 && m <= 12) {
		ch_date first = {m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1};
		ch_date_from_days(ch_date_days(&first) - 1, end);
		*monthly = 1;
		return 0;
	}
	return ch_error_set(CH_EINVALID, "期次“%s”：请写作 YYYY-Www（周）或 YYYY-MM（月）", period);
}

/* ---- computing ---- */

/* Adds the aggregates up to DAY into the rows: with PREV and RECENT (days
 * before DAY), the households, energy-saving households and area up to DAY
 * and the households up to PREV and up to RECENT, in one pass over the
 * year's sums; without (NULL), only the households up to DAY, as the
 * previous period's. */
static int find_row(ch_dispatch *d, const char *code)
{
	for (size_t i = 0; i + 1 < d->nrows; i++)
		if (strcmp(d->rows[i].code, code) == 0)
			return (int)i;
	return -1;
}

static int add_row(ch_dispatch *d, const char *code, const char *name)
{
	/* keep the prefecture total last */
	d->rows = ch_reallocarray(d->rows, d->nrows + 1, sizeof *d->rows);
	memmove(&d->rows[d->nrows], &d->rows[d->nrows - 1], sizeof *d->rows);
	ch_dispatch_row *r = &d->rows[d->nrows - 1];
	memset(r, 0, sizeof *r);
	r->code = ch_strdup(code);
	r->name = ch_strdup(name);
	d->nrows++;
	return (int)d->nrows - 2;
}

/* The row of county COUNTY (a region id), added (with its code and name
 * from the region table) when the plan has no target for it; -1 on error. */
static int row_of_county(ch_ctx *ctx, ch_dispatch *d, int64_t county)
{
	ch_stmt *st;
	int i = -1;
	if (ch_db_preparef(ctx->db, &st, "SELECT code, name FROM region WHERE id = ?", "i",
	                   county) != 0)
		return -1;
	int rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		i = find_row(d, ch_stmt_text(st, 0));
		if (i < 0)
			i = add_row(d, ch_stmt_text(st, 0), ch_stmt_text(st, 1));
	} else if (rc >= 0) {
		i = -2; /* not a region: skipped, as the join skipped it */
	}
	ch_stmt_finalize(st);
	return i;
}

static int sum_until(ch_ctx *ctx, ch_dispatch *d, const char *day, const char *prev,
                     const char *recent)
{
	ch_stmt *st;
	/* The year's sums up to DAY, in the primary key's order (year, county,
	 * stage, day), added up here: the county's row is found once per
	 * county, and the three days are compared in C. Summed in SQL (a
	 * GROUP BY with a CASE per day) the same pass cost twice the
	 * instructions (docs/performance.md, the dispatch). */
	int rc = ch_db_preparef(ctx->db, &st,
	                        "SELECT county_id, stage_no, day, households, es_households,"
	                        " es_area_centi FROM progress_daily"
	                        " WHERE plan_year = ? AND day <= ?"
	                        " ORDER BY county_id, stage_no, day",
	                        "it", (int64_t)d->year, day);
	if (rc)
		return rc;
	int64_t county = -1; /* none yet */
	int i = -2;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t c = ch_stmt_int64(st, 0);
		if (c != county) {
			county = c;
			if ((i = row_of_county(ctx, d, c)) == -1) {
				rc = ch_error_code();
				break;
			}
		}
		int s = (int)ch_stmt_int64(st, 1);
		if (i < 0 || s < 0 || s >= CH_STAGE_COUNT)
			continue;
		ch_dispatch_row *r = &d->rows[i];
		int64_t n = ch_stmt_int64(st, 3);
		if (!prev) {
			r->prev[s] += n;
			continue;
		}
		const char *at = ch_stmt_text(st, 2);
		r->n[s] += n;
		r->es_n[s] += ch_stmt_int64(st, 4);
		r->es_area_centi[s] += ch_stmt_int64(st, 5);
		if (strcmp(at, prev) <= 0)
			r->prev[s] += n;
		/* until the rate's start; turned into a difference below */
		if (strcmp(at, recent ? recent : day) <= 0)
			r->recent[s] += n;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Uses the frozen figures of the previous period, if it was frozen. */
static int use_frozen(ch_ctx *ctx, ch_dispatch *d)
{
	char *figures = NULL;
	int rc = ch_db_query_text(
	    ctx->db, &figures,
	    "SELECT figures FROM dispatch_freeze WHERE plan_year = ? AND period = ?", "it",
	    (int64_t)d->year, d->prev_period);
	if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		return 0;
	}
	if (rc)
		return rc;
	/* compare with the frozen period's end: a report in the middle of a
	 * week measures its change from where the frozen week ended */
	char *end = NULL;
	if (ch_db_query_text(ctx->db, &end,
	                     "SELECT as_of FROM dispatch_freeze WHERE plan_year = ? AND period = ?",
	                     "it", (int64_t)d->year, d->prev_period) == 0 &&
	    strcmp(end, d->prev_as_of) != 0) {
		snprintf(d->prev_as_of, sizeof d->prev_as_of, "%s", end);
		for (size_t i = 0; i < d->nrows; i++)
			memset(d->rows[i].prev, 0, sizeof d->rows[i].prev);
		rc = sum_until(ctx, d, d->prev_as_of, NULL, NULL);
	}
	free(end);
	if (rc) {
		free(figures);
		return rc;
	}
	json_t *j = json_loads(figures, 0, NULL);
	free(figures);
	if (!j)
		return ch_error_set(CH_ERROR, "frozen figures of %s are not JSON", d->prev_period);
	d->prev_frozen = 1;
	for (size_t i = 0; i + 1 < d->nrows; i++) {
		ch_dispatch_row *r = &d->rows[i];
		json_t *c = json_object_get(j, r->code);
		for (int s = 1; s < CH_STAGE_COUNT; s++) {
			json_t *v = c ? json_object_get(c, ch_stage_key(s)) : NULL;
			int64_t frozen = v ? json_integer_value(v) : 0;
			r->corrected[s] = r->prev[s] - frozen;
			r->prev[s] = frozen;
		}
	}
	json_decref(j);
	return 0;
}

/* The day STAGE's phase begins: implementation, or acceptance. */
static const ch_date *phase_start(const ch_calendar *cal, int stage)
{
	return stage >= CH_STAGE_SELF_INSPECTED ? &cal->acceptance_start : &cal->impl_start;
}

static void finish_row(const ch_dispatch *d, ch_dispatch_row *r, const ch_date *as_of)
{
	const ch_date year_end = {d->year, 12, 31};
	long today = ch_date_days(as_of), last = ch_date_days(&year_end);
	r->goal = r->target - r->n[CH_STAGE_WITHDRAWN];
	if (r->goal < 0)
		r->goal = 0;
	r->status = CH_STATUS_GREEN;
	for (int k = 0; k < CH_DISPATCH_NSTAGES; k++) {
		int s = ch_dispatch_stages[k];
		const ch_date *dl = &d->cal.deadline[s];
		int64_t actual = r->goal > 0 ? r->n[s] * 1000 / r->goal : 0;
		r->expected[s] = ch_calendar_expected(&d->cal, s, as_of);
		r->gap[s] = r->expected[s] < 0 ? 0 : (int)(r->expected[s] - actual);
		if (r->expected[s] > 0 && r->goal > 0) {
			enum ch_status st = r->gap[s] <= d->cal.green_gap * 10    ? CH_STATUS_GREEN
			                    : r->gap[s] <= d->cal.yellow_gap * 10 ? CH_STATUS_YELLOW
			                                                          : CH_STATUS_RED;
			if (st > r->status)
				r->status = st;
		}
		int64_t remaining = r->goal - r->n[s];
		if (remaining <= 0 || r->goal <= 0)
			continue;
		r->missed[s] = dl->year && ch_date_days(dl) < today;
		if (r->recent[s] <= 0) {
			r->stalled[s] = r->expected[s] > 0;
		} else {
			/* the rate over the last weeks, or since the phase began */
			long window = 7L * d->cal.forecast_weeks;
			const ch_date *ps = phase_start(&d->cal, s);
			if (ps->year && today > ch_date_days(ps) &&
			    today - ch_date_days(ps) < window)
				window = today - ch_date_days(ps);
			int64_t ahead = (remaining * window + r->recent[s] - 1) / r->recent[s];
			if (ahead > last - today) {
				r->beyond_year[s] = 1;
				r->late[s] = 1;
			} else {
				ch_date_from_days(today + (long)ahead, &r->forecast[s]);
				r->late[s] =
				    dl->year && ch_date_days(&r->forecast[s]) > ch_date_days(dl);
			}
		}
		/* a stage forecast to finish after its deadline (or not within
		 * the year) is not on track, however small its gap today */
		if (dl->year && r->expected[s] >= 0 && r->late[s] && r->status == CH_STATUS_GREEN)
			r->status = CH_STATUS_YELLOW;
	}
}

int ch_dispatch_compute(ch_ctx *ctx, int year, const char *as_of, int monthly, ch_dispatch *d)
{
	ch_date day, prev, rstart;
	ch_plan p;
	int rc;
	memset(d, 0, sizeof *d);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_READ)) != 0)
		return rc;
	if ((rc = ch_date_parse(as_of, &day)) != 0) {
		ch_error_prefix("截至日期: ");
		return ch_error_mark_field("as-of");
	}
	if ((rc = ch_calendar_load(ctx, year, &d->cal)) != 0)
		return rc;
	if ((rc = ch_plan_load(ctx, year, 0, &p)) != 0)
		return rc;
	d->year = year;
	d->monthly = monthly;
	ch_date_format(&day, d->as_of, sizeof d->as_of);
	if (monthly) {
		ch_date first = {day.year, day.month, 1};
		ch_date_from_days(ch_date_days(&first) - 1, &prev);
	} else {
		ch_date_from_days(ch_date_days(&day) - 7, &prev);
	}
	ch_date_format(&prev, d->prev_as_of, sizeof d->prev_as_of);
	ch_period_label(&day, monthly, d->period, sizeof d->period);
	ch_period_label(&prev, monthly, d->prev_period, sizeof d->prev_period);
	ch_date_from_days(ch_date_days(&day) - 7L * d->cal.forecast_weeks, &rstart);
	char rs[11];
	ch_date_format(&rstart, rs, sizeof rs);

	/* one row per county of the plan, then the total */
	d->nrows = p.ntargets + 1;
	d->rows = ch_calloc(d->nrows, sizeof *d->rows);
	for (size_t i = 0; i < p.ntargets; i++) {
		ch_dispatch_row *r = &d->rows[i];
		r->code = ch_strdup(p.targets[i].code);
		r->name = ch_strdup(p.targets[i].name);
		r->target = p.targets[i].v[CH_PCOL_TOTAL];
		r->target_new = p.targets[i].v[CH_PCOL_NEW];
		r->target_continuing = p.targets[i].v[CH_PCOL_CONTINUING];
		r->target_es = p.targets[i].v[CH_PCOL_ES];
	}
	if (p.title && *p.title)
		d->plan_title = ch_strdup(p.title);
	ch_plan_dispose(&p);
	if ((rc = sum_until(ctx, d, d->as_of, d->prev_as_of, rs)) != 0 ||
	    (rc = use_frozen(ctx, d)) != 0) {
		ch_dispatch_dispose(d);
		return rc;
	}
	ch_dispatch_row *tot = &d->rows[d->nrows - 1];
	ch_region root = {0};
	tot->name = ch_strdup("全州合计");
	if (ch_region_root(ctx, &root) == 0) {
		tot->code = root.code;
		d->prefecture = root.name;
		root.code = root.name = NULL;
	} else {
		tot->code = ch_strdup("");
		d->prefecture = ch_strdup("");
		ch_error_clear();
	}
	ch_region_dispose(&root);
	for (size_t i = 0; i + 1 < d->nrows; i++) {
		ch_dispatch_row *r = &d->rows[i];
		for (int s = 0; s < CH_STAGE_COUNT; s++) {
			r->recent[s] = r->n[s] - r->recent[s];
			tot->n[s] += r->n[s];
			tot->prev[s] += r->prev[s];
			tot->corrected[s] += r->corrected[s];
			tot->recent[s] += r->recent[s];
			tot->es_n[s] += r->es_n[s];
			tot->es_area_centi[s] += r->es_area_centi[s];
		}
		tot->target += r->target;
		tot->target_new += r->target_new;
		tot->target_continuing += r->target_continuing;
		tot->target_es += r->target_es;
	}
	for (size_t i = 0; i < d->nrows; i++)
		finish_row(d, &d->rows[i], &day);
	return 0;
}

void ch_dispatch_dispose(ch_dispatch *d)
{
	for (size_t i = 0; i < d->nrows; i++) {
		free(d->rows[i].code);
		free(d->rows[i].name);
	}
	free(d->rows);
	free(d->prefecture);
	free(d->plan_title);
	memset(d, 0, sizeof *d);
}

/* ---- reminders ---- */

int ch_dispatch_reminders(ch_ctx *ctx, const ch_dispatch *d, ch_reminder **out, size_t *n)
{
	ch_dispatch prev;
	*out = NULL;
	*n = 0;
	int rc = ch_dispatch_compute(ctx, d->year, d->prev_as_of, d->monthly, &prev);
	if (rc)
		return rc;
	for (size_t i = 0; i + 1 < d->nrows; i++) {
		const ch_dispatch_row *r = &d->rows[i];
		enum ch_status before = CH_STATUS_GREEN;
		for (size_t k = 0; k + 1 < prev.nrows; k++)
			if (strcmp(prev.rows[k].code, r->code) == 0)
				before = prev.rows[k].status;
		if (r->status != CH_STATUS_RED &&
		    !(r->status == CH_STATUS_YELLOW && before >= CH_STATUS_YELLOW))
			continue;
		*out = ch_reallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = (ch_reminder){
		    r, r->status == CH_STATUS_RED ? CH_REMIND_RED : CH_REMIND_YELLOW_TWICE};
	}
	ch_dispatch_dispose(&prev);
	return 0;
}

/* ---- freezing ---- */

int ch_dispatch_freeze(ch_ctx *ctx, int year, const char *period, const char *today)
{
	ch_date end;
	ch_dispatch d;
	char end_s[11], tday[11], now[32];
	int monthly, rc;
	if ((rc = ch_ctx_require(ctx, CH_PERM_FREEZE, 0)) != 0)
		return rc;
	if ((rc = ch_period_end(period, &end, &monthly)) != 0)
		return rc;
	ch_date_format(&end, end_s, sizeof end_s);
	ch_today_at_most(today, tday, sizeof tday);
	if (strcmp(end_s, tday) >= 0)
		return ch_error_set(CH_EINVALID, "期次 %s 到 %s 才结束：次日起方可锁定", period,
		                    end_s);
	char label[16];
	ch_period_label(&end, monthly, label, sizeof label);
	int64_t exists;
	if (ch_db_query_int64(ctx->db, &exists,
	                      "SELECT 1 FROM dispatch_freeze WHERE plan_year = ? AND period = ?",
	                      "it", (int64_t)year, label) == 0)
		return ch_error_set(CH_EEXISTS, "%d年 %s 期已锁定", year, label);
	ch_error_clear();
	if ((rc = ch_dispatch_compute(ctx, year, end_s, monthly, &d)) != 0)
		return rc;
	json_t *fig = json_object();
	for (size_t i = 0; i + 1 < d.nrows; i++) {
		json_t *c = json_object();
		for (int s = 1; s < CH_STAGE_COUNT; s++)
			json_object_set_new(c, ch_stage_key(s), json_integer(d.rows[i].n[s]));
		json_object_set_new(fig, d.rows[i].code, c);
	}
	char *fs = json_dumps(fig, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(fig);
	ch_dispatch_dispose(&d);
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) == 0) {
		char obj[64];
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO dispatch_freeze(plan_year, period, as_of, figures, frozen_at,"
		    " actor) VALUES (?, ?, ?, ?, ?, ?)",
		    "itttt"
		    "t",
		    (int64_t)year, label, end_s, fs, now, ctx->actor.name);
		snprintf(obj, sizeof obj, "dispatch:%d/%s", year, label);
		if (rc == 0)
			rc = ch_audit_append(ctx, "dispatch.freeze", obj, NULL, fs);
		rc = ch_ctx_end(ctx, rc);
	}
	free(fs);
	return rc;
}
