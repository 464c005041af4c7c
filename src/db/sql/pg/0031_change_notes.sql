-- cleanheat schema, version 31 (PostgreSQL form of ../0031_change_notes.sql):
-- the change notes written once per statement.
--
-- Since 0011 a row trigger on each sealed table (ch_note_change) noted
-- every row written in the session's ch_changes, which the driver reads
-- after each statement to tell core/seal.c what to seal (src/db/db_pg.c).
-- Each row paid a call of the PL/pgSQL function, the whole row turned into
-- JSON to take its key, and an INSERT of its own: 1.4 to 2.5 s of an
-- import of 100,000 households (docs/performance.md, "PostgreSQL: the
-- seals' compact JSON, and the change notes once per statement").
--
-- Now the notes are written by statement triggers with the statement's
-- transition table, ch_rows (the rows inserted, the rows as an update left
-- them, or the rows deleted): one INSERT … SELECT of their keys for the
-- whole statement. The notes say the same as
-- before (the operation, the table, the key; a row of a table that belongs
-- to another is a change of that other row) and are there when the
-- statement ends, where the driver reads them. A key column other than the
-- three the schema uses is refused, so a table given a note trigger with
-- another key fails at its first write rather than noting nothing. Each
-- statement can run again over what it made (tests that set the schema's
-- version back run the migrations after it again; so ch_note_change stays
-- defined, for 0029 names it, though no trigger calls it after this one).
CREATE OR REPLACE FUNCTION ch_note_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	op text := CASE WHEN TG_ARGV[0] = TG_TABLE_NAME THEN TG_OP ELSE 'UPDATE' END;
BEGIN
	IF to_regclass('pg_temp.ch_changes') IS NULL THEN
		RETURN NULL;
	END IF;
	IF TG_ARGV[1] = 'id' THEN
		INSERT INTO pg_temp.ch_changes(op, tbl, id) SELECT op, TG_ARGV[0], r.id FROM ch_rows r;
	ELSIF TG_ARGV[1] = 'household_id' THEN
		INSERT INTO pg_temp.ch_changes(op, tbl, id)
			SELECT op, TG_ARGV[0], r.household_id FROM ch_rows r;
	ELSIF TG_ARGV[1] = 'plan_id' THEN
		INSERT INTO pg_temp.ch_changes(op, tbl, id) SELECT op, TG_ARGV[0], r.plan_id FROM ch_rows r;
	ELSE
		RAISE EXCEPTION 'ch_note_rows: no note for the key %', TG_ARGV[1];
	END IF;
	RETURN NULL;
END $$;

-- note_by_statement(TABLE, OWNER, KEY): TABLE's row trigger replaced by
-- three statement triggers, each with its transition table
CREATE OR REPLACE FUNCTION pg_temp.note_by_statement(t text, owner text, k text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_note', t);
	EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_note_insert', t);
	EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_note_update', t);
	EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_note_delete', t);
	EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS ch_rows'
	               ' FOR EACH STATEMENT EXECUTE FUNCTION ch_note_rows(%L, %L)',
	               t || '_note_insert', t, owner, k);
	EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS ch_rows'
	               ' FOR EACH STATEMENT EXECUTE FUNCTION ch_note_rows(%L, %L)',
	               t || '_note_update', t, owner, k);
	EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS ch_rows'
	               ' FOR EACH STATEMENT EXECUTE FUNCTION ch_note_rows(%L, %L)',
	               t || '_note_delete', t, owner, k);
END $$;
SELECT pg_temp.note_by_statement('household', 'household', 'id');
SELECT pg_temp.note_by_statement('app_user', 'app_user', 'id');
SELECT pg_temp.note_by_statement('payment', 'payment', 'id');
SELECT pg_temp.note_by_statement('entitlement', 'entitlement', 'household_id');
SELECT pg_temp.note_by_statement('review_application', 'review_application', 'id');
SELECT pg_temp.note_by_statement('review_item', 'review_item', 'id');
SELECT pg_temp.note_by_statement('plan', 'plan', 'id');
SELECT pg_temp.note_by_statement('plan_target', 'plan', 'plan_id');
DROP FUNCTION pg_temp.note_by_statement(text, text, text);
