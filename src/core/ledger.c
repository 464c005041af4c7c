/*
 * ledger — transfers, accounts and the ledger check (see ledger.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ctx_int.h"
#include "core/ledger.h"
#include "core/region.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/money.h"
#include "util/text.h"

/* Account ids by code, learnt within one write transaction and forgotten
 * when another begins (keyed by ch_db_tx_serial, unique in the process),
 * so that an account created by a transaction rolled back is never used
 * after it. Per thread: each thread has its own connection. */
#define ACCOUNT_CACHE 64 /* slots, a power of two; emptied when 3/4 full */
static _Thread_local struct {
	int64_t serial;
	size_t used;
	struct {
		char code[96];
		int64_t id;
	} slot[ACCOUNT_CACHE];
} account_cache;

/* The slot of CODE in the cache of transaction SERIAL (the cache emptied
 * first when it belongs to another, or is nearly full); *FOUND is 1 when
 * CODE is there, else the slot is the free one to keep it in. */
static size_t cache_slot(int64_t serial, const char *code, int *found)
{
	uint32_t h = 2166136261u;
	size_t i;
	*found = 0;
	if (account_cache.serial != serial || account_cache.used >= ACCOUNT_CACHE * 3 / 4) {
		memset(&account_cache, 0, sizeof account_cache);
		account_cache.serial = serial;
	}
	for (const char *s = code; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	for (i = h & (ACCOUNT_CACHE - 1); account_cache.slot[i].code[0];
	     i = (i + 1) & (ACCOUNT_CACHE - 1))
		if (strcmp(account_cache.slot[i].code, code) == 0) {
			*found = 1;
			break;
		}
	return i;
}

static int account_create(ch_ctx *ctx, const char *code, int64_t *id);

/* The account for CODE, created on first use; inside a write transaction
 * remembered until it ends. */
static int account_id(ch_ctx *ctx, const char *code, int64_t *id)
{
	int64_t serial = ch_db_tx_serial(ctx->db);
	int found = 0, rc;
	size_t slot = 0;
	int keep = serial != 0 && strlen(code) < sizeof account_cache.slot[0].code;
	if (keep) {
		slot = cache_slot(serial, code, &found);
		if (found) {
			*id = account_cache.slot[slot].id;
			return 0;
		}
	}
	rc = ch_db_query_int64(ctx->db, id, "SELECT id FROM account WHERE code = ?", "t", code);
	if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		rc = account_create(ctx, code, id);
	}
	if (rc == 0 && keep) {
		strcpy(account_cache.slot[slot].code, code);
		account_cache.slot[slot].id = *id;
		account_cache.used++;
	}
	return rc;
}

/* A new account for CODE (checked: its kind, county or household, source). */
static int account_create(ch_ctx *ctx, const char *code, int64_t *id)
{
	char kind[16], a[64], b[64], c[64];
	int64_t region = 0, household = 0, n;
	int rc;
	a[0] = b[0] = c[0] = '\0';
	int f = sscanf(code, "%15[^:]:%63[^:]:%63[^:]:%63[^\n]", kind, a, b, c);
	const char *source = NULL, *category = NULL, *k = NULL;
	if (f == 2 && strcmp(kind, "origin") == 0) {
		k = "origin", source = a;
	} else if (f == 2 && strcmp(kind, "pref") == 0) {
		k = "prefecture", source = a;
		ch_db_query_int64(
		    ctx->db, &region,
		    "SELECT min(id) FROM region WHERE level = 1 AND status = 'active'", NULL);
	} else if (f == 3 && strcmp(kind, "county") == 0) {
		k = "county", source = b;
		if (ch_db_query_int64(ctx->db, &region,
		                      "SELECT id FROM region WHERE code = ? AND level = 2", "t",
		                      a) != 0)
			return ch_error_set(CH_EINVALID, "account %s: no county %s", code, a);
	} else if (f == 3 && (strcmp(kind, "payable") == 0 || strcmp(kind, "transit") == 0 ||
	                      strcmp(kind, "paid") == 0)) {
		k = kind, source = b;
		household = strtoll(a, NULL, 10);
		if (ch_db_query_int64(ctx->db, &region,
		                      "SELECT county_id FROM household WHERE id = ?", "i",
		                      household) != 0)
			return ch_error_set(CH_EINVALID, "account %s: no household %s", code, a);
	} else if (f == 4 && strcmp(kind, "spent") == 0) {
		k = "spent", source = b, category = c;
		if (ch_db_query_int64(ctx->db, &region,
		                      "SELECT id FROM region WHERE code = ? AND level = 2", "t",
		                      a) != 0)
			return ch_error_set(CH_EINVALID, "account %s: no county %s", code, a);
	} else {
		return ch_error_set(CH_EINVALID, "'%s' is not an account code", code);
	}
	if (ch_db_query_int64(ctx->db, &n, "SELECT 1 FROM fund_source WHERE key = ?", "t",
	                      source) != 0)
		return ch_error_set(CH_EINVALID, "account %s: no fund source '%s'", code, source);
	rc = ch_db_run(ctx->db,
	               "INSERT INTO account(code, kind, source, region_id, household_id, category)"
	               " VALUES (?, ?, ?, ?, ?, ?)",
	               "tttIIt", code, k, source, region, household, category);
	if (rc == 0)
		*id = ch_db_last_id(ctx->db);
	return rc;
}

