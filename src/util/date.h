/*
 * date — calendar dates (Beijing time) and UTC timestamps.
 *
 * Dates of work (started, installed, reviewed) are civil dates as written on
 * forms, kept as ISO 8601 "YYYY-MM-DD". Offices also write 2023/5/31,
 * 2023.5.31 and 2023年5月31日; spreadsheets give 20230720, a date with its
 * time of day (2023-07-20 08:30:00, the time dropped) or, in a CSV saved
 * from Excel, the day's serial number (45127). All parse to the same date.
 * A date with the year last (7/20/2023) is refused: whether 7/8/2023 is
 * July or August is a guess. Stored timestamps
 * (audit entries) are UTC "YYYY-MM-DDTHH:MM:SSZ".
 */
#ifndef CH_UTIL_DATE_H
#define CH_UTIL_DATE_H

#include <stddef.h>

typedef struct ch_date {
	int year, month, day;
} ch_date;

/* The accepted ways of writing a date, for messages that ask for one. */
#define CH_DATE_FORMATS                                                                            \
	"2023-07-20、2023/7/20、2023.7.20、2023年7月20日、20230720、"                      \
	"2023-07-20 08:30:00（时刻不计）或 Excel 日期序号（如 45127）"

/* Parses S into D; returns 0 or CH_EINVALID (with a message in Chinese
 * naming CH_DATE_FORMATS) for a malformed or impossible date such as
 * 2023-02-30. A five-digit number is an Excel serial in the 1900 system. */
int ch_date_parse(const char *s, ch_date *d);
/* The day of Excel serial SERIAL (the 1900 system, or the 1904 one when
 * DATE1904) into D; CH_EINVALID for a serial outside 0..9999-12-31 or for
 * Excel's fictitious 1900-02-29 (serial 60). */
int ch_date_from_excel(long serial, int date1904, ch_date *d);
/* 1 when Y-M-D is a real calendar date. */
int ch_date_valid(int y, int m, int d);
/* Writes "YYYY-MM-DD" into OUT (at least 11 bytes). */
void ch_date_format(const ch_date *d, char *out, size_t outsz);
/* ISO date ISO ("YYYY-MM-DD...") as people read it, 2023年5月31日, into
 * OUT (at least 20 bytes); a text that is no date is copied as it is. */
void ch_date_chinese(const char *iso, char *out, size_t outsz);
/* Days since 1970-01-01 (negative before). */
long ch_date_days(const ch_date *d);
/* The date DAYS days after 1970-01-01. */
void ch_date_from_days(long days, ch_date *d);
/* Day of the week, Monday 1 to Sunday 7. */
int ch_date_weekday(const ch_date *d);
/* The ISO 8601 week D falls in: *YEAR (which may differ from D's year at
 * the turn of the year) and *WEEK (1-53). */
void ch_date_iso_week(const ch_date *d, int *year, int *week);
/* The Sunday that ends ISO week WEEK of YEAR. */
void ch_date_iso_week_end(int year, int week, ch_date *d);
/* The current date in Beijing (UTC+8) as YYYY-MM-DD into OUT (11+ bytes). */
void ch_today_beijing(char *out, size_t outsz);
/* Today in Beijing, or GIVEN ("YYYY-MM-DD...", may be NULL) when that is
 * earlier: commands take a --today for tests and for entering past
 * records, and it may only move today back, so that it can never be used
 * to record a date that has not come yet. */
void ch_today_at_most(const char *given, char *out, size_t outsz);
/* UTC timestamp UTC ("YYYY-MM-DDTHH:MM:SSZ") as Beijing time (UTC+8)
 * "YYYY-MM-DD HH:MM:SS" into OUT (20+ bytes); a text of another form is
 * copied as it is. */
void ch_utc_to_beijing(const char *utc, char *out, size_t outsz);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into OUT (21+ bytes). */
void ch_now_utc(char *out, size_t outsz);

#endif
