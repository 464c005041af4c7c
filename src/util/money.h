/*
 * money — amounts of money as int64 fen (分), never floating point.
 *
 * 1 yuan = 100 fen. Parsing accepts what offices type ("1,234.5", "¥800",
 * full-width digits); formatting gives "1,234.50", or the amount in Chinese
 * capitals (大写) for payment lists. Subsidies, costs and
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
/* Writes FEN in Chinese capitals as on a cheque or a payment list (大写):
 * 12345.67 yuan is 壹万贰仟叁佰肆拾伍元陆角柒分, 1005 yuan 壹仟零伍元整, 0.05
 * yuan 伍分, 0 零元整, negative amounts with 负 before. One 零 stands for a
 * run of zeros inside the number, 整 follows whole yuan. Written by the
 * usual rules up to 一万亿 yuan (larger amounts name their groups 万亿, 亿亿).
 * OUT needs 200 bytes for any int64; returns OUT (cut short, still
 * terminated, when OUTSZ is too small). */
char *ch_money_capitals(int64_t fen, char *out, size_t outsz);

#endif