/* The account CODE in words, for people: "昌吉市 中央资金 专户". */
static void account_words(ch_ctx *ctx, const char *code, char *out, size_t outsz)
{
	char kind[16], a[64], b[64];
	char *where = NULL, *source = NULL;
	a[0] = b[0] = '\0';
	int f = sscanf(code, "%15[^:]:%63[^:]:%63[^:]", kind, a, b);
	const char *src = f >= 3 ? b : a, *what = "账户";
	if (strcmp(kind, "pref") == 0) {
		where = ch_strdup("州级");
	} else if (strcmp(kind, "county") == 0 || strcmp(kind, "spent") == 0) {
		ch_db_query_text(ctx->db, &where, "SELECT name FROM region WHERE code = ?", "t", a);
		what = strcmp(kind, "county") == 0 ? "专户" : "支出账户";
	} else if (f >= 3) { /* a household's payable, transit or paid money */
		ch_db_query_text(ctx->db, &where,
		                 "SELECT r.name || ' ' || h.hh_no FROM household h JOIN region r"
		                 " ON r.id = h.county_id WHERE h.id = ?",
		                 "i", (int64_t)strtoll(a, NULL, 10));
		what = strcmp(kind, "payable") == 0   ? "待发放账户"
		       : strcmp(kind, "transit") == 0 ? "在途账户"
		                                      : "已发放账户";
	}
	ch_db_query_text(ctx->db, &source, "SELECT name FROM fund_source WHERE key = ?", "t", src);
	ch_error_clear();
	snprintf(out, outsz, "%s%s%s %s", where ? where : "", where ? " " : "",
	         source ? source : src, what);
	free(where);
	free(source);
}

/* Every account P takes money out of holds enough (origins may go below
 * zero): else CH_EINVALID naming the account, its balance and the amount
 * asked, instead of the database's bare CHECK message. */
static int enough_money(ch_ctx *ctx, const ch_posting *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t bal = 0;
		char words[256], b[32], want[32], gap[32];
		if (p[i].amount >= 0 || ch_str_starts(p[i].account, "origin:"))
			continue;
		int rc = ch_ledger_balance(ctx, p[i].account, &bal);
		if (rc)
			return rc;
		if (bal + p[i].amount >= 0)
			continue;
		account_words(ctx, p[i].account, words, sizeof words);
		return ch_error_set(CH_EINVALID, "%s余额 %s 元，不足以转出 %s 元（差 %s 元）",
		                    words, ch_money_format(bal, b, sizeof b),
		                    ch_money_format(-p[i].amount, want, sizeof want),
		                    ch_money_format(-(bal + p[i].amount), gap, sizeof gap));
	}
	return 0;
}

static int cmp_posting(const void *x, const void *y)
{
	return strcmp(((const ch_posting *)x)->account, ((const ch_posting *)y)->account);
}

