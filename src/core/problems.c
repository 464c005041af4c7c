/*
 * problems — the per-import list of problems (see problems.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/problems.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"

/* The problems are kept in blocks of BLOCK_ITEMS, which never move, and
 * their texts in chunks of CHUNK bytes, one allocation for many texts; a
 * value or reason the same as the last one kept for the same field is
 * kept once (the same fault on every row of a file says the same thing on
 * each). An import of 1,000,000 rows with an error on each row held about
 * 210 bytes a problem in an array that doubled, a copy of each text with
 * its allocation, and the rejected lines as text in a map: 237 MiB
 * (docs/performance.md, "An import's problems, kept compactly").
 *
 * Past MEMORY bytes, whenever a block fills, the full blocks and their
 * texts go to a temporary file (ch_tmpfile), a record per block, and only
 * the record's place stays in memory: a file with a different fault on
 * every row held 84 MiB of problems at 1,000,000 rows and would hold 250
 * at 3,000,000. A block read back is kept in one of two slots; the first
 * slot holds a run's first problem while the second reads on
 * (ch_problems_run). When the file cannot be made or written, the
 * problems stay in memory. */
#define BLOCK_ITEMS   1024
#define CHUNK         65536
#define FIELDS_CACHED 64
#define MEMORY        (4u << 20)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

/* A problem in a block's record: its texts as offsets into the record's
 * texts, NO_TEXT for none. The column's name is static: its address is
 * good for the life of the process. */
#define NO_TEXT UINT32_MAX
struct stored {
	size_t line;
	const char *column;
	uint32_t value, reason;
	int32_t field;
	int32_t warning;
};

/* A block read back from the file. */
struct slot {
	size_t block; /* SIZE_MAX: empty */
	ch_problem items[BLOCK_ITEMS];
	char *texts;
	size_t cap;
};

struct spill {
	int fd;
	off_t *at;       /* by block: where its record starts */
	uint32_t *bytes; /* by block: the record's size */
	size_t nblocks;  /* blocks in the file: 0 .. nblocks - 1 */
	struct slot slot[2];
	int next; /* the slot ch_problems_get fills next */
};

struct ch_problems {
	ch_problem **blocks; /* NULL where the block is in the file */
	size_t n, nblocks;
	struct chunk *texts;     /* the chunk being filled first */
	size_t memory;           /* bytes of blocks and chunks held */
	struct spill *spill;     /* NULL until the first block goes out */
	int spill_failed;        /* the file could not be made or written */
	unsigned char *rejected; /* bit LINE set: the line has an error */
	size_t rejected_bytes;
	const char *last_value[FIELDS_CACHED], *last_reason[FIELDS_CACHED]; /* by field + 1 */
	size_t nrejected, nwarnings;
};

ch_problems *ch_problems_new(void)
{
	return ch_calloc(1, sizeof(ch_problems));
}

static void free_chunks(ch_problems *p)
{
	for (struct chunk *c = p->texts, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	p->texts = NULL;
}

void ch_problems_free(ch_problems *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	free_chunks(p);
	if (p->spill) {
		close(p->spill->fd);
		free(p->spill->at);
		free(p->spill->bytes);
		free(p->spill->slot[0].texts);
		free(p->spill->slot[1].texts);
		free(p->spill);
	}
	free(p->rejected);
	free(p);
}

/* A copy of S (N bytes and a NUL) among P's texts. */
static const char *keep_text(ch_problems *p, const char *s, size_t n)
{
	struct chunk *c = p->texts;
	if (!c || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > CHUNK / 4 ? n + 1 : CHUNK;
		struct chunk *nc = ch_malloc(sizeof *nc + cap);
		p->memory += sizeof *nc + cap;
		nc->used = 0;
		nc->cap = cap;
		/* a long text has a chunk of its own, after the one being filled */
		if (c && cap != CHUNK) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			p->texts = nc;
		}
		c = nc;
	}
	char *d = c->data + c->used;
	memcpy(d, s, n);
	d[n] = '\0';
	c->used += n + 1;
	return d;
}

/* S kept, or the text kept last in *LAST when it is the same. */
static const char *keep_same(ch_problems *p, const char **last, const char *s)
{
	if (last && *last && strcmp(*last, s) == 0)
		return *last;
	const char *k = keep_text(p, s, strlen(s));
	if (last)
		*last = k;
	return k;
}

