-- cleanheat schema, version 18 (PostgreSQL form of ../0018_county_keys.sql):
-- keys that include the county on the two tables most others hang from.
--
-- On Citus every household-level table is distributed by county_id, and a
-- foreign key between two of them must include it: the row it points at
-- must be on the same node (docs/scale.md). The household and the review
-- application already carry their county; (id, county_id) is unique
-- because id is, and the tables that reference them point at this pair
-- from the migrations that follow. Once nothing points at the id alone,
-- a later migration drops the id-only primary key.
ALTER TABLE household ADD CONSTRAINT household_id_county UNIQUE (id, county_id);
ALTER TABLE review_application ADD CONSTRAINT review_application_id_county
	UNIQUE (id, county_id);
