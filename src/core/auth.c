/*
 * auth — passwords, sessions, API tokens, sign-in throttling and the
 * second factor (see auth.h and docs/auth.md).
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
#include "util/totp.h"

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
	if (ch_role_requires_totp(u.role) && !ch_ctx_factor(ctx)) {
		rc = ch_error_set(CH_EDENIED,
		                  "为%s %s 创建令牌须先输入动态验证码（最近一次已超过 %d 分钟）",
		                  ch_role_label(u.role), name, CH_REAUTH_WINDOW / 60);
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
	                               "t.revoked_at, u.role FROM api_token t JOIN app_user u ON "
	                               "u.id = t.user_id WHERE ? IS NULL OR u.name = ? "
	                               "ORDER BY t.id DESC",
	                               "tt", name, name)) != 0)
		return rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		ch_token_info t = {ch_stmt_int64(st, 0),
		                   ch_stmt_text(st, 1),
		                   0,
		                   ch_stmt_text(st, 2),
		                   ch_stmt_is_null(st, 3) ? 0 : ch_stmt_int64(st, 3),
		                   ch_stmt_is_null(st, 4) ? NULL : ch_stmt_text(st, 4)};
		t.role = ch_role_parse(ch_stmt_text(st, 5));
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

/* Records a failed sign-in of NAME from CLIENT (REASON: NULL for a wrong
 * password, "totp" for a wrong or used code), inside the caller's
 * transaction. */
static int record_failure(ch_ctx *anon, const char *name, const char *client, int64_t now,
                          const char *reason)
{
	int rc = ch_db_run(anon->db,
	                   "INSERT INTO signin_failure(user_name, client, at) VALUES (?, ?, ?)",
	                   "tti", name, client, now);
	if (rc == 0)
		rc = audit_user(anon, "auth.signin_failed", name,
		                json_pack("{s:s, s:s?}", "client", client, "reason", reason));
	return rc;
}

/* CH_ETHROTTLED while NAME or CLIENT has too many recent failures. */
static int throttled(ch_ctx *anon, const char *name, const char *client, int64_t now,
                     const struct ch_auth_limits *limits)
{
	if (failures(anon, "user_name", name, now - limits->failure_window) >=
	        limits->failures_to_lock ||
	    failures(anon, "client", client, now - limits->failure_window) >=
	        limits->failures_to_lock)
		return ch_error_set(CH_ETHROTTLED, "登录失败次数过多，请 %lld 分钟后再试",
		                    (long long)(limits->failure_window / 60));
	return 0;
}

/* ---- the second factor ---- */

int64_t ch_totp_clock(void)
{
	const char *path = getenv("CLEANHEAT_TOTP_CLOCK");
	long long t;
	FILE *f = path && *path ? fopen(path, "r") : NULL;
	if (f) {
		int got = fscanf(f, "%lld", &t) == 1;
		fclose(f);
		if (got)
			return (int64_t)t;
	}
	return (int64_t)time(NULL);
}

int ch_totp_state(ch_ctx *ctx, int64_t uid, int *enrolled, int *pending)
{
	int64_t confirmed = 0;
	int rc = ch_db_query_int64(
	    ctx->db, &confirmed, "SELECT confirmed_at IS NOT NULL FROM user_totp WHERE user_id = ?",
	    "I", uid);
	if (enrolled)
		*enrolled = rc == 0 && confirmed;
	if (pending)
		*pending = rc == 0 && !confirmed;
	if (rc == CH_ENOTFOUND) {
		ch_error_clear();
		rc = 0;
	}
	return rc;
}

/* UID's secret, confirmed (CONFIRMED 1) or pending (0), into KEY and the
 * last step whose code was accepted into *LAST. CH_ENOTFOUND if none. */
