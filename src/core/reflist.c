/*
 * reflist — storing and looking up reference lists (see reflist.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_int.h"
#include "core/reflist.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/text.h"

/* Two strings: (alias, key) in aliases[], (key, name) in names[]. */
struct pair {
	char *first, *second;
};

struct ch_reflist {
	struct pair *aliases; /* (alias, key), sorted by alias */
	size_t n;
	struct pair *names; /* (key, name), in key order */
	size_t nnames;
};

int ch_ref_store_list(ch_ctx *ctx, const char *list, const ch_ref_item *items, size_t n)
{
	int rc = ch_db_run(ctx->db, "DELETE FROM ref_alias WHERE list = ?", "t", list);
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM ref_item WHERE list = ?", "t", list);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = ch_db_run(ctx->db, "INSERT INTO ref_item(list, key, name) VALUES (?, ?, ?)",
		               "ttt", list, items[i].key, items[i].name);
		char *all = ch_malloc(strlen(items[i].name) + strlen(items[i].aliases) + 2);
		strcpy(all, items[i].name);
		strcat(all, "|");
		strcat(all, items[i].aliases);
		char *save = NULL;
		for (char *a = strtok_r(all, "|", &save); a && rc == 0;
		     a = strtok_r(NULL, "|", &save)) {
			char *norm = ch_text_normalize(a);
			if (*norm)
				rc = ch_db_run(
				    ctx->db,
				    "INSERT INTO ref_alias(list, alias, key) VALUES (?, ?, ?)"
				    " ON CONFLICT(list, alias) DO NOTHING",
				    "ttt", list, norm, items[i].key);
			free(norm);
		}
		free(all);
	}
	return rc;
}

int ch_ref_store_limit(ch_ctx *ctx, const char *field, int64_t min, int64_t max)
{
	return ch_db_run(ctx->db,
	                 "INSERT INTO ref_limit(field, min_value, max_value) VALUES (?, ?, ?)"
	                 " ON CONFLICT(field) DO UPDATE SET min_value = excluded.min_value,"
	                 " max_value = excluded.max_value",
	                 "tii", field, min, max);
}

static int cmp_alias(const void *a, const void *b)
{
	return strcmp(((const struct pair *)a)->first, ((const struct pair *)b)->first);
}

static int read_pairs(ch_ctx *ctx, const char *sql, const char *list, struct pair **out, size_t *n)
{
	ch_stmt *st;
	size_t cap = 0;
	int rc = ch_db_preparef(ctx->db, &st, sql, "t", list);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = ch_reallocarray(*out, cap, sizeof **out);
		}
		(*out)[*n].first = ch_strdup(ch_stmt_text(st, 0));
		(*out)[*n].second = ch_strdup(ch_stmt_text(st, 1));
		(*n)++;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_reflist_load(ch_ctx *ctx, const char *list, ch_reflist **out)
{
	ch_reflist *l = ch_calloc(1, sizeof *l);
	int rc = read_pairs(ctx, "SELECT alias, key FROM ref_alias WHERE list = ?", list,
	                    &l->aliases, &l->n);
	if (rc == 0)
		rc = read_pairs(ctx, "SELECT key, name FROM ref_item WHERE list = ? ORDER BY key",
		                list, &l->names, &l->nnames);
	if (rc) {
		ch_reflist_free(l);
		return rc;
	}
	if (l->n)
		qsort(l->aliases, l->n, sizeof *l->aliases, cmp_alias);
	*out = l;
	return 0;
}

void ch_reflist_free(ch_reflist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->aliases[i].first);
		free(l->aliases[i].second);
	}
	for (size_t i = 0; i < l->nnames; i++) {
		free(l->names[i].first);
		free(l->names[i].second);
	}
	free(l->aliases);
	free(l->names);
	free(l);
}

const char *ch_reflist_find(const ch_reflist *l, const char *text)
{
	char *norm = ch_text_normalize(text);
	struct pair k = {norm, NULL};
	const struct pair *hit =
	    l->n ? bsearch(&k, l->aliases, l->n, sizeof *l->aliases, cmp_alias) : NULL;
	free(norm);
	return hit ? hit->second : NULL;
}

const char *ch_reflist_name(const ch_reflist *l, const char *key)
{
	for (size_t i = 0; i < l->nnames; i++)
		if (strcmp(l->names[i].first, key) == 0)
			return l->names[i].second;
	return key;
}

char *ch_reflist_names(const ch_reflist *l)
{
	ch_buf b;
	ch_buf_init(&b);
	for (size_t i = 0; i < l->nnames; i++)
		ch_buf_printf(&b, "%s%s", i ? "、" : "", l->names[i].second);
	return ch_buf_detach(&b);
}

int ch_ref_limit(ch_ctx *ctx, const char *field, int64_t *min, int64_t *max)
{
	int rc = ch_db_query_int64(ctx->db, min, "SELECT min_value FROM ref_limit WHERE field = ?",
	                           "t", field);
	if (rc == 0)
		rc = ch_db_query_int64(
		    ctx->db, max, "SELECT max_value FROM ref_limit WHERE field = ?", "t", field);
	if (rc == CH_ENOTFOUND)
		ch_error_set(CH_ENOTFOUND, "no limits for %s", field);
	return rc;
}

int64_t ch_ref_text_max(ch_ctx *ctx, const char *field)
{
	int64_t min, max;
	if (ch_ref_limit(ctx, field, &min, &max) != 0) {
		ch_error_clear();
		return 0;
	}
	return max > 0 ? max : 0;
}

int ch_ref_text_over(const char *label, const char *text, int64_t max, char *why, size_t whysz)
{
	if (!text || max <= 0)
		return 0;
	/* a character is a byte or more: no counting for a text within the
	 * limit in bytes (most cells, checked for every row of an import) */
	size_t bytes = strlen(text);
	if (bytes <= (uint64_t)max)
		return 0;
	size_t n = ch_utf8_count(text, bytes);
	if (n <= (uint64_t)max)
		return 0;
	snprintf(why, whysz, "%s有 %zu 个字符，超过 %" PRId64 " 个字符的上限", label, n, max);
	return 1;
}

int ch_ref_text_check(ch_ctx *ctx, const char *key, const char *label, const char *param,
                      const char *text)
{
	char why[256];
	if (!text || !ch_ref_text_over(label, text, ch_ref_text_max(ctx, key), why, sizeof why))
		return 0;
	return ch_error_set_field(CH_EINVALID, param, "%s", why);
}

char *ch_ref_text_start(const char *text)
{
	enum { SHOWN = 20 }; /* characters */
	size_t i = 0;
	for (int n = 0; text[i] && n < SHOWN; n++)
		for (i++; ((unsigned char)text[i] & 0xC0) == 0x80; i++)
			;
	if (!text[i])
		return ch_strdup(text);
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_put(&b, text, i);
	ch_buf_puts(&b, "…");
	return ch_buf_detach(&b);
}
