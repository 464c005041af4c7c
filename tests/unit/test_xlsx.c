/*
 * test_xlsx — the xlsx reader: shared and inline strings (rich text joined,
 * phonetic runs left out, _xHHHH_ escapes), numbers, numbers stored as
 * text, dates in built-in and custom formats in both date systems, cached
 * formula results, booleans, error values, gaps between cells and rows,
 * sheets chosen by name, blocks of 64 KiB, and the errors for files that
 * are not workbooks or are malformed or hostile, each bound of io/limits.h
 * among them (some lowered for the test, to be reached with small files).
 *
 * Most workbooks are written in the test: with libxlsxwriter as Excel
 * would save them, or part by part with minizip for what libxlsxwriter
 * never writes (rich text, phonetic runs, cells without r, date1904,
 * prefixed XML, broken input). The files under tests/fixtures/xlsx/ are
 * read with the repository root as the working directory; the hand-built
 * one is rewritten by running this test with CH_XLSX_FIXTURE_DIR set to
 * that directory.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <unzip.h>
#include <zip.h>

#include "io/csv.h"
#include "io/limits.h"
#include "io/report.h"
#include "io/rows.h"
#include "io/xlsx.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"

/* ---- helpers ---- */

static int setup(void **state)
{
	*state = test_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	test_rmdir(*state);
	return 0;
}

/* A path NAME in the test's directory (the caller frees it). */
static char *path_in(void **state, const char *name)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b, "%s/%s", (const char *)*state, name);
	return ch_buf_detach(&b);
}

static ch_xlsx *open_ok(const char *path, const char *sheet)
{
	ch_xlsx *x = NULL;
	int rc = ch_xlsx_open(&x, path, sheet);
	if (rc != 0)
		fail_msg("opening %s: %d (%s)", path, rc, ch_error_message());
	assert_non_null(x);
	return x;
}

/* Reads the next row and checks its number and fields (NFIELDS strings). */
static void expect_row(ch_xlsx *x, size_t line, size_t nfields, ...)
{
	ch_csv_row row;
	int rc = ch_xlsx_next(x, &row);
	if (rc != 1)
		fail_msg("expected row %zu, got %d (%s)", line, rc, ch_error_message());
	assert_int_equal(row.line, line);
	if (row.nfields != nfields) {
		for (size_t i = 0; i < row.nfields; i++)
			fprintf(stderr, "  field %zu: \"%s\"\n", i, row.fields[i]);
		fail_msg("row %zu: %zu fields, expected %zu", line, row.nfields, nfields);
	}
	va_list ap;
	va_start(ap, nfields);
	for (size_t i = 0; i < nfields; i++)
		assert_string_equal(row.fields[i], va_arg(ap, const char *));
	va_end(ap);
	assert_null(row.fields[nfields]);
}

static void expect_end(ch_xlsx *x)
{
	ch_csv_row row;
	int rc = ch_xlsx_next(x, &row);
	if (rc != 0)
		fail_msg("expected the end, got %d (%s)", rc, ch_error_message());
	assert_int_equal(ch_xlsx_next(x, &row), 0);
}

static void expect_msg(const char *needle)
{
	if (!strstr(ch_error_message(), needle))
		fail_msg("message \"%s\" lacks \"%s\"", ch_error_message(), needle);
}

/* Expects the next row to fail with CODE and a message with NEEDLE, twice. */
static void expect_next_error(ch_xlsx *x, int code, const char *needle)
{
	ch_csv_row row;
	for (int i = 0; i < 2; i++) {
		ch_error_clear();
		assert_int_equal(ch_xlsx_next(x, &row), code);
		expect_msg(needle);
	}
}

static void expect_open_error(const char *path, const char *sheet, int code, const char *needle)
{
	ch_xlsx *x = (ch_xlsx *)&x; /* anything but NULL */
	assert_int_equal(ch_xlsx_open(&x, path, sheet), code);
	assert_null(x);
	expect_msg(needle);
}

/* ---- hand-built workbooks ---- */

struct zpart {
	const char *name;
	const char *data;
};

/* Writes a zip with the given parts (fixed timestamps: the same bytes
 * every time). */
static void write_zip(const char *path, const struct zpart *parts, size_t n)
{
	zipFile zf = zipOpen(path, APPEND_STATUS_CREATE);
	assert_non_null(zf);
	for (size_t i = 0; i < n; i++) {
		zip_fileinfo zi;
		memset(&zi, 0, sizeof zi);
		zi.tmz_date.tm_year = 2023;
		zi.tmz_date.tm_mon = 4;
		zi.tmz_date.tm_mday = 31;
		assert_int_equal(zipOpenNewFileInZip(zf, parts[i].name, &zi, NULL, 0, NULL, 0, NULL,
		                                     Z_DEFLATED, Z_DEFAULT_COMPRESSION),
		                 ZIP_OK);
		assert_int_equal(
		    zipWriteInFileInZip(zf, parts[i].data, (unsigned)strlen(parts[i].data)),
		    ZIP_OK);
		assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
	}
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
}

#define NS_MAIN  "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL   "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG   "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define CT_SHEET "application/vnd.openxmlformats-officedocument.spreadsheetml"

static const char content_types[] =
    XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
             "<Default Extension=\"rels\" "
             "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
             "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT_SHEET ".sheet.main+xml\"/>"
             "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
             "ContentType=\"" CT_SHEET ".worksheet+xml\"/>"
             "<Override PartName=\"/xl/sharedStrings.xml\" "
             "ContentType=\"" CT_SHEET ".sharedStrings+xml\"/>"
             "<Override PartName=\"/xl/styles.xml\" ContentType=\"" CT_SHEET ".styles+xml\"/>"
             "</Types>";

static const char root_rels[] = XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
                                         "<Relationship Id=\"rId1\" Type=\"" NS_REL
                                         "/officeDocument\" Target=\"xl/workbook.xml\"/>"
                                         "</Relationships>";

/* One sheet (rId1), shared strings (rId2) and styles (rId3); the sheet's
 * target is absolute. */
static const char wb_rels[] =
    XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
             "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" "
             "Target=\"/xl/worksheets/sheet1.xml\"/>"
             "<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" "
             "Target=\"sharedStrings.xml\"/>"
             "<Relationship Id=\"rId3\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
             "</Relationships>";

#define WORKBOOK(pr, name)                                                                         \
	XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">" pr "<sheets>"           \
	         "<sheet name=\"" name "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"

#define SHEET(rows)                                                                                \
	XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows "</sheetData></worksheet>"

/* Shared strings: plain, rich text with a phonetic run, _xHHHH_ escapes
 * (a CR, an escaped "_x", a surrogate pair), and a declared count far
 * above the real one. */
static const char rich_sst[] =
    XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"9\" uniqueCount=\"4294967295\">"
             "<si><t>户主姓名</t></si>"
             "<si><r><t>阿依</t></r><r><rPr><b/><sz val=\"11\"/></rPr>"
             "<t xml:space=\"preserve\">古丽 </t></r>"
             "<rPh sb=\"0\" eb=\"2\"><t>アイ</t></rPh><phoneticPr fontId=\"1\"/></si>"
             "<si><t>第一行_x000D_\n第二行</t></si>"
             "<si><t>a_x005F_x0041_b &amp; _xD83D__xDE00_</t></si>"
             "</sst>";

/* Cell formats: 0 General, 1 a custom Chinese date, 2 a custom format with
 * "day" only in quotes (not a date), 3 built-in 14. The <xf> in
 * cellStyleXfs must not count. */
