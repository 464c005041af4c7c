/*
 * audit_key — the signing key of the audit chain and its checkpoints
 * (see audit.h).
 *
 * The key file holds the Ed25519 secret key (libsodium's 64 bytes, whose
 * second half is the public key) as 128 hex digits and a newline. A
 * checkpoint signs the text "cleanheat-audit-head\n" SEQ "\n" HASH "\n" AT
 * "\n" (SEQ in decimal, HASH the entry's hex hash, AT the UTC time of
 * signing), so a head printed by `audit head` can be checked by anyone with
 * the public key and libsodium, without this program.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "core/audit_int.h"
#include "core/ctx_int.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/file.h"

#define KEY_FILE_MAX 4096

/* The message a checkpoint signs, into OUT. */
static void head_message(char *out, size_t outsz, int64_t seq, const char *hash, const char *at)
{
	snprintf(out, outsz, "cleanheat-audit-head\n%" PRId64 "\n%s\n%s\n", seq, hash, at);
}

/* Reads the secret key in PATH into SK. */
static int read_key_file(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char *data = NULL;
	size_t len = 0, used = 0;
	int rc = ch_file_read(path, KEY_FILE_MAX, &data, &len);
	if (rc) {
		ch_error_set(rc, "审计签名密钥文件 %s 无法读取（%s）", path, ch_error_message());
		return rc;
	}
	if (sodium_hex2bin(sk, crypto_sign_SECRETKEYBYTES, (const char *)data, len, " \r\n\t",
	                   &used, NULL) != 0 ||
	    used != crypto_sign_SECRETKEYBYTES) {
		sodium_memzero(data, len);
		free(data);
		return ch_error_set(CH_EINVALID,
		                    "审计签名密钥文件 %s 不是 cleanheat 的密钥（应为 128 "
		                    "位十六进制）",
		                    path);
	}
	sodium_memzero(data, len);
	free(data);
	return 0;
}

static void public_hex(const unsigned char sk[crypto_sign_SECRETKEYBYTES],
                       char out[CH_AUDIT_KEY_HEX + 1])
{
	sodium_bin2hex(out, CH_AUDIT_KEY_HEX + 1,
	               sk + crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES,
	               crypto_sign_PUBLICKEYBYTES);
}

int ch_audit_key_init(ch_ctx *ctx, const char *path, char public_key[CH_AUDIT_KEY_HEX + 1])
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * crypto_sign_SECRETKEYBYTES + 2], now[32], pub[CH_AUDIT_KEY_HEX + 1];
	int rc, fd;
	if ((rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0)) != 0)
		return rc;
	if (!path || !*path)
		return ch_error_set_field(CH_EUSAGE, "key", "须指定密钥文件");
	if (sodium_init() < 0)
		return ch_error_set(CH_ERROR, "libsodium failed to initialise");
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(hex, sizeof hex, sk, sizeof sk);
	sodium_bin2hex(pub, sizeof pub, pk, sizeof pk);
	strcat(hex, "\n");
	/* never over a key that may already sign another database */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST
		         ? ch_error_set_field(CH_EEXISTS, "key", "密钥文件 %s 已存在，不会覆盖",
		                              path)
		         : ch_error_set_field(CH_ERROR, "key", "无法创建密钥文件 %s：%s", path,
		                              strerror(errno));
		goto done;
	}
	size_t n = strlen(hex);
	ssize_t w = write(fd, hex, n);
	if (close(fd) != 0 || w != (ssize_t)n) {
		unlink(path);
		rc = ch_error_set(CH_ERROR, "无法写入密钥文件 %s", path);
		goto done;
	}
	ch_now_utc(now, sizeof now);
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto fail;
	rc = ch_db_run(ctx->db,
	               "INSERT INTO audit_key(public_key, created_at, created_by) VALUES (?, ?, ?)",
	               "ttt", pub, now, ctx->actor.name);
	if (rc == 0)
		rc = ch_audit_append_json(ctx, "audit.key", "audit-key",
		                          json_pack("{s:s}", "public_key", pub));
	if (rc == 0)
		ch_ctx_set_audit_key_file(ctx, path); /* this commit signs the head */
	rc = ch_ctx_end(ctx, rc);
