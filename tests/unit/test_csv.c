/*
 * test_csv — the CSV reader: encoding detection (UTF-8, UTF-8 BOM, GB18030,
 * UTF-16LE), delimiter detection, quoting, physical line numbers, block
 * boundaries inside multibyte characters, and the errors for malformed
 * input, the bounds of io/limits.h (a line, a record left open by a
 * quote, a field, the columns, the deadline), and the heading table's
 * lookup. Most inputs are built in memory; the files under
 * tests/fixtures/csv/ are real exports made with iconv (read with the
 * repository root as the working directory).
 */
#include "testutil.h"

#include "io/bank_file.h"
#include "io/csv.h"
#include "io/headings.h"
#include "io/limits.h"
#include "io/rows.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

#define BLOCK 65536 /* the reader's block size */

/* GBK/GB18030 bytes of 昌吉市 and 呼图壁县. */
#define GBK_CHANGJI "\xB2\xFD\xBC\xAA\xCA\xD0"
#define GBK_HUTUBI  "\xBA\xF4\xCD\xBC\xB1\xDA\xCF\xD8"

/* Opens LEN bytes at DATA, failing the test on error. */
static ch_csv *open_mem(const void *data, size_t len)
{
	ch_csv *r = NULL;
	assert_int_equal(ch_csv_open_mem(&r, data, len), 0);
	assert_non_null(r);
	return r;
}

static ch_csv *open_str(const char *s)
{
	return open_mem(s, strlen(s));
}

/* Reads the next record and checks its line and fields (NFIELDS strings). */
static void expect_row(ch_csv *r, size_t line, size_t nfields, ...)
{
	ch_csv_row row;
	int rc = ch_csv_next(r, &row);
	if (rc != 1)
		fail_msg("expected a record on line %zu, got %d (%s)", line, rc,
		         ch_error_message());
	assert_int_equal(row.line, line);
	assert_int_equal(row.nfields, nfields);
	va_list ap;
	va_start(ap, nfields);
	for (size_t i = 0; i < nfields; i++)
		assert_string_equal(row.fields[i], va_arg(ap, const char *));
	va_end(ap);
}

static void expect_end(ch_csv *r)
{
	ch_csv_row row;
	assert_int_equal(ch_csv_next(r, &row), 0);
	assert_int_equal(ch_csv_next(r, &row), 0);
}

/* Expects error CODE whose message contains NEEDLE, twice (it is sticky). */
static void expect_error(ch_csv *r, int code, const char *needle)
{
	ch_csv_row row;
	for (int i = 0; i < 2; i++) {
		ch_error_clear();
		assert_int_equal(ch_csv_next(r, &row), code);
		if (!strstr(ch_error_message(), needle))
			fail_msg("message \"%s\" lacks \"%s\"", ch_error_message(), needle);
	}
}

/* UTF-16LE bytes of UTF-8 text S (surrogate pairs above U+FFFF). */
static void put_utf16le(ch_buf *b, const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = ch_utf8_decode(s + i, len - i, &cp);
		assert_true(n > 0);
		i += (size_t)n;
		uint16_t u[2];
		int nu = 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = (uint16_t)(0xD800 | (cp >> 10));
			u[1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
			nu = 2;
		} else {
			u[0] = (uint16_t)cp;
		}
		for (int k = 0; k < nu; k++) {
			ch_buf_putc(b, (char)(u[k] & 0xFF));
			ch_buf_putc(b, (char)(u[k] >> 8));
		}
	}
}

/* Appends ASCII filler lines "n,filler...\n" to B until it is exactly
 * TARGET bytes long; returns the number of lines added. */
static size_t pad_lines_to(ch_buf *b, size_t target)
{
	size_t lines = 0;
	assert_true(b->len + 4 <= target);
	while (target - b->len > 80) {
		ch_buf_puts(b, "1,filler filler filler filler filler filler filler\n");
		lines++;
	}
	ch_buf_puts(b, "2,"); /* the last 3..80 bytes: "2,xxx\n" */
	while (b->len < target - 1)
		ch_buf_putc(b, 'x');
	ch_buf_putc(b, '\n');
	assert_int_equal(b->len, target);
	return lines + 1;
}

/* Reads the filler records of pad_lines_to, from line FIRST on. */
static void skip_filler(ch_csv *r, size_t first, size_t nlines)
{
	ch_csv_row row;
	for (size_t i = 0; i < nlines; i++) {
		assert_int_equal(ch_csv_next(r, &row), 1);
		assert_int_equal(row.line, first + i);
		assert_int_equal(row.nfields, 2);
	}
}

/* ---- encodings ---- */

static void test_utf8_plain(void **state)
{
	(void)state;
	ch_csv *r = open_str("县市,户数\n昌吉市,13561\n");
	expect_row(r, 1, 2, "县市", "户数");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_UTF8);
	expect_row(r, 2, 2, "昌吉市", "13561");
	expect_end(r);
	ch_csv_free(r);
}

static void test_utf8_bom(void **state)
{
	(void)state;
	ch_csv *r = open_str("\xEF\xBB\xBFname,count\n昌吉市,1\n");
	expect_row(r, 1, 2, "name", "count");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_UTF8_BOM);
	assert_string_equal(ch_csv_encoding_name(ch_csv_encoding(r)), "UTF-8 BOM");
	expect_row(r, 2, 2, "昌吉市", "1");
	expect_end(r);
	ch_csv_free(r);
}

