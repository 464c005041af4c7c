/*
 * test_util — the utility layer: UTF-8 decoding and encoding, normalising
 * spreadsheet text (full-width forms, ideographic and no-break spaces,
 * zero-width characters), display width, parsing household counts, money
 * in fen, civil dates, the growable buffer and string vector, the error
 * state with its field and its exit statuses, HTTP statuses and JSON codes,
 * allocation helpers, BLAKE2b-256 digests, loading a library once on first
 * use (a missing library or function keeps its reason), the map from
 * ids to 32-bit values (against a plain sorted list of the same pairs), and
 * blocks of one size from a range of huge pages.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include <jansson.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/dl.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/huge_blocks.h"
#include "util/idmap.h"
#include "util/money.h"
#include "util/strtab.h"
#include "util/strv.h"
#include "util/text.h"

/* ---- UTF-8 ---- */

/* Decodes S (LEN bytes) expecting return value WANT and, when WANT > 0,
 * code point CP. */
static void expect_decode(const char *s, size_t len, int want, uint32_t cp)
{
	uint32_t got = 0xDEADBEEF;
	int n = ch_utf8_decode(s, len, &got);
	if (n != want)
		fail_msg("decode of %zu byte(s) starting 0x%02X: got %d, want %d", len,
		         len ? (unsigned char)s[0] : 0, n, want);
	if (want > 0 && got != cp)
		fail_msg("decode: got U+%04X, want U+%04X", (unsigned)got, (unsigned)cp);
}

static void test_utf8_decode_valid(void **state)
{
	(void)state;
	expect_decode("A", 1, 1, 'A');
	expect_decode("\x7F", 1, 1, 0x7F);
	expect_decode("\xC3\xA9", 2, 2, 0xE9);       /* é */
	expect_decode("\xC2\x80", 2, 2, 0x80);       /* smallest 2-byte */
	expect_decode("\xDF\xBF", 2, 2, 0x7FF);      /* largest 2-byte */
	expect_decode("\xE0\xA0\x80", 3, 3, 0x800);  /* smallest 3-byte */
	expect_decode("\xE6\x98\x8C", 3, 3, 0x660C); /* 昌 */
	expect_decode("\xE3\x80\x80", 3, 3, 0x3000); /* ideographic space */
	expect_decode("\xEF\xBF\xBF", 3, 3, 0xFFFF);
	expect_decode("\xF0\x90\x80\x80", 4, 4, 0x10000);
	expect_decode("\xF0\x9F\x98\x80", 4, 4, 0x1F600);
	expect_decode("\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF);
	/* only the first code point is decoded */
	expect_decode("\xE6\x98\x8C\xE5\x90\x89", 6, 3, 0x660C);
	expect_decode("ab", 2, 1, 'a');
	/* empty input */
	expect_decode("", 0, 0, 0);
}

static void test_utf8_decode_invalid(void **state)
{
	(void)state;
	expect_decode("\x80", 1, -1, 0); /* lone continuation byte */
	expect_decode("\xBF", 1, -1, 0);
	expect_decode("\xC0\x80", 2, -1, 0);         /* overlong NUL */
	expect_decode("\xC1\xBF", 2, -1, 0);         /* overlong 0x7F */
	expect_decode("\xE0\x80\x80", 3, -1, 0);     /* overlong NUL, 3 bytes */
	expect_decode("\xE0\x9F\xBF", 3, -1, 0);     /* overlong 0x7FF */
	expect_decode("\xF0\x80\x80\x80", 4, -1, 0); /* overlong NUL, 4 bytes */
	expect_decode("\xF0\x8F\xBF\xBF", 4, -1, 0); /* overlong 0xFFFF */
	expect_decode("\xED\xA0\x80", 3, -1, 0);     /* U+D800, a surrogate */
	expect_decode("\xED\xBF\xBF", 3, -1, 0);     /* U+DFFF */
	expect_decode("\xF4\x90\x80\x80", 4, -1, 0); /* U+110000, past Unicode */
	expect_decode("\xF5\x80\x80\x80", 4, -1, 0);
	expect_decode("\xFE", 1, -1, 0);
	expect_decode("\xFF", 1, -1, 0);
	expect_decode("\xC3\x41", 2, -1, 0); /* continuation missing */
	expect_decode("\xE6\x98\x41", 3, -1, 0);
	expect_decode("\xF0\x9F\x98\x41", 4, -1, 0);
	expect_decode("\xE6\xC3\xA9", 3, -1, 0); /* a lead byte where a continuation belongs */
}

static void test_utf8_decode_cut(void **state)
{
	(void)state;
	expect_decode("\xC3", 1, -2, 0);
	expect_decode("\xE6", 1, -2, 0);
	expect_decode("\xE6\x98", 2, -2, 0);
	expect_decode("\xF0\x9F", 2, -2, 0);
	expect_decode("\xF0\x9F\x98", 3, -2, 0);
	/* LEN limits the read even when more bytes follow in memory */
	expect_decode("\xE6\x98\x8C", 2, -2, 0);
}

static void test_utf8_encode_round_trip(void **state)
{
	(void)state;
	static const struct {
		uint32_t cp;
		int len;
		const char *bytes;
	} cases[] = {
	    {0x00, 1, "\x00"},
	    {'A', 1, "A"},
	    {0x7F, 1, "\x7F"},
	    {0x80, 2, "\xC2\x80"},
	    {0xA0, 2, "\xC2\xA0"},
	    {0x7FF, 2, "\xDF\xBF"},
	    {0x800, 3, "\xE0\xA0\x80"},
	    {0x3000, 3, "\xE3\x80\x80"},
	    {0x660C, 3, "\xE6\x98\x8C"},
	    {0xFF11, 3, "\xEF\xBC\x91"},
	    {0xFFFF, 3, "\xEF\xBF\xBF"},
	    {0x10000, 4, "\xF0\x90\x80\x80"},
	    {0x1F600, 4, "\xF0\x9F\x98\x80"},
	    {0x10FFFF, 4, "\xF4\x8F\xBF\xBF"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[4] = {0};
		int n = ch_utf8_encode(cases[i].cp, out);
		assert_int_equal(n, cases[i].len);
		assert_memory_equal(out, cases[i].bytes, (size_t)n);
		uint32_t back = 0xDEADBEEF;
		assert_int_equal(ch_utf8_decode(out, (size_t)n, &back), n);
		assert_int_equal(back, cases[i].cp);
	}
	/* every code point of the Basic Multilingual Plane outside the
	 * surrogates, and a sample above it */
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp = cp < 0x10000 ? cp + 1 : cp + 0x101) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char out[4];
		uint32_t back;
		int n = ch_utf8_encode(cp, out);
		if (ch_utf8_decode(out, (size_t)n, &back) != n || back != cp)
			fail_msg("U+%04X does not round-trip", (unsigned)cp);
	}
}

static void test_utf8_valid_prefix(void **state)
{
	(void)state;
	int cut = -1;
	const char *s = "ab\xE6\x98\x8C\xE5\x90\x89"; /* ab昌吉 */
	size_t len = strlen(s);

	assert_int_equal(ch_utf8_valid_prefix(s, len, &cut), len);
	assert_int_equal(cut, 0);

	/* 吉 cut after one and after two of its three bytes */
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix(s, len - 1, &cut), 5);
	assert_int_equal(cut, 1);
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix(s, len - 2, &cut), 5);
	assert_int_equal(cut, 1);
	/* cut inside the first multibyte character */
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix(s, 3, &cut), 2);
	assert_int_equal(cut, 1);
	/* a cut 4-byte sequence */
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix("x\xF0\x9F\x98", 4, &cut), 1);
	assert_int_equal(cut, 1);

	/* invalid bytes stop the prefix but are not a cut */
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix("ab\xFF\x63\x64", 5, &cut), 2);
	assert_int_equal(cut, 0);
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix("ab\xC0\x80", 4, &cut), 2);
	assert_int_equal(cut, 0);
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix("\xED\xA0\x80z", 4, &cut), 0);
	assert_int_equal(cut, 0);

	/* empty input; CUT may be NULL */
	cut = -1;
	assert_int_equal(ch_utf8_valid_prefix("", 0, &cut), 0);
	assert_int_equal(cut, 0);
	assert_int_equal(ch_utf8_valid_prefix(s, len - 1, NULL), 5);
	assert_int_equal(ch_utf8_valid_prefix("plain ascii", 11, NULL), 11);
}

