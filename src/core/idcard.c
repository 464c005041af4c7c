/*
 * idcard — GB 11643 identity numbers, phone numbers and the masking of bank
 * accounts (see idcard.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idcard.h"
#include "util/date.h"
#include "util/error.h"
#include "util/text.h"

char ch_idcard_check_char(const char *id17)
{
	static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char checks[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (id17[i] - '0') * weights[i];
	return checks[sum % 11];
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int ch_idcard_normalize(const char *s, const char *today, char out[CH_ID_LEN + 1])
{
	char *t = ch_text_normalize(s);
	char id[CH_ID_LEN + 1];
	size_t n;
	int rc = CH_EINVALID;

	/* drop inner spaces people type to group digits */
	n = 0;
	for (const char *p = t; *p; p++)
		if (*p != ' ')
			t[n++] = *p;
	t[n] = '\0';
	if (n == 0) {
		ch_error_set(CH_EINVALID, "身份证号为空");
		goto done;
	}
	if (strchr(t, 'E') || strchr(t, 'e') || (strchr(t, '.') && n > 10)) {
		ch_error_set(CH_EINVALID,
		             "身份证号「%s」被 Excel "
		             "存成了科学计数法，后几位已丢失，请将该列设为文本后重新填写",
		             t);
		goto done;
	}
	if (n == 15 && all_digits(t, 15)) {
		/* 15-digit numbers: born 19YY, no check character */
		memcpy(id, t, 6);
		memcpy(id + 6, "19", 2);
		memcpy(id + 8, t + 6, 9);
		id[17] = ch_idcard_check_char(id);
	} else if (n == 18 && all_digits(t, 17) &&
	           ((t[17] >= '0' && t[17] <= '9') || t[17] == 'x' || t[17] == 'X')) {
		memcpy(id, t, 18);
		if (id[17] == 'x')
			id[17] = 'X';
		char want = ch_idcard_check_char(id);
		if (want != id[17]) {
			ch_error_set(CH_EINVALID, "身份证号「%s」校验位错误（应为 %c）", t, want);
			goto done;
		}
	} else {
		ch_error_set(CH_EINVALID, "身份证号「%s」应为 18 位（或旧 15 位）数字，末位可为 X",
		             t);
		goto done;
	}
	id[18] = '\0';
	int y = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
	int m = (id[10] - '0') * 10 + (id[11] - '0');
	int d = (id[12] - '0') * 10 + (id[13] - '0');
	/* YYYY-MM-DD from the digits themselves (what "%04d-%02d-%02d" of
	 * Y, M and D would give), without snprintf: once a row of a
	 * million-row register */
	char birth[11] = {id[6],  id[7], id[8],  id[9],  '-', id[10],
	                  id[11], '-',   id[12], id[13], '\0'};
	if (!ch_date_valid(y, m, d) || (today && strcmp(birth, today) > 0)) {
		ch_error_set(CH_EINVALID, "身份证号「%s」中的出生日期 %.8s 无效", t, id + 6);
		goto done;
	}
	memcpy(out, id, sizeof id);
	rc = 0;
done:
	free(t);
	return rc;
}

void ch_idcard_mask(const char *id, char *out, size_t outsz)
{
	size_t n = strlen(id);
	if (n < 10) {
		snprintf(out, outsz, "%s", "****");
		return;
	}
	snprintf(out, outsz, "%.6s%.*s%s", id, (int)(n - 10), "********************", id + n - 4);
}

int ch_phone_normalize(const char *s, char *out, size_t outsz)
{
	char *t = ch_text_normalize(s);
	char digits[32];
	size_t n = 0, dash = 0;
	int rc = CH_EINVALID;
	const char *p = t;

	if (strncmp(p, "+86", 3) == 0)
		p += 3;
	else if (strncmp(p, "86", 2) == 0 && strlen(p) == 13)
		p += 2;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof digits)
				goto bad;
			digits[n++] = *p;
		} else if (*p == '-' || *p == ' ') {
			if (*p == '-' && !dash)
				dash = n;
		} else {
			goto bad;
		}
	}
	digits[n] = '\0';
	if (n == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9') {
		snprintf(out, outsz, "%s", digits);
		rc = 0;
		goto done;
	}
	/* landline: 0 + 2-3 digit area code, then 7-8 digits */
	if (digits[0] == '0' && n >= 10 && n <= 12) {
		size_t area = dash ? dash : (digits[1] == '1' || digits[1] == '2') ? 3 : 4;
		size_t local = n - area;
		if (area >= 3 && area <= 4 && local >= 7 && local <= 8) {
			snprintf(out, outsz, "%.*s-%s", (int)area, digits, digits + area);
			rc = 0;
			goto done;
		}
	}
bad:
	ch_error_set(CH_EINVALID, "联系电话「%s」不是手机号（11 位）或带区号的固定电话", t);
done:
	free(t);
	return rc;
}

void ch_phone_mask(const char *phone, char *out, size_t outsz)
{
	size_t n = strlen(phone);
	const char *dash = strchr(phone, '-');
	if (dash && n - (size_t)(dash - phone) > 4)
		snprintf(out, outsz, "%.*s-****%s", (int)(dash - phone), phone, phone + n - 3);
	else if (n >= 11)
		snprintf(out, outsz, "%.3s****%s", phone, phone + n - 4);
	else
		snprintf(out, outsz, "****");
}

void ch_account_mask(const char *account, char *out, size_t outsz)
{
	size_t n = strlen(account);
	if (n < 10) {
		snprintf(out, outsz, "%s", "****");
		return;
	}
	snprintf(out, outsz, "%.4s%.*s%s", account, (int)(n - 8), "************************",
	         account + n - 4);
}