static int load_secret(ch_ctx *ctx, int64_t uid, int confirmed,
                       unsigned char key[CH_TOTP_SECRET_LEN], int64_t *last)
{
	ch_stmt *st;
	int rc = ch_db_preparef(ctx->db, &st,
	                        "SELECT secret, last_step FROM user_totp WHERE user_id = ? AND "
	                        "CASE WHEN confirmed_at IS NULL THEN 0 ELSE 1 END = ?",
	                        "Ii", uid, (int64_t)confirmed);
	if (rc)
		return rc;
	if ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		rc = ch_base32_decode(ch_stmt_text(st, 0), key, CH_TOTP_SECRET_LEN) ==
		             CH_TOTP_SECRET_LEN
		         ? 0
		         : ch_error_set(CH_ERROR, "a stored TOTP secret is not 20 bytes of base32");
		*last = ch_stmt_int64(st, 1);
	} else if (rc == CH_DB_DONE) {
		rc = CH_ENOTFOUND;
	}
	ch_stmt_finalize(st);
	return rc;
}

/* The hash a recovery code of UID is kept as: its letters without the
 * dash, upper case, after the user's id. */
static void recovery_hash(int64_t uid, const char *code, char hash[CH_HASH_HEX_LEN + 1])
{
	char norm[48];
	int n = snprintf(norm, sizeof norm, "%lld:", (long long)uid);
	for (const char *p = code; *p && n < (int)sizeof norm - 1; p++)
		if (*p != '-' && *p != ' ')
			norm[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	norm[n] = '\0';
	ch_hash_hex(norm, (size_t)n, hash);
	sodium_memzero(norm, sizeof norm);
}

/* Checks CODE for user UID inside the caller's transaction: a one-time
 * code of the confirmed secret whose step is later than the last accepted
 * (recorded now), or, when RECOVERY, an unused recovery code (marked
 * used). *HOW is "totp", "recovery" or NULL when CODE is not valid. */
static int verify_factor(ch_ctx *ctx, int64_t uid, const char *code, int recovery, const char **how)
{
	unsigned char key[CH_TOTP_SECRET_LEN];
	int64_t last = 0, step;
	int rc = load_secret(ctx, uid, 1, key, &last);
	*how = NULL;
	if (rc)
		return rc;
	step = ch_totp_check(key, sizeof key, code, ch_totp_step(ch_totp_clock()), last);
	sodium_memzero(key, sizeof key);
	if (step >= 0) {
		rc = ch_db_run(
		    ctx->db,
		    "UPDATE user_totp SET last_step = ? WHERE user_id = ? AND last_step < ?", "iIi",
		    step, uid, step);
		if (rc == 0 && ch_db_changes(ctx->db) == 1)
			*how = "totp";
		return rc;
	}
	if (recovery && strlen(code) == CH_RECOVERY_LEN) {
		char hash[CH_HASH_HEX_LEN + 1], now[32];
		recovery_hash(uid, code, hash);
		ch_now_utc(now, sizeof now);
		rc = ch_db_run(ctx->db,
		               "UPDATE totp_recovery SET used_at = ? WHERE user_id = ? AND "
		               "code_hash = ? AND used_at IS NULL",
		               "tIt", now, uid, hash);
		if (rc == 0 && ch_db_changes(ctx->db) == 1)
			*how = "recovery";
	}
	return rc;
}

/* S with every byte outside A-Z a-z 0-9 - . _ ~ as %XX, into a new string. */
static char *uri_escape(const char *s)
{
	char *out = ch_malloc(3 * strlen(s) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	*o = '\0';
	return out;
}

/* Loads NAME into *U for enrolling: the actor is NAME, or an administrator
 * with a fresh second factor of their own (ch_ctx_factor); CH_ECONFLICT
 * when NAME is enrolled already. On failure *U holds nothing. */
static int enrol_target(ch_ctx *ctx, const char *name, ch_user *u)
{
	int enrolled = 0, rc = target_user(ctx, name, 1, u);
	if (rc)
		return rc;
	if (u->id != ctx->actor.id && !ch_ctx_factor(ctx))
		rc = ch_error_set(CH_EDENIED, "为用户 %s 绑定动态验证码须先输入您自己的动态验证码",
		                  name);
	else if ((rc = ch_totp_state(ctx, u->id, &enrolled, NULL)) == 0 && enrolled)
		rc = ch_error_set(
		    CH_ECONFLICT,
		    "用户 %s 已绑定动态验证码；须由州级管理员重置（user totp reset）后才能重新绑定",
		    name);
	if (rc)
		ch_user_dispose(u);
	return rc;
}

int ch_totp_begin(ch_ctx *ctx, const char *name, char secret[CH_TOTP_B32_LEN], char **uri)
{
	unsigned char key[CH_TOTP_SECRET_LEN];
	ch_user u;
	*uri = NULL;
	int rc = enrol_target(ctx, name, &u);
	if (rc)
		return rc;
	if (sodium_init() < 0)
		abort();
	randombytes_buf(key, sizeof key);
	ch_base32_encode(key, sizeof key, secret, CH_TOTP_B32_LEN);
	sodium_memzero(key, sizeof key);
	char *esc = uri_escape(name);
	size_t n = strlen(esc) + strlen(secret) + 128;
	*uri = ch_malloc(n);
	snprintf(*uri, n,
	         "otpauth://totp/cleanheat:%s?secret=%s&issuer=cleanheat&algorithm=SHA1&"
	         "digits=%d&period=%d",
	         esc, secret, CH_TOTP_DIGITS, CH_TOTP_STEP);
	free(esc);
	ch_user_dispose(&u);
	return 0;
}

int ch_totp_confirm(ch_ctx *ctx, const char *name, const char *secret, const char *code,
                    char recovery[CH_RECOVERY_CODES][CH_RECOVERY_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no I, O, 0, 1 */
	unsigned char key[CH_TOTP_SECRET_LEN + 1];
	char now[32], hash[CH_HASH_HEX_LEN + 1], b32[CH_TOTP_B32_LEN];
	int64_t step;
	ch_user u;
	int rc = enrol_target(ctx, name, &u);
	if (rc)
		return rc;
	/* the secret begin made: 160 bits of base32 */
	if (!secret || ch_base32_decode(secret, key, sizeof key) != CH_TOTP_SECRET_LEN) {
		rc =
		    ch_error_set_field(CH_EINVALID, "secret", "密钥应为开始绑定时给出的 32 位密钥");
		goto done;
	}
	step = ch_totp_check(key, CH_TOTP_SECRET_LEN, code ? code : "",
	                     ch_totp_step(ch_totp_clock()), 0);
	ch_base32_encode(key, CH_TOTP_SECRET_LEN, b32, sizeof b32);
	sodium_memzero(key, sizeof key);
	if (step < 0) {
		rc = ch_error_set_field(CH_EINVALID, "code",
		                        "动态验证码不正确：请输入验证器当前显示的 %d 位数字",
		                        CH_TOTP_DIGITS);
		goto done;
	}
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO user_totp(user_id, secret, created_at, confirmed_at, last_step)"
	               " VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET"
	               " secret = excluded.secret, created_at = excluded.created_at,"
	               " confirmed_at = excluded.confirmed_at, last_step = excluded.last_step",
	               "Ittti", u.id, b32, now, now, step);
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM totp_recovery WHERE user_id = ?", "I", u.id);
	for (int i = 0; rc == 0 && i < CH_RECOVERY_CODES; i++) {
		unsigned char raw[CH_RECOVERY_LEN - 1];
		randombytes_buf(raw, sizeof raw);
		for (int k = 0, o = 0; k < (int)sizeof raw; k++) {
			if (k == 5)
				recovery[i][o++] = '-';
			recovery[i][o++] = alphabet[raw[k] & 31];
		}
		recovery[i][CH_RECOVERY_LEN] = '\0';
		recovery_hash(u.id, recovery[i], hash);
		rc = ch_db_run(ctx->db,
		               "INSERT INTO totp_recovery(user_id, code_hash) VALUES (?, ?)", "It",
		               u.id, hash);
	}
	if (rc == 0)
		rc = audit_user(ctx, "user.totp_enroll", name,
		                json_pack("{s:i}", "recovery_codes", CH_RECOVERY_CODES));
	rc = ch_ctx_end(ctx, rc);
done:
	sodium_memzero(b32, sizeof b32);
	ch_user_dispose(&u);
	return rc;
}

int ch_totp_reset(ch_ctx *ctx, const char *name, int *removed)
{
	int enrolled = 0, pending = 0;
	ch_user u;
	int rc = target_user(ctx, name, 0, &u);
	if (rc)
		return rc;
	if ((rc = ch_totp_state(ctx, u.id, &enrolled, &pending)) != 0)
		goto done;
	*removed = enrolled || pending;
	if (!*removed)
		goto done; /* nothing to remove, nothing written */
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	rc = ch_db_run(ctx->db, "DELETE FROM user_totp WHERE user_id = ?", "I", u.id);
	if (rc == 0)
		rc = ch_db_run(ctx->db, "DELETE FROM totp_recovery WHERE user_id = ?", "I", u.id);
	if (rc == 0)
		rc = audit_user(ctx, "user.totp_reset", name,
		                json_pack("{s:b}", "enrolled", enrolled));
	rc = ch_ctx_end(ctx, rc);
done:
	ch_user_dispose(&u);
	return rc;
}

/* ---- sign-in ---- */

int ch_auth_signin(ch_ctx *anon, const char *name, const char *password, const char *client,
                   int64_t now, const struct ch_auth_limits *limits,
                   struct ch_signin_factor *factor, char session[CH_SECRET_HEX + 1],
                   char csrf[CH_SECRET_HEX + 1])
{
	char *stored = NULL, *role = NULL, hash[CH_HASH_HEX_LEN + 1];
	const char *code = factor->code && *factor->code ? factor->code : NULL, *how = NULL;
	int64_t uid = 0, disabled = 0;
	int rc, good, enrolled = 0;
	factor->totp_required = factor->enrol_only = factor->enrolled = 0;
	if (sodium_init() < 0)
		abort();
	if ((rc = throttled(anon, name, client, now, limits)) != 0)
		return rc;
	rc = ch_db_query_text(anon->db, &stored,
	                      "SELECT password_hash FROM app_user WHERE name = ?", "t", name);
	if (rc == 0)
		rc = ch_db_query_int64(anon->db, &uid, "SELECT id FROM app_user WHERE name = ?",
		                       "t", name);
	if (rc == 0)
		rc = ch_db_query_int64(
		    anon->db, &disabled,
		    "SELECT disabled_at IS NOT NULL FROM app_user WHERE name = ?", "t", name);
	if (rc == 0)
		rc = ch_db_query_text(anon->db, &role, "SELECT role FROM app_user WHERE name = ?",
		                      "t", name);
	if (rc == 0)
		rc = ch_totp_state(anon, uid, &enrolled, NULL);
	if (rc && rc != CH_ENOTFOUND) {
		free(stored);
		free(role);
		return rc;
	}
	ch_error_clear();
	pthread_once(&dummy_once, make_dummy);
	good =
	    crypto_pwhash_str_verify(stored ? stored : dummy_hash, password, strlen(password)) == 0;
	good = good && stored && !disabled;
	free(stored);
	factor->enrol_only =
	    good && !enrolled && role && ch_role_requires_totp(ch_role_parse(role));
	factor->enrolled = good && enrolled;
	free(role);
	if (good && enrolled && !code) {
		factor->totp_required = 1;
		return ch_error_set(CH_EDENIED,
		                    "请输入动态验证码（验证器中的 %d 位数字，或一个恢复码）",
		                    CH_TOTP_DIGITS);
	}
	if ((rc = ch_ctx_begin(anon)) != 0)
		return rc;
	if (good && enrolled && (rc = verify_factor(anon, uid, code, 1, &how)) != 0) {
		ch_ctx_rollback(anon);
		return rc;
	}
	if (!good || (enrolled && !how)) {
		factor->totp_required = good;
		rc = record_failure(anon, name, client, now, good ? "totp" : NULL);
		if (rc == 0 && (rc = ch_ctx_commit(anon)) == 0)
			rc = ch_error_set(CH_EDENIED,
			                  good ? "动态验证码不正确或已用过" : "用户名或密码错误");
		else
			ch_ctx_rollback(anon);
		return rc;
	}
	random_secret(session);
	random_secret(csrf);
	ch_hash_hex(session, CH_SECRET_HEX, hash);
	rc = ch_db_run(anon->db,
	               "INSERT INTO auth_session(token_hash, user_id, csrf, client, created_at, "
	               "last_seen, totp_at, enrol_only) VALUES (?, ?, ?, ?, ?, ?, nullif(?, 0), ?)",
	               "tIttiiIi", hash, uid, csrf, client, now, now, how ? ch_totp_clock() : 0,
	               (int64_t)factor->enrol_only);
	if (rc == 0)
		rc = audit_user(anon, "auth.signin", name,
		                json_pack("{s:s, s:s?, s:b}", "client", client, "factor", how,
		                          "enrol_only", factor->enrol_only));
	if (rc == 0)
		return ch_ctx_commit(anon);
	ch_ctx_rollback(anon);
	return rc;
}

int ch_auth_session(ch_ctx *anon, const char *session, int64_t now,
                    const struct ch_auth_limits *limits, char **name, char csrf[CH_SECRET_HEX + 1],
                    struct ch_session_info *info)
{
	char hash[CH_HASH_HEX_LEN + 1];
	ch_stmt *st;
	int rc;
	*name = NULL;
	if (strlen(session) != CH_SECRET_HEX)
		return ch_error_set(CH_EDENIED, "未登录或登录已过期");
	ch_hash_hex(session, CH_SECRET_HEX, hash);
	rc = ch_db_preparef(anon->db, &st,
	                    "SELECT s.id, u.name, s.csrf, s.enrol_only, coalesce(s.totp_at, 0), "
	                    "EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND "
	                    "t.confirmed_at IS NOT NULL) FROM auth_session s JOIN app_user u ON "
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
		if (info) {
			int64_t at = ch_stmt_int64(st, 4);
			info->enrolled = ch_stmt_int64(st, 5) != 0;
			/* enrolling ends the limit: its code was the second factor */
			info->enrol_only = ch_stmt_int64(st, 3) && !info->enrolled;
			info->fresh =
			    !info->enrolled || (at && at >= ch_totp_clock() - CH_REAUTH_WINDOW);
		}
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

int ch_auth_reauth(ch_ctx *anon, const char *session, const char *code, const char *client,
                   int64_t now, const struct ch_auth_limits *limits)
{
	char hash[CH_HASH_HEX_LEN + 1], *name = NULL;
	const char *how = NULL;
	int64_t id = 0, uid = 0;
	ch_hash_hex(session, strlen(session), hash);
	int rc = ch_db_query_int64(anon->db, &id,
	                           "SELECT id FROM auth_session WHERE token_hash = ? AND "
	                           "ended_at IS NULL",
	                           "t", hash);
	if (rc == 0)
		rc = ch_db_query_int64(anon->db, &uid,
		                       "SELECT user_id FROM auth_session WHERE id = ?", "I", id);
	if (rc == 0)
		rc = ch_db_query_text(anon->db, &name, "SELECT name FROM app_user WHERE id = ?",
		                      "I", uid);
	if (rc == CH_ENOTFOUND)
		return ch_error_set(CH_EDENIED, "未登录或登录已过期");
	if (rc == 0)
		rc = throttled(anon, name, client, now, limits);
	if (rc == 0 && (rc = ch_ctx_begin(anon)) == 0) {
		rc = verify_factor(anon, uid, code, 0, &how);
		if (rc == 0 && how)
			rc = ch_db_run(anon->db, "UPDATE auth_session SET totp_at = ? WHERE id = ?",
			               "II", ch_totp_clock(), id);
		if (rc == 0)
			rc = how ? audit_user(anon, "auth.reauth", name,
			                      json_pack("{s:s}", "client", client))
			         : record_failure(anon, name, client, now, "totp");
		if (rc == 0 && (rc = ch_ctx_commit(anon)) == 0 && !how)
			rc = ch_error_set(CH_EDENIED, "动态验证码不正确或已用过");
		else if (rc)
			ch_ctx_rollback(anon);
	}
	free(name);
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
