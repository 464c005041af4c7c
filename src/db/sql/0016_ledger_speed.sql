-- cleanheat schema, version 16: the ledger's tables rebuilt for speed,
-- every rule of 0007 and 0014 kept.
--
-- 1. The kinds of accounts and transfers are checked with OR instead of a
--    constant IN list: SQLite builds a temporary b-tree for an IN list
--    each time the CHECK runs, that is on every insert.
-- 2. A transfer may be written already sealed, after its postings: the
--    postings' foreign key to their transfer is checked when the
--    transaction commits (DEFERRABLE INITIALLY DEFERRED), and the insert of
--    a sealed transfer checks, once for the whole transfer, that its
--    postings add up to zero, that there are two at least, and that a
--    reservation or adjustment pays only households whose review passed.
--    Postings whose transfer never comes make the commit fail. The old
--    way (an open transfer, its postings, then UPDATE … SET sealed = 1)
--    still works and still checks the same at the seal, and a posting
--    into a transfer already sealed is still refused.
-- 3. The two eligibility triggers of 0007 and 0014 and the one that keeps
--    postings out of a sealed transfer are one trigger, posting_only_open.
--
-- The tables are rebuilt with their rows, indexes and triggers; the rows of
-- other tables that refer to them find them again by id before the
-- transaction commits (the foreign keys deferred until then).

PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE account_copy AS SELECT * FROM account;
CREATE TEMP TABLE transfer_copy AS SELECT * FROM transfer;
CREATE TEMP TABLE posting_copy AS SELECT * FROM posting;
DROP TABLE posting;
DROP TABLE transfer;
DROP TABLE account;

CREATE TABLE account (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind = 'origin' OR kind = 'prefecture' OR kind = 'county'
		OR kind = 'payable' OR kind = 'transit' OR kind = 'paid' OR kind = 'spent'),
	source TEXT NOT NULL REFERENCES fund_source(key),
	region_id INTEGER REFERENCES region(id),
	household_id INTEGER REFERENCES household(id),
	category TEXT,                 -- 'spent': what the money was spent on
	balance INTEGER NOT NULL DEFAULT 0,
	CHECK (kind = 'origin' OR balance >= 0)
);
INSERT INTO account SELECT * FROM account_copy ORDER BY id;
DROP TABLE account_copy;
CREATE INDEX account_household ON account(household_id) WHERE household_id IS NOT NULL;

CREATE TABLE transfer (
	id INTEGER PRIMARY KEY,
	idem_key TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind = 'appropriate' OR kind = 'allocate' OR kind = 'reserve'
		OR kind = 'pay' OR kind = 'confirm' OR kind = 'reverse' OR kind = 'spend'
		OR kind = 'adjust' OR kind = 'recover'),
	content_hash TEXT NOT NULL,
	day TEXT NOT NULL,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	memo TEXT,
	household_id INTEGER REFERENCES household(id),
	reverses INTEGER REFERENCES transfer(id),
	sealed INTEGER NOT NULL DEFAULT 0
);
INSERT INTO transfer SELECT * FROM transfer_copy ORDER BY id;
DROP TABLE transfer_copy;
CREATE INDEX transfer_household ON transfer(household_id) WHERE household_id IS NOT NULL;
-- a transfer is reversed at most once
CREATE UNIQUE INDEX transfer_reversed_once ON transfer(reverses) WHERE reverses IS NOT NULL;

CREATE TABLE posting (
	transfer_id INTEGER NOT NULL REFERENCES transfer(id) DEFERRABLE INITIALLY DEFERRED,
	account_id INTEGER NOT NULL REFERENCES account(id),
	amount INTEGER NOT NULL CHECK (amount <> 0),
	PRIMARY KEY (transfer_id, account_id)
) WITHOUT ROWID;
INSERT INTO posting SELECT * FROM posting_copy ORDER BY transfer_id, account_id;
DROP TABLE posting_copy;
CREATE INDEX posting_account ON posting(account_id);

-- Postings only enter an open transfer, and money enters a household's
-- payable account in a reservation or adjustment only when its review
-- passed: one trigger (SQLite runs each trigger as a sub-program, even
-- when its WHEN is false). A posting written before its transfer finds no
-- transfer and skips both: the transfer's insert checks it.
CREATE TRIGGER posting_only_open BEFORE INSERT ON posting
WHEN (SELECT sealed <> 0 OR (NEW.amount > 0 AND (kind = 'reserve' OR kind = 'adjust'))
      FROM transfer WHERE id = NEW.transfer_id)