/* Appends V in decimal, as "%" PRId64 would. */
static void put_int64(ch_buf *b, int64_t v)
{
	char t[24];
	size_t i = sizeof t;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		t[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		t[--i] = '-';
	ch_buf_put(b, t + i, sizeof t - i);
}

/* The hash a transfer's content is stored with, which a replay of its key
 * is compared with: "KIND|DAY|MEMO|HOUSEHOLD|REVERSES|" and then
 * "ACCOUNT=AMOUNT;" for each posting in the order of the accounts, byte
 * for byte as every earlier version wrote it (test_content_hash_stable). */
static void content_hash(const char *kind, const char *day, const char *memo, int64_t household,
                         int64_t reverses, const ch_posting *p, size_t n, char out[65])
{
	ch_posting two[2], *sorted = n <= 2 ? two : ch_calloc(n, sizeof *sorted);
	ch_buf b;
	if (n)
		memcpy(sorted, p, n * sizeof *p);
	if (n == 2 && strcmp(two[0].account, two[1].account) > 0) {
		ch_posting t = two[0];
		two[0] = two[1], two[1] = t;
	} else if (n > 2) {
		qsort(sorted, n, sizeof *sorted, cmp_posting);
	}
	ch_buf_init(&b);
	ch_buf_puts(&b, kind);
	ch_buf_putc(&b, '|');
	ch_buf_puts(&b, day);
	ch_buf_putc(&b, '|');
	ch_buf_puts(&b, memo ? memo : "");
	ch_buf_putc(&b, '|');
	put_int64(&b, household);
	ch_buf_putc(&b, '|');
	put_int64(&b, reverses);
	ch_buf_putc(&b, '|');
	for (size_t i = 0; i < n; i++) {
		ch_buf_puts(&b, sorted[i].account);
		ch_buf_putc(&b, '=');
		put_int64(&b, sorted[i].amount);
		ch_buf_putc(&b, ';');
	}
	ch_hash_hex(b.ptr, b.len, out);
	ch_buf_dispose(&b);
	if (sorted != two)
		free(sorted);
}

/* A reversal must undo exactly what REVERSES did, and only once. */
static int mirrors(ch_ctx *ctx, const char *key, int64_t reverses, const ch_posting *p, size_t n)
{
	ch_stmt *st;
	size_t seen = 0;
	int rc;
	if (!reverses)
		return ch_error_set(CH_EINVALID,
		                    "transfer %s: a reversal must name what it reverses", key);
	/* a transfer is undone once; the same key again is a replay, not a second undo */
	char *by = NULL;
	rc = ch_db_query_text(ctx->db, &by, "SELECT idem_key FROM transfer WHERE reverses = ?", "i",
	                      reverses);
	if (rc == 0 && strcmp(by, key) != 0) {
		rc = ch_error_set(CH_EINVALID,
		                  "transfer %s: transfer %" PRId64 " was already reversed by %s",
		                  key, reverses, by);
		free(by);
		return rc;
	}
	free(by);
	if (rc == CH_ENOTFOUND)
		ch_error_clear();
	else if (rc)
		return rc;
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT a.code, p.amount FROM posting p JOIN account a ON a.id = p.account_id"
	    " WHERE p.transfer_id = ?",
	    "i", reverses);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int found = 0;
		for (size_t i = 0; i < n && !found; i++)
			found = strcmp(p[i].account, ch_stmt_text(st, 0)) == 0 &&
			        p[i].amount == -ch_stmt_int64(st, 1);
		if (!found)
			break;
		seen++;
	}
	ch_stmt_finalize(st);
	if (rc < 0)
		return rc;
	if (rc == CH_DB_ROW || seen != n || seen == 0)
		return ch_error_set(
		    CH_EINVALID, "transfer %s: a reversal must mirror transfer %" PRId64 " exactly",
		    key, reverses);
	return 0;
}

/* Money reaches a household's accounts only by the steps of the flow:
 * reserved (or adjusted after an approved change) into payable, paid into
 * transit, confirmed into paid; a recovery only takes money out. */
static int flow_allows(const char *key, const char *kind, const ch_posting *p, size_t n)
{
	static const struct {
		const char *prefix, *kinds;
	} into[] = {{"payable:", "reserve|reverse|adjust"},
	            {"transit:", "pay|reverse"},
	            {"paid:", "confirm|reverse"}};
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof into / sizeof into[0]; k++)
			if (p[i].amount > 0 && ch_str_starts(p[i].account, into[k].prefix) &&
			    !ch_str_in_list(kind, into[k].kinds))
				return ch_error_set(CH_EINVALID,
				                    "transfer %s: a %s transfer cannot pay into %s",
				                    key, kind, p[i].account);
	return 0;
}

