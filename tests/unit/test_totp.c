/*
 * test_totp — the one-time password computation: SHA-1 (FIPS 180 examples),
 * HMAC-SHA1 (RFC 2202), HOTP (RFC 4226 appendix D), TOTP (RFC 6238
 * appendix B, the SHA-1 rows), base32 (RFC 4648 section 10), and the check
 * that accepts a code once within a window of one step either side; then
 * core's sign-in with it: enrolment, a session that may only enrol, codes
 * used once, recovery codes, tokens for a role that requires the factor,
 * and the reset.
 */
#include "testdb.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/auth.h"
#include "core/user.h"
#include "util/totp.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void test_sha1(void **state)
{
	(void)state;
	unsigned char d[20];
	char h[41];
	ch_sha1("abc", 3, d);
	hex(d, 20, h);
	assert_string_equal(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ch_sha1(two, strlen(two), d);
	hex(d, 20, h);
	assert_string_equal(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	ch_sha1("", 0, d);
	hex(d, 20, h);
	assert_string_equal(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	static char million[1000000];
	memset(million, 'a', sizeof million);
	ch_sha1(million, sizeof million, d);
	hex(d, 20, h);
	assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void test_hmac_sha1_rfc2202(void **state)
{
	(void)state;
	unsigned char key[80], d[20], data[50];
	char h[41];
	memset(key, 0x0b, 20);
	ch_hmac_sha1(key, 20, "Hi There", 8, d);
	hex(d, 20, h);
	assert_string_equal(h, "b617318655057264e28bc0b6fb378c8ef146be00");
	ch_hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, d);
	hex(d, 20, h);
	assert_string_equal(h, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	ch_hmac_sha1(key, 20, data, 50, d);
	hex(d, 20, h);
	assert_string_equal(h, "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
	/* a key longer than the block is hashed first */
	memset(key, 0xaa, 80);
	const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
	ch_hmac_sha1(key, 80, big, strlen(big), d);
	hex(d, 20, h);
	assert_string_equal(h, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

static void test_hotp_rfc4226(void **state)
{
	(void)state;
	static const uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
	                                254676, 287922, 162583, 399871, 520489};
	const unsigned char *key = (const unsigned char *)"12345678901234567890";
	for (uint64_t c = 0; c < 10; c++)
		assert_int_equal(ch_hotp(key, 20, c, 6), want[c]);
}

static void test_totp_rfc6238(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
	    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
	    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	};
	const unsigned char *key = (const unsigned char *)"12345678901234567890";
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char got[9];
		snprintf(got, sizeof got, "%08u",
		         (unsigned)ch_hotp(key, 20, (uint64_t)ch_totp_step(v[i].t), 8));
		assert_string_equal(got, v[i].code);
	}
	/* the 6-digit codes apps show are the last six of the same value */
	assert_int_equal(ch_hotp(key, 20, (uint64_t)ch_totp_step(59), 6), 287082);
}

static void test_base32(void **state)
{
	(void)state;
	char out[64];
	unsigned char back[32];
	assert_int_equal(ch_base32_encode((const unsigned char *)"foobar", 6, out, sizeof out), 10);
	assert_string_equal(out, "MZXW6YTBOI");
	assert_int_equal(ch_base32_encode((const unsigned char *)"f", 1, out, sizeof out), 2);
	assert_string_equal(out, "MY");
	assert_int_equal(ch_base32_decode("mzxw6ytboi======", back, sizeof back), 6);
	assert_memory_equal(back, "foobar", 6);
	assert_int_equal(ch_base32_decode("MZXW1", back, sizeof back), -1);
	assert_int_equal(ch_base32_decode("MZXW6YTBOI", back, 3), -1);
	/* a secret of CH_TOTP_SECRET_LEN bytes fits CH_TOTP_B32_LEN */
	unsigned char key[CH_TOTP_SECRET_LEN];
	memset(key, 0xff, sizeof key);
	assert_int_equal(ch_base32_encode(key, sizeof key, out, CH_TOTP_B32_LEN),
	                 CH_TOTP_B32_LEN - 1);
	assert_int_equal(ch_base32_encode(key, sizeof key, out, CH_TOTP_B32_LEN - 1), 0);
}

static void test_totp_check_window_and_replay(void **state)
{
	(void)state;
	const unsigned char *key = (const unsigned char *)"12345678901234567890";
	char code[7];
	int64_t step = ch_totp_step(1234567890);
	snprintf(code, sizeof code, "%06u", (unsigned)ch_hotp(key, 20, (uint64_t)step, 6));
	assert_int_equal(ch_totp_check(key, 20, code, step, 0), step);
	/* one step either side is accepted, two are not */
	assert_int_equal(ch_totp_check(key, 20, code, step + 1, 0), step);
	assert_int_equal(ch_totp_check(key, 20, code, step - 1, 0), step);
	assert_int_equal(ch_totp_check(key, 20, code, step + 2, 0), -1);
	assert_int_equal(ch_totp_check(key, 20, code, step - 2, 0), -1);
	/* once its step is recorded as used, the same code is refused */
	assert_int_equal(ch_totp_check(key, 20, code, step, step), -1);
	assert_int_equal(ch_totp_check(key, 20, code, step + 1, step), -1);
	/* malformed codes never match */
	assert_int_equal(ch_totp_check(key, 20, "12345", step, 0), -1);
	assert_int_equal(ch_totp_check(key, 20, "1234567", step, 0), -1);
	assert_int_equal(ch_totp_check(key, 20, "", step, 0), -1);
	code[0] = code[0] == '9' ? '0' : (char)(code[0] + 1);
	assert_int_equal(ch_totp_check(key, 20, code, step, 0), -1);
}

/* The code of base32 SECRET at STEP. */
static void code_at(const char *secret, int64_t step, char out[7])
{
	unsigned char key[CH_TOTP_SECRET_LEN];
	assert_int_equal(ch_base32_decode(secret, key, sizeof key), CH_TOTP_SECRET_LEN);
	snprintf(out, 7, "%06u", (unsigned)ch_hotp(key, sizeof key, (uint64_t)step, 6));
}

static int signin(ch_ctx *anon, const char *code, struct ch_signin_factor *f)
{
	char session[CH_SECRET_HEX + 1], csrf[CH_SECRET_HEX + 1];
	struct ch_auth_limits l;
	ch_auth_limits_default(&l);
	l.failures_to_lock = 100;
	*f = (struct ch_signin_factor){.code = code};
	int rc = ch_auth_signin(anon, "fin", "fin-password-1", "unit", ch_totp_clock(), &l, f,
	                        session, csrf);
	ch_error_clear();
	return rc;
}

static void test_signin_with_second_factor(void **state)
{
	(void)state;
	char *dir = test_tmpdir(), url[4200], secret[CH_TOTP_B32_LEN], code[7];
	char recovery[CH_RECOVERY_CODES][CH_RECOVERY_LEN + 1],
	    token[sizeof CH_TOKEN_PREFIX + CH_SECRET_HEX];
	char *uri = NULL;
	ch_ctx *ctx, *anon;
	struct ch_signin_factor f;
	int64_t id = 0;
	int removed = 0;
	assert_int_equal(test_db_open(dir, "t.db", url, sizeof url, &ctx), 0);
	assert_int_equal(ch_user_add(ctx, "fin", CH_ROLE_FINANCE, NULL), 0);
	assert_int_equal(ch_user_set_password(ctx, "fin", "fin-password-1"), 0);
	assert_int_equal(ch_ctx_open_anonymous(&anon, url), 0);
	assert_true(ch_role_requires_totp(CH_ROLE_FINANCE));
	assert_false(ch_role_requires_totp(CH_ROLE_COUNTY_OPERATOR));

	/* not enrolled yet: a session that may only enrol */
	assert_int_equal(signin(anon, NULL, &f), 0);
	assert_true(f.enrol_only);
	assert_false(f.enrolled);

	/* enrol: begin stores nothing, a wrong code is refused, a right one enrols */
	assert_int_equal(ch_totp_begin(ctx, "fin", secret, &uri), 0);
	assert_non_null(strstr(uri, "otpauth://totp/cleanheat:fin?secret="));
	assert_non_null(strstr(uri, secret));
	free(uri);
	int64_t step = ch_totp_step(ch_totp_clock());
	assert_int_equal(ch_totp_confirm(ctx, "fin", secret, "000000", recovery), CH_EINVALID);
	ch_error_clear();
	code_at(secret, step, code);
	assert_int_equal(ch_totp_confirm(ctx, "fin", secret, code, recovery), 0);
	assert_int_equal(strlen(recovery[0]), CH_RECOVERY_LEN);
	assert_int_equal(ch_totp_begin(ctx, "fin", secret, &uri), CH_ECONFLICT);
	ch_error_clear();

	/* the code is needed; the one enrolment used does not work again */
	assert_int_equal(signin(anon, NULL, &f), CH_EDENIED);
	assert_true(f.totp_required);
	assert_int_equal(signin(anon, code, &f), CH_EDENIED);
	assert_true(f.totp_required);
	code_at(secret, step + 1, code);
	assert_int_equal(signin(anon, code, &f), 0);
	assert_true(f.enrolled);
	assert_false(f.enrol_only);
	assert_int_equal(signin(anon, code, &f), CH_EDENIED);

	/* a recovery code works once */
	assert_int_equal(signin(anon, recovery[3], &f), 0);
	assert_int_equal(signin(anon, recovery[3], &f), CH_EDENIED);
	assert_true(f.totp_required);

	/* a token for a role that requires the factor needs a fresh one */
	ch_ctx_set_factor(ctx, 0);
	assert_int_equal(ch_token_create(ctx, "fin", 0, token, &id), CH_EDENIED);
	ch_error_clear();
	ch_ctx_set_factor(ctx, 1);
	assert_int_equal(ch_token_create(ctx, "fin", 0, token, &id), 0);

	/* reset: enrol-only again */
	assert_int_equal(ch_totp_reset(ctx, "fin", &removed), 0);
	assert_true(removed);
	assert_int_equal(ch_totp_reset(ctx, "fin", &removed), 0);
	assert_false(removed);
	assert_int_equal(signin(anon, NULL, &f), 0);
	assert_true(f.enrol_only);

	ch_ctx_free(anon);
	ch_ctx_free(ctx);
	test_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha1),
	    cmocka_unit_test(test_hmac_sha1_rfc2202),
	    cmocka_unit_test(test_hotp_rfc4226),
	    cmocka_unit_test(test_totp_rfc6238),
	    cmocka_unit_test(test_base32),
	    cmocka_unit_test(test_totp_check_window_and_replay),
	    cmocka_unit_test(test_signin_with_second_factor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
