-- cleanheat schema, version 17 (PostgreSQL): the search index of the
-- register, PostgreSQL's form of SQLite's FTS5 table household_search
-- (../0009_household_search.sql; src/core/household_query.c holds the
-- rule a search follows).
--
-- A search first asks the index for candidates, a superset of the
-- households the rule finds, then checks each of them against the
-- household itself; so the index only has to hold, somewhere in one text
-- per household, what SQLite's index holds in its columns: the name and
-- the address; the name's first four characters each between two chr(2)
-- (a character or a pair of neighbours of a name of one or two
-- characters); the last four characters of the ID number and of the
-- phone, each followed by chr(3). ch_household_search_doc joins them with
-- chr(1), and a pg_trgm GIN index over it answers `doc LIKE '%...%'`
-- (ch_db_text_match) from the trigrams of the text sought.
--
-- The index is over household itself, not a table of its own: it follows
-- every insert and update (an import, a step, a withdrawal, a copy) by
-- itself, where SQLite's contentless FTS5 table is written by the import
-- (ch_db_text_index does nothing here). household_search is the view the
-- queries read, (id, doc), its doc the indexed expression, so that the
-- planner uses the index.
--
-- pg_trgm is a contrib extension shipped with PostgreSQL (Debian's
-- postgresql-15) and trusted: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION ch_household_search_doc(head_name text, address text, id_number text,
	phone text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(head_name, '') || chr(1) || coalesce(address, '') || chr(1)
	|| rtrim(chr(2) || substr(coalesce(head_name, ''), 1, 1) || chr(2)
	         || substr(coalesce(head_name, ''), 2, 1) || chr(2)
	         || substr(coalesce(head_name, ''), 3, 1) || chr(2)
	         || substr(coalesce(head_name, ''), 4, 1) || chr(2), chr(2)) || chr(2) || chr(1)
	|| coalesce(right(id_number, 4), '') || chr(3) || chr(1)
	|| coalesce(right(phone, 4), '') || chr(3);

CREATE INDEX household_search_doc ON household
	USING gin (ch_household_search_doc(head_name, address, id_number, phone) gin_trgm_ops);

CREATE VIEW household_search AS
	SELECT id, ch_household_search_doc(head_name, address, id_number, phone) AS doc
	FROM household;
