/*
 * audit — appending to and verifying the hash chain (see audit.h).
 *
 * The hash of entry N is BLAKE2b-256 over, in this order, each field
 * written as its decimal byte length, ':', then its bytes (a NULL field is
 * written as "-"): seq, at, actor, action, object, before, after, prev_hash.
 * The length prefix keeps field boundaries unambiguous. The first entry's
 * prev_hash is 64 zeros. audit_head holds the newest seq and hash.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "core/idcard.h"
#include "core/region.h"
#include "core/user.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

void ch_audit_hash_field(ch_hash *h, const char *s)
{
	char len[24];
	if (!s) {
		ch_hash_update(h, "-", 1);
		return;
	}
	/* "LENGTH:" without snprintf (once a field of every seal, several a
	 * row of a large import): the digits end at len[23], where the ':'
	 * goes in place of their NUL */
	size_t n = strlen(s);
	const char *digits = ch_text_i64(len, (int64_t)n);
	len[23] = ':';
	ch_hash_update(h, digits, (size_t)(len + sizeof len - digits));
	ch_hash_update(h, s, n);
}

static void entry_hash(const ch_audit_entry *e, const char *prev, char out[CH_HASH_HEX_LEN + 1])
{
	char seq[24];
	ch_hash h;
	snprintf(seq, sizeof seq, "%lld", (long long)e->seq);
	ch_hash_init(&h);
	ch_audit_hash_field(&h, seq);
	ch_audit_hash_field(&h, e->at);
	ch_audit_hash_field(&h, e->actor);
	ch_audit_hash_field(&h, e->action);
	ch_audit_hash_field(&h, e->object);
	ch_audit_hash_field(&h, e->before);
	ch_audit_hash_field(&h, e->after);
	ch_audit_hash_field(&h, prev);
	ch_hash_final(&h, out);
}

/* The entry the next one follows: *LAST and PREV (genesis for the first).
 * The first append of a transaction reads audit_head, so that entries cut
 * off the end of the log are seen as a gap; the later ones follow the
 * newest entry the transaction appended (kept in memory, read again after
 * a savepoint's rollback), and audit_head is written once, when it
 * commits. PostgreSQL keeps every version of a row a transaction updates
 * until it ends, and each read of the row walks them: audit_head updated
 * with each entry cost 3.6 ms an entry on average over the 6,000 entries
 * of one import, the time growing with the square of their number
 * (docs/performance.md, "PostgreSQL: the audit head and the shared
 * values"). */