/* A problem that could not be read back from the file (an I/O error of
 * the machine's): said as such rather than lost. */
static const ch_problem unreadable = {
    .line = 0, .reason = "（临时文件读取失败，此条问题无法读回）", .field = -1};

/* TEXT's offset among a record's texts T, appended (with its NUL) unless it
 * is the previous problem's text PREV, kept once at PREV_AT. */
static uint32_t record_text(ch_buf *t, const char *text, const char *prev, uint32_t prev_at)
{
	if (!text)
		return NO_TEXT;
	if (text == prev)
		return prev_at;
	uint32_t at = (uint32_t)t->len;
	ch_buf_put(t, text, strlen(text) + 1);
	return at;
}

/* Writes every block held in memory (all full) to the file, then frees
 * them and the texts. On failure nothing is freed and nothing more is
 * tried: the problems stay in memory. */
static void spill_out(ch_problems *p)
{
	struct spill *s = p->spill;
	if (!s) {
		int fd = ch_tmpfile();
		if (fd < 0) {
			p->spill_failed = 1;
			return;
		}
		s = p->spill = ch_calloc(1, sizeof *s);
		s->fd = fd;
		s->slot[0].block = s->slot[1].block = SIZE_MAX;
	}
	off_t end = s->nblocks ? s->at[s->nblocks - 1] + s->bytes[s->nblocks - 1] : 0;
	s->at = ch_reallocarray(s->at, p->nblocks, sizeof *s->at);
	s->bytes = ch_reallocarray(s->bytes, p->nblocks, sizeof *s->bytes);
	struct stored rec[BLOCK_ITEMS];
	ch_buf t;
	ch_buf_init(&t);
	for (size_t b = s->nblocks; b < p->nblocks; b++) {
		const ch_problem *x = p->blocks[b];
		ch_buf_clear(&t);
		for (size_t k = 0; k < BLOCK_ITEMS; k++) {
			rec[k] = (struct stored){
			    .line = x[k].line,
			    .column = x[k].column,
			    .value = record_text(&t, x[k].value, k ? x[k - 1].value : NULL,
			                         k ? rec[k - 1].value : NO_TEXT),
			    .reason = record_text(&t, x[k].reason, k ? x[k - 1].reason : NULL,
			                          k ? rec[k - 1].reason : NO_TEXT),
			    .field = x[k].field,
			    .warning = x[k].warning,
			};
		}
		if (t.len > UINT32_MAX - sizeof rec || ch_fd_write(s->fd, rec, sizeof rec) ||
		    ch_fd_write(s->fd, t.ptr, t.len)) {
			p->spill_failed = 1;
			ch_buf_dispose(&t);
			/* what this call wrote is left in the file, unused */
			return;
		}
		s->at[b] = end;
		s->bytes[b] = (uint32_t)(sizeof rec + t.len);
		end += s->bytes[b];
	}
	ch_buf_dispose(&t);
	for (size_t b = s->nblocks; b < p->nblocks; b++) {
		free(p->blocks[b]);
		p->blocks[b] = NULL;
	}
	s->nblocks = p->nblocks;
	free_chunks(p);
	memset(p->last_value, 0, sizeof p->last_value);
	memset(p->last_reason, 0, sizeof p->last_reason);
	p->memory = 0;
}

/* Reads block B's record into slot L; 0, or -1 (the slot left empty). */
static int load(struct spill *s, size_t b, struct slot *l)
{
	size_t n = s->bytes[b];
	l->block = SIZE_MAX;
	if (n > l->cap) {
		free(l->texts);
		l->texts = ch_malloc(n);
		l->cap = n;
	}
	if (ch_fd_pread(s->fd, l->texts, n, (uint64_t)s->at[b]))
		return -1;
	struct stored rec;
	const char *texts = l->texts + BLOCK_ITEMS * sizeof rec;
	for (size_t k = 0; k < BLOCK_ITEMS; k++) {
		memcpy(&rec, l->texts + k * sizeof rec, sizeof rec);
		l->items[k] = (ch_problem){
		    .line = rec.line,
		    .column = rec.column,
		    .value = rec.value == NO_TEXT ? NULL : texts + rec.value,
		    .reason = texts + rec.reason,
		    .field = rec.field,
		    .warning = rec.warning,
		};
	}
	l->block = b;
	return 0;
}

