#!/bin/sh
# End-to-end tests of `cleanheat audit verify` against a tamperer who edits
# the database file with the sqlite3 tool: the append-only triggers stop a
# plain UPDATE or DELETE, so the tamperer drops them first; every kind of
# change must then be found, naming the first bad entry.
# sqlite-only: tampers with the SQLite file through the sqlite3 shell (PostgreSQL's audit log: tests/cli/test_pg.sh, test_pg_same.sh)
. "$(dirname "$0")/lib.sh"

R=$FIX/region
CORRECTED=$ROOT/data/plans/changji-2023-corrected.csv


if ! command -v sqlite3 >/dev/null 2>&1; then
	RC=127 OUT='' ERR=''
	not_ok "the sqlite3 command-line tool is installed"
	exit 1
fi

# ---- a database with a few writes ----

ch --db base.db user add alice --role county_operator --scope 昌吉市 >/dev/null
ch --db base.db plan import "$CORRECTED" --year 2023 >/dev/null
ch --db base.db region import "$R/changji-townships.csv" >/dev/null
ch --db base.db user add aud --role auditor >/dev/null
N=$(sqlite3 base.db "SELECT count(*) FROM audit_log")
if [ "$N" -ge 6 ]; then ok "setup: $N audit entries"; else RC='?' OUT=$N ERR=''; not_ok "setup: at least 6 audit entries"; fi
PLAN_SEQ=$(sqlite3 base.db "SELECT seq FROM audit_log WHERE action = 'plan.import'")

run ch --db base.db audit verify
expect_rc "verify after writes: exit 0" 0
expect_out "verify after writes: counts the entries" "$N 条记录"
run ch --db base.db --as aud audit verify
expect_rc "verify as the auditor: exit 0" 0

# fresh NAME: a copy of the untouched database, as NAME.db
fresh() {
	rm -f "$1.db" "$1.db-wal" "$1.db-shm"
	cp base.db "$1.db"
}
# tamper NAME SQL: runs SQL on NAME.db with sqlite3; stops the case if it fails
tamper() {
	if ! sqlite3 "$1.db" "$2" >"$WORK/.sqlout" 2>&1; then
		RC='?' OUT=$(cat "$WORK/.sqlout") ERR=''
		not_ok "$1: sqlite3 tampering itself failed" "$2"
		return 1
	fi
}

# ---- the triggers stop a plain UPDATE or DELETE ----

fresh triggers
if sqlite3 triggers.db "UPDATE audit_log SET after = '{}' WHERE seq = 2" >"$WORK/.sqlout" 2>&1; then
	RC=0 OUT='' ERR=$(cat "$WORK/.sqlout")
	not_ok "UPDATE audit_log without dropping the trigger fails"
else
	ok "UPDATE audit_log without dropping the trigger fails"
fi
if grep -q "append-only" "$WORK/.sqlout"; then ok "the UPDATE is refused as append-only"; else
	RC='?' OUT='' ERR=$(cat "$WORK/.sqlout"); not_ok "the UPDATE is refused as append-only"; fi
if sqlite3 triggers.db "DELETE FROM audit_log WHERE seq = 2" >"$WORK/.sqlout" 2>&1; then
	RC=0 OUT='' ERR=$(cat "$WORK/.sqlout")
	not_ok "DELETE FROM audit_log without dropping the trigger fails"
else
	ok "DELETE FROM audit_log without dropping the trigger fails"
fi
run ch --db triggers.db audit verify
expect_rc "after the refused UPDATE and DELETE: still verifies" 0

# ---- (a) one entry's `after` edited ----

fresh edited
tamper edited "DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET after = replace(after, '13561', '14561') WHERE seq = $PLAN_SEQ;" && {
	run ch --db edited.db audit verify
	expect_rc "edited after: exit 1" 1
	expect_out "edited after: names entry $PLAN_SEQ" "第 $PLAN_SEQ 条"
	expect_err "edited after: stderr names entry $PLAN_SEQ" "entry $PLAN_SEQ "
	expect_out "edited after: says it was edited" "edited"
}

fresh actor
tamper actor "DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET actor = 'alice' WHERE seq = 3;" && {
	run ch --db actor.db audit verify
	expect_rc "edited actor: exit 1" 1
	expect_out "edited actor: names entry 3" "第 3 条"
}

fresh nullafter
tamper nullafter "DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET after = NULL WHERE seq = 3;" && {
	run ch --db nullafter.db audit verify
	expect_rc "after set to NULL: exit 1" 1
	expect_out "after set to NULL: names entry 3" "第 3 条"
}

# ---- (b) a middle entry deleted ----

fresh deleted
tamper deleted "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3;" && {
	run ch --db deleted.db audit verify
	expect_rc "middle entry deleted: exit 1" 1
	expect_out "middle entry deleted: names entry 3" "第 3 条"
	expect_err "middle entry deleted: says it is missing" "missing"
}

# deleted, and the later entries renumbered to close the gap
fresh renumbered
tamper renumbered "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update;
DELETE FROM audit_log WHERE seq = 3;
UPDATE audit_log SET seq = -(seq - 1) WHERE seq > 3;
UPDATE audit_log SET seq = -seq WHERE seq < 0;
UPDATE audit_head SET seq = seq - 1;" && {
	run ch --db renumbered.db audit verify
	expect_rc "middle entry deleted, rest renumbered: exit 1" 1
	expect_out "deleted and renumbered: names entry 3" "第 3 条"
}

# ---- (c) two entries' contents swapped ----

