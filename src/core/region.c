/*
 * region — lookups, scope checks and additions to the region tree
 * (see region.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/text.h"

#define REGION_COLS                                                                                \
	"r.id, r.code, r.name, r.level, r.parent_id, r.status, r.note, r.children_loaded"

void ch_region_dispose(ch_region *r)
{
	free(r->code);
	free(r->name);
	free(r->note);
	memset(r, 0, sizeof *r);
}

static void read_region(ch_stmt *st, ch_region *r)
{
	r->id = ch_stmt_int64(st, 0);
	r->code = ch_strdup(ch_stmt_text(st, 1));
	r->name = ch_strdup(ch_stmt_text(st, 2));
	r->level = (enum ch_region_level)ch_stmt_int64(st, 3);
	r->parent_id = ch_stmt_is_null(st, 4) ? 0 : ch_stmt_int64(st, 4);
	r->obsolete = strcmp(ch_stmt_text(st, 5), "obsolete") == 0;
	r->note = ch_strdup(ch_stmt_text(st, 6));
	r->children_loaded = (int)ch_stmt_int64(st, 7);
}

/* Runs a lookup that binds (text, level, level, parent, parent); returns 0
 * with the single match in *OUT, CH_ENOTFOUND, or CH_ECONFLICT for several. */
static int find_one(ch_ctx *ctx, const char *sql, const char *text, int level, int64_t parent,
                    ch_region *out)
{
	ch_stmt *st;
	int rc = ch_db_preparef(ctx->db, &st, sql, "tiiii", text, (int64_t)level, (int64_t)level,
	                        parent, parent);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (n++ == 0)
			read_region(st, out);
	}
	ch_stmt_finalize(st);
	if (rc < 0)
		return rc;
	if (n == 0)
		return CH_ENOTFOUND;
	if (n > 1) {
		ch_region_dispose(out);
		return ch_error_set(CH_ECONFLICT, "“%s”对应 %d 个地方，请同时写明上级地名", text,
		                    n);
	}
	return 0;
}

#define LEVEL_PARENT_FILTER " AND (? = 0 OR r.level = ?) AND (? = 0 OR r.parent_id = ?)"

int ch_region_find(ch_ctx *ctx, const char *text, int level, int64_t parent_id, ch_region *out)
{
	static const char *const queries[] = {
	    "SELECT " REGION_COLS " FROM region r WHERE r.code = ?" LEVEL_PARENT_FILTER,
	    "SELECT " REGION_COLS " FROM region r WHERE r.name = ?" LEVEL_PARENT_FILTER,
	    "SELECT " REGION_COLS " FROM region r JOIN region_alias a ON a.region_id = r.id"
	    " WHERE a.alias = ?" LEVEL_PARENT_FILTER,
	};
	char *norm = ch_text_normalize(text);
	int rc = CH_ENOTFOUND;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sizeof queries / sizeof queries[0] && rc == CH_ENOTFOUND; i++)
		rc = find_one(ctx, queries[i], norm, level, parent_id, out);
	if (rc == CH_ENOTFOUND)
		ch_error_set(CH_ENOTFOUND, "没有名为“%s”的%s", norm,
		             level == CH_LEVEL_COUNTY ? "县市" : "地方");
	free(norm);
	return rc;
}

int ch_region_get(ch_ctx *ctx, int64_t id, ch_region *out)
{
	ch_stmt *st;
	memset(out, 0, sizeof *out);
	int rc = ch_db_preparef(ctx->db, &st, "SELECT " REGION_COLS " FROM region r WHERE r.id = ?",
	                        "i", id);
	if (rc)
		return rc;
	rc = ch_stmt_step(st);
	if (rc == CH_DB_ROW) {
		read_region(st, out);
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_ENOTFOUND, "no region with id %lld", (long long)id);
	}
	ch_stmt_finalize(st);
	return rc;
}

int ch_region_root(ch_ctx *ctx, ch_region *out)
{
	int64_t id;
	memset(out, 0, sizeof *out);
	if (ch_db_query_int64(ctx->db, &id,
	                      "SELECT min(id) FROM region WHERE level = 1 AND status = 'active'",
	                      NULL) != 0)
		return ch_error_set(CH_ENOTFOUND, "no prefecture in the region table");
	return ch_region_get(ctx, id, out);
}

