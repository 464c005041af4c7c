/*
 * text — UTF-8 decoding, normalisation of spreadsheet text, display width,
 * number parsing and writing, and JSON strings (see text.h).
 */
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/text.h"

int ch_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (len == 0)
		return 0;
	unsigned char c = s[0];
	int n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	for (int i = 1; i < n; i++) {
		if ((size_t)i >= len)
			return -2;
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*cp = v;
	return n;
}

size_t ch_utf8_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

int ch_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t ch_utf8_valid_prefix(const char *s, size_t len, int *cut)
{
	size_t i = 0;
	if (cut)
		*cut = 0;
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int n = ch_utf8_decode(s + i, len - i, &cp);
		if (n == -2 && cut)
			*cut = 1;
		if (n <= 0)
			break;
		i += (size_t)n;
	}
	return i;
}

static int is_blank_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000 ||
	       cp == 0x00A0 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009;
}

static int is_dropped_cp(uint32_t cp)
{
	return cp == 0xFEFF || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060;
}

/* 1 when S is already in normal form: no blanks at the ends or twice in a
 * row, no control blanks, and no byte that can start one of the characters
 * normalisation changes (U+00A0, U+2000-U+206F, U+3000, U+FEFF, U+FF01-
 * U+FF5E all start with C2, E2, E3 or EF). Most cells pass, and are copied. */
static int already_normal(const char *s, size_t *len)
{
	/* the bytes to look at twice: the end, a space, and those above
	 * (one look-up a byte, every cell of a large import passes here) */
	static const unsigned char stop[256] = {
	    ['\0'] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1,
	    [0xC2] = 1, [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
	};
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	if (*p == ' ')
		return 0;
	for (;; n++) {
		while (!stop[p[n]])
			n++;
		if (p[n] == '\0')
			break;
		if (p[n] != ' ' || p[n + 1] == ' ' || p[n + 1] == '\0')
			return 0;
	}
	*len = n;
	return 1;
}

/* Appends the normal form of S (not NULL, not already normal) and its
 * NUL to B: the work of ch_text_normalize and ch_text_normalize_to once
 * each has found S not already normal. */
static void normalize_into(ch_buf *b, const char *s)
{
	size_t start = b->len, len = strlen(s);
	int pending_space = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = ch_utf8_decode(s + i, len - i, &cp);
		if (n <= 0) { /* not UTF-8: keep the byte, the caller validated */
			cp = (unsigned char)s[i];
			n = 1;
			ch_buf_putc(b, (char)cp);
			i++;
			continue;
		}
		i += (size_t)n;
		if (is_dropped_cp(cp))
			continue;
		if (is_blank_cp(cp)) {
			pending_space = b->len > start;
			continue;
		}
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		if (pending_space)
			ch_buf_putc(b, ' ');
		pending_space = 0;
		char enc[4];
		ch_buf_put(b, enc, (size_t)ch_utf8_encode(cp, enc));
	}
	ch_buf_putc(b, '\0');
}

size_t ch_text_normalize_to(ch_buf *b, const char *s)
{
	size_t start = b->len, len;
	if (!s)
		ch_buf_putc(b, '\0');
	else if (already_normal(s, &len))
		ch_buf_put(b, s, len + 1);
	else
		normalize_into(b, s);
	return start;
}

char *ch_text_normalize(const char *s)
{
	ch_buf b;
	size_t len;
	if (s && already_normal(s, &len)) {
		char *copy = ch_malloc(len + 1);
		memcpy(copy, s, len + 1);
		return copy;
	}
	ch_buf_init(&b);
	if (s)
		normalize_into(&b, s);
	return ch_buf_detach(&b);
}

static int is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	       (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t ch_text_width(const char *s)
{
	size_t w = 0, len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = ch_utf8_decode(s + i, len - i, &cp);
		if (n <= 0) {
			i++;
			w++;
			continue;
		}
		i += (size_t)n;
		w += is_wide(cp) ? 2 : 1;
	}
	return w;
}

enum ch_num_status ch_text_parse_count(const char *s, int64_t *out)
{
	char *t = ch_text_normalize(s);
	enum ch_num_status st = CH_NUM_INVALID;
	const char *p = t;
	int neg = 0;
	int64_t v = 0;
	int digits = 0, group = -1; /* digits since the last comma, -1 before any */

	if (*p == '\0') {
		st = CH_NUM_EMPTY;
		goto done;
	}
	/* U+2212 MINUS SIGN is E2 88 92 */
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	} else if (strncmp(p, "\xE2\x88\x92", 3) == 0) {
		neg = 1;
		p += 3;
	}
	for (; *p && *p != '.'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (v > (INT64_MAX - (*p - '0')) / 10)
				goto done;
			v = v * 10 + (*p - '0');
			digits++;
			if (group >= 0)
				group++;
		} else if (*p == ',') {
			/* the first group has 1-3 digits, later ones exactly 3 */
			if (digits == 0 || (group < 0 && digits > 3) || (group >= 0 && group != 3))
				goto done;
			group = 0;
		} else {
			goto done;
		}
	}
	if (digits == 0 || (group >= 0 && group != 3))
		goto done;
	if (*p == '.') {
		for (p++; *p == '0'; p++)
			;
		if (*p)
			goto done;
	}
	*out = neg ? -v : v;
	st = CH_NUM_OK;
