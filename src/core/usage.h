/*
 * usage — the utilities' monthly gas and electricity readings of
 * commissioned households, and the season's check against what the
 * household's heat demand predicts (返煤 monitoring).
 *
 * A reading names the household by meter number (the survey's 燃气表号 or
 * 电表号) or ID number (the register's). The check compares, for each
 * commissioned household whose technology is metered (gas, electric, heat
 * pump, solar + electric; not central heating), the use of the season's
 * months (factors usage.first_month .. usage.last_month) with the
 * prediction (core/heatload, the months' share of the heating days) and
 * flags (a household without any reading of the season is counted, not
 * flagged: the utilities sent nothing for it): gap (a month without a reading: the other flags wait
 * for a full season), idle (below usage.idle_share of the prediction: likely back to coal), low
 * (below usage.low_share), burden (the season's cost above usage.burden_share of the household's
 * income, where the survey gives it). Each flag is stored once per household, season and flag
 * however often the check runs; with VISITS, idle, low and burden ask for a follow-up visit (visit
 * 3, listed by followup due with the reason), whose record with coal burned opens a rectification
 * order (core/followup.c).
 */
#ifndef CH_CORE_USAGE_H
#define CH_CORE_USAGE_H

#include <stdint.h>

typedef struct ch_ctx ch_ctx;

/* The household and kind of a reading: by METER (gas or electric meter of
 * the survey) or ID_NUMBER (the register's), KIND ("gas", "electric" or
 * NULL: the meter's own). 0, or CH_ENOTFOUND / CH_EINVALID with the reason
 * (the reader turns it into the row's problem). */
int ch_usage_locate(ch_ctx *ctx, const char *meter, const char *id_number, const char *kind,
                    int64_t *household_id, const char **kind_out);
/* The county of household id HOUSEHOLD_ID into *COUNTY_ID. */
int ch_household_county(ch_ctx *ctx, int64_t household_id, int64_t *county_id);
/* Stores a month's use AMOUNT_MILLI and/or the meter's cumulative reading
 * READING_MILLI (thousandths of m³ or kWh; -1: not given), replacing what
 * was stored for that month: a month without its use counts the
 * difference from the month before's reading. Requires
 * CH_PERM_HOUSEHOLD_WRITE for the household. Inside the caller's
 * transaction. */
int ch_usage_put(ch_ctx *ctx, int64_t household_id, const char *kind, const char *month,
                 int64_t amount_milli, int64_t reading_milli);

typedef struct ch_usage_flag {
	const char *county, *village, *hh_no, *head_name;
	const char *flag;   /* idle low burden gap */
	const char *reason; /* the figures, in Chinese */
	int is_new;         /* raised by this run */
} ch_usage_flag;

typedef struct ch_usage_check_summary {
	int64_t checked, flagged, new_flags, visits;
	int64_t no_readings; /* commissioned, metered, without any reading of the season */
} ch_usage_check_summary;

/* Checks SEASON ("2023-2024") on DAY (YYYY-MM-DD, the flags' date), over
 * the actor's scope (or COUNTY, checked before anything is read); calls FN
 * for every flag. With VISITS, writes the flags (one transaction, audited)
 * and asks for the visits; without, reports only. Requires CH_PERM_READ,
 * and CH_PERM_HOUSEHOLD_WRITE with VISITS. */
int ch_usage_check(ch_ctx *ctx, const char *season, const char *county, const char *day, int visits,
                   int (*fn)(const ch_usage_flag *f, void *arg), void *arg,
                   ch_usage_check_summary *sum);

#endif
