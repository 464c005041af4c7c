/*
 * csv — streaming CSV reader: encoding detection, conversion to UTF-8 and
 * record assembly around libcsv (see csv.h).
 *
 * The pipeline has three stages. The source (a FILE or a memory block) is
 * read in 64 KiB blocks into RAW. The decoder turns RAW into UTF-8 text:
 * for UTF-8 input it validates the block in place and hands out a view of
 * it, for GB18030 and UTF-16LE it runs iconv into OUT; bytes of a character
 * cut off at the block end are carried over to the next block. The feeder
 * splits the text at '\n' and gives libcsv one physical line (or, for a
 * line longer than a block, one piece of it) per call, so that the line
 * number is known whenever libcsv's callbacks fire. (Files from old Mac
 * Excel end lines with a bare '\r'; when the first block has '\r' but no
 * '\n', lines are split at '\r' instead.) The callbacks pack the
 * fields of finished records into one string buffer with an offset table
 * and a small queue of records; ch_csv_next hands the queue out and then
 * reuses all of it, so memory stays flat however long the file is.
 *
 * Errors found by the decoder (invalid bytes, a file cut inside a
 * character) are held back until the text before them has been parsed:
 * the records before the bad line are still returned, and the message can
 * name the line the bad bytes are on.
 *
 * The bounds of io/limits.h are kept as the text is fed: a physical line,
 * and a record (a quoted field may run over several lines), may not pass
 * the line limit, which also stops an unclosed quote that would otherwise
 * swallow the rest of the file; a field may not pass the cell limit, a
 * record the column limit, and the read of a file its deadline (checked
 * per block; text in memory is the program's own or a test's).
 * So libcsv's field buffer and the record buffers stay within the line
 * limit whatever the input.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "io/csv.h"
#include "io/limits.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/text.h"

#define BLOCK   65536            /* bytes read from the source at a time */
#define RAW_CAP (BLOCK + 16)     /* a block plus a carried partial character */
#define OUT_CAP (2 * BLOCK + 64) /* UTF-8 of a block: at most 1.5 times GB18030 or UTF-16 */

/* libcsv 3.0.3 parser states (struct csv_parser.pstate; the values are not
 * exported, but the struct is public and the library is stable). */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_FIELD_BEGUN   2

/* An error the decoder found, raised when the feeder reaches it. */
enum pending {
	PEND_NONE = 0,
	PEND_BAD_BYTES, /* invalid in the encoding: BAD[] holds the first bytes */
	PEND_TRUNCATED, /* the input ends inside a multibyte character */
	PEND_NUL,       /* a NUL byte in the text */
	PEND_IO,        /* read error, errno in IO_ERRNO */
};

struct rec {
	size_t first; /* index of the first field in OFFS */
	size_t nfields;
	size_t line;
};

struct ch_csv {
	/* source */
	FILE *fp;
	char *name; /* file name for messages */
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	int src_eof;   /* the source returned less than asked: nothing more */
	ch_hash *hash; /* the bytes read so far, when hashing (ch_csv_hash_begin) */
	int hashed;    /* HASH was begun before the first byte was read */
	char digest[CH_HASH_HEX_LEN + 1]; /* HASH's digest, once taken */

	/* decoder */
	int started;
	enum ch_csv_encoding enc;
	iconv_t cd; /* (iconv_t)-1 for the UTF-8 modes */
	unsigned char *raw;
	size_t raw_pos, raw_len; /* unconsumed bytes are RAW[raw_pos, raw_len) */
	int need_more;           /* RAW ends in a partial character: read first */
	int input_done;          /* every byte decoded and handed to the feeder */
	char *out;
	enum pending pend;
	unsigned char bad[4];
	size_t nbad;
	int io_errno;

	/* decoded text being fed: DEC[dpos, dlen) */
	const char *dec;
	size_t dpos, dlen;

	/* parser */
	struct csv_parser p;
	char eol;          /* '\n', or '\r' for old Mac files with no '\n' at all */
	size_t line;       /* physical line being fed, 1-based */
	size_t start_line; /* line on which the record libcsv is in started */
	size_t line_len;   /* bytes of the current physical line fed so far */
	size_t rec_len;    /* bytes of the record being parsed fed so far */
	const struct ch_read_limits *lim;
	double deadline; /* ch_read_clock() time the read must end by */

