/*
 * idmap — blocks of 64 values found by their first id (see idmap.h).
 *
 * An id is taken as unsigned with its sign bit flipped, so that the order
 * of those numbers is the order of the ids; a block's key is that number's
 * high 58 bits, the value's place in the block its low six. The blocks
 * live in chunks of 1,024 that never move, so a block found stays where it
 * is while others are added; the table of blocks (key and block number, at
 * most half its slots used) doubles as it fills. The block looked up last
 * is remembered: the ids of a file come in runs, and most look-ups need no
 * probe.
 */
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/idmap.h"

#define BLOCK_IDS    64
#define CHUNK_BLOCKS 1024

struct block {
	uint32_t val[BLOCK_IDS];
};

#define SIGN_BIT 0x8000000000000000u

struct dir_slot {
	uint64_t key;
	uint32_t block; /* its number plus one; 0: a free slot */
};

struct ch_idmap {
	struct dir_slot *dir;
	size_t dir_cap;           /* a power of two, or 0 */
	struct block **chunk;     /* CHUNK_BLOCKS blocks each */
	size_t nchunk, chunk_cap; /* chunks allocated, slots for them */
	size_t nblock;            /* blocks in use */
	size_t count;             /* ids with a value */
	uint64_t last_key;        /* the block looked up last, if last */
	struct block *last;
};

ch_idmap *ch_idmap_new(void)
{
	return ch_calloc(1, sizeof(ch_idmap));
}

void ch_idmap_clear(ch_idmap *m)
{
	for (size_t i = 0; i < m->nchunk; i++)
		free(m->chunk[i]);
	free(m->chunk);
	free(m->dir);
	memset(m, 0, sizeof *m);
}

void ch_idmap_free(ch_idmap *m)
{
	if (!m)
		return;
	ch_idmap_clear(m);
	free(m);
}

static struct block *block_at(const ch_idmap *m, uint32_t n)
{
	return &m->chunk[n / CHUNK_BLOCKS][n % CHUNK_BLOCKS];
}

static size_t dir_home(const ch_idmap *m, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15u) >> 32) & (m->dir_cap - 1);
}

/* The slot of KEY in the table of blocks, or the free slot where it goes. */
static struct dir_slot *dir_find(const ch_idmap *m, uint64_t key)
{
	for (size_t i = dir_home(m, key);; i = (i + 1) & (m->dir_cap - 1))
		if (!m->dir[i].block || m->dir[i].key == key)
			return &m->dir[i];
}

/* The block of KEY; with ADD a new one when it has none, else NULL then. */
static struct block *block_of(ch_idmap *m, uint64_t key, int add)
{
	if (m->last && m->last_key == key)
		return m->last;
	struct dir_slot *s = m->dir_cap ? dir_find(m, key) : NULL;
	if (!s || !s->block) {
		if (!add)
			return NULL;
		if (2 * (m->nblock + 1) > m->dir_cap) {
			size_t cap = m->dir_cap ? 2 * m->dir_cap : 64;
			struct dir_slot *old = m->dir;
			size_t old_cap = m->dir_cap;
			m->dir = ch_calloc(cap, sizeof *m->dir);
			m->dir_cap = cap;
			for (size_t i = 0; i < old_cap; i++)
				if (old[i].block)
					*dir_find(m, old[i].key) = old[i];
			free(old);
		}
		if (m->nblock == m->nchunk * CHUNK_BLOCKS) {
			if (m->nchunk == m->chunk_cap) {
				m->chunk_cap = m->chunk_cap ? 2 * m->chunk_cap : 16;
				m->chunk =
				    ch_reallocarray(m->chunk, m->chunk_cap, sizeof *m->chunk);
			}
			m->chunk[m->nchunk++] = ch_calloc(CHUNK_BLOCKS, sizeof(struct block));
		}
		s = dir_find(m, key);
		s->key = key;
		s->block = (uint32_t)++m->nblock;
	}
	m->last_key = key;
	m->last = block_at(m, s->block - 1);
	return m->last;
}

uint32_t ch_idmap_get(ch_idmap *m, int64_t id)
{
	uint64_t u = (uint64_t)id ^ SIGN_BIT;
	struct block *b = block_of(m, u / BLOCK_IDS, 0);
	return b ? b->val[u % BLOCK_IDS] : 0;
}

void ch_idmap_put(ch_idmap *m, int64_t id, uint32_t val)
{
	uint64_t u = (uint64_t)id ^ SIGN_BIT;
	struct block *b = block_of(m, u / BLOCK_IDS, val != 0);
	if (!b)
		return;
	uint32_t *v = &b->val[u % BLOCK_IDS];
	if (*v && !val)
		m->count--;
	else if (!*v && val)
		m->count++;
	*v = val;
}

size_t ch_idmap_count(const ch_idmap *m)
{
	return m->count;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct dir_slot *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

int ch_idmap_each(const ch_idmap *m, int (*fn)(void *arg, int64_t id, uint32_t val), void *arg)
{
	if (!m->nblock)
		return 0;
	struct dir_slot *used = ch_calloc(m->nblock, sizeof *used);
	size_t n = 0;
	for (size_t i = 0; i < m->dir_cap; i++)
		if (m->dir[i].block)
			used[n++] = m->dir[i];
	qsort(used, n, sizeof *used, slot_cmp);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct block *b = block_at(m, used[i].block - 1);
		for (int j = 0; j < BLOCK_IDS && rc == 0; j++)
			if (b->val[j])
				rc = fn(
				    arg,
				    (int64_t)((used[i].key * BLOCK_IDS + (uint64_t)j) ^ SIGN_BIT),
				    b->val[j]);
	}
	free(used);
	return rc;
}
