-- cleanheat schema, version 17: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0017_search_pg.sql) gives that
-- engine the search index SQLite has had since version 9 (the FTS5 table
-- household_search). SQLite needs nothing more; the statement below only
-- gives the number its file, as the two dialects share one history.
SELECT 1;
