-- cleanheat schema, version 20: the acceptance records, the entitlement and
-- the frozen snapshot of a household carry their county.
--
-- On PostgreSQL (pg/0020_acceptance_keys.sql) these tables are distributed
-- by county on a Citus cluster (docs/scale.md): each needs its county in
-- every key and in its foreign keys to the household and the review
-- application. SQLite gets the same column, at the end of each table as
-- there, so that `db copy` and the core's statements see one shape; the
-- programme writes it from the household (or the application) in the same
-- statement as the row. SQLite cannot make an added column NOT NULL nor
-- change a key without rebuilding the table, and these keys need no
-- change here: one prefecture lives in one file.
ALTER TABLE inspection ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE inspection SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = inspection.household_id);

ALTER TABLE rectification ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE rectification SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = rectification.household_id);

ALTER TABLE followup ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE followup SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = followup.household_id);

-- a sampled household is in the county of its application
ALTER TABLE review_item ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE review_item SET county_id =
	(SELECT a.county_id FROM review_application a WHERE a.id = review_item.application_id);

ALTER TABLE entitlement ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE entitlement SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = entitlement.household_id);

ALTER TABLE hh_snapshot ADD COLUMN county_id INTEGER REFERENCES region(id);
UPDATE hh_snapshot SET county_id =
	(SELECT h.county_id FROM household h WHERE h.id = hh_snapshot.household_id);
