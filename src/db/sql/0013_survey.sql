-- cleanheat schema: the baseline survey (摸排) and what is computed from it.
--
-- survey_household: one surveyed household per county and 户编号 (the same
-- number the register uses, so a surveyed household that is later
-- registered and commissioned is found by county and 户编号), with its
-- current heating, coal burned, house and consent. village_infra and
-- transformer: per village, the gas main, the heat network and the
-- transformers with their rated capacity and measured winter peak.
-- factor: the numbers the heat load, advice, impact and usage checks use
-- (climate, envelope, tariffs, emission factors, thresholds), each with its
-- unit and source, loaded from data/survey/, data/tariffs/, data/emission/.
-- usage_reading: the utilities' monthly meter readings of commissioned
-- households; usage_flag: what the season's check found. IF NOT EXISTS,
-- as in 0011, so that a database whose version rows were rolled back
-- (tests/unit/test_search.c) migrates again.

CREATE TABLE IF NOT EXISTS survey_household (
	id INTEGER PRIMARY KEY,
	county_id INTEGER NOT NULL REFERENCES region(id),
	township_id INTEGER NOT NULL REFERENCES region(id),
	village_id INTEGER NOT NULL REFERENCES region(id),
	hh_no TEXT NOT NULL,              -- 户编号
	head_name TEXT,                   -- 户主姓名
	heating TEXT NOT NULL CHECK (heating IN ('coal_stove', 'tunuanqi', 'kang', 'electric', 'none')),
	coal_kg INTEGER,                  -- raw coal burned per winter, kg
	area_centi INTEGER NOT NULL,      -- heated area, 0.01 m²
	structure TEXT NOT NULL,          -- envelope structure key (factor envelope.<key>)
	year_built INTEGER,
	wall_insulated INTEGER NOT NULL DEFAULT 0,
	window_efficient INTEGER NOT NULL DEFAULT 0,
	planned_measures TEXT,            -- measure keys joined by '+'
	occupants INTEGER,
	consent INTEGER NOT NULL CHECK (consent IN (0, 1)),
	income_fen INTEGER,               -- household income per year, fen
	meter_gas TEXT,
	meter_electric TEXT,
	updated_at TEXT NOT NULL,
	UNIQUE (county_id, hh_no)
);
CREATE INDEX IF NOT EXISTS survey_household_village ON survey_household(village_id, hh_no);
CREATE INDEX IF NOT EXISTS survey_household_meter_gas ON survey_household(meter_gas) WHERE meter_gas IS NOT NULL;
CREATE INDEX IF NOT EXISTS survey_household_meter_electric ON survey_household(meter_electric)
	WHERE meter_electric IS NOT NULL;

CREATE TABLE IF NOT EXISTS village_infra (
	village_id INTEGER PRIMARY KEY REFERENCES region(id),
	county_id INTEGER NOT NULL REFERENCES region(id),
	gas_main INTEGER NOT NULL CHECK (gas_main IN (0, 1)),
	gas_distance_m INTEGER,           -- to the gas main, metres
	heat_network_m INTEGER,           -- to a heat network, metres (NULL: none)
	works TEXT,                       -- grid/gas works planned
	works_date TEXT,                  -- their planned completion
	updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS transformer (
	village_id INTEGER NOT NULL REFERENCES village_infra(village_id),
	name TEXT NOT NULL,               -- 变压器编号
	rated_kva INTEGER NOT NULL,
	peak_kva INTEGER NOT NULL,        -- measured winter peak load
	PRIMARY KEY (village_id, name)
);

CREATE TABLE IF NOT EXISTS factor (
	scope TEXT NOT NULL,              -- 'survey', 'tariff', 'emission', 'climate'
	key TEXT NOT NULL,
	value TEXT NOT NULL,              -- a decimal number as written in the file
	unit TEXT,
	source TEXT NOT NULL,
	PRIMARY KEY (scope, key)
);

CREATE TABLE IF NOT EXISTS usage_reading (
	household_id INTEGER NOT NULL REFERENCES household(id),
	kind TEXT NOT NULL CHECK (kind IN ('gas', 'electric')),
	month TEXT NOT NULL,              -- YYYY-MM
	amount_milli INTEGER,             -- m³ or kWh used that month, thousandths
	reading_milli INTEGER,            -- the meter's cumulative reading at the month's end
	CHECK (amount_milli IS NOT NULL OR reading_milli IS NOT NULL),
	PRIMARY KEY (household_id, kind, month)
);

-- A usage flag of a season (idle: almost no use, likely back to coal;
-- low; burden: heating costs too large a share of income; gap: months
-- without a reading), with the figures in REASON. One per household,
-- season and flag however often the check runs; VISIT 1 when it asks for
-- a follow-up visit (visit 3 of the household, listed by followup due).
CREATE TABLE IF NOT EXISTS usage_flag (
	household_id INTEGER NOT NULL REFERENCES household(id),
	season TEXT NOT NULL,             -- '2023-2024'
	flag TEXT NOT NULL CHECK (flag IN ('idle', 'low', 'burden', 'gap')),
	reason TEXT NOT NULL,
	day TEXT NOT NULL,                -- when the check first raised it
	visit INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (household_id, season, flag)
);