static void test_gbk(void **state)
{
	(void)state;
	ch_csv *r = open_str(GBK_CHANGJI "," GBK_HUTUBI "\r\n\"" GBK_CHANGJI ", x\",7\r\n");
	expect_row(r, 1, 2, "昌吉市", "呼图壁县");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_GB18030);
	assert_string_equal(ch_csv_encoding_name(CH_CSV_GB18030), "GB18030");
	expect_row(r, 2, 2, "昌吉市, x", "7");
	expect_end(r);
	ch_csv_free(r);
}

static void test_gb18030_four_byte(void **state)
{
	(void)state;
	/* U+20000 𠀀 is 95 32 82 36 in GB18030 */
	ch_csv *r = open_str(GBK_CHANGJI ",\x95\x32\x82\x36\n");
	expect_row(r, 1, 2, "昌吉市", "\xF0\xA0\x80\x80");
	expect_end(r);
	ch_csv_free(r);
}

static void test_utf16le(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_put(&b, "\xFF\xFE", 2);
	put_utf16le(&b, "名称\t数量\r\n昌吉市\t1,234\r\n\r\n\"a\tb\"\t\xF0\xA0\x80\x80\r\n");
	ch_csv *r = open_mem(b.ptr, b.len);
	expect_row(r, 1, 2, "名称", "数量");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_UTF16LE);
	assert_string_equal(ch_csv_encoding_name(CH_CSV_UTF16LE), "UTF-16LE");
	expect_row(r, 2, 2, "昌吉市", "1,234");
	expect_row(r, 4, 2, "a\tb", "\xF0\xA0\x80\x80");
	expect_end(r);
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

static void test_encoding_names(void **state)
{
	(void)state;
	assert_string_equal(ch_csv_encoding_name(CH_CSV_UTF8), "UTF-8");
	assert_string_equal(ch_csv_encoding_name(CH_CSV_UTF8_BOM), "UTF-8 BOM");
	assert_string_equal(ch_csv_encoding_name(CH_CSV_GB18030), "GB18030");
	assert_string_equal(ch_csv_encoding_name(CH_CSV_UTF16LE), "UTF-16LE");
}

/* ---- line ends, quoting, line numbers ---- */

static void test_crlf_and_lf(void **state)
{
	(void)state;
	ch_csv *r = open_str("a,b\r\nc,d\ne,\"f\"\r\ng,h");
	expect_row(r, 1, 2, "a", "b");
	expect_row(r, 2, 2, "c", "d");
	expect_row(r, 3, 2, "e", "f");
	expect_row(r, 4, 2, "g", "h");
	expect_end(r);
	ch_csv_free(r);
}

/* A '\r' alone inside a line of a file with '\n' line ends is data, not a
 * line end: one record per line, and each record has its own line number
 * (before, the line gave two records with the same number). */
static void test_lone_cr_in_lf_file(void **state)
{
	(void)state;
	ch_csv *r = open_str("x,y\na,b\rc,d\ne,\"f\" \r\n\r\ng,h\r\n");
	expect_row(r, 1, 2, "x", "y");
	expect_row(r, 2, 3, "a", "b\rc", "d");
	expect_row(r, 3, 2, "e", "f");
	expect_row(r, 5, 2, "g", "h");
	expect_end(r);
	ch_csv_free(r);
}

static void test_quoted(void **state)
{
	(void)state;
	ch_csv *r = open_str("\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
	                     "next,1\n"
	                     "\"three\r\nline\nfield\",\"\"\n"
	                     "last,2\n");
	expect_row(r, 1, 3, "x, y", "say \"hi\"", "two\nlines");
	expect_row(r, 3, 2, "next", "1");
	expect_row(r, 4, 2, "three\r\nline\nfield", "");
	expect_row(r, 7, 2, "last", "2");
	expect_end(r);
	ch_csv_free(r);
}

static void test_quoted_spanning_blank_lines(void **state)
{
	(void)state;
	/* the record starts on the line of its opening quote, even when the
	 * field's callback only fires lines later */
	ch_csv *r = open_str("\n\"a\n\nb\",c\n\nd\n");
	expect_row(r, 2, 2, "a\n\nb", "c");
	expect_row(r, 6, 1, "d");
	expect_end(r);
	ch_csv_free(r);
}

static void test_cr_only(void **state)
{
	(void)state;
	ch_csv *r = open_str("a,b\r\rc,\"d\re\"\rf\r");
	expect_row(r, 1, 2, "a", "b");
	expect_row(r, 3, 2, "c", "d\re");
	expect_row(r, 5, 1, "f");
	expect_end(r);
	ch_csv_free(r);
}

static void test_blank_lines(void **state)
{
	(void)state;
	ch_csv *r = open_str("\n\na\n\r\n   \nb,1\n\n\nc");
	expect_row(r, 3, 1, "a");
	expect_row(r, 6, 2, "b", "1");
	expect_row(r, 9, 1, "c");
	expect_end(r);
	ch_csv_free(r);
}

static void test_trimming(void **state)
{
	(void)state;
	ch_csv *r = open_str("  a  ,\" b \" , c d ,\t e\t\n");
	expect_row(r, 1, 4, "a", " b ", "c d", "e");
	expect_end(r);
	ch_csv_free(r);
}

static void test_empty_fields(void **state)
{
	(void)state;
	ch_csv *r = open_str(",,\na,,b\n,\n\"\",x,\n");
	expect_row(r, 1, 3, "", "", "");
	expect_row(r, 2, 3, "a", "", "b");
	expect_row(r, 3, 2, "", "");
	expect_row(r, 4, 3, "", "x", "");
	expect_end(r);
	ch_csv_free(r);
}

