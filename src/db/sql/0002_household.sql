-- cleanheat schema, version 2: reference lists and the household register.

-- Small lists shipped in data/register/ (technologies, energy-saving
-- measures), loaded like the reference regions. KEY is stable; NAME is the
-- Chinese name shown in reports.
CREATE TABLE ref_item (
	list TEXT NOT NULL,            -- 'technology', 'measure'
	key TEXT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (list, key)
);
-- Every spelling users write for an item, normalised, including its name.
CREATE TABLE ref_alias (
	list TEXT NOT NULL,
	alias TEXT NOT NULL,
	key TEXT NOT NULL,
	PRIMARY KEY (list, alias)
);
-- Plausibility bounds for numeric register fields.
CREATE TABLE ref_limit (
	field TEXT PRIMARY KEY,        -- 'heated_area', 'es_area', 'cost'
	min_value INTEGER NOT NULL,    -- in the field's stored unit (0.01 m², fen)
	max_value INTEGER NOT NULL
);

-- One row per import of a county ledger.
CREATE TABLE household_import (
	id INTEGER PRIMARY KEY,
	file TEXT NOT NULL,
	file_hash TEXT NOT NULL,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	rows_read INTEGER NOT NULL DEFAULT 0,
	inserted INTEGER NOT NULL DEFAULT 0,
	updated INTEGER NOT NULL DEFAULT 0,
	unchanged INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0
);

-- The register (户档案). Distributable by id; regions are a reference table.
CREATE TABLE household (
	id INTEGER PRIMARY KEY,
	county_id INTEGER NOT NULL REFERENCES region(id),
	township_id INTEGER NOT NULL REFERENCES region(id),
	village_id INTEGER REFERENCES region(id),
	hh_no TEXT NOT NULL,            -- 户编号, unique within the county
	head_name TEXT NOT NULL,        -- 户主姓名
	id_number TEXT NOT NULL,        -- 身份证号, 18 characters, upper-case X
	phone TEXT,                     -- canonical: 11-digit mobile or AREA-NUMBER
	address TEXT,
	heated_area_centi INTEGER,      -- 取暖面积, 0.01 m²
	structure TEXT,                 -- 房屋结构
	original_heating TEXT,          -- 原取暖方式
	technology TEXT NOT NULL,       -- ref_item key, list 'technology'
	es_measures TEXT,               -- ref_item keys of list 'measure', joined by '+'
	es_area_centi INTEGER,          -- 节能改造面积, 0.01 m²
	plan_year INTEGER NOT NULL,
	batch TEXT NOT NULL CHECK (batch IN ('new', 'continuing')),
	contractor TEXT,                -- 施工单位
	cost_fen INTEGER,               -- 总投资, fen
	note TEXT,                      -- 备注
	status TEXT NOT NULL DEFAULT 'registered',
	import_id INTEGER REFERENCES household_import(id), -- the import that last wrote it
	source_line INTEGER,            -- its row in that import's file
	updated_at TEXT NOT NULL,
	UNIQUE (county_id, hh_no)
);
-- One active record per person: a withdrawn record does not block.
CREATE UNIQUE INDEX household_id_active ON household(id_number) WHERE status <> 'withdrawn';
CREATE INDEX household_phone ON household(phone) WHERE phone IS NOT NULL;
CREATE INDEX household_address ON household(county_id, address) WHERE address IS NOT NULL;
CREATE INDEX household_township ON household(township_id, village_id);
