-- cleanheat schema, version 21 (PostgreSQL form of
-- ../0021_survey_notice_keys.sql): the survey, the meter readings and the
-- public notices keyed and referenced through the county.
--
-- On Citus every household-level table is distributed by county_id, and a
-- unique key of one, or a foreign key between two of them, must include
-- it: a node checks only its own rows (docs/scale.md). The tables that
-- lacked the county get it from the row they hang from (a transformer its
-- village's infrastructure, a meter reading, usage flag or payment hold
-- its household, a notice's item or objection its notice); each key takes
-- the county last, so that a lookup by the old columns still uses it; each
-- reference to the household, the notice or the village's infrastructure
-- goes through the pair. A parent's key changes only once the references
-- to its old key are gone. The number of a notice stays unique within its
-- county (it names the county's code).

-- the survey: the county was there, the key lacked it
ALTER TABLE survey_household DROP CONSTRAINT survey_household_pkey;
ALTER TABLE survey_household ADD PRIMARY KEY (id, county_id);

-- a village's infrastructure and its transformers
ALTER TABLE transformer ADD COLUMN county_id bigint;
UPDATE transformer t SET county_id = v.county_id FROM village_infra v
	WHERE v.village_id = t.village_id;
ALTER TABLE transformer ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE transformer ADD CONSTRAINT transformer_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE transformer DROP CONSTRAINT transformer_village_id_fkey;
ALTER TABLE village_infra DROP CONSTRAINT village_infra_pkey;
ALTER TABLE village_infra ADD PRIMARY KEY (village_id, county_id);
ALTER TABLE transformer DROP CONSTRAINT transformer_pkey;
ALTER TABLE transformer ADD PRIMARY KEY (village_id, name, county_id);
ALTER TABLE transformer ADD CONSTRAINT transformer_village_id_fkey
	FOREIGN KEY (village_id, county_id) REFERENCES village_infra(village_id, county_id) DEFERRABLE;

-- the meter readings and what the season's check found
ALTER TABLE usage_reading ADD COLUMN county_id bigint;
UPDATE usage_reading r SET county_id = h.county_id FROM household h WHERE h.id = r.household_id;
ALTER TABLE usage_reading ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE usage_reading ADD CONSTRAINT usage_reading_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE usage_reading DROP CONSTRAINT usage_reading_household_id_fkey;
ALTER TABLE usage_reading ADD CONSTRAINT usage_reading_household_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE usage_reading DROP CONSTRAINT usage_reading_pkey;
ALTER TABLE usage_reading ADD PRIMARY KEY (household_id, kind, month, county_id);

ALTER TABLE usage_flag ADD COLUMN county_id bigint;
UPDATE usage_flag f SET county_id = h.county_id FROM household h WHERE h.id = f.household_id;
ALTER TABLE usage_flag ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE usage_flag ADD CONSTRAINT usage_flag_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE usage_flag DROP CONSTRAINT usage_flag_household_id_fkey;
ALTER TABLE usage_flag ADD CONSTRAINT usage_flag_household_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE usage_flag DROP CONSTRAINT usage_flag_pkey;
ALTER TABLE usage_flag ADD PRIMARY KEY (household_id, season, flag, county_id);

-- the notices: the items and objections take their county from their
-- notice, then the notice's keys take the county
ALTER TABLE notice_item ADD COLUMN county_id bigint;
UPDATE notice_item i SET county_id = n.county_id FROM notice n WHERE n.id = i.notice_id;
ALTER TABLE notice_item ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE notice_item ADD CONSTRAINT notice_item_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE notice_item DROP CONSTRAINT notice_item_notice_id_fkey;

ALTER TABLE objection ADD COLUMN county_id bigint;
UPDATE objection o SET county_id = n.county_id FROM notice n WHERE n.id = o.notice_id;
ALTER TABLE objection ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE objection ADD CONSTRAINT objection_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE objection DROP CONSTRAINT objection_notice_id_fkey;

ALTER TABLE notice DROP CONSTRAINT notice_pkey;
ALTER TABLE notice ADD PRIMARY KEY (id, county_id);
ALTER TABLE notice DROP CONSTRAINT notice_number_key;
ALTER TABLE notice ADD CONSTRAINT notice_number_key UNIQUE (number, county_id);

ALTER TABLE notice_item ADD CONSTRAINT notice_item_notice_id_fkey
	FOREIGN KEY (notice_id, county_id) REFERENCES notice(id, county_id) DEFERRABLE;
ALTER TABLE notice_item DROP CONSTRAINT notice_item_household_id_fkey;
ALTER TABLE notice_item ADD CONSTRAINT notice_item_household_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE notice_item DROP CONSTRAINT notice_item_pkey;
ALTER TABLE notice_item ADD PRIMARY KEY (notice_id, household_id, county_id);

ALTER TABLE objection ADD CONSTRAINT objection_notice_id_fkey
	FOREIGN KEY (notice_id, county_id) REFERENCES notice(id, county_id) DEFERRABLE;
ALTER TABLE objection DROP CONSTRAINT objection_household_id_fkey;
ALTER TABLE objection ADD CONSTRAINT objection_household_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE objection DROP CONSTRAINT objection_pkey;
ALTER TABLE objection ADD PRIMARY KEY (id, county_id);

-- holds on a household's payment
ALTER TABLE payment_hold ADD COLUMN county_id bigint;
UPDATE payment_hold p SET county_id = h.county_id FROM household h WHERE h.id = p.household_id;
ALTER TABLE payment_hold ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE payment_hold ADD CONSTRAINT payment_hold_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE payment_hold DROP CONSTRAINT payment_hold_household_id_fkey;
ALTER TABLE payment_hold ADD CONSTRAINT payment_hold_household_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE payment_hold DROP CONSTRAINT payment_hold_pkey;
ALTER TABLE payment_hold ADD PRIMARY KEY (id, county_id);