static const char styles[] = XML_DECL
    "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"2\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"&quot;day&quot;\\ 0.00;[Red]-0.00\"/>"
    "</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"165\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";

/* The sheet of the hand-built fixture (a 1904 workbook: 43615 is
 * 2023-05-31). */
static const char rich_sheet[] = SHEET(
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
    "<c r=\"B1\" t=\"inlineStr\"><is><t>身份证号</t></is></c>"
    "<c t=\"inlineStr\"><is><r><t>入户</t></r><r><rPr><i/></rPr><t>日期</t></r>"
    "<rPh sb=\"0\" eb=\"2\"><t>にゅうこ</t></rPh></is></c>"
    "<c r=\"E1\" t=\"str\"><f>\"金\"&amp;\"额\"</f><v>金额</v></c></row>"
    "<row r=\"3\" spans=\"1:6\"><c r=\"A3\" t=\"s\"><v>1</v></c>"
    "<c r=\"B3\" t=\"inlineStr\"><is><t>652323199001011234</t></is></c>"
    "<c r=\"C3\" s=\"1\"><v>43615</v></c><c s=\"3\"><v>43615.75</v></c>"
    "<c r=\"E3\" s=\"2\"><v>1234.5</v></c><c r=\"F3\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>"
    "<row><c r=\"A4\" t=\"s\"><v>2</v></c><c r=\"B4\" t=\"b\"><v>1</v></c>"
    "<c r=\"C4\" t=\"b\"><v>0</v></c><c r=\"D4\" s=\"0\"><v>1E+17</v></c>"
    "<c r=\"E4\"><f>0.1*1</f><v>0.1</v></c><c r=\"F4\" s=\"2\"/></row>"
    "<row r=\"6\"><c r=\"A6\" s=\"1\"/><c r=\"B6\" t=\"s\"/><c r=\"C6\" t=\"inlineStr\"/></row>"
    "<row r=\"7\"><c r=\"C7\" t=\"s\"><v>3</v></c></row>");

static void write_rich(const char *path)
{
	const struct zpart parts[] = {
	    {"[Content_Types].xml", content_types},
	    {"_rels/.rels", root_rels},
	    {"xl/workbook.xml", WORKBOOK("<workbookPr date1904=\"1\"/>", "入户登记")},
	    {"xl/_rels/workbook.xml.rels", wb_rels},
	    {"xl/worksheets/sheet1.xml", rich_sheet},
	    {"xl/sharedStrings.xml", rich_sst},
	    {"xl/styles.xml", styles},
	};
	write_zip(path, parts, sizeof parts / sizeof parts[0]);
}

static void check_rich(const char *path)
{
	ch_xlsx *x = open_ok(path, NULL);
	assert_int_equal(ch_xlsx_sheet_count(x), 1);
	assert_string_equal(ch_xlsx_current_sheet(x), "入户登记");
	expect_row(x, 1, 5, "户主姓名", "身份证号", "入户日期", "", "金额");
	expect_row(x, 3, 6, "阿依古丽 ", "652323199001011234", "2023-05-31", "2023-05-31", "1234.5",
	           "#DIV/0!");
	expect_row(x, 4, 5, "第一行\r\n第二行", "TRUE", "FALSE", "1E+17", "0.1");
	expect_row(x, 7, 3, "", "", "a_x0041_b & \xF0\x9F\x98\x80");
	expect_end(x);
	ch_xlsx_free(x);
}

/* A workbook with one sheet SHEET_XML, 1900 dates, the styles above and
 * shared strings SST (NULL: none). */
static void write_simple(const char *path, const char *sheet_xml, const char *sst)
{
	struct zpart parts[] = {
	    {"[Content_Types].xml", content_types},
	    {"_rels/.rels", root_rels},
	    {"xl/workbook.xml", WORKBOOK("", "Sheet1")},
	    {"xl/_rels/workbook.xml.rels", wb_rels},
	    {"xl/worksheets/sheet1.xml", sheet_xml},
	    {"xl/styles.xml", styles},
	    {"xl/sharedStrings.xml", sst},
	};
	write_zip(path, parts, sst ? 7 : 6);
}

static void test_hand_built(void **state)
{
	char *path = path_in(state, "rich.xlsx");
	write_rich(path);
	check_rich(path);
	const char *dir = getenv("CH_XLSX_FIXTURE_DIR");
	if (dir && *dir) {
		char fix[512];
		snprintf(fix, sizeof fix, "%s/inline-rich-1904.xlsx", dir);
		write_rich(fix);
	}
	free(path);
}

static void test_fixture_hand_built(void **state)
{
	(void)state;
	check_rich("tests/fixtures/xlsx/inline-rich-1904.xlsx");
}

/* Prefixed elements, a relationship prefix other than r, a target with
 * "..", no styles and no shared strings. */
