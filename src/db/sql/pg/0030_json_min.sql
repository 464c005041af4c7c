-- cleanheat schema, version 30 (PostgreSQL form of ../0030_json_min.sql):
-- ch_json_min (0011) returns the same text at a tenth of the cost.
--
-- A seal's canonical form is SQLite's json_array, which separates values
-- by ","; PostgreSQL's json_build_array and json_agg separate them by ", ".
-- ch_json_min took the blank out with a regular expression that skips
-- strings whole, about 30 µs for a household's array of 22 values: 3.0 s
-- of the 4.6 s that sealing 100,000 imported households took, and the same
-- again in every verify (docs/performance.md, "PostgreSQL: the seals'
-- compact JSON, and the change notes once per statement").
--
-- Now the blanks are counted first. An array of N values written by
-- json_build_array holds exactly N - 1 separators ", "; any other ", " lies
-- in a string or in a value nested inside it. So when the text holds
-- N - 1 of them and no more, every one is a separator and a plain replace
-- gives what the expression gives; otherwise (a string with ", " in it, a
-- nested array of two values or more, a value that is not an array) the
-- expression runs as before. PL/pgSQL, so that the argument is built once
-- (an SQL function would be inlined with the argument written out three
-- times).
CREATE OR REPLACE FUNCTION ch_json_min(j json) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
	t text := j::text;
	r text := replace(t, ', ', ',');
BEGIN
	IF json_typeof(j) = 'array' AND length(t) - length(r) = json_array_length(j) - 1 THEN
		RETURN r;
	END IF;
	RETURN regexp_replace(t, '("(?:[^"\\]|\\.)*")|(,) ', '\1\2', 'g');
END
$$;