	/* records: field strings packed in SBUF, field I starts at OFFS[I] */
	char *sbuf;
	size_t slen, scap;
	size_t *offs;
	size_t nf, offcap;
	int in_rec;       /* a record has fields but is not finished */
	size_t rec_first; /* its first field */
	size_t rec_line;
	struct rec *recs; /* finished records; RECS[qhead, nrec) not handed out */
	size_t nrec, qhead, reccap;
	char **ptrs; /* the fields array of the record handed out */
	size_t ptrcap;

	/* end state: ERR (a ch_err) with ERRMSG, or DONE at the end of input */
	int err;
	int done;
	char errmsg[512];
};

/* Records the sticky error of R and sets the thread's error to it. */
static int fail(ch_csv *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(ch_csv *r, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
	va_end(ap);
	r->err = code;
	return ch_error_set(code, "%s", r->errmsg);
}

/* The file's name and a space for a message, or "" for memory. */
static const char *where(const ch_csv *r)
{
	return r->fp ? r->name : "";
}

/* Fails with a limit of io/limits.h passed at LINE: "FILE 第 LINE 行：WHAT". */
static int over(ch_csv *r, size_t line, const char *what)
{
	return fail(r, CH_EINVALID, "%s%s第 %zu 行：%s", where(r), *where(r) ? " " : "", line,
	            what);
}

static ch_csv *reader_new(void)
{
	ch_csv *r = ch_calloc(1, sizeof *r);
	r->cd = (iconv_t)-1;
	r->raw = ch_malloc(RAW_CAP);
	r->line = 1;
	r->start_line = 1;
	r->eol = '\n';
	r->lim = ch_read_limits();
	r->deadline = ch_read_clock() + r->lim->seconds;
	csv_init(&r->p, CSV_APPEND_NULL);
	csv_set_realloc_func(&r->p, ch_realloc);
	csv_set_blk_size(&r->p, 1024);
	return r;
}

int ch_csv_open(ch_csv **out, const char *path)
{
	int rc = 0;
	struct stat st;
	ch_csv *r;
	FILE *fp = fopen(path, "rb");
	*out = NULL;
	if (!fp) {
		int e = errno;
		rc = ch_error_set(e == ENOENT || e == ENOTDIR ? CH_ENOTFOUND : CH_ERROR,
		                  "无法打开 %s：%s", path, strerror(e));
		goto done;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = ch_error_set(CH_ERROR, "无法打开 %s：%s", path, strerror(EISDIR));
		goto done;
	}
	r = reader_new();
	r->fp = fp;
	r->name = ch_strdup(path);
	fp = NULL;
	*out = r;
done:
	if (fp)
		fclose(fp);
	return rc;
}

int ch_csv_open_mem(ch_csv **out, const void *data, size_t len)
{
	ch_csv *r = reader_new();
	r->mem = data;
	r->mem_len = data ? len : 0;
	r->name = ch_strdup("<memory>");
	*out = r;
	return 0;
}

void ch_csv_free(ch_csv *r)
{
	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	csv_free(&r->p);
	free(r->name);
	free(r->hash);
	free(r->raw);
	free(r->out);
	free(r->sbuf);
	free(r->offs);
	free(r->recs);
	free(r->ptrs);
	free(r);
}

enum ch_csv_encoding ch_csv_encoding(const ch_csv *r)
{
	return r->enc;
}

const char *ch_csv_encoding_name(enum ch_csv_encoding e)
{
	switch (e) {
	case CH_CSV_UTF8:
		return "UTF-8";
	case CH_CSV_UTF8_BOM:
		return "UTF-8 BOM";
	case CH_CSV_GB18030:
		return "GB18030";
	case CH_CSV_UTF16LE:
		return "UTF-16LE";
	}
	return "unknown";
}

/* The name of the byte encoding, for messages about bad bytes. */
static const char *byte_encoding(enum ch_csv_encoding e)
{
	return e == CH_CSV_UTF8_BOM ? "UTF-8" : ch_csv_encoding_name(e);
}

/* ---- source ---- */

/* Reads up to N bytes into BUF; returns the count, or -1 with errno set. A
 * short count means the end of the input. */
static long src_read(ch_csv *r, unsigned char *buf, size_t n)
{
	size_t got;
	if (r->fp) {
		got = fread(buf, 1, n, r->fp);
		if (got < n && ferror(r->fp)) {
			if (!errno)
				errno = EIO;
			return -1;
		}
	} else {
		got = r->mem_len - r->mem_pos;
		if (got > n)
			got = n;
		if (got)
			memcpy(buf, r->mem + r->mem_pos, got);
		r->mem_pos += got;
	}
	if (got < n)
		r->src_eof = 1;
	if (r->hash && got)
		ch_hash_update(r->hash, buf, got);
	return (long)got;
}

void ch_csv_hash_begin(ch_csv *r)
{
	if (r->hash)
		return;
	/* libsodium's state wants the alignment ch_hash declares, which
	 * malloc does not promise */
	void *p;
	if (posix_memalign(&p, _Alignof(ch_hash), sizeof(ch_hash)) != 0)
		abort();
	r->hash = p;
	ch_hash_init(r->hash);
	r->hashed = r->fp && !r->started && r->raw_len == 0 && !r->src_eof;
}

int ch_csv_hash(ch_csv *r, char out[CH_HASH_HEX_LEN + 1])
{
	/* SRC_EOF: a read came back short without an error, so every byte
	 * of the file went through the hash */
	if (!r->hash || !r->hashed || !r->src_eof)
		return 1;
	if (!r->digest[0])
		ch_hash_final(r->hash, r->digest);
	memcpy(out, r->digest, sizeof r->digest);
	return 0;
}

/* Moves the unconsumed bytes of RAW to its start and appends a block. */
static void raw_refill(ch_csv *r)
{
	size_t keep = r->raw_len - r->raw_pos;
	if (keep && r->raw_pos)
		memmove(r->raw, r->raw + r->raw_pos, keep);
	r->raw_pos = 0;
	r->raw_len = keep;
	r->need_more = 0;
	if (r->src_eof)
		return;
	errno = 0;
	long n = src_read(r, r->raw + keep, BLOCK);
	if (n < 0) {
		r->pend = PEND_IO;
		r->io_errno = errno;
		return;
	}
	r->raw_len += (size_t)n;
}

/* ---- decoder ---- */

static void note_bad(ch_csv *r, const unsigned char *p, size_t avail)
{
	r->pend = PEND_BAD_BYTES;
	r->nbad = avail < sizeof r->bad ? avail : sizeof r->bad;
	memcpy(r->bad, p, r->nbad);
}

/* Decodes the next piece of text into DEC[0, dlen). Sets PEND for errors
 * (after the good text before them) and INPUT_DONE at the end. */
static void decode_more(ch_csv *r)
{
	r->dec = NULL;
	r->dpos = r->dlen = 0;
	while (!r->pend && !r->input_done) {
		if (r->raw_pos == r->raw_len || r->need_more) {
			if (r->src_eof) {
				if (r->raw_pos < r->raw_len)
					r->pend = PEND_TRUNCATED;
				else
					r->input_done = 1;
				break;
			}
			raw_refill(r);
			continue;
		}
		unsigned char *in = r->raw + r->raw_pos;
		size_t avail = r->raw_len - r->raw_pos;
		if (r->cd == (iconv_t)-1) {
			int cut;
			size_t v = ch_utf8_valid_prefix((const char *)in, avail, &cut);
			r->dec = (const char *)in;
			r->dlen = v;
			r->raw_pos += v;
			if (v < avail) {
				if (cut)
					r->need_more = 1;
				else
					note_bad(r, in + v, avail - v);
			}
		} else {
			char *ip = (char *)in, *op = r->out;
			size_t il = avail, ol = OUT_CAP;
			size_t rc = iconv(r->cd, &ip, &il, &op, &ol);
			int e = errno;
			r->raw_pos = (size_t)((unsigned char *)ip - r->raw);
			r->dec = r->out;
			r->dlen = (size_t)(op - r->out);
			if (rc == (size_t)-1) {
				/* E2BIG: the rest is converted on the next call */
				if (e == EINVAL)
					r->need_more = 1;
				else if (e != E2BIG)
					note_bad(r, (unsigned char *)ip, il);
			}
		}
		if (r->dlen)
			break;
	}
	if (r->dlen) {
		const char *nul = memchr(r->dec, '\0', r->dlen);
		if (nul) {
			r->dlen = (size_t)(nul - r->dec);
			r->pend = PEND_NUL;
		}
	}
}

/* libcsv's blank test when the delimiter is a tab (the default also takes
 * tabs for blanks to trim around unquoted fields). */
static int space_only(unsigned char c)
{
	return c == ' ';
}

/* Lines end at '\n' only (or at '\r' only in a file that has no '\n'):
 * libcsv's default also ends a record at any '\r', which gave a stray '\r'
 * inside an LF file's line a second record with the same line number. The
 * '\r' of a CRLF line end is then trimmed as a blank instead. */
static int term_lf(unsigned char c)
{
	return c == '\n';
}

static int term_cr(unsigned char c)
{
	return c == '\r';
}

static int space_tab_cr(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int space_cr(unsigned char c)
{
	return c == ' ' || c == '\r';
}

/* Reads the first block, detects the encoding and the delimiter. */
static int start(ch_csv *r)
{
	r->started = 1;
	raw_refill(r);
	const unsigned char *b = r->raw;
	size_t n = r->raw_len;
	const char *from = NULL;
	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		r->enc = CH_CSV_UTF8_BOM;
		r->raw_pos = 3;
	} else if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		r->enc = CH_CSV_UTF16LE;
		r->raw_pos = 2;
		from = "UTF-16LE";
	} else {
		int cut;
		size_t v = ch_utf8_valid_prefix((const char *)b, n, &cut);
		/* a character cut by the block end is fine unless the file ends there */
		if (v == n || (cut && !r->src_eof)) {
			r->enc = CH_CSV_UTF8;
		} else {
			r->enc = CH_CSV_GB18030;
			from = "GB18030";
		}
	}
	if (from) {
		r->cd = iconv_open("UTF-8", from);
		if (r->cd == (iconv_t)-1)
			return fail(r, CH_ERROR, "读取 %s：无法从 %s 编码转换：%s", r->name, from,
			            strerror(errno));
		r->out = ch_malloc(OUT_CAP);
	}
	decode_more(r);
	const char *s = r->dec ? r->dec : "", *end = s + r->dlen;
	if (!memchr(s, '\n', r->dlen) && memchr(s, '\r', r->dlen))
		r->eol = '\r';
	int lf = r->eol == '\n';
	csv_set_term_func(&r->p, lf ? term_lf : term_cr);
	if (lf)
		csv_set_space_func(&r->p, space_tab_cr);

	/* Delimiter: tab when the first non-blank line has a tab and no comma
	 * outside quotes. Only the text decoded so far is looked at. */
	while (s < end) {
		const char *nl = memchr(s, r->eol, (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *q = s;
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == le) {
			s = nl ? nl + 1 : end;
			continue;
		}
		int quoted = 0, tabs = 0, commas = 0;
		for (q = s; q < le; q++) {
			if (*q == '"')
				quoted = !quoted;
			else if (!quoted && *q == '\t')
				tabs++;
			else if (!quoted && *q == ',')
				commas++;
		}
		if (tabs && !commas) {
			csv_set_delim(&r->p, CSV_TAB);
			csv_set_space_func(&r->p, lf ? space_cr : space_only);
		}
		break;
	}
	return 0;
}

/* ---- parser callbacks ---- */

static void on_field(void *s, size_t len, void *data)
{
	ch_csv *r = data;
	char msg[160], n[32];
	if (r->err)
		return;
	if (!r->in_rec) {
		r->in_rec = 1;
		r->rec_first = r->nf;
		r->rec_line = r->start_line;
	}
	if (r->nf - r->rec_first >= r->lim->columns) {
		snprintf(msg, sizeof msg, "超过 %s 列的上限",
		         ch_read_limit_count(r->lim->columns, n, sizeof n));
		over(r, r->rec_line, msg);
		return;
	}
	if (len > r->lim->cell_chars && ch_utf8_count(s, len) > r->lim->cell_chars) {
		snprintf(msg, sizeof msg, "第 %zu 列超过一个单元格 %s 个字符的上限",
		         r->nf - r->rec_first + 1,
		         ch_read_limit_count(r->lim->cell_chars, n, sizeof n));
		over(r, r->rec_line, msg);
		return;
	}
	if (r->nf == r->offcap) {
		r->offcap = r->offcap ? 2 * r->offcap : 64;
		r->offs = ch_reallocarray(r->offs, r->offcap, sizeof *r->offs);
	}
	if (r->slen + len + 1 > r->scap) {
		size_t cap = r->scap ? r->scap : 1024;
		while (cap < r->slen + len + 1)
			cap *= 2;
		r->sbuf = ch_realloc(r->sbuf, cap);
		r->scap = cap;
	}
	r->offs[r->nf++] = r->slen;
	if (len)
		memcpy(r->sbuf + r->slen, s, len);
	r->sbuf[r->slen + len] = '\0';
	r->slen += len + 1;
}

static void on_record(int c, void *data)
{
	ch_csv *r = data;
	(void)c;
	if (r->err)
		return;
	if (!r->in_rec) { /* not sent by libcsv without a field, but be safe */
		r->rec_first = r->nf;
		r->rec_line = r->start_line;
	}
	if (r->nrec == r->reccap) {
		r->reccap = r->reccap ? 2 * r->reccap : 8;
		r->recs = ch_reallocarray(r->recs, r->reccap, sizeof *r->recs);
	}
	r->recs[r->nrec++] = (struct rec){r->rec_first, r->nf - r->rec_first, r->rec_line};
	r->in_rec = 0;
	r->start_line = r->line; /* a '\r' may end a record inside a line */
}

/* ---- feeder ---- */

/* Drops the records handed out, keeping an unfinished one. */
static void compact(ch_csv *r)
{
	if (r->qhead < r->nrec || r->nrec == 0)
		return;
	if (r->in_rec && r->rec_first > 0) {
		size_t nf = r->nf - r->rec_first;
		size_t s0 = r->offs[r->rec_first];
		memmove(r->sbuf, r->sbuf + s0, r->slen - s0);
		for (size_t i = 0; i < nf; i++)
			r->offs[i] = r->offs[r->rec_first + i] - s0;
		r->slen -= s0;
		r->nf = nf;
		r->rec_first = 0;
	} else if (!r->in_rec) {
		r->slen = r->nf = 0;
	}
	r->nrec = r->qhead = 0;
}

/* Fails for a line (or a record over several lines) longer than the
 * limit: a quoted field left open is named from the line it opened on. */
static void line_too_long(ch_csv *r)
{
	char msg[256], n[32];
	ch_read_limit_bytes(r->lim->line_bytes, n, sizeof n);
	if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted && r->start_line < r->line) {
		snprintf(msg, sizeof msg,
		         "引号没有闭合：从这一行开始的带引号字段到 %s 的上限仍未结束"
		         "（缺少 \"）",
		         n);
		over(r, r->start_line, msg);
	} else {
		snprintf(msg, sizeof msg,
		         "一行超过 %s 的上限（台账的一行远没有这么长：文件损坏，或不是表格）", n);
		over(r, r->line, msg);
	}
}

