/*
 * dispatch — the weekly and monthly progress dispatch (周调度 / 月调度): where
 * every county stands on a date against its targets and the milestone
 * calendar, which counties lag, and when each stage will be finished at
 * the recent rate.
 *
 * Figures come from progress_daily (kept by every event, see event.c), so a
 * report reads a few hundred rows whatever the number of households.
 * Frozen periods (ch_dispatch_freeze) keep their figures: a later
 * correction of a step inside a frozen period shows in later reports as a
 * change against the frozen figures, never as a rewritten past.
 *
 * The rule for which counties are sent a reminder notice (red now, or
 * yellow two periods running) is decided here too (ch_dispatch_reminders),
 * so every front end reminds the same counties.
 */
#ifndef CH_CORE_DISPATCH_H
#define CH_CORE_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/workflow.h"
#include "util/date.h"

typedef struct ch_ctx ch_ctx;

/* The milestone calendar of a plan year (data/calendar/). */
typedef struct ch_calendar {
	ch_date impl_start, acceptance_start;
	ch_date deadline[CH_STAGE_COUNT]; /* for started .. reviewed; year 0 where none */
	int green_gap, yellow_gap;        /* percentage points */
	int forecast_weeks;
} ch_calendar;

/* Loads YEAR's calendar; a year without its own file takes the 2023
 * calendar's month-days. */
int ch_calendar_load(ch_ctx *ctx, int year, ch_calendar *cal);
/* Expected share of households at STAGE by D, in tenths of a percent
 * (0-1000): linear from the stage's phase start to its deadline. -1 for a
 * stage without a deadline. */
int ch_calendar_expected(const ch_calendar *cal, int stage, const ch_date *d);

enum ch_status { CH_STATUS_GREEN, CH_STATUS_YELLOW, CH_STATUS_RED };
const char *ch_status_name(enum ch_status s); /* 绿, 黄, 红 */

/* The stages the dispatch shows. */
#define CH_DISPATCH_NSTAGES 6
extern const int ch_dispatch_stages[CH_DISPATCH_NSTAGES]; /* started .. reviewed */

typedef struct ch_dispatch_row {
	char *code, *name; /* the county, or the prefecture for the total */
	int64_t target, target_new, target_continuing, target_es;
	int64_t goal;                 /* the target less the withdrawn households: what every stage
	                               * counts against (a withdrawn household reaches no stage) */
	int64_t n[CH_STAGE_COUNT];    /* households that had reached each stage by as_of */
	int64_t prev[CH_STAGE_COUNT]; /* the same at the previous period's end (frozen if so) */
	int64_t
	    corrected[CH_STAGE_COUNT];  /* frozen previous figures changed since by corrections */
	int64_t recent[CH_STAGE_COUNT]; /* added over the last forecast_weeks weeks */
	int64_t es_n[CH_STAGE_COUNT], es_area_centi[CH_STAGE_COUNT];
	int expected[CH_STAGE_COUNT];     /* tenths of a percent, -1: none */
	int gap[CH_STAGE_COUNT];          /* expected minus actual, tenths of a percent */
	ch_date forecast[CH_STAGE_COUNT]; /* reaching 100 % at the recent rate; year 0: none
	                                   * (also when beyond_year) */
	int late[CH_STAGE_COUNT];         /* the forecast falls after the deadline */
	int beyond_year[CH_STAGE_COUNT];  /* the forecast falls after the plan year's end
	                                   * (年内无法完成); late is set too */
	int stalled[CH_STAGE_COUNT];      /* unfinished with no recent progress */
	int missed[CH_STAGE_COUNT];       /* the deadline has passed (before the dispatch's
	                                   * day) with goal - n households still short */
	enum ch_status status;
} ch_dispatch_row;

typedef struct ch_dispatch {
	int year;
	char *prefecture; /* the prefecture's name, for titles ("" when unknown) */
	char *plan_title; /* the plan document's title recorded with the year's plan, or NULL */
	char as_of[11], prev_as_of[11], period[16], prev_period[16];
	int monthly;
	int prev_frozen;
	ch_calendar cal;
	ch_dispatch_row *rows; /* counties in code order, then the prefecture total */
	size_t nrows;
} ch_dispatch;

/* Computes the dispatch of plan year YEAR as things stood on AS_OF
 * (YYYY-MM-DD), comparing with the previous week (MONTHLY 0) or month.
 * A county is green when no stage trails the calendar by more than the
 * green gap and no stage with a deadline is forecast to finish after it
 * (or not within the year); yellow up to the yellow gap or with such a
 * forecast; red beyond. Stages count against the target less the
 * withdrawn households (goal). The rate of a forecast is taken over the last
 * forecast_weeks weeks, or since the stage's phase began when that is
 * shorter.
 * Requires CH_PERM_READ. CH_EINVALID (field "as-of") for a day that is
 * not a date; CH_ENOTFOUND without a plan or calendar for YEAR. The caller
 * disposes *OUT with ch_dispatch_dispose. */
int ch_dispatch_compute(ch_ctx *ctx, int year, const char *as_of, int monthly, ch_dispatch *out);
void ch_dispatch_dispose(ch_dispatch *d);

/* Why a county is sent a reminder notice. */
enum ch_remind_reason {
	CH_REMIND_RED,          /* red on the dispatch's day */
	CH_REMIND_YELLOW_TWICE, /* yellow, and yellow or red at the previous period's end */
};

typedef struct ch_reminder {
	const ch_dispatch_row *row; /* the county's row in the dispatch passed in */
	enum ch_remind_reason reason;
} ch_reminder;

/* The counties of dispatch D (a county row, never the total) to remind:
 * red, or yellow two periods running, the previous period's status
 * computed here from D's prev_as_of. *OUT (the caller frees it; NULL when
 * *N is 0) points into D's rows, in D's order. Requires CH_PERM_READ. */
int ch_dispatch_reminders(ch_ctx *ctx, const ch_dispatch *d, ch_reminder **out, size_t *n);

/* The label of the period ending... containing DAY: "2023-W28" or "2023-07". */
void ch_period_label(const ch_date *day, int monthly, char *out, size_t outsz);
/* The last day of PERIOD ("2023-W28" or "2023-07"); CH_EINVALID if malformed. */
int ch_period_end(const char *period, ch_date *end, int *monthly);

/* Locks PERIOD's figures. CH_EEXISTS if frozen already, CH_EINVALID if the
 * period has not ended. Audited. Requires CH_PERM_FREEZE. */
int ch_dispatch_freeze(ch_ctx *ctx, int year, const char *period, const char *today);

#endif
