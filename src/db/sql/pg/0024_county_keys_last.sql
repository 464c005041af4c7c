-- cleanheat schema, version 24 (PostgreSQL form of
-- ../0024_county_keys_last.sql): the register and the review applications
-- keyed by (id, county_id) alone.
--
-- Version 18 gave both a unique (id, county_id) beside their primary key
-- id; versions 19 to 21 pointed every household-level table at that pair
-- and version 22 took the ledger's references off the register. Nothing
-- references id alone any more (if something did, the DROP would fail
-- and the migration with it), so the id-only keys go: a distributed table
-- may have no unique key without county_id (docs/scale.md). id is still
-- filled from its identity sequence and NOT NULL, and a look-up by id
-- alone uses the pair's index, whose first column it is.
ALTER TABLE household DROP CONSTRAINT household_pkey;
ALTER TABLE review_application DROP CONSTRAINT review_application_pkey;
