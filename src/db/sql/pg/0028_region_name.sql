-- cleanheat schema, version 28: places found by name through an index,
-- as on SQLite (../0028_region_name.sql): a look-up by name without the
-- parent cannot use UNIQUE (parent_id, name).
-- IF NOT EXISTS, as there.
CREATE INDEX IF NOT EXISTS region_name ON region(name);
