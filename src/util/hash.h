/*
 * hash — BLAKE2b-256 digests as lowercase hex (libsodium).
 *
 * Used for the audit chain, for recognising a file imported before, and
 * (later) for content-addressed evidence.
 */
#ifndef CH_UTIL_HASH_H
#define CH_UTIL_HASH_H

#include <stddef.h>

#define CH_HASH_HEX_LEN 64

/* Incremental hashing; the state is caller-owned. */
typedef struct ch_hash {
	unsigned char state[384]; /* crypto_generichash_state, aligned below */
} __attribute__((aligned(64))) ch_hash;

void ch_hash_init(ch_hash *h);
void ch_hash_update(ch_hash *h, const void *data, size_t len);
/* Writes 64 hex digits and a NUL into OUT. */
void ch_hash_final(ch_hash *h, char out[CH_HASH_HEX_LEN + 1]);
/* One-shot digest of DATA. */
void ch_hash_hex(const void *data, size_t len, char out[CH_HASH_HEX_LEN + 1]);

/* Digest of the whole file PATH. CH_ENOTFOUND if it cannot be opened,
 * CH_ERROR if reading fails. */
int ch_hash_file(const char *path, char out[CH_HASH_HEX_LEN + 1]);

#endif
