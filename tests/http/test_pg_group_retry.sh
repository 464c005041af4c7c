#!/bin/sh
# Group commit on PostgreSQL when a transaction conflicts with another
# (serialization failure 40001): a request alone is run again
# (ch_op_call), and a request of a group must be too (group_run in
# src/http/router.c). Against a throwaway server (tests/cli/pg_lib.sh),
# `cleanheat serve --workers 64` and 64 clients at once, each posting one
# county expense (`funds spend`, flagged CH_OP_GROUP); one asks for more
# than the account holds. Triggers installed by this test only force the
# conflicts, in two ways:
#
#   commit  the commit of a transaction that wrote more than one transfer
#           fails with 40001 (a deferred constraint trigger): every group
#           of two or more conflicts as it commits, nothing of it is
#           stored, and each of its requests must run again alone;
#   key     the insert of the transfer with one key fails with 40001 the
#           first time: that request conflicts under its savepoint while
#           the rest of its group commits, and must run again alone.
#
# Either way every valid request gets 200 naming its own key and is stored
# exactly once, the one asking too much gets 422 and leaves nothing, the
# balance is what the valid ones leave, and the ledger and the audit chain
# verify. A sequence counts the conflicts forced (it is not rolled back).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/pg_lib.sh"
pg_start
trap 'stop_server; pg_stop' EXIT
CLEANHEAT_DB=$PGURL
export CLEANHEAT_DB

N=64
BAD=17 # the client that asks for too much
C=昌吉市

spend_setup

psql -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || echo "not ok - installing the test's triggers"
CREATE SEQUENCE test_conflicts;
CREATE TABLE test_conflict (mode text NOT NULL, key text);
INSERT INTO test_conflict VALUES ('off', NULL);
-- counts the transaction's transfers (a setting local to the transaction,
-- taken back with a savepoint's rollback); in mode key, refuses KEY once
CREATE FUNCTION test_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE c test_conflict;
BEGIN
	SELECT * INTO c FROM test_conflict;
	PERFORM set_config('test.transfers',
		(coalesce(nullif(current_setting('test.transfers', true), ''), '0')::int + 1)::text, true);
	IF c.mode = 'key' AND NEW.idem_key = c.key THEN
		IF nextval('test_conflicts') = 1 THEN
			RAISE EXCEPTION 'conflict forced by the test' USING ERRCODE = '40001';
		END IF;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER test_transfer BEFORE INSERT ON transfer FOR EACH ROW EXECUTE FUNCTION test_transfer();
-- in mode commit, refuses the commit of more than one transfer
CREATE FUNCTION test_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT mode FROM test_conflict) = 'commit'
	   AND current_setting('test.transfers', true)::int > 1 THEN
		PERFORM nextval('test_conflicts');
		RAISE EXCEPTION 'group commit conflict forced by the test' USING ERRCODE = '40001';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER test_commit AFTER INSERT ON transfer DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION test_commit();
SQL

# arm MODE [KEY]
arm() {
	psql -q -c "UPDATE test_conflict SET mode = '$1', key = '${2:-}'" \
		-c "SELECT setval('test_conflicts', 1, false)" >/dev/null
}
conflicts() { psql -Atc "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM test_conflicts"; }

# round NAME PREFIX: 64 clients at once, keys PREFIX-1 ... PREFIX-64; checks
# the answers, the rows stored and the balance
round() {
	name=$1 prefix=$2
	t0=$(ntransfers)
	b0=$(psql -Atc "SELECT balance FROM account WHERE code LIKE 'county:%:central'")
	start_server --workers $N
	spend_at_once "$prefix"
	stop_server
	spend_answers "$prefix" "$name"
	expect_eq "$name: one transfer stored per valid request" "$(ntransfers)" $((t0 + N - 1))
	expect_eq "$name: each key stored once" \
		"$(psql -Atc "SELECT count(*), count(DISTINCT idem_key) FROM transfer WHERE idem_key LIKE '$prefix-%'")" \
		"$((N - 1))|$((N - 1))"
	expect_eq "$name: the refused request left no transfer" \
		"$(psql -Atc "SELECT count(*) FROM transfer WHERE idem_key = '$prefix-$BAD'")" 0
	expect_eq "$name: the county account: what the valid requests spent less" \
		"$(psql -Atc "SELECT balance FROM account WHERE code LIKE 'county:%:central'")" \
		$((b0 - SPENT * 100))
}

arm commit
round "every group's commit conflicts" GC
n=$(conflicts)
if [ "$n" -ge 1 ]; then ok "every group's commit conflicts: $n commits refused"; else
	not_ok "every group's commit conflicts: no group was formed to conflict" "$(tail -n 5 "$WORK/server.log")"; fi
if grep -q 'conflicted and ran again alone' "$WORK/server.log"; then
	ok "every group's commit conflicts: the server ran the requests again alone"
else
	not_ok "every group's commit conflicts: the server did not say it ran requests again" \
		"$(tail -n 5 "$WORK/server.log")"
fi

arm key GK-5
round "one request conflicts under its savepoint" GK
expect_eq "one request conflicts under its savepoint: one conflict forced" "$(conflicts)" 2
grep -q '1 of [0-9]* requests conflicted and ran again alone' "$WORK/server.log" &&
	ok "one request conflicts under its savepoint: the server ran it again alone" ||
	not_ok "one request conflicts under its savepoint: the server did not run it again" \
		"$(tail -n 5 "$WORK/server.log")"

arm off
run ch --as fin ledger verify
expect_rc "after the conflicts: the ledger verifies" 0
run ch verify
expect_rc "after the conflicts: the audit chain and the rows verify" 0
