#!/bin/sh
# The retry of a whole operation whose PostgreSQL transaction conflicted
# with another (serialization failure 40001, deadlock 40P01; ch_op_call in
# src/app/ops.c), against a throwaway server (tests/cli/pg_lib.sh). A
# trigger installed by this test only makes the insert of an event fail
# with the SQLSTATE the test chooses, as many times as it says (a sequence
# counts the tries: it is not rolled back with the transaction). A step
# that fails once is stored after a retry, exactly once; one that keeps
# failing gives up after 5 tries, exit 75, with a Chinese message, and
# stores nothing; a batch import is retried whole; a lock timeout (the
# busy wait already spent) is not retried; the seals and the audit chain
# verify afterwards.
. tests/cli/lib.sh
. "$ROOT/tests/cli/pg_lib.sh"
pg_start

FF=$FIX/funds
C=昌吉市
DB=$PGURL
# households are imported on SQLite and copied over with db copy
ch --db lite.db plan import "$FF/plan.csv" --year 2023 >/dev/null &&
	ch --db lite.db household import "$FF/register.csv" >/dev/null &&
	ch db copy --from sqlite:lite.db --to "$DB" >/dev/null ||
	echo "not ok - setting up the register"

psql -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || echo "not ok - installing the test's trigger"
CREATE SEQUENCE test_conflict_tries;
CREATE TABLE test_conflict (fails bigint NOT NULL, state text NOT NULL);
INSERT INTO test_conflict VALUES (0, '40001');
CREATE FUNCTION test_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE c test_conflict;
BEGIN
	SELECT * INTO c FROM test_conflict;
	IF nextval('test_conflict_tries') <= c.fails THEN
		RAISE EXCEPTION 'conflict forced by the test' USING ERRCODE = c.state;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER test_conflict BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION test_conflict();
SQL

# arm FAILS STATE: the next FAILS inserts of an event fail with STATE
arm() {
	psql -q -c "UPDATE test_conflict SET fails = $1, state = '$2'" \
		-c "SELECT setval('test_conflict_tries', 1, false)" >/dev/null
}
tries() { psql -Atc "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM test_conflict_tries"; }
events() { psql -Atc "SELECT count(*) FROM event e JOIN household h ON h.id = e.household_id WHERE h.hh_no = '$1'"; }

arm 1 40001
run ch --db "$DB" event record CJ001 已开工 --county $C --date 2023-05-10
expect_rc "a step whose transaction fails once with 40001: stored after a retry (exit 0)" 0
expect_eq "a step retried: ran twice" "$(tries)" 2
expect_eq "a step retried: stored exactly once" "$(events CJ001)" 1

arm 2 40P01
run ch --db "$DB" event record CJ002 已开工 --county $C --date 2023-05-10
expect_rc "a step whose transaction deadlocks twice (40P01): stored after retries (exit 0)" 0
expect_eq "a step that deadlocked twice: ran three times" "$(tries)" 3
expect_eq "a step that deadlocked twice: stored exactly once" "$(events CJ002)" 1

arm 1000 40001
run ch --db "$DB" event record CJ003 已开工 --county $C --date 2023-05-10
expect_rc "a step that always conflicts: gives up busy (exit 75)" 75
has_err "a step that always conflicts: says it tried 5 times, changed nothing and to try again" \
	"已尝试 5 次仍未成功，本次未作任何修改，请稍后重试"
expect_eq "a step that always conflicts: ran 5 times, no more" "$(tries)" 5
expect_eq "a step that always conflicts: nothing stored" "$(events CJ003)" 0

printf '县市,户编号,环节,日期,备注\n%s,CJ004,已开工,2023-05-11,\n%s,CJ005,已开工,2023-05-11,\n%s,CJ006,已开工,2023-05-11,\n' \
	$C $C $C >batch.csv
# the second row's insert fails in the first run: the whole batch runs again
arm 2 40001
run ch --db "$DB" event import batch.csv
expect_rc "a batch import that conflicts midway: imported after a retry (exit 0)" 0
expect_eq "a batch import retried: every row stored once" \
	"$(events CJ004)$(events CJ005)$(events CJ006)" 111
expect_eq "a batch import retried: one batch" \
	"$(psql -Atc "SELECT count(*) FROM event_batch WHERE file IS NOT NULL")" 1

arm 0 40001
# a lock timeout is busy too, but is not run again: it has waited already
psql -q -c "BEGIN" -c "SELECT pg_advisory_xact_lock(7162738192837465)" -c "SELECT pg_sleep(4)" \
	-c "COMMIT" >/dev/null &
holder=$!
sleep 1
start=$(date +%s)
run env CLEANHEAT_BUSY_TIMEOUT=1 "$CLEANHEAT" --db "$DB" event record CJ007 已开工 --county $C --date 2023-05-10
took=$(($(date +%s) - start))
wait $holder
expect_rc "a lock timeout: busy (exit 75)" 75
case "$ERR" in *已尝试*) not_ok "a lock timeout: not run again" ;; *) ok "a lock timeout: not run again" ;; esac
if [ "$took" -lt 3 ]; then ok "a lock timeout: given up after one wait (${took} s)"; else
	not_ok "a lock timeout: given up after one wait" "took $took s"; fi
expect_eq "a lock timeout: nothing stored" "$(events CJ007)" 0

psql -q -c "DROP TRIGGER test_conflict ON event" >/dev/null
run ch --db "$DB" verify
expect_rc "after the retries: verify (seals, payments, progress)" 0
run ch --db "$DB" audit verify
expect_rc "after the retries: audit verify" 0
run ch --db "$DB" report verify
expect_rc "after the retries: report verify" 0