BEGIN
	SELECT RAISE(ABORT, 'ledger: the transfer is sealed')
	WHERE (SELECT sealed FROM transfer WHERE id = NEW.transfer_id) <> 0;
	SELECT RAISE(ABORT, 'ledger: the household''s review has not passed, or it has withdrawn')
	WHERE (SELECT kind FROM account WHERE id = NEW.account_id) = 'payable'
	AND (SELECT h.status FROM account a JOIN household h ON h.id = a.household_id
	     WHERE a.id = NEW.account_id) NOT IN ('reviewed', 'subsidized');
END;
CREATE TRIGGER posting_balance AFTER INSERT ON posting
BEGIN
	UPDATE account SET balance = balance + NEW.amount WHERE id = NEW.account_id;
END;
-- Money reserved for a household stays in its own accounts (payable, then
-- transit while the bank pays, then paid), so their total is what it was
-- given; it may not pass its entitlement.
CREATE TRIGGER posting_entitlement AFTER INSERT ON posting
WHEN NEW.amount > 0 AND (SELECT kind = 'payable' OR kind = 'transit' OR kind = 'paid'
	FROM account WHERE id = NEW.account_id)
BEGIN
	SELECT RAISE(ABORT, 'ledger: more than the household''s entitlement')
	WHERE (SELECT coalesce(sum(p.amount), 0) FROM account a JOIN posting p ON p.account_id = a.id
	       WHERE a.household_id = (SELECT household_id FROM account WHERE id = NEW.account_id)
	       AND (a.kind = 'payable' OR a.kind = 'transit' OR a.kind = 'paid'))
	    > coalesce((SELECT total_fen FROM entitlement WHERE household_id =
	       (SELECT household_id FROM account WHERE id = NEW.account_id)), 0);
END;
CREATE TRIGGER posting_immutable BEFORE UPDATE ON posting
BEGIN
	SELECT RAISE(ABORT, 'ledger: postings are immutable');
END;
CREATE TRIGGER posting_keep BEFORE DELETE ON posting
BEGIN
	SELECT RAISE(ABORT, 'ledger: postings are immutable');
END;

-- A transfer written sealed, after its postings: checked once, here.
CREATE TRIGGER transfer_sealed_insert AFTER INSERT ON transfer
WHEN NEW.sealed <> 0
BEGIN
	-- the postings read once for both sums
	SELECT CASE WHEN total <> 0 THEN RAISE(ABORT, 'ledger: debits do not equal credits')
	            WHEN n < 2 THEN RAISE(ABORT, 'ledger: a transfer needs two postings at least')
	       END
	FROM (SELECT coalesce(sum(amount), 0) AS total, count(*) AS n FROM posting
	      WHERE transfer_id = NEW.id);
	SELECT RAISE(ABORT, 'ledger: the household''s review has not passed, or it has withdrawn')
	WHERE (NEW.kind = 'reserve' OR NEW.kind = 'adjust') AND EXISTS (
	       SELECT 1 FROM posting p JOIN account a ON a.id = p.account_id
	       LEFT JOIN household h ON h.id = a.household_id
	       WHERE p.transfer_id = NEW.id AND p.amount > 0 AND a.kind = 'payable'
	       AND h.status NOT IN ('reviewed', 'subsidized'));
END;
CREATE TRIGGER transfer_seal BEFORE UPDATE ON transfer
BEGIN
	SELECT RAISE(ABORT, 'ledger: transfers are immutable; correct by a reversing transfer')
	WHERE NOT (OLD.sealed = 0 AND NEW.sealed = 1 AND NEW.idem_key = OLD.idem_key
	           AND NEW.kind = OLD.kind AND NEW.content_hash = OLD.content_hash
	           AND NEW.day = OLD.day AND NEW.household_id IS OLD.household_id
	           AND NEW.reverses IS OLD.reverses);
	SELECT RAISE(ABORT, 'ledger: debits do not equal credits')
	WHERE (SELECT coalesce(sum(amount), 0) FROM posting WHERE transfer_id = NEW.id) <> 0;
	SELECT RAISE(ABORT, 'ledger: a transfer needs two postings at least')
	WHERE (SELECT count(*) FROM posting WHERE transfer_id = NEW.id) < 2;
END;
CREATE TRIGGER transfer_keep BEFORE DELETE ON transfer
BEGIN
	SELECT RAISE(ABORT, 'ledger: transfers are immutable');
END;
