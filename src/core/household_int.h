/*
 * household_int — what household.c (which writes the register) and
 * household_query.c (which reads it) share, for src/core/ only: the SQL
 * that makes a household's place in the list order (household.list_key)
 * and its entry in the search index (household_search), both made by
 * migration 0009_household_search.sql, which uses the same expressions.
 */
#ifndef CH_CORE_HOUSEHOLD_INT_H
#define CH_CORE_HOUSEHOLD_INT_H

/* The start of list_key for a household in county ?1, township ?2,
 * village ?3 (NULL: none): the three fields each followed by char(1),
 * which sorts before anything they hold, so the keys sort as the fields
 * do; the 户编号 and char(1) complete it. */
#define HH_LIST_PREFIX_SQL                                                                         \
	"SELECT coalesce(c.code, '') || char(1) || t.name || char(1) || coalesce(v.name, '')"      \
	" || char(1) FROM region c JOIN region t ON t.id = ?2"                                     \
	" LEFT JOIN region v ON v.id = ?3 WHERE c.id = ?1"

/* The separator of list_key's fields. */
#define HH_LIST_SEP "\x01"

/* The search index's columns and, for a row of household (or of a table
 * with its columns), their values: the name and the address as they are;
 * the name's first HH_GRAM_CHARS characters each between two HH_GRAM_MARK,
 * so that each character and each pair of neighbours is a trigram; the ID
 * number's and the phone's last HH_TAIL_CHARS characters followed by
 * HH_TAIL_MARK. Migration 0009 writes the same. */
#define HH_SEARCH_COLS "name, address, name_grams, id_tail, phone_tail"
#define HH_SEARCH_VALS                                                                             \
	"head_name, address, rtrim(char(2) || substr(head_name, 1, 1) || char(2)"                  \
	" || substr(head_name, 2, 1) || char(2) || substr(head_name, 3, 1) || char(2)"             \
	" || substr(head_name, 4, 1) || char(2), char(2)) || char(2),"                             \
	" substr(id_number, -4) || char(3), substr(phone, -4) || char(3)"
#define HH_GRAM_MARK      "\x02"
#define HH_GRAM_CHARS     4
#define HH_GRAM_CHARS_SQL "4"
#define HH_TAIL_MARK      "\x03"
#define HH_TAIL_CHARS     4

#endif
