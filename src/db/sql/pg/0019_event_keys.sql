-- cleanheat schema, version 19 (PostgreSQL form of ../0019_event_keys.sql):
-- the steps, their evidence and the evidence of review results keyed by
-- county.
--
-- On Citus every household-level table is distributed by county_id; each
-- of its unique keys must include it, and so must each foreign key to
-- another distributed table, for the row it points at to be on the same
-- node (docs/scale.md).
--
-- event: the primary key becomes (id, county_id); its household, the
-- step it corrects and the step that supersedes it are referenced with
-- the county (a correction is in the county of the step it corrects).
--
-- evidence was stored once by content hash for every county. It is now
-- stored once per county: the key is (hash, county_id), and the same photo
-- used in two counties is stored twice, once in each. Each file is copied
-- once for every county whose steps (event_evidence) or review results
-- (review_evidence) use it. A file nobody uses (none is written so, but
-- nothing is thrown away) belongs to no county: it is kept under the
-- prefecture's region id (the active region of level 1 without a parent).
--
-- event_evidence and review_evidence carry the county of their step or
-- review application, in their keys and in every reference to the step,
-- the household, the application and the file.
--
-- household_import and event_batch stay as they are: one file may hold
-- several counties and there is one row per file, so they are reference
-- tables (a copy on every node); they reference no distributed table.

-- the references to the keys that change, dropped first
ALTER TABLE event_evidence DROP CONSTRAINT event_evidence_event_id_fkey,
	DROP CONSTRAINT event_evidence_hash_fkey;
ALTER TABLE review_evidence DROP CONSTRAINT review_evidence_hash_fkey,
	DROP CONSTRAINT review_evidence_application_id_fkey,
	DROP CONSTRAINT review_evidence_household_id_fkey;
ALTER TABLE event DROP CONSTRAINT event_corrects_fkey,
	DROP CONSTRAINT event_superseded_by_fkey,
	DROP CONSTRAINT event_household_id_fkey;

-- event
ALTER TABLE event DROP CONSTRAINT event_pkey;
ALTER TABLE event ADD CONSTRAINT event_pkey PRIMARY KEY (id, county_id);
ALTER TABLE event
	ADD CONSTRAINT event_household_id_fkey FOREIGN KEY (household_id, county_id)
		REFERENCES household(id, county_id) DEFERRABLE,
	ADD CONSTRAINT event_corrects_fkey FOREIGN KEY (corrects, county_id)
		REFERENCES event(id, county_id) DEFERRABLE,
	ADD CONSTRAINT event_superseded_by_fkey FOREIGN KEY (superseded_by, county_id)
		REFERENCES event(id, county_id) DEFERRABLE;

-- the county of each use of a file
ALTER TABLE event_evidence ADD COLUMN county_id bigint;
UPDATE event_evidence ee SET county_id = e.county_id FROM event e WHERE e.id = ee.event_id;
ALTER TABLE event_evidence ALTER COLUMN county_id SET NOT NULL,
	ADD CONSTRAINT event_evidence_county_id_fkey FOREIGN KEY (county_id)
		REFERENCES region(id) DEFERRABLE;
ALTER TABLE review_evidence ADD COLUMN county_id bigint;
UPDATE review_evidence r SET county_id = a.county_id
	FROM review_application a WHERE a.id = r.application_id;
ALTER TABLE review_evidence ALTER COLUMN county_id SET NOT NULL,
	ADD CONSTRAINT review_evidence_county_id_fkey FOREIGN KEY (county_id)
		REFERENCES region(id) DEFERRABLE;

-- evidence: one copy per county that uses it; the unused under the prefecture
ALTER TABLE evidence DROP CONSTRAINT evidence_pkey;
ALTER TABLE evidence ADD COLUMN county_id bigint;
INSERT INTO evidence(hash, name, size, content, stored_at, county_id)
	SELECT v.hash, v.name, v.size, v.content, v.stored_at, u.county_id
	FROM evidence v JOIN (SELECT hash, county_id FROM event_evidence
		UNION SELECT hash, county_id FROM review_evidence) u ON u.hash = v.hash
	WHERE v.county_id IS NULL;
DELETE FROM evidence v WHERE v.county_id IS NULL
	AND EXISTS (SELECT 1 FROM evidence c WHERE c.hash = v.hash AND c.county_id IS NOT NULL);
UPDATE evidence SET county_id = (SELECT id FROM region WHERE level = 1 AND parent_id IS NULL
		ORDER BY status <> 'active', id LIMIT 1)
	WHERE county_id IS NULL;
ALTER TABLE evidence ALTER COLUMN county_id SET NOT NULL,
	ADD CONSTRAINT evidence_county_id_fkey FOREIGN KEY (county_id)
		REFERENCES region(id) DEFERRABLE;
ALTER TABLE evidence ADD CONSTRAINT evidence_pkey PRIMARY KEY (hash, county_id);

-- the uses: keys and references with the county
ALTER TABLE event_evidence DROP CONSTRAINT event_evidence_pkey;
ALTER TABLE event_evidence ADD CONSTRAINT event_evidence_pkey
		PRIMARY KEY (event_id, hash, county_id),
	ADD CONSTRAINT event_evidence_event_id_fkey FOREIGN KEY (event_id, county_id)
		REFERENCES event(id, county_id) DEFERRABLE,
	ADD CONSTRAINT event_evidence_hash_fkey FOREIGN KEY (hash, county_id)
		REFERENCES evidence(hash, county_id) DEFERRABLE;
ALTER TABLE review_evidence DROP CONSTRAINT review_evidence_pkey;
ALTER TABLE review_evidence ADD CONSTRAINT review_evidence_pkey
		PRIMARY KEY (application_id, household_id, hash, county_id),
	ADD CONSTRAINT review_evidence_application_id_fkey FOREIGN KEY (application_id, county_id)
		REFERENCES review_application(id, county_id) DEFERRABLE,
	ADD CONSTRAINT review_evidence_household_id_fkey FOREIGN KEY (household_id, county_id)
		REFERENCES household(id, county_id) DEFERRABLE,
	ADD CONSTRAINT review_evidence_hash_fkey FOREIGN KEY (hash, county_id)
		REFERENCES evidence(hash, county_id) DEFERRABLE;
