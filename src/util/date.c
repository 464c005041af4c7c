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

int ch_date_parse(const char *s, ch_date *d)
{
	char *t = ch_text_normalize(s);
	const char *p = t;
	int y, m, dd, ok;
	ok = read_num(&p, 4, &y) && skip_sep(&p, "年") && read_num(&p, 2, &m) &&
	     skip_sep(&p, "月") && read_num(&p, 2, &dd);
	if (ok && strncmp(p, "日", strlen("日")) == 0)
		p += strlen("日");
	ok = ok && *p == '\0' && ch_date_valid(y, m, dd);
	if (!ok) {
		ch_error_set(CH_EINVALID, "'%s' is not a date (expected YYYY-MM-DD)", s ? s : "");
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
