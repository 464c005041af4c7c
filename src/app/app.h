/*
 * app — what the operation files (src/app/op_*.c) share, and nothing a
 * front end needs: building a report from a column table, and reading the
 * evidence files an operation is given.
 */
#ifndef CH_APP_APP_H
#define CH_APP_APP_H

#include <stddef.h>
#include <stdint.h>

#include "app/ops.h"
#include "core/event.h"

/* Parameters many operations share, one spec each, so that --year or
 * --today means the same everywhere; HELP says what it is in that
 * operation. */
#define APP_P_YEAR(flags, help)                                                                    \
	{                                                                                          \
		"year", CH_PT_INT, (flags), "Y", NULL, 2000, 2100, (help)                          \
	}
#define APP_P_COUNTY(flags, help)                                                                  \
	{                                                                                          \
		"county", CH_PT_STRING, (flags), "C", NULL, 0, 0, (help)                           \
	}
#define APP_P_SHEET                                                                                \
	{                                                                                          \
		"sheet", CH_PT_STRING, 0, "NAME", NULL, 0, 0, "XLSX 文件中的工作表"         \
	}
#define APP_P_TODAY                                                                                                                      \
	{                                                                                                                                \
		"today", CH_PT_DATE, 0, "D", NULL, 0, 0,                                                                                 \
		    "视作今天的日期，用于测试和补录（只能早于实际日期；晚于它的环节被拒收；默认北" \
		    "京时间今天）"                                                                                                 \
	}

/* One column of a report: its JSON key, its Chinese heading, its kind. */
struct app_col {
	const char *key;
	const char *label;
	enum ch_col_kind kind;
};

/* A new report titled TITLE with the N columns of COLS, in order, so that
 * column I of the report is COLS[I]: callers name columns by an enum. */
ch_report *app_report(const char *title, const struct app_col *cols, size_t n);
#define APP_REPORT(title, cols) app_report((title), (cols), sizeof(cols) / sizeof((cols)[0]))
/* Adds table R to RES when RC is 0 (a failed query shows no empty table),
 * else frees it. Returns RC. */
int app_table_unless(ch_result *res, ch_report *r, int rc);

/* Offers the rejects file PATH an import wrote (its refused rows with an
 * added 错误原因 column) and says so. */
void app_rejects_written(ch_result *res, const char *path);

/* "12.3%": PART of WHOLE with one decimal, rounded; "-" when WHOLE <= 0. */
void app_pct(char *out, size_t outsz, int64_t part, int64_t whole);
/* Sets a cell to hundredths V as a decimal ("101.5", "99"); empty when V < 0. */
void app_set_centi(ch_report *r, int col, int64_t v);

/* Reads the evidence files of the repeated parameter NAME (paths of photos
 * and scans, 32 MiB each at most, 16 files at most: else CH_EUSAGE naming
 * NAME) into *EV (*N of them); app_free_evidence releases them, also after
 * a failure. */
int app_read_evidence(const ch_args *a, const char *name, ch_evidence **ev, size_t *n);
void app_free_evidence(ch_evidence *ev, size_t n);

#endif
