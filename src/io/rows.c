/*
 * rows — CSV or XLSX behind one reader (see rows.h).
 *
 * A file of AHEAD_MIN bytes or more is read ahead: a second thread runs
 * ch_csv_next or ch_xlsx_next (the decoding and libcsv's parse, a tenth
 * of a million-row household import; a workbook's inflating and XML
 * parse, three times as much a row) and copies each record into one of
 * AHEAD_BLOCKS blocks, which it hands over in file order; ch_rows_next
 * hands out the rows of the oldest block and gives the block back once it
 * has moved past its last row, so a row's strings stay valid until the
 * next call, as the contract says. At most
 * AHEAD_BLOCKS blocks of about AHEAD_TEXT bytes each are held, however
 * long the file. The end of the file, or an error with its code, message
 * and field, travels in the block after the last row before it, so the
 * caller sees the rows and then the error in the order one thread would
 * have seen them. A smaller file is read in the caller's thread.
 *
 * The file's digest, which an import records, is taken from the bytes
 * the CSV reader reads (ch_rows_open_hashed), in whichever thread reads
 * them: a large import then reads its file once rather than twice, and
 * the digest is of the bytes the rows came from even if the file changed
 * meanwhile. A workbook, read out of order by its zip reader, is hashed
 * by reading it again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/rows.h"
#include "io/xlsx.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

#define AHEAD_MIN    (1024 * 1024) /* bytes of file from which a thread reads ahead */
#define AHEAD_BLOCKS 3             /* blocks in turn between the two threads */
#define AHEAD_ROWS   512           /* rows a block holds at most */
#define AHEAD_TEXT   (256 * 1024)  /* bytes of fields after which a block is full */

/* One block of rows read ahead. STATUS, after its rows: 0 more blocks
 * follow, 1 the file ended, or the negative ch_err it ended with. */
struct ahead_block {
	char *text; /* the fields, each NUL-terminated, one after the other */
	size_t len, cap;
	size_t *offs; /* where each field starts in TEXT */
	size_t noffs, capoffs;
	struct {
		size_t first, nfields, line; /* first: index into OFFS */
	} rows[AHEAD_ROWS];
	size_t nrows;
	int status;
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t full;  /* a block was handed over */
	pthread_cond_t empty; /* a block was given back, or STOP set */
	struct ahead_block blocks[AHEAD_BLOCKS];
	size_t given; /* blocks handed over and not given back (under MU) */
	int stop;     /* ch_rows_free wants the thread to end (under MU) */
	size_t fill;  /* the block the thread fills next (its own) */
	size_t at;    /* the block the caller reads (the caller's own) */
	size_t next;  /* its next row */
	int holding;  /* the caller holds block AT */
	char **ptrs;  /* the row handed out */
	size_t capptrs;
	/* the message and field of the error the file ended with (its code is
	 * the last block's STATUS), written before that block is handed over */
	char *err_msg, *err_field;
};

struct ch_rows {
	ch_csv *csv;
	ch_xlsx *xlsx;
	struct ahead *ahead;
	char *path;
	int ended; /* ch_rows_next has returned the end: no thread reads CSV */
	char desc[256];
};

/* Takes off the apostrophe that marks a text looking like a formula:
 * '=... is how our CSV files (and Excel's users) write such a text
 * (ch_csv_put_field), and the apostrophe is no part of the value. */
static void strip_formula_marks(ch_csv_row *row)
{
	for (size_t c = 0; c < row->nfields; c++) {
		char *f = row->fields[c];
		if (f[0] == '\'' && ch_text_formula_like(f + 1))
			memmove(f, f + 1, strlen(f));
	}
}

/* The next row of R's file, in the thread that reads it. */
static int read_row(ch_rows *r, ch_csv_row *row)
{
	if (r->xlsx)
		return ch_xlsx_next(r->xlsx, row);
	int rc = ch_csv_next(r->csv, row);
	if (rc == 1)
		strip_formula_marks(row);
	return rc;
}