/* ---- normalising and measuring text ---- */

static void expect_norm(const char *in, const char *want)
{
	char *got = ch_text_normalize(in);
	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("normalize(\"%s\") = \"%s\", want \"%s\"", in ? in : "(null)", got, want);
	free(got);
	/* appended after a text already in a buffer: the same, with its NUL,
	 * and the text before it as it was */
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_put(&b, "before", sizeof "before");
	size_t at = ch_text_normalize_to(&b, in);
	assert_int_equal(at, sizeof "before");
	if (strcmp(b.ptr + at, want) != 0)
		fail_msg("normalize_to(\"%s\") = \"%s\", want \"%s\"", in ? in : "(null)",
		         b.ptr + at, want);
	assert_int_equal(b.len, at + strlen(want) + 1);
	assert_string_equal(b.ptr, "before");
	ch_buf_dispose(&b);
}

static void test_text_normalize(void **state)
{
	(void)state;
	/* full-width ASCII forms U+FF01..U+FF5E */
	expect_norm("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",
	            "ABC123"); /* ＡＢＣ１２３ */
	expect_norm("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x8C\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x91",
	            "13,561");                                 /* １３，５６１ */
	expect_norm("\xEF\xBC\x81", "!");                      /* U+FF01, first */
	expect_norm("\xEF\xBD\x9E", "~");                      /* U+FF5E, last */
	expect_norm("\xEF\xBC\x88昌吉\xEF\xBC\x89", "(昌吉)"); /* （昌吉） */
	expect_norm("\xEF\xBD\x9F", "\xEF\xBD\x9F");           /* U+FF5F stays */
	expect_norm("\xEF\xBD\xB1", "\xEF\xBD\xB1");           /* half-width katakana stays */
	/* the ideographic space and NBSP are spaces, trimmed and folded */
	expect_norm("\xE3\x80\x80木垒县\xE3\x80\x80", "木垒县");
	expect_norm("木垒\xE3\x80\x80\xE3\x80\x80县", "木垒 县");
	expect_norm("a\xC2\xA0\xC2\xA0"
	            "b",
	            "a b");
	expect_norm("\xC2\xA0x\xC2\xA0", "x");
	expect_norm("  a   b  ", "a b");
	expect_norm("a  b", "a b");
	expect_norm("a b ", "a b");
	expect_norm("a b c", "a b c");
	expect_norm("\tA\t\tB\r\n", "A B");
	expect_norm("a \xE3\x80\x80\xC2\xA0\t b", "a b");
	/* zero-width characters and the BOM are dropped */
	expect_norm("\xEF\xBB\xBF昌吉市", "昌吉市");
	expect_norm("昌\xE2\x80\x8B吉\xE2\x80\x8C市\xE2\x80\x8D", "昌吉市");
	expect_norm("\xE2\x81\xA0x", "x");
	expect_norm("a \xE2\x80\x8B b", "a b");
	expect_norm("\xEF\xBB\xBF  \xE2\x80\x8B ", "");
	/* plain text is unchanged; NULL and blanks give "" */
	expect_norm("昌吉回族自治州", "昌吉回族自治州");
	expect_norm("", "");
	expect_norm("   ", "");
	expect_norm("\xE3\x80\x80", "");
	expect_norm(NULL, "");
}

static void test_text_width(void **state)
{
	(void)state;
	assert_int_equal(ch_text_width(""), 0);
	assert_int_equal(ch_text_width("abc"), 3);
	assert_int_equal(ch_text_width("昌吉市"), 6);
	assert_int_equal(ch_text_width("木垒哈萨克自治县"), 16);
	assert_int_equal(ch_text_width("a昌"), 3);
	assert_int_equal(ch_text_width("\xEF\xBC\xA1\xEF\xBC\xA2"), 4); /* ＡＢ */
	assert_int_equal(ch_text_width("\xE3\x80\x80"), 2);             /* ideographic space */
	assert_int_equal(ch_text_width("\xEF\xBC\x8C"), 2);             /* ， */
	assert_int_equal(ch_text_width("\xC3\xA9"), 1);                 /* é */
	assert_int_equal(ch_text_width("13,561 户"), 9);
}

static void expect_count(const char *s, enum ch_num_status want, int64_t value)
{
	int64_t v = -777;
	enum ch_num_status st = ch_text_parse_count(s, &v);
	if (st != want)
		fail_msg("parse_count(\"%s\") status %d, want %d", s, st, want);
	if (want == CH_NUM_OK && v != value)
		fail_msg("parse_count(\"%s\") = %lld, want %lld", s, (long long)v,
		         (long long)value);
}

static void test_text_parse_count(void **state)
{
	(void)state;
	expect_count("13561", CH_NUM_OK, 13561);
	expect_count("13,561", CH_NUM_OK, 13561);
	expect_count("\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x8C\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x91",
	             CH_NUM_OK, 13561); /* １３，５６１ */
	expect_count(" 42 ", CH_NUM_OK, 42);
	expect_count("\xE3\x80\x80"
	             "42\xE3\x80\x80",
	             CH_NUM_OK, 42);
	expect_count("0", CH_NUM_OK, 0);
	expect_count("-5", CH_NUM_OK, -5);
	expect_count("\xE2\x88\x92"
	             "5",
	             CH_NUM_OK, -5); /* U+2212 MINUS SIGN */
	expect_count("+7", CH_NUM_OK, 7);
	expect_count("13561.00", CH_NUM_OK, 13561);
	expect_count("13561.0", CH_NUM_OK, 13561);
	expect_count("13,561.00", CH_NUM_OK, 13561);
	expect_count("1,234,567", CH_NUM_OK, 1234567);
	expect_count("999,999", CH_NUM_OK, 999999);

	expect_count("", CH_NUM_EMPTY, 0);
	expect_count("   ", CH_NUM_EMPTY, 0);
	expect_count("\xE3\x80\x80", CH_NUM_EMPTY, 0);
	expect_count("\xEF\xBB\xBF", CH_NUM_EMPTY, 0);

	expect_count("12.5", CH_NUM_INVALID, 0);
	expect_count("12.05", CH_NUM_INVALID, 0);
	expect_count("1,23", CH_NUM_INVALID, 0);
	expect_count("1234,567", CH_NUM_INVALID, 0);
	expect_count("1,2345", CH_NUM_INVALID, 0);
	expect_count(",123", CH_NUM_INVALID, 0);
	expect_count("123,", CH_NUM_INVALID, 0);
	expect_count("1,,234", CH_NUM_INVALID, 0);
	expect_count("abc", CH_NUM_INVALID, 0);
	expect_count("12a", CH_NUM_INVALID, 0);
	expect_count("1 234", CH_NUM_INVALID, 0);
	expect_count("1e3", CH_NUM_INVALID, 0);
	expect_count("-", CH_NUM_INVALID, 0);
	expect_count(".", CH_NUM_INVALID, 0);
	expect_count(".00", CH_NUM_INVALID, 0);
	expect_count("--5", CH_NUM_INVALID, 0);
	expect_count("1.0.0", CH_NUM_INVALID, 0);
	expect_count("99999999999999999999", CH_NUM_INVALID, 0);
	expect_count("9223372036854775808", CH_NUM_INVALID, 0); /* INT64_MAX + 1 */
}

/* The largest int64 is a whole number like any other; the overflow guard
 * must not refuse it (nor the seven values just below it). */
static void test_text_parse_count_int64_max(void **state)
{
	(void)state;
	expect_count("9223372036854775799", CH_NUM_OK, INT64_MAX - 8);
	expect_count("9223372036854775800", CH_NUM_OK, INT64_MAX - 7);
	expect_count("9223372036854775807", CH_NUM_OK, INT64_MAX);
}

