/*
 * totp — SHA-1, HMAC-SHA1, HOTP/TOTP and base32 (see totp.h).
 *
 * SHA-1 follows FIPS 180-4 directly: big-endian words, 80 rounds, one
 * 64-byte block at a time.
 */
#include <sodium.h>
#include <string.h>

#include "util/totp.h"

struct sha1 {
	uint32_t h[5];
	uint64_t len; /* bytes so far */
	unsigned char block[64];
	size_t used;
};

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e;
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5A827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ED9EBA1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
		else
			f = b ^ c ^ d, k = 0xCA62C1D6;
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
	static const uint32_t h0[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	memcpy(s->h, h0, sizeof h0);
	s->len = 0;
	s->used = 0;
}

static void sha1_update(struct sha1 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	s->len += len;
	while (len) {
		size_t take = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->block + s->used, p, take);
		s->used += take, p += take, len -= take;
		if (s->used == 64) {
			sha1_block(s, s->block);
			s->used = 0;
		}
	}
}

static void sha1_final(struct sha1 *s, unsigned char out[20])
{
	unsigned char pad[72] = {0x80};
	uint64_t bits = s->len * 8;
	size_t padlen = s->used < 56 ? 56 - s->used : 120 - s->used;
	unsigned char len_be[8];
	for (int i = 0; i < 8; i++)
		len_be[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, pad, padlen);
	sha1_update(s, len_be, 8);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
	sodium_memzero(s, sizeof *s);
}

void ch_sha1(const void *data, size_t len, unsigned char out[20])
{
	struct sha1 s;
	sha1_init(&s);
	sha1_update(&s, data, len);
	sha1_final(&s, out);
}

void ch_hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
                  unsigned char out[20])
{
	unsigned char k[64] = {0}, ipad[64], opad[64], inner[20];
	struct sha1 s;
	if (keylen > 64)
		ch_sha1(key, keylen, k);
	else if (keylen)
		memcpy(k, key, keylen);
	for (int i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha1_init(&s);
	sha1_update(&s, ipad, 64);
	sha1_update(&s, data, len);
	sha1_final(&s, inner);
	sha1_init(&s);
	sha1_update(&s, opad, 64);
	sha1_update(&s, inner, 20);
	sha1_final(&s, out);
	sodium_memzero(k, sizeof k);
	sodium_memzero(ipad, sizeof ipad);
	sodium_memzero(opad, sizeof opad);
}

uint32_t ch_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
	unsigned char msg[8], mac[20];
	for (int i = 0; i < 8; i++)
		msg[i] = (unsigned char)(counter >> (56 - 8 * i));
	ch_hmac_sha1(key, keylen, msg, sizeof msg, mac);
	int off = mac[19] & 0x0f;
	uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	               (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	sodium_memzero(mac, sizeof mac);
	return bin % mod;
}

int64_t ch_totp_step(int64_t unix_time)
{
	return unix_time < 0 ? 0 : unix_time / CH_TOTP_STEP;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t ch_base32_encode(const unsigned char *key, size_t keylen, char *out, size_t n)
{
	size_t need = (keylen * 8 + 4) / 5, o = 0;
	if (need + 1 > n)
		return 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < keylen; i++) {
		acc = (acc << 8) | key[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return o;
}

long ch_base32_decode(const char *text, unsigned char *out, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (const char *p = text; *p; p++) {
		int c = *p, v;
		if (c == '=' || c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= '2' && c <= '7')
			v = c - '2' + 26;
		else
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= n)
				return -1;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (long)o;
}

int64_t ch_totp_check(const unsigned char *key, size_t keylen, const char *code, int64_t step,
                      int64_t after)
{
	char want[CH_TOTP_DIGITS + 1];
	int64_t found = -1;
	int shaped = strlen(code) == CH_TOTP_DIGITS;
	for (int i = 0; i < CH_TOTP_DIGITS && shaped; i++)
		shaped = code[i] >= '0' && code[i] <= '9';
	for (int64_t s = step - 1; s <= step + 1; s++) {
		uint32_t v = ch_hotp(key, keylen, (uint64_t)(s < 0 ? 0 : s), CH_TOTP_DIGITS);
		for (int i = CH_TOTP_DIGITS - 1; i >= 0; i--, v /= 10)
			want[i] = (char)('0' + v % 10);
		int same = shaped && sodium_memcmp(want, code, CH_TOTP_DIGITS) == 0;
		/* the earliest matching step is the one to record; later ones are
		 * a different code anyway */
		if (same && s > after && found < 0)
			found = s;
	}
	sodium_memzero(want, sizeof want);
	return found;
}