/* Feeds text to libcsv until a record is queued, an error is found or the
 * input ends. */
static void fill(ch_csv *r)
{
	while (r->qhead == r->nrec && !r->err && !r->done) {
		if (r->dpos < r->dlen) {
			const char *s = r->dec + r->dpos;
			size_t avail = r->dlen - r->dpos;
			const char *nl = memchr(s, r->eol, avail);
			size_t n = nl ? (size_t)(nl - s) + 1 : avail;
			if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN) {
				r->start_line = r->line;
				r->rec_len = 0;
			}
			if (r->line_len + n > r->lim->line_bytes ||
			    r->rec_len + n > r->lim->line_bytes) {
				line_too_long(r);
				break;
			}
			r->line_len += n;
			r->rec_len += n;
			size_t bufsz = csv_get_buffer_size(&r->p);
			if (bufsz > r->p.blk_size) /* grow the field buffer geometrically */
				csv_set_blk_size(&r->p, bufsz);
			size_t used = csv_parse(&r->p, s, n, on_field, on_record, r);
			if (r->err)
				break;
			if (used != n) {
				fail(r, CH_ERROR, "%s 第 %zu 行：CSV 解析出错（%s）", r->name,
				     r->line, csv_strerror(csv_error(&r->p)));
				break;
			}
			r->dpos += n;
			if (nl) {
				r->line++;
				r->line_len = 0;
			}
			continue;
		}
		switch (r->pend) {
		case PEND_BAD_BYTES: {
			char hex[sizeof r->bad * 5 + 1] = "";
			size_t hl = 0;
			for (size_t i = 0; i < r->nbad; i++)
				hl += (size_t)snprintf(hex + hl, sizeof hex - hl, "%s0x%02X",
				                       i ? " " : "", r->bad[i]);
			char msg[sizeof hex + 96];
			snprintf(msg, sizeof msg, "有不是 %s 编码的字节（%s）",
			         byte_encoding(r->enc), hex);
			over(r, r->line, msg);
			continue;
		}
		case PEND_TRUNCATED:
			char msg[96];
			snprintf(msg, sizeof msg, "文件在一个 %s 字符的中间结束（文件不完整？）",
			         byte_encoding(r->enc));
			over(r, r->line, msg);
			continue;
		case PEND_NUL:
			over(r, r->line,
			     "文本中有 NUL 字节（不是 CSV 文件，或是没有字节顺序标记的 UTF-16 "
			     "文件？）");
			continue;
		case PEND_IO:
			fail(r, CH_ERROR, "读取 %s 出错：%s", r->name, strerror(r->io_errno));
			continue;
		case PEND_NONE:
			break;
		}
		if (r->input_done) {
			if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted) {
				over(r, r->start_line, "带引号的字段没有闭合（缺少 \"）");
				continue;
			}
			csv_fini(&r->p, on_field, on_record, r);
			r->done = 1;
			continue;
		}
		if (r->fp && ch_read_clock() > r->deadline) {
			char msg[160];
			snprintf(msg, sizeof msg, "读取超过了 %g 秒的时限，文件太大或有异常",
			         r->lim->seconds);
			over(r, r->line, msg);
			continue;
		}
		decode_more(r);
	}
}