static void test_str_helpers(void **state)
{
	(void)state;
	assert_true(ch_str_starts("sqlite:x.db", "sqlite:"));
	assert_true(ch_str_starts("abc", ""));
	assert_false(ch_str_starts("sq", "sqlite:"));
	assert_true(ch_str_ends("木垒哈萨克自治县", "自治县"));
	assert_true(ch_str_ends("abc", ""));
	assert_false(ch_str_ends("县", "自治县"));
	assert_true(ch_str_contains("昌吉回族自治州", "回族"));
	assert_false(ch_str_contains("昌吉市", "阜康"));
	assert_int_equal(ch_hex_digit('0'), 0);
	assert_int_equal(ch_hex_digit('9'), 9);
	assert_int_equal(ch_hex_digit('a'), 10);
	assert_int_equal(ch_hex_digit('F'), 15);
	assert_int_equal(ch_hex_digit('g'), -1);
	assert_int_equal(ch_hex_digit('\0'), -1);
	static const ch_label t[] = {{"card", "银行卡"}, {"meter", "表计充值"}, {NULL, NULL}};
	assert_string_equal(ch_label_of(t, "meter"), "表计充值");
	assert_string_equal(ch_label_of(t, "card"), "银行卡");
	assert_string_equal(ch_label_of(t, "cash"), "cash"); /* unknown: the key itself */
	assert_true(ch_str_in_list("pay", "reserve|pay|reverse"));
	assert_false(ch_str_in_list("pa", "reserve|pay|reverse"));
	assert_false(ch_str_in_list("spend", "reserve|reverse"));
}

/* ---- money ---- */

static void expect_money(const char *s, int64_t fen)
{
	int64_t v = -777;
	ch_error_clear();
	int rc = ch_money_parse(s, &v);
	if (rc != 0)
		fail_msg("money_parse(\"%s\") failed: %s", s, ch_error_message());
	if (v != fen)
		fail_msg("money_parse(\"%s\") = %lld fen, want %lld", s, (long long)v,
		         (long long)fen);
}

static void expect_money_invalid(const char *s)
{
	int64_t v = -777;
	ch_error_clear();
	int rc = ch_money_parse(s, &v);
	if (rc != CH_EINVALID)
		fail_msg("money_parse(\"%s\") returned %d (value %lld), want CH_EINVALID", s, rc,
		         (long long)v);
	assert_int_equal(ch_error_code(), CH_EINVALID);
	assert_true(strlen(ch_error_message()) > 0);
	assert_int_equal(v, -777); /* nothing stored */
}

static void test_money_parse(void **state)
{
	(void)state;
	expect_money("1,234.56", 123456);
	expect_money("1234.56", 123456);
	expect_money("\xC2\xA5"
	             "800",
	             80000); /* ¥800 */
	expect_money("\xEF\xBF\xA5"
	             "800",
	             80000); /* full-width ￥800 */
	expect_money("0.1", 10);
	expect_money("0.01", 1);
	expect_money("12", 1200);
	expect_money("0", 0);
	expect_money("-3.5", -350);
	expect_money("-0.05", -5);
	expect_money(" 1,000 ", 100000);
	expect_money("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x8E\xEF\xBC\x94\xEF\xBC\x95",
	             12345); /* １２３．４５ */
	expect_money("92233720368547758", INT64_MAX - 7);

	expect_money_invalid("1.234");
	expect_money_invalid("0.001");
	expect_money_invalid("");
	expect_money_invalid("   ");
	expect_money_invalid("abc");
	expect_money_invalid("12a");
	expect_money_invalid(".");
	expect_money_invalid("-");
	expect_money_invalid("1.2.3");
	expect_money_invalid("\xC2\xA5");
	expect_money_invalid("99999999999999999999");
	expect_money_invalid("92233720368547758.08"); /* INT64_MAX + 1 fen */
	expect_money_invalid("92233720368547759");
}

/* The largest amount that fits, written with decimals as ch_money_format
 * writes it, parses back (the same amount parses without decimals). */
static void test_money_parse_int64_max(void **state)
{
	(void)state;
	expect_money("92233720368547758.00", INT64_MAX - 7);
	expect_money("92233720368547758.07", INT64_MAX);
	expect_money("92,233,720,368,547,758.07", INT64_MAX);
}

/* Thousands separators in amounts follow the same rule as in counts
 * (ch_text_parse_count): groups of three. "1,23" is 1.23 yuan written with
 * a decimal comma, not 123 yuan. */
static void test_money_parse_separators(void **state)
{
	(void)state;
	expect_money("1,234,567.89", 123456789);
	expect_money("12,345", 1234500);
	expect_money_invalid("1,23");
	expect_money_invalid("1234,567");
	expect_money_invalid("1,,000");
	expect_money_invalid("1,2,3,4");
	expect_money_invalid("1,000,00.5");
	expect_money_invalid(",5");
	expect_money_invalid("1.5,");
}

static void expect_format(int64_t fen, const char *want)
{
	char out[32];
	memset(out, 'X', sizeof out);
	char *r = ch_money_format(fen, out, sizeof out);
	assert_ptr_equal(r, out);
	if (strcmp(out, want) != 0)
		fail_msg("money_format(%lld) = \"%s\", want \"%s\"", (long long)fen, out, want);
}

static void expect_capitals(int64_t fen, const char *want)
{
	char out[200];
	ch_money_capitals(fen, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("capitals of %lld fen: expected %s, got %s", (long long)fen, want, out);
}

/* 大写 as on a payment list: one 零 for a run of zeros, 整 after whole
 * yuan, none after 分, 万 and 亿 only for groups that have a digit. */
static void test_money_capitals(void **state)
{
	(void)state;
	expect_capitals(1234567, "壹万贰仟叁佰肆拾伍元陆角柒分");
	expect_capitals(100500, "壹仟零伍元整");
	expect_capitals(0, "零元整");
	expect_capitals(5, "伍分");
	expect_capitals(50, "伍角");
	expect_capitals(67, "陆角柒分");
	expect_capitals(100, "壹元整");
	expect_capitals(1000, "壹拾元整");
	expect_capitals(105, "壹元零伍分");
	expect_capitals(10050, "壹佰元伍角");
	expect_capitals(170000, "壹仟柒佰元整");
	expect_capitals(1000000, "壹万元整");
	expect_capitals(1000500, "壹万零伍元整");
	expect_capitals(1010000, "壹万零壹佰元整");
	expect_capitals(10000000, "壹拾万元整");
	expect_capitals(101000000, "壹佰零壹万元整");
	expect_capitals(100000000, "壹佰万元整");
	expect_capitals(100000500, "壹佰万零伍元整");
	expect_capitals(4100000, "肆万壹仟元整");
	expect_capitals(10000000000, "壹亿元整");
	expect_capitals(10001000000, "壹亿零壹万元整");
	expect_capitals(10000000100, "壹亿零壹元整");
	expect_capitals(12030040050, "壹亿贰仟零叁拾万零肆佰元伍角");
	expect_capitals(-1234567, "负壹万贰仟叁佰肆拾伍元陆角柒分");
	char small[8];
	ch_money_capitals(1234567, small, sizeof small); /* cut short, terminated */
	assert_true(strlen(small) < sizeof small);
	char big[200];
	ch_money_capitals(INT64_MIN, big, sizeof big);
	assert_true(strncmp(big, "负", strlen("负")) == 0);
}

static void test_money_format(void **state)
{
	(void)state;
	expect_format(123456, "1,234.56");
	expect_format(-5, "-0.05");
	expect_format(0, "0.00");
	expect_format(1, "0.01");
	expect_format(99, "0.99");
	expect_format(100, "1.00");
	expect_format(-350, "-3.50");
	expect_format(80000, "800.00");
	expect_format(100000, "1,000.00");
	expect_format(99999999, "999,999.99");
	expect_format(12345678900, "123,456,789.00");
	expect_format(-12345678900, "-123,456,789.00");
	expect_format(INT64_MAX, "92,233,720,368,547,758.07");
	expect_format(INT64_MIN, "-92,233,720,368,547,758.08");
	expect_format(INT64_MIN + 1, "-92,233,720,368,547,758.07");

	/* parse(format(x)) == x for ordinary amounts */
	static const int64_t samples[] = {0, 1, -1, 10, 999, 123456, -350, 100000000, 4060000000};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char out[32];
		int64_t back = 0;
		ch_money_format(samples[i], out, sizeof out);
		assert_int_equal(ch_money_parse(out, &back), 0);
		assert_int_equal(back, samples[i]);
	}
}

/* ---- dates ---- */

