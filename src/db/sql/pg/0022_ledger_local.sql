-- cleanheat schema, version 22 (PostgreSQL form of ../0022_ledger_local.sql):
-- the money ledger as the coordinator's own tables, its references to the
-- register kept by constraint triggers instead of foreign keys.
--
-- On Citus the household-level tables are distributed by county_id, but
-- the ledger is not: account, transfer, posting, payment_batch, payment,
-- recovery and recovery_receipt stay on the coordinator (added to the
-- cluster with citus_add_local_table_to_metadata, like audit_log and
-- seal). The ledger is one double-entry book whose transfers cross
-- counties (an allocation moves money from the prefecture's account to a
-- county's; appropriations belong to no county), whose balances and
-- append-only rules the triggers of version 7 check across postings, and
-- whose writes are few (about three transfers per paid household in a
-- year); spreading it by county would split the book and gain nothing.
-- Its keys stay as they are and it carries no county_id.
--
-- Citus refuses a foreign key between a coordinator table and a
-- distributed one, in either direction (to and from reference tables, and
-- among the coordinator's tables, they are allowed). The ledger's only
-- such keys are account.household_id, transfer.household_id,
-- payment.household_id and recovery.household_id, all to household; no
-- distributed table references a ledger table. They are dropped here and
-- the database still refuses a dangling reference:
-- - a row of those four tables whose household_id names no household is
--   refused when its transaction commits (a deferred constraint trigger:
--   rows may be loaded before their household, as `db copy` does);
-- - a household that ledger rows name cannot be deleted or given another
--   id (households are deleted: an import removes the ones it added when
--   a later row of the file is rejected; such a household has no ledger
--   rows yet), nor its table truncated while ledger rows name any.
-- Both raise foreign_key_violation (SQLSTATE 23503), as the keys did.

ALTER TABLE account DROP CONSTRAINT account_household_id_fkey;
ALTER TABLE transfer DROP CONSTRAINT transfer_household_id_fkey;
ALTER TABLE payment DROP CONSTRAINT payment_household_id_fkey;
ALTER TABLE recovery DROP CONSTRAINT recovery_household_id_fkey;

-- The referencing side: the household a new or changed row names exists.
CREATE FUNCTION ledger_household_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.household_id IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM household WHERE id = NEW.household_id) THEN
		RAISE EXCEPTION 'ledger: %.household_id % names no household', TG_TABLE_NAME,
			NEW.household_id
			USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
			COLUMN = 'household_id';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER account_household AFTER INSERT OR UPDATE OF household_id ON account
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.household_id IS NOT NULL)
	EXECUTE FUNCTION ledger_household_exists();
CREATE CONSTRAINT TRIGGER transfer_household AFTER INSERT OR UPDATE OF household_id ON transfer
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.household_id IS NOT NULL)
	EXECUTE FUNCTION ledger_household_exists();
CREATE CONSTRAINT TRIGGER payment_household AFTER INSERT OR UPDATE OF household_id ON payment
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_household_exists();
CREATE CONSTRAINT TRIGGER recovery_household AFTER INSERT OR UPDATE OF household_id ON recovery
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_household_exists();

-- The referenced side: a household gone (deleted, or its id changed) is
-- named by no ledger row, unless a household with its id is there again
-- when the transaction commits.
CREATE FUNCTION household_ledger_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	t text;
BEGIN
	IF EXISTS (SELECT 1 FROM household WHERE id = OLD.id) THEN
		RETURN NULL;
	END IF;
	t := CASE
		WHEN EXISTS (SELECT 1 FROM account WHERE household_id = OLD.id) THEN 'account'
		WHEN EXISTS (SELECT 1 FROM transfer WHERE household_id = OLD.id) THEN 'transfer'
		WHEN EXISTS (SELECT 1 FROM payment WHERE household_id = OLD.id) THEN 'payment'
		WHEN EXISTS (SELECT 1 FROM recovery WHERE household_id = OLD.id) THEN 'recovery'
	END;
	IF t IS NOT NULL THEN
		RAISE EXCEPTION 'ledger: household % is named by %.household_id; it is kept', OLD.id, t
			USING ERRCODE = 'foreign_key_violation', TABLE = t, COLUMN = 'household_id';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER household_ledger_delete AFTER DELETE ON household
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION household_ledger_kept();
CREATE CONSTRAINT TRIGGER household_ledger_update AFTER UPDATE OF id ON household
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
	EXECUTE FUNCTION household_ledger_kept();

-- TRUNCATE fires no row trigger: refuse it while ledger rows name households.
CREATE FUNCTION household_ledger_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM account WHERE household_id IS NOT NULL)
	   OR EXISTS (SELECT 1 FROM transfer WHERE household_id IS NOT NULL)
	   OR EXISTS (SELECT 1 FROM payment) OR EXISTS (SELECT 1 FROM recovery) THEN
		RAISE EXCEPTION 'ledger: ledger rows name households; the register is kept'
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER household_ledger_truncate BEFORE TRUNCATE ON household
	FOR EACH STATEMENT EXECUTE FUNCTION household_ledger_truncate();