/* Money for a household's payable account, in a reservation or an
 * adjustment, only when its review passed and it has not withdrawn. (The
 * database checks this too, as the transfer goes in; checked here first so
 * that the refusal names this rule, not the entitlement the postings meet
 * before.) */
static int eligible(ch_ctx *ctx, const char *key, const char *kind, const ch_posting *p, size_t n)
{
	if (strcmp(kind, "reserve") != 0 && strcmp(kind, "adjust") != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char *status = NULL;
		if (p[i].amount <= 0 || !ch_str_starts(p[i].account, "payable:"))
			continue;
		int rc =
		    ch_db_query_text(ctx->db, &status, "SELECT status FROM household WHERE id = ?",
		                     "i", (int64_t)strtoll(p[i].account + 8, NULL, 10));
		if (rc == CH_ENOTFOUND) { /* no such household: account_id says so */
			ch_error_clear();
			continue;
		}
		if (rc)
			return rc;
		int ok = strcmp(status, "reviewed") == 0 || strcmp(status, "subsidized") == 0;
		free(status);
		if (!ok)
			return ch_error_set(CH_EINVALID,
			                    "transfer %s, %s %+" PRId64
			                    " fen: ledger: the household's"
			                    " review has not passed, or it has withdrawn",
			                    key, p[i].account, p[i].amount);
	}
	return 0;
}

/* The database refused a posting (ACCOUNT, AMOUNT; NULL: the transfer as
 * a whole) by a CHECK or a trigger: CH_EINVALID saying which rule, as data. */
static int refused(const char *key, const char *account, int64_t amount)
{
	char *why = ch_strdup(ch_error_message());
	int rc = account ? ch_error_set(CH_EINVALID, "transfer %s, %s %+" PRId64 " fen: %s", key,
	                                account, amount, why)
	                 : ch_error_set(CH_EINVALID, "transfer %s: %s", key, why);
	free(why);
	return rc;
}

/* The transfer, sealed, after its postings: its texts are the caller's,
 * unchanged until the statement is reset, so they are bound without a
 * copy (ch_stmt_bind_text_ref). */
static int insert_sealed(ch_ctx *ctx, int64_t id, const char *key, const char *kind,
                         const char *hash, const char *day, const char *now, const char *memo,
                         int64_t household, int64_t reverses)
{
	ch_stmt *st;
	int rc = ch_db_preparef(ctx->db, &st,
	                        "INSERT INTO transfer(id, idem_key, kind, content_hash, day, at,"
	                        " actor, memo, household_id, reverses, sealed)"
	                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
	                        NULL);
	if (rc)
		return rc;
	const char *text[7] = {key, kind, hash, day, now, ctx->actor.name, memo};
	rc = ch_stmt_bind_int64(st, 1, id);
	for (int i = 0; i < 7 && rc == 0; i++)
		rc = ch_stmt_bind_text_ref(st, i + 2, text[i]);
	if (rc == 0)
		rc = household ? ch_stmt_bind_int64(st, 9, household) : ch_stmt_bind_null(st, 9);
	if (rc == 0)
		rc = reverses ? ch_stmt_bind_int64(st, 10, reverses) : ch_stmt_bind_null(st, 10);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW)
		rc = 0;
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The time now as ch_now_utc writes it, formatted once per second (a
 * batch makes thousands of transfers a second). Per thread. */
static void now_utc(char out[32])
{
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local char text[32];
	time_t t = time(NULL);
	if (t != last) {
		ch_now_utc(text, sizeof text);
		last = time(NULL) == t ? t : (time_t)-1; /* the second turned: ask again */
	}
	memcpy(out, text, sizeof text);
}

