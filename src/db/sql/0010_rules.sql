-- The yearly rules an office sets itself: every version of each kind of
-- reference data (milestone calendar, subsidy standard, checklist,
-- follow-up schedule, sampling rates, technology and measure lists,
-- plausibility limits) as it was loaded, the file shipped with the program
-- (source 'builtin', the defaults of a new database) or one an office
-- imported (source 'import'). The content is the CSV text as loaded, so a
-- version can be shown again and an older one is never lost. One version
-- of a kind and year is active; PLAN_YEAR is 0 for the kinds that are one
-- current set rather than one per plan year.
CREATE TABLE rule_version (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	plan_year INTEGER NOT NULL,
	version INTEGER NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('builtin', 'import')),
	file TEXT NOT NULL,
	content TEXT NOT NULL,
	content_hash TEXT NOT NULL,
	loaded_by TEXT NOT NULL,
	loaded_at TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	UNIQUE (kind, plan_year, version)
);
CREATE UNIQUE INDEX rule_version_active ON rule_version(kind, plan_year) WHERE active = 1;
