-- cleanheat schema, version 14: public notice before payment (公示),
-- objections (异议), payment holds, the facts frozen when a household passes
-- review (snapshots) and the recovery of subsidies paid (追回)
-- (core/notice.c, core/snapshot.c, core/recovery.c). The statements may
-- run again over a database that has their tables (IF NOT EXISTS; the two
-- rebuilds below copy whatever is there).
--
-- A subsidy is paid only after the list of its recipients has hung on the
-- notice board for the policy's number of working days with no objection
-- left open; a household on hold, or with a rectification order open, is
-- not paid.

-- Days that are not what their weekday says (data/calendar/holidays.csv):
-- 'off' a public holiday on a weekday, 'work' a weekend day worked (调休).
CREATE TABLE IF NOT EXISTS holiday (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
	name TEXT NOT NULL
) WITHOUT ROWID;

-- A public notice of the households of a county (or one village) whose
-- subsidy is reserved. Its period runs from start_day to end_day inclusive
-- (working_days working days); payment may follow from the day after.
CREATE TABLE IF NOT EXISTS notice (
	id INTEGER PRIMARY KEY,
	number TEXT NOT NULL UNIQUE,   -- 公示-652301-2023-001
	county_id INTEGER NOT NULL REFERENCES region(id),
	village_id INTEGER REFERENCES region(id),
	start_day TEXT NOT NULL,
	end_day TEXT NOT NULL,
	working_days INTEGER NOT NULL CHECK (working_days >= 0),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	CHECK (end_day >= start_day)
);
CREATE INDEX IF NOT EXISTS notice_county ON notice(county_id);

-- The households of a notice, with the amount published.
CREATE TABLE IF NOT EXISTS notice_item (
	notice_id INTEGER NOT NULL REFERENCES notice(id),
	household_id INTEGER NOT NULL REFERENCES household(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
	PRIMARY KEY (notice_id, household_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS notice_item_household ON notice_item(household_id);

-- An objection to one household of a notice; from_text may be empty
-- (anonymous). Open until resolved upheld or dismissed.
CREATE TABLE IF NOT EXISTS objection (
	id INTEGER PRIMARY KEY,
	notice_id INTEGER NOT NULL REFERENCES notice(id),
	household_id INTEGER NOT NULL REFERENCES household(id),
	day TEXT NOT NULL,
	from_text TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'dismissed')),
	resolved_day TEXT,
	resolved_by TEXT,
	note TEXT,
	recorded_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objection_household ON objection(household_id);

-- A hold on a household's payment: set by hand ('manual'), or by an edit
-- of the facts its subsidy rests on after it passed review ('changed',
-- released when a prefecture user approves the change). Open while
-- released_day is NULL.
CREATE TABLE IF NOT EXISTS payment_hold (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES household(id),
	kind TEXT NOT NULL CHECK (kind IN ('manual', 'changed')),
	reason TEXT NOT NULL,
	day TEXT NOT NULL,
	held_by TEXT NOT NULL,
	released_day TEXT,
	released_by TEXT,
	release_note TEXT
);
CREATE INDEX IF NOT EXISTS payment_hold_household ON payment_hold(household_id);

-- What a household's subsidy rests on, frozen when its review passed; the
-- entitlement and the payment use these, not the register. A later edit of
-- them in the register holds the payment (payment_hold 'changed') until a
-- prefecture user approves it, which takes a new snapshot.
CREATE TABLE IF NOT EXISTS hh_snapshot (
	household_id INTEGER PRIMARY KEY REFERENCES household(id),
	technology TEXT NOT NULL,
	es_measures TEXT,
	es_area_centi INTEGER,
	heated_area_centi INTEGER,
	cost_fen INTEGER,
	bank_account TEXT,
	id_number TEXT NOT NULL,
	day TEXT NOT NULL,             -- the review passed (or the change was approved)
	taken_at TEXT NOT NULL
);

-- A claim to recover money paid to a household (追回) and what came back.
CREATE TABLE IF NOT EXISTS recovery (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES household(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	reason TEXT NOT NULL,
	day TEXT NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recovery_household ON recovery(household_id);
-- Money returned against a claim: one ledger transfer (paid accounts back
-- to the county account they left, per source).
CREATE TABLE IF NOT EXISTS recovery_receipt (
	id INTEGER PRIMARY KEY,
	recovery_id INTEGER NOT NULL REFERENCES recovery(id),
	transfer_id INTEGER NOT NULL UNIQUE REFERENCES transfer(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	day TEXT NOT NULL
);

-- Rectification orders may now also come from an upheld objection: the
-- table is rebuilt with the wider CHECK (SQLite cannot alter one).
CREATE TABLE rectification_new (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES household(id),
	source TEXT NOT NULL CHECK (source IN ('inspection', 'review', 'followup', 'objection')),
	source_id INTEGER NOT NULL,    -- the inspection, review application, visit or objection
	issue TEXT NOT NULL,
	opened_day TEXT NOT NULL,
	deadline TEXT NOT NULL,
	closed_day TEXT,
	closed_by TEXT,
	closing_note TEXT
);
INSERT INTO rectification_new SELECT id, household_id, source, source_id, issue, opened_day,
	deadline, closed_day, closed_by, closing_note FROM rectification;
DROP TABLE rectification;
ALTER TABLE rectification_new RENAME TO rectification;
CREATE INDEX rectification_household ON rectification(household_id);

-- Two new kinds of ledger transfer: 'adjust', the difference when an
-- entitlement is recomputed after an approved change (county account and
-- the household's payable accounts, either way), and 'recover', money a
-- household gives back on a recovery claim (its paid accounts to the county
-- account the money left). The table is rebuilt for the wider CHECK with
-- its rows, indexes and triggers as they were; the postings, payments and
-- reversals that refer to its rows find them again by id before the
-- transaction commits (the foreign keys deferred until then).
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE transfer_copy AS SELECT * FROM transfer;
DROP TABLE transfer;
CREATE TABLE transfer (
	id INTEGER PRIMARY KEY,
	idem_key TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('appropriate', 'allocate', 'reserve', 'pay', 'confirm',
		'reverse', 'spend', 'adjust', 'recover')),
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
CREATE UNIQUE INDEX transfer_reversed_once ON transfer(reverses) WHERE reverses IS NOT NULL;
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

-- An adjustment, like a reservation, gives money only to a household whose
-- review passed and that has not withdrawn.
CREATE TRIGGER IF NOT EXISTS posting_eligible_adjust BEFORE INSERT ON posting
WHEN NEW.amount > 0 AND (SELECT kind FROM account WHERE id = NEW.account_id) = 'payable'
	AND (SELECT kind FROM transfer WHERE id = NEW.transfer_id) = 'adjust'
BEGIN
	SELECT RAISE(ABORT, 'ledger: the household''s review has not passed, or it has withdrawn')
	WHERE (SELECT h.status FROM account a JOIN household h ON h.id = a.household_id
	       WHERE a.id = NEW.account_id) NOT IN ('reviewed', 'subsidized');
END;
