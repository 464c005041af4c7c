-- cleanheat schema, version 7: subsidy policy, entitlements, the
-- double-entry ledger, payment batches.
--
-- The ledger's rules are enforced here as well as in C (core/ledger.c):
-- postings are immutable and only enter an open transfer; a transfer is
-- sealed once, and only if its postings add up to zero; no account but an
-- origin goes below zero; money is reserved only for households whose
-- review passed and who are not withdrawn; no household is paid more than
-- its entitlement, which never exceeds its cost. Accounts: origin:<source>
-- (where a source's money comes from; may go negative), pref:<source>,
-- county:<code>:<source>, and per household payable / transit / paid
-- :<household>:<source>, and spent:<code>:<source>:<category>.

CREATE TABLE fund_source (
	key TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	ordinal INTEGER NOT NULL
);
INSERT INTO fund_source(key, name, ordinal) VALUES
	('central', '中央财政', 1), ('region', '自治区财政', 2), ('prefecture', '州级财政', 3),
	('county', '县级财政', 4), ('other', '其他项目资金', 5), ('social', '社会资本', 6);

-- Policy versions loaded from data/subsidy/YYYY.csv.
CREATE TABLE subsidy_policy (
	id INTEGER PRIMARY KEY,
	plan_year INTEGER NOT NULL,
	version INTEGER NOT NULL,
	content TEXT NOT NULL,         -- JSON
	content_hash TEXT NOT NULL,
	label TEXT,
	loaded_at TEXT NOT NULL,
	active INTEGER NOT NULL,
	UNIQUE (plan_year, version)
);
CREATE UNIQUE INDEX subsidy_policy_active ON subsidy_policy(plan_year) WHERE active = 1;

-- A household's entitlement, computed when its subsidy is reserved.
CREATE TABLE entitlement (
	household_id INTEGER PRIMARY KEY REFERENCES household(id),
	policy_id INTEGER NOT NULL REFERENCES subsidy_policy(id),
	total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
	cost_fen INTEGER NOT NULL,
	detail TEXT NOT NULL,          -- JSON: the lines of the computation, and the split
	reviewed_day TEXT NOT NULL,    -- when the review passed: the payment deadline runs from it
	computed_at TEXT NOT NULL,
	CHECK (total_fen <= cost_fen)
);

CREATE TABLE account (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('origin', 'prefecture', 'county', 'payable', 'transit',
		'paid', 'spent')),
	source TEXT NOT NULL REFERENCES fund_source(key),
	region_id INTEGER REFERENCES region(id),
	household_id INTEGER REFERENCES household(id),
	category TEXT,                 -- 'spent': what the money was spent on
	balance INTEGER NOT NULL DEFAULT 0,
	CHECK (kind = 'origin' OR balance >= 0)
);
CREATE INDEX account_household ON account(household_id) WHERE household_id IS NOT NULL;

CREATE TABLE transfer (
	id INTEGER PRIMARY KEY,
	idem_key TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('appropriate', 'allocate', 'reserve', 'pay', 'confirm',
		'reverse', 'spend')),
	content_hash TEXT NOT NULL,
	day TEXT NOT NULL,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	memo TEXT,
	household_id INTEGER REFERENCES household(id),
	reverses INTEGER REFERENCES transfer(id),
	sealed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX transfer_household ON transfer(household_id) WHERE household_id IS NOT NULL;
-- a transfer is reversed at most once
CREATE UNIQUE INDEX transfer_reversed_once ON transfer(reverses) WHERE reverses IS NOT NULL;

CREATE TABLE posting (
	transfer_id INTEGER NOT NULL REFERENCES transfer(id),
	account_id INTEGER NOT NULL REFERENCES account(id),
	amount INTEGER NOT NULL CHECK (amount <> 0),
	PRIMARY KEY (transfer_id, account_id)
) WITHOUT ROWID;
CREATE INDEX posting_account ON posting(account_id);

CREATE TRIGGER posting_only_open BEFORE INSERT ON posting
WHEN (SELECT sealed FROM transfer WHERE id = NEW.transfer_id) <> 0
BEGIN
	SELECT RAISE(ABORT, 'ledger: the transfer is sealed');
END;
CREATE TRIGGER posting_eligible BEFORE INSERT ON posting
WHEN NEW.amount > 0 AND (SELECT kind FROM account WHERE id = NEW.account_id) = 'payable'
	AND (SELECT kind FROM transfer WHERE id = NEW.transfer_id) = 'reserve'
BEGIN
	SELECT RAISE(ABORT, 'ledger: the household''s review has not passed, or it has withdrawn')
	WHERE (SELECT h.status FROM account a JOIN household h ON h.id = a.household_id
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
-- (OR, not IN: a constant IN list costs a temporary table on every posting)
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

-- Payment batches and the payments in them.
CREATE TABLE payment_batch (
	id INTEGER PRIMARY KEY,
	county_id INTEGER NOT NULL REFERENCES region(id),
	day TEXT NOT NULL,
	method TEXT NOT NULL CHECK (method IN ('card', 'yikatong', 'meter')),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);
CREATE TABLE payment (
	id INTEGER PRIMARY KEY,        -- the 流水号 the bank returns
	batch_id INTEGER NOT NULL REFERENCES payment_batch(id),
	household_id INTEGER NOT NULL REFERENCES household(id),
	transfer_id INTEGER NOT NULL UNIQUE REFERENCES transfer(id),
	amount INTEGER NOT NULL CHECK (amount > 0),
	account TEXT,                  -- the bank card or 一卡通 account paid to
	status TEXT NOT NULL CHECK (status IN ('sent', 'paid', 'failed')),
	returned_at TEXT,
	reason TEXT
);
CREATE INDEX payment_household ON payment(household_id);