fresh swapped
tamper swapped "DROP TRIGGER audit_log_no_update;
CREATE TEMP TABLE s AS SELECT * FROM audit_log WHERE seq IN (3, 4);
UPDATE audit_log SET
  at = (SELECT at FROM s WHERE s.seq = 7 - audit_log.seq),
  actor = (SELECT actor FROM s WHERE s.seq = 7 - audit_log.seq),
  action = (SELECT action FROM s WHERE s.seq = 7 - audit_log.seq),
  object = (SELECT object FROM s WHERE s.seq = 7 - audit_log.seq),
  before = (SELECT before FROM s WHERE s.seq = 7 - audit_log.seq),
  after = (SELECT after FROM s WHERE s.seq = 7 - audit_log.seq),
  prev_hash = (SELECT prev_hash FROM s WHERE s.seq = 7 - audit_log.seq),
  hash = (SELECT hash FROM s WHERE s.seq = 7 - audit_log.seq)
WHERE seq IN (3, 4);" && {
	if [ "$(sqlite3 swapped.db "SELECT action FROM audit_log WHERE seq = 3")" = \
		"$(sqlite3 base.db "SELECT action FROM audit_log WHERE seq = 4")" ]; then
		ok "swapped: entries 3 and 4 exchanged"
	else
		RC='?' OUT='' ERR=''; not_ok "swapped: entries 3 and 4 exchanged"
	fi
	run ch --db swapped.db audit verify
	expect_rc "two entries swapped: exit 1" 1
	expect_out "two entries swapped: names entry 3" "第 3 条"
}

# the same by swapping their seq numbers
fresh reseq
tamper reseq "DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET seq = -seq WHERE seq IN (3, 4);
UPDATE audit_log SET seq = 7 + seq WHERE seq IN (-3, -4);" && {
	run ch --db reseq.db audit verify
	expect_rc "two entries' seq numbers swapped: exit 1" 1
	expect_out "seq numbers swapped: names entry 3" "第 3 条"
}

# ---- (d) the last entry deleted, audit_head left alone ----

fresh lastgone
tamper lastgone "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = $N;" && {
	run ch --db lastgone.db audit verify
	expect_rc "last entry deleted: exit 1" 1
	expect_out "last entry deleted: names entry $N" "第 $N 条"
	expect_err "last entry deleted: the head records $N" "head records entry $N"
}

fresh head
tamper head "UPDATE audit_head SET hash = '0000000000000000000000000000000000000000000000000000000000000001';" && {
	run ch --db head.db audit verify
	expect_rc "audit_head hash replaced: exit 1" 1
}

# ---- (e) an untouched copy still verifies ----

fresh untouched
run ch --db untouched.db audit verify
expect_rc "untouched copy: exit 0" 0
expect_out "untouched copy: intact" "$N 条记录"

# and keeps working: a new write extends the chain
run ch --db untouched.db user add fin --role finance
expect_rc "untouched copy: another write" 0
run ch --db untouched.db audit verify
expect_rc "untouched copy after another write: exit 0" 0
# the user's entry and the seal of the new row (audit.seal)
expect_out "untouched copy after another write: its entry and its seal" "$((N + 2)) 条记录"

# ---- who may verify ----

run ch --db base.db --as alice audit verify
expect_rc "county operator audit verify: permission denied (3)" 3
run ch --db base.db audit verify extra
expect_rc "audit verify with an argument: exit 2" 2

# ---- reading the log: Beijing time, a sentence per entry, by household ----

PF=$FIX/progress
ch --db read.db plan import "$PF/plan-small.csv" --year 2023 >/dev/null
ch --db read.db household import "$PF/register.csv" >/dev/null
ch --db read.db event record CJ002 已开工 --county 昌吉市 --date 2023-04-20 >/dev/null
ch --db read.db event record CJ001 已开工 --county 昌吉市 --date 2023-04-21 >/dev/null
ch --db read.db event correct CJ002 已开工 --county 昌吉市 --date 2023-04-22 >/dev/null
run ch --db read.db audit log --format csv
expect_rc "audit log: exit 0" 0
has "audit log: times in Beijing time" "时间(北京时间)"
UTC=$(sqlite3 read.db "SELECT at FROM audit_log WHERE seq = 1")
BJ=$(date -u -d "$(echo "$UTC" | sed 's/T/ /; s/Z//') 8 hours" '+%Y-%m-%d %H:%M:%S')
has "audit log: the first entry's time is UTC + 8 hours" "1,$BJ,"
has "audit log: a step reads as a sentence naming the household" "为 昌吉市 户 CJ002 记录「已开工」2023-04-20"
has "audit log: a correction names the household and both dates" "更正 昌吉市 户 CJ002 的「已开工」日期：2023-04-20 改为 2023-04-22"
has "audit log: an import reads as a sentence" "register.csv：读入 6 行，新增 6 户"
run ch --db read.db audit log --county 昌吉市 --household CJ002 --format csv
expect_rc "audit log --household: exit 0" 0
expect_eq "audit log --household CJ002: its two entries" "$(printf '%s\n' "$OUT" | sed 1d | grep -c .)" 2
lacks "audit log --household CJ002: not CJ001's step" "CJ001"
run ch --db read.db audit log --household CJ002
expect_rc "audit log --household without --county: usage error" 2
run ch --db read.db audit log --county 玛纳斯 --household CJ002
expect_rc "audit log --county of another county: exit 0" 0
lacks "audit log --county of another county: nothing of 昌吉市" "CJ002"
