-- cleanheat schema, version 32: nothing changes on SQLite.
--
-- PostgreSQL's form of this number (pg/0032_seal_seq.sql) gives the seals
-- the index SQLite's seal_seq has had since 0027: an entry's seals in the
-- order its digest hashes them. The statement below only gives the number
-- its file, as the two dialects share one history.
SELECT 1;