static int head_read(ch_ctx *ctx, int64_t *last, char prev[CH_HASH_HEX_LEN + 1])
{
	ch_store *store = ctx->store;
	ch_stmt *st;
	int rc;
	*last = 0;
	memcpy(prev, genesis, CH_HASH_HEX_LEN + 1);
	if (store->audit_pending && store->audit_serial == ch_db_tx_serial(ctx->db)) {
		/* the entry appended last, known without a statement */
		*last = store->audit_last;
		memcpy(prev, store->audit_hash, CH_HASH_HEX_LEN + 1);
		return 0;
	}
	if (store->audit_pending) {
		/* none when a savepoint's rollback took them all back: then
		 * audit_head, which the sync writes only after them, is as
		 * the transaction found it */
		rc = ch_db_prepare(ctx->db, &st,
		                   "SELECT seq, hash FROM audit_log WHERE seq > ?"
		                   " ORDER BY seq DESC LIMIT 1");
		if (rc)
			return rc;
		if ((rc = ch_stmt_bind_int64(st, 1, store->audit_base)) == 0 &&
		    (rc = ch_stmt_step(st)) == CH_DB_ROW) {
			*last = ch_stmt_int64(st, 0);
			snprintf(prev, CH_HASH_HEX_LEN + 1, "%s", ch_stmt_text(st, 1));
		}
		ch_stmt_finalize(st);
		if (rc != CH_DB_DONE)
			return rc < 0 ? rc : 0;
	}
	if ((rc = ch_db_prepare(ctx->db, &st, "SELECT seq, hash FROM audit_head WHERE id = 1")) !=
	    0)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		*last = ch_stmt_int64(st, 0);
		snprintf(prev, CH_HASH_HEX_LEN + 1, "%s", ch_stmt_text(st, 1));
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_audit_head_sync(ch_ctx *ctx)
{
	ch_store *store = ctx->store;
	if (!store->audit_pending)
		return 0;
	/* the WHERE lets SQLite read ON CONFLICT as the upsert's */
	return ch_db_run(ctx->db,
	                 "INSERT INTO audit_head(id, seq, hash)"
	                 " SELECT 1, seq, hash FROM audit_log WHERE seq > ?"
	                 " ORDER BY seq DESC LIMIT 1"
	                 " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
	                 "i", store->audit_base);
}

void ch_audit_head_forget(ch_store *store)
{
	store->audit_pending = 0;
}

int ch_audit_append(ch_ctx *ctx, const char *action, const char *object, const char *before,
                    const char *after)
{
	char prev[CH_HASH_HEX_LEN + 1], hash[CH_HASH_HEX_LEN + 1], now[32];
	int64_t last = 0;
	int rc;

	if ((rc = head_read(ctx, &last, prev)) != 0)
		return rc;

	ch_now_utc(now, sizeof now);
	/* who acted, and who made them act when an administrator did */
	char actor[300];
	snprintf(actor, sizeof actor, ctx->delegate ? "%s（%s 代为操作）" : "%s",
	         ctx->actor.name ? ctx->actor.name : "cleanheat", ctx->delegate);
	ch_audit_entry e = {.seq = last + 1,
	                    .at = now,
	                    .actor = actor,
	                    .action = action,
	                    .object = object,
	                    .before = before,
	                    .after = after};
	entry_hash(&e, prev, hash);
	rc = ch_db_run(ctx->db,
	               "INSERT INTO audit_log(seq, at, actor, action, object, before, after,"
	               " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               "itttttttt", e.seq, e.at, e.actor, e.action, e.object, e.before, e.after,
	               prev, hash);
	if (rc == 0 && ch_db_tx_depth(ctx->db) > 0) {
		ch_store *store = ctx->store;
		if (!store->audit_pending) {
			store->audit_pending = 1;
			store->audit_base = last;
		}
		store->audit_serial = ch_db_tx_serial(ctx->db);
		store->audit_last = e.seq;
		memcpy(store->audit_hash, hash, sizeof hash);
	} else if (rc == 0) {
		rc = ch_db_run(
		    ctx->db,
		    "INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?)"
		    " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
		    "it", e.seq, hash);
	}
	return rc;
}

int ch_audit_append_json(ch_ctx *ctx, const char *action, const char *object, json_t *after)
{
	char *as = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = ch_audit_append(ctx, action, object, NULL, as);
	free(as);
	json_decref(after);
	return rc;
}

int ch_audit_verify(ch_ctx *ctx, ch_audit_report *rep)
{
	char prev[CH_HASH_HEX_LEN + 1], hash[CH_HASH_HEX_LEN + 1];
	int64_t expect = 1;
	ch_stmt *st;
	int rc;

	memset(rep, 0, sizeof *rep);
	memcpy(prev, genesis, sizeof prev);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_AUDIT)) != 0)
		return rc;
	rc = ch_db_prepare(ctx->db, &st,
	                   "SELECT seq, at, actor, action, object, before, after, prev_hash, hash"
	                   " FROM audit_log ORDER BY seq");
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_audit_entry e = {.seq = ch_stmt_int64(st, 0),
		                    .at = ch_stmt_text(st, 1),
		                    .actor = ch_stmt_text(st, 2),
		                    .action = ch_stmt_text(st, 3),
		                    .object = ch_stmt_text(st, 4),
		                    .before = ch_stmt_text(st, 5),
		                    .after = ch_stmt_text(st, 6),
		                    .hash = ch_stmt_text(st, 8)};
		const char *stored_prev = ch_stmt_text(st, 7);
		if (e.seq != expect) {
			rep->bad_seq = expect;
			snprintf(rep->problem, sizeof rep->problem,
			         "entry %lld is missing (deleted); the next entry is %lld",
			         (long long)expect, (long long)e.seq);
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			rep->bad_seq = e.seq;
			snprintf(rep->problem, sizeof rep->problem,
			         "entry %lld does not follow entry %lld: an entry was deleted, "
			         "replaced or reordered here",
			         (long long)e.seq, (long long)e.seq - 1);
			break;
		}
		entry_hash(&e, prev, hash);
		if (!e.hash || strcmp(hash, e.hash) != 0) {
			rep->bad_seq = e.seq;
			snprintf(
			    rep->problem, sizeof rep->problem,
			    "entry %lld (%s %s by %s at %s) was edited: its hash does not match "
			    "its contents",
			    (long long)e.seq, e.action ? e.action : "?", e.object ? e.object : "?",
			    e.actor ? e.actor : "?", e.at ? e.at : "?");
			break;
		}
		memcpy(prev, hash, sizeof prev);
		rep->entries++;
		expect++;
	}
	ch_stmt_finalize(st);
	if (rc < 0)
		return rc;
	if (rep->bad_seq == 0 && rep->entries == 0) {
		rep->bad_seq = 1;
		snprintf(rep->problem, sizeof rep->problem,
		         "the log is empty, but every database starts with the entry creating its "
		         "first user: entries were deleted");
	}
	if (rep->bad_seq == 0) {
		int64_t head_seq = 0;
		char *head_hash = NULL;
		if (ch_audit_head_sync(ctx) == 0 &&
		    ch_db_query_int64(ctx->db, &head_seq, "SELECT seq FROM audit_head WHERE id = 1",
		                      NULL) == 0)
			ch_db_query_text(ctx->db, &head_hash,
			                 "SELECT hash FROM audit_head WHERE id = 1", NULL);
		if (head_seq != expect - 1 || (head_hash && strcmp(head_hash, prev) != 0)) {
			rep->bad_seq = expect;
			snprintf(rep->problem, sizeof rep->problem,
			         "the log ends at entry %lld but its head records entry %lld: "
			         "entries at the end were deleted or replaced",
			         (long long)expect - 1, (long long)head_seq);
		}
		free(head_hash);
	}
	ch_error_clear();
	if (rep->bad_seq)
		return ch_error_set(CH_EINVALID, "audit log: %s", rep->problem);
	return 0;
}

