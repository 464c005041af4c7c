-- cleanheat schema, version 11: tamper evidence for the business tables and
-- signed checkpoints of the audit chain (core/seal.c, core/audit_key.c).
--
-- A seal is the canonical form of one audited object (a household, user,
-- payment, entitlement, review application or plan: its business fields as
-- compact JSON, in a fixed order) as the transaction that last wrote it left
-- it. Each transaction that changes such objects appends one audit entry
-- (action audit.seal) whose JSON records how many objects it sealed and the
-- BLAKE2b of their seals, so a seal edited here breaks that entry, and an
-- entry rewritten breaks the chain. Seals are append-only: the newest seal of
-- an object is the state the current row must equal. (IF NOT EXISTS: the
-- statements may run again over a database that has them.)
CREATE TABLE IF NOT EXISTS seal (
	kind TEXT NOT NULL,            -- household, user, payment, entitlement, review, plan
	object INTEGER NOT NULL,       -- the row's id (entitlement: its household's id)
	seq INTEGER NOT NULL,          -- the audit.seal entry that recorded it
	fields TEXT,                   -- canonical JSON; NULL when the object was deleted
	PRIMARY KEY (kind, object, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seal_seq ON seal(seq);
CREATE TRIGGER IF NOT EXISTS seal_no_update BEFORE UPDATE ON seal
BEGIN
	SELECT RAISE(ABORT, 'seals are append-only');
END;
CREATE TRIGGER IF NOT EXISTS seal_no_delete BEFORE DELETE ON seal
BEGIN
	SELECT RAISE(ABORT, 'seals are append-only');
END;

-- The public half of the key that signs checkpoints (`audit key init`). The
-- secret half is in a file outside the database. A new key is a new row.
CREATE TABLE IF NOT EXISTS audit_key (
	id INTEGER PRIMARY KEY,
	public_key TEXT NOT NULL UNIQUE, -- Ed25519, hex
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);

-- Signed heads of the chain: Ed25519 over "cleanheat-audit-head\n" seq "\n"
-- hash "\n" at "\n", by the key recorded in audit_key.
CREATE TABLE IF NOT EXISTS audit_checkpoint (
	seq INTEGER PRIMARY KEY,       -- the audit entry that was the head
	hash TEXT NOT NULL,
	at TEXT NOT NULL,              -- UTC
	public_key TEXT NOT NULL,
	signature TEXT NOT NULL        -- hex
);
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN
	SELECT RAISE(ABORT, 'checkpoints are append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN
	SELECT RAISE(ABORT, 'checkpoints are append-only');
END;

-- Objects stored before this version: while the seal table is empty,
-- core/seal.c seals every object, in the first transaction after it.
