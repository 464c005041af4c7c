/*
 * xlsx — streaming .xlsx reader: minizip for the zip container, expat for
 * the XML parts inside it (see xlsx.h; both loaded on first use, xlsxr.h).
 *
 * Opening reads the small parts whole: xl/workbook.xml (the sheet names and
 * their relationship ids, the 1904 date flag), xl/_rels/workbook.xml.rels
 * (which zip entry each sheet, the shared strings and the styles are in),
 * the shared strings into a table that keeps their first 4 MiB in memory
 * and the rest in a temporary file (util/strtab.h), and the cell formats
 * of the styles reduced to one "shows a date" flag each. The
 * selected worksheet is then read in 64 KiB blocks straight into expat's
 * buffer. The handler of </row> suspends the parser when the row has a
 * value, so ch_xlsx_next hands out that row and resumes the parser on the
 * next call: one row is held at a time, whatever the size of the sheet.
 *
 * Parts are parsed with namespace processing and matched on local names,
 * so prefixed documents (<x:c>) and Strict OOXML read the same. Input is
 * treated as hostile (a fuzzer is pointed at it): DTDs are refused and
 * nothing is allocated by a count read from the file. The bounds of
 * io/limits.h are kept as each block is fed: every part has a cap on its
 * inflated size and on its compression ratio; the bytes expat holds
 * without reporting anything (a comment, an attribute value or a name
 * being collected, which the installed expat rescans for each block, so
 * that time grows with the square of its length) are capped by comparing
 * the bytes fed with XML_GetCurrentByteIndex, the start of the token not
 * yet finished; rows, the cells of a row, the characters of a cell, the
 * text of a row, the shared strings' count and bytes, and the entries of
 * the small parts are capped; and one read has a deadline. So memory is
 * bounded by the shared strings' 4 MiB plus one row, whatever the file,
 * and the temporary file by the shared strings' caps.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "io/limits.h"
#include "io/xlsx.h"
#include "io/xlsxr.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/strtab.h"
#include "util/text.h"

#define BLOCK      65536             /* bytes of a zip entry fed to expat at a time */
#define NS_SEP     '|'               /* expat's namespace separator: "URI|local" */
#define MAX_COLS   16384             /* Excel's last column, XFD */
#define SST_MEMORY ((size_t)4 << 20) /* shared strings' bytes held in memory */
#define MAX_LISTED 20                /* sheet names listed in a message */
/* minizip's iCaseSensitivity for names compared without regard to case
 * (OPC part names are case-insensitive). */
#define ZIP_NOCASE 2

/* What every expat user-data pointer begins with. */
struct part {
	ch_xlsx *x;
	unsigned long depth; /* element depth: the root element is 1 */
};

struct sheet {
	char *name;
	char *rid; /* relationship id (r:id); NULL when missing */
};

struct rel {
	char *id;
	char *type;   /* the relationship type URI */
	char *target; /* the zip entry it names, resolved */
};

enum cell_type {
	T_NUM,    /* t="n" or no t: a number, or a date in a date format */
	T_SST,    /* t="s": index into the shared strings */
	T_INLINE, /* t="inlineStr": text in <is> */
	T_STR,    /* t="str": a formula's string result */
	T_BOOL,   /* t="b" */
	T_ERR,    /* t="e": "#DIV/0!" and the like */
	T_DATE,   /* t="d": an ISO 8601 date */
};

struct ch_xlsx {
	struct part base; /* user data of the worksheet parser (base.x is this) */
	char *path;
	unzFile zip;
	int date1904;
	struct sheet *sheets;
	size_t nsheets, sheetcap;
	size_t cur; /* the selected sheet */
	struct rel *rels;
	size_t nrels, relcap;

	/* shared strings: in memory up to SST_MEMORY, the rest in a
	 * temporary file (util/strtab.h); SST_CUR the one being read */
	ch_strtab *sst;
	ch_buf sst_cur;

	/* styles: XF_DATE[S] is 1 when cell format S (a cell's s="S") is a date */
	unsigned char *xf_date;
	size_t nxf;

	/* the part being parsed (ENTRY) and its parser */
	const char *entry;
	XML_Parser p;
	int parsing;   /* inside XML_ParseBuffer or XML_ResumeParser */
	uint64_t fed;  /* bytes of ENTRY inflated and given to the parser */
	uint64_t zpos; /* where ENTRY's compressed data begins in the zip */

	/* bounds (io/limits.h) */
	const struct ch_read_limits *lim;
	double deadline; /* ch_read_clock() time the read must end by */

	/* the worksheet stream */
	int in_sheet;   /* the worksheet is open: errors name rows */
	int entry_open; /* the zip entry is open */
	int suspended;  /* the parser stopped after a row */
	int fed_final;  /* the last (empty) block was given to the parser */
	int done;
	int err; /* sticky error: a ch_err with ERRMSG */
	char *errmsg;

	/* depth of each open element of interest (0: not open) */
	unsigned long sd_depth, row_depth, cell_depth, v_depth, is_depth, t_depth, rph_depth;
	size_t rownum;    /* Excel row number of the current (or last) row */
	size_t nrows;     /* row elements read */
	size_t ncells;    /* cell elements in the current row */
	size_t val_chars; /* characters in VAL */
	size_t col;       /* 0-based column of the current cell */
	size_t next_col;  /* the column of a cell without r */
	enum cell_type type;
	int is_date;
	ch_buf val; /* the text of the current cell */

	/* the current row: field I is RBUF.ptr + OFFS[I]; offset 0 is "" */
	ch_buf rbuf;
	size_t *offs;
	size_t ncols, offcap;
	size_t nfields;
	int row_ready; /* a row is complete and not yet handed out */
	char **ptrs;
	size_t ptrcap;
};

static const XML_Memory_Handling_Suite mem_suite = {ch_malloc, ch_realloc, free};

/* ---- errors ---- */

/* Sets the sticky error of X to CODE with a message that says where: the
 * row of the worksheet, or the file and the part being read. Stops the
 * parser when called from a handler. Returns CODE. */