/* Masks, in place, every "id_number", "phone" and "bank_account" string in
 * J. Returns 1 when something was masked. */
static int mask_personal(json_t *j)
{
	int changed = 0;
	if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) changed |= mask_personal(v);
	} else if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v)
		{
			char m[64];
			if (json_is_string(v) && strcmp(k, "id_number") == 0) {
				ch_idcard_mask(json_string_value(v), m, sizeof m);
			} else if (json_is_string(v) && strcmp(k, "phone") == 0) {
				ch_phone_mask(json_string_value(v), m, sizeof m);
			} else if (json_is_string(v) && strcmp(k, "bank_account") == 0) {
				ch_account_mask(json_string_value(v), m, sizeof m);
			} else {
				changed |= mask_personal(v);
				continue;
			}
			json_string_set(v, m);
			changed = 1;
		}
	}
	return changed;
}

/* TEXT with personal numbers masked: a new string, or NULL when TEXT has
 * none (or is not JSON). */
static char *masked_copy(const char *text)
{
	if (!text)
		return NULL;
	json_t *j = json_loads(text, 0, NULL);
	char *out = NULL;
	if (j && mask_personal(j))
		out = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return out;
}

int ch_audit_each(ch_ctx *ctx, const char *prefix, int64_t limit,
                  int (*fn)(const ch_audit_entry *e, void *arg), void *arg)
{
	ch_audit_filter f = {.object_prefix = prefix, .limit = limit};
	return ch_audit_each_about(ctx, &f, fn, arg);
}

/* "\"KEY\":VALUE" as compact JSON writes it, for finding a key's value in
 * an entry's JSON text (the log's JSON is always compact). */
static char *json_member(const char *key, const char *value)
{
	json_t *v = json_string(value);
	char *vs = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	size_t n = strlen(key) + strlen(vs) + 4;
	char *out = ch_malloc(n);
	snprintf(out, n, "\"%s\":%s", key, vs);
	free(vs);
	json_decref(v);
	return out;
}

