-- cleanheat schema, version 25: nothing changes on PostgreSQL, whose
-- posting_check() is one trigger function already (pg/0016); the number
-- is shared by both dialects.
SELECT 1;
