-- cleanheat schema, version 24: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0024_county_keys_last.sql) drops the
-- id-only keys of the register and of the review applications, now that
-- every table that references them does so through (id, county_id)
-- (versions 19 to 22). SQLite keeps its keys: one prefecture on one
-- machine needs no key with the county. The statement below only gives the
-- number its file, as the two dialects share one history.
SELECT 1;