static void expect_date(const char *s, int y, int m, int d)
{
	ch_date dt = {0, 0, 0};
	if (ch_date_parse(s, &dt) != 0)
		fail_msg("date_parse(\"%s\") failed: %s", s, ch_error_message());
	if (dt.year != y || dt.month != m || dt.day != d)
		fail_msg("date_parse(\"%s\") = %d-%d-%d, want %d-%d-%d", s, dt.year, dt.month,
		         dt.day, y, m, d);
}

static void expect_date_invalid(const char *s)
{
	ch_date dt = {0, 0, 0};
	ch_error_clear();
	int rc = ch_date_parse(s, &dt);
	if (rc != CH_EINVALID)
		fail_msg("date_parse(\"%s\") returned %d, want CH_EINVALID", s ? s : "(null)", rc);
	assert_int_equal(ch_error_code(), CH_EINVALID);
	assert_true(strlen(ch_error_message()) > 0);
}

static void test_date_parse(void **state)
{
	(void)state;
	expect_date("2023-05-31", 2023, 5, 31);
	expect_date("2023/5/31", 2023, 5, 31);
	expect_date("2023年5月31日", 2023, 5, 31);
	expect_date("2023年05月31日", 2023, 5, 31);
	expect_date("2023年5月31", 2023, 5, 31);
	expect_date("2023.5.31", 2023, 5, 31);
	expect_date("2023-5-1", 2023, 5, 1);
	expect_date(" 2023-05-31 ", 2023, 5, 31);
	expect_date("\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x8D\xEF\xBC\x95"
	            "\xEF\xBC\x8D\xEF\xBC\x93\xEF\xBC\x91",
	            2023, 5, 31); /* ２０２３－５－３１ */
	expect_date("2024-02-29", 2024, 2, 29);
	expect_date("2000-02-29", 2000, 2, 29);
	expect_date("2023-12-31", 2023, 12, 31);
	expect_date("2023-01-01", 2023, 1, 1);
	/* what spreadsheets hand over: compact, with a time, an Excel serial */
	expect_date("20230720", 2023, 7, 20);
	expect_date("2023-07-20 08:30:00", 2023, 7, 20);
	expect_date("2023-07-20 8:30", 2023, 7, 20);
	expect_date("2023-07-20T08:30:00", 2023, 7, 20);
	expect_date("2023/7/20 08:30:00.000", 2023, 7, 20);
	expect_date("45127", 2023, 7, 20);
	expect_date("43890", 2020, 2, 29);

	expect_date_invalid("2023-02-29");
	expect_date_invalid("1900-02-29");
	expect_date_invalid("2023-02-30");
	expect_date_invalid("2023-04-31");
	expect_date_invalid("2023-13-01");
	expect_date_invalid("2023-00-10");
	expect_date_invalid("2023-05-00");
	expect_date_invalid("2023-05-32");
	expect_date_invalid("");
	expect_date_invalid("   ");
	expect_date_invalid("abc");
	expect_date_invalid("2023");
	expect_date_invalid("2023-05");
	expect_date_invalid("2023-05-31x");
	expect_date_invalid("2023-05-31 25:00");
	expect_date_invalid("2023-05-31 12");
	expect_date_invalid("2023-05-31 12:00x");
	expect_date_invalid("20230532");
	expect_date_invalid("202305311");
	expect_date_invalid("7/20/2023");
	expect_date_invalid("20/7/2023");
	expect_date_invalid("123456");
	expect_date_invalid("9999");
	expect_date_invalid("23-05-31");
	expect_date_invalid("2023--05-31");
	expect_date_invalid("2023-005-31");
	expect_date_invalid(NULL);
}

/* A refused date says how to write one; a year written last is named as
 * the reason (7/20/2023 is a guess between July and August for 7/8/2023). */
static void test_utc_to_beijing(void **state)
{
	char out[32];
	(void)state;
	ch_utc_to_beijing("2023-07-20T08:30:05Z", out, sizeof out);
	assert_string_equal(out, "2023-07-20 16:30:05");
	ch_utc_to_beijing("2023-12-31T16:00:00Z", out, sizeof out);
	assert_string_equal(out, "2024-01-01 00:00:00");
	ch_utc_to_beijing("2024-02-28T20:00:00Z", out, sizeof out);
	assert_string_equal(out, "2024-02-29 04:00:00");
	ch_utc_to_beijing("not a time", out, sizeof out);
	assert_string_equal(out, "not a time");
}

/* S as ch_text_put_json writes it equals jansson's compact dump of it. */
static void expect_json_as_jansson(const char *s)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "x");
	json_t *j = json_string(s);
	assert_non_null(j);
	char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	assert_int_equal(ch_text_put_json(&b, s), 0);
	assert_string_equal(b.ptr + 1, want);
	free(want);
	json_decref(j);
	ch_buf_dispose(&b);
}

static void test_text_put_json(void **state)
{
	(void)state;
	char s[8];
	/* every ASCII character alone and between others */
	for (int c = 1; c < 0x80; c++) {
		snprintf(s, sizeof s, "%c", c);
		expect_json_as_jansson(s);
		snprintf(s, sizeof s, "a%cb", c);
		expect_json_as_jansson(s);
	}
	expect_json_as_jansson("");
	expect_json_as_jansson("张三（样例）");
	expect_json_as_jansson("昌吉市\"大西渠镇\"\\1号/2\t\r\n\x01\x1f");
	expect_json_as_jansson("\xF0\x9F\x8F\xA0 \xC2\xA9 \xE3\x80\x80");
	/* not UTF-8: refused, as jansson refuses it, and nothing written */
	static const char *const bad[] = {
	    "\xFF", "a\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE4\xB8", "\x80"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ch_buf b;
		ch_buf_init(&b);
		assert_null(json_string(bad[i]));
		assert_int_equal(ch_text_put_json(&b, bad[i]), -1);
		assert_int_equal(b.len, 0);
		ch_buf_dispose(&b);
	}
}

static void test_text_distance(void **state)
{
	(void)state;
	assert_int_equal(ch_text_distance("样列镇02", "样例镇02"), 1);
	assert_int_equal(ch_text_distance("大西渠镇", "大西渠镇"), 0);
	assert_int_equal(ch_text_distance("", "大西渠镇"), 4);
	assert_int_equal(ch_text_distance("大西渠", "大西渠镇"), 1);
	assert_int_equal(ch_text_distance("kitten", "sitting"), 3);
	assert_int_equal(ch_text_distance(NULL, "ab"), 2);
}

static void test_date_message(void **state)
{
	ch_date dt;
	(void)state;
	assert_int_equal(ch_date_parse("7/20/2023", &dt), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), "分不清月和日"));
	assert_non_null(strstr(ch_error_message(), "20230720"));
	assert_int_equal(ch_date_parse("2023-5", &dt), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), CH_DATE_FORMATS));
	assert_int_equal(ch_date_from_excel(1, 0, &dt), 0);
	assert_int_equal(dt.year * 10000 + dt.month * 100 + dt.day, 19000101);
	assert_int_equal(ch_date_from_excel(61, 0, &dt), 0);
	assert_int_equal(dt.year * 10000 + dt.month * 100 + dt.day, 19000301);
	assert_int_equal(ch_date_from_excel(0, 1, &dt), 0);
	assert_int_equal(dt.year * 10000 + dt.month * 100 + dt.day, 19040101);
	assert_int_equal(ch_date_from_excel(60, 0, &dt), CH_EINVALID);
	ch_error_clear();
}

static void test_date_valid_format(void **state)
{
	(void)state;
	assert_true(ch_date_valid(2024, 2, 29));
	assert_false(ch_date_valid(2023, 2, 29));
	assert_false(ch_date_valid(2100, 2, 29));
	assert_true(ch_date_valid(2000, 2, 29));
	assert_false(ch_date_valid(2023, 6, 31));
	assert_true(ch_date_valid(2023, 7, 31));
	assert_false(ch_date_valid(2023, 0, 1));
	assert_false(ch_date_valid(2023, 1, 0));

	char out[16];
	ch_date d = {2023, 5, 1};
	ch_date_format(&d, out, sizeof out);
	assert_string_equal(out, "2023-05-01");
	ch_date p;
	assert_int_equal(ch_date_parse("2023年10月1日", &p), 0);
	ch_date_format(&p, out, sizeof out);
	assert_string_equal(out, "2023-10-01");

	char now[32];
	ch_now_utc(now, sizeof now);
	assert_int_equal(strlen(now), 20);
	assert_int_equal(now[4], '-');
	assert_int_equal(now[7], '-');
	assert_int_equal(now[10], 'T');
	assert_int_equal(now[13], ':');
	assert_int_equal(now[19], 'Z');
}