done:
	free(t);
	return st;
}

enum ch_num_status ch_text_parse_fixed(const char *s, int decimals, int64_t *out)
{
	char *t = ch_text_normalize(s);
	enum ch_num_status st = CH_NUM_INVALID;
	int64_t v = 0;
	int places = -1, digits = 0, group = -1; /* digits since the last comma */
	if (!*t) {
		st = CH_NUM_EMPTY;
		goto done;
	}
	for (const char *p = t; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (places == decimals || v > (INT64_MAX - (*p - '0')) / 10)
				goto done;
			v = v * 10 + (*p - '0');
			digits++;
			if (places >= 0)
				places++;
			else if (group >= 0)
				group++;
		} else if (*p == ',' && places < 0) {
			/* thousands separators: 1-3 digits first, then groups of 3 */
			if (digits == 0 || (group < 0 && digits > 3) || (group >= 0 && group != 3))
				goto done;
			group = 0;
		} else if (*p == '.' && places < 0) {
			if (group >= 0 && group != 3)
				goto done;
			group = -1;
			places = 0;
		} else {
			goto done;
		}
	}
	if (digits == 0 || (group >= 0 && group != 3))
		goto done;
	for (int d = places < 0 ? 0 : places; d < decimals; d++) {
		if (v > INT64_MAX / 10)
			goto done;
		v *= 10;
	}
	*out = v;
	st = CH_NUM_OK;
done:
	free(t);
	return st;
}

int ch_str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int ch_str_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int ch_str_contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

int ch_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *ch_label_of(const ch_label *table, const char *key)
{
	for (; table->key; table++)
		if (strcmp(table->key, key) == 0)
			return table->label;
	return key;
}

int ch_str_in_list(const char *s, const char *list)
{
	size_t n = strlen(s);
	while (*list) {
		const char *bar = strchr(list, '|');
		size_t len = bar ? (size_t)(bar - list) : strlen(list);
		if (len == n && strncmp(list, s, n) == 0)
			return 1;
		list += len + (bar ? 1 : 0);
	}
	return 0;
}

/* Decodes up to MAX code points of S into OUT; returns how many. */
static size_t code_points(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0, len = strlen(s);
	while (len && n < max) {
		int k = ch_utf8_decode(s, len, &out[n]);
		if (k <= 0)
			break;
		s += k;
		len -= (size_t)k;
		n++;
	}
	return n;
}

size_t ch_text_distance(const char *a, const char *b)
{
	enum { MAX = 64 };
	uint32_t x[MAX], y[MAX];
	size_t row[MAX + 1];
	size_t n = code_points(a ? a : "", x, MAX), m = code_points(b ? b : "", y, MAX);
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (x[i - 1] != y[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[m];
}

int ch_text_formula_like(const char *s)
{
	if (!s || !*s || !strchr("=+-@\t\r", *s))
		return 0;
	/* a sign alone ("-" for no value) or a plain signed number (-12.50,
	 * +3, -1,234.5, -12.5%) is no formula */
	if (*s == '-' || *s == '+') {
		const char *p = s + 1;
		while ((*p >= '0' && *p <= '9') || *p == '.' || *p == ',')
			p++;
		if (*p == '%')
			p++;
		if (!*p)
			return 0;
	}
	return 1;
}

int ch_text_put_json(ch_buf *b, const char *s)
{
	size_t len = strlen(s);
	if (ch_utf8_valid_prefix(s, len, NULL) != len)
		return -1;
	ch_buf_grow(b, len + 2);
	ch_buf_putc(b, '"');
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ch_buf_put(b, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"':
			ch_buf_puts(b, "\\\"");
			break;
		case '\\':
			ch_buf_puts(b, "\\\\");
			break;
		case '\b':
			ch_buf_puts(b, "\\b");
			break;
		case '\f':
			ch_buf_puts(b, "\\f");
			break;
		case '\n':
			ch_buf_puts(b, "\\n");
			break;
		case '\r':
			ch_buf_puts(b, "\\r");
			break;
		case '\t':
			ch_buf_puts(b, "\\t");
			break;
		default: {
			static const char hex[] = "0123456789ABCDEF";
			char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			ch_buf_put(b, u, sizeof u);
		}
		}
	}
	ch_buf_put(b, run, (size_t)(s + len - run));
	ch_buf_putc(b, '"');
	return 0;
}

const char *ch_text_i64(char buf[24], int64_t v)
{
	char *p = buf + 23;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return p;
}
