-- cleanheat schema, version 23: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0023_person.sql) moves the rule
-- "one active household per ID number in the whole programme" from a
-- unique index over the register, which a register spread by county over
-- a Citus cluster cannot keep, into a table of its own keyed by the ID
-- number. SQLite keeps the rule in the index household_id_active (0012),
-- over the one machine's register; the statement below only gives the
-- number its file, as the two dialects share one history.
SELECT 1;