int ch_audit_each_about(ch_ctx *ctx, const ch_audit_filter *f,
                        int (*fn)(const ch_audit_entry *e, void *arg), void *arg)
{
	ch_stmt *st;
	ch_region c = {0};
	char *county_key = NULL, *hh_key = NULL, object[300] = "";
	int rc;
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_AUDIT)) != 0)
		return rc;
	if (f->household && !f->county)
		return ch_error_set_field(CH_EUSAGE, "county", "按户编号查找时须同时指定县市");
	if (f->county) {
		if ((rc = ch_region_find(ctx, f->county, CH_LEVEL_COUNTY, 0, &c)) != 0)
			return ch_error_mark_field("county");
		county_key = json_member("county", c.code);
		if (f->household) {
			hh_key = json_member("household", f->household);
			snprintf(object, sizeof object, "household:%s/%s", c.code, f->household);
		} else {
			snprintf(object, sizeof object, "household:%s/", c.code);
		}
	}
	/* about the county (household): its objects, or JSON naming it */
	const char *instr = ch_db_fn(ctx->db, CH_DB_FN_INSTR);
	ch_buf sql;
	ch_buf_init(&sql);
	ch_buf_printf(&sql,
	              "SELECT seq, at, actor, action, object, before, after, hash FROM audit_log"
	              " WHERE (?1 IS NULL OR substr(object, 1, length(?1)) = ?1)"
	              /* seals are the program's bookkeeping: listed when asked for */
	              " AND (?1 IS NOT NULL OR action <> 'audit.seal')"
	              " AND (?2 IS NULL OR (?4 IS NULL AND substr(object, 1, length(?3)) = ?3)"
	              "  OR (?4 IS NOT NULL AND object = ?3)"
	              "  OR (%s(coalesce(after, before, ''), ?2) > 0"
	              "   AND (?4 IS NULL OR %s(coalesce(after, before, ''), ?4) > 0)))"
	              " ORDER BY seq DESC LIMIT ?5",
	              instr, instr);
	/* no limit: the largest (LIMIT -1 is SQLite's alone) */
	rc = ch_db_preparef(ctx->db, &st, sql.ptr, "tttti", f->object_prefix, county_key, object,
	                    hh_key, f->limit > 0 ? f->limit : INT64_MAX);
	ch_buf_dispose(&sql);
	free(county_key);
	free(hh_key);
	ch_region_dispose(&c);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_audit_entry e = {.seq = ch_stmt_int64(st, 0),
		                    .at = ch_stmt_text(st, 1),
		                    .actor = ch_stmt_text(st, 2),
		                    .action = ch_stmt_text(st, 3),
		                    .object = ch_stmt_text(st, 4),
		                    .before = ch_stmt_text(st, 5),
		                    .after = ch_stmt_text(st, 6),
		                    .hash = ch_stmt_text(st, 7)};
		/* the log keeps personal numbers; only those allowed see them */
		char *mb = NULL, *ma = NULL;
		if (!ch_role_allows(ctx->actor.role, CH_PERM_REVEAL)) {
			if ((mb = masked_copy(e.before)) != NULL)
				e.before = mb;
			if ((ma = masked_copy(e.after)) != NULL)
				e.after = ma;
		}
		rc = fn(&e, arg);
		free(mb);
		free(ma);
		if (rc)
			break;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int ch_audit_version(ch_ctx *ctx, int64_t *seq)
{
	*seq = 0;
	int rc = ch_audit_head_sync(ctx);
	if (rc == 0)
		rc = ch_db_query_int64(ctx->db, seq, "SELECT seq FROM audit_head WHERE id = 1",
		                       NULL);
	if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		rc = 0;
	}
	return rc;
}

void ch_audit_household_object(ch_ctx *ctx, int64_t id, char *out, size_t outsz)
{
	char *code = NULL, *hh = NULL;
	if (ch_db_query_text(ctx->db, &code,
	                     "SELECT r.code FROM household h JOIN region r ON r.id = h.county_id"
	                     " WHERE h.id = ?",
	                     "i", id) == 0 &&
	    ch_db_query_text(ctx->db, &hh, "SELECT hh_no FROM household WHERE id = ?", "i", id) ==
	        0) {
		snprintf(out, outsz, "household:%s/%s", code, hh);
	} else {
		ch_error_clear();
		snprintf(out, outsz, "household-id:%" PRId64, id);
	}
	free(code);
	free(hh);
}
