/*
 * headings — the embedded heading table, parsed once (see headings.h).
 *
 * A lookup is one hash probe on "kind<US>heading", then a walk of the rows
 * that share that pair: a header of N columns is matched in time linear in
 * N, however many columns a hostile file has.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/headings.h"
#include "util/alloc.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/strmap.h"

enum { C_KIND, C_FIELD, C_HEADING, C_COUNT };

struct heading {
	char *text[C_COUNT]; /* kind, field, heading */
	long next;           /* the next row with the same kind and heading, or -1 */
};

#define KEY_MAX 512 /* longer than any heading: a longer one names nothing */

/* Filled once by parse() and read-only afterwards. */
static struct {
	struct heading *rows;
	size_t n;
	ch_strmap *first; /* "kind<US>heading" -> the first row with them */
	int rc;           /* 0, or CH_ERROR when the file is broken */
	char msg[256];    /* why, when it is */
} table;
static pthread_once_t parsed = PTHREAD_ONCE_INIT;

static void broken(const char *why)
{
	table.rc = CH_ERROR;
	snprintf(table.msg, sizeof table.msg, "%s (compiled in): %s", CH_HEADINGS_FILE, why);
}

/* Writes "KIND<US>H" into KEY; 0, or -1 when it does not fit. */
static int make_key(char key[KEY_MAX], const char *kind, const char *h)
{
	int n = snprintf(key, KEY_MAX, "%s\x1f%s", kind, h);
	return n < 0 || n >= KEY_MAX ? -1 : 0;
}

/* Links every row into the chain of its kind and heading, in file order. */
static void index_rows(void)
{
	char key[KEY_MAX];
	long *last = ch_calloc(table.n ? table.n : 1, sizeof *last);
	int64_t at;
	table.first = ch_strmap_new();
	for (size_t i = 0; i < table.n; i++) {
		struct heading *r = &table.rows[i];
		r->next = -1;
		if (make_key(key, r->text[C_KIND], r->text[C_HEADING]) < 0)
			continue;
		if (ch_strmap_get(table.first, key, &at))
			table.rows[last[at]].next = (long)i;
		else
			ch_strmap_put(table.first, key, at = (int64_t)i);
		last[at] = (long)i;
	}
	free(last);
}

static void parse(void)
{
	static const char *const names[C_COUNT] = {"kind", "field", "heading"};
	const struct ch_embedded_file *f = ch_embedded_find(CH_HEADINGS_FILE);
	ch_csv *csv = NULL;
	ch_csv_row row;
	int col[C_COUNT], rc, header = 1;
	size_t cap = 0;
	if (!f) {
		broken("missing");
		return;
	}
	if (ch_csv_open_mem(&csv, f->data, f->len) != 0) {
		broken(ch_error_message());
		ch_error_clear();
		return;
	}
	while ((rc = ch_csv_next(csv, &row)) == 1) {
		if (header) {
			for (int k = 0; k < C_COUNT; k++) {
				col[k] = -1;
				for (size_t c = 0; c < row.nfields; c++)
					if (strcmp(row.fields[c], names[k]) == 0)
						col[k] = (int)c;
				if (col[k] < 0) {
					broken("no column kind, field or heading");
					goto done;
				}
			}
			header = 0;
			continue;
		}
		if (table.n == cap) {
			cap = cap ? cap * 2 : 128;
			table.rows = ch_reallocarray(table.rows, cap, sizeof *table.rows);
		}
		for (int k = 0; k < C_COUNT; k++)
			table.rows[table.n].text[k] =
			    ch_strdup((size_t)col[k] < row.nfields ? row.fields[col[k]] : "");
		table.n++;
	}
	if (rc < 0) {
		broken(ch_error_message());
		ch_error_clear();
	} else if (header) {
		broken("empty");
	} else {
		index_rows();
	}
done:
	ch_csv_free(csv);
}

int ch_headings_load(void)
{
	pthread_once(&parsed, parse);
	if (table.rc)
		return ch_error_set(table.rc, "%s", table.msg);
	return 0;
}

int ch_headings_find(const char *kind, const char *h, const char *const *keys, size_t nkeys)
{
	char key[KEY_MAX];
	int64_t at;
	pthread_once(&parsed, parse);
	if (table.rc || make_key(key, kind, h) < 0 || !ch_strmap_get(table.first, key, &at))
		return -1;
	for (long i = (long)at; i >= 0; i = table.rows[i].next) {
		const struct heading *r = &table.rows[i];
		for (size_t k = 0; k < nkeys; k++)
			if (strcmp(r->text[C_FIELD], keys[k]) == 0)
				return (int)k;
	}
	return -1;
}