static void test_last_line_without_newline(void **state)
{
	(void)state;
	ch_csv *r = open_str("a,b\nc,d");
	expect_row(r, 1, 2, "a", "b");
	expect_row(r, 2, 2, "c", "d");
	expect_end(r);
	ch_csv_free(r);

	r = open_str("a\n\"quoted, end\"");
	expect_row(r, 1, 1, "a");
	expect_row(r, 2, 1, "quoted, end");
	expect_end(r);
	ch_csv_free(r);

	r = open_str("a,");
	expect_row(r, 1, 2, "a", "");
	expect_end(r);
	ch_csv_free(r);
}

static void test_empty_input(void **state)
{
	(void)state;
	const char *inputs[] = {
	    "", "\n", "\r\n\r\n", "   \n\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\r\n", "\xFF\xFE"};
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		ch_csv *r = open_str(inputs[i]);
		expect_end(r);
		ch_csv_free(r);
	}
	ch_csv *r = open_mem(NULL, 0);
	expect_end(r);
	assert_int_equal(ch_csv_encoding(r), CH_CSV_UTF8);
	ch_csv_free(r);
}

/* ---- delimiter ---- */

static void test_tab_delimited(void **state)
{
	(void)state;
	ch_csv *r = open_str("\n名称\t数量\t备注\n昌吉市\t1,234\t\" a, b \"\n \tx y \t\n\t\t\n");
	expect_row(r, 2, 3, "名称", "数量", "备注");
	expect_row(r, 3, 3, "昌吉市", "1,234", " a, b ");
	expect_row(r, 4, 3, "", "x y", "");
	expect_row(r, 5, 3, "", "", "");
	expect_end(r);
	ch_csv_free(r);
}

static void test_comma_wins(void **state)
{
	(void)state;
	/* a tab and a comma: comma; commas only inside quotes: tab */
	ch_csv *r = open_str("a\tb,c\n");
	expect_row(r, 1, 2, "a\tb", "c");
	expect_end(r);
	ch_csv_free(r);

	r = open_str("\"a,b\"\tc\nd\te\n");
	expect_row(r, 1, 2, "a,b", "c");
	expect_row(r, 2, 2, "d", "e");
	expect_end(r);
	ch_csv_free(r);

	r = open_str("abc\n");
	expect_row(r, 1, 1, "abc");
	expect_end(r);
	ch_csv_free(r);
}

/* ---- block boundaries ---- */

static void test_gbk_block_straddle(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, GBK_CHANGJI ",head\n");
	size_t nfill = pad_lines_to(&b, BLOCK - 10);
	/* "x,昌吉市\n" with 昌's two bytes at BLOCK-1 and BLOCK */
	ch_buf_puts(&b, "1234567,");
	assert_int_equal(b.len, BLOCK - 2);
	ch_buf_puts(&b, "x" GBK_CHANGJI "\n");
	assert_int_equal((unsigned char)b.ptr[BLOCK - 1], 0xB2);
	assert_int_equal((unsigned char)b.ptr[BLOCK], 0xFD);
	ch_buf_puts(&b, GBK_HUTUBI ",end\n");

	/* from memory, then from a file */
	char *dir = test_tmpdir();
	char path[600];
	snprintf(path, sizeof path, "%s/straddle.csv", dir);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(b.ptr, 1, b.len, fp), b.len);
	assert_int_equal(fclose(fp), 0);
	for (int from_file = 0; from_file < 2; from_file++) {
		ch_csv *r = NULL;
		if (from_file)
			assert_int_equal(ch_csv_open(&r, path), 0);
		else
			r = open_mem(b.ptr, b.len);
		expect_row(r, 1, 2, "昌吉市", "head");
		assert_int_equal(ch_csv_encoding(r), CH_CSV_GB18030);
		skip_filler(r, 2, nfill);
		expect_row(r, nfill + 2, 2, "1234567", "x昌吉市");
		expect_row(r, nfill + 3, 2, "呼图壁县", "end");
		expect_end(r);
		ch_csv_free(r);
	}
	test_rmdir(dir);
	ch_buf_dispose(&b);
}

static void test_gb18030_four_byte_straddle(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, GBK_CHANGJI "\n");
	size_t nfill = pad_lines_to(&b, BLOCK - 4);
	ch_buf_puts(&b, "a,x\x95\x32\x82\x36y\n"); /* 𠀀 at BLOCK-1 .. BLOCK+2 */
	ch_csv *r = open_mem(b.ptr, b.len);
	expect_row(r, 1, 1, "昌吉市");
	skip_filler(r, 2, nfill);
	expect_row(r, nfill + 2, 2, "a", "x\xF0\xA0\x80\x80y");
	expect_end(r);
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

static void test_utf8_block_straddle(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "市,head\n");
	size_t nfill = pad_lines_to(&b, BLOCK - 5);
	ch_buf_puts(&b, "a,xx昌\n"); /* 昌 at BLOCK-1 .. BLOCK+1 */
	ch_csv *r = open_mem(b.ptr, b.len);
	expect_row(r, 1, 2, "市", "head");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_UTF8);
	skip_filler(r, 2, nfill);
	expect_row(r, nfill + 2, 2, "a", "xx昌");
	expect_end(r);
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

