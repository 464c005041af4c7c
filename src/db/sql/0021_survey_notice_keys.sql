-- cleanheat schema, version 21: the county on every row of the survey, the
-- meter readings and the public notices.
--
-- On a Citus cluster every household-level table is distributed by its
-- county (docs/scale.md); PostgreSQL's form of this number
-- (pg/0021_survey_notice_keys.sql) gives these tables keys and references
-- through the county. Here the tables that lacked it get the column,
-- filled from the row they hang from (the village's infrastructure, the
-- household, the notice), so that both dialects have the same columns in
-- the same order (db copy) and the same statements run on both. SQLite
-- cannot add NOT NULL or change a key without rebuilding the table; every
-- insert gives the county. The unique indexes are the conflict targets of
-- the statements that write transformers and readings (core/survey.c,
-- core/usage.c), which name the county as PostgreSQL's keys now do.

ALTER TABLE transformer ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE transformer SET county_id =
	(SELECT v.county_id FROM village_infra v WHERE v.village_id = transformer.village_id);
CREATE UNIQUE INDEX transformer_county ON transformer(village_id, name, county_id);

ALTER TABLE usage_reading ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE usage_reading SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = usage_reading.household_id);
CREATE UNIQUE INDEX usage_reading_county ON usage_reading(household_id, kind, month, county_id);

ALTER TABLE usage_flag ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE usage_flag SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = usage_flag.household_id);

ALTER TABLE notice_item ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE notice_item SET county_id =
	(SELECT n.county_id FROM notice n WHERE n.id = notice_item.notice_id);

ALTER TABLE objection ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE objection SET county_id =
	(SELECT n.county_id FROM notice n WHERE n.id = objection.notice_id);

ALTER TABLE payment_hold ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE payment_hold SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = payment_hold.household_id);