/* Copies ROW to the end of block B. */
static void block_add(struct ahead_block *b, const ch_csv_row *row)
{
	if (b->noffs + row->nfields > b->capoffs) {
		b->capoffs = 2 * (b->noffs + row->nfields) + 64;
		b->offs = ch_reallocarray(b->offs, b->capoffs, sizeof *b->offs);
	}
	b->rows[b->nrows].first = b->noffs;
	b->rows[b->nrows].nfields = row->nfields;
	b->rows[b->nrows].line = row->line;
	b->nrows++;
	for (size_t i = 0; i < row->nfields; i++) {
		size_t n = strlen(row->fields[i]) + 1;
		if (b->len + n > b->cap) {
			b->cap = 2 * (b->len + n) + AHEAD_TEXT / 4;
			b->text = ch_realloc(b->text, b->cap);
		}
		memcpy(b->text + b->len, row->fields[i], n);
		b->offs[b->noffs++] = b->len;
		b->len += n;
	}
}

/* The reading thread: fills the blocks in turn until the file ends, an
 * error ends it, or ch_rows_free asks it to stop. */
static void *read_ahead(void *arg)
{
	ch_rows *r = arg;
	struct ahead *a = r->ahead;
	for (int status = 0; status == 0;) {
		pthread_mutex_lock(&a->mu);
		while (a->given == AHEAD_BLOCKS && !a->stop)
			pthread_cond_wait(&a->empty, &a->mu);
		int stop = a->stop;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			break;
		struct ahead_block *b = &a->blocks[a->fill];
		b->len = b->noffs = b->nrows = 0;
		while (status == 0 && b->nrows < AHEAD_ROWS && b->len < AHEAD_TEXT) {
			ch_csv_row row;
			int rc = read_row(r, &row);
			if (rc == 1) {
				block_add(b, &row);
			} else if (rc == 0) {
				status = 1;
			} else {
				status = rc;
				a->err_msg = ch_strdup(ch_error_message());
				a->err_field = ch_strdup(ch_error_field());
			}
		}
		b->status = status;
		a->fill = (a->fill + 1) % AHEAD_BLOCKS;
		pthread_mutex_lock(&a->mu);
		a->given++;
		pthread_cond_signal(&a->full);
		pthread_mutex_unlock(&a->mu);
	}
	return NULL;
}

/* Frees A, whose thread has ended or never started. */
static void ahead_dispose(struct ahead *a)
{
	for (size_t i = 0; i < AHEAD_BLOCKS; i++) {
		free(a->blocks[i].text);
		free(a->blocks[i].offs);
	}
	pthread_cond_destroy(&a->empty);
	pthread_cond_destroy(&a->full);
	pthread_mutex_destroy(&a->mu);
	free(a->ptrs);
	free(a->err_msg);
	free(a->err_field);
	free(a);
}

/* Starts the reading thread of R. Without a thread (the system refuses
 * one) the file is read in the caller's thread. */
static void ahead_start(ch_rows *r)
{
	struct ahead *a = ch_calloc(1, sizeof *a);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->full, NULL);
	pthread_cond_init(&a->empty, NULL);
	r->ahead = a;
	if (pthread_create(&a->thread, NULL, read_ahead, r) != 0) {
		ahead_dispose(a);
		r->ahead = NULL;
	}
}

/* Waits until the caller holds a block (the next one handed over). */
static void ahead_hold(struct ahead *a)
{
	if (a->holding)
		return;
	pthread_mutex_lock(&a->mu);
	while (a->given == 0)
		pthread_cond_wait(&a->full, &a->mu);
	pthread_mutex_unlock(&a->mu);
	a->holding = 1;
	a->next = 0;
}

/* ch_rows_next for a file read ahead. */
static int ahead_next(struct ahead *a, ch_csv_row *row)
{
	for (;;) {
		ahead_hold(a);
		struct ahead_block *b = &a->blocks[a->at];
		if (a->next < b->nrows) {
			size_t i = a->next++, n = b->rows[i].nfields;
			if (n + 1 > a->capptrs) {
				a->capptrs = n + 16;
				a->ptrs = ch_reallocarray(a->ptrs, a->capptrs, sizeof *a->ptrs);
			}
			for (size_t k = 0; k < n; k++)
				a->ptrs[k] = b->text + b->offs[b->rows[i].first + k];
			a->ptrs[n] = NULL;
			row->fields = a->ptrs;
			row->nfields = n;
			row->line = b->rows[i].line;
			return 1;
		}
		/* the block that ends the file stays held: asked again, the
		 * same end or the same error, as ch_csv_next answers */
		if (b->status == 1)
			return 0;
		if (b->status < 0)
			return ch_error_set_field(b->status, a->err_field, "%s", a->err_msg);
		a->holding = 0;
		a->at = (a->at + 1) % AHEAD_BLOCKS;
		pthread_mutex_lock(&a->mu);
		a->given--;
		pthread_cond_signal(&a->empty);
		pthread_mutex_unlock(&a->mu);
	}
}