static void test_utf16le_surrogate_straddle(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_put(&b, "\xFF\xFE", 2);
	put_utf16le(&b, "名称\t数量\r\n");
	size_t lines = 1;
	while (b.len < BLOCK - 20) {
		put_utf16le(&b, "a\tb\r\n");
		lines++;
	}
	/* characters of 2 bytes up to BLOCK-2, then the surrogate pair */
	put_utf16le(&b, "x\t");
	while (b.len < BLOCK - 2)
		put_utf16le(&b, "y");
	put_utf16le(&b, "\xF0\xA0\x80\x80z\r\n"); /* high surrogate at BLOCK-2, low at BLOCK */
	ch_csv *r = open_mem(b.ptr, b.len);
	expect_row(r, 1, 2, "名称", "数量");
	for (size_t i = 2; i <= lines; i++)
		expect_row(r, i, 2, "a", "b");
	ch_csv_row row;
	assert_int_equal(ch_csv_next(r, &row), 1);
	assert_int_equal(row.line, lines + 1);
	assert_int_equal(row.nfields, 2);
	assert_true(ch_str_ends(row.fields[1], "y\xF0\xA0\x80\x80z"));
	expect_end(r);
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

static void wide_cells(struct ch_read_limits *l)
{
	l->cell_chars = 4 * BLOCK;
}

/* A long line crossing several blocks, and a long quoted field (with the
 * cell limit raised above them: the buffers are what is tested). */
static void test_long_fields(void **state)
{
	(void)state;
	struct ch_read_limits l = *ch_read_limits();
	wide_cells(&l);
	ch_read_limits_set(&l);
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "h\n");
	for (size_t i = 0; i < 3 * BLOCK; i++)
		ch_buf_putc(&b, (char)('a' + i % 26));
	ch_buf_puts(&b, ",\"");
	for (size_t i = 0; i < 2 * BLOCK; i++)
		ch_buf_putc(&b, i % 1000 == 999 ? '\n' : 'q');
	ch_buf_puts(&b, "\"\nend\n");
	ch_csv *r = open_mem(b.ptr, b.len);
	expect_row(r, 1, 1, "h");
	ch_csv_row row;
	assert_int_equal(ch_csv_next(r, &row), 1);
	assert_int_equal(row.line, 2);
	assert_int_equal(row.nfields, 2);
	assert_int_equal(strlen(row.fields[0]), 3 * BLOCK);
	assert_int_equal(strlen(row.fields[1]), 2 * BLOCK);
	assert_int_equal(row.fields[0][3 * BLOCK - 1], 'a' + (3 * BLOCK - 1) % 26);
	expect_row(r, 2 + 2 * BLOCK / 1000 + 1, 1, "end");
	expect_end(r);
	ch_csv_free(r);
	ch_buf_dispose(&b);
	ch_read_limits_set(NULL);
}

/* Many records: line numbers stay right as the buffers are reused. */
static void test_many_rows(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "id,村,户数\n");
	for (int i = 0; i < 100000; i++)
		ch_buf_printf(&b, "%d,\"村%d\",%d\n%s", i, i, i % 7, i % 1000 == 0 ? "\n" : "");
	ch_csv *r = open_mem(b.ptr, b.len);
	ch_csv_row row;
	assert_int_equal(ch_csv_next(r, &row), 1);
	size_t line = 2;
	char want[32];
	for (int i = 0; i < 100000; i++) {
		assert_int_equal(ch_csv_next(r, &row), 1);
		assert_int_equal(row.line, line);
		assert_int_equal(row.nfields, 3);
		snprintf(want, sizeof want, "村%d", i);
		assert_string_equal(row.fields[1], want);
		line += i % 1000 == 0 ? 2 : 1;
	}
	expect_end(r);
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

/* ---- a large file read ahead by a second thread (io/rows.c) ---- */

/* Writes DATA (LEN bytes) to DIR/NAME; returns the path (caller frees). */
static char *write_temp(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return strdup(path);
}

/* A CSV of 3 MiB and more: rows of several lengths, blank lines, a quoted
 * field over two lines every 997 rows, a cell marked as a formula's text
 * every 1,009; with BAD, bytes that are not UTF-8 on the row of index BAD. */
static char *large_csv(int rows, int bad, size_t *len)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "编号,名称,备注\n");
	for (int i = 0; i < rows; i++) {
		if (i == bad)
			ch_buf_puts(&b, "坏,\xC3\x28,x\n");
		else if (i % 997 == 0)
			ch_buf_printf(&b, "%d,\"第一行\n第二行 %d\",q\n", i, i);
		else if (i % 1009 == 0)
			ch_buf_printf(&b, "%d,'=SUM(A%d),f\n", i, i);
		else
			ch_buf_printf(
			    &b, "%d,村%d,%.*s\n%s", i, i, (i % 20) * 3,
			    "备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备"
			    "注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注"
			    "备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注备"
			    "注备注备注备注备注备注备注备注备注",
			    i % 500 == 0 ? "\n" : "");
	}
	*len = b.len;
	return ch_buf_detach(&b);
}

/* Every row of a large file comes through the reading thread as the
 * caller's thread would read it alone (ch_csv): the same fields, lines
 * and order, a formula's mark taken off, then the end, twice; the file's
 * encoding is known before the first row is asked for. */
