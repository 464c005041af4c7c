-- cleanheat schema, version 18: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0018_county_keys.sql) gives the
-- register and the review applications a key that includes the county, so
-- that the tables below them can reference (id, county_id) and be
-- distributed with them by county on a Citus cluster (docs/scale.md).
-- SQLite holds one prefecture on one machine and needs no such key; the
-- statement below only gives the number its file, as the two dialects
-- share one history.
SELECT 1;