static int fail(ch_xlsx *x, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same in Chinese for a bound of io/limits.h passed: "FILE 工作表「S」第
 * N 行：…", or "FILE 的 PART：…" outside the worksheet. Returns CH_EINVALID. */
static int limit(ch_xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same in Chinese with CODE: what went wrong on this machine (a
 * temporary file), not in the file. */
static int fail_zh(ch_xlsx *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int set_error(ch_xlsx *x, int code, ch_buf *b)
{
	free(x->errmsg);
	x->errmsg = ch_buf_detach(b);
	ch_buf_dispose(b);
	x->err = code;
	if (x->parsing)
		XML_StopParser(x->p, XML_FALSE);
	return ch_error_set(code, "%s", x->errmsg);
}

/* Sets the error from FMT and AP, prefixed with where X is: in English
 * for fail(), in Chinese (ZH) for limit(). */
static int report(ch_xlsx *x, int code, int zh, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static int report(ch_xlsx *x, int code, int zh, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	ch_buf b;
	ch_buf_init(&b);
	if (zh) {
		if (x->in_sheet) {
			ch_buf_printf(&b, "%s 工作表「%s」", x->path, x->sheets[x->cur].name);
			if (x->row_depth)
				ch_buf_printf(&b, "第 %zu 行", x->rownum);
			else if (x->rownum)
				ch_buf_printf(&b, "第 %zu 行之后", x->rownum);
		} else {
			ch_buf_printf(&b, "%s 的 %s", x->path, x->entry ? x->entry : "");
		}
		ch_buf_printf(&b, "：%s", msg);
	} else if (x->in_sheet) {
		const char *sheet = x->sheets[x->cur].name;
		if (x->row_depth)
			ch_buf_printf(&b, "row %zu of sheet %s: %s", x->rownum, sheet, msg);
		else if (x->rownum)
			ch_buf_printf(&b, "after row %zu of sheet %s: %s", x->rownum, sheet, msg);
		else
			ch_buf_printf(&b, "sheet %s: %s", sheet, msg);
	} else {
		ch_buf_printf(&b, "%s: %s: %s", x->path, x->entry ? x->entry : "", msg);
	}
	return set_error(x, code, &b);
}

static int limit(ch_xlsx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = report(x, CH_EINVALID, 1, fmt, ap);
	va_end(ap);
	return rc;
}

static int fail_zh(ch_xlsx *x, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = report(x, code, 1, fmt, ap);
	va_end(ap);
	return rc;
}

static int fail(ch_xlsx *x, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = report(x, code, 0, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- bounds ---- */

/* Notes where the compressed data of the zip entry just opened begins and
 * starts counting its inflated bytes. */
static void entry_begin(ch_xlsx *x)
{
	x->fed = 0;
	x->zpos = unzGetCurrentFileZStreamPos64(x->zip);
}

/* Counts N more inflated bytes of the entry (capped at CAP), checks its
 * compression ratio and the read's deadline. Returns 0 or the error. */
static int inflated(ch_xlsx *x, size_t n, size_t cap)
{
	const struct ch_read_limits *l = x->lim;
	char a[32], b[32];
	/* compressed bytes read so far: minizip reads them in blocks, so this
	 * is at least what was inflated, and the ratio at most the true one */
	uint64_t used = unzGetCurrentFileZStreamPos64(x->zip) - x->zpos;
	x->fed += n;
	if (x->fed > cap)
		return limit(x, "解压后超过 %s 的上限", ch_read_limit_bytes(cap, a, sizeof a));
	if (x->fed > l->ratio_from && x->fed / l->ratio > used)
		return limit(
		    x,
		    "压缩比超过 %zu:1 的上限（%s 字节压缩数据解压出 %s 以上），"
		    "不像是表格，可能是“压缩炸弹”",
		    l->ratio, ch_read_limit_count((size_t)used, a, sizeof a),
		    ch_read_limit_bytes((size_t)x->fed & ~(((size_t)1 << 20) - 1), b, sizeof b));
	if (ch_read_clock() > x->deadline)
		return limit(x, "读取超过了 %g 秒的时限，文件太大或有异常", l->seconds);
	return 0;
}

/* After the parser has taken every byte fed so far: the bytes after the
 * last token it finished (a comment, an attribute value, a name still
 * being collected) may not pass the limit. Returns 0 or the error. */
static int pending(ch_xlsx *x)
{
	char a[32];
	XML_Index at = XML_GetCurrentByteIndex(x->p);
	if (at >= 0 && x->fed > (uint64_t)at && x->fed - (uint64_t)at > x->lim->xml_pending)
		return limit(x, "有一段超过 %s 的 XML（注释、属性值或名称）没有结束",
		             ch_read_limit_bytes(x->lim->xml_pending, a, sizeof a));
	return 0;
}

/* ---- small helpers ---- */

static const char *local_name(const XML_Char *name)
{
	const char *s = strrchr(name, NS_SEP);
	return s ? s + 1 : name;
}

/* The value of the attribute NAME (no namespace), or NULL. */
static const char *attr(const XML_Char **atts, const char *name)
{
	for (; *atts; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* The value of a namespaced attribute with local name LOCAL (r:id), or NULL. */
static const char *attr_ns(const XML_Char **atts, const char *local)
{
	for (; *atts; atts += 2) {
		const char *sep = strrchr(atts[0], NS_SEP);
		if (sep && strcmp(sep + 1, local) == 0)
			return atts[1];
	}
	return NULL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Parses S as a decimal number of at most MAX, blanks around it allowed.
 * Returns 0, or -1 for anything else. */
static int parse_uint(const char *s, size_t max, size_t *out)
{
	size_t v = 0;
	int n = 0;
	while (is_blank(*s))
		s++;
	for (; *s >= '0' && *s <= '9'; s++, n++) {
		size_t d = (size_t)(*s - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	while (is_blank(*s))
		s++;
	if (!n || *s)
		return -1;
	*out = v;
	return 0;
}

/* The 0-based column of cell reference REF ("C5": at most three letters,
 * then the row's digits); -1 when malformed, -2 when beyond column XFD. */
static long ref_col(const char *ref)
{
	long c = 0;
	int n = 0;
	for (; *ref; ref++) {
		char ch = *ref;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch < 'A' || ch > 'Z')
			break;
		if (++n > 3)
			return -1;
		c = c * 26 + (ch - 'A' + 1);
	}
	if (!n)
		return -1;
	for (; *ref; ref++)
		if (*ref < '0' || *ref > '9')
			return -1;
	return c > MAX_COLS ? -2 : c - 1;
}

/* Reads an OOXML escape "_xHHHH_" at S (LEN bytes there) into *CP. */
static int read_x(const char *s, size_t len, uint32_t *cp)
{
	uint32_t v = 0;
	if (len < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return 0;
	for (int i = 2; i < 6; i++) {
		int h = ch_hex_digit(s[i]);
		if (h < 0)
			return 0;
		v = v * 16 + (uint32_t)h;
	}
	*cp = v;
	return 1;
}

/* Decodes the escapes "_xHHHH_" (ST_Xstring: Excel writes control
 * characters such as a carriage return as _x000D_, and a literal "_x" as
 * _x005F_x) in S[0, LEN) in place; returns the new length. Escapes that
 * would give NUL or a lone surrogate are left as they are. */
static size_t unescape_x(char *s, size_t len)
{
	if (!memchr(s, '_', len))
		return len;
	size_t i = 0, o = 0;
	while (i < len) {
		uint32_t cp, lo;
		if (s[i] == '_' && read_x(s + i, len - i, &cp) && cp != 0) {
			size_t used = 7;
			if (cp >= 0xD800 && cp <= 0xDBFF && read_x(s + i + 7, len - i - 7, &lo) &&
			    lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				used = 14;
			}
			if (cp < 0xD800 || cp > 0xDFFF) {
				o += (size_t)ch_utf8_encode(cp, s + o); /* at most 4 bytes for 7 */
				i += used;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	s[o] = '\0';
	return o;
}

/* ---- numbers and dates ---- */

/* Parses a cell's number; 0, or -1 when TEXT is not a finite number. */
static int parse_number(const char *text, double *v)
{
	char *end;
	*v = strtod(text, &end);
	if (end == text)
		return -1;
	while (is_blank(*end))
		end++;
	return *end || !isfinite(*v) ? -1 : 0;
}

/* 1 when S[0, LEN) is a whole number as format_double would write it:
 * up to 15 digits, no leading zero, an optional minus (not "-0"). Most
 * numbers in a register are; they are kept without a round trip. */
static int plain_integer(const char *s, size_t len)
{
	size_t i = s[0] == '-';
	if (len - i == 0 || len - i > 15 || (s[i] == '0' && (len - i > 1 || i)))
		return 0;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Writes V into OUT (at least 32 bytes): whole numbers below 1e15 in full
 * digits ("13561"), others in the shortest form that reads back as the same
 * double ("101.5", "0.1", "1e-05"). Whole numbers of 16 digits or more are
 * written in scientific notation with 15 significant digits, as Excel shows
 * them ("6.52328198001011E+17", "1E+17"): Excel keeps no more than 15 digits, so an
 * 18-digit ID number typed as a number has lost its last digits, and
 * writing it out in full would hide that. */
static size_t format_double(double v, char *out, size_t outsz)
{
	char tmp[40];
	if (v == 0)
		v = 0; /* not "-0" */
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		return (size_t)snprintf(out, outsz, "%lld", (long long)v);
	/* beyond 9e18 every double is whole (and the cast would overflow) */
	if ((v <= -1e15 || v >= 1e15) && (v <= -9e18 || v >= 9e18 || v == (double)(long long)v)) {
		char *e;
		snprintf(tmp, sizeof tmp, "%.14E", v);
		e = strchr(tmp, 'E');
		char *m = e; /* drop the mantissa's trailing zeros, as Excel does */
		while (m[-1] == '0')
			m--;
		if (m[-1] == '.')
			m--;
		memmove(m, e, strlen(e) + 1);
		return (size_t)snprintf(out, outsz, "%s", tmp);
	}
	for (int prec = 15;; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (prec == 17 || strtod(tmp, NULL) == v)
			break;
	}
	return (size_t)snprintf(out, outsz, "%s", tmp);
}

/* Writes the date of serial V (the time of day dropped, rounded to the
 * millisecond as Excel shows it) as YYYY-MM-DD into OUT (at least 11
 * bytes); ch_date_from_excel counts the days. Excel's fictitious
 * 1900-02-29 (serial 60) is written as such, for the row check to refuse.
 * Returns -1 outside 0..9999-12-31. */
static int format_date(double v, int date1904, char *out, size_t outsz)
{
	if (!(v >= 0 && v < 2958466.0))
		return -1;
	long days = (long)v;
	if ((v - (double)days) * 86400000.0 + 0.5 >= 86400000.0)
		days++;
	if (!date1904 && days == 60) {
		snprintf(out, outsz, "1900-02-29");
		return 10;
	}
	ch_date d;
	if (ch_date_from_excel(days, date1904, &d) != 0)
		return -1;
	ch_date_format(&d, out, outsz);
	return 10;
}

/* 1 for the built-in number formats that show dates (and times). */
static int builtin_date(size_t id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58);
}

/* 1 when a custom format code shows a date: it has y or d outside quoted
 * text, [...] (colours, locales, elapsed time) and escaped characters. */
static int code_is_date(const char *code)
{
	for (const char *s = code; *s; s++) {
		switch (*s) {
		case '"':
			s = strchr(s + 1, '"');
			if (!s)
				return 0;
			break;
		case '[':
			s = strchr(s + 1, ']');
			if (!s)
				return 0;
			break;
		case '\\':
		case '_':
		case '*':
			if (!s[1])
				return 0;
			s++;
			break;
		case 'y':
		case 'Y':
		case 'd':
		case 'D':
			return 1;
		default:
			break;
		}
	}
	return 0;
}

/* ---- parts ---- */

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
	struct part *pt = ud;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(pt->x, CH_EINVALID, "a DTD (<!DOCTYPE>) is not allowed");
}

static XML_Parser new_parser(void *ud, XML_StartElementHandler start, XML_EndElementHandler end,
                             XML_CharacterDataHandler text)
{
	static const XML_Char sep[] = {NS_SEP, '\0'};
	XML_Parser p = XML_ParserCreate_MM(NULL, &mem_suite, sep);
	if (!p)
		return NULL;
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	return p;
}

/* Parses zip entry ENTRY (at most CAP bytes decompressed) with the given
 * handlers and user data UD (beginning with a struct part). Returns 0,
 * CH_ENOTFOUND without a message when there is no such entry, or an
 * error with a message naming the file and the part. */
static int parse_part(ch_xlsx *x, const char *entry, size_t cap, void *ud,
                      XML_StartElementHandler start, XML_EndElementHandler end,
                      XML_CharacterDataHandler text)
{
	int rc = 0, open = 0;
	if (unzLocateFile(x->zip, entry, ZIP_NOCASE) != UNZ_OK)
		return CH_ENOTFOUND;
	x->entry = entry;
	if (unzOpenCurrentFile(x->zip) != UNZ_OK) {
		rc = fail(x, CH_EINVALID, "cannot read it (encrypted or unsupported compression)");
		goto done;
	}
	open = 1;
	entry_begin(x);
	x->p = new_parser(ud, start, end, text);
	if (!x->p) {
		rc = fail(x, CH_ERROR, "cannot create an XML parser");
		goto done;
	}
	for (;;) {
		void *buf = XML_GetBuffer(x->p, BLOCK);
		if (!buf) {
			rc = fail(x, CH_ERROR, "XML parser: %s",
			          XML_ErrorString(XML_GetErrorCode(x->p)));
			goto done;
		}
		int n = unzReadCurrentFile(x->zip, buf, BLOCK);
		if (n < 0) {
			rc = fail(x, CH_EINVALID, "the part is damaged (zip error %d)", n);
			goto done;
		}
		if ((rc = inflated(x, (size_t)n, cap)) != 0)
			goto done;
		x->parsing = 1;
		enum XML_Status st = XML_ParseBuffer(x->p, n, n == 0);
		x->parsing = 0;
		if (x->err) {
			rc = x->err;
			goto done;
		}
		if (st != XML_STATUS_OK) {
			rc = fail(x, CH_EINVALID, "malformed XML (line %lu: %s)",
			          (unsigned long)XML_GetCurrentLineNumber(x->p),
			          XML_ErrorString(XML_GetErrorCode(x->p)));
			goto done;
		}
		if ((rc = pending(x)) != 0)
			goto done;
		if (n == 0)
			break;
	}
	open = 0;
	if (unzCloseCurrentFile(x->zip) == UNZ_CRCERROR)
		rc = fail(x, CH_EINVALID, "the part is damaged (CRC mismatch)");
done:
	if (open)
		unzCloseCurrentFile(x->zip);
	if (x->p)
		XML_ParserFree(x->p);
	x->p = NULL;
	x->entry = NULL;
	return rc;
}

/* ---- workbook and relationships ---- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct part *pt = ud;
	ch_xlsx *x = pt->x;
	const char *ln = local_name(name);
	pt->depth++;
	if (x->err)
		return;
	if (strcmp(ln, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(ln, "sheet") == 0) {
		const char *sname = attr(atts, "name");
		char n[32];
		if (x->nsheets >= x->lim->entries) {
			limit(x, "工作表超过 %s 个的上限",
			      ch_read_limit_count(x->lim->entries, n, sizeof n));
			return;
		}
		if (x->nsheets == x->sheetcap) {
			x->sheetcap = x->sheetcap ? 2 * x->sheetcap : 8;
			x->sheets = ch_reallocarray(x->sheets, x->sheetcap, sizeof *x->sheets);
		}
		x->sheets[x->nsheets].name = ch_strdup(sname ? sname : "");
		x->sheets[x->nsheets].rid = ch_strdup(attr_ns(atts, "id"));
		x->nsheets++;
	}
}

static void XMLCALL part_end(void *ud, const XML_Char *name)
{
	struct part *pt = ud;
	(void)name;
	pt->depth--;
}

/* The zip entry of relationship target TARGET of xl/workbook.xml: relative
 * to xl/, or from the package root when it begins with '/'; "." and ".."
 * segments are resolved. */
static char *resolve_target(const char *target)
{
	ch_buf b;
	ch_buf_init(&b);
	if (target[0] != '/')
		ch_buf_puts(&b, "xl/");
	for (const char *s = target; *s;) {
		while (*s == '/')
			s++;
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (b.len) /* drop the last segment and its '/' */
				b.len--;
			while (b.len && b.ptr[b.len - 1] != '/')
				b.len--;
			b.ptr[b.len] = '\0';
		} else if (n && !(n == 1 && s[0] == '.')) {
			ch_buf_put(&b, s, n);
			ch_buf_putc(&b, '/');
		}
		s += n;
	}
	if (b.len)
		b.ptr[--b.len] = '\0';
	char *r = ch_buf_detach(&b);
	ch_buf_dispose(&b);
	return r;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct part *pt = ud;
	ch_xlsx *x = pt->x;
	pt->depth++;
	if (x->err || strcmp(local_name(name), "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type");
	const char *target = attr(atts, "Target"), *mode = attr(atts, "TargetMode");
	if (!id || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (x->nrels >= x->lim->entries) {
		char n[32];
		limit(x, "关系超过 %s 条的上限", ch_read_limit_count(x->lim->entries, n, sizeof n));
		return;
	}
	if (x->nrels == x->relcap) {
		x->relcap = x->relcap ? 2 * x->relcap : 8;
		x->rels = ch_reallocarray(x->rels, x->relcap, sizeof *x->rels);
	}
	x->rels[x->nrels].id = ch_strdup(id);
	x->rels[x->nrels].type = ch_strdup(type ? type : "");
	x->rels[x->nrels].target = resolve_target(target);
	x->nrels++;
}

static const struct rel *rel_by_id(const ch_xlsx *x, const char *id)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].id, id) == 0)
			return &x->rels[i];
	return NULL;
}

/* The entry of the relationship whose type ends in /KIND, else DEFAULT. */
static const char *rel_target(const ch_xlsx *x, const char *kind, const char *fallback)
{
	for (size_t i = 0; i < x->nrels; i++) {
		const char *t = x->rels[i].type, *slash = strrchr(t, '/');
		if (slash && strcmp(slash + 1, kind) == 0)
			return x->rels[i].target;
	}
	return fallback;
}

static int read_workbook(ch_xlsx *x)
{
	struct part pt = {x, 0};
	int rc =
	    parse_part(x, "xl/workbook.xml", x->lim->part_bytes, &pt, wb_start, part_end, NULL);
	if (rc == CH_ENOTFOUND)
		return ch_error_set(CH_EINVALID, "%s 不是 xlsx 工作簿", x->path);
	if (rc < 0)
		return rc;
	rc = parse_part(x, "xl/_rels/workbook.xml.rels", x->lim->part_bytes, &pt, rels_start,
	                part_end, NULL);
	if (rc == CH_ENOTFOUND)
		return ch_error_set(
		    CH_EINVALID, "%s 不是 xlsx 工作簿（缺少 xl/_rels/workbook.xml.rels）", x->path);
	if (rc < 0)
		return rc;
	if (!x->nsheets)
		return ch_error_set(CH_EINVALID, "%s：工作簿中没有工作表", x->path);
	return 0;
}

/* ---- shared strings ---- */

struct sst_ctx {
	struct part base;
	unsigned long si_depth, t_depth, rph_depth;
	size_t chars; /* characters of the string being read */
};

static void sst_put(ch_xlsx *x, const char *s, size_t n)
{
	char a[32];
	if (ch_strtab_bytes(x->sst) + x->sst_cur.len + n > x->lim->sst_bytes) {
		limit(x, "共享字符串的文字超过 %s 的上限",
		      ch_read_limit_bytes(x->lim->sst_bytes, a, sizeof a));
		return;
	}
	ch_buf_put(&x->sst_cur, s, n);
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sst_ctx *c = ud;
	ch_xlsx *x = c->base.x;
	unsigned long d = ++c->base.depth;
	const char *ln = local_name(name);
	(void)atts;
	if (x->err)
		return;
	if (!c->si_depth) {
		if (strcmp(ln, "si") == 0) {
			char cnt[32];
			if (ch_strtab_count(x->sst) >= x->lim->sst_count) {
				limit(x, "共享字符串超过 %s 条的上限",
				      ch_read_limit_count(x->lim->sst_count, cnt, sizeof cnt));
				return;
			}
			c->si_depth = d;
			c->chars = 0;
			ch_buf_clear(&x->sst_cur);
		}
	} else if (!c->t_depth && !c->rph_depth) {
		if (strcmp(ln, "t") == 0)
			c->t_depth = d;
		else if (strcmp(ln, "rPh") == 0) /* phonetic reading: left out */
			c->rph_depth = d;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct sst_ctx *c = ud;
	ch_xlsx *x = c->base.x;
	unsigned long d = c->base.depth--;
	(void)name;
	if (x->err)
		return;
	if (d == c->t_depth) {
		c->t_depth = 0;
	} else if (d == c->rph_depth) {
		c->rph_depth = 0;
	} else if (d == c->si_depth) {
		c->si_depth = 0;
		ch_buf *b = &x->sst_cur; /* NUL-terminated: room for unescape_x's */
		b->len = unescape_x(b->ptr, b->len);
		if (ch_strtab_add(x->sst, b->ptr, b->len))
			fail_zh(x, CH_ERROR, "%s", ch_error_message());
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct sst_ctx *c = ud;
	ch_xlsx *x = c->base.x;
	char n[32];
	if (!c->t_depth || x->err)
		return;
	c->chars += ch_utf8_count(s, (size_t)len);
	if (c->chars > x->lim->cell_chars) {
		limit(x, "第 %zu 条共享字符串超过一个单元格 %s 个字符的上限",
		      ch_strtab_count(x->sst) + 1,
		      ch_read_limit_count(x->lim->cell_chars, n, sizeof n));
		return;
	}
	sst_put(x, s, (size_t)len);
}

static int read_shared_strings(ch_xlsx *x)
{
	struct sst_ctx c = {{x, 0}, 0, 0, 0, 0};
	const char *entry = rel_target(x, "sharedStrings", "xl/sharedStrings.xml");
	int rc = parse_part(x, entry, x->lim->sheet_bytes, &c, sst_start, sst_end, sst_text);
	if (rc == CH_ENOTFOUND) /* a workbook without text */
		rc = 0;
	ch_buf_dispose(&x->sst_cur);
	return rc;
}

/* ---- styles ---- */

struct numfmt {
	size_t id;
	int date;
};

struct styles_ctx {
	struct part base;
	unsigned long fmts_depth, xfs_depth;
	struct numfmt *fmts;
	size_t nfmts, fmtcap;
	size_t *xf; /* numFmtId of each cell format */
	size_t nxf, xfcap;
};

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct styles_ctx *c = ud;
	unsigned long d = ++c->base.depth;
	const char *ln = local_name(name), *v;
	size_t id;
	if (c->base.x->err)
		return;
	if (!c->fmts_depth && !c->xfs_depth) {
		if (strcmp(ln, "numFmts") == 0)
			c->fmts_depth = d;
		else if (strcmp(ln, "cellXfs") == 0)
			c->xfs_depth = d;
	} else if (c->fmts_depth && d == c->fmts_depth + 1 && strcmp(ln, "numFmt") == 0) {
		v = attr(atts, "numFmtId");
		if (!v || parse_uint(v, SIZE_MAX, &id) < 0)
			return;
		if (c->nfmts >= c->base.x->lim->entries) {
			limit(c->base.x, "数字格式超过 %zu 个的上限", c->base.x->lim->entries);
			return;
		}
		if (c->nfmts == c->fmtcap) {
			c->fmtcap = c->fmtcap ? 2 * c->fmtcap : 16;
			c->fmts = ch_reallocarray(c->fmts, c->fmtcap, sizeof *c->fmts);
		}
		v = attr(atts, "formatCode");
		c->fmts[c->nfmts++] = (struct numfmt){id, v && code_is_date(v)};
	} else if (c->xfs_depth && d == c->xfs_depth + 1 && strcmp(ln, "xf") == 0) {
		v = attr(atts, "numFmtId");
		if (!v || parse_uint(v, SIZE_MAX, &id) < 0)
			id = 0; /* General */
		if (c->nxf >= c->base.x->lim->entries) {
			limit(c->base.x, "单元格格式超过 %zu 个的上限", c->base.x->lim->entries);
			return;
		}
		if (c->nxf == c->xfcap) {
			c->xfcap = c->xfcap ? 2 * c->xfcap : 64;
			c->xf = ch_reallocarray(c->xf, c->xfcap, sizeof *c->xf);
		}
		c->xf[c->nxf++] = id;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct styles_ctx *c = ud;
	unsigned long d = c->base.depth--;
	(void)name;
	if (d == c->fmts_depth)
		c->fmts_depth = 0;
	else if (d == c->xfs_depth)
		c->xfs_depth = 0;
}

static int cmp_numfmt(const void *a, const void *b)
{
	size_t x = ((const struct numfmt *)a)->id, y = ((const struct numfmt *)b)->id;
	return x < y ? -1 : x > y;
}

static int read_styles(ch_xlsx *x)
{
	struct styles_ctx c;
	memset(&c, 0, sizeof c);
	c.base.x = x;
	const char *entry = rel_target(x, "styles", "xl/styles.xml");
	int rc = parse_part(x, entry, x->lim->part_bytes, &c, styles_start, styles_end, NULL);
	if (rc == CH_ENOTFOUND) { /* every cell in the General format */
		rc = 0;
		goto done;
	}
	if (rc < 0)
		goto done;
	if (c.nfmts)
		qsort(c.fmts, c.nfmts, sizeof *c.fmts, cmp_numfmt);
	x->xf_date = ch_calloc(c.nxf, 1);
	x->nxf = c.nxf;
	for (size_t i = 0; i < c.nxf; i++) {
		struct numfmt key = {c.xf[i], 0};
		const struct numfmt *f =
		    c.nfmts ? bsearch(&key, c.fmts, c.nfmts, sizeof *c.fmts, cmp_numfmt) : NULL;
		x->xf_date[i] = (unsigned char)(f ? f->date : builtin_date(c.xf[i]));
	}
done:
	free(c.fmts);
	free(c.xf);
	return rc;
}

/* ---- worksheet ---- */

/* Sets field COL of the current row to S[0, LEN). */
static void row_set(ch_xlsx *x, size_t col, const char *s, size_t len)
{
	if (x->rbuf.len + len + 1 > x->lim->line_bytes) {
		char a[32];
		limit(x, "一行的文字超过 %s 的上限",
		      ch_read_limit_bytes(x->lim->line_bytes, a, sizeof a));
		return;
	}
	if (col >= x->ncols) {
		if (col >= x->offcap) {
			size_t cap = x->offcap ? 2 * x->offcap : 32;
			while (cap <= col)
				cap *= 2;
			x->offs = ch_reallocarray(x->offs, cap, sizeof *x->offs);
			x->offcap = cap;
		}
		for (size_t i = x->ncols; i < col; i++)
			x->offs[i] = 0;
		x->ncols = col + 1;
	}
	x->offs[col] = 0;
	if (len) {
		x->offs[col] = x->rbuf.len;
		ch_buf_put(&x->rbuf, s, len);
		ch_buf_putc(&x->rbuf, '\0');
	}
}

static void row_begin(ch_xlsx *x, const XML_Char **atts, unsigned long d)
{
	const char *r = attr(atts, "r");
	size_t n = x->rownum + 1;
	char a[32];
	if (r && (parse_uint(r, SIZE_MAX / 2, &n) < 0 || n == 0)) {
		fail(x, CH_EINVALID, "bad row number \"%.40s\"", r);
		return;
	}
	if (n > x->lim->rows || ++x->nrows > x->lim->rows) {
		limit(x, "超过 %s 行的上限（Excel 的最大行数）",
		      ch_read_limit_count(x->lim->rows, a, sizeof a));
		return;
	}
	x->rownum = n;
	x->row_depth = d;
	x->next_col = 0;
	x->ncols = 0;
	x->ncells = 0;
	ch_buf_clear(&x->rbuf);
	ch_buf_putc(&x->rbuf, '\0');
}

static void row_end(ch_xlsx *x)
{
	size_t n = x->ncols;
	while (n && x->rbuf.ptr[x->offs[n - 1]] == '\0')
		n--;
	if (!n)
		return; /* nothing in it: not handed out */
	x->nfields = n;
	x->row_ready = 1;
	XML_StopParser(x->p, XML_TRUE);
}

static void cell_begin(ch_xlsx *x, const XML_Char **atts, unsigned long d)
{
	const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
	size_t col = x->next_col, si;
	if (r) {
		long c = ref_col(r);
		if (c < 0) {
			fail(x, CH_EINVALID,
			     c == -2 ? "cell %.40s is beyond column XFD"
			             : "bad cell reference \"%.40s\"",
			     r);
			return;
		}
		col = (size_t)c;
	} else if (col >= MAX_COLS) {
		fail(x, CH_EINVALID, "more than %d cells", MAX_COLS);
		return;
	}
	if (++x->ncells > x->lim->columns) {
		char a[32];
		limit(x, "超过 %s 个单元格的上限",
		      ch_read_limit_count(x->lim->columns, a, sizeof a));
		return;
	}
	x->col = col;
	x->next_col = col + 1;
	if (!t || strcmp(t, "n") == 0)
		x->type = T_NUM;
	else if (strcmp(t, "s") == 0)
		x->type = T_SST;
	else if (strcmp(t, "inlineStr") == 0)
		x->type = T_INLINE;
	else if (strcmp(t, "b") == 0)
		x->type = T_BOOL;
	else if (strcmp(t, "e") == 0)
		x->type = T_ERR;
	else if (strcmp(t, "d") == 0)
		x->type = T_DATE;
	else
		x->type = T_STR; /* "str", and anything unknown: the text as it is */
	x->is_date = s && parse_uint(s, SIZE_MAX, &si) == 0 && si < x->nxf && x->xf_date[si];
	ch_buf_clear(&x->val);
	x->val_chars = 0;
	x->cell_depth = d;
}

static void cell_end(ch_xlsx *x)
{
	char num[64];
	const char *out = x->val.ptr;
	size_t len = x->val.len, i;
	double v;
	switch (x->type) {
	case T_NUM:
		if (!len || (!x->is_date && plain_integer(out, len)))
			break; /* empty, or already in its shortest form */
		if (parse_number(out, &v) < 0)
			break; /* not a number: as written */
		if (x->is_date && format_date(v, x->date1904, num, sizeof num) > 0)
			len = strlen(num);
		else
			len = format_double(v, num, sizeof num);
		out = num;
		break;
	case T_SST:
		if (!len) /* no <v> */
			break;
		if (parse_uint(x->val.ptr, SIZE_MAX, &i) < 0 || i >= ch_strtab_count(x->sst)) {
			fail(x, CH_EINVALID,
			     "shared string %.40s does not exist (the workbook has %zu)",
			     x->val.ptr, ch_strtab_count(x->sst));
			return;
		}
		if (!(out = ch_strtab_get(x->sst, i, &len))) {
			fail_zh(x, CH_ERROR, "%s", ch_error_message());
			return;
		}
		break;
	case T_INLINE:
	case T_STR:
		len = unescape_x(x->val.ptr, len);
		break;
	case T_BOOL:
		if (strcmp(out, "1") == 0 || strcmp(out, "true") == 0)
			out = "TRUE";
		else if (strcmp(out, "0") == 0 || strcmp(out, "false") == 0)
			out = "FALSE";
		len = strlen(out);
		break;
	case T_DATE: /* YYYY-MM-DD[THH:MM:SS]: the date */
		if (len > 10 && out[4] == '-' && out[7] == '-' && out[10] == 'T')
			len = 10;
		break;
	case T_ERR:
		break;
	}
	row_set(x, x->col, out, len);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	ch_xlsx *x = ud;
	unsigned long d = ++x->base.depth;
	const char *ln = local_name(name);
	if (x->err)
		return;
	if (!x->sd_depth) {
		if (strcmp(ln, "sheetData") == 0)
			x->sd_depth = d;
	} else if (!x->row_depth) {
		if (d == x->sd_depth + 1 && strcmp(ln, "row") == 0)
			row_begin(x, atts, d);
	} else if (!x->cell_depth) {
		if (d == x->row_depth + 1 && ln[0] == 'c' && !ln[1])
			cell_begin(x, atts, d);
	} else if (d == x->cell_depth + 1) {
		if (ln[0] == 'v' && !ln[1] && x->type != T_INLINE)
			x->v_depth = d;
		else if (strcmp(ln, "is") == 0 && x->type == T_INLINE)
			x->is_depth = d;
	} else if (x->is_depth && !x->t_depth && !x->rph_depth) {
		if (ln[0] == 't' && !ln[1])
			x->t_depth = d;
		else if (strcmp(ln, "rPh") == 0)
			x->rph_depth = d;
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	ch_xlsx *x = ud;
	unsigned long d = x->base.depth--;
	(void)name;
	if (x->err)
		return;
	if (d == x->t_depth) {
		x->t_depth = 0;
	} else if (d == x->rph_depth) {
		x->rph_depth = 0;
	} else if (d == x->v_depth) {
		x->v_depth = 0;
	} else if (d == x->is_depth) {
		x->is_depth = 0;
	} else if (d == x->cell_depth) {
		cell_end(x);
		x->cell_depth = 0;
	} else if (d == x->row_depth) {
		x->row_depth = 0;
		row_end(x);
	} else if (d == x->sd_depth) {
		x->sd_depth = 0;
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	ch_xlsx *x = ud;
	if ((!x->v_depth && !x->t_depth) || x->err)
		return;
	x->val_chars += ch_utf8_count(s, (size_t)len);
	if (x->val_chars > x->lim->cell_chars) {
		char a[32];
		limit(x, "第 %zu 列超过一个单元格 %s 个字符的上限", x->col + 1,
		      ch_read_limit_count(x->lim->cell_chars, a, sizeof a));
		return;
	}
	ch_buf_put(&x->val, s, (size_t)len);
}

/* Opens the zip entry of sheet I and makes a parser for it. */
static int open_sheet(ch_xlsx *x, size_t i)
{
	const struct sheet *sh = &x->sheets[i];
	const struct rel *r = sh->rid ? rel_by_id(x, sh->rid) : NULL;
	if (!r)
		return ch_error_set(CH_EINVALID, "%s: sheet %s has no part (relationship %s)",
		                    x->path, sh->name, sh->rid ? sh->rid : "missing");
	if (unzLocateFile(x->zip, r->target, ZIP_NOCASE) != UNZ_OK)
		return ch_error_set(CH_EINVALID, "%s: sheet %s: %s is missing", x->path, sh->name,
		                    r->target);
	if (unzOpenCurrentFile(x->zip) != UNZ_OK)
		return ch_error_set(CH_EINVALID,
		                    "%s：工作表 %s：无法读取 %s（已加密或压缩方式不支持）", x->path,
		                    sh->name, r->target);
	x->entry_open = 1;
	x->cur = i;
	x->entry = r->target;
	entry_begin(x);
	x->p = new_parser(x, sheet_start, sheet_end, sheet_text);
	if (!x->p)
		return ch_error_set(CH_ERROR, "%s: cannot create an XML parser", x->path);
	x->in_sheet = 1;
	return 0;
}

static int select_sheet(ch_xlsx *x, const char *name)
{
	size_t i = 0;
	if (name) {
		for (i = 0; i < x->nsheets && strcmp(x->sheets[i].name, name) != 0; i++)
			;
		if (i == x->nsheets) /* Excel's sheet names ignore case */
			for (i = 0; i < x->nsheets && strcasecmp(x->sheets[i].name, name) != 0; i++)
				;
	}
	if (i < x->nsheets)
		return open_sheet(x, i);
	ch_buf b;
	ch_buf_init(&b);
	for (i = 0; i < x->nsheets && i < MAX_LISTED; i++)
		ch_buf_printf(&b, "%s%s", i ? ", " : "", x->sheets[i].name);
	if (x->nsheets > MAX_LISTED)
		ch_buf_printf(&b, " and %zu more", x->nsheets - MAX_LISTED);
	int rc = ch_error_set(CH_ENOTFOUND, "%s 中没有工作表 %s（有：%s）", x->path, name, b.ptr);
	ch_buf_dispose(&b);
	return rc;
}

/* Closes the worksheet's entry at its end, checking its CRC. */
static void finish(ch_xlsx *x)
{
	x->entry_open = 0;
	if (unzCloseCurrentFile(x->zip) == UNZ_CRCERROR)
		fail(x, CH_EINVALID, "%s is damaged (CRC mismatch)", x->entry);
	else
		x->done = 1;
}

/* Runs the worksheet parser until a row is ready, the sheet ends or an
 * error is found. */
static void pump(ch_xlsx *x)
{
	while (!x->row_ready && !x->err && !x->done) {
		enum XML_Status st;
		if (x->suspended) {
			x->suspended = 0;
			x->parsing = 1;
			st = XML_ResumeParser(x->p);
		} else if (x->fed_final) {
			finish(x);
			continue;
		} else {
			void *buf = XML_GetBuffer(x->p, BLOCK);
			if (!buf) {
				fail(x, CH_ERROR, "XML parser: %s",
				     XML_ErrorString(XML_GetErrorCode(x->p)));
				break;
			}
			int n = unzReadCurrentFile(x->zip, buf, BLOCK);
			if (n < 0) {
				fail(x, CH_EINVALID, "%s is damaged (zip error %d)", x->entry, n);
				break;
			}
			if (inflated(x, (size_t)n, x->lim->sheet_bytes) != 0)
				break;
			x->fed_final = n == 0;
			x->parsing = 1;
			st = XML_ParseBuffer(x->p, n, n == 0);
		}
		x->parsing = 0;
		if (st == XML_STATUS_SUSPENDED)
			x->suspended = 1;
		else if (st == XML_STATUS_ERROR && !x->err)
			fail(x, CH_EINVALID, "malformed XML (%s line %lu: %s)", x->entry,
			     (unsigned long)XML_GetCurrentLineNumber(x->p),
			     XML_ErrorString(XML_GetErrorCode(x->p)));
		else if (st == XML_STATUS_OK && !x->err)
			pending(x);
	}
}

/* ---- interface ---- */

int ch_xlsx_open(ch_xlsx **out, const char *path, const char *sheet)
{
	int rc = 0;
	struct stat st;
	ch_xlsx *x = NULL;
	*out = NULL;
	if (stat(path, &st) != 0) {
		int e = errno;
		rc = ch_error_set(e == ENOENT || e == ENOTDIR ? CH_ENOTFOUND : CH_ERROR,
		                  "无法打开 %s：%s", path, strerror(e));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = ch_error_set(CH_ERROR, "无法打开 %s：%s", path, strerror(EISDIR));
		goto done;
	}
	if ((rc = ch_xlsxr_load()) != 0) /* expat and minizip, the first time */
		goto done;
	x = ch_calloc(1, sizeof *x);
	x->base.x = x;
	x->lim = ch_read_limits();
	x->deadline = ch_read_clock() + x->lim->seconds;
	x->path = ch_strdup(path);
	ch_buf_init(&x->val);
	ch_buf_init(&x->rbuf);
	ch_buf_init(&x->sst_cur);
	x->sst = ch_strtab_new(SST_MEMORY);
	x->zip = unzOpen64(path);
	if (!x->zip) {
		FILE *fp = fopen(path, "rb");
		if (!fp) {
			int e = errno;
			rc = ch_error_set(CH_ERROR, "无法打开 %s：%s", path, strerror(e));
			goto done;
		}
		fclose(fp);
		rc = ch_error_set(CH_EINVALID, "%s 不是 xlsx 工作簿", path);
		goto done;
	}
	if ((rc = read_workbook(x)) < 0 || (rc = read_shared_strings(x)) < 0 ||
	    (rc = read_styles(x)) < 0 || (rc = select_sheet(x, sheet)) < 0)
		goto done;
	*out = x;
	x = NULL;
done:
	ch_xlsx_free(x);
	return rc;
}

int ch_xlsx_next(ch_xlsx *x, ch_csv_row *row)
{
	if (x->err)
		return ch_error_set(x->err, "%s", x->errmsg);
	pump(x);
	if (!x->row_ready)
		return x->err ? x->err : 0;
	x->row_ready = 0;
	if (x->nfields + 1 > x->ptrcap) {
		x->ptrcap = x->nfields + 16;
		x->ptrs = ch_reallocarray(x->ptrs, x->ptrcap, sizeof *x->ptrs);
	}
	for (size_t i = 0; i < x->nfields; i++)
		x->ptrs[i] = x->rbuf.ptr + x->offs[i];
	x->ptrs[x->nfields] = NULL;
	row->fields = x->ptrs;
	row->nfields = x->nfields;
	row->line = x->rownum;
	return 1;
}

size_t ch_xlsx_sheet_count(const ch_xlsx *x)
{
	return x->nsheets;
}

const char *ch_xlsx_sheet_name(const ch_xlsx *x, size_t i)
{
	return i < x->nsheets ? x->sheets[i].name : NULL;
}

const char *ch_xlsx_current_sheet(const ch_xlsx *x)
{
	return x->sheets[x->cur].name;
}

void ch_xlsx_free(ch_xlsx *x)
{
	if (!x)
		return;
	if (x->p)
		XML_ParserFree(x->p);
	if (x->zip) {
		if (x->entry_open)
			unzCloseCurrentFile(x->zip);
		unzClose(x->zip);
	}
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	free(x->sheets);
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	free(x->rels);
	ch_strtab_free(x->sst);
	ch_buf_dispose(&x->sst_cur);
	free(x->xf_date);
	free(x->errmsg);
	ch_buf_dispose(&x->val);
	ch_buf_dispose(&x->rbuf);
	free(x->offs);
	free(x->ptrs);
	free(x->path);
	free(x);
}
