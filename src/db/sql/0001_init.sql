-- cleanheat schema, version 1: regions, users, the audit log, annual plans.
--
-- Written in the SQL that SQLite and PostgreSQL share. Household-keyed tables
-- (later) are distributable by household; regions are a reference table.

-- Key/value facts about this database (which reference data was loaded).
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- prefecture (1) > county (2) > township (3) > village (4)
CREATE TABLE region (
	id INTEGER PRIMARY KEY,
	code TEXT UNIQUE,              -- GB/T 2260 for counties up, statistical code below; may be NULL
	name TEXT NOT NULL,
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
	parent_id INTEGER REFERENCES region(id),
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'obsolete')),
	note TEXT,                     -- why a code is obsolete, or where it came from
	children_loaded INTEGER NOT NULL DEFAULT 0, -- 1: the list of children was loaded by region import
	UNIQUE (parent_id, name)
);
CREATE INDEX region_parent ON region(parent_id);

-- Other names a region is known by (木垒县 for 木垒哈萨克自治县).
CREATE TABLE region_alias (
	alias TEXT PRIMARY KEY,
	region_id INTEGER NOT NULL REFERENCES region(id)
);

CREATE TABLE app_user (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('prefecture_admin', 'county_operator',
		'township_operator', 'reviewer', 'finance', 'auditor')),
	scope_region_id INTEGER REFERENCES region(id), -- NULL: the whole prefecture
	created_at TEXT NOT NULL
);

-- Append-only, hash-chained. hash = BLAKE2b-256 over the entry's fields and
-- prev_hash (core/audit.c says exactly how).
CREATE TABLE audit_log (
	seq INTEGER PRIMARY KEY,
	at TEXT NOT NULL,              -- UTC, YYYY-MM-DDTHH:MM:SSZ
	actor TEXT NOT NULL,
	action TEXT NOT NULL,          -- e.g. plan.import
	object TEXT NOT NULL,          -- e.g. plan:2023
	before TEXT,                   -- JSON, NULL when the object is new
	after TEXT,                    -- JSON, NULL when the object is gone
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
-- The last entry, kept apart so that deleting the newest entries is seen.
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL,
	hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- One row per stored version of a year's plan; one active version a year.
CREATE TABLE plan (
	id INTEGER PRIMARY KEY,
	year INTEGER NOT NULL,
	version INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('active', 'superseded')),
	title TEXT,
	source_name TEXT,              -- the file it came from, as named by the user
	content_hash TEXT NOT NULL,    -- of the targets, to recognise the same plan again
	published_total INTEGER,       -- the 总计 row as printed (may disagree with the sum)
	published_new INTEGER,
	published_continuing INTEGER,
	published_es INTEGER,
	es_area_total_centi INTEGER,   -- prefecture-wide energy-saving area target, 0.01 m²
	discrepancies TEXT,            -- JSON findings accepted with the plan; NULL when clean
	reason TEXT,                   -- why discrepancies were accepted
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	UNIQUE (year, version)
);
CREATE UNIQUE INDEX plan_one_active ON plan(year) WHERE status = 'active';

CREATE TABLE plan_target (
	plan_id INTEGER NOT NULL REFERENCES plan(id),
	region_id INTEGER NOT NULL REFERENCES region(id),
	households_total INTEGER NOT NULL,
	households_new INTEGER NOT NULL CHECK (households_new >= 0),
	households_continuing INTEGER NOT NULL CHECK (households_continuing >= 0),
	es_households INTEGER NOT NULL CHECK (es_households >= 0),
	es_area_centi INTEGER,         -- 0.01 m², NULL when the plan gives none per county
	remark TEXT,
	PRIMARY KEY (plan_id, region_id)
);
