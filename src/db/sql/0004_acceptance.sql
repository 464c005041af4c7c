-- cleanheat schema, version 4: acceptance — self-inspection, review
-- applications with their samples, rectification orders, follow-up visits.

-- Settings loaded from data/acceptance/ (scope 'sampling', 'followup').
CREATE TABLE setting (
	scope TEXT NOT NULL,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (scope, key)
);
-- The self-inspection checklist, in order.
CREATE TABLE checklist_item (
	key TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	ordinal INTEGER NOT NULL
);

-- One self-inspection (自验) of one household.
CREATE TABLE inspection (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES household(id),
	day TEXT NOT NULL,
	inspector TEXT NOT NULL,
	result TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
	items TEXT NOT NULL,           -- JSON: checklist key → "pass" / "fail"
	actor TEXT NOT NULL,
	recorded_at TEXT NOT NULL
);
CREATE INDEX inspection_household ON inspection(household_id);

-- A rectification order (整改). Open while closed_day is NULL.
CREATE TABLE rectification (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES household(id),
	source TEXT NOT NULL CHECK (source IN ('inspection', 'review', 'followup')),
	source_id INTEGER NOT NULL,    -- the inspection, review application or visit
	issue TEXT NOT NULL,
	opened_day TEXT NOT NULL,
	deadline TEXT NOT NULL,
	closed_day TEXT,
	closed_by TEXT,
	closing_note TEXT
);
CREATE INDEX rectification_household ON rectification(household_id);

-- A county's review application (复核申请): a frozen set of households.
CREATE TABLE review_application (
	id INTEGER PRIMARY KEY,
	number TEXT NOT NULL UNIQUE,   -- 复核-652301-2023-001
	county_id INTEGER NOT NULL REFERENCES region(id),
	plan_year INTEGER NOT NULL,
	applied_at TEXT NOT NULL,
	applied_by TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('applied', 'assigned', 'completed')),
	unit TEXT,                     -- the reviewing unit (member unit or third party)
	reviewer TEXT,                 -- the user who reviews it
	assigned_at TEXT,
	assigned_by TEXT,
	seed_source TEXT,              -- what the office recorded when assigning (lottery number ...)
	seed TEXT,                     -- BLAKE2b of it: the sample's key
	algorithm TEXT,
	policy TEXT,                   -- JSON: the sampling settings used
	round INTEGER NOT NULL DEFAULT 0, -- sample rounds drawn (1, widened 2, everyone 3)
	outcome TEXT,                  -- when completed: passed / partly_failed
	completed_at TEXT
);

CREATE TABLE review_item (
	application_id INTEGER NOT NULL REFERENCES review_application(id),
	household_id INTEGER NOT NULL REFERENCES household(id),
	stratum TEXT NOT NULL,         -- township|technology|contractor
	sample_round INTEGER,          -- the round that drew it; NULL: not in the sample
	result TEXT CHECK (result IN ('pass', 'fail')),
	result_day TEXT,
	reviewer TEXT,
	note TEXT,
	PRIMARY KEY (application_id, household_id)
);
CREATE INDEX review_item_household ON review_item(household_id);

-- Follow-up visits (回访).
CREATE TABLE followup (
	id INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES household(id),
	visit INTEGER NOT NULL,        -- 1: first heating month, 2: mid-season
	day TEXT NOT NULL,
	in_use INTEGER NOT NULL,       -- the new system is used
	comfort TEXT NOT NULL CHECK (comfort IN ('good', 'fair', 'poor')),
	cost_complaint INTEGER NOT NULL,
	coal_burned INTEGER NOT NULL,  -- 返煤
	fault TEXT,
	satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
	note TEXT,
	visitor TEXT NOT NULL,
	actor TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	UNIQUE (household_id, visit)
);