fail:
	if (rc) {
		ch_ctx_set_audit_key_file(ctx, NULL);
		unlink(path);
	} else {
		memcpy(public_key, pub, sizeof pub);
	}
done:
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

int ch_audit_sign_head(ch_ctx *ctx)
{
	ch_store *store = ctx->store;
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
	char pk[CH_AUDIT_KEY_HEX + 1], sighex[CH_AUDIT_SIG_HEX + 1], msg[256], now[32];
	char *hash = NULL;
	int64_t head = 0, last = 0, known = 0;
	int rc;
	if (!store->audit_key_file)
		return 0;
	if ((rc = ch_audit_version(ctx, &head)) != 0 || head == 0 || head == store->signed_seq)
		return rc;
	rc = ch_db_query_int64(ctx->db, &last, "SELECT coalesce(max(seq), 0) FROM audit_checkpoint",
	                       NULL);
	if (rc || last >= head) {
		if (rc == 0)
			store->signed_seq = head;
		return rc;
	}
	if ((rc = read_key_file(store->audit_key_file, sk)) != 0)
		return rc;
	public_hex(sk, pk);
	rc = ch_db_query_int64(ctx->db, &known,
	                       "SELECT count(*) FROM audit_key WHERE public_key = ?", "t", pk);
	if (rc == 0 && !known)
		rc = ch_error_set(
		    CH_EINVALID,
		    "审计签名密钥文件 %s 的公钥 %s 未记录在本数据库中：不是本数据库的密钥"
		    "（新数据库先运行 cleanheat audit key init）",
		    store->audit_key_file, pk);
	if (rc == 0)
		rc = ch_db_query_text(ctx->db, &hash, "SELECT hash FROM audit_head WHERE id = 1",
		                      NULL);
	if (rc == 0) {
		ch_now_utc(now, sizeof now);
		head_message(msg, sizeof msg, head, hash, now);
		crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
		sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
		rc = ch_db_run(ctx->db,
		               "INSERT INTO audit_checkpoint(seq, hash, at, public_key, signature)"
		               " VALUES (?, ?, ?, ?, ?)",
		               "ittt"
		               "t",
		               head, hash, now, pk, sighex);
	}
	if (rc == 0)
		store->signed_seq = head;
	sodium_memzero(sk, sizeof sk);
	free(hash);
	return rc;
}

/* 1 when SIGHEX is PUBLIC_KEY's valid signature of head (SEQ, HASH, AT). */
static int signature_ok(const char *public_key, const char *sighex, int64_t seq, const char *hash,
                        const char *at)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	char msg[256];
	size_t n = 0;
	if (!public_key || !sighex || !hash || !at)
		return 0;
	if (sodium_hex2bin(pk, sizeof pk, public_key, strlen(public_key), NULL, &n, NULL) != 0 ||
	    n != sizeof pk)
		return 0;
	if (sodium_hex2bin(sig, sizeof sig, sighex, strlen(sighex), NULL, &n, NULL) != 0 ||
	    n != sizeof sig)
		return 0;
	head_message(msg, sizeof msg, seq, hash, at);
	return crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) == 0;
}

/* The public key the store's key file holds, into OUT ("" without one). */
static int configured_public_key(ch_ctx *ctx, char out[CH_AUDIT_KEY_HEX + 1])
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	out[0] = '\0';
	if (!ctx->store->audit_key_file)
		return 0;
	int rc = read_key_file(ctx->store->audit_key_file, sk);
	if (rc == 0)
		public_hex(sk, out);
	sodium_memzero(sk, sizeof sk);
	return rc;
}

