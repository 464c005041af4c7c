/*
 * date — parse, validate and format dates (see date.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/date.h"
#include "util/error.h"
#include "util/text.h"

int ch_date_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Reads 1..MAXD digits at *P into *V; returns 1 on success. */
static int read_num(const char **p, int maxd, int *v)
{
	int n = 0, x = 0;
	while (**p >= '0' && **p <= '9' && n < maxd) {
		x = x * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*v = x;
	return n > 0;
}

/* Skips one separator: - / . or the CJK 年 / 月 (both 3 bytes in UTF-8). */
static int skip_sep(const char **p, const char *cjk)
{
	if (**p == '-' || **p == '/' || **p == '.') {
		(*p)++;
		return 1;
	}
	if (cjk && strncmp(*p, cjk, strlen(cjk)) == 0) {
		*p += strlen(cjk);
		return 1;
	}
	return 0;
}

/* Reads an optional time of day after a date: " 08:30", "T08:30:00",
 * " 8:30:00.000". Returns 1 when P is at the end after it. */
static int skip_time(const char *p)
{
	int h, m, sec = 0;
	if (*p != ' ' && *p != 'T')
		return *p == '\0';
	p++;
	if (!read_num(&p, 2, &h) || *p++ != ':' || !read_num(&p, 2, &m))
		return 0;
	if (*p == ':') {
		p++;
		if (!read_num(&p, 2, &sec))
			return 0;
		if (*p == '.') {
			int frac;
			p++;
			if (!read_num(&p, 6, &frac))
				return 0;
		}
	}
	return *p == '\0' && h < 24 && m < 60 && sec < 60;
}

int ch_date_from_excel(long serial, int date1904, ch_date *d)
{
	if (serial < 0 || serial > 2958465)
		return CH_EINVALID;
	if (!date1904 && serial == 60) /* Excel's fictitious 1900-02-29 */
		return CH_EINVALID;
	/* serial 1 is 1900-01-01 and, past Excel's 1900-02-29, one day behind;
	 * in the 1904 system serial 0 is 1904-01-01 */
	ch_date_from_days(serial + (date1904 ? -24107 : serial < 60 ? -25568 : -25569), d);
	return 0;
}

int ch_date_parse(const char *s, ch_date *d)
{
	char *t = ch_text_normalize(s);
	const char *p = t;
	size_t len = strlen(t), digits = strspn(t, "0123456789");
	int y = 0, m = 0, dd = 0, ok;

	if (digits == len && len == 8) { /* 20230720 */
		y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
		m = (t[4] - '0') * 10 + (t[5] - '0');
		dd = (t[6] - '0') * 10 + (t[7] - '0');
		ok = 1;
	} else if (digits == len && len == 5) { /* an Excel serial: 45127 */
		ch_date x = {0, 0, 0};
		ok = ch_date_from_excel(strtol(t, NULL, 10), 0, &x) == 0;
		y = x.year, m = x.month, dd = x.day;
	} else {
		ok = read_num(&p, 4, &y) && p - t == 4 && skip_sep(&p, "年") &&
		     read_num(&p, 2, &m) && skip_sep(&p, "月") && read_num(&p, 2, &dd);
		if (ok && strncmp(p, "日", strlen("日")) == 0)
			p += strlen("日");
		ok = ok && skip_time(p);
	}
	ok = ok && ch_date_valid(y, m, dd);
	if (!ok) {
		int yl = 0;
		/* 7/20/2023 or 20/7/2023: the year last, the order of month and
		 * day is a guess we do not make */
		if (len >= 8 && digits >= 1 && digits <= 2) {
			const char *q = t + len - 4;
			yl = strspn(q, "0123456789") == 4 &&
			     (q[-1] == '/' || q[-1] == '-' || q[-1] == '.');
		}
		if (yl)
			ch_error_set(CH_EINVALID,
			             "「%s」不是可用的日期：年份写在后面时分不清月和日，请写作 "
			             "%s",
			             s, CH_DATE_FORMATS);
		else
			ch_error_set(CH_EINVALID, "「%s」不是日期：请写作 %s", s ? s : "",
			             CH_DATE_FORMATS);
		free(t);
		return CH_EINVALID;
	}
	free(t);
	d->year = y;
	d->month = m;
	d->day = dd;
	return 0;
}

void ch_date_format(const ch_date *d, char *out, size_t outsz)
{
	snprintf(out, outsz, "%04d-%02d-%02d", d->year, d->month, d->day);
}

long ch_date_days(const ch_date *d)
{
	/* days from civil, after H. Hinnant */
	long y = d->year - (d->month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (d->month + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d->day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ch_now_utc(char *out, size_t outsz)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ch_date_from_days(long z, ch_date *d)
{
	/* civil from days, after H. Hinnant */
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	d->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d->year = (int)(y + (d->month <= 2));
}

int ch_date_weekday(const ch_date *d)
{
	long days = ch_date_days(d);
	/* 1970-01-01 was a Thursday (4) */
	long w = (days + 3) % 7;
	if (w < 0)
		w += 7;
	return (int)w + 1;
}

void ch_date_iso_week(const ch_date *d, int *year, int *week)
{
	ch_date thu, jan1;
	ch_date_from_days(ch_date_days(d) - ch_date_weekday(d) + 4, &thu);
	jan1 = (ch_date){thu.year, 1, 1};
	*year = thu.year;
	*week = (int)((ch_date_days(&thu) - ch_date_days(&jan1)) / 7) + 1;
}

void ch_date_iso_week_end(int year, int week, ch_date *d)
{
	ch_date jan4 = {year, 1, 4};
	long monday1 = ch_date_days(&jan4) - ch_date_weekday(&jan4) + 1;
	ch_date_from_days(monday1 + 7L * (week - 1) + 6, d);
}

void ch_today_beijing(char *out, size_t outsz)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%d", &tm);
}

void ch_today_at_most(const char *given, char *out, size_t outsz)
{
	char today[11];
	ch_today_beijing(today, sizeof today);
	if (given && strncmp(given, today, 10) < 0)
		snprintf(out, outsz, "%.10s", given);
	else
		snprintf(out, outsz, "%s", today);
}

void ch_utc_to_beijing(const char *utc, char *out, size_t outsz)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!utc ||
	    sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    utc[n] != '\0' || !ch_date_valid(y, mo, d)) {
		snprintf(out, outsz, "%s", utc ? utc : "");
		return;
	}
	ch_date day = {y, mo, d};
	h += 8;
	if (h >= 24) {
		h -= 24;
		ch_date_from_days(ch_date_days(&day) + 1, &day);
	}
	snprintf(out, outsz, "%04d-%02d-%02d %02d:%02d:%02d", day.year, day.month, day.day, h, mi,
	         sec);
}

void ch_date_chinese(const char *iso, char *out, size_t outsz)
{
	int y, m, d;
	if (iso && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && ch_date_valid(y, m, d))
		snprintf(out, outsz, "%d年%d月%d日", y, m, d);
	else
		snprintf(out, outsz, "%s", iso ? iso : "");
}
