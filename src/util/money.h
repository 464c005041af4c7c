/*
 * money — amounts of money as int64 fen (分), never floating point.
 *
 * 1 yuan = 100 fen. Parsing accepts what offices type ("1,234.5", "¥800",
 * full-width digits); formatting gives "1,234.50". Subsidies, costs and
 * ledger postings all go through here so that rounding never happens.
 */
#ifndef CH_UTIL_MONEY_H
#define CH_UTIL_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Parses a yuan amount with at most two decimals into fen. Returns 0, or
 * CH_EINVALID (with a message) for anything else, including more than two
 * decimals and overflow. */
int ch_money_parse(const char *s, int64_t *fen);
/* Writes FEN as yuan with thousands separators and two decimals into OUT
 * (at least 32 bytes) and returns OUT. */
char *ch_money_format(int64_t fen, char *out, size_t outsz);

#endif
