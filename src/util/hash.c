/*
 * hash — BLAKE2b-256 through libsodium (see hash.h).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "util/error.h"
#include "util/hash.h"

_Static_assert(sizeof(((ch_hash *)0)->state) >= sizeof(crypto_generichash_state),
               "ch_hash too small for crypto_generichash_state");

void ch_hash_init(ch_hash *h)
{
	if (sodium_init() < 0)
		assert(!"libsodium failed to initialise");
	crypto_generichash_init((crypto_generichash_state *)h->state, NULL, 0, 32);
}

void ch_hash_update(ch_hash *h, const void *data, size_t len)
{
	crypto_generichash_update((crypto_generichash_state *)h->state, data, len);
}

void ch_hash_final(ch_hash *h, char out[CH_HASH_HEX_LEN + 1])
{
	unsigned char d[32];
	crypto_generichash_final((crypto_generichash_state *)h->state, d, sizeof d);
	sodium_bin2hex(out, CH_HASH_HEX_LEN + 1, d, sizeof d);
}

void ch_hash_hex(const void *data, size_t len, char out[CH_HASH_HEX_LEN + 1])
{
	ch_hash h;
	ch_hash_init(&h);
	ch_hash_update(&h, data, len);
	ch_hash_final(&h, out);
}

int ch_hash_file(const char *path, char out[CH_HASH_HEX_LEN + 1])
{
	FILE *f = fopen(path, "rb");
	char buf[1 << 16];
	size_t n;
	ch_hash h;
	if (!f)
		return ch_error_set(CH_ENOTFOUND, "cannot open %s: %s", path, strerror(errno));
	ch_hash_init(&h);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		ch_hash_update(&h, buf, n);
	int err = ferror(f);
	fclose(f);
	if (err)
		return ch_error_set(CH_ERROR, "reading %s failed", path);
	ch_hash_final(&h, out);
	return 0;
}
