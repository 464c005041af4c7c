-- cleanheat schema, version 20 (PostgreSQL form of ../0020_acceptance_keys.sql):
-- the acceptance records, the entitlement and the frozen snapshot of a
-- household carry their county, in every key and in every foreign key to
-- the household and the review application.
--
-- On Citus these tables are distributed by county_id with the household
-- (docs/scale.md): a unique key must include the distribution column, and
-- a foreign key between two distributed tables must too, so that the row
-- it points at is on the same node. Each table gets county_id (filled from
-- its household, a review item's from its application), NOT NULL; its
-- foreign keys to household(id) and review_application(id) now point at
-- the pairs (id, county_id) that version 18 made unique, which also makes
-- a row whose county differs from its household's impossible; and its
-- keys gain county_id last, so that lookups by the old columns still use
-- them. The review application's id-only primary key stays until nothing
-- points at it; its number is unique within its county (the number names
-- the county anyway).

ALTER TABLE inspection ADD COLUMN county_id bigint;
UPDATE inspection i SET county_id = h.county_id FROM household h WHERE h.id = i.household_id;
ALTER TABLE inspection ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE inspection ADD CONSTRAINT inspection_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE inspection DROP CONSTRAINT inspection_household_id_fkey;
ALTER TABLE inspection ADD CONSTRAINT inspection_household_id_county_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE inspection DROP CONSTRAINT inspection_pkey;
ALTER TABLE inspection ADD CONSTRAINT inspection_pkey PRIMARY KEY (id, county_id);

ALTER TABLE rectification ADD COLUMN county_id bigint;
UPDATE rectification r SET county_id = h.county_id FROM household h WHERE h.id = r.household_id;
ALTER TABLE rectification ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE rectification ADD CONSTRAINT rectification_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE rectification DROP CONSTRAINT rectification_household_id_fkey;
ALTER TABLE rectification ADD CONSTRAINT rectification_household_id_county_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE rectification DROP CONSTRAINT rectification_pkey;
ALTER TABLE rectification ADD CONSTRAINT rectification_pkey PRIMARY KEY (id, county_id);

ALTER TABLE followup ADD COLUMN county_id bigint;
UPDATE followup f SET county_id = h.county_id FROM household h WHERE h.id = f.household_id;
ALTER TABLE followup ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE followup ADD CONSTRAINT followup_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE followup DROP CONSTRAINT followup_household_id_fkey;
ALTER TABLE followup ADD CONSTRAINT followup_household_id_county_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE followup DROP CONSTRAINT followup_pkey;
ALTER TABLE followup ADD CONSTRAINT followup_pkey PRIMARY KEY (id, county_id);
ALTER TABLE followup DROP CONSTRAINT followup_household_id_visit_key;
ALTER TABLE followup ADD CONSTRAINT followup_household_id_visit_county_id_key
	UNIQUE (household_id, visit, county_id);

ALTER TABLE review_application DROP CONSTRAINT review_application_number_key;
ALTER TABLE review_application ADD CONSTRAINT review_application_number_county_id_key
	UNIQUE (number, county_id);

-- a sampled household is in the county of its application
ALTER TABLE review_item ADD COLUMN county_id bigint;
UPDATE review_item i SET county_id = a.county_id FROM review_application a
	WHERE a.id = i.application_id;
ALTER TABLE review_item ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE review_item ADD CONSTRAINT review_item_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE review_item DROP CONSTRAINT review_item_application_id_fkey;
ALTER TABLE review_item ADD CONSTRAINT review_item_application_id_county_id_fkey
	FOREIGN KEY (application_id, county_id) REFERENCES review_application(id, county_id)
	DEFERRABLE;
ALTER TABLE review_item DROP CONSTRAINT review_item_household_id_fkey;
ALTER TABLE review_item ADD CONSTRAINT review_item_household_id_county_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE review_item DROP CONSTRAINT review_item_pkey;
ALTER TABLE review_item ADD CONSTRAINT review_item_pkey
	PRIMARY KEY (application_id, household_id, county_id);

ALTER TABLE entitlement ADD COLUMN county_id bigint;
UPDATE entitlement e SET county_id = h.county_id FROM household h WHERE h.id = e.household_id;
ALTER TABLE entitlement ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE entitlement ADD CONSTRAINT entitlement_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE entitlement DROP CONSTRAINT entitlement_household_id_fkey;
ALTER TABLE entitlement ADD CONSTRAINT entitlement_household_id_county_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE entitlement DROP CONSTRAINT entitlement_pkey;
ALTER TABLE entitlement ADD CONSTRAINT entitlement_pkey PRIMARY KEY (household_id, county_id);

ALTER TABLE hh_snapshot ADD COLUMN county_id bigint;
UPDATE hh_snapshot s SET county_id = h.county_id FROM household h WHERE h.id = s.household_id;
ALTER TABLE hh_snapshot ALTER COLUMN county_id SET NOT NULL;
ALTER TABLE hh_snapshot ADD CONSTRAINT hh_snapshot_county_id_fkey
	FOREIGN KEY (county_id) REFERENCES region(id) DEFERRABLE;
ALTER TABLE hh_snapshot DROP CONSTRAINT hh_snapshot_household_id_fkey;
ALTER TABLE hh_snapshot ADD CONSTRAINT hh_snapshot_household_id_county_id_fkey
	FOREIGN KEY (household_id, county_id) REFERENCES household(id, county_id) DEFERRABLE;
ALTER TABLE hh_snapshot DROP CONSTRAINT hh_snapshot_pkey;
ALTER TABLE hh_snapshot ADD CONSTRAINT hh_snapshot_pkey PRIMARY KEY (household_id, county_id);
