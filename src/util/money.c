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
