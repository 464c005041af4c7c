-- cleanheat schema, version 23 (PostgreSQL form of ../0023_person.sql): the
-- national ID-number rule in a table of its own.
--
-- A household may not be active twice: one ID number, one active record in
-- the whole programme (a withdrawn record may share it). Until now the
-- unique index household_id_active over household(id_number) kept that.
-- On Citus the register is distributed by county_id, and a unique index of
-- a distributed table must include that column: each node checks only its
-- own counties. So the index becomes (id_number, county_id), which keeps
-- the rule within a county and still serves every look-up by ID number,
-- and the rule across counties moves to `person`: one row per active
-- household, keyed by the ID number alone. On Citus person is distributed
-- by id_number (not co-located with the counties: docs/scale.md), and
-- writing it is the one write of a new household that may cross nodes.
--
-- A trigger after each change of a household keeps person, so every path
-- that writes the register keeps the rule without knowing of it. It runs
-- after the row is written: an INSERT ... ON CONFLICT DO NOTHING whose row
-- is skipped (the household already stored) never reaches it. A second
-- active record of an ID number fails the statement as the index did, and
-- with the same words ("UNIQUE constraint failed: household.id_number"),
-- so the household import routes such rows through its row-by-row path,
-- which names the holder.
CREATE TABLE person (
	id_number TEXT PRIMARY KEY,
	county_id bigint NOT NULL REFERENCES region(id) DEFERRABLE,
	household_id bigint NOT NULL   -- its active household (no key: not co-located)
);
INSERT INTO person(id_number, county_id, household_id)
	SELECT id_number, county_id, id FROM household WHERE withdrawn = 0;

DROP INDEX household_id_active;
CREATE UNIQUE INDEX household_id_active ON household(id_number, county_id)
	WHERE withdrawn = 0;

-- (A check before the insert, not an exception handler around it: a handler
-- opens a subtransaction per row, which a bulk import cannot afford. Two
-- transactions racing for one ID number still meet at person_pkey.)
CREATE FUNCTION ch_person_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.id_number = NEW.id_number AND OLD.withdrawn = NEW.withdrawn
	   AND OLD.county_id = NEW.county_id THEN
		RETURN NULL;            -- a step of the works: the person is unchanged
	END IF;
	IF TG_OP <> 'INSERT' AND OLD.withdrawn = 0 THEN
		DELETE FROM person WHERE id_number = OLD.id_number AND household_id = OLD.id;
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.withdrawn = 0 THEN
		IF EXISTS (SELECT 1 FROM person WHERE id_number = NEW.id_number) THEN
			RAISE unique_violation USING TABLE = 'household', COLUMN = 'id_number',
				MESSAGE = 'duplicate key value violates unique constraint "person_pkey"',
				DETAIL = 'Key (id_number)=(' || NEW.id_number || ') already exists.';
		END IF;
		INSERT INTO person(id_number, county_id, household_id)
			VALUES (NEW.id_number, NEW.county_id, NEW.id);
	END IF;
	RETURN NULL;
END $$;
-- (status: withdrawn is set from it by a BEFORE trigger, which an UPDATE OF
-- list does not see)
CREATE TRIGGER household_person AFTER INSERT OR DELETE OR UPDATE OF id_number, status,
	withdrawn, county_id ON household FOR EACH ROW EXECUTE FUNCTION ch_person_keep();
