/*
 * problems — the per-import list of problems (see problems.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/problems.h"
#include "util/alloc.h"

/* The problems are kept in blocks of BLOCK_ITEMS, which never move, and
 * their texts in chunks of CHUNK bytes, one allocation for many texts; a
 * value or reason the same as the last one kept for the same field is
 * kept once (the same fault on every row of a file says the same thing on
 * each). An import of 1,000,000 rows with an error on each row held about
 * 210 bytes a problem in an array that doubled, a copy of each text with
 * its allocation, and the rejected lines as text in a map: 237 MiB
 * (docs/performance.md, "An import's problems, kept compactly"). */
#define BLOCK_ITEMS   1024
#define CHUNK         65536
#define FIELDS_CACHED 64

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct ch_problems {
	ch_problem **blocks;
	size_t n, nblocks;
	struct chunk *texts;     /* the chunk being filled first */
	unsigned char *rejected; /* bit LINE set: the line has an error */
	size_t rejected_bytes;
	const char *last_value[FIELDS_CACHED], *last_reason[FIELDS_CACHED]; /* by field + 1 */
	size_t nrejected, nwarnings;
};

ch_problems *ch_problems_new(void)
{
	return ch_calloc(1, sizeof(ch_problems));
}

void ch_problems_free(ch_problems *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	for (struct chunk *c = p->texts, *next; c; c = next) {
		next = c->next;
		free(c);
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

static ch_problem *item(const ch_problems *p, size_t i)
{
	return &p->blocks[i / BLOCK_ITEMS][i % BLOCK_ITEMS];
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
		p->blocks = ch_reallocarray(p->blocks, p->nblocks + 1, sizeof *p->blocks);
		p->blocks[p->nblocks++] = ch_malloc(BLOCK_ITEMS * sizeof(ch_problem));
	}
	size_t f = (size_t)(field + 1);
	int cached = field >= -1 && f < FIELDS_CACHED;
	*item(p, p->n++) = (ch_problem){
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
	return i < p->n ? item(p, i) : NULL;
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
	const ch_problem *x = item(p, i);
	size_t j = i + 1;
	run->same_value = 1;
	while (j < p->n && item(p, j)->line != item(p, j - 1)->line &&
	       same_text(item(p, j)->column, x->column) &&
	       same_text(item(p, j)->reason, x->reason) && item(p, j)->warning == x->warning) {
		run->same_value &= same_text(item(p, j)->value, x->value);
		j++;
	}
	run->first = x;
	run->last = item(p, j - 1);
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