int ch_audit_verify_signatures(ch_ctx *ctx, const char *public_key, ch_audit_sig_report *rep)
{
	char trusted[CH_AUDIT_KEY_HEX + 1] = "";
	ch_stmt *st;
	int rc;
	memset(rep, 0, sizeof *rep);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_AUDIT)) != 0)
		return rc;
	if (public_key && *public_key)
		snprintf(trusted, sizeof trusted, "%s", public_key);
	else if ((rc = configured_public_key(ctx, trusted)) != 0)
		return rc;
	if ((rc = ch_audit_version(ctx, &rep->head_seq)) != 0)
		return rc;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT c.seq, c.hash, c.at, c.public_key, c.signature,"
	                    " (SELECT count(*) FROM audit_key k WHERE k.public_key = c.public_key),"
	                    " (SELECT a.hash FROM audit_log a WHERE a.seq = c.seq)"
	                    " FROM audit_checkpoint c ORDER BY c.seq",
	                    NULL);
	while (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		int64_t seq = ch_stmt_int64(st, 0);
		const char *hash = ch_stmt_text(st, 1), *key = ch_stmt_text(st, 3);
		const char *entry = ch_stmt_text(st, 6);
		rc = 0;
		if (ch_stmt_int64(st, 5) == 0)
			snprintf(rep->problem, sizeof rep->problem,
			         "签名检查点（第 %" PRId64 " 条）所用公钥 %s 未登记在本数据库中",
			         seq, key ? key : "?");
		else if (trusted[0] && (!key || strcmp(key, trusted) != 0))
			snprintf(rep->problem, sizeof rep->problem,
			         "签名检查点（第 %" PRId64
			         " 条）不是由受信任的公钥 %s 签名的（而是 %s）："
			         "数据库中的公钥被替换过",
			         seq, trusted, key ? key : "?");
		else if (!signature_ok(key, ch_stmt_text(st, 4), seq, hash, ch_stmt_text(st, 2)))
			snprintf(rep->problem, sizeof rep->problem,
			         "签名检查点（第 %" PRId64 " 条）的签名无效：检查点被改动", seq);
		else if (!entry || strcmp(entry, hash) != 0)
			snprintf(rep->problem, sizeof rep->problem,
			         "第 %" PRId64 " 条审计记录的哈希与签名检查点不符：审计日志被改写过"
			         "（哈希被重新计算），签名无法伪造",
			         seq);
		if (rep->problem[0])
			break;
		rep->checkpoints++;
		rep->signed_seq = seq;
	}
	ch_stmt_finalize(st);
	if (rc < 0)
		return rc;
	ch_error_clear();
	if (!rep->problem[0] && rep->checkpoints == 0) {
		rep->unsigned_chain = 1;
		if (trusted[0])
			snprintf(rep->problem, sizeof rep->problem,
			         "审计日志没有任何签名检查点，无法用公钥 %s 核验", trusted);
	} else if (!rep->problem[0] && rep->signed_seq < rep->head_seq) {
		snprintf(rep->problem, sizeof rep->problem,
		         "第 %" PRId64 " 至 %" PRId64
		         " 条审计记录在最后一个签名检查点之后，未经签名：可能是未配置签名密钥时"
		         "写入的，也可能是有人直接追加到数据库里的",
		         rep->signed_seq + 1, rep->head_seq);
	}
	if (rep->problem[0])
		return ch_error_set(CH_EINVALID, "%s", rep->problem);
	return 0;
}

int ch_audit_head_get(ch_ctx *ctx, ch_audit_head *h)
{
	ch_stmt *st;
	int rc;
	memset(h, 0, sizeof *h);
	if ((rc = ch_ctx_require_role(ctx, CH_PERM_AUDIT)) != 0)
		return rc;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT seq, hash, at, public_key, signature FROM audit_checkpoint"
	                    " ORDER BY seq DESC LIMIT 1",
	                    NULL);
	if (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		h->seq = ch_stmt_int64(st, 0);
		snprintf(h->hash, sizeof h->hash, "%s", ch_stmt_text(st, 1));
		snprintf(h->at, sizeof h->at, "%s", ch_stmt_text(st, 2));
		snprintf(h->public_key, sizeof h->public_key, "%s", ch_stmt_text(st, 3));
		snprintf(h->signature, sizeof h->signature, "%s", ch_stmt_text(st, 4));
		rc = 0;
	}
	ch_stmt_finalize(st);
	if (rc < 0 || h->seq)
		return rc < 0 ? rc : 0;
	/* not signed: the head as it is */
	if ((rc = ch_audit_head_sync(ctx)) != 0)
		return rc;
	rc = ch_db_preparef(ctx->db, &st,
	                    "SELECT h.seq, h.hash, a.at FROM audit_head h"
	                    " LEFT JOIN audit_log a ON a.seq = h.seq WHERE h.id = 1",
	                    NULL);
	if (rc == 0 && (rc = ch_stmt_step(st)) == CH_DB_ROW) {
		h->seq = ch_stmt_int64(st, 0);
		snprintf(h->hash, sizeof h->hash, "%s", ch_stmt_text(st, 1));
		snprintf(h->at, sizeof h->at, "%s", ch_stmt_text(st, 2) ? ch_stmt_text(st, 2) : "");
		rc = 0;
	}
	ch_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Copies the string VALUE into OUT (OUTSZ), or fails naming KEY. */