static void test_rows_read_ahead(void **state)
{
	(void)state;
	size_t len;
	char *data = large_csv(120000, -1, &len);
	assert_true(len > 3 * 1024 * 1024);
	char *dir = test_tmpdir(), *path = write_temp(dir, "large.csv", data, len);
	int before = test_thread_count();
	ch_rows *rows = NULL;
	ch_csv *plain = NULL;
	assert_int_equal(ch_rows_open(&rows, path, NULL), 0);
	assert_int_equal(test_thread_count(), before + 1);
	assert_string_equal(ch_rows_describe(rows), "CSV（UTF-8）");
	assert_int_equal(ch_csv_open(&plain, path), 0);
	ch_csv_row a, b;
	int ra, rb;
	size_t n = 0, marked = 0;
	while ((ra = ch_rows_next(rows, &a)) == 1) {
		assert_int_equal(ch_csv_next(plain, &b), 1);
		assert_int_equal(a.line, b.line);
		assert_int_equal(a.nfields, b.nfields);
		assert_null(a.fields[a.nfields]);
		for (size_t i = 0; i < a.nfields; i++) {
			if (b.fields[i][0] == '\'') {
				assert_string_equal(a.fields[i], b.fields[i] + 1);
				marked++;
			} else {
				assert_string_equal(a.fields[i], b.fields[i]);
			}
		}
		n++;
	}
	assert_int_equal(ra, 0);
	assert_int_equal(ch_rows_next(rows, &a), 0);
	assert_int_equal((rb = ch_csv_next(plain, &b)), 0);
	assert_int_equal(n, 120001);
	assert_int_equal(marked, 118);
	ch_rows_free(rows);
	ch_csv_free(plain);
	assert_int_equal(test_thread_count(), before);
	/* a small file is read in the caller's thread */
	char *small = write_temp(dir, "small.csv", "a,b\n1,2\n", 8);
	assert_int_equal(ch_rows_open(&rows, small, NULL), 0);
	assert_int_equal(test_thread_count(), before);
	assert_int_equal(ch_rows_next(rows, &a), 1);
	ch_rows_free(rows);
	free(small);
	free(path);
	free(data);
	test_rmdir(dir);
}

/* An error the reading thread meets far into the file reaches the caller
 * after every row before it, with its line, and stays; a reader freed
 * half-way stops its thread. */
static void test_rows_read_ahead_error(void **state)
{
	(void)state;
	size_t len;
	char *data = large_csv(120000, 100000, &len);
	char *dir = test_tmpdir(), *path = write_temp(dir, "bad.csv", data, len);
	int before = test_thread_count();
	ch_rows *rows = NULL;
	ch_csv_row row;
	size_t n = 0, last = 0;
	int rc;
	assert_int_equal(ch_rows_open(&rows, path, NULL), 0);
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		n++;
		last = row.line;
	}
	assert_int_equal(rc, CH_EINVALID);
	assert_int_equal(n, 100001);
	char want[32];
	snprintf(want, sizeof want, "第 %zu 行：", last + 1);
	for (int i = 0; i < 2; i++) {
		if (!strstr(ch_error_message(), want))
			fail_msg("message \"%s\" lacks \"%s\"", ch_error_message(), want);
		assert_non_null(strstr(ch_error_message(), "UTF-8"));
		ch_error_clear();
		assert_int_equal(ch_rows_next(rows, &row), CH_EINVALID);
	}
	ch_rows_free(rows);
	assert_int_equal(test_thread_count(), before);
	/* freed after ten rows, the thread waiting for a block back */
	assert_int_equal(ch_rows_open(&rows, path, NULL), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ch_rows_next(rows, &row), 1);
	assert_string_equal(row.fields[0], "8");
	ch_rows_free(rows);
	assert_int_equal(test_thread_count(), before);
	free(path);
	free(data);
	test_rmdir(dir);
}

/* The digest of a file opened with ch_rows_open_hashed is that of the
 * bytes its rows came from, hashed as they were read, by the reading
 * thread of a large file or by the caller's for a small one: the file
 * written over after its end was read still gives the old digest. A
 * reader not read to its end, or opened without hashing, reads the file
 * again for it. GB18030 bytes are hashed as they are in the file. */
static void test_rows_hash(void **state)
{
	(void)state;
	size_t len;
	char *data = large_csv(120000, -1, &len);
	char *dir = test_tmpdir();
	static const char gbk[] = GBK_CHANGJI ",1\r\nok,2\r\n";
	struct {
		const char *name, *text;
		size_t len;
	} files[] = {{"large.csv", data, len},
	             {"small.csv", "a,b\n1,2\n", 8},
	             {"gbk.csv", gbk, sizeof gbk - 1}};
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		char *path = write_temp(dir, files[f].name, files[f].text, files[f].len);
		char want[CH_HASH_HEX_LEN + 1], got[CH_HASH_HEX_LEN + 1], now[CH_HASH_HEX_LEN + 1];
		ch_hash_hex(files[f].text, files[f].len, want);
		ch_rows *rows = NULL;
		ch_csv_row row;
		int rc;
		assert_int_equal(ch_rows_open_hashed(&rows, path, NULL), 0);
		while ((rc = ch_rows_next(rows, &row)) == 1)
			;
		assert_int_equal(rc, 0);
		free(write_temp(dir, files[f].name, "x,y\n", 4));
		assert_int_equal(ch_hash_file(path, now), 0);
		assert_string_not_equal(now, want);
		assert_int_equal(ch_rows_hash(rows, got), 0);
		assert_string_equal(got, want);
		assert_int_equal(ch_rows_hash(rows, got), 0); /* asked again */
		assert_string_equal(got, want);
		ch_rows_free(rows);
		/* not read to its end, or not hashed: the file as it is now */
		assert_int_equal(ch_rows_open_hashed(&rows, path, NULL), 0);
		assert_int_equal(ch_rows_next(rows, &row), 1);
		assert_int_equal(ch_rows_hash(rows, got), 0);
		assert_string_equal(got, now);
		ch_rows_free(rows);
		free(write_temp(dir, files[f].name, files[f].text, files[f].len));
		assert_int_equal(ch_rows_open(&rows, path, NULL), 0);
		while ((rc = ch_rows_next(rows, &row)) == 1)
			;
		free(write_temp(dir, files[f].name, "x,y\n", 4));
		assert_int_equal(ch_rows_hash(rows, got), 0);
		assert_string_equal(got, now);
		ch_rows_free(rows);
		free(path);
	}
	free(data);
	test_rmdir(dir);
}

/* The bank's return read as a cursor: every row, then the end; with the
 * digest of other bytes than those read (the file changed after its digest
 * was taken), the end is an error naming the file, so a reconciliation
 * reading it is undone rather than audited with a digest of other bytes. */
