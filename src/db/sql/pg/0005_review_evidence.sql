-- cleanheat schema, version 5: evidence attached to review results, stored
-- like the evidence of events (once, by content hash).
CREATE TABLE review_evidence (
	application_id bigint NOT NULL REFERENCES review_application(id) DEFERRABLE,
	household_id bigint NOT NULL REFERENCES household(id) DEFERRABLE,
	hash TEXT NOT NULL REFERENCES evidence(hash) DEFERRABLE,
	PRIMARY KEY (application_id, household_id, hash)
);