static void test_prefixed(void **state)
{
	char *path = path_in(state, "prefixed.xlsx");
	const struct zpart parts[] = {
	    {"xl/workbook.xml",
	     "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:rel=\"" NS_REL "\"><x:sheets>"
	     "<x:sheet name=\"数据\" sheetId=\"1\" rel:id=\"rId9\"/></x:sheets></x:workbook>"},
	    {"xl/_rels/workbook.xml.rels",
	     "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId9\" Type=\"" NS_REL
	     "/worksheet\" Target=\"./worksheets/../data/./s.xml\"/></Relationships>"},
	    {"xl/data/s.xml",
	     "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row r=\"2\">"
	     "<x:c r=\"b2\" t=\"inlineStr\"><x:is><x:t>玛纳斯县</x:t></x:is></x:c>"
	     "<x:c r=\"C2\"><x:v>3587</x:v></x:c></x:row></x:sheetData></x:worksheet>"},
	};
	write_zip(path, parts, 3);
	ch_xlsx *x = open_ok(path, "数据");
	expect_row(x, 2, 3, "", "玛纳斯县", "3587");
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

/* Numbers as Excel and other writers put them in <v>. */
static void test_numbers(void **state)
{
	char *path = path_in(state, "numbers.xlsx");
	write_simple(
	    path,
	    SHEET("<row r=\"1\"><c><v>13561</v></c><c><v>101.5</v></c><c><v>1E+17</v></c>"
	          "<c><v>6.5232319900101101E+17</v></c><c><v>1.23456789012E+11</v></c>"
	          "<c><v>-0</v></c><c><v>0.30000000000000004</v></c><c><v>1E-05</v></c>"
	          "<c><v>12345678901234567890</v></c><c><v>-2.5</v></c><c><v>nan</v></c>"
	          "<c><v>1e400</v></c><c><v> 42 </v></c><c t=\"n\"><v>4.0000000000000001E-3</v></c>"
	          "<c><v>999999999999999</v></c><c><v>-1234567890123456</v></c>"
	          "<c><v>0</v></c><c><v>007</v></c><c><v>-5</v></c><c><v>1000000000000000</v></c>"
	          "</row>"),
	    NULL);
	ch_xlsx *x = open_ok(path, NULL);
	expect_row(x, 1, 20, "13561", "101.5", "1E+17", "6.52323199001011E+17", "123456789012", "0",
	           "0.30000000000000004", "1e-05", "1.23456789012346E+19", "-2.5", "nan", "1e400",
	           "42", "0.004", "999999999999999", "-1.23456789012346E+15", "0", "7", "-5",
	           "1E+15");
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

/* Serials in the 1900 system around Excel's fictitious 1900-02-29, with a
 * time of day, and out of range (shown as numbers). */
static void test_dates_1900(void **state)
{
	char *path = path_in(state, "dates.xlsx");
	write_simple(path,
	             SHEET("<row r=\"1\"><c s=\"3\"><v>1</v></c><c s=\"3\"><v>59</v></c>"
	                   "<c s=\"3\"><v>60</v></c><c s=\"3\"><v>61</v></c>"
	                   "<c s=\"1\"><v>45077</v></c><c s=\"1\"><v>45077.5</v></c>"
	                   "<c s=\"3\"><v>45077.999999999</v></c><c s=\"3\"><v>-1</v></c>"
	                   "<c s=\"3\"><v>2958465</v></c><c s=\"3\"><v>3000000</v></c>"
	                   "<c s=\"2\"><v>45077</v></c><c s=\"99\"><v>45077</v></c>"
	                   "<c s=\"x\"><v>45077</v></c><c t=\"d\"><v>2023-05-31T08:00:00</v></c>"
	                   "</row>"),
	             NULL);
	ch_xlsx *x = open_ok(path, NULL);
	expect_row(x, 1, 14, "1900-01-01", "1900-02-28", "1900-02-29", "1900-03-01", "2023-05-31",
	           "2023-05-31", "2023-06-01", "-1", "9999-12-31", "3000000", "45077", "45077",
	           "45077", "2023-05-31");
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

/* ---- workbooks written by libxlsxwriter ---- */

static void test_written(void **state)
{
	char *path = path_in(state, "written.xlsx");
	lxw_workbook *wb = workbook_new(path);
	assert_non_null(wb);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "入户登记");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *cn_date = workbook_add_format(wb);
	format_set_num_format(cn_date, "yyyy\"年\"m\"月\"d\"日\"");
	lxw_format *builtin = workbook_add_format(wb);
	format_set_num_format_index(builtin, 14);
	lxw_format *money = workbook_add_format(wb);
	format_set_num_format(money, "#,##0.00");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_datetime d = {2023, 5, 31, 0, 0, 0};
	lxw_datetime dt = {2023, 5, 31, 18, 30, 0};

	/* Excel row 1 */
	worksheet_write_string(ws, 0, 0, "县(市)", bold);
	worksheet_write_string(ws, 0, 1, "户数", bold);
	worksheet_write_string(ws, 0, 2, "补贴(万元)", bold);
	worksheet_write_string(ws, 0, 3, "身份证号", bold);
	worksheet_write_string(ws, 0, 4, "入户日期", bold);
	worksheet_write_string(ws, 0, 5, "合计", bold);
	worksheet_write_string(ws, 0, 6, "已验收", bold);
	/* Excel row 2 */
	worksheet_write_string(ws, 1, 0, "昌吉市", NULL);
	worksheet_write_number(ws, 1, 1, 13561, NULL);
	worksheet_write_number(ws, 1, 2, 101.5, money);
	worksheet_write_string(ws, 1, 3, "652323199001011234", NULL);
	worksheet_write_datetime(ws, 1, 4, &d, date);
	worksheet_write_formula_num(ws, 1, 5, "=B2*2", NULL, 27122);
	worksheet_write_boolean(ws, 1, 6, 1, NULL);
	/* Excel row 5: a gap in the middle, other date formats */
	worksheet_write_string(ws, 4, 0, "阜康市", NULL);
	worksheet_write_blank(ws, 4, 1, money);
	worksheet_write_number(ws, 4, 2, 0.1, NULL);
	worksheet_write_datetime(ws, 4, 4, &dt, cn_date);
	worksheet_write_number(ws, 4, 5, 45077, builtin);
	worksheet_write_boolean(ws, 4, 6, 0, NULL);
	worksheet_write_number(ws, 4, 8, 123456789012.0, NULL);
	/* Excel row 7: only blanks, not handed out */
	worksheet_write_blank(ws, 6, 0, bold);
	worksheet_write_string(ws, 6, 1, "", NULL);
	/* Excel row 9 */
	worksheet_write_formula_str(ws, 8, 0, "=A2&\"\"", NULL, "昌吉市");
	worksheet_write_number(ws, 8, 1, 1e17, NULL);
	worksheet_write_number(ws, 8, 2, -7.25, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	ch_xlsx *x = open_ok(path, "入户登记");
	expect_row(x, 1, 7, "县(市)", "户数", "补贴(万元)", "身份证号", "入户日期", "合计",
	           "已验收");
	expect_row(x, 2, 7, "昌吉市", "13561", "101.5", "652323199001011234", "2023-05-31", "27122",
	           "TRUE");
	expect_row(x, 5, 9, "阜康市", "", "0.1", "", "2023-05-31", "2023-05-31", "FALSE", "",
	           "123456789012");
	expect_row(x, 9, 3, "昌吉市", "1E+17", "-7.25");
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

static void write_sheets(const char *path)
{
	lxw_workbook *wb = workbook_new(path);
	assert_non_null(wb);
	lxw_worksheet *a = workbook_add_worksheet(wb, "2023年计划");
	lxw_worksheet *b = workbook_add_worksheet(wb, "入户登记");
	lxw_worksheet *c = workbook_add_worksheet(wb, "Sheet3");
	worksheet_write_string(a, 0, 0, "计划", NULL);
	worksheet_write_string(b, 2, 1, "登记", NULL);
	worksheet_write_number(b, 3, 0, 1, NULL);
	worksheet_write_string(c, 0, 0, "三", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_sheets(void **state)
{
	char *path = path_in(state, "sheets.xlsx");
	write_sheets(path);

	ch_xlsx *x = open_ok(path, NULL);
	assert_int_equal(ch_xlsx_sheet_count(x), 3);
	assert_string_equal(ch_xlsx_sheet_name(x, 0), "2023年计划");
	assert_string_equal(ch_xlsx_sheet_name(x, 1), "入户登记");
	assert_string_equal(ch_xlsx_sheet_name(x, 2), "Sheet3");
	assert_null(ch_xlsx_sheet_name(x, 3));
	assert_string_equal(ch_xlsx_current_sheet(x), "2023年计划");
	expect_row(x, 1, 1, "计划");
	expect_end(x);
	ch_xlsx_free(x);

	x = open_ok(path, "入户登记");
	assert_string_equal(ch_xlsx_current_sheet(x), "入户登记");
	expect_row(x, 3, 2, "", "登记");
	expect_row(x, 4, 1, "1");
	expect_end(x);
	ch_xlsx_free(x);

	x = open_ok(path, "sheet3"); /* Excel's names ignore case */
	assert_string_equal(ch_xlsx_current_sheet(x), "Sheet3");
	expect_row(x, 1, 1, "三");
	expect_end(x);
	ch_xlsx_free(x);

	expect_open_error(path, "登记表", CH_ENOTFOUND, "2023年计划, 入户登记, Sheet3");
	expect_msg("登记表");
	free(path);
}

/* Many rows, long enough to cross many 64 KiB blocks, in both the
 * shared-string and the inline-string (constant_memory) form. */
static void check_many(void **state, bool constant_memory)
{
	enum { NROWS = 3000 };
	char *path = path_in(state, constant_memory ? "many-inline.xlsx" : "many.xlsx");
	lxw_workbook_options opt = {.constant_memory = constant_memory, .tmpdir = *state};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	assert_non_null(wb);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "明细");
	char text[128];
	for (int r = 0; r < NROWS; r++) {
		if (r % 7 == 3)
			continue; /* missing rows */
		snprintf(text, sizeof text, "新疆维吾尔自治区昌吉回族自治州呼图壁县第%d户", r);
		worksheet_write_string(ws, (lxw_row_t)r, 0, text, NULL);
		worksheet_write_number(ws, (lxw_row_t)r, 1, r * 1.5, NULL);
		if (r % 5)
			worksheet_write_string(ws, (lxw_row_t)r, 3, r % 2 ? "空气源热泵" : "电采暖",
			                       NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	ch_xlsx *x = open_ok(path, "明细");
	char num[32];
	for (int r = 0; r < NROWS; r++) {
		if (r % 7 == 3)
			continue;
		snprintf(text, sizeof text, "新疆维吾尔自治区昌吉回族自治州呼图壁县第%d户", r);
		if (r % 2)
			snprintf(num, sizeof num, "%d.5", r * 3 / 2);
		else
			snprintf(num, sizeof num, "%d", r * 3 / 2);
		if (r % 5)
			expect_row(x, (size_t)r + 1, 4, text, num, "",
			           r % 2 ? "空气源热泵" : "电采暖");
		else
			expect_row(x, (size_t)r + 1, 2, text, num);
	}
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

static void test_many_rows(void **state)
{
	check_many(state, false);
}

static void test_many_rows_inline(void **state)
{
	check_many(state, true);
}

/* Shared strings past what the reader keeps in memory (4 MiB: the rest
 * goes to a temporary file, util/strtab.c): every cell the same, those
 * whose string is in memory (the first rows, and a text every row
 * repeats) and those whose string is in the file. */
static void test_shared_strings_in_file(void **state)
{
	enum { NROWS = 80000 };
	char *path = path_in(state, "sst-large.xlsx");
	lxw_workbook_options opt = {.constant_memory = false, .tmpdir = *state};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	assert_non_null(wb);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "台账");
	char text[128], id[32];
	for (int r = 0; r < NROWS; r++) {
		snprintf(text, sizeof text, "新疆维吾尔自治区昌吉回族自治州玛纳斯县第%d户", r);
		snprintf(id, sizeof id, "6523%014d", r * 7);
		worksheet_write_string(ws, (lxw_row_t)r, 0, text, NULL);
		worksheet_write_string(ws, (lxw_row_t)r, 1, r % 2 ? "空气源热泵" : "电采暖", NULL);
		worksheet_write_string(ws, (lxw_row_t)r, 2, id, NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	ch_xlsx *x = open_ok(path, "台账");
	for (int r = 0; r < NROWS; r++) {
		snprintf(text, sizeof text, "新疆维吾尔自治区昌吉回族自治州玛纳斯县第%d户", r);
		snprintf(id, sizeof id, "6523%014d", r * 7);
		expect_row(x, (size_t)r + 1, 3, text, r % 2 ? "空气源热泵" : "电采暖", id);
	}
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

/* A workbook of more than a megabyte is read by a second thread
 * (io/rows.c): every row as the workbook's reader gives it alone, in the
 * same order with the same row numbers, then the end, twice. */
static void test_rows_read_ahead(void **state)
{
	enum { NROWS = 40000 };
	char *path = path_in(state, "large.xlsx");
	lxw_workbook_options opt = {.constant_memory = true, .tmpdir = *state};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	assert_non_null(wb);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "台账");
	char text[96];
	uint64_t seed = 7;
	for (int r = 0; r < NROWS; r++) {
		if (r % 11 == 5)
			continue; /* missing rows */
		/* text that does not compress, so that the file passes a
		 * megabyte */
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		snprintf(text, sizeof text, "呼图壁县%016llx%016llx%d", (unsigned long long)seed,
		         (unsigned long long)(seed * 31 + (uint64_t)r), r);
		worksheet_write_string(ws, (lxw_row_t)r, 0, text, NULL);
		worksheet_write_number(ws, (lxw_row_t)r, 1, r * 0.25, NULL);
		if (r % 3)
			worksheet_write_string(ws, (lxw_row_t)r, 4, r % 2 ? "'=1" : "电采暖", NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 1024 * 1024);

	int before = test_thread_count();
	ch_rows *rows = NULL;
	assert_int_equal(ch_rows_open(&rows, path, "台账"), 0);
	assert_int_equal(test_thread_count(), before + 1);
	assert_string_equal(ch_rows_describe(rows), "XLSX 工作表「台账」");
	ch_xlsx *x = open_ok(path, "台账");
	ch_csv_row a, b;
	size_t n = 0;
	int rc;
	while ((rc = ch_rows_next(rows, &a)) == 1) {
		assert_int_equal(ch_xlsx_next(x, &b), 1);
		assert_int_equal(a.line, b.line);
		assert_int_equal(a.nfields, b.nfields);
		for (size_t i = 0; i < a.nfields; i++)
			assert_string_equal(a.fields[i], b.fields[i]);
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(ch_rows_next(rows, &a), 0);
	assert_int_equal(ch_xlsx_next(x, &b), 0);
	assert_int_equal(n, NROWS - NROWS / 11);
	ch_rows_free(rows);
	ch_xlsx_free(x);
	assert_int_equal(test_thread_count(), before);
	free(path);
}

/* The merged-header plan table (tests/fixtures/xlsx/plan-2023-merged.xlsx,
 * made with libxlsxwriter): merged cells come back as their first cell's
 * value and empty cells; numbers as written. */
static void test_fixture_plan(void **state)
{
	(void)state;
	ch_xlsx *x = open_ok("tests/fixtures/xlsx/plan-2023-merged.xlsx", NULL);
	expect_row(x, 1, 1, "2023年度昌吉州农村清洁取暖安排项目表");
	expect_row(x, 2, 7, "序号", "县(市)", "2023年实施农村清洁取暖改造任务数(户)", "", "",
	           "2023年实施建筑节能改造户数(户)", "备注");
	expect_row(x, 3, 5, "", "", "合计", "2023年实施户数", "续建2022年户数");
	expect_row(x, 4, 6, "1", "昌吉市", "13561", "7235", "6326", "4060");
	expect_row(x, 5, 6, "2", "阜康市", "5958", "5958", "", "2125");
	expect_row(x, 6, 6, "3", "玛纳斯县", "3587", "3325", "262", "3806");
	expect_row(x, 7, 6, "4", "呼图壁县", "6769", "5605", "1164", "3045");
	expect_row(x, 8, 6, "5", "吉木萨尔县", "5785", "5785", "", "4085");
	expect_row(x, 9, 6, "6", "奇台县", "5000", "5000", "", "3805");
	expect_row(x, 10, 6, "7", "木垒县", "3317", "3317", "", "3420");
	expect_row(x, 11, 6, "昌吉州总计", "", "43977", "36225", "7752", "24346");
	expect_end(x);
	ch_xlsx_free(x);
}

/* ---- errors ---- */

static void test_not_workbook(void **state)
{
	char *path = path_in(state, "plan.xlsx");
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("序号,县(市),合计\n1,昌吉市,13561\n", fp);
	fclose(fp);
	expect_open_error(path, NULL, CH_EINVALID, "不是 xlsx 工作簿");
	expect_msg(path);

	fp = fopen(path, "wb"); /* empty */
	assert_non_null(fp);
	fclose(fp);
	expect_open_error(path, NULL, CH_EINVALID, "不是 xlsx 工作簿");

	const struct zpart parts[] = {{"word/document.xml", "<document/>"}};
	write_zip(path, parts, 1);
	expect_open_error(path, NULL, CH_EINVALID, "不是 xlsx 工作簿");

	const struct zpart norels[] = {{"xl/workbook.xml", WORKBOOK("", "Sheet1")}};
	write_zip(path, norels, 1);
	expect_open_error(path, NULL, CH_EINVALID, "workbook.xml.rels");

	const struct zpart nosheets[] = {
	    {"xl/workbook.xml", "<workbook xmlns=\"" NS_MAIN "\"><sheets/></workbook>"},
	    {"xl/_rels/workbook.xml.rels", wb_rels}};
	write_zip(path, nosheets, 2);
	expect_open_error(path, NULL, CH_EINVALID, "没有工作表");

	const struct zpart nopart[] = {{"xl/workbook.xml", WORKBOOK("", "Sheet1")},
	                               {"xl/_rels/workbook.xml.rels", wb_rels}};
	write_zip(path, nopart, 2);
	expect_open_error(path, NULL, CH_EINVALID, "xl/worksheets/sheet1.xml is missing");

	const struct zpart badwb[] = {{"xl/workbook.xml", "<workbook><sheets></workbook>"},
	                              {"xl/_rels/workbook.xml.rels", wb_rels}};
	write_zip(path, badwb, 2);
	expect_open_error(path, NULL, CH_EINVALID, "xl/workbook.xml: malformed XML (line 1");

	expect_open_error("tests/fixtures/xlsx/no-such-file.xlsx", NULL, CH_ENOTFOUND,
	                  "no-such-file.xlsx");
	expect_open_error("tests/fixtures/xlsx", NULL, CH_ERROR, "无法打开");
	free(path);
}

static void test_sst_out_of_range(void **state)
{
	char *path = path_in(state, "sst.xlsx");
	write_simple(path,
	             SHEET("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"
	                   "<row r=\"2\"><c t=\"s\"><v>1</v></c></row>"),
	             XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"5\" uniqueCount=\"5\">"
	                      "<si><t>唯一</t></si></sst>");
	ch_xlsx *x = open_ok(path, NULL);
	expect_row(x, 1, 1, "唯一");
	expect_next_error(x, CH_EINVALID, "row 2 of sheet Sheet1: shared string 1 does not exist");
	ch_xlsx_free(x);

	/* no shared strings at all */
	write_simple(path, SHEET("<row r=\"4\"><c t=\"s\"><v>0</v></c></row>"), NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "row 4 of sheet Sheet1: shared string 0");
	ch_xlsx_free(x);

	write_simple(path, SHEET("<row r=\"4\"><c t=\"s\"><v>-1</v></c></row>"), NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "shared string -1 does not exist");
	ch_xlsx_free(x);
	free(path);
}

static void test_malformed_sheet(void **state)
{
	char *path = path_in(state, "bad.xlsx");
	write_simple(path,
	             XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
	                      "<row r=\"1\"><c t=\"inlineStr\"><is><t>好</t></is></c></row>"
	                      "<row r=\"2\"><c r=\"A2\"><v>1</v></row></sheetData></worksheet>",
	             NULL);
	ch_xlsx *x = open_ok(path, NULL);
	expect_row(x, 1, 1, "好");
	expect_next_error(x, CH_EINVALID, "row 2 of sheet Sheet1: malformed XML");
	ch_xlsx_free(x);

	/* cut off */
	write_simple(path, XML_DECL "<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row>",
	             NULL);
	x = open_ok(path, NULL);
	expect_row(x, 1, 1, "1");
	expect_next_error(x, CH_EINVALID, "after row 1 of sheet Sheet1: malformed XML");
	ch_xlsx_free(x);

	/* not XML */
	write_simple(path, "\x89PNG\r\n", NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "sheet Sheet1: malformed XML");
	ch_xlsx_free(x);
	free(path);
}

/* Input a fuzzer would try. */
static void test_hostile(void **state)
{
	char *path = path_in(state, "hostile.xlsx");
	ch_xlsx *x;

	write_simple(path, SHEET("<row r=\"1\"><c r=\"AAAA1\"><v>1</v></c></row>"), NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "row 1 of sheet Sheet1: bad cell reference \"AAAA1\"");
	ch_xlsx_free(x);

	write_simple(path, SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "beyond column XFD");
	ch_xlsx_free(x);

	write_simple(path, SHEET("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>"), NULL);
	x = open_ok(path, NULL);
	ch_csv_row row;
	assert_int_equal(ch_xlsx_next(x, &row), 1);
	assert_int_equal(row.nfields, 16384);
	assert_string_equal(row.fields[16383], "1");
	assert_string_equal(row.fields[0], "");
	expect_end(x);
	ch_xlsx_free(x);

	write_simple(path, SHEET("<row r=\"1\"><c r=\"1\"><v>1</v></c></row>"), NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "bad cell reference");
	ch_xlsx_free(x);

	write_simple(path, SHEET("<row r=\"1\"><c><v>1</v></c></row><row r=\"x\"/>"), NULL);
	x = open_ok(path, NULL);
	expect_row(x, 1, 1, "1");
	expect_next_error(x, CH_EINVALID, "after row 1 of sheet Sheet1: bad row number \"x\"");
	ch_xlsx_free(x);

	write_simple(path, SHEET("<row r=\"99999999999999999999999\"/>"), NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "bad row number");
	ch_xlsx_free(x);

	/* more cells than Excel has columns, none with r */
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, XML_DECL "<worksheet><sheetData><row>");
	for (int i = 0; i < 16385; i++)
		ch_buf_puts(&b, "<c><v>1</v></c>");
	ch_buf_puts(&b, "</row></sheetData></worksheet>");
	write_simple(path, b.ptr, NULL);
	ch_buf_dispose(&b);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "row 1 of sheet Sheet1: more than 16384 cells");
	ch_xlsx_free(x);

	/* entity expansion: no DTD at all, in a sheet or in the shared strings */
	const char *lol = XML_DECL "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	                           "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>";
	ch_buf_init(&b);
	ch_buf_printf(&b,
	              "%s<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&lol2;</t></is>"
	              "</c></row></sheetData></worksheet>",
	              lol);
	write_simple(path, b.ptr, NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "DTD");
	ch_xlsx_free(x);
	ch_buf_clear(&b);
	ch_buf_printf(&b, "%s<sst><si><t>&lol2;</t></si></sst>", lol);
	write_simple(path, SHEET(""), b.ptr);
	expect_open_error(path, NULL, CH_EINVALID, "xl/sharedStrings.xml: a DTD");
	ch_buf_dispose(&b);

	/* cells out of order and repeated: the last one wins */
	write_simple(path,
	             SHEET("<row r=\"1\"><c r=\"C1\"><v>3</v></c><c r=\"A1\"><v>1</v></c>"
	                   "<c r=\"C1\"><v>4</v></c><c r=\"D1\" t=\"zz\"><v>raw</v></c></row>"),
	             NULL);
	x = open_ok(path, NULL);
	expect_row(x, 1, 4, "1", "", "4", "raw");
	expect_end(x);
	ch_xlsx_free(x);

	/* an empty sheet part, and a sheet without sheetData */
	write_simple(path, "", NULL);
	x = open_ok(path, NULL);
	expect_next_error(x, CH_EINVALID, "malformed XML");
	ch_xlsx_free(x);
	write_simple(path, "<worksheet/>", NULL);
	x = open_ok(path, NULL);
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

/* ---- the bounds of io/limits.h ---- */

/* A sheet with the XML PRE, then N copies of UNIT, then POST. */
static char *sheet_of(const char *pre, const char *unit, size_t n, const char *post)
{
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
	ch_buf_puts(&b, pre);
	for (size_t i = 0; i < n; i++)
		ch_buf_puts(&b, unit);
	ch_buf_puts(&b, post);
	ch_buf_puts(&b, "</sheetData></worksheet>");
	return ch_buf_detach(&b);
}

/* Writes a one-sheet workbook of SHEET (freed) and expects reading its
 * rows to end in an error with a message holding NEEDLE. */
static void expect_sheet_error(const char *path, char *sheet, const char *needle)
{
	ch_csv_row row;
	write_simple(path, sheet, NULL);
	free(sheet);
	ch_xlsx *x = open_ok(path, NULL);
	while (ch_xlsx_next(x, &row) == 1)
		;
	expect_next_error(x, CH_EINVALID, needle);
	ch_xlsx_free(x);
}

/* Limits lowered for one test; restored by the teardown. */
static void lower(void (*change)(struct ch_read_limits *))
{
	struct ch_read_limits l = *ch_read_limits();
	change(&l);
	ch_read_limits_set(&l);
}

static int teardown_limits(void **state)
{
	ch_read_limits_set(NULL);
	return teardown(state);
}

/* A comment, an attribute value or a processing instruction of 2 MiB is
 * refused once 1 MiB has been fed without the parser finishing a token
 * (the installed expat rescans it for each block: minutes for 32 MiB). */
static void test_limit_xml_token(void **state)
{
	char *path = path_in(state, "token.xlsx");
	const char *needle = "工作表「Sheet1」：有一段超过 1 MiB 的 XML";
	expect_sheet_error(path, sheet_of("<!--", "a", (size_t)2 << 20, "-->"), needle);
	expect_sheet_error(path,
	                   sheet_of("<row r=\"1\"><c r=\"A1\" x=\"", "a", (size_t)2 << 20,
	                            "\"><v>1</v></c></row>"),
	                   "第 1 行：有一段超过 1 MiB 的 XML");
	expect_sheet_error(path, sheet_of("<?pi ", "a", (size_t)2 << 20, "?>"), needle);
	/* long text inside an element is reported as it comes: not a token */
	char *sheet = sheet_of("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>", " ",
	                       (size_t)2 << 20, "x</t></is></c></row>");
	write_simple(path, sheet, NULL);
	free(sheet);
	ch_xlsx *x = open_ok(path, NULL);
	ch_csv_row row;
	assert_int_equal(ch_xlsx_next(x, &row), CH_EINVALID);
	expect_msg("第 1 行：第 1 列超过一个单元格 32,767 个字符的上限");
	ch_xlsx_free(x);
	/* a comment in the shared strings: refused when the workbook opens */
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "<sst xmlns=\"" NS_MAIN "\"><!--");
	for (size_t i = 0; i < ((size_t)2 << 20); i++)
		ch_buf_putc(&b, 'a');
	ch_buf_puts(&b, "--></sst>");
	write_simple(path, SHEET(""), b.ptr);
	ch_buf_dispose(&b);
	expect_open_error(path, NULL, CH_EINVALID, "的 xl/sharedStrings.xml：有一段超过 1 MiB");
	free(path);
}

/* A sheet that inflates more than 100 times (empty rows, as a zip bomb
 * would be) is refused once it passes 8 MiB inflated. */
static void test_limit_ratio(void **state)
{
	char *path = path_in(state, "bomb.xlsx");
	expect_sheet_error(path, sheet_of("", "<row r=\"1\"/>", (size_t)1 << 20, ""),
	                   "压缩比超过 100:1 的上限（");
	free(path);
}

static void lower_sheet_bytes(struct ch_read_limits *l)
{
	l->sheet_bytes = (size_t)1 << 20;
	l->part_bytes = 4096;
}

/* The inflated size of a worksheet, and of the small parts. */
static void test_limit_part_size(void **state)
{
	char *path = path_in(state, "big.xlsx");
	lower(lower_sheet_bytes);
	expect_sheet_error(
	    path, sheet_of("", "<row><c t=\"inlineStr\"><is><t>abc</t></is></c></row>", 30000, ""),
	    "工作表「Sheet1」第 20558 行：解压后超过 1 MiB 的上限");
	/* styles above 4 KiB: refused when the workbook opens */
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "<styleSheet xmlns=\"" NS_MAIN "\"><cellXfs>");
	for (int i = 0; i < 1000; i++)
		ch_buf_puts(&b, "<xf numFmtId=\"14\"/>");
	ch_buf_puts(&b, "</cellXfs></styleSheet>");
	struct zpart parts[] = {
	    {"xl/workbook.xml", WORKBOOK("", "Sheet1")},
	    {"xl/_rels/workbook.xml.rels", wb_rels},
	    {"xl/worksheets/sheet1.xml", SHEET("")},
	    {"xl/styles.xml", b.ptr},
	};
	write_zip(path, parts, 4);
	ch_buf_dispose(&b);
	expect_open_error(path, NULL, CH_EINVALID, "的 xl/styles.xml：解压后超过 4 KiB 的上限");
	free(path);
}

static void lower_rows(struct ch_read_limits *l)
{
	l->rows = 10;
}

/* Rows: counted, and numbered; Excel's 1,048,576 is the default. */
static void test_limit_rows(void **state)
{
	char *path = path_in(state, "rows.xlsx");
	expect_sheet_error(path, strdup(SHEET("<row r=\"1048577\"><c><v>1</v></c></row>")),
	                   "超过 1,048,576 行的上限");
	lower(lower_rows);
	char *sheet = sheet_of("", "<row><c><v>1</v></c></row>", 11, "");
	write_simple(path, sheet, NULL);
	free(sheet);
	ch_xlsx *x = open_ok(path, NULL);
	for (size_t i = 1; i <= 10; i++)
		expect_row(x, i, 1, "1");
	expect_next_error(x, CH_EINVALID, "第 10 行之后：超过 10 行的上限");
	ch_xlsx_free(x);
	/* the same row number again and again counts too */
	expect_sheet_error(path, sheet_of("", "<row r=\"1\"/>", 11, ""), "超过 10 行的上限");
	free(path);
}

/* Cells of a row: the same reference repeated past 16,384; characters of a
 * cell (not bytes: 32,767 Chinese characters are a cell's worth). */
static void test_limit_cells(void **state)
{
	char *path = path_in(state, "cells.xlsx");
	expect_sheet_error(path,
	                   sheet_of("<row r=\"1\">", "<c r=\"A1\"><v>1</v></c>", 16385, "</row>"),
	                   "第 1 行：超过 16,384 个单元格的上限");
	expect_sheet_error(path,
	                   sheet_of("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>", "a", 32768,
	                            "</t></is></c></row>"),
	                   "工作表「Sheet1」第 2 行：第 2 列超过一个单元格 32,767 个字符的上限");
	char *sheet = sheet_of("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>", "字", 32767,
	                       "</t></is></c></row>");
	write_simple(path, sheet, NULL);
	free(sheet);
	ch_xlsx *x = open_ok(path, NULL);
	ch_csv_row row;
	assert_int_equal(ch_xlsx_next(x, &row), 1);
	assert_int_equal(strlen(row.fields[1]), 3 * 32767);
	expect_end(x);
	ch_xlsx_free(x);
	free(path);
}

/* The text of a row: one megabyte (Excel's own bound would allow 16,384
 * cells of 32,767 characters each, half a gigabyte for one row). */
static void test_limit_row_text(void **state)
{
	char *path = path_in(state, "rowtext.xlsx");
	ch_buf cell;
	ch_buf_init(&cell);
	ch_buf_puts(&cell, "<c t=\"inlineStr\"><is><t>");
	for (int i = 0; i < 30000; i++)
		ch_buf_putc(&cell, 'x');
	ch_buf_puts(&cell, "</t></is></c>");
	expect_sheet_error(path, sheet_of("<row r=\"4\">", cell.ptr, 40, "</row>"),
	                   "第 4 行：一行的文字超过 1 MiB 的上限");
	ch_buf_dispose(&cell);
	free(path);
}

static void lower_sst(struct ch_read_limits *l)
{
	l->sst_count = 10;
	l->sst_bytes = 64 << 10;
}

/* Shared strings: their number and their bytes are the one table held. */
static void test_limit_shared_strings(void **state)
{
	char *path = path_in(state, "sst.xlsx");
	lower(lower_sst);
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_puts(&b, "<sst xmlns=\"" NS_MAIN "\">");
	for (int i = 0; i < 11; i++)
		ch_buf_puts(&b, "<si><t/></si>");
	ch_buf_puts(&b, "</sst>");
	write_simple(path, SHEET(""), b.ptr);
	expect_open_error(path, NULL, CH_EINVALID,
	                  "的 xl/sharedStrings.xml：共享字符串超过 10 条的上限");
	ch_buf_clear(&b);
	ch_buf_puts(&b, "<sst xmlns=\"" NS_MAIN "\"><si><t>");
	for (int i = 0; i < 70000; i++)
		ch_buf_puts(&b, i % 10000 ? "a" : "</t></si><si><t>");
	ch_buf_puts(&b, "</t></si></sst>");
	write_simple(path, SHEET(""), b.ptr);
	expect_open_error(path, NULL, CH_EINVALID, "共享字符串的文字超过 64 KiB 的上限");
	ch_read_limits_set(NULL);
	ch_buf_clear(&b);
	ch_buf_puts(&b, "<sst xmlns=\"" NS_MAIN "\"><si><t>");
	for (int i = 0; i < 32768; i++)
		ch_buf_putc(&b, 'a');
	ch_buf_puts(&b, "</t></si></sst>");
	write_simple(path, SHEET(""), b.ptr);
	expect_open_error(path, NULL, CH_EINVALID,
	                  "第 1 条共享字符串超过一个单元格 32,767 个字符的上限");
	ch_buf_dispose(&b);
	free(path);
}

static void lower_entries(struct ch_read_limits *l)
{
	l->entries = 3;
}

/* Sheets, relationships, number and cell formats are counted (the
 * workbook has 3 relationships and 4 cell formats). */
static void test_limit_entries(void **state)
{
	char *path = path_in(state, "entries.xlsx");
	lower(lower_entries);
	write_simple(path, SHEET(""), NULL); /* styles with 4 cell formats */
	expect_open_error(path, NULL, CH_EINVALID, "xl/styles.xml：单元格格式超过 3 个的上限");
	free(path);
}

static void no_time(struct ch_read_limits *l)
{
	l->seconds = 0;
}

/* The deadline of one read, checked as each block is fed. */
static void test_limit_deadline(void **state)
{
	char *path = path_in(state, "slow.xlsx");
	write_simple(path, SHEET(""), NULL);
	lower(no_time);
	expect_open_error(path, NULL, CH_EINVALID, "读取超过了 0 秒的时限");
	free(path);
}

/* R rendered in FORMAT into memory, written to a file by ch_report_write
 * and to a temporary one by ch_report_tmpfile: each the N bytes at WANT. */
static void rendered_is(const ch_report *r, enum ch_format format, const char *want, size_t n)
{
	char path[256];
	ch_buf b;
	ch_buf_init(&b);
	assert_int_equal(ch_report_render(r, format, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.ptr, want, n);
	ch_buf_dispose(&b);
	snprintf(path, sizeof path, "%s/cleanheat-report-test-%d", ch_tmpdir(), (int)getpid());
	assert_int_equal(ch_report_write(r, format, path), 0);
	unsigned char *data = NULL;
	size_t len = 0;
	assert_int_equal(ch_file_read(path, SIZE_MAX / 2, &data, &len), 0);
	unlink(path);
	assert_int_equal(len, n);
	assert_memory_equal(data, want, n);
	/* from the unlinked file's start, read to its end */
	int fd = -1;
	assert_int_equal(ch_report_tmpfile(r, format, &fd), 0);
	assert_true(fd >= 0);
	data = realloc(data, n + 1);
	assert_non_null(data);
	assert_int_equal(read(fd, data, n + 1), (ssize_t)n);
	assert_memory_equal(data, want, n);
	close(fd);
	free(data);
}

/* R written as a workbook (ch_report_write) reads back (io/xlsx.h) as the
 * rows of WANT, each field as CSV quotes it, "\r\n" after each row; STREAMED:
 * whether it must have been written a row at a time, its texts in the cells
 * and no shared strings' part. */
static void workbook_is(const ch_report *r, const char *want, int streamed)
{
	char path[256];
	snprintf(path, sizeof path, "%s/cleanheat-report-test-%d.xlsx", ch_tmpdir(), (int)getpid());
	assert_int_equal(ch_report_write(r, CH_FMT_XLSX, path), 0);
	unzFile uz = unzOpen(path);
	assert_non_null(uz);
	assert_int_equal(unzLocateFile(uz, "xl/sharedStrings.xml", 1) != UNZ_OK, streamed);
	unzClose(uz);
	ch_xlsx *x = open_ok(path, NULL);
	ch_buf got;
	ch_buf_init(&got);
	ch_csv_row row;
	int rc;
	while ((rc = ch_xlsx_next(x, &row)) == 1) {
		for (size_t i = 0; i < row.nfields; i++) {
			if (i)
				ch_buf_putc(&got, ',');
			ch_csv_put_field(&got, row.fields[i]);
		}
		ch_buf_puts(&got, "\r\n");
	}
	assert_int_equal(rc, 0);
	ch_xlsx_free(x);
	unlink(path);
	size_t n = strlen(want), i = 0;
	while (i < n && i < got.len && want[i] == got.ptr[i])
		i++;
	if (i < n || got.len != n)
		fail_msg("workbook differs at byte %zu of %zu (read %zu): \"%.60s\" for \"%.60s\"",
		         i, n, got.len, got.ptr ? got.ptr + i : "", want + i);
	ch_buf_dispose(&got);
}

/* R's JSON, rendered and written to a file, is the document
 * ch_report_to_json makes, as json_dumps writes it, byte for byte. */
static void json_as_dumped(const ch_report *r)
{
	json_t *j = ch_report_to_json(r);
	char *want = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	size_t n = strlen(want);
	want = realloc(want, n + 2);
	assert_non_null(want);
	memcpy(want + n, "\n", 2); /* as the renderer ends it */
	rendered_is(r, CH_FMT_JSON, want, n + 1);
	free(want);
	json_decref(j);
}

/* A report rendered into memory: CSV with its BOM, JSON, and an XLSX that
 * the reader opens again with the same cells. */
static void test_report_render(void **state)
{
	(void)state;
	ch_report *r = ch_report_new("测试");
	ch_report_add_col(r, "county", "县(市)", CH_COL_TEXT);
	ch_report_add_col(r, "n", "户数", CH_COL_INT);
	ch_report_add_row(r, 0);
	ch_report_set_text(r, 0, "昌吉市");
	ch_report_set_int(r, 1, 13561);
	ch_buf b;
	ch_buf_init(&b);
	assert_int_equal(ch_report_render(r, CH_FMT_CSV, &b), 0);
	assert_memory_equal(b.ptr, "\xef\xbb\xbf", 3);
	assert_non_null(strstr(b.ptr, "昌吉市,13561"));
	ch_buf_clear(&b);
	assert_int_equal(ch_report_render(r, CH_FMT_JSON, &b), 0);
	assert_non_null(strstr(b.ptr, "\"n\": 13561"));
	ch_buf_clear(&b);
	assert_int_equal(ch_report_render(r, CH_FMT_XLSX, &b), 0);
	assert_true(b.len > 100);
	assert_memory_equal(b.ptr, "PK", 2);
	ch_buf_dispose(&b);
	workbook_is(r, "测试\r\n县(市),户数\r\n昌吉市,13561\r\n", 0);
	json_as_dumped(r);
	ch_report_add_note(r, "注：\"引号\"\n换行");
	ch_report_add_row(r, 1);
	json_as_dumped(r);
	ch_report_free(r);
	/* no title, no columns, no rows */
	r = ch_report_new(NULL);
	json_as_dumped(r);
	ch_report_add_col(r, "a", "甲", CH_COL_TEXT);
	json_as_dumped(r);
	ch_report_free(r);
}

/* Row I's cells in test_report_many_rows: a text with what CSV quotes, a
 * number, an empty cell, a text that grows with I and a multi-byte one. */
#define MANY_ROWS 120000
static void many_row(ch_report *r, size_t i)
{
	char t[160];
	ch_report_add_row(r, i % 1000 == 999);
	snprintf(t, sizeof t, "户 %zu,\"甲\"", i);
	ch_report_set_text(r, 0, t);
	ch_report_set_int(r, 1, (int64_t)i * 7 - 300000);
	if (i % 3 == 0)
		ch_report_set_text(r, 2, "");
	memset(t, 'x', i % 97);
	t[i % 97] = '\0';
	ch_report_set_text(r, 3, t);
	ch_report_set_text(r, 4, i % 2 ? "宜气则气" : "宜电则电");
}

/* many_row's rows 0 to MANY_ROWS - 1 appended to B as CSV, or (WORKBOOK)
 * as workbook_is reads them, a row's empty cells at its end left out. */
static void many_rows_want(ch_buf *b, int workbook)
{
	char t[160];
	for (size_t i = 0; i < MANY_ROWS; i++) {
		memset(t, 'x', i % 97);
		t[i % 97] = '\0';
		ch_buf_printf(b, "\"户 %zu,\"\"甲\"\"\",%lld,,%s,%s%s\r\n", i,
		              (long long)i * 7 - 300000, t, i % 2 ? "宜气则气" : "宜电则电",
		              i >= MANY_ROWS / 2 ? ",z"
		              : workbook         ? ""
		                                 : ",");
	}
}

/* A report larger than its rows' budget in memory: every row and cell read
 * back as set, in CSV, JSON and by cell, the same whether rendered into
 * memory or written to a file in pieces; a column added after rows is empty
 * in them. Its workbook is written a row at a time and reads back the
 * same; a report of more rows than a sheet holds is refused as XLSX. */
static void test_report_many_rows(void **state)
{
	(void)state;
	ch_report *r = ch_report_new("很多行");
	ch_report_add_col(r, "a", "甲", CH_COL_TEXT);
	ch_report_add_col(r, "n", "数", CH_COL_INT);
	ch_report_add_col(r, "e", "空", CH_COL_TEXT);
	ch_report_add_col(r, "x", "长", CH_COL_TEXT);
	ch_report_add_col(r, "w", "宜", CH_COL_TEXT);
	for (size_t i = 0; i < MANY_ROWS / 2; i++)
		many_row(r, i);
	ch_report_add_col(r, "z", "后加", CH_COL_TEXT);
	for (size_t i = MANY_ROWS / 2; i < MANY_ROWS; i++) {
		many_row(r, i);
		ch_report_set_text(r, 5, "z");
	}
	/* the expected CSV, built here */
	ch_buf want, b;
	ch_buf_init(&want);
	ch_buf_init(&b);
	ch_buf_puts(&want, "\xef\xbb\xbf甲,数,空,长,宜,后加\r\n");
	many_rows_want(&want, 0);
	rendered_is(r, CH_FMT_CSV, want.ptr, want.len);
	/* by cell, out of order */
	assert_string_equal(ch_report_cell(r, 6, 4), "宜电则电");
	assert_string_equal(ch_report_cell(r, MANY_ROWS - 1, 1), "539993");
	assert_null(ch_report_cell(r, 4, 2));
	assert_string_equal(ch_report_cell(r, 3, 2), "");
	assert_null(ch_report_cell(r, 7, 5));
	assert_string_equal(ch_report_cell(r, MANY_ROWS / 2, 5), "z");
	assert_string_equal(ch_report_cell(r, 77777, 0), "户 77777,\"甲\"");
	assert_null(ch_report_cell(r, MANY_ROWS, 0));
	/* JSON: numbers as numbers, the total rows marked */
	ch_buf_clear(&b);
	assert_int_equal(ch_report_render(r, CH_FMT_JSON, &b), 0);
	json_t *j = json_loads(b.ptr, 0, NULL);
	json_t *rows = json_object_get(j, "rows");
	assert_int_equal(json_array_size(rows), MANY_ROWS);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 100), "n")),
	                 -299300);
	assert_true(json_is_true(json_object_get(json_array_get(rows, 999), "is_total")));
	assert_null(json_object_get(json_array_get(rows, 998), "is_total"));
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "e")));
	assert_null(json_object_get(j, "error"));
	json_decref(j);
	json_as_dumped(r);
	/* XLSX, written a row at a time: the title, the same rows, a note */
	ch_report_add_note(r, "注：末行");
	ch_buf_clear(&b);
	ch_buf_puts(&b, "很多行\r\n甲,数,空,长,宜,后加\r\n");
	many_rows_want(&b, 1);
	ch_buf_puts(&b, "注：末行\r\n");
	workbook_is(r, b.ptr, 1);
	ch_buf_dispose(&b);
	ch_buf_dispose(&want);
	ch_report_free(r);
	/* more rows than a sheet holds: refused, no file, rather than cut */
	r = ch_report_new("太多行");
	ch_report_add_col(r, "a", "甲", CH_COL_INT);
	for (int i = 0; i < 1048576 - 2; i++) {
		ch_report_add_row(r, 0);
		ch_report_set_int(r, 0, i);
	}
	char path[256];
	snprintf(path, sizeof path, "%s/cleanheat-report-test-%d.xlsx", ch_tmpdir(), (int)getpid());
	assert_int_equal(ch_report_write(r, CH_FMT_XLSX, path), 0);
	unlink(path);
	ch_report_add_row(r, 0);
	assert_int_equal(ch_report_write(r, CH_FMT_XLSX, path), CH_EINVALID);
	expect_msg("报表「太多行」共 1048577 行，超过 Excel 工作表 1048576 行的上限，请用 CSV");
	assert_int_equal(access(path, F_OK), -1);
	ch_report_free(r);
}

int main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hand_built, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_read_ahead, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shared_strings_in_file, setup, teardown),
	    cmocka_unit_test(test_fixture_hand_built),
	    cmocka_unit_test_setup_teardown(test_prefixed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dates_1900, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_written, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sheets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_rows_inline, setup, teardown),
	    cmocka_unit_test(test_fixture_plan),
	    cmocka_unit_test(test_report_render),
	    cmocka_unit_test(test_report_many_rows),
	    cmocka_unit_test_setup_teardown(test_not_workbook, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sst_out_of_range, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_sheet, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_limit_xml_token, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_ratio, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_part_size, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_rows, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_cells, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_row_text, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_shared_strings, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_entries, setup, teardown_limits),
	    cmocka_unit_test_setup_teardown(test_limit_deadline, setup, teardown_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