int ch_ledger_transfer(ch_ctx *ctx, const char *key, const char *kind, const char *day,
                       const char *memo, int64_t household, int64_t reverses, const ch_posting *p,
                       size_t n, int64_t *id, int *existed)
{
	char hash[CH_HASH_HEX_LEN + 1], now[32], *stored = NULL;
	int64_t sum = 0;
	int rc = 0;
	*existed = 0;
	*id = 0;
	if (n < 2)
		return ch_error_set(CH_EUNBALANCED, "transfer %s: needs two postings at least",
		                    key);
	for (size_t i = 0; i < n; i++) {
		if (p[i].amount == 0)
			return ch_error_set(CH_EINVALID, "transfer %s: a posting of zero to %s",
			                    key, p[i].account);
		if ((p[i].amount > 0 && sum > INT64_MAX - p[i].amount) ||
		    (p[i].amount < 0 && sum < INT64_MIN - p[i].amount))
			return ch_error_set(CH_EINVALID, "transfer %s: amounts overflow", key);
		sum += p[i].amount;
	}
	if (sum != 0)
		return ch_error_set(CH_EUNBALANCED,
		                    "transfer %s: debits and credits differ by %" PRId64 " fen",
		                    key, sum);
	content_hash(kind, day, memo, household, reverses, p, n, hash);
	if (ch_db_query_text(ctx->db, &stored,
	                     "SELECT content_hash FROM transfer WHERE idem_key = ?", "t",
	                     key) == 0) {
		int same = strcmp(stored, hash) == 0;
		free(stored);
		if (!same)
			return ch_error_set(
			    CH_ECONFLICT, "编号 %s 已用于另一笔内容不同的资金：一个编号只能用一次",
			    key);
		*existed = 1;
		return ch_db_query_int64(ctx->db, id, "SELECT id FROM transfer WHERE idem_key = ?",
		                         "t", key);
	}
	ch_error_clear();
	/* a replay is judged by its key above; only new transfers meet these rules */
	if ((rc = flow_allows(key, kind, p, n)) != 0 ||
	    (rc = eligible(ctx, key, kind, p, n)) != 0 || (rc = enough_money(ctx, p, n)) != 0)
		return rc;
	if (strcmp(kind, "reverse") == 0 && (rc = mirrors(ctx, key, reverses, p, n)) != 0)
		return rc;
	now_utc(now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		return rc;
	/* the postings first, then the transfer already sealed: the database
	 * checks once, as the transfer goes in, that its postings balance (and
	 * holds the postings' reference to it until the commit) */
	if ((rc = ch_db_next_id(ctx->db, "transfer", id)) != 0) {
		ch_ctx_rollback(ctx);
		*id = 0;
		return rc;
	}
	/* money out before money in: the database checks each household's
	 * total after every posting, and must never see both halves' sum twice */
	for (size_t k = 0; k < 2 * n && rc == 0; k++) {
		size_t i = k % n;
		if ((k < n) != (p[i].amount < 0))
			continue;
		int64_t acc;
		if ((rc = account_id(ctx, p[i].account, &acc)) == 0)
			rc = ch_db_run(
			    ctx->db,
			    "INSERT INTO posting(transfer_id, account_id, amount) VALUES (?, ?, ?)",
			    "iii", *id, acc, p[i].amount);
		if (rc == CH_ECONFLICT) /* a CHECK or a trigger: say which rule, as data */
			rc = refused(key, p[i].account, p[i].amount);
	}
	if (rc == 0)
		rc = insert_sealed(ctx, *id, key, kind, hash, day, now, memo, household, reverses);
	if (rc == CH_ECONFLICT) { /* the transfer's own check: name the posting it is about */
		int ent = strstr(ch_error_message(), "entitlement") != NULL;
		const ch_posting *which = NULL;
		for (size_t i = 0; i < n && !which; i++)
			if (p[i].amount > 0 && (ch_str_starts(p[i].account, "payable:") ||
			                        (ent && (ch_str_starts(p[i].account, "transit:") ||
			                                 ch_str_starts(p[i].account, "paid:")))))
				which = &p[i];
		rc = which ? refused(key, which->account, which->amount) : refused(key, NULL, 0);
	}
	if (rc == 0)
		return ch_ctx_commit(ctx);
	ch_ctx_rollback(ctx);
	*id = 0;
	return rc;
}

int ch_ledger_reverse(ch_ctx *ctx, int64_t id, const char *key, const char *day, const char *memo,
                      int64_t *new_id)
{
	ch_stmt *st;
	ch_posting p[64];
	char *codes[64];
	size_t n = 0;
	int64_t household = 0;
	int existed, rc;
	ch_db_query_int64(ctx->db, &household, "SELECT household_id FROM transfer WHERE id = ?",
	                  "i", id);
	ch_error_clear();
	rc = ch_db_preparef(
	    ctx->db, &st,
	    "SELECT a.code, p.amount FROM posting p JOIN account a ON a.id = p.account_id"
	    " WHERE p.transfer_id = ?",
	    "i", id);
	if (rc)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW && n < 64) {
		codes[n] = ch_strdup(ch_stmt_text(st, 0));
		p[n].account = codes[n];
		p[n].amount = -ch_stmt_int64(st, 1);
		n++;
	}
	ch_stmt_finalize(st);
	if (rc >= 0)
		rc = n ? ch_ledger_transfer(ctx, key, "reverse", day, memo, household, id, p, n,
		                            new_id, &existed)
		       : ch_error_set(CH_ENOTFOUND, "没有资金流水 %" PRId64, id);
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	return rc;
}

