-- cleanheat schema, version 19: evidence stored once per county, and the
-- uses of a file carry the county of their step or review application.
--
-- On a Citus cluster every household-level table is distributed by county
-- (docs/scale.md; PostgreSQL's form of this number, pg/0019_event_keys.sql,
-- also keys the steps by (id, county_id)). Evidence was stored once by
-- content hash for every county; it is now keyed by (hash, county_id): the
-- same photo used in two counties is stored twice, once in each, and the
-- same statements run on both engines. Each file is copied once for every
-- county whose steps (event_evidence) or review results (review_evidence)
-- use it. A file nobody uses (none is written so, but nothing is thrown
-- away) belongs to no county: it is kept under the prefecture's region id
-- (the active region of level 1 without a parent).
--
-- SQLite cannot change a table's key in place, and a reference to
-- evidence(hash) is refused once hash alone is no longer unique, so the
-- three tables are rebuilt: evidence with its files, and its two narrow
-- tables of uses, each with county_id as its last column (as PostgreSQL's
-- ALTER TABLE adds it, for `db copy`). The steps themselves (event) keep
-- their table; they have carried their county since version 3.

PRAGMA defer_foreign_keys = ON;

-- the uses, with their county
CREATE TEMP TABLE event_evidence_copy AS
	SELECT ee.event_id, ee.hash, e.county_id FROM event_evidence ee JOIN event e ON e.id = ee.event_id;
CREATE TEMP TABLE review_evidence_copy AS
	SELECT r.application_id, r.household_id, r.hash, a.county_id
	FROM review_evidence r JOIN review_application a ON a.id = r.application_id;

-- the files: one copy per county that uses one, the unused under the prefecture
CREATE TABLE evidence_by_county (
	hash TEXT NOT NULL,            -- BLAKE2b-256 of the content
	name TEXT NOT NULL,            -- the first name it was given in the county
	size INTEGER NOT NULL,
	content BLOB NOT NULL,
	stored_at TEXT NOT NULL,
	county_id INTEGER NOT NULL REFERENCES region(id),
	PRIMARY KEY (hash, county_id)
);
INSERT INTO evidence_by_county(hash, name, size, content, stored_at, county_id)
	SELECT v.hash, v.name, v.size, v.content, v.stored_at, u.county_id
	FROM evidence v JOIN (SELECT hash, county_id FROM event_evidence_copy
		UNION SELECT hash, county_id FROM review_evidence_copy) u ON u.hash = v.hash;
INSERT INTO evidence_by_county(hash, name, size, content, stored_at, county_id)
	SELECT v.hash, v.name, v.size, v.content, v.stored_at,
		(SELECT id FROM region WHERE level = 1 AND parent_id IS NULL
		 ORDER BY status <> 'active', id LIMIT 1)
	FROM evidence v WHERE v.hash NOT IN (SELECT hash FROM evidence_by_county);

DROP TABLE review_evidence;
DROP TABLE event_evidence;
DROP TABLE evidence;
ALTER TABLE evidence_by_county RENAME TO evidence;

CREATE TABLE event_evidence (
	event_id INTEGER NOT NULL REFERENCES event(id),
	hash TEXT NOT NULL,
	county_id INTEGER NOT NULL REFERENCES region(id), -- the step's
	PRIMARY KEY (event_id, hash, county_id),
	FOREIGN KEY (hash, county_id) REFERENCES evidence(hash, county_id)
);
INSERT INTO event_evidence(event_id, hash, county_id)
	SELECT event_id, hash, county_id FROM event_evidence_copy;
CREATE INDEX event_evidence_hash ON event_evidence(hash);

CREATE TABLE review_evidence (
	application_id INTEGER NOT NULL REFERENCES review_application(id),
	household_id INTEGER NOT NULL REFERENCES household(id),
	hash TEXT NOT NULL,
	county_id INTEGER NOT NULL REFERENCES region(id), -- the application's
	PRIMARY KEY (application_id, household_id, hash, county_id),
	FOREIGN KEY (hash, county_id) REFERENCES evidence(hash, county_id)
);
INSERT INTO review_evidence(application_id, household_id, hash, county_id)
	SELECT application_id, household_id, hash, county_id FROM review_evidence_copy;

DROP TABLE event_evidence_copy;
DROP TABLE review_evidence_copy;