/* Problem I: in memory, or in whichever slot holds its block, or read into
 * slot WANT (-1: the slot after the one filled last). *SLOT is where it
 * is: -1 in memory. */
static const ch_problem *at(const ch_problems *p, size_t i, int want, int *slot)
{
	size_t b = i / BLOCK_ITEMS;
	*slot = -1;
	if (p->blocks[b])
		return &p->blocks[b][i % BLOCK_ITEMS];
	struct spill *s = p->spill;
	for (int k = 0; k < 2; k++)
		if (s->slot[k].block == b)
			return &s->slot[*slot = k].items[i % BLOCK_ITEMS];
	if (want < 0) {
		want = s->next;
		s->next ^= 1;
	}
	if (load(s, b, &s->slot[want]) != 0)
		return &unreadable;
	return &s->slot[*slot = want].items[i % BLOCK_ITEMS];
}

void ch_problems_add(ch_problems *p, size_t line, int field, const char *column, const char *value,
                     int warning, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (p->n == p->nblocks * BLOCK_ITEMS) {
		if (p->memory > MEMORY && !p->spill_failed)
			spill_out(p);
		p->blocks = ch_reallocarray(p->blocks, p->nblocks + 1, sizeof *p->blocks);
		p->blocks[p->nblocks++] = ch_malloc(BLOCK_ITEMS * sizeof(ch_problem));
		p->memory += BLOCK_ITEMS * sizeof(ch_problem);
	}
	size_t f = (size_t)(field + 1);
	int cached = field >= -1 && f < FIELDS_CACHED;
	p->blocks[p->nblocks - 1][p->n++ % BLOCK_ITEMS] = (ch_problem){
	    .line = line,
	    .field = field,
	    .column = column,
	    .value =
	        value && *value ? keep_same(p, cached ? &p->last_value[f] : NULL, value) : NULL,
	    .reason = keep_same(p, cached ? &p->last_reason[f] : NULL, reason),
	    .warning = warning,
	};
	if (warning) {
		p->nwarnings++;
		return;
	}
	size_t byte = line / 8;
	if (byte >= p->rejected_bytes) {
		size_t nb = p->rejected_bytes ? p->rejected_bytes : 64;
		while (nb <= byte)
			nb *= 2;
		p->rejected = ch_realloc(p->rejected, nb);
		memset(p->rejected + p->rejected_bytes, 0, nb - p->rejected_bytes);
		p->rejected_bytes = nb;
	}
	unsigned char bit = (unsigned char)(1u << (line % 8));
	if (!(p->rejected[byte] & bit)) {
		p->rejected[byte] |= bit;
		p->nrejected++;
	}
}

size_t ch_problems_count(const ch_problems *p)
{
	return p->n;
}

const ch_problem *ch_problems_get(const ch_problems *p, size_t i)
{
	int slot;
	return i < p->n ? at(p, i, -1, &slot) : NULL;
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

size_t ch_problems_run(const ch_problems *p, size_t i, ch_problem_run *run)
{
	memset(run, 0, sizeof *run);
	if (i >= p->n)
		return i;
	/* the first problem stays where it is found; the others are read
	 * into the other slot */
	int slot, other;
	const ch_problem *x = at(p, i, 0, &slot);
	other = slot == 1 ? 0 : 1;
	size_t j = i + 1, line = x->line;
	run->same_value = 1;
	for (; j < p->n; j++) {
		const ch_problem *y = at(p, j, other, &slot);
		if (y->line == line || !same_text(y->column, x->column) ||
		    !same_text(y->reason, x->reason) || y->warning != x->warning)
			break;
		run->same_value &= same_text(y->value, x->value);
		line = y->line;
	}
	run->first = x;
	run->last = at(p, j - 1, other, &slot);
	run->n = j - i;
	return j;
}

int ch_problems_rejected(const ch_problems *p, size_t line)
{
	return line / 8 < p->rejected_bytes && (p->rejected[line / 8] >> (line % 8) & 1);
}

size_t ch_problems_nrejected(const ch_problems *p)
{
	return p->nrejected;
}

size_t ch_problems_nwarnings(const ch_problems *p)
{
	return p->nwarnings;
}
