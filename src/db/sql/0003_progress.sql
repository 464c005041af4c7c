-- cleanheat schema, version 3: construction progress (events), evidence,
-- the per-day aggregates the dispatch report reads, frozen periods, and
-- milestone calendars.

-- The date the household reached its current stage (household.status).
ALTER TABLE household ADD COLUMN stage_day TEXT;

-- Stage order, for SQL that must know which stages a household passed.
CREATE TABLE stage (
	no INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL
);
INSERT INTO stage(no, key, name) VALUES
	(0, 'registered', '已登记'), (1, 'started', '已开工'), (2, 'installed', '已完工'),
	(3, 'commissioned', '已调试'), (4, 'self_inspected', '自验合格'),
	(5, 'review_requested', '已申请复核'), (6, 'reviewed', '复核通过'),
	(7, 'subsidized', '补助已发放'), (8, 'withdrawn', '已退出');

-- One weekly batch (or one recorded step).
CREATE TABLE event_batch (
	id INTEGER PRIMARY KEY,
	file TEXT,                     -- NULL for a step recorded by hand
	file_hash TEXT,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	rows_read INTEGER NOT NULL DEFAULT 0,
	stored INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0
);

-- One step of one household. Never changed but for superseded_by: a
-- correction is a new event that supersedes the old one.
CREATE TABLE event (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES household(id),
	stage_no INTEGER NOT NULL REFERENCES stage(no),
	from_stage_no INTEGER NOT NULL REFERENCES stage(no),
	day TEXT NOT NULL,             -- YYYY-MM-DD, Beijing time
	note TEXT,
	es INTEGER NOT NULL,           -- the household had energy-saving measures then (0/1)
	es_area_centi INTEGER NOT NULL, -- and this area (0.01 m²)
	plan_year INTEGER NOT NULL,    -- the household's, when recorded
	county_id INTEGER NOT NULL,
	actor TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	batch_id INTEGER REFERENCES event_batch(id),
	corrects INTEGER REFERENCES event(id),
	superseded_by INTEGER REFERENCES event(id)
);
CREATE INDEX event_household ON event(household_id, stage_no);

-- Evidence files, stored once by content hash.
CREATE TABLE evidence (
	hash TEXT PRIMARY KEY,         -- BLAKE2b-256 of the content
	name TEXT NOT NULL,            -- the first name it was given
	size INTEGER NOT NULL,
	content BLOB NOT NULL,
	stored_at TEXT NOT NULL
);
CREATE TABLE event_evidence (
	event_id INTEGER NOT NULL REFERENCES event(id),
	hash TEXT NOT NULL REFERENCES evidence(hash),
	PRIMARY KEY (event_id, hash)
);
CREATE INDEX event_evidence_hash ON event_evidence(hash);

-- What the dispatch report reads: per plan year, county, stage and day,
-- how many households reached the stage that day (withdrawals count -1
-- for every stage the household had reached, and +1 for withdrawn).
-- Kept in the same transaction as each event; `report verify` recomputes it.
CREATE TABLE progress_daily (
	plan_year INTEGER NOT NULL,
	county_id INTEGER NOT NULL,
	stage_no INTEGER NOT NULL,
	day TEXT NOT NULL,
	households INTEGER NOT NULL,
	es_households INTEGER NOT NULL,
	es_area_centi INTEGER NOT NULL,
	PRIMARY KEY (plan_year, county_id, stage_no, day)
) WITHOUT ROWID;

-- A period whose dispatch figures were locked.
CREATE TABLE dispatch_freeze (
	plan_year INTEGER NOT NULL,
	period TEXT NOT NULL,          -- 2023-W28 or 2023-07
	as_of TEXT NOT NULL,           -- the period's last day
	figures TEXT NOT NULL,         -- JSON: county code → stage key → households
	frozen_at TEXT NOT NULL,
	actor TEXT NOT NULL,
	PRIMARY KEY (plan_year, period)
);

-- Milestone calendars (data/calendar/), key → value per plan year.
CREATE TABLE calendar (
	plan_year INTEGER NOT NULL,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (plan_year, key)
);
