/*
 * text — UTF-8 text as it arrives from office spreadsheets.
 *
 * Cells typed in Chinese input methods carry full-width digits and letters
 * (１２３, ＡＢＣ), ideographic spaces, thousands separators and stray blanks.
 * Everything here turns such text into one canonical form before it is
 * compared, parsed or stored, and measures it for aligned console output.
 */
#ifndef CH_UTIL_TEXT_H
#define CH_UTIL_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct ch_buf;

/* Decodes one code point from S (at most LEN bytes). Returns the number of
 * bytes used, 0 when LEN is 0, -1 for an invalid sequence and -2 for a
 * sequence cut off by the end of the input. */
int ch_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Writes CP as UTF-8 into OUT (4 bytes of room); returns the byte count. */
int ch_utf8_encode(uint32_t cp, char *out);
/* Number of leading bytes of S that are valid UTF-8. When the input ends in
 * the middle of a sequence, *CUT (if not NULL) is set to 1 and the partial
 * sequence is not counted. */
size_t ch_utf8_valid_prefix(const char *s, size_t len, int *cut);
/* The characters (code points) in S[0, LEN) of UTF-8: the bytes that are
 * not continuation bytes. What the length limits of register text and of
 * a cell count. */
size_t ch_utf8_count(const char *s, size_t len);

/* A new string: full-width ASCII forms (U+FF01..U+FF5E) become ASCII, the
 * ideographic space, no-break space and tabs become spaces, zero-width
 * characters and a BOM are dropped, runs of spaces fold to one and leading
 * and trailing spaces go. S must be valid UTF-8; NULL gives "". */
char *ch_text_normalize(const char *s);
/* The same text appended to B with its NUL (for many fields in one buffer,
 * without an allocation each); returns where in B it starts. */
size_t ch_text_normalize_to(struct ch_buf *b, const char *s);
/* The edit distance between A and B counted in characters (code points):
 * the fewest insertions, deletions and substitutions that turn one into
 * the other (样列镇02 → 样例镇02 is 1). Text past 64 characters is not
 * compared. */
size_t ch_text_distance(const char *a, const char *b);
/* 1 when a spreadsheet would run S as a formula: it begins with = + - @, a
 * tab or a carriage return and is not a sign alone or a plain signed number
 * (-12.50, +3, -12.5%). CSV writers neutralise such cells and importers warn
 * about them. */
int ch_text_formula_like(const char *s);
/* Columns S takes on a terminal: East Asian wide and full-width characters
 * count 2, others 1. */
size_t ch_text_width(const char *s);

enum ch_num_status {
	CH_NUM_OK = 0,      /* a whole number, possibly negative */
	CH_NUM_EMPTY = 1,   /* nothing but blanks */
	CH_NUM_INVALID = 2, /* anything else: letters, fractions, misplaced commas */
};
/* Parses a whole count as offices write it: full-width digits, thousands
 * separators in groups of three ("13,561", "１３，５６１"), surrounding blanks,
 * a leading minus, and a zero fraction (".00") as Excel exports. */
enum ch_num_status ch_text_parse_count(const char *s, int64_t *out);

/* Parses a non-negative decimal with at most DECIMALS places into an
 * integer scaled by 10^DECIMALS ("101.5" with 2 → 10150), after
 * normalising; thousands separators are allowed before the point. Returns
 * CH_NUM_OK, CH_NUM_EMPTY or CH_NUM_INVALID (more places, signs, letters,
 * overflow). */
enum ch_num_status ch_text_parse_fixed(const char *s, int decimals, int64_t *out);

/* 1 when S begins (ends) with PREFIX (SUFFIX). */
int ch_str_starts(const char *s, const char *prefix);
int ch_str_ends(const char *s, const char *suffix);
/* 1 when S equals one of the '|'-separated entries of LIST ("县市|县区"). */
int ch_str_in_list(const char *s, const char *list);
/* 1 when S contains NEEDLE. */
int ch_str_contains(const char *s, const char *needle);
/* The value of hexadecimal digit C (0-9, a-f, A-F), or -1. */
int ch_hex_digit(char c);

/* A stored key and what a reader is shown for it ("card" → "银行卡"). */
typedef struct ch_label {
	const char *key, *label;
} ch_label;
/* The label of KEY in TABLE, which ends with {NULL, NULL}; KEY itself when
 * the table does not hold it. */
const char *ch_label_of(const ch_label *table, const char *key);

/* Appends S to B as a JSON string: in quotes, with '"', '\\' and the
 * control characters escaped, other characters as they are: byte for byte
 * what jansson's json_dumps writes for it (\b \f \n \r \t, else \u00XX
 * in capitals), for a caller that writes a row's JSON without building
 * jansson's objects first. -1, and nothing appended, when S is not valid
 * UTF-8 (which jansson refuses too). */
int ch_text_put_json(struct ch_buf *b, const char *s);

/* V in decimal, written at the end of BUF; returns where it starts. For
 * numbers written for every row of a large file, where snprintf costs
 * more than the rest of the row. */
const char *ch_text_i64(char buf[24], int64_t v);

#endif
