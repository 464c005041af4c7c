/*
 * household_int — what household.c (which writes the register) and
 * household_query.c (which reads it) share, for src/core/ only: the SQL
 * that makes a household's place in the list order (household.list_key)
 * and its entry in the search index (household_search), both made by
 * migration 0009_household_search.sql, which uses the same expressions.
 */
#ifndef CH_CORE_HOUSEHOLD_INT_H
#define CH_CORE_HOUSEHOLD_INT_H

/* The separator of list_key's fields. */
#define HH_LIST_SEP "\x01"

/* The start of list_key for a household in county ?1, township ?2,
 * village ?3 (NULL: none): the three fields each followed by HH_LIST_SEP
 * (char(1)), which sorts before anything they hold, so the keys sort as
 * the fields do; the 户编号 and HH_LIST_SEP complete it. The separator is
 * a literal in the SQL, which both dialects take (SQLite's char(1) is
 * PostgreSQL's chr(1)). */
#define HH_LIST_PREFIX_SQL                                                                         \
	"SELECT coalesce(c.code, '') || '" HH_LIST_SEP "' || t.name || '" HH_LIST_SEP              \
	"' || coalesce(v.name, '') || '" HH_LIST_SEP "' FROM region c JOIN region t ON t.id = ?2"  \
	" LEFT JOIN region v ON v.id = ?3 WHERE c.id = ?1"

/* The search index's columns and, for a row of household (or of a table
 * with its columns), their values: the name and the address as they are;
 * the name's first HH_GRAM_CHARS characters each between two HH_GRAM_MARK,
 * so that each character and each pair of neighbours is a trigram; the ID
 * number's and the phone's last HH_TAIL_CHARS characters followed by
 * HH_TAIL_MARK. Migration 0009 writes the same; PostgreSQL's index
 * (pg/0017) holds the same texts in one. */
#define HH_GRAM_MARK      "\x02"
#define HH_GRAM_CHARS     4
#define HH_GRAM_CHARS_SQL "4"
#define HH_TAIL_MARK      "\x03"
#define HH_TAIL_CHARS     4
#define HH_SEARCH_COLS    "name, address, name_grams, id_tail, phone_tail"
#define HH_GM             "'" HH_GRAM_MARK "'"
#define HH_TAIL_SQL(col)                                                                           \
	"CASE WHEN length(" col ") > 4 THEN substr(" col ", length(" col ") - 3) ELSE " col        \
	" END || '" HH_TAIL_MARK "'"
#define HH_SEARCH_VALS                                                                             \
	"head_name, address, rtrim(" HH_GM " || substr(head_name, 1, 1) || " HH_GM                 \
	" || substr(head_name, 2, 1) || " HH_GM " || substr(head_name, 3, 1) || " HH_GM            \
	" || substr(head_name, 4, 1) || " HH_GM ", " HH_GM ") || " HH_GM                           \
	", " HH_TAIL_SQL("id_number") ", " HH_TAIL_SQL("phone")

/* True in SQL when rows A and B (table names or aliases) give the same
 * search values (HH_SEARCH_VALS): the same name and address, and the same
 * tails of the ID number and the phone. */
#define HH_SEARCH_SAME(a, b)                                                                       \
	a ".head_name IS NOT DISTINCT FROM " b ".head_name AND " a                                 \
	  ".address IS NOT DISTINCT FROM " b                                                       \
	  ".address AND (" HH_TAIL_SQL(a ".id_number") ") IS NOT DISTINCT FROM (" HH_TAIL_SQL(     \
	      b ".id_number") ") AND (" HH_TAIL_SQL(a ".phone") ") IS NOT DISTINCT FROM "          \
	                                                        "(" HH_TAIL_SQL(b ".phone") ")"

#endif