static void test_bank_return_digest(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	static const char before[] = "流水号,金额,状态,日期\n1,100.00,成功,2023-11-05\n";
	static const char after[] = "流水号,金额,状态,日期\n1,100.00,失败,2023-11-05\n";
	char *path = write_temp(dir, "return.csv", after, sizeof after - 1);
	char old_digest[CH_HASH_HEX_LEN + 1], now_digest[CH_HASH_HEX_LEN + 1];
	ch_hash_hex(before, sizeof before - 1, old_digest);
	ch_hash_hex(after, sizeof after - 1, now_digest);
	const char *digests[] = {NULL, now_digest, old_digest};
	for (size_t d = 0; d < 3; d++) {
		ch_bank_return *in = NULL;
		ch_return_row r;
		assert_int_equal(ch_bank_return_open(path, digests[d], &in), 0);
		assert_int_equal(ch_bank_return_next(in, &r), 1);
		assert_int_equal(r.line, 2);
		assert_string_equal(r.payment, "1");
		assert_string_equal(r.status, "失败");
		if (d < 2) {
			assert_int_equal(ch_bank_return_next(in, &r), 0);
		} else {
			assert_int_equal(ch_bank_return_next(in, &r), CH_EINVALID);
			assert_non_null(strstr(ch_error_message(), "return.csv"));
			assert_non_null(strstr(ch_error_message(), "文件在读取过程中被改动"));
			ch_error_clear();
		}
		ch_bank_return_close(in);
	}
	free(path);
	test_rmdir(dir);
}

/* ---- errors ---- */

static void test_invalid_gbk(void **state)
{
	(void)state;
	ch_csv *r = open_str(GBK_CHANGJI ",1\n\nok,2\nbad,\xFF\xFF\nafter,3\n");
	expect_row(r, 1, 2, "昌吉市", "1");
	expect_row(r, 3, 2, "ok", "2");
	expect_error(r, CH_EINVALID, "第 4 行：");
	assert_non_null(strstr(ch_error_message(), "GB18030"));
	ch_csv_free(r);
}

static void test_invalid_utf8_later(void **state)
{
	(void)state;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "名称,值\n");
	size_t nfill = pad_lines_to(&b, 2 * BLOCK + 100);
	ch_buf_puts(&b, "x,\xC3\x28\n");
	ch_csv *r = open_mem(b.ptr, b.len);
	expect_row(r, 1, 2, "名称", "值");
	skip_filler(r, 2, nfill);
	char want[32];
	snprintf(want, sizeof want, "第 %zu 行：", nfill + 2);
	expect_error(r, CH_EINVALID, want);
	assert_non_null(strstr(ch_error_message(), "UTF-8"));
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

static void test_invalid_utf8_after_bom(void **state)
{
	(void)state;
	ch_csv *r = open_str("\xEF\xBB\xBF"
	                     "a\n\xE6\x98\x8C\xBC\n");
	expect_row(r, 1, 1, "a");
	expect_error(r, CH_EINVALID, "第 2 行：");
	ch_csv_free(r);
}

static void test_truncated_character(void **state)
{
	(void)state;
	ch_csv *r = open_str(GBK_CHANGJI "\na,\xB2");
	expect_row(r, 1, 1, "昌吉市");
	expect_error(r, CH_EINVALID, "第 2 行：");
	ch_csv_free(r);

	ch_buf b;
	ch_buf_init(&b);
	ch_buf_put(&b, "\xFF\xFE", 2);
	put_utf16le(&b, "a\r\nb");
	ch_buf_putc(&b, 'c'); /* odd byte */
	r = open_mem(b.ptr, b.len);
	expect_row(r, 1, 1, "a");
	expect_error(r, CH_EINVALID, "第 2 行：");
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

static void test_nul_byte(void **state)
{
	(void)state;
	static const char data[] = "a,b\nc,d\0e\n";
	ch_csv *r = open_mem(data, sizeof data - 1);
	expect_row(r, 1, 2, "a", "b");
	expect_error(r, CH_EINVALID, "第 2 行：");
	ch_csv_free(r);
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	ch_csv *r = open_str("a,b\n\nc,\"open\nmore\n\nstill\n");
	expect_row(r, 1, 2, "a", "b");
	expect_error(r, CH_EINVALID, "第 3 行：");
	assert_non_null(strstr(ch_error_message(), "引号"));
	ch_csv_free(r);

	r = open_str("\"");
	expect_error(r, CH_EINVALID, "第 1 行：");
	ch_csv_free(r);
}

static void test_missing_file(void **state)
{
	(void)state;
	ch_csv *r = NULL;
	assert_int_equal(ch_csv_open(&r, "tests/fixtures/csv/no-such-file.csv"), CH_ENOTFOUND);
	assert_null(r);
	assert_non_null(strstr(ch_error_message(), "no-such-file.csv"));
	assert_int_equal(ch_csv_open(&r, "tests/fixtures/csv"), CH_ERROR);
	assert_null(r);
}

/* ---- fixture files ---- */

static void test_fixture_gbk_crlf(void **state)
{
	(void)state;
	ch_csv *r = NULL;
	assert_int_equal(ch_csv_open(&r, "tests/fixtures/csv/gbk_crlf.csv"), 0);
	expect_row(r, 1, 6, "县市", "乡镇", "村", "户主", "改造方式", "户数");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_GB18030);
	expect_row(r, 2, 6, "昌吉市", "大西渠镇", "龙河村", "张三", "空气源热泵", "1");
	expect_row(r, 3, 6, "昌吉市", "二六工镇", "三工村, 东组", "李四", "电暖器", "2");
	expect_row(r, 4, 6, "玛纳斯县", "乐土驿镇", "上庄子村", "王五", "所谓\"清洁\"取暖", "3");
	expect_end(r);
	ch_csv_free(r);
}

