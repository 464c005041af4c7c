-- cleanheat schema, version 26 (PostgreSQL form of ../0026_person_plans.sql):
-- the trigger that keeps person (0023) finds an ID number by the table's
-- key, whatever the planner's statistics say.
--
-- It asked `EXISTS (SELECT 1 FROM person WHERE id_number = ...)` before
-- inserting, and deleted by the ID number and household. PL/pgSQL plans
-- such a statement once per connection and keeps the plan. In a database
-- analyzed while person was empty (a new office's database restored or
-- copied, then analyzed, as one should after loading), the planner took
-- person for empty and scanned it: each household an import wrote read
-- every person row written before it. 20,000 households: 9.2 s of the
-- import's 13.4 s in that look-up, against 3.3 s for the whole import
-- into a database never analyzed (docs/performance.md, "PostgreSQL: the
-- person look-up").
--
-- Now the insert says ON CONFLICT DO NOTHING, which PostgreSQL checks by
-- the key's index, and a row that met a holder raises what the check
-- raised before, word for word (the household import reads "UNIQUE
-- constraint failed: household.id_number" from it). Two transactions
-- adding one ID number at once now meet here too: the second waits for
-- the first and then raises the same error, where it met the key itself
-- before. The delete, rarer (a household withdrawn, moved to another
-- county or given another ID number), is planned each time it runs.
CREATE OR REPLACE FUNCTION ch_person_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.id_number = NEW.id_number AND OLD.withdrawn = NEW.withdrawn
	   AND OLD.county_id = NEW.county_id THEN
		RETURN NULL;            -- a step of the works: the person is unchanged
	END IF;
	IF TG_OP <> 'INSERT' AND OLD.withdrawn = 0 THEN
		EXECUTE 'DELETE FROM person WHERE id_number = $1 AND household_id = $2'
			USING OLD.id_number, OLD.id;
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.withdrawn = 0 THEN
		INSERT INTO person(id_number, county_id, household_id)
			VALUES (NEW.id_number, NEW.county_id, NEW.id)
			ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			RAISE unique_violation USING TABLE = 'household', COLUMN = 'id_number',
				MESSAGE = 'duplicate key value violates unique constraint "person_pkey"',
				DETAIL = 'Key (id_number)=(' || NEW.id_number || ') already exists.';
		END IF;
	END IF;
	RETURN NULL;
END $$;
