-- cleanheat schema, version 26: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0026_person_plans.sql) rewrites the
-- trigger that keeps its table person (0023) so that it finds an ID number
-- by the table's key whatever the planner's statistics say. SQLite keeps
-- the rule in a unique index (0012); the statement below only gives the
-- number its file, as the two dialects share one history.
SELECT 1;
