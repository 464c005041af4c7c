/*
 * money — parse and format integer fen (see money.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/money.h"
#include "util/text.h"

int ch_money_parse(const char *s, int64_t *fen)
{
	char *t = ch_text_normalize(s);
	const char *p = t;
	int neg = 0;
	int64_t v;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (strncmp(p, "\xC2\xA5", 2) == 0) /* ¥ */
		p += 2;
	else if (strncmp(p, "\xEF\xBF\xA5", 3) == 0) /* full-width ￥ */
		p += 3;
	enum ch_num_status st = ch_text_parse_fixed(p, 2, &v);
	free(t);
	if (st != CH_NUM_OK)
		return ch_error_set(CH_EINVALID,
		                    "'%s' is not an amount in yuan with at most two decimals",
		                    s ? s : "");
	*fen = neg ? -v : v;
	return 0;
}

char *ch_money_format(int64_t fen, char *out, size_t outsz)
{
	char digits[32];
	uint64_t u = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(u / 100));
	char grouped[48];
	size_t n = strlen(digits), j = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, outsz, "%s%s.%02u", fen < 0 ? "-" : "", grouped, (unsigned)(u % 100));
	return out;
}

char *ch_money_capitals(int64_t fen, char *out, size_t outsz)
{
	static const char *const digit[10] = {"零", "壹", "贰", "叁", "肆",
	                                      "伍", "陆", "柒", "捌", "玖"};
	static const char *const unit[4] = {"", "拾", "佰", "仟"};
	static const char *const group[5] = {"", "万", "亿", "万亿", "亿亿"};
	uint64_t u = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	uint64_t yuan = u / 100;
	unsigned jiao = (unsigned)(u / 10 % 10), cents = (unsigned)(u % 10);
	char d[24];
	size_t len = 0;
	int n = snprintf(d, sizeof d, "%llu", (unsigned long long)yuan);
	int zero = 0, wrote = 0, in_group = 0;
#define PUT(s) (len += (size_t)snprintf(out + len, len < outsz ? outsz - len : 0, "%s", (s)))
	if (outsz)
		out[0] = '\0';
	if (fen < 0)
		PUT("负");
	for (int i = 0; yuan && i < n; i++) {
		int pos = n - 1 - i; /* the power of ten of this digit */
		int v = d[i] - '0';
		if (v) {
			if (zero)
				PUT("零");
			PUT(digit[v]);
			PUT(unit[pos % 4]);
			zero = 0;
			wrote = in_group = 1;
		} else if (wrote) {
			zero = 1; /* one 零 for a run of zeros, written before the next digit */
		}
		if (pos % 4 == 0) { /* the end of a group of four: 万, 亿 */
			if (in_group)
				PUT(group[pos / 4 < 5 ? pos / 4 : 4]);
			in_group = 0;
		}
	}
	if (yuan)
		PUT("元");
	if (!jiao && !cents) {
		PUT(yuan ? "整" : "零元整");
	} else {
		if (jiao)
			PUT(digit[jiao]), PUT("角");
		else if (yuan)
			PUT("零");
		if (cents)
			PUT(digit[cents]), PUT("分");
	}
#undef PUT
	return out;
}