int ch_ledger_balance(ch_ctx *ctx, const char *code, int64_t *balance)
{
	*balance = 0;
	int rc = ch_db_query_int64(ctx->db, balance, "SELECT balance FROM account WHERE code = ?",
	                           "t", code);
	if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		return 0;
	}
	return rc;
}

/* Each check: a query returning one offending row's description, if any
 * (every column outside an aggregate is grouped by, as PostgreSQL wants). */
static const struct {
	const char *what, *sql;
} checks[] = {
    {"a transfer left open (not sealed)",
     "SELECT 'transfer ' || idem_key FROM transfer WHERE sealed = 0 LIMIT 1"},
    {"a transfer whose postings do not add up to zero",
     "SELECT 'transfer ' || t.idem_key || ' is off by ' || sum(p.amount) || ' fen'"
     " FROM transfer t JOIN posting p ON p.transfer_id = t.id GROUP BY t.id, t.idem_key"
     " HAVING sum(p.amount) <> 0 LIMIT 1"},
    {"an account whose balance is not the sum of its postings",
     "SELECT 'account ' || a.code || ' holds ' || a.balance || ' fen, its postings say '"
     " || coalesce((SELECT sum(amount) FROM posting WHERE account_id = a.id), 0)"
     " FROM account a WHERE a.balance <> coalesce((SELECT sum(amount) FROM posting"
     " WHERE account_id = a.id), 0) LIMIT 1"},
    {"an account below zero",
     "SELECT 'account ' || code || ' is at ' || balance || ' fen' FROM account"
     " WHERE kind <> 'origin' AND balance < 0 LIMIT 1"},
    {"a household given more than its entitlement",
     "SELECT 'household ' || h.hh_no || ' has ' || sum(a.balance) || ' fen, entitled to '"
     " || coalesce(e.total_fen, 0) FROM account a JOIN household h ON h.id = a.household_id"
     " LEFT JOIN entitlement e ON e.household_id = a.household_id"
     " WHERE a.kind IN ('payable', 'transit', 'paid')"
     " GROUP BY a.household_id, h.hh_no, e.total_fen"
     " HAVING sum(a.balance) > coalesce(e.total_fen, 0) LIMIT 1"},
    {"an entitlement above the household's cost",
     "SELECT 'household ' || h.hh_no FROM entitlement e JOIN household h"
     " ON h.id = e.household_id WHERE e.total_fen > e.cost_fen LIMIT 1"},
    {"a reversal that does not mirror what it reverses",
     "SELECT 'transfer ' || r.idem_key FROM transfer r JOIN posting p ON p.transfer_id = r.id"
     " WHERE r.reverses IS NOT NULL AND NOT EXISTS (SELECT 1 FROM posting q"
     " WHERE q.transfer_id = r.reverses AND q.account_id = p.account_id"
     " AND q.amount = -p.amount) LIMIT 1"},
};

int ch_ledger_verify(ch_ctx *ctx, ch_ledger_report *rep)
{
	int rc = ch_ctx_require_role(ctx, CH_PERM_READ);
	memset(rep, 0, sizeof *rep);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		char *bad = NULL;
		rc = ch_db_query_text(ctx->db, &bad, checks[i].sql, NULL);
		if (rc == 0) {
			snprintf(rep->problem, sizeof rep->problem, "%s: %s", checks[i].what, bad);
			free(bad);
			return ch_error_set(CH_EINVALID, "ledger: %s", rep->problem);
		}
		if (rc != CH_ENOTFOUND)
			return rc;
		ch_error_clear();
	}
	ch_db_query_int64(ctx->db, &rep->transfers, "SELECT count(*) FROM transfer", NULL);
	ch_db_query_int64(ctx->db, &rep->postings, "SELECT count(*) FROM posting", NULL);
	ch_db_query_int64(ctx->db, &rep->accounts, "SELECT count(*) FROM account", NULL);
	return 0;
}
