/*
 * auth — passwords, sessions, API tokens and sign-in throttling (see auth.h).
 */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/auth.h"
#include "core/ctx_int.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

void ch_auth_limits_default(struct ch_auth_limits *l)
{
	l->session_idle = 30 * 60;
	l->session_max = 12 * 3600;
	l->failure_window = 15 * 60;
	l->failures_to_lock = 5;
}

/* 32 random bytes as 64 hex digits. */
static void random_secret(char out[CH_SECRET_HEX + 1])
{
	unsigned char raw[CH_SECRET_HEX / 2];
	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, CH_SECRET_HEX + 1, raw, sizeof raw);
}

/* Audits ACTION on user NAME with a JSON AFTER built from FMT. */
static int audit_user(ch_ctx *ctx, const char *action, const char *name, json_t *after)
{
	char obj[300], *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	snprintf(obj, sizeof obj, "user:%s", name);
	int rc = ch_audit_append(ctx, action, obj, NULL, a);
	free(a);
	json_decref(after);
	return rc;
}

/* Loads NAME (CH_ENOTFOUND if absent) and checks the actor may change it:
 * a user administrator, or (SELF_OK) the user themself. On failure *U
 * holds nothing. */
static int target_user(ch_ctx *ctx, const char *name, int self_ok, ch_user *u)
{
	int rc = ch_user_load(ctx, name, u);
	if (rc)
		return rc;
	if (self_ok && ctx->actor.id == u->id && !ctx->actor.disabled)
		return 0;
	if ((rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0)) != 0)
		ch_user_dispose(u);
	return rc;
}

int ch_user_set_password(ch_ctx *ctx, const char *name, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	ch_user u;
	int rc = target_user(ctx, name, 1, &u);
	if (rc)
		return rc;
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)password; *p; p++)
		chars += (*p & 0xC0) != 0x80;
	if (chars < CH_PASSWORD_MIN) {
		rc =
		    ch_error_set_field(CH_EINVALID, "password", "密码至少 %d 个字符（现为 %zu 个）",
		                       CH_PASSWORD_MIN, chars);
		goto done;
	}
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		rc = ch_error_set(CH_ERROR, "out of memory hashing a password");
		goto done;
	}
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_db_run(ctx->db, "UPDATE app_user SET password_hash = ? WHERE id = ?", "tI", hash,
	               u.id);
	if (rc == 0)
		rc = audit_user(ctx, "user.password", name, json_pack("{s:b}", "password_set", 1));
	rc = ch_ctx_end(ctx, rc);
done:
	sodium_memzero(hash, sizeof hash);
	ch_user_dispose(&u);
	return rc;
}

int ch_user_set_disabled(ch_ctx *ctx, const char *name, int disabled)
{
	char now[32];
	ch_user u;
	int rc = target_user(ctx, name, 0, &u);
	if (rc)
		return rc;
	if (u.id == ctx->actor.id) {
		rc = ch_error_set(CH_ECONFLICT, "用户 %s 不能停用自己", name);
		goto done;
	}
	ch_now_utc(now, sizeof now);
	int64_t t = (int64_t)time(NULL);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	if (disabled) {
		rc = ch_db_run(
		    ctx->db,
		    "UPDATE app_user SET disabled_at = coalesce(disabled_at, ?) WHERE id = ?", "tI",
		    now, u.id);
		if (rc == 0)
			rc = ch_db_run(ctx->db,
			               "UPDATE auth_session SET ended_at = ? WHERE user_id = ? AND "
			               "ended_at IS NULL",
			               "iI", t, u.id);
		if (rc == 0)
			rc = ch_db_run(ctx->db,
			               "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND "
			               "revoked_at IS NULL",
			               "tI", now, u.id);
	} else {
		rc = ch_db_run(ctx->db, "UPDATE app_user SET disabled_at = NULL WHERE id = ?", "I",
		               u.id);
	}
	if (rc == 0)
		rc = audit_user(ctx, disabled ? "user.disable" : "user.enable", name,
		                json_pack("{s:b}", "disabled", disabled));
	rc = ch_ctx_end(ctx, rc);
done:
	ch_user_dispose(&u);
	return rc;
}

