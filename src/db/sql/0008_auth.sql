-- Sign-in for the HTTP server: passwords (argon2id strings from libsodium),
-- sessions and API tokens, each stored only as a BLAKE2b hash of the random
-- value the client holds, and the failed sign-ins that throttle guessing.
-- Times that expiry compares are unix seconds; the others ISO 8601 UTC.
ALTER TABLE app_user ADD COLUMN password_hash TEXT;
ALTER TABLE app_user ADD COLUMN disabled_at TEXT;

CREATE TABLE auth_session (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	csrf TEXT NOT NULL,          -- sent back in X-CSRF-Token on every change
	client TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	ended_at INTEGER             -- signed out, expired or the user disabled
);

CREATE TABLE api_token (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	created_at TEXT NOT NULL,
	expires_at INTEGER,          -- NULL: until revoked
	revoked_at TEXT
);

CREATE TABLE signin_failure (
	id INTEGER PRIMARY KEY,
	user_name TEXT NOT NULL,
	client TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX signin_failure_user ON signin_failure(user_name, at);
CREATE INDEX signin_failure_client ON signin_failure(client, at);
