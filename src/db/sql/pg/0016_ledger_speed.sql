-- cleanheat schema, version 16 (PostgreSQL form of ../0016_ledger_speed.sql):
-- a transfer may be written already sealed, after its postings, every rule
-- of 0007 and 0014 kept.
--
-- The postings' foreign key to their transfer is checked when the
-- transaction commits (DEFERRABLE INITIALLY DEFERRED), and the insert of a
-- sealed transfer checks, once for the whole transfer, that its postings
-- add up to zero, that there are two at least, and that a reservation or
-- adjustment pays only households whose review passed. Postings whose
-- transfer never comes make the commit fail. The old way (an open
-- transfer, its postings, then UPDATE … SET sealed = 1) still works and
-- still checks the same at the seal, and a posting into a transfer already
-- sealed is still refused. The CHECKs on the kinds stay as they are here:
-- SQLite's form replaces its IN lists by OR because SQLite builds a
-- temporary b-tree for a constant IN list on every insert; PostgreSQL
-- compares against an array and has no such cost.

ALTER TABLE posting ALTER CONSTRAINT posting_transfer_id_fkey DEFERRABLE INITIALLY DEFERRED;

-- A posting written before its transfer finds no transfer yet: its
-- eligibility is checked when the transfer is inserted (below).
CREATE OR REPLACE FUNCTION posting_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT sealed FROM transfer WHERE id = NEW.transfer_id) <> 0 THEN
		RAISE EXCEPTION 'ledger: the transfer is sealed' USING ERRCODE = 'check_violation';
	END IF;
	IF NEW.amount > 0
	   AND (SELECT kind FROM transfer WHERE id = NEW.transfer_id) IN ('reserve', 'adjust')
	   AND (SELECT kind FROM account WHERE id = NEW.account_id) = 'payable'
	   AND (SELECT h.status FROM account a JOIN household h ON h.id = a.household_id
	        WHERE a.id = NEW.account_id) NOT IN ('reviewed', 'subsidized') THEN
		RAISE EXCEPTION 'ledger: the household''s review has not passed, or it has withdrawn'
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;

-- A transfer written sealed, after its postings: checked once, here.
CREATE OR REPLACE FUNCTION transfer_sealed_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	total bigint;
	n bigint;
BEGIN
	SELECT coalesce(sum(amount), 0), count(*) INTO total, n FROM posting
	WHERE transfer_id = NEW.id;
	IF total <> 0 THEN
		RAISE EXCEPTION 'ledger: debits do not equal credits' USING ERRCODE = 'check_violation';
	END IF;
	IF n < 2 THEN
		RAISE EXCEPTION 'ledger: a transfer needs two postings at least'
			USING ERRCODE = 'check_violation';
	END IF;
	IF NEW.kind IN ('reserve', 'adjust') AND EXISTS (
	       SELECT 1 FROM posting p JOIN account a ON a.id = p.account_id
	       LEFT JOIN household h ON h.id = a.household_id
	       WHERE p.transfer_id = NEW.id AND p.amount > 0 AND a.kind = 'payable'
	       AND h.status NOT IN ('reviewed', 'subsidized')) THEN
		RAISE EXCEPTION 'ledger: the household''s review has not passed, or it has withdrawn'
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS transfer_sealed_insert ON transfer;
CREATE TRIGGER transfer_sealed_insert AFTER INSERT ON transfer
	FOR EACH ROW WHEN (NEW.sealed <> 0) EXECUTE FUNCTION transfer_sealed_insert();