static long days_of(int y, int m, int d)
{
	ch_date dt = {y, m, d};
	return ch_date_days(&dt);
}

static void test_date_days(void **state)
{
	(void)state;
	assert_int_equal(days_of(1970, 1, 1), 0);
	assert_int_equal(days_of(1970, 1, 2), 1);
	assert_int_equal(days_of(1969, 12, 31), -1);
	assert_int_equal(days_of(2000, 1, 1), 10957);
	assert_int_equal(days_of(2023, 10, 31) - days_of(2023, 10, 1), 30);
	assert_int_equal(days_of(2000, 3, 1) - days_of(2000, 2, 28), 2);
	assert_int_equal(days_of(2023, 3, 1) - days_of(2023, 2, 28), 1);
	assert_int_equal(days_of(2024, 1, 1) - days_of(2023, 1, 1), 365);
	assert_int_equal(days_of(2025, 1, 1) - days_of(2024, 1, 1), 366);
	assert_int_equal(days_of(1900, 1, 1), -25567);
}

/* ---- buf and strv ---- */

static void test_buf_basic(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	assert_non_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");

	ch_buf_puts(&b, "昌吉");
	ch_buf_putc(&b, '-');
	ch_buf_put(&b, "abcdef", 3);
	assert_string_equal(b.ptr, "昌吉-abc");
	assert_int_equal(b.len, strlen("昌吉-abc"));

	/* put keeps embedded NULs and still terminates */
	ch_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
	ch_buf_put(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, "a\0b", 4);

	/* growth by many small pieces */
	ch_buf_clear(&b);
	for (int i = 0; i < 1000; i++)
		ch_buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 1000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.ptr[1000], '\0');
	assert_int_equal(b.ptr[999], 'a' + 999 % 26);

	ch_buf_grow(&b, 5000);
	assert_true(b.cap >= b.len + 5000 + 1);
	assert_int_equal(b.len, 1000);
	ch_buf_dispose(&b);
	assert_null(b.ptr);
}