static int head_field(const char *key, const char *value, char *out, size_t outsz)
{
	if (!value || !*value || strlen(value) >= outsz)
		return ch_error_set(CH_EINVALID, "日志头文件缺少或写错了「%s」", key);
	snprintf(out, outsz, "%s", value);
	return 0;
}

int ch_audit_head_parse(const char *text, ch_audit_head *h)
{
	const char *keys[] = {"hash", "at", "public_key", "signature"};
	char *vals[4] = {0}, *seq = NULL;
	int rc = 0;
	memset(h, 0, sizeof *h);
	json_t *j = json_loads(text, 0, NULL);
	if (j) {
		json_int_t s = json_integer_value(json_object_get(j, "seq"));
		if (s > 0)
			seq = ch_strdup("1");
		h->seq = (int64_t)s;
		for (int i = 0; i < 4; i++) {
			const char *v = json_string_value(json_object_get(j, keys[i]));
			vals[i] = v ? ch_strdup(v) : NULL;
		}
		json_decref(j);
	} else { /* "key: value" lines */
		char *copy = ch_strdup(text), *save = NULL;
		for (char *line = strtok_r(copy, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *colon = strchr(line, ':');
			if (!colon)
				continue;
			*colon = '\0';
			char *v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, " \t\r")] = '\0';
			if (strcmp(line, "seq") == 0) {
				char *end;
				h->seq = strtoll(v, &end, 10);
				if (*end == '\0' && h->seq > 0)
					seq = ch_strdup(v);
			}
			for (int i = 0; i < 4; i++)
				if (strcmp(line, keys[i]) == 0) {
					free(vals[i]);
					vals[i] = ch_strdup(v);
				}
		}
		free(copy);
	}
	if (!seq)
		rc = ch_error_set(CH_EINVALID, "日志头文件缺少或写错了「seq」");
	if (rc == 0)
		rc = head_field("hash", vals[0], h->hash, sizeof h->hash);
	if (rc == 0)
		rc = head_field("at", vals[1], h->at, sizeof h->at);
	if (rc == 0)
		rc = head_field("public_key", vals[2], h->public_key, sizeof h->public_key);
	if (rc == 0)
		rc = head_field("signature", vals[3], h->signature, sizeof h->signature);
	free(seq);
	for (int i = 0; i < 4; i++)
		free(vals[i]);
	return rc;
}

int ch_audit_verify_head(ch_ctx *ctx, const ch_audit_head *h, const char *public_key)
{
	char *hash = NULL;
	int rc = ch_ctx_require_role(ctx, CH_PERM_AUDIT);
	if (rc)
		return rc;
	const char *key = public_key && *public_key ? public_key : h->public_key;
	if (!signature_ok(key, h->signature, h->seq, h->hash, h->at))
		return ch_error_set(CH_EINVALID,
		                    "已发布的日志头（第 %" PRId64 " 条）的签名对公钥 %s 无效",
		                    h->seq, key);
	rc = ch_db_query_text(ctx->db, &hash, "SELECT hash FROM audit_log WHERE seq = ?", "i",
	                      h->seq);
	if (rc == CH_ENOTFOUND)
		return ch_error_set(CH_EINVALID,
		                    "已发布的日志头是第 %" PRId64 " 条记录，数据库里没有这一条："
		                    "审计日志被截断",
		                    h->seq);
	if (rc)
		return rc;
	if (strcmp(hash, h->hash) != 0)
		rc = ch_error_set(CH_EINVALID,
		                  "第 %" PRId64
		                  " 条审计记录的哈希与已发布的日志头不符：审计日志被改写过",
		                  h->seq);
	free(hash);
	return rc;
}
