-- cleanheat schema, version 27: the seals kept in the order they are
-- written, found by their key through an index.
--
-- Since 0011 the table seal was a WITHOUT ROWID table keyed by (kind,
-- object, seq): each seal's row, its canonical JSON of some 300 bytes, sat
-- in the b-tree beside the object's earlier seals. A transaction that
-- changes many objects (a file of construction steps moving a million
-- households, each with a seal already) then wrote a new seal beside every
-- old one, splitting and rewriting every page of the table. Now the rows
-- are an ordinary table, appended in the order they are written (one
-- commit's seals in (kind, object) order, core/seal.c), and the key is a
-- unique index of small entries: the same rule, the same rows and the same
-- reads, and a large commit writes its seals once, at the end of the
-- table. Measured in docs/performance.md ("The seals in the order they are
-- written"). PostgreSQL's seal was a heap with its key beside it already
-- (pg/0027 changes nothing).
--
-- What a seal holds and how it is hashed (core/seal.c) do not change; the
-- rows are copied as they are, oldest first.

CREATE TABLE seal_rows (
	kind TEXT NOT NULL,            -- household, user, payment, entitlement, review, plan
	object INTEGER NOT NULL,       -- the row's id (entitlement: its household's id)
	seq INTEGER NOT NULL,          -- the audit.seal entry that recorded it
	fields TEXT                    -- canonical JSON; NULL when the object was deleted
);
INSERT INTO seal_rows(kind, object, seq, fields)
	SELECT kind, object, seq, fields FROM seal ORDER BY seq, kind, object;
DROP TABLE seal;
ALTER TABLE seal_rows RENAME TO seal;
CREATE UNIQUE INDEX seal_key ON seal(kind, object, seq);
-- an entry's seals in the order its digest hashes them (core/seal.c), as
-- the old table's seal_seq gave them with the key it carried
CREATE INDEX seal_seq ON seal(seq, kind, object);
CREATE TRIGGER seal_no_update BEFORE UPDATE ON seal
BEGIN
	SELECT RAISE(ABORT, 'seals are append-only');
END;
CREATE TRIGGER seal_no_delete BEFORE DELETE ON seal
BEGIN
	SELECT RAISE(ABORT, 'seals are append-only');
END;