int ch_token_create(ch_ctx *ctx, const char *name, int days,
                    char token[sizeof CH_TOKEN_PREFIX + CH_SECRET_HEX], int64_t *id)
{
	char secret[CH_SECRET_HEX + 1], hash[CH_HASH_HEX_LEN + 1], now[32];
	ch_user u;
	int rc = target_user(ctx, name, 1, &u);
	if (rc)
		return rc;
	if (u.disabled) {
		rc = ch_error_set(CH_ECONFLICT, "用户 %s 已停用", name);
		goto done;
	}
	if (days < 0 || days > 3650) {
		rc = ch_error_set_field(CH_EINVALID, "expires", "有效期应为 0 至 3650 天");
		goto done;
	}
	random_secret(secret);
	snprintf(token, sizeof CH_TOKEN_PREFIX + CH_SECRET_HEX, "%s%s", CH_TOKEN_PREFIX, secret);
	ch_hash_hex(token, strlen(token), hash);
	ch_now_utc(now, sizeof now);
	int64_t expires = days ? (int64_t)time(NULL) + (int64_t)days * 86400 : 0;
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO api_token(token_hash, user_id, created_at, expires_at) "
	               "VALUES (?, ?, ?, nullif(?, 0))",
	               "tItI", hash, u.id, now, expires);
	*id = ch_db_last_id(ctx->db);
	if (rc == 0)
		rc = audit_user(ctx, "token.create", name,
		                json_pack("{s:I, s:i}", "token", (json_int_t)*id, "days", days));
	rc = ch_ctx_end(ctx, rc);
done:
	sodium_memzero(secret, sizeof secret);
	ch_user_dispose(&u);
	return rc;
}

int ch_token_each(ch_ctx *ctx, const char *name, int (*fn)(const ch_token_info *t, void *arg),
                  void *arg)
{
	ch_stmt *st;
	int rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0);
	if (rc || (rc = ch_db_preparef(ctx->db, &st,
	                               "SELECT t.id, u.name, t.created_at, t.expires_at, "
	                               "t.revoked_at FROM api_token t JOIN app_user u ON "
	                               "u.id = t.user_id WHERE ? IS NULL OR u.name = ? "
	                               "ORDER BY t.id DESC",
	                               "tt", name, name)) != 0)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_token_info t = {ch_stmt_int64(st, 0), ch_stmt_text(st, 1), ch_stmt_text(st, 2),
		                   ch_stmt_is_null(st, 3) ? 0 : ch_stmt_int64(st, 3),
		                   ch_stmt_is_null(st, 4) ? NULL : ch_stmt_text(st, 4)};
		if ((rc = fn(&t, arg)) != 0)
			break;
	}
	ch_stmt_finalize(st);
	return rc == CH_DB_DONE ? 0 : rc;
}

int ch_token_revoke(ch_ctx *ctx, int64_t id)
{
	char now[32], *user = NULL;
	int rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0);
	if (rc)
		return rc;
	rc = ch_db_query_text(ctx->db, &user,
	                      "SELECT u.name FROM api_token t JOIN app_user u ON u.id = t.user_id "
	                      "WHERE t.id = ?",
	                      "I", id);
	if (rc == CH_ENOTFOUND || (rc == 0 && !user))
		return ch_error_set(CH_ENOTFOUND, "没有编号为 %lld 的令牌", (long long)id);
	if (rc)
		return rc;
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) == 0) {
		rc = ch_db_run(
		    ctx->db,
		    "UPDATE api_token SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", "tI",
		    now, id);
		if (rc == 0)
			rc = audit_user(ctx, "token.revoke", user,
			                json_pack("{s:I}", "token", (json_int_t)id));
		rc = ch_ctx_end(ctx, rc);
	}
	free(user);
	return rc;
}

/* Failed sign-ins for COLUMN = VALUE since SINCE. */
static int64_t failures(ch_ctx *ctx, const char *column, const char *value, int64_t since)
{
	char sql[128];
	int64_t n = 0;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM signin_failure WHERE %s = ? AND at > ?",
	         column);
	if (ch_db_query_int64(ctx->db, &n, sql, "ti", value, since) != 0)
		ch_error_clear();
	return n;
}

