-- cleanheat schema, version 25: a posting runs one small trigger, and a
-- transfer's postings are checked together, once, as it is sealed.
--
-- SQLite runs every trigger as a sub-program with a frame of its own,
-- allocated and cleared for every row (the larger the trigger, the larger
-- the frame), even when its WHEN is false. A posting ran three triggers
-- (posting_only_open, posting_balance, posting_entitlement), two of them
-- carrying the eligibility and entitlement queries. Now a posting runs
-- posting_only_open alone, which refuses it when its transfer is sealed
-- and otherwise moves its account's balance; what concerns the whole
-- transfer is checked once, when it is sealed, over all its postings: that
-- they add up to zero, that there are two at least, that a reservation or
-- adjustment pays only households whose review passed, and that no
-- household it pays into then holds more in its payable, transit and paid
-- accounts than its entitlement (the final sums, which is what the check
-- after every posting, money out before money in, amounted to).
--
-- A transfer is sealed in one of two ways, as in 0016:
-- - written sealed after its postings (how the program writes it): each
--   posting moves its balance as it goes in, and the transfer's insert
--   checks (transfer_insert); a transfer written open after postings of
--   its own is refused, as its postings have counted already;
-- - written open first, given its postings, then UPDATE … SET sealed = 1
--   (how `db copy` writes it): the postings of an open transfer count for
--   nothing until the seal, which checks them and only then moves the
--   balances (transfer_seal). A reservation for a household whose review
--   has not passed, or above its entitlement, is refused at the seal
--   instead of at its posting; no money moves before. (A transfer left
--   open by a commit breaks the ledger under either version, and `ledger
--   verify` names it; the program never leaves one.)
--
-- The postings into a household's accounts are read in one pass for both
-- of its rules, and the sums with one aggregate. The rules and their
-- messages are those of 0016. PostgreSQL keeps its triggers (pg/0025
-- changes nothing).

DROP TRIGGER posting_only_open;
DROP TRIGGER posting_balance;
DROP TRIGGER posting_entitlement;
DROP TRIGGER transfer_sealed_insert;
DROP TRIGGER transfer_seal;

CREATE TRIGGER posting_only_open AFTER INSERT ON posting
BEGIN
	-- written before its transfer, it counts now (the transfer's insert
	-- checks it); into an open transfer, at its seal (no account matches
	-- NULL); into a sealed one, refused. One statement, the transfer looked
	-- up once, and before the account, whether or not it exists.
	UPDATE account SET balance = balance + NEW.amount
	WHERE id = (SELECT CASE WHEN count(*) = 0 THEN NEW.account_id
	                        WHEN max(sealed) <> 0
	                        THEN RAISE(ABORT, 'ledger: the transfer is sealed') END
	            FROM transfer WHERE id = NEW.transfer_id);
END;

-- A transfer written sealed, after its postings: checked once, here. One
-- written open may have no postings yet.
CREATE TRIGGER transfer_insert AFTER INSERT ON transfer
BEGIN
	SELECT RAISE(ABORT, 'ledger: an open transfer must come before its postings')
	WHERE NEW.sealed = 0 AND EXISTS (SELECT 1 FROM posting WHERE transfer_id = NEW.id);
	-- the postings read once for both sums
	SELECT CASE WHEN NEW.sealed = 0 THEN NULL
	            WHEN sum(amount) <> 0 THEN RAISE(ABORT, 'ledger: debits do not equal credits')
	            WHEN count(*) < 2 THEN RAISE(ABORT, 'ledger: a transfer needs two postings at least')
	       END
	FROM posting WHERE transfer_id = NEW.id;
	-- and those into a household's accounts once for both of its rules:
	-- money enters its payable account in a reservation or adjustment only
	-- when its review passed; and money reserved for a household stays in
	-- its own accounts (payable, then transit while the bank pays, then
	-- paid), so their total is what it was given, which may not pass its
	-- entitlement
	SELECT CASE
	       WHEN a.kind = 'payable' AND (NEW.kind = 'reserve' OR NEW.kind = 'adjust')
	            AND (SELECT status FROM household WHERE id = a.household_id)
	                NOT IN ('reviewed', 'subsidized')
	       THEN RAISE(ABORT, 'ledger: the household''s review has not passed, or it has withdrawn')
	       WHEN (SELECT coalesce(sum(q.amount), 0) FROM account b
	             JOIN posting q ON q.account_id = b.id
	             WHERE b.household_id = a.household_id
	             AND (b.kind = 'payable' OR b.kind = 'transit' OR b.kind = 'paid'))
	            > coalesce((SELECT total_fen FROM entitlement
	                        WHERE household_id = a.household_id), 0)
	       THEN RAISE(ABORT, 'ledger: more than the household''s entitlement')
	       END
	FROM posting p JOIN account a ON a.id = p.account_id
	WHERE NEW.sealed <> 0 AND p.transfer_id = NEW.id AND p.amount > 0
	AND a.household_id IS NOT NULL
	AND (a.kind = 'payable' OR a.kind = 'transit' OR a.kind = 'paid');
END;

-- A transfer written open first, sealed by UPDATE … SET sealed = 1: its
-- postings checked, and counted, here.
CREATE TRIGGER transfer_seal BEFORE UPDATE ON transfer
BEGIN
	SELECT RAISE(ABORT, 'ledger: transfers are immutable; correct by a reversing transfer')
	WHERE NOT (OLD.sealed = 0 AND NEW.sealed = 1 AND NEW.idem_key = OLD.idem_key
	           AND NEW.kind = OLD.kind AND NEW.content_hash = OLD.content_hash
	           AND NEW.day = OLD.day AND NEW.household_id IS OLD.household_id
	           AND NEW.reverses IS OLD.reverses);
	SELECT CASE WHEN sum(amount) <> 0 THEN RAISE(ABORT, 'ledger: debits do not equal credits')
	            WHEN count(*) < 2 THEN RAISE(ABORT, 'ledger: a transfer needs two postings at least')
	       END
	FROM posting WHERE transfer_id = NEW.id;
	SELECT CASE
	       WHEN a.kind = 'payable' AND (NEW.kind = 'reserve' OR NEW.kind = 'adjust')
	            AND (SELECT status FROM household WHERE id = a.household_id)
	                NOT IN ('reviewed', 'subsidized')
	       THEN RAISE(ABORT, 'ledger: the household''s review has not passed, or it has withdrawn')
	       WHEN (SELECT coalesce(sum(q.amount), 0) FROM account b
	             JOIN posting q ON q.account_id = b.id
	             WHERE b.household_id = a.household_id
	             AND (b.kind = 'payable' OR b.kind = 'transit' OR b.kind = 'paid'))
	            > coalesce((SELECT total_fen FROM entitlement
	                        WHERE household_id = a.household_id), 0)
	       THEN RAISE(ABORT, 'ledger: more than the household''s entitlement')
	       END
	FROM posting p JOIN account a ON a.id = p.account_id
	WHERE p.transfer_id = NEW.id AND p.amount > 0 AND a.household_id IS NOT NULL
	AND (a.kind = 'payable' OR a.kind = 'transit' OR a.kind = 'paid');
	-- only now do its postings count: each account's balance moves by its
	-- posting (the balance's CHECK keeps all but origins at or above zero)
	UPDATE account SET balance = balance + (SELECT amount FROM posting
	       WHERE transfer_id = NEW.id AND account_id = account.id)
	WHERE id IN (SELECT account_id FROM posting WHERE transfer_id = NEW.id);
END;
