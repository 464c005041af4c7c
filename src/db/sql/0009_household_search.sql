-- cleanheat schema, version 9: finding households in a register of a
-- million without reading it all (src/core/household_query.c holds the rule
-- a search follows and how it uses what is made here).
--
-- household.list_key is the register's order as one indexed string: the
-- county's code, the township's name, the village's name ('' when none) and
-- the 户编号, each followed by char(1), which sorts before any character a
-- name or 户编号 holds, so the strings sort as the four fields do. A page of
-- the list, a region's households and the page after a given household are
-- ranges of the index household_list. core/household.c writes it with every
-- household it stores; a trigger follows a region renamed.
--
-- household_search is an FTS5 table with the trigram tokenizer (SQLite
-- 3.34 and later), contentless and with detail=none: it only tells which
-- households hold every three-character piece of a query, and the query
-- then checks each of them against the household itself. Columns: name
-- (户主姓名) and address (地址), for three characters or more anywhere in
-- them; name_grams, the name's first four characters each between two
-- char(2), so that each character and each pair of neighbours is a
-- trigram (for one or two characters of a name); id_tail and
-- phone_tail, the last four characters of the ID number and the phone
-- followed by char(3), for a number's last digits. ID numbers, phones and
-- 户编号 are found by their beginning through the household table's B-tree
-- indexes. core/household.c fills it at the end of each import in one
-- statement (FTS5 writes a segment per statement, so a trigger firing per
-- row would write a million of them).

ALTER TABLE household ADD COLUMN list_key TEXT;

UPDATE household SET list_key = (
	SELECT coalesce(c.code, '') || char(1) || t.name || char(1) || coalesce(v.name, '')
	       || char(1) || household.hh_no || char(1)
	FROM region c JOIN region t ON t.id = household.township_id
	LEFT JOIN region v ON v.id = household.village_id
	WHERE c.id = household.county_id);

-- with the columns the filters and the scope read: a page skips the
-- households they leave out without reading their rows
CREATE INDEX household_list ON household(list_key, county_id, township_id, village_id,
	plan_year, batch, technology);
-- ID numbers of withdrawn households (household_id_active holds the others)
CREATE INDEX household_id_withdrawn ON household(id_number) WHERE status = 'withdrawn';

CREATE TRIGGER household_list_region AFTER UPDATE OF code, name ON region
WHEN old.code IS NOT new.code OR old.name IS NOT new.name
BEGIN
	UPDATE household SET list_key = (
		SELECT coalesce(c.code, '') || char(1) || t.name || char(1) || coalesce(v.name, '')
		       || char(1) || household.hh_no || char(1)
		FROM region c JOIN region t ON t.id = household.township_id
		LEFT JOIN region v ON v.id = household.village_id
		WHERE c.id = household.county_id)
	WHERE county_id = new.id OR township_id = new.id OR village_id = new.id;
END;

CREATE VIRTUAL TABLE household_search USING fts5(name, address, name_grams, id_tail,
	phone_tail, content = '', tokenize = 'trigram case_sensitive 1', detail = none,
	columnsize = 0);
-- fewer merges while an import fills it (a quarter less work), a few more
-- segments to read per query
INSERT INTO household_search(household_search, rank) VALUES ('crisismerge', 64);
INSERT INTO household_search(household_search, rank) VALUES ('automerge', 16);

-- the same values as core/household.c writes (HH_SEARCH_VALS)
INSERT INTO household_search(rowid, name, address, name_grams, id_tail, phone_tail)
SELECT id, head_name, address,
       rtrim(char(2) || substr(head_name, 1, 1) || char(2) || substr(head_name, 2, 1)
             || char(2) || substr(head_name, 3, 1) || char(2) || substr(head_name, 4, 1)
             || char(2), char(2)) || char(2),
       substr(id_number, -4) || char(3), substr(phone, -4) || char(3)
FROM household;
