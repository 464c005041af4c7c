/*
 * totp — time-based one-time passwords (RFC 6238 over RFC 4226's HOTP):
 * HMAC-SHA1 of the 30-second step, truncated to 6 decimal digits, as every
 * authenticator app computes them; and the base32 (RFC 4648) form in which
 * an app is given the secret.
 *
 * SHA-1 and HMAC-SHA1 are here because libsodium has no SHA-1; they serve
 * only this computation (RFC 2202's and RFC 6238's vectors are the unit
 * tests). Nothing here touches the database or the clock.
 */
#ifndef CH_UTIL_TOTP_H
#define CH_UTIL_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define CH_TOTP_STEP       30 /* seconds */
#define CH_TOTP_DIGITS     6
#define CH_TOTP_SECRET_LEN 20 /* bytes: 160 bits, as RFC 4226 recommends */
/* base32 of CH_TOTP_SECRET_LEN bytes, without padding, and a NUL */
#define CH_TOTP_B32_LEN 33

/* The SHA-1 digest of DATA. */
void ch_sha1(const void *data, size_t len, unsigned char out[20]);
/* HMAC-SHA1 (RFC 2104) of DATA under KEY. */
void ch_hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
                  unsigned char out[20]);
/* The HOTP value (RFC 4226) of KEY at COUNTER with DIGITS digits (6 to 8). */
uint32_t ch_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits);
/* The step a unix time falls in: T / CH_TOTP_STEP. */
int64_t ch_totp_step(int64_t unix_time);

/* Writes KEY as base32 without padding (A-Z2-7) into OUT of N bytes;
 * returns the length, or 0 when it does not fit. */
size_t ch_base32_encode(const unsigned char *key, size_t keylen, char *out, size_t n);
/* Reads base32 TEXT (upper or lower case, '=' padding and spaces ignored)
 * into OUT of N bytes; returns the number of bytes, or -1 for a character
 * outside the alphabet or too long a text. */
long ch_base32_decode(const char *text, unsigned char *out, size_t n);

/* When CODE (exactly CH_TOTP_DIGITS digits) is the code of KEY at one of
 * the steps STEP-1, STEP, STEP+1 later than AFTER (the last step already
 * accepted: each code works once), returns that step; else -1. Every step
 * of the window is computed and compared in constant time. */
int64_t ch_totp_check(const unsigned char *key, size_t keylen, const char *code, int64_t step,
                      int64_t after);

#endif
