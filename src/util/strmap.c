/*
 * strmap — open-addressing string map (see strmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/strmap.h"

struct slot {
	char *key; /* NULL: empty */
	int64_t val;
};

struct ch_strmap {
	struct slot *slots;
	size_t cap, count; /* cap is a power of two */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

ch_strmap *ch_strmap_new(void)
{
	ch_strmap *m = ch_calloc(1, sizeof *m);
	m->cap = 64;
	m->slots = ch_calloc(m->cap, sizeof *m->slots);
	return m;
}

void ch_strmap_free(ch_strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

static struct slot *find(const ch_strmap *m, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (m->cap - 1);
	while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

int ch_strmap_get(const ch_strmap *m, const char *key, int64_t *val)
{
	const struct slot *s = find(m, key);
	if (!s->key)
		return 0;
	if (val)
		*val = s->val;
	return 1;
}

static void grow(ch_strmap *m)
{
	struct slot *old = m->slots;
	size_t oldcap = m->cap;
	m->cap *= 2;
	m->slots = ch_calloc(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key) = old[i];
	free(old);
}

void ch_strmap_put(ch_strmap *m, const char *key, int64_t val)
{
	struct slot *s = find(m, key);
	if (s->key) {
		s->val = val;
		return;
	}
	if ((m->count + 1) * 10 > m->cap * 7) {
		grow(m);
		s = find(m, key);
	}
	s->key = ch_strdup(key);
	s->val = val;
	m->count++;
}

size_t ch_strmap_count(const ch_strmap *m)
{
	return m->count;
}
