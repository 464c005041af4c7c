-- The second factor at sign-in: each user's time-based one-time password
-- secret (RFC 6238), stored once a first code confirmed it, the last step
-- whose code was accepted (a code works once), the recovery codes (only
-- their BLAKE2b hashes) and, per session, when its last code was given
-- (TOTP clock, unix seconds) and whether it may only enrol.
CREATE TABLE user_totp (
	user_id INTEGER PRIMARY KEY REFERENCES app_user(id),
	secret TEXT NOT NULL,        -- base32; never shown again after enrolment
	created_at TEXT NOT NULL,
	confirmed_at TEXT,           -- when a first code confirmed it
	last_step INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE totp_recovery (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	code_hash TEXT NOT NULL,
	used_at TEXT
);
CREATE INDEX totp_recovery_user ON totp_recovery(user_id);

ALTER TABLE auth_session ADD COLUMN totp_at INTEGER;
ALTER TABLE auth_session ADD COLUMN enrol_only INTEGER NOT NULL DEFAULT 0;
