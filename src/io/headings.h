/*
 * headings — the column headings the importers recognise.
 *
 * Counties head the same column in many ways (户主, 户主姓名, 姓名 ...), and
 * banks theirs (流水号, 交易流水号 ...). Which headings name which field, for
 * each kind of file, is data: data/register/headings.csv (columns kind,
 * field, heading), compiled into the binary and parsed once, on first use.
 * It is not loaded into the database. Readers look a heading up after
 * ch_text_normalize (household ledgers also without a unit in parentheses),
 * so the file writes headings in that form: ASCII parentheses, single
 * spaces.
 */
#ifndef CH_IO_HEADINGS_H
#define CH_IO_HEADINGS_H

#include <stddef.h>

/* The embedded file's path. */
#define CH_HEADINGS_FILE "data/register/headings.csv"

/* Parses the embedded file if that has not been done yet. Returns 0, or
 * CH_ERROR naming the file when it is missing or malformed (a broken
 * build); readers call it before their first ch_headings_find. Safe to call
 * from several threads. */
int ch_headings_load(void);

/* The field heading H names in a file of KIND ("household", "event",
 * "region", "bank_return"): its index in KEYS[0..NKEYS), the field keys the
 * caller reads (the file's field column), or -1 when H names none of them
 * or the file could not be parsed. The first row of the file that matches
 * with a field in KEYS counts. */
int ch_headings_find(const char *kind, const char *h, const char *const *keys, size_t nkeys);

#endif
