-- cleanheat schema, version 31: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0031_change_notes.sql) notes the
-- rows a statement changed once per statement rather than once per row.
-- SQLite tells the same through its update hook (core/seal.c); the
-- statement below only gives the number its file, as the two dialects
-- share one history.
SELECT 1;
