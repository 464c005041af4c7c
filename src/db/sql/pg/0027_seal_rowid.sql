-- cleanheat schema, version 27: nothing changes on PostgreSQL.
--
-- SQLite's form of this number (../0027_seal_rowid.sql) rebuilds its table
-- seal as rows in the order they are written with the key in an index,
-- which is how PostgreSQL keeps every table (a heap, and the key's b-tree
-- beside it); the statement below only gives the number its file, as the
-- two dialects share one history.
SELECT 1;