/* Stops R's reading thread and frees what it held. */
static void ahead_free(struct ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_signal(&a->empty);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	ahead_dispose(a);
}

static int rows_open(ch_rows **out, const char *path, const char *sheet, int hashed)
{
	unsigned char magic[2] = {0, 0};
	FILE *f = fopen(path, "rb");
	int rc;
	*out = NULL;
	if (!f)
		return ch_error_set(CH_ENOTFOUND, "无法打开 %s：%s", path, strerror(errno));
	size_t n = fread(magic, 1, 2, f);
	struct stat sb;
	int large = fstat(fileno(f), &sb) == 0 && sb.st_size >= AHEAD_MIN;
	fclose(f);
	ch_rows *r = ch_calloc(1, sizeof *r);
	if (n == 2 && magic[0] == 'P' && magic[1] == 'K') {
		rc = ch_xlsx_open(&r->xlsx, path, sheet);
	} else if (sheet) {
		rc = ch_error_set_field(CH_EINVALID, "sheet",
		                        "%s 不是 Excel 工作簿，没有工作表可选", path);
	} else if ((rc = ch_csv_open(&r->csv, path)) == 0 && hashed) {
		ch_csv_hash_begin(r->csv);
	}
	if (rc) {
		ch_rows_free(r);
		return rc;
	}
	r->path = ch_strdup(path);
	if (large)
		ahead_start(r);
	*out = r;
	return 0;
}

int ch_rows_open(ch_rows **out, const char *path, const char *sheet)
{
	return rows_open(out, path, sheet, 0);
}

int ch_rows_open_hashed(ch_rows **out, const char *path, const char *sheet)
{
	return rows_open(out, path, sheet, 1);
}

int ch_rows_next(ch_rows *r, ch_csv_row *row)
{
	int rc = r->ahead ? ahead_next(r->ahead, row) : read_row(r, row);
	if (rc == 0)
		r->ended = 1;
	return rc;
}

int ch_rows_hash(ch_rows *r, char out[CH_HASH_HEX_LEN + 1])
{
	/* once the end was handed out, the reading thread has read its last
	 * byte and handed that block over under the lock: the reader is the
	 * caller's to ask */
	if (r->csv && r->ended && ch_csv_hash(r->csv, out) == 0)
		return 0;
	return ch_hash_file(r->path, out);
}

const char *ch_rows_describe(ch_rows *r)
{
	if (r->xlsx) /* the sheet is chosen at the open, before any thread */
		snprintf(r->desc, sizeof r->desc, "XLSX 工作表「%s」",
		         ch_xlsx_current_sheet(r->xlsx));
	else {
		/* the encoding is known, and no longer written, once the
		 * reading thread has handed over a block */
		if (r->ahead)
			ahead_hold(r->ahead);
		snprintf(r->desc, sizeof r->desc, "CSV（%s）",
		         ch_csv_encoding_name(ch_csv_encoding(r->csv)));
	}
	return r->desc;
}

int ch_rows_is_xlsx(const ch_rows *r)
{
	return r->xlsx != NULL;
}

void ch_rows_free(ch_rows *r)
{
	if (!r)
		return;
	ahead_free(r->ahead);
	ch_csv_free(r->csv);
	ch_xlsx_free(r->xlsx);
	free(r->path);
	free(r);
}

int ch_rows_none(size_t header_line)
{
	return ch_error_set(CH_EINVALID,
	                    "第 %zu 行表头之下没有数据行；文件中没有要导入的内容，"
	                    "什么也没有保存",
	                    header_line);
}