int ch_region_closest_children(ch_ctx *ctx, int64_t parent_id, const char *name, int max, size_t *n,
                               char *out, size_t outsz)
{
	enum { KEEP = 5 };
	struct {
		size_t d;
		char *name;
	} best[KEEP] = {{0}};
	int nbest = 0, rc;
	ch_stmt *st;
	*n = 0;
	if (max > KEEP)
		max = KEEP;
	if ((rc = ch_db_preparef(
	         ctx->db, &st, "SELECT name FROM region WHERE parent_id = ? AND status = 'active'",
	         "i", parent_id)) != 0)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		const char *c = ch_stmt_text(st, 0);
		size_t d = ch_text_distance(name, c);
		int at = nbest;
		(*n)++;
		while (at > 0 && best[at - 1].d > d)
			at--;
		if (at >= max)
			continue;
		if (nbest == max)
			free(best[--nbest].name);
		memmove(&best[at + 1], &best[at], (size_t)(nbest - at) * sizeof best[0]);
		best[at].d = d;
		best[at].name = ch_strdup(c);
		nbest++;
	}
	ch_stmt_finalize(st);
	if (out && outsz) {
		size_t used = 0;
		out[0] = '\0';
		for (int i = 0; i < nbest && used < outsz; i++)
			used += (size_t)snprintf(out + used, outsz - used, "%s「%s」",
			                         i ? "、" : "", best[i].name);
	}
	for (int i = 0; i < nbest; i++)
		free(best[i].name);
	return rc == CH_DB_DONE ? 0 : rc;
}

int ch_region_within(ch_ctx *ctx, int64_t region_id, int64_t ancestor_id)
{
	/* the tree is four levels deep: walk up at most that far */
	for (int depth = 0; depth < 5 && region_id; depth++) {
		if (region_id == ancestor_id)
			return 1;
		int64_t parent = 0;
		if (ch_db_query_int64(ctx->db, &parent, "SELECT parent_id FROM region WHERE id = ?",
		                      "i", region_id) != 0)
			return 0;
		region_id = parent;
	}
	ch_error_clear();
	return 0;
}

int ch_region_short_names(const char *name, char **out, int max)
{
	/* longest suffixes first; each gives "stem" + short suffix and "stem" */
	static const struct {
		const char *suffix, *short_form;
	} rules[] = {
	    {"哈萨克自治县", "县"}, {"回族自治县", "县"}, {"自治县", "县"},
	    {"回族自治州", "州"},   {"自治州", "州"},     {"市", NULL},
	    {"县", NULL},           {"镇", NULL},         {"乡", NULL},
	};
	int n = 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		if (!ch_str_ends(name, rules[i].suffix))
			continue;
		size_t stem = strlen(name) - strlen(rules[i].suffix);
		if (stem < 6) /* keep at least two CJK characters */
			break;
		if (rules[i].short_form && n < max) {
			char *s = ch_malloc(stem + strlen(rules[i].short_form) + 1);
			memcpy(s, name, stem);
			strcpy(s + stem, rules[i].short_form);
			out[n++] = s;
		}
		/* 昌吉 alone is the city, not the prefecture: no bare stem for 州 */
		if (n < max && !ch_str_ends(rules[i].suffix, "州"))
			out[n++] = ch_strndup(name, stem);
		break;
	}
	return n;
}

/* Adds ALIAS for REGION_ID. A derived short name yields to one already
 * there; an alias listed in the reference file (EXPLICIT) takes it over. */
static int add_alias(ch_ctx *ctx, const char *alias, int64_t region_id, int explicit)
{
	char *norm = ch_text_normalize(alias);
	int rc =
	    ch_db_run(ctx->db,
	              explicit ? "INSERT INTO region_alias(alias, region_id) VALUES (?, ?)"
	                         " ON CONFLICT(alias) DO UPDATE SET region_id = excluded.region_id"
	                       : "INSERT INTO region_alias(alias, region_id) VALUES (?, ?)"
	                         " ON CONFLICT(alias) DO NOTHING",
	              "ti", norm, region_id);
	free(norm);
	return rc;
}

static int upsert_reference(ch_ctx *ctx, const ch_region_ref *ref)
{
	int64_t parent = 0, id = 0;
	int rc;
	if (ref->parent_code && *ref->parent_code &&
	    (rc = ch_db_query_int64(ctx->db, &parent, "SELECT id FROM region WHERE code = ?", "t",
	                            ref->parent_code)) != 0)
		return ch_error_set(CH_EINVALID, "region %s: parent %s is not defined before it",
		                    ref->code, ref->parent_code);
	const char *status = ref->status && *ref->status ? ref->status : "active";
	rc = ch_db_run(ctx->db,
	               "INSERT INTO region(code, name, level, parent_id, status, note)"
	               " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET"
	               " name = excluded.name, level = excluded.level,"
	               " parent_id = excluded.parent_id, status = excluded.status,"
	               " note = excluded.note",
	               "ttiItt", ref->code, ref->name, (int64_t)ref->level, parent, status,
	               ref->note && *ref->note ? ref->note : NULL);
	if (rc)
		return rc;
	if ((rc = ch_db_query_int64(ctx->db, &id, "SELECT id FROM region WHERE code = ?", "t",
	                            ref->code)) != 0)
		return rc;
	/* aliases: the listed ones, then the derived short names */
	if (ref->aliases && *ref->aliases) {
		char *list = ch_strdup(ref->aliases), *save = NULL;
		for (char *a = strtok_r(list, "|", &save); a && rc == 0;
		     a = strtok_r(NULL, "|", &save))
			rc = add_alias(ctx, a, id, 1);
		free(list);
	}
	char *shorts[4];
	int n = ch_region_short_names(ref->name, shorts, 4);
	for (int i = 0; i < n; i++) {
		if (rc == 0 && strcmp(status, "active") == 0)
			rc = add_alias(ctx, shorts[i], id, 0);
		free(shorts[i]);
	}
	return rc;
}

