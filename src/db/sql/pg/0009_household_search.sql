-- cleanheat schema, version 9 (PostgreSQL's form; chr(1) for char(1)):
-- finding households in a register of a million without reading it all (src/core/household_query.c holds the rule
-- a search follows and how it uses what is made here).
--
-- household.list_key is the register's order as one indexed string: the
-- county's code, the township's name, the village's name ('' when none) and
-- the 户编号, each followed by chr(1), which sorts before any character a
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
	SELECT coalesce(c.code, '') || chr(1) || t.name || chr(1) || coalesce(v.name, '')
	       || chr(1) || household.hh_no || chr(1)
	FROM region c JOIN region t ON t.id = household.township_id
	LEFT JOIN region v ON v.id = household.village_id
	WHERE c.id = household.county_id);

-- with the columns the filters and the scope read: a page skips the
-- households they leave out without reading their rows
CREATE INDEX household_list ON household(list_key, county_id, township_id, village_id,
	plan_year, batch, technology);
-- ID numbers of withdrawn households (household_id_active holds the others)
CREATE INDEX household_id_withdrawn ON household(id_number) WHERE status = 'withdrawn';

CREATE FUNCTION household_list_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE household SET list_key = (
		SELECT coalesce(c.code, '') || chr(1) || t.name || chr(1) || coalesce(v.name, '')
		       || chr(1) || household.hh_no || chr(1)
		FROM region c JOIN region t ON t.id = household.township_id
		LEFT JOIN region v ON v.id = household.village_id
		WHERE c.id = household.county_id)
	WHERE county_id = NEW.id OR township_id = NEW.id OR village_id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER household_list_region AFTER UPDATE OF code, name ON region
	FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code OR OLD.name IS DISTINCT FROM NEW.name)
	EXECUTE FUNCTION household_list_region();

-- household_search (SQLite's FTS5 trigram table) has no PostgreSQL form
-- yet: searching the register by name, address or number tails is one of
-- the commands that do not run on PostgreSQL (docs/architecture.md).
