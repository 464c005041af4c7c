-- cleanheat schema, version 12: the bulk paths at the storage engine's
-- speed (docs/performance.md).
--
-- household.withdrawn is 1 for a withdrawn household (status 'withdrawn')
-- and 0 for any other, kept so by the trigger below. The ID-number indexes
-- (one active record per person; the withdrawn records) are partial on it
-- instead of on status: SQLite rewrites the entry of every partial index
-- whose condition names a column an UPDATE sets, and every construction
-- step sets the household's status, so with status in their condition
-- each step deleted and inserted the household's ID-number entry (a
-- random key: at a million households, pages out of the cache). A step now
-- leaves both indexes alone; the trigger changes withdrawn, and with it
-- the entries, only when a household withdraws or comes back. Queries
-- that look an ID number up name withdrawn, so that they use the indexes.
--
-- A household is inserted registered (status's default; withdrawn's
-- default is 0): nothing inserts one withdrawn, and a trigger on every
-- insert would cost an import of a million rows a million trigger calls.
-- An insert that gave status 'withdrawn' would have to give withdrawn = 1.
ALTER TABLE household ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
UPDATE household SET withdrawn = 1 WHERE status = 'withdrawn';

DROP INDEX household_id_active;
CREATE UNIQUE INDEX household_id_active ON household(id_number) WHERE withdrawn = 0;
DROP INDEX household_id_withdrawn;
CREATE INDEX household_id_withdrawn ON household(id_number) WHERE withdrawn = 1;

CREATE TRIGGER household_withdrawn_update AFTER UPDATE OF status ON household
WHEN (new.status = 'withdrawn') <> new.withdrawn
BEGIN
	UPDATE household SET withdrawn = (new.status = 'withdrawn') WHERE id = new.id;
END;
