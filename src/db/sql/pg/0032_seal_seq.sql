-- cleanheat schema, version 32 (PostgreSQL form of ../0032_seal_seq.sql):
-- seal_seq holds (seq, kind, object), as SQLite's does since 0027.
--
-- verify reads an audit entry's seals a page at a time, in the order its
-- digest hashes them (core/seal.c, READ_PAGE): the seals of SEQ after the
-- last (kind, object) read. With seal_seq on seq alone, each page of an
-- entry of 1,000,000 seals had them all sorted again, or the primary key
-- (kind, object, seq) walked from that point over every other entry's
-- seals. Built at the upgrade: 0.9 s for 1,000,000 seals on the
-- throwaway cluster of docs/performance.md. Each statement can run again.
DROP INDEX IF EXISTS seal_seq;
CREATE INDEX seal_seq ON seal(seq, kind, object);