/* A hash verified when the user is unknown or has no password, so that
 * every failed sign-in takes as long. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[CH_SECRET_HEX + 1];
	random_secret(pw);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		abort();
}

int ch_auth_signin(ch_ctx *anon, const char *name, const char *password, const char *client,
                   int64_t now, const struct ch_auth_limits *limits,
                   char session[CH_SECRET_HEX + 1], char csrf[CH_SECRET_HEX + 1])
{
	char *stored = NULL, hash[CH_HASH_HEX_LEN + 1];
	int64_t uid = 0, disabled = 0;
	int rc, good;
	if (sodium_init() < 0)
		abort();
	if (failures(anon, "user_name", name, now - limits->failure_window) >=
	        limits->failures_to_lock ||
	    failures(anon, "client", client, now - limits->failure_window) >=
	        limits->failures_to_lock)
		return ch_error_set(CH_ETHROTTLED, "登录失败次数过多，请 %lld 分钟后再试",
		                    (long long)(limits->failure_window / 60));
	rc = ch_db_query_text(anon->db, &stored,
	                      "SELECT password_hash FROM app_user WHERE name = ?", "t", name);
	if (rc == 0)
		rc = ch_db_query_int64(anon->db, &uid, "SELECT id FROM app_user WHERE name = ?",
		                       "t", name);
	if (rc == 0)
		rc = ch_db_query_int64(
		    anon->db, &disabled,
		    "SELECT disabled_at IS NOT NULL FROM app_user WHERE name = ?", "t", name);
	if (rc && rc != CH_ENOTFOUND) {
		free(stored);
		return rc;
	}
	ch_error_clear();
	pthread_once(&dummy_once, make_dummy);
	good =
	    crypto_pwhash_str_verify(stored ? stored : dummy_hash, password, strlen(password)) == 0;
	good = good && stored && !disabled;
	free(stored);
	if ((rc = ch_ctx_begin(anon)) != 0)
		return rc;
	if (!good) {
		rc = ch_db_run(anon->db,
		               "INSERT INTO signin_failure(user_name, client, at) VALUES (?, ?, ?)",
		               "tti", name, client, now);
		if (rc == 0)
			rc = audit_user(anon, "auth.signin_failed", name,
			                json_pack("{s:s}", "client", client));
		if (rc == 0 && (rc = ch_ctx_commit(anon)) == 0)
			rc = ch_error_set(CH_EDENIED, "用户名或密码错误");
		else
			ch_ctx_rollback(anon);
		return rc;
	}
	random_secret(session);
	random_secret(csrf);
	ch_hash_hex(session, CH_SECRET_HEX, hash);
	rc = ch_db_run(anon->db,
	               "INSERT INTO auth_session(token_hash, user_id, csrf, client, created_at, "
	               "last_seen) VALUES (?, ?, ?, ?, ?, ?)",
	               "tIttii", hash, uid, csrf, client, now, now);
	if (rc == 0)
		rc = audit_user(anon, "auth.signin", name, json_pack("{s:s}", "client", client));
	if (rc == 0)
		return ch_ctx_commit(anon);
	ch_ctx_rollback(anon);
	return rc;
}

int ch_auth_session(ch_ctx *anon, const char *session, int64_t now,
                    const struct ch_auth_limits *limits, char **name, char csrf[CH_SECRET_HEX + 1])
{
	char hash[CH_HASH_HEX_LEN + 1];
	ch_stmt *st;
	int rc;
	*name = NULL;
	if (strlen(session) != CH_SECRET_HEX)
		return ch_error_set(CH_EDENIED, "未登录或登录已过期");
	ch_hash_hex(session, CH_SECRET_HEX, hash);
	rc = ch_db_preparef(anon->db, &st,
	                    "SELECT s.id, u.name, s.csrf FROM auth_session s JOIN app_user u ON "
	                    "u.id = s.user_id WHERE s.token_hash = ? AND s.ended_at IS NULL AND "
	                    "u.disabled_at IS NULL AND s.last_seen > ? AND s.created_at > ?",
	                    "tii", hash, now - limits->session_idle, now - limits->session_max);
	if (rc)
		return rc;
	int64_t id = 0;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		id = ch_stmt_int64(st, 0);
		*name = ch_strdup(ch_stmt_text(st, 1));
		snprintf(csrf, CH_SECRET_HEX + 1, "%s", ch_stmt_text(st, 2));
		rc = 0;
	} else if (rc == CH_DB_DONE) {
		rc = ch_error_set(CH_EDENIED, "未登录或登录已过期");
	}
	ch_stmt_finalize(st);
	/* mark it used at most once a minute: reads stay reads. When another
	 * write holds the database past the wait, the session is valid all the
	 * same: a later request marks it. */
	if (rc == 0) {
		rc = ch_db_run(
		    anon->db,
		    "UPDATE auth_session SET last_seen = ? WHERE id = ? AND last_seen < ?", "iIi",
		    now, id, now - 60);
		if (rc == CH_EBUSY) {
			ch_error_clear();
			rc = 0;
		}
	}
	if (rc) {
		free(*name);
		*name = NULL;
	}
	return rc;
}

int ch_auth_signout(ch_ctx *anon, const char *session, int64_t now)
{
	char hash[CH_HASH_HEX_LEN + 1];
	ch_hash_hex(session, strlen(session), hash);
	return ch_db_run(anon->db,
	                 "UPDATE auth_session SET ended_at = ? WHERE token_hash = ? AND ended_at "
	                 "IS NULL",
	                 "it", now, hash);
}

int ch_auth_token(ch_ctx *anon, const char *token, int64_t now, char **name)
{
	char hash[CH_HASH_HEX_LEN + 1];
	int rc;
	*name = NULL;
	ch_hash_hex(token, strlen(token), hash);
	rc =
	    ch_db_query_text(anon->db, name,
	                     "SELECT u.name FROM api_token t JOIN app_user u ON u.id = t.user_id "
	                     "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND "
	                     "u.disabled_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)",
	                     "ti", hash, now);
	if (rc == CH_ENOTFOUND || (rc == 0 && !*name)) {
		free(*name);
		*name = NULL;
		return ch_error_set(CH_EDENIED, "令牌无效、已过期或已吊销");
	}
	return rc;
}