static void test_buf_printf_growth(void **state)
{
	(void)state;
	ch_buf b;
	char want[512];
	ch_buf_init(&b);

	/* one printf far past the initial 64 bytes */
	ch_buf_printf(&b, "%s|%d|%s", "0123456789012345678901234567890123456789", 13561,
	              "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	snprintf(want, sizeof want, "%s|%d|%s", "0123456789012345678901234567890123456789", 13561,
	         "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	assert_string_equal(b.ptr, want);
	assert_int_equal(b.len, strlen(want));
	assert_true(b.cap > b.len);

	/* appending printfs that cross the capacity at every possible offset */
	ch_buf_clear(&b);
	char expect[4096] = "";
	size_t elen = 0;
	for (int i = 0; i < 200; i++) {
		ch_buf_printf(&b, "%d,", i);
		elen += (size_t)snprintf(expect + elen, sizeof expect - elen, "%d,", i);
		assert_int_equal(b.len, elen);
		assert_int_equal(strlen(b.ptr), b.len);
	}
	assert_string_equal(b.ptr, expect);

	/* exactly filling the buffer, then one more byte */
	ch_buf_dispose(&b);
	ch_buf_init(&b);
	size_t cap = b.cap;
	char fill[256];
	memset(fill, 'x', cap - 1);
	fill[cap - 1] = '\0';
	ch_buf_printf(&b, "%s", fill);
	assert_int_equal(b.len, cap - 1);
	assert_string_equal(b.ptr, fill);
	ch_buf_printf(&b, "%c", 'y');
	assert_int_equal(b.len, cap);
	assert_int_equal(b.ptr[cap - 1], 'y');
	assert_int_equal(b.ptr[cap], '\0');

	/* printf of nothing */
	ch_buf_printf(&b, "%s", "");
	assert_int_equal(b.len, cap);

	/* a long CJK message */
	ch_buf_clear(&b);
	for (int i = 0; i < 50; i++)
		ch_buf_printf(&b, "%s", "木垒哈萨克自治县");
	assert_int_equal(b.len, 50 * strlen("木垒哈萨克自治县"));
	assert_int_equal(ch_text_width(b.ptr), 50 * 16);
	ch_buf_dispose(&b);
}

static void test_buf_detach(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	for (int i = 0; i < 30; i++)
		ch_buf_printf(&b, "line %d\n", i);
	size_t len = b.len;
	char *s = ch_buf_detach(&b);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	assert_true(strncmp(s, "line 0\nline 1\n", 14) == 0);
	/* the buf is empty, owns nothing, and may be written to again */
	assert_ptr_not_equal(b.ptr, s);
	assert_int_equal(b.len, 0);
	ch_buf_puts(&b, "again");
	assert_string_equal(b.ptr, "again");
	assert_int_equal(b.len, 5);
	free(s);

	/* printf as the first write after a detach */
	s = ch_buf_detach(&b);
	assert_string_equal(s, "again");
	free(s);
	ch_buf_printf(&b, "%s-%d", "木垒", 3317);
	assert_string_equal(b.ptr, "木垒-3317");
	s = ch_buf_detach(&b);
	assert_string_equal(s, "木垒-3317");
	free(s);

	/* clear and dispose of a detached buf are harmless */
	ch_buf_clear(&b);
	assert_int_equal(b.len, 0);
	ch_buf_dispose(&b);

	/* detaching a buf with nothing written gives "" */
	ch_buf_init(&b);
	s = ch_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	ch_buf_dispose(&b);
}

static void test_strv(void **state)
{
	(void)state;
	ch_strv v;
	ch_strv_init(&v);
	assert_int_equal(v.len, 0);

	char src[16] = "昌吉市";
	ch_strv_push(&v, src);
	strcpy(src, "changed");
	assert_string_equal(v.items[0], "昌吉市"); /* a copy */
	ch_strv_push(&v, NULL);
	assert_null(v.items[1]);
	char *owned = ch_strdup("owned");
	ch_strv_push_owned(&v, owned);
	assert_ptr_equal(v.items[2], owned);

	for (int i = 0; i < 100; i++) {
		char tmp[16];
		snprintf(tmp, sizeof tmp, "s%d", i);
		ch_strv_push(&v, tmp);
	}
	assert_int_equal(v.len, 103);
	assert_true(v.cap >= v.len);
	assert_string_equal(v.items[0], "昌吉市");
	assert_string_equal(v.items[3], "s0");
	assert_string_equal(v.items[102], "s99");

	ch_strv_dispose(&v);
	assert_int_equal(v.len, 0);
	assert_null(v.items);
	/* reusable after dispose */
	ch_strv_push(&v, "x");
	assert_int_equal(v.len, 1);
	ch_strv_dispose(&v);
}

/* ---- errors ---- */

static void test_error_state(void **state)
{
	(void)state;
	ch_error_clear();
	assert_int_equal(ch_error_code(), CH_OK);
	assert_string_equal(ch_error_message(), "");

	assert_int_equal(ch_error_set(CH_EINVALID, "cell %s is %d", "B3", 42), CH_EINVALID);
	assert_int_equal(ch_error_code(), CH_EINVALID);
	assert_string_equal(ch_error_message(), "cell B3 is 42");

	assert_int_equal(ch_error_prefix("reading %s: ", "plan.csv"), CH_EINVALID);
	assert_string_equal(ch_error_message(), "reading plan.csv: cell B3 is 42");
	assert_int_equal(ch_error_code(), CH_EINVALID);
	ch_error_prefix("年度 %d: ", 2023);
	assert_string_equal(ch_error_message(), "年度 2023: reading plan.csv: cell B3 is 42");

	/* a later set replaces both */
	ch_error_set(CH_ENOTFOUND, "no such %s", "thing");
	assert_int_equal(ch_error_code(), CH_ENOTFOUND);
	assert_string_equal(ch_error_message(), "no such thing");

	ch_error_clear();
	assert_int_equal(ch_error_code(), CH_OK);
	assert_string_equal(ch_error_message(), "");

	/* very long messages are truncated, not overflowed */
	char big[5000];
	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ch_error_set(CH_ERROR, "%s", big);
	size_t n = strlen(ch_error_message());
	assert_true(n > 100 && n < sizeof big - 1);
	ch_error_prefix("%s", big);
	assert_int_equal(strlen(ch_error_message()), n);
	assert_int_equal(ch_error_code(), CH_ERROR);
	ch_error_clear();
}

static void test_error_exit_status(void **state)
{
	(void)state;
	assert_int_equal(ch_err_exit_status(CH_OK), 0);
	assert_int_equal(ch_err_exit_status(CH_EINVALID), 1);
	assert_int_equal(ch_err_exit_status(CH_EDENIED), 3);
	assert_int_equal(ch_err_exit_status(CH_ENOTFOUND), 4);
	assert_int_equal(ch_err_exit_status(CH_ECONFLICT), 5);
	assert_int_equal(ch_err_exit_status(CH_EEXISTS), 5);
	assert_int_equal(ch_err_exit_status(CH_ERROR), 70);
	assert_int_equal(ch_err_exit_status(-99), 70); /* unknown: internal */
	/* a busy database is "try again later" (EX_TEMPFAIL), never internal */
	assert_int_equal(ch_err_exit_status(CH_EBUSY), 75);
	/* every code maps to one of the documented statuses */
	for (int code = CH_ETHROTTLED; code <= CH_OK; code++) {
		int s = ch_err_exit_status(code);
		assert_true(s == 0 || s == 1 || s == 2 || s == 3 || s == 4 || s == 5 || s == 70 ||
		            s == 75);
	}

	assert_string_equal(ch_err_name(CH_OK), "ok");
	assert_string_equal(ch_err_name(CH_EINVALID), "invalid");
	assert_string_equal(ch_err_name(CH_EDENIED), "denied");
	assert_string_equal(ch_err_name(CH_ENOTFOUND), "not found");
	assert_string_equal(ch_err_name(CH_ECONFLICT), "conflict");
	assert_string_equal(ch_err_name(CH_EEXISTS), "exists");
	assert_string_equal(ch_err_name(CH_ERROR), "internal");
	assert_string_equal(ch_err_name(-99), "internal");
}

static void test_error_http_and_json(void **state)
{
	(void)state;
	static const struct {
		int code, http;
		const char *json;
	} want[] = {
	    {CH_OK, 200, "ok"},
	    {CH_ERROR, 500, "internal"},
	    {CH_EINVALID, 422, "invalid"},
	    {CH_ENOTFOUND, 404, "not_found"},
	    {CH_EEXISTS, 409, "exists"},
	    {CH_EDENIED, 403, "denied"},
	    {CH_ECONFLICT, 409, "conflict"},
	    {CH_EUNBALANCED, 422, "unbalanced"},
	    {CH_EBUSY, 503, "busy"},
	    {-99, 500, "internal"}, /* unknown: internal */
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(ch_err_http_status(want[i].code), want[i].http);
		assert_string_equal(ch_err_json_code(want[i].code), want[i].json);
	}
	/* every failure is a 4xx or 5xx, and its JSON code is one word of
	 * lower case and underscores */
	for (int code = CH_EBUSY; code < CH_OK; code++) {
		assert_true(ch_err_http_status(code) >= 400);
		for (const char *c = ch_err_json_code(code); *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
	}
}

static void test_busy_wait_setting(void **state)
{
	(void)state;
	assert_int_equal(ch_busy_wait(), CH_BUSY_WAIT_S);
	ch_busy_wait_set(30);
	assert_int_equal(ch_busy_wait(), 30);
	ch_busy_wait_set(-1); /* clamped */
	assert_int_equal(ch_busy_wait(), 0);
	ch_busy_wait_set(CH_BUSY_WAIT_MAX_S + 1);
	assert_int_equal(ch_busy_wait(), CH_BUSY_WAIT_MAX_S);
	ch_busy_wait_set(CH_BUSY_WAIT_S);
}

static void test_error_field(void **state)
{
	(void)state;
	ch_error_clear();
	assert_null(ch_error_field());

	/* set with a field: code, message and field */
	assert_int_equal(ch_error_set_field(CH_ECONFLICT, "replace", "plan %d exists", 2023),
	                 CH_ECONFLICT);
	assert_int_equal(ch_error_code(), CH_ECONFLICT);
	assert_string_equal(ch_error_message(), "plan 2023 exists");
	assert_string_equal(ch_error_field(), "replace");

	/* a prefix keeps the field */
	ch_error_prefix("plan.csv: ");
	assert_string_equal(ch_error_message(), "plan.csv: plan 2023 exists");
	assert_string_equal(ch_error_field(), "replace");

	/* a new error without a field clears it */
	ch_error_set(CH_EINVALID, "bad");
	assert_null(ch_error_field());

	/* marking names a field for the current error, keeping the rest */
	assert_int_equal(ch_error_mark_field("as-of"), CH_EINVALID);
	assert_string_equal(ch_error_field(), "as-of");
	assert_string_equal(ch_error_message(), "bad");
	assert_int_equal(ch_error_code(), CH_EINVALID);

	/* a NULL field is none */
	ch_error_set_field(CH_EINVALID, NULL, "x");
	assert_null(ch_error_field());

	/* clear resets it */
	ch_error_set_field(CH_EINVALID, "scope", "x");
	ch_error_clear();
	assert_null(ch_error_field());
	assert_int_equal(ch_error_code(), CH_OK);

	/* an overlong field is cut, never overflowed */
	char big[300];
	memset(big, 'f', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ch_error_set_field(CH_EINVALID, big, "x");
	assert_true(strlen(ch_error_field()) < sizeof big - 1);
	ch_error_clear();
}

/* ---- alloc ---- */

static void test_alloc(void **state)
{
	(void)state;
	assert_null(ch_strdup(NULL));
	assert_null(ch_strndup(NULL, 3));
	char *s = ch_strdup("昌吉");
	assert_string_equal(s, "昌吉");
	free(s);
	s = ch_strndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = ch_strndup("ab", 10);
	assert_string_equal(s, "ab");
	free(s);
	void *p = ch_malloc(0);
	assert_non_null(p);
	free(p);
	int *z = ch_calloc(16, sizeof *z);
	for (int i = 0; i < 16; i++)
		assert_int_equal(z[i], 0);
	z = ch_reallocarray(z, 1000, sizeof *z);
	z[999] = 7;
	assert_int_equal(z[999], 7);
	free(z);
}

/* ---- hash ---- */

static void test_hash(void **state)
{
	(void)state;
	char out[CH_HASH_HEX_LEN + 1];
	ch_hash_hex("", 0, out);
	assert_string_equal(out,
	                    "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	ch_hash_hex("abc", 3, out);
	assert_string_equal(out,
	                    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	assert_int_equal(strlen(out), CH_HASH_HEX_LEN);

	/* incremental in pieces equals one-shot */
	ch_hash h;
	char inc[CH_HASH_HEX_LEN + 1];
	ch_hash_init(&h);
	ch_hash_update(&h, "a", 1);
	ch_hash_update(&h, "", 0);
	ch_hash_update(&h, "bc", 2);
	ch_hash_final(&h, inc);
	assert_string_equal(inc, out);

	/* a different input gives a different digest */
	ch_hash_hex("abd", 3, inc);
	assert_string_not_equal(inc, out);
}

/* ---- loading a library once ---- */

/* Counts the calls of a set's hook, and the outcome it was given. */
static int tried_calls, tried_rc;
static void count_tried(const struct ch_dl_once *set)
{
	tried_calls++;
	tried_rc = set->rc;
}

static void test_dl_once_missing_library(void **state)
{
	(void)state;
	/* not const: the second call is given a library that exists, and must
	 * not try it */
	static const char *libs[] = {"libcleanheat-no-such.so.0"};
	static const char *const names[] = {"strlen"};
	static size_t (*fn)(const char *);
	static void **const addrs[] = {(void **)&fn};
	static struct ch_dl_once set = CH_DL_ONCE_INIT(libs, names, addrs, count_tried);
	tried_calls = 0;
	assert_int_equal(ch_dl_once(&set), -1);
	if (!strstr(set.why, "libcleanheat-no-such.so.0"))
		fail_msg("the reason does not name the library: \"%s\"", set.why);
	char first[sizeof set.why];
	snprintf(first, sizeof first, "%s", set.why);
	assert_int_equal(tried_calls, 1);
	assert_int_equal(tried_rc, -1);

	libs[0] = "libc.so.6";
	assert_int_equal(ch_dl_once(&set), -1);
	assert_string_equal(set.why, first);
	assert_null(fn);
	assert_int_equal(tried_calls, 1);
}

static void test_dl_once_loads(void **state)
{
	(void)state;
	/* the second function is in the second library only */
	static const char *const libs[] = {"libc.so.6", "libm.so.6"};
	static const char *const names[] = {"strlen", "cos"};
	static size_t (*fn_strlen)(const char *);
	static double (*fn_cos)(double);
	static void **const addrs[] = {(void **)&fn_strlen, (void **)&fn_cos};
	static struct ch_dl_once set = CH_DL_ONCE_INIT(libs, names, addrs, count_tried);
	tried_calls = 0;
	assert_int_equal(ch_dl_once(&set), 0);
	assert_string_equal(set.why, "");
	assert_non_null(fn_strlen);
	assert_int_equal(fn_strlen("供暖"), 6);
	assert_true(fn_cos(0.0) == 1.0);
	assert_int_equal(ch_dl_once(&set), 0);
	assert_int_equal(tried_calls, 1);
	assert_int_equal(tried_rc, 0);
}

static void test_dl_once_missing_function(void **state)
{
	(void)state;
	static const char *const libs[] = {"libc.so.6"};
	static const char *const names[] = {"strlen", "ch_no_such_function"};
	static size_t (*fn_strlen)(const char *);
	static void (*fn_missing)(void);
	static void **const addrs[] = {(void **)&fn_strlen, (void **)&fn_missing};
	static struct ch_dl_once set = CH_DL_ONCE_INIT(libs, names, addrs, NULL);
	assert_int_equal(ch_dl_once(&set), -1);
	if (!strstr(set.why, "ch_no_such_function") || !strstr(set.why, "libc.so.6"))
		fail_msg("the reason does not name the function and the library: \"%s\"", set.why);
	assert_null(fn_missing);
}

/* Many threads asking at once: one attempt, every one told its outcome. */
static struct ch_dl_once *racing;
static void *ask(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)ch_dl_once(racing);
}

static void test_dl_once_threads(void **state)
{
	(void)state;
	static const char *const libs[] = {"libcleanheat-no-such.so.0"};
	static const char *const names[] = {"strlen"};
	static size_t (*fn)(const char *);
	static void **const addrs[] = {(void **)&fn};
	static struct ch_dl_once set = CH_DL_ONCE_INIT(libs, names, addrs, count_tried);
	pthread_t t[8];
	tried_calls = 0;
	racing = &set;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ask, NULL), 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		void *rc;
		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_int_equal((intptr_t)rc, -1);
	}
	assert_int_equal(tried_calls, 1);
	if (!strstr(set.why, "libcleanheat-no-such.so.0"))
		fail_msg("the reason does not name the library: \"%s\"", set.why);
}

/* ---- the map from ids to values ---- */

struct id_pair {
	int64_t id;
	uint32_t val;
	size_t order; /* when it was given */
};

static int pair_cmp(const void *a, const void *b)
{
	const struct id_pair *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* What ch_idmap_each hands out, in order, compared with a sorted list. */
struct each_check {
	const struct id_pair *want;
	size_t n, at;
	size_t stop_after; /* nonzero: returns 7 after that many */
};

static int each_check(void *arg, int64_t id, uint32_t val)
{
	struct each_check *c = arg;
	if (c->at >= c->n)
		fail_msg("each: id %lld past the %zu expected", (long long)id, c->n);
	if (c->want[c->at].id != id || c->want[c->at].val != val)
		fail_msg("each: #%zu is %lld → %u, want %lld → %u", c->at, (long long)id, val,
		         (long long)c->want[c->at].id, c->want[c->at].val);
	c->at++;
	return c->stop_after && c->at == c->stop_after ? 7 : 0;
}

/* Ids of every kind the map must keep apart: dense runs across blocks,
 * the extremes of int64, negative ones, and ids far apart; some values
 * replaced and some taken away; the map checked against a sorted list. */
static void test_idmap(void **state)
{
	(void)state;
	enum { N = 200000 };
	struct id_pair *ref = ch_calloc(N + 16, sizeof *ref);
	size_t n = 0;
	ch_idmap *m = ch_idmap_new();
	assert_int_equal(ch_idmap_get(m, 42), 0);
	ch_idmap_put(m, 42, 0); /* taking away an id that has no value */
	assert_int_equal(ch_idmap_count(m), 0);
	struct each_check none = {NULL, 0, 0, 0};
	assert_int_equal(ch_idmap_each(m, each_check, &none), 0);
	const int64_t odd[] = {
	    INT64_MIN, INT64_MIN + 63, INT64_MIN + 64, -65,      -64, -63, -1, 0, 63,
	    64,        INT64_MAX - 64, INT64_MAX - 63, INT64_MAX};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		ref[n++] = (struct id_pair){odd[i], (uint32_t)(1000 + i), n};
	/* a register's rowids, in a shuffled order, and ids 1,000 apart */
	uint64_t x = 88172645463325252u;
	for (size_t i = 0; n < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t id = i % 5 == 4 ? 10000000 + (int64_t)i * 1000
		                        : 1 + (int64_t)((i * 7919) % (N - N / 5 + 1000));
		ref[n++] = (struct id_pair){id, (uint32_t)(x % 0xFFFFFFFEu) + 1, n};
	}
	for (size_t i = 0; i < n; i++)
		ch_idmap_put(m, ref[i].id, ref[i].val);
	/* the last value given to an id stands */
	qsort(ref, n, sizeof *ref, pair_cmp);
	size_t u = 0, repeated = 0;
	for (size_t i = 0; i < n; i++) {
		if (u && ref[u - 1].id == ref[i].id) {
			ref[u - 1] = ref[i];
			repeated++;
		} else {
			ref[u++] = ref[i];
		}
	}
	assert_true(repeated > 1000);
	for (size_t i = 0; i < u; i++)
		if (ch_idmap_get(m, ref[i].id) != ref[i].val)
			fail_msg("id %lld: %u, want %u", (long long)ref[i].id,
			         ch_idmap_get(m, ref[i].id), ref[i].val);
	assert_int_equal(ch_idmap_count(m), u);
	/* ids next to the ones given have none */
	assert_int_equal(ch_idmap_get(m, -2), 0);
	assert_int_equal(ch_idmap_get(m, 161001), 0);
	assert_int_equal(ch_idmap_get(m, INT64_MAX - 1), 0);
	assert_int_equal(ch_idmap_get(m, INT64_MIN + 1), 0);
	assert_int_equal(ch_idmap_get(m, 10000000 + 4 * 1000 + 1), 0);
	/* replaced and taken away */
	ch_idmap_put(m, INT64_MIN, 5);
	ref[0].val = 5;
	ch_idmap_put(m, 0, 0);
	ch_idmap_put(m, 0, 0);
	size_t zero = 0;
	while (ref[zero].id != 0)
		zero++;
	memmove(&ref[zero], &ref[zero + 1], (u - zero - 1) * sizeof *ref);
	u--;
	assert_int_equal(ch_idmap_count(m), u);
	assert_int_equal(ch_idmap_get(m, 0), 0);
	assert_int_equal(ch_idmap_get(m, INT64_MIN), 5);
	struct each_check all = {ref, u, 0, 0};
	assert_int_equal(ch_idmap_each(m, each_check, &all), 0);
	assert_int_equal(all.at, u);
	/* FN's nonzero answer stops the walk and is returned */
	struct each_check some = {ref, u, 0, 3};
	assert_int_equal(ch_idmap_each(m, each_check, &some), 7);
	assert_int_equal(some.at, 3);
	/* cleared, the map is empty and can be filled again */
	ch_idmap_clear(m);
	assert_int_equal(ch_idmap_count(m), 0);
	assert_int_equal(ch_idmap_get(m, INT64_MIN), 0);
	ch_idmap_put(m, 3, 9);
	assert_int_equal(ch_idmap_get(m, 3), 9);
	assert_int_equal(ch_idmap_count(m), 1);
	ch_idmap_free(m);
	ch_idmap_free(NULL);
	free(ref);
}

/* ---- blocks from huge pages ---- */

/* The first requests refused, then blocks of the rounded size from one
 * range, each inside it and apart from the others, until it is full; a
 * block given back is the next one taken. (This process opens no
 * database, so the range is this test's alone.) */
static void test_huge_blocks(void **state)
{
	(void)state;
	size_t made, free_now;
	assert_null(ch_huge_blocks_take()); /* before the setup */
	ch_huge_blocks_setup(100, (size_t)4 << 20, 2);
	assert_int_equal(ch_huge_blocks_size(), 112);
	assert_null(ch_huge_blocks_take());
	assert_null(ch_huge_blocks_take());
	char *first = ch_huge_blocks_take(), *prev = first, *p;
	assert_non_null(first);
	assert_true(ch_huge_blocks_owns(first));
	assert_int_equal((uintptr_t)first % ((size_t)2 << 20), 0); /* on a huge page */
	memset(first, 0xAB, 112);
	size_t n = 1;
	while ((p = ch_huge_blocks_take()) != NULL) {
		assert_ptr_equal(p, prev + 112);
		assert_true(ch_huge_blocks_owns(p));
		prev = p;
		n++;
	}
	assert_int_equal(n, ((size_t)4 << 20) / 112);
	assert_false(ch_huge_blocks_owns(first + ((size_t)4 << 20))); /* the range's end */
	int local = 0;
	assert_false(ch_huge_blocks_owns(&local));
	ch_huge_blocks_counts(&made, &free_now);
	assert_int_equal(made, n);
	assert_int_equal(free_now, 0);
	ch_huge_blocks_give(first);
	ch_huge_blocks_give(prev);
	ch_huge_blocks_counts(&made, &free_now);
	assert_int_equal(free_now, 2);
	assert_ptr_equal(ch_huge_blocks_take(), prev);
	assert_ptr_equal(ch_huge_blocks_take(), first);
	assert_null(ch_huge_blocks_take());
	ch_huge_blocks_counts(&made, &free_now);
	assert_int_equal(made, n);
	assert_int_equal(free_now, 0);
}

/* String I of the strtab tests: its length varies from 0 to past the
 * table's read window (64 KiB) every 1,000th string, and its bytes say
 * which string it is. */
static size_t strtab_text(size_t i, char *buf, size_t cap)
{
	size_t n = i % 1000 == 999 ? 70000 + i % 7 : i % 37;
	assert_true(n < cap);
	for (size_t k = 0; k < n; k++)
		buf[k] = (char)('a' + (i * 31 + k) % 26);
	int head = snprintf(buf, cap, "%zu", i);
	if ((size_t)head > n) /* short strings: only their number's digits */
		n = (size_t)head;
	else
		buf[head] = '-';
	buf[n] = '\0';
	return n;
}

static void expect_strtab(ch_strtab *t, size_t i, char *want, size_t cap)
{
	size_t n = strtab_text(i, want, cap), len = 0;
	const char *s = ch_strtab_get(t, i, &len);
	assert_non_null(s);
	assert_int_equal(len, n);
	assert_memory_equal(s, want, n + 1);
}

/* A table past its memory keeps the rest in a temporary file and reads
 * every string back the same: in order, backwards and at random, short,
 * empty and longer than its read window, also after strings are added
 * between reads; where no file can be made, all of it stays in memory. */
static void test_strtab(void **state)
{
	(void)state;
	enum { N = 30000, CAP = 80000 };
	char *buf = ch_malloc(CAP), *want = ch_malloc(CAP);
	char *saved = test_tmpdir_save();
	for (int unwritable = 0; unwritable < 2; unwritable++) {
		if (unwritable)
			setenv("TMPDIR", TEST_TMPDIR_NOWHERE, 1);
		ch_strtab *t = ch_strtab_new(64 << 10);
		uint64_t bytes = 0;
		for (size_t i = 0; i < N; i++) {
			size_t n = strtab_text(i, buf, CAP);
			assert_int_equal(ch_strtab_add(t, buf, n), 0);
			bytes += n;
			if (i == N / 2) /* a read between adds */
				expect_strtab(t, i - 1, want, CAP);
		}
		assert_int_equal(ch_strtab_count(t), N);
		assert_int_equal(ch_strtab_bytes(t), bytes);
		if (unwritable)
			assert_int_equal(ch_strtab_in_file(t), 0);
		else
			assert_true(ch_strtab_in_file(t) > N / 2 && ch_strtab_in_file(t) < N);
		for (size_t i = 0; i < N; i++)
			expect_strtab(t, i, want, CAP);
		for (size_t i = N; i-- > 0;)
			expect_strtab(t, i, want, CAP);
		uint64_t r = 88172645463325252u;
		for (int k = 0; k < 20000; k++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			expect_strtab(t, (size_t)(r % N), want, CAP);
		}
		/* more strings after the reads, read with the rest */
		for (size_t i = N; i < N + 2000; i++) {
			size_t n = strtab_text(i, buf, CAP);
			assert_int_equal(ch_strtab_add(t, buf, n), 0);
		}
		for (size_t i = N - 2000; i < N + 2000; i++)
			expect_strtab(t, i, want, CAP);
		size_t len;
		assert_null(ch_strtab_get(t, N + 2000, &len));
		ch_error_clear();
		ch_strtab_free(t);
	}
	test_tmpdir_restore(saved);
	free(buf);
	free(want);
}

/* ch_fd_append: a file's first bytes after what the buffer holds, the
 * buffer NUL-terminated; asked for more than the file has, -1 and the
 * buffer as it was. */
static void test_fd_append(void **state)
{
	(void)state;
	int fd = ch_tmpfile();
	assert_true(fd >= 0);
	assert_int_equal(ch_fd_write(fd, "甲乙丙", 9), 0);
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "开头:");
	assert_int_equal(ch_fd_append(&b, fd, 6), 0);
	assert_string_equal(b.ptr, "开头:甲乙");
	assert_int_equal(b.len, 13);
	assert_int_equal(ch_fd_append(&b, fd, 10), -1);
	assert_string_equal(b.ptr, "开头:甲乙");
	assert_int_equal(b.len, 13);
	assert_int_equal(ch_fd_append(&b, fd, 0), 0);
	assert_int_equal(b.len, 13);
	ch_buf_dispose(&b);
	close(fd);
}

int main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strtab),
	    cmocka_unit_test(test_fd_append),
	    cmocka_unit_test(test_utf8_decode_valid),
	    cmocka_unit_test(test_utf8_decode_invalid),
	    cmocka_unit_test(test_utf8_decode_cut),
	    cmocka_unit_test(test_utf8_encode_round_trip),
	    cmocka_unit_test(test_utf8_valid_prefix),
	    cmocka_unit_test(test_text_normalize),
	    cmocka_unit_test(test_text_width),
	    cmocka_unit_test(test_text_parse_count),
	    cmocka_unit_test(test_text_parse_count_int64_max),
	    cmocka_unit_test(test_str_helpers),
	    cmocka_unit_test(test_money_parse),
	    cmocka_unit_test(test_money_parse_int64_max),
	    cmocka_unit_test(test_money_parse_separators),
	    cmocka_unit_test(test_money_format),
	    cmocka_unit_test(test_money_capitals),
	    cmocka_unit_test(test_date_parse),
	    cmocka_unit_test(test_utc_to_beijing),
	    cmocka_unit_test(test_text_distance),
	    cmocka_unit_test(test_text_put_json),
	    cmocka_unit_test(test_date_message),
	    cmocka_unit_test(test_date_valid_format),
	    cmocka_unit_test(test_date_days),
	    cmocka_unit_test(test_buf_basic),
	    cmocka_unit_test(test_buf_printf_growth),
	    cmocka_unit_test(test_buf_detach),
	    cmocka_unit_test(test_strv),
	    cmocka_unit_test(test_error_state),
	    cmocka_unit_test(test_error_exit_status),
	    cmocka_unit_test(test_busy_wait_setting),
	    cmocka_unit_test(test_error_http_and_json),
	    cmocka_unit_test(test_error_field),
	    cmocka_unit_test(test_alloc),
	    cmocka_unit_test(test_hash),
	    cmocka_unit_test(test_dl_once_missing_library),
	    cmocka_unit_test(test_dl_once_loads),
	    cmocka_unit_test(test_dl_once_missing_function),
	    cmocka_unit_test(test_dl_once_threads),
	    cmocka_unit_test(test_idmap),
	    cmocka_unit_test(test_huge_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