static void test_fixture_utf8_bom(void **state)
{
	(void)state;
	ch_csv *r = NULL;
	assert_int_equal(ch_csv_open(&r, "tests/fixtures/csv/utf8_bom.csv"), 0);
	expect_row(r, 1, 3, "region_code", "name", "households");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_UTF8_BOM);
	expect_row(r, 2, 3, "652301", "昌吉市", "13561");
	expect_row(r, 4, 3, "652323", "呼图壁县\n(含园区)", "8 000");
	expect_row(r, 6, 3, "652324", "玛纳斯县", "");
	expect_end(r);
	ch_csv_free(r);
}

static void test_fixture_unicode_text(void **state)
{
	(void)state;
	ch_csv *r = NULL;
	assert_int_equal(ch_csv_open(&r, "tests/fixtures/csv/unicode_text.txt"), 0);
	expect_row(r, 1, 3, "县市", "村", "户数");
	assert_int_equal(ch_csv_encoding(r), CH_CSV_UTF16LE);
	expect_row(r, 2, 3, "昌吉市", "龙河村", "12");
	expect_row(r, 3, 3, "阜康市", "甘泉堡, 一组", "7");
	expect_end(r);
	ch_csv_free(r);
}

/* Every CSV we write neutralises a cell a spreadsheet would run as a
 * formula, and leaves numbers, a lone "-" and ordinary text alone. */
static void expect_field(const char *in, const char *out)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_csv_put_field(&b, in);
	if (strcmp(b.ptr ? b.ptr : "", out) != 0)
		fail_msg("put_field(\"%s\") = [%s], want [%s]", in, b.ptr ? b.ptr : "", out);
	ch_buf_dispose(&b);
}

static void test_formula_cells(void **state)
{
	(void)state;
	expect_field("=HYPERLINK(\"http://evil\",\"点击\")",
	             "\"'=HYPERLINK(\"\"http://evil\"\",\"\"点击\"\")\"");
	expect_field("+cmd", "\"'+cmd\"");
	expect_field("-2+3", "\"'-2+3\"");
	expect_field("@SUM(A1)", "\"'@SUM(A1)\"");
	expect_field("\tx", "\"'\tx\"");
	expect_field("-12.50", "-12.50");
	expect_field("+3", "+3");
	expect_field("-12.5%", "-12.5%");
	expect_field("-1,234.5", "\"-1,234.5\"");
	expect_field("-", "-");
	expect_field("张三", "张三");
	expect_field("a,b", "\"a,b\"");
	assert_true(ch_text_formula_like("=1+1"));
	assert_false(ch_text_formula_like("1=1"));
	assert_false(ch_text_formula_like(""));
	assert_false(ch_text_formula_like(NULL));
}

/* ---- the bounds of io/limits.h ---- */

/* "h\n", then PRE, N copies of UNIT and POST. */
static char *hostile(const char *pre, const char *unit, size_t n, const char *post, size_t *len)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "h\n");
	ch_buf_puts(&b, pre);
	for (size_t i = 0; i < n; i++)
		ch_buf_puts(&b, unit);
	ch_buf_puts(&b, post);
	*len = b.len;
	return ch_buf_detach(&b);
}

/* A line of 2 MiB stops at the 1 MiB limit, naming its line; one just
 * under the limit (in fields within the cell limit) is read. */