int ch_region_load_reference(ch_ctx *ctx, const ch_region_ref *refs, int n)
{
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = upsert_reference(ctx, &refs[i]);
	return rc;
}

int ch_region_add_child(ch_ctx *ctx, int64_t parent_id, const char *name, const char *code,
                        int64_t *id, int *added)
{
	ch_region parent = {0}, existing = {0};
	int rc;
	*added = 0;
	if ((rc = ch_region_get(ctx, parent_id, &parent)) != 0)
		return rc;
	if (parent.level != CH_LEVEL_COUNTY && parent.level != CH_LEVEL_TOWNSHIP) {
		rc = ch_error_set(CH_EINVALID, "%s 不是县市或乡镇", parent.name);
		goto done;
	}
	if ((rc = ch_ctx_require(ctx, CH_PERM_REGION_WRITE, parent_id)) != 0)
		goto done;
	rc = ch_region_find(ctx, name, parent.level + 1, parent_id, &existing);
	if (rc == 0) {
		*id = existing.id;
		if (code && *code && existing.code && strcmp(code, existing.code) != 0)
			rc = ch_error_set(CH_ECONFLICT, "%s%s 的代码是 %s，不是 %s", parent.name,
			                  name, existing.code, code);
		goto done;
	}
	if (rc != CH_ENOTFOUND)
		goto done;
	rc = ch_db_run(
	    ctx->db, "INSERT INTO region(code, name, level, parent_id) VALUES (?, ?, ?, ?)", "ttii",
	    code && *code ? code : NULL, name, (int64_t)parent.level + 1, parent_id);
	if (rc == CH_ECONFLICT)
		ch_error_prefix("%s%s（代码 %s）：", parent.name, name, code ? code : "-");
	if (rc == 0) {
		*id = ch_db_last_id(ctx->db);
		*added = 1;
	}
done:
	ch_region_dispose(&parent);
	ch_region_dispose(&existing);
	return rc;
}

int ch_region_mark_children_loaded(ch_ctx *ctx, int64_t parent_id)
{
	int rc = ch_ctx_require(ctx, CH_PERM_REGION_WRITE, parent_id);
	if (rc)
		return rc;
	return ch_db_run(ctx->db, "UPDATE region SET children_loaded = 1 WHERE id = ?", "i",
	                 parent_id);
}

static int each_under(ch_ctx *ctx, int64_t parent, int depth, int with_obsolete,
                      int (*fn)(const ch_region *r, int depth, void *arg), void *arg)
{
	ch_stmt *st;
	int rc = ch_db_preparef(ctx->db, &st,
	                        "SELECT " REGION_COLS " FROM region r WHERE"
	                        " (r.parent_id = ? OR (? = 0 AND r.parent_id IS NULL))"
	                        " AND (? <> 0 OR r.status = 'active')"
	                        " ORDER BY r.code IS NULL, r.code, r.name",
	                        "iii", parent, parent, (int64_t)with_obsolete);
	if (rc)
		return rc;
	/* collect first: recursing while a statement is open is fine in SQLite,
	 * but not on every driver */
	ch_region *list = NULL;
	size_t n = 0, cap = 0;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			list = ch_reallocarray(list, cap, sizeof *list);
		}
		read_region(st, &list[n++]);
	}
	ch_stmt_finalize(st);
	rc = rc < 0 ? rc : 0;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = fn(&list[i], depth, arg);
		if (rc == 0)
			rc = each_under(ctx, list[i].id, depth + 1, with_obsolete, fn, arg);
		ch_region_dispose(&list[i]);
	}
	free(list);
	return rc;
}

int ch_region_each(ch_ctx *ctx, int64_t root_id, int with_obsolete,
                   int (*fn)(const ch_region *r, int depth, void *arg), void *arg)
{
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	if (rc)
		return rc;
	if (root_id) {
		ch_region root;
		if ((rc = ch_region_get(ctx, root_id, &root)) != 0)
			return rc;
		rc = fn(&root, 0, arg);
		ch_region_dispose(&root);
		return rc ? rc : each_under(ctx, root_id, 1, with_obsolete, fn, arg);
	}
	return each_under(ctx, 0, 0, with_obsolete, fn, arg);
}
