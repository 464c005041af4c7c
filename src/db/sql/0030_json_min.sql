-- cleanheat schema, version 30: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0030_json_min.sql) makes the
-- function that turns its JSON into SQLite's compact form cheaper; the
-- text it returns is the same. The statement below only gives the number
-- its file, as the two dialects share one history.
SELECT 1;