static void test_limit_line(void **state)
{
	(void)state;
	size_t len;
	char *s =
	    hostile("x,", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;", (size_t)64 << 10, "\nok\n", &len);
	ch_csv *r = open_mem(s, len);
	expect_row(r, 1, 1, "h");
	expect_error(r, CH_EINVALID, "第 2 行：一行超过 1 MiB 的上限");
	ch_csv_free(r);
	free(s);
	/* 1 MiB less a little, in fields of 32,000 */
	ch_buf b;
	ch_buf_init(&b);
	for (int f = 0; f < 32; f++) {
		for (int i = 0; i < 32000; i++)
			ch_buf_putc(&b, 'a');
		ch_buf_putc(&b, ',');
	}
	ch_buf_puts(&b, "\nend\n");
	r = open_mem(b.ptr, b.len);
	ch_csv_row row;
	assert_int_equal(ch_csv_next(r, &row), 1);
	assert_int_equal(row.nfields, 33);
	expect_row(r, 2, 1, "end");
	expect_end(r);
	ch_csv_free(r);
	ch_buf_dispose(&b);
}

/* A quote never closed swallows the rest of the file as one field: it
 * stops at the line limit, naming the line the quote opened on. */
static void test_limit_unclosed_quote(void **state)
{
	(void)state;
	size_t len;
	char *s = hostile("a,b\nc,\"open\n", "more text, on many lines\n", 100000, "", &len);
	ch_csv *r = open_mem(s, len);
	expect_row(r, 1, 1, "h");
	expect_row(r, 2, 2, "a", "b");
	expect_error(r, CH_EINVALID,
	             "第 3 行：引号没有闭合：从这一行开始的带引号字段到 1 MiB 的上限仍未结束");
	ch_csv_free(r);
	free(s);
}

/* A field: 32,767 characters (not bytes) at most. */
static void test_limit_field(void **state)
{
	(void)state;
	size_t len;
	char *s = hostile("x,", "a", 32768, ",y\n", &len);
	ch_csv *r = open_mem(s, len);
	expect_row(r, 1, 1, "h");
	expect_error(r, CH_EINVALID, "第 2 行：第 2 列超过一个单元格 32,767 个字符的上限");
	ch_csv_free(r);
	free(s);
	s = hostile("\"", "字", 32767, "\",y\n", &len);
	r = open_mem(s, len);
	expect_row(r, 1, 1, "h");
	ch_csv_row row;
	assert_int_equal(ch_csv_next(r, &row), 1);
	assert_int_equal(strlen(row.fields[0]), 3 * 32767);
	expect_end(r);
	ch_csv_free(r);
	free(s);
}

/* Columns: 16,384 (Excel's) at most. */
static void test_limit_columns(void **state)
{
	(void)state;
	size_t len;
	char *s = hostile("", "a,", 16383, "a\n", &len);
	ch_csv *r = open_mem(s, len);
	expect_row(r, 1, 1, "h");
	ch_csv_row row;
	assert_int_equal(ch_csv_next(r, &row), 1);
	assert_int_equal(row.nfields, 16384);
	expect_end(r);
	ch_csv_free(r);
	free(s);
	s = hostile("", "a,", 16384, "a\n", &len);
	r = open_mem(s, len);
	expect_row(r, 1, 1, "h");
	expect_error(r, CH_EINVALID, "第 2 行：超过 16,384 列的上限");
	ch_csv_free(r);
	free(s);
}

static void no_time(struct ch_read_limits *l)
{
	l->seconds = 0;
}

/* The deadline, checked at each block: a read of a file of more than one
 * block with no time left stops with the line it reached. */
static void test_limit_deadline(void **state)
{
	(void)state;
	size_t len;
	char *s = hostile("", "a,b\n", 40000, "", &len);
	struct ch_read_limits l = *ch_read_limits();
	no_time(&l);
	ch_read_limits_set(&l);
	char *dir = test_tmpdir(), path[512];
	snprintf(path, sizeof path, "%s/slow.csv", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	fclose(f);
	ch_csv *r = NULL;
	assert_int_equal(ch_csv_open(&r, path), 0);
	ch_csv_row row;
	int rc;
	while ((rc = ch_csv_next(r, &row)) == 1)
		;
	assert_int_equal(rc, CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), "slow.csv 第 "));
	assert_non_null(strstr(ch_error_message(), "读取超过了 0 秒的时限"));
	ch_csv_free(r);
	free(s);
	test_rmdir(dir);
	ch_read_limits_set(NULL);
}

/* The heading table answers by hash: the fields named, the first row of
 * the file that names one of the keys asked for, and nothing for a
 * heading longer than any in the file. */
static void test_headings_lookup(void **state)
{
	(void)state;
	static const char *const keys[] = {"head_name", "id_number"};
	assert_int_equal(ch_headings_load(), 0);
	assert_int_equal(ch_headings_find("household", "户主姓名", keys, 2), 0);
	assert_int_equal(ch_headings_find("household", "身份证号", keys, 2), 1);
	assert_int_equal(ch_headings_find("household", "身份证号", keys + 1, 1), 0);
	assert_int_equal(ch_headings_find("household", "身份证号", keys, 1), -1);
	assert_int_equal(ch_headings_find("region", "户主姓名", keys, 2), -1);
	assert_int_equal(ch_headings_find("household", "没有这一列", keys, 2), -1);
	char big[2048];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(ch_headings_find("household", big, keys, 2), -1);
}

int main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formula_cells),
	    cmocka_unit_test(test_utf8_plain),
	    cmocka_unit_test(test_utf8_bom),
	    cmocka_unit_test(test_gbk),
	    cmocka_unit_test(test_gb18030_four_byte),
	    cmocka_unit_test(test_utf16le),
	    cmocka_unit_test(test_encoding_names),
	    cmocka_unit_test(test_crlf_and_lf),
	    cmocka_unit_test(test_lone_cr_in_lf_file),
	    cmocka_unit_test(test_quoted),
	    cmocka_unit_test(test_quoted_spanning_blank_lines),
	    cmocka_unit_test(test_blank_lines),
	    cmocka_unit_test(test_cr_only),
	    cmocka_unit_test(test_trimming),
	    cmocka_unit_test(test_empty_fields),
	    cmocka_unit_test(test_last_line_without_newline),
	    cmocka_unit_test(test_empty_input),
	    cmocka_unit_test(test_tab_delimited),
	    cmocka_unit_test(test_comma_wins),
	    cmocka_unit_test(test_gbk_block_straddle),
	    cmocka_unit_test(test_gb18030_four_byte_straddle),
	    cmocka_unit_test(test_utf8_block_straddle),
	    cmocka_unit_test(test_utf16le_surrogate_straddle),
	    cmocka_unit_test(test_long_fields),
	    cmocka_unit_test(test_many_rows),
	    cmocka_unit_test(test_invalid_gbk),
	    cmocka_unit_test(test_invalid_utf8_later),
	    cmocka_unit_test(test_invalid_utf8_after_bom),
	    cmocka_unit_test(test_truncated_character),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_unterminated_quote),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_limit_line),
	    cmocka_unit_test(test_limit_unclosed_quote),
	    cmocka_unit_test(test_limit_field),
	    cmocka_unit_test(test_limit_columns),
	    cmocka_unit_test(test_limit_deadline),
	    cmocka_unit_test(test_headings_lookup),
	    cmocka_unit_test(test_rows_read_ahead),
	    cmocka_unit_test(test_rows_read_ahead_error),
	    cmocka_unit_test(test_rows_hash),
	    cmocka_unit_test(test_bank_return_digest),
	    cmocka_unit_test(test_fixture_gbk_crlf),
	    cmocka_unit_test(test_fixture_utf8_bom),
	    cmocka_unit_test(test_fixture_unicode_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
