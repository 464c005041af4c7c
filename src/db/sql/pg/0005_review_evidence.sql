-- cleanheat schema, version 5: evidence attached to review results, stored
-- like the evidence of events (once, by content hash).
CREATE TABLE review_evidence (
	application_id bigint NOT NULL REFERENCES review_application(id),
	household_id bigint NOT NULL REFERENCES household(id),
	hash TEXT NOT NULL REFERENCES evidence(hash),
	PRIMARY KEY (application_id, household_id, hash)
);
