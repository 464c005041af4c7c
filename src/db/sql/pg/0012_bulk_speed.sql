-- cleanheat schema, version 12 (PostgreSQL form of ../0012_bulk_speed.sql).
--
-- household.withdrawn is 1 for a withdrawn household and 0 for any other.
-- The ID-number indexes are partial on it instead of on status, as on
-- SQLite, so that the same queries (which name withdrawn) find them. Here a
-- BEFORE trigger keeps it, on insert as well as on update: PostgreSQL does
-- not rewrite index entries for an UPDATE that leaves their columns alone,
-- and a row trigger costs little beside the statement.
ALTER TABLE household ADD COLUMN withdrawn bigint NOT NULL DEFAULT 0;
UPDATE household SET withdrawn = 1 WHERE status = 'withdrawn';

DROP INDEX household_id_active;
CREATE UNIQUE INDEX household_id_active ON household(id_number) WHERE withdrawn = 0;
DROP INDEX household_id_withdrawn;
CREATE INDEX household_id_withdrawn ON household(id_number) WHERE withdrawn = 1;

CREATE FUNCTION ch_household_withdrawn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.withdrawn := CASE WHEN NEW.status = 'withdrawn' THEN 1 ELSE 0 END;
	RETURN NEW;
END $$;
CREATE TRIGGER household_withdrawn_update BEFORE INSERT OR UPDATE OF status ON household
	FOR EACH ROW EXECUTE FUNCTION ch_household_withdrawn();
