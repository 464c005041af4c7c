-- cleanheat schema, version 29: each review item has an id of its own.
--
-- Until now a review application was sealed whole: the canonical form of
-- its seal ended with every one of its items, so each result a reviewer
-- recorded wrote the whole application again into the seals (58 bytes a
-- household of the application, 5.4 MB a result at 92,000 households;
-- docs/performance.md, "A review result seals the whole application").
-- From this version an item is an audited object of its own (core/seal.c,
-- kind review_item) and the application's form holds its own columns
-- alone (kind review_application). A seal names its object by one
-- integer, and an item's key was its application and household, so the
-- item gets an id: SQLite's rowid made an INTEGER PRIMARY KEY (the change
-- hook reports it; a rowid of a table without one may change at VACUUM).
-- The key it had stays a unique constraint.
--
-- A result recorded counts the sampled items still without one, to see
-- whether the application is complete: an index of those alone, so that
-- the count reads them and not every item of the application (92,000 at
-- a county's full size).
--
-- The seals made before (kind review, the whole application) are not
-- rewritten: an application keeps being checked against them until its
-- next change, whose commit seals it and all of its items under the new
-- kinds (core/seal.c, "the review's two forms").
CREATE TABLE review_item_rows (
	id INTEGER PRIMARY KEY,
	application_id INTEGER NOT NULL REFERENCES review_application(id),
	household_id INTEGER NOT NULL REFERENCES household(id),
	stratum TEXT NOT NULL,         -- township|technology|contractor
	sample_round INTEGER,          -- the round that drew it; NULL: not in the sample
	result TEXT CHECK (result IN ('pass', 'fail')),
	result_day TEXT,
	reviewer TEXT,
	note TEXT,
	county_id INTEGER REFERENCES region(id),
	UNIQUE (application_id, household_id)
);
INSERT INTO review_item_rows(id, application_id, household_id, stratum, sample_round, result,
	result_day, reviewer, note, county_id)
	SELECT rowid, application_id, household_id, stratum, sample_round, result, result_day,
		reviewer, note, county_id FROM review_item ORDER BY rowid;
DROP TABLE review_item;
ALTER TABLE review_item_rows RENAME TO review_item;
CREATE INDEX review_item_household ON review_item(household_id);
CREATE INDEX review_item_pending ON review_item(application_id)
	WHERE sample_round IS NOT NULL AND result IS NULL;
