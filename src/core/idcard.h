/*
 * idcard — resident identity numbers (GB 11643) and phone numbers: checking,
 * canonical form, and masking for output.
 *
 * An ID number is 17 digits and a check character (0-9 or X) computed by
 * ISO 7064 MOD 11-2; digits 7-14 are the birth date. Registers still hold
 * old 15-digit numbers (birth year without "19", no check character): they
 * are converted to 18. Excel turns long numbers into floating point
 * (6.52323E+17) and loses the last digits: such a value is recognised and
 * reported as such, since no check can recover it.
 *
 * The same file holds phone numbers (a mobile number, or a landline with
 * its area code) and the masking of bank accounts, because all three are
 * personal data that every output masks.
 */
#ifndef CH_CORE_IDCARD_H
#define CH_CORE_IDCARD_H

#include <stddef.h>

#define CH_ID_LEN 18

/* Checks S and writes its canonical 18-character form (upper-case X) into
 * OUT. Returns 0, or CH_EINVALID with a message giving the reason in
 * Chinese (长度不对, 校验位错误 (应为 N), 出生日期无效, 科学计数法 ...).
 * TODAY ("YYYY-MM-DD", may be NULL) bounds the birth date. */
int ch_idcard_normalize(const char *s, const char *today, char out[CH_ID_LEN + 1]);
/* The check character for the first 17 digits of ID. */
char ch_idcard_check_char(const char *id17);
/* Writes ID masked for output (652323********1234) into OUT. */
void ch_idcard_mask(const char *id, char *out, size_t outsz);

/* Checks a phone number and writes its canonical form into OUT (a mobile
 * as 11 digits; a landline as AREA-NUMBER, e.g. 0994-2345678). Returns 0
 * or CH_EINVALID with the reason in Chinese. */
int ch_phone_normalize(const char *s, char *out, size_t outsz);
/* Writes a phone number masked for output (138****5678, 0994-****678). */
void ch_phone_mask(const char *phone, char *out, size_t outsz);

/* Writes a bank card or 惠农一卡通 account (收款账号) masked for output: its
 * first and last four digits (6230********0001); "****" when it is too
 * short to show any. */
void ch_account_mask(const char *account, char *out, size_t outsz);

#endif