int ch_csv_next(ch_csv *r, ch_csv_row *row)
{
	if (r->qhead == r->nrec && !r->err && !r->done) {
		compact(r);
		if (!r->started && start(r) < 0)
			return r->err;
		fill(r);
	}
	if (r->qhead < r->nrec) {
		struct rec *rec = &r->recs[r->qhead++];
		if (rec->nfields + 1 > r->ptrcap) {
			r->ptrcap = rec->nfields + 16;
			r->ptrs = ch_reallocarray(r->ptrs, r->ptrcap, sizeof *r->ptrs);
		}
		for (size_t i = 0; i < rec->nfields; i++)
			r->ptrs[i] = r->sbuf + r->offs[rec->first + i];
		r->ptrs[rec->nfields] = NULL;
		row->fields = r->ptrs;
		row->nfields = rec->nfields;
		row->line = rec->line;
		return 1;
	}
	if (r->err)
		return ch_error_set(r->err, "%s", r->errmsg);
	return 0;
}

void ch_csv_put_field(ch_buf *b, const char *s)
{
	if (!s)
		return;
	int formula = ch_text_formula_like(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		ch_buf_puts(b, s);
		return;
	}
	ch_buf_putc(b, '"');
	if (formula)
		ch_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			ch_buf_putc(b, '"');
		ch_buf_putc(b, *s);
	}
	ch_buf_putc(b, '"');
}
